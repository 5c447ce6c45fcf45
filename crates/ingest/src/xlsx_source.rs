//! Workbooks (XLSX, also the older XLS, XLSB and ODS): the first sheet, its
//! header the first row naming the kind's required columns (title rows
//! above it are skipped). Cells may be
//! text, numbers, booleans or Excel dates; a date or date-time cell, or a
//! plain number in a date column (an Excel serial date), becomes an ISO date
//! (`2024-03-08`, or `2024-03-08T14:30:00` when it has a time of day).
//!
//! Hostile workbooks are bounded: the sheet is kept as the cells it really
//! holds, never as the rectangle its farthest cell spans (one cell at
//! `XFD1048576` would otherwise be 17 billion cells), at most [`MAX_CELLS`]
//! cells and [`MAX_TEXT_BYTES`] of text; an ODS file, which calamine lays
//! out whole, is refused before reading when its rectangle is larger. A formula whose value the file does
//! not carry (written by a program that never calculated it) is a rejected
//! row naming the cell, never an empty cell or a 0.

use std::borrow::Cow;
use std::io::{Cursor, Read};

use calamine::{open_workbook_auto_from_rs, Data, DataRef, Reader as _, Sheets};
use chiso_core::time::Date;

use crate::columns::{columns, Ty, MAX_COLUMNS};
use crate::{find_header, join_csv, Ctx, Header, IngestError, Item, RecordKind};

/// The most cells a sheet may hold (a sheet of a million rows of ten
/// columns); a larger export is read as CSV.
pub(crate) const MAX_CELLS: usize = 10_000_000;
/// The most text a sheet's cells may hold once read (a shared string is
/// counted each time a cell uses it).
pub(crate) const MAX_TEXT_BYTES: usize = 256 * 1024 * 1024;

/// One non-blank row of the sheet.
struct SheetRow {
    /// The sheet row, 1-based.
    line: usize,
    /// Its cells, by column relative to the sheet's first column, in order.
    cells: Vec<(usize, Data)>,
    /// Columns (relative) holding a formula whose value the file lacks.
    uncached: Vec<usize>,
}

impl SheetRow {
    fn get(&self, col: usize) -> Option<&Data> {
        self.cells
            .binary_search_by_key(&col, |(c, _)| *c)
            .ok()
            .map(|i| &self.cells[i].1)
    }

    /// One past the last column with something in it.
    fn width(&self) -> usize {
        let cells = self.cells.last().map_or(0, |(c, _)| c + 1);
        let formulas = self.uncached.iter().max().map_or(0, |c| c + 1);
        cells.max(formulas)
    }
}

pub(crate) struct XlsxSource {
    rows: Vec<SheetRow>,
    /// The sheet's first column (0-based), to name cells.
    first_col: usize,
    /// Next row to read (an index into `rows`).
    next: usize,
    /// For each column of the kind, its position (relative column).
    map: Vec<Option<usize>>,
    /// Each position's value type (the column it maps to), for dates.
    types: Vec<Ty>,
    /// The first data row (after the header).
    start: usize,
    /// Positions of personal data, masked in a rejected row's text.
    personal: Vec<usize>,
}

/// An Excel serial date (days since 1899-12-30, the 1900 date system) as
/// ISO text; a date column or a whole day gives the date alone.
fn serial_text(serial: f64, ty: Ty) -> Option<String> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let whole = serial.floor();
    let mut days = whole as i32;
    let mut secs = ((serial - whole) * 86_400.0).round() as i64;
    if secs >= 86_400 {
        days += 1;
        secs -= 86_400;
    }
    // Excel counts a 29 February 1900 that never was: serials below 60 are one day later.
    let epoch = if days < 60 {
        Date::from_ymd(1899, 12, 31)?
    } else {
        Date::from_ymd(1899, 12, 30)?
    };
    Some(ymd_hms_text(epoch.add_days(days), secs, ty))
}

fn ymd_hms_text(date: Date, secs: i64, ty: Ty) -> String {
    if ty == Ty::Date || secs == 0 {
        date.iso()
    } else {
        format!(
            "{}T{:02}:{:02}:{:02}",
            date.iso(),
            secs / 3600,
            (secs / 60) % 60,
            secs % 60
        )
    }
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A cell as text for a column of type `ty`, or the reason it cannot be.
fn cell_text(cell: &Data, ty: Ty) -> Result<Cow<'_, str>, String> {
    let dated = matches!(ty, Ty::Date | Ty::DateTime);
    Ok(match cell {
        Data::Empty => Cow::Borrowed(""),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cow::Borrowed(s.as_str()),
        Data::Bool(true) => Cow::Borrowed("true"),
        Data::Bool(false) => Cow::Borrowed("false"),
        Data::Int(i) if dated => {
            Cow::Owned(serial_text(*i as f64, ty).unwrap_or_else(|| i.to_string()))
        }
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Float(f) if dated => {
            Cow::Owned(serial_text(*f, ty).unwrap_or_else(|| number_text(*f)))
        }
        Data::Float(f) => Cow::Owned(number_text(*f)),
        Data::DateTime(dt) if dt.is_datetime() => {
            // Calamine handles the 1904 date system; round its milliseconds to the second.
            let (y, m, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            let secs =
                i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s) + i64::from(ms >= 500);
            match Date::from_ymd(y.into(), m.into(), d.into()) {
                Some(date) if secs >= 86_400 => {
                    Cow::Owned(ymd_hms_text(date.add_days(1), secs - 86_400, ty))
                }
                Some(date) => Cow::Owned(ymd_hms_text(date, secs, ty)),
                None => Cow::Owned(number_text(dt.as_f64())),
            }
        }
        Data::DateTime(dt) => Cow::Owned(number_text(dt.as_f64())),
        Data::Error(e) => return Err(format!("{e}")),
    })
}

/// The sheet's cells, bounded: (row, column, value), blank cells left out.
type Cells = Vec<(u32, u32, Data)>;

/// Collects a cell reader's non-blank cells within the bounds.
fn collect<'a, E: std::fmt::Display>(
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, E>,
) -> Result<Cells, String> {
    let mut cells = Vec::new();
    let mut text = 0usize;
    while let Some(cell) = next().map_err(|e| e.to_string())? {
        let (r, c) = cell.get_position();
        let data: Data = cell.get_value().clone().into();
        if is_blank(&data) {
            continue;
        }
        if let Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) = &data {
            text += s.len();
        }
        push_bounded(&mut cells, (r, c, data), text)?;
    }
    Ok(cells)
}

fn push_bounded(cells: &mut Cells, cell: (u32, u32, Data), text: usize) -> Result<(), String> {
    if cells.len() >= MAX_CELLS {
        return Err(format!(
            "trang tính có hơn {} ô có dữ liệu: chia thành nhiều tệp hoặc xuất CSV",
            chiso_core::format::integer(MAX_CELLS as i64)
        ));
    }
    if text > MAX_TEXT_BYTES {
        return Err(format!(
            "chữ trong các ô của trang tính vượt {} MiB: chia thành nhiều tệp hoặc xuất CSV",
            MAX_TEXT_BYTES / (1024 * 1024)
        ));
    }
    cells.push(cell);
    Ok(())
}

/// The first sheet's non-blank cells and, for XLSX, the cells holding a
/// formula without a value, never the rectangle they span.
fn first_sheet(bytes: Vec<u8>) -> Result<(Cells, Vec<(u32, u32)>), String> {
    let uncached = if bytes.starts_with(b"PK") {
        crate::workbook_scan::uncached(&bytes)
    } else {
        Vec::new()
    };
    if let Some(cells) = crate::workbook_scan::ods_cells(&bytes) {
        if cells > MAX_CELLS as u64 {
            return Err(format!(
                "bảng tính ODS trải ra {} ô (kể cả các hàng, cột lặp lại), quá {} ô đọc được: xóa các \
                 hàng, cột thừa hoặc xuất CSV",
                chiso_core::format::integer(i64::try_from(cells).unwrap_or(i64::MAX)),
                chiso_core::format::integer(MAX_CELLS as i64)
            ));
        }
    }
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let Some(name) = book.sheet_names().first().cloned() else {
        return Ok((Vec::new(), uncached));
    };
    let cells = match &mut book {
        Sheets::Xlsx(x) => {
            let mut reader = x.worksheet_cells_reader(&name).map_err(|e| e.to_string())?;
            collect(|| reader.next_cell())?
        }
        Sheets::Xlsb(x) => {
            let mut reader = x.worksheet_cells_reader(&name).map_err(|e| e.to_string())?;
            collect(|| reader.next_cell())?
        }
        // XLS holds at most 65.536 x 256 cells; ODS was measured above.
        _ => {
            let range = book.worksheet_range(&name).map_err(|e| e.to_string())?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let mut cells = Vec::new();
            let mut text = 0usize;
            for (r, c, d) in range.used_cells() {
                if is_blank(d) {
                    continue;
                }
                if let Data::String(s) = d {
                    text += s.len();
                }
                push_bounded(&mut cells, (r0 + r as u32, c0 + c as u32, d.clone()), text)?;
            }
            cells
        }
    };
    Ok((cells, uncached))
}

/// Groups cells into rows, in sheet order.
fn sheet_rows(mut cells: Cells, mut uncached: Vec<(u32, u32)>) -> (Vec<SheetRow>, usize) {
    let first_col = cells
        .iter()
        .map(|c| c.1)
        .chain(uncached.iter().map(|f| f.1))
        .min()
        .unwrap_or(0);
    cells.sort_by_key(|c| (c.0, c.1));
    uncached.sort_unstable();
    uncached.dedup();
    let mut rows: Vec<SheetRow> = Vec::new();
    let row_of = |rows: &mut Vec<SheetRow>, r: u32| -> usize {
        let line = r as usize + 1;
        match rows.binary_search_by_key(&line, |row| row.line) {
            Ok(i) => i,
            Err(i) => {
                rows.insert(
                    i,
                    SheetRow {
                        line,
                        cells: Vec::new(),
                        uncached: Vec::new(),
                    },
                );
                i
            }
        }
    };
    for (r, c, data) in cells {
        let i = match rows.last() {
            Some(last) if last.line == r as usize + 1 => rows.len() - 1,
            _ => row_of(&mut rows, r),
        };
        let col = (c - first_col) as usize;
        // A cell given twice keeps its last value.
        match rows[i].cells.last_mut() {
            Some(last) if last.0 == col => last.1 = data,
            _ => rows[i].cells.push((col, data)),
        }
    }
    for (r, c) in uncached {
        let i = row_of(&mut rows, r);
        let col = (c - first_col) as usize;
        // Its stored value, if any, is a placeholder (see workbook_scan).
        if let Ok(at) = rows[i].cells.binary_search_by_key(&col, |(c, _)| *c) {
            rows[i].cells.remove(at);
        }
        rows[i].uncached.push(col);
    }
    rows.retain(|row| !row.cells.is_empty() || !row.uncached.is_empty());
    (rows, first_col as usize)
}

/// A column's letters: 0 is `A`, 26 is `AA`.
fn column_letters(mut col: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

impl XlsxSource {
    pub fn open(
        kind: RecordKind,
        file: &str,
        mut input: Box<dyn Read + Send>,
    ) -> Result<(XlsxSource, Header, usize), IngestError> {
        let mut bytes = Vec::new();
        input
            .read_to_end(&mut bytes)
            .map_err(|source| IngestError::Io {
                file: file.to_string(),
                source,
            })?;
        let (cells, uncached) = first_sheet(bytes).map_err(|message| IngestError::NotXlsx {
            file: file.to_string(),
            message,
        })?;
        let (rows, first_col) = sheet_rows(cells, uncached);
        let names = |row: &SheetRow| -> Vec<String> {
            (0..row.width())
                .map(|c| {
                    row.get(c).map_or(String::new(), |d| {
                        cell_text(d, Ty::Text).unwrap_or_default().into_owned()
                    })
                })
                .collect()
        };
        let (title_rows, header) = find_header(
            kind,
            file,
            rows.iter().take(crate::MAX_TITLE_ROWS + 1).map(names),
        )?;
        let width = rows[title_rows].width();
        let cols = columns(kind);
        let mut types = vec![Ty::Text; width];
        for (i, pos) in header.map.iter().enumerate() {
            if let (Some(pos), Some(col)) = (pos, cols.get(i)) {
                if let Some(t) = types.get_mut(*pos) {
                    *t = col.ty;
                }
            }
        }
        let start = title_rows + 1;
        let source = XlsxSource {
            rows,
            first_col,
            next: start,
            map: header.map.clone(),
            types,
            start,
            personal: header.personal.clone(),
        };
        Ok((source, header, title_rows))
    }

    /// An estimate of the bytes read so far, by rows.
    pub fn progress(&self, total: u64) -> u64 {
        let rows = self.rows.len().saturating_sub(self.start).max(1) as u64;
        let done = self.next.saturating_sub(self.start).min(rows as usize) as u64;
        total.saturating_mul(done) / rows
    }

    fn ty(&self, col: usize) -> Ty {
        self.types.get(col).copied().unwrap_or(Ty::Text)
    }

    /// The row as CSV text for the quarantine, up to its last cell.
    fn raw(&self, row: &SheetRow) -> String {
        let cells: Vec<String> = (0..row.width())
            .map(|c| match row.get(c) {
                Some(_) if self.personal.contains(&c) => "***".to_string(),
                Some(d) => match cell_text(d, self.ty(c)) {
                    Ok(t) => t.into_owned(),
                    Err(e) => e,
                },
                None if row.uncached.contains(&c) => "(công thức chưa tính)".to_string(),
                None => String::new(),
            })
            .collect();
        join_csv(cells.iter().map(String::as_str), ',')
    }

    pub fn next(&mut self, ctx: &mut Ctx) -> Option<Item> {
        let at = self.next;
        self.next += 1;
        let row = self.rows.get(at)?;
        let line = row.line;
        let mut cells: [Cow<'_, str>; MAX_COLUMNS] = std::array::from_fn(|_| Cow::Borrowed(""));
        for (i, pos) in self.map.iter().enumerate() {
            let Some(pos) = *pos else { continue };
            let column = ctx.cols.get(i).map(|c| c.name);
            let col = column.unwrap_or("?");
            let cell = format!("{}{line}", column_letters(self.first_col + pos));
            if row.uncached.contains(&pos) {
                return Some(ctx.reject(
                    line,
                    column,
                    format!(
                        "ô {cell} ở cột {col} là công thức chưa có giá trị tính sẵn (tệp do một chương trình \
                         không tính công thức tạo ra): mở tệp bằng Excel hoặc LibreOffice, tính lại rồi \
                         lưu, hoặc thay công thức bằng giá trị"
                    ),
                    self.raw(row),
                ));
            }
            let Some(data) = row.get(pos) else {
                continue;
            };
            match cell_text(data, self.ty(pos)) {
                Ok(t) => cells[i] = t,
                Err(e) => {
                    return Some(ctx.reject(
                        line,
                        column,
                        format!(
                            "ô {cell} ở cột {col} có lỗi Excel {e}: sửa công thức hoặc nhập giá trị"
                        ),
                        self.raw(row),
                    ));
                }
            }
        }
        let vals: [&str; MAX_COLUMNS] = std::array::from_fn(|i| cells[i].as_ref());
        let n = self.map.len();
        Some(ctx.finish(line, &vals[..n], || self.raw(row)))
    }
}

/// An empty cell or one holding only spaces.
fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_dates() {
        assert_eq!(
            serial_text(45_000.0, Ty::DateTime).as_deref(),
            Some("2023-03-15")
        );
        assert_eq!(
            serial_text(45_000.5, Ty::DateTime).as_deref(),
            Some("2023-03-15T12:00:00")
        );
        assert_eq!(
            serial_text(45_000.5, Ty::Date).as_deref(),
            Some("2023-03-15")
        );
        assert_eq!(serial_text(1.0, Ty::Date).as_deref(), Some("1900-01-01"));
        assert_eq!(serial_text(61.0, Ty::Date).as_deref(), Some("1900-03-01"));
        assert_eq!(serial_text(-3.0, Ty::Date), None);
        assert_eq!(number_text(50_000.0), "50000");
        assert_eq!(number_text(1.001234), "1.001234");
    }
}
