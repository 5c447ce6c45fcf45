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
mod columns;
mod csv_source;
mod dedupe;
pub mod events;
mod json_source;
pub mod published;
mod render;
mod xlsx_source;

use std::fmt;
use std::io::{self, Read};
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chiso_core::calendar::Holiday;
use chiso_core::records::{Dossier, Feedback, Procedure, Unit, UnitCounts};

use crate::build::{build, Row};
use crate::columns::{columns, Col};
use crate::csv_source::CsvSource;
use crate::dedupe::Seen;
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
}

impl RecordKind {
    /// Every kind, in loading order (units before the records that name them).
    pub const ALL: &'static [RecordKind] = &[
        RecordKind::Units,
        RecordKind::Procedures,
        RecordKind::Holidays,
        RecordKind::Dossiers,
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
        }
    }

    /// Parses the code (case-insensitive, singular accepted) or a Vietnamese
    /// name: `don-vi`, `thu-tuc`, `ho-so`, `phan-anh` / `pakn`, `so-lieu`, `ngay-nghi` / `ngay-le`.
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
    /// Vietnamese first, then English in parentheses, saying what to do.
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
    /// CSV, UTF-8, header row; comma separated, or semicolon (or tab) when the
    /// header line has no comma.
    Csv,
    /// JSON Lines: one object per line.
    JsonLines,
    /// Excel workbook: first sheet, header row.
    Xlsx,
}

impl Format {
    /// The format of a file name by its extension: `.csv`, `.jsonl` /
    /// `.ndjson` / `.json`, `.xlsx` (case-insensitive).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" | "json" => Some(Format::JsonLines),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// Parses `csv`, `jsonl` (`ndjson`, `json`), `xlsx`.
    pub fn parse(text: &str) -> Option<Format> {
        Format::from_path(Path::new(&format!(
            "x.{}",
            text.trim().trim_start_matches('.')
        )))
    }
}

/// A file that cannot be read at all. Rows that cannot be read are not
/// errors: they are [`Item::Rejected`].
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("không đọc được tệp {file}: {source} (cannot read the file)")]
    Io {
        file: String,
        #[source]
        source: io::Error,
    },
    #[error(
        "không biết đọc tệp {file}: dùng đuôi .csv, .jsonl (.ndjson, .json) hoặc .xlsx \
         (unknown file type: use .csv, .jsonl, .ndjson, .json or .xlsx; save .xls files as .xlsx)"
    )]
    UnknownExtension { file: String },
    #[error(
        "dòng tiêu đề của tệp {file} không phải UTF-8: lưu lại dưới dạng \"CSV UTF-8\" \
         (the CSV header is not UTF-8: save the file as \"CSV UTF-8\")"
    )]
    NotUtf8 { file: String },
    #[error(
        "tệp {file} không có dòng tiêu đề: dòng đầu tiên phải là tên cột \
         (the file has no header row: the first row must name the columns)"
    )]
    NoHeader { file: String },
    #[error(
        "tệp {file} không phải tệp Excel .xlsx đọc được ({message}): lưu lại thành .xlsx hoặc xuất CSV \
         (not a readable .xlsx workbook: save it again as .xlsx or export CSV)"
    )]
    NotXlsx { file: String, message: String },
    #[error(
        "tệp {file} thiếu cột bắt buộc {columns}: thêm cột vào dòng tiêu đề \
         (the header lacks the required columns {columns}: add them)"
    )]
    MissingRequiredColumns { file: String, columns: String },
    #[error(
        "tệp {file} có cột {column} hai lần (cột thứ {first} và {second}): chỉ giữ một cột \
         (column {column} appears twice in the header, positions {first} and {second}: keep one)"
    )]
    DuplicateColumn {
        file: String,
        column: String,
        first: usize,
        second: usize,
    },
    #[error(
        "loại dữ liệu không rõ '{0}': dùng units, procedures, dossiers, feedback, counts hoặc holidays \
         (unknown record kind)"
    )]
    UnknownKind(String),
}

/// How a file's header maps onto the kind's columns.
pub(crate) struct Header {
    /// For each column of the kind, the position in the file, if present.
    pub map: Vec<Option<usize>>,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
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
    for (pos, name) in names.iter().enumerate() {
        if columns::normalise(name).is_empty() {
            continue;
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
            None => extra.push(name.trim().trim_start_matches('\u{feff}').to_string()),
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
        .filter(|(_, m)| m.is_none())
        .map(|(c, _)| c.name.to_string())
        .collect();
    Ok(Header {
        map,
        missing,
        extra,
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
}

impl Ctx {
    fn new(kind: RecordKind, file: &str) -> Ctx {
        Ctx {
            kind,
            cols: columns(kind),
            file: file.to_string(),
            seen: Seen::new(),
            accepted: 0,
            rejected: 0,
            missing: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// Reads one row's cells (indexed like the kind's columns) into an item.
    pub fn finish(&mut self, line: usize, vals: &[&str], raw: impl FnOnce() -> String) -> Item {
        let row = Row {
            cols: self.cols,
            vals,
        };
        match build(self.kind, &row) {
            Ok(record) => match self.seen.first_line(&record, line) {
                Some(first) => {
                    let key = build::show(&record.key());
                    let column = self.key_column();
                    self.reject(
                        line,
                        Some(column),
                        format!(
                            "trùng khóa '{key}' đã có ở dòng {first}: giữ dòng {first}, xóa hoặc sửa dòng này \
                             (duplicate key in file, first seen on line {first}; that row is kept)"
                        ),
                        raw(),
                    )
                }
                None => {
                    self.accepted += 1;
                    Item::Accepted { line, record }
                }
            },
            Err(e) => {
                let column = self.cols.get(e.col).map(|c| c.name);
                self.reject(line, column, e.reason, raw())
            }
        }
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
            format!(
                "không đọc được phần còn lại của tệp từ dòng {line}: {error} \
                 (read error: the rest of the file was not read; import it again)"
            ),
            String::new(),
        )
    }

    /// Remembers a column name that is not in the data format.
    pub fn note_extra(&mut self, name: &str) {
        if self.extra.len() < 100 && !self.extra.iter().any(|e| e == name) {
            self.extra.push(name.to_string());
        }
    }

    fn key_column(&self) -> &'static str {
        match self.kind {
            RecordKind::Units | RecordKind::Procedures => "code",
            RecordKind::Dossiers | RecordKind::Feedback => "id",
            RecordKind::Counts => "unit_code",
            RecordKind::Holidays => "date",
        }
    }
}

/// Joins cells as one CSV line, quoting where needed.
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
    Xlsx(XlsxSource),
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

    /// Columns (keys) of the file that are not in the data format; ignored.
    pub fn extra_columns(&self) -> &[String] {
        &self.ctx.extra
    }

    /// Bytes of the input consumed so far (XLSX: an estimate by rows, as the
    /// workbook is read whole when opened).
    pub fn bytes_read(&self) -> u64 {
        match &self.source {
            Source::Xlsx(x) => x.progress(self.total),
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
            Source::Json(s) => s.next(&mut self.ctx),
            Source::Xlsx(s) => s.next(&mut self.ctx),
        }
    }
}

/// Opens a file of `kind`, the format chosen by its extension: `.csv`,
/// `.jsonl` / `.ndjson` / `.json` (JSON Lines), `.xlsx` (first sheet).
pub fn open(kind: RecordKind, path: &Path) -> Result<Reader, IngestError> {
    let name = path.display().to_string();
    let format = Format::from_path(path)
        .ok_or_else(|| IngestError::UnknownExtension { file: name.clone() })?;
    let io_err = |source| IngestError::Io {
        file: name.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_err)?;
    let total = file.metadata().map_err(io_err)?.len();
    let mut reader = from_reader(kind, &name, format, file)?;
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
    let bytes = Arc::new(AtomicU64::new(0));
    let input: Box<dyn Read + Send> = Box::new(Counting {
        inner: Box::new(input),
        count: bytes.clone(),
    });
    let mut ctx = Ctx::new(kind, name);
    let source = match format {
        Format::Csv => {
            let (source, header) = CsvSource::open(kind, name, input)?;
            ctx.missing = header.missing;
            ctx.extra = header.extra;
            Source::Csv(source)
        }
        Format::JsonLines => Source::Json(JsonSource::open(&mut ctx, input)?),
        Format::Xlsx => {
            let (source, header) = XlsxSource::open(kind, name, input)?;
            ctx.missing = header.missing;
            ctx.extra = header.extra;
            Source::Xlsx(source)
        }
    };
    let total = if format == Format::Xlsx {
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
