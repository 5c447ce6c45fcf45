//! Reading one-stop-shop exports (CSV, JSON Lines, XLSX) into chiso's domain
//! records, row by row, with a precise reason for every row that cannot be
//! read (shared/design/data-format.md).
//!
//! ```no_run
//! use chiso_ingest::{open, Item, RecordKind};
//! # fn main() -> Result<(), chiso_ingest::IngestError> {
//! let mut reader = open(RecordKind::Dossiers, std::path::Path::new("hoso.csv"))?;
//! for item in reader.by_ref() {
//!     match item {
//!         Item::Accepted { line, record } => { /* store it */ let _ = (line, record); }
//!         Item::Rejected(r) => eprintln!("{r}"),
//!     }
//! }
//! println!("thiếu cột: {:?}", reader.missing_columns());
//! # Ok(()) }
//! ```
//!
//! Rules, in short: column names are the English names of the data format or
//! their Vietnamese aliases, case-insensitive; a column the file lacks takes
//! its default and is listed by [`Reader::missing_columns`]; a row with any
//! bad value is rejected as a whole (never partly accepted) with its line,
//! column and reason; within one file a key seen again is rejected and the
//! first row kept. Checks that need the database (unknown unit or procedure)
//! are the store's: [`reject`] builds the same [`Rejected`] shape for them.

mod build;
pub mod cells;
mod columns;
mod csv_source;
mod dedupe;
pub mod events;
mod html;
mod json_doc;
mod json_source;
mod portal;
pub mod published;
mod render;
mod resolve;
pub mod targets;
mod text;
mod workbook_scan;
mod xlsx_source;

pub use resolve::{Catalogue, Placement};

use std::fmt;
use std::io::{self, Read};
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chiso_core::calendar::Holiday;
use chiso_core::records::{Dossier, Feedback, Procedure, Unit, UnitCounts};
use chiso_core::steps::ProcessingStep;

use crate::build::{build, FieldError, Row};
use crate::columns::{columns, Col, D};
use crate::csv_source::CsvSource;
use crate::dedupe::Seen;
use crate::html::HtmlSource;
use crate::json_doc::JsonDocSource;
use crate::json_source::JsonSource;
use crate::xlsx_source::XlsxSource;

/// Which records a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// Đơn vị.
    Units,
    /// Thủ tục hành chính.
    Procedures,
    /// Hồ sơ.
    Dossiers,
    /// Phản ánh, kiến nghị.
    Feedback,
    /// Số liệu theo tháng của đơn vị.
    Counts,
    /// Ngày nghỉ lễ.
    Holidays,
    /// Quá trình xử lý hồ sơ: processing steps (`CapNhatTienDoHoSoMC`).
    Steps,
}

impl RecordKind {
    /// Every kind, in loading order (units before the records that name them).
    pub const ALL: &'static [RecordKind] = &[
        RecordKind::Units,
        RecordKind::Procedures,
        RecordKind::Holidays,
        RecordKind::Dossiers,
        RecordKind::Steps,
        RecordKind::Feedback,
        RecordKind::Counts,
    ];

    /// The English code: `units`, `procedures`, `dossiers`, `feedback`, `counts`, `holidays`.
    pub fn code(self) -> &'static str {
        match self {
            RecordKind::Units => "units",
            RecordKind::Procedures => "procedures",
            RecordKind::Dossiers => "dossiers",
            RecordKind::Feedback => "feedback",
            RecordKind::Counts => "counts",
            RecordKind::Holidays => "holidays",
            RecordKind::Steps => "steps",
        }
    }

    /// Parses the code (case-insensitive, singular accepted) or a Vietnamese
    /// name: `don-vi`, `thu-tuc`, `ho-so`, `phan-anh` / `pakn`, `so-lieu`, `ngay-nghi` / `ngay-le`,
    /// `tien-do` / `qua-trinh-xu-ly`.
    pub fn parse(text: &str) -> Option<RecordKind> {
        let t = text.trim().to_lowercase().replace(['_', ' '], "-");
        Some(match t.as_str() {
            "units" | "unit" | "don-vi" | "đơn-vị" | "donvi" => RecordKind::Units,
            "procedures" | "procedure" | "thu-tuc" | "thủ-tục" | "tthc" => {
                RecordKind::Procedures
            }
            "dossiers" | "dossier" | "ho-so" | "hồ-sơ" | "hoso" => RecordKind::Dossiers,
            "feedback" | "feedbacks" | "phan-anh" | "phản-ánh" | "pakn" => RecordKind::Feedback,
            "counts" | "unit-counts" | "so-lieu" | "số-liệu" => RecordKind::Counts,
            "holidays" | "holiday" | "ngay-nghi" | "ngày-nghỉ" | "ngay-le" | "ngày-lễ" => {
                RecordKind::Holidays
            }
            "steps" | "step" | "tien-do" | "tiến-độ" | "qua-trinh-xu-ly" | "quá-trình-xử-lý" => {
                RecordKind::Steps
            }
            _ => return None,
        })
    }

    /// The English column names of the data format, in order.
    pub fn column_names(self) -> Vec<&'static str> {
        columns(self).iter().map(|c| c.name).collect()
    }

    /// The columns every row must fill.
    pub fn required_columns(self) -> Vec<&'static str> {
        columns(self)
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name)
            .collect()
    }

    /// The CSV header line of the data format (English names), as written by
    /// [`Record::to_csv_row`].
    pub fn csv_header(self) -> String {
        self.column_names().join(",")
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for RecordKind {
    type Err = IngestError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RecordKind::parse(s).ok_or_else(|| IngestError::UnknownKind(s.to_string()))
    }
}

/// One record read from a file.
#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    Unit(Unit),
    Procedure(Procedure),
    Dossier(Dossier),
    Feedback(Feedback),
    Counts(UnitCounts),
    Holiday(Holiday),
    Step(ProcessingStep),
}

impl Record {
    /// The record's key: unit or procedure code, dossier or feedback id,
    /// `unit_code month` for counts (`000.20.30.H53 2023-10`), the ISO date
    /// for a holiday. Re-importing a key replaces the record.
    pub fn key(&self) -> String {
        match self {
            Record::Unit(u) => u.code.clone(),
            Record::Procedure(p) => p.code.clone(),
            Record::Dossier(d) => d.id.clone(),
            Record::Feedback(f) => f.id.clone(),
            Record::Counts(c) => format!("{} {}", c.unit_code, c.month.iso()),
            Record::Holiday(h) => h.date.iso(),
            Record::Step(s) => s.key(),
        }
    }

    /// The kind of this record.
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Unit(_) => RecordKind::Units,
            Record::Procedure(_) => RecordKind::Procedures,
            Record::Dossier(_) => RecordKind::Dossiers,
            Record::Feedback(_) => RecordKind::Feedback,
            Record::Counts(_) => RecordKind::Counts,
            Record::Holiday(_) => RecordKind::Holidays,
            Record::Step(_) => RecordKind::Steps,
        }
    }
}

/// A row that could not be read, kept aside (quarantine) with its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// The file (or upload) name.
    pub file: String,
    /// 1-based line: CSV physical line where the row starts (header = 1),
    /// JSON Lines line, XLSX sheet row.
    pub line: usize,
    /// The column at fault (English name), when one is.
    pub column: Option<String>,
    /// In Vietnamese: what is wrong, where, and what to do.
    pub reason: String,
    /// The row as text (CSV-quoted cells for CSV and XLSX, the line for JSON Lines).
    pub raw: String,
}

/// Builds a [`Rejected`] row, for checks made outside this crate (the
/// store's unknown unit or procedure), so every rejection has one shape.
pub fn reject(
    line: usize,
    file: &str,
    column: Option<&str>,
    reason: impl Into<String>,
    raw: impl Into<String>,
) -> Rejected {
    Rejected {
        file: file.to_string(),
        line,
        column: column.map(str::to_string),
        reason: reason.into(),
        raw: raw.into(),
    }
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(c) = &self.column {
            write!(f, " [{c}]")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What reading one row gives.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A record read in full, with its line (see [`Rejected::line`]).
    Accepted { line: usize, record: Record },
    /// A row that cannot be read.
    Rejected(Rejected),
}

/// The file formats read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// CSV, UTF-8, header row (title rows above it are skipped); comma
    /// separated, or semicolon (or tab) when the header line has no comma.
    Csv,
    /// JSON Lines: one object per line.
    JsonLines,
    /// One JSON document: the portal's envelope `{session, madonvi, service,
    /// isUpdating, data: [...]}`, a catalogue answer `{error_code, message,
    /// result: [...]}`, a bare array of records, or one record.
    Json,
    /// Excel workbook (.xlsx, also .xls, .xlsb, .ods): first sheet, header row.
    Xlsx,
    /// An HTML table, as browsers download staff exports (often named `.xls`).
    Html,
}

impl Format {
    /// The format a file name suggests by its extension: `.csv`, `.jsonl` /
    /// `.ndjson`, `.json`, `.xlsx` / `.xls` / `.xlsb` / `.ods`, `.html` / `.htm`
    /// (case-insensitive). The content decides in the end ([`Format::sniff`]).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" => Some(Format::Csv),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "json" => Some(Format::Json),
            "xlsx" | "xls" | "xlsb" | "xlsm" | "ods" => Some(Format::Xlsx),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }

    /// Parses `csv`, `jsonl` (`ndjson`), `json`, `xlsx` (`xls`), `html`.
    pub fn parse(text: &str) -> Option<Format> {
        Format::from_path(Path::new(&format!(
            "x.{}",
            text.trim().trim_start_matches('.')
        )))
    }

    /// The format of an HTTP body by its `Content-Type`, when it says one.
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        let mime = content_type.split(';').next()?.trim().to_ascii_lowercase();
        match mime.as_str() {
            "text/csv" | "application/csv" => Some(Format::Csv),
            "application/x-ndjson" | "application/jsonl" | "application/x-jsonlines" => {
                Some(Format::JsonLines)
            }
            "application/json" | "text/json" => Some(Format::Json),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            | "application/vnd.ms-excel"
            | "application/vnd.oasis.opendocument.spreadsheet" => Some(Format::Xlsx),
            "text/html" | "application/xhtml+xml" => Some(Format::Html),
            _ => None,
        }
    }

    /// The format of content by its first bytes: a ZIP or OLE container is a
    /// workbook, `<` an HTML table, `[` a JSON document, `{` JSON Lines when a
    /// second object follows the first complete one on a later line, else one
    /// JSON document; anything else CSV. An HTML table saved as `.xls`, a
    /// JSON array saved as `.jsonl` or a CSV named `.txt` are read as what they are.
    pub fn sniff(prefix: &[u8]) -> Format {
        if prefix.starts_with(b"PK\x03\x04") || prefix.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            return Format::Xlsx;
        }
        let text = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
        let start = text
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(text.len());
        let text = &text[start..];
        match text.first() {
            Some(b'<') => Format::Html,
            Some(b'[') => Format::Json,
            Some(b'{') => {
                let mut values = serde_json::Deserializer::from_slice(text)
                    .into_iter::<&serde_json::value::RawValue>();
                match values.next() {
                    Some(Ok(_)) => {
                        let rest = &text[values.byte_offset()..];
                        let next = rest.iter().find(|b| !b.is_ascii_whitespace());
                        if next == Some(&b'{') {
                            Format::JsonLines
                        } else {
                            Format::Json
                        }
                    }
                    // The first value does not end within the prefix: one large document.
                    _ => Format::Json,
                }
            }
            _ => Format::Csv,
        }
    }
}

/// What reading needs beyond the file: the catalogues to resolve names and
/// the unit a push names.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// Units and procedures already known, to place dossiers that give
    /// names or no codes (see [`Placement`]).
    pub catalogue: Option<Arc<Catalogue>>,
    /// The unit of every dossier that names none, e.g. the push's
    /// `?MaDinhDanhDV=`; an envelope's `madonvi` takes precedence.
    pub unit: Option<String>,
    /// The dates a row may give.
    pub dates: DateBounds,
}

/// The dates a row may give (khoảng ngày hợp lệ): a year outside the window
/// is a typing error (`20224`, `999999999`), and an event cannot have
/// happened after the file was read. Either would otherwise move the data's
/// as-of instant, and with it the dashboard's default period and the
/// judging of every open dossier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateBounds {
    /// The first year a date may fall in.
    pub first_year: i32,
    /// The last year a date may fall in (due dates included).
    pub last_year: i32,
    /// The latest instant an event (submission, reception, supplement
    /// request, refusal, end of processing, return, feedback and its
    /// handling, a processing step) may be at: the edges give the time of
    /// the import plus a day's slack; `None` checks nothing.
    pub latest: Option<chiso_core::time::Instant>,
}

impl DateBounds {
    /// 1990–2100: one-stop systems began in the 1990s; due dates stay
    /// within the century.
    pub const FIRST_YEAR: i32 = 1990;
    pub const LAST_YEAR: i32 = 2100;

    /// The default window with events bounded by `now` plus one day (clocks
    /// and time zones of the sending systems).
    pub fn until(now: chiso_core::time::Instant) -> DateBounds {
        DateBounds {
            latest: Some(now.add_seconds(86_400)),
            ..DateBounds::default()
        }
    }
}

impl Default for DateBounds {
    fn default() -> DateBounds {
        DateBounds {
            first_year: DateBounds::FIRST_YEAR,
            last_year: DateBounds::LAST_YEAR,
            latest: None,
        }
    }
}

/// A file that cannot be read at all. Rows that cannot be read are not
/// errors: they are [`Item::Rejected`].
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("không đọc được tệp {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: io::Error,
    },
    #[error("dòng tiêu đề của tệp {file} không phải UTF-8: lưu lại dưới dạng \"CSV UTF-8\"")]
    NotUtf8 { file: String },
    #[error("tệp {file} không có dòng tiêu đề: dòng đầu tiên phải là tên cột")]
    NoHeader { file: String },
    #[error(
        "tệp {file} không phải tệp Excel .xlsx đọc được ({message}): lưu lại thành .xlsx hoặc xuất CSV"
    )]
    NotXlsx { file: String, message: String },
    #[error("tệp {file} thiếu cột bắt buộc {columns}: thêm cột vào dòng tiêu đề")]
    MissingRequiredColumns { file: String, columns: String },
    #[error("tệp {file} có cột {column} hai lần (cột thứ {first} và {second}): chỉ giữ một cột")]
    DuplicateColumn {
        file: String,
        column: String,
        first: usize,
        second: usize,
    },
    #[error(
        "loại dữ liệu không rõ '{0}': dùng units, procedures, dossiers, steps, feedback, counts hoặc holidays"
    )]
    UnknownKind(String),
    #[error(
        "tệp {file} không phải JSON đọc được ({message}): kiểm tra tệp là một tài liệu JSON (gói đồng bộ, \
         mảng bản ghi) hoặc JSON Lines"
    )]
    NotJson { file: String, message: String },
    #[error("tệp {file} là gói {service} ({what}), không phải {kind}: dùng chiso import {hint}")]
    WrongService {
        file: String,
        service: String,
        what: &'static str,
        kind: &'static str,
        hint: &'static str,
    },
    #[error(
        "tệp {file} là câu trả lời lỗi của Cổng DVCQG (error_code {code}: {message}): không có dữ liệu để nhập"
    )]
    PortalError {
        file: String,
        code: String,
        message: String,
    },
    #[error(
        "tệp {file} lớn hơn {limit_mib} MiB cho một tài liệu JSON: chia thành nhiều tệp hoặc dùng JSON Lines"
    )]
    TooLarge { file: String, limit_mib: u64 },
}

/// How a file's header maps onto the kind's columns.
pub(crate) struct Header {
    /// For each column of the kind, the position in the file, if present.
    pub map: Vec<Option<usize>>,
    /// Positions of the applicant's personal data ([`columns::is_personal`]),
    /// masked in a rejected row's text.
    pub personal: Vec<usize>,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
    pub unused: Vec<String>,
}

/// How many rows above the header a file may have (a staff export's title,
/// agency and date lines).
pub(crate) const MAX_TITLE_ROWS: usize = 30;

/// The most unknown (or known but unused) column names a reader reports,
/// each shortened to 60 characters: summaries and API answers never echo a
/// hostile header whole.
const MAX_NOTED_COLUMNS: usize = 100;

/// Finds the header among a file's first rows: the first row that names the
/// kind's required columns. Rows above it are title rows. When none does,
/// the error is the first row's.
pub(crate) fn find_header(
    kind: RecordKind,
    file: &str,
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(usize, Header), IngestError> {
    let mut first_error = None;
    for (i, names) in rows.take(MAX_TITLE_ROWS + 1).enumerate() {
        match map_header(kind, file, &names) {
            Ok(h) => return Ok((i, h)),
            Err(e @ IngestError::DuplicateColumn { .. }) => return Err(e),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or(IngestError::NoHeader {
        file: file.to_string(),
    }))
}

/// Maps header cells onto the kind's columns; a required column missing or a
/// column named twice makes the file unreadable.
pub(crate) fn map_header(
    kind: RecordKind,
    file: &str,
    names: &[String],
) -> Result<Header, IngestError> {
    let cols = columns(kind);
    let mut map = vec![None; cols.len()];
    let mut extra = Vec::new();
    let mut unused = Vec::new();
    let mut personal = Vec::new();
    for (pos, name) in names.iter().enumerate() {
        if columns::normalise(name).is_empty() {
            continue;
        }
        if columns::is_personal(name) {
            personal.push(pos);
        }
        match columns::find_column(cols, name) {
            Some(i) => {
                if let Some(first) = map[i] {
                    return Err(IngestError::DuplicateColumn {
                        file: file.to_string(),
                        column: cols[i].name.to_string(),
                        first: first + 1,
                        second: pos + 1,
                    });
                }
                map[i] = Some(pos);
            }
            None => {
                let name = name.trim().trim_start_matches('\u{feff}');
                let list = if columns::known_unused(&text::fold_key(name)) {
                    &mut unused
                } else {
                    &mut extra
                };
                // Shown in summaries and answers: a hostile header stays small.
                if list.len() < MAX_NOTED_COLUMNS {
                    list.push(build::show(name));
                }
            }
        }
    }
    let lacking: Vec<String> = cols
        .iter()
        .zip(&map)
        .filter(|(c, m)| c.required && m.is_none())
        .map(|(c, _)| c.describe())
        .collect();
    if !lacking.is_empty() {
        return Err(IngestError::MissingRequiredColumns {
            file: file.to_string(),
            columns: lacking.join(", "),
        });
    }
    let missing = cols
        .iter()
        .zip(&map)
        .filter(|(c, m)| m.is_none() && !columns::resolve_only(c.name))
        .map(|(c, _)| c.name.to_string())
        .collect();
    Ok(Header {
        map,
        personal,
        missing,
        extra,
        unused,
    })
}

/// The state shared by every format: counters, duplicate keys, column report.
pub(crate) struct Ctx {
    pub kind: RecordKind,
    pub cols: &'static [Col],
    pub file: String,
    seen: Seen,
    pub accepted: u64,
    pub rejected: u64,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
    /// Known keys read on purpose without being stored (personal data,
    /// descriptions, nested lists whose facts are derived).
    pub unused: Vec<String>,
    pub options: ReadOptions,
    /// Accepted dossiers by the rule that placed them in their unit.
    pub placements: [u64; 4],
    /// Rows above the header (a staff export's title rows), skipped.
    pub title_rows: usize,
    /// Columns some JSON record has given, for the missing-columns report.
    pub json_seen: Vec<bool>,
}

impl Ctx {
    fn new(kind: RecordKind, file: &str, options: ReadOptions) -> Ctx {
        let cols = columns(kind);
        Ctx {
            kind,
            cols,
            file: file.to_string(),
            seen: Seen::new(),
            accepted: 0,
            rejected: 0,
            missing: Vec::new(),
            extra: Vec::new(),
            unused: Vec::new(),
            options,
            placements: [0; 4],
            title_rows: 0,
            json_seen: vec![false; cols.len()],
        }
    }

    /// Reads one row's cells (indexed like the kind's columns) into an item.
    /// Every error of the row is reported, in column order.
    pub fn finish(&mut self, line: usize, vals: &[&str], raw: impl FnOnce() -> String) -> Item {
        let mut errors: Vec<FieldError> = Vec::new();
        let mut placement = None;
        let mut owned: Vec<&str> = vals.to_vec();
        let (unit, procedure);
        if self.kind == RecordKind::Dossiers {
            let cell = |c: D| vals.get(usize::from(c)).map_or("", |v| v.trim());
            let catalogue = self.options.catalogue.as_deref();
            if cell(D::UnitCode).is_empty() && !cell(D::Id).is_empty() {
                match resolve::place_unit(
                    catalogue,
                    self.options.unit.as_deref(),
                    cell(D::Id),
                    cell(D::UnitName),
                ) {
                    Ok((code, how)) => {
                        unit = code;
                        owned[usize::from(D::UnitCode)] = &unit;
                        placement = Some(how);
                    }
                    Err(reason) => errors.push(FieldError {
                        col: usize::from(D::UnitCode),
                        reason,
                    }),
                }
            } else if !cell(D::UnitCode).is_empty() {
                placement = Some(Placement::Record);
            }
            if cell(D::ProcedureCode).is_empty() && !cell(D::ProcedureName).is_empty() {
                let unit_code = owned[usize::from(D::UnitCode)].trim();
                match resolve::place_procedure(
                    catalogue,
                    cell(D::ProcedureName),
                    (!unit_code.is_empty()).then_some(unit_code),
                ) {
                    Ok(code) => {
                        procedure = code;
                        owned[usize::from(D::ProcedureCode)] = &procedure;
                    }
                    Err(reason) => errors.push(FieldError {
                        col: usize::from(D::ProcedureCode),
                        reason,
                    }),
                }
            }
        }
        let row = Row {
            cols: self.cols,
            vals: &owned,
            dates: self.options.dates,
        };
        let built = build(self.kind, &row);
        match built {
            Ok(record) if errors.is_empty() => match self.seen.first_line(&record, line) {
                Some(first) => {
                    let key = build::show(&record.key());
                    let column = self.key_column();
                    self.reject(
                        line,
                        Some(column),
                        format!(
                            "trùng khóa '{key}' đã có ở dòng {first}: giữ dòng {first}, xóa hoặc sửa dòng này"
                        ),
                        raw(),
                    )
                }
                None => {
                    self.accepted += 1;
                    if let Some(p) = placement {
                        self.placements
                            [Placement::ALL.iter().position(|q| *q == p).unwrap_or(0)] += 1;
                    }
                    Item::Accepted { line, record }
                }
            },
            Ok(_) => self.reject_all(line, errors, raw()),
            Err(more) => {
                // A resolution error already explains an empty code column.
                let resolved: Vec<usize> = errors.iter().map(|e| e.col).collect();
                errors.extend(more.into_iter().filter(|e| !resolved.contains(&e.col)));
                errors.sort_by_key(|e| e.col);
                self.reject_all(line, errors, raw())
            }
        }
    }

    /// A row rejected for one or more field errors: the first column is the
    /// row's column, the reason lists every error.
    fn reject_all(&mut self, line: usize, errors: Vec<FieldError>, raw: String) -> Item {
        let column = errors
            .first()
            .and_then(|e| self.cols.get(e.col))
            .map(|c| c.name);
        let reason = if errors.len() == 1 {
            errors
                .into_iter()
                .next()
                .map(|e| e.reason)
                .unwrap_or_default()
        } else {
            let n = errors.len();
            let all: Vec<String> = errors.into_iter().map(|e| e.reason).collect();
            format!("{n} lỗi: {}", all.join("; "))
        };
        self.reject(line, column, reason, raw)
    }

    /// A rejected row.
    pub fn reject(
        &mut self,
        line: usize,
        column: Option<&str>,
        reason: String,
        raw: String,
    ) -> Item {
        self.rejected += 1;
        Item::Rejected(reject(line, &self.file, column, reason, raw))
    }

    /// The file could not be read past `line`.
    pub fn failure(&mut self, line: usize, error: &dyn fmt::Display) -> Item {
        self.reject(
            line,
            None,
            format!("không đọc được phần còn lại của tệp từ dòng {line}: {error}"),
            String::new(),
        )
    }

    /// Remembers a column name that is not in the data format: a known key
    /// read on purpose without being stored, or one not recognised at all.
    pub fn note_extra(&mut self, name: &str) {
        let list = if columns::known_unused(&text::fold_key(name)) {
            &mut self.unused
        } else {
            &mut self.extra
        };
        let name = build::show(name);
        if list.len() < MAX_NOTED_COLUMNS && !list.contains(&name) {
            list.push(name);
        }
    }

    /// Records that a JSON record gave column `i`; keeps the missing list current.
    pub fn saw_column(&mut self, i: usize) {
        if let Some(seen) = self.json_seen.get_mut(i) {
            if !*seen {
                *seen = true;
                self.update_missing();
            }
        }
    }

    pub fn update_missing(&mut self) {
        self.missing = self
            .cols
            .iter()
            .zip(&self.json_seen)
            .filter(|(c, s)| !**s && !columns::resolve_only(c.name))
            .map(|(c, _)| c.name.to_string())
            .collect();
    }

    fn key_column(&self) -> &'static str {
        match self.kind {
            RecordKind::Units | RecordKind::Procedures => "code",
            RecordKind::Dossiers | RecordKind::Feedback => "id",
            RecordKind::Counts => "unit_code",
            RecordKind::Holidays => "date",
            RecordKind::Steps => "dossier_id",
        }
    }
}

/// Joins cells as one CSV line, quoting where needed.
/// A row's cells for the quarantine, the applicant's personal data
/// (`personal` positions) replaced by `***`.
pub(crate) fn masked<'a>(
    cells: impl IntoIterator<Item = &'a str>,
    personal: &'a [usize],
) -> impl Iterator<Item = &'a str> {
    cells.into_iter().enumerate().map(move |(i, c)| {
        if personal.contains(&i) && !c.is_empty() {
            "***"
        } else {
            c
        }
    })
}

pub(crate) fn join_csv<'a>(cells: impl IntoIterator<Item = &'a str>, delim: char) -> String {
    let mut out = String::new();
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(delim);
        }
        if cell.contains([delim, '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out
}

/// Counts the bytes taken from the input, for a progress bar.
struct Counting {
    inner: Box<dyn Read + Send>,
    count: Arc<AtomicU64>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

enum Source {
    Csv(CsvSource),
    Json(JsonSource),
    JsonDoc(JsonDocSource),
    Xlsx(XlsxSource),
    Html(HtmlSource),
}

/// A streaming reader over one file: an iterator of [`Item`]s, one per
/// non-blank row, in file order. Blank rows are skipped; every other row is
/// either accepted or rejected, so `accepted() + rejected() == rows_read()`.
pub struct Reader {
    ctx: Ctx,
    format: Format,
    source: Source,
    bytes: Arc<AtomicU64>,
    total: u64,
}

impl Reader {
    /// The columns of the data format this file lacks (their defaults are
    /// used), known when the file is opened. For JSON Lines, whose lines may
    /// differ, the columns missing from the first line, shortened as later
    /// lines bring them: exact once the reader is exhausted.
    pub fn missing_columns(&self) -> &[String] {
        &self.ctx.missing
    }

    /// Columns (keys) of the file that are not in the data format and not
    /// known: ignored, and named in the import summary (a misspelt `DanhGa`).
    pub fn extra_columns(&self) -> &[String] {
        &self.ctx.extra
    }

    /// Known columns read on purpose without being stored (the applicant's
    /// personal data, descriptions, nested lists whose facts were derived).
    pub fn unused_columns(&self) -> &[String] {
        &self.ctx.unused
    }

    /// Accepted dossiers by the rule that placed them in their unit, in the
    /// order of [`Placement::ALL`].
    pub fn placements(&self) -> Vec<(Placement, u64)> {
        Placement::ALL
            .iter()
            .zip(self.ctx.placements)
            .filter(|(_, n)| *n > 0)
            .map(|(p, n)| (*p, n))
            .collect()
    }

    /// Rows above the header that were skipped (title rows).
    pub fn title_rows(&self) -> usize {
        self.ctx.title_rows
    }

    /// Bytes of the input consumed so far (XLSX: an estimate by rows, as the
    /// workbook is read whole when opened).
    pub fn bytes_read(&self) -> u64 {
        match &self.source {
            Source::Xlsx(x) => x.progress(self.total),
            Source::JsonDoc(x) => x.progress(self.total),
            _ => self.bytes.load(Ordering::Relaxed),
        }
    }

    /// The size of the input when known (a file opened with [`open`]), else 0.
    pub fn total_bytes(&self) -> u64 {
        self.total
    }

    /// Sets the size of the input for [`Reader::bytes_read`] progress, e.g.
    /// from an upload's Content-Length.
    pub fn set_total_bytes(&mut self, total: u64) {
        self.total = total;
    }

    /// The record kind being read.
    pub fn kind(&self) -> RecordKind {
        self.ctx.kind
    }

    /// The file format being read.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The file name used in rejections.
    pub fn file(&self) -> &str {
        &self.ctx.file
    }

    /// Rows read so far (blank rows excluded).
    pub fn rows_read(&self) -> u64 {
        self.ctx.accepted + self.ctx.rejected
    }

    /// Rows accepted so far.
    pub fn accepted(&self) -> u64 {
        self.ctx.accepted
    }

    /// Rows rejected so far.
    pub fn rejected(&self) -> u64 {
        self.ctx.rejected
    }
}

impl Iterator for Reader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        match &mut self.source {
            Source::Csv(s) => s.next(&mut self.ctx),
            Source::Json(s) => s.next(&mut self.ctx).map(without_personal_data),
            Source::JsonDoc(s) => s.next(&mut self.ctx).map(without_personal_data),
            Source::Xlsx(s) => s.next(&mut self.ctx),
            Source::Html(s) => s.next(&mut self.ctx),
        }
    }
}

/// A rejected JSON record with its personal data replaced by `"***"`
/// (at any depth), so that the quarantine keeps what is needed to fix the
/// record and nothing about the applicant.
fn without_personal_data(item: Item) -> Item {
    let Item::Rejected(mut r) = item else {
        return item;
    };
    if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&r.raw) {
        if mask_personal(&mut value) {
            r.raw = value.to_string();
        }
    }
    Item::Rejected(r)
}

/// Masks the personal keys of `value`; whether anything was masked.
fn mask_personal(value: &mut serde_json::Value) -> bool {
    match value {
        serde_json::Value::Object(map) => {
            let mut masked = false;
            for (key, v) in map.iter_mut() {
                if columns::is_personal(key) {
                    if !v.is_null() {
                        *v = serde_json::Value::String("***".into());
                        masked = true;
                    }
                } else {
                    masked |= mask_personal(v);
                }
            }
            masked
        }
        serde_json::Value::Array(items) => {
            items.iter_mut().fold(false, |m, v| mask_personal(v) | m)
        }
        _ => false,
    }
}

/// Opens a file of `kind`; its format is recognised from its content
/// ([`Format::sniff`]), the extension only breaking ties.
pub fn open(kind: RecordKind, path: &Path) -> Result<Reader, IngestError> {
    open_with(kind, path, &ReadOptions::default())
}

/// [`open`] with catalogues to resolve names and a unit for dossiers that name none.
pub fn open_with(
    kind: RecordKind,
    path: &Path,
    options: &ReadOptions,
) -> Result<Reader, IngestError> {
    let name = path.display().to_string();
    let io_err = |source| IngestError::Io {
        file: name.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_err)?;
    let total = file.metadata().map_err(io_err)?.len();
    let mut reader = from_reader_with(kind, &name, Format::from_path(path), file, options)?;
    reader.total = total;
    Ok(reader)
}

/// Reads `input` (an upload, say) named `name` in `format`.
pub fn from_reader(
    kind: RecordKind,
    name: &str,
    format: Format,
    input: impl Read + Send + 'static,
) -> Result<Reader, IngestError> {
    from_reader_with(kind, name, Some(format), input, &ReadOptions::default())
}

/// Reads `input` named `name`. The content decides the format: `hint` (an
/// extension or a `Content-Type`) is used only where the first bytes leave
/// it open, which they never do for the formats read, so a JSON array named
/// `.jsonl` or an HTML table named `.xls` is read as what it is.
pub fn from_reader_with(
    kind: RecordKind,
    name: &str,
    hint: Option<Format>,
    input: impl Read + Send + 'static,
    options: &ReadOptions,
) -> Result<Reader, IngestError> {
    let mut input: Box<dyn Read + Send> = Box::new(input);
    let mut prefix = Vec::with_capacity(SNIFF_BYTES);
    (&mut input)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut prefix)
        .map_err(|source| IngestError::Io {
            file: name.to_string(),
            source,
        })?;
    let format = if prefix.iter().all(u8::is_ascii_whitespace) {
        hint.unwrap_or(Format::Csv)
    } else {
        Format::sniff(&prefix)
    };
    let input = io::Cursor::new(prefix).chain(input);
    let bytes = Arc::new(AtomicU64::new(0));
    let input: Box<dyn Read + Send> = Box::new(Counting {
        inner: Box::new(input),
        count: bytes.clone(),
    });
    let mut ctx = Ctx::new(kind, name, options.clone());
    let source = match format {
        Format::Csv => {
            let (source, header, title_rows) = CsvSource::open(kind, name, input)?;
            ctx.missing = header.missing;
            ctx.extra = header.extra;
            ctx.unused = header.unused;
            ctx.title_rows = title_rows;
            Source::Csv(source)
        }
        Format::JsonLines => Source::Json(JsonSource::open(&mut ctx, input)?),
        Format::Json => Source::JsonDoc(JsonDocSource::open(&mut ctx, input)?),
        Format::Xlsx => {
            let (source, header, title_rows) = XlsxSource::open(kind, name, input)?;
            ctx.missing = header.missing;
            ctx.extra = header.extra;
            ctx.unused = header.unused;
            ctx.title_rows = title_rows;
            Source::Xlsx(source)
        }
        Format::Html => {
            let (source, header, title_rows) = HtmlSource::open(kind, name, input)?;
            ctx.missing = header.missing;
            ctx.extra = header.extra;
            ctx.unused = header.unused;
            ctx.title_rows = title_rows;
            Source::Html(source)
        }
    };
    let total = if matches!(format, Format::Xlsx | Format::Html | Format::Json) {
        bytes.load(Ordering::Relaxed)
    } else {
        0
    };
    Ok(Reader {
        ctx,
        format,
        source,
        bytes,
        total,
    })
}

/// Whether content is the portal's processing steps (`CapNhatTienDoHoSoMC`)
/// rather than dossier events: its service is named, or its first record
/// has `ThoiDiemXuLy` and no `seq`. The feed routes such a payload to the
/// steps (`RecordKind::Steps`).
pub fn is_steps_payload(prefix: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&prefix[..prefix.len().min(SNIFF_BYTES)]);
    let folded = text::fold_key(&head);
    folded.contains("capnhattiendohosomc")
        || (folded.contains("thoidiemxuly") && !head.contains("\"seq\""))
}

/// Bytes read ahead to recognise a format.
const SNIFF_BYTES: usize = 64 * 1024;

/// Reads text already in memory, e.g. a pasted CSV in a test or an HTTP body.
pub fn from_text(
    kind: RecordKind,
    name: &str,
    format: Format,
    text: &str,
) -> Result<Reader, IngestError> {
    let bytes = text.as_bytes().to_vec();
    let total = bytes.len() as u64;
    let mut reader = from_reader(kind, name, format, io::Cursor::new(bytes))?;
    reader.total = total;
    Ok(reader)
}
