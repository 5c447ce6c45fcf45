//! Consolidation up the unit tree (cchc.md §3): a parent's figures from its
//! children's approved submissions. `sum` rows add, by level of government
//! (the breakdown replaces notes like "Cấp huyện: 72 Cấp xã: 40"); `own` rows
//! are the parent's own; rates and sums are recomputed from the summed parts
//! (never averaged) when the result is resolved into a sheet. A parent may be
//! approved only when every expected child is approved or waived; the
//! completeness and timeliness of a period count expected, received and
//! on-time reports.

use std::collections::BTreeMap;

use chiso_core::records::{Unit, UnitKind};
use chiso_core::time::{Date, Instant};

use crate::catalogue::{Aggregate, Catalogue, Indicator, Kind};
use crate::decimal::Decimal;
use crate::value::{Breakdown, Entry, IndicatorId, Origin, Tier, Value, Values};
use crate::workflow::{Status, Submission};

/// One approved submission feeding a consolidation: the child's own, or
/// (for a child that consolidates in turn) its consolidated figures.
#[derive(Clone, Copy, Debug)]
pub struct Contribution<'a> {
    pub unit: &'a str,
    pub kind: UnitKind,
    pub values: &'a Values,
}

/// A parent's consolidated figures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Consolidation {
    /// Resolve with `Scope::Consolidated` to get the recomputed rates and sums.
    pub values: Values,
    /// Summed rows that some contributors left empty (added as if absent),
    /// with those contributors' codes, for the office to chase.
    pub gaps: Vec<(IndicatorId, Vec<String>)>,
}

/// Consolidates the children's approved figures with the parent's own.
pub fn consolidate(
    catalogue: &Catalogue,
    parent: Contribution,
    children: &[Contribution],
) -> Consolidation {
    let mut out = Consolidation::default();
    for ind in catalogue.indicators() {
        let own = parent.values.get(&ind.id);
        if ind.kind == Kind::Heading {
            continue;
        }
        if ind.aggregate != Aggregate::Sum {
            // Own figures as entered; derived rows only keep their note (they
            // are recomputed, the printed value is not carried up).
            if let Some(e) = own {
                let entry = if ind.kind.is_derived() {
                    Entry {
                        note: e.note.clone(),
                        ..Entry::default()
                    }
                } else {
                    e.clone()
                };
                out.values.set(ind.id.clone(), entry);
            }
            continue;
        }
        let mut total = Decimal::ZERO;
        let mut by_level: BTreeMap<Tier, Decimal> = BTreeMap::new();
        let mut any = false;
        let mut missing = Vec::new();
        for (i, c) in std::iter::once(&parent).chain(children).enumerate() {
            if !catalogue.reported_by(ind, c.kind) {
                continue;
            }
            let entry = c.values.get(&ind.id);
            let Some(value) = entry.and_then(Entry::as_number) else {
                // The parent's own share may be nothing; a child's empty row is a gap.
                if i > 0 {
                    missing.push(c.unit.to_string());
                }
                continue;
            };
            any = true;
            total = total.checked_add(value).unwrap_or(total);
            for (tier, v) in attribute(ind, c.kind, value, entry.map(|e| &e.by_level)) {
                let slot = by_level.entry(tier).or_insert(Decimal::ZERO);
                *slot = slot.checked_add(v).unwrap_or(*slot);
            }
        }
        if !any {
            continue;
        }
        if !missing.is_empty() {
            out.gaps.push((ind.id.clone(), missing));
        }
        let by_level = Breakdown(by_level);
        out.values.set(
            ind.id.clone(),
            Entry {
                value: Some(Value::Number(total)),
                note: own.map(|e| e.note.clone()).unwrap_or_default(),
                by_level,
                as_of: None,
                origin: Origin::Aggregated,
            },
        );
    }
    out
}

/// A contribution split by level: what its breakdown states, the rest to the
/// level it reports for (the row's `of_level`, or the reporter's own).
fn attribute(
    ind: &Indicator,
    kind: UnitKind,
    value: Decimal,
    stated: Option<&Breakdown>,
) -> Vec<(Tier, Decimal)> {
    let home = ind.of_level.unwrap_or(Tier::of(kind));
    let mut parts: Vec<(Tier, Decimal)> = stated
        .map(|b| b.0.iter().map(|(t, v)| (*t, *v)).collect())
        .unwrap_or_default();
    let stated_sum = Decimal::sum(parts.iter().map(|(_, v)| *v)).unwrap_or(Decimal::ZERO);
    match value.checked_sub(stated_sum) {
        Some(rest) if rest > Decimal::ZERO => parts.push((home, rest)),
        Some(rest) if rest == Decimal::ZERO => {}
        // A breakdown beyond its total is refused at submission; never trust it here.
        _ => parts = vec![(home, value)],
    }
    parts
}

/// The units expected to report to `parent` for a period: its direct
/// children of a reporting level, in force on the window's end.
pub fn expected_reporters<'u>(
    catalogue: &Catalogue,
    units: &'u [Unit],
    parent: &str,
    window_end: Date,
) -> Vec<&'u Unit> {
    units
        .iter()
        .filter(|u| u.parent_code.as_deref() == Some(parent))
        .filter(|u| catalogue.reporting_levels.contains(&u.kind))
        .filter(|u| {
            u.valid_from.is_none_or(|f| f <= window_end)
                && u.valid_to.is_none_or(|t| window_end <= t)
        })
        .collect()
}

/// Expected children that are neither approved nor waived (a parent's
/// approval waits for them).
pub fn pending_children(expected: &[(&Unit, Option<&Submission>)]) -> Vec<String> {
    expected
        .iter()
        .filter(|(_, s)| !matches!(s.map(|s| s.status), Some(Status::Approved | Status::Waived)))
        .map(|(u, _)| u.code.clone())
        .collect()
}

/// Reporting completeness and timeliness of one period, as the office checks it daily.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completeness {
    /// Expected reporters (waived ones excluded).
    pub expected: usize,
    /// Submitted at least once.
    pub received: usize,
    /// First submitted by the due date.
    pub on_time: usize,
    pub approved: usize,
    pub waived: Vec<String>,
    /// Not submitted yet (no submission, or a draft never sent).
    pub missing: Vec<String>,
    /// Returned and not sent again, with the reason.
    pub returned: Vec<(String, String)>,
    /// Submitted after the due date, or still missing after it.
    pub late: Vec<String>,
}

impl Completeness {
    /// received / expected, in percent (exact), `None` when nothing is expected.
    pub fn completeness(&self) -> Option<Decimal> {
        crate::decimal::percent(
            Decimal::from_int(self.received as i64),
            Decimal::from_int(self.expected as i64),
            2,
        )
    }

    /// on time / expected, in percent.
    pub fn timeliness(&self) -> Option<Decimal> {
        crate::decimal::percent(
            Decimal::from_int(self.on_time as i64),
            Decimal::from_int(self.expected as i64),
            2,
        )
    }
}

/// Counts who has reported, on time or late, and who was returned, as of `now`.
pub fn completeness(
    expected: &[(&Unit, Option<&Submission>)],
    due: impl Fn(&Unit) -> Date,
    now: Instant,
) -> Completeness {
    let mut c = Completeness::default();
    for (unit, sub) in expected {
        let code = unit.code.clone();
        if sub.is_some_and(|s| s.status == Status::Waived) {
            c.waived.push(code);
            continue;
        }
        c.expected += 1;
        let deadline = due(unit).end();
        match sub.and_then(|s| s.first_submitted()) {
            Some(at) => {
                c.received += 1;
                if at <= deadline {
                    c.on_time += 1;
                } else {
                    c.late.push(code.clone());
                }
            }
            None => {
                c.missing.push(code.clone());
                if now > deadline {
                    c.late.push(code.clone());
                }
            }
        }
        if let Some(s) = sub {
            match s.status {
                Status::Approved => c.approved += 1,
                Status::Returned => c
                    .returned
                    .push((code, s.return_reason().unwrap_or("").to_string())),
                _ => {}
            }
        }
    }
    c
}
