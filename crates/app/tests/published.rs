//! The portal's published figures through the real SQLite store: imported
//! rows and rejections, replacement of a unit's period, periods kept apart,
//! and the reconciliation with chiso's own figures explained by records.

use chiso_core::engine;
use chiso_core::methodology::MethodologySet;
use chiso_core::period::Period;
use chiso_core::reconcile;
use chiso_core::records::*;
use chiso_core::time::{parse_instant, Instant};
use chiso_ingest::published::read_bytes;
use chiso_store::Store;

fn unit(code: &str, name: &str, parent: Option<&str>, kind: UnitKind) -> Unit {
    Unit {
        code: code.into(),
        name: name.into(),
        parent_code: parent.map(String::from),
        kind,
        valid_from: None,
        valid_to: None,
        successor_code: None,
        scored: true,
    }
}

fn at(text: &str) -> Instant {
    parse_instant(text).unwrap().instant
}

fn october() -> Period {
    Period::parse("2026-10").unwrap()
}

/// A province with two communes: X1 received 10 dossiers in October 2026,
/// two of them never synchronised to the portal; X2 received 4, all synced.
fn store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let mut w = store.writer("units", "test").unwrap();
    w.put_unit(&unit("P", "UBND tỉnh Thử", None, UnitKind::Province))
        .unwrap();
    w.put_unit(&unit("X1", "UBND xã Một", Some("P"), UnitKind::Commune))
        .unwrap();
    w.put_unit(&unit("X2", "UBND xã Hai", Some("P"), UnitKind::Commune))
        .unwrap();
    w.commit(3).unwrap();
    let mut w = store.writer("procedures", "test").unwrap();
    let mut p = Procedure::new("1.001", "Đăng ký khai sinh");
    p.max_days = Some(5);
    w.put_procedure(&p).unwrap();
    w.commit(1).unwrap();
    let mut w = store.writer("dossiers", "test").unwrap();
    for (unit, n) in [("X1", 10), ("X2", 4)] {
        for i in 0..n {
            let received = at(&format!("2026-10-{:02} 09:00", 5 + i));
            let mut d = Dossier::new(&format!("{unit}-{i:02}"), unit, "1.001", received);
            d.status = DossierStatus::Finished;
            d.finished_at = Some(received.add_seconds(3_600));
            d.synced = !(unit == "X1" && i >= 8);
            w.put_dossier(&d).unwrap();
        }
    }
    w.commit(14).unwrap();
    store
}

fn import(store: &mut Store, text: &str, period: Option<Period>) -> chiso_app::ImportSummary {
    let units: Vec<Unit> = store
        .connection()
        .prepare("SELECT code, name FROM units")
        .unwrap()
        .query_map([], |r| {
            Ok(unit(
                &r.get::<_, String>(0)?,
                &r.get::<_, String>(1)?,
                None,
                UnitKind::Other,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let published = read_bytes("ketqua.json", text.as_bytes(), &units, period).unwrap();
    chiso_app::import_published(store, &published).unwrap()
}

const OCTOBER: &str = r#"{"error_code": "0", "message": "", "result": [
  {"ID": "X1", "TEN": "UBND xã Một", "CKMB": "6", "TDGQ": "20", "TONG_SCORE": "80,5"},
  {"ID": "", "TEN": "ubnd xa hai", "CKMB": "5,5", "TDGQ": "20", "TONG_SCORE": "81"},
  {"ID": "", "TEN": "UBND xã Ba", "CKMB": "1", "TONG_SCORE": "2"}
]}"#;

#[test]
fn rows_are_stored_and_rejections_quarantined() {
    let mut store = store();
    let s = import(&mut store, OCTOBER, Some(october()));
    assert_eq!(
        (s.kind.as_str(), s.read, s.inserted, s.replaced, s.rejected),
        ("published", 3, 2, 0, 1)
    );
    let figures = store.published(&october()).unwrap();
    let codes: Vec<&str> = figures.iter().map(|f| f.unit_code.as_str()).collect();
    assert_eq!(codes, ["X1", "X2"]);
    assert_eq!(figures[1].name, "ubnd xa hai", "the portal's own name");
    assert_eq!(figures[1].groups[0], Some(5.5));
    assert_eq!(figures[1].groups[2], None);
    assert_eq!(figures[0].total, Some(80.5));
    let q = store.quarantine().unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(
        (q[0].kind.as_str(), q[0].line, q[0].column.as_deref()),
        ("published", 4, Some("TEN"))
    );
    assert!(
        q[0].raw.contains("UBND xã Ba"),
        "kept as sent: {}",
        q[0].raw
    );
    assert!(store
        .published(&Period::parse("2026-09").unwrap())
        .unwrap()
        .is_empty());
}

#[test]
fn reimporting_a_unit_and_period_replaces_it() {
    let mut store = store();
    import(&mut store, OCTOBER, Some(october()));
    let again = r#"[{"ID": "X1", "CKMB": "4,8", "TONG_SCORE": "79"}]"#;
    let s = import(&mut store, again, Some(october()));
    assert_eq!((s.read, s.inserted, s.replaced, s.rejected), (1, 0, 1, 0));
    let figures = store.published(&october()).unwrap();
    assert_eq!(figures.len(), 2, "X2 kept");
    assert_eq!(figures[0].groups[0], Some(4.8));
    assert_eq!(figures[0].groups[1], None, "the row replaced as a whole");
    assert_eq!(figures[0].name, "", "no TEN in the new row");
    let imports: Vec<i64> = store
        .connection()
        .prepare("SELECT import_id FROM published_scores ORDER BY unit_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_ne!(imports[0], imports[1], "each row names its import");
    // Another period is kept apart.
    let s = import(
        &mut store,
        r#"{"nam": "2026", "thang": "9", "data": [{"ID": "X1", "TONG_SCORE": "70"}]}"#,
        None,
    );
    assert_eq!(s.inserted, 1);
    assert_eq!(store.published(&october()).unwrap().len(), 2);
    assert_eq!(
        store.published_periods().unwrap(),
        ["2026-09".to_string(), "2026-10".to_string()]
    );
}

#[test]
fn the_largest_gap_is_explained_by_the_dossiers_the_portal_never_received() {
    let mut store = store();
    import(&mut store, OCTOBER, Some(october()));
    let set = MethodologySet::builtin();
    let sheet = engine::score(&store, &set, &october()).unwrap();
    let m = set.get(&sheet.methodology).unwrap();
    let mut rec = reconcile::compare(&sheet, m, &store.published(&october()).unwrap());
    reconcile::explain_gaps(&mut rec, m, 3, 5, |unit, criterion| {
        engine::explain(&store, &set, &october(), unit, criterion)
    })
    .unwrap();
    let x1 = rec.units.iter().find(|u| u.code == "X1").unwrap();
    assert_eq!((x1.received, x1.unsynced), (10, 2));
    let group = x1.largest_group().unwrap();
    assert_eq!((group.id.as_str(), group.column), ("1", "CKMB"));
    // chiso: 8 of 10 synced of 6 points = 4.8 against the portal's 6.
    assert!((group.figure.difference().unwrap() + 1.2).abs() < 1e-9);
    let c = &x1.criteria[0];
    assert_eq!(c.id, "1.4");
    assert!(c.explained);
    assert_eq!(c.failed, 2);
    let ids: Vec<&str> = c.examples.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["X1-08", "X1-09"]);
    assert_eq!(
        c.examples[0].reason.as_deref(),
        Some("chưa đồng bộ lên Cổng DVCQG")
    );
    assert!(x1.notes().iter().any(|n| n.contains("2 trong 10 hồ sơ")));
}
