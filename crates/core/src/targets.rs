//! Targets as data: the targets a province assigns its units for a year
//! (chỉ tiêu giao, as S000 scores online dossiers "theo chỉ tiêu giao năm
//! 2023") and the government's yearly goals (Resolution 02/NQ-CP), imported
//! or edited by the office and kept by the store (`Batch::put_target`,
//! `IndexStore::targets`).
//!
//! An assigned target changes points only where the methodology says so
//! (`assigned_target = true` on a criterion: 766-2023's 3.3): the unit's
//! target for the period's year replaces the rule's threshold
//! ([`Targets::threshold`], used by `scoring::score_units`). A goal never
//! changes points; it marks "target missed" as the methodology's own goals
//! do, and a stored goal for a year replaces the file's.

use std::collections::BTreeMap;

use crate::methodology::Methodology;
use crate::scoring::{Basis, ScoreSheet};

/// One target: a criterion's ratio (0–1) for a year.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The unit assigned the target; `None` for a government goal, which
    /// applies to every unit.
    pub unit_code: Option<String>,
    pub year: i32,
    pub criterion: String,
    /// A ratio, 0–1.
    pub value: f64,
    /// Where it comes from (the assigning decision, the resolution).
    pub source: String,
}

impl Target {
    /// The store's key: one target per unit (or none), year and criterion.
    pub fn key(&self) -> (Option<&str>, i32, &str) {
        (self.unit_code.as_deref(), self.year, &self.criterion)
    }
}

/// The targets in force, looked up by unit, criterion and year.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Targets {
    assigned: BTreeMap<(String, String, i32), f64>,
    goals: BTreeMap<(String, i32), f64>,
}

impl Targets {
    pub fn new(list: &[Target]) -> Targets {
        let mut t = Targets::default();
        for x in list {
            match &x.unit_code {
                Some(u) => {
                    t.assigned
                        .insert((u.clone(), x.criterion.clone(), x.year), x.value);
                }
                None => {
                    t.goals.insert((x.criterion.clone(), x.year), x.value);
                }
            }
        }
        t
    }

    /// The unit's assigned target for the criterion and year.
    pub fn assigned(&self, unit: &str, criterion: &str, year: i32) -> Option<f64> {
        self.assigned
            .get(&(unit.to_string(), criterion.to_string(), year))
            .copied()
    }

    /// The government's goal stored for the criterion and year.
    pub fn goal(&self, criterion: &str, year: i32) -> Option<f64> {
        self.goals.get(&(criterion.to_string(), year)).copied()
    }

    /// The threshold a unit is scored against on a criterion with
    /// `assigned_target`: its assigned target for the year, if any.
    pub fn threshold(&self, unit: &str, criterion: &str, year: i32) -> Option<f64> {
        self.assigned(unit, criterion, year).filter(|t| *t > 0.0)
    }
}

/// Target, actual and gap of one unit on one criterion.
#[derive(Clone, Debug, PartialEq)]
pub struct Gap {
    pub unit_code: String,
    pub unit_name: String,
    pub criterion: String,
    /// The assigned target, else the goal.
    pub target: f64,
    pub assigned: bool,
    pub actual: Option<f64>,
    /// actual − target (negative: short of the target).
    pub gap: Option<f64>,
}

/// Targets beside what the sheet's units achieved, and the units missing
/// an assigned target on a criterion scored against one.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TargetReport {
    pub year: i32,
    pub gaps: Vec<Gap>,
    /// (unit code, unit name, criterion).
    pub missing: Vec<(String, String, String)>,
}

/// Every scored unit's targets for the sheet's year against its ratios.
pub fn report(sheet: &ScoreSheet, m: &Methodology, targets: &Targets) -> TargetReport {
    let year = sheet.period.to.year();
    let mut out = TargetReport {
        year,
        ..TargetReport::default()
    };
    for u in &sheet.units {
        for (c, s) in m.criteria.iter().zip(&u.criteria) {
            if matches!(s.basis, Basis::Inherited(_)) {
                continue;
            }
            let assigned = targets.assigned(&u.code, &c.id, year);
            if c.assigned_target && assigned.is_none() {
                out.missing
                    .push((u.code.clone(), u.name.clone(), c.id.clone()));
            }
            let goal = s.goal;
            let Some(target) = assigned.or(goal) else {
                continue;
            };
            out.gaps.push(Gap {
                unit_code: u.code.clone(),
                unit_name: u.name.clone(),
                criterion: c.id.clone(),
                target,
                assigned: assigned.is_some(),
                actual: s.ratio,
                gap: s.ratio.map(|r| r - target),
            });
        }
    }
    out
}
