//! The fill-in template of a unit's forms (biểu mẫu 1–7), read back: the
//! columns chiso writes into the workbook it generates for a unit and
//! period, and the reader of a filled copy. One row per indicator, keyed by
//! its code (`B3 3.1`, column `Mã chỉ tiêu`), so rows may be reordered,
//! hidden or deleted; the figure (`Số liệu`), the note (`Ghi chú`), the
//! explanation of a warning on the row (`Giải trình`) and the reason for
//! changing a figure chiso filled in (`Lý do sửa số liệu chiso điền sẵn`).
//!
//! Every row below the header is accounted for: read as a value, skipped
//! (blank, a section title, a derived row left as computed) or refused with
//! its line and why: `read = accepted + skipped + refused`.

use std::collections::BTreeMap;

use chiso_core::names::fold;

use crate::catalogue::{Catalogue, Kind};
use crate::value::{parse_cell, Breakdown, Entry, IndicatorId, Origin, Value, Values};

/// The template's columns, in order.
pub const COLUMNS: [&str; 8] = [
    "Mã chỉ tiêu",
    "STT",
    "Chỉ tiêu thống kê",
    "Đơn vị tính",
    "Số liệu",
    "Ghi chú",
    "Giải trình",
    "Lý do sửa số liệu chiso điền sẵn",
];

/// Rows searched for the header.
const HEADER_SEARCH: usize = 40;

/// A refused row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// What a filled template gave.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filled {
    pub values: Values,
    /// Explanations by row, to be keyed by the findings on that row.
    pub explanations: BTreeMap<IndicatorId, String>,
    pub problems: Vec<Problem>,
    /// Rows below the header.
    pub read: usize,
    pub accepted: usize,
    pub skipped: usize,
}

fn column(header: &[String], name: &str) -> Option<usize> {
    let want = fold(name);
    header.iter().position(|h| fold(h) == want)
}

/// Reads a filled template's rows (line, cells). `prefilled` is what chiso
/// wrote into the template: a changed prefilled figure needs its reason.
pub fn read(
    catalogue: &Catalogue,
    rows: &[(usize, Vec<String>)],
    prefilled: &Values,
) -> Result<Filled, String> {
    let Some((h, header)) = rows
        .iter()
        .take(HEADER_SEARCH)
        .enumerate()
        .find(|(_, (_, cells))| column(cells, COLUMNS[0]).is_some())
        .map(|(i, (_, cells))| (i, cells))
    else {
        return Err(format!(
            "không thấy dòng tiêu đề có cột '{}' trong {HEADER_SEARCH} dòng đầu: dùng mẫu do chiso tạo (chiso forms template)",
            COLUMNS[0]
        ));
    };
    let need = |name: &str| {
        column(header, name).ok_or_else(|| format!("thiếu cột '{name}' ở dòng tiêu đề"))
    };
    let (code_col, value_col) = (need(COLUMNS[0])?, need(COLUMNS[4])?);
    let note_col = column(header, COLUMNS[5]);
    let why_col = column(header, COLUMNS[6]);
    let override_col = column(header, COLUMNS[7]);
    let mut out = Filled::default();
    for (line, cells) in &rows[h + 1..] {
        out.read += 1;
        let line = *line;
        let cell = |i: Option<usize>| i.and_then(|i| cells.get(i)).map(|s| s.trim()).unwrap_or("");
        let code = cell(Some(code_col));
        let (text, note) = (cell(Some(value_col)), cell(note_col));
        let mut refuse = |message: String| out.problems.push(Problem { line, message });
        if code.is_empty() {
            if cells.iter().all(|c| c.trim().is_empty()) || text.is_empty() {
                out.skipped += 1;
            } else {
                refuse(format!(
                    "có số liệu '{text}' nhưng cột '{}' trống: không biết là chỉ tiêu nào",
                    COLUMNS[0]
                ));
            }
            continue;
        }
        let Ok(id) = code.parse::<IndicatorId>() else {
            // A form's title as the generated workbook writes it: a row of
            // one cell across the columns, in the code column.
            if cells.iter().skip(1).all(|c| c.trim().is_empty()) {
                out.skipped += 1;
                continue;
            }
            refuse(format!(
                "mã chỉ tiêu '{code}' không đúng dạng (ví dụ B3 3.1)"
            ));
            continue;
        };
        let Some(ind) = catalogue.indicator(&id) else {
            refuse(format!(
                "danh mục {} không có chỉ tiêu {id}: tải lại mẫu đúng kỳ báo cáo",
                catalogue.id
            ));
            continue;
        };
        if out.values.get(&id).is_some() {
            refuse(format!("chỉ tiêu {id} có hai dòng: giữ một dòng"));
            continue;
        }
        let why = cell(why_col);
        if !why.is_empty() {
            out.explanations.insert(id.clone(), why.to_string());
        }
        if ind.kind == Kind::Heading || (ind.kind.is_derived() && text.is_empty()) {
            out.skipped += 1;
            continue;
        }
        let value = match parse_cell(ind, text) {
            Ok(v) => v,
            Err(e) => {
                refuse(format!("{id} ({}): {e}", ind.unit));
                continue;
            }
        };
        if value.is_none() && note.is_empty() {
            out.skipped += 1;
            continue;
        }
        let before = prefilled.get(&id).and_then(|e| e.value.clone());
        let reason = cell(override_col);
        let origin = match (&before, &value) {
            (Some(b), v) if Some(b) == v.as_ref() => Origin::Prefilled,
            (Some(b), _) => {
                if reason.is_empty() {
                    refuse(format!(
                        "{id}: chiso đã điền sẵn {} từ dữ liệu hồ sơ; sửa thì phải ghi lý do ở cột '{}'",
                        show(b),
                        COLUMNS[7]
                    ));
                    continue;
                }
                Origin::Overridden {
                    prefilled: match b {
                        Value::Number(n) => Some(*n),
                        _ => None,
                    },
                    reason: reason.to_string(),
                }
            }
            (None, _) => Origin::Typed,
        };
        let by_level = Breakdown::parse_note(note).unwrap_or_default();
        out.values.set(
            id,
            Entry {
                value,
                note: note.to_string(),
                by_level,
                as_of: None,
                origin,
            },
        );
        out.accepted += 1;
    }
    Ok(out)
}

fn show(v: &Value) -> String {
    match v {
        Value::Number(n) => n.vi(),
        Value::Code(c) => c.to_string(),
        Value::Text(t) => t.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::CatalogueSet;
    use crate::decimal::Decimal;

    fn row(line: usize, cells: &[&str]) -> (usize, Vec<String>) {
        (line, cells.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn a_filled_template_is_read_and_every_row_accounted_for() {
        let set = CatalogueSet::builtin();
        let c = set.get("cchc-2024").expect("catalogue");
        let mut prefilled = Values::default();
        prefilled.set(
            IndicatorId::new(3, "3.1.1"),
            Entry::number(Decimal::from_int(100)),
        );
        let header: Vec<&str> = COLUMNS.to_vec();
        let rows = vec![
            row(1, &["BIỂU MẪU CCHC"]),
            row(3, &header),
            row(4, &["", "", "Biểu mẫu 2", "", "", "", "", ""]),
            row(5, &["B2 1.1", "1.1.", "…", "Văn bản", "17", "", "", ""]),
            row(6, &["B2 1", "1.", "…", "Văn bản", "", "", "", ""]),
            row(7, &["B3 3.1.1", "", "", "", "99", "", "", ""]),
            row(8, &["B3 3.1.1", "", "", "", "99", "", "", ""]),
            row(9, &["B9 1", "", "", "", "1", "", "", ""]),
            row(10, &["", "", "", "", "5", "", "", ""]),
            row(
                11,
                &[
                    "B6 2.1",
                    "",
                    "",
                    "",
                    "537",
                    "Cấp huyện: 423, Cấp thành phố: 114",
                    "Số liệu đúng",
                    "",
                ],
            ),
            row(12, &["B2 1.1x", "", "", "", "abc", "", "", ""]),
        ];
        let f = read(c, &rows, &prefilled).expect("read");
        assert_eq!(f.read, 9);
        assert_eq!(f.accepted + f.skipped + f.problems.len(), f.read, "{f:?}");
        assert_eq!(
            f.values.number(&IndicatorId::new(2, "1.1")),
            Some(Decimal::from_int(17))
        );
        let lines: Vec<usize> = f.problems.iter().map(|p| p.line).collect();
        // 7 and 8: a prefilled figure changed without a reason; 9: no form 9;
        // 10: a figure without a code; 12: not a code.
        assert!(
            lines.contains(&7) && lines.contains(&9) && lines.contains(&10) && lines.contains(&12),
            "{:?}",
            f.problems
        );
        assert!(f.problems.iter().any(|p| p.message.contains("lý do")));
        let b621 = f.values.get(&IndicatorId::new(6, "2.1")).expect("row");
        assert_eq!(b621.by_level.0.len(), 2);
        assert_eq!(f.explanations.len(), 1);
    }

    /// The workbook chiso generates writes each form's title as one cell
    /// across the row, which lands in the code column: a title, skipped.
    #[test]
    fn the_generated_templates_form_titles_are_skipped() {
        let set = CatalogueSet::builtin();
        let c = set.get("cchc-2025").expect("catalogue");
        let rows = vec![
            row(3, &COLUMNS),
            row(4, &["Biểu mẫu 4. Cải cách tổ chức bộ máy"]),
            row(
                5,
                &[
                    "Biểu mẫu 4. Cải cách tổ chức bộ máy",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
            ),
            row(6, &["B4 2.4", "2.4.", "…", "Người", "3", "", "", ""]),
            row(7, &["Biểu mẫu 4", "", "", "", "3", "", "", ""]),
        ];
        let f = read(c, &rows, &Values::default()).expect("read");
        assert_eq!((f.read, f.accepted, f.skipped), (4, 1, 2), "{f:?}");
        // A figure beside a text that is no code is still refused.
        assert_eq!(f.problems.len(), 1);
        assert_eq!(f.problems[0].line, 7);
    }

    #[test]
    fn a_file_without_the_header_is_refused() {
        let set = CatalogueSet::builtin();
        let c = set.get("cchc-2024").expect("catalogue");
        let err = read(c, &[row(1, &["a", "b"])], &Values::default()).unwrap_err();
        assert!(err.contains("Mã chỉ tiêu"), "{err}");
    }
}
