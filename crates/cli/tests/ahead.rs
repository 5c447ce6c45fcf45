//! `chiso watch`, `whatif`, `forecast` and `targets` through the real
//! binary on a real database file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn chiso(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chiso"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run chiso")
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(db: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(chiso(db, args))).expect("json")
}

/// The fixtures' province in March 2024 (methodology 766-2023).
fn loaded() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    for (kind, file) in [
        ("units", "units.csv"),
        ("procedures", "procedures.csv"),
        ("holidays", "holidays.csv"),
        ("dossiers", "dossiers.csv"),
    ] {
        let path = fixture(file);
        ok(chiso(&db, &["import", kind, path.to_str().unwrap()]));
    }
    (dir, db)
}

#[test]
fn watch_lists_the_dossier_due_and_what_it_costs() {
    let (_dir, db) = loaded();
    // Friday 22/03/2024: HS005 of Sở Tư pháp is due Monday 25/03.
    let v = json(
        &db,
        &[
            "watch",
            "--unit",
            "Sở Tư pháp",
            "--at",
            "22/03/2024",
            "--format",
            "json",
        ],
    );
    assert_eq!(v["unit"], "000.00.30.H53");
    assert_eq!(v["horizon_end"], "2024-03-26");
    let d = &v["dossiers"][0];
    assert_eq!(d["id"], "HS005");
    assert_eq!(d["this_month"], true);
    assert_eq!(d["working_days_left"], 1);
    assert!(d["points_timeliness"].as_f64().unwrap() > 0.0, "{v}");
    assert_eq!(
        v["points_at_risk_total"].as_f64(),
        d["points_total"].as_f64()
    );
    // A day when it is already late: nothing left to warn about.
    let v = json(
        &db,
        &[
            "watch",
            "--unit",
            "000.00.30.H53",
            "--at",
            "2024-03-27",
            "--format",
            "json",
        ],
    );
    assert_eq!(v["dossiers"].as_array().unwrap().len(), 0, "{v}");
    let table = ok(chiso(
        &db,
        &["watch", "--unit", "000.00.30.H53", "--at", "2024-03-22"],
    ));
    assert!(
        table.contains("cảnh báo sớm") && table.contains("HS005"),
        "{table}"
    );
    let o = chiso(&db, &["watch", "--unit", "Không có", "--at", "2024-03-22"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("không có đơn vị nào"));
}

#[test]
fn whatif_answers_a_scenario_and_a_target() {
    let (_dir, db) = loaded();
    let at = [
        "--unit",
        "000.00.00.H53",
        "--at",
        "2024-03-31",
        "--format",
        "json",
    ];
    let v = json(
        &db,
        &[&["whatif", "--reach", "2.1=100"][..], &at[..]].concat(),
    );
    let c = v["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "2.1")
        .expect("2.1 changes");
    assert_eq!(c["after"].as_f64(), c["max"].as_f64());
    assert!(v["total_after"].as_f64() > v["total_before"].as_f64());
    assert!(v["needed"].as_i64().unwrap() >= 1);
    let v = json(
        &db,
        &[&["whatif", "--more", "online=1"][..], &at[..]].concat(),
    );
    assert_eq!(v["dossiers"].as_array().unwrap().len(), 1, "{v}");
    let before = v["total_before"].as_f64().unwrap();
    let v = json(
        &db,
        &[
            &["whatif", "--target", &format!("{}", before + 1.0)][..],
            &at[..],
        ]
        .concat(),
    );
    assert_eq!(v["reached"], true, "{v}");
    let o = chiso(
        &db,
        &["whatif", "--unit", "000.00.00.H53", "--more", "bay=3"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("online, paid-online"));
}

#[test]
fn forecast_shows_an_interval_around_its_projection() {
    let (_dir, db) = loaded();
    let v = json(
        &db,
        &[
            "forecast",
            "--unit",
            "000.00.00.H53",
            "--at",
            "2024-03-15",
            "--format",
            "json",
        ],
    );
    let (low, mid, high) = (
        v["low"].as_f64().unwrap(),
        v["projected"].as_f64().unwrap(),
        v["high"].as_f64().unwrap(),
    );
    assert!(low <= mid && mid <= high, "{v}");
    assert_eq!(v["month"], "2024-03");
    let table = ok(chiso(
        &db,
        &["forecast", "--unit", "000.00.00.H53", "--at", "2024-03-15"],
    ));
    assert!(table.contains("không phải kết quả"), "{table}");
}

#[test]
fn backtest_reports_its_errors_on_a_demo() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    ok(chiso(&db, &["demo", "--dossiers", "20000", "--seed", "5"]));
    let out = ok(chiso(
        &db,
        &[
            "forecast", "backtest", "--months", "2", "--kind", "province",
        ],
    ));
    assert!(out.contains("1 đơn vị × 2 tháng"), "{out}");
    assert!(out.contains("Sai số TB theo chỉ số (từ ngày 10)"), "{out}");
    let csv = ok(chiso(
        &db,
        &[
            "forecast", "backtest", "--months", "2", "--kind", "province", "--format", "csv",
        ],
    ));
    assert!(csv.starts_with('\u{feff}'), "byte order mark");
    assert_eq!(csv.lines().count(), 1 + 2 * 2, "{csv}");
}

#[test]
fn an_assigned_target_changes_the_score_and_missing_ones_are_listed() {
    let (dir, db) = loaded();
    let score = |db: &Path| -> (f64, f64) {
        let v = json(
            db,
            &[
                "score",
                "--period",
                "2024-03",
                "--unit",
                "000.20.30.H53",
                "--format",
                "json",
            ],
        );
        let c = v["units"][0]["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "3.3")
            .unwrap()
            .clone();
        (c["points"].as_f64().unwrap(), c["ratio"].as_f64().unwrap())
    };
    let (before, ratio) = score(&db);
    assert!(
        (0.5..0.9).contains(&ratio),
        "full at the methodology's 50%: {ratio}"
    );
    assert_eq!(before, 4.0);
    let file = dir.path().join("chi-tieu.csv");
    std::fs::write(
        &file,
        "Mã đơn vị;Năm;Chỉ số;Chỉ tiêu;Căn cứ\n000.20.30.H53;2024;3.3;90%;QĐ 1\nKHONG;2024;3.3;10;\n",
    )
    .unwrap();
    let o = chiso(&db, &["targets", "import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "one row rejected");
    assert!(String::from_utf8_lossy(&o.stdout).contains("đọc 2 dòng — nhận 1"));
    let (after, _) = score(&db);
    assert!(
        (after - 4.0 * ratio / 0.9).abs() < 1e-9,
        "scored against the unit's own 90%: {after}"
    );
    let table = ok(chiso(&db, &["targets", "show", "--period", "2024-03"]));
    assert!(
        table.contains("000.20.30.H53") && table.contains("giao"),
        "{table}"
    );
    assert!(
        table.contains("Đơn vị chưa được giao chỉ tiêu") && table.contains("UBND Phường 2"),
        "{table}"
    );
}
