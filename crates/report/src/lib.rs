//! Official reports: the cover letter (công văn) and the appendices that
//! provincial offices send each month (seeds S000, S001, S002), as Markdown,
//! CSV, Excel, Word and PDF.
//!
//! One model, several renderers: [`assemble`] computes every figure of the
//! appendices from score sheets the engine made ([`Input`]) into a
//! [`Report`] ([`model`]); [`render()`] lays it out in a [`Format`] without
//! computing anything and returns bytes. Scoring the period from a store is
//! the application layer's use case (`chiso_app::report::build`); options on
//! the command line are the CLI's. This crate never knows a store, a
//! command line or a file system.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let store = chiso_core::memory::MemoryStore::new();
//! use chiso_report::{render, Format, ReportRequest};
//! let request = ReportRequest::new(chiso_core::period::Period::parse("2026-03")?);
//! let report = chiso_app::report::build(&store, &request)?;
//! let bytes = render(&report, Format::Xlsx)?;
//! let (content_type, name) = (Format::Xlsx.content_type(), report.file_name(Format::Xlsx.extension()));
//! # let _ = (bytes, content_type, name);
//! # Ok(())
//! # }
//! ```

mod appendices;
pub mod config;
pub mod model;
pub mod people_csv;
pub mod reform;
pub mod render;

use chiso_core::period::{Period, PeriodError};
use chiso_core::records::UnitKind;
use chiso_core::scoring::UnitLookupError;

pub use appendices::Input;
pub use config::LetterInfo;
pub use model::{PartKind, Report};
pub use render::{render, Format};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Period(#[from] PeriodError),
    #[error(transparent)]
    Unit(#[from] UnitLookupError),
    #[error(
        "không có đơn vị cấp tỉnh (hoặc bộ) nào trong cơ sở dữ liệu: nhập danh mục đơn vị trước"
    )]
    NoTopUnit,
    #[error("không tìm thấy bộ chỉ số '{0}': xem 'chiso methodology list'")]
    UnknownMethodology(String),
    #[error("tệp cấu hình {path}: {message}")]
    Config { path: String, message: String },
    #[error("ngày không hợp lệ '{0}': dùng 2026-11-02 hoặc 02/11/2026")]
    Date(String),
    #[error("định dạng {0} cần --out TỆP để ghi ra tệp")]
    NeedsOut(&'static str),
    #[error("không đoán được định dạng từ tệp '{0}': dùng --format md|csv|xlsx|docx|pdf")]
    UnknownFormat(String),
    #[error("lỗi tạo tệp Excel (xlsx): {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("lỗi tạo tệp Word (docx): {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("lỗi tạo tệp CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("lỗi phông chữ PDF: {0}")]
    Font(String),
    #[error("lỗi ghi tệp: {0}")]
    Io(#[from] std::io::Error),
}

/// What to report on.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportRequest {
    pub period: Period,
    /// Unit kinds listed in the appendices; empty: every kind.
    pub kinds: Vec<UnitKind>,
    /// The parts, in any order (they are printed letter first, then appendices I-V).
    pub parts: Vec<PartKind>,
    /// The unit reported on (default: the province).
    pub unit: Option<String>,
    pub letter: LetterInfo,
}

impl ReportRequest {
    /// Every part, every kind, the province, no letter particulars.
    pub fn new(period: Period) -> ReportRequest {
        let mut parts = vec![PartKind::Letter];
        parts.extend(PartKind::APPENDICES);
        ReportRequest {
            period,
            kinds: Vec::new(),
            parts,
            unit: None,
            letter: LetterInfo::default(),
        }
    }

    /// Only these parts.
    pub fn with_parts(mut self, parts: &[PartKind]) -> ReportRequest {
        self.parts = parts.to_vec();
        self
    }

    pub(crate) fn wants(&self, kind: UnitKind) -> bool {
        if self.kinds.is_empty() {
            !matches!(kind, UnitKind::Province | UnitKind::Ministry)
        } else {
            self.kinds.contains(&kind)
        }
    }
}

/// The report model of one request from the engine's score sheets.
pub fn assemble(input: &Input<'_>) -> Result<Report, ReportError> {
    appendices::assemble(input)
}
