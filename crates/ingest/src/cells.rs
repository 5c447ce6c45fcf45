//! Small tables read as text cells, for files whose meaning is another
//! crate's (the CCHC plan, the filled forms template, yearly results): an
//! XLSX workbook (every sheet, in order) or a CSV text (UTF-8, byte order
//! mark dropped, comma, semicolon or tab: the one splitting one of its first
//! lines into the most fields).
//! Each row keeps its line (the sheet row, or the CSV record's first line)
//! so a refusal can say where. Numbers are written the Vietnamese way
//! (`99,942`, `86643`) so that the reader of a cell reads what Excel held,
//! not a thousands separator. Bounded: at most [`MAX_BYTES`] and [`MAX_ROWS`].

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader as _};

/// The largest file read.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;
/// The most rows read from one file (all sheets).
pub const MAX_ROWS: usize = 100_000;
/// Lines looked at to choose a CSV file's delimiter.
const DELIMITER_LINES: usize = 20;

/// One sheet (a CSV file is one sheet named after the file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellSheet {
    pub name: String,
    /// (line, cells): a workbook's blank rows included, a CSV's blank lines skipped.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Why a file could not be read as a table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CellsError {
    #[error("{file}: tệp lớn hơn {max} byte")]
    TooLarge { file: String, max: usize },
    #[error("{file}: quá {max} dòng")]
    TooManyRows { file: String, max: usize },
    #[error("{file}: không đọc được tệp Excel: {message}")]
    Workbook { file: String, message: String },
    #[error("{file}: dòng {line}: {message}")]
    Csv {
        file: String,
        line: usize,
        message: String,
    },
}

fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}").replace('.', ",")
    }
}

fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) => number(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{day:02}/{m:02}/{y}")
        }
        Data::DateTime(d) => number(d.as_f64()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Reads `bytes` (named `file` in messages) as a workbook if it is one
/// (a ZIP or an old binary workbook), else as CSV.
pub fn read(file: &str, bytes: &[u8]) -> Result<Vec<CellSheet>, CellsError> {
    if bytes.len() > MAX_BYTES {
        return Err(CellsError::TooLarge {
            file: file.into(),
            max: MAX_BYTES,
        });
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        workbook(file, bytes)
    } else {
        csv_text(file, bytes).map(|s| vec![s])
    }
}

fn workbook(file: &str, bytes: &[u8]) -> Result<Vec<CellSheet>, CellsError> {
    let err = |message: String| CellsError::Workbook {
        file: file.into(),
        message,
    };
    let mut book =
        open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| err(e.to_string()))?;
    let mut out = Vec::new();
    let mut total = 0;
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| err(e.to_string()))?;
        let first = range.start().map_or(1, |(r, _)| r as usize + 1);
        let mut rows = Vec::new();
        for (i, cells) in range.rows().enumerate() {
            total += 1;
            if total > MAX_ROWS {
                return Err(CellsError::TooManyRows {
                    file: file.into(),
                    max: MAX_ROWS,
                });
            }
            rows.push((first + i, cells.iter().map(text).collect()));
        }
        out.push(CellSheet { name, rows });
    }
    Ok(out)
}

/// How many times `d` occurs in `line` outside double quotes.
fn outside_quotes(line: &[u8], d: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for b in line {
        if *b == b'"' {
            quoted = !quoted;
        } else if *b == d && !quoted {
            n += 1;
        }
    }
    n
}

fn csv_text(file: &str, bytes: &[u8]) -> Result<CellSheet, CellsError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // The delimiter that splits some line of the first ones into the most
    // fields (a title row above the header has few).
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| {
            let most = bytes
                .split(|b| *b == b'\n')
                .take(DELIMITER_LINES)
                .map(|line| outside_quotes(line, *d))
                .max()
                .unwrap_or(0);
            (most, *d == b',')
        })
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut rows = Vec::new();
    let (mut newlines, mut seen) = (0, 0);
    for record in reader.records() {
        let record = record.map_err(|e| CellsError::Csv {
            file: file.into(),
            line: e.position().map_or(0, |p| p.line() as usize),
            message: e.to_string(),
        })?;
        if rows.len() >= MAX_ROWS {
            return Err(CellsError::TooManyRows {
                file: file.into(),
                max: MAX_ROWS,
            });
        }
        // The line counted from the record's byte offset: the csv crate's own
        // line number does not count blank lines.
        // (its offset is where the blank lines before it start).
        let mut offset = record.position().map_or(0, |p| p.byte() as usize);
        while matches!(bytes.get(offset), Some(b'\n' | b'\r')) {
            offset += 1;
        }
        newlines += bytes[seen.min(offset)..offset.min(bytes.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        seen = seen.max(offset);
        let line = newlines + 1;
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(CellSheet {
        name: file.to_string(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn csv_keeps_lines_and_guesses_the_delimiter() {
        let text = "\u{feff}Mã chỉ tiêu;Số liệu\nB3 3.1;\"99,942\"\n\n\"B1\n1\";5\n";
        let sheets = read("x.csv", text.as_bytes()).expect("read");
        let rows = &sheets[0].rows;
        assert_eq!(rows[0], (1, vec!["Mã chỉ tiêu".into(), "Số liệu".into()]));
        assert_eq!(rows[1], (2, vec!["B3 3.1".into(), "99,942".into()]));
        assert_eq!(
            rows[2].0, 4,
            "a blank line is skipped, the next record starts on line 4"
        );
    }

    #[test]
    fn numbers_are_written_the_vietnamese_way() {
        assert_eq!(number(99.942), "99,942");
        assert_eq!(number(86643.0), "86643");
    }

    #[test]
    fn a_workbook_is_read_sheet_by_sheet() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("Biểu mẫu").expect("name");
        sheet.write_string(2, 0, "B3 3.1").expect("cell");
        sheet.write_number(2, 1, 99.942).expect("cell");
        let bytes = book.save_to_buffer().expect("xlsx");
        let sheets = read("x.xlsx", &bytes).expect("read");
        assert_eq!(sheets[0].name, "Biểu mẫu");
        assert_eq!(
            sheets[0].rows[0],
            (3, vec!["B3 3.1".into(), "99,942".into()])
        );
    }

    proptest! {
        #[test]
        fn any_bytes_are_read_or_refused_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            if let Ok(sheets) = read("x", &bytes) {
                prop_assert!(sheets.iter().map(|s| s.rows.len()).sum::<usize>() <= MAX_ROWS);
            }
        }
    }
}
