//! The reference backend: every record in memory, every figure recomputed
//! from the raw records on each read (`engine::accumulate_records`), no
//! maintained counter at all. It keeps the whole storage contract
//! ([`Storage`], [`Batch`]) so the conformance suite can hold the real
//! backends to it: what they answer from counters, partitions and indexes
//! must equal what this one recomputes. Also the store of tests that only
//! need some records scored.
//!
//! A batch works on a copy of the data and replaces it at commit, so a batch
//! dropped without commit leaves nothing, like a rolled-back transaction.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;

use crate::accounts::{ApiToken, AuditDraft, AuditEntry, Session, User, GENESIS};
use crate::calendar::{Calendar, Holiday};
use crate::engine::{self, IndexStore, UnitRecords};
use crate::measures::{Accumulator, ProcedureId, UnitId};
use crate::methodology::{Methodology, MethodologySet};
use crate::period::Period;
use crate::reconcile::PortalFigures;
use crate::records::{Dossier, Feedback, Procedure, Unit, UnitCounts};
use crate::reform::{
    Journal, JournalEntry, JournalHead, JournalKey, JournalKind, JournalStore, Written,
};
use crate::scoring::Hierarchy;
use crate::steps::{self, ProcessingStep};
use crate::storage::{
    AccountStore, Batch, BatchCounts, Inventory, Outcome, Put, QuarantinedRow, Storage,
};
use crate::targets::Target;
use crate::time::{Date, Instant, Month};

/// Meta key of the declared as-of instant (Unix seconds), as in the SQLite store.
const DECLARED_AS_OF: &str = "data_as_of";

#[derive(Clone, Debug, Default)]
struct Data {
    /// Units in the order they were first stored; a unit's id is its position + 1.
    units: Vec<Unit>,
    procedures: Vec<Procedure>,
    holidays: BTreeMap<Date, Holiday>,
    dossiers: BTreeMap<String, Dossier>,
    feedback: BTreeMap<String, Feedback>,
    counts: BTreeMap<(String, Month), UnitCounts>,
    steps: BTreeMap<String, ProcessingStep>,
    events: BTreeMap<(String, i64), String>,
    published: BTreeMap<(String, String), PortalFigures>,
    /// Targets by (unit or none, year, criterion).
    targets: BTreeMap<(Option<String>, i32, String), Target>,
    quarantine: Vec<QuarantinedRow>,
    meta: BTreeMap<String, String>,
    journals: BTreeMap<JournalKey, Journal>,
    imports: i64,
    version: u64,
}

impl Data {
    fn has_unit(&self, code: &str) -> bool {
        self.units.iter().any(|u| u.code == code)
    }

    fn has_procedure(&self, code: &str) -> bool {
        self.procedures.iter().any(|p| p.code == code)
    }

    fn steps_of(&self, id: &str) -> Vec<ProcessingStep> {
        let mut list: Vec<ProcessingStep> = self
            .steps
            .values()
            .filter(|s| s.dossier_id == id)
            .cloned()
            .collect();
        list.sort_by_key(|s| (s.at, s.key()));
        list
    }

    fn records(&self) -> UnitRecords {
        UnitRecords {
            dossiers: self.dossiers.values().cloned().collect(),
            feedback: self.feedback.values().cloned().collect(),
            counts: self.counts.values().cloned().collect(),
        }
    }
}

/// The in-memory reference backend.
#[derive(Debug, Default)]
pub struct MemoryStore {
    data: Data,
    accounts: std::sync::Mutex<Accounts>,
}

/// Accounts, sessions, tokens and the audit log ([`AccountStore`]).
#[derive(Debug, Default)]
struct Accounts {
    users: Vec<User>,
    sessions: BTreeMap<String, Session>,
    tokens: Vec<ApiToken>,
    audit: Vec<AuditEntry>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// A store holding these records, written through one batch as a file
    /// would be; `Err` lists the records it refused (unknown unit or procedure).
    pub fn with_records(
        units: Vec<Unit>,
        procedures: Vec<Procedure>,
        holidays: Vec<Holiday>,
        records: UnitRecords,
    ) -> Result<MemoryStore, Vec<String>> {
        let mut store = MemoryStore::new();
        let mut refused = Vec::new();
        let Ok(mut batch) = store.batch("records", "memory");
        let mut note = |r: PutResult| {
            if let Err(Put::Rejected { reason, .. }) = r {
                refused.push(reason);
            }
        };
        units.iter().for_each(|u| note(batch.put_unit(u)));
        procedures.iter().for_each(|p| note(batch.put_procedure(p)));
        holidays.iter().for_each(|h| note(batch.put_holiday(h)));
        records
            .dossiers
            .iter()
            .for_each(|d| note(batch.put_dossier(d)));
        records
            .feedback
            .iter()
            .for_each(|f| note(batch.put_feedback(f)));
        records
            .counts
            .iter()
            .for_each(|c| note(batch.put_counts(c)));
        let Ok(_) = batch.commit(0);
        if refused.is_empty() {
            Ok(store)
        } else {
            Err(refused)
        }
    }

    fn declared(&self) -> Option<Instant> {
        self.data
            .meta
            .get(DECLARED_AS_OF)
            .and_then(|v| v.parse().ok())
            .map(Instant::from_unix)
    }
}

/// A write to a [`MemoryStore`].
pub struct MemoryBatch<'a> {
    store: &'a mut MemoryStore,
    data: Data,
    kind: String,
    file: String,
    import: i64,
    counts: BatchCounts,
}

impl MemoryBatch<'_> {
    fn outcome(&mut self, replaced: bool) -> Outcome {
        if replaced {
            self.counts.replaced += 1;
            Outcome::Replaced
        } else {
            self.counts.inserted += 1;
            Outcome::Inserted
        }
    }
}

type PutResult = Result<Outcome, Put<Infallible>>;

impl Batch for MemoryBatch<'_> {
    type Error = Infallible;

    fn file(&self) -> &str {
        &self.file
    }

    fn put_unit(&mut self, u: &Unit) -> PutResult {
        let existing = self.data.units.iter_mut().find(|x| x.code == u.code);
        let replaced = existing.is_some();
        match existing {
            Some(x) => *x = u.clone(),
            None => self.data.units.push(u.clone()),
        }
        Ok(self.outcome(replaced))
    }

    fn put_procedure(&mut self, p: &Procedure) -> PutResult {
        let existing = self.data.procedures.iter_mut().find(|x| x.code == p.code);
        let replaced = existing.is_some();
        match existing {
            Some(x) => *x = p.clone(),
            None => self.data.procedures.push(p.clone()),
        }
        Ok(self.outcome(replaced))
    }

    fn put_holiday(&mut self, h: &Holiday) -> PutResult {
        let replaced = self.data.holidays.contains_key(&h.date);
        self.data
            .holidays
            .entry(h.date)
            .or_insert_with(|| h.clone());
        Ok(self.outcome(replaced))
    }

    fn put_dossier(&mut self, d: &Dossier) -> PutResult {
        if !self.data.has_unit(&d.unit_code) {
            return Err(Put::unknown_unit("unit_code", &d.unit_code));
        }
        if !self.data.has_procedure(&d.procedure_code) {
            return Err(Put::unknown_procedure(&d.procedure_code));
        }
        let merged = steps::apply_steps(d, &self.data.steps_of(&d.id));
        let replaced = self.data.dossiers.insert(d.id.clone(), merged).is_some();
        Ok(self.outcome(replaced))
    }

    fn put_feedback(&mut self, f: &Feedback) -> PutResult {
        if !self.data.has_unit(&f.unit_code) {
            return Err(Put::unknown_unit("unit_code", &f.unit_code));
        }
        let replaced = self.data.feedback.insert(f.id.clone(), f.clone()).is_some();
        Ok(self.outcome(replaced))
    }

    fn put_counts(&mut self, c: &UnitCounts) -> PutResult {
        if !self.data.has_unit(&c.unit_code) {
            return Err(Put::unknown_unit("unit_code", &c.unit_code));
        }
        let key = (c.unit_code.clone(), c.month);
        let replaced = self.data.counts.insert(key, c.clone()).is_some();
        Ok(self.outcome(replaced))
    }

    fn put_step(&mut self, s: &ProcessingStep) -> PutResult {
        if self.data.steps.contains_key(&s.key()) {
            return Ok(self.outcome(true));
        }
        self.data.steps.insert(s.key(), s.clone());
        if let Some(d) = self.data.dossiers.get(&s.dossier_id).cloned() {
            let merged = steps::apply_steps(&d, &self.data.steps_of(&d.id));
            self.data.dossiers.insert(d.id.clone(), merged);
        }
        Ok(self.outcome(false))
    }

    fn put_target(&mut self, t: &Target) -> PutResult {
        if let Some(u) = t.unit_code.as_deref().filter(|u| !self.data.has_unit(u)) {
            return Err(Put::unknown_unit("unit_code", u));
        }
        let key = (t.unit_code.clone(), t.year, t.criterion.clone());
        let replaced = self.data.targets.insert(key, t.clone()).is_some();
        Ok(self.outcome(replaced))
    }

    fn put_published(&mut self, period: &Period, _line: usize, f: &PortalFigures) -> PutResult {
        if !self.data.has_unit(&f.unit_code) {
            return Err(Put::unknown_unit("ID", &f.unit_code));
        }
        let key = (period.code(), f.unit_code.clone());
        let replaced = self.data.published.insert(key, f.clone()).is_some();
        Ok(self.outcome(replaced))
    }

    fn reject(
        &mut self,
        line: usize,
        column: Option<&str>,
        reason: &str,
        raw: &str,
    ) -> Result<(), Infallible> {
        let id = self.data.quarantine.len() as i64 + 1;
        self.data.quarantine.push(QuarantinedRow {
            id,
            import_id: Some(self.import),
            kind: self.kind.clone(),
            file: self.file.clone(),
            line: line as i64,
            column: column.map(str::to_string),
            reason: reason.to_string(),
            raw: raw.to_string(),
        });
        self.counts.rejected += 1;
        Ok(())
    }

    fn put_event(&mut self, dossier_id: &str, seq: i64, body: &str) -> Result<bool, Infallible> {
        let key = (dossier_id.to_string(), seq);
        if self.data.events.contains_key(&key) {
            return Ok(false);
        }
        self.data.events.insert(key, body.to_string());
        Ok(true)
    }

    fn event_bodies(&self, dossier_id: &str) -> Result<Vec<String>, Infallible> {
        Ok(self
            .data
            .events
            .iter()
            .filter(|((id, _), _)| id == dossier_id)
            .map(|(_, body)| body.clone())
            .collect())
    }

    fn commit(mut self, _read: u64) -> Result<BatchCounts, Infallible> {
        self.data.version += 1;
        self.store.data = self.data;
        Ok(self.counts)
    }
}

impl IndexStore for MemoryStore {
    type Error = Infallible;

    fn hierarchy(&self) -> Result<Hierarchy, Infallible> {
        Ok(Hierarchy::new(
            self.data
                .units
                .iter()
                .enumerate()
                .map(|(i, u)| (i as UnitId + 1, u.clone()))
                .collect(),
        ))
    }

    fn catalogue(&self) -> Result<HashMap<ProcedureId, Procedure>, Infallible> {
        Ok(self
            .data
            .procedures
            .iter()
            .enumerate()
            .map(|(i, p)| (i as ProcedureId + 1, p.clone()))
            .collect())
    }

    fn calendar(&self) -> Result<Calendar, Infallible> {
        Ok(Calendar::new(self.data.holidays.keys().copied()))
    }

    fn own_accumulators(
        &self,
        period: &Period,
    ) -> Result<HashMap<UnitId, Accumulator>, Infallible> {
        Ok(engine::accumulate_records(
            &self.hierarchy()?,
            &self.catalogue()?,
            &self.calendar()?,
            &self.data.records(),
            period,
        ))
    }

    fn records_for(&self, units: &[UnitId], _period: &Period) -> Result<UnitRecords, Infallible> {
        let codes: Vec<&str> = units
            .iter()
            .filter_map(|id| self.data.units.get(*id as usize - 1))
            .map(|u| u.code.as_str())
            .collect();
        let mine = |code: &String| codes.contains(&code.as_str());
        let all = self.data.records();
        Ok(UnitRecords {
            dossiers: all
                .dossiers
                .into_iter()
                .filter(|d| mine(&d.unit_code))
                .collect(),
            feedback: all
                .feedback
                .into_iter()
                .filter(|f| mine(&f.unit_code))
                .collect(),
            counts: all
                .counts
                .into_iter()
                .filter(|c| mine(&c.unit_code))
                .collect(),
        })
    }

    fn data_as_of(&self, _until: Instant) -> Result<Option<Instant>, Infallible> {
        self.as_of()
    }

    /// Goals first, then assigned targets, each by unit, year and criterion.
    fn targets(&self) -> Result<Vec<Target>, Infallible> {
        Ok(self.data.targets.values().cloned().collect())
    }
}

impl MemoryStore {
    fn accounts(&self) -> std::sync::MutexGuard<'_, Accounts> {
        self.accounts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl AccountStore for MemoryStore {
    fn users(&self) -> Result<Vec<User>, Infallible> {
        Ok(self.accounts().users.clone())
    }
    fn user(&self, login: &str) -> Result<Option<User>, Infallible> {
        Ok(self
            .accounts()
            .users
            .iter()
            .find(|u| u.login == login)
            .cloned())
    }
    fn user_by_id(&self, id: i64) -> Result<Option<User>, Infallible> {
        Ok(self.accounts().users.iter().find(|u| u.id == id).cloned())
    }
    fn put_user(&self, user: &User) -> Result<i64, Infallible> {
        let mut a = self.accounts();
        if let Some(old) = a.users.iter_mut().find(|u| u.id == user.id && user.id != 0) {
            *old = user.clone();
            return Ok(user.id);
        }
        let id = a.users.len() as i64 + 1;
        a.users.push(User { id, ..user.clone() });
        Ok(id)
    }
    fn put_session(&self, session: &Session) -> Result<(), Infallible> {
        self.accounts()
            .sessions
            .insert(session.secret_hash.clone(), session.clone());
        Ok(())
    }
    fn session(&self, secret_hash: &str) -> Result<Option<Session>, Infallible> {
        Ok(self.accounts().sessions.get(secret_hash).cloned())
    }
    fn end_session(&self, secret_hash: &str) -> Result<(), Infallible> {
        self.accounts().sessions.remove(secret_hash);
        Ok(())
    }
    fn end_sessions_of(&self, user_id: i64) -> Result<(), Infallible> {
        self.accounts().sessions.retain(|_, s| s.user_id != user_id);
        Ok(())
    }
    fn put_token(&self, token: &ApiToken) -> Result<i64, Infallible> {
        let mut a = self.accounts();
        if let Some(old) = a
            .tokens
            .iter_mut()
            .find(|t| t.id == token.id && token.id != 0)
        {
            *old = token.clone();
            return Ok(token.id);
        }
        let id = a.tokens.len() as i64 + 1;
        a.tokens.push(ApiToken {
            id,
            ..token.clone()
        });
        Ok(id)
    }
    fn token(&self, secret_hash: &str) -> Result<Option<ApiToken>, Infallible> {
        Ok(self
            .accounts()
            .tokens
            .iter()
            .find(|t| t.secret_hash == secret_hash)
            .cloned())
    }
    fn tokens(&self) -> Result<Vec<ApiToken>, Infallible> {
        Ok(self.accounts().tokens.clone())
    }
    fn append_audit(&self, draft: &AuditDraft) -> Result<AuditEntry, Infallible> {
        let mut a = self.accounts();
        let prev = a
            .audit
            .last()
            .map_or(GENESIS.to_string(), |e| e.hash.clone());
        let entry = AuditEntry::chain(a.audit.len() as i64 + 1, &prev, draft.clone());
        a.audit.push(entry.clone());
        Ok(entry)
    }
    fn audit(&self, after: i64, limit: usize) -> Result<Vec<AuditEntry>, Infallible> {
        Ok(self
            .accounts()
            .audit
            .iter()
            .filter(|e| e.seq > after)
            .take(limit)
            .cloned()
            .collect())
    }
}

impl Storage for MemoryStore {
    type Batch<'a> = MemoryBatch<'a>;

    fn batch(&mut self, kind: &str, file: &str) -> Result<MemoryBatch<'_>, Infallible> {
        let mut data = self.data.clone();
        data.imports += 1;
        let import = data.imports;
        Ok(MemoryBatch {
            store: self,
            data,
            kind: kind.to_string(),
            file: file.to_string(),
            import,
            counts: BatchCounts::default(),
        })
    }

    /// Nothing to rebuild: every read recomputes from the raw records.
    fn rebuild(&mut self) -> Result<(), Infallible> {
        Ok(())
    }

    fn inventory(&self) -> Result<Inventory, Infallible> {
        let received = self.data.dossiers.values().map(|d| d.received_at.unix());
        Ok(Inventory {
            units: self.data.units.len() as i64,
            procedures: self.data.procedures.len() as i64,
            dossiers: self.data.dossiers.len() as i64,
            feedback: self.data.feedback.len() as i64,
            quarantined: self.data.quarantine.len() as i64,
            first_received: received.clone().min(),
            latest_received: received.max(),
        })
    }

    fn quarantine(&self) -> Result<Vec<QuarantinedRow>, Infallible> {
        Ok(self.data.quarantine.clone())
    }

    fn clear_quarantine(&mut self) -> Result<usize, Infallible> {
        let n = self.data.quarantine.len();
        self.data.quarantine.clear();
        self.data.version += 1;
        Ok(n)
    }

    fn holidays(&self) -> Result<Vec<Holiday>, Infallible> {
        Ok(self.data.holidays.values().cloned().collect())
    }

    fn unit_list(&self) -> Result<Vec<Unit>, Infallible> {
        Ok(self.data.units.clone())
    }

    fn procedure_list(&self) -> Result<Vec<Procedure>, Infallible> {
        let mut list = self.data.procedures.clone();
        list.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(list)
    }

    fn steps(&self, dossier_id: &str) -> Result<Vec<ProcessingStep>, Infallible> {
        Ok(self.data.steps_of(dossier_id))
    }

    fn methodologies(&self) -> Result<MethodologySet, Infallible> {
        let mut set = MethodologySet::builtin();
        for (key, text) in &self.data.meta {
            if key.starts_with("methodology:") {
                if let Ok(m) = Methodology::from_toml(key, text) {
                    set.add(m);
                }
            }
        }
        Ok(set)
    }

    fn add_methodology(&mut self, m: &Methodology, text: &str) -> Result<(), Infallible> {
        self.set_meta(&format!("methodology:{}", m.id), text)
    }

    fn meta(&self, key: &str) -> Result<Option<String>, Infallible> {
        Ok(self.data.meta.get(key).cloned())
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), Infallible> {
        self.data.meta.insert(key.to_string(), value.to_string());
        self.data.version += 1;
        Ok(())
    }

    /// Never moves the declared instant back, as in the SQLite store.
    fn declare_as_of(&mut self, at: Instant) -> Result<(), Infallible> {
        let at = self.declared().map_or(at, |d| d.max(at));
        self.set_meta(DECLARED_AS_OF, &at.unix().to_string())
    }

    fn as_of(&self) -> Result<Option<Instant>, Infallible> {
        Ok(self.data.records().as_of().max(self.declared()))
    }

    fn published(&self, period: &Period) -> Result<Vec<PortalFigures>, Infallible> {
        let code = period.code();
        Ok(self
            .data
            .published
            .iter()
            .filter(|((p, _), _)| *p == code)
            .map(|(_, f)| f.clone())
            .collect())
    }

    fn published_periods(&self) -> Result<Vec<String>, Infallible> {
        let mut periods: Vec<String> = self.data.published.keys().map(|(p, _)| p.clone()).collect();
        periods.dedup();
        Ok(periods)
    }

    fn data_version(&self) -> Result<u64, Infallible> {
        Ok(self.data.version)
    }
}

impl JournalStore for MemoryStore {
    type Error = Infallible;

    fn journal(&self, key: &JournalKey) -> Result<Option<Journal>, Infallible> {
        Ok(self.data.journals.get(key).cloned())
    }

    fn journals(&self, kind: JournalKind, scope: Option<&str>) -> Result<Vec<Journal>, Infallible> {
        Ok(self
            .data
            .journals
            .values()
            .filter(|j| j.key.kind == kind && scope.is_none_or(|s| j.key.scope == s))
            .cloned()
            .collect())
    }

    fn write_journal(
        &mut self,
        key: &JournalKey,
        head: &JournalHead,
        known: usize,
        entries: &[JournalEntry],
    ) -> Result<Written, Infallible> {
        let stored = self.data.journals.get(key).map_or(0, |j| j.entries.len());
        if stored != known {
            return Ok(Written::Conflict { stored });
        }
        let journal = self
            .data
            .journals
            .entry(key.clone())
            .or_insert_with(|| Journal {
                key: key.clone(),
                head: head.clone(),
                entries: Vec::new(),
            });
        journal.head = head.clone();
        journal.entries.extend_from_slice(entries);
        self.data.version += 1;
        Ok(Written::Appended)
    }
}
