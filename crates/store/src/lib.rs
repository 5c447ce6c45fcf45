//! chiso's embedded store: one SQLite file (WAL) holding the records, the
//! maintained measures and the quarantine of rejected rows.
//!
//! The core reaches it only through [`chiso_core::engine::IndexStore`]; a
//! PostgreSQL backend would implement the same trait.

mod accounts;
mod import;
mod journal;
mod maintenance;
mod packed;
mod published;
mod rows;
mod targets;
mod writer;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chiso_core::calendar::{Calendar, Holiday};
use chiso_core::engine::{self, IndexStore, UnitRecords};
use chiso_core::measures::{
    Accumulator, Counter, LateByReceived, LateByReceivedDay, LateKind, MonthCounters, ProcedureId,
    ProcedureUse, UnitId, DAY_COUNTERS, PREFIX_COUNTERS,
};
use chiso_core::methodology::{Methodology, MethodologySet};
use chiso_core::period::Period;
use chiso_core::records::Procedure;
use chiso_core::scoring::Hierarchy;
use chiso_core::time::{Date, Instant, Month};
use rusqlite::{params, Connection, OptionalExtension};

pub use chiso_core::storage::{BatchCounts, Inventory, Outcome, QuarantinedRow};
pub use maintenance::{backup, schema_state, BackupReport, SchemaState};
pub use writer::{PutError, Writer};

const MIGRATIONS: &[&str] = &[
    include_str!("schema.sql"),
    include_str!("schema_2.sql"),
    include_str!("schema_3.sql"),
    include_str!("schema_4.sql"),
    include_str!("schema_5.sql"),
    include_str!("schema_6.sql"),
    include_str!("schema_7.sql"),
    include_str!("schema_8.sql"),
    include_str!("schema_9.sql"),
    include_str!("schema_10.sql"),
];

/// Page cache of a reading connection, in KiB (negative: a size, not pages).
const READ_CACHE_KIB: i64 = -32_768;
/// Page cache of a connection that writes (imports, feeds, rebuilds).
const WRITE_CACHE_KIB: i64 = -262_144;

/// The migration after which `dossiers.ended_at` is filled from the core.
const ENDED_AT_MIGRATION: usize = 5;

/// The migration that adds the daily counters, filled by a rebuild.
const DAY_MEASURES_MIGRATION: usize = 7;

/// Meta key of the as-of instant a source declared (Unix seconds).
const DECLARED_AS_OF: &str = "data_as_of";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Sqlite(rusqlite::Error),
    /// Another connection kept writing longer than this one could wait
    /// ([`Store::set_write_wait`], [`WRITE_WAIT`] by default).
    #[error(
        "cơ sở dữ liệu đang được một tiến trình khác ghi (một lần nhập khác) lâu hơn thời gian chờ: \
         thử lại khi lần nhập kia xong"
    )]
    Busy,
    #[error("cơ sở dữ liệu {path} được tạo bởi phiên bản chiso mới hơn (schema {found} > {supported}): hãy cập nhật chiso")]
    TooNew {
        path: String,
        found: i64,
        supported: i64,
    },
    #[error("dữ liệu hỏng trong bảng {table}: {detail}")]
    Corrupt { table: &'static str, detail: String },
    #[error("bản sao {path} không toàn vẹn (PRAGMA quick_check): {detail}")]
    DamagedCopy { path: String, detail: String },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Waiting for the write lock past its bound is [`StoreError::Busy`].
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
        match e.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked) => StoreError::Busy,
            _ => StoreError::Sqlite(e),
        }
    }
}

/// How long a write waits for another connection's write to end (writers
/// take turns: SQLite keeps one at a time) before giving up with
/// [`StoreError::Busy`]. An import holds the lock for its whole file.
pub const WRITE_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

pub struct Store {
    conn: Connection,
    path: String,
}

impl Store {
    /// Opens (creating if needed) the store at `path` and applies migrations.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        Self::init(conn, path.display().to_string())
    }

    pub fn open_in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?, ":memory:".into())
    }

    fn init(conn: Connection, path: String) -> Result<Store> {
        conn.busy_timeout(WRITE_WAIT)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // 32 MiB for reading; a write raises its connection's cache (`writer`).
        conn.pragma_update(None, "cache_size", READ_CACHE_KIB)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let supported = MIGRATIONS.len() as i64;
        if version > supported {
            return Err(StoreError::TooNew {
                path,
                found: version,
                supported,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.unchecked_transaction()?;
            tx.execute_batch(sql)?;
            if i + 1 == ENDED_AT_MIGRATION {
                fill_ended_at(&tx)?;
            }
            if i + 1 == DAY_MEASURES_MIGRATION && version > 0 {
                writer::rebuild_measures(&tx)?;
            }
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            tx.commit()?;
        }
        Ok(Store { conn, path })
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Starts an import batch: records put through the writer are committed
    /// together, measures maintained as they arrive.
    /// How long a write waits for another connection's write to end.
    pub fn set_write_wait(&self, wait: std::time::Duration) -> Result<()> {
        Ok(self.conn.busy_timeout(wait)?)
    }

    pub fn writer(&mut self, kind: &str, file: &str) -> Result<Writer<'_>> {
        // 256 MiB: a million-dossier import stays in memory until commit.
        // Only writing connections take it: a server with many reading
        // connections stays small (docs/scale.md).
        self.conn
            .pragma_update(None, "cache_size", WRITE_CACHE_KIB)?;
        Writer::new(&mut self.conn, kind, file)
    }

    /// Recomputes every maintained measure from the raw records.
    pub fn rebuild(&mut self) -> Result<()> {
        self.conn
            .pragma_update(None, "cache_size", WRITE_CACHE_KIB)?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        writer::rebuild_measures(&tx)?;
        tx.commit()?;
        Ok(())
    }

    pub fn inventory(&self) -> Result<Inventory> {
        let count = |table: &str| -> Result<i64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        let (first, latest) = self.conn.query_row(
            "SELECT min(received_at), max(received_at) FROM dossiers",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Inventory {
            units: count("units")?,
            procedures: count("procedures")?,
            dossiers: count("dossiers")?,
            feedback: count("feedback")?,
            quarantined: count("quarantine")?,
            first_received: first,
            latest_received: latest,
        })
    }

    /// Declares the data complete up to `at` (a synchronisation's arrival,
    /// a generator's "now"): the data's as-of instant is never earlier than
    /// the latest such declaration.
    pub fn declare_as_of(&self, at: Instant) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE \
             SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
            params![DECLARED_AS_OF, at.unix()],
        )?;
        Ok(())
    }

    /// The data's as-of instant exactly: the latest instant any dossier or
    /// feedback record reports (`engine::UnitRecords::as_of`), or a later
    /// declared one. One pass over the records.
    pub fn as_of(&self) -> Result<Option<Instant>> {
        let latest: Option<i64> = self.conn.query_row(
            "SELECT max(at) FROM ( \
               SELECT max(max(received_at, coalesce(submitted_at, 0), \
                 coalesce(supplement_requested_at, 0), coalesce(finished_at, 0), \
                 coalesce(returned_at, 0))) AS at FROM dossiers \
               UNION ALL \
               SELECT max(max(received_at, coalesce(handled_at, 0), coalesce(published_at, 0))) \
                 FROM feedback)",
            [],
            |r| r.get(0),
        )?;
        Ok(max_instant(latest, self.declared_as_of()?))
    }

    /// A lower bound of [`Store::as_of`] read from the indexes: the latest
    /// reception of a dossier or feedback item, or the declared instant.
    fn as_of_at_least(&self) -> Result<Option<Instant>> {
        let latest: Option<i64> = self.conn.query_row(
            "SELECT max(at) FROM ( \
               SELECT (SELECT max(received_at) FROM dossiers WHERE unit_id = u.id) AS at FROM units u \
               UNION ALL \
               SELECT (SELECT max(received_at) FROM feedback WHERE unit_id = u.id) FROM units u)",
            [],
            |r| r.get(0),
        )?;
        Ok(max_instant(latest, self.declared_as_of()?))
    }

    fn declared_as_of(&self) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?1",
                [DECLARED_AS_OF],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Rejected rows, oldest first.
    pub fn quarantine(&self) -> Result<Vec<QuarantinedRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, import_id, kind, file, line, column_name, reason, raw FROM quarantine ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(QuarantinedRow {
                id: r.get(0)?,
                import_id: r.get(1)?,
                kind: r.get(2)?,
                file: r.get(3)?,
                line: r.get(4)?,
                column: r.get(5)?,
                reason: r.get(6)?,
                raw: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn clear_quarantine(&self) -> Result<usize> {
        Ok(self.conn.execute("DELETE FROM quarantine", [])?)
    }

    pub fn holidays(&self) -> Result<Vec<Holiday>> {
        let mut stmt = self
            .conn
            .prepare("SELECT day, name FROM holidays ORDER BY day")?;
        let rows = stmt.query_map([], |r| {
            Ok(Holiday {
                date: Date::from_days(r.get(0)?),
                name: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// The shipped methodology versions plus those added with [`Store::add_methodology`].
    pub fn methodologies(&self) -> Result<MethodologySet> {
        let mut set = MethodologySet::builtin();
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, value FROM meta WHERE key LIKE 'methodology:%' ORDER BY key",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (key, text) = row?;
            let m = Methodology::from_toml(&key, &text).map_err(|e| StoreError::Corrupt {
                table: "meta",
                detail: format!("bộ chỉ số lưu trong cơ sở dữ liệu không hợp lệ: {e}"),
            })?;
            set.add(m);
        }
        Ok(set)
    }

    /// Stores a validated methodology file next to the shipped versions.
    pub fn add_methodology(&self, m: &Methodology, text: &str) -> Result<()> {
        self.set_meta(&format!("methodology:{}", m.id), text)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// The maintained monthly counters, for tests and diagnostics.
    pub fn month_counters(&self) -> Result<HashMap<(UnitId, Month), MonthCounters>> {
        let columns: Vec<&str> = Counter::ALL.iter().map(|c| c.column()).collect();
        let sql = format!(
            "SELECT unit_id, month, {} FROM month_measures",
            columns.join(", ")
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            let mut c = MonthCounters::default();
            for (i, v) in c.0.iter_mut().enumerate() {
                *v = r.get(i + 2)?;
            }
            out.insert((r.get(0)?, Month::from_index(r.get(1)?)), c);
        }
        Ok(out)
    }

    /// All maintained measure rows as text, for comparing incremental and rebuilt state.
    pub fn measure_dump(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut counters: Vec<_> = self
            .month_counters()?
            .into_iter()
            .filter(|(_, c)| !c.is_zero())
            .collect();
        counters.sort_by_key(|(k, _)| *k);
        out.extend(
            counters
                .into_iter()
                .map(|((u, m), c)| format!("month {u} {} {:?}", m.iso(), c.0)),
        );
        for (sql, tag) in [
            ("SELECT unit_id, kind, received_month, became_month, n FROM late_by_received WHERE n != 0 ORDER BY 1,2,3,4", "late"),
        ] {
            let mut stmt = self.conn.prepare(sql)?;
            let n = stmt.column_count();
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let values: Vec<i64> = (0..n).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?;
                out.push(format!("{tag} {values:?}"));
            }
        }
        self.dump_uses("procedure_use", "month", "procedure", &mut out)?;
        Ok(out)
    }

    /// The daily counters as text ([`Store::measure_dump`] for days).
    pub fn day_measure_dump(&self) -> Result<Vec<String>> {
        let columns: Vec<&str> = DAY_COUNTERS.iter().map(|c| c.column()).collect();
        let zero: Vec<String> = columns.iter().map(|c| format!("{c} = 0")).collect();
        let days = format!(
            "SELECT unit_id, day, {} FROM day_measures WHERE NOT ({}) ORDER BY 1, 2",
            columns.join(", "),
            zero.join(" AND ")
        );
        let mut out = Vec::new();
        for (sql, tag) in [
            (days.as_str(), "day"),
            ("SELECT unit_id, kind, received_day, became_day, n FROM late_by_received_day WHERE n != 0 ORDER BY 1,2,3,4", "late_day"),
        ] {
            let mut stmt = self.conn.prepare(sql)?;
            let n = stmt.column_count();
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let values: Vec<i64> = (0..n).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?;
                out.push(format!("{tag} {values:?}"));
            }
        }
        self.dump_uses("procedure_use_day", "day", "procedure_day", &mut out)?;
        Ok(out)
    }

    fn dump_uses(&self, table: &str, key: &str, tag: &str, out: &mut Vec<String>) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT unit_id, {key}, uses FROM {table} ORDER BY 1, 2"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (unit, at): (i64, i64) = (r.get(0)?, r.get(1)?);
            for (procedure, u) in
                packed::decode(r.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?)?
            {
                out.push(format!("{tag} {unit} {at} {procedure} {u:?}"));
            }
        }
        Ok(())
    }

    /// Each unit's own accumulator for any period straight from the raw
    /// records, streamed in one pass (the path for periods that are not whole
    /// months, and the reference the maintained counters must equal).
    pub fn accumulate_from_records(&self, period: &Period) -> Result<HashMap<UnitId, Accumulator>> {
        let hierarchy = self.hierarchy()?;
        let (catalogue, calendar) = (self.catalogue()?, self.calendar()?);
        let mut acc = engine::RecordAccumulator::new(&hierarchy, &catalogue, &calendar, period);
        rows::each_record(&self.conn, None, period, |record| match record {
            rows::Record::Dossier(d) => acc.add_dossier(&d),
            rows::Record::Feedback(f) => acc.add_feedback(&f),
            rows::Record::Counts(c) => acc.add_counts(&c),
        })?;
        Ok(acc.finish())
    }

    /// Any period that is not made of whole months, from the counters: the
    /// months and days that make it up ([`Accumulator::add_days`]), judged
    /// at the end of its last day. A period cut inside its last day then
    /// takes back the lateness of the records still open at the cutoff that
    /// falls after it, in one pass over the open records instead of all.
    fn day_accumulators(&self, period: &Period) -> Result<HashMap<UnitId, Accumulator>> {
        let counted = self.read_day_counters(period.from, period.to)?;
        // Cut at the end of its last day (a declared as-of instant, the
        // demo's "now"): nothing can fall between the cutoff and then.
        if period.end() >= period.to.end() {
            return Ok(counted);
        }
        let hierarchy = self.hierarchy()?;
        let (catalogue, calendar) = (self.catalogue()?, self.calendar()?);
        let mut acc = engine::RecordAccumulator::new(&hierarchy, &catalogue, &calendar, period)
            .counted_days(counted);
        rows::each_open_at(&self.conn, period.end(), |record| match record {
            rows::Record::Dossier(d) => acc.uncount_late_after(&d),
            rows::Record::Feedback(f) => acc.uncount_feedback_late_after(&f),
            rows::Record::Counts(_) => {}
        })?;
        Ok(acc.finish())
    }

    /// Each unit's accumulator for the days `[from, to]` judged at the end
    /// of `to`: monthly counters before `from`'s month (prefix counters
    /// only) and within the period's months (all: the months strictly
    /// between give everything, the first and last their unit counts),
    /// daily counters of the first and last months, the late counters by
    /// day of the period, the procedure use of the months strictly between
    /// and of the period's days in the first and last months.
    fn read_day_counters(&self, from: Date, to: Date) -> Result<HashMap<UnitId, Accumulator>> {
        let (first, last) = (from.month(), to.month());
        let mut months: HashMap<UnitId, Vec<(Month, MonthCounters)>> = HashMap::new();
        self.read_month_rows(first, last, &mut months)?;
        let mut days: HashMap<UnitId, Vec<(Date, MonthCounters)>> = HashMap::new();
        let columns: Vec<&str> = DAY_COUNTERS.iter().map(|c| c.column()).collect();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT unit_id, day, {} FROM day_measures \
             WHERE day BETWEEN ?1 AND ?2 OR day BETWEEN ?3 AND ?4",
            columns.join(", ")
        ))?;
        let mut rows = stmt.query([
            first.first_day().days(),
            first.last_day().days().min(to.days()),
            last.first_day().days(),
            to.days(),
        ])?;
        while let Some(r) = rows.next()? {
            let mut c = MonthCounters::default();
            for (i, counter) in DAY_COUNTERS.iter().enumerate() {
                c.add(*counter, r.get(i + 2)?);
            }
            days.entry(r.get(0)?)
                .or_default()
                .push((Date::from_days(r.get(1)?), c));
        }
        let mut late: HashMap<UnitId, Vec<(LateByReceivedDay, i64)>> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT unit_id, kind, received_day, became_day, n FROM late_by_received_day \
             WHERE received_day BETWEEN ?1 AND ?2 AND became_day <= ?2",
        )?;
        let mut rows = stmt.query([from.days(), to.days()])?;
        while let Some(r) = rows.next()? {
            let key = LateByReceivedDay {
                kind: late_kind(r.get(1)?),
                received: Date::from_days(r.get(2)?),
                became: Date::from_days(r.get(3)?),
            };
            late.entry(r.get(0)?).or_default().push((key, r.get(4)?));
        }
        let mut out: HashMap<UnitId, Accumulator> = HashMap::new();
        let units: std::collections::BTreeSet<UnitId> = months
            .keys()
            .chain(days.keys())
            .chain(late.keys())
            .copied()
            .collect();
        for unit in units {
            out.entry(unit).or_default().add_days(
                from,
                to,
                months
                    .get(&unit)
                    .into_iter()
                    .flatten()
                    .map(|(m, c)| (*m, c)),
                days.get(&unit).into_iter().flatten().map(|(d, c)| (*d, c)),
                late.get(&unit).into_iter().flatten().copied(),
            );
        }
        // Procedure sets: the months strictly between, the days at both ends.
        let mut stmt = self.conn.prepare_cached(
            "SELECT unit_id, uses FROM procedure_use WHERE month > ?1 AND month < ?2 \
             UNION ALL SELECT unit_id, uses FROM procedure_use_day \
             WHERE (day BETWEEN ?3 AND ?4 OR day BETWEEN ?5 AND ?6)",
        )?;
        let mut rows = stmt.query([
            first.index(),
            last.index(),
            from.days(),
            first.last_day().days().min(to.days()),
            last.first_day().days().max(from.days()),
            to.days(),
        ])?;
        while let Some(r) = rows.next()? {
            let unit: UnitId = r.get(0)?;
            let uses = packed::decode(r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?)?;
            let acc = out.entry(unit).or_default();
            for (procedure, usage) in &uses {
                acc.add_procedure_use(*procedure, usage);
            }
        }
        Ok(out)
    }

    /// Monthly counter rows: the prefix counters of the months before
    /// `first`, all counters of the months `[first, last]`.
    fn read_month_rows(
        &self,
        first: Month,
        last: Month,
        out: &mut HashMap<UnitId, Vec<(Month, MonthCounters)>>,
    ) -> Result<()> {
        for (counters, range) in [
            (PREFIX_COUNTERS, "month < ?1"),
            (Counter::ALL, "month BETWEEN ?1 AND ?2"),
        ] {
            let columns: Vec<&str> = counters.iter().map(|c| c.column()).collect();
            let sql = format!(
                "SELECT unit_id, month, {} FROM month_measures WHERE {range}",
                columns.join(", ")
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows = if range.contains("?2") {
                stmt.query([first.index(), last.index()])?
            } else {
                stmt.query([first.index()])?
            };
            while let Some(r) = rows.next()? {
                let mut c = MonthCounters::default();
                for (i, counter) in counters.iter().enumerate() {
                    c.add(*counter, r.get(i + 2)?);
                }
                out.entry(r.get(0)?)
                    .or_default()
                    .push((Month::from_index(r.get(1)?), c));
            }
        }
        Ok(())
    }

    /// Reads the maintained counters that whole-month periods within
    /// `[first, last]` need: every month up to `last` (timeliness takes prefix
    /// sums), and the two-month and procedure rows of the range.
    fn read_counters(&self, first: Month, last: Month) -> Result<CounterRows> {
        let mut out = CounterRows::default();
        // Months before the range give only their prefix counters; months in it, all.
        self.read_month_rows(first, last, &mut out.months)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT unit_id, kind, received_month, became_month, n FROM late_by_received \
             WHERE received_month BETWEEN ?1 AND ?2 AND became_month <= ?2",
        )?;
        let mut rows = stmt.query([first.index(), last.index()])?;
        while let Some(r) = rows.next()? {
            let key = LateByReceived {
                kind: late_kind(r.get(1)?),
                received: Month::from_index(r.get(2)?),
                became: Month::from_index(r.get(3)?),
            };
            out.late
                .entry(r.get(0)?)
                .or_default()
                .push((key, r.get(4)?));
        }
        // Procedure sets merge by adding per-procedure counts.
        let mut stmt = self.conn.prepare_cached(
            "SELECT unit_id, month, uses FROM procedure_use WHERE month BETWEEN ?1 AND ?2",
        )?;
        let mut rows = stmt.query([first.index(), last.index()])?;
        while let Some(r) = rows.next()? {
            let (unit, month): (UnitId, i32) = (r.get(0)?, r.get(1)?);
            let uses = packed::decode(r.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?)?;
            out.procedures.push((unit, Month::from_index(month), uses));
        }
        Ok(out)
    }
}

fn late_kind(kind: i64) -> LateKind {
    if kind == 0 {
        LateKind::Dossier
    } else {
        LateKind::FeedbackUnsatisfied
    }
}

fn max_instant(a: Option<i64>, b: Option<i64>) -> Option<Instant> {
    a.max(b).map(Instant::from_unix)
}

/// Counter rows read once and shared by the periods that need them.
#[derive(Default)]
struct CounterRows {
    months: HashMap<UnitId, Vec<(Month, MonthCounters)>>,
    late: HashMap<UnitId, Vec<(LateByReceived, i64)>>,
    procedures: Vec<(UnitId, Month, BTreeMap<ProcedureId, ProcedureUse>)>,
}

impl CounterRows {
    fn accumulators(&self, first: Month, last: Month) -> HashMap<UnitId, Accumulator> {
        let mut out: HashMap<UnitId, Accumulator> = HashMap::new();
        for (unit, rows) in &self.months {
            let late = self.late.get(unit).into_iter().flatten().copied();
            out.entry(*unit).or_default().add_months(
                first,
                last,
                rows.iter().map(|(m, c)| (*m, c)),
                late,
            );
        }
        for (unit, rows) in &self.late {
            if !self.months.contains_key(unit) {
                out.entry(*unit)
                    .or_default()
                    .add_months(first, last, [], rows.iter().copied());
            }
        }
        for (unit, month, uses) in &self.procedures {
            if !(first..=last).contains(month) {
                continue;
            }
            let acc = out.entry(*unit).or_default();
            for (procedure, usage) in uses {
                acc.add_procedure_use(*procedure, usage);
            }
        }
        out
    }
}

/// Fills `dossiers.ended_at` of a database made before migration 5.
fn fill_ended_at(tx: &rusqlite::Transaction) -> Result<()> {
    let mut ends = Vec::new();
    {
        let mut stmt = tx.prepare(&format!("{} ", rows::DOSSIER_SELECT))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let d = rows::dossier_from_row(r)?;
            ends.push((
                d.id.clone(),
                chiso_core::judge::end_of_processing(&d).map(|e| e.unix()),
            ));
        }
    }
    let mut update = tx.prepare("UPDATE dossiers SET ended_at = ?2 WHERE id = ?1")?;
    for (id, end) in ends {
        update.execute(params![id, end])?;
    }
    Ok(())
}

impl IndexStore for Store {
    type Error = StoreError;

    fn hierarchy(&self) -> Result<Hierarchy> {
        Ok(Hierarchy::new(rows::units(&self.conn)?))
    }

    fn catalogue(&self) -> Result<HashMap<ProcedureId, Procedure>> {
        rows::procedures(&self.conn)
    }

    fn calendar(&self) -> Result<Calendar> {
        Ok(Calendar::new(self.holidays()?.into_iter().map(|h| h.date)))
    }

    fn own_accumulators(&self, period: &Period) -> Result<HashMap<UnitId, Accumulator>> {
        if let Some((first, last)) = period.whole_months() {
            return Ok(self.read_counters(first, last)?.accumulators(first, last));
        }
        self.day_accumulators(period)
    }

    fn own_accumulators_many(
        &self,
        periods: &[Period],
    ) -> Result<Vec<HashMap<UnitId, Accumulator>>> {
        let months: Option<Vec<(Month, Month)>> =
            periods.iter().map(Period::whole_months).collect();
        match months.as_deref() {
            Some([head, rest @ ..]) => {
                let first = rest.iter().fold(head.0, |a, m| a.min(m.0));
                let last = rest.iter().fold(head.1, |a, m| a.max(m.1));
                let rows = self.read_counters(first, last)?;
                Ok(std::iter::once(head)
                    .chain(rest)
                    .map(|(f, l)| rows.accumulators(*f, *l))
                    .collect())
            }
            _ => periods.iter().map(|p| self.own_accumulators(p)).collect(),
        }
    }

    fn records_for(&self, units: &[UnitId], period: &Period) -> Result<UnitRecords> {
        rows::records_for(&self.conn, units, period)
    }

    /// The latest reception (from the indexes) when it reaches `until`, so
    /// a period the data covers costs no pass over the records.
    fn targets(&self) -> Result<Vec<chiso_core::targets::Target>> {
        Store::targets(self)
    }

    fn data_as_of(&self, until: Instant) -> Result<Option<Instant>> {
        match self.as_of_at_least()? {
            Some(at) if at >= until => Ok(Some(at)),
            _ => self.as_of(),
        }
    }
}
