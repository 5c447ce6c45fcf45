//! `chiso demo --national` through the real binary: the nation is written to
//! a database file, then `chiso rank --kind province` gives the national
//! ranking (34 provinces ranked 1 to 34) and `--parent` a province's units.

use std::path::Path;
use std::process::{Command, Output};

fn chiso(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chiso"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run chiso")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The rows of `chiso rank … --format csv`.
fn ranking(db: &Path, args: &[&str]) -> Vec<csv::StringRecord> {
    let mut all = vec!["rank", "--period", "2026-10", "--format", "csv"];
    all.extend_from_slice(args);
    let o = chiso(db, &all);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = stdout(&o);
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().expect("header").clone();
    assert_eq!(&headers[0], "rank");
    reader.records().map(|r| r.expect("row")).collect()
}

#[test]
fn national_demo_then_the_national_ranking_of_34_provinces() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("nation.db");
    let o = chiso(
        &db,
        &["demo", "--national", "--dossiers", "15000", "--seed", "4"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert!(out.contains("dữ liệu mẫu toàn quốc"), "{out}");
    assert!(out.contains("TỈNH, THÀNH PHỐ (34 đơn vị)"), "{out}");
    assert!(out.contains("BỘ, NGÀNH ("), "{out}");
    assert!(
        !out.contains("UBND CẤP XÃ"),
        "only the national ranking: {out}"
    );

    // The national ranking: 34 provinces, ranks 1..34 among 34, no parent.
    let rows = ranking(&db, &["--kind", "province"]);
    assert_eq!(rows.len(), 34);
    let mut ranks: Vec<usize> = rows
        .iter()
        .map(|r| r[0].parse().expect("every province ranked"))
        .collect();
    ranks.sort_unstable();
    assert_eq!(ranks, (1..=34).collect::<Vec<_>>());
    for r in &rows {
        assert_eq!((&r[1], &r[4], &r[5]), ("34", "province", ""), "{r:?}");
    }
    assert!(rows.iter().any(|r| &r[3] == "UBND thành phố Hồ Chí Minh"));

    // The table says it as the portal does: "1/34", and the places gained or lost.
    let table = stdout(&chiso(
        &db,
        &["rank", "--period", "2026-10", "--kind", "tỉnh"],
    ));
    assert!(
        table.contains(" 1/34") && table.contains("34/34") && table.contains("Thay đổi hạng"),
        "{table}"
    );

    // Ministries among ministries; a province's communes among themselves.
    let ministries = ranking(&db, &["--kind", "ministry"]);
    assert!(ministries.len() >= 10);
    assert!(ministries.iter().all(|r| r[5].is_empty()));
    let communes = ranking(&db, &["--parent", "000.00.00.H24", "--kind", "commune"]);
    assert_eq!(communes.len(), 126, "Hà Nội's communes and wards");
    assert!(communes.iter().all(|r| &r[5] == "000.00.00.H24"));
}
