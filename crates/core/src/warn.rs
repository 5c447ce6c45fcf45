//! Early warning (cảnh báo sớm): what will cost a unit points this month
//! unless someone acts, computed on a [`Scene`] at the data's as-of instant.
//!
//! - open dossiers of the unit's subtree that become late within the next
//!   `N` working days (holidays through the calendar), ordered by the
//!   instant they become late (`judge::dossier_timeliness`), each with the
//!   points the unit loses this month if it becomes late: the scene
//!   rescored with that dossier late from now (exact, not estimated; a
//!   deadline after the month's end costs nothing this month, it counts in
//!   the next);
//! - open feedback items (phản ánh, kiến nghị) near their deadline, the same way;
//! - dossiers waiting for the applicant's supplement (nothing is late while
//!   they wait, but they come back with a clock);
//! - the points at risk: everything listed late at once, rescored.

use crate::engine::UnitRecords;
use crate::measures::{DossierContribution, FeedbackContribution};
use crate::records::{DossierStatus, FeedbackOutcome};
use crate::scene::Scene;
use crate::scoring::UnitScore;
use crate::time::{Date, Instant};

/// Default horizon: two working days.
pub const DEFAULT_HORIZON_DAYS: u32 = 2;

/// The criterion the list is about: 2.1 (hồ sơ xử lý trước hạn, đúng hạn).
pub const TIMELINESS_CRITERION: &str = "2.1";

/// Who holds a dossier, from its latest processing step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Holder {
    /// Người xử lý (with the title when known).
    pub officer: String,
    /// Phòng ban xử lý.
    pub department: String,
}

/// An open dossier that becomes late soon.
#[derive(Clone, Debug, PartialEq)]
pub struct DossierAtRisk {
    pub id: String,
    pub unit_code: String,
    pub procedure_code: String,
    pub procedure_name: Option<String>,
    pub received_at: Instant,
    pub due_at: Option<Instant>,
    /// From this instant on it is late.
    pub late_at: Instant,
    /// Working days left before it is late (0: becomes late before the end
    /// of the next working day).
    pub working_days_left: i32,
    pub status: DossierStatus,
    /// From its processing steps, when the store keeps them.
    pub holder: Option<Holder>,
    /// Whether its deadline falls in the scene's month (otherwise it costs
    /// nothing this month).
    pub this_month: bool,
    /// Points of criterion 2.1 lost this month if it becomes late.
    pub points_timeliness: f64,
    /// Points of the total lost this month if it becomes late.
    pub points_total: f64,
}

/// An open feedback item near its deadline.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedbackAtRisk {
    pub id: String,
    pub unit_code: String,
    pub received_at: Instant,
    pub late_at: Instant,
    pub working_days_left: i32,
    pub this_month: bool,
    pub points_total: f64,
}

/// A dossier waiting for the applicant's supplement.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiting {
    pub id: String,
    pub unit_code: String,
    pub procedure_code: String,
    pub procedure_name: Option<String>,
    pub requested_at: Option<Instant>,
    /// Working days since the request, as of the scene's instant.
    pub working_days_waiting: i32,
    pub holder: Option<Holder>,
}

/// What will cost the unit points this month.
#[derive(Clone, Debug, PartialEq)]
pub struct AtRisk {
    pub unit_code: String,
    pub unit_name: String,
    pub methodology: String,
    /// The instant it was judged at (the data's as-of instant).
    pub as_of: Instant,
    pub horizon_days: u32,
    /// The last day of the horizon.
    pub horizon_end: Date,
    pub total_now: Option<f64>,
    pub timeliness_now: Option<f64>,
    pub dossiers: Vec<DossierAtRisk>,
    pub feedback: Vec<FeedbackAtRisk>,
    pub waiting: Vec<Waiting>,
    /// Points of 2.1 lost if every listed dossier becomes late.
    pub points_timeliness: f64,
    /// Points of the total lost if every listed dossier and feedback item becomes late.
    pub points_total: f64,
}

/// Whom to call about the dossiers at risk: one entry per department (or
/// per officer when the steps name no department), with the officers named
/// and the points at stake this month.
#[derive(Clone, Debug, PartialEq)]
pub struct Contact {
    /// The department, else the officer; empty when no step names either.
    pub who: String,
    /// The officers named in that department, in order of first appearance.
    pub officers: Vec<String>,
    pub dossiers: usize,
    /// Points of the total lost this month if all of them become late.
    pub points_total: f64,
}

impl AtRisk {
    /// The dossiers at risk grouped by who holds them, most points first
    /// (then most dossiers, then by name); dossiers nobody is named for
    /// come last under an empty `who`.
    pub fn contacts(&self) -> Vec<Contact> {
        let mut out: Vec<Contact> = Vec::new();
        for d in &self.dossiers {
            let h = d.holder.clone().unwrap_or_default();
            let who = if h.department.is_empty() {
                h.officer.clone()
            } else {
                h.department.clone()
            };
            let i = match out.iter().position(|c| c.who == who) {
                Some(i) => i,
                None => {
                    out.push(Contact {
                        who,
                        officers: Vec::new(),
                        dossiers: 0,
                        points_total: 0.0,
                    });
                    out.len() - 1
                }
            };
            let c = &mut out[i];
            c.dossiers += 1;
            if d.this_month {
                c.points_total += d.points_total;
            }
            if !h.officer.is_empty() && !h.department.is_empty() && !c.officers.contains(&h.officer)
            {
                c.officers.push(h.officer);
            }
        }
        out.sort_by(|a, b| {
            a.who
                .is_empty()
                .cmp(&b.who.is_empty())
                .then(b.points_total.total_cmp(&a.points_total))
                .then(b.dossiers.cmp(&a.dossiers))
                .then_with(|| a.who.cmp(&b.who))
        });
        out
    }
}

/// The early warning for `unit_code` on the records of its subtree
/// (`records`: at least its open dossiers and feedback), within
/// `horizon_days` working days of the scene's instant. Holders are left
/// empty: the caller fills them from the processing steps it keeps.
pub fn at_risk(
    scene: &Scene,
    unit_code: &str,
    records: &UnitRecords,
    horizon_days: u32,
) -> Option<AtRisk> {
    let unit = scene.hierarchy.get(unit_code)?.clone();
    let now = scene.now();
    let month_end = scene.asked.to.end();
    let horizon_end = scene
        .calendar
        .add_working_days(now.date(), horizon_days as i32);
    let before = scene.unit_score(unit_code)?;
    let days_left = |late_at: Instant| {
        scene
            .calendar
            .working_days_between(now.date(), late_at.date())
            .max(1)
            - 1
    };
    let subtree: std::collections::HashSet<String> = scene
        .hierarchy
        .subtree(unit_code, &scene.period)
        .into_iter()
        .collect();

    let mut late_all = scene.clone();
    let mut dossiers = Vec::new();
    let mut waiting = Vec::new();
    for d in records
        .dossiers
        .iter()
        .filter(|d| subtree.contains(&d.unit_code))
    {
        let c = scene.contribution(d);
        if !c.counted || d.received_at > now {
            continue;
        }
        if d.status == DossierStatus::SupplementRequested && c.timeliness.end.is_some() {
            let requested_at = d.supplement_requested_at;
            waiting.push(Waiting {
                id: d.id.clone(),
                unit_code: d.unit_code.clone(),
                procedure_code: d.procedure_code.clone(),
                procedure_name: scene.procedure(&d.procedure_code).map(|p| p.name.clone()),
                requested_at,
                working_days_waiting: requested_at.map_or(0, |r| {
                    scene.calendar.working_days_between(r.date(), now.date())
                }),
                holder: None,
            });
            continue;
        }
        if c.timeliness.ended_by(now) || c.timeliness.end.is_some() {
            continue;
        }
        let Some(late_at) = c.timeliness.late_at else {
            continue;
        };
        if late_at <= now || late_at.date() > horizon_end {
            continue;
        }
        let this_month = late_at <= month_end;
        let (points_timeliness, points_total) = if this_month {
            let late = late_from(&c, now);
            let mut one = scene.clone();
            one.replace_contribution(&d.unit_code, &c, &late);
            late_all.replace_contribution(&d.unit_code, &c, &late);
            loss(&before, one.unit_score(unit_code).as_ref())
        } else {
            (0.0, 0.0)
        };
        dossiers.push(DossierAtRisk {
            id: d.id.clone(),
            unit_code: d.unit_code.clone(),
            procedure_code: d.procedure_code.clone(),
            procedure_name: scene.procedure(&d.procedure_code).map(|p| p.name.clone()),
            received_at: d.received_at,
            due_at: d.due_at,
            late_at,
            working_days_left: days_left(late_at),
            status: d.status,
            holder: None,
            this_month,
            points_timeliness,
            points_total,
        });
    }
    let mut feedback = Vec::new();
    for f in records
        .feedback
        .iter()
        .filter(|f| subtree.contains(&f.unit_code))
    {
        if f.received_at > now || f.outcome != FeedbackOutcome::Pending {
            continue;
        }
        let c = scene.feedback_contribution(f);
        let Some(late_at) = c.timeliness.late_at else {
            continue;
        };
        if c.timeliness.end.is_some() || late_at <= now || late_at.date() > horizon_end {
            continue;
        }
        let this_month = late_at <= month_end;
        let points_total = if this_month {
            let late = feedback_late_from(&c, now);
            let mut one = scene.clone();
            one.replace_feedback(&f.unit_code, &c, &late);
            late_all.replace_feedback(&f.unit_code, &c, &late);
            loss(&before, one.unit_score(unit_code).as_ref()).1
        } else {
            0.0
        };
        feedback.push(FeedbackAtRisk {
            id: f.id.clone(),
            unit_code: f.unit_code.clone(),
            received_at: f.received_at,
            late_at,
            working_days_left: days_left(late_at),
            this_month,
            points_total,
        });
    }
    dossiers.sort_by(|a, b| (a.late_at, &a.id).cmp(&(b.late_at, &b.id)));
    feedback.sort_by(|a, b| (a.late_at, &a.id).cmp(&(b.late_at, &b.id)));
    waiting.sort_by(|a, b| (a.requested_at, &a.id).cmp(&(b.requested_at, &b.id)));
    let (points_timeliness, points_total) = loss(&before, late_all.unit_score(unit_code).as_ref());
    Some(AtRisk {
        unit_code: unit.code,
        unit_name: unit.name,
        methodology: scene.methodology.id.clone(),
        as_of: now,
        horizon_days,
        horizon_end,
        total_now: before.total,
        timeliness_now: criterion_points(&before, TIMELINESS_CRITERION),
        dossiers,
        feedback,
        waiting,
        points_timeliness,
        points_total,
    })
}

/// The dossier's contribution had it become late at `now`.
fn late_from(c: &DossierContribution, now: Instant) -> DossierContribution {
    let mut late = c.clone();
    late.timeliness.late_at = Some(now);
    late
}

fn feedback_late_from(c: &FeedbackContribution, now: Instant) -> FeedbackContribution {
    let mut late = *c;
    late.timeliness.late_at = Some(now);
    late.unsatisfied_at = Some(c.unsatisfied_at.map_or(now, |u| u.min(now)));
    late
}

fn criterion_points(s: &UnitScore, id: &str) -> Option<f64> {
    s.criteria
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.points)
}

/// Points of 2.1 and of the total lost from `before` to `after` (≥ 0).
fn loss(before: &UnitScore, after: Option<&UnitScore>) -> (f64, f64) {
    let Some(after) = after else {
        return (0.0, 0.0);
    };
    let c = criterion_points(before, TIMELINESS_CRITERION).unwrap_or(0.0)
        - criterion_points(after, TIMELINESS_CRITERION).unwrap_or(0.0);
    let t = before.total.unwrap_or(0.0) - after.total.unwrap_or(0.0);
    (c, t)
}

/// The stable JSON shape of `chiso watch --format json` and
/// `/api/v1/units/{code}/at-risk`.
pub mod document {
    use serde::Serialize;

    use super::{AtRisk, Holder};

    #[derive(Serialize)]
    pub struct AtRiskDocument {
        pub unit: String,
        pub name: String,
        pub methodology: String,
        /// RFC 3339, Vietnam time: the instant it was judged at.
        pub as_of: String,
        pub horizon_days: u32,
        pub horizon_end: String,
        pub total_now: Option<f64>,
        pub timeliness_now: Option<f64>,
        /// Points of 2.1 and of the total lost if every listed record becomes late.
        pub points_at_risk_timeliness: f64,
        pub points_at_risk_total: f64,
        pub dossiers: Vec<DossierEntry>,
        pub feedback: Vec<FeedbackEntry>,
        pub waiting: Vec<WaitingEntry>,
    }

    #[derive(Serialize)]
    pub struct DossierEntry {
        pub id: String,
        pub unit: String,
        pub procedure_code: String,
        pub procedure_name: Option<String>,
        pub received_at: String,
        pub due_at: Option<String>,
        pub late_at: String,
        pub working_days_left: i32,
        pub status: &'static str,
        pub officer: Option<String>,
        pub department: Option<String>,
        pub this_month: bool,
        pub points_timeliness: f64,
        pub points_total: f64,
    }

    #[derive(Serialize)]
    pub struct FeedbackEntry {
        pub id: String,
        pub unit: String,
        pub received_at: String,
        pub late_at: String,
        pub working_days_left: i32,
        pub this_month: bool,
        pub points_total: f64,
    }

    #[derive(Serialize)]
    pub struct WaitingEntry {
        pub id: String,
        pub unit: String,
        pub procedure_code: String,
        pub procedure_name: Option<String>,
        pub requested_at: Option<String>,
        pub working_days_waiting: i32,
        pub officer: Option<String>,
        pub department: Option<String>,
    }

    fn who(h: &Option<Holder>) -> (Option<String>, Option<String>) {
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
        match h {
            Some(h) => (non_empty(&h.officer), non_empty(&h.department)),
            None => (None, None),
        }
    }

    pub fn build(r: &AtRisk) -> AtRiskDocument {
        AtRiskDocument {
            unit: r.unit_code.clone(),
            name: r.unit_name.clone(),
            methodology: r.methodology.clone(),
            as_of: r.as_of.iso(),
            horizon_days: r.horizon_days,
            horizon_end: r.horizon_end.iso(),
            total_now: r.total_now,
            timeliness_now: r.timeliness_now,
            points_at_risk_timeliness: r.points_timeliness,
            points_at_risk_total: r.points_total,
            dossiers: r
                .dossiers
                .iter()
                .map(|d| {
                    let (officer, department) = who(&d.holder);
                    DossierEntry {
                        id: d.id.clone(),
                        unit: d.unit_code.clone(),
                        procedure_code: d.procedure_code.clone(),
                        procedure_name: d.procedure_name.clone(),
                        received_at: d.received_at.iso(),
                        due_at: d.due_at.map(|t| t.iso()),
                        late_at: d.late_at.iso(),
                        working_days_left: d.working_days_left,
                        status: d.status.code(),
                        officer,
                        department,
                        this_month: d.this_month,
                        points_timeliness: d.points_timeliness,
                        points_total: d.points_total,
                    }
                })
                .collect(),
            feedback: r
                .feedback
                .iter()
                .map(|f| FeedbackEntry {
                    id: f.id.clone(),
                    unit: f.unit_code.clone(),
                    received_at: f.received_at.iso(),
                    late_at: f.late_at.iso(),
                    working_days_left: f.working_days_left,
                    this_month: f.this_month,
                    points_total: f.points_total,
                })
                .collect(),
            waiting: r
                .waiting
                .iter()
                .map(|w| {
                    let (officer, department) = who(&w.holder);
                    WaitingEntry {
                        id: w.id.clone(),
                        unit: w.unit_code.clone(),
                        procedure_code: w.procedure_code.clone(),
                        procedure_name: w.procedure_name.clone(),
                        requested_at: w.requested_at.map(|t| t.iso()),
                        working_days_waiting: w.working_days_waiting,
                        officer,
                        department,
                    }
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dossier(
        id: &str,
        officer: &str,
        department: &str,
        points: f64,
        this_month: bool,
    ) -> DossierAtRisk {
        let t = Instant::from_unix(1_790_000_000);
        DossierAtRisk {
            id: id.into(),
            unit_code: "U".into(),
            procedure_code: "P".into(),
            procedure_name: None,
            received_at: t,
            due_at: Some(t),
            late_at: t,
            working_days_left: 1,
            status: DossierStatus::Processing,
            holder: (!officer.is_empty() || !department.is_empty()).then(|| Holder {
                officer: officer.into(),
                department: department.into(),
            }),
            this_month,
            points_timeliness: points,
            points_total: points,
        }
    }

    #[test]
    fn contacts_group_by_department_most_points_first() {
        let t = Instant::from_unix(1_790_000_000);
        let risk = AtRisk {
            unit_code: "U".into(),
            unit_name: "Sở".into(),
            methodology: "766-2026".into(),
            as_of: t,
            horizon_days: 2,
            horizon_end: t.date(),
            total_now: Some(80.0),
            timeliness_now: Some(10.0),
            dossiers: vec![
                dossier("a", "Lê A", "Phòng 1", 0.1, true),
                dossier("b", "Trần B", "Phòng 2", 0.2, true),
                dossier("c", "Lê C", "Phòng 1", 0.2, true),
                dossier("d", "", "", 0.5, true),
                dossier("e", "Lê A", "Phòng 1", 0.4, false),
                dossier("f", "Ngô F", "", 0.05, true),
            ],
            feedback: vec![],
            waiting: vec![],
            points_timeliness: 0.0,
            points_total: 0.0,
        };
        let c = risk.contacts();
        let who: Vec<&str> = c.iter().map(|c| c.who.as_str()).collect();
        assert_eq!(who, ["Phòng 1", "Phòng 2", "Ngô F", ""]);
        assert_eq!(c[0].dossiers, 3);
        assert_eq!(c[0].officers, ["Lê A", "Lê C"]);
        assert!(
            (c[0].points_total - 0.3).abs() < 1e-12,
            "next month's dossier costs nothing now"
        );
        assert!(c[2].officers.is_empty(), "the officer is the entry itself");
        assert_eq!(c[3].dossiers, 1, "nobody named comes last");
    }
}
