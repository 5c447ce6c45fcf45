//! What a workbook's XML says before calamine reads it, in one streaming
//! pass bounded like the sheet itself:
//! - the cells of an XLSX file's first sheet that hold a formula without a
//!   value: `<c><f>…</f></c>` with no `<v>` or an empty one, where calamine
//!   would show an empty cell, and, in a workbook that asks to be
//!   recalculated when opened (`<calcPr fullCalcOnLoad="1"/>`, what programs
//!   that never calculate write), a stored `0`, their placeholder;
//! - how many cells calamine would lay out for an ODS file: it reads every
//!   table whole into the rectangle its cells span, repeated rows and
//!   columns (`table:number-rows-repeated`) written out one by one, so a
//!   few bytes may ask for billions.

use std::io::{BufReader, Read, Seek};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use zip::ZipArchive;

use crate::xlsx_source::MAX_CELLS;

/// The (row, column), 0-based, of every formula cell of the first sheet
/// without a value. A file this pass cannot read gives none: calamine then
/// says what is wrong with it.
pub(crate) fn uncached(bytes: &[u8]) -> Vec<(u32, u32)> {
    let Ok(mut zip) = ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Vec::new();
    };
    let Some(path) = first_sheet_path(&mut zip) else {
        return Vec::new();
    };
    let placeholder_zero = first_element(&mut zip, "xl/workbook.xml", |e| {
        (local(e.name().as_ref()) == b"calcPr")
            .then(|| attr(e, b"fullCalcOnLoad"))
            .flatten()
    })
    .is_some_and(|v| v == "1" || v == "true");
    let Ok(sheet) = zip.by_name(&path) else {
        return Vec::new();
    };
    scan(BufReader::new(sheet), placeholder_zero)
}

/// The local part of an XML name: `r:id` → `id`.
fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|b| *b == b':').next().unwrap_or(name)
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (local(a.key.as_ref()) == name).then(|| String::from_utf8_lossy(&a.value).into_owned())
    })
}

/// The first element named `name` of an XML entry of the archive.
fn first_element<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    entry: &str,
    mut wanted: impl FnMut(&BytesStart<'_>) -> Option<String>,
) -> Option<String> {
    let file = zip.by_name(entry).ok()?;
    let mut xml = Reader::from_reader(BufReader::new(file));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) => {
                if let Some(found) = wanted(&e) {
                    return Some(found);
                }
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// The first sheet's part, from the workbook and its relationships.
fn first_sheet_path<R: Read + Seek>(zip: &mut ZipArchive<R>) -> Option<String> {
    let id = first_element(zip, "xl/workbook.xml", |e| {
        (local(e.name().as_ref()) == b"sheet")
            .then(|| attr(e, b"id"))
            .flatten()
    })?;
    let target = first_element(zip, "xl/_rels/workbook.xml.rels", |e| {
        (local(e.name().as_ref()) == b"Relationship" && attr(e, b"Id").as_deref() == Some(&id))
            .then(|| attr(e, b"Target"))
            .flatten()
    })?;
    Some(match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    })
}

/// `B12` → (11, 1).
fn position(reference: &str) -> Option<(u32, u32)> {
    let digits = reference.find(|c: char| c.is_ascii_digit())?;
    let (letters, number) = reference.split_at(digits);
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let col = letters
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1));
    let row: u32 = number.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// Streams a sheet's XML, noting formula cells without a value (or with
/// `0` when `placeholder_zero`).
fn scan(input: impl std::io::BufRead, placeholder_zero: bool) -> Vec<(u32, u32)> {
    let mut xml = Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut found = Vec::new();
    // Where the next cell without a reference is: calamine's reading.
    let (mut row, mut col) = (0u32, 0u32);
    // The cell being read: its position, whether it has a formula, a value.
    let mut cell: Option<((u32, u32), bool, bool)> = None;
    // Inside a `<v>` or `<is>`: text there is the cell's value.
    let mut in_value = false;
    loop {
        buf.clear();
        let Ok(event) = xml.read_event_into(&mut buf) else {
            return found;
        };
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"row" => {
                if let Some(r) = attr(&e, b"r").and_then(|r| r.parse::<u32>().ok()) {
                    row = r.saturating_sub(1);
                }
                col = 0;
            }
            Event::End(e) if e.local_name().as_ref() == b"row" => {
                row = row.saturating_add(1);
                col = 0;
            }
            Event::Start(e) if e.local_name().as_ref() == b"c" => {
                let at = attr(&e, b"r")
                    .and_then(|r| position(&r))
                    .unwrap_or((row, col));
                col = at.1.saturating_add(1);
                cell = Some((at, false, false));
            }
            Event::Empty(e) if e.local_name().as_ref() == b"c" => {
                let at = attr(&e, b"r")
                    .and_then(|r| position(&r))
                    .unwrap_or((row, col));
                col = at.1.saturating_add(1);
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"f" => {
                if let Some(c) = cell.as_mut() {
                    c.1 = true;
                }
            }
            Event::Start(e) if matches!(e.local_name().as_ref(), b"v" | b"is") => {
                in_value = true;
            }
            Event::End(e) if matches!(e.local_name().as_ref(), b"v" | b"is") => {
                in_value = false;
            }
            Event::Text(t) if in_value => {
                let v = t.trim_ascii();
                let placeholder = v.is_empty() || (placeholder_zero && v == b"0");
                if let Some(c) = cell.as_mut() {
                    c.2 |= !placeholder;
                }
            }
            Event::GeneralRef(_) if in_value => {
                if let Some(c) = cell.as_mut() {
                    c.2 = true;
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"c" => {
                if let Some((at, true, false)) = cell.take() {
                    if found.len() >= MAX_CELLS {
                        return found;
                    }
                    found.push(at);
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"sheetData" => return found,
            Event::Eof => return found,
            _ => {}
        }
    }
}

/// The cells calamine would allocate for the ODS file `bytes` (the sum over
/// its tables of the rectangle from the first to the last row with a value,
/// as wide as the widest such row, repeats expanded), or `None` when it is
/// not an ODS file this pass can read.
pub(crate) fn ods_cells(bytes: &[u8]) -> Option<u64> {
    let mut zip = ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let content = zip.by_name("content.xml").ok()?;
    let mut xml = Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let number = |e: &BytesStart<'_>, name: &[u8]| -> u64 {
        attr(e, name).and_then(|v| v.parse().ok()).unwrap_or(1)
    };
    let mut total: u64 = 0;
    // The table being read: its rows so far, first and end of rows with a
    // value, widest such row; the row being read: its repeat, column, width.
    let (mut rows, mut first, mut end, mut widest) = (0u64, None::<u64>, 0u64, 0u64);
    let (mut repeat, mut col, mut width) = (1u64, 0u64, 0u64);
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).ok()?;
        match &event {
            Event::Start(e) | Event::Empty(e) => match local(e.name().as_ref()) {
                b"table" => (rows, first, end, widest) = (0, None, 0, 0),
                b"table-row" => (repeat, col, width) = (number(e, b"number-rows-repeated"), 0, 0),
                b"table-cell" | b"covered-table-cell" => {
                    col = col.saturating_add(number(e, b"number-columns-repeated"));
                    let valued =
                        matches!(event, Event::Start(_)) || attr(e, b"value-type").is_some();
                    if valued {
                        width = col;
                    }
                }
                _ => {}
            },
            Event::End(e) => match local(e.name().as_ref()) {
                b"table-row" => {
                    if width > 0 {
                        first.get_or_insert(rows);
                        end = rows.saturating_add(repeat);
                        widest = widest.max(width);
                    }
                    rows = rows.saturating_add(repeat);
                }
                b"table" => {
                    let height = first.map_or(0, |f| end - f);
                    total = total.saturating_add(height.saturating_mul(widest));
                }
                _ => {}
            },
            Event::Eof => return Some(total),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(position("A1"), Some((0, 0)));
        assert_eq!(position("B12"), Some((11, 1)));
        assert_eq!(position("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(position("A0"), None);
        assert_eq!(position("12"), None);
    }

    #[test]
    fn ods_rectangles() {
        use std::io::Write;
        let ods = |content: &str| {
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(content.as_bytes()).unwrap();
            zip.finish().unwrap().into_inner()
        };
        let t = "table:";
        let table = |rows: &str| {
            format!("<office:spreadsheet><{t}table>{rows}</{t}table></office:spreadsheet>")
        };
        // Two rows of three, then LibreOffice's trailing empty rows.
        let plain = table(&format!(
            "<{t}table-row><{t}table-cell office:value-type=\"string\"><text:p>a</text:p></{t}table-cell>\
             <{t}table-cell {t}number-columns-repeated=\"2\" office:value-type=\"float\" office:value=\"1\"/></{t}table-row>\
             <{t}table-row><{t}table-cell/><{t}table-cell><text:p>b</text:p></{t}table-cell></{t}table-row>\
             <{t}table-row {t}number-rows-repeated=\"1048574\"><{t}table-cell {t}number-columns-repeated=\"1024\"/></{t}table-row>"
        ));
        assert_eq!(ods_cells(&ods(&plain)), Some(6));
        // One value repeated over the whole sheet.
        let hostile = table(&format!(
            "<{t}table-row {t}number-rows-repeated=\"1048576\"><{t}table-cell {t}number-columns-repeated=\"16384\" \
             office:value-type=\"float\" office:value=\"1\"/></{t}table-row>"
        ));
        assert_eq!(ods_cells(&ods(&hostile)), Some(1_048_576 * 16_384));
        assert_eq!(ods_cells(b"not a zip"), None);
    }

    #[test]
    fn formulas_without_a_value() {
        let xml = r#"<worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f><v>2</v></c>
            <c r="B1"><f>C1*2</f></c><c r="C1" t="inlineStr"><is><t>x</t></is></c></row>
            <row r="3"><c><f t="shared" si="0"/></c><c t="str"><f>1</f><v></v></c><c><f>2</f><v>2</v></c></row>
            </sheetData></worksheet>"#;
        assert_eq!(scan(xml.as_bytes(), false), vec![(0, 1), (2, 0), (2, 1)]);
        let zero = r#"<worksheet><sheetData><row r="1"><c r="A1"><f>1-1</f><v>0</v></c>
            <c r="B1"><f>1+1</f><v>2</v></c></row></sheetData></worksheet>"#;
        assert_eq!(scan(zero.as_bytes(), false), vec![]);
        assert_eq!(scan(zero.as_bytes(), true), vec![(0, 0)]);
    }
}
