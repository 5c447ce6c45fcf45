//! The storage contract: what a backend (the embedded SQLite store, the
//! PostgreSQL store) provides for reads and writes. Reads for scoring are
//! [`IndexStore`]; [`Storage`] adds the writes and what the application
//! layer (`chiso-app`: import a file, apply a feed or a sync push, rebuild,
//! publish…) and the edges need. A write is a [`Batch`]: one transaction
//! whose records carry their measure deltas (`measures::MeasureBook`,
//! computed by the core, never in SQL), whose rejected rows go to the
//! quarantine with the import they came from, and whose commit bumps the
//! data version every reader and every node watches.
//!
//! Every backend is proven equal by one conformance suite
//! (`crates/app/tests/conformance.rs` and the backends' own runs of it).

use crate::accounts::{ApiToken, AuditDraft, AuditEntry, Session, User};
use crate::calendar::Holiday;
use crate::engine::IndexStore;
use crate::methodology::{Methodology, MethodologySet};
use crate::period::Period;
use crate::reconcile::PortalFigures;
use crate::records::{Dossier, Feedback, Procedure, Unit, UnitCounts};
use crate::steps::ProcessingStep;
use crate::targets::Target;
use crate::time::Instant;

/// What a put did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Inserted,
    /// A record with the same key was replaced (or, for a processing step,
    /// was already kept).
    Replaced,
}

/// Counts of one batch: `read = inserted + replaced + rejected`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchCounts {
    pub inserted: u64,
    pub replaced: u64,
    pub rejected: u64,
}

/// Why a put did not store its record.
#[derive(Debug)]
pub enum Put<E> {
    /// The record cannot be accepted (unknown unit or procedure): it goes to
    /// the quarantine with this reason, in Vietnamese.
    Rejected {
        column: Option<&'static str>,
        reason: String,
    },
    /// The backend failed: the batch is abandoned.
    Failed(E),
}

/// One rejected record kept aside with its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuarantinedRow {
    pub id: i64,
    pub import_id: Option<i64>,
    pub kind: String,
    pub file: String,
    pub line: i64,
    pub column: Option<String>,
    pub reason: String,
    pub raw: String,
}

/// What the store holds, for `chiso status` and the freshness line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    pub units: i64,
    pub procedures: i64,
    pub dossiers: i64,
    pub feedback: i64,
    pub quarantined: i64,
    pub first_received: Option<i64>,
    pub latest_received: Option<i64>,
}

/// One write transaction.
pub trait Batch {
    type Error: std::error::Error + Send + Sync + 'static;

    /// The file (or upload) being written, as the quarantine names it.
    fn file(&self) -> &str;
    fn put_unit(&mut self, u: &Unit) -> Result<Outcome, Put<Self::Error>>;
    fn put_procedure(&mut self, p: &Procedure) -> Result<Outcome, Put<Self::Error>>;
    fn put_holiday(&mut self, h: &Holiday) -> Result<Outcome, Put<Self::Error>>;
    /// A dossier, with its kept processing steps merged in
    /// (`steps::apply_steps`), its old contribution removed when it replaces one.
    fn put_dossier(&mut self, d: &Dossier) -> Result<Outcome, Put<Self::Error>>;
    fn put_feedback(&mut self, f: &Feedback) -> Result<Outcome, Put<Self::Error>>;
    fn put_counts(&mut self, c: &UnitCounts) -> Result<Outcome, Put<Self::Error>>;
    /// A processing step, kept once; its dossier, if stored, is written again.
    fn put_step(&mut self, s: &ProcessingStep) -> Result<Outcome, Put<Self::Error>>;
    /// A target (assigned to a unit, or a government goal), replacing the
    /// one with the same unit, year and criterion; rejected when it names
    /// a unit the catalogue does not have.
    fn put_target(&mut self, t: &Target) -> Result<Outcome, Put<Self::Error>>;
    /// The portal's published figures of a unit for a period (replacing).
    fn put_published(
        &mut self,
        period: &Period,
        line: usize,
        figures: &PortalFigures,
    ) -> Result<Outcome, Put<Self::Error>>;
    /// Keeps a rejected row in the quarantine, with this batch's import.
    fn reject(
        &mut self,
        line: usize,
        column: Option<&str>,
        reason: &str,
        raw: &str,
    ) -> Result<(), Self::Error>;
    /// Keeps one event of the real-time feed; false when its (dossier, seq)
    /// was already kept.
    fn put_event(&mut self, dossier_id: &str, seq: i64, body: &str) -> Result<bool, Self::Error>;
    /// The kept events of a dossier, in `seq` order.
    fn event_bodies(&self, dossier_id: &str) -> Result<Vec<String>, Self::Error>;
    /// Writes the measure deltas and the import's counts, commits, and bumps
    /// the data version. `read` is the number of rows read.
    fn commit(self, read: u64) -> Result<BatchCounts, Self::Error>;
}

/// Accounts, sessions, machine tokens and the audit log, kept by every
/// backend (so a session made on one node is honoured on every other).
///
/// Their writes take `&self`: each is one small transaction of its own that
/// never touches the index's records, measures or data version, so a
/// sign-in does not throw away the score caches of every node (SQLite's
/// `PRAGMA data_version` still moves: a SQLite server recomputes once).
/// The audit log has an append and reads only, and each backend refuses
/// updates and deletes of its rows in the database itself.
pub trait AccountStore: IndexStore {
    fn users(&self) -> Result<Vec<User>, Self::Error>;
    fn user(&self, login: &str) -> Result<Option<User>, Self::Error>;
    fn user_by_id(&self, id: i64) -> Result<Option<User>, Self::Error>;
    /// Inserts a user (`id` 0; the new id is returned) or replaces the user
    /// with that id. A login taken by another user is an error of the caller
    /// (checked first with [`AccountStore::user`]).
    fn put_user(&self, user: &User) -> Result<i64, Self::Error>;
    fn put_session(&self, session: &Session) -> Result<(), Self::Error>;
    fn session(&self, secret_hash: &str) -> Result<Option<Session>, Self::Error>;
    fn end_session(&self, secret_hash: &str) -> Result<(), Self::Error>;
    /// Ends every session of a user (disabled, password changed or reset).
    fn end_sessions_of(&self, user_id: i64) -> Result<(), Self::Error>;
    /// Inserts a token (`id` 0; the new id is returned) or replaces it.
    fn put_token(&self, token: &ApiToken) -> Result<i64, Self::Error>;
    fn token(&self, secret_hash: &str) -> Result<Option<ApiToken>, Self::Error>;
    fn tokens(&self) -> Result<Vec<ApiToken>, Self::Error>;
    /// Appends an entry, chained to the last one ([`AuditEntry::chain`]),
    /// atomically with respect to other appends on any node.
    fn append_audit(&self, draft: &AuditDraft) -> Result<AuditEntry, Self::Error>;
    /// Entries with `seq > after`, in order, at most `limit`.
    fn audit(&self, after: i64, limit: usize) -> Result<Vec<AuditEntry>, Self::Error>;
}

/// A backend: reads for scoring ([`IndexStore`]) and everything else.
pub trait Storage: IndexStore + AccountStore {
    type Batch<'a>: Batch<Error = Self::Error>
    where
        Self: 'a;

    /// Starts a write of `kind` from `file`.
    fn batch(&mut self, kind: &str, file: &str) -> Result<Self::Batch<'_>, Self::Error>;
    /// Recomputes every measure from the raw records.
    fn rebuild(&mut self) -> Result<(), Self::Error>;
    fn inventory(&self) -> Result<Inventory, Self::Error>;
    fn quarantine(&self) -> Result<Vec<QuarantinedRow>, Self::Error>;
    fn clear_quarantine(&mut self) -> Result<usize, Self::Error>;
    fn holidays(&self) -> Result<Vec<Holiday>, Self::Error>;
    /// The units and procedures of the catalogue, for resolving names.
    fn unit_list(&self) -> Result<Vec<Unit>, Self::Error>;
    fn procedure_list(&self) -> Result<Vec<Procedure>, Self::Error>;
    /// The processing steps kept for a dossier, in time order.
    fn steps(&self, dossier_id: &str) -> Result<Vec<ProcessingStep>, Self::Error>;
    /// The shipped methodology versions and those added.
    fn methodologies(&self) -> Result<MethodologySet, Self::Error>;
    fn add_methodology(&mut self, m: &Methodology, text: &str) -> Result<(), Self::Error>;
    fn meta(&self, key: &str) -> Result<Option<String>, Self::Error>;
    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), Self::Error>;
    /// Declares the data complete up to `at` (a synchronisation's arrival).
    fn declare_as_of(&mut self, at: Instant) -> Result<(), Self::Error>;
    /// The data's as-of instant (see [`IndexStore::data_as_of`]).
    fn as_of(&self) -> Result<Option<Instant>, Self::Error>;
    /// The portal's published figures of a period.
    fn published(&self, period: &Period) -> Result<Vec<PortalFigures>, Self::Error>;
    /// The periods with published figures, latest first.
    fn published_periods(&self) -> Result<Vec<String>, Self::Error>;
    /// A number that changes whenever any writer (in any process or node)
    /// commits: caches are keyed by it.
    fn data_version(&self) -> Result<u64, Self::Error>;
}

impl<E> Put<E> {
    /// A record naming a unit the catalogue does not have.
    pub fn unknown_unit(column: &'static str, code: &str) -> Put<E> {
        Put::Rejected {
            column: Some(column),
            reason: format!(
                "đơn vị '{code}' ở cột {column} chưa có trong danh mục đơn vị: nhập tệp đơn vị trước"
            ),
        }
    }

    /// A dossier naming a procedure the catalogue does not have.
    pub fn unknown_procedure(code: &str) -> Put<E> {
        Put::Rejected {
            column: Some("procedure_code"),
            reason: format!(
                "thủ tục '{code}' ở cột procedure_code chưa có trong danh mục TTHC: nhập tệp thủ tục trước"
            ),
        }
    }
}
