//! Shared state: a small pool of store handles (SQLite connections, or
//! handles on one PostgreSQL connection pool), the data version and the
//! caches of computed results.
//!
//! Every piece of work that touches the database runs on a blocking thread
//! ([`AppState::run`]) with a [`Backend`] handle taken from the pool for the
//! duration of the request.
//!
//! Score sheets, explanations, the methodology set and the inventory are
//! cached in memory, keyed by the data version ([`DataVersion`]): on SQLite,
//! `PRAGMA data_version` read on a connection kept for that purpose only,
//! which changes whenever any other connection (an upload here, `chiso
//! import` in another process) commits; on PostgreSQL, the version every
//! write announces with `NOTIFY` (any node, any process), kept by a thread
//! that listens, so a request asks the database nothing to know its cache is
//! fresh. A new version empties the caches, so a result is never served for
//! data it was not computed from. Finished response bodies of the read-only routes
//! are kept the same way ([`AppState::memo`]): a repeated request costs a
//! version check and a map lookup on the async thread. Every lookup of the
//! sheet, explanation and response caches is counted ([`Metrics::cache`]).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::Context;
use axum::body::Bytes;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chiso_backend::Backend;
use chiso_core::engine::{self, Explanation};
use chiso_core::methodology::MethodologySet;
use chiso_core::period::Period;
use chiso_core::publication::{Publication, Stamp};
use chiso_core::scoring::ScoreSheet;
use chiso_core::storage::{Inventory, Storage};
use chiso_core::time::Instant;

use crate::access::Scope;
use crate::error::Error;
use crate::metrics::{CacheKind, Metrics};
use crate::params::Params;

/// Connections kept open between requests.
const POOL_SIZE: usize = 16;
/// Score sheets kept per data version (a unit page needs 13; a sheet of a
/// province of 150 units takes about half a megabyte).
const MAX_SHEETS: usize = 64;
/// Explain items kept per data version, over all cached explanations (an
/// explanation holds every record of one criterion: a year of a province's
/// dossiers is hundreds of thousands).
const MAX_EXPLAIN_ITEMS: usize = 1_000_000;
/// Bytes of response bodies kept per data version.
const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// The state handlers share; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
    /// The portal-style sync pushes are accepted without a token.
    pub allow_sync: bool,
}

struct Shared {
    /// The database as messages name it (a path, or an address without
    /// its password).
    db: String,
    /// The handle new handles are made from.
    origin: Mutex<Backend>,
    pool: Mutex<Vec<Backend>>,
    version: DataVersion,
    cache: Mutex<Cache>,
    /// Held while a score sheet is computed, so concurrent requests for the
    /// same uncached period wait for one computation instead of repeating it.
    scoring: Mutex<()>,
    /// The same for explanations (slower: they read raw records).
    explaining: Mutex<()>,
    /// Uploads are imported one at a time, so the rows each one put in
    /// quarantine can be told apart.
    importing: Mutex<()>,
    /// Held while the inventory is counted, so that it is counted once.
    inventorying: Mutex<()>,
    /// Held while a published version is read (a national sheet is tens of
    /// megabytes of JSON): concurrent requests wait for it, not read it again.
    reading_publications: Mutex<()>,
    /// Permits to hold a database connection: at most `POOL_SIZE` at once.
    connections: Arc<tokio::sync::Semaphore>,
    /// Uploads being read ([`crate::limits::UPLOAD_SLOTS`]).
    uploads: Arc<tokio::sync::Semaphore>,
    metrics: Metrics,
}

#[derive(Default)]
struct Cache {
    version: i64,
    methodologies: Option<Arc<MethodologySet>>,
    inventory: Option<Arc<Inventory>>,
    /// The data's as-of instant, once read.
    as_of: Option<Option<Instant>>,
    sheets: HashMap<Period, Arc<ScoreSheet>>,
    /// The latest published version of each period asked (`None`: never published).
    published: HashMap<String, Option<Arc<Publication>>>,
    /// Every published version's stamp, newest period first.
    stamps: Option<Arc<Vec<Stamp>>>,
    explanations: HashMap<(Period, String, String), Arc<Explanation>>,
    responses: HashMap<String, Memo>,
}

/// A finished response body and its content type (cheap to clone).
#[derive(Clone, Debug)]
pub struct Memo {
    pub content_type: &'static str,
    pub body: Bytes,
}

impl Memo {
    pub fn json<T: serde::Serialize>(value: &T) -> Result<Memo, Error> {
        let body = serde_json::to_vec(value).map_err(Error::internal)?;
        Ok(Memo {
            content_type: "application/json",
            body: body.into(),
        })
    }

    pub fn html(page: axum::response::Html<String>) -> Memo {
        Memo {
            content_type: "text/html; charset=utf-8",
            body: page.0.into(),
        }
    }
}

impl IntoResponse for Memo {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, self.content_type)], self.body).into_response()
    }
}

impl Cache {
    /// Forgets everything computed for another data version.
    fn sync(&mut self, version: i64) {
        if self.version != version {
            *self = Cache {
                version,
                ..Cache::default()
            };
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks leaves plain data behind
    // (a pool, a map of finished results): still usable.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How the server knows the data changed.
#[allow(clippy::large_enum_variant)] // one per server
enum DataVersion {
    /// Asked of a connection kept for it (SQLite: a local read, no I/O).
    Polled(Mutex<Backend>),
    /// Set by a thread listening to the database's change notifications
    /// (PostgreSQL): reading it costs an atomic load.
    Notified(Arc<AtomicU64>),
}

impl DataVersion {
    fn watch(backend: &Backend) -> anyhow::Result<DataVersion> {
        let Some(listener) = backend.listen()? else {
            return Ok(DataVersion::Polled(Mutex::new(backend.handle()?)));
        };
        let version = Arc::new(AtomicU64::new(backend.data_version()?));
        let reader = backend.handle()?;
        let shared = version.clone();
        std::thread::Builder::new()
            .name("chiso-changes".into())
            .spawn(move || listen(listener, reader, &shared))
            .context("không khởi động được luồng nhận thông báo thay đổi dữ liệu")?;
        Ok(DataVersion::Notified(version))
    }

    fn get(&self) -> Result<i64, Error> {
        match self {
            DataVersion::Polled(watcher) => Ok(lock(watcher).data_version()? as i64),
            DataVersion::Notified(version) => Ok(version.load(Ordering::Acquire) as i64),
        }
    }
}

/// Keeps `version` at the database's data version until the process ends:
/// each notification sets it; a lost connection is replaced, and the
/// version read again (notifications may have been missed meanwhile).
fn listen(mut listener: chiso_backend::ChangeListener, reader: Backend, version: &AtomicU64) {
    loop {
        match listener.wait(Duration::from_secs(60)) {
            Ok(Some(v)) => {
                version.fetch_max(v, Ordering::AcqRel);
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, "mất kết nối nhận thông báo thay đổi dữ liệu; kết nối lại");
                loop {
                    std::thread::sleep(Duration::from_secs(1));
                    let again = reader.listen().map_err(anyhow::Error::from).and_then(|l| {
                        let l = l.context("cơ sở dữ liệu không còn gửi thông báo")?;
                        Ok((l, reader.data_version()?))
                    });
                    match again {
                        Ok((l, v)) => {
                            listener = l;
                            // Writes missed meanwhile raised it.
                            version.fetch_max(v, Ordering::AcqRel);
                            break;
                        }
                        Err(e) => tracing::warn!(error = %e, "chưa kết nối lại được"),
                    }
                }
            }
        }
    }
}

impl AppState {
    /// Opens the database `db` names: a SQLite file (created if needed) or
    /// a PostgreSQL address.
    pub fn open(db: &str) -> anyhow::Result<AppState> {
        let backend =
            Backend::open(db).with_context(|| format!("không mở được cơ sở dữ liệu {db}"))?;
        AppState::on(backend)
    }

    /// The state serving an open backend.
    pub fn on(backend: Backend) -> anyhow::Result<AppState> {
        let version = DataVersion::watch(&backend)?;
        Ok(AppState {
            shared: Arc::new(Shared {
                db: backend.name().to_string(),
                origin: Mutex::new(backend),
                pool: Mutex::new(Vec::new()),
                version,
                cache: Mutex::new(Cache::default()),
                scoring: Mutex::new(()),
                explaining: Mutex::new(()),
                importing: Mutex::new(()),
                inventorying: Mutex::new(()),
                reading_publications: Mutex::new(()),
                connections: Arc::new(tokio::sync::Semaphore::new(POOL_SIZE)),
                uploads: Arc::new(tokio::sync::Semaphore::new(crate::limits::UPLOAD_SLOTS)),
                metrics: Metrics::default(),
            }),
            allow_sync: false,
        })
    }

    /// The same state with the unauthenticated sync pushes on or off.
    pub fn allowing_sync(mut self, allow: bool) -> AppState {
        self.allow_sync = allow;
        self
    }

    /// The database this state serves, as messages name it.
    pub fn db(&self) -> &str {
        &self.shared.db
    }

    /// Where the database's schema stands (a readiness probe: it opens
    /// nothing, so a deleted SQLite file is not created again).
    pub fn schema(&self) -> Result<chiso_backend::Schema, Error> {
        Ok(lock(&self.shared.origin).schema()?)
    }

    /// The server's counters.
    pub fn metrics(&self) -> &Metrics {
        &self.shared.metrics
    }

    /// A slot to read an upload in, if one is free; held until dropped.
    pub fn upload_slot(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.shared.uploads.clone().try_acquire_owned().ok()
    }

    /// Runs `work` on a blocking thread with a pooled store. A panic in
    /// `work` becomes an internal error, not a dropped connection.
    pub async fn run<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&Ctx<'_>) -> Result<T, Error> + Send + 'static,
    {
        let shared = self.shared.clone();
        // At most POOL_SIZE requests hold a database connection at once; the
        // others wait their turn instead of opening more (each connection
        // has its own page cache: docs/scale.md).
        let permit = shared
            .connections
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| Error::internal(anyhow::anyhow!("hàng đợi kết nối đã đóng: {e}")))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let store = shared.checkout()?;
            let version = shared.data_version()?;
            let result = work(&Ctx {
                shared: &shared,
                store: &store,
                version,
            });
            shared.checkin(store);
            result
        })
        .await
        .map_err(|e| Error::internal(anyhow::anyhow!("tác vụ nền dừng bất thường: {e}")))?
    }

    /// The response for `key` (the request's scope and URI) as `work` makes
    /// it, made once per data version. Only for routes whose answer depends
    /// on nothing but the key and the data.
    pub async fn memo<F>(&self, key: String, work: F) -> Result<Memo, Error>
    where
        F: FnOnce(&Ctx<'_>) -> Result<Memo, Error> + Send + 'static,
    {
        let version = self.shared.data_version()?;
        {
            let mut cache = lock(&self.shared.cache);
            cache.sync(version);
            if let Some(memo) = cache.responses.get(&key) {
                self.shared.metrics.cache(CacheKind::Response, true);
                return Ok(memo.clone());
            }
        }
        self.shared.metrics.cache(CacheKind::Response, false);
        self.run(move |ctx| {
            let memo = work(ctx)?;
            let mut cache = ctx.cache();
            let size: usize = cache.responses.values().map(|m| m.body.len()).sum();
            if size + memo.body.len() > MAX_RESPONSE_BYTES {
                cache.responses.clear();
            }
            cache.responses.insert(key, memo.clone());
            Ok(memo)
        })
        .await
    }
}

impl Shared {
    fn handle(&self) -> Result<Backend, Error> {
        Ok(lock(&self.origin).handle()?)
    }

    fn checkout(&self) -> Result<Backend, Error> {
        if let Some(store) = lock(&self.pool).pop() {
            return Ok(store);
        }
        self.handle()
    }

    fn checkin(&self, store: Backend) {
        let mut pool = lock(&self.pool);
        if pool.len() < POOL_SIZE {
            pool.push(store);
        }
    }

    fn data_version(&self) -> Result<i64, Error> {
        self.version.get()
    }
}

/// What a piece of work sees: a store and the caches for one data version.
pub struct Ctx<'a> {
    shared: &'a Shared,
    store: &'a Backend,
    version: i64,
}

impl Ctx<'_> {
    pub fn store(&self) -> &Backend {
        self.store
    }

    /// The server's counters.
    pub fn metrics(&self) -> &Metrics {
        &self.shared.metrics
    }

    /// The data's as-of instant ([`Storage::as_of`], one pass over the
    /// records), read once per data version.
    pub fn as_of(&self) -> Result<Option<Instant>, Error> {
        if let Some(at) = self.cache().as_of {
            return Ok(at);
        }
        let at = self.store.as_of()?;
        self.cache().as_of = Some(at);
        Ok(at)
    }

    /// The shipped methodology versions and those added to the database.
    pub fn methodologies(&self) -> Result<Arc<MethodologySet>, Error> {
        if let Some(m) = self.cache().methodologies.clone() {
            return Ok(m);
        }
        let set = Arc::new(self.store.methodologies()?);
        self.cache().methodologies = Some(set.clone());
        Ok(set)
    }

    /// What the store holds and how fresh it is.
    pub fn inventory(&self) -> Result<Arc<Inventory>, Error> {
        if let Some(i) = self.cache().inventory.clone() {
            return Ok(i);
        }
        // Counted once per data version: concurrent requests wait for it.
        let _one = lock(&self.shared.inventorying);
        if let Some(i) = self.cache().inventory.clone() {
            return Ok(i);
        }
        let inventory = Arc::new(self.store.inventory()?);
        self.cache().inventory = Some(inventory.clone());
        Ok(inventory)
    }

    /// Every unit's score for a period as `scope` may see it: the latest
    /// published version for the public, the live figures for signed-in
    /// users.
    pub fn sheet(&self, scope: &Scope, period: &Period) -> Result<Arc<ScoreSheet>, Error> {
        if !scope.published_only() {
            return self.live_sheet(period);
        }
        match self.publication(period)? {
            Some(p) => Ok(p.sheet.clone()),
            None => Err(Error::NotPublished {
                period: period.code(),
                latest: self.stamps()?.first().map(|s| s.period.clone()),
            }),
        }
    }

    /// The period a request asks for (`period=`, or the selector's fields);
    /// when it names none, the data's latest month, or for the public the
    /// latest published period.
    pub fn period(&self, scope: &Scope, params: &Params) -> Result<Period, Error> {
        if scope.published_only() && !params.names_period() {
            if let Some(latest) = self.stamps()?.first() {
                return Period::parse(&latest.period)
                    .map_err(|_| Error::InvalidPeriod(latest.period.clone()));
            }
        }
        params.period(&*self.inventory()?)
    }

    /// The latest published version of a period, read once per data version.
    pub fn publication(&self, period: &Period) -> Result<Option<Arc<Publication>>, Error> {
        let code = period.code();
        if let Some(p) = self.cache().published.get(&code) {
            return Ok(p.clone());
        }
        let _one = lock(&self.shared.reading_publications);
        if let Some(p) = self.cache().published.get(&code) {
            return Ok(p.clone());
        }
        let p = chiso_app::publication::published(self.store, period, None)
            .map_err(publish_error)?
            .map(Arc::new);
        self.cache().published.insert(code, p.clone());
        Ok(p)
    }

    /// Every published version's stamp, newest period first.
    pub fn stamps(&self) -> Result<Arc<Vec<Stamp>>, Error> {
        if let Some(s) = self.cache().stamps.clone() {
            return Ok(s);
        }
        let _one = lock(&self.shared.reading_publications);
        if let Some(s) = self.cache().stamps.clone() {
            return Ok(s);
        }
        let stamps = Arc::new(chiso_app::publication::stamps(self.store).map_err(publish_error)?);
        self.cache().stamps = Some(stamps.clone());
        Ok(stamps)
    }

    /// Every unit's live score for a period (the engine's, cached).
    pub fn live_sheet(&self, period: &Period) -> Result<Arc<ScoreSheet>, Error> {
        let set = self.methodologies()?;
        self.cached(
            CacheKind::Sheet,
            &self.shared.scoring,
            |c| &mut c.sheets,
            *period,
            (|_| 1, MAX_SHEETS),
            || Ok(engine::score(self.store, &set, period)?),
        )
    }

    /// The records behind one criterion of one unit (the engine's, cached).
    pub fn explanation(
        &self,
        period: &Period,
        unit: &str,
        criterion: &str,
    ) -> Result<Arc<Explanation>, Error> {
        let set = self.methodologies()?;
        let key = (*period, unit.to_string(), criterion.to_string());
        self.cached(
            CacheKind::Explanation,
            &self.shared.explaining,
            |c| &mut c.explanations,
            key,
            (|e| e.items.len() + 1, MAX_EXPLAIN_ITEMS),
            || Ok(engine::explain(self.store, &set, period, unit, criterion)?),
        )
    }

    /// Runs an import on its own connection (the writer needs `&mut`) while
    /// no other upload runs, then drops every cached result.
    pub fn importing<T>(
        &self,
        work: impl FnOnce(&mut Backend) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let _one_at_a_time = lock(&self.shared.importing);
        let mut store = self.shared.handle()?;
        let result = work(&mut store);
        *self.cache() = Cache::default();
        result
    }

    fn cache(&self) -> MutexGuard<'_, Cache> {
        let mut cache = lock(&self.shared.cache);
        cache.sync(self.version);
        cache
    }

    /// The value for `key`, computed once per data version. `budget` is the
    /// weight of a value and the most the map may hold: past it, the map is
    /// emptied before the new value goes in.
    fn cached<K: Hash + Eq, V>(
        &self,
        kind: CacheKind,
        compute_lock: &Mutex<()>,
        map: impl Fn(&mut Cache) -> &mut HashMap<K, Arc<V>>,
        key: K,
        budget: (fn(&V) -> usize, usize),
        compute: impl FnOnce() -> Result<V, Error>,
    ) -> Result<Arc<V>, Error> {
        if let Some(v) = map(&mut self.cache()).get(&key) {
            self.shared.metrics.cache(kind, true);
            return Ok(v.clone());
        }
        let _computing = lock(compute_lock);
        // Computed meanwhile by the request this one waited for.
        let ready = map(&mut self.cache()).get(&key).cloned();
        self.shared.metrics.cache(kind, ready.is_some());
        if let Some(v) = ready {
            return Ok(v);
        }
        let value = Arc::new(compute()?);
        let mut cache = self.cache();
        let entries = map(&mut cache);
        let (weight, most) = budget;
        if entries.values().map(|v| weight(v)).sum::<usize>() + weight(&value) > most {
            entries.clear();
        }
        entries.insert(key, value.clone());
        Ok(value)
    }
}

/// A publication's failure as the web answers it.
pub fn publish_error(
    e: chiso_app::publication::PublishFailure<chiso_backend::BackendError>,
) -> Error {
    use chiso_app::publication::PublishFailure;
    match e {
        PublishFailure::Store(e) => e.into(),
        PublishFailure::Engine(e) => e.into(),
        PublishFailure::Publication(
            e @ chiso_core::publication::PublicationError::ReasonRequired { .. },
        )
        | PublishFailure::Publication(
            e @ chiso_core::publication::PublicationError::ReasonTooLong,
        ) => Error::Unpublishable(e.to_string()),
        e @ (PublishFailure::Conflict(_) | PublishFailure::Empty(_)) => {
            Error::Unpublishable(e.to_string())
        }
        PublishFailure::Publication(e) => Error::internal(e),
    }
}
