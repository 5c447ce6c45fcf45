//! chiso's PostgreSQL store: the same records, maintained measures and
//! quarantine as the SQLite store (`chiso_store::Store`), with the same
//! public operations, for a province or the national level served by several
//! chiso nodes.
//!
//! - Migrations are embedded (`migrations/NNNN_name.sql`), applied in order by
//!   [`PgStore::migrate`] (`chiso migrate`) and tracked in `chiso_migrations`;
//!   [`PgStore::open`] refuses a database whose schema is older or newer than
//!   this build's.
//! - Dossiers are partitioned by month of reception and written in bulk
//!   (binary `COPY`, see `writer.rs`); measures are maintained with the core's deltas
//!   (`chiso_core::measures::MeasureBook`), exactly as the SQLite writer does.
//! - Connections come from a pool (r2d2): reads take one per call, a write
//!   batch keeps one for its transaction.
//! - Every committed write bumps a data version and sends
//!   `NOTIFY chiso_changes` with it: [`PgStore::data_version`] reads it and a
//!   [`ChangeListener`] blocks until another write lands, on any node.
//!
//! The core reaches it only through [`chiso_core::engine::IndexStore`].

mod accounts;
mod import;
mod journal;
mod migrate;
mod notify;
mod published;
mod rows;
mod targets;
pub mod testing;
mod writer;

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chiso_core::calendar::{Calendar, Holiday};
use chiso_core::engine::{self, IndexStore, UnitRecords};
use chiso_core::measures::{
    Accumulator, Counter, LateByReceived, LateKind, MonthCounters, ProcedureId, ProcedureUse,
    UnitId, PREFIX_COUNTERS,
};
use chiso_core::methodology::{Methodology, MethodologySet};
use chiso_core::period::Period;
use chiso_core::records::Procedure;
use chiso_core::scoring::Hierarchy;
use chiso_core::time::{Date, Instant, Month};
use postgres::{GenericClient, NoTls};
use r2d2_postgres::PostgresConnectionManager;

pub use chiso_core::storage::{BatchCounts, Inventory, Outcome, QuarantinedRow};
pub use migrate::{Migration, MIGRATIONS};
pub use notify::{ChangeListener, CHANNEL};
pub use writer::{PgWriter, PutError};

/// Meta key of the as-of instant a source declared (Unix seconds).
const DECLARED_AS_OF: &str = "data_as_of";

/// Connections a store keeps open at most.
const POOL_SIZE: u32 = 8;

/// A connection taken from the pool.
pub(crate) type Conn = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("lỗi PostgreSQL: {}", describe(.0))]
    Postgres(postgres::Error),
    #[error("không kết nối được PostgreSQL {url}: {detail}")]
    Connect { url: String, detail: String },
    #[error("địa chỉ cơ sở dữ liệu không hợp lệ '{url}': {detail} (dạng đúng: postgres://người_dùng@máy:5432/tên_csdl)")]
    Url { url: String, detail: String },
    #[error("cơ sở dữ liệu {url} được tạo bởi phiên bản chiso mới hơn (migration {found} > {supported}): hãy cập nhật chiso")]
    TooNew {
        url: String,
        found: i32,
        supported: i32,
    },
    #[error("cơ sở dữ liệu {url} chưa được cập nhật cấu trúc (migration {found} < {supported}): chạy 'chiso migrate --db {url}'")]
    Pending {
        url: String,
        found: i32,
        supported: i32,
    },
    #[error("dữ liệu hỏng trong bảng {table}: {detail}")]
    Corrupt { table: &'static str, detail: String },
}

impl From<postgres::Error> for PgError {
    fn from(e: postgres::Error) -> Self {
        PgError::Postgres(e)
    }
}

/// A PostgreSQL error with what the server said (message, detail, hint).
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut text = format!("{} ({})", db.message(), db.code().code());
            if let Some(detail) = db.detail() {
                text.push_str(&format!("; {detail}"));
            }
            if let Some(hint) = db.hint() {
                text.push_str(&format!("; {hint}"));
            }
            text
        }
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text.push_str(&format!(": {s}"));
                source = s.source();
            }
            text
        }
    }
}

pub type Result<T> = std::result::Result<T, PgError>;

/// Whether `db` names a PostgreSQL database rather than a SQLite file.
pub fn is_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// The connection settings of a URL, and the URL without its password (for
/// messages and `chiso status`).
fn config(url: &str) -> Result<(postgres::Config, String)> {
    let config: postgres::Config = url.parse().map_err(|e: postgres::Error| PgError::Url {
        url: redact_text(url),
        detail: describe(&e),
    })?;
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            postgres::config::Host::Tcp(h) => h.clone(),
            postgres::config::Host::Unix(p) => p.display().to_string(),
        })
        .collect();
    let port = config
        .get_ports()
        .first()
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let user = config
        .get_user()
        .map(|u| format!("{u}@"))
        .unwrap_or_default();
    let db = config.get_dbname().unwrap_or_default();
    let shown = format!("postgres://{user}{}{port}/{db}", hosts.join(","));
    Ok((config, shown))
}

/// A URL as text with any password hidden, for a URL that does not parse.
fn redact_text(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Bumps the data version in the current transaction and announces it to
/// every listener when the transaction commits.
pub(crate) fn bump_version(client: &mut impl GenericClient) -> Result<i64> {
    let version: i64 = client
        .query_one(
            "UPDATE data_version SET version = version + 1 RETURNING version",
            &[],
        )?
        .try_get(0)?;
    client.execute(
        "SELECT pg_notify($1, $2)",
        &[&CHANNEL, &version.to_string()],
    )?;
    Ok(version)
}

/// A PostgreSQL store; cloning shares its connection pool.
#[derive(Clone)]
pub struct PgStore {
    pool: r2d2::Pool<PostgresConnectionManager<NoTls>>,
    config: postgres::Config,
    url: String,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/db`)
    /// and checks that its schema is this build's: a database with pending
    /// migrations is refused until `chiso migrate` has run, one migrated by a
    /// newer chiso always.
    pub fn open(url: &str) -> Result<PgStore> {
        let (config, shown) = config(url)?;
        // One connection first, so that an unreachable server or a schema of
        // another version is said at once.
        let mut client = config.connect(NoTls).map_err(|e| PgError::Connect {
            url: shown.clone(),
            detail: describe(&e),
        })?;
        migrate::check(&mut client, &shown)?;
        drop(client);
        let manager = PostgresConnectionManager::new(config.clone(), NoTls);
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(30))
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build_unchecked(manager);
        Ok(PgStore {
            pool,
            config,
            url: shown,
        })
    }

    /// Applies the pending migrations to the database at `url`, in order and
    /// in one transaction (two nodes migrating at once wait for each other);
    /// returns those applied. A database migrated by a newer chiso is refused.
    pub fn migrate(url: &str) -> Result<Vec<&'static Migration>> {
        let (config, shown) = config(url)?;
        let mut client = config.connect(NoTls).map_err(|e| PgError::Connect {
            url: shown.clone(),
            detail: describe(&e),
        })?;
        migrate::run(&mut client, &shown)
    }

    /// The database's address without its password.
    pub fn path(&self) -> &str {
        &self.url
    }

    pub(crate) fn conn(&self) -> Result<Conn> {
        self.pool.get().map_err(|e| PgError::Connect {
            url: self.url.clone(),
            detail: e.to_string(),
        })
    }

    /// Starts an import batch: one transaction holding the write lock, whose
    /// records are committed together, measures maintained as they arrive.
    pub fn writer(&mut self, kind: &str, file: &str) -> Result<PgWriter<'_>> {
        PgWriter::new(self.conn()?, kind, file)
    }

    /// Runs `f` in a transaction that bumps the data version.
    fn write<T>(&self, f: impl FnOnce(&mut postgres::Transaction) -> Result<T>) -> Result<T> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        let out = f(&mut tx)?;
        bump_version(&mut tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Recomputes every maintained measure from the raw records.
    pub fn rebuild(&mut self) -> Result<()> {
        self.write(|tx| {
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&writer::WRITE_LOCK])?;
            writer::rebuild_measures(tx)
        })
    }

    pub fn inventory(&self) -> Result<Inventory> {
        let mut c = self.conn()?;
        let r = c.query_one(
            "SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM procedures), \
             (SELECT count(*) FROM dossiers), (SELECT count(*) FROM feedback), \
             (SELECT count(*) FROM quarantine), (SELECT min(received_at) FROM dossiers), \
             (SELECT max(received_at) FROM dossiers)",
            &[],
        )?;
        Ok(Inventory {
            units: r.try_get(0)?,
            procedures: r.try_get(1)?,
            dossiers: r.try_get(2)?,
            feedback: r.try_get(3)?,
            quarantined: r.try_get(4)?,
            first_received: r.try_get(5)?,
            latest_received: r.try_get(6)?,
        })
    }

    /// Declares the data complete up to `at` (a synchronisation's arrival,
    /// a generator's "now"): the data's as-of instant is never earlier than
    /// the latest such declaration.
    pub fn declare_as_of(&self, at: Instant) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE \
                 SET value = greatest(meta.value::bigint, excluded.value::bigint)::text",
                &[&DECLARED_AS_OF, &at.unix().to_string()],
            )?;
            Ok(())
        })
    }

    /// The data's as-of instant exactly: the latest instant any dossier or
    /// feedback record reports (stored as the core computed it,
    /// `engine::dossier_latest`, `engine::feedback_latest`), or a later
    /// declared one.
    pub fn as_of(&self) -> Result<Option<Instant>> {
        let latest: Option<i64> = self
            .conn()?
            .query_one(
                "SELECT greatest((SELECT max(latest_at) FROM dossiers), \
                 (SELECT max(latest_at) FROM feedback))",
                &[],
            )?
            .try_get(0)?;
        Ok(max_instant(latest, self.declared_as_of()?))
    }

    /// A lower bound of [`PgStore::as_of`] read from the indexes: the latest
    /// reception of a dossier or feedback item, or the declared instant.
    fn as_of_at_least(&self) -> Result<Option<Instant>> {
        let latest: Option<i64> = self
            .conn()?
            .query_one(
                "SELECT greatest((SELECT max(received_at) FROM dossiers), \
                 (SELECT max(received_at) FROM feedback))",
                &[],
            )?
            .try_get(0)?;
        Ok(max_instant(latest, self.declared_as_of()?))
    }

    fn declared_as_of(&self) -> Result<Option<i64>> {
        match self.meta(DECLARED_AS_OF)? {
            Some(v) => v.parse().map(Some).map_err(|_| {
                rows::corrupt("meta", format!("{DECLARED_AS_OF} không phải số: '{v}'"))
            }),
            None => Ok(None),
        }
    }

    /// Rejected rows, oldest first.
    pub fn quarantine(&self) -> Result<Vec<QuarantinedRow>> {
        self.conn()?
            .query(
                "SELECT id, import_id, kind, file, line, column_name, reason, raw FROM quarantine \
                 ORDER BY id",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(QuarantinedRow {
                    id: r.try_get(0)?,
                    import_id: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    file: r.try_get(3)?,
                    line: r.try_get(4)?,
                    column: r.try_get(5)?,
                    reason: r.try_get(6)?,
                    raw: r.try_get(7)?,
                })
            })
            .collect()
    }

    pub fn clear_quarantine(&self) -> Result<usize> {
        self.write(|tx| Ok(tx.execute("DELETE FROM quarantine", &[])? as usize))
    }

    pub fn holidays(&self) -> Result<Vec<Holiday>> {
        self.conn()?
            .query("SELECT day, name FROM holidays ORDER BY day", &[])?
            .iter()
            .map(|r| {
                Ok(Holiday {
                    date: Date::from_days(r.try_get(0)?),
                    name: r.try_get(1)?,
                })
            })
            .collect()
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )?;
            Ok(())
        })
    }

    /// The shipped methodology versions plus those added with [`PgStore::add_methodology`].
    pub fn methodologies(&self) -> Result<MethodologySet> {
        let mut set = MethodologySet::builtin();
        for r in self.conn()?.query(
            "SELECT key, value FROM meta WHERE key LIKE 'methodology:%' ORDER BY key COLLATE \"C\"",
            &[],
        )? {
            let (key, text): (String, String) = (r.try_get(0)?, r.try_get(1)?);
            let m = Methodology::from_toml(&key, &text).map_err(|e| PgError::Corrupt {
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
            .conn()?
            .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])?
            .map(|r| r.try_get(0))
            .transpose()?)
    }

    /// A number that changes whenever any writer, in any process or on any
    /// node, commits: caches are keyed by it.
    pub fn data_version(&self) -> Result<u64> {
        let v: i64 = self
            .conn()?
            .query_one("SELECT version FROM data_version", &[])?
            .try_get(0)?;
        u64::try_from(v).map_err(|_| rows::corrupt("data_version", format!("{v}")))
    }

    /// The migration version the database is at and the one this build
    /// expects, read without changing anything (for readiness probes).
    pub fn schema_versions(&self) -> Result<(i64, i64)> {
        let (found, expected) = migrate::versions(&mut *self.conn()?)?;
        Ok((i64::from(found), i64::from(expected)))
    }

    /// A listener of this database's changes, on a connection of its own.
    pub fn listen(&self) -> Result<ChangeListener> {
        ChangeListener::connect(&self.config, &self.url)
    }

    /// The maintained monthly counters, for tests and diagnostics.
    pub fn month_counters(&self) -> Result<HashMap<(UnitId, Month), MonthCounters>> {
        let columns: Vec<&str> = Counter::ALL.iter().map(|c| c.column()).collect();
        let sql = format!(
            "SELECT unit_id, month, {} FROM month_measures",
            columns.join(", ")
        );
        let mut out = HashMap::new();
        for r in self.conn()?.query(&sql, &[])? {
            let mut c = MonthCounters::default();
            for (i, v) in c.0.iter_mut().enumerate() {
                *v = r.try_get(i + 2)?;
            }
            out.insert(
                (
                    rows::unit_id("month_measures", r.try_get(0)?)?,
                    Month::from_index(r.try_get(1)?),
                ),
                c,
            );
        }
        Ok(out)
    }

    /// All maintained measure rows as text, in the SQLite store's format
    /// (`chiso_store::Store::measure_dump`), for comparing incremental and
    /// rebuilt state, and the two backends.
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
        let mut conn = self.conn()?;
        for r in conn.query(
            "SELECT unit_id, kind::bigint, received_month::bigint, became_month::bigint, n \
             FROM late_by_received WHERE n != 0 ORDER BY 1, 2, 3, 4",
            &[],
        )? {
            let values: Vec<i64> = (0..5)
                .map(|i| r.try_get(i))
                .collect::<std::result::Result<_, _>>()?;
            out.push(format!("late {values:?}"));
        }
        for r in conn.query(
            "SELECT unit_id, month, procedure_id, dossiers, online, paid_online, synced_fee \
             FROM procedure_use ORDER BY unit_id, month, procedure_id",
            &[],
        )? {
            let (unit, month, procedure): (i64, i32, i64) =
                (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
            let u = ProcedureUse {
                dossiers: r.try_get(3)?,
                online: r.try_get(4)?,
                paid_online: r.try_get(5)?,
                synced_fee: r.try_get(6)?,
            };
            out.push(format!("procedure {unit} {month} {procedure} {u:?}"));
        }
        Ok(out)
    }

    /// Each unit's own accumulator for any period straight from the raw
    /// records, streamed in one pass (the path for periods that are not whole
    /// months, and the reference the maintained counters must equal).
    pub fn accumulate_from_records(&self, period: &Period) -> Result<HashMap<UnitId, Accumulator>> {
        let hierarchy = self.hierarchy()?;
        let (catalogue, calendar) = (self.catalogue()?, self.calendar()?);
        let mut acc = engine::RecordAccumulator::new(&hierarchy, &catalogue, &calendar, period);
        rows::each_record(&mut *self.conn()?, None, period, |record| match record {
            rows::Record::Dossier(d) => acc.add_dossier(&d),
            rows::Record::Feedback(f) => acc.add_feedback(&f),
            rows::Record::Counts(c) => acc.add_counts(&c),
        })?;
        Ok(acc.finish())
    }

    /// A cut period ([`Period::cut_months`]): the counters of the months
    /// that cover it, less the lateness of the records still open at the
    /// cutoff that falls after it; one pass over the open records instead
    /// of all.
    fn cut_accumulators(
        &self,
        period: &Period,
        first: Month,
        last: Month,
    ) -> Result<HashMap<UnitId, Accumulator>> {
        let counted = self.read_counters(first, last)?.accumulators(first, last);
        let hierarchy = self.hierarchy()?;
        let (catalogue, calendar) = (self.catalogue()?, self.calendar()?);
        let mut acc = engine::RecordAccumulator::new(&hierarchy, &catalogue, &calendar, period)
            .counted(counted);
        rows::each_open_at(&mut *self.conn()?, period.end(), |record| match record {
            rows::Record::Dossier(d) => acc.uncount_late_after(&d),
            rows::Record::Feedback(f) => acc.uncount_feedback_late_after(&f),
            rows::Record::Counts(_) => {}
        })?;
        Ok(acc.finish())
    }

    /// Reads the maintained counters that whole-month periods within
    /// `[first, last]` need: every month up to `last` (timeliness takes prefix
    /// sums), and the two-month and procedure rows of the range.
    fn read_counters(&self, first: Month, last: Month) -> Result<CounterRows> {
        let mut conn = self.conn()?;
        let mut out = CounterRows::default();
        let (first_index, last_index) = (first.index(), last.index());
        // Months before the range give only their prefix counters; months in it, all.
        for (counters, before) in [(PREFIX_COUNTERS, true), (Counter::ALL, false)] {
            let columns: Vec<&str> = counters.iter().map(|c| c.column()).collect();
            let (range, params): (&str, Vec<&(dyn postgres::types::ToSql + Sync)>) = if before {
                ("month < $1", vec![&first_index])
            } else {
                ("month BETWEEN $1 AND $2", vec![&first_index, &last_index])
            };
            let sql = format!(
                "SELECT unit_id, month, {} FROM month_measures WHERE {range}",
                columns.join(", ")
            );
            for r in conn.query(&sql, &params)? {
                let mut c = MonthCounters::default();
                for (i, counter) in counters.iter().enumerate() {
                    c.add(*counter, r.try_get(i + 2)?);
                }
                out.months
                    .entry(rows::unit_id("month_measures", r.try_get(0)?)?)
                    .or_default()
                    .push((Month::from_index(r.try_get(1)?), c));
            }
        }
        for r in conn.query(
            "SELECT unit_id, kind, received_month, became_month, n FROM late_by_received \
             WHERE received_month BETWEEN $1 AND $2 AND became_month <= $2",
            &[&first_index, &last_index],
        )? {
            let kind = if r.try_get::<_, i16>(1)? == 0 {
                LateKind::Dossier
            } else {
                LateKind::FeedbackUnsatisfied
            };
            let key = LateByReceived {
                kind,
                received: Month::from_index(r.try_get(2)?),
                became: Month::from_index(r.try_get(3)?),
            };
            out.late
                .entry(rows::unit_id("late_by_received", r.try_get(0)?)?)
                .or_default()
                .push((key, r.try_get(4)?));
        }
        // Procedure sets merge by adding per-procedure counts.
        for r in conn.query(
            "SELECT unit_id, month, procedure_id, dossiers, online, paid_online, synced_fee \
             FROM procedure_use WHERE month BETWEEN $1 AND $2",
            &[&first_index, &last_index],
        )? {
            let key = (
                rows::unit_id("procedure_use", r.try_get(0)?)?,
                Month::from_index(r.try_get(1)?),
            );
            let usage = ProcedureUse {
                dossiers: r.try_get(3)?,
                online: r.try_get(4)?,
                paid_online: r.try_get(5)?,
                synced_fee: r.try_get(6)?,
            };
            out.procedures
                .entry(key)
                .or_default()
                .insert(rows::procedure_id("procedure_use", r.try_get(2)?)?, usage);
        }
        Ok(out)
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
    procedures: BTreeMap<(UnitId, Month), BTreeMap<ProcedureId, ProcedureUse>>,
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
        for ((unit, month), uses) in &self.procedures {
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

impl IndexStore for PgStore {
    type Error = PgError;

    fn hierarchy(&self) -> Result<Hierarchy> {
        Ok(Hierarchy::new(rows::units(&mut *self.conn()?)?))
    }

    fn catalogue(&self) -> Result<HashMap<ProcedureId, Procedure>> {
        rows::procedures(&mut *self.conn()?)
    }

    fn calendar(&self) -> Result<Calendar> {
        writer::calendar(&mut *self.conn()?)
    }

    fn own_accumulators(&self, period: &Period) -> Result<HashMap<UnitId, Accumulator>> {
        if let Some((first, last)) = period.whole_months() {
            return Ok(self.read_counters(first, last)?.accumulators(first, last));
        }
        if let Some((first, last)) = period.cut_months() {
            return self.cut_accumulators(period, first, last);
        }
        self.accumulate_from_records(period)
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
        rows::records_for(&mut *self.conn()?, units, period)
    }

    /// The latest reception (from the indexes) when it reaches `until`, so
    /// a period the data covers costs no pass over the records.
    fn targets(&self) -> Result<Vec<chiso_core::targets::Target>> {
        PgStore::targets(self)
    }

    fn data_as_of(&self, until: Instant) -> Result<Option<Instant>> {
        match self.as_of_at_least()? {
            Some(at) if at >= until => Ok(Some(at)),
            _ => self.as_of(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_shown_without_their_password() {
        let (_, shown) = config("postgres://chiso:bi%40mat@db.noibo:6543/tinh").unwrap();
        assert_eq!(shown, "postgres://chiso@db.noibo:6543/tinh");
        let e = config("postgres://chiso:bimat@db.noibo:cong/tinh")
            .err()
            .unwrap();
        let text = e.to_string();
        assert!(
            text.contains("postgres://chiso:***@db.noibo:cong/tinh") && !text.contains("bimat"),
            "{text}"
        );
        assert!(is_url("postgresql://x/y") && !is_url("chiso.db"));
    }
}
