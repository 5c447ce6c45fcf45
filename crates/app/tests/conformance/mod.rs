//! The conformance suite of the storage contract (`chiso_core::storage`):
//! one set of checks every backend must pass, written once, generic over
//! the backend. A backend's test file includes this module and calls
//! [`run_all`] with a way to make an empty store; the figures are compared
//! with the in-memory reference backend (`chiso_core::memory::MemoryStore`),
//! which recomputes everything from the raw records.
//!
//! Checks: the same score JSON byte for byte as the reference for every
//! period kind; counters equal the raw recomputation; incremental equals
//! rebuild with replaced records; imports are idempotent; feed events in
//! any order and repeated give the same dossiers; the quarantine accounts
//! for every row (read = accepted + rejected), a rejected row's text cut
//! at the same size; a loop of parent units refused; steps before or after
//! their dossier. Administrative-reform journals (`journals`): append-only,
//! refused when stale, listed in code order, and a whole reporting step read
//! back as the reference holds it ([`run_journals`]); published results
//! that later imports never change, republished with a reason, every
//! version kept and its hash checked (`publication`); alerts recorded once
//! per event and their digests sent once (`alerts`).

#![allow(dead_code)]

pub mod alerts;
pub mod journals;
pub mod publication;

use chiso_app::ImportSummary;
use chiso_core::engine::{self, IndexStore};
use chiso_core::memory::MemoryStore;
use chiso_core::period::Period;
use chiso_core::records::Dossier;
use chiso_core::scoring::document;
use chiso_core::storage::Storage;
use chiso_demo::{DemoConfig, DemoProvince};
use chiso_ingest::{Format, Record, RecordKind};

/// A small generated province: its tables and its dossiers.
pub struct Province {
    pub province: DemoProvince,
    pub dossiers: Vec<Dossier>,
}

pub fn province(seed: u64, dossiers: usize) -> Province {
    let cfg = DemoConfig {
        seed,
        dossiers,
        ..DemoConfig::default()
    };
    let province = chiso_demo::generate(&cfg);
    let dossiers = chiso_demo::dossiers(&cfg, &province).collect();
    Province { province, dossiers }
}

/// Records as the CSV a user would import.
pub fn csv(kind: RecordKind, records: impl IntoIterator<Item = Record>) -> String {
    let mut text = kind.csv_header();
    text.push('\n');
    for r in records {
        text.push_str(&r.to_csv_row());
        text.push('\n');
    }
    text
}

/// Imports one CSV text through the application layer.
pub fn import<S: Storage>(store: &mut S, kind: RecordKind, name: &str, text: &str) -> ImportSummary
where
    S::Error: std::fmt::Debug,
{
    let options = chiso_app::read_options(store, None).expect("catalogue");
    let reader = chiso_ingest::from_reader_with(
        kind,
        name,
        Some(Format::Csv),
        std::io::Cursor::new(text.as_bytes().to_vec()),
        &options,
    )
    .expect("readable");
    chiso_app::import(store, reader, |_, _| {}).expect("import")
}

/// Loads a province: catalogues, then `dossiers`, then feedback and counts.
pub fn load<S: Storage>(store: &mut S, p: &Province, dossiers: &[Dossier])
where
    S::Error: std::fmt::Debug,
{
    let t = &p.province;
    import(
        store,
        RecordKind::Units,
        "units.csv",
        &csv(RecordKind::Units, t.units.iter().cloned().map(Record::Unit)),
    );
    import(
        store,
        RecordKind::Procedures,
        "procedures.csv",
        &csv(
            RecordKind::Procedures,
            t.procedures.iter().cloned().map(Record::Procedure),
        ),
    );
    import(
        store,
        RecordKind::Holidays,
        "holidays.csv",
        &csv(
            RecordKind::Holidays,
            t.holidays.iter().cloned().map(Record::Holiday),
        ),
    );
    import(
        store,
        RecordKind::Dossiers,
        "dossiers.csv",
        &csv(
            RecordKind::Dossiers,
            dossiers.iter().cloned().map(Record::Dossier),
        ),
    );
    import(
        store,
        RecordKind::Feedback,
        "feedback.csv",
        &csv(
            RecordKind::Feedback,
            t.feedback.iter().cloned().map(Record::Feedback),
        ),
    );
    import(
        store,
        RecordKind::Counts,
        "counts.csv",
        &csv(
            RecordKind::Counts,
            t.counts.iter().cloned().map(Record::Counts),
        ),
    );
}

/// Every kind of period over the demo's year.
pub const PERIODS: &[&str] = &[
    "2026-10",
    "2026-03",
    "2026-Q1",
    "2026-Q3",
    "2026-H1",
    "2025",
    "2026-09:ytd",
    "2026-01-01..2026-02-15",
    "2025-11-10..2026-04-20",
    // Date ranges of every shape (SQLite: daily and monthly counters).
    "2026-10-05..2026-10-05",
    "2026-03-31..2026-04-01",
    "2026-02-10..2026-02-28",
    "2026-05-01..2026-05-20",
    "2025-12-15..2026-03-10",
    "2026-06-10..2026-06-24",
    // Ranges the data stops inside: cut at its as-of instant.
    "2026-10-20..2026-10-31",
    "2026-09-15..2026-11-15",
];

/// The score document of every period, as the CLI and the API serialise it.
pub fn scores<S: IndexStore + Storage>(store: &S) -> Vec<(String, String)>
where
    <S as IndexStore>::Error: std::fmt::Debug,
{
    let set = store.methodologies().expect("methodologies");
    PERIODS
        .iter()
        .map(|p| {
            let period = Period::parse(p).expect("period");
            let json = match engine::score(store, &set, &period) {
                Ok(sheet) => serde_json::to_string(&document::build(&sheet, None)).expect("json"),
                Err(e) => format!("error: {e}"),
            };
            (p.to_string(), json)
        })
        .collect()
}

fn assert_same(what: &str, a: &[(String, String)], b: &[(String, String)]) {
    for ((p, x), (_, y)) in a.iter().zip(b) {
        assert!(
            x == y,
            "{what}, period {p}: the backend and the reference differ\n{}\n{}",
            &x[..x.len().min(300)],
            &y[..y.len().min(300)]
        );
    }
}

/// The same province gives the reference's score documents, byte for byte.
pub fn same_scores_as_the_reference<S: Storage>(mut store: S, p: &Province)
where
    S::Error: std::fmt::Debug,
{
    let mut reference = MemoryStore::new();
    load(&mut reference, p, &p.dossiers);
    load(&mut store, p, &p.dossiers);
    let kept = scores(&store);
    let scored = kept.iter().filter(|(_, j)| j.contains("\"total\"")).count();
    assert_eq!(scored, PERIODS.len(), "every period is scored: {kept:?}");
    assert_same("same data", &kept, &scores(&reference));
}

/// Counters (whatever the backend maintains) equal a recomputation from
/// its own raw records, for every period kind: months, quarters, halves,
/// years, years to date and date ranges of every shape (within a month,
/// across months, ending or starting mid-month, one day, cut at the data's
/// as-of instant).
pub fn counters_equal_raw_recomputation<S: Storage>(mut store: S, p: &Province)
where
    S::Error: std::fmt::Debug,
{
    load(&mut store, p, &p.dossiers);
    let h = store.hierarchy().expect("hierarchy");
    let catalogue = store.catalogue().expect("catalogue");
    let cal = store.calendar().expect("calendar");
    let ids: Vec<_> = h.units.iter().map(|(id, _)| *id).collect();
    for code in PERIODS {
        let period = Period::parse(code).expect("period");
        let kept =
            engine::rolled_up_measures(&store, &h, &catalogue, &cal, &period).expect("measures");
        let records = store.records_for(&ids, &period).expect("records");
        let own = engine::accumulate_records(&h, &catalogue, &cal, &records, &period);
        let catalogue_values =
            chiso_core::measures::catalogue_values(catalogue.values(), &period, &cal, h.top_kind());
        for (id, a) in h.roll_up(own, &period) {
            let raw = a.finish(&catalogue, &catalogue_values);
            assert!(
                kept.get(&id) == Some(&raw),
                "{code}: unit {id}: counters differ from the raw records"
            );
        }
    }
}

/// Importing replaced records incrementally equals a rebuild, and equals
/// the reference given only the final records.
pub fn incremental_equals_rebuild<S: Storage>(mut store: S, p: &Province)
where
    S::Error: std::fmt::Debug,
{
    load(&mut store, p, &p.dossiers);
    // A second file replacing one dossier in five: later, finished, online.
    let changed: Vec<Dossier> = p
        .dossiers
        .iter()
        .step_by(5)
        .map(|d| {
            let mut d = d.clone();
            d.finished_at = Some(d.received_at.add_seconds(40 * 86_400));
            d.status = chiso_core::records::DossierStatus::Finished;
            d.channel = chiso_core::records::Channel::Online;
            d.synced = !d.synced;
            d
        })
        .collect();
    let s = import(
        &mut store,
        RecordKind::Dossiers,
        "again.csv",
        &csv(
            RecordKind::Dossiers,
            changed.iter().cloned().map(Record::Dossier),
        ),
    );
    assert_eq!(
        s.replaced,
        changed.len() as u64,
        "every changed dossier replaces one"
    );
    let incremental = scores(&store);
    store.rebuild().expect("rebuild");
    assert_same("incremental vs rebuild", &incremental, &scores(&store));

    let mut finals = p.dossiers.clone();
    for d in &changed {
        if let Some(x) = finals.iter_mut().find(|x| x.id == d.id) {
            *x = d.clone();
        }
    }
    let mut reference = MemoryStore::new();
    load(&mut reference, p, &finals);
    assert_same(
        "incremental vs reference",
        &incremental,
        &scores(&reference),
    );
}

/// The same file twice changes nothing but the counts: all replaced.
pub fn imports_are_idempotent<S: Storage>(mut store: S, p: &Province)
where
    S::Error: std::fmt::Debug,
{
    load(&mut store, p, &p.dossiers);
    let before = scores(&store);
    let inventory = store.inventory().expect("inventory");
    let text = csv(
        RecordKind::Dossiers,
        p.dossiers.iter().cloned().map(Record::Dossier),
    );
    let s = import(&mut store, RecordKind::Dossiers, "dossiers.csv", &text);
    assert_eq!(
        (s.inserted, s.replaced, s.rejected),
        (0, p.dossiers.len() as u64, 0)
    );
    assert_eq!(scores(&store), before);
    assert_eq!(
        store.inventory().expect("inventory").dossiers,
        inventory.dossiers
    );
}

/// Every row is accepted or rejected; rejected rows are in the quarantine
/// with their file, line and reason.
pub fn quarantine_accounts_for_every_row<S: Storage>(mut store: S, p: &Province)
where
    S::Error: std::fmt::Debug,
{
    load(&mut store, p, &[]);
    let good = &p.dossiers[0];
    let mut text = csv(RecordKind::Dossiers, [Record::Dossier(good.clone())]);
    let mut bad_unit = good.clone();
    bad_unit.id = "BAD-UNIT".into();
    bad_unit.unit_code = "NO.SUCH.UNIT".into();
    let mut bad_procedure = good.clone();
    bad_procedure.id = "BAD-PROC".into();
    bad_procedure.procedure_code = "9.999999".into();
    text.push_str(&Record::Dossier(bad_unit).to_csv_row());
    text.push('\n');
    text.push_str(&Record::Dossier(bad_procedure).to_csv_row());
    text.push_str("\nBROKEN,,,,not a date\n");
    let before = store.quarantine().expect("quarantine").len();
    let s = import(&mut store, RecordKind::Dossiers, "mixed.csv", &text);
    assert_eq!(s.read, 4);
    assert_eq!((s.accepted(), s.rejected), (1, 3));
    assert_eq!(s.read, s.accepted() + s.rejected);
    let q = store.quarantine().expect("quarantine");
    assert_eq!(q.len() - before, 3);
    let lines: Vec<i64> = q[before..].iter().map(|r| r.line).collect();
    assert_eq!(lines, [3, 4, 5]);
    assert!(q[before..]
        .iter()
        .all(|r| r.file == "mixed.csv" && !r.reason.is_empty()));
    assert_eq!(q[before].column.as_deref(), Some("unit_code"));
    assert_eq!(q[before + 1].column.as_deref(), Some("procedure_code"));
}

/// A hostile row of 100 KB is kept in the quarantine (and shown in the
/// summary) as its first 4 KiB and how much was cut, whichever backend and
/// whichever step rejected it; a reason quoting it, as its first 1 KiB.
pub fn quarantined_rows_are_cut<S: Storage>(mut store: S, p: &Province)
where
    S::Error: std::fmt::Debug,
{
    load(&mut store, p, &[]);
    let huge = "x".repeat(100_000);
    let broken = format!("BROKEN,{huge},,,not a date");
    let mut unknown = p.dossiers[0].clone();
    unknown.id = "UNKNOWN-UNIT".into();
    unknown.unit_code = "Đ".repeat(50_000);
    let unknown_row = Record::Dossier(unknown).to_csv_row();
    let text = format!(
        "{}\n{broken}\n{unknown_row}\n",
        RecordKind::Dossiers.csv_header()
    );
    let before = store.quarantine().expect("quarantine").len();
    let s = import(&mut store, RecordKind::Dossiers, "huge.csv", &text);
    assert_eq!((s.read, s.rejected), (2, 2));
    let q = store.quarantine().expect("quarantine");
    let stored: Vec<&str> = q[before..].iter().map(|r| r.raw.as_str()).collect();
    let shown: Vec<&str> = s.first_rejections.iter().map(|r| r.raw.as_str()).collect();
    assert_eq!(stored, shown);
    // The unknown unit's reason quotes its 100 KB code: cut too.
    let reason = &q[before + 1].reason;
    assert!(
        reason.len() <= chiso_app::MAX_REASON_BYTES + 40 && reason.contains("… (cắt bớt "),
        "{}",
        reason.len()
    );
    for (raw, whole) in stored.iter().zip([&broken, &unknown_row]) {
        let (kept, note) = raw.split_once("… (cắt bớt ").expect("said");
        assert!(whole.starts_with(kept));
        assert!(
            kept.len() <= chiso_app::MAX_RAW_BYTES && kept.len() + 3 >= chiso_app::MAX_RAW_BYTES
        );
        let said: usize = note
            .trim_end_matches(" byte)")
            .replace('.', "")
            .parse()
            .expect("a count");
        assert_eq!(kept.len() + said, whole.len());
    }
}

/// A unit below itself (its own parent, or parents making a loop, or a
/// successor leading back) is refused with the loop named; the rest of the
/// file is imported and scoring still ends.
pub fn unit_loops_are_refused<S: Storage>(mut store: S, p: &Province)
where
    S::Error: std::fmt::Debug,
{
    load(&mut store, p, &p.dossiers[..200]);
    let top = p
        .province
        .units
        .iter()
        .find(|u| u.parent_code.is_none())
        .expect("a top unit")
        .clone();
    let child = p
        .province
        .units
        .iter()
        .find(|u| u.parent_code.as_deref() == Some(top.code.as_str()))
        .expect("a child")
        .clone();
    let unit = |code: &str, parent: Option<&str>| {
        let mut u = child.clone();
        u.code = code.into();
        u.name = format!("Đơn vị {code}");
        u.parent_code = parent.map(str::to_string);
        Record::Unit(u)
    };
    let mut top_below_child = top.clone();
    top_below_child.parent_code = Some(child.code.clone());
    let mut ended = child.clone();
    ended.code = "L5".into();
    ended.successor_code = Some("L5".into());
    let text = csv(
        RecordKind::Units,
        [
            unit("L1", Some("L2")),
            unit("L2", Some("L1")),
            unit("L3", Some("L3")),
            unit("L4", Some(&top.code)),
            Record::Unit(top_below_child),
            Record::Unit(ended),
        ],
    );
    let s = import(&mut store, RecordKind::Units, "loops.csv", &text);
    assert_eq!(
        (s.read, s.accepted(), s.rejected),
        (6, 2, 4),
        "{:#?}",
        s.first_rejections
    );
    let r = &s.first_rejections;
    assert_eq!(r.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 4, 6, 7]);
    assert!(
        r[0].reason
            .contains("vòng lặp đơn vị cấp trên L2 → L1 → L2"),
        "{}",
        r[0].reason
    );
    assert!(r[1].reason.contains("L3 → L3"));
    let expected = format!("{} → {} → {}", top.code, child.code, top.code);
    assert!(r[2].reason.contains(&expected), "{}", r[2].reason);
    assert_eq!(r[2].column.as_deref(), Some("parent_code"));
    assert_eq!(r[3].column.as_deref(), Some("successor_code"));
    let q = store.quarantine().expect("quarantine");
    assert_eq!(q.iter().filter(|q| q.file == "loops.csv").count(), 4);
    // The stored top unit keeps its place; scoring ends.
    let units = store.unit_list().expect("units");
    let stored_top = units.iter().find(|u| u.code == top.code).expect("top");
    assert_eq!(stored_top.parent_code, None);
    assert!(units.iter().any(|u| u.code == "L1") && !units.iter().any(|u| u.code == "L2"));
    let all = scores(&store);
    assert!(all.iter().any(|(_, json)| !json.starts_with("error")));
}

/// Events in any order and repeated make the same dossiers as in order once.
pub fn feed_order_and_duplicates<S: Storage, F: Fn() -> S>(make: F, p: &Province)
where
    S::Error: std::fmt::Debug,
{
    let unit = &p
        .province
        .units
        .iter()
        .find(|u| u.parent_code.is_some())
        .expect("unit")
        .code;
    let procedure = &p.province.procedures[0].code;
    let events: Vec<String> = (0..30)
        .flat_map(|i| {
            let id = format!("EV-{i}");
            vec![
                format!(r#"{{"dossier_id":"{id}","seq":1,"at":"2026-03-02T08:00:00+07:00","type":"received","unit_code":"{unit}","procedure_code":"{procedure}","due_at":"2026-03-06"}}"#),
                format!(r#"{{"dossier_id":"{id}","seq":2,"at":"2026-03-0{}T10:00:00+07:00","type":"finished"}}"#, 3 + i % 6),
            ]
        })
        .collect();
    let apply = |store: &mut S, lines: &[String]| {
        let text = lines.join("\n");
        let feed = chiso_ingest::events::read_events("feed", text.as_bytes());
        chiso_app::apply_feed(store, "feed", feed).expect("feed")
    };
    let mut in_order = make();
    load(&mut in_order, p, &[]);
    apply(&mut in_order, &events);
    let mut shuffled = make();
    load(&mut shuffled, p, &[]);
    let reversed: Vec<String> = events.iter().rev().cloned().collect();
    apply(&mut shuffled, &reversed[..20]);
    let s = apply(&mut shuffled, &events);
    assert_eq!(s.duplicates, 20, "events already applied are duplicates");
    assert_eq!(scores(&in_order), scores(&shuffled));
    assert_eq!(in_order.inventory().expect("inventory").dossiers, 30);
}

/// Steps before or after their dossier, and sent twice, give the same scores.
pub fn steps_in_any_order<S: Storage, F: Fn() -> S>(make: F, p: &Province)
where
    S::Error: std::fmt::Debug,
{
    let open: Vec<&Dossier> = p
        .dossiers
        .iter()
        .filter(|d| d.finished_at.is_none())
        .take(20)
        .collect();
    let steps: Vec<Record> = open
        .iter()
        .map(|d| {
            Record::Step(chiso_core::steps::ProcessingStep {
                dossier_id: d.id.clone(),
                at: d.received_at.add_seconds(7200),
                status: Some(chiso_core::records::DossierStatus::Finished),
                handler: "Lê C".into(),
                title: String::new(),
                department: String::new(),
                content: String::new(),
                started_at: None,
                due_at: None,
            })
        })
        .collect();
    let text = csv(RecordKind::Steps, steps);
    let mut first = make();
    import(
        &mut first,
        RecordKind::Units,
        "u",
        &csv(
            RecordKind::Units,
            p.province.units.iter().cloned().map(Record::Unit),
        ),
    );
    import(&mut first, RecordKind::Steps, "steps.csv", &text);
    load(&mut first, p, &p.dossiers);
    let mut after = make();
    load(&mut after, p, &p.dossiers);
    import(&mut after, RecordKind::Steps, "steps.csv", &text);
    let again = import(&mut after, RecordKind::Steps, "steps.csv", &text);
    assert_eq!(again.inserted, 0, "steps already kept");
    assert_eq!(scores(&first), scores(&after));
}

/// Targets (assigned per unit, government goals) are kept one per unit,
/// year and criterion, replaced by a re-import, refused for an unknown unit
/// into the quarantine, and read back as the reference reads them.
pub fn targets_kept_and_replaced<S: Storage>(mut store: S, p: &Province)
where
    S::Error: std::fmt::Debug,
{
    let mut reference = MemoryStore::new();
    load(&mut reference, p, &p.dossiers);
    load(&mut store, p, &p.dossiers);
    let units = &p.province.units;
    let text = format!(
        "unit_code,year,criterion,target,source\n{a},2026,3.3,60,QĐ 1\n{b},2026,3.3,0.55,QĐ 1\n\
         ,2026,4.2,45%,NQ 02/NQ-CP\n{a},2026,3.3,70,QĐ 2\nKHONG.CO,2026,3.3,50,\n{b},năm,3.3,50,\n",
        a = units[0].code,
        b = units[1].code
    );
    let read = chiso_ingest::targets::read_bytes("chi-tieu.csv", text.as_bytes()).expect("read");
    let kept = chiso_app::import_targets(&mut store, &read).expect("import");
    let reference_kept = chiso_app::import_targets(&mut reference, &read).expect("import");
    assert_eq!(kept, reference_kept);
    assert_eq!(
        (kept.read, kept.inserted, kept.replaced, kept.rejected),
        (6, 3, 1, 2)
    );
    let targets = store.targets().expect("targets");
    assert_eq!(targets, reference.targets().expect("targets"));
    assert_eq!(targets.len(), 3);
    assert_eq!(targets[0].unit_code, None, "goals first");
    let a = targets
        .iter()
        .find(|t| t.unit_code.as_deref() == Some(units[0].code.as_str()))
        .expect("the first unit's target");
    assert!(
        (a.value - 0.7).abs() < 1e-12 && a.source == "QĐ 2",
        "replaced: {a:?}"
    );
    assert_eq!(store.quarantine().expect("quarantine").len(), 2);
    assert_same("with targets", &scores(&store), &scores(&reference));
}

/// All checks on a fresh store each, from `make`.
pub fn run_all<S: Storage, F: Fn() -> S>(make: F)
where
    S::Error: std::fmt::Debug,
{
    let p = province(766, 4_000);
    same_scores_as_the_reference(make(), &p);
    counters_equal_raw_recomputation(make(), &p);
    incremental_equals_rebuild(make(), &p);
    imports_are_idempotent(make(), &p);
    quarantine_accounts_for_every_row(make(), &p);
    quarantined_rows_are_cut(make(), &p);
    unit_loops_are_refused(make(), &p);
    feed_order_and_duplicates(&make, &p);
    steps_in_any_order(&make, &p);
    targets_kept_and_replaced(make(), &p);
    accounts_sessions_tokens_and_audit(make());
}

/// Users, sessions, tokens and the audit log read back as written, on
/// every backend; the chain verifies.
fn accounts_sessions_tokens_and_audit<S: Storage>(store: S)
where
    S::Error: std::fmt::Debug,
{
    use chiso_app::accounts;
    use chiso_core::accounts::{Grant, Principal};
    let at = |s: i64| chiso_core::time::Instant::from_unix(1_780_000_000 + s);
    let grants = vec![
        Grant::parse("officer@000.00.01.H99").expect("grant"),
        Grant::parse("viewer").expect("grant"),
    ];
    let user = accounts::add_user(
        &store,
        "can.bo",
        "Cán bộ Một",
        "mat-khau-dai-du",
        grants,
        at(0),
    )
    .expect("add");
    assert!(user.id > 0);
    assert_eq!(store.user("can.bo").expect("read"), Some(user.clone()));
    assert_eq!(store.user_by_id(user.id).expect("read"), Some(user.clone()));
    assert!(matches!(
        accounts::add_user(&store, "can.bo", "x", "mat-khau-dai-du", vec![], at(0)),
        Err(accounts::AccountError::LoginTaken(_))
    ));
    let second = accounts::add_user(
        &store,
        "quan.tri",
        "Quản trị",
        "mat-khau-dai-du",
        vec![Grant::parse("admin").expect("grant")],
        at(1),
    )
    .expect("add");
    assert_ne!(second.id, user.id);
    assert_eq!(
        store
            .users()
            .expect("list")
            .iter()
            .map(|u| u.login.as_str())
            .collect::<Vec<_>>(),
        ["can.bo", "quan.tri"]
    );
    // Failures and lockout are kept.
    for i in 0..5 {
        let _ = accounts::sign_in(&store, "can.bo", "sai mat khau", at(10 + i));
    }
    let locked = store.user("can.bo").expect("read").expect("user");
    assert_eq!(locked.failures, 5);
    assert_eq!(locked.locked_until, Some(at(14 + 60)));
    let signed = accounts::sign_in(&store, "can.bo", "mat-khau-dai-du", at(200)).expect("sign in");
    let (principal, session, _) = accounts::session_user(&store, &signed.secret, at(300))
        .expect("read")
        .expect("session");
    assert_eq!(session, signed.session);
    assert!(matches!(principal, Principal::User { ref login, .. } if login == "can.bo"));
    accounts::set_password(&store, "can.bo", "mat-khau-moi-dai", false).expect("change");
    assert!(
        accounts::session_user(&store, &signed.secret, at(301))
            .expect("read")
            .is_none(),
        "a new password ends the sessions"
    );

    let (secret, token) = accounts::create_token(
        &store,
        "một cửa",
        Grant::parse("officer@000.00.01.H99").expect("grant"),
        "quan.tri",
        at(400),
    )
    .expect("token");
    assert_eq!(store.tokens().expect("list"), vec![token.clone()]);
    assert!(accounts::token_principal(&store, &secret, at(500))
        .expect("read")
        .is_some());
    accounts::revoke_token(&store, token.id, at(600)).expect("revoke");
    assert!(accounts::token_principal(&store, &secret, at(700))
        .expect("read")
        .is_none());
    assert_eq!(store.tokens().expect("list")[0].revoked_at, Some(at(600)));

    for i in 0..7 {
        accounts::audit(
            &store,
            at(800 + i),
            "quan.tri",
            "127.0.0.1",
            "import",
            &format!("file=f{i}.csv"),
        )
        .expect("append");
    }
    let log = store.audit(0, 100).expect("read");
    assert_eq!(log.len(), 7);
    assert_eq!(store.audit(5, 100).expect("read").len(), 2);
    assert!(matches!(
        accounts::verify_audit(&store),
        accounts::Verified::Intact(7)
    ));
}

/// The journal checks (`chiso_core::reform::JournalStore`), for backends
/// that keep administrative-reform records.
pub fn run_journals<S, F: Fn() -> S>(make: F)
where
    S: Storage + chiso_core::reform::JournalStore<Error = <S as IndexStore>::Error>,
    <S as chiso_core::engine::IndexStore>::Error: std::fmt::Debug,
{
    journals::journals_append_only(make());
    alerts::alerts_once_per_event(make());
    let p = province(13, 10);
    journals::reporting_step_as_the_reference(make(), &p);
    publication::published_results_never_change(make(), &province(17, 400));
}
