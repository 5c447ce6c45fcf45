//! Yearly results (cchc.md §5): the PAR Index (Chỉ số CCHC), SIPAS, PAPI
//! and the yearly 766 result of a unit, as published: value, maximum, rank
//! among peers, the previous value and rank, components and class. Read
//! from rows of named cells (a CSV or workbook the edge reads), one row per
//! result and one per component (`thanh_phan` filled), every row accounted
//! for: a refused row says its line and why.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::decimal::Decimal;
use crate::doc::DocRef;

/// Which index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexKind {
    /// Chỉ số cải cách hành chính (PAR Index).
    Par,
    /// Chỉ số hài lòng về sự phục vụ hành chính (SIPAS).
    Sipas,
    /// Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI).
    Papi,
    /// Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766), năm.
    #[serde(rename = "766")]
    Service766,
}

impl IndexKind {
    pub const ALL: [IndexKind; 4] = [
        IndexKind::Par,
        IndexKind::Sipas,
        IndexKind::Papi,
        IndexKind::Service766,
    ];

    pub fn code(self) -> &'static str {
        match self {
            IndexKind::Par => "par",
            IndexKind::Sipas => "sipas",
            IndexKind::Papi => "papi",
            IndexKind::Service766 => "766",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            IndexKind::Par => "Chỉ số CCHC (PAR Index)",
            IndexKind::Sipas => "Chỉ số SIPAS",
            IndexKind::Papi => "Chỉ số PAPI",
            IndexKind::Service766 => "Chỉ số phục vụ người dân, doanh nghiệp (766)",
        }
    }

    /// Read by its code, case and accents aside (`PAR`, `par index`, `766`).
    pub fn parse(text: &str) -> Option<IndexKind> {
        let t = text.trim().to_lowercase();
        let t = t.strip_suffix(" index").unwrap_or(&t);
        IndexKind::ALL.into_iter().find(|k| k.code() == t)
    }
}

/// A component (thành phần, lĩnh vực) as published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    pub name: String,
    pub value: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
}

/// One unit's result of one index for one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexResult {
    pub index: IndexKind,
    pub year: i32,
    /// Unit code.
    pub unit: String,
    pub value: Decimal,
    /// Điểm tối đa (100 for a percentage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Decimal>,
    /// Xếp hạng, and among how many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub among: Option<u32>,
    /// As published with the result (not looked up: a past year may have
    /// been recomputed since).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_value: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_rank: Option<u32>,
    /// Xếp loại (Rất tốt, Tốt, Khá…) for the province's own index.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub class: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<DocRef>,
}

impl IndexResult {
    /// The journal scope of a result: `par/2023`.
    pub fn scope(&self) -> String {
        scope(self.index, self.year)
    }

    /// Change from the previous value as published (`+0,04`).
    pub fn change(&self) -> Option<Decimal> {
        self.value.checked_sub(self.previous_value?)
    }

    /// Places gained since the previous rank (positive: moved up).
    pub fn rank_change(&self) -> Option<i64> {
        Some(self.previous_rank? as i64 - self.rank? as i64)
    }
}

/// The journal scope of an index's year.
pub fn scope(index: IndexKind, year: i32) -> String {
    format!("{}/{year}", index.code())
}

/// A row that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("dòng {line}: {message}")]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

/// The columns a results file has (Vietnamese without accents, as in the template).
pub const COLUMNS: [&str; 12] = [
    "chi_so",
    "nam",
    "don_vi",
    "thanh_phan",
    "gia_tri",
    "toi_da",
    "thu_hang",
    "tren",
    "gia_tri_truoc",
    "thu_hang_truoc",
    "xep_loai",
    "van_ban",
];

/// What reading rows gave: the results, and the rows refused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadResults {
    pub results: Vec<IndexResult>,
    pub rejected: Vec<RowError>,
    pub read: usize,
}

impl ReadResults {
    /// Rows kept (results and their components): `read - rejected`.
    pub fn accepted(&self) -> usize {
        self.read - self.rejected.len()
    }
}

/// Reads rows of named cells (`line`, column → text). A component row
/// (`thanh_phan` filled) joins its result's row, which may come before or
/// after it; a component without its result is refused.
pub fn read_rows(rows: &[(usize, BTreeMap<String, String>)]) -> ReadResults {
    let mut out = ReadResults {
        read: rows.len(),
        ..ReadResults::default()
    };
    let mut components: Vec<(usize, (IndexKind, i32, String), Component)> = Vec::new();
    for (line, cells) in rows {
        let line = *line;
        let cell = |name: &str| cells.get(name).map(|s| s.trim()).unwrap_or("");
        let refuse = |message: String| RowError { line, message };
        let parsed = (|| -> Result<(), RowError> {
            let index = IndexKind::parse(cell("chi_so")).ok_or_else(|| {
                refuse(format!(
                    "cột chi_so '{}' không rõ: dùng par, sipas, papi hoặc 766",
                    cell("chi_so")
                ))
            })?;
            let year: i32 = cell("nam")
                .parse()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| refuse(format!("cột nam '{}' không phải năm", cell("nam"))))?;
            let unit = cell("don_vi").to_string();
            if unit.is_empty() {
                return Err(refuse("cột don_vi trống: ghi mã đơn vị".into()));
            }
            let number = |name: &str| -> Result<Option<Decimal>, RowError> {
                let text = cell(name);
                if text.is_empty() {
                    return Ok(None);
                }
                Decimal::parse_vi(text, false)
                    .map(Some)
                    .map_err(|e| refuse(format!("cột {name} '{text}': {e}")))
            };
            let whole = |name: &str| -> Result<Option<u32>, RowError> {
                let text = cell(name);
                if text.is_empty() {
                    return Ok(None);
                }
                text.parse()
                    .map(Some)
                    .map_err(|_| refuse(format!("cột {name} '{text}' không phải số nguyên dương")))
            };
            let value = number("gia_tri")?
                .ok_or_else(|| refuse("cột gia_tri trống: ghi giá trị đã công bố".into()))?;
            let component = cell("thanh_phan");
            if !component.is_empty() {
                components.push((
                    line,
                    (index, year, unit),
                    Component {
                        name: component.to_string(),
                        value,
                        max: number("toi_da")?,
                        rank: whole("thu_hang")?,
                    },
                ));
                return Ok(());
            }
            if out
                .results
                .iter()
                .any(|r| r.index == index && r.year == year && r.unit == unit)
            {
                return Err(refuse(format!(
                    "kết quả {} năm {year} của {unit} đã có ở dòng trước",
                    index.code()
                )));
            }
            let document = match cell("van_ban") {
                "" => None,
                number => Some(crate::doc::from_number(number)),
            };
            out.results.push(IndexResult {
                index,
                year,
                unit,
                value,
                max: number("toi_da")?,
                rank: whole("thu_hang")?,
                among: whole("tren")?,
                previous_value: number("gia_tri_truoc")?,
                previous_rank: whole("thu_hang_truoc")?,
                class: cell("xep_loai").to_string(),
                components: Vec::new(),
                document,
            });
            Ok(())
        })();
        if let Err(e) = parsed {
            out.rejected.push(e);
        }
    }
    for (line, (index, year, unit), component) in components {
        match out
            .results
            .iter_mut()
            .find(|r| r.index == index && r.year == year && r.unit == unit)
        {
            Some(r) => r.components.push(component),
            None => out.rejected.push(RowError {
                line,
                message: format!(
                    "thành phần '{}' không có dòng kết quả {} năm {year} của {unit} (dòng có thanh_phan trống)",
                    component.name,
                    index.code()
                ),
            }),
        }
    }
    out.rejected.sort_by_key(|e| e.line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, cells: &[(&str, &str)]) -> (usize, BTreeMap<String, String>) {
        (
            line,
            cells
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn the_seeds_par_index_with_components() {
        let rows = [
            row(
                2,
                &[
                    ("chi_so", "par"),
                    ("thanh_phan", "Thẩm định tự đánh giá"),
                    ("nam", "2023"),
                    ("don_vi", "92"),
                    ("gia_tri", "57,17"),
                    ("toi_da", "61,5"),
                    ("thu_hang", "17"),
                ],
            ),
            row(
                3,
                &[
                    ("chi_so", "PAR"),
                    ("nam", "2023"),
                    ("don_vi", "92"),
                    ("gia_tri", "86,15"),
                    ("toi_da", "100"),
                    ("thu_hang", "42"),
                    ("tren", "63"),
                    ("gia_tri_truoc", "86,11"),
                    ("thu_hang_truoc", "26"),
                ],
            ),
            row(4, &[("chi_so", "papi"), ("nam", "2023"), ("don_vi", "92")]),
            row(
                5,
                &[
                    ("chi_so", "sipas"),
                    ("thanh_phan", "x"),
                    ("nam", "2023"),
                    ("don_vi", "01"),
                    ("gia_tri", "1"),
                ],
            ),
        ];
        let r = read_rows(&rows);
        assert_eq!(r.read, 4);
        assert_eq!((r.results.len(), r.rejected.len()), (1, 2), "{r:?}");
        assert_eq!(r.accepted() + r.rejected.len(), r.read);
        let par = &r.results[0];
        assert_eq!(par.value.vi(), "86,15");
        assert_eq!(par.change().map(|d| d.vi()), Some("0,04".to_string()));
        assert_eq!(par.rank_change(), Some(-16));
        assert_eq!(par.components.len(), 1);
        assert_eq!(par.components[0].max.map(|d| d.vi()), Some("61,5".into()));
        assert_eq!(par.scope(), "par/2023");
        assert_eq!(r.rejected[0].line, 4);
        assert!(
            r.rejected[0].message.contains("gia_tri"),
            "{:?}",
            r.rejected
        );
        assert_eq!(r.rejected[1].line, 5);
    }

    #[test]
    fn index_codes_round_trip() {
        for k in IndexKind::ALL {
            assert_eq!(IndexKind::parse(k.code()), Some(k));
        }
        assert_eq!(IndexKind::parse("PAR Index"), Some(IndexKind::Par));
        assert_eq!(IndexKind::parse("pci"), None);
    }
}
