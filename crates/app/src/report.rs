//! The report use case: score the period (and the one before) through the
//! storage contract and assemble the official report's model
//! (`chiso_report`), which the renderers turn into bytes.

use chiso_core::engine::{self, EngineError};
use chiso_core::storage::Storage;
use chiso_core::time::Instant;
use chiso_report::{Input, Report, ReportError, ReportRequest};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportFailure<E: std::error::Error + Send + Sync + 'static> {
    #[error(transparent)]
    Store(E),
    #[error(transparent)]
    Engine(EngineError<E>),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Published(Box<crate::publication::PublishFailure<E>>),
}

/// Scores the period (and the previous one) and builds the report model.
pub fn build<S: Storage>(
    store: &S,
    request: &ReportRequest,
) -> Result<Report, ReportFailure<S::Error>> {
    let methodologies = store.methodologies().map_err(ReportFailure::Store)?;
    let sheet =
        engine::score(store, &methodologies, &request.period).map_err(ReportFailure::Engine)?;
    let previous = engine::score(store, &methodologies, &request.period.previous())
        .map_err(ReportFailure::Engine)?;
    let hierarchy = store.hierarchy().map_err(ReportFailure::Store)?;
    let latest_received = store
        .inventory()
        .map_err(ReportFailure::Store)?
        .latest_received
        .map(|s| Instant::from_unix(s).date());
    Ok(chiso_report::assemble(&Input {
        request,
        methodologies: &methodologies,
        hierarchy: &hierarchy,
        sheet: &sheet,
        previous: &previous,
        latest_received,
    })?)
}

/// The official report of a period: from its latest published version when
/// it was published (the figures people were given), from the live data
/// otherwise or when `provisional` asks for it. The stamp says which.
pub fn official<S>(
    store: &S,
    request: &ReportRequest,
    provisional: bool,
) -> Result<
    (Report, Option<chiso_core::publication::Stamp>),
    ReportFailure<<S as chiso_core::engine::IndexStore>::Error>,
>
where
    S: Storage
        + chiso_core::reform::JournalStore<Error = <S as chiso_core::engine::IndexStore>::Error>,
{
    if !provisional {
        let published = crate::publication::published(store, &request.period, None)
            .map_err(|e| ReportFailure::Published(Box::new(e)))?;
        if let Some(p) = published {
            let report = crate::publication::report(store, request, &p)?;
            return Ok((report, Some(p.stamp)));
        }
    }
    Ok((build(store, request)?, None))
}
