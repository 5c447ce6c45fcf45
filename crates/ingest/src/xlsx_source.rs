//! Workbooks (XLSX, also the older XLS, XLSB and ODS): the first sheet, its
//! header the first row naming the kind's required columns (title rows
//! above it are skipped). Cells may be
//! text, numbers, booleans or Excel dates; a date or date-time cell, or a
//! plain number in a date column (an Excel serial date), becomes an ISO date
//! (`2024-03-08`, or `2024-03-08T14:30:00` when it has a time of day).

use std::borrow::Cow;
use std::io::{Cursor, Read};

use calamine::{open_workbook_auto_from_rs, Data, Range, Reader as _};
use chiso_core::time::Date;

use crate::columns::{columns, Ty, MAX_COLUMNS};
use crate::{find_header, join_csv, Ctx, Header, IngestError, Item, RecordKind};

pub(crate) struct XlsxSource {
    range: Range<Data>,
    /// Next row of the range to read (0 is the first row of the range).
    next: usize,
    /// For each column of the kind, its position in the range.
    map: Vec<Option<usize>>,
    /// Each position's value type (the column it maps to), for dates.
    types: Vec<Ty>,
    /// The sheet row (1-based) of the range's first row.
    first_row: usize,
    /// The first data row of the range (after the header).
    start: usize,
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
        let not_xlsx = |message: String| IngestError::NotXlsx {
            file: file.to_string(),
            message,
        };
        let mut book =
            open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| not_xlsx(e.to_string()))?;
        let range = match book.worksheet_range_at(0) {
            Some(Ok(range)) => range,
            Some(Err(e)) => return Err(not_xlsx(e.to_string())),
            None => {
                return Err(IngestError::NoHeader {
                    file: file.to_string(),
                })
            }
        };
        let first_row = range.start().map_or(1, |(r, _)| r as usize + 1);
        let width = range.width();
        let blank = |r: usize| (0..width).all(|c| blank_cell(range.get((r, c))));
        let rows: Vec<usize> = (0..range.height())
            .filter(|&r| !blank(r))
            .take(crate::MAX_TITLE_ROWS + 1)
            .collect();
        let names = |r: usize| -> Vec<String> {
            (0..width)
                .map(|c| {
                    range.get((r, c)).map_or(String::new(), |d| {
                        cell_text(d, Ty::Text).unwrap_or_default().into_owned()
                    })
                })
                .collect()
        };
        let (title_rows, header) = find_header(kind, file, rows.iter().map(|&r| names(r)))?;
        let header_row = rows[title_rows];
        let cols = columns(kind);
        let mut types = vec![Ty::Text; width];
        for (i, pos) in header.map.iter().enumerate() {
            if let (Some(pos), Some(col)) = (pos, cols.get(i)) {
                types[*pos] = col.ty;
            }
        }
        let start = header_row + 1;
        let source = XlsxSource {
            range,
            next: start,
            map: header.map.clone(),
            types,
            first_row,
            start,
        };
        Ok((source, header, title_rows))
    }

    /// An estimate of the bytes read so far, by rows.
    pub fn progress(&self, total: u64) -> u64 {
        let rows = self.range.height().saturating_sub(self.start).max(1) as u64;
        let done = self.next.saturating_sub(self.start).min(rows as usize) as u64;
        total.saturating_mul(done) / rows
    }

    fn raw(&self, r: usize) -> String {
        let cells: Vec<String> = (0..self.range.width())
            .map(|c| {
                self.range.get((r, c)).map_or(String::new(), |d| {
                    match cell_text(d, self.types[c]) {
                        Ok(t) => t.into_owned(),
                        Err(e) => e,
                    }
                })
            })
            .collect();
        join_csv(cells.iter().map(String::as_str), ',')
    }

    pub fn next(&mut self, ctx: &mut Ctx) -> Option<Item> {
        let width = self.range.width();
        while self.next < self.range.height() {
            let r = self.next;
            self.next += 1;
            let line = self.first_row + r;
            if (0..width).all(|c| blank_cell(self.range.get((r, c)))) {
                continue;
            }
            let mut cells: [Cow<'_, str>; MAX_COLUMNS] = std::array::from_fn(|_| Cow::Borrowed(""));
            for (i, pos) in self.map.iter().enumerate() {
                let Some(pos) = *pos else { continue };
                let Some(data) = self.range.get((r, pos)) else {
                    continue;
                };
                match cell_text(data, self.types[pos]) {
                    Ok(t) => cells[i] = t,
                    Err(e) => {
                        let column = ctx.cols.get(i).map(|c| c.name);
                        let col = column.unwrap_or("?");
                        return Some(ctx.reject(
                            line,
                            column,
                            format!(
                                "ô ở cột {col} có lỗi Excel {e}: sửa công thức hoặc nhập giá trị"
                            ),
                            self.raw(r),
                        ));
                    }
                }
            }
            let vals: [&str; MAX_COLUMNS] = std::array::from_fn(|i| cells[i].as_ref());
            let n = self.map.len();
            return Some(ctx.finish(line, &vals[..n], || self.raw(r)));
        }
        None
    }
}

/// A missing cell, an empty one or one holding only spaces.
fn blank_cell(d: Option<&Data>) -> bool {
    match d {
        None => true,
        Some(d) => is_blank(d),
    }
}

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
