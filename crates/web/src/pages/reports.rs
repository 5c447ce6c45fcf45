//! `/reports/download`: the official letter and appendices of `chiso-report`
//! (Excel, Word, PDF, Markdown, CSV) for the period, level or unit on screen.
//! The figures come from the report model; this module only hands the bytes over.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chiso_app::report::ReportFailure;
use chiso_backend::BackendError as StoreError;
use chiso_core::records::UnitKind;
use chiso_core::scoring::UnitLookupError;
use chiso_report::{Format, ReportError, ReportRequest};

use crate::access::{self, Scope};
use crate::error::{Error, PageError};
use crate::html::{esc, put, url_component};
use crate::params::Params;
use crate::state::AppState;

/// The formats offered as download buttons, with their labels.
pub const BUTTONS: [(Format, &str); 3] = [
    (Format::Xlsx, "Excel"),
    (Format::Docx, "Word"),
    (Format::Pdf, "PDF"),
];

fn format_of(params: &Params) -> Result<Format, Error> {
    let text = params.get("format").unwrap_or("xlsx");
    Format::ALL
        .into_iter()
        .find(|f| f.extension() == text)
        .ok_or_else(|| Error::parameter("format", "dùng xlsx, docx, pdf, md hoặc csv"))
}

impl From<ReportError> for Error {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::Unit(
                UnitLookupError::NotFound { text, .. } | UnitLookupError::Ambiguous { text, .. },
            ) => Error::UnknownUnit(text),
            ReportError::UnknownMethodology(m) => Error::UnknownMethodology(m),
            other => Error::internal(other),
        }
    }
}

impl From<ReportFailure<StoreError>> for Error {
    fn from(e: ReportFailure<StoreError>) -> Self {
        match e {
            ReportFailure::Store(e) => e.into(),
            ReportFailure::Engine(e) => e.into(),
            ReportFailure::Report(e) => e.into(),
            ReportFailure::Published(e) => crate::state::publish_error(*e),
        }
    }
}

pub async fn download(
    State(state): State<AppState>,
    scope: Scope,
    params: Params,
) -> Result<Response, PageError> {
    let (name, content_type, bytes) = state
        .run(move |ctx| {
            let period = ctx.period(&scope, &params)?;
            let format = format_of(&params)?;
            let mut request = ReportRequest::new(period);
            if let Some(kind) = params.get("kind").filter(|k| !k.is_empty()) {
                let kind = UnitKind::parse(kind).ok_or_else(|| {
                    Error::parameter("kind", format!("dùng {}", UnitKind::expected()))
                })?;
                request.kinds = vec![kind];
            }
            if let Some(code) = params.get("unit").filter(|c| !c.is_empty()) {
                let sheet = ctx.sheet(&scope, &period)?;
                request.unit = Some(access::resolve_unit(&scope, &sheet, code)?.code.clone());
            }
            // The public gets a published period's report only; signed-in
            // users the published version when there is one, else the live
            // (provisional) figures.
            if scope.published_only() {
                ctx.sheet(&scope, &period)?;
            }
            let (report, _) = chiso_app::report::official(ctx.store(), &request, false)?;
            let bytes = chiso_report::render(&report, format)?;
            Ok((
                report.file_name(format.extension()),
                format.content_type(),
                bytes,
            ))
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", url_component(&name)),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The "Tải công văn, phụ lục" buttons for a period query (`period=…`) and extra
/// parameters such as `&kind=commune` or `&unit=…`.
pub fn buttons(query: &str, extra: &str) -> String {
    let mut out = String::from("<p class=\"downloads noprint\">Tải công văn và phụ lục: ");
    for (i, (format, label)) in BUTTONS.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        put!(
            &mut out,
            "<a class=\"button\" href=\"/reports/download?{}{}&amp;format={}\" download>{}</a>",
            esc(query),
            esc(extra),
            format.extension(),
            label
        );
    }
    out.push_str("</p>");
    out
}
