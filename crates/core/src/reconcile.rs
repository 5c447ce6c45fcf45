//! Reconciliation (đối chiếu): the national portal's published figures
//! (`report_tinh_766_service`) beside chiso's own, per unit and group, with
//! the differences ordered largest first and, for the largest, the criteria
//! and records that explain them. The CLI (`chiso reconcile`), the dashboard
//! page and the API all show this one model.
//!
//! The portal publishes six group scores in the columns `CKMB, TDGQ, TTTT,
//! CLGQ, MDHL, MDSH` (công khai minh bạch, tiến độ giải quyết, dịch vụ công
//! trực tuyến, thanh toán trực tuyến, mức độ hài lòng, số hoá) and the total
//! `TONG_SCORE`; they are the methodology's groups 1 to 6 in that order
//! ([`PORTAL_COLUMNS`], methodology.md §1).
//!
//! Differences are chiso − portal: negative where chiso gives fewer points.

use std::borrow::Borrow;

use crate::engine::Explanation;
use crate::explain::{self, ExplainItem, RecordKind};
use crate::measures::Measure;
use crate::methodology::{Methodology, NoData};
use crate::period::Period;
use crate::scoring::{Basis, ScoreSheet, UnitScore};

/// One group column of the portal's published results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortalColumn {
    /// The portal's column name.
    pub column: &'static str,
    /// The methodology group it is.
    pub group: &'static str,
}

/// The portal's group columns, in its order; each is the methodology group
/// of the same position (methodology.md §1).
pub const PORTAL_COLUMNS: [PortalColumn; 6] = [
    PortalColumn {
        column: "CKMB",
        group: "1",
    },
    PortalColumn {
        column: "TDGQ",
        group: "2",
    },
    PortalColumn {
        column: "TTTT",
        group: "3",
    },
    PortalColumn {
        column: "CLGQ",
        group: "4",
    },
    PortalColumn {
        column: "MDHL",
        group: "5",
    },
    PortalColumn {
        column: "MDSH",
        group: "6",
    },
];

/// The portal's total column.
pub const PORTAL_TOTAL: &str = "TONG_SCORE";

/// Units whose largest gap is explained record by record (explaining reads
/// raw records, so only the largest differences are).
pub const EXPLAINED_UNITS: usize = 3;
/// Failing records listed per explained criterion.
pub const EXAMPLES: usize = 5;

/// What the portal published for one unit and period.
#[derive(Clone, Debug, PartialEq)]
pub struct PortalFigures {
    pub unit_code: String,
    /// The unit's name as the portal wrote it (`TEN`).
    pub name: String,
    /// Group points in [`PORTAL_COLUMNS`] order; `None` where the portal gave none.
    pub groups: [Option<f64>; 6],
    pub total: Option<f64>,
}

/// One figure on both sides.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Figure {
    pub portal: Option<f64>,
    pub chiso: Option<f64>,
}

impl Figure {
    /// chiso − portal, when both sides have a figure.
    pub fn difference(&self) -> Option<f64> {
        Some(self.chiso? - self.portal?)
    }
}

/// One group on both sides.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupGap {
    /// The methodology group's id.
    pub id: String,
    /// The portal's column.
    pub column: &'static str,
    pub name: String,
    /// The group's maximum in the methodology.
    pub max: f64,
    /// chiso's maximum for this unit, reduced by criteria without data.
    pub chiso_max: Option<f64>,
    pub figure: Figure,
}

/// One criterion of the group with the largest gap, as chiso scored it.
#[derive(Clone, Debug, PartialEq)]
pub struct CriterionGap {
    pub id: String,
    pub name: String,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    pub ratio: Option<f64>,
    pub points: Option<f64>,
    pub max: f64,
    /// Points chiso did not give (maximum − points; 0 when left out for lack of data).
    pub lost: f64,
    /// The no-data policy applied, when the denominator was zero.
    pub no_data: Option<NoData>,
    /// How the points were obtained when not from the unit's own records (Vietnamese).
    pub note: Option<String>,
    /// Whether the records were read ([`explain_gaps`]).
    pub explained: bool,
    /// Records that cost points (when explained).
    pub failed: usize,
    /// The first of those records, with their reasons.
    pub examples: Vec<ExplainItem>,
}

/// One unit on both sides.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitGap {
    pub code: String,
    /// chiso's name of the unit (the portal's when chiso does not score it).
    pub name: String,
    pub portal_name: String,
    /// chiso scores the unit in the period.
    pub scored: bool,
    pub total: Figure,
    /// chiso's total was scaled to 100 because criteria had no data.
    pub total_normalised: bool,
    pub groups: Vec<GroupGap>,
    /// Dossiers received in the period (chiso).
    pub received: i64,
    /// Of those, dossiers the portal never received (`synced` false).
    pub unsynced: i64,
    /// Index in `groups` of the largest difference.
    pub largest: Option<usize>,
    /// The criteria of the largest difference's group, most points lost first.
    pub criteria: Vec<CriterionGap>,
    /// Among the largest differences, whose records were read ([`explain_gaps`]).
    pub examined: bool,
}

impl UnitGap {
    /// How far apart the two sides are: the total's absolute difference,
    /// or, without totals on both sides, the largest group's.
    pub fn gap(&self) -> Option<f64> {
        self.total.difference().map(f64::abs).or_else(|| {
            self.groups
                .iter()
                .filter_map(|g| g.figure.difference())
                .map(f64::abs)
                .reduce(f64::max)
        })
    }

    /// The group with the largest difference.
    pub fn largest_group(&self) -> Option<&GroupGap> {
        self.largest.map(|i| &self.groups[i])
    }

    /// The largest group difference in words, saying what the criteria
    /// listed after it can and cannot tell (Vietnamese).
    pub fn reading(&self) -> Option<String> {
        let g = self.largest_group()?;
        let d = g.figure.difference()?;
        let amount = crate::format::points(d.abs());
        let lost = self.criteria.iter().any(|c| c.lost >= 0.005);
        Some(if d < 0.0 {
            format!(
                "nhóm {} {}: chiso thấp hơn Cổng {amount} điểm; các chỉ số, bản ghi dưới đây là \
                 chỗ chiso trừ điểm mà Cổng không trừ (Cổng không nhận được, hoặc nhận số liệu khác)",
                g.id, g.name
            )
        } else if lost {
            format!(
                "nhóm {} {}: chiso cao hơn Cổng {amount} điểm; Cổng trừ thêm điểm mà chiso không \
                 trừ (thường do Cổng tính trên số liệu khác, xem lưu ý); dưới đây là các chỗ chiso \
                 cũng trừ điểm",
                g.id, g.name
            )
        } else {
            let full: Vec<&str> = self
                .criteria
                .iter()
                .filter(|c| c.no_data == Some(NoData::Full))
                .map(|c| c.id.as_str())
                .collect();
            let because = if full.is_empty() {
                String::new()
            } else {
                format!(
                    " ({} không có dữ liệu, tính đủ điểm theo phương pháp)",
                    full.join(", ")
                )
            };
            format!(
                "nhóm {} {}: chiso cao hơn Cổng {amount} điểm; chiso cho đủ điểm mọi chỉ số của \
                 nhóm{because}, nên Cổng trừ điểm trên số liệu chiso không có (xem lưu ý)",
                g.id, g.name
            )
        })
    }

    /// What a reader should know before reading the differences, in Vietnamese.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.scored {
            notes.push("chiso không chấm điểm đơn vị này trong kỳ (không có dữ liệu)".to_string());
        }
        if self.unsynced > 0 {
            notes.push(format!(
                "{} trong {} hồ sơ tiếp nhận trong kỳ chưa đồng bộ lên Cổng DVCQG: Cổng không nhận \
                 được nên không tính, chiso tính (chỉ số 1.4 và các chỉ số theo hồ sơ)",
                crate::format::integer(self.unsynced),
                crate::format::integer(self.received)
            ));
        }
        for g in &self.groups {
            if g.figure.portal.is_some_and(|p| p > g.max + 0.005) {
                notes.push(format!(
                    "Cổng công bố cột {} = {}, quá điểm tối đa {} của nhóm {}: kiểm tra thứ tự cột trong tệp",
                    g.column,
                    crate::format::points(g.figure.portal.unwrap_or_default()),
                    crate::format::decimal(g.max, 0),
                    g.id
                ));
            }
            if let Some(m) = g.chiso_max.filter(|m| *m + 0.005 < g.max) {
                notes.push(format!(
                    "nhóm {}: chiso bỏ các chỉ số không có dữ liệu, điểm tối đa còn {}",
                    g.id,
                    crate::format::points(m)
                ));
            }
        }
        if self.total_normalised {
            notes.push("tổng điểm chiso đã quy về thang 100 do có chỉ số không có dữ liệu".into());
        }
        notes
    }
}

/// The portal's figures for a period beside chiso's.
#[derive(Clone, Debug, PartialEq)]
pub struct Reconciliation {
    pub methodology: String,
    /// The methodology's maximum total (100).
    pub max: f64,
    pub period: Period,
    /// Largest [`UnitGap::gap`] first; units with no difference to show last.
    pub units: Vec<UnitGap>,
}

/// Puts each published unit beside chiso's score for the same period.
pub fn compare(sheet: &ScoreSheet, m: &Methodology, portal: &[PortalFigures]) -> Reconciliation {
    let mut units: Vec<UnitGap> = portal
        .iter()
        .map(|p| unit_gap(m, sheet.unit(&p.unit_code), p))
        .collect();
    units.sort_by(|a, b| {
        let (da, db) = (a.gap(), b.gap());
        db.partial_cmp(&da)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.code.cmp(&b.code))
    });
    Reconciliation {
        methodology: m.id.clone(),
        max: m.total,
        period: sheet.period,
        units,
    }
}

fn unit_gap(m: &Methodology, score: Option<&UnitScore>, p: &PortalFigures) -> UnitGap {
    let scored = score.is_some_and(|s| s.total.is_some());
    let groups: Vec<GroupGap> = PORTAL_COLUMNS
        .iter()
        .zip(p.groups)
        .map(|(col, portal)| {
            let group = m.groups.iter().find(|g| g.id == col.group);
            let chiso = score
                .filter(|_| scored)
                .and_then(|s| s.groups.iter().find(|g| g.id == col.group));
            GroupGap {
                id: col.group.to_string(),
                column: col.column,
                name: group.map_or_else(|| col.column.to_string(), |g| g.name.clone()),
                max: group.map_or(0.0, |g| g.max),
                chiso_max: chiso.map(|g| g.max),
                figure: Figure {
                    portal,
                    chiso: chiso.and_then(|g| g.points),
                },
            }
        })
        .collect();
    let largest = groups
        .iter()
        .enumerate()
        .filter_map(|(i, g)| g.figure.difference().map(|d| (i, d.abs())))
        .filter(|(_, d)| *d >= 0.005)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i);
    let criteria = match (largest, score) {
        (Some(i), Some(s)) => criteria_of(m, s, &groups[i].id),
        _ => Vec::new(),
    };
    let measure = |which: Measure| score.map_or(0, |s| s.measures.get(which));
    let received = measure(Measure::DossiersReceived);
    let chiso_max: f64 = groups.iter().filter_map(|g| g.chiso_max).sum();
    UnitGap {
        code: p.unit_code.clone(),
        name: score.map_or_else(|| p.name.clone(), |s| s.name.clone()),
        portal_name: p.name.clone(),
        scored,
        total: Figure {
            portal: p.total,
            chiso: score.and_then(|s| s.total),
        },
        total_normalised: scored && (chiso_max - m.total).abs() > 0.005,
        groups,
        received,
        unsynced: received - measure(Measure::DossiersSynced),
        largest,
        criteria,
        examined: false,
    }
}

/// The criteria of one group as scored for a unit, most points lost first.
fn criteria_of(m: &Methodology, s: &UnitScore, group: &str) -> Vec<CriterionGap> {
    let mut out: Vec<CriterionGap> = m
        .criteria
        .iter()
        .zip(&s.criteria)
        .filter(|(c, _)| c.group == group)
        .map(|(c, cs)| CriterionGap {
            id: c.id.clone(),
            name: c.name.clone(),
            numerator: cs.numerator,
            denominator: cs.denominator,
            ratio: cs.ratio,
            points: cs.points,
            max: cs.max,
            lost: cs.points.map_or(0.0, |p| (cs.max - p).max(0.0)),
            no_data: match cs.basis {
                Basis::NoData(policy) => Some(policy),
                _ => None,
            },
            note: match &cs.basis {
                Basis::NoData(policy) => Some(policy.note_vi()),
                Basis::Inherited(from) => Some(format!("lấy kết quả của {from}")),
                Basis::Measured => None,
            },
            explained: false,
            failed: 0,
            examples: Vec::new(),
        })
        .collect();
    out.sort_by(|a, b| b.lost.total_cmp(&a.lost));
    out
}

/// Reads the records behind the largest gaps: for the first `units` units
/// with a group difference, every criterion of that group that lost points
/// (criteria counting records, not reported figures), through
/// `explain(unit, criterion)`, keeping the first `examples` failing records.
pub fn explain_gaps<X, E>(
    rec: &mut Reconciliation,
    m: &Methodology,
    units: usize,
    examples: usize,
    mut explain: impl FnMut(&str, &str) -> Result<X, E>,
) -> Result<(), E>
where
    X: Borrow<Explanation>,
{
    for unit in rec
        .units
        .iter_mut()
        .filter(|u| u.largest.is_some())
        .take(units)
    {
        unit.examined = true;
        let code = unit.code.clone();
        for c in unit
            .criteria
            .iter_mut()
            .filter(|c| c.lost >= 0.005)
            .filter(|c| {
                m.criterion(&c.id)
                    .is_some_and(|c| explain::record_kind(c) != RecordKind::UnitCounts)
            })
        {
            let e = explain(&code, &c.id)?;
            let items = &e.borrow().items;
            c.explained = true;
            c.failed = items.iter().filter(|i| i.failed).count();
            c.examples = items
                .iter()
                .filter(|i| i.failed)
                .take(examples)
                .cloned()
                .collect();
        }
    }
    Ok(())
}

/// The stable JSON shape of `chiso reconcile --format json` and `/api/v1/reconcile`.
pub mod document {
    use serde::Serialize;

    use super::{Figure, NoData, Reconciliation};

    #[derive(Serialize)]
    pub struct ReconcileDocument {
        pub methodology: String,
        pub period: PeriodEntry,
        pub units: Vec<UnitEntry>,
    }

    #[derive(Serialize)]
    pub struct PeriodEntry {
        pub code: String,
        pub label: String,
        pub from: String,
        pub to: String,
    }

    #[derive(Serialize)]
    pub struct FigureEntry {
        pub portal: Option<f64>,
        pub chiso: Option<f64>,
        /// chiso − portal.
        pub difference: Option<f64>,
    }

    impl From<&Figure> for FigureEntry {
        fn from(f: &Figure) -> Self {
            FigureEntry {
                portal: f.portal,
                chiso: f.chiso,
                difference: f.difference(),
            }
        }
    }

    #[derive(Serialize)]
    pub struct UnitEntry {
        pub code: String,
        pub name: String,
        pub portal_name: String,
        pub scored: bool,
        /// Among the largest differences, whose records were read.
        pub examined: bool,
        pub total: FigureEntry,
        pub groups: Vec<GroupEntry>,
        pub received: i64,
        pub unsynced: i64,
        pub largest_group: Option<String>,
        /// The largest group difference in words.
        pub reading: Option<String>,
        pub notes: Vec<String>,
        pub criteria: Vec<CriterionEntry>,
    }

    #[derive(Serialize)]
    pub struct GroupEntry {
        pub id: String,
        pub column: &'static str,
        pub name: String,
        pub max: f64,
        pub portal: Option<f64>,
        pub chiso: Option<f64>,
        pub difference: Option<f64>,
    }

    #[derive(Serialize)]
    pub struct CriterionEntry {
        pub id: String,
        pub name: String,
        pub numerator: Option<i64>,
        pub denominator: Option<i64>,
        pub ratio: Option<f64>,
        pub points: Option<f64>,
        pub max: f64,
        pub lost: f64,
        /// The no-data policy applied (`exclude`, `full`, `zero`), when the denominator was zero.
        pub no_data: Option<&'static str>,
        pub note: Option<String>,
        pub explained: bool,
        pub failed: usize,
        pub examples: Vec<ExampleEntry>,
    }

    #[derive(Serialize)]
    pub struct ExampleEntry {
        pub record: &'static str,
        pub id: String,
        pub unit: String,
        pub label: String,
        pub received_at: Option<String>,
        pub reason: Option<String>,
    }

    pub fn build(rec: &Reconciliation) -> ReconcileDocument {
        ReconcileDocument {
            methodology: rec.methodology.clone(),
            period: PeriodEntry {
                code: rec.period.code(),
                label: rec.period.label_vi(),
                from: rec.period.from.iso(),
                to: rec.period.to.iso(),
            },
            units: rec
                .units
                .iter()
                .map(|u| UnitEntry {
                    code: u.code.clone(),
                    name: u.name.clone(),
                    portal_name: u.portal_name.clone(),
                    scored: u.scored,
                    examined: u.examined,
                    total: (&u.total).into(),
                    groups: u
                        .groups
                        .iter()
                        .map(|g| GroupEntry {
                            id: g.id.clone(),
                            column: g.column,
                            name: g.name.clone(),
                            max: g.max,
                            portal: g.figure.portal,
                            chiso: g.figure.chiso,
                            difference: g.figure.difference(),
                        })
                        .collect(),
                    received: u.received,
                    unsynced: u.unsynced,
                    largest_group: u.largest_group().map(|g| g.id.clone()),
                    reading: u.reading(),
                    notes: u.notes(),
                    criteria: u
                        .criteria
                        .iter()
                        .map(|c| CriterionEntry {
                            id: c.id.clone(),
                            name: c.name.clone(),
                            numerator: c.numerator,
                            denominator: c.denominator,
                            ratio: c.ratio,
                            points: c.points,
                            max: c.max,
                            lost: c.lost,
                            no_data: c.no_data.map(NoData::code),
                            note: c.note.clone(),
                            explained: c.explained,
                            failed: c.failed,
                            examples: c
                                .examples
                                .iter()
                                .map(|i| ExampleEntry {
                                    record: i.record.code(),
                                    id: i.id.clone(),
                                    unit: i.unit_code.clone(),
                                    label: i.label.clone(),
                                    received_at: i.received_at.map(|t| t.iso()),
                                    reason: i.reason.clone(),
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::measures::MeasureValues;
    use crate::methodology::MethodologySet;
    use crate::records::{Unit, UnitKind};
    use crate::scoring::{score_sheet, Hierarchy};

    fn unit(code: &str, name: &str) -> Unit {
        Unit {
            code: code.into(),
            name: name.into(),
            parent_code: None,
            kind: UnitKind::Commune,
            valid_from: None,
            valid_to: None,
            successor_code: None,
            scored: true,
        }
    }

    /// Two communes of October 2026: A with 10 dossiers of which 8 synced and
    /// 9 on time, B with 4 dossiers, all synced and on time.
    fn sheet() -> (ScoreSheet, Methodology) {
        let m = MethodologySet::builtin()
            .in_force(crate::time::Date::parse("2026-10-31").unwrap())
            .cloned()
            .unwrap();
        let hierarchy = Hierarchy::new(vec![(1, unit("A", "Xã A")), (2, unit("B", "Xã B"))]);
        let values = |received: i64, synced: i64, on_time: i64| {
            let mut v = MeasureValues::default();
            v.0[Measure::DossiersReceived as usize] = received;
            v.0[Measure::DossiersSynced as usize] = synced;
            v.0[Measure::TimelinessTotal as usize] = received;
            v.0[Measure::TimelinessOnTime as usize] = on_time;
            v
        };
        let measures = HashMap::from([(1, values(10, 8, 9)), (2, values(4, 4, 4))]);
        let period = Period::parse("2026-10").unwrap();
        let sheet = score_sheet(
            &m,
            &m,
            &period,
            &period.previous(),
            &hierarchy,
            &measures,
            &HashMap::new(),
            &crate::targets::Targets::default(),
        );
        (sheet, m)
    }

    fn portal(code: &str, groups: [Option<f64>; 6], total: Option<f64>) -> PortalFigures {
        PortalFigures {
            unit_code: code.into(),
            name: format!("UBND xã {code}"),
            groups,
            total,
        }
    }

    #[test]
    fn differences_are_chiso_minus_portal_largest_first() {
        let (sheet, m) = sheet();
        let a = sheet.unit("A").unwrap();
        let chiso = |u: &UnitScore, g: &str| u.groups.iter().find(|x| x.id == g).unwrap().points;
        // A: 1.4 = 8/10 of 6 points, 2.1 = 9/10 of 20 points.
        assert!((chiso(a, "1").unwrap() - 4.8).abs() < 1e-9);
        assert!((chiso(a, "2").unwrap() - 18.0).abs() < 1e-9);
        let published = [
            // B: the portal agrees on timeliness, off by 0.5 on publicity.
            portal("B", [Some(5.5), Some(20.0), None, None, None, None], None),
            // A: the portal saw only the 8 synced dossiers: full marks on 1.4.
            portal("A", [Some(6.0), Some(18.0), None, None, None, None], None),
            // A unit chiso does not score.
            portal("Z", [Some(1.0); 6], Some(50.0)),
        ];
        let rec = compare(&sheet, &m, &published);
        let order: Vec<&str> = rec.units.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(
            order,
            ["A", "B", "Z"],
            "largest difference first, none last"
        );
        let a = &rec.units[0];
        assert_eq!(a.name, "Xã A");
        assert_eq!(a.portal_name, "UBND xã A");
        let g1 = &a.groups[0];
        assert_eq!((g1.id.as_str(), g1.column), ("1", "CKMB"));
        assert!((g1.figure.difference().unwrap() + 1.2).abs() < 1e-9);
        assert_eq!(a.groups[1].figure.difference(), Some(0.0));
        assert_eq!(a.groups[2].figure.difference(), None, "no published figure");
        assert_eq!(a.largest_group().map(|g| g.id.as_str()), Some("1"));
        assert_eq!(a.total.difference(), None, "no published total");
        // The criteria of group 1, most points lost first: 1.4 lost 1.2.
        assert_eq!(a.criteria[0].id, "1.4");
        assert!((a.criteria[0].lost - 1.2).abs() < 1e-9);
        assert!(a.criteria.iter().skip(1).all(|c| c.lost == 0.0));
        assert_eq!((a.received, a.unsynced), (10, 2));
        let notes = a.notes().join("\n");
        assert!(notes.contains("2 trong 10 hồ sơ"), "{notes}");
        let z = &rec.units[2];
        assert!(!z.scored && z.largest.is_none() && z.criteria.is_empty());
        assert!(z.notes()[0].contains("không chấm điểm"));
    }

    #[test]
    fn a_published_group_above_its_maximum_is_pointed_out() {
        let (sheet, m) = sheet();
        // 12 in CLGQ (payment, at most 10): the columns were probably swapped.
        let rec = compare(
            &sheet,
            &m,
            &[portal(
                "B",
                [None, None, None, Some(12.0), None, None],
                None,
            )],
        );
        let notes = rec.units[0].notes().join("\n");
        assert!(
            notes.contains("cột CLGQ = 12,00, quá điểm tối đa 10"),
            "{notes}"
        );
    }

    #[test]
    fn the_document_carries_every_figure() {
        let (sheet, m) = sheet();
        let rec = compare(&sheet, &m, &[portal("A", [Some(6.0); 6], Some(80.0))]);
        let doc = document::build(&rec);
        let u = &doc.units[0];
        assert_eq!(doc.period.code, "2026-10");
        assert_eq!(
            (u.groups[0].column, u.groups[0].portal),
            ("CKMB", Some(6.0))
        );
        assert_eq!(u.unsynced, 2);
        let (diff, chiso) = (u.total.difference.unwrap(), u.total.chiso.unwrap());
        assert!((diff - (chiso - 80.0)).abs() < 1e-9);
    }
}
