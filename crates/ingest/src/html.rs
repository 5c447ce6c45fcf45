//! HTML tables, as browsers download a one-stop system's staff exports
//! ("Danh sách hồ sơ", often saved with an `.xls` name that Excel opens).
//! Every `<tr>` of the document is a row and its `<td>`/`<th>` the cells, in
//! order; tags inside a cell are dropped, entities decoded, blanks collapsed.
//! The header is found like a workbook's (title rows above it skipped).
//!
//! Written by hand rather than with an HTML parser crate: only table cells
//! are needed, not a document tree, and this keeps the reader to one pass
//! with no dependency.

use std::borrow::Cow;
use std::io::Read;

use crate::columns::MAX_COLUMNS;
use crate::{find_header, join_csv, Ctx, Header, IngestError, Item, RecordKind};

/// The largest HTML file read (an export of about two million rows).
const MAX_BYTES: u64 = 1 << 30;

/// One table row: the line where it starts and its cells.
pub(crate) type HtmlRow = (usize, Vec<String>);

/// Decodes `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#39;`, `&nbsp;`,
/// `&#NNN;` and `&#xHH;`; anything else is kept as written.
fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.as_bytes()[..rest.len().min(12)]
            .iter()
            .position(|&b| b == b';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let n = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                        u32::from_str_radix(hex, 16).ok()
                    } else if let Some(dec) = name.strip_prefix('#') {
                        dec.parse().ok()
                    } else {
                        None
                    };
                    n.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The tag at the start of `s` (just after `<`): its lower-case name and
/// whether it closes (`</td>`).
fn tag_name(s: &str) -> (String, bool) {
    let (closing, s) = match s.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let name: String = s
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (name, closing)
}

/// Every table row of an HTML document.
pub(crate) fn table_rows(html: &str) -> Vec<HtmlRow> {
    let mut rows = Vec::new();
    let mut row: Option<(usize, Vec<String>)> = None;
    let mut cell: Option<String> = None;
    let mut line = 1;
    let mut rest = html;
    let mut skip_until: Option<&str> = None;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if let Some(c) = cell.as_mut() {
                c.push_str(rest);
            }
            break;
        };
        let text = &rest[..lt];
        line += text.matches('\n').count();
        if skip_until.is_none() {
            if let Some(c) = cell.as_mut() {
                c.push_str(text);
            }
        }
        rest = &rest[lt + 1..];
        if rest.starts_with("!--") {
            let end = rest.find("-->").map_or(rest.len(), |e| e + 3);
            line += rest[..end].matches('\n').count();
            rest = &rest[end..];
            continue;
        }
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let inside = &rest[..end];
        line += inside.matches('\n').count();
        rest = &rest[end..];
        let (name, closing) = tag_name(inside);
        if let Some(wanted) = skip_until {
            if closing && name == wanted {
                skip_until = None;
            }
            continue;
        }
        match (name.as_str(), closing) {
            ("script", false) => skip_until = Some("script"),
            ("style", false) => skip_until = Some("style"),
            ("tr", false) => {
                finish_cell(&mut row, &mut cell);
                if let Some(r) = row.take() {
                    rows.push(r);
                }
                row = Some((line, Vec::new()));
            }
            ("tr", true) | ("table", _) => {
                finish_cell(&mut row, &mut cell);
                if let Some(r) = row.take() {
                    rows.push(r);
                }
            }
            ("td" | "th", false) => {
                finish_cell(&mut row, &mut cell);
                if row.is_none() {
                    row = Some((line, Vec::new()));
                }
                cell = Some(String::new());
            }
            ("td" | "th", true) => finish_cell(&mut row, &mut cell),
            ("br" | "p" | "div", _) => {
                if let Some(c) = cell.as_mut() {
                    c.push(' ');
                }
            }
            _ => {}
        }
    }
    finish_cell(&mut row, &mut cell);
    if let Some(r) = row.take() {
        rows.push(r);
    }
    rows
}

fn finish_cell(row: &mut Option<(usize, Vec<String>)>, cell: &mut Option<String>) {
    if let Some(text) = cell.take() {
        let decoded = decode_entities(&text);
        let clean = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some((_, cells)) = row.as_mut() {
            cells.push(clean);
        }
    }
}

pub(crate) struct HtmlSource {
    rows: std::vec::IntoIter<HtmlRow>,
    map: Vec<Option<usize>>,
    /// Positions of personal data, masked in a rejected row's text.
    personal: Vec<usize>,
}

impl HtmlSource {
    pub fn open(
        kind: RecordKind,
        file: &str,
        input: Box<dyn Read + Send>,
    ) -> Result<(HtmlSource, Header, usize), IngestError> {
        let mut bytes = Vec::new();
        input
            .take(MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| IngestError::Io {
                file: file.to_string(),
                source,
            })?;
        if bytes.len() as u64 > MAX_BYTES {
            return Err(IngestError::TooLarge {
                file: file.to_string(),
                limit_mib: MAX_BYTES >> 20,
            });
        }
        let text = String::from_utf8_lossy(&bytes);
        let rows: Vec<HtmlRow> = table_rows(&text)
            .into_iter()
            .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
            .collect();
        let (title_rows, header) =
            find_header(kind, file, rows.iter().map(|(_, cells)| cells.clone()))?;
        let rows: Vec<HtmlRow> = rows.into_iter().skip(title_rows + 1).collect();
        let map = header.map.clone();
        Ok((
            HtmlSource {
                rows: rows.into_iter(),
                map,
                personal: header.personal.clone(),
            },
            header,
            title_rows,
        ))
    }

    pub fn next(&mut self, ctx: &mut Ctx) -> Option<Item> {
        let (line, cells) = self.rows.next()?;
        let mut vals = [""; MAX_COLUMNS];
        for (i, pos) in self.map.iter().enumerate() {
            if let Some(v) = pos.and_then(|p| cells.get(p)) {
                vals[i] = v;
            }
        }
        let n = self.map.len();
        let personal = &self.personal;
        let raw = || {
            join_csv(
                crate::masked(cells.iter().map(String::as_str), personal),
                ',',
            )
        };
        Some(ctx.finish(line, &vals[..n], raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_staff_export() {
        let html = "<html><head><style>td{x}</style></head><body>\n<table>\n\
            <tr><td colspan=5><b>DANH SÁCH HỒ SƠ</b></td></tr>\n\
            <tr><th>STT</th><th>Mã hồ sơ</th><th>Tên &amp; mô tả</th></tr>\n\
            <tr><td>1</td><td>H53-1</td><td>A&nbsp;<br/>B &#7843; &#x1EA1;</td></tr>\n\
            <tr><td>2</td><td>H53-2<!-- x --></td><td></td>\n</table></body></html>";
        let rows = table_rows(html);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].1, vec!["DANH SÁCH HỒ SƠ"]);
        assert_eq!(rows[1].1, vec!["STT", "Mã hồ sơ", "Tên & mô tả"]);
        assert_eq!(rows[2].1, vec!["1", "H53-1", "A B ả ạ"]);
        assert_eq!(rows[3].1, vec!["2", "H53-2", ""]);
        assert_eq!(rows[2].0, 5);
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a &amp;&lt;b&gt; &unknown; &#65;&"),
            "a &<b> &unknown; A&"
        );
    }
}
