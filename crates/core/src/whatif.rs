//! What-if (giả định): a unit's criterion points, total and rank among its
//! peers if some dossiers were different, and the reverse, the fewest
//! dossiers to change for a target total.
//!
//! A scenario names records, never bare numbers: "these dossiers finished
//! on time", "N more of the month's dossiers online / paid online / with an
//! electronic result / digitised" (the N taken in a stated order from those
//! that could be), so the answer is the [`Scene`] rescored with those
//! records replaced by their variants, which is exactly what a store holding
//! the changed records scores (`core/tests/ahead.rs`). "If criterion X
//! reached Y%" is the one scenario stated on a ratio: its points follow the
//! criterion's rule, and the dossiers it takes are counted.

use crate::engine::UnitRecords;
use crate::measures::Measure;
use crate::methodology::Criterion;
use crate::records::{Channel, Dossier, DossierStatus};
use crate::scene::Scene;
use crate::scoring::{self, Basis, UnitScore};

/// A change that can be made to one dossier received in the period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lever {
    /// Finished on time (a dossier late in the period).
    OnTime,
    /// Submitted online (with an electronic result when its result is a document).
    Online,
    /// Its fee paid online.
    PaidOnline,
    /// An electronic result (kết quả điện tử).
    EResult,
    /// Digitised (số hoá), with an electronic result when its result is a document.
    Digitized,
}

impl Lever {
    pub const ALL: &'static [Lever] = &[
        Lever::OnTime,
        Lever::Online,
        Lever::PaidOnline,
        Lever::EResult,
        Lever::Digitized,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Lever::OnTime => "on-time",
            Lever::Online => "online",
            Lever::PaidOnline => "paid-online",
            Lever::EResult => "e-result",
            Lever::Digitized => "digitized",
        }
    }

    pub fn parse(text: &str) -> Option<Lever> {
        Lever::ALL.iter().copied().find(|l| l.code() == text.trim())
    }

    /// What the change is, in Vietnamese, for `n` dossiers.
    pub fn label_vi(self) -> &'static str {
        match self {
            Lever::OnTime => "giải quyết đúng hạn",
            Lever::Online => "nộp trực tuyến",
            Lever::PaidOnline => "thanh toán trực tuyến",
            Lever::EResult => "cấp kết quả điện tử",
            Lever::Digitized => "số hoá",
        }
    }
}

/// A what-if.
#[derive(Clone, Debug, PartialEq)]
pub enum Scenario {
    /// These dossiers (by id) finished on time.
    OnTime(Vec<String>),
    /// `n` more of the period's dossiers changed by the lever.
    More(Lever, usize),
    /// Criterion `id` at `ratio` (0–1).
    Reach(String, f64),
}

/// One criterion before and after.
#[derive(Clone, Debug, PartialEq)]
pub struct CriterionChange {
    pub id: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub ratio_before: Option<f64>,
    pub ratio_after: Option<f64>,
    pub max: f64,
}

/// The answer to a what-if.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub unit_code: String,
    pub total_before: Option<f64>,
    pub total_after: Option<f64>,
    pub rank_before: Option<usize>,
    pub rank_after: Option<usize>,
    pub rank_of: usize,
    /// Criteria whose points or ratio changed.
    pub changed: Vec<CriterionChange>,
    /// The dossiers changed (ids), in the order taken.
    pub dossiers: Vec<String>,
    /// Ids asked for that could not be changed (unknown, or not late in the period).
    pub skipped: Vec<String>,
    /// For a ratio reached: how many more dossiers (or records) the
    /// criterion's numerator needs.
    pub needed: Option<i64>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WhatIfError {
    #[error("không có đơn vị '{0}' được chấm điểm trong kỳ")]
    UnknownUnit(String),
    #[error("không có chỉ số '{0}' trong bộ chỉ số {1}")]
    UnknownCriterion(String, String),
    #[error("tỷ lệ {0} không hợp lệ: dùng số từ 0 đến 100 (phần trăm)")]
    BadRatio(f64),
}

/// The dossiers of the unit's subtree (in `records`) the lever can change,
/// in the order a what-if takes them (by id): for `OnTime` those late in the
/// period, for the others those received in the period without the fact.
pub fn candidates<'a>(
    scene: &Scene,
    unit_code: &str,
    records: &'a UnitRecords,
    lever: Lever,
) -> Vec<&'a Dossier> {
    let subtree: std::collections::HashSet<String> = scene
        .hierarchy
        .subtree(unit_code, &scene.period)
        .into_iter()
        .collect();
    let mut out: Vec<&Dossier> = records
        .dossiers
        .iter()
        .filter(|d| subtree.contains(&d.unit_code))
        .filter(|d| {
            let c = scene.contribution(d);
            let measures = crate::measures::dossier_measures(&c, &scene.period);
            let received_in = measures.contains(&Measure::DossiersReceived);
            let p = scene.procedure(&d.procedure_code);
            let paper = p.is_some_and(|p| p.paper_result);
            let fee = p.is_some_and(|p| p.has_fee) && d.fee_amount > 0;
            match lever {
                Lever::OnTime => measures.contains(&Measure::TimelinessLate),
                Lever::Online => received_in && !measures.contains(&Measure::DossiersOnline),
                Lever::PaidOnline => received_in && fee && d.paid_online == 0,
                Lever::EResult => received_in && paper && !d.e_result,
                Lever::Digitized => received_in && !measures.contains(&Measure::DossiersDigitized),
            }
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// The dossier changed by the lever, as it would be recorded.
pub fn variant(scene: &Scene, d: &Dossier, lever: Lever) -> Dossier {
    let mut v = d.clone();
    let paper = scene
        .procedure(&d.procedure_code)
        .is_some_and(|p| p.paper_result);
    match lever {
        Lever::OnTime => {
            // Finished at the scene's instant, before a deadline set then,
            // by a named officer, after at most one supplement request.
            let now = scene.now();
            v.status = DossierStatus::Finished;
            v.finished_at = Some(now.max(d.received_at));
            v.returned_at = None;
            v.due_at = Some(now.max(d.received_at));
            v.handler_named = true;
            v.supplement_requests = v.supplement_requests.min(1);
        }
        Lever::Online => {
            v.channel = Channel::Online;
            v.e_result |= paper;
        }
        Lever::PaidOnline => v.paid_online = 1,
        Lever::EResult => v.e_result = true,
        Lever::Digitized => {
            v.digitized = true;
            v.e_result |= paper;
        }
    }
    v
}

/// Applies a scenario to a copy of the scene and compares the unit's score.
pub fn what_if(
    scene: &Scene,
    unit_code: &str,
    records: &UnitRecords,
    scenario: &Scenario,
) -> Result<Outcome, WhatIfError> {
    let unknown = || WhatIfError::UnknownUnit(unit_code.to_string());
    let before = scene.unit_score(unit_code).ok_or_else(unknown)?;
    let mut changed_scene = scene.clone();
    let mut dossiers = Vec::new();
    let mut skipped = Vec::new();
    let after = match scenario {
        Scenario::OnTime(ids) => {
            let late = candidates(scene, unit_code, records, Lever::OnTime);
            for id in ids {
                match late.iter().find(|d| &d.id == id) {
                    Some(d) => {
                        changed_scene.replace(d, &variant(scene, d, Lever::OnTime));
                        dossiers.push(id.clone());
                    }
                    None => skipped.push(id.clone()),
                }
            }
            changed_scene.unit_score(unit_code).ok_or_else(unknown)?
        }
        Scenario::More(lever, n) => {
            for d in candidates(scene, unit_code, records, *lever)
                .into_iter()
                .take(*n)
            {
                changed_scene.replace(d, &variant(scene, d, *lever));
                dossiers.push(d.id.clone());
            }
            changed_scene.unit_score(unit_code).ok_or_else(unknown)?
        }
        Scenario::Reach(id, ratio) => {
            if !(0.0..=1.0).contains(ratio) {
                return Err(WhatIfError::BadRatio(ratio * 100.0));
            }
            let c = scene.methodology.criterion(id).ok_or_else(|| {
                WhatIfError::UnknownCriterion(id.clone(), scene.methodology.id.clone())
            })?;
            return Ok(reach(scene, &before, c, *ratio));
        }
    };
    Ok(compare(scene, &before, &after, dossiers, skipped))
}

/// "If criterion X reached Y%": the criterion rescored at that ratio, the
/// total and the rank among peers recomputed from the criteria.
fn reach(scene: &Scene, before: &UnitScore, c: &Criterion, ratio: f64) -> Outcome {
    let year = scene.period.to.year();
    let mut after = before.clone();
    let mut needed = None;
    if let Some(s) = after.criteria.iter_mut().find(|s| s.id == c.id) {
        if s.basis == Basis::Measured {
            let den = s.denominator.unwrap_or(0);
            let num = s.numerator.unwrap_or(0);
            let more = ((ratio * den as f64) - 1e-9).ceil() as i64 - num;
            needed = Some(more.max(0));
            s.ratio = Some(ratio.max(s.ratio.unwrap_or(0.0)));
            s.points = s.ratio.map(|r| c.rule.points(r.min(1.0), c.max, year));
        }
    }
    let (groups, total) = scoring::groups_and_total(&scene.methodology, &after.criteria);
    after.groups = groups;
    after.total = total;
    let mut o = compare(scene, before, &after, Vec::new(), Vec::new());
    o.needed = needed;
    o
}

/// Before and after, with the rank among peers recomputed against the
/// peers' scores as they stand.
fn compare(
    scene: &Scene,
    before: &UnitScore,
    after: &UnitScore,
    dossiers: Vec<String>,
    skipped: Vec<String>,
) -> Outcome {
    let sheet = scene.sheet();
    let peers: Vec<f64> = sheet
        .units
        .iter()
        .filter(|u| u.code != before.code && u.kind == before.kind && u.parent == before.parent)
        .filter_map(|u| u.total)
        .collect();
    let rank_after = after
        .total
        .map(|t| peers.iter().filter(|p| **p > t).count() + 1);
    let changed = before
        .criteria
        .iter()
        .zip(&after.criteria)
        .filter(|(b, a)| b.points != a.points || b.ratio != a.ratio)
        .map(|(b, a)| CriterionChange {
            id: b.id.clone(),
            before: b.points,
            after: a.points,
            ratio_before: b.ratio,
            ratio_after: a.ratio,
            max: b.max,
        })
        .collect();
    Outcome {
        unit_code: before.code.clone(),
        total_before: before.total,
        total_after: after.total,
        rank_before: before.rank,
        rank_after: rank_after.filter(|_| after.total.is_some()),
        rank_of: if after.total.is_some() {
            peers.len() + 1
        } else {
            peers.len()
        },
        changed,
        dossiers,
        skipped,
        needed: None,
    }
}

/// One step of the cheapest way to a target total.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub lever: Lever,
    /// Dossiers changed by this lever.
    pub dossiers: usize,
    /// Dossiers the lever could change.
    pub available: usize,
    /// Points of the total gained per dossier (the first one changed).
    pub points_per_dossier: f64,
    /// The total after this step and every step before it.
    pub total_after: Option<f64>,
}

/// The cheapest way to a target total: levers in order of points of the
/// total gained per dossier changed (the first dossier's gain, rescored),
/// each taking as many dossiers as the target still needs (bisected on
/// rescorings, so thresholds and caps are honoured), until it is reached or
/// the levers run out.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub unit_code: String,
    pub total_before: Option<f64>,
    pub target: f64,
    pub steps: Vec<Step>,
    pub reached: bool,
}

pub fn plan(
    scene: &Scene,
    unit_code: &str,
    records: &UnitRecords,
    target: f64,
) -> Result<Plan, WhatIfError> {
    let unknown = || WhatIfError::UnknownUnit(unit_code.to_string());
    let before = scene.unit_score(unit_code).ok_or_else(unknown)?;
    let total = |s: &Scene| s.unit_score(unit_code).and_then(|u| u.total);
    let mut levers: Vec<(Lever, f64, Vec<&Dossier>)> = Lever::ALL
        .iter()
        .map(|l| (*l, candidates(scene, unit_code, records, *l)))
        .filter(|(_, c)| !c.is_empty())
        .map(|(l, c)| {
            let mut one = scene.clone();
            one.replace(c[0], &variant(scene, c[0], l));
            let gain = total(&one).unwrap_or(0.0) - before.total.unwrap_or(0.0);
            (l, gain, c)
        })
        .filter(|(_, gain, _)| *gain > 1e-12)
        .collect();
    levers.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.code().cmp(b.0.code())));
    let mut at = scene.clone();
    let mut steps = Vec::new();
    let mut now = before.total;
    for (lever, gain, cands) in levers {
        if now.is_some_and(|t| t >= target - 1e-9) {
            break;
        }
        let apply = |k: usize| {
            let mut s = at.clone();
            for d in &cands[..k] {
                s.replace(d, &variant(scene, d, lever));
            }
            s
        };
        // The fewest dossiers reaching the target, else all of them.
        let all = apply(cands.len());
        let k = if total(&all).is_some_and(|t| t >= target - 1e-9) {
            let (mut lo, mut hi) = (1, cands.len());
            while lo < hi {
                let mid = (lo + hi) / 2;
                if total(&apply(mid)).is_some_and(|t| t >= target - 1e-9) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            lo
        } else {
            cands.len()
        };
        at = apply(k);
        now = total(&at);
        steps.push(Step {
            lever,
            dossiers: k,
            available: cands.len(),
            points_per_dossier: gain,
            total_after: now,
        });
    }
    Ok(Plan {
        unit_code: unit_code.to_string(),
        total_before: before.total,
        target,
        reached: now.is_some_and(|t| t >= target - 1e-9),
        steps,
    })
}

/// The stable JSON shape of `chiso whatif --format json` and the API's what-if.
pub mod document {
    use serde::Serialize;

    use super::{Outcome, Plan};

    #[derive(Serialize)]
    pub struct OutcomeDocument {
        pub unit: String,
        pub total_before: Option<f64>,
        pub total_after: Option<f64>,
        pub rank_before: Option<usize>,
        pub rank_after: Option<usize>,
        pub rank_of: usize,
        pub criteria: Vec<ChangeEntry>,
        pub dossiers: Vec<String>,
        pub skipped: Vec<String>,
        pub needed: Option<i64>,
    }

    #[derive(Serialize)]
    pub struct ChangeEntry {
        pub id: String,
        pub before: Option<f64>,
        pub after: Option<f64>,
        pub ratio_before: Option<f64>,
        pub ratio_after: Option<f64>,
        pub max: f64,
    }

    #[derive(Serialize)]
    pub struct PlanDocument {
        pub unit: String,
        pub total_before: Option<f64>,
        pub target: f64,
        pub reached: bool,
        pub steps: Vec<StepEntry>,
    }

    #[derive(Serialize)]
    pub struct StepEntry {
        pub lever: &'static str,
        pub dossiers: usize,
        pub available: usize,
        pub points_per_dossier: f64,
        pub total_after: Option<f64>,
    }

    pub fn outcome(o: &Outcome) -> OutcomeDocument {
        OutcomeDocument {
            unit: o.unit_code.clone(),
            total_before: o.total_before,
            total_after: o.total_after,
            rank_before: o.rank_before,
            rank_after: o.rank_after,
            rank_of: o.rank_of,
            criteria: o
                .changed
                .iter()
                .map(|c| ChangeEntry {
                    id: c.id.clone(),
                    before: c.before,
                    after: c.after,
                    ratio_before: c.ratio_before,
                    ratio_after: c.ratio_after,
                    max: c.max,
                })
                .collect(),
            dossiers: o.dossiers.clone(),
            skipped: o.skipped.clone(),
            needed: o.needed,
        }
    }

    pub fn plan(p: &Plan) -> PlanDocument {
        PlanDocument {
            unit: p.unit_code.clone(),
            total_before: p.total_before,
            target: p.target,
            reached: p.reached,
            steps: p
                .steps
                .iter()
                .map(|s| StepEntry {
                    lever: s.lever.code(),
                    dossiers: s.dossiers,
                    available: s.available,
                    points_per_dossier: s.points_per_dossier,
                    total_after: s.total_after,
                })
                .collect(),
        }
    }
}
