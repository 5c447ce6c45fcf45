//! Alerts (cảnh báo): rules the office sets, evaluated on the month as the
//! data stands, into events with stable keys. Pure: the sheet, the targets
//! report, the early warnings and the reporting deadlines are handed in;
//! keeping the events and sending them is the application layer's
//! (`chiso_app::alerts`).
//!
//! Rules are data (`alerts.toml`, edited by the office, [`RuleSet::from_toml`]):
//!
//! ```toml
//! [[rule]]
//! id = "tong-diem-giam"
//! when = "total_drop"   # below_target | total_drop | rank_drop | late_soon | deadline_near
//! points = 5            # total_drop: more than this many points below the previous month
//! # ranks = 3           # rank_drop: this many places or more below the previous month
//! # days = 2            # late_soon: working days ahead; deadline_near: calendar days ahead
//! # criteria = ["3.3"]  # below_target: only these criteria
//! # goals = true        # below_target: the government's goals too, not only assigned targets
//! # kinds = ["commune"] # any rule: only units of these kinds
//! ```
//!
//! An event's key names the rule, the unit and what happened (the month for
//! a score, the dossier and the instant it becomes late, the reporting
//! period): evaluating again the same day, or the next, gives the same key
//! for the same event, which is how nothing is recorded or sent twice.

use std::collections::BTreeSet;

use serde::Deserialize;
use toml::Spanned;

use crate::format;
use crate::records::UnitKind;
use crate::scoring::ScoreSheet;
use crate::targets::TargetReport;
use crate::time::Date;
use crate::warn::AtRisk;

/// What a rule watches.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// A criterion's ratio below the unit's assigned target (with `goals`,
    /// also below the government's goal where none is assigned); `criteria`
    /// narrows to some criteria.
    BelowTarget {
        criteria: Option<Vec<String>>,
        goals: bool,
    },
    /// The total more than `points` below the previous month's.
    TotalDrop { points: f64 },
    /// The rank among peers `ranks` places or more below the previous month's.
    RankDrop { ranks: usize },
    /// An open dossier or feedback item becoming late within `days` working days.
    LateSoon { days: u32 },
    /// A CCHC reporting deadline within `days` calendar days, the unit's
    /// report not yet sent.
    DeadlineNear { days: u32 },
}

impl Condition {
    /// The name in the rules file.
    pub fn code(&self) -> &'static str {
        match self {
            Condition::BelowTarget { .. } => "below_target",
            Condition::TotalDrop { .. } => "total_drop",
            Condition::RankDrop { .. } => "rank_drop",
            Condition::LateSoon { .. } => "late_soon",
            Condition::DeadlineNear { .. } => "deadline_near",
        }
    }
}

/// One rule of the office.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// The office's name for it; part of every event key it makes.
    pub id: String,
    pub condition: Condition,
    /// Only units of these kinds (`None`: every unit).
    pub kinds: Option<Vec<UnitKind>>,
}

impl Rule {
    fn applies_to(&self, kind: UnitKind) -> bool {
        self.kinds.as_ref().is_none_or(|k| k.contains(&kind))
    }
}

/// The rules in force.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

/// The rules shipped, used until the office writes its own.
pub const DEFAULT_RULES: &str = include_str!("alerts_default.toml");

/// A rules file that cannot be used: where and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}, dòng {line}: {message}")]
pub struct RulesError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    when: String,
    criteria: Option<Vec<String>>,
    points: Option<f64>,
    ranks: Option<usize>,
    days: Option<u32>,
    goals: Option<bool>,
    kinds: Option<Vec<String>>,
}

impl RuleSet {
    /// Parses and checks a rules file; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<RuleSet, RulesError> {
        let err = |offset: usize, message: String| RulesError {
            file: file.to_string(),
            line: text[..offset.min(text.len())]
                .bytes()
                .filter(|b| *b == b'\n')
                .count()
                + 1,
            message,
        };
        let raw: RawFile = toml::from_str(text)
            .map_err(|e| err(e.span().map_or(0, |s| s.start), e.message().to_string()))?;
        let mut ids = BTreeSet::new();
        let mut rules = Vec::new();
        for spanned in &raw.rule {
            let at = spanned.span().start;
            let r = spanned.get_ref();
            let id = r.id.trim();
            let bad = |m: &str| err(at, format!("quy tắc '{id}': {m}"));
            if id.is_empty() || id.contains('/') || id.chars().any(char::is_whitespace) {
                return Err(err(
                    at,
                    format!("mã quy tắc '{id}' không hợp lệ: cần một mã không rỗng, không có dấu cách hay '/'"),
                ));
            }
            if !ids.insert(id.to_string()) {
                return Err(bad("mã quy tắc bị trùng"));
            }
            let used = |name: &str, present: bool| -> Result<(), RulesError> {
                if present {
                    Err(bad(&format!("'{name}' không dùng cho loại '{}'", r.when)))
                } else {
                    Ok(())
                }
            };
            let condition = match r.when.as_str() {
                "below_target" => {
                    used("points", r.points.is_some())?;
                    used("ranks", r.ranks.is_some())?;
                    used("days", r.days.is_some())?;
                    Condition::BelowTarget {
                        criteria: r.criteria.clone(),
                        goals: r.goals.unwrap_or(false),
                    }
                }
                "total_drop" => {
                    used("goals", r.goals.is_some())?;
                    used("criteria", r.criteria.is_some())?;
                    used("ranks", r.ranks.is_some())?;
                    used("days", r.days.is_some())?;
                    match r.points {
                        Some(p) if p.is_finite() && p >= 0.0 => Condition::TotalDrop { points: p },
                        _ => return Err(bad("cần 'points' (số điểm giảm, không âm)")),
                    }
                }
                "rank_drop" => {
                    used("goals", r.goals.is_some())?;
                    used("criteria", r.criteria.is_some())?;
                    used("points", r.points.is_some())?;
                    used("days", r.days.is_some())?;
                    match r.ranks {
                        Some(n) if n >= 1 => Condition::RankDrop { ranks: n },
                        _ => return Err(bad("cần 'ranks' (số bậc tụt, từ 1)")),
                    }
                }
                "late_soon" | "deadline_near" => {
                    used("goals", r.goals.is_some())?;
                    used("criteria", r.criteria.is_some())?;
                    used("points", r.points.is_some())?;
                    used("ranks", r.ranks.is_some())?;
                    let Some(days) = r.days.filter(|d| *d <= 60) else {
                        return Err(bad("cần 'days' (số ngày báo trước, 0–60)"));
                    };
                    if r.when == "late_soon" {
                        Condition::LateSoon { days }
                    } else {
                        Condition::DeadlineNear { days }
                    }
                }
                other => {
                    return Err(bad(&format!(
                        "loại '{other}' không có: dùng below_target, total_drop, rank_drop, late_soon hoặc deadline_near"
                    )))
                }
            };
            let kinds = match &r.kinds {
                None => None,
                Some(list) => Some(
                    list.iter()
                        .map(|k| {
                            UnitKind::parse(k).ok_or_else(|| {
                                bad(&format!("loại đơn vị '{k}' không có (province, department, district, commune…)"))
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                ),
            };
            rules.push(Rule {
                id: id.to_string(),
                condition,
                kinds,
            });
        }
        Ok(RuleSet { rules })
    }

    /// The shipped rules.
    pub fn default_rules() -> RuleSet {
        RuleSet::from_toml("alerts_default.toml", DEFAULT_RULES)
            .unwrap_or(RuleSet { rules: Vec::new() })
    }

    /// The early-warning horizon the rules need (the longest `late_soon`).
    pub fn late_soon_days(&self) -> Option<u32> {
        self.rules
            .iter()
            .filter_map(|r| match r.condition {
                Condition::LateSoon { days } => Some(days),
                _ => None,
            })
            .max()
    }

    /// How far ahead reporting deadlines are looked for (the longest `deadline_near`).
    pub fn deadline_days(&self) -> Option<u32> {
        self.rules
            .iter()
            .filter_map(|r| match r.condition {
                Condition::DeadlineNear { days } => Some(days),
                _ => None,
            })
            .max()
    }
}

/// A reporting deadline of a unit (computed from the CCHC regime by the
/// application layer, which knows it).
#[derive(Clone, Debug, PartialEq)]
pub struct Deadline {
    pub unit_code: String,
    pub unit_name: String,
    pub kind: UnitKind,
    /// The reporting period (`2026-H1`): part of the event key.
    pub period: String,
    /// "6 tháng đầu năm 2026".
    pub label: String,
    pub due: Date,
}

/// What the rules look at.
pub struct Inputs<'a> {
    /// The month as the data stands (cut at the data's as-of instant).
    pub sheet: &'a ScoreSheet,
    /// Target, actual and gap of the sheet's units.
    pub targets: &'a TargetReport,
    /// The early warnings of the units, over the horizon of `late_soon`.
    pub at_risk: &'a [AtRisk],
    /// Reporting deadlines not yet met.
    pub deadlines: &'a [Deadline],
    /// The day the rules are evaluated on.
    pub today: Date,
}

/// Something a rule saw: one notification.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Stable: the same event evaluated again has the same key.
    pub key: String,
    pub rule: String,
    pub unit_code: String,
    pub unit_name: String,
    /// The day it was seen.
    pub day: Date,
    /// One line, in Vietnamese.
    pub title: String,
    /// The dossier or feedback item it is about, when it names one
    /// (dossier-level data: shown only to those who may read the unit's dossiers).
    pub record: Option<String>,
}

/// Every event the rules see, ordered by unit, then rule, then key.
pub fn evaluate(rules: &RuleSet, inputs: &Inputs<'_>) -> Vec<Event> {
    let sheet = inputs.sheet;
    let month = sheet.period.from.month();
    let mut out = Vec::new();
    for rule in &rules.rules {
        let event = |unit_code: &str, unit_name: &str, subject: String, title: String| Event {
            key: format!("{}/{unit_code}/{subject}", rule.id),
            rule: rule.id.clone(),
            unit_code: unit_code.to_string(),
            unit_name: unit_name.to_string(),
            day: inputs.today,
            title,
            record: None,
        };
        match &rule.condition {
            Condition::BelowTarget { criteria, goals } => {
                for g in inputs.targets.gaps.iter().filter(|g| g.assigned || *goals) {
                    let Some(unit) = sheet.unit(&g.unit_code) else {
                        continue;
                    };
                    if !rule.applies_to(unit.kind)
                        || criteria.as_ref().is_some_and(|c| !c.contains(&g.criterion))
                    {
                        continue;
                    }
                    let (Some(actual), Some(gap)) = (g.actual, g.gap) else {
                        continue;
                    };
                    if gap >= 0.0 {
                        continue;
                    }
                    out.push(event(
                        &unit.code,
                        &unit.name,
                        format!("{}/{}", g.criterion, month.iso()),
                        format!(
                            "Chỉ số {} tháng {}: {}% dưới {} {}%",
                            g.criterion,
                            month.vn(),
                            format::percent(actual),
                            if g.assigned {
                                "chỉ tiêu giao"
                            } else {
                                "mục tiêu"
                            },
                            format::percent(g.target),
                        ),
                    ));
                }
            }
            Condition::TotalDrop { points } => {
                for u in sheet.units.iter().filter(|u| rule.applies_to(u.kind)) {
                    let (Some(total), Some(before)) = (u.total, u.previous_total) else {
                        continue;
                    };
                    if before - total > *points {
                        out.push(event(
                            &u.code,
                            &u.name,
                            month.iso(),
                            format!(
                                "Tổng điểm tháng {} giảm {} điểm: {} (tháng trước {})",
                                month.vn(),
                                format::points(before - total),
                                format::points(total),
                                format::points(before),
                            ),
                        ));
                    }
                }
            }
            Condition::RankDrop { ranks } => {
                for u in sheet.units.iter().filter(|u| rule.applies_to(u.kind)) {
                    let (Some(rank), Some(before)) = (u.rank, u.previous_rank) else {
                        continue;
                    };
                    if rank >= before + ranks {
                        out.push(event(
                            &u.code,
                            &u.name,
                            month.iso(),
                            format!(
                                "Xếp hạng tháng {} tụt {} bậc: {}/{} (tháng trước {})",
                                month.vn(),
                                rank - before,
                                rank,
                                u.rank_of,
                                before
                            ),
                        ));
                    }
                }
            }
            Condition::LateSoon { days } => {
                for risk in inputs.at_risk {
                    let Some(unit) = sheet.unit(&risk.unit_code) else {
                        continue;
                    };
                    if !rule.applies_to(unit.kind) {
                        continue;
                    }
                    let near = |d: i32| d <= *days as i32;
                    for d in risk.dossiers.iter().filter(|d| near(d.working_days_left)) {
                        let mut e = event(
                            &unit.code,
                            &unit.name,
                            format!("{}/{}", d.id, d.late_at.unix()),
                            format!(
                                "Hồ sơ {} ({}) trễ hạn từ {}{}",
                                d.id,
                                d.procedure_name.as_deref().unwrap_or(&d.procedure_code),
                                d.late_at.vn(),
                                lost(d.this_month, d.points_total),
                            ),
                        );
                        e.record = Some(d.id.clone());
                        out.push(e);
                    }
                    for f in risk.feedback.iter().filter(|f| near(f.working_days_left)) {
                        let mut e = event(
                            &unit.code,
                            &unit.name,
                            format!("pakn/{}/{}", f.id, f.late_at.unix()),
                            format!(
                                "Phản ánh, kiến nghị {} quá hạn xử lý từ {}{}",
                                f.id,
                                f.late_at.vn(),
                                lost(f.this_month, f.points_total),
                            ),
                        );
                        e.record = Some(f.id.clone());
                        out.push(e);
                    }
                }
            }
            Condition::DeadlineNear { days } => {
                for d in inputs.deadlines {
                    let left = d.due.days() - inputs.today.days();
                    if !rule.applies_to(d.kind) || left < 0 || left > *days as i32 {
                        continue;
                    }
                    out.push(event(
                        &d.unit_code,
                        &d.unit_name,
                        d.period.clone(),
                        format!(
                            "Hạn gửi báo cáo CCHC {} là {} (còn {} ngày)",
                            d.label,
                            d.due.vn(),
                            left
                        ),
                    ));
                }
            }
        }
    }
    out.sort_by(|a, b| (&a.unit_code, &a.rule, &a.key).cmp(&(&b.unit_code, &b.rule, &b.key)));
    out.dedup_by(|a, b| a.key == b.key);
    out
}

fn lost(this_month: bool, points: f64) -> String {
    if this_month && points > 0.0 {
        format!(", mất {} điểm tổng tháng này", format::points(points))
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_load() {
        let r = RuleSet::default_rules();
        assert!(r.rules.len() >= 5, "{r:?}");
        assert_eq!(r.late_soon_days(), Some(2));
    }

    #[test]
    fn a_bad_rule_is_refused_with_its_line() {
        let text = "[[rule]]\nid = \"a\"\nwhen = \"total_drop\"\npoints = 5\n\n[[rule]]\nid = \"b\"\nwhen = \"rank_drop\"\n";
        let e = RuleSet::from_toml("r.toml", text).unwrap_err();
        assert_eq!(e.line, 6, "{e}");
        assert!(e.message.contains("ranks"), "{e}");
        for (bad, what) in [
            ("[[rule]]\nid = \"a\"\nwhen = \"nope\"\n", "nope"),
            ("[[rule]]\nid = \"a b\"\nwhen = \"total_drop\"\npoints = 1\n", "a b"),
            ("[[rule]]\nid = \"a\"\nwhen = \"total_drop\"\npoints = 1\nranks = 2\n", "ranks"),
            ("[[rule]]\nid = \"a\"\nwhen = \"late_soon\"\ndays = 2\nkinds = [\"x\"]\n", "'x'"),
            ("[[rule]]\nid = \"a\"\nwhen = \"late_soon\"\ndays = 2\ncolour = 1\n", "colour"),
            ("[[rule]]\nid = \"a\"\nwhen = \"late_soon\"\ndays = 2\n[[rule]]\nid = \"a\"\nwhen = \"late_soon\"\ndays = 2\n", "trùng"),
        ] {
            let e = RuleSet::from_toml("r.toml", bad).unwrap_err();
            assert!(e.to_string().contains(what), "{bad}: {e}");
        }
    }
}
