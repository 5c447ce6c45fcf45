//! Excel: one worksheet per part, A4 in the part's orientation, fitted to the
//! page width, table headers repeated on every printed page, pages numbered
//! at the top. Numbers stay numbers (with number formats: `#,##0`, `0.00`,
//! `"+ "0.00`), so offices can compute on them; percentages are written as
//! percent values (91.48 for 91,48%) as the appendices print them.

use rust_xlsxwriter::{
    DocProperties, Format as CellFormat, FormatAlign, FormatBorder, Workbook, Worksheet,
};

use super::fonts::{Fonts, Style};
use super::words;
use crate::model::{
    Align, Block, Cell, Letterhead, Orientation, Part, Report, Row, Signature, Table, MOTTO,
    NATIONAL_TITLE,
};
use crate::ReportError;

const FONT: &str = "Times New Roman";
/// Body size (Decree 30/2020: 13-14).
const SIZE: f64 = 13.0;
/// Size of notes, "Nơi nhận" and the subject line.
const SMALL: f64 = 12.0;
/// Excel's A4 paper code.
const A4: u8 = 9;
/// Column widths of the letter's sheet (characters).
const LETTER_COLUMNS: [f64; 8] = [11.0; 8];
/// Model column width units to Excel characters (Times 13 is wider than Calibri 11).
const WIDTH_FACTOR: f64 = 1.15;

pub(crate) fn render(report: &Report) -> Result<Vec<u8>, ReportError> {
    let fonts = Fonts::get()?;
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&report.title)
            .set_author("chiso"),
    );
    let mut names: Vec<String> = Vec::new();
    for part in &report.parts {
        let ws = workbook.add_worksheet();
        let name = unique_sheet_name(&part.name, &names);
        ws.set_name(&name)?;
        names.push(name);
        let widths: Vec<f64> = match part.blocks.iter().find_map(|b| {
            if let Block::Table(t) = b {
                Some(t)
            } else {
                None
            }
        }) {
            Some(t) => t
                .columns
                .iter()
                .map(|c| f64::from(c.width) * WIDTH_FACTOR)
                .collect(),
            None => LETTER_COLUMNS.to_vec(),
        };
        Sheet {
            ws,
            fonts,
            widths,
            row: 0,
        }
        .part(part)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// A sheet name Excel accepts: no `[]:*?/\`, at most 31 characters, unique.
fn unique_sheet_name(name: &str, taken: &[String]) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(28)
        .collect();
    let clean = if clean.trim().is_empty() {
        "Sheet".to_string()
    } else {
        clean
    };
    let mut candidate = clean.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&candidate)) {
        candidate = format!("{clean} {n}");
        n += 1;
    }
    candidate
}

fn base(size: f64) -> CellFormat {
    CellFormat::new()
        .set_font_name(FONT)
        .set_font_size(size)
        .set_align(FormatAlign::VerticalCenter)
}

fn align(a: Align) -> FormatAlign {
    match a {
        Align::Left => FormatAlign::Left,
        Align::Center => FormatAlign::Center,
        Align::Right => FormatAlign::Right,
    }
}

/// The number format of a numeric cell.
fn number_format(c: &Cell) -> Option<(f64, String)> {
    match c {
        Cell::Integer(n) => Some((*n as f64, "#,##0".to_string())),
        Cell::Decimal(x, 0) => Some((*x, "#,##0".to_string())),
        Cell::Decimal(x, places) => Some((*x, format!("#,##0.{}", "0".repeat(*places)))),
        Cell::Percent(r) => Some((r * 100.0, "0.00".to_string())),
        Cell::Change(x) => Some((*x, "\"+ \"0.00;\"- \"0.00;0.00".to_string())),
        _ => None,
    }
}

/// How a piece of text is written: its cell format and the face and size
/// its height is estimated with.
struct Piece {
    format: CellFormat,
    style: Style,
    size: f64,
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    fonts: &'static Fonts,
    /// Column widths in Excel characters.
    widths: Vec<f64>,
    row: u32,
}

impl Sheet<'_> {
    fn part(mut self, part: &Part) -> Result<(), ReportError> {
        let ws = &mut *self.ws;
        ws.set_paper_size(A4);
        match part.orientation {
            Orientation::Landscape => ws.set_landscape(),
            Orientation::Portrait => ws.set_portrait(),
        };
        // Decree 30/2020: left 30-35 mm, right 15-20 mm, top and bottom 20-25 mm.
        ws.set_margins(1.18, 0.59, 0.79, 0.79, 0.3, 0.3);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_print_center_horizontally(true);
        ws.set_header("&C&\"Times New Roman\"&13&P");
        for (i, w) in self.widths.iter().enumerate() {
            ws.set_column_width(i as u16, *w)?;
        }
        if part
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Letterhead(_)))
        {
            ws.set_screen_gridlines(false);
        }
        for block in &part.blocks {
            self.block(block)?;
        }
        Ok(())
    }

    fn last_col(&self) -> u16 {
        self.widths.len().saturating_sub(1) as u16
    }

    /// Width of columns `first..=last` in points.
    fn span_points(&self, first: u16, last: u16) -> f32 {
        let chars: f64 = self.widths[first as usize..=last as usize].iter().sum();
        // An Excel character is 7 px of the default font, plus 5 px padding per column.
        ((chars * 7.0 + 5.0 * f64::from(last - first + 1)) * 0.75) as f32
    }

    /// Height in points of a text wrapped in a width.
    fn height(&self, text: &str, style: Style, size: f64, width: f32) -> f64 {
        let lines = self
            .fonts
            .wrap(text, style, size as f32, (width - 6.0).max(10.0))
            .len()
            .max(1);
        lines as f64 * size * 1.25 + 3.0
    }

    /// A text across columns `first..=last` of the current row.
    fn text(
        &mut self,
        first: u16,
        last: u16,
        text: &str,
        format: &CellFormat,
        style: Style,
        size: f64,
    ) -> Result<f64, ReportError> {
        if first == last {
            self.ws
                .write_string_with_format(self.row, first, text, format)?;
        } else {
            self.ws
                .merge_range(self.row, first, self.row, last, text, format)?;
        }
        Ok(self.height(text, style, size, self.span_points(first, last)))
    }

    /// A line across the whole sheet.
    fn line(
        &mut self,
        text: &str,
        format: CellFormat,
        style: Style,
        size: f64,
    ) -> Result<(), ReportError> {
        let last = self.last_col();
        let h = self.text(0, last, text, &format.set_text_wrap(), style, size)?;
        self.ws.set_row_height(self.row, h)?;
        self.row += 1;
        Ok(())
    }

    fn block(&mut self, block: &Block) -> Result<(), ReportError> {
        match block {
            Block::Letterhead(h) => self.letterhead(h)?,
            Block::Title(t) => self.line(
                t,
                base(SIZE).set_bold().set_align(FormatAlign::Center),
                Style::Bold,
                SIZE,
            )?,
            Block::Heading(t) => self.line(
                t,
                base(SIZE).set_bold().set_align(FormatAlign::Center),
                Style::Bold,
                SIZE,
            )?,
            Block::Attribution(t) => {
                self.line(
                    t,
                    base(SIZE).set_italic().set_align(FormatAlign::Center),
                    Style::Italic,
                    SIZE,
                )?;
                self.row += 1;
            }
            Block::Addressees(list) => {
                let format = base(SIZE).set_align(FormatAlign::Left);
                self.line(
                    words::ADDRESSEES,
                    base(SIZE).set_align(FormatAlign::Center),
                    Style::Regular,
                    SIZE,
                )?;
                for a in list {
                    self.line(
                        &format!("- {a}"),
                        format.clone().set_indent(3),
                        Style::Regular,
                        SIZE,
                    )?;
                }
                self.row += 1;
            }
            Block::Paragraph(t) => self.line(
                t,
                base(SIZE).set_align(FormatAlign::Justify),
                Style::Regular,
                SIZE,
            )?,
            Block::Table(t) => self.table(t)?,
            Block::Notes(lines) => {
                self.row += 1;
                for l in lines {
                    self.line(
                        l,
                        base(SMALL).set_align(FormatAlign::Left),
                        Style::Regular,
                        SMALL,
                    )?;
                }
            }
            Block::Signature(s) => self.signature(s)?,
        }
        Ok(())
    }

    fn letterhead(&mut self, h: &Letterhead) -> Result<(), ReportError> {
        let centred = |style: Style, size: f64| {
            let f = base(size).set_align(FormatAlign::Center).set_text_wrap();
            let f = if style.is_bold() { f.set_bold() } else { f };
            Piece {
                format: if style.is_italic() { f.set_italic() } else { f },
                style,
                size,
            }
        };
        let last = self.last_col();
        let rows = [
            (
                &h.authority,
                centred(Style::Regular, SIZE),
                NATIONAL_TITLE,
                centred(Style::Bold, SMALL),
            ),
            (
                &h.issuer,
                centred(Style::Bold, SIZE),
                MOTTO,
                centred(Style::Bold, SIZE),
            ),
            (
                &h.number,
                centred(Style::Regular, SIZE),
                &h.place_date,
                centred(Style::Italic, SIZE),
            ),
            (
                &h.subject,
                centred(Style::Regular, SMALL),
                "",
                centred(Style::Regular, SIZE),
            ),
        ];
        for (i, (l, lp, r, rp)) in rows.into_iter().enumerate() {
            if i == 2 {
                self.row += 1;
            }
            let a = self.text(0, 2, l, &lp.format, lp.style, lp.size)?;
            let b = self.text(3, last, r, &rp.format, rp.style, rp.size)?;
            self.ws.set_row_height(self.row, a.max(b))?;
            self.row += 1;
        }
        self.row += 1;
        Ok(())
    }

    fn signature(&mut self, s: &Signature) -> Result<(), ReportError> {
        self.row += 1;
        let last = self.last_col();
        let mut left = vec![(
            words::COPIES.to_string(),
            base(SMALL).set_bold().set_italic(),
            Style::BoldItalic,
            SMALL,
        )];
        left.extend(
            s.copies
                .iter()
                .map(|c| (format!("- {c}"), base(11.0), Style::Regular, 11.0)),
        );
        let mut right: Vec<(String, CellFormat, Style, f64)> = s
            .title
            .iter()
            .map(|t| {
                (
                    t.clone(),
                    base(SIZE).set_bold().set_align(FormatAlign::Center),
                    Style::Bold,
                    SIZE,
                )
            })
            .collect();
        right.extend(std::iter::repeat_n(
            (String::new(), base(SIZE), Style::Regular, SIZE),
            4,
        ));
        right.push((
            s.signer.clone(),
            base(SIZE).set_bold().set_align(FormatAlign::Center),
            Style::Bold,
            SIZE,
        ));
        for i in 0..left.len().max(right.len()) {
            let mut h: f64 = SIZE * 1.3;
            if let Some((t, f, st, size)) = left.get(i) {
                h = h.max(self.text(0, 3, t, &f.clone().set_text_wrap(), *st, *size)?);
            }
            if let Some((t, f, st, size)) = right.get(i) {
                h = h.max(self.text(4, last, t, f, *st, *size)?);
            }
            self.ws.set_row_height(self.row, h)?;
            self.row += 1;
        }
        Ok(())
    }

    fn table(&mut self, t: &Table) -> Result<(), ReportError> {
        let header = base(SIZE)
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_text_wrap()
            .set_border(FormatBorder::Thin);
        let first = self.row;
        let mut heights = vec![SIZE * 1.4; t.header_rows];
        for h in &t.header {
            let (r, c) = (first + h.row as u32, h.col as u16);
            let (r2, c2) = (r + h.rows as u32 - 1, c + h.cols as u16 - 1);
            if (r, c) == (r2, c2) {
                self.ws.write_string_with_format(r, c, &h.text, &header)?;
            } else {
                self.ws.merge_range(r, c, r2, c2, &h.text, &header)?;
            }
            let needed = self.height(&h.text, Style::Bold, SIZE, self.span_points(c, c2));
            let covered: f64 = heights[h.row..h.row + h.rows].iter().sum();
            if needed > covered {
                heights[h.row + h.rows - 1] += needed - covered;
            }
        }
        for (i, h) in heights.iter().enumerate() {
            self.ws.set_row_height(first + i as u32, *h)?;
        }
        self.row = first + t.header_rows as u32;
        self.ws.set_repeat_rows(first, self.row - 1)?;
        for row in &t.rows {
            match row {
                Row::Section(title) => {
                    let f = base(SIZE).set_bold().set_border(FormatBorder::Thin);
                    self.line(title, f, Style::Bold, SIZE)?;
                }
                Row::Data(cells) | Row::Summary(cells) => {
                    let bold = matches!(row, Row::Summary(_));
                    let mut h = SIZE * 1.4;
                    for (i, (c, column)) in cells.iter().zip(&t.columns).enumerate() {
                        let col = i as u16;
                        let mut f = base(SIZE)
                            .set_border(FormatBorder::Thin)
                            .set_align(align(column.align))
                            .set_text_wrap();
                        if bold {
                            f = f.set_bold();
                        }
                        match number_format(c) {
                            Some((value, code)) => {
                                self.ws.write_number_with_format(
                                    self.row,
                                    col,
                                    value,
                                    &f.set_num_format(code),
                                )?;
                            }
                            None if *c == Cell::Empty => {
                                self.ws.write_blank(self.row, col, &f)?;
                            }
                            None => {
                                let text = c.display();
                                let style = if bold { Style::Bold } else { Style::Regular };
                                h = h.max(self.height(
                                    &text,
                                    style,
                                    SIZE,
                                    self.span_points(col, col),
                                ));
                                let f = if *c == Cell::NoData {
                                    f.set_align(FormatAlign::Center)
                                } else {
                                    f
                                };
                                self.ws.write_string_with_format(self.row, col, &text, &f)?;
                            }
                        }
                    }
                    self.ws.set_row_height(self.row, h)?;
                    self.row += 1;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names() {
        let taken = vec!["Phụ lục".to_string()];
        assert_eq!(unique_sheet_name("Phụ lục", &taken), "Phụ lục 2");
        assert_eq!(unique_sheet_name("a/b:c", &[]), "abc");
    }
}
