//! The printed table of each form (Phụ lục II: STT, chỉ tiêu thống kê, đơn
//! vị tính, số liệu, ghi chú) as plain strings: a model for the report
//! renderers, which only lay it out. Figures are formatted the Vietnamese way,
//! rates rounded to their display precision, breakdowns by level written
//! back as the notes offices use ("Cấp huyện: 72, cấp xã: 40").

use crate::catalogue::Kind;
use crate::sheet::{Figure, Sheet};
use crate::value::{Breakdown, IndicatorId};

/// One printed row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRow {
    pub id: IndicatorId,
    /// STT as printed: `2.1.`
    pub stt: String,
    pub label: String,
    pub unit: String,
    pub value: String,
    pub note: String,
    /// A section title (printed without a value).
    pub heading: bool,
}

/// One form's table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormTable {
    pub form: u8,
    /// "Biểu mẫu 1"
    pub caption: String,
    pub title: String,
    pub rows: Vec<TableRow>,
}

/// Every form of a sheet as printed; rows the sheet's unit does not fill and
/// hidden rows are left out. `province` names the province's own level in
/// notes ("Cấp tỉnh", or "Cấp thành phố" for a centrally-run city).
pub fn tables(sheet: &Sheet, province: &str) -> Vec<FormTable> {
    sheet
        .catalogue
        .forms
        .iter()
        .map(|form| FormTable {
            form: form.no,
            caption: format!("Biểu mẫu {}", form.no),
            title: form.title.clone(),
            rows: form
                .indicators
                .iter()
                .filter(|ind| !ind.hidden)
                .filter_map(|ind| {
                    let row = sheet.row(&ind.id)?;
                    if !row.applicable {
                        return None;
                    }
                    let is_rate = matches!(ind.kind, Kind::Rate { .. });
                    let breakdown = Breakdown(
                        row.by_level
                            .iter()
                            .filter_map(|(tier, f)| {
                                let v = if is_rate {
                                    f.percent(ind.precision)
                                } else {
                                    f.number()
                                };
                                v.map(|v| (*tier, v))
                            })
                            .collect(),
                    );
                    let mut notes = Vec::new();
                    if !row.note.trim().is_empty() {
                        notes.push(row.note.trim().to_string());
                    }
                    // One level alone says nothing the figure does not.
                    if breakdown.0.len() > 1 {
                        notes.push(breakdown.note(province, is_rate));
                    }
                    Some(TableRow {
                        id: ind.id.clone(),
                        stt: format!("{}.", ind.id.code),
                        label: ind.label.clone(),
                        unit: ind.unit.clone(),
                        value: match (&ind.kind, &row.figure) {
                            (Kind::Heading, _) | (_, Figure::Empty) => String::new(),
                            (_, f) => f.vi(ind.precision),
                        },
                        note: notes.join("; "),
                        heading: ind.kind == Kind::Heading,
                    })
                })
                .collect(),
        })
        .collect()
}

/// The figures a report's narrative quotes, ready to paste: every rate of
/// forms 1, 3 and 7 that has a figure, with its parts ("Tỷ lệ hồ sơ TTHC …:
/// 99,94% (86.593/86.643)"), in catalogue order.
pub fn quotes(sheet: &Sheet) -> Vec<String> {
    sheet
        .catalogue
        .forms
        .iter()
        .filter(|f| matches!(f.no, 1 | 3 | 7))
        .flat_map(|f| f.indicators.iter())
        .filter(|ind| !ind.hidden && matches!(ind.kind, Kind::Rate { .. }))
        .filter_map(|ind| {
            let row = sheet.row(&ind.id)?;
            match &row.figure {
                Figure::Rate { num, den } if row.applicable => Some(format!(
                    "{}: {}% ({}/{})",
                    ind.label,
                    row.figure.vi(ind.precision),
                    num.vi(),
                    den.vi()
                )),
                _ => None,
            }
        })
        .collect()
}
