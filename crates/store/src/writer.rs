//! Import batches: records are upserted (same key replaces) and the measures
//! maintained as they arrive, all in one transaction.

use std::collections::{BTreeMap, HashMap, HashSet};

use chiso_core::calendar::{Calendar, Holiday};
use chiso_core::measures::{
    self, Counter, LateKind, MeasureBook, MonthCounters, ProcedureId, ProcedureUse, UnitId,
    DAY_COUNTERS,
};
use chiso_core::records::{Dossier, Feedback, Procedure, Unit, UnitCounts};
use chiso_core::steps::{self, ProcessingStep};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::packed;
use crate::rows::{self, day, instant};
use crate::{Result, StoreError};
pub use chiso_core::storage::{BatchCounts, Outcome};

const INSERT_DOSSIER: &str = "INSERT INTO dossiers(id, unit_id, procedure_id, channel, submitted_at, received_at, \
     due_at, finished_at, returned_at, status, supplement_requests, supplement_requested_at, supplement_days, synced, \
     fee_amount, paid_online, e_result, digitized, reused_data, vneid_verified, handler_named, personal_store_synced, \
     citizen_data_used, rating, complaint, ended_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, \
     ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26) ON CONFLICT(id) DO NOTHING";

/// Entries of the measure book after which a writer flushes it (about
/// 200 MB; a province's year of 1 million dossiers stays below it).
const BOOK_ENTRIES: usize = 2_000_000;

/// A record the store cannot accept.
#[derive(Debug, thiserror::Error)]
pub enum PutError {
    #[error("đơn vị '{code}' ở cột {column} chưa có trong danh mục đơn vị: nhập tệp đơn vị trước")]
    UnknownUnit { column: &'static str, code: String },
    #[error(
        "thủ tục '{0}' ở cột procedure_code chưa có trong danh mục TTHC: nhập tệp thủ tục trước"
    )]
    UnknownProcedure(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PutError {
    pub fn column(&self) -> Option<&'static str> {
        match self {
            PutError::UnknownUnit { column, .. } => Some(column),
            PutError::UnknownProcedure(_) => Some("procedure_code"),
            PutError::Store(_) => None,
        }
    }
}

impl From<rusqlite::Error> for PutError {
    fn from(e: rusqlite::Error) -> Self {
        PutError::Store(e.into())
    }
}

pub struct Writer<'a> {
    /// The dossier insert, prepared once: the hot statement of an import
    /// (a statement cache lookup hashes its text on every row).
    insert: rusqlite::Statement<'a>,
    pub(crate) tx: Transaction<'a>,
    pub(crate) import_id: i64,
    kind: String,
    file: String,
    book: MeasureBook,
    units: HashMap<String, UnitId>,
    procedures: HashMap<String, (ProcedureId, Procedure)>,
    calendar: Calendar,
    needs_rebuild: bool,
    counts: BatchCounts,
    /// Entries of the measure book after which it is written out.
    book_limit: usize,
    /// Dossiers that have processing steps, so that writing any other
    /// dossier costs no lookup.
    with_steps: HashSet<String>,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(conn: &'a mut Connection, kind: &str, file: &str) -> Result<Writer<'a>> {
        // Held exclusively for `'a`: the transaction and the prepared insert
        // share it. The write lock from the start: a second writer waits
        // here, in SQLite's queue of writers, rather than failing halfway
        // through.
        let conn: &'a Connection = conn;
        let tx =
            rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
        let insert = conn.prepare(INSERT_DOSSIER)?;
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        tx.execute(
            "INSERT INTO imports(kind, file, started_at) VALUES (?1, ?2, ?3)",
            params![kind, file, started],
        )?;
        let import_id = tx.last_insert_rowid();
        let units = rows::units(&tx)?
            .into_iter()
            .map(|(id, u)| (u.code, id))
            .collect();
        let procedures = rows::procedures(&tx)?
            .into_iter()
            .map(|(id, p)| (p.code.clone(), (id, p)))
            .collect();
        let mut stmt = tx.prepare("SELECT day FROM holidays")?;
        let days = stmt
            .query_map([], |r| r.get::<_, i32>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        let calendar = Calendar::new(days.into_iter().map(chiso_core::time::Date::from_days));
        let mut stmt = tx.prepare("SELECT DISTINCT dossier_id FROM dossier_steps")?;
        let with_steps = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<HashSet<_>>>()?;
        drop(stmt);
        Ok(Writer {
            insert,
            with_steps,
            tx,
            import_id,
            kind: kind.to_string(),
            file: file.to_string(),
            book: MeasureBook::default(),
            units,
            procedures,
            calendar,
            needs_rebuild: false,
            counts: BatchCounts::default(),
            book_limit: BOOK_ENTRIES,
        })
    }

    /// Writes the measure book into its tables whenever it holds more than
    /// `entries` (by default about 200 MB of it): less memory, more writes.
    pub fn flush_measures_above(&mut self, entries: usize) {
        self.book_limit = entries;
    }

    /// The file (or upload) being imported.
    pub fn file(&self) -> &str {
        &self.file
    }

    pub fn counts(&self) -> BatchCounts {
        self.counts
    }

    pub(crate) fn outcome(&mut self, replaced: bool) -> Outcome {
        if replaced {
            self.counts.replaced += 1;
            Outcome::Replaced
        } else {
            self.counts.inserted += 1;
            Outcome::Inserted
        }
    }

    pub(crate) fn unit_id(
        &self,
        column: &'static str,
        code: &str,
    ) -> std::result::Result<UnitId, PutError> {
        self.units
            .get(code)
            .copied()
            .ok_or_else(|| PutError::UnknownUnit {
                column,
                code: code.to_string(),
            })
    }

    /// Keeps a rejected row aside with its reason.
    pub fn reject(
        &mut self,
        line: usize,
        column: Option<&str>,
        reason: &str,
        raw: &str,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO quarantine(import_id, kind, file, line, column_name, reason, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![self.import_id, self.kind, self.file, line as i64, column, reason, raw])?;
        self.counts.rejected += 1;
        Ok(())
    }

    pub fn put_unit(&mut self, u: &Unit) -> std::result::Result<Outcome, PutError> {
        let existed = self.units.contains_key(&u.code);
        self.tx
            .prepare_cached(
                "INSERT INTO units(code, name, parent_code, kind, valid_from, valid_to, successor_code, scored) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(code) DO UPDATE SET name = excluded.name, \
                 parent_code = excluded.parent_code, kind = excluded.kind, valid_from = excluded.valid_from, \
                 valid_to = excluded.valid_to, successor_code = excluded.successor_code, scored = excluded.scored",
            )?
            .execute(params![
                u.code,
                u.name,
                u.parent_code,
                u.kind.code(),
                day(u.valid_from),
                day(u.valid_to),
                u.successor_code,
                u.scored
            ])?;
        if !existed {
            let id: UnitId =
                self.tx
                    .query_row("SELECT id FROM units WHERE code = ?1", [&u.code], |r| {
                        r.get(0)
                    })?;
            self.units.insert(u.code.clone(), id);
        }
        Ok(self.outcome(existed))
    }

    pub fn put_procedure(&mut self, p: &Procedure) -> std::result::Result<Outcome, PutError> {
        let existed = self.procedures.contains_key(&p.code);
        self.tx
            .prepare_cached(
                "INSERT INTO procedures(code, name, level, field, online_level, full_online_eligible, has_fee, paper_result, \
                 max_days, citizen_facing, decision_date, legal_effective_date, published_at, complete_parts, citizen_data_connected) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) ON CONFLICT(code) DO UPDATE SET \
                 name = excluded.name, level = excluded.level, field = excluded.field, online_level = excluded.online_level, \
                 full_online_eligible = excluded.full_online_eligible, has_fee = excluded.has_fee, \
                 paper_result = excluded.paper_result, max_days = excluded.max_days, citizen_facing = excluded.citizen_facing, \
                 decision_date = excluded.decision_date, legal_effective_date = excluded.legal_effective_date, \
                 published_at = excluded.published_at, complete_parts = excluded.complete_parts, \
                 citizen_data_connected = excluded.citizen_data_connected",
            )?
            .execute(params![
                p.code,
                p.name,
                p.level.map(|l| l.code()),
                p.field,
                p.online_level.code(),
                p.full_online_eligible,
                p.has_fee,
                p.paper_result,
                p.max_days,
                p.citizen_facing,
                day(p.decision_date),
                day(p.legal_effective_date),
                day(p.published_at),
                p.complete_parts,
                p.citizen_data_connected
            ])?;
        let id: ProcedureId = match self.procedures.get(&p.code) {
            Some((id, _)) => *id,
            None => self.tx.query_row(
                "SELECT id FROM procedures WHERE code = ?1",
                [&p.code],
                |r| r.get(0),
            )?,
        };
        // Measures depend on a procedure's flags: recompute them at commit.
        self.needs_rebuild |= existed;
        self.procedures.insert(p.code.clone(), (id, p.clone()));
        Ok(self.outcome(existed))
    }

    pub fn put_holiday(&mut self, h: &Holiday) -> std::result::Result<Outcome, PutError> {
        let changed = self
            .tx
            .prepare_cached(
                "INSERT INTO holidays(day, name) VALUES (?1, ?2) ON CONFLICT(day) DO NOTHING",
            )?
            .execute(params![h.date.days(), h.name])?;
        if changed == 0 {
            self.tx.execute(
                "UPDATE holidays SET name = ?2 WHERE day = ?1",
                params![h.date.days(), h.name],
            )?;
        }
        // Working days change, so do deadlines: recompute measures at commit.
        self.needs_rebuild = true;
        Ok(self.outcome(changed == 0))
    }

    pub fn put_dossier(&mut self, d: &Dossier) -> std::result::Result<Outcome, PutError> {
        let merged;
        let d = if self.with_steps.contains(&d.id) {
            merged = steps::apply_steps(d, &self.steps(&d.id)?);
            &merged
        } else {
            d
        };
        let unit = self.unit_id("unit_code", &d.unit_code)?;
        let procedure_id = match self.procedures.get(&d.procedure_code) {
            Some((id, _)) => *id,
            None => return Err(PutError::UnknownProcedure(d.procedure_code.clone())),
        };
        // The common case (a new key) costs one insert; a replacement is detected by the conflict.
        let replaced = self.insert_dossier_row(d, unit, procedure_id)? == 0;
        if replaced {
            self.remove_dossier(&d.id)?;
            self.insert_dossier_row(d, unit, procedure_id)?;
        }
        let procedure = self
            .procedures
            .get(&d.procedure_code)
            .map(|(id, p)| (*id, p));
        let c = measures::dossier_contribution(d, procedure, &self.calendar);
        self.book.apply_dossier(unit, &c, 1);
        // Deltas add up: written into the tables within the transaction,
        // a full book is as good as one kept to the commit.
        if self.book.entries() > self.book_limit {
            flush(&self.tx, &mut self.book)?;
        }
        Ok(self.outcome(replaced))
    }

    fn insert_dossier_row(
        &mut self,
        d: &Dossier,
        unit: UnitId,
        procedure_id: ProcedureId,
    ) -> rusqlite::Result<usize> {
        self.insert.execute(params![
            d.id,
            unit,
            procedure_id,
            d.channel as i64,
            instant(d.submitted_at),
            d.received_at.unix(),
            instant(d.due_at),
            instant(d.finished_at),
            instant(d.returned_at),
            d.status.code(),
            d.supplement_requests,
            instant(d.supplement_requested_at),
            d.supplement_days,
            d.synced,
            d.fee_amount,
            d.paid_online,
            d.e_result,
            d.digitized,
            d.reused_data,
            d.vneid_verified,
            d.handler_named,
            d.personal_store_synced,
            d.citizen_data_used,
            d.rating.map(|r| r.code()),
            d.complaint,
            instant(chiso_core::judge::end_of_processing(d)),
        ])
    }

    /// Deletes a stored dossier and takes its contribution out of the measures.
    fn remove_dossier(&mut self, id: &str) -> Result<()> {
        let old = self
            .tx
            .prepare_cached(&format!("{} WHERE d.id = ?1", rows::DOSSIER_SELECT))?
            .query_row([id], |r| {
                Ok((
                    rows::dossier_from_row(r),
                    r.get::<_, UnitId>(25)?,
                    r.get::<_, ProcedureId>(26)?,
                ))
            })
            .optional()?;
        if let Some((old, unit, procedure_id)) = old {
            let old = old?;
            let procedure = self
                .procedures
                .get(&old.procedure_code)
                .map(|(id, p)| (*id, p));
            let c = measures::dossier_contribution(
                &old,
                procedure.filter(|(id, _)| *id == procedure_id),
                &self.calendar,
            );
            self.book.apply_dossier(unit, &c, -1);
            self.tx
                .prepare_cached("DELETE FROM dossiers WHERE id = ?1")?
                .execute([id])?;
        }
        Ok(())
    }

    pub fn put_feedback(&mut self, f: &Feedback) -> std::result::Result<Outcome, PutError> {
        let unit = self.unit_id("unit_code", &f.unit_code)?;
        let old = self
            .tx
            .prepare_cached(&format!("{} WHERE f.id = ?1", rows::FEEDBACK_SELECT))?
            .query_row([&f.id], |r| {
                Ok((rows::feedback_from_row(r), r.get::<_, UnitId>(9)?))
            })
            .optional()?;
        let replaced = old.is_some();
        if let Some((old, old_unit)) = old {
            let c = measures::feedback_contribution(&old?, &self.calendar);
            self.book.apply_feedback(old_unit, &c, -1);
        }
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO feedback(id, unit_id, received_at, outcome, handled_at, published_at, likes, dislikes, \
                 repeated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                f.id,
                unit,
                f.received_at.unix(),
                f.outcome.code(),
                instant(f.handled_at),
                instant(f.published_at),
                f.likes,
                f.dislikes,
                f.repeated
            ])?;
        self.book
            .apply_feedback(unit, &measures::feedback_contribution(f, &self.calendar), 1);
        Ok(self.outcome(replaced))
    }

    pub fn put_counts(&mut self, c: &UnitCounts) -> std::result::Result<Outcome, PutError> {
        let unit = self.unit_id("unit_code", &c.unit_code)?;
        let old = self
            .tx
            .prepare_cached(&format!(
                "{} WHERE c.unit_id = ?1 AND c.month = ?2",
                rows::COUNTS_SELECT
            ))?
            .query_row((unit, c.month.index()), |r| Ok(rows::counts_from_row(r)))
            .optional()?;
        let replaced = old.is_some();
        if let Some(old) = old {
            self.book.apply_unit_counts(unit, &old?, -1);
        }
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO unit_counts(unit_id, month, verified_accounts, e_certified_copies, \
                 certification_dossiers, population) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                unit,
                c.month.index(),
                c.verified_accounts,
                c.e_certified_copies,
                c.certification_dossiers,
                c.population
            ])?;
        self.book.apply_unit_counts(unit, c, 1);
        Ok(self.outcome(replaced))
    }

    /// Keeps one processing step; a step already kept changes nothing. When
    /// its dossier is stored, the dossier is written again with the step
    /// merged in; otherwise the step waits for it.
    pub fn put_step(&mut self, step: &ProcessingStep) -> std::result::Result<Outcome, PutError> {
        let added = self
            .tx
            .prepare_cached(
                "INSERT INTO dossier_steps(key, dossier_id, at, status, handler, title, department, content, \
                 started_at, due_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(key) DO NOTHING",
            )
            .map_err(StoreError::from)?
            .execute(params![
                step.key(),
                step.dossier_id,
                step.at.unix(),
                step.status.map(|s| s.code()),
                step.handler,
                step.title,
                step.department,
                step.content,
                instant(step.started_at),
                instant(step.due_at),
            ])
            .map_err(StoreError::from)?;
        if added == 0 {
            return Ok(self.outcome(true));
        }
        self.with_steps.insert(step.dossier_id.clone());
        let stored = self
            .tx
            .prepare_cached(&format!("{} WHERE d.id = ?1", rows::DOSSIER_SELECT))
            .map_err(StoreError::from)?
            .query_row([&step.dossier_id], |r| Ok(rows::dossier_from_row(r)))
            .optional()
            .map_err(StoreError::from)?;
        if let Some(dossier) = stored {
            self.put_dossier(&dossier?)?;
            // Writing the dossier again is part of keeping the step, not a record of its own.
            self.counts.replaced -= 1;
        }
        Ok(self.outcome(false))
    }

    /// The kept steps of a dossier, in time order.
    pub fn steps(&self, dossier_id: &str) -> Result<Vec<ProcessingStep>> {
        rows::steps(&self.tx, dossier_id)
    }

    /// Keeps one event of the real-time feed; false when its (dossier, seq)
    /// was already applied (a duplicate changes nothing).
    pub fn put_event(&mut self, dossier_id: &str, seq: i64, body: &str) -> Result<bool> {
        let added = self
            .tx
            .prepare_cached("INSERT INTO dossier_events(dossier_id, seq, body) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")?
            .execute(params![dossier_id, seq, body])?;
        Ok(added == 1)
    }

    /// The stored events of a dossier, in `seq` order.
    pub fn event_bodies(&self, dossier_id: &str) -> Result<Vec<String>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT body FROM dossier_events WHERE dossier_id = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([dossier_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Writes the maintained measures and the import's counts, and commits.
    /// `read` is the number of rows read from the file.
    pub fn commit(mut self, read: u64) -> Result<BatchCounts> {
        if self.needs_rebuild {
            rebuild_measures(&self.tx)?;
        } else {
            flush(&self.tx, &mut self.book)?;
        }
        let c = self.counts;
        self.tx.execute(
            "UPDATE imports SET read = ?2, accepted = ?3, replaced = ?4, rejected = ?5 WHERE id = ?1",
            params![self.import_id, read as i64, (c.inserted + c.replaced) as i64, c.replaced as i64, c.rejected as i64],
        )?;
        self.tx.commit()?;
        Ok(c)
    }
}

/// Adds a book of deltas to the measure tables.
fn flush(tx: &Transaction, book: &mut MeasureBook) -> Result<()> {
    book.prune();
    let months = book.months.iter().map(|((u, m), c)| (*u, m.index(), c));
    add_counters(tx, "month_measures", "month", Counter::ALL, months)?;
    let days = book.days.iter().map(|((u, d), c)| (*u, d.days(), c));
    add_counters(tx, "day_measures", "day", DAY_COUNTERS, days)?;
    let late = book.late.iter().map(|((unit, key), n)| {
        (
            *unit,
            key.kind,
            key.received.index(),
            key.became.index(),
            *n,
        )
    });
    add_late(
        tx,
        "late_by_received",
        "received_month",
        "became_month",
        late,
    )?;
    let late = book
        .late_days
        .iter()
        .map(|((unit, key), n)| (*unit, key.kind, key.received.days(), key.became.days(), *n));
    add_late(
        tx,
        "late_by_received_day",
        "received_day",
        "became_day",
        late,
    )?;
    let uses = book
        .procedures
        .iter()
        .map(|((unit, month, p), u)| ((*unit, month.index()), (*p, *u)));
    add_uses(tx, "procedure_use", "month", uses)?;
    let uses = book
        .procedure_days
        .iter()
        .map(|((unit, day, p), u)| ((*unit, day.days()), (*p, *u)));
    add_uses(tx, "procedure_use_day", "day", uses)?;
    *book = MeasureBook::default();
    Ok(())
}

/// Adds counter deltas to a table keyed by unit and `key` (a month or a
/// day), and drops the rows that came back to zero.
fn add_counters<'b>(
    tx: &Transaction,
    table: &str,
    key: &str,
    counters: &[Counter],
    rows: impl Iterator<Item = (UnitId, i32, &'b MonthCounters)>,
) -> Result<()> {
    let columns: Vec<&str> = counters.iter().map(|c| c.column()).collect();
    let placeholders: Vec<String> = (0..columns.len()).map(|i| format!("?{}", i + 3)).collect();
    let updates: Vec<String> = columns
        .iter()
        .map(|c| format!("{c} = {c} + excluded.{c}"))
        .collect();
    let sql = format!(
        "INSERT INTO {table}(unit_id, {key}, {}) VALUES (?1, ?2, {}) ON CONFLICT DO UPDATE SET {}",
        columns.join(", "),
        placeholders.join(", "),
        updates.join(", ")
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let mut values: Vec<i64> = Vec::with_capacity(columns.len() + 2);
    // Only a row that something was taken from can come back to zero.
    let mut lowered = Vec::new();
    for (unit, at, c) in rows {
        values.clear();
        values.extend([unit as i64, at as i64]);
        values.extend(counters.iter().map(|counter| c.get(*counter)));
        stmt.execute(rusqlite::params_from_iter(&values))?;
        if values[2..].iter().any(|v| *v < 0) {
            lowered.push((unit, at));
        }
    }
    let zero: Vec<String> = columns.iter().map(|c| format!("{c} = 0")).collect();
    let mut delete = tx.prepare_cached(&format!(
        "DELETE FROM {table} WHERE unit_id = ?1 AND {key} = ?2 AND {}",
        zero.join(" AND ")
    ))?;
    for (unit, at) in lowered {
        delete.execute(params![unit, at])?;
    }
    Ok(())
}

/// Adds late-counter deltas (by span received and span become late).
fn add_late(
    tx: &Transaction,
    table: &str,
    received: &str,
    became: &str,
    rows: impl Iterator<Item = (UnitId, LateKind, i32, i32, i64)>,
) -> Result<()> {
    let mut stmt = tx.prepare_cached(&format!(
        "INSERT INTO {table}(unit_id, kind, {received}, {became}, n) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT DO UPDATE SET n = n + excluded.n"
    ))?;
    let mut lowered = Vec::new();
    for (unit, kind, r, b, n) in rows {
        stmt.execute(params![unit, kind as i64, r, b, n])?;
        if n < 0 {
            lowered.push((unit, kind as i64, r, b));
        }
    }
    let mut delete = tx.prepare_cached(&format!(
        "DELETE FROM {table} WHERE unit_id = ?1 AND kind = ?2 AND {received} = ?3 \
         AND {became} = ?4 AND n = 0"
    ))?;
    for key in lowered {
        delete.execute(params![key.0, key.1, key.2, key.3])?;
    }
    Ok(())
}

/// Procedure use: reads, merges and writes back each touched unit and span.
fn add_uses(
    tx: &Transaction,
    table: &str,
    key: &str,
    deltas: impl Iterator<Item = ((UnitId, i32), (ProcedureId, ProcedureUse))>,
) -> Result<()> {
    let mut touched: BTreeMap<(UnitId, i32), Vec<(ProcedureId, ProcedureUse)>> = BTreeMap::new();
    for (at, delta) in deltas {
        touched.entry(at).or_default().push(delta);
    }
    let mut read = tx.prepare_cached(&format!(
        "SELECT uses FROM {table} WHERE {key} = ?1 AND unit_id = ?2"
    ))?;
    let mut write = tx.prepare_cached(&format!(
        "INSERT OR REPLACE INTO {table}({key}, unit_id, uses) VALUES (?1, ?2, ?3)"
    ))?;
    let mut delete = tx.prepare_cached(&format!(
        "DELETE FROM {table} WHERE {key} = ?1 AND unit_id = ?2"
    ))?;
    for ((unit, at), deltas) in touched {
        let blob: Option<Vec<u8>> = read.query_row(params![at, unit], |r| r.get(0)).optional()?;
        let mut uses = match blob {
            Some(b) => packed::decode(&b)?,
            None => BTreeMap::new(),
        };
        for (procedure, delta) in deltas {
            uses.entry(procedure).or_default().merge(&delta, 1);
        }
        uses.retain(|_, u| !u.is_zero());
        if uses.is_empty() {
            delete.execute(params![at, unit])?;
        } else {
            write.execute(params![at, unit, packed::encode(&uses)])?;
        }
    }
    Ok(())
}

/// Dossiers handed from the reading thread to the judging one at a time.
const REBUILD_CHUNK: usize = 4096;

/// Recomputes every measure table from the raw records.
pub(crate) fn rebuild_measures(tx: &Transaction) -> Result<()> {
    tx.execute_batch(
        "DELETE FROM month_measures; DELETE FROM late_by_received; DELETE FROM procedure_use; \
         DELETE FROM day_measures; DELETE FROM late_by_received_day; DELETE FROM procedure_use_day;",
    )?;
    let procedures = rows::procedures(tx)?;
    let mut stmt = tx.prepare("SELECT day FROM holidays")?;
    let days = stmt
        .query_map([], |r| r.get::<_, i32>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let calendar = Calendar::new(days.into_iter().map(chiso_core::time::Date::from_days));
    // Rows are read and decoded on this thread and judged on another: the
    // two halves take about the same time (bench/README.md).
    let mut book = std::thread::scope(|scope| -> Result<MeasureBook> {
        let (send, receive) =
            std::sync::mpsc::sync_channel::<Vec<(UnitId, ProcedureId, Dossier)>>(4);
        let (procedures, calendar) = (&procedures, &calendar);
        let judge = scope.spawn(move || {
            let mut book = MeasureBook::default();
            for chunk in receive {
                for (unit, procedure_id, d) in chunk {
                    let procedure = procedures.get(&procedure_id).map(|p| (procedure_id, p));
                    book.apply_dossier(
                        unit,
                        &measures::dossier_contribution(&d, procedure, calendar),
                        1,
                    );
                }
            }
            book
        });
        let mut stmt = tx.prepare(rows::DOSSIER_SELECT_BARE)?;
        let mut rs = stmt.query([])?;
        let mut chunk = Vec::with_capacity(REBUILD_CHUNK);
        while let Some(r) = rs.next()? {
            chunk.push((r.get(25)?, r.get(26)?, rows::dossier_from_row(r)?));
            if chunk.len() == REBUILD_CHUNK {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(REBUILD_CHUNK));
                if send.send(full).is_err() {
                    break;
                }
            }
        }
        // The judging thread ends when the channel closes; it cannot fail
        // but by a panic, which is carried on.
        let _ = send.send(chunk);
        drop(send);
        Ok(judge
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e)))
    })?;
    let mut stmt = tx.prepare(rows::FEEDBACK_SELECT)?;
    let mut rs = stmt.query([])?;
    while let Some(r) = rs.next()? {
        let f = rows::feedback_from_row(r)?;
        book.apply_feedback(
            r.get(9)?,
            &measures::feedback_contribution(&f, &calendar),
            1,
        );
    }
    let mut stmt = tx.prepare(rows::COUNTS_SELECT)?;
    let mut rs = stmt.query([])?;
    while let Some(r) = rs.next()? {
        let c = rows::counts_from_row(r)?;
        book.apply_unit_counts(r.get(6)?, &c, 1);
    }
    flush(tx, &mut book)
}
