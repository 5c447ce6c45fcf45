//! A database file made by the previous release (commit dd54594, schema 2:
//! `chiso demo --dossiers 3000` with that release's binary) opens with
//! today's code, is migrated to the current schema, and keeps its scores:
//! every unit's total and group points equal what that release printed
//! (`score --format json`, kept beside the file), for periods the data
//! covers whole; and the daily counters added since are filled.

use chiso_core::engine;
use chiso_core::period::Period;
use chiso_core::scoring::document;
use chiso_store::Store;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/release-dd54594.db"
);
const SCORES: &str = include_str!("fixtures/release-dd54594-scores.json");

#[test]
fn the_previous_release_file_is_migrated_and_keeps_its_scores() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("release.db");
    std::fs::copy(FIXTURE, &db).expect("copy the fixture");
    let before: i64 = rusqlite::Connection::open(&db)
        .expect("open")
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("version");
    assert_eq!(before, 2, "the fixture is the previous release's schema");

    let store = Store::open(&db).expect("migrated on open");
    let after: i64 = store
        .connection()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("version");
    assert!(after > before, "migrated from {before} to {after}");

    let expected: serde_json::Value = serde_json::from_str(SCORES).expect("golden scores");
    let set = store.methodologies().expect("methodologies");
    let mut compared = 0;
    for (period, old) in expected.as_object().expect("periods") {
        let sheet =
            engine::score(&store, &set, &Period::parse(period).expect("period")).expect("score");
        let now = serde_json::to_value(document::build(&sheet, None)).expect("json");
        assert_eq!(now["methodology"], old["methodology"], "{period}");
        let units = now["units"].as_array().expect("units");
        for o in old["units"].as_array().expect("old units") {
            let code = &o["code"];
            let n = units
                .iter()
                .find(|u| &u["code"] == code)
                .unwrap_or_else(|| panic!("{period}: unit {code} no longer scored"));
            let close =
                |a: &serde_json::Value, b: &serde_json::Value| match (a.as_f64(), b.as_f64()) {
                    (Some(x), Some(y)) => (x - y).abs() < 1e-9,
                    _ => a == b,
                };
            assert!(
                close(&n["total"], &o["total"]),
                "{period} {code}: total {} then, {} now",
                o["total"],
                n["total"]
            );
            let groups: Vec<&serde_json::Value> = n["groups"]
                .as_array()
                .expect("groups")
                .iter()
                .map(|g| &g["points"])
                .collect();
            for (i, g) in o["groups"]
                .as_array()
                .expect("old groups")
                .iter()
                .enumerate()
            {
                assert!(
                    close(groups[i], g),
                    "{period} {code}: group {} points",
                    i + 1
                );
            }
            compared += 1;
        }
    }
    assert_eq!(compared, 3 * 118);

    // The daily counters the migration added were filled from the records:
    // a date range from them equals the raw recomputation.
    use chiso_core::engine::IndexStore;
    let range = Period::parse("2026-03-10..2026-05-20").expect("period");
    let (h, catalogue, cal) = (
        store.hierarchy().expect("hierarchy"),
        store.catalogue().expect("catalogue"),
        store.calendar().expect("calendar"),
    );
    let finish = |own| engine::finish_measures(&h, &catalogue, &cal, own, &range);
    let counters = finish(store.own_accumulators(&range).expect("counters"));
    assert!(counters.values().any(|v| v.0.iter().any(|n| *n > 0)));
    assert_eq!(
        counters,
        finish(store.accumulate_from_records(&range).expect("records"))
    );
}
