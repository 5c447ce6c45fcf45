//! Publication (công bố kết quả): a period's score sheets frozen as they
//! stood when an administrator published them, so that public pages, the
//! public API and official reports show the published figures whatever is
//! imported later.
//!
//! A publication is version `n` of a period: the period's sheet and the
//! previous period's (the comparisons of the appendices), the methodology
//! version, the data's as-of instant, who published and when, and the
//! SHA-256 of the frozen sheets ([`Publication::content_hash`]). Republishing
//! makes version `n + 1` and needs a reason; every version is kept.
//!
//! Kept through the journal contract ([`crate::reform::JournalStore`]): one
//! journal per period ([`JournalKind::Publication`], unit `""`, scope the
//! period's code), one append-only entry per version, the head naming the
//! latest. A backend never interprets the body; this module turns it into
//! a [`Publication`] and back, and checks the hash when reading.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::accounts::content_hash;
use crate::measures::{MeasureValues, MEASURE_COUNT};
use crate::methodology::NoData;
use crate::period::Period;
use crate::records::UnitKind;
use crate::reform::{Journal, JournalEntry, JournalHead, JournalKey, JournalKind};
use crate::scoring::{Basis, CriterionScore, GroupScore, ScoreSheet, UnitScore};
use crate::time::{Date, Instant};

/// The part name of a version's journal entry.
pub const VERSION_PART: &str = "version";
/// The status of a published period's journal head.
pub const PUBLISHED: &str = "published";
/// The most characters of a republication's reason.
pub const MAX_REASON_CHARS: usize = 1000;

/// A version of a period's published results, without its sheets: what
/// lists, badges and the audit log show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// The period's code (`2024-06`, `2024-Q2`…).
    pub period: String,
    /// 1 for the first publication, then one more at each republication.
    pub version: u32,
    pub methodology: String,
    /// The data's as-of instant when published (Unix seconds), if the data
    /// stopped inside the period.
    pub as_of: Option<i64>,
    /// When it was published (Unix seconds).
    pub published_at: i64,
    /// Who published it (an account's name).
    pub published_by: String,
    /// Why it was published again (required from version 2 on).
    pub reason: Option<String>,
    /// SHA-256 (hex) of the frozen sheets' JSON as stored.
    pub content_hash: String,
    /// How many units the sheet scores.
    pub units: usize,
}

impl Stamp {
    /// "đã công bố ngày 05/07/2024 (phiên bản 2)".
    pub fn label_vi(&self) -> String {
        let at = Instant::from_unix(self.published_at).date().vn();
        if self.version == 1 {
            format!("đã công bố ngày {at}")
        } else {
            format!("đã công bố ngày {at} (phiên bản {})", self.version)
        }
    }
}

/// A published version with its frozen sheets.
#[derive(Clone, Debug)]
pub struct Publication {
    pub stamp: Stamp,
    pub sheet: Arc<ScoreSheet>,
    /// The previous period's sheet as it stood when published.
    pub previous: Arc<ScoreSheet>,
    /// The latest reception date in the data when published (the report's
    /// "số liệu đến ngày").
    pub latest_received: Option<Date>,
}

/// Why a publication cannot be made or read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PublicationError {
    #[error(
        "kỳ {period} đã công bố (phiên bản {version}): công bố lại cần lý do (--reason \"…\"), \
         phiên bản cũ vẫn được giữ"
    )]
    ReasonRequired { period: String, version: u32 },
    #[error("lý do công bố lại dài quá {MAX_REASON_CHARS} ký tự")]
    ReasonTooLong,
    #[error("kỳ {period}: bản công bố phiên bản {version} bị hỏng ({detail})")]
    Corrupt {
        period: String,
        version: u32,
        detail: String,
    },
    #[error(
        "kỳ {period}: bản công bố phiên bản {version} đã bị sửa (mã băm lưu {stored}, tính lại \
         {computed})"
    )]
    Tampered {
        period: String,
        version: u32,
        stored: String,
        computed: String,
    },
}

/// The journal of a period's publications.
pub fn journal_key(period: &Period) -> JournalKey {
    JournalKey::new(JournalKind::Publication, "", &period.code())
}

/// The scope of the index journal: every version's [`Stamp`] without its
/// sheets, so that listing what was published (the public's default
/// period, `/publications`) never reads the frozen sheets (tens of
/// megabytes each for the nation).
pub const INDEX_SCOPE: &str = "index";
/// The part name of an index entry.
pub const STAMP_PART: &str = "stamp";

/// The index journal's key.
pub fn index_key() -> JournalKey {
    JournalKey::new(JournalKind::Publication, "", INDEX_SCOPE)
}

/// The index entry of a published version.
pub fn index_entry(stamp: &Stamp) -> JournalEntry {
    JournalEntry {
        part: STAMP_PART.to_string(),
        at: Instant::from_unix(stamp.published_at),
        by: stamp.published_by.clone(),
        // Serialising plain data to a string cannot fail.
        body: serde_json::to_string(stamp).unwrap_or_default(),
    }
}

/// Every version's stamp in the index journal, in the order published.
pub fn index_stamps(journal: &Journal) -> Result<Vec<Stamp>, PublicationError> {
    journal
        .entries
        .iter()
        .filter(|e| e.part == STAMP_PART)
        .map(|e| {
            serde_json::from_str(&e.body).map_err(|err| PublicationError::Corrupt {
                period: INDEX_SCOPE.to_string(),
                version: 0,
                detail: err.to_string(),
            })
        })
        .collect()
}

/// What a new publication needs, given the versions already published:
/// the next version number and the reason kept (none for a first one).
pub fn next_version(
    period: &Period,
    published: usize,
    reason: Option<&str>,
) -> Result<(u32, Option<String>), PublicationError> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > MAX_REASON_CHARS) {
        return Err(PublicationError::ReasonTooLong);
    }
    let version = published as u32 + 1;
    if version > 1 && reason.is_none() {
        return Err(PublicationError::ReasonRequired {
            period: period.code(),
            version: published as u32,
        });
    }
    Ok((version, reason.map(str::to_string)))
}

/// Freezes sheets into a publication's journal head and entry.
pub struct Frozen {
    pub head: JournalHead,
    pub entry: JournalEntry,
    pub stamp: Stamp,
}

/// Who publishes what: the parts of a new version besides its sheets.
pub struct Draft<'a> {
    pub version: u32,
    pub reason: Option<String>,
    pub at: Instant,
    pub by: &'a str,
    pub latest_received: Option<Date>,
}

/// The journal head and entry of a new version of `sheet`'s period.
pub fn freeze(sheet: &ScoreSheet, previous: &ScoreSheet, draft: Draft<'_>) -> Frozen {
    let sheets = SheetsDoc {
        sheet: SheetDoc::of(sheet),
        previous: SheetDoc::of(previous),
        latest_received: draft.latest_received.map(|d| d.days()),
    };
    // Serialising plain data to a string cannot fail.
    let frozen = serde_json::to_string(&sheets).unwrap_or_default();
    let stamp = Stamp {
        period: sheet.period.code(),
        version: draft.version,
        methodology: sheet.methodology.clone(),
        as_of: sheet.as_of.map(Instant::unix),
        published_at: draft.at.unix(),
        published_by: draft.by.to_string(),
        reason: draft.reason,
        content_hash: content_hash(frozen.as_bytes()),
        units: sheet.units.len(),
    };
    let body = serde_json::to_string(&EntryDoc {
        stamp: stamp.clone(),
        sheets: frozen,
    })
    .unwrap_or_default();
    Frozen {
        head: JournalHead {
            status: PUBLISHED.to_string(),
            body: serde_json::to_string(&stamp).unwrap_or_default(),
        },
        entry: JournalEntry {
            part: VERSION_PART.to_string(),
            at: draft.at,
            by: draft.by.to_string(),
            body,
        },
        stamp,
    }
}

/// Every version's stamp of a period's journal, oldest first.
pub fn stamps(journal: &Journal) -> Result<Vec<Stamp>, PublicationError> {
    journal
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.part == VERSION_PART)
        .map(|(i, e)| entry_doc(&journal.key.scope, i as u32 + 1, &e.body).map(|(stamp, _)| stamp))
        .collect()
}

/// Version `version` of a period's journal (the latest when `None`), its
/// hash checked.
pub fn read(
    journal: &Journal,
    version: Option<u32>,
) -> Result<Option<Publication>, PublicationError> {
    let versions: Vec<&JournalEntry> = journal
        .entries
        .iter()
        .filter(|e| e.part == VERSION_PART)
        .collect();
    let index = match version {
        None if versions.is_empty() => return Ok(None),
        None => versions.len() - 1,
        Some(v) if v == 0 || v as usize > versions.len() => return Ok(None),
        Some(v) => v as usize - 1,
    };
    let number = index as u32 + 1;
    let period = &journal.key.scope;
    let (stamp, frozen) = entry_doc(period, number, &versions[index].body)?;
    let computed = content_hash(frozen.as_bytes());
    if computed != stamp.content_hash {
        return Err(PublicationError::Tampered {
            period: period.clone(),
            version: number,
            stored: stamp.content_hash,
            computed,
        });
    }
    let corrupt = |detail: String| PublicationError::Corrupt {
        period: period.clone(),
        version: number,
        detail,
    };
    let sheets: SheetsDoc = serde_json::from_str(&frozen).map_err(|e| corrupt(e.to_string()))?;
    Ok(Some(Publication {
        sheet: Arc::new(sheets.sheet.into_sheet().map_err(corrupt)?),
        previous: Arc::new(sheets.previous.into_sheet().map_err(corrupt)?),
        latest_received: sheets.latest_received.map(Date::from_days),
        stamp,
    }))
}

fn entry_doc(period: &str, version: u32, body: &str) -> Result<(Stamp, String), PublicationError> {
    let doc: EntryDoc = serde_json::from_str(body).map_err(|e| PublicationError::Corrupt {
        period: period.to_string(),
        version,
        detail: e.to_string(),
    })?;
    if doc.stamp.version != version || doc.stamp.period != period {
        return Err(PublicationError::Corrupt {
            period: period.to_string(),
            version,
            detail: format!(
                "mục ghi nói kỳ {} phiên bản {}",
                doc.stamp.period, doc.stamp.version
            ),
        });
    }
    Ok((doc.stamp, doc.sheets))
}

/// A version's journal entry: its stamp and the frozen sheets' JSON, kept
/// as the exact text the hash was taken of.
#[derive(Serialize, Deserialize)]
struct EntryDoc {
    stamp: Stamp,
    sheets: String,
}

#[derive(Serialize, Deserialize)]
struct SheetsDoc {
    sheet: SheetDoc,
    previous: SheetDoc,
    latest_received: Option<i32>,
}

/// A [`ScoreSheet`] as frozen: every field, periods by their codes.
#[derive(Serialize, Deserialize)]
struct SheetDoc {
    methodology: String,
    period: String,
    cutoff: Option<i64>,
    as_of: Option<i64>,
    previous_period: String,
    previous_cutoff: Option<i64>,
    units: Vec<UnitDoc>,
}

#[derive(Serialize, Deserialize)]
struct UnitDoc {
    unit_id: u32,
    code: String,
    name: String,
    kind: String,
    parent: Option<String>,
    total: Option<f64>,
    rank: Option<usize>,
    rank_of: usize,
    previous_total: Option<f64>,
    delta: Option<f64>,
    previous_rank: Option<usize>,
    peers_average: Option<f64>,
    groups: Vec<GroupDoc>,
    criteria: Vec<CriterionDoc>,
    measures: Vec<i64>,
}

#[derive(Serialize, Deserialize)]
struct GroupDoc {
    id: String,
    points: Option<f64>,
    max: f64,
}

#[derive(Serialize, Deserialize)]
struct CriterionDoc {
    id: String,
    numerator: Option<i64>,
    denominator: Option<i64>,
    ratio: Option<f64>,
    points: Option<f64>,
    max: f64,
    /// `measured`, `exclude`/`full`/`zero` (no data), or `inherited:UNIT`.
    basis: String,
    threshold: f64,
    goal: Option<f64>,
    goal_missed: bool,
}

impl SheetDoc {
    fn of(sheet: &ScoreSheet) -> SheetDoc {
        SheetDoc {
            methodology: sheet.methodology.clone(),
            period: sheet.period.code(),
            cutoff: sheet.period.cutoff.map(Instant::unix),
            as_of: sheet.as_of.map(Instant::unix),
            previous_period: sheet.previous_period.code(),
            previous_cutoff: sheet.previous_period.cutoff.map(Instant::unix),
            units: sheet.units.iter().map(UnitDoc::of).collect(),
        }
    }

    fn into_sheet(self) -> Result<ScoreSheet, String> {
        let period = |code: &str, cutoff: Option<i64>| {
            Period::parse(code)
                .map(|p| Period {
                    cutoff: cutoff.map(Instant::from_unix),
                    ..p
                })
                .map_err(|e| e.to_string())
        };
        Ok(ScoreSheet {
            methodology: self.methodology,
            period: period(&self.period, self.cutoff)?,
            as_of: self.as_of.map(Instant::from_unix),
            previous_period: period(&self.previous_period, self.previous_cutoff)?,
            units: self
                .units
                .into_iter()
                .map(UnitDoc::into_unit)
                .collect::<Result<_, _>>()?,
        })
    }
}

impl UnitDoc {
    fn of(u: &UnitScore) -> UnitDoc {
        UnitDoc {
            unit_id: u.unit_id,
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind.code().to_string(),
            parent: u.parent.clone(),
            total: u.total,
            rank: u.rank,
            rank_of: u.rank_of,
            previous_total: u.previous_total,
            delta: u.delta,
            previous_rank: u.previous_rank,
            peers_average: u.peers_average,
            groups: u
                .groups
                .iter()
                .map(|g| GroupDoc {
                    id: g.id.clone(),
                    points: g.points,
                    max: g.max,
                })
                .collect(),
            criteria: u
                .criteria
                .iter()
                .map(|c| CriterionDoc {
                    id: c.id.clone(),
                    numerator: c.numerator,
                    denominator: c.denominator,
                    ratio: c.ratio,
                    points: c.points,
                    max: c.max,
                    basis: match &c.basis {
                        Basis::Measured => "measured".to_string(),
                        Basis::NoData(NoData::Exclude) => "exclude".to_string(),
                        Basis::NoData(NoData::Full) => "full".to_string(),
                        Basis::NoData(NoData::Zero) => "zero".to_string(),
                        Basis::Inherited(from) => format!("inherited:{from}"),
                    },
                    threshold: c.threshold,
                    goal: c.goal,
                    goal_missed: c.goal_missed,
                })
                .collect(),
            measures: u.measures.0.to_vec(),
        }
    }

    fn into_unit(self) -> Result<UnitScore, String> {
        let kind = UnitKind::parse(&self.kind)
            .ok_or_else(|| format!("đơn vị {}: loại '{}' không rõ", self.code, self.kind))?;
        let measures: [i64; MEASURE_COUNT] = self.measures.try_into().map_err(|m: Vec<i64>| {
            format!(
                "đơn vị {}: {} số đo, cần {MEASURE_COUNT}",
                self.code,
                m.len()
            )
        })?;
        let criteria = self
            .criteria
            .into_iter()
            .map(|c| {
                let basis = match c.basis.as_str() {
                    "measured" => Basis::Measured,
                    "exclude" => Basis::NoData(NoData::Exclude),
                    "full" => Basis::NoData(NoData::Full),
                    "zero" => Basis::NoData(NoData::Zero),
                    other => match other.strip_prefix("inherited:") {
                        Some(from) => Basis::Inherited(from.to_string()),
                        None => return Err(format!("tiêu chí {}: cơ sở '{other}' không rõ", c.id)),
                    },
                };
                Ok(CriterionScore {
                    id: c.id,
                    numerator: c.numerator,
                    denominator: c.denominator,
                    ratio: c.ratio,
                    points: c.points,
                    max: c.max,
                    basis,
                    threshold: c.threshold,
                    goal: c.goal,
                    goal_missed: c.goal_missed,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(UnitScore {
            unit_id: self.unit_id,
            code: self.code,
            name: self.name,
            kind,
            parent: self.parent,
            total: self.total,
            rank: self.rank,
            rank_of: self.rank_of,
            previous_total: self.previous_total,
            delta: self.delta,
            previous_rank: self.previous_rank,
            peers_average: self.peers_average,
            groups: self
                .groups
                .into_iter()
                .map(|g| GroupScore {
                    id: g.id,
                    points: g.points,
                    max: g.max,
                })
                .collect(),
            criteria,
            measures: MeasureValues(measures),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(period: &str) -> ScoreSheet {
        let period = Period::parse(period).unwrap();
        ScoreSheet {
            methodology: "766-2023".to_string(),
            period,
            as_of: None,
            previous_period: period.previous(),
            units: vec![UnitScore {
                unit_id: 7,
                code: "000.00.01.H01".to_string(),
                name: "Sở Y tế".to_string(),
                kind: UnitKind::Department,
                parent: Some("000.00.00.H01".to_string()),
                total: Some(100.0 / 3.0),
                rank: Some(2),
                rank_of: 9,
                previous_total: Some(81.25),
                delta: Some(-47.916666666666664),
                previous_rank: None,
                peers_average: Some(0.1 + 0.2),
                groups: vec![GroupScore {
                    id: "N2".to_string(),
                    points: Some(18.5),
                    max: 20.0,
                }],
                criteria: vec![
                    CriterionScore {
                        id: "2.1".to_string(),
                        numerator: Some(1502),
                        denominator: Some(1600),
                        ratio: Some(1502.0 / 1600.0),
                        points: Some(5.8),
                        max: 6.0,
                        basis: Basis::Measured,
                        threshold: 1.0,
                        goal: Some(0.95),
                        goal_missed: true,
                    },
                    CriterionScore {
                        id: "1.1".to_string(),
                        numerator: None,
                        denominator: None,
                        ratio: None,
                        points: Some(2.0),
                        max: 2.0,
                        basis: Basis::Inherited("000.00.00.H01".to_string()),
                        threshold: 1.0,
                        goal: None,
                        goal_missed: false,
                    },
                    CriterionScore {
                        id: "3.3".to_string(),
                        numerator: None,
                        denominator: None,
                        ratio: None,
                        points: None,
                        max: 2.0,
                        basis: Basis::NoData(NoData::Exclude),
                        threshold: 0.8,
                        goal: None,
                        goal_missed: false,
                    },
                ],
                measures: MeasureValues(std::array::from_fn(|i| i as i64 * 3 - 1)),
            }],
        }
    }

    fn journal(frozen: &[&Frozen]) -> Journal {
        Journal {
            key: journal_key(&Period::parse("2024-06").unwrap()),
            head: frozen.last().unwrap().head.clone(),
            entries: frozen.iter().map(|f| f.entry.clone()).collect(),
        }
    }

    fn draft(version: u32, reason: Option<&str>) -> Draft<'static> {
        Draft {
            version,
            reason: reason.map(str::to_string),
            at: Instant::from_unix(1_720_000_000 + version as i64),
            by: "quantri",
            latest_received: Date::from_ymd(2024, 6, 30),
        }
    }

    #[test]
    fn a_frozen_sheet_reads_back_exactly() {
        let (s, p) = (sheet("2024-06"), sheet("2024-05"));
        let frozen = freeze(&s, &p, draft(1, None));
        let back = read(&journal(&[&frozen]), None).unwrap().unwrap();
        assert_eq!(back.sheet.units, s.units);
        assert_eq!(back.sheet.period, s.period);
        assert_eq!(back.previous.units, p.units);
        assert_eq!(back.latest_received, Date::from_ymd(2024, 6, 30));
        assert_eq!(back.stamp, frozen.stamp);
        assert_eq!(back.stamp.label_vi(), "đã công bố ngày 03/07/2024");
    }

    #[test]
    fn every_version_is_kept_and_the_latest_is_read_by_default() {
        let first = freeze(&sheet("2024-06"), &sheet("2024-05"), draft(1, None));
        let mut changed = sheet("2024-06");
        changed.units[0].total = Some(90.0);
        let second = freeze(
            &changed,
            &sheet("2024-05"),
            draft(2, Some("sửa dữ liệu Sở Y tế")),
        );
        let j = journal(&[&first, &second]);
        assert_eq!(
            read(&j, None).unwrap().unwrap().sheet.units[0].total,
            Some(90.0)
        );
        assert_eq!(
            read(&j, Some(1)).unwrap().unwrap().sheet.units[0].total,
            Some(100.0 / 3.0)
        );
        assert!(read(&j, Some(3)).unwrap().is_none());
        let all = stamps(&j).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].reason.as_deref(), Some("sửa dữ liệu Sở Y tế"));
        assert_ne!(all[0].content_hash, all[1].content_hash);
    }

    #[test]
    fn an_edited_snapshot_is_found_by_its_hash() {
        let frozen = freeze(&sheet("2024-06"), &sheet("2024-05"), draft(1, None));
        let mut j = journal(&[&frozen]);
        j.entries[0].body = j.entries[0].body.replace("1502", "1602");
        assert!(matches!(
            read(&j, None),
            Err(PublicationError::Tampered { version: 1, .. })
        ));
    }

    #[test]
    fn republishing_needs_a_reason() {
        let p = Period::parse("2024-06").unwrap();
        assert_eq!(next_version(&p, 0, None).unwrap(), (1, None));
        assert!(matches!(
            next_version(&p, 1, Some("   ")),
            Err(PublicationError::ReasonRequired { version: 1, .. })
        ));
        assert_eq!(
            next_version(&p, 1, Some(" số liệu bổ sung ")).unwrap(),
            (2, Some("số liệu bổ sung".to_string()))
        );
        assert_eq!(
            next_version(&p, 1, Some(&"x".repeat(MAX_REASON_CHARS + 1))),
            Err(PublicationError::ReasonTooLong)
        );
    }
}
