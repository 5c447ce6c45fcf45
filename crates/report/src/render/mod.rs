//! Renderers: each lays out a [`Report`] in one format and computes nothing.

mod columns;
mod csv;
mod docx;
mod fonts;
mod md;
mod pdf;
mod xlsx;

use std::path::Path;

use crate::model::Report;
use crate::ReportError;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Markdown (văn bản), to paste or to read in a terminal.
    Markdown,
    /// CSV: the tables, numbers with a decimal point, for other programs.
    Csv,
    /// Excel workbook: one sheet per part, numbers as numbers.
    Xlsx,
    /// Word document: letter and appendices, A4, Times New Roman 13.
    Docx,
    /// PDF with the font embedded, ready to print and sign.
    Pdf,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Markdown,
        Format::Csv,
        Format::Xlsx,
        Format::Docx,
        Format::Pdf,
    ];

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }

    /// Whether the output is text (printable to a terminal).
    pub fn is_text(self) -> bool {
        matches!(self, Format::Markdown | Format::Csv)
    }

    /// The format a file name's extension names.
    pub fn from_path(path: &Path) -> Result<Format, ReportError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.extension() == ext || (ext == "markdown" && *f == Format::Markdown))
            .ok_or_else(|| ReportError::UnknownFormat(path.display().to_string()))
    }
}

impl std::str::FromStr for Format {
    type Err = ReportError;

    /// `md` (`markdown`), `csv`, `xlsx`, `docx`, `pdf`, case-insensitive.
    fn from_str(text: &str) -> Result<Format, ReportError> {
        let t = text.trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.extension() == t || (t == "markdown" && *f == Format::Markdown))
            .ok_or_else(|| ReportError::UnknownFormat(text.to_string()))
    }
}

/// Lays out a report in a format.
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>, ReportError> {
    match format {
        Format::Markdown => Ok(md::render(report).into_bytes()),
        Format::Csv => csv::render(report),
        Format::Xlsx => xlsx::render(report),
        Format::Docx => docx::render(report),
        Format::Pdf => pdf::render(report),
    }
}

/// Table text size in points for the paged formats, by the number of
/// columns (Decree 30/2020 leaves tables free; body text is 13).
pub(crate) fn table_size(columns: usize) -> f32 {
    match columns {
        14.. => 10.0,
        10.. => 11.0,
        7.. => 12.0,
        _ => 13.0,
    }
}

/// Text that renderers print for blocks with fixed wording.
pub(crate) mod words {
    pub const ADDRESSEES: &str = "Kính gửi:";
    pub const COPIES: &str = "Nơi nhận:";
}
