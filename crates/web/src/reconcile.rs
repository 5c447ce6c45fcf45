//! The portal's published figures beside chiso's, for the `/reconcile` page
//! and `/api/v1/reconcile`: the stored figures of the period (those the
//! scope permits), compared and explained by `chiso_core::reconcile` with
//! the cached score sheet and explanations. Nothing is computed here.

use chiso_core::period::Period;
use chiso_core::reconcile::{self, Reconciliation};
use chiso_core::storage::Storage;

use crate::access::Scope;
use crate::error::Error;
use crate::state::Ctx;

/// The reconciliation of a period, restricted to one unit when `unit` is
/// given (a unit without published figures is unknown here).
pub fn reconciliation(
    ctx: &Ctx<'_>,
    scope: &Scope,
    period: &Period,
    unit: Option<&str>,
) -> Result<Reconciliation, Error> {
    let mut portal = ctx.store().published(period)?;
    portal.retain(|p| scope.permits(&p.unit_code) && unit.is_none_or(|u| u == p.unit_code));
    if let (Some(code), true) = (unit, portal.is_empty()) {
        return Err(Error::UnknownUnit(code.to_string()));
    }
    let sheet = ctx.sheet(scope, period)?;
    let set = ctx.methodologies()?;
    let m = set
        .get(&sheet.methodology)
        .ok_or_else(|| Error::UnknownMethodology(sheet.methodology.clone()))?;
    let mut rec = reconcile::compare(&sheet, m, &portal);
    reconcile::explain_gaps(
        &mut rec,
        m,
        reconcile::EXPLAINED_UNITS,
        reconcile::EXAMPLES,
        |unit, criterion| ctx.explanation(period, unit, criterion),
    )?;
    Ok(rec)
}
