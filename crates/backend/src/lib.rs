//! Which backend a deployment runs on: the embedded SQLite file
//! (`chiso_store`) or a PostgreSQL server (`chiso_store_pg`), chosen from
//! the database setting (`--db`, `CHISO_DB`, `chiso.toml`): a
//! `postgres://` or `postgresql://` address selects PostgreSQL, anything
//! else is a file path.
//!
//! [`Backend`] implements the storage contract ([`Storage`], [`IndexStore`],
//! [`Batch`]) by handing every call to the backend it holds, so the edges
//! (the command line, the web server) are written once against the
//! contract and run on either. It adds only what an edge needs to run a
//! backend and the contract leaves out: another handle on the same
//! database ([`Backend::handle`]), a readiness probe ([`Backend::schema`]),
//! and change notification where the backend has it ([`Backend::listen`]).
//!
//! This crate never knows a business rule: it only forwards.

use std::collections::HashMap;
use std::path::Path;

use chiso_core::accounts::{ApiToken, AuditDraft, AuditEntry, Session, User};
use chiso_core::calendar::{Calendar, Holiday};
use chiso_core::engine::{IndexStore, UnitRecords};
use chiso_core::measures::{Accumulator, ProcedureId, UnitId};
use chiso_core::methodology::{Methodology, MethodologySet};
use chiso_core::period::Period;
use chiso_core::reconcile::PortalFigures;
use chiso_core::records::{Dossier, Feedback, Procedure, Unit, UnitCounts};
use chiso_core::reform::{
    Journal, JournalEntry, JournalHead, JournalKey, JournalKind, JournalStore, Written,
};
use chiso_core::scoring::Hierarchy;
use chiso_core::steps::ProcessingStep;
use chiso_core::storage::{
    AccountStore, Batch, BatchCounts, Inventory, Outcome, Put, QuarantinedRow, Storage,
};
use chiso_core::time::Instant;
use chiso_store::{Store, StoreError, Writer};
use chiso_store_pg::{PgError, PgStore, PgWriter};

pub use chiso_store_pg::ChangeListener;

/// A failure of either backend, with the backend's own message.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error(transparent)]
    Sqlite(#[from] StoreError),
    #[error(transparent)]
    Postgres(#[from] PgError),
}

pub type Result<T> = std::result::Result<T, BackendError>;

impl BackendError {
    /// Whether a write gave up waiting for another writer's turn to end
    /// (the edges answer 503 with `Retry-After`, or a documented exit code).
    pub fn is_busy(&self) -> bool {
        matches!(self, BackendError::Sqlite(StoreError::Busy))
    }
}

/// Whether the database setting names a PostgreSQL server.
pub fn is_postgres(db: &str) -> bool {
    chiso_store_pg::is_url(db)
}

/// An open store on one of the backends.
pub enum Backend {
    Sqlite(Store),
    Postgres(PgStore),
}

/// Where a database's schema stands against this build's migrations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schema {
    /// Every migration of this build is applied.
    Current { version: i64 },
    /// Older than this build: `chiso migrate` (or, for SQLite, opening it)
    /// brings it up to date.
    Behind { found: i64, expected: i64 },
    /// Written by a newer chiso: this build refuses it.
    Ahead { found: i64, expected: i64 },
    /// The SQLite file is gone (deleted or moved while served).
    Missing,
}

/// Forwards `$body` to the store inside whichever backend `$self` holds.
macro_rules! each {
    ($self:expr, $s:ident => $body:expr) => {
        match $self {
            Backend::Sqlite($s) => Ok($body?),
            Backend::Postgres($s) => Ok($body?),
        }
    };
}

impl Backend {
    /// Opens the database the setting names: a PostgreSQL address (whose
    /// schema must be current: `chiso migrate`) or a SQLite file (created if
    /// missing, migrated on open).
    pub fn open(db: &str) -> Result<Backend> {
        if is_postgres(db) {
            Ok(Backend::Postgres(PgStore::open(db)?))
        } else {
            Ok(Backend::Sqlite(Store::open(Path::new(db))?))
        }
    }

    /// The database as messages name it: a file path, or a PostgreSQL
    /// address without its password.
    pub fn name(&self) -> &str {
        match self {
            Backend::Sqlite(s) => s.path(),
            Backend::Postgres(s) => s.path(),
        }
    }

    /// `"SQLite"` or `"PostgreSQL"`, for status lines.
    pub fn kind(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }

    /// Another handle on the same database, for another thread: a new
    /// connection to the SQLite file, or the same PostgreSQL connection pool.
    pub fn handle(&self) -> Result<Backend> {
        match self {
            Backend::Sqlite(s) => Ok(Backend::Sqlite(Store::open(Path::new(s.path()))?)),
            Backend::Postgres(s) => Ok(Backend::Postgres(s.clone())),
        }
    }

    /// Where the database's schema stands, read without changing it (for
    /// readiness probes: a SQLite file must still exist).
    pub fn schema(&self) -> Result<Schema> {
        match self {
            Backend::Sqlite(s) if !Path::new(s.path()).is_file() => Ok(Schema::Missing),
            Backend::Sqlite(s) => Ok(match chiso_store::schema_state(Path::new(s.path()))? {
                chiso_store::SchemaState::Current { version } => Schema::Current { version },
                chiso_store::SchemaState::Behind { found, expected } => {
                    Schema::Behind { found, expected }
                }
                chiso_store::SchemaState::Ahead { found, expected } => {
                    Schema::Ahead { found, expected }
                }
            }),
            Backend::Postgres(s) => {
                let (found, expected) = s.schema_versions()?;
                Ok(match found.cmp(&expected) {
                    std::cmp::Ordering::Equal => Schema::Current { version: found },
                    std::cmp::Ordering::Less => Schema::Behind { found, expected },
                    std::cmp::Ordering::Greater => Schema::Ahead { found, expected },
                })
            }
        }
    }

    /// A listener that wakes when any process or node commits a write, when
    /// the backend announces its writes (PostgreSQL's `NOTIFY`); `None` for
    /// SQLite, whose data version is a cheap local read
    /// ([`Storage::data_version`]).
    pub fn listen(&self) -> Result<Option<ChangeListener>> {
        match self {
            Backend::Sqlite(_) => Ok(None),
            Backend::Postgres(s) => Ok(Some(s.listen()?)),
        }
    }

    /// The SQLite store, for what only a file can do (a backup copy).
    pub fn sqlite(&self) -> Option<&Store> {
        match self {
            Backend::Sqlite(s) => Some(s),
            Backend::Postgres(_) => None,
        }
    }
}

impl IndexStore for Backend {
    type Error = BackendError;

    fn hierarchy(&self) -> Result<Hierarchy> {
        each!(self, s => IndexStore::hierarchy(s))
    }
    fn catalogue(&self) -> Result<HashMap<ProcedureId, Procedure>> {
        each!(self, s => IndexStore::catalogue(s))
    }
    fn calendar(&self) -> Result<Calendar> {
        each!(self, s => IndexStore::calendar(s))
    }
    fn own_accumulators(&self, period: &Period) -> Result<HashMap<UnitId, Accumulator>> {
        each!(self, s => IndexStore::own_accumulators(s, period))
    }
    fn own_accumulators_many(
        &self,
        periods: &[Period],
    ) -> Result<Vec<HashMap<UnitId, Accumulator>>> {
        each!(self, s => IndexStore::own_accumulators_many(s, periods))
    }
    fn records_for(&self, units: &[UnitId], period: &Period) -> Result<UnitRecords> {
        each!(self, s => IndexStore::records_for(s, units, period))
    }
    fn data_as_of(&self, until: Instant) -> Result<Option<Instant>> {
        each!(self, s => IndexStore::data_as_of(s, until))
    }
    fn targets(&self) -> Result<Vec<chiso_core::targets::Target>> {
        each!(self, s => IndexStore::targets(s))
    }
}

impl AccountStore for Backend {
    fn users(&self) -> Result<Vec<User>> {
        each!(self, s => AccountStore::users(s))
    }
    fn user(&self, login: &str) -> Result<Option<User>> {
        each!(self, s => AccountStore::user(s, login))
    }
    fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        each!(self, s => AccountStore::user_by_id(s, id))
    }
    fn put_user(&self, user: &User) -> Result<i64> {
        each!(self, s => AccountStore::put_user(s, user))
    }
    fn put_session(&self, session: &Session) -> Result<()> {
        each!(self, s => AccountStore::put_session(s, session))
    }
    fn session(&self, secret_hash: &str) -> Result<Option<Session>> {
        each!(self, s => AccountStore::session(s, secret_hash))
    }
    fn end_session(&self, secret_hash: &str) -> Result<()> {
        each!(self, s => AccountStore::end_session(s, secret_hash))
    }
    fn end_sessions_of(&self, user_id: i64) -> Result<()> {
        each!(self, s => AccountStore::end_sessions_of(s, user_id))
    }
    fn put_token(&self, token: &ApiToken) -> Result<i64> {
        each!(self, s => AccountStore::put_token(s, token))
    }
    fn token(&self, secret_hash: &str) -> Result<Option<ApiToken>> {
        each!(self, s => AccountStore::token(s, secret_hash))
    }
    fn tokens(&self) -> Result<Vec<ApiToken>> {
        each!(self, s => AccountStore::tokens(s))
    }
    fn append_audit(&self, draft: &AuditDraft) -> Result<AuditEntry> {
        each!(self, s => AccountStore::append_audit(s, draft))
    }
    fn audit(&self, after: i64, limit: usize) -> Result<Vec<AuditEntry>> {
        each!(self, s => AccountStore::audit(s, after, limit))
    }
}

impl Storage for Backend {
    type Batch<'a> = BackendBatch<'a>;

    fn batch(&mut self, kind: &str, file: &str) -> Result<BackendBatch<'_>> {
        Ok(match self {
            Backend::Sqlite(s) => BackendBatch::Sqlite(Storage::batch(s, kind, file)?),
            Backend::Postgres(s) => BackendBatch::Postgres(Storage::batch(s, kind, file)?),
        })
    }
    fn rebuild(&mut self) -> Result<()> {
        each!(self, s => Storage::rebuild(s))
    }
    fn inventory(&self) -> Result<Inventory> {
        each!(self, s => Storage::inventory(s))
    }
    fn quarantine(&self) -> Result<Vec<QuarantinedRow>> {
        each!(self, s => Storage::quarantine(s))
    }
    fn clear_quarantine(&mut self) -> Result<usize> {
        each!(self, s => Storage::clear_quarantine(s))
    }
    fn holidays(&self) -> Result<Vec<Holiday>> {
        each!(self, s => Storage::holidays(s))
    }
    fn unit_list(&self) -> Result<Vec<Unit>> {
        each!(self, s => Storage::unit_list(s))
    }
    fn procedure_list(&self) -> Result<Vec<Procedure>> {
        each!(self, s => Storage::procedure_list(s))
    }
    fn steps(&self, dossier_id: &str) -> Result<Vec<ProcessingStep>> {
        each!(self, s => Storage::steps(s, dossier_id))
    }
    fn methodologies(&self) -> Result<MethodologySet> {
        each!(self, s => Storage::methodologies(s))
    }
    fn add_methodology(&mut self, m: &Methodology, text: &str) -> Result<()> {
        each!(self, s => Storage::add_methodology(s, m, text))
    }
    fn meta(&self, key: &str) -> Result<Option<String>> {
        each!(self, s => Storage::meta(s, key))
    }
    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        each!(self, s => Storage::set_meta(s, key, value))
    }
    fn declare_as_of(&mut self, at: Instant) -> Result<()> {
        each!(self, s => Storage::declare_as_of(s, at))
    }
    fn as_of(&self) -> Result<Option<Instant>> {
        each!(self, s => Storage::as_of(s))
    }
    fn published(&self, period: &Period) -> Result<Vec<PortalFigures>> {
        each!(self, s => Storage::published(s, period))
    }
    fn published_periods(&self) -> Result<Vec<String>> {
        each!(self, s => Storage::published_periods(s))
    }
    fn data_version(&self) -> Result<u64> {
        each!(self, s => Storage::data_version(s))
    }
}

/// A write transaction on either backend.
#[allow(clippy::large_enum_variant)] // one per import: its size does not matter
pub enum BackendBatch<'a> {
    Sqlite(Writer<'a>),
    Postgres(PgWriter<'a>),
}

/// A put's outcome with the backend's error made a [`BackendError`].
fn put<E: Into<BackendError>>(
    result: std::result::Result<Outcome, Put<E>>,
) -> std::result::Result<Outcome, Put<BackendError>> {
    result.map_err(|e| match e {
        Put::Rejected { column, reason } => Put::Rejected { column, reason },
        Put::Failed(e) => Put::Failed(e.into()),
    })
}

/// Forwards a put to the batch inside whichever backend `$self` holds.
macro_rules! each_put {
    ($self:expr, $b:ident => $body:expr) => {
        match $self {
            BackendBatch::Sqlite($b) => put($body),
            BackendBatch::Postgres($b) => put($body),
        }
    };
}

/// Forwards `$body` to the batch inside whichever backend `$self` (a
/// `&mut`) holds.
macro_rules! each_batch {
    ($self:expr, $b:ident => $body:expr) => {
        match $self {
            BackendBatch::Sqlite($b) => Ok($body?),
            BackendBatch::Postgres($b) => Ok($body?),
        }
    };
}

impl Batch for BackendBatch<'_> {
    type Error = BackendError;

    fn file(&self) -> &str {
        match self {
            BackendBatch::Sqlite(b) => Batch::file(b),
            BackendBatch::Postgres(b) => Batch::file(b),
        }
    }
    fn put_unit(&mut self, u: &Unit) -> std::result::Result<Outcome, Put<BackendError>> {
        each_put!(self, b => Batch::put_unit(b, u))
    }
    fn put_procedure(&mut self, p: &Procedure) -> std::result::Result<Outcome, Put<BackendError>> {
        each_put!(self, b => Batch::put_procedure(b, p))
    }
    fn put_holiday(&mut self, h: &Holiday) -> std::result::Result<Outcome, Put<BackendError>> {
        each_put!(self, b => Batch::put_holiday(b, h))
    }
    fn put_dossier(&mut self, d: &Dossier) -> std::result::Result<Outcome, Put<BackendError>> {
        each_put!(self, b => Batch::put_dossier(b, d))
    }
    fn put_feedback(&mut self, f: &Feedback) -> std::result::Result<Outcome, Put<BackendError>> {
        each_put!(self, b => Batch::put_feedback(b, f))
    }
    fn put_counts(&mut self, c: &UnitCounts) -> std::result::Result<Outcome, Put<BackendError>> {
        each_put!(self, b => Batch::put_counts(b, c))
    }
    fn put_step(&mut self, s: &ProcessingStep) -> std::result::Result<Outcome, Put<BackendError>> {
        each_put!(self, b => Batch::put_step(b, s))
    }
    fn put_target(
        &mut self,
        t: &chiso_core::targets::Target,
    ) -> std::result::Result<Outcome, Put<BackendError>> {
        each_put!(self, b => Batch::put_target(b, t))
    }
    fn put_published(
        &mut self,
        period: &Period,
        line: usize,
        figures: &PortalFigures,
    ) -> std::result::Result<Outcome, Put<BackendError>> {
        each_put!(self, b => Batch::put_published(b, period, line, figures))
    }
    fn reject(&mut self, line: usize, column: Option<&str>, reason: &str, raw: &str) -> Result<()> {
        each_batch!(self, b => Batch::reject(b, line, column, reason, raw))
    }
    fn put_event(&mut self, dossier_id: &str, seq: i64, body: &str) -> Result<bool> {
        each_batch!(self, b => Batch::put_event(b, dossier_id, seq, body))
    }
    fn event_bodies(&self, dossier_id: &str) -> Result<Vec<String>> {
        match self {
            BackendBatch::Sqlite(b) => Ok(Batch::event_bodies(b, dossier_id)?),
            BackendBatch::Postgres(b) => Ok(Batch::event_bodies(b, dossier_id)?),
        }
    }
    fn commit(self, read: u64) -> Result<BatchCounts> {
        match self {
            BackendBatch::Sqlite(b) => Ok(Batch::commit(b, read)?),
            BackendBatch::Postgres(b) => Ok(Batch::commit(b, read)?),
        }
    }
}

impl JournalStore for Backend {
    type Error = BackendError;

    fn journal(&self, key: &JournalKey) -> Result<Option<Journal>> {
        each!(self, s => JournalStore::journal(s, key))
    }
    fn journals(&self, kind: JournalKind, scope: Option<&str>) -> Result<Vec<Journal>> {
        each!(self, s => JournalStore::journals(s, kind, scope))
    }
    fn write_journal(
        &mut self,
        key: &JournalKey,
        head: &JournalHead,
        known: usize,
        entries: &[JournalEntry],
    ) -> Result<Written> {
        each!(self, s => JournalStore::write_journal(s, key, head, known, entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_selects_postgresql_and_a_path_sqlite() {
        assert!(is_postgres("postgres://chiso@127.0.0.1:5432/chiso"));
        assert!(is_postgres("postgresql://chiso@db/chiso"));
        assert!(!is_postgres("chiso.db"));
        assert!(!is_postgres("/var/lib/chiso/postgres.db"));
    }

    #[test]
    fn a_sqlite_backend_forwards_reads_and_writes_and_opens_handles() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("chiso.db");
        let mut backend = Backend::open(path.to_str().expect("utf-8 path")).expect("open");
        assert_eq!(backend.kind(), "SQLite");
        assert!(
            matches!(backend.schema(), Ok(Schema::Current { .. })),
            "a new file is current"
        );
        let before = backend.data_version().expect("version");
        backend.set_meta("probe", "1").expect("write");
        let other = backend.handle().expect("handle");
        assert_eq!(other.meta("probe").expect("read").as_deref(), Some("1"));
        assert!(other.data_version().expect("version") >= before);
        assert!(backend.listen().expect("listen").is_none());
        assert!(backend.sqlite().is_some());
    }
}
