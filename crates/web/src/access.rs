//! Which units a request may see.
//!
//! Every handler that names a unit resolves it through [`resolve_unit`], and
//! every list of units goes through [`Scope::permits`]. Today every request
//! sees every unit ([`Scope::All`]). When accounts arrive, the [`Scope`]
//! extractor reads the session and returns a scope limited to the user's
//! subtree (a variant holding the root code, checked with
//! `Hierarchy::subtree`); no handler needs to change, and a unit outside the
//! scope answers exactly like a unit that does not exist.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::Uri;
use chiso_core::scoring::{ScoreSheet, UnitScore};

use crate::error::Error;

/// The units a request may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every unit (no accounts yet).
    All,
}

impl Scope {
    /// Whether the unit with this code may be shown.
    pub fn permits(&self, _code: &str) -> bool {
        match self {
            Scope::All => true,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Scope {
    type Rejection = Infallible;

    async fn from_request_parts(_parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Scope::All)
    }
}

/// The key of a cached response: the scope and the request's path and query.
pub fn cache_key(scope: Scope, uri: &Uri) -> String {
    format!("{scope:?} {uri}")
}

/// The scored unit a request names, if it exists in the period and the scope permits it.
pub fn resolve_unit<'a>(
    scope: Scope,
    sheet: &'a ScoreSheet,
    code: &str,
) -> Result<&'a UnitScore, Error> {
    sheet
        .unit(code)
        .filter(|u| scope.permits(&u.code))
        .ok_or_else(|| Error::UnknownUnit(code.to_string()))
}

/// The units of a sheet the scope permits, in the sheet's order.
pub fn visible(scope: Scope, sheet: &ScoreSheet) -> impl Iterator<Item = &UnitScore> {
    sheet.units.iter().filter(move |u| scope.permits(&u.code))
}
