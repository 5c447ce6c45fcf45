//! The office's targets file (chỉ tiêu giao, mục tiêu năm): CSV with a
//! header row, comma, semicolon or tab separated, one target per row:
//!
//! | column | aliases | meaning |
//! |---|---|---|
//! | `unit_code` | Mã đơn vị, ma_don_vi | the unit assigned the target; empty: a government goal for every unit |
//! | `year` | Năm | the year |
//! | `criterion` | Chỉ số, ma_chi_so | the methodology's criterion id (3.3) |
//! | `target` | Chỉ tiêu, muc_tieu, value | `60`, `60%`, `0,6` or `0.6`: a ratio (a number above 1 or with `%` is a percentage) |
//! | `source` | Căn cứ, nguon | the assigning decision (optional) |
//!
//! Every data row is accepted or rejected with its line, column and reason
//! (`read = accepted + rejected`); the unit is checked by the store.

use chiso_core::targets::Target;

use crate::text::fold_key;
use crate::{reject, Rejected};

/// The largest file read (a target per unit, criterion and year is small).
pub const MAX_BYTES: usize = 8 << 20;

/// A targets file read: accepted targets with their line, rejected rows.
#[derive(Clone, Debug, Default)]
pub struct TargetsRead {
    pub file: String,
    pub targets: Vec<(usize, Target)>,
    pub rejected: Vec<Rejected>,
}

impl TargetsRead {
    /// Data rows read: accepted + rejected.
    pub fn read(&self) -> usize {
        self.targets.len() + self.rejected.len()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetsError {
    #[error("tệp {file} lớn hơn 8 MiB: tách thành nhiều tệp")]
    TooLarge { file: String },
    #[error("tệp {file} không phải văn bản UTF-8: lưu lại dạng CSV UTF-8")]
    NotUtf8 { file: String },
    #[error("tệp {file} không có dòng tiêu đề với các cột year, criterion và target (Năm, Chỉ số, Chỉ tiêu): thêm dòng tiêu đề")]
    NoHeader { file: String },
}

const UNIT: &[&str] = &["unit_code", "ma_don_vi", "Mã đơn vị", "don_vi", "Đơn vị"];
const YEAR: &[&str] = &["year", "nam", "Năm"];
const CRITERION: &[&str] = &["criterion", "chi_so", "Chỉ số", "ma_chi_so", "Mã chỉ số"];
const TARGET: &[&str] = &[
    "target",
    "value",
    "chi_tieu",
    "Chỉ tiêu",
    "muc_tieu",
    "Mục tiêu",
];
const SOURCE: &[&str] = &["source", "nguon", "Nguồn", "can_cu", "Căn cứ"];

fn position(header: &[String], names: &[&str]) -> Option<usize> {
    let keys: Vec<String> = names.iter().map(|n| fold_key(n)).collect();
    header.iter().position(|h| keys.contains(&fold_key(h)))
}

/// Reads a targets file already in memory, named `file`.
pub fn read_bytes(file: &str, bytes: &[u8]) -> Result<TargetsRead, TargetsError> {
    if bytes.len() > MAX_BYTES {
        return Err(TargetsError::TooLarge { file: file.into() });
    }
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if std::str::from_utf8(body).is_err() {
        return Err(TargetsError::NotUtf8 { file: file.into() });
    }
    for delimiter in [b',', b';', b'\t'] {
        let mut rows = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(body)
            .into_records();
        let Some(Ok(first)) = rows.next() else {
            continue;
        };
        let header: Vec<String> = first.iter().map(str::to_string).collect();
        let (Some(year), Some(criterion), Some(target)) = (
            position(&header, YEAR),
            position(&header, CRITERION),
            position(&header, TARGET),
        ) else {
            continue;
        };
        let (unit, source) = (position(&header, UNIT), position(&header, SOURCE));
        let mut out = TargetsRead {
            file: file.to_string(),
            ..TargetsRead::default()
        };
        for row in rows {
            let row = match row {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| line_at(body, p.byte()));
                    out.rejected.push(reject(
                        line,
                        file,
                        None,
                        format!("dòng {line} không đọc được: {e}"),
                        String::new(),
                    ));
                    continue;
                }
            };
            let line = row.position().map_or(0, |p| line_at(body, p.byte()));
            let cells: Vec<&str> = row.iter().map(str::trim).collect();
            if cells.iter().all(|c| c.is_empty()) {
                continue;
            }
            let cell = |i: Option<usize>| i.and_then(|i| cells.get(i).copied()).unwrap_or("");
            let raw = cells.join(&(delimiter as char).to_string());
            let fail = |column: &str, reason: String| {
                reject(line, file, Some(column), reason, raw.clone())
            };
            let year_text = cell(Some(year));
            let Some(y) = year_text
                .parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
            else {
                out.rejected.push(fail(
                    "year",
                    format!("năm '{year_text}' ở cột year không hợp lệ: ghi năm như 2026"),
                ));
                continue;
            };
            let criterion_text = cell(Some(criterion));
            if criterion_text.is_empty() {
                out.rejected.push(fail(
                    "criterion",
                    "thiếu mã chỉ số ở cột criterion: ghi mã như 3.3".into(),
                ));
                continue;
            }
            let target_text = cell(Some(target));
            let Some(value) = ratio(target_text) else {
                out.rejected.push(fail(
                    "target",
                    format!(
                        "chỉ tiêu '{target_text}' ở cột target không hợp lệ: ghi phần trăm (60 hoặc 60%) hoặc tỷ lệ (0,6), từ 0 đến 100%"
                    ),
                ));
                continue;
            };
            let unit_text = cell(unit);
            out.targets.push((
                line,
                Target {
                    unit_code: (!unit_text.is_empty()).then(|| unit_text.to_string()),
                    year: y,
                    criterion: criterion_text.to_string(),
                    value,
                    source: cell(source).to_string(),
                },
            ));
        }
        return Ok(out);
    }
    Err(TargetsError::NoHeader { file: file.into() })
}

/// The physical line (1-based) where a record starting at a byte offset
/// begins: the csv crate's own line count and offset include the blank
/// lines it skipped before the record.
fn line_at(body: &[u8], byte: u64) -> usize {
    let mut end = (byte as usize).min(body.len());
    while end < body.len() && matches!(body[end], b'\n' | b'\r') {
        end += 1;
    }
    body[..end].iter().filter(|b| **b == b'\n').count() + 1
}

/// `60`, `60%`, `60,5 %`, `0,6`, `0.6` → a ratio in [0, 1].
fn ratio(text: &str) -> Option<f64> {
    let t = text.trim();
    let (t, percent) = match t.strip_suffix('%') {
        Some(rest) => (rest.trim(), true),
        None => (t, false),
    };
    let x: f64 = t
        .replace(',', ".")
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite())?;
    let x = if percent || x > 1.0 { x / 100.0 } else { x };
    (0.0..=1.0).contains(&x).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_assigned_targets_and_goals_and_rejects_bad_rows() {
        let text = "\u{feff}Mã đơn vị;Năm;Chỉ số;Chỉ tiêu;Căn cứ\n\
                    000.20.30.H53;2023;3.3;60%;QĐ 12/QĐ-UBND\n\
                    ;2024;4.2;0,45;NQ 02/NQ-CP\n\
                    000.21.30.H53;năm ngoái;3.3;50;\n\
                    000.21.30.H53;2023;3.3;150;\n\
                    \n\
                    000.22.30.H53;2023;;50;\n";
        let r = read_bytes("chi-tieu.csv", text.as_bytes()).unwrap();
        assert_eq!(r.read(), 5);
        assert_eq!(r.targets.len(), 2);
        let (line, t) = &r.targets[0];
        assert_eq!(*line, 2);
        assert_eq!(t.unit_code.as_deref(), Some("000.20.30.H53"));
        assert!((t.value - 0.6).abs() < 1e-12);
        assert_eq!(t.source, "QĐ 12/QĐ-UBND");
        assert_eq!(r.targets[1].1.unit_code, None);
        assert!((r.targets[1].1.value - 0.45).abs() < 1e-12);
        let why: Vec<(usize, Option<&str>)> = r
            .rejected
            .iter()
            .map(|x| (x.line, x.column.as_deref()))
            .collect();
        assert_eq!(
            why,
            [
                (4, Some("year")),
                (5, Some("target")),
                (7, Some("criterion"))
            ]
        );
        assert!(r.rejected[1].reason.contains("150"));
    }

    #[test]
    fn a_file_without_the_columns_is_refused() {
        let e = read_bytes("x.csv", b"a,b\n1,2\n").unwrap_err();
        assert_eq!(
            e,
            TargetsError::NoHeader {
                file: "x.csv".into()
            }
        );
    }

    proptest! {
        /// Whatever the rows, each non-empty data row is accepted or
        /// rejected, and no value outside [0, 1] is accepted.
        #[test]
        fn every_row_is_accounted_for(rows in proptest::collection::vec(
            (".{0,12}", "[0-9]{0,5}", "[0-9.]{0,4}", "[0-9,.%]{0,6}"), 0..40)) {
            let mut text = String::from("unit_code,year,criterion,target\n");
            let mut non_empty = 0;
            for (u, y, c, t) in &rows {
                let cells: Vec<String> = [u, y, c, t]
                    .iter()
                    .map(|s| format!("\"{}\"", s.replace('"', "\"\"")))
                    .collect();
                if [u, y, c, t].iter().any(|s| !s.trim().is_empty()) {
                    non_empty += 1;
                }
                text.push_str(&cells.join(","));
                text.push('\n');
            }
            let r = read_bytes("p.csv", text.as_bytes()).unwrap();
            prop_assert_eq!(r.read(), non_empty);
            prop_assert!(r.targets.iter().all(|(_, t)| (0.0..=1.0).contains(&t.value)));
        }
    }
}
