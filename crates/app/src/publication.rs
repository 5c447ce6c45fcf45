//! Publishing a period's results (công bố kết quả) and reading what was
//! published, over any backend: the engine scores the period and the one
//! before, the core freezes them (`chiso_core::publication`), the journal
//! contract keeps every version, the audit log records who published.

use chiso_core::engine::{self, EngineError};
use chiso_core::period::Period;
use chiso_core::publication::{self, Draft, Publication, PublicationError, Stamp};
use chiso_core::reform::{JournalKind, JournalStore, Written};
use chiso_core::storage::Storage;
use chiso_core::time::Instant;

/// Why a period could not be published or read.
#[derive(Debug, thiserror::Error)]
pub enum PublishFailure<E: std::error::Error + Send + Sync + 'static> {
    #[error(transparent)]
    Store(E),
    #[error(transparent)]
    Engine(EngineError<E>),
    #[error(transparent)]
    Publication(#[from] PublicationError),
    #[error("kỳ {0} vừa được người khác công bố: xem lại danh sách rồi công bố lại nếu cần")]
    Conflict(String),
    #[error("kỳ {0} chưa có đơn vị nào được chấm điểm: nhập dữ liệu trước khi công bố")]
    Empty(String),
}

/// Who publishes, for the record.
pub struct Publisher<'a> {
    /// The account's login (or `cli:$USER`).
    pub by: &'a str,
    /// Where from (an address, `cli`).
    pub from: &'a str,
    pub at: Instant,
}

/// Publishes `period` as it stands now: version 1, or the next version with
/// its `reason`. The audit log records it with the content hash.
pub fn publish<S>(
    store: &mut S,
    period: &Period,
    reason: Option<&str>,
    publisher: &Publisher<'_>,
) -> Result<Stamp, PublishFailure<<S as chiso_core::engine::IndexStore>::Error>>
where
    S: Storage + JournalStore<Error = <S as chiso_core::engine::IndexStore>::Error>,
{
    let key = publication::journal_key(period);
    let known = store
        .journal(&key)
        .map_err(PublishFailure::Store)?
        .map_or(0, |j| j.entries.len());
    let (version, reason) = publication::next_version(period, known, reason)?;
    let methodologies = store.methodologies().map_err(PublishFailure::Store)?;
    let sheet = engine::score(store, &methodologies, period).map_err(PublishFailure::Engine)?;
    if sheet.units.is_empty() {
        return Err(PublishFailure::Empty(period.code()));
    }
    let previous =
        engine::score(store, &methodologies, &period.previous()).map_err(PublishFailure::Engine)?;
    let latest_received = store
        .inventory()
        .map_err(PublishFailure::Store)?
        .latest_received
        .map(|s| Instant::from_unix(s).date());
    let frozen = publication::freeze(
        &sheet,
        &previous,
        Draft {
            version,
            reason,
            at: publisher.at,
            by: publisher.by,
            latest_received,
        },
    );
    match store
        .write_journal(
            &key,
            &frozen.head,
            known,
            std::slice::from_ref(&frozen.entry),
        )
        .map_err(PublishFailure::Store)?
    {
        Written::Appended => {}
        Written::Conflict { .. } => return Err(PublishFailure::Conflict(period.code())),
    }
    let stamp = frozen.stamp;
    // Then the index of stamps (a writer in between: read it again).
    let index = publication::index_key();
    let entry = publication::index_entry(&stamp);
    let head = chiso_core::reform::JournalHead {
        status: publication::PUBLISHED.to_string(),
        body: entry.body.clone(),
    };
    let mut indexed = false;
    for _ in 0..10 {
        let known = store
            .journal(&index)
            .map_err(PublishFailure::Store)?
            .map_or(0, |j| j.entries.len());
        if let Written::Appended = store
            .write_journal(&index, &head, known, std::slice::from_ref(&entry))
            .map_err(PublishFailure::Store)?
        {
            indexed = true;
            break;
        }
    }
    if !indexed {
        return Err(PublishFailure::Conflict(period.code()));
    }
    crate::accounts::audit(
        store,
        publisher.at,
        publisher.by,
        publisher.from,
        "publish",
        &format!(
            "kỳ {} phiên bản {} bộ chỉ số {} {} đơn vị sha256 {}{}",
            stamp.period,
            stamp.version,
            stamp.methodology,
            stamp.units,
            stamp.content_hash,
            stamp
                .reason
                .as_deref()
                .map(|r| format!(" lý do: {r}"))
                .unwrap_or_default()
        ),
    )
    .map_err(PublishFailure::Store)?;
    Ok(stamp)
}

/// The published version of `period` (the latest when `version` is
/// `None`), its hash checked; `None` when never published.
pub fn published<S: JournalStore>(
    store: &S,
    period: &Period,
    version: Option<u32>,
) -> Result<Option<Publication>, PublishFailure<S::Error>> {
    match store
        .journal(&publication::journal_key(period))
        .map_err(PublishFailure::Store)?
    {
        Some(journal) => Ok(publication::read(&journal, version)?),
        None => Ok(None),
    }
}

/// Every version of every published period, newest period first, each
/// period's versions newest first (from the index: no sheet is read).
pub fn stamps<S: JournalStore>(store: &S) -> Result<Vec<Stamp>, PublishFailure<S::Error>> {
    let mut all = match store
        .journal(&publication::index_key())
        .map_err(PublishFailure::Store)?
    {
        Some(index) => publication::index_stamps(&index)?,
        None => Vec::new(),
    };
    all.sort_by(|a, b| {
        let period = |s: &Stamp| Period::parse(&s.period).ok().map(|p| (p.to, p.from));
        period(b).cmp(&period(a)).then(b.version.cmp(&a.version))
    });
    Ok(all)
}

/// Reads every version of every period back and checks its hash: the
/// versions that fail, with why.
pub fn verify<S: JournalStore>(
    store: &S,
) -> Result<(usize, Vec<PublicationError>), PublishFailure<S::Error>> {
    let (mut checked, mut broken) = (0, Vec::new());
    let indexed = stamps(store)?;
    for journal in store
        .journals(JournalKind::Publication, None)
        .map_err(PublishFailure::Store)?
    {
        if journal.key.scope == publication::INDEX_SCOPE {
            continue;
        }
        if let Ok(kept) = publication::stamps(&journal) {
            for stamp in kept {
                if !indexed.contains(&stamp) {
                    broken.push(PublicationError::Corrupt {
                        period: stamp.period.clone(),
                        version: stamp.version,
                        detail: "phiên bản không có trong mục lục các bản công bố".to_string(),
                    });
                }
            }
        }
        let versions = journal
            .entries
            .iter()
            .filter(|e| e.part == publication::VERSION_PART)
            .count();
        for v in 1..=versions as u32 {
            checked += 1;
            if let Err(e) = publication::read(&journal, Some(v)) {
                broken.push(e);
            }
        }
    }
    Ok((checked, broken))
}

/// The report model of a published version: the frozen sheets, as
/// published, with today's hierarchy and methodology texts.
pub fn report<S: Storage>(
    store: &S,
    request: &chiso_report::ReportRequest,
    published: &Publication,
) -> Result<chiso_report::Report, crate::report::ReportFailure<S::Error>> {
    use crate::report::ReportFailure;
    let methodologies = store.methodologies().map_err(ReportFailure::Store)?;
    let hierarchy = store.hierarchy().map_err(ReportFailure::Store)?;
    Ok(chiso_report::assemble(&chiso_report::Input {
        request,
        methodologies: &methodologies,
        hierarchy: &hierarchy,
        sheet: &published.sheet,
        previous: &published.previous,
        latest_received: published.latest_received,
    })?)
}
