//! PDF: the report laid out here on A4 pages (landscape for wide tables),
//! Liberation Serif (Times New Roman's metrics) embedded as a subset with a
//! Unicode map, so the text is searchable and copies with its diacritics.
//! Table headers are repeated on every page; pages are numbered in the top
//! margin from page 2 on, as Decree 30/2020/NĐ-CP has it.

mod write;

use super::fonts::{Fonts, Style};
use super::words;
use crate::model::{
    Align, Block, Cell, Letterhead, Orientation, Report, Row, Signature, Table, MOTTO,
    NATIONAL_TITLE,
};
use crate::ReportError;

/// A4 in points.
const A4_SHORT: f32 = 595.28;
const A4_LONG: f32 = 841.89;
/// Margins (Decree 30/2020: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm).
const MARGIN_TOP: f32 = 56.7;
const MARGIN_BOTTOM: f32 = 56.7;
const MARGIN_LEFT: f32 = 85.0;
const MARGIN_RIGHT: f32 = 42.5;
/// Body size and line height.
const BODY: f32 = 13.0;
const LINE: f32 = 17.0;
/// First-line indent of body paragraphs (1 cm) and space before them.
const INDENT: f32 = 28.35;
const PARAGRAPH_SPACE: f32 = 6.0;
/// Table cell padding.
const PAD_X: f32 = 2.8;
const PAD_Y: f32 = 2.5;
/// Width of table borders and rules.
const THIN: f32 = 0.5;

pub(crate) fn render(report: &Report) -> Result<Vec<u8>, ReportError> {
    let fonts = Fonts::get()?;
    let mut layout = Layout {
        fonts,
        pages: Vec::new(),
        y: 0.0,
    };
    for part in &report.parts {
        layout.new_page(part.orientation);
        for block in &part.blocks {
            layout.block(block);
        }
    }
    layout.number_pages();
    write::pdf(&layout.pages, &report.title, fonts)
}

/// Something drawn on a page; `y` is measured from the top of the page.
pub(crate) enum Op {
    /// A text with its baseline at `y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        style: Style,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
}

pub(crate) struct Page {
    pub width: f32,
    pub height: f32,
    pub orientation: Orientation,
    pub ops: Vec<Op>,
}

/// Size, face and line height of a run of text.
#[derive(Clone, Copy)]
struct Font {
    size: f32,
    style: Style,
    line: f32,
}

impl Font {
    const fn new(size: f32, style: Style, line: f32) -> Font {
        Font { size, style, line }
    }
}

/// Body text (13 pt) and the smaller text of notes and the subject line (12 pt).
const REGULAR: Font = Font::new(BODY, Style::Regular, LINE);
const BOLD: Font = Font::new(BODY, Style::Bold, LINE);
const ITALIC: Font = Font::new(BODY, Style::Italic, LINE);
const SMALL: Font = Font::new(12.0, Style::Regular, 15.0);

#[derive(Clone, Copy, PartialEq)]
enum TextAlign {
    Left,
    Center,
    Right,
    Justify,
}

struct Layout {
    fonts: &'static Fonts,
    pages: Vec<Page>,
    /// The next free position on the current page, from its top.
    y: f32,
}

/// Baseline of a line of text at `size` in a line box of height `line` starting at `top`.
fn baseline(top: f32, size: f32, line: f32) -> f32 {
    // Times New Roman: ascent 0.891 em, descent 0.216 em.
    top + (line - size * 1.107) / 2.0 + size * 0.891
}

impl Layout {
    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.new_page(Orientation::Portrait);
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self, orientation: Orientation) {
        let (width, height) = match orientation {
            Orientation::Portrait => (A4_SHORT, A4_LONG),
            Orientation::Landscape => (A4_LONG, A4_SHORT),
        };
        self.pages.push(Page {
            width,
            height,
            orientation,
            ops: Vec::new(),
        });
        self.y = MARGIN_TOP;
    }

    fn orientation(&mut self) -> Orientation {
        self.page().orientation
    }

    fn left(&self) -> f32 {
        MARGIN_LEFT
    }

    fn width(&mut self) -> f32 {
        self.page().width - MARGIN_LEFT - MARGIN_RIGHT
    }

    fn bottom(&mut self) -> f32 {
        self.page().height - MARGIN_BOTTOM
    }

    /// Starts a new page unless `height` still fits on this one.
    fn ensure(&mut self, height: f32) {
        if self.y + height > self.bottom() && self.y > MARGIN_TOP + 1.0 {
            let o = self.orientation();
            self.new_page(o);
        }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, style: Style, text: &str) {
        if !text.is_empty() {
            self.page().ops.push(Op::Text {
                x,
                y,
                size,
                style,
                text: text.to_string(),
            });
        }
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.page().ops.push(Op::Line { x1, y1, x2, y2 });
    }

    /// One line of text in `[x, x + width]` with its box starting at `top`.
    fn line_of_text(
        &mut self,
        text: &str,
        x: f32,
        width: f32,
        top: f32,
        font: Font,
        align: TextAlign,
    ) {
        let Font { size, style, line } = font;
        let w = self.fonts.width(text, style, size);
        let x = match align {
            TextAlign::Left | TextAlign::Justify => x,
            TextAlign::Center => x + (width - w) / 2.0,
            TextAlign::Right => x + width - w,
        };
        self.text(x, baseline(top, size, line), size, style, text);
    }

    /// A justified line: words spread over the width.
    fn justified(&mut self, text: &str, x: f32, width: f32, top: f32, size: f32, style: Style) {
        let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
        let widths: Vec<f32> = words
            .iter()
            .map(|w| self.fonts.width(w, style, size))
            .collect();
        let gap = if words.len() > 1 {
            (width - widths.iter().sum::<f32>()) / (words.len() - 1) as f32
        } else {
            0.0
        };
        let mut at = x;
        let y = baseline(top, size, LINE);
        for (word, w) in words.iter().zip(&widths) {
            self.text(at, y, size, style, word);
            at += w + gap;
        }
    }

    /// A paragraph wrapped in the text width, breaking pages between lines.
    fn paragraph(
        &mut self,
        text: &str,
        x: f32,
        width: f32,
        font: Font,
        align: TextAlign,
        first_indent: f32,
    ) {
        let Font { size, style, line } = font;
        let lines = self
            .fonts
            .wrap_indented(text, style, size, width - first_indent, width);
        let last = lines.len().saturating_sub(1);
        for (i, l) in lines.iter().enumerate() {
            self.ensure(line);
            let (lx, lw) = if i == 0 {
                (x + first_indent, width - first_indent)
            } else {
                (x, width)
            };
            let top = self.y;
            if align == TextAlign::Justify && i < last {
                self.justified(l, lx, lw, top, size, style);
            } else {
                self.line_of_text(l, lx, lw, top, font, align);
            }
            self.y += line;
        }
    }

    fn block(&mut self, block: &Block) {
        let (x, width) = (self.left(), self.width());
        match block {
            Block::Letterhead(h) => self.letterhead(h),
            Block::Title(t) => {
                self.y += PARAGRAPH_SPACE;
                self.paragraph(t, x, width, BOLD, TextAlign::Center, 0.0);
            }
            Block::Heading(t) => self.paragraph(t, x, width, BOLD, TextAlign::Center, 0.0),
            Block::Attribution(t) => {
                self.paragraph(t, x, width, ITALIC, TextAlign::Center, 0.0);
                self.y += 2.0 * PARAGRAPH_SPACE;
            }
            Block::Addressees(list) => {
                self.y += 2.0 * PARAGRAPH_SPACE;
                match list.as_slice() {
                    [one] => {
                        let text = format!("{} {one}", words::ADDRESSEES);
                        self.paragraph(&text, x, width, REGULAR, TextAlign::Center, 0.0);
                    }
                    many => {
                        self.paragraph(
                            words::ADDRESSEES,
                            x + 85.0,
                            width - 85.0,
                            REGULAR,
                            TextAlign::Left,
                            0.0,
                        );
                        for a in many {
                            let text = format!("- {a}");
                            self.paragraph(
                                &text,
                                x + 142.0,
                                width - 142.0,
                                REGULAR,
                                TextAlign::Left,
                                0.0,
                            );
                        }
                    }
                }
                self.y += PARAGRAPH_SPACE;
            }
            Block::Paragraph(t) => {
                self.y += PARAGRAPH_SPACE;
                self.paragraph(t, x, width, REGULAR, TextAlign::Justify, INDENT);
            }
            Block::Table(t) => self.table(t),
            Block::Notes(lines) => {
                self.y += PARAGRAPH_SPACE;
                for l in lines {
                    self.paragraph(l, x, width, SMALL, TextAlign::Left, 0.0);
                }
            }
            Block::Signature(s) => self.signature(s),
        }
    }

    fn letterhead(&mut self, h: &Letterhead) {
        let (x, width) = (self.left(), self.width());
        let left = width * 0.4;
        let (xr, right) = (x + left, width - left);
        let top = self.y;
        self.line_of_text(&h.authority, x, left, top, REGULAR, TextAlign::Center);
        self.line_of_text(&h.issuer, x, left, top + LINE, BOLD, TextAlign::Center);
        let issuer = (self.fonts.width(&h.issuer, Style::Bold, BODY) / 2.0).max(30.0);
        let rule = top + 2.0 * LINE + 3.0;
        self.line(
            x + (left - issuer) / 2.0,
            rule,
            x + (left + issuer) / 2.0,
            rule,
        );
        self.line_of_text(
            NATIONAL_TITLE,
            xr,
            right,
            top,
            Font::new(12.0, Style::Bold, LINE),
            TextAlign::Center,
        );
        self.line_of_text(MOTTO, xr, right, top + LINE, BOLD, TextAlign::Center);
        let motto = self.fonts.width(MOTTO, Style::Bold, BODY);
        self.line(
            xr + (right - motto) / 2.0,
            rule,
            xr + (right + motto) / 2.0,
            rule,
        );
        let second = top + 2.0 * LINE + 10.0;
        self.line_of_text(&h.number, x, left, second, REGULAR, TextAlign::Center);
        self.line_of_text(&h.place_date, xr, right, second, ITALIC, TextAlign::Center);
        self.y = second + LINE + 2.0;
        self.paragraph(&h.subject, x, left, SMALL, TextAlign::Center, 0.0);
    }

    fn signature(&mut self, s: &Signature) {
        let (x, width) = (self.left(), self.width());
        let half = width / 2.0;
        let copies: Vec<String> = s
            .copies
            .iter()
            .flat_map(|c| {
                self.fonts
                    .wrap(&format!("- {c}"), Style::Regular, 11.0, half - 10.0)
            })
            .collect();
        let left_height = 15.0 + copies.len() as f32 * 13.0;
        let right_height = (s.title.len() + 5) as f32 * LINE;
        self.y += 2.0 * PARAGRAPH_SPACE;
        self.ensure(left_height.max(right_height));
        let top = self.y;
        self.line_of_text(
            words::COPIES,
            x,
            half,
            top,
            Font::new(12.0, Style::BoldItalic, 15.0),
            TextAlign::Left,
        );
        for (i, c) in copies.iter().enumerate() {
            self.line_of_text(
                c,
                x,
                half,
                top + 15.0 + i as f32 * 13.0,
                Font::new(11.0, Style::Regular, 13.0),
                TextAlign::Left,
            );
        }
        for (i, t) in s.title.iter().enumerate() {
            self.line_of_text(
                t,
                x + half,
                half,
                top + i as f32 * LINE,
                BOLD,
                TextAlign::Center,
            );
        }
        let signer_top = top + (s.title.len() + 4) as f32 * LINE;
        self.line_of_text(
            &s.signer,
            x + half,
            half,
            signer_top,
            BOLD,
            TextAlign::Center,
        );
        self.y = top + left_height.max(right_height);
    }

    fn table(&mut self, t: &Table) {
        let size = super::table_size(t.columns.len());
        let line = size * 1.2;
        let (x0, width) = (self.left(), self.width());
        let widths = super::columns::widths(t, self.fonts, size, width, PAD_X);
        let xs: Vec<f32> = std::iter::once(x0)
            .chain(widths.iter().scan(x0, |at, w| {
                *at += w;
                Some(*at)
            }))
            .collect();
        let span = |from: usize, count: usize| xs[from + count] - xs[from];
        let fonts = self.fonts;
        let lines_in =
            |text: &str, style: Style, w: f32| fonts.wrap(text, style, size, w - 2.0 * PAD_X);

        // Header row heights: each cell's lines spread over the rows it spans.
        let mut heights = vec![line + 2.0 * PAD_Y; t.header_rows];
        for h in &t.header {
            let needed = lines_in(&h.text, Style::Bold, span(h.col, h.cols)).len() as f32 * line
                + 2.0 * PAD_Y;
            let covered: f32 = heights[h.row..h.row + h.rows].iter().sum();
            if needed > covered {
                heights[h.row + h.rows - 1] += needed - covered;
            }
        }
        let header_height: f32 = heights.iter().sum();
        let row_tops: Vec<f32> = heights
            .iter()
            .scan(0.0, |at, h| {
                let top = *at;
                *at += h;
                Some(top)
            })
            .collect();
        let draw_header = |layout: &mut Layout| {
            let top = layout.y;
            for h in &t.header {
                let (x, w) = (xs[h.col], span(h.col, h.cols));
                let y = top + row_tops[h.row];
                let hh: f32 = heights[h.row..h.row + h.rows].iter().sum();
                layout.cell_box(x, y, w, hh);
                let lines = lines_in(&h.text, Style::Bold, w);
                let mut ty = y + (hh - lines.len() as f32 * line) / 2.0;
                for l in &lines {
                    layout.line_of_text(
                        l,
                        x + PAD_X,
                        w - 2.0 * PAD_X,
                        ty,
                        Font::new(size, Style::Bold, line),
                        TextAlign::Center,
                    );
                    ty += line;
                }
            }
            layout.y = top + header_height;
        };

        // Body rows, laid out before drawing to keep sections with their first row.
        struct Laid {
            cells: Vec<(Vec<String>, TextAlign)>,
            style: Style,
            height: f32,
            section: bool,
        }
        let laid: Vec<Laid> = t
            .rows
            .iter()
            .map(|row| match row {
                Row::Section(title) => {
                    let lines = lines_in(title, Style::Bold, width);
                    let height = lines.len() as f32 * line + 2.0 * PAD_Y;
                    Laid {
                        cells: vec![(lines, TextAlign::Left)],
                        style: Style::Bold,
                        height,
                        section: true,
                    }
                }
                Row::Data(cells) | Row::Summary(cells) => {
                    let style = if matches!(row, Row::Summary(_)) {
                        Style::Bold
                    } else {
                        Style::Regular
                    };
                    let cells: Vec<(Vec<String>, TextAlign)> = cells
                        .iter()
                        .zip(&t.columns)
                        .zip(&widths)
                        .map(|((c, column), w)| {
                            let align = match (c, column.align) {
                                (Cell::NoData, _) | (_, Align::Center) => TextAlign::Center,
                                (_, Align::Left) => TextAlign::Left,
                                (_, Align::Right) => TextAlign::Right,
                            };
                            (lines_in(&c.display(), style, *w), align)
                        })
                        .collect();
                    let n = cells.iter().map(|(l, _)| l.len()).max().unwrap_or(1).max(1);
                    Laid {
                        cells,
                        style,
                        height: n as f32 * line + 2.0 * PAD_Y,
                        section: false,
                    }
                }
            })
            .collect();

        let first = laid.first().map_or(0.0, |r| r.height);
        self.ensure(header_height + first);
        draw_header(self);
        for (i, row) in laid.iter().enumerate() {
            let keep = if row.section {
                laid.get(i + 1).map_or(0.0, |n| n.height)
            } else {
                0.0
            };
            if self.y + row.height + keep > self.bottom() {
                let o = self.orientation();
                self.new_page(o);
                draw_header(self);
            }
            let top = self.y;
            if row.section {
                self.cell_box(x0, top, width, row.height);
                for (k, l) in row.cells[0].0.iter().enumerate() {
                    let ty = top + PAD_Y + k as f32 * line;
                    self.line_of_text(
                        l,
                        x0 + PAD_X,
                        width - 2.0 * PAD_X,
                        ty,
                        Font::new(size, row.style, line),
                        TextAlign::Left,
                    );
                }
            } else {
                for (c, (lines, align)) in row.cells.iter().enumerate() {
                    let (x, w) = (xs[c], widths[c]);
                    self.cell_box(x, top, w, row.height);
                    let mut ty = top + (row.height - lines.len() as f32 * line) / 2.0;
                    for l in lines {
                        self.line_of_text(
                            l,
                            x + PAD_X,
                            w - 2.0 * PAD_X,
                            ty,
                            Font::new(size, row.style, line),
                            *align,
                        );
                        ty += line;
                    }
                }
            }
            self.y = top + row.height;
        }
    }

    /// The four borders of a cell.
    fn cell_box(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.line(x, y, x + w, y);
        self.line(x, y + h, x + w, y + h);
        self.line(x, y, x, y + h);
        self.line(x + w, y, x + w, y + h);
    }

    /// Page numbers centred in the top margin, from page 2 on.
    fn number_pages(&mut self) {
        let fonts = self.fonts;
        for (i, page) in self.pages.iter_mut().enumerate().skip(1) {
            let text = (i + 1).to_string();
            let w = fonts.width(&text, Style::Regular, BODY);
            page.ops.push(Op::Text {
                x: (page.width - w) / 2.0,
                y: MARGIN_TOP / 2.0 + 4.0,
                size: BODY,
                style: Style::Regular,
                text,
            });
        }
    }
}
