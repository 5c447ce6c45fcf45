//! Markdown: the report as text, tables as pipe tables. A two-level header
//! is printed as S000 prints it: the first level as the table's header, the
//! second as its first row. A table with sections is split into one table
//! per section under the section's heading.

use std::fmt::Write;

use super::words;
use crate::model::{Block, Cell, Report, Row, Table};

pub(crate) fn render(report: &Report) -> String {
    let mut out = String::new();
    for (i, part) in report.parts.iter().enumerate() {
        if i > 0 {
            out.push_str("\n---\n\n");
        }
        for block in &part.blocks {
            block_md(&mut out, block);
        }
    }
    out
}

fn block_md(out: &mut String, block: &Block) {
    match block {
        Block::Letterhead(h) => {
            if !h.authority.is_empty() {
                let _ = writeln!(out, "{}  ", h.authority);
            }
            let _ = writeln!(out, "**{}**\n", h.issuer);
            let _ = writeln!(
                out,
                "**{}**  \n**{}**\n",
                crate::model::NATIONAL_TITLE,
                crate::model::MOTTO
            );
            let _ = writeln!(out, "{}\n", h.number);
            let _ = writeln!(out, "*{}*\n", h.place_date);
            let _ = writeln!(out, "{}\n", h.subject);
        }
        Block::Title(t) => {
            let _ = writeln!(out, "## {t}\n");
        }
        Block::Heading(t) => {
            let _ = writeln!(out, "**{t}**\n");
        }
        Block::Attribution(t) => {
            let _ = writeln!(out, "*{t}*\n");
        }
        Block::Addressees(list) => match list.as_slice() {
            [one] => {
                let _ = writeln!(out, "{} {one}\n", words::ADDRESSEES);
            }
            many => {
                let _ = writeln!(out, "{}\n", words::ADDRESSEES);
                for a in many {
                    let _ = writeln!(out, "- {a}");
                }
                out.push('\n');
            }
        },
        Block::Paragraph(t) => {
            let _ = writeln!(out, "{t}\n");
        }
        Block::Table(t) => table_md(out, t),
        Block::Notes(lines) => {
            for l in lines {
                let _ = writeln!(out, "{l}  ");
            }
            out.push('\n');
        }
        Block::Signature(s) => {
            let _ = writeln!(out, "***{}***", words::COPIES);
            for c in &s.copies {
                let _ = writeln!(out, "- {c}");
            }
            out.push('\n');
            for t in &s.title {
                let _ = writeln!(out, "**{t}**  ");
            }
            if !s.signer.is_empty() {
                let _ = writeln!(out, "\n**{}**", s.signer);
            }
            out.push('\n');
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn line(out: &mut String, cells: impl Iterator<Item = String>) {
    out.push('|');
    for c in cells {
        let _ = write!(out, " {} |", c);
    }
    out.push('\n');
}

fn header_md(out: &mut String, t: &Table) {
    let n = t.columns.len();
    for row in 0..t.header_rows {
        let texts = (0..n).map(|c| {
            t.header_at(row, c)
                .filter(|_| !t.header_covered(row, c))
                .map_or(String::new(), |h| escape(&h.text))
        });
        line(out, texts);
        if row == 0 {
            line(out, (0..n).map(|_| "---".to_string()));
        }
    }
}

fn table_md(out: &mut String, t: &Table) {
    let mut open = false;
    for row in &t.rows {
        match row {
            Row::Section(title) => {
                if open {
                    out.push('\n');
                }
                let _ = writeln!(out, "**{}**\n", escape(title));
                header_md(out, t);
                open = true;
            }
            Row::Data(cells) | Row::Summary(cells) => {
                if !open {
                    header_md(out, t);
                    open = true;
                }
                let bold = matches!(row, Row::Summary(_));
                line(out, cells.iter().map(|c| cell_md(c, bold)));
            }
        }
    }
    if !open {
        header_md(out, t);
    }
    out.push('\n');
}

fn cell_md(c: &Cell, bold: bool) -> String {
    let text = escape(&c.display());
    if bold && !text.is_empty() {
        format!("**{text}**")
    } else {
        text
    }
}
