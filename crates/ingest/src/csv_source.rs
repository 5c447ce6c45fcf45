//! CSV: UTF-8 with a header row; comma separated, or semicolon (Excel in a
//! Vietnamese locale) or tab when the header line has no comma. Quoted
//! fields (with `""` for a quote, and line breaks inside quotes), CRLF and a
//! UTF-8 byte-order mark are handled, as RFC 4180 and the csv crate read them.
//!
//! The reader is written for speed: a row without quotes (nearly every row
//! of a one-stop-shop export) is found with a word-at-a-time scan, checked
//! as UTF-8 once, and split into `&str` cells borrowed from the read buffer,
//! so a row costs no allocation beyond the record it makes. Keeping the raw
//! bytes also gives each rejected row its exact text and physical line.

use std::borrow::Cow;
use std::io::{self, Read};

use crate::columns::MAX_COLUMNS;
use crate::{map_header, Ctx, Header, IngestError, Item, RecordKind, MAX_TITLE_ROWS};

/// Bytes read from the input at a time; the buffer grows for longer rows.
const CHUNK: usize = 256 * 1024;

const LOW: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);

/// Whether any byte of `word` is zero (may also flag bytes above a zero byte;
/// callers check the bytes of a flagged word one by one).
fn has_zero(word: u64) -> bool {
    word.wrapping_sub(LOW) & !word & HIGH != 0
}

/// The first position of `a` or `b` in `hay`.
fn find2(hay: &[u8], a: u8, b: u8) -> Option<usize> {
    let (wa, wb) = (u64::from_ne_bytes([a; 8]), u64::from_ne_bytes([b; 8]));
    let mut chunks = hay.chunks_exact(8);
    let mut base = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_ne_bytes(word);
        if has_zero(w ^ wa) || has_zero(w ^ wb) {
            if let Some(i) = chunk.iter().position(|&c| c == a || c == b) {
                return Some(base + i);
            }
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| c == a || c == b)
        .map(|i| base + i)
}

/// Where the next record lies in the unread part of the buffer.
#[derive(Debug, PartialEq, Eq)]
enum Scan {
    /// A record: its content (without the line end) is `..len`; `consumed`
    /// bytes including the line end; `newlines` line breaks in all that.
    Record {
        len: usize,
        consumed: usize,
        newlines: usize,
        quoted: bool,
        unterminated: bool,
    },
    /// The buffer ends inside the record: read more.
    NeedMore,
    /// Nothing left.
    End,
}

/// Finds the next record in `data`; `eof` when no more input will come.
fn scan(data: &[u8], delim: u8, eof: bool) -> Scan {
    if data.is_empty() {
        return if eof { Scan::End } else { Scan::NeedMore };
    }
    match find2(data, b'\n', b'"') {
        Some(i) if data[i] == b'\n' => {
            let len = if i > 0 && data[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            return Scan::Record {
                len,
                consumed: i + 1,
                newlines: 1,
                quoted: false,
                unterminated: false,
            };
        }
        Some(_) => {}
        None if eof => {
            let len = if data.last() == Some(&b'\r') {
                data.len() - 1
            } else {
                data.len()
            };
            return Scan::Record {
                len,
                consumed: data.len(),
                newlines: 0,
                quoted: false,
                unterminated: false,
            };
        }
        None => return Scan::NeedMore,
    }
    // A quote before the line end: follow the quoting rules to the record's end.
    let mut in_quotes = false;
    let mut field_start = true;
    let mut newlines = 0;
    let mut i = 0;
    while i < data.len() {
        let c = data[i];
        if in_quotes {
            if c == b'"' {
                match data.get(i + 1) {
                    Some(b'"') => i += 1,
                    Some(_) => in_quotes = false,
                    None if eof => in_quotes = false,
                    None => return Scan::NeedMore,
                }
            } else if c == b'\n' {
                newlines += 1;
            }
        } else if c == b'\n' {
            let len = if i > 0 && data[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            return Scan::Record {
                len,
                consumed: i + 1,
                newlines: newlines + 1,
                quoted: true,
                unterminated: false,
            };
        } else if c == b'"' && field_start {
            in_quotes = true;
        }
        field_start = c == delim;
        i += 1;
    }
    if !eof {
        return Scan::NeedMore;
    }
    let len = if !in_quotes && data.last() == Some(&b'\r') {
        data.len() - 1
    } else {
        data.len()
    };
    Scan::Record {
        len,
        consumed: data.len(),
        newlines,
        quoted: true,
        unterminated: in_quotes,
    }
}

/// Splits a record with quotes into cells: a cell that starts with a quote
/// runs to the closing quote, `""` inside standing for `"`; anything after
/// the closing quote is kept as it is (as the csv crate does).
fn split_quoted<'a>(text: &'a str, delim: u8, out: &mut Vec<Cow<'a, str>>) {
    out.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        let start = i;
        if bytes.get(i) == Some(&b'"') {
            let mut cell = String::new();
            i += 1;
            let mut from = i;
            loop {
                match bytes.get(i) {
                    None => {
                        cell.push_str(text.get(from..).unwrap_or(""));
                        break;
                    }
                    Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                        cell.push_str(text.get(from..=i).unwrap_or(""));
                        i += 2;
                        from = i;
                    }
                    Some(b'"') => {
                        cell.push_str(text.get(from..i).unwrap_or(""));
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            let rest = bytes.get(i..).unwrap_or(&[]);
            let end = rest
                .iter()
                .position(|&c| c == delim)
                .map_or(bytes.len(), |p| i + p);
            cell.push_str(text.get(i..end).unwrap_or(""));
            out.push(Cow::Owned(cell));
            i = end;
        } else {
            let rest = bytes.get(start..).unwrap_or(&[]);
            let end = rest
                .iter()
                .position(|&c| c == delim)
                .map_or(bytes.len(), |p| start + p);
            out.push(Cow::Borrowed(text.get(start..end).unwrap_or("")));
            i = end;
        }
        if i >= bytes.len() {
            break;
        }
        i += 1; // the delimiter
    }
}

/// Splits a record without quotes at each delimiter (an ASCII byte, so
/// every piece is a `&str` of its own).
fn split_plain(text: &str, delim: u8) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut ends = text
        .bytes()
        .enumerate()
        .filter(move |&(_, b)| b == delim)
        .map(|(i, _)| i)
        .chain([text.len()]);
    std::iter::from_fn(move || {
        let end = ends.next()?;
        let cell = text.get(start..end).unwrap_or("");
        start = end + 1;
        Some(cell)
    })
}

/// Puts each cell in its column's slot; gives the number of cells and
/// whether a cell beyond the header's width holds anything.
fn place<'a>(
    cols_at: &[Option<usize>],
    cells: impl Iterator<Item = &'a str>,
    vals: &mut [&'a str; MAX_COLUMNS],
) -> (usize, bool) {
    let mut n = 0;
    let mut extra_filled = false;
    for cell in cells {
        match cols_at.get(n) {
            Some(Some(i)) => {
                if let Some(slot) = vals.get_mut(*i) {
                    *slot = cell;
                }
            }
            Some(None) => {}
            None => extra_filled |= !cell.trim().is_empty(),
        }
        n += 1;
    }
    (n, extra_filled)
}

/// The delimiter from the header line: comma, else semicolon, else tab.
fn delimiter(header: &[u8]) -> u8 {
    let (mut comma, mut semi, mut tab, mut quoted) = (0, 0, 0, false);
    for &b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => comma += 1,
            b';' if !quoted => semi += 1,
            b'\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if comma == 0 && semi > 0 {
        b';'
    } else if comma == 0 && tab > 0 {
        b'\t'
    } else {
        b','
    }
}

/// A record found in the buffer.
struct Raw {
    line: usize,
    start: usize,
    len: usize,
    quoted: bool,
    unterminated: bool,
}

pub(crate) struct CsvSource {
    input: Box<dyn Read + Send>,
    buf: Vec<u8>,
    /// Unread data is `buf[pos..end]`.
    pos: usize,
    end: usize,
    eof: bool,
    /// The physical line of `buf[pos]`.
    line: usize,
    delim: u8,
    /// Cells in the header row.
    width: usize,
    /// For each position in the file, the kind's column it holds.
    cols_at: Vec<Option<usize>>,
    /// Positions of personal data, masked in a rejected row's text.
    personal: Vec<usize>,
    done: bool,
}

impl CsvSource {
    /// Opens a CSV file: the header is the first row (within the first
    /// [`MAX_TITLE_ROWS`] + 1 non-blank rows) that names the kind's required
    /// columns; rows above it are title rows, skipped and counted.
    pub fn open(
        kind: RecordKind,
        file: &str,
        input: Box<dyn Read + Send>,
    ) -> Result<(CsvSource, Header, usize), IngestError> {
        let io_err = |source| IngestError::Io {
            file: file.to_string(),
            source,
        };
        let mut src = CsvSource {
            input,
            buf: vec![0; CHUNK],
            pos: 0,
            end: 0,
            eof: false,
            line: 1,
            delim: b',',
            width: 0,
            cols_at: Vec::new(),
            personal: Vec::new(),
            done: false,
        };
        // Read up to the first line end, drop a byte-order mark, choose the delimiter.
        while !src.eof && find2(&src.buf[..src.end], b'\n', b'\n').is_none() && src.end < CHUNK {
            src.fill().map_err(io_err)?;
        }
        if src.buf[..src.end].starts_with(b"\xEF\xBB\xBF") {
            src.pos = 3;
        }
        let first_line = src.buf[src.pos..src.end]
            .split(|&b| b == b'\n')
            .find(|l| !l.trim_ascii().is_empty())
            .unwrap_or(&[]);
        src.delim = delimiter(first_line);
        let mut first_error = None;
        let mut title_rows = 0;
        let (names, header) = loop {
            let Some(raw) = src.read_raw().map_err(io_err)? else {
                return Err(first_error.unwrap_or(IngestError::NoHeader {
                    file: file.to_string(),
                }));
            };
            let bytes = &src.buf[raw.start..raw.start + raw.len];
            if bytes.trim_ascii().is_empty() {
                continue;
            }
            let text = match std::str::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) if first_error.is_none() => {
                    return Err(IngestError::NotUtf8 {
                        file: file.to_string(),
                    })
                }
                Err(_) => {
                    title_rows += 1;
                    continue;
                }
            };
            // A title row may have no separator at all: each row chooses its own.
            let delim = delimiter(bytes);
            let mut cells = Vec::new();
            split_quoted(text, delim, &mut cells);
            let names: Vec<String> = cells.into_iter().map(Cow::into_owned).collect();
            match map_header(kind, file, &names) {
                Ok(h) => {
                    src.delim = delim;
                    break (names, h);
                }
                Err(e @ IngestError::DuplicateColumn { .. }) => return Err(e),
                Err(e) => {
                    first_error.get_or_insert(e);
                    title_rows += 1;
                    if title_rows > MAX_TITLE_ROWS {
                        return Err(first_error.unwrap_or(IngestError::NoHeader {
                            file: file.to_string(),
                        }));
                    }
                }
            }
        };
        src.width = names.len();
        src.personal = header.personal.clone();
        src.cols_at = vec![None; names.len()];
        for (i, pos) in header.map.iter().enumerate() {
            if let Some(pos) = pos {
                src.cols_at[*pos] = Some(i);
            }
        }
        Ok((src, header, title_rows))
    }

    /// Reads more input into the buffer, keeping the unread part.
    fn fill(&mut self) -> io::Result<()> {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
        }
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Finds the next record and moves past it.
    fn read_raw(&mut self) -> io::Result<Option<Raw>> {
        loop {
            match scan(&self.buf[self.pos..self.end], self.delim, self.eof) {
                Scan::Record {
                    len,
                    consumed,
                    newlines,
                    quoted,
                    unterminated,
                } => {
                    let raw = Raw {
                        line: self.line,
                        start: self.pos,
                        len,
                        quoted,
                        unterminated,
                    };
                    self.pos += consumed;
                    self.line += newlines;
                    return Ok(Some(raw));
                }
                Scan::NeedMore => self.fill()?,
                Scan::End => return Ok(None),
            }
        }
    }

    pub fn next(&mut self, ctx: &mut Ctx) -> Option<Item> {
        if self.done {
            return None;
        }
        loop {
            let raw = match self.read_raw() {
                Ok(Some(raw)) => raw,
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(ctx.failure(self.line, &e));
                }
            };
            let line = raw.line;
            let bytes = &self.buf[raw.start..raw.start + raw.len];
            let delim = self.delim;
            let personal = &self.personal;
            let raw_text = || {
                let text = String::from_utf8_lossy(bytes);
                if personal.is_empty() {
                    return text.into_owned();
                }
                let mut cells = Vec::new();
                split_quoted(&text, delim, &mut cells);
                crate::join_csv(
                    crate::masked(cells.iter().map(|c| c.as_ref()), personal),
                    char::from(delim),
                )
            };
            match bytes.first() {
                Some(&b) if b != delim && !b.is_ascii_whitespace() => {}
                _ if bytes.iter().all(|&b| b == delim || b.is_ascii_whitespace()) => continue, // blank
                _ => {}
            }
            if raw.unterminated {
                self.done = true;
                return Some(ctx.reject(
                    line,
                    None,
                    "dấu ngoặc kép mở ở dòng này không được đóng đến hết tệp: đóng dấu ngoặc kép"
                        .to_string(),
                    raw_text(),
                ));
            }
            let Ok(text) = std::str::from_utf8(bytes) else {
                let bad = bytes
                    .split(|&b| b == delim)
                    .position(|f| std::str::from_utf8(f).is_err());
                let column = bad
                    .and_then(|p| self.cols_at.get(p).copied().flatten())
                    .and_then(|i| ctx.cols.get(i));
                let column = column.map(|c| c.name);
                let col = column.unwrap_or("?");
                return Some(ctx.reject(
                    line,
                    column,
                    format!(
                        "ô ở cột {col} không phải văn bản UTF-8: lưu tệp dưới dạng \"CSV UTF-8\""
                    ),
                    raw_text(),
                ));
            };
            let mut quoted_cells: Vec<Cow<'_, str>> = Vec::new();
            let mut vals = [""; MAX_COLUMNS];
            let (n, extra_filled) = if raw.quoted {
                split_quoted(text, delim, &mut quoted_cells);
                place(
                    &self.cols_at,
                    quoted_cells.iter().map(|c| c.as_ref()),
                    &mut vals,
                )
            } else {
                place(&self.cols_at, split_plain(text, delim), &mut vals)
            };
            if n < self.width || extra_filled {
                let width = self.width;
                return Some(ctx.reject(
                    line,
                    None,
                    format!(
                        "dòng có {n} ô nhưng dòng tiêu đề có {width} cột: kiểm tra dấu phân cách và dấu ngoặc kép"
                    ),
                    raw_text(),
                ));
            }
            return Some(ctx.finish(line, &vals[..ctx.cols.len()], raw_text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_bytes_word_by_word() {
        let hay = b"0123456789abcdef\"xyz\n";
        assert_eq!(find2(hay, b'\n', b'"'), Some(16));
        assert_eq!(find2(&hay[17..], b'\n', b'"'), Some(3));
        assert_eq!(find2(b"abc", b'\n', b'"'), None);
        for n in 0..40 {
            let mut v = vec![b'a'; n];
            v.push(b'\n');
            assert_eq!(find2(&v, b'\n', b'"'), Some(n));
            v[n] = 0x8a; // a high byte near the target must not be taken for it
            assert_eq!(find2(&v, b'\n', b'"'), None);
        }
    }

    #[test]
    fn scans_records() {
        let r = |len, consumed, newlines, quoted| Scan::Record {
            len,
            consumed,
            newlines,
            quoted,
            unterminated: false,
        };
        assert_eq!(scan(b"a,b\r\nc", b',', false), r(3, 5, 1, false));
        assert_eq!(scan(b"a,b", b',', false), Scan::NeedMore);
        assert_eq!(scan(b"a,b\r", b',', true), r(3, 4, 0, false));
        assert_eq!(scan(b"", b',', true), Scan::End);
        assert_eq!(scan(b"\"a\nb\",c\nd", b',', false), r(7, 8, 2, true));
        assert_eq!(scan(b"\"a\"\"", b',', false), Scan::NeedMore);
        assert_eq!(scan(b"x\"y,z\n", b',', false), r(5, 6, 1, true));
        assert_eq!(
            scan(b"\"open,\n", b',', true),
            Scan::Record {
                len: 7,
                consumed: 7,
                newlines: 1,
                quoted: true,
                unterminated: true
            }
        );
    }

    #[test]
    fn plain_split() {
        let cells: Vec<&str> = split_plain("a,,bc,", b',').collect();
        assert_eq!(cells, ["a", "", "bc", ""]);
        assert_eq!(split_plain("", b',').collect::<Vec<_>>(), [""]);
        assert_eq!(split_plain("ẫ;b", b';').collect::<Vec<_>>(), ["ẫ", "b"]);
    }

    fn cells(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        split_quoted(text, b',', &mut out);
        out.into_iter().map(Cow::into_owned).collect()
    }

    #[test]
    fn splits_like_the_csv_crate() {
        for text in [
            "a,\"b,c\",d",
            "\"\"\"q\"\"\",,x",
            "\"a\"b,c",
            "x\"y\",z",
            "\"multi\r\nline\",2",
            ",,",
            "\"\"",
            " \"a\",b",
            "\"unterminated,x",
        ] {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let mut rec = csv::StringRecord::new();
            assert!(rdr.read_record(&mut rec).unwrap_or(false), "{text}");
            let expected: Vec<String> = rec.iter().map(str::to_string).collect();
            assert_eq!(cells(text), expected, "{text:?}");
        }
    }

    #[test]
    fn delimiters() {
        assert_eq!(delimiter(b"a,b;c"), b',');
        assert_eq!(delimiter(b"a;b;c\r"), b';');
        assert_eq!(delimiter(b"a\tb"), b'\t');
        assert_eq!(delimiter(b"\"a,b\";c"), b';');
        assert_eq!(delimiter(b"a"), b',');
    }
}
