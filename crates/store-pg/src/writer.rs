//! Import batches on PostgreSQL: one transaction, holding the write lock,
//! whose records carry their measure deltas (`measures::MeasureBook`, the same
//! deltas as the SQLite writer's: a replaced record's old contribution is
//! subtracted first, a procedure or holiday change rebuilds).
//!
//! Dossiers, the bulk of any import, are gathered in memory and written
//! 16,384 at a time: the stored rows of their keys are found through
//! `dossier_keys` (one index probe each, whatever their month), read back so
//! their contribution is subtracted, and deleted; then one
//! `INSERT … ON CONFLICT` keeps every key once with its reception, and
//! `COPY dossiers … FROM STDIN (FORMAT binary)` routes the rows to their
//! month's partition (created when a month first appears). A key put twice
//! in one batch replaces in memory. Rejected rows are copied the same way.
//! (A staging table copied first, analysed and joined took twice as long
//! on a million dossiers: `bench/README.md`.)

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::marker::PhantomData;

use chiso_core::calendar::{Calendar, Holiday};
use chiso_core::engine;
use chiso_core::measures::{self, Counter, MeasureBook, ProcedureId, UnitId};
use chiso_core::records::{Dossier, Feedback, Procedure, Unit, UnitCounts};
use chiso_core::steps::{self, ProcessingStep};
use chiso_core::storage::{BatchCounts, Outcome};
use chiso_core::targets::Target;
use chiso_core::time::{Date, Month};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use postgres::{GenericClient, Statement};

use crate::rows::{self, day, instant};
use crate::{Conn, PgError, Result};

/// Advisory lock held by every write transaction: writes from all
/// processes and nodes are serialised, so measure deltas read and write a
/// consistent state.
pub(crate) const WRITE_LOCK: i64 = 0x6368_6973_6f57; // "chisoW"

/// Dossiers gathered before they are copied.
const FLUSH_ROWS: usize = 16_384;

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
    Store(#[from] PgError),
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

impl From<postgres::Error> for PutError {
    fn from(e: postgres::Error) -> Self {
        PutError::Store(e.into())
    }
}

/// A dossier gathered for the next copy.
struct Pending {
    dossier: Dossier,
    unit: UnitId,
    procedure: ProcedureId,
}

/// A rejected row gathered for the next copy.
struct Rejected {
    line: i64,
    column: Option<String>,
    reason: String,
    raw: String,
}

/// One write transaction (an import batch). Borrows its store as the SQLite
/// writer does; dropped without [`PgWriter::commit`], it is rolled back.
pub struct PgWriter<'a> {
    /// In a cell only so that the reads `steps` and `event_bodies` take
    /// `&self`, as the SQLite writer's do; every write has `&mut self`.
    conn: RefCell<Conn>,
    committed: bool,
    pub(crate) import_id: i64,
    kind: String,
    file: String,
    book: MeasureBook,
    units: HashMap<String, UnitId>,
    procedures: HashMap<String, (ProcedureId, Procedure)>,
    calendar: Calendar,
    needs_rebuild: bool,
    counts: BatchCounts,
    /// Dossiers that have processing steps, so that writing any other
    /// dossier costs no lookup.
    with_steps: HashSet<String>,
    pending: Vec<Pending>,
    /// Index in `pending` by dossier id.
    pending_index: HashMap<String, usize>,
    rejected: Vec<Rejected>,
    /// Months whose dossier partition exists.
    partitions: HashSet<Month>,
    statements: HashMap<&'static str, Statement>,
    _store: PhantomData<&'a mut crate::PgStore>,
}

impl Drop for PgWriter<'_> {
    fn drop(&mut self) {
        if !self.committed {
            // Nothing of an abandoned batch is kept; a failed rollback means a
            // broken connection, which the pool discards.
            let _ = self.conn.get_mut().batch_execute("ROLLBACK");
        }
    }
}

impl<'a> PgWriter<'a> {
    pub(crate) fn new(mut conn: Conn, kind: &str, file: &str) -> Result<PgWriter<'a>> {
        conn.batch_execute("BEGIN")?;
        // From here on, a failure rolls back when the writer is dropped.
        let mut w = PgWriter {
            conn: RefCell::new(conn),
            committed: false,
            import_id: 0,
            kind: kind.to_string(),
            file: file.to_string(),
            book: MeasureBook::default(),
            units: HashMap::new(),
            procedures: HashMap::new(),
            calendar: Calendar::new([]),
            needs_rebuild: false,
            counts: BatchCounts::default(),
            with_steps: HashSet::new(),
            pending: Vec::new(),
            pending_index: HashMap::new(),
            rejected: Vec::new(),
            partitions: HashSet::new(),
            statements: HashMap::new(),
            _store: PhantomData,
        };
        w.conn
            .get_mut()
            .execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
        // A batch's reads are key probes (thousands of keys at a time), which
        // the planner would otherwise answer by scanning the whole key table,
        // a cost that grows with it; `rebuild_measures` turns scans back on.
        w.conn
            .get_mut()
            .batch_execute("SET LOCAL enable_seqscan = off")?;
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        w.import_id = w
            .conn
            .get_mut()
            .query_one(
                "INSERT INTO imports (kind, file, started_at) VALUES ($1, $2, $3) RETURNING id",
                &[&kind, &file, &started],
            )?
            .try_get(0)?;
        w.units = rows::units(&mut **w.conn.get_mut())?
            .into_iter()
            .map(|(id, u)| (u.code, id))
            .collect();
        w.procedures = rows::procedures(&mut **w.conn.get_mut())?
            .into_iter()
            .map(|(id, p)| (p.code.clone(), (id, p)))
            .collect();
        w.calendar = calendar(&mut **w.conn.get_mut())?;
        w.with_steps = w
            .conn
            .get_mut()
            .query("SELECT DISTINCT dossier_id FROM dossier_steps", &[])?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<std::result::Result<_, _>>()?;
        w.partitions = partitions(&mut **w.conn.get_mut())?;
        Ok(w)
    }

    /// A statement prepared once per batch.
    fn statement(&mut self, sql: &'static str) -> Result<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.conn.get_mut().prepare(sql)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }

    fn run(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let s = self.statement(sql)?;
        Ok(self.conn.get_mut().execute(&s, params)?)
    }

    /// The file (or upload) being imported.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Counts so far; a dossier replacing one stored before the batch is
    /// counted as replaced once its group of dossiers is written.
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
        self.rejected.push(Rejected {
            line: line as i64,
            column: column.map(String::from),
            reason: reason.to_string(),
            raw: raw.to_string(),
        });
        self.counts.rejected += 1;
        if self.rejected.len() >= FLUSH_ROWS {
            self.flush_rejected()?;
        }
        Ok(())
    }

    pub fn put_unit(&mut self, u: &Unit) -> std::result::Result<Outcome, PutError> {
        let existed = self.units.contains_key(&u.code);
        let (from, to) = (day(u.valid_from), day(u.valid_to));
        let params: [&(dyn ToSql + Sync); 8] = [
            &u.code,
            &u.name,
            &u.parent_code,
            &u.kind.code(),
            &from,
            &to,
            &u.successor_code,
            &u.scored,
        ];
        // An update of a known code, so that no identity value is spent:
        // units keep the ids, and the order, of their first import.
        if existed {
            self.run(
                "UPDATE units SET name = $2, parent_code = $3, kind = $4, valid_from = $5, \
                 valid_to = $6, successor_code = $7, scored = $8 WHERE code = $1",
                &params,
            )?;
        } else {
            let s = self.statement(
                "INSERT INTO units (code, name, parent_code, kind, valid_from, valid_to, \
                 successor_code, scored) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )?;
            let id: i64 = self.conn.get_mut().query_one(&s, &params)?.try_get(0)?;
            self.units
                .insert(u.code.clone(), rows::unit_id("units", id)?);
        }
        Ok(self.outcome(existed))
    }

    pub fn put_procedure(&mut self, p: &Procedure) -> std::result::Result<Outcome, PutError> {
        let existed = self.procedures.get(&p.code).map(|(id, _)| *id);
        let max_days = p.max_days.map(i64::from);
        let (decision, effective, published) = (
            day(p.decision_date),
            day(p.legal_effective_date),
            day(p.published_at),
        );
        let level = p.level.map(|l| l.code());
        let params: [&(dyn ToSql + Sync); 15] = [
            &p.code,
            &p.name,
            &level,
            &p.field,
            &p.online_level.code(),
            &p.full_online_eligible,
            &p.has_fee,
            &p.paper_result,
            &max_days,
            &p.citizen_facing,
            &decision,
            &effective,
            &published,
            &p.complete_parts,
            &p.citizen_data_connected,
        ];
        let id = match existed {
            Some(id) => {
                self.run(
                    "UPDATE procedures SET name = $2, level = $3, field = $4, online_level = $5, \
                     full_online_eligible = $6, has_fee = $7, paper_result = $8, max_days = $9, \
                     citizen_facing = $10, decision_date = $11, legal_effective_date = $12, \
                     published_at = $13, complete_parts = $14, citizen_data_connected = $15 \
                     WHERE code = $1",
                    &params,
                )?;
                id
            }
            None => {
                let s = self.statement(
                    "INSERT INTO procedures (code, name, level, field, online_level, \
                     full_online_eligible, has_fee, paper_result, max_days, citizen_facing, \
                     decision_date, legal_effective_date, published_at, complete_parts, \
                     citizen_data_connected) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
                     $11, $12, $13, $14, $15) RETURNING id",
                )?;
                let id: i64 = self.conn.get_mut().query_one(&s, &params)?.try_get(0)?;
                rows::procedure_id("procedures", id)?
            }
        };
        // Measures depend on a procedure's flags: recompute them at commit.
        self.needs_rebuild |= existed.is_some();
        self.procedures.insert(p.code.clone(), (id, p.clone()));
        Ok(self.outcome(existed.is_some()))
    }

    pub fn put_holiday(&mut self, h: &Holiday) -> std::result::Result<Outcome, PutError> {
        let existed = self
            .conn
            .get_mut()
            .query_opt("SELECT 1 FROM holidays WHERE day = $1", &[&h.date.days()])?
            .is_some();
        self.run(
            "INSERT INTO holidays (day, name) VALUES ($1, $2) \
             ON CONFLICT (day) DO UPDATE SET name = excluded.name",
            &[&h.date.days(), &h.name],
        )?;
        // Working days change, so do deadlines: recompute measures at commit.
        self.needs_rebuild = true;
        Ok(self.outcome(existed))
    }

    /// Puts a dossier (its kept processing steps merged in). It is written
    /// with the next group of dossiers; the outcome is `Replaced` when its
    /// key was already put in this batch. Whether it replaces a dossier
    /// stored before the batch is known when its group is written: the
    /// stored one's contribution is then subtracted and the batch's counts
    /// ([`PgWriter::commit`]) say so.
    pub fn put_dossier(&mut self, d: &Dossier) -> std::result::Result<Outcome, PutError> {
        let merged;
        let d = if self.with_steps.contains(&d.id) {
            merged = steps::apply_steps(d, &self.steps(&d.id)?);
            &merged
        } else {
            d
        };
        let unit = self.unit_id("unit_code", &d.unit_code)?;
        let procedure = match self.procedures.get(&d.procedure_code) {
            Some((id, _)) => *id,
            None => return Err(PutError::UnknownProcedure(d.procedure_code.clone())),
        };
        let c = self.contribution(d, procedure);
        self.book.apply_dossier(unit, &c, 1);
        let pending = Pending {
            dossier: d.clone(),
            unit,
            procedure,
        };
        if let Some(&i) = self.pending_index.get(&d.id) {
            let old = std::mem::replace(&mut self.pending[i], pending);
            let c = self.contribution(&old.dossier, old.procedure);
            self.book.apply_dossier(old.unit, &c, -1);
            return Ok(self.outcome(true));
        }
        self.pending_index.insert(d.id.clone(), self.pending.len());
        self.pending.push(pending);
        let outcome = self.outcome(false);
        if self.pending.len() >= FLUSH_ROWS {
            self.flush_dossiers()?;
        }
        Ok(outcome)
    }

    /// A dossier's contribution with its procedure as stored (the procedure
    /// id recorded with the row, in case its code now names another).
    fn contribution(&self, d: &Dossier, procedure: ProcedureId) -> measures::DossierContribution {
        let p = self
            .procedures
            .get(&d.procedure_code)
            .map(|(id, p)| (*id, p))
            .filter(|(id, _)| *id == procedure);
        measures::dossier_contribution(d, p, &self.calendar)
    }

    /// Writes the gathered dossiers, replacing stored ones of the same keys.
    fn flush_dossiers(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        self.pending_index.clear();
        let months: BTreeSet<Month> = pending
            .iter()
            .map(|p| p.dossier.received_at.month())
            .collect();
        for m in months {
            if PARTITIONED_YEARS.contains(&m.year()) && !self.partitions.contains(&m) {
                create_partition(&mut **self.conn.get_mut(), m)?;
                self.partitions.insert(m);
            }
        }
        // The stored dossiers these replace, wherever their month: their keys
        // first (one probe of `dossier_keys` each), then the rows themselves
        // in the partitions of their receptions only.
        let ids: Vec<&str> = pending.iter().map(|p| p.dossier.id.as_str()).collect();
        let conn = self.conn.get_mut();
        let (mut old_received, mut old_ids) = (Vec::<i64>::new(), Vec::<String>::new());
        for r in conn.query(
            "SELECT received_at, id FROM dossier_keys WHERE id = ANY($1)",
            &[&ids],
        )? {
            old_received.push(r.try_get(0)?);
            old_ids.push(r.try_get(1)?);
        }
        if !old_ids.is_empty() {
            let keys = "d.received_at = ANY($1) AND (d.received_at, d.id) IN \
                        (SELECT * FROM unnest($1::bigint[], $2::text[]))";
            let old = conn.query(
                &format!("{} WHERE {keys}", rows::DOSSIER_SELECT),
                &[&old_received, &old_ids],
            )?;
            conn.execute(
                &format!("DELETE FROM dossiers d WHERE {keys}"),
                &[&old_received, &old_ids],
            )?;
            for r in &old {
                let d = rows::dossier_from_row(r)?;
                let unit = rows::unit_id("dossiers", r.try_get(25)?)?;
                let procedure = rows::procedure_id("dossiers", r.try_get(26)?)?;
                let c = self.contribution(&d, procedure);
                self.book.apply_dossier(unit, &c, -1);
            }
            let replaced = old.len() as u64;
            self.counts.inserted -= replaced;
            self.counts.replaced += replaced;
        }
        // Each key once, whatever its month: the one upsert that makes a
        // replacement a replacement.
        let received: Vec<i64> = pending
            .iter()
            .map(|p| p.dossier.received_at.unix())
            .collect();
        let ends: Vec<Option<i64>> = pending
            .iter()
            .map(|p| instant(self.contribution(&p.dossier, p.procedure).timeliness.end))
            .collect();
        let conn = self.conn.get_mut();
        conn.execute(
            "INSERT INTO dossier_keys (id, received_at) SELECT * FROM unnest($1::text[], $2::bigint[]) \
             ON CONFLICT (id) DO UPDATE SET received_at = excluded.received_at",
            &[&ids, &received],
        )?;
        // The rows, routed to their month's partition.
        let copy = conn.copy_in(&format!(
            "COPY dossiers ({}) FROM STDIN (FORMAT binary)",
            rows::DOSSIER_COLUMNS
        ))?;
        let mut copy = BinaryCopyInWriter::new(copy, DOSSIER_TYPES);
        for (p, end) in pending.iter().zip(ends) {
            let values = DossierValues::new(&p.dossier, p.unit, p.procedure, end);
            copy.write(&values.params())?;
        }
        copy.finish()?;
        Ok(())
    }

    fn flush_rejected(&mut self) -> Result<()> {
        if self.rejected.is_empty() {
            return Ok(());
        }
        let copy = self.conn.get_mut().copy_in(
            "COPY quarantine (import_id, kind, file, line, column_name, reason, raw) \
             FROM STDIN (FORMAT binary)",
        )?;
        let types = [
            Type::INT8,
            Type::TEXT,
            Type::TEXT,
            Type::INT8,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
        ];
        let mut copy = BinaryCopyInWriter::new(copy, &types);
        for r in std::mem::take(&mut self.rejected) {
            copy.write(&[
                &self.import_id,
                &self.kind,
                &self.file,
                &r.line,
                &r.column,
                &r.reason,
                &r.raw,
            ])?;
        }
        copy.finish()?;
        Ok(())
    }

    pub fn put_feedback(&mut self, f: &Feedback) -> std::result::Result<Outcome, PutError> {
        let unit = self.unit_id("unit_code", &f.unit_code)?;
        let select = self.statement(concat!(
            "SELECT f.id, u.code, f.received_at, f.outcome, f.handled_at, f.published_at, ",
            "f.likes, f.dislikes, f.repeated, f.unit_id FROM feedback f ",
            "JOIN units u ON u.id = f.unit_id WHERE f.id = $1"
        ))?;
        let old = self.conn.get_mut().query_opt(&select, &[&f.id])?;
        let replaced = old.is_some();
        if let Some(r) = old {
            let old = rows::feedback_from_row(&r)?;
            let old_unit = rows::unit_id("feedback", r.try_get(9)?)?;
            let c = measures::feedback_contribution(&old, &self.calendar);
            self.book.apply_feedback(old_unit, &c, -1);
        }
        let (handled, published) = (instant(f.handled_at), instant(f.published_at));
        let (likes, dislikes) = (i64::from(f.likes), i64::from(f.dislikes));
        self.run(
            "INSERT INTO feedback (id, unit_id, received_at, outcome, handled_at, published_at, \
             likes, dislikes, repeated, latest_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (id) DO UPDATE SET unit_id = excluded.unit_id, \
             received_at = excluded.received_at, outcome = excluded.outcome, \
             handled_at = excluded.handled_at, published_at = excluded.published_at, \
             likes = excluded.likes, dislikes = excluded.dislikes, repeated = excluded.repeated, \
             latest_at = excluded.latest_at",
            &[
                &f.id,
                &i64::from(unit),
                &f.received_at.unix(),
                &f.outcome.code(),
                &handled,
                &published,
                &likes,
                &dislikes,
                &f.repeated,
                &engine::feedback_latest(f).unix(),
            ],
        )?;
        self.book
            .apply_feedback(unit, &measures::feedback_contribution(f, &self.calendar), 1);
        Ok(self.outcome(replaced))
    }

    pub fn put_counts(&mut self, c: &UnitCounts) -> std::result::Result<Outcome, PutError> {
        let unit = self.unit_id("unit_code", &c.unit_code)?;
        let select = self.statement(concat!(
            "SELECT u.code, c.month, c.verified_accounts, c.e_certified_copies, ",
            "c.certification_dossiers, c.population, c.unit_id FROM unit_counts c ",
            "JOIN units u ON u.id = c.unit_id WHERE c.unit_id = $1 AND c.month = $2"
        ))?;
        let old = self
            .conn
            .get_mut()
            .query_opt(&select, &[&i64::from(unit), &c.month.index()])?;
        let replaced = old.is_some();
        if let Some(r) = old {
            self.book
                .apply_unit_counts(unit, &rows::counts_from_row(&r)?, -1);
        }
        self.run(
            "INSERT INTO unit_counts (unit_id, month, verified_accounts, e_certified_copies, \
             certification_dossiers, population) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (unit_id, month) DO UPDATE SET \
             verified_accounts = excluded.verified_accounts, \
             e_certified_copies = excluded.e_certified_copies, \
             certification_dossiers = excluded.certification_dossiers, \
             population = excluded.population",
            &[
                &i64::from(unit),
                &c.month.index(),
                &c.verified_accounts,
                &c.e_certified_copies,
                &c.certification_dossiers,
                &c.population,
            ],
        )?;
        self.book.apply_unit_counts(unit, c, 1);
        Ok(self.outcome(replaced))
    }

    /// Keeps one processing step; a step already kept changes nothing. When
    /// its dossier is stored, the dossier is written again with the step
    /// merged in; otherwise the step waits for it.
    pub fn put_step(&mut self, step: &ProcessingStep) -> std::result::Result<Outcome, PutError> {
        let (started, due) = (instant(step.started_at), instant(step.due_at));
        let added = self.run(
            "INSERT INTO dossier_steps (key, dossier_id, at, status, handler, title, department, \
             content, started_at, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (key) DO NOTHING",
            &[
                &step.key(),
                &step.dossier_id,
                &step.at.unix(),
                &step.status.map(|s| s.code()),
                &step.handler,
                &step.title,
                &step.department,
                &step.content,
                &started,
                &due,
            ],
        )?;
        if added == 0 {
            return Ok(self.outcome(true));
        }
        self.with_steps.insert(step.dossier_id.clone());
        // The dossier as stored, gathered ones included.
        self.flush_dossiers()?;
        let stored = self.conn.get_mut().query_opt(
            &format!(
                "{} JOIN dossier_keys k ON k.id = d.id AND k.received_at = d.received_at \
                 WHERE k.id = $1",
                rows::DOSSIER_SELECT
            ),
            &[&step.dossier_id],
        )?;
        if let Some(r) = stored {
            self.put_dossier(&rows::dossier_from_row(&r)?)?;
            // Writing the dossier again is part of keeping the step, not a
            // record of its own: it will be found stored and counted as
            // replaced when written, so it is taken out of the counts now.
            self.flush_dossiers()?;
            self.counts.replaced -= 1;
        }
        Ok(self.outcome(false))
    }

    /// The kept steps of a dossier, in time order.
    pub fn steps(&self, dossier_id: &str) -> Result<Vec<ProcessingStep>> {
        rows::steps(&mut **self.conn.borrow_mut(), dossier_id)
    }

    /// Keeps one event of the real-time feed; false when its (dossier, seq)
    /// was already applied (a duplicate changes nothing).
    pub fn put_event(&mut self, dossier_id: &str, seq: i64, body: &str) -> Result<bool> {
        let added = self.run(
            "INSERT INTO dossier_events (dossier_id, seq, body) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
            &[&dossier_id, &seq, &body],
        )?;
        Ok(added == 1)
    }

    /// The stored events of a dossier, in `seq` order.
    pub fn event_bodies(&self, dossier_id: &str) -> Result<Vec<String>> {
        self.conn
            .borrow_mut()
            .query(
                "SELECT body FROM dossier_events WHERE dossier_id = $1 ORDER BY seq",
                &[&dossier_id],
            )?
            .iter()
            .map(|r| Ok(r.try_get(0)?))
            .collect()
    }

    /// Puts one target row, replacing the one with the same key.
    pub(crate) fn put_target_row(&mut self, unit: Option<i64>, t: &Target) -> Result<Outcome> {
        let replaced = self.run(
            "DELETE FROM targets WHERE coalesce(unit_id, 0) = coalesce($1::bigint, 0) AND year = $2 \
             AND criterion = $3",
            &[&unit, &t.year, &t.criterion],
        )? > 0;
        let import_id = self.import_id;
        self.run(
            "INSERT INTO targets (unit_id, year, criterion, value, source, import_id) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &unit,
                &t.year,
                &t.criterion,
                &t.value,
                &t.source,
                &import_id,
            ],
        )?;
        Ok(self.outcome(replaced))
    }

    /// Puts one published row, replacing the unit's row for the same period.
    pub(crate) fn put_published_row(
        &mut self,
        unit: UnitId,
        period: &str,
        line: i64,
        name: &str,
        figures: [Option<f64>; 7],
    ) -> Result<Outcome> {
        let replaced = self.run(
            "DELETE FROM published_scores WHERE period = $1 AND unit_id = $2",
            &[&period, &i64::from(unit)],
        )? > 0;
        let import_id = self.import_id;
        self.run(
            "INSERT INTO published_scores (unit_id, period, import_id, line, name, ckmb, tdgq, \
             tttt, clgq, mdhl, mdsh, total) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12)",
            &[
                &i64::from(unit),
                &period,
                &import_id,
                &line,
                &name,
                &figures[0],
                &figures[1],
                &figures[2],
                &figures[3],
                &figures[4],
                &figures[5],
                &figures[6],
            ],
        )?;
        Ok(self.outcome(replaced))
    }

    /// Writes the gathered rows, the maintained measures and the import's
    /// counts, bumps the data version (announced to every listener when the
    /// transaction commits) and commits. `read` is the number of rows read
    /// from the file.
    pub fn commit(mut self, read: u64) -> Result<BatchCounts> {
        self.flush_dossiers()?;
        self.flush_rejected()?;
        if self.needs_rebuild {
            rebuild_measures(&mut **self.conn.get_mut())?;
        } else {
            flush(&mut **self.conn.get_mut(), &mut self.book)?;
        }
        let c = self.counts;
        self.conn.get_mut().execute(
            "UPDATE imports SET read = $2, accepted = $3, replaced = $4, rejected = $5 WHERE id = $1",
            &[
                &self.import_id,
                &(read as i64),
                &((c.inserted + c.replaced) as i64),
                &(c.replaced as i64),
                &(c.rejected as i64),
            ],
        )?;
        crate::bump_version(&mut **self.conn.get_mut())?;
        self.conn.get_mut().batch_execute("COMMIT")?;
        self.committed = true;
        Ok(c)
    }
}

/// The copied columns' types, in [`rows::DOSSIER_COLUMNS`] order.
const DOSSIER_TYPES: &[Type] = &[
    Type::TEXT,
    Type::INT8,
    Type::INT8,
    Type::INT2,
    Type::INT8,
    Type::INT8,
    Type::INT8,
    Type::INT8,
    Type::INT8,
    Type::INT8,
    Type::INT8,
    Type::TEXT,
    Type::INT8,
    Type::INT8,
    Type::INT8,
    Type::BOOL,
    Type::INT8,
    Type::INT2,
    Type::BOOL,
    Type::BOOL,
    Type::BOOL,
    Type::BOOL,
    Type::BOOL,
    Type::BOOL,
    Type::BOOL,
    Type::TEXT,
    Type::BOOL,
];

/// One dossier's row as copied, in [`rows::DOSSIER_COLUMNS`] order.
struct DossierValues<'d> {
    d: &'d Dossier,
    unit: i64,
    procedure: i64,
    channel: i16,
    submitted: Option<i64>,
    received: i64,
    due: Option<i64>,
    finished: Option<i64>,
    returned: Option<i64>,
    ended: Option<i64>,
    latest: i64,
    status: &'static str,
    supplement_requests: i64,
    supplement_requested: Option<i64>,
    supplement_days: i64,
    paid_online: i16,
    rating: Option<&'static str>,
}

impl<'d> DossierValues<'d> {
    fn new(
        d: &'d Dossier,
        unit: UnitId,
        procedure: ProcedureId,
        ended: Option<i64>,
    ) -> DossierValues<'d> {
        DossierValues {
            d,
            unit: unit.into(),
            procedure: procedure.into(),
            channel: d.channel as i16,
            submitted: instant(d.submitted_at),
            received: d.received_at.unix(),
            due: instant(d.due_at),
            finished: instant(d.finished_at),
            returned: instant(d.returned_at),
            ended,
            latest: engine::dossier_latest(d).unix(),
            status: d.status.code(),
            supplement_requests: d.supplement_requests.into(),
            supplement_requested: instant(d.supplement_requested_at),
            supplement_days: d.supplement_days.into(),
            paid_online: d.paid_online.into(),
            rating: d.rating.map(|r| r.code()),
        }
    }

    fn params(&self) -> [&(dyn ToSql + Sync); 27] {
        let d = self.d;
        [
            &d.id,
            &self.unit,
            &self.procedure,
            &self.channel,
            &self.submitted,
            &self.received,
            &self.due,
            &self.finished,
            &self.returned,
            &self.ended,
            &self.latest,
            &self.status,
            &self.supplement_requests,
            &self.supplement_requested,
            &self.supplement_days,
            &d.synced,
            &d.fee_amount,
            &self.paid_online,
            &d.e_result,
            &d.digitized,
            &d.reused_data,
            &d.vneid_verified,
            &d.handler_named,
            &d.personal_store_synced,
            &d.citizen_data_used,
            &self.rating,
            &d.complaint,
        ]
    }
}

pub(crate) fn calendar(client: &mut impl GenericClient) -> Result<Calendar> {
    let days = client
        .query("SELECT day FROM holidays", &[])?
        .iter()
        .map(|r| Ok(Date::from_days(r.try_get(0)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(Calendar::new(days))
}

/// The years whose months have a dossier partition each; receptions in any
/// other year (a wrong date in a file) go to the default partition
/// `dossiers_other`, so no input can make thousands of partitions.
const PARTITIONED_YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

/// The name of a month's dossier partition.
fn partition_name(m: Month) -> String {
    format!("dossiers_{:04}_{:02}", m.year(), m.number())
}

/// The months whose dossier partition exists.
fn partitions(client: &mut impl GenericClient) -> Result<HashSet<Month>> {
    let names: Vec<String> = client
        .query(
            "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
             WHERE i.inhparent = 'dossiers'::regclass",
            &[],
        )?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    Ok(names
        .iter()
        .filter_map(|n| {
            let (y, m) = n.strip_prefix("dossiers_")?.split_once('_')?;
            Some(Month::new(y.parse().ok()?, m.parse().ok()?))
        })
        .collect())
}

/// Creates a month's dossier partition: a table of its own, then attached,
/// which locks the parent table only against other schema changes (so
/// readers of other months go on while the batch runs).
fn create_partition(client: &mut impl GenericClient, m: Month) -> Result<()> {
    let name = partition_name(m);
    let (from, to) = (
        m.first_day().start().unix(),
        m.next().first_day().start().unix(),
    );
    client.batch_execute(&format!(
        "CREATE TABLE \"{name}\" (LIKE dossiers INCLUDING DEFAULTS); \
         ALTER TABLE dossiers ATTACH PARTITION \"{name}\" FOR VALUES FROM ({from}) TO ({to});"
    ))?;
    Ok(())
}

/// Adds a book of deltas to the measure tables.
fn flush(client: &mut impl GenericClient, book: &mut MeasureBook) -> Result<()> {
    book.prune();
    let columns: Vec<&str> = Counter::ALL.iter().map(|c| c.column()).collect();
    let (mut units, mut months) = (Vec::new(), Vec::new());
    let mut values: Vec<Vec<i64>> = vec![Vec::new(); columns.len()];
    for ((unit, month), c) in &book.months {
        units.push(i64::from(*unit));
        months.push(month.index());
        for (v, x) in values.iter_mut().zip(c.0) {
            v.push(x);
        }
    }
    if !units.is_empty() {
        let arrays: Vec<String> = (0..columns.len())
            .map(|i| format!("${}::bigint[]", i + 3))
            .collect();
        let updates: Vec<String> = columns
            .iter()
            .map(|c| format!("{c} = month_measures.{c} + excluded.{c}"))
            .collect();
        let zero: Vec<String> = columns.iter().map(|c| format!("m.{c} = 0")).collect();
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&units, &months];
        params.extend(values.iter().map(|v| v as &(dyn ToSql + Sync)));
        client.execute(
            &format!(
                "INSERT INTO month_measures (unit_id, month, {}) \
                 SELECT * FROM unnest($1::bigint[], $2::int[], {}) \
                 ON CONFLICT (unit_id, month) DO UPDATE SET {}",
                columns.join(", "),
                arrays.join(", "),
                updates.join(", ")
            ),
            &params,
        )?;
        client.execute(
            &format!(
                "DELETE FROM month_measures m USING unnest($1::bigint[], $2::int[]) AS t(u, mo) \
                 WHERE m.unit_id = t.u AND m.month = t.mo AND {}",
                zero.join(" AND ")
            ),
            &[&units, &months],
        )?;
    }
    let (mut units, mut kinds, mut received, mut became, mut n) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((unit, key), v) in &book.late {
        units.push(i64::from(*unit));
        kinds.push(key.kind as i16);
        received.push(key.received.index());
        became.push(key.became.index());
        n.push(*v);
    }
    if !units.is_empty() {
        client.execute(
            "INSERT INTO late_by_received (unit_id, kind, received_month, became_month, n) \
             SELECT * FROM unnest($1::bigint[], $2::smallint[], $3::int[], $4::int[], $5::bigint[]) \
             ON CONFLICT (received_month, became_month, unit_id, kind) \
             DO UPDATE SET n = late_by_received.n + excluded.n",
            &[&units, &kinds, &received, &became, &n],
        )?;
        client.execute(
            "DELETE FROM late_by_received l \
             USING unnest($1::bigint[], $2::smallint[], $3::int[], $4::int[]) AS t(u, k, r, b) \
             WHERE l.unit_id = t.u AND l.kind = t.k AND l.received_month = t.r \
             AND l.became_month = t.b AND l.n = 0",
            &[&units, &kinds, &received, &became],
        )?;
    }
    let (mut months, mut units, mut procedures) = (Vec::new(), Vec::new(), Vec::new());
    let (mut dossiers, mut online, mut paid, mut synced) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((unit, month, procedure), u) in &book.procedures {
        months.push(month.index());
        units.push(i64::from(*unit));
        procedures.push(i64::from(*procedure));
        dossiers.push(u.dossiers);
        online.push(u.online);
        paid.push(u.paid_online);
        synced.push(u.synced_fee);
    }
    if !units.is_empty() {
        client.execute(
            "INSERT INTO procedure_use (month, unit_id, procedure_id, dossiers, online, \
             paid_online, synced_fee) SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[], \
             $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[]) \
             ON CONFLICT (month, unit_id, procedure_id) DO UPDATE SET \
             dossiers = procedure_use.dossiers + excluded.dossiers, \
             online = procedure_use.online + excluded.online, \
             paid_online = procedure_use.paid_online + excluded.paid_online, \
             synced_fee = procedure_use.synced_fee + excluded.synced_fee",
            &[
                &months,
                &units,
                &procedures,
                &dossiers,
                &online,
                &paid,
                &synced,
            ],
        )?;
        client.execute(
            "DELETE FROM procedure_use p USING unnest($1::int[], $2::bigint[], $3::bigint[]) \
             AS t(m, u, pr) WHERE p.month = t.m AND p.unit_id = t.u AND p.procedure_id = t.pr \
             AND p.dossiers = 0 AND p.online = 0 AND p.paid_online = 0 AND p.synced_fee = 0",
            &[&months, &units, &procedures],
        )?;
    }
    *book = MeasureBook::default();
    Ok(())
}

/// Recomputes every measure table from the raw records, and the stored end
/// of processing of any dossier where the core's computation now differs.
pub(crate) fn rebuild_measures(client: &mut impl GenericClient) -> Result<()> {
    client.batch_execute(
        "SET LOCAL enable_seqscan = on; \
         DELETE FROM month_measures; DELETE FROM late_by_received; DELETE FROM procedure_use;",
    )?;
    let procedures = rows::procedures(client)?;
    let calendar = calendar(client)?;
    let mut book = MeasureBook::default();
    let (mut moved_ids, mut moved_received, mut moved_end) = (Vec::new(), Vec::new(), Vec::new());
    let mut rs = client.query_raw(rows::DOSSIER_SELECT, rows::params(&[]))?;
    while let Some(r) = rs.next()? {
        let d = rows::dossier_from_row(&r)?;
        let unit = rows::unit_id("dossiers", r.try_get(25)?)?;
        let procedure_id = rows::procedure_id("dossiers", r.try_get(26)?)?;
        let stored_end: Option<i64> = r.try_get(27)?;
        let procedure = procedures.get(&procedure_id).map(|p| (procedure_id, p));
        let c = measures::dossier_contribution(&d, procedure, &calendar);
        if instant(c.timeliness.end) != stored_end {
            moved_ids.push(d.id.clone());
            moved_received.push(d.received_at.unix());
            moved_end.push(instant(c.timeliness.end));
        }
        book.apply_dossier(unit, &c, 1);
    }
    drop(rs);
    if !moved_ids.is_empty() {
        client.execute(
            "UPDATE dossiers d SET ended_at = t.e \
             FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS t(id, r, e) \
             WHERE d.id = t.id AND d.received_at = t.r",
            &[&moved_ids, &moved_received, &moved_end],
        )?;
    }
    let mut rs = client.query_raw(rows::FEEDBACK_SELECT, rows::params(&[]))?;
    while let Some(r) = rs.next()? {
        let f = rows::feedback_from_row(&r)?;
        let unit = rows::unit_id("feedback", r.try_get(9)?)?;
        book.apply_feedback(unit, &measures::feedback_contribution(&f, &calendar), 1);
    }
    drop(rs);
    let mut rs = client.query_raw(rows::COUNTS_SELECT, rows::params(&[]))?;
    while let Some(r) = rs.next()? {
        let c = rows::counts_from_row(&r)?;
        book.apply_unit_counts(rows::unit_id("unit_counts", r.try_get(6)?)?, &c, 1);
    }
    drop(rs);
    flush(client, &mut book)
}
