//! Word: a WordprocessingML package written directly (a handful of XML
//! parts in a zip), which gives what the appendices need and generic DOCX
//! writers lack: one section per part (A4 portrait for the letter, landscape
//! for wide tables), table header rows repeated on every page (`tblHeader`),
//! merged header cells, page numbers centred in the top margin from page 2
//! on (Decree 30/2020/NĐ-CP), Times New Roman 13.

use std::fmt::Write as _;
use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::fonts::{Fonts, Style};
use super::words;
use crate::model::{
    Align, Block, Cell, Letterhead, Orientation, Report, Row, Signature, Table, MOTTO,
    NATIONAL_TITLE,
};
use crate::ReportError;

/// A4 in twentieths of a point.
const A4_SHORT: u32 = 11906;
const A4_LONG: u32 = 16838;
/// Margins (Decree 30/2020: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm).
const MARGIN_TOP: u32 = 1134;
const MARGIN_BOTTOM: u32 = 1134;
const MARGIN_LEFT: u32 = 1701;
const MARGIN_RIGHT: u32 = 850;
/// Body size in half-points (13 pt).
const BODY: u32 = 26;

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

pub(crate) fn render(report: &Report) -> Result<Vec<u8>, ReportError> {
    let fonts = Fonts::get()?;
    let mut body = String::new();
    for (i, part) in report.parts.iter().enumerate() {
        let width = text_width(part.orientation);
        let mut doc = Doc {
            out: &mut body,
            fonts,
            width,
        };
        for block in &part.blocks {
            doc.block(block);
        }
        let section = section(part.orientation, i == 0);
        if i + 1 < report.parts.len() {
            let _ = write!(body, "<w:p><w:pPr>{section}</w:pPr></w:p>");
        } else {
            body.push_str(&section);
        }
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}</w:body></w:document>"#
    );
    package(&document, &report.title)
}

/// Width between the margins, in twips.
fn text_width(o: Orientation) -> u32 {
    match o {
        Orientation::Portrait => A4_SHORT - MARGIN_LEFT - MARGIN_RIGHT,
        Orientation::Landscape => A4_LONG - MARGIN_LEFT - MARGIN_RIGHT,
    }
}

/// Section properties: page size and orientation, margins, headers (page
/// numbers; none on the document's first page).
fn section(o: Orientation, first: bool) -> String {
    let size = match o {
        Orientation::Portrait => format!(r#"<w:pgSz w:w="{A4_SHORT}" w:h="{A4_LONG}"/>"#),
        Orientation::Landscape => {
            format!(r#"<w:pgSz w:w="{A4_LONG}" w:h="{A4_SHORT}" w:orient="landscape"/>"#)
        }
    };
    let first_header = if first {
        r#"<w:headerReference w:type="first" r:id="rIdHeaderFirst"/>"#
    } else {
        ""
    };
    format!(
        r#"<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/>{first_header}{size}<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" w:left="{MARGIN_LEFT}" w:header="567" w:footer="567" w:gutter="0"/>{}</w:sectPr>"#,
        if first { "<w:titlePg/>" } else { "" }
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// How a paragraph looks.
#[derive(Clone, Copy)]
struct Para {
    align: &'static str,
    bold: bool,
    italic: bool,
    /// Half-points.
    size: u32,
    first_line: u32,
    left: u32,
    /// Space before and after, twips.
    before: u32,
    after: u32,
    /// Line spacing in 240ths of a line.
    line: u32,
}

impl Para {
    const BODY: Para = Para {
        align: "both",
        bold: false,
        italic: false,
        size: BODY,
        first_line: 567,
        left: 0,
        before: 120,
        after: 0,
        line: 276,
    };
    const CENTER: Para = Para {
        align: "center",
        bold: false,
        italic: false,
        size: BODY,
        first_line: 0,
        left: 0,
        before: 0,
        after: 0,
        line: 240,
    };

    fn bold(self) -> Para {
        Para { bold: true, ..self }
    }
    fn italic(self) -> Para {
        Para {
            italic: true,
            ..self
        }
    }
    fn size(self, half_points: u32) -> Para {
        Para {
            size: half_points,
            ..self
        }
    }
    fn align(self, align: &'static str) -> Para {
        Para { align, ..self }
    }
    fn spacing(self, before: u32, after: u32) -> Para {
        Para {
            before,
            after,
            ..self
        }
    }
}

fn run(text: &str, p: Para) -> String {
    let mut props = String::new();
    if p.bold {
        props.push_str("<w:b/><w:bCs/>");
    }
    if p.italic {
        props.push_str("<w:i/><w:iCs/>");
    }
    if p.size != BODY {
        let _ = write!(props, r#"<w:sz w:val="{0}"/><w:szCs w:val="{0}"/>"#, p.size);
    }
    format!(
        r#"<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{}</w:t></w:r>"#,
        escape(text)
    )
}

fn para(text: &str, p: Para) -> String {
    format!(
        r#"<w:p><w:pPr><w:spacing w:before="{}" w:after="{}" w:line="{}" w:lineRule="auto"/><w:ind w:left="{}" w:firstLine="{}"/><w:jc w:val="{}"/></w:pPr>{}</w:p>"#,
        p.before,
        p.after,
        p.line,
        p.left,
        p.first_line,
        p.align,
        if text.is_empty() {
            String::new()
        } else {
            run(text, p)
        }
    )
}

/// A horizontal rule of `length` twips centred in `width` (the lines under
/// the issuer's name and the motto).
fn rule(width: u32, length: u32) -> String {
    let side = width.saturating_sub(length) / 2;
    format!(
        r#"<w:p><w:pPr><w:pBdr><w:top w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr><w:spacing w:before="60" w:after="0" w:line="160" w:lineRule="exact"/><w:ind w:left="{side}" w:right="{side}"/></w:pPr></w:p>"#
    )
}

fn cell_xml(width: u32, extra: &str, content: &str) -> String {
    format!(r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{extra}</w:tcPr>{content}</w:tc>"#)
}

/// A table without borders (letterhead, signature).
fn layout_table(widths: &[u32], rows: &[Vec<String>]) -> String {
    let mut out = String::from(
        r#"<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblLayout w:type="fixed"/><w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>"#,
    );
    for w in widths {
        let _ = write!(out, r#"<w:gridCol w:w="{w}"/>"#);
    }
    out.push_str("</w:tblGrid>");
    for row in rows {
        out.push_str("<w:tr>");
        for (w, content) in widths.iter().zip(row) {
            let content = if content.is_empty() {
                "<w:p/>"
            } else {
                content
            };
            out.push_str(&cell_xml(*w, "", content));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    out
}

struct Doc<'a> {
    out: &'a mut String,
    fonts: &'static Fonts,
    /// Width between the margins, twips.
    width: u32,
}

impl Doc<'_> {
    /// Width of a text in twips.
    fn measure(&self, text: &str, style: Style, half_points: u32) -> u32 {
        (self.fonts.width(text, style, half_points as f32 / 2.0) * 20.0) as u32
    }

    fn block(&mut self, block: &Block) {
        let xml = match block {
            Block::Letterhead(h) => self.letterhead(h),
            Block::Title(t) => para(t, Para::CENTER.bold().spacing(120, 0)),
            Block::Heading(t) => para(t, Para::CENTER.bold()),
            Block::Attribution(t) => para(t, Para::CENTER.italic().spacing(0, 240)),
            Block::Addressees(list) => match list.as_slice() {
                [one] => para(
                    &format!("{} {one}", words::ADDRESSEES),
                    Para::CENTER.spacing(240, 120),
                ),
                many => {
                    let mut xml = para(
                        words::ADDRESSEES,
                        Para {
                            left: 1701,
                            ..Para::CENTER.align("left").spacing(240, 0)
                        },
                    );
                    for a in many {
                        xml.push_str(&para(
                            &format!("- {a}"),
                            Para {
                                left: 2835,
                                ..Para::CENTER.align("left")
                            },
                        ));
                    }
                    xml + &para("", Para::CENTER.spacing(0, 120))
                }
            },
            Block::Paragraph(t) => para(t, Para::BODY),
            Block::Table(t) => self.table(t),
            Block::Notes(lines) => {
                let note = Para {
                    first_line: 0,
                    ..Para::BODY.size(24).spacing(0, 0).align("left")
                };
                let mut xml = para("", note);
                for l in lines {
                    xml.push_str(&para(l, note));
                }
                xml
            }
            Block::Signature(s) => self.signature(s),
        };
        self.out.push_str(&xml);
    }

    fn letterhead(&self, h: &Letterhead) -> String {
        let left = self.width * 2 / 5;
        let right = self.width - left;
        let issuer_line = self.measure(&h.issuer, Style::Bold, BODY) / 2;
        let motto_line = self.measure(MOTTO, Style::Bold, BODY);
        let mut l1 = para(&h.authority, Para::CENTER);
        l1.push_str(&para(&h.issuer, Para::CENTER.bold()));
        l1.push_str(&rule(left, issuer_line.max(600)));
        let mut r1 = para(NATIONAL_TITLE, Para::CENTER.bold().size(24));
        r1.push_str(&para(MOTTO, Para::CENTER.bold()));
        r1.push_str(&rule(right, motto_line));
        let rows = vec![
            vec![l1, r1],
            vec![
                para(&h.number, Para::CENTER),
                para(&h.place_date, Para::CENTER.italic()),
            ],
            vec![
                para(&h.subject, Para::CENTER.size(24).spacing(60, 0)),
                String::new(),
            ],
        ];
        layout_table(&[left, right], &rows)
    }

    fn signature(&self, s: &Signature) -> String {
        let left = self.width / 2;
        let mut copies = para(
            words::COPIES,
            Para::CENTER.align("left").bold().italic().size(24),
        );
        for c in &s.copies {
            copies.push_str(&para(
                &format!("- {c}"),
                Para::CENTER.align("left").size(22),
            ));
        }
        let mut sign = String::new();
        for t in &s.title {
            sign.push_str(&para(t, Para::CENTER.bold()));
        }
        for _ in 0..4 {
            sign.push_str(&para("", Para::CENTER));
        }
        sign.push_str(&para(&s.signer, Para::CENTER.bold()));
        let spacer = para("", Para::CENTER.spacing(120, 0));
        spacer + &layout_table(&[left, self.width - left], &[vec![copies, sign]])
    }

    fn table(&self, t: &Table) -> String {
        let n = t.columns.len();
        let points = super::table_size(n);
        let size = (points * 2.0) as u32;
        // Cell margins are 57 twips (2.85 pt) a side.
        let widths: Vec<u32> =
            super::columns::widths(t, self.fonts, points, self.width as f32 / 20.0, 2.85)
                .iter()
                .map(|w| (w * 20.0) as u32)
                .collect();
        let span = |from: usize, count: usize| widths[from..from + count].iter().sum::<u32>();
        let cell_para = Para {
            line: 240,
            ..Para::CENTER.size(size).spacing(20, 20)
        };
        let mut out = String::from(
            r#"<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:jc w:val="center"/><w:tblBorders><w:top w:val="single" w:sz="4" w:color="000000"/><w:left w:val="single" w:sz="4" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:color="000000"/><w:right w:val="single" w:sz="4" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:color="000000"/></w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>"#,
        );
        for w in &widths {
            let _ = write!(out, r#"<w:gridCol w:w="{w}"/>"#);
        }
        out.push_str("</w:tblGrid>");
        for r in 0..t.header_rows {
            out.push_str(r#"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"#);
            let mut c = 0;
            while c < n {
                let (cols, extra, content) = match t.header_at(r, c) {
                    Some(h) => {
                        let merge = if h.rows > 1 {
                            r#"<w:vMerge w:val="restart"/>"#
                        } else {
                            ""
                        };
                        (h.cols, merge, para(&h.text, cell_para.bold()))
                    }
                    None => match t
                        .header
                        .iter()
                        .find(|h| h.col == c && h.row < r && r < h.row + h.rows)
                    {
                        Some(above) => (above.cols, "<w:vMerge/>", "<w:p/>".to_string()),
                        None => (1, "", "<w:p/>".to_string()),
                    },
                };
                let grid = if cols > 1 {
                    format!(r#"<w:gridSpan w:val="{cols}"/>"#)
                } else {
                    String::new()
                };
                out.push_str(&cell_xml(
                    span(c, cols),
                    &format!(r#"{grid}{extra}<w:vAlign w:val="center"/>"#),
                    &content,
                ));
                c += cols;
            }
            out.push_str("</w:tr>");
        }
        for row in &t.rows {
            out.push_str(r#"<w:tr><w:trPr><w:cantSplit/></w:trPr>"#);
            match row {
                Row::Section(title) => {
                    let p = para(title, cell_para.bold().align("left"));
                    out.push_str(&cell_xml(
                        self.width,
                        &format!(r#"<w:gridSpan w:val="{n}"/>"#),
                        &p,
                    ));
                }
                Row::Data(cells) | Row::Summary(cells) => {
                    let bold = matches!(row, Row::Summary(_));
                    for (i, (cell, column)) in cells.iter().zip(&t.columns).enumerate() {
                        let align = match (cell, column.align) {
                            (Cell::NoData, _) | (_, Align::Center) => "center",
                            (_, Align::Left) => "left",
                            (_, Align::Right) => "right",
                        };
                        let p = Para {
                            bold,
                            ..cell_para.align(align)
                        };
                        out.push_str(&cell_xml(
                            widths[i],
                            r#"<w:vAlign w:val="center"/>"#,
                            &para(&cell.display(), p),
                        ));
                    }
                }
            }
            out.push_str("</w:tr>");
        }
        out.push_str("</w:tbl>");
        out
    }
}

/// The package around the document part.
fn package(document: &str, title: &str) -> Result<Vec<u8>, ReportError> {
    let page_number = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {NS}><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>"#
    );
    let empty_header = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {NS}><w:p/></w:hdr>"#
    );
    let files: [(&str, String); 9] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("docProps/core.xml", core_properties(title)),
        ("word/document.xml", document.to_string()),
        ("word/styles.xml", STYLES.to_string()),
        ("word/settings.xml", SETTINGS.to_string()),
        ("word/header1.xml", page_number),
        ("word/header2.xml", empty_header),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
    ];
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, content) in files {
        zip.start_file(name, options)?;
        zip.write_all(content.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

fn core_properties(title: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:creator>chiso</dc:creator><dc:language>vi-VN</dc:language></cp:coreProperties>"#,
        escape(title)
    )
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdHeader" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rIdHeaderFirst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/></Relationships>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="26"/><w:szCs w:val="26"/><w:lang w:val="vi-VN" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#;

const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#;
