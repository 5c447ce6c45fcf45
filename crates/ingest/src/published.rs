//! The national portal's published results (`report_tinh_766_service`):
//! rows `{ID, ROW_STT, TEN, CKMB, TDGQ, TTTT, CLGQ, MDHL, MDSH, TONG_SCORE}`
//! per province or per unit, the six group scores and the total as numeric
//! strings (`58.58` or `58,58`), read so they can be set beside chiso's own
//! figures (`chiso_core::reconcile`).
//!
//! The file is recognised from its content: a JSON array of rows, or a JSON
//! envelope holding one (`{error_code, message, result | data: [...]}`,
//! pretty-printed or not); an XLSX workbook (first sheet); otherwise CSV
//! (UTF-8, comma, semicolon or tab). In a table the header is the first row
//! naming `TEN` or `ID` and a score column, so title rows above it are fine.
//! Column and key names are compared without case or diacritics.
//!
//! Each row's unit is the unit whose code is `ID`, else the one named `TEN`
//! (see `chiso_core::names`: accents and case ignored); a name matching no
//! unit or several is a rejected row listing the candidates. The period is
//! the row's own `KY` (or `PERIOD`) column, else the envelope's (`period` /
//! `ky`, or `nam` with `thang` or `quy`), else the one given by the caller;
//! a row whose period disagrees with the caller's is rejected. Every row
//! that is not blank is accepted or rejected with its line, column and
//! reason: `rows + rejected = read`.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader as _, Xlsx};
use chiso_core::names::{Lookup, NameIndex};
use chiso_core::period::Period;
use chiso_core::reconcile::{PortalFigures, PORTAL_COLUMNS};
use chiso_core::records::Unit;
use serde_json::Value;

use crate::{join_csv, reject, Rejected};

/// The largest file read (published results are a few hundred rows).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// Rows searched for a table's header.
const HEADER_SEARCH: usize = 20;
/// Unrecognised column names remembered.
const MAX_EXTRA: usize = 100;
/// Envelopes nested inside `result` / `data` followed.
const MAX_ENVELOPES: usize = 4;

/// How a row's unit was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchedBy {
    /// `ID` is the unit's code.
    Code,
    /// `TEN` names the unit.
    Name,
}

/// One accepted row.
#[derive(Clone, Debug, PartialEq)]
pub struct PublishedRow {
    /// 1-based: the line where a JSON row starts, the CSV line, the sheet row.
    pub line: usize,
    pub period: Period,
    pub figures: PortalFigures,
    pub matched_by: MatchedBy,
    /// The row as it was in the file (the JSON object's text, or CSV-quoted cells).
    pub raw: String,
}

/// The formats read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublishedFormat {
    Json,
    Csv,
    Xlsx,
}

/// Everything read from one file.
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    pub file: String,
    pub format: PublishedFormat,
    pub rows: Vec<PublishedRow>,
    pub rejected: Vec<Rejected>,
    /// Columns (keys) that are not part of the published shape; ignored.
    pub extra_columns: Vec<String>,
}

impl Published {
    /// Rows read (blank rows excluded): accepted + rejected.
    pub fn read(&self) -> usize {
        self.rows.len() + self.rejected.len()
    }
}

/// A file that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum PublishedError {
    #[error("không đọc được tệp {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "tệp {file} quá lớn (hơn {} MB): kết quả công bố chỉ có vài trăm dòng, kiểm tra lại tệp",
        MAX_BYTES / (1024 * 1024)
    )]
    TooLarge { file: String },
    #[error(
        "tệp {file} không phải JSON đọc được ({message}, dòng {line}): lưu lại câu trả lời của \
         Cổng nguyên văn"
    )]
    Json {
        file: String,
        line: usize,
        message: String,
    },
    #[error(
        "tệp {file} là câu trả lời lỗi của Cổng (error_code {code}: {message}): lấy lại kết quả"
    )]
    PortalError {
        file: String,
        code: String,
        message: String,
    },
    #[error(
        "tệp {file} không có danh sách kết quả: cần một mảng JSON các dòng, hoặc đối tượng có \
         khóa result hoặc data là mảng đó"
    )]
    NoRows { file: String },
    #[error(
        "tệp {file} không có dòng tiêu đề với cột TEN hoặc ID và các cột điểm CKMB, TDGQ, TTTT, \
         CLGQ, MDHL, MDSH, TONG_SCORE trong {HEADER_SEARCH} dòng đầu"
    )]
    NoHeader { file: String },
    #[error("tệp {file} không phải UTF-8: lưu lại dưới dạng \"CSV UTF-8\"")]
    NotUtf8 { file: String },
    #[error(
        "tệp {file} không phải tệp Excel .xlsx đọc được ({message}): lưu lại thành .xlsx hoặc \
         xuất CSV"
    )]
    NotXlsx { file: String, message: String },
    #[error("tệp {file} là trang HTML: mở bằng Excel rồi lưu thành .xlsx hoặc .csv")]
    Html { file: String },
    #[error("tệp {file} ghi kỳ '{text}' không hợp lệ: dùng 2026-10, 2026-Q3, 2026-H1 hoặc 2026")]
    BadPeriod { file: String, text: String },
    #[error("tệp {file} không ghi kỳ báo cáo: cho biết kỳ bằng --period, ví dụ --period 2026-10")]
    NoPeriod { file: String },
}

/// Reads the file at `path`; `units` is the unit catalogue rows are matched
/// against, `period` the period of rows that carry none.
pub fn read_file(
    path: &Path,
    units: &[Unit],
    period: Option<Period>,
) -> Result<Published, PublishedError> {
    let file = path.display().to_string();
    let io = |source| PublishedError::Io {
        file: file.clone(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_BYTES as u64 {
        return Err(PublishedError::TooLarge { file });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    read_bytes(&file, &bytes, units, period)
}

/// Reads a file already in memory (an upload, a test) named `file`.
pub fn read_bytes(
    file: &str,
    bytes: &[u8],
    units: &[Unit],
    period: Option<Period>,
) -> Result<Published, PublishedError> {
    if bytes.len() > MAX_BYTES {
        return Err(PublishedError::TooLarge { file: file.into() });
    }
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let (format, table) = match first {
        Some(b'{' | b'[') => (PublishedFormat::Json, json_rows(file, body)?),
        _ if body.starts_with(b"PK\x03\x04") => (PublishedFormat::Xlsx, xlsx_rows(file, bytes)?),
        Some(b'<') => return Err(PublishedError::Html { file: file.into() }),
        _ => (PublishedFormat::Csv, csv_rows(file, body)?),
    };
    let mut out = Published {
        file: file.to_string(),
        format,
        rows: Vec::new(),
        rejected: Vec::new(),
        extra_columns: Vec::new(),
    };
    let file_period = match &table.period {
        Some(text) => Some(Period::parse(text).map_err(|_| PublishedError::BadPeriod {
            file: file.into(),
            text: text.clone(),
        })?),
        None => None,
    };
    if file_period.is_none() && period.is_none() && !table.has_period_column() {
        return Err(PublishedError::NoPeriod { file: file.into() });
    }
    let mut reading = Reading {
        file,
        codes: units
            .iter()
            .map(|u| (u.code.to_lowercase(), u.code.as_str()))
            .collect(),
        names: NameIndex::new(units.iter().map(|u| (u.code.as_str(), u.name.as_str()))),
        period,
        file_period,
        seen: HashMap::new(),
    };
    for row in table.rows {
        for key in &row.extra {
            if out.extra_columns.len() < MAX_EXTRA && !out.extra_columns.contains(key) {
                out.extra_columns.push(key.clone());
            }
        }
        match reading.row(row) {
            Ok(r) => out.rows.push(r),
            Err(r) => out.rejected.push(r),
        }
    }
    if let Some(f) = table.failure {
        out.rejected.push(f);
    }
    Ok(out)
}

/// A column of the published shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Id,
    RowNumber,
    Name,
    /// A group column, by its index in `PORTAL_COLUMNS`.
    Group(usize),
    Total,
    Period,
}

impl Field {
    /// The field a column or key names (case, diacritics, spaces and
    /// underscores ignored).
    fn of(name: &str) -> Option<Field> {
        let key: String = chiso_core::names::fold(name)
            .chars()
            .filter(|c| *c != ' ' && *c != '_')
            .collect();
        Some(match key.as_str() {
            "id" => Field::Id,
            "rowstt" | "stt" => Field::RowNumber,
            "ten" => Field::Name,
            "tongscore" => Field::Total,
            "ky" | "period" | "kybaocao" => Field::Period,
            other => Field::Group(
                PORTAL_COLUMNS
                    .iter()
                    .position(|c| c.column.eq_ignore_ascii_case(other))?,
            ),
        })
    }

    /// The column's name in messages.
    fn column(self) -> &'static str {
        match self {
            Field::Id => "ID",
            Field::RowNumber => "ROW_STT",
            Field::Name => "TEN",
            Field::Group(i) => PORTAL_COLUMNS[i].column,
            Field::Total => chiso_core::reconcile::PORTAL_TOTAL,
            Field::Period => "KY",
        }
    }

    fn is_score(self) -> bool {
        matches!(self, Field::Group(_) | Field::Total)
    }
}

/// One row as read, before its values are checked.
struct RawRow {
    line: usize,
    /// A JSON element that is not an object.
    not_object: bool,
    cells: Vec<(Field, String)>,
    extra: Vec<String>,
    raw: String,
}

impl RawRow {
    fn get(&self, field: Field) -> &str {
        self.cells
            .iter()
            .rev()
            .find(|(f, _)| *f == field)
            .map_or("", |(_, v)| v.trim())
    }
}

/// The rows of a file, in order, and the failure that stopped reading, if any.
struct Table {
    rows: Vec<RawRow>,
    failure: Option<Rejected>,
    /// The period the envelope names.
    period: Option<String>,
}

impl Table {
    fn has_period_column(&self) -> bool {
        self.rows
            .iter()
            .any(|r| r.cells.iter().any(|(f, _)| *f == Field::Period))
    }
}

/// Checks rows against the catalogue and the period.
struct Reading<'a> {
    file: &'a str,
    /// Lower-cased code → code.
    codes: HashMap<String, &'a str>,
    names: NameIndex<'a>,
    period: Option<Period>,
    file_period: Option<Period>,
    /// (unit, period) → the line that gave it first.
    seen: HashMap<(String, Period), usize>,
}

impl Reading<'_> {
    fn row(&mut self, row: RawRow) -> Result<PublishedRow, Rejected> {
        let fail = |field: Option<Field>, reason: String| {
            reject(
                row.line,
                self.file,
                field.map(Field::column),
                reason,
                row.raw.clone(),
            )
        };
        if row.not_object {
            return Err(fail(
                None,
                "phần tử của danh sách không phải một dòng kết quả (đối tượng JSON {...}): xóa \
                 hoặc sửa phần tử này"
                    .into(),
            ));
        }
        let (unit_code, matched_by) = self.unit(&row).map_err(|(f, r)| fail(Some(f), r))?;
        let period = self
            .period_of(&row)
            .map_err(|r| fail(Some(Field::Period), r))?;
        let mut groups = [None; 6];
        for (i, slot) in groups.iter_mut().enumerate() {
            *slot = score(row.get(Field::Group(i))).map_err(|r| fail(Some(Field::Group(i)), r))?;
        }
        let total = score(row.get(Field::Total)).map_err(|r| fail(Some(Field::Total), r))?;
        if total.is_none() && groups.iter().all(Option::is_none) {
            return Err(fail(
                None,
                "dòng không có điểm nào (CKMB, TDGQ, TTTT, CLGQ, MDHL, MDSH, TONG_SCORE đều trống): \
                 xóa dòng hoặc điền điểm"
                    .into(),
            ));
        }
        if let Some(first) = self.seen.get(&(unit_code.clone(), period)) {
            return Err(fail(
                Some(Field::Id),
                format!(
                    "đơn vị {unit_code} kỳ {period} đã có ở dòng {first}: giữ dòng {first}, xóa \
                     dòng này"
                ),
            ));
        }
        self.seen.insert((unit_code.clone(), period), row.line);
        Ok(PublishedRow {
            line: row.line,
            period,
            figures: PortalFigures {
                unit_code,
                name: row.get(Field::Name).to_string(),
                groups,
                total,
            },
            matched_by,
            raw: row.raw,
        })
    }

    /// The unit by code, else by name.
    fn unit(&self, row: &RawRow) -> Result<(String, MatchedBy), (Field, String)> {
        let (id, name) = (row.get(Field::Id), row.get(Field::Name));
        if let Some(code) = self.codes.get(&id.to_lowercase()) {
            return Ok((code.to_string(), MatchedBy::Code));
        }
        if name.is_empty() {
            return Err(if id.is_empty() {
                (
                    Field::Id,
                    "thiếu mã đơn vị (ID) và tên đơn vị (TEN): điền một trong hai".into(),
                )
            } else {
                (
                    Field::Id,
                    format!(
                        "mã đơn vị '{}' không có trong danh mục đơn vị và dòng không ghi tên (TEN): \
                         nhập danh mục đơn vị trước hoặc ghi tên đơn vị",
                        shorten(id)
                    ),
                )
            });
        }
        let list = |c: &[(&str, &str)]| {
            c.iter()
                .map(|(code, name)| format!("{name} ({code})"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        match self.names.lookup(name) {
            Lookup::Found(code) => Ok((code.to_string(), MatchedBy::Name)),
            Lookup::NotFound(candidates) if candidates.is_empty() => Err((
                Field::Name,
                format!(
                    "không có đơn vị nào tên '{}' trong danh mục: ghi mã định danh vào cột ID hoặc \
                     nhập đơn vị vào danh mục",
                    shorten(name)
                ),
            )),
            Lookup::NotFound(candidates) => Err((
                Field::Name,
                format!(
                    "không có đơn vị nào tên '{}' trong danh mục; gần nhất: {}: sửa tên hoặc ghi mã \
                     định danh vào cột ID",
                    shorten(name),
                    list(&candidates)
                ),
            )),
            Lookup::Ambiguous(candidates) => Err((
                Field::Name,
                format!(
                    "tên '{}' ứng với {} đơn vị: {}: ghi mã định danh vào cột ID",
                    shorten(name),
                    candidates.len(),
                    list(&candidates)
                ),
            )),
        }
    }

    /// The row's period: its own, else the file's, else the caller's; the
    /// caller's must agree with the file's.
    fn period_of(&self, row: &RawRow) -> Result<Period, String> {
        let own = match row.get(Field::Period) {
            "" => None,
            text => Some(Period::parse(text).map_err(|_| {
                format!(
                    "kỳ '{}' không hợp lệ: dùng 2026-10, 2026-Q3, 2026-H1 hoặc 2026",
                    shorten(text)
                )
            })?),
        };
        match (own.or(self.file_period), self.period) {
            (Some(p), Some(given)) if p != given => Err(format!(
                "kỳ trong tệp là {p}, khác kỳ đã cho {given}: bỏ --period hoặc dùng đúng tệp của kỳ \
                 {given} (period mismatch)"
            )),
            (Some(p), _) | (None, Some(p)) => Ok(p),
            (None, None) => Err(
                "dòng không ghi kỳ báo cáo: điền cột KY hoặc cho biết kỳ bằng --period"
                    .into(),
            ),
        }
    }
}

/// A score: empty, `-` or `null` is none; otherwise a number from 0 to 100
/// with a decimal point or comma.
fn score(text: &str) -> Result<Option<f64>, String> {
    let t = text.trim();
    if t.is_empty() || t == "-" || t.eq_ignore_ascii_case("null") {
        return Ok(None);
    }
    // The last separator is the decimal one; any other is a thousands mark.
    let decimal = t.rfind([',', '.']);
    let number: String = t
        .char_indices()
        .filter_map(|(i, c)| match c {
            ',' | '.' if Some(i) == decimal => Some('.'),
            ',' | '.' => None,
            c => Some(c),
        })
        .collect();
    match number.parse::<f64>() {
        Ok(x) if x.is_finite() && (0.0..=100.0).contains(&x) && !number.starts_with('+') => {
            Ok(Some(x))
        }
        _ => Err(format!(
            "điểm '{}' không phải số từ 0 đến 100: ghi như 58,58 hoặc 58.58",
            shorten(t)
        )),
    }
}

/// A value shown in a message, cut to 60 characters.
fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if text.chars().nth(60).is_some() {
        out.push('…');
    }
    out
}

/// The 1-based line of byte `at`.
fn line_at(bytes: &[u8], at: usize) -> usize {
    1 + bytes[..at.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
}

/// Walks a JSON document by hand down to the array of rows, so each row
/// keeps its line and its exact text; values are parsed by serde_json.
struct Walker<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Walker<'a> {
    fn skip_space(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(u8::is_ascii_whitespace)
        {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.bytes.get(self.pos).copied()
    }

    /// Consumes `byte` (after spaces) or tells what was found instead.
    fn expect(&mut self, byte: u8) -> Result<(), String> {
        match self.peek() {
            Some(b) if b == byte => {
                self.pos += 1;
                Ok(())
            }
            Some(b) => Err(format!(
                "cần '{}' nhưng gặp '{}'",
                byte as char,
                char::from(b)
            )),
            None => Err(format!("cần '{}' nhưng tệp đã hết", byte as char)),
        }
    }

    /// One value: its text and what it is.
    fn value(&mut self) -> Result<(&'a [u8], Value), String> {
        self.skip_space();
        let start = self.pos;
        let mut stream =
            serde_json::Deserializer::from_slice(&self.bytes[start..]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(v)) => {
                self.pos = start + stream.byte_offset();
                Ok((&self.bytes[start..self.pos], v))
            }
            Some(Err(e)) => Err(e.to_string()),
            None => Err("tệp đã hết".into()),
        }
    }
}

/// Finds the rows of a JSON document: a bare array, or an envelope whose
/// `result` / `data` (or `items`, `rows`) is the array, possibly nested.
fn json_rows(file: &str, bytes: &[u8]) -> Result<Table, PublishedError> {
    let mut w = Walker { bytes, pos: 0 };
    let json_error = |w: &Walker, message: String| PublishedError::Json {
        file: file.into(),
        line: line_at(bytes, w.pos),
        message,
    };
    let mut envelope: Vec<(String, Value)> = Vec::new();
    let mut table = Table {
        rows: Vec::new(),
        failure: None,
        period: None,
    };
    let mut found = false;
    if w.peek() == Some(b'[') {
        found = true;
        array_rows(file, &mut w, &mut table);
    } else {
        // Envelopes nested in `result` / `data` are entered, at most
        // MAX_ENVELOPES deep; `depth` counts those still open.
        let mut depth = 0;
        w.expect(b'{').map_err(|m| json_error(&w, m))?;
        depth += 1;
        while depth > 0 {
            match w.peek() {
                Some(b'}') => {
                    w.pos += 1;
                    depth -= 1;
                    continue;
                }
                Some(b',') => {
                    w.pos += 1;
                    continue;
                }
                _ => {}
            }
            let (_, key) = w.value().map_err(|m| json_error(&w, m))?;
            let Value::String(key) = key else {
                return Err(json_error(&w, "khóa của đối tượng phải là chuỗi".into()));
            };
            w.expect(b':').map_err(|m| json_error(&w, m))?;
            let holds_rows = matches!(
                key.to_ascii_lowercase().as_str(),
                "result" | "data" | "items" | "rows"
            );
            match w.peek() {
                Some(b'[') if holds_rows && !found => {
                    found = true;
                    array_rows(file, &mut w, &mut table);
                    if table.failure.is_some() {
                        break;
                    }
                }
                Some(b'{') if holds_rows && !found && depth < MAX_ENVELOPES => {
                    w.pos += 1;
                    depth += 1;
                }
                _ => {
                    let (_, v) = w.value().map_err(|m| json_error(&w, m))?;
                    envelope.push((key, v));
                }
            }
        }
    }
    let get = |names: &[&str]| {
        envelope
            .iter()
            .rev()
            .find(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
            .map(|(_, v)| text_of(v))
            .filter(|v| !v.trim().is_empty())
    };
    if !found {
        return Err(match get(&["error_code", "errorcode"]) {
            Some(code) if code.trim() != "0" => PublishedError::PortalError {
                file: file.into(),
                code,
                message: get(&["message"]).unwrap_or_default(),
            },
            _ => PublishedError::NoRows { file: file.into() },
        });
    }
    table.period = get(&["period", "ky", "kybaocao", "ky_bao_cao"]).or_else(|| {
        let year = get(&["nam", "year"])?;
        Some(match (get(&["thang", "month"]), get(&["quy", "quarter"])) {
            (Some(m), _) => format!("{}-{:0>2}", year.trim(), m.trim()),
            (None, Some(q)) => format!("{}-Q{}", year.trim(), q.trim()),
            (None, None) => year,
        })
    });
    Ok(table)
}

/// Reads the array at the walker into rows; a value that cannot be read
/// stops reading with one rejected row saying so.
fn array_rows(file: &str, w: &mut Walker<'_>, table: &mut Table) {
    let bytes = w.bytes;
    w.pos += 1; // '['
    let mut line = 1;
    let mut counted = 0;
    let mut line_of = |at: usize| {
        line += bytes[counted..at].iter().filter(|b| **b == b'\n').count();
        counted = at;
        line
    };
    loop {
        match w.peek() {
            Some(b']') => {
                w.pos += 1;
                return;
            }
            Some(b',') => {
                w.pos += 1;
                continue;
            }
            None => {
                let at = line_of(bytes.len());
                table.failure = Some(reject(
                    at,
                    file,
                    None,
                    "tệp kết thúc giữa danh sách (thiếu ']'): lấy lại tệp đầy đủ",
                    String::new(),
                ));
                return;
            }
            Some(_) => {}
        }
        let at = line_of(w.pos);
        match w.value() {
            Ok((text, Value::Object(map))) => {
                let raw = String::from_utf8_lossy(text).into_owned();
                let mut cells = Vec::new();
                let mut extra = Vec::new();
                for (k, v) in &map {
                    match Field::of(k) {
                        Some(f) => cells.push((f, text_of(v))),
                        None => extra.push(k.clone()),
                    }
                }
                if cells.iter().all(|(_, v)| v.trim().is_empty()) && extra.is_empty() {
                    continue; // `{}`: a blank row
                }
                table.rows.push(RawRow {
                    line: at,
                    not_object: false,
                    cells,
                    extra,
                    raw,
                });
            }
            Ok((text, _)) => table.rows.push(RawRow {
                line: at,
                not_object: true,
                cells: Vec::new(),
                extra: Vec::new(),
                raw: String::from_utf8_lossy(text).into_owned(),
            }),
            Err(message) => {
                table.failure = Some(reject(
                    at,
                    file,
                    None,
                    format!(
                        "không đọc được phần còn lại của tệp từ dòng {at}: {message}: sửa hoặc \
                         lấy lại tệp"
                    ),
                    String::new(),
                ));
                return;
            }
        }
    }
}

/// A JSON value as cell text: strings as they are, numbers as written,
/// `null` empty, anything else as JSON.
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Rows of a sheet or CSV given as text cells with their line numbers: the
/// header is the first of the first rows naming a unit column and a score.
fn table_rows(
    file: &str,
    records: impl Iterator<Item = (usize, Vec<String>)>,
    delimiter: char,
) -> Result<Table, PublishedError> {
    let mut header: Option<Vec<Option<Field>>> = None;
    let mut names: Vec<String> = Vec::new();
    let mut table = Table {
        rows: Vec::new(),
        failure: None,
        period: None,
    };
    for (seen, (line, cells)) in records.enumerate() {
        let Some(fields) = &header else {
            if seen >= HEADER_SEARCH {
                break;
            }
            let fields: Vec<Option<Field>> = cells.iter().map(|c| Field::of(c)).collect();
            let names_unit = fields
                .iter()
                .any(|f| matches!(f, Some(Field::Id | Field::Name)));
            if names_unit && fields.iter().flatten().any(|f| f.is_score()) {
                names = cells
                    .iter()
                    .map(|c| c.trim().trim_start_matches('\u{feff}').to_string())
                    .collect();
                header = Some(fields);
            }
            continue;
        };
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut row = RawRow {
            line,
            not_object: false,
            cells: Vec::new(),
            extra: Vec::new(),
            raw: join_csv(cells.iter().map(String::as_str), delimiter),
        };
        for (i, cell) in cells.into_iter().enumerate() {
            match fields.get(i).copied().flatten() {
                Some(f) => row.cells.push((f, cell)),
                None => match names.get(i).filter(|n| !n.is_empty()) {
                    Some(name) => row.extra.push(name.clone()),
                    None if !cell.trim().is_empty() => {
                        row.extra.push(format!("cột {} (không tên)", i + 1))
                    }
                    None => {}
                },
            }
        }
        table.rows.push(row);
    }
    if header.is_none() {
        return Err(PublishedError::NoHeader { file: file.into() });
    }
    Ok(table)
}

/// CSV: the delimiter is the first of comma, semicolon and tab with which a
/// header row is found.
fn csv_rows(file: &str, bytes: &[u8]) -> Result<Table, PublishedError> {
    if std::str::from_utf8(bytes).is_err() {
        return Err(PublishedError::NotUtf8 { file: file.into() });
    }
    for delimiter in [b',', b';', b'\t'] {
        let records = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(bytes)
            .into_records();
        let mut failure = None;
        let rows = records.map_while(|r| match r {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line() as usize);
                Some((line, r.iter().map(str::to_string).collect::<Vec<_>>()))
            }
            Err(e) => {
                failure = Some(e);
                None
            }
        });
        match table_rows(file, rows, delimiter as char) {
            Ok(mut table) => {
                if let Some(e) = failure {
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    table.failure = Some(reject(
                        line,
                        file,
                        None,
                        format!("không đọc được phần còn lại của tệp từ dòng {line}: {e}"),
                        String::new(),
                    ));
                }
                return Ok(table);
            }
            Err(PublishedError::NoHeader { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(PublishedError::NoHeader { file: file.into() })
}

/// XLSX: the first sheet, cells as text.
fn xlsx_rows(file: &str, bytes: &[u8]) -> Result<Table, PublishedError> {
    let not_xlsx = |message: String| PublishedError::NotXlsx {
        file: file.into(),
        message,
    };
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| not_xlsx(e.to_string()))?;
    let range = match book.worksheet_range_at(0) {
        Some(Ok(range)) => range,
        Some(Err(e)) => return Err(not_xlsx(e.to_string())),
        None => return Err(PublishedError::NoHeader { file: file.into() }),
    };
    let first = range.start().map_or(1, |(r, _)| r as usize + 1);
    let rows = range.rows().enumerate().map(|(i, cells)| {
        let text = cells
            .iter()
            .map(|c| match c {
                Data::Empty => String::new(),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Float(f) => f.to_string(),
                Data::Int(i) => i.to_string(),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(d) => d.as_f64().to_string(),
                Data::Error(e) => format!("#{e:?}"),
            })
            .collect();
        (first + i, text)
    });
    table_rows(file, rows, ',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_with_a_comma_or_a_point() {
        assert_eq!(score("58,58"), Ok(Some(58.58)));
        assert_eq!(score(" 58.58 "), Ok(Some(58.58)));
        assert_eq!(score("100"), Ok(Some(100.0)));
        assert_eq!(score("0"), Ok(Some(0.0)));
        assert_eq!(score(""), Ok(None));
        assert_eq!(score("-"), Ok(None));
        assert_eq!(score("null"), Ok(None));
        for bad in ["abc", "101", "-1", "NaN", "inf", "1e400", "+5", "5 điểm"] {
            assert!(score(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fields_by_any_case_or_spelling() {
        assert_eq!(Field::of("TONG_SCORE"), Some(Field::Total));
        assert_eq!(Field::of("tong score"), Some(Field::Total));
        assert_eq!(Field::of("\u{feff}ID"), Some(Field::Id));
        assert_eq!(Field::of("Kỳ"), Some(Field::Period));
        assert_eq!(Field::of("clgq"), Some(Field::Group(3)));
        assert_eq!(Field::of("Tên"), Some(Field::Name));
        assert_eq!(Field::of("DanhGa"), None);
    }

    #[test]
    fn lines_of_bytes() {
        assert_eq!(line_at(b"a\nb\nc", 0), 1);
        assert_eq!(line_at(b"a\nb\nc", 2), 2);
        assert_eq!(line_at(b"a\nb\nc", 99), 3);
    }
}
