//! CSV: every table of the report, each preceded by its part's title and
//! heading, for other programs. Numbers are plain (decimal point, no
//! thousands separator, percentages as percent values) and rounded as
//! printed; "-" is no data. The file starts with a UTF-8 byte order mark,
//! so that Excel shows Vietnamese.

use crate::model::{Block, Cell, Report, Row};
use crate::ReportError;

pub(crate) fn render(report: &Report) -> Result<Vec<u8>, ReportError> {
    let mut w = crate::people_csv::PeopleCsv::new(Vec::new())?;
    let mut first = true;
    for part in &report.parts {
        let titles: Vec<&str> = part
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Title(t) | Block::Heading(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        for block in &part.blocks {
            let Block::Table(t) = block else { continue };
            if !first {
                w.write_record([""])?;
            }
            first = false;
            w.write_record([titles.join(" - ")])?;
            let n = t.columns.len();
            for row in 0..t.header_rows {
                w.write_record((0..n).map(|c| {
                    t.header_at(row, c)
                        .filter(|_| !t.header_covered(row, c))
                        .map_or("", |h| h.text.as_str())
                }))?;
            }
            for row in &t.rows {
                match row {
                    Row::Section(title) => w.write_record(["", title.as_str()])?,
                    Row::Data(cells) | Row::Summary(cells) => {
                        w.write_record(cells.iter().map(plain))?
                    }
                }
            }
        }
    }
    Ok(w.into_inner()?)
}

/// A cell for other programs.
fn plain(c: &Cell) -> String {
    match c {
        Cell::Text(t) => t.clone(),
        Cell::Integer(n) => n.to_string(),
        Cell::Decimal(x, places) => format!("{x:.*}", places),
        Cell::Percent(r) => format!("{:.2}", r * 100.0),
        // Rounded first, so that a change below half a hundredth is 0.00, not -0.00.
        Cell::Change(x) => {
            let r = (x * 100.0).round() / 100.0;
            if r == 0.0 {
                "0.00".to_string()
            } else {
                format!("{r:+.2}")
            }
        }
        Cell::NoData => "-".to_string(),
        Cell::Empty => String::new(),
    }
}
