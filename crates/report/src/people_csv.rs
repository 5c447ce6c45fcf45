//! CSV for people's spreadsheets, written one way by every output (the
//! CLI's `--format csv`, the quarantine export, the dashboard's downloads,
//! the report's CSV): UTF-8 with a byte order mark so that Excel on Windows
//! shows Vietnamese, and any cell a spreadsheet would run as a formula
//! (starting with `=`, `+`, `-`, `@`, a tab or a carriage return, and not a
//! plain number) prefixed with an apostrophe, so an imported name such as
//! `=HYPERLINK(…)` stays text.

use std::borrow::Cow;
use std::io::Write;

/// A cell as a spreadsheet will read it: text that would start a formula
/// gets an apostrophe; numbers (`-3.5`, `+7`) and the no-data dash stay.
pub fn neutralised(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number =
        cell.trim().parse::<f64>().is_ok() || cell.replace(',', ".").trim().parse::<f64>().is_ok();
    if risky && cell.len() > 1 && !number {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A CSV writer for people (see the module's documentation).
pub struct PeopleCsv<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> PeopleCsv<W> {
    /// Starts the file with the byte order mark. Rows may differ in length.
    pub fn new(mut out: W) -> std::io::Result<PeopleCsv<W>> {
        out.write_all("\u{feff}".as_bytes())?;
        Ok(PeopleCsv {
            inner: csv::WriterBuilder::new().flexible(true).from_writer(out),
        })
    }

    /// One row.
    pub fn write_record<I, C>(&mut self, cells: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = C>,
        C: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| neutralised(c.as_ref()).into_owned())
            .collect();
        self.inner.write_record(&cells)
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }

    /// The writer, flushed.
    pub fn into_inner(self) -> std::io::Result<W> {
        self.inner.into_inner().map_err(|e| e.into_error())
    }
}

/// Rows as one CSV file for people, in memory.
pub fn to_bytes<R, C>(rows: impl IntoIterator<Item = R>) -> csv::Result<Vec<u8>>
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut w = PeopleCsv::new(Vec::new())?;
    for row in rows {
        w.write_record(row)?;
    }
    Ok(w.into_inner()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        assert_eq!(neutralised("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralised("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralised("+84 912"), "'+84 912");
        assert_eq!(neutralised("-3.5"), "-3.5");
        assert_eq!(neutralised("-3,5"), "-3,5");
        assert_eq!(neutralised("-"), "-");
        assert_eq!(neutralised("Sở Tư pháp"), "Sở Tư pháp");
    }

    #[test]
    fn starts_with_a_byte_order_mark() {
        let bytes = to_bytes([["mã", "=1+1"], ["a, b", "x"]]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, "\u{feff}mã,'=1+1\n\"a, b\",x\n");
    }
}
