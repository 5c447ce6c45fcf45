//! The storage contract for administrative-reform (CCHC) records: yearly
//! plans, form submissions and yearly results (PAR Index, SIPAS, PAPI, the
//! yearly 766 result). A sibling of [`crate::storage::Storage`] that every
//! backend implements beside it.
//!
//! The core cannot name the domain's types (`chiso-cchc` depends on the core,
//! not the other way), so a record is kept as a *journal*: a head (its current
//! status and its state without history, as the domain serialises it) and
//! append-only entries (a plan task's status with its evidence, a
//! submission's revision or workflow step, each with who and when). The
//! application layer (`chiso_app::cchc`) turns journals into the domain's
//! `Plan` and `Submission` and back. A backend never interprets a body: it
//! keeps the order of entries, refuses to rewrite one, and refuses a write
//! made against an older state ([`Written::Conflict`]), so two people acting
//! on the same submission cannot lose each other's step.

use crate::time::Instant;

/// What a journal holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JournalKind {
    /// Kế hoạch CCHC năm of a unit: scope is the year.
    Plan,
    /// A unit's forms for a reporting period: scope is the period (`2024-H1`).
    Submission,
    /// Yearly results of a unit: scope is `INDEX/year` (`PAR/2023`).
    Result,
    /// A period's published results (`crate::publication`): unit is empty,
    /// scope is the period's code, one entry per version.
    Publication,
    /// A unit's notifications of a year and their deliveries
    /// (`chiso_core::alerts`): scope is the year.
    Alert,
}

impl JournalKind {
    pub const ALL: [JournalKind; 5] = [
        JournalKind::Plan,
        JournalKind::Submission,
        JournalKind::Result,
        JournalKind::Publication,
        JournalKind::Alert,
    ];

    /// The name kept in a database column.
    pub fn as_str(self) -> &'static str {
        match self {
            JournalKind::Plan => "plan",
            JournalKind::Submission => "submission",
            JournalKind::Result => "result",
            JournalKind::Publication => "publication",
            JournalKind::Alert => "alert",
        }
    }

    /// The kind a database column names.
    pub fn parse(text: &str) -> Option<JournalKind> {
        JournalKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Which journal: kind, unit code and scope.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JournalKey {
    pub kind: JournalKind,
    pub unit: String,
    pub scope: String,
}

impl JournalKey {
    pub fn new(kind: JournalKind, unit: &str, scope: &str) -> JournalKey {
        JournalKey {
            kind,
            unit: unit.to_string(),
            scope: scope.to_string(),
        }
    }
}

/// The current state of a journal (replaced at each write).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalHead {
    /// A short status the office filters on (`draft`, `approved`…).
    pub status: String,
    /// The state without its history, as the domain serialises it (JSON).
    pub body: String,
}

/// One appended entry: never changed once written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalEntry {
    /// What it is (`revision`, `event`, `status`…).
    pub part: String,
    /// When it was done.
    pub at: Instant,
    /// Who did it (an account's id; a plain actor string until accounts exist).
    pub by: String,
    /// The entry, as the domain serialises it (JSON).
    pub body: String,
}

/// A journal as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Journal {
    pub key: JournalKey,
    pub head: JournalHead,
    /// In the order written (entry `i` has sequence number `i + 1`).
    pub entries: Vec<JournalEntry>,
}

/// What a write did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// The head replaced and the entries appended.
    Appended,
    /// Nothing written: the journal holds `stored` entries, not the number
    /// the writer had read (someone wrote in between; read it again).
    Conflict { stored: usize },
}

/// Journals of administrative-reform records, kept by every backend.
pub trait JournalStore {
    type Error: std::error::Error + Send + Sync + 'static;

    /// One journal, if it was ever written.
    fn journal(&self, key: &JournalKey) -> Result<Option<Journal>, Self::Error>;

    /// The journals of a kind, by unit then scope (code order); `scope`
    /// narrows to one period or year.
    fn journals(&self, kind: JournalKind, scope: Option<&str>)
        -> Result<Vec<Journal>, Self::Error>;

    /// Replaces the head and appends `entries` after the `known` entries
    /// the writer read, in one transaction that moves the data version; a
    /// journal not holding exactly `known` entries is left as it is
    /// ([`Written::Conflict`]).
    fn write_journal(
        &mut self,
        key: &JournalKey,
        head: &JournalHead,
        known: usize,
        entries: &[JournalEntry],
    ) -> Result<Written, Self::Error>;
}
