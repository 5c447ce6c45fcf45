//! The PostgreSQL store on a real server (`chiso_store_pg::testing`: a
//! throwaway cluster, or `CHISO_TEST_PG_URL`), checked against the SQLite
//! store and against the raw records: the same province scores byte for byte
//! the same on both; incremental measures equal a rebuild with replaced
//! records (within a batch, across its groups, across months); counters equal
//! the raw recomputation for every period kind; a re-import changes nothing;
//! the feed's order and duplicates do not matter; read = accepted + rejected;
//! two handles see each other's writes and the listener is told.
//!
//! Without PostgreSQL on the machine each test says so and passes, unless
//! `CHISO_REQUIRE_PG=1` (as in `.ci/run`).

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use chiso_core::engine::{self, IndexStore};
use chiso_core::measures::{Measure, MeasureValues, UnitId};
use chiso_core::methodology::MethodologySet;
use chiso_core::period::Period;
use chiso_core::records::{Dossier, DossierStatus};
use chiso_core::scoring::document;
use chiso_core::storage::Storage;
use chiso_core::time::Instant;
use chiso_demo::{DemoConfig, DemoProvince};
use chiso_ingest::{Record, RecordKind};
use chiso_store::Store;
use chiso_store_pg::testing::{self, TestDatabase};
use chiso_store_pg::{PgError, PgStore};

/// A migrated database of its own, opened; `None` when PostgreSQL is absent.
fn pg(label: &str) -> Option<(TestDatabase, PgStore)> {
    let db = testing::database(label)?;
    PgStore::migrate(&db.url).expect("migrate");
    let store = PgStore::open(&db.url).expect("open");
    Some((db, store))
}

fn sqlite(dir: &Path) -> Store {
    Store::open(&dir.join("chiso.db")).expect("sqlite")
}

/// The order files are imported in.
const KINDS: [RecordKind; 6] = [
    RecordKind::Units,
    RecordKind::Procedures,
    RecordKind::Holidays,
    RecordKind::Dossiers,
    RecordKind::Feedback,
    RecordKind::Counts,
];

fn demo_config(dossiers: usize) -> DemoConfig {
    DemoConfig {
        seed: 11,
        dossiers,
        ..DemoConfig::default()
    }
}

/// Writes `DIR/<kind>.csv` in the import format (as `chiso demo --export`).
fn write_csv(dir: &Path, kind: RecordKind, records: impl IntoIterator<Item = Record>) {
    let path = dir.join(format!("{}.csv", kind.code()));
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "\u{feff}{}", kind.csv_header()).unwrap();
    for r in records {
        writeln!(out, "{}", r.to_csv_row()).unwrap();
    }
    out.flush().unwrap();
}

/// The demo province as the CSV files a real export would be.
fn export(dir: &Path, cfg: &DemoConfig) -> DemoProvince {
    let p = chiso_demo::generate(cfg);
    write_csv(
        dir,
        RecordKind::Units,
        p.units.iter().cloned().map(Record::Unit),
    );
    write_csv(
        dir,
        RecordKind::Procedures,
        p.procedures.iter().cloned().map(Record::Procedure),
    );
    write_csv(
        dir,
        RecordKind::Holidays,
        p.holidays.iter().cloned().map(Record::Holiday),
    );
    write_csv(
        dir,
        RecordKind::Dossiers,
        chiso_demo::dossiers(cfg, &p).map(Record::Dossier),
    );
    write_csv(
        dir,
        RecordKind::Feedback,
        p.feedback.iter().cloned().map(Record::Feedback),
    );
    write_csv(
        dir,
        RecordKind::Counts,
        p.counts.iter().cloned().map(Record::Counts),
    );
    p
}

/// Imports a file through the store's `import`, checking that it adds up.
macro_rules! import {
    ($store:expr, $dir:expr, $kind:expr) => {{
        let path = $dir.join(format!("{}.csv", $kind.code()));
        let reader = chiso_ingest::open($kind, &path).expect("readable");
        let s = chiso_app::import(&mut $store, reader, |_, _| {}).expect("import");
        assert_eq!(s.read, s.inserted + s.replaced + s.rejected, "{s:?}");
        s
    }};
}

/// Puts records through a writer in one batch and commits.
macro_rules! put_all {
    ($store:expr, $kind:expr, $put:ident, $items:expr) => {{
        let mut w = $store.writer($kind, "test").expect("writer");
        let mut n = 0;
        for x in $items {
            w.$put(x).expect("put");
            n += 1;
        }
        w.commit(n).expect("commit")
    }};
}

/// The score document of a period, as `chiso score --format json` prints it.
fn score_json<S: IndexStore>(store: &S, period: &str) -> String
where
    S::Error: std::fmt::Debug,
{
    let set = MethodologySet::builtin();
    let sheet = engine::score(store, &set, &Period::parse(period).unwrap())
        .unwrap_or_else(|e| panic!("{period}: {e}"));
    serde_json::to_string_pretty(&document::build(&sheet, None)).unwrap()
}

/// Every dossier a store holds, by id.
fn all_dossiers<S: IndexStore>(store: &S) -> Vec<Dossier>
where
    S::Error: std::fmt::Debug,
{
    let h = store.hierarchy().unwrap();
    let ids: Vec<UnitId> = h.units.iter().map(|(id, _)| *id).collect();
    let mut d = store
        .records_for(&ids, &Period::parse("2000-01-01..2100-12-31").unwrap())
        .unwrap()
        .dossiers;
    d.sort_by(|a, b| a.id.cmp(&b.id));
    d
}

#[test]
fn the_same_province_scores_byte_for_byte_the_same_on_sqlite_and_postgresql() {
    let Some((_db, mut pg)) = pg("same_scores") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cfg = demo_config(30_000);
    export(dir.path(), &cfg);
    let mut lite = sqlite(dir.path());
    for kind in KINDS {
        let (a, b) = (
            import!(lite, dir.path(), kind),
            import!(pg, dir.path(), kind),
        );
        assert_eq!(
            (a.read, a.inserted, a.replaced, a.rejected),
            (b.read, b.inserted, b.replaced, b.rejected),
            "{kind:?}"
        );
        assert!(a.read > 0, "{kind:?}");
    }
    assert_eq!(lite.measure_dump().unwrap(), pg.measure_dump().unwrap());
    assert_eq!(lite.inventory().unwrap(), pg.inventory().unwrap());
    // The data as its records report it (periods cut inside October), then
    // as it stands at the end of its last month.
    for declared in [None, Some(cfg.now())] {
        if let Some(now) = declared {
            lite.declare_as_of(now).unwrap();
            pg.declare_as_of(now).unwrap();
        }
        assert_eq!(lite.as_of().unwrap(), pg.as_of().unwrap());
        for period in [
            "2026-03",
            "2026-Q1",
            "2026-H1",
            "2026-05:ytd",
            "2026-01-10..2026-02-20",
            "2026",
            "2026-10",
            "2025-11-15..2026-10-31",
        ] {
            let (a, b) = (score_json(&lite, period), score_json(&pg, period));
            assert!(a.len() > 10_000, "{period}: {a}");
            assert!(
                a == b,
                "{period}: the documents differ (declared {declared:?})"
            );
        }
        // Explain reads the raw records the same way.
        let set = MethodologySet::builtin();
        let period = Period::parse("2026-Q2").unwrap();
        let sheet = engine::score(&lite, &set, &period).unwrap();
        for u in sheet.units.iter().step_by(7) {
            for criterion in ["2.1", "1.4", "5.1"] {
                let a = engine::explain(&lite, &set, &period, &u.code, criterion);
                let b = engine::explain(&pg, &set, &period, &u.code, criterion);
                match (a, b) {
                    (Ok(a), Ok(b)) => assert_eq!(
                        format!("{:?}", a.items),
                        format!("{:?}", b.items),
                        "{} {criterion}",
                        u.code
                    ),
                    (a, b) => assert_eq!(a.is_ok(), b.is_ok(), "{} {criterion}", u.code),
                }
            }
        }
    }
}

/// A demo dossier changed in every way a correction can change it.
fn corrected(d: &Dossier, i: usize, p: &DemoProvince) -> Dossier {
    let mut d = d.clone();
    match i % 5 {
        0 => {
            d.finished_at = d.finished_at.map(|f| f.add_seconds(9 * 86_400));
        }
        1 => {
            // Received a month and a half earlier: another partition.
            d.received_at = d.received_at.add_seconds(-45 * 86_400);
            d.submitted_at = d.submitted_at.map(|s| s.add_seconds(-45 * 86_400));
        }
        2 => {
            d.status = DossierStatus::Processing;
            (d.finished_at, d.returned_at) = (None, None);
        }
        3 => {
            d.unit_code = p.units[i % p.units.len()].code.clone();
            d.procedure_code = p.procedures[i % p.procedures.len()].code.clone();
        }
        _ => {
            d.handler_named = !d.handler_named;
            d.synced = !d.synced;
            d.supplement_requests += 2;
        }
    }
    d
}

#[test]
fn incremental_measures_with_replacements_equal_a_rebuild_and_sqlite() {
    let Some((db, mut pg)) = pg("incremental") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cfg = demo_config(30_000);
    let p = export(dir.path(), &cfg);
    let mut lite = sqlite(dir.path());
    for kind in KINDS {
        import!(lite, dir.path(), kind);
        import!(pg, dir.path(), kind);
    }
    let stored: Vec<Dossier> = chiso_demo::dossiers(&cfg, &p).collect();
    // One batch larger than a group of copied dossiers (16,384), replacing
    // stored dossiers, dossiers of its own earlier groups and of the same group.
    let mut batch: Vec<Dossier> = stored
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 0)
        .map(|(i, d)| corrected(d, i, &p))
        .collect();
    assert!(batch.len() > 16_384);
    batch.extend(
        stored
            .iter()
            .take(300)
            .enumerate()
            .map(|(i, d)| corrected(d, i + 2, &p)),
    );
    batch.extend((0..200).map(|i| Dossier {
        id: format!("NEW{i}"),
        ..corrected(&stored[i * 7], i, &p)
    }));
    batch.extend((0..50).map(|i| Dossier {
        id: format!("NEW{i}"),
        ..corrected(&stored[i * 11], i + 1, &p)
    }));
    // Receptions with a wrong year land in the default partition, and may
    // be corrected out of it.
    let odd = |id: &str, at: &str, d: &Dossier| Dossier {
        id: id.into(),
        received_at: chiso_core::time::parse_instant(at).unwrap().instant,
        ..d.clone()
    };
    batch.push(odd("ODD1", "1995-03-02 08:00", &stored[1]));
    batch.push(odd("ODD2", "2150-07-01 08:00", &stored[2]));
    batch.push(odd("ODD3", "1980-01-01 08:00", &stored[3]));
    batch.push(odd("ODD3", "2026-01-05 08:00", &stored[3]));
    let c_lite = put_all!(lite, "dossiers", put_dossier, &batch);
    let c_pg = put_all!(pg, "dossiers", put_dossier, &batch);
    assert_eq!(c_lite, c_pg, "the same counts of new and replaced dossiers");
    assert_eq!(c_pg.inserted, 203);
    // Feedback and monthly counts replaced too.
    let feedback: Vec<_> = p
        .feedback
        .iter()
        .step_by(3)
        .map(|f| chiso_core::records::Feedback {
            likes: f.likes + 1,
            handled_at: f.handled_at.map(|h| h.add_seconds(20 * 86_400)),
            ..f.clone()
        })
        .collect();
    assert_eq!(
        put_all!(lite, "feedback", put_feedback, &feedback),
        put_all!(pg, "feedback", put_feedback, &feedback)
    );
    let counts: Vec<_> = p
        .counts
        .iter()
        .step_by(2)
        .map(|c| chiso_core::records::UnitCounts {
            population: c.population + 10,
            ..c.clone()
        })
        .collect();
    assert_eq!(
        put_all!(lite, "counts", put_counts, &counts),
        put_all!(pg, "counts", put_counts, &counts)
    );
    let incremental = pg.measure_dump().unwrap();
    assert!(incremental.len() > 500);
    assert_eq!(incremental, lite.measure_dump().unwrap());
    pg.rebuild().unwrap();
    assert_eq!(
        pg.measure_dump().unwrap(),
        incremental,
        "rebuilt = incremental"
    );
    assert_eq!(all_dossiers(&pg), all_dossiers(&lite));
    // A holiday added changes deadlines, a procedure's flags change every
    // contribution: such batches rebuild, still the same as SQLite.
    let holiday = chiso_core::calendar::Holiday {
        date: chiso_core::time::Date::parse("2026-03-02").unwrap(),
        name: "Nghỉ bù".into(),
    };
    put_all!(lite, "holidays", put_holiday, [&holiday]);
    put_all!(pg, "holidays", put_holiday, [&holiday]);
    assert_eq!(pg.measure_dump().unwrap(), lite.measure_dump().unwrap());
    let mut procedure = p.procedures[3].clone();
    procedure.max_days = procedure.max_days.map(|d| d + 2);
    procedure.has_fee = !procedure.has_fee;
    put_all!(lite, "procedures", put_procedure, [&procedure]);
    put_all!(pg, "procedures", put_procedure, [&procedure]);
    assert_eq!(pg.measure_dump().unwrap(), lite.measure_dump().unwrap());
    // One partition per month of reception, and every key once.
    let mut client = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
    let row = client
        .query_one(
            "SELECT (SELECT count(*) FROM pg_inherits WHERE inhparent = 'dossiers'::regclass \
             AND inhrelid <> 'dossiers_other'::regclass), \
             (SELECT count(DISTINCT date_trunc('month', to_timestamp(received_at) AT TIME ZONE \
             'Asia/Ho_Chi_Minh')) FROM dossiers_other), (SELECT count(*) FROM dossier_keys), \
             (SELECT count(*) FROM dossiers), (SELECT count(*) FROM dossiers_other)",
            &[],
        )
        .unwrap();
    let (partitions, other_months, keys, dossiers, other): (i64, i64, i64, i64, i64) =
        (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
    let months: std::collections::BTreeSet<_> = all_dossiers(&pg)
        .iter()
        .map(|d| d.received_at.month())
        .filter(|m| (2000..2100).contains(&m.year()))
        .collect();
    assert!(months.len() >= 13);
    assert_eq!(partitions as usize, months.len(), "one partition per month");
    assert_eq!((other, other_months), (2, 2), "ODD1 and ODD2 only");
    assert_eq!(keys, dossiers);
    assert_eq!(dossiers, lite.inventory().unwrap().dossiers);
}

/// Rolled-up measures of every unit for a period, from the maintained
/// counters and from the raw records (`engine::accumulate_records`).
fn both_ways<S: IndexStore>(
    store: &S,
    period: &Period,
) -> (
    HashMap<UnitId, MeasureValues>,
    HashMap<UnitId, MeasureValues>,
)
where
    S::Error: std::fmt::Debug,
{
    let h = store.hierarchy().unwrap();
    let catalogue = store.catalogue().unwrap();
    let cal = store.calendar().unwrap();
    let counters = engine::rolled_up_measures(store, &h, &catalogue, &cal, period).unwrap();
    let ids: Vec<UnitId> = h.units.iter().map(|(id, _)| *id).collect();
    let records = store.records_for(&ids, period).unwrap();
    let own = engine::accumulate_records(&h, &catalogue, &cal, &records, period);
    (
        counters,
        engine::finish_measures(&h, &catalogue, &cal, own, period),
    )
}

#[test]
fn counters_equal_recomputation_from_records_for_every_period_kind() {
    let Some((_db, mut pg)) = pg("counters") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cfg = demo_config(20_000);
    let p = export(dir.path(), &cfg);
    for kind in KINDS {
        import!(pg, dir.path(), kind);
    }
    let batch: Vec<Dossier> = chiso_demo::dossiers(&cfg, &p)
        .enumerate()
        .filter(|(i, _)| i % 4 == 0)
        .map(|(i, d)| corrected(&d, i, &p))
        .collect();
    put_all!(pg, "dossiers", put_dossier, &batch);
    let mut late = 0;
    for period in [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-H1",
        "2025",
        "2026-07:ytd",
        "2026-02-01..2026-04-30",
    ] {
        let period = Period::parse(period).unwrap();
        let (counters, raw) = both_ways(&pg, &period);
        assert!(!raw.is_empty());
        for (id, v) in &raw {
            assert_eq!(&counters[id], v, "unit {id}, period {period}");
        }
        late += raw
            .values()
            .map(|v| v.get(Measure::TimelinessLate))
            .sum::<i64>();
    }
    assert!(late > 0, "late dossiers exercised");
    // Periods cut by the data's end (its latest reported instant): counters
    // of the months less what falls after the cut.
    let m = pg.as_of().unwrap().unwrap().month();
    for asked in [
        m.iso(),
        format!("{}-Q{}", m.year(), (m.number() - 1) / 3 + 1),
        m.year().to_string(),
        format!("{}:ytd", m.iso()),
    ] {
        let cut = engine::judged_period(&pg, &Period::parse(&asked).unwrap()).unwrap();
        assert!(cut.cut_months().is_some(), "{asked}");
        let (h, catalogue, cal) = (
            pg.hierarchy().unwrap(),
            pg.catalogue().unwrap(),
            pg.calendar().unwrap(),
        );
        let finish = |own| engine::finish_measures(&h, &catalogue, &cal, own, &cut);
        let (_, raw) = both_ways(&pg, &cut);
        assert_eq!(finish(pg.own_accumulators(&cut).unwrap()), raw, "{asked}");
        assert_eq!(
            finish(pg.accumulate_from_records(&cut).unwrap()),
            raw,
            "{asked}"
        );
    }
}

#[test]
fn importing_the_same_files_again_changes_nothing() {
    let Some((_db, mut pg)) = pg("idempotent") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cfg = demo_config(20_000);
    export(dir.path(), &cfg);
    let first: Vec<_> = KINDS.iter().map(|k| import!(pg, dir.path(), *k)).collect();
    pg.declare_as_of(cfg.now()).unwrap();
    let (dump, inventory, doc) = (
        pg.measure_dump().unwrap(),
        pg.inventory().unwrap(),
        score_json(&pg, "2026-Q2"),
    );
    let version = pg.data_version().unwrap();
    for (kind, before) in KINDS.iter().zip(&first) {
        let again = import!(pg, dir.path(), *kind);
        assert_eq!(again.read, before.read, "{kind:?}");
        assert_eq!(again.inserted, 0, "{kind:?}");
        assert_eq!(
            again.replaced,
            before.inserted + before.replaced,
            "{kind:?}"
        );
    }
    assert_eq!(pg.measure_dump().unwrap(), dump);
    assert_eq!(pg.inventory().unwrap(), inventory);
    assert_eq!(score_json(&pg, "2026-Q2"), doc);
    assert_eq!(
        pg.data_version().unwrap(),
        version + KINDS.len() as u64,
        "each committed import bumps the data version once"
    );
}

/// Events of `n` dossiers, each in `seq` order: received, sometimes sent
/// back for supplement and supplemented, then finished or still open.
fn events(p: &DemoProvince, n: usize) -> Vec<String> {
    let units: Vec<&str> = p
        .units
        .iter()
        .filter(|u| u.kind != chiso_core::records::UnitKind::Province)
        .map(|u| u.code.as_str())
        .collect();
    let mut out = Vec::new();
    let day =
        |d: usize, h: usize| format!("2026-04-{:02}T{:02}:00:00+07:00", 1 + d % 27, 8 + h % 9);
    for i in 0..n {
        let id = format!("EV{i}");
        let (unit, procedure) = (
            units[i % units.len()],
            &p.procedures[i % p.procedures.len()].code,
        );
        out.push(format!(
            r#"{{"dossier_id": "{id}", "seq": 1, "at": "{}", "type": "received", "unit_code": "{unit}", "procedure_code": "{procedure}", "due_at": "2026-04-{:02}", "channel": {}}}"#,
            day(i, 0),
            2 + (i * 7) % 27,
            1 + i % 2
        ));
        let mut seq = 2;
        if i % 3 == 0 {
            out.push(format!(
                r#"{{"dossier_id": "{id}", "seq": {seq}, "at": "{}", "type": "supplement_requested"}}"#,
                day(i + 1, 1)
            ));
            out.push(format!(
                r#"{{"dossier_id": "{id}", "seq": {}, "at": "{}", "type": "supplemented"}}"#,
                seq + 1,
                day(i + 3, 2)
            ));
            seq += 2;
        }
        if i % 4 != 1 {
            out.push(format!(
                r#"{{"dossier_id": "{id}", "seq": {seq}, "at": "{}", "type": "finished"}}"#,
                day(i + 4 + i % 9, 3)
            ));
        }
    }
    out
}

fn feed_file(dir: &Path, name: &str, lines: &[String]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n")).unwrap();
    path
}

fn apply_feed_file(
    path: &Path,
    apply: impl FnOnce(
        &str,
        &mut dyn Iterator<Item = Result<chiso_ingest::events::DossierEvent, chiso_ingest::Rejected>>,
    ) -> chiso_app::FeedSummary,
) -> chiso_app::FeedSummary {
    let name = path.display().to_string();
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut events = chiso_ingest::events::read_events(&name, file);
    apply(&name, &mut events)
}

#[test]
fn the_feed_gives_the_same_dossiers_whatever_the_order_and_duplicates() {
    let Some((_db, mut pg)) = pg("feed") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cfg = demo_config(2_000);
    let p = export(dir.path(), &cfg);
    let mut lite = sqlite(dir.path());
    for kind in [
        RecordKind::Units,
        RecordKind::Procedures,
        RecordKind::Holidays,
    ] {
        import!(lite, dir.path(), kind);
        import!(pg, dir.path(), kind);
    }
    let in_order = events(&p, 300);
    // Shuffled (a fixed permutation), one line in five sent twice, and in
    // two deliveries: the later events of some dossiers come first.
    let mut shuffled: Vec<String> = in_order
        .iter()
        .enumerate()
        .flat_map(|(i, l)| std::iter::repeat_n(l.clone(), if i % 5 == 0 { 2 } else { 1 }))
        .collect();
    let n = shuffled.len();
    for i in 0..n {
        shuffled.swap(i, (i * 7919 + 13) % n);
    }
    let (late, early) = shuffled.split_at(n / 2);
    let ordered = feed_file(dir.path(), "ordered.jsonl", &in_order);
    let second = feed_file(dir.path(), "late.jsonl", late);
    let first = feed_file(dir.path(), "early.jsonl", early);
    let s = apply_feed_file(&ordered, |f, e| {
        chiso_app::apply_feed(&mut lite, f, e).unwrap()
    });
    assert_eq!(
        (s.new, s.duplicates, s.dossiers),
        (in_order.len() as u64, 0, 300)
    );
    let a = apply_feed_file(&second, |f, e| {
        chiso_app::apply_feed(&mut pg, f, e).unwrap()
    });
    let b = apply_feed_file(&first, |f, e| chiso_app::apply_feed(&mut pg, f, e).unwrap());
    assert_eq!(a.new + b.new, in_order.len() as u64);
    assert_eq!(a.duplicates + b.duplicates, (n - in_order.len()) as u64);
    assert_eq!(a.read + b.read, n as u64);
    assert!(
        !a.waiting.is_empty(),
        "events before their dossier's reception wait"
    );
    assert_eq!(all_dossiers(&pg), all_dossiers(&lite));
    assert_eq!(all_dossiers(&pg).len(), 300);
    assert_eq!(pg.measure_dump().unwrap(), lite.measure_dump().unwrap());
    // The same deliveries again: all duplicates, nothing changes.
    let dump = pg.measure_dump().unwrap();
    let again = apply_feed_file(&first, |f, e| chiso_app::apply_feed(&mut pg, f, e).unwrap());
    assert_eq!((again.new, again.duplicates), (0, early.len() as u64));
    assert_eq!(pg.measure_dump().unwrap(), dump);
}

#[test]
fn every_row_read_is_accepted_or_quarantined() {
    let Some((_db, mut pg)) = pg("quarantine") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cfg = demo_config(2_000);
    let p = export(dir.path(), &cfg);
    let mut lite = sqlite(dir.path());
    for kind in [
        RecordKind::Units,
        RecordKind::Procedures,
        RecordKind::Holidays,
    ] {
        import!(lite, dir.path(), kind);
        import!(pg, dir.path(), kind);
    }
    // 40,000 rows, half of them refused by the reader or by the store
    // (more than one group of copied rejections).
    let good: Vec<Dossier> = chiso_demo::dossiers(&cfg, &p).collect();
    let mut rows = vec![RecordKind::Dossiers.csv_header()];
    for i in 0..40_000 {
        let mut d = good[i % good.len()].clone();
        d.id = format!("Q{i}");
        let row = match i % 8 {
            0 => {
                d.unit_code = "KHONG.CO".into();
                Record::Dossier(d).to_csv_row()
            }
            1 => {
                d.procedure_code = "9.999999".into();
                Record::Dossier(d).to_csv_row()
            }
            2 => Record::Dossier(d).to_csv_row().replacen(",", ",,,", 1),
            3 => format!(
                "Q{i},{},{},not a date",
                p.units[1].code, p.procedures[0].code
            ),
            _ => Record::Dossier(d).to_csv_row(),
        };
        rows.push(row);
    }
    std::fs::write(dir.path().join("dossiers.csv"), rows.join("\n")).unwrap();
    let a = import!(lite, dir.path(), RecordKind::Dossiers);
    let b = import!(pg, dir.path(), RecordKind::Dossiers);
    assert_eq!(b.read, 40_000);
    assert_eq!(b.rejected, 20_000, "{:?}", b.first_rejections.first());
    assert_eq!(
        (a.read, a.inserted, a.replaced, a.rejected),
        (b.read, b.inserted, b.replaced, b.rejected)
    );
    assert_eq!(b.first_rejections, a.first_rejections);
    let (ql, qp) = (lite.quarantine().unwrap(), pg.quarantine().unwrap());
    assert_eq!(qp.len() as u64, b.rejected);
    let strip = |q: &[chiso_store::QuarantinedRow]| {
        q.iter()
            .map(|r| {
                (
                    r.kind.clone(),
                    r.file.clone(),
                    r.line,
                    r.column.clone(),
                    r.reason.clone(),
                    r.raw.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&qp), strip(&ql), "the same rows, reasons and order");
    assert!(qp.iter().all(|r| r.import_id.is_some()));
    assert_eq!(pg.inventory().unwrap().quarantined, 20_000);
    assert_eq!(pg.clear_quarantine().unwrap(), 20_000);
    assert!(pg.quarantine().unwrap().is_empty());
}

#[test]
fn two_handles_see_each_others_writes_and_the_listener_is_told() {
    let Some((db, mut a)) = pg("two_nodes") else {
        return;
    };
    let b = PgStore::open(&db.url).unwrap();
    let mut listener = b.listen().unwrap();
    let v0 = b.data_version().unwrap();
    assert_eq!(listener.wait(Duration::from_millis(200)).unwrap(), None);
    a.set_meta("tinh", "Tỉnh mẫu").unwrap();
    let v1 = b.data_version().unwrap();
    assert!(v1 > v0);
    assert_eq!(b.meta("tinh").unwrap().as_deref(), Some("Tỉnh mẫu"));
    assert_eq!(listener.wait(Duration::from_secs(10)).unwrap(), Some(v1));
    // A batch through one handle: visible through the other once committed.
    let unit = chiso_core::records::Unit {
        code: "T".into(),
        name: "Tỉnh".into(),
        parent_code: None,
        kind: chiso_core::records::UnitKind::Province,
        valid_from: None,
        valid_to: None,
        successor_code: None,
        scored: true,
    };
    let mut w = a.writer("units", "test").unwrap();
    w.put_unit(&unit).unwrap();
    assert_eq!(b.inventory().unwrap().units, 0, "not before the commit");
    w.commit(1).unwrap();
    assert_eq!(b.inventory().unwrap().units, 1);
    let v2 = b.data_version().unwrap();
    assert!(v2 > v1);
    assert_eq!(listener.wait(Duration::from_secs(10)).unwrap(), Some(v2));
    // A batch abandoned (dropped without commit) changes nothing and says nothing.
    let mut w = a.writer("units", "test").unwrap();
    w.put_unit(&chiso_core::records::Unit {
        code: "X".into(),
        ..unit.clone()
    })
    .unwrap();
    drop(w);
    assert_eq!(listener.wait(Duration::from_millis(300)).unwrap(), None);
    assert_eq!(b.data_version().unwrap(), v2);
    assert_eq!(b.inventory().unwrap().units, 1);
    // Several writes between two waits: one wake-up with the latest version.
    a.declare_as_of(Instant::from_unix(1_780_000_000)).unwrap();
    a.declare_as_of(Instant::from_unix(1_700_000_000)).unwrap();
    let v3 = b.data_version().unwrap();
    assert_eq!(v3, v2 + 2);
    assert_eq!(listener.wait(Duration::from_secs(10)).unwrap(), Some(v3));
    assert_eq!(b.as_of().unwrap(), Some(Instant::from_unix(1_780_000_000)));
}

#[test]
fn a_database_must_be_migrated_and_not_by_a_newer_chiso() {
    let Some(db) = testing::database("migrations") else {
        return;
    };
    match PgStore::open(&db.url) {
        Err(PgError::Pending { found: 0, .. }) => {}
        other => panic!("an empty database is refused: {:?}", other.err()),
    }
    let applied = PgStore::migrate(&db.url).unwrap();
    assert_eq!(applied.len(), chiso_store_pg::MIGRATIONS.len());
    assert!(PgStore::migrate(&db.url).unwrap().is_empty(), "once only");
    PgStore::open(&db.url).unwrap();
    let mut client = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
    client
        .execute(
            "INSERT INTO chiso_migrations (version, name) VALUES (999, 'future')",
            &[],
        )
        .unwrap();
    for e in [
        PgStore::open(&db.url).err(),
        PgStore::migrate(&db.url).err(),
    ] {
        match e {
            Some(e @ PgError::TooNew { found: 999, .. }) => {
                assert!(e.to_string().contains("mới hơn"), "{e}")
            }
            other => panic!("a newer schema is refused: {other:?}"),
        }
    }
    // A wrong address is said in Vietnamese, without its password.
    let e = PgStore::open("postgres://chiso:bimat@127.0.0.1:1/chiso")
        .err()
        .unwrap();
    let text = e.to_string();
    assert!(
        text.contains("không kết nối được") && !text.contains("bimat"),
        "{text}"
    );
}

#[test]
fn processing_steps_and_published_figures_are_kept_as_on_sqlite() {
    let Some((_db, mut pg)) = pg("steps_published") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cfg = demo_config(3_000);
    let p = export(dir.path(), &cfg);
    let mut lite = sqlite(dir.path());
    for kind in KINDS {
        import!(lite, dir.path(), kind);
        import!(pg, dir.path(), kind);
    }
    let stored: Vec<Dossier> = chiso_demo::dossiers(&cfg, &p).take(150).collect();
    // Steps of stored dossiers and of dossiers not yet received, each sent
    // twice; a step without the officer's title makes its dossier late.
    let step = |d: &Dossier, id: &str, k: usize| chiso_core::steps::ProcessingStep {
        dossier_id: id.to_string(),
        at: d.received_at.add_seconds(3_600 * (k as i64 + 1)),
        status: Some(if k == 1 {
            DossierStatus::Finished
        } else {
            DossierStatus::Processing
        }),
        handler: "Nguyễn Văn A".into(),
        title: if k == 0 {
            String::new()
        } else {
            "Chuyên viên".into()
        },
        department: "Bộ phận một cửa".into(),
        content: format!("bước {k}"),
        started_at: None,
        due_at: None,
    };
    let mut steps = Vec::new();
    for (i, d) in stored.iter().enumerate() {
        let later = format!("LATER{i}");
        for k in 0..2 {
            steps.push(step(d, &d.id, k));
            steps.push(step(d, &later, k));
        }
    }
    let twice: Vec<_> = steps.iter().chain(&steps).collect();
    assert_eq!(
        put_all!(lite, "steps", put_step, twice.iter().copied()),
        put_all!(pg, "steps", put_step, twice.iter().copied())
    );
    let later: Vec<Dossier> = stored
        .iter()
        .enumerate()
        .map(|(i, d)| Dossier {
            id: format!("LATER{i}"),
            ..d.clone()
        })
        .collect();
    assert_eq!(
        put_all!(lite, "dossiers", put_dossier, &later),
        put_all!(pg, "dossiers", put_dossier, &later)
    );
    let (a, b) = (all_dossiers(&lite), all_dossiers(&pg));
    assert_eq!(a, b);
    assert!(b.iter().any(|d| d.id == "LATER3" && !d.handler_named));
    assert_eq!(pg.measure_dump().unwrap(), lite.measure_dump().unwrap());
    for id in ["LATER7", &stored[7].id] {
        assert_eq!(pg.steps(id).unwrap(), lite.steps(id).unwrap());
        assert_eq!(pg.steps(id).unwrap().len(), 2);
    }

    // The portal's published figures: rows, rejections, replacement.
    let units = p.units.clone();
    let period = Period::parse("2026-10").unwrap();
    let text = |total: &str| {
        format!(
            r#"{{"error_code": "0", "message": "", "result": [
              {{"ID": "{}", "TEN": "{}", "CKMB": "6", "TDGQ": "20", "TONG_SCORE": "{total}"}},
              {{"ID": "", "TEN": "{}", "CKMB": "5,5", "TONG_SCORE": "81"}},
              {{"ID": "", "TEN": "Không có đơn vị này", "CKMB": "1", "TONG_SCORE": "2"}}]}}"#,
            units[0].code, units[0].name, units[1].name
        )
    };
    for total in ["80,5", "79"] {
        let published = chiso_ingest::published::read_bytes(
            "ketqua.json",
            text(total).as_bytes(),
            &units,
            Some(period),
        )
        .unwrap();
        let (a, b) = (
            chiso_app::import_published(&mut lite, &published).unwrap(),
            chiso_app::import_published(&mut pg, &published).unwrap(),
        );
        assert_eq!(a, b);
        assert_eq!((b.read, b.accepted(), b.rejected), (3, 2, 1));
        assert_eq!(
            pg.published(&period).unwrap(),
            lite.published(&period).unwrap()
        );
    }
    let figures = pg.published(&period).unwrap();
    let first = figures.iter().find(|f| f.unit_code == units[0].code);
    assert_eq!(first.and_then(|f| f.total), Some(79.0), "replaced");
    assert_eq!(pg.published_periods().unwrap(), ["2026-10"]);
}
