//! Official reports: the cover letter (công văn) and the appendices that
//! provincial offices send each month (seeds S000, S001, S002), as Markdown,
//! CSV, Excel, Word and PDF.
//!
//! One model, several renderers: [`build`] scores the period with the engine
//! and computes every figure into a [`Report`] ([`model`], built by the
//! `appendices` module); [`render()`] lays it out in a [`Format`] without
//! computing anything. The dashboard calls the same two functions for its
//! download buttons:
//!
//! ```no_run
//! # fn main() -> Result<(), chiso_report::ReportError> {
//! # let store = chiso_store::Store::open_in_memory()?;
//! use chiso_report::{build, render, Format, ReportRequest};
//! let request = ReportRequest::new(chiso_core::period::Period::parse("2026-03")?);
//! let report = build(&store, &request)?;
//! let bytes = render(&report, Format::Xlsx)?;
//! let (content_type, name) = (Format::Xlsx.content_type(), report.file_name(Format::Xlsx.extension()));
//! # let _ = (bytes, content_type, name);
//! # Ok(())
//! # }
//! ```

mod appendices;
pub mod config;
pub mod model;
pub mod render;

use std::io::Write;
use std::path::PathBuf;

use chiso_core::engine::{self, EngineError, IndexStore};
use chiso_core::period::{Period, PeriodError};
use chiso_core::records::UnitKind;
use chiso_core::scoring::UnitLookupError;
use chiso_core::time::Instant;
use chiso_store::{Store, StoreError};

pub use config::LetterInfo;
pub use model::{PartKind, Report};
pub use render::{render, Format};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Engine(#[from] EngineError<StoreError>),
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

/// Which units a report lists.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindArg {
    /// Sở, ban, ngành.
    Department,
    /// UBND cấp huyện (before 1 July 2025).
    District,
    /// UBND cấp xã.
    Commune,
    All,
}

/// Which parts a report holds.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppendixArg {
    /// The letter and every appendix.
    All,
    /// Per-unit groups, two periods side by side (S000).
    Criteria,
    /// The province's components against its peers (S001 Appendix I).
    Components,
    /// Ranking of units (S001 Appendix II).
    Ranking,
    /// Per-unit figures with score and change (S002).
    Monthly,
    /// Timeliness and online dossiers (S001 Appendix IV).
    Timeliness,
    /// The cover letter's body with its figures.
    Letter,
}

/// `chiso report` options.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Kỳ báo cáo: 2026-03, 2026-Q1, 2026-H1, 2026, 2026-03:ytd, 2026-01-01..2026-02-15.
    #[arg(long)]
    pub period: String,
    /// Loại đơn vị liệt kê trong các phụ lục.
    #[arg(long, value_enum, default_value = "all")]
    pub kind: KindArg,
    /// Định dạng; mặc định theo phần mở rộng của --out, nếu không thì md.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Tệp kết quả; mặc định in ra màn hình (md, csv).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Phần cần xuất, có thể nhiều phần cách nhau bằng dấu phẩy.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "all")]
    pub appendix: Vec<AppendixArg>,
    /// Mã đơn vị báo cáo (mặc định: UBND tỉnh).
    #[arg(long)]
    pub unit: Option<String>,
    /// Số, ký hiệu công văn: "4153/VPUB-KSTT".
    #[arg(long)]
    pub number: Option<String>,
    /// Ngày công văn: 2026-11-02 hoặc 02/11/2026.
    #[arg(long)]
    pub date: Option<String>,
    /// Cơ quan ban hành: "Văn phòng UBND tỉnh Sơn Thủy".
    #[arg(long)]
    pub office: Option<String>,
    /// Tệp TOML: number, date, office, authority, issuer, place, subject,
    /// addressees, copies, signer_title, signer.
    #[arg(long)]
    pub config: Option<PathBuf>,
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

    /// The request that `chiso report` options describe.
    pub fn from_args(args: &ReportArgs) -> Result<ReportRequest, ReportError> {
        let mut request = ReportRequest::new(Period::parse(&args.period)?);
        request.kinds = match args.kind {
            KindArg::Department => vec![UnitKind::Department],
            KindArg::District => vec![UnitKind::District],
            KindArg::Commune => vec![UnitKind::Commune],
            KindArg::All => Vec::new(),
        };
        if !args.appendix.contains(&AppendixArg::All) {
            request.parts = args
                .appendix
                .iter()
                .filter_map(|a| match a {
                    AppendixArg::All => None,
                    AppendixArg::Criteria => Some(PartKind::Criteria),
                    AppendixArg::Components => Some(PartKind::Components),
                    AppendixArg::Ranking => Some(PartKind::Ranking),
                    AppendixArg::Monthly => Some(PartKind::Monthly),
                    AppendixArg::Timeliness => Some(PartKind::Timeliness),
                    AppendixArg::Letter => Some(PartKind::Letter),
                })
                .collect();
        }
        request.unit = args.unit.clone();
        let file = match &args.config {
            Some(path) => LetterInfo::from_file(path)?,
            None => LetterInfo::default(),
        };
        let options = LetterInfo {
            number: args.number.clone(),
            date: args.date.as_deref().map(config::parse_date).transpose()?,
            office: args.office.clone(),
            ..LetterInfo::default()
        };
        request.letter = file.overridden_by(options);
        Ok(request)
    }
}

/// Scores the period (and the previous one) and builds the report model.
pub fn build(store: &Store, request: &ReportRequest) -> Result<Report, ReportError> {
    let methodologies = store.methodologies()?;
    let sheet = engine::score(store, &methodologies, &request.period)?;
    let previous = engine::score(store, &methodologies, &request.period.previous())?;
    let hierarchy = store.hierarchy()?;
    let latest_received = store
        .inventory()?
        .latest_received
        .map(|s| Instant::from_unix(s).date());
    appendices::assemble(&appendices::Input {
        request,
        methodologies: &methodologies,
        hierarchy: &hierarchy,
        sheet: &sheet,
        previous: &previous,
        latest_received,
    })
}

/// `chiso report`: builds the report and writes it to `--out` (or prints it).
pub fn run(store: &Store, args: &ReportArgs) -> anyhow::Result<()> {
    let format = match (args.format, &args.out) {
        (Some(f), _) => f,
        (None, Some(path)) => Format::from_path(path)?,
        (None, None) => Format::Markdown,
    };
    let request = ReportRequest::from_args(args)?;
    let report = build(store, &request)?;
    let bytes = render(&report, format)?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, &bytes)
                .map_err(|e| anyhow::anyhow!("không ghi được {}: {e}", path.display()))?;
            eprintln!(
                "Đã ghi {} ({} phần, {} byte)",
                path.display(),
                report.parts.len(),
                bytes.len()
            );
        }
        None if format.is_text() => std::io::stdout().lock().write_all(&bytes)?,
        None => return Err(ReportError::NeedsOut(format.extension()).into()),
    }
    Ok(())
}
