//! The real `chiso` binary on a real database file.

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

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn import(db: &Path, kind: &str, file: &str) -> Output {
    let path = fixture(file);
    chiso(db, &["import", kind, path.to_str().unwrap()])
}

fn loaded() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    for (kind, file) in [
        ("units", "units.csv"),
        ("procedures", "procedures.csv"),
        ("holidays", "holidays.csv"),
        ("dossiers", "dossiers.csv"),
        ("counts", "counts.csv"),
    ] {
        let o = import(&db, kind, file);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{file}: {}{}",
            stdout(&o),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    (dir, db)
}

#[test]
fn bad_rows_are_reported_with_their_line_and_kept() {
    let (_dir, db) = loaded();
    let o = import(&db, "dossiers", "dossiers_bad.csv");
    assert_eq!(o.status.code(), Some(3), "some rejected: {}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("đọc 8 dòng — nhận 1 (mới 1, thay thế 0), từ chối 7"),
        "{out}"
    );

    let export = db.with_file_name("q.csv");
    let o = chiso(&db, &["quarantine", "--export", export.to_str().unwrap()]);
    assert!(o.status.success());
    let text = std::fs::read_to_string(&export).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let line_column: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r[4].to_string(), r[5].to_string()))
        .collect();
    let expect = |line: &str, column: &str| {
        assert!(
            line_column.contains(&(line.to_string(), column.to_string())),
            "line {line} column {column} in {line_column:?}"
        );
    };
    expect("3", "id"); // missing key
    expect("4", "unit_code"); // unknown unit
    expect("5", "received_at"); // bad date
    expect("6", "status"); // bad enum
    expect("7", "id"); // duplicate in one file
    expect("8", "procedure_code"); // unknown procedure
    expect("9", "channel"); // bad enum
    assert_eq!(rows.len(), 7);
    assert!(
        rows.iter().all(|r| !r[6].is_empty() && !r[7].is_empty()),
        "reason and raw row kept"
    );

    // Re-importing the good file is idempotent: same keys replace.
    let o = import(&db, "dossiers", "dossiers.csv");
    assert!(
        stdout(&o).contains("nhận 6 (mới 0, thay thế 6), từ chối 0"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn unreadable_file_has_its_own_exit_status() {
    let (_dir, db) = loaded();
    let o = chiso(&db, &["import", "dossiers", "/nonexistent/dossiers.csv"]);
    assert_eq!(o.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/dossiers.csv"));
    let o = import(&db, "feedback", "feedback.jsonl");
    assert_eq!(
        o.status.code(),
        Some(3),
        "broken JSON line rejected: {}",
        stdout(&o)
    );
}

#[test]
fn score_json_has_the_stable_shape() {
    let (_dir, db) = loaded();
    let o = chiso(&db, &["score", "--period", "2024-03", "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["methodology"], "766-2023");
    assert_eq!(v["period"]["from"], "2024-03-01");
    assert_eq!(v["period"]["to"], "2024-03-31");
    let units = v["units"].as_array().unwrap();
    let codes: Vec<&str> = units.iter().map(|u| u["code"].as_str().unwrap()).collect();
    assert!(!codes.contains(&"000.99.30.H53"), "unscored unit left out");
    let p1 = units.iter().find(|u| u["code"] == "000.20.30.H53").unwrap();
    for key in [
        "code",
        "name",
        "kind",
        "parent",
        "total",
        "rank",
        "rank_of",
        "previous_total",
        "delta",
        "groups",
        "criteria",
    ] {
        assert!(p1.get(key).is_some(), "{key}");
    }
    assert_eq!(p1["rank_of"], 2);
    let c21 = p1["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "2.1")
        .unwrap();
    assert_eq!(
        (c21["numerator"].as_i64(), c21["denominator"].as_i64()),
        (Some(2), Some(3))
    );
    for key in ["id", "numerator", "denominator", "ratio", "points", "max"] {
        assert!(c21.get(key).is_some(), "{key}");
    }
    assert!(
        p1["previous_total"].is_null(),
        "no data in February for this unit"
    );

    let one = chiso(
        &db,
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
    let v: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(v["units"].as_array().unwrap().len(), 1);
}

#[test]
fn tables_explain_and_rank_in_vietnamese() {
    let (_dir, db) = loaded();
    let o = chiso(&db, &["score", "--period", "2024-03"]);
    let out = stdout(&o);
    assert!(
        out.contains("STT") && out.contains("UBND Phường 1") && out.contains("Trung bình"),
        "{out}"
    );
    assert!(out.contains(','), "decimal comma: {out}");

    let o = chiso(
        &db,
        &[
            "explain",
            "--period",
            "2024-03",
            "--unit",
            "000.20.30.H53",
            "--criterion",
            "2.1",
        ],
    );
    let out = stdout(&o);
    assert!(
        out.contains("HS002")
            && out.contains("trễ hạn: kết thúc xử lý 12/03/2024, hạn trả 07/03/2024"),
        "{out}"
    );

    let o = chiso(
        &db,
        &[
            "rank", "--period", "2024-Q1", "--kind", "commune", "--format", "csv",
        ],
    );
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 3, "{out}");

    let o = chiso(&db, &["score", "--period", "2024-13"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("kỳ báo cáo không hợp lệ"));
}

#[test]
fn rebuild_keeps_scores() {
    let (_dir, db) = loaded();
    let before = stdout(&chiso(
        &db,
        &["score", "--period", "2024-Q1", "--format", "json"],
    ));
    assert!(chiso(&db, &["rebuild"]).status.success());
    let after = stdout(&chiso(
        &db,
        &["score", "--period", "2024-Q1", "--format", "json"],
    ));
    assert_eq!(before, after);
}

#[test]
fn methodology_check_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../methodology/766-2026.toml");
    let o = chiso(&db, &["methodology", "check", good.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&good).unwrap().replacen(
        "rule = \"linear\"",
        "rule = \"cubic\"",
        1,
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, &text).unwrap();
    let o = chiso(&db, &["methodology", "check", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    let line = text.lines().position(|l| l == "rule = \"cubic\"").unwrap() + 1;
    assert!(
        err.contains(&format!(
            "bad.toml:{line}: criterion '1.1': unknown rule 'cubic'"
        )),
        "{err}"
    );
}

#[test]
fn demo_builds_a_province_and_ranks_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let o = chiso(&db, &["demo", "--dossiers", "20000", "--seed", "3"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert!(
        out.contains("SỞ, BAN, NGÀNH") && out.contains("UBND CẤP XÃ"),
        "{out}"
    );
    let v: serde_json::Value = serde_json::from_slice(
        &chiso(&db, &["score", "--period", "2026-10", "--format", "json"]).stdout,
    )
    .unwrap();
    assert_eq!(v["methodology"], "766-2026");
    let units = v["units"].as_array().unwrap();
    assert!(units.len() > 100);
    // Every criterion of 766-2026 has data somewhere in the province.
    let province = &units[0];
    for c in province["criteria"].as_array().unwrap() {
        assert!(
            c["denominator"].as_i64().unwrap_or(0) > 0,
            "criterion {} has data",
            c["id"]
        );
    }
}

#[test]
fn exported_demo_files_import_to_the_same_scores() {
    let dir = tempfile::tempdir().unwrap();
    let demo_db = dir.path().join("demo.db");
    let csv = dir.path().join("csv");
    let o = chiso(
        &demo_db,
        &[
            "demo",
            "--dossiers",
            "8000",
            "--seed",
            "5",
            "--export",
            csv.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let units = std::fs::read(csv.join("units.csv")).unwrap();
    assert!(
        units.starts_with(BOM),
        "Excel reads the exported files as UTF-8"
    );
    let db = dir.path().join("imported.db");
    for kind in [
        "units",
        "procedures",
        "holidays",
        "dossiers",
        "feedback",
        "counts",
    ] {
        let file = csv.join(format!("{kind}.csv"));
        let o = chiso(&db, &["import", kind, file.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{kind}: {}", stdout(&o));
    }
    let json = |db: &Path, period: &str| {
        stdout(&chiso(
            db,
            &["score", "--period", period, "--format", "json"],
        ))
    };
    for period in ["2026-09", "2026-Q2", "2026-03-05..2026-04-20"] {
        let (a, b) = (json(&demo_db, period), json(&db, period));
        assert!(a.len() > 1000);
        assert_eq!(a, b, "{period}");
    }
    // The demo stands at the end of October; the files only say when their
    // last record happened, so October is, in them, not over.
    let as_of = |text: String| {
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["as_of"].as_str().map(String::from)
    };
    assert_eq!(as_of(json(&demo_db, "2026-10")), None);
    let imported = as_of(json(&db, "2026-10")).unwrap();
    assert!(imported.starts_with("2026-10-"), "{imported}");
}

fn criterion(db: &Path, period: &str, unit: &str, id: &str) -> (i64, i64) {
    let o = chiso(
        db,
        &[
            "score", "--period", period, "--unit", unit, "--format", "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = v["units"][0]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
        .clone();
    (
        c["numerator"].as_i64().unwrap_or(0),
        c["denominator"].as_i64().unwrap_or(0),
    )
}

#[test]
fn the_real_time_feed_applies_events_in_seq_order_once() {
    let (_dir, db) = loaded();
    let before = criterion(&db, "2024-03", "000.21.30.H53", "2.1");
    let feed = fixture("feed.jsonl");
    let o = chiso(&db, &["feed", feed.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "one bad line: {}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("đọc 7 sự kiện — mới 5, trùng (bỏ qua) 1, từ chối 1; cập nhật 2 hồ sơ, 1 hồ sơ chờ thêm sự kiện"),
        "{out}"
    );
    assert!(
        out.contains("chờ: hồ sơ EV2"),
        "EV2 has no received event yet: {out}"
    );
    // EV1 (finished after its due date: late) and EV4 (open, not yet due) join 2.1.
    let after = criterion(&db, "2024-03", "000.21.30.H53", "2.1");
    assert_eq!(after, (before.0 + 1, before.1 + 2));
    // The same feed again changes nothing.
    let o = chiso(&db, &["feed", feed.to_str().unwrap()]);
    assert!(
        stdout(&o).contains("mới 0, trùng (bỏ qua) 6"),
        "{}",
        stdout(&o)
    );
    assert_eq!(criterion(&db, "2024-03", "000.21.30.H53", "2.1"), after);
    let q = stdout(&chiso(&db, &["quarantine"]));
    assert!(q.contains("feed.jsonl") && q.contains("type"), "{q}");
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(db: &Path, args: &[&str]) -> serde_json::Value {
    let o = chiso(db, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The fixtures' data ends on 12/03/2024 at 10:00 (HS002 finished); HS005
/// of the Sở Tư pháp is still open, due 25/03/2024.
#[test]
fn a_period_past_the_data_is_judged_as_of_the_data() {
    let (_dir, db) = loaded();
    const AS_OF: &str = "2024-03-12T10:00:00+07:00";
    let score = |period: &str| json(&db, &["score", "--period", period, "--format", "json"]);
    let quarter = score("2024-Q1");
    assert_eq!(quarter["as_of"], AS_OF);
    assert_eq!(quarter["period"]["to"], "2024-03-31", "the period as asked");
    // The same as the range up to the data's last day, judged at the same instant.
    let strip = |v: &serde_json::Value| {
        v["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| (u["code"].clone(), u["total"].clone(), u["criteria"].clone()))
            .collect::<Vec<_>>()
    };
    let range = score("2024-01-01..2024-03-12");
    assert_eq!(range["as_of"], AS_OF);
    assert_eq!(strip(&quarter), strip(&range));
    let march = score("2024-03");
    assert_eq!(march["as_of"], AS_OF);
    assert_eq!(strip(&march), strip(&score("2024-03-01..2024-03-12")));
    // HS005, due 25/03, is not late as of 12/03: the department's 2.1 is 2/2.
    let unit = |v: &serde_json::Value| {
        v["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["code"] == "000.00.30.H53")
            .cloned()
            .unwrap()
    };
    let c21 = |u: serde_json::Value| {
        let c = u["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "2.1")
            .cloned()
            .unwrap();
        (c["numerator"].as_i64(), c["denominator"].as_i64())
    };
    assert_eq!(c21(unit(&quarter)), (Some(2), Some(2)));
    // A period the data covers is judged at its end: no as_of.
    assert!(score("2024-02")["as_of"].is_null());

    // Tables, CSV and explain say so.
    let table = stdout(&chiso(&db, &["score", "--period", "2024-Q1"]));
    assert!(
        table.contains("QUÝ I NĂM 2024 (chưa kết thúc / số liệu đến 12/03/2024)"),
        "{table}"
    );
    let unit_table = stdout(&chiso(
        &db,
        &["score", "--period", "2024-03", "--unit", "000.00.30.H53"],
    ));
    assert!(
        unit_table.contains("tháng 03/2024 (chưa kết thúc / số liệu đến 12/03/2024)"),
        "{unit_table}"
    );
    let csv = stdout(&chiso(
        &db,
        &["score", "--period", "2024-03", "--format", "csv"],
    ));
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().ends_with(",as_of"), "{csv}");
    assert!(lines.next().unwrap().ends_with(AS_OF), "{csv}");
    let explain = [
        "explain",
        "--period",
        "2024-03",
        "--unit",
        "000.00.30.H53",
        "--criterion",
        "2.1",
    ];
    let out = stdout(&chiso(&db, &explain));
    assert!(
        out.contains("(chưa kết thúc / số liệu đến 12/03/2024)") && out.contains("0 không đạt"),
        "{out}"
    );
    let mut explain_json = explain.to_vec();
    explain_json.extend(["--format", "json"]);
    assert_eq!(json(&db, &explain_json)["as_of"], AS_OF);
    let report = stdout(&chiso(&db, &["report", "--period", "2024-03"]));
    assert!(
        report.contains("tháng 03/2024 (chưa kết thúc / số liệu đến 12/03/2024)")
            && report.contains("hạn sau thời điểm đó chưa tính là trễ hạn"),
        "{report}"
    );
}

#[test]
fn a_period_after_the_data_or_without_data_is_refused() {
    let (dir, db) = loaded();
    for period in ["2024-04", "2027-05", "2024-03-13..2024-03-31"] {
        for args in [
            vec!["score", "--period", period],
            vec!["rank", "--period", period, "--format", "json"],
            vec!["report", "--period", period],
            vec![
                "explain",
                "--period",
                period,
                "--unit",
                "000.20.30.H53",
                "--criterion",
                "2.1",
            ],
        ] {
            let o = chiso(&db, &args);
            assert_eq!(o.status.code(), Some(1), "{args:?}");
            assert!(o.stdout.is_empty(), "{args:?}: {}", stdout(&o));
            let err = stderr(&o);
            assert!(
                err.contains(&format!("kỳ {period}"))
                    && err.contains("bắt đầu sau ngày có số liệu cuối cùng (12/03/2024)"),
                "{args:?}: {err}"
            );
        }
    }
    let empty = dir.path().join("empty.db");
    assert!(chiso(&empty, &["init"]).status.success());
    let o = chiso(&empty, &["score", "--period", "2024-03"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("chưa có hồ sơ hay phản ánh, kiến nghị nào"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unit_codes_are_shown_where_units_are_named() {
    let (_dir, db) = loaded();
    let out = stdout(&chiso(&db, &["score", "--period", "2024-02"]));
    for code in ["000.00.00.H53", "000.00.30.H53"] {
        assert!(out.contains(code), "{code}: {out}");
    }
    assert!(
        out.contains("thuộc UBND tỉnh Tây Ninh (000.00.00.H53)"),
        "{out}"
    );
    assert!(
        out.contains("UBND Phường 1 (000.20.30.H53)"),
        "not scored, named with its code: {out}"
    );
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

#[test]
fn csv_for_people_starts_with_a_byte_order_mark() {
    let (_dir, db) = loaded();
    for args in [
        vec!["score", "--period", "2024-03", "--format", "csv"],
        vec!["rank", "--period", "2024-03", "--format", "csv"],
        vec![
            "explain",
            "--period",
            "2024-03",
            "--unit",
            "000.20.30.H53",
            "--criterion",
            "2.1",
            "--format",
            "csv",
        ],
    ] {
        let o = chiso(&db, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.starts_with(BOM), "{args:?}");
        assert!(!o.stdout[3..].starts_with(BOM), "one mark only");
    }
    assert_eq!(
        import(&db, "dossiers", "dossiers_bad.csv").status.code(),
        Some(3)
    );
    let export = db.with_file_name("loi.csv");
    let o = chiso(&db, &["quarantine", "--export", export.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&export).unwrap();
    assert!(bytes.starts_with(BOM));
    assert!(String::from_utf8_lossy(&bytes).contains("chưa có trong danh mục"));
}

#[test]
fn read_only_commands_refuse_a_missing_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("khong-co.db");
    for args in [
        vec!["score", "--period", "2024-03"],
        vec!["rank", "--period", "2024-03"],
        vec![
            "explain",
            "--period",
            "2024-03",
            "--unit",
            "X",
            "--criterion",
            "2.1",
        ],
        vec!["status"],
        vec!["quarantine"],
        vec!["rebuild"],
        vec!["report", "--period", "2024-03"],
        vec!["serve", "--addr", "127.0.0.1:0"],
    ] {
        let o = chiso(&db, &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains("không có cơ sở dữ liệu")
                && err.contains("chiso demo")
                && err.contains("chiso init"),
            "{args:?}: {err}"
        );
        assert!(!db.exists(), "{args:?} created the file");
    }
    // Looking at the shipped methodologies needs no database either.
    let o = chiso(&db, &["methodology", "list"]);
    assert!(o.status.success() && stdout(&o).contains("766-2026"));
    assert!(!db.exists());
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::process::Stdio;
    let (_dir, db) = loaded();
    for args in [
        vec!["score", "--period", "2024-03"],
        vec!["score", "--period", "2024-03", "--format", "json"],
        vec!["methodology", "show", "766-2026"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_chiso"))
            .arg("--db")
            .arg(&db)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before chiso writes (as `| head -0` would).
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = stderr(&o);
        assert!(err.is_empty(), "{args:?}: {err}");
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            const SIGPIPE: i32 = 13;
            assert!(
                o.status.success() || o.status.signal() == Some(SIGPIPE),
                "{args:?}: {:?}",
                o.status
            );
        }
    }
}

#[test]
fn command_line_errors_are_in_vietnamese() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    for (args, expected) in [
        (
            vec!["scor"],
            "lỗi: không có lệnh 'scor' (có phải là 'score'?)",
        ),
        (
            vec!["score"],
            "lỗi: thiếu --period <KỲ>: xem 'chiso score --help'",
        ),
        (
            vec!["score", "--period", "2024-03", "--format", "xml"],
            "lỗi: giá trị 'xml' không dùng được cho --format <DẠNG>: dùng 'table', 'json', 'csv'",
        ),
        (
            vec!["rank", "--perod", "2024-03"],
            "lỗi: không có tùy chọn '--perod' ở đây (có phải là '--period'?)",
        ),
    ] {
        let o = chiso(&db, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.starts_with(expected), "{args:?}: {err}");
        assert!(err.contains("Xem thêm: 'chiso"), "{err}");
        for english in ["error:", "Usage:", "For more information", "tip:"] {
            assert!(!err.contains(english), "{english}: {err}");
        }
    }
    let help = stdout(&chiso(&db, &["--help"]));
    assert!(
        help.contains("Cách dùng:") && help.contains("Lệnh:"),
        "{help}"
    );
    assert!(!db.exists(), "no database created by a bad command line");
    let (_dir, db) = loaded();
    let o = chiso(&db, &["score", "--period", "2024-3x"]);
    // Parsed at the edge, with the other command-line mistakes.
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("kỳ báo cáo không hợp lệ '2024-3x': dùng 2024-03 (tháng)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn units_are_named_by_code_or_by_name() {
    let (_dir, db) = loaded();
    let by_name = stdout(&chiso(
        &db,
        &["score", "--period", "2024-03", "--unit", "ubnd phuong 1"],
    ));
    assert!(
        by_name.starts_with("UBND Phường 1 (000.20.30.H53)"),
        "{by_name}"
    );
    let by_code = stdout(&chiso(
        &db,
        &["score", "--period", "2024-03", "--unit", "000.20.30.H53"],
    ));
    assert_eq!(by_name, by_code);
    let o = chiso(
        &db,
        &[
            "explain",
            "--period",
            "2024-03",
            "--unit",
            "SỞ TƯ PHÁP",
            "--criterion",
            "2.1",
        ],
    );
    assert!(
        stdout(&o).contains("đơn vị 000.00.30.H53"),
        "{}",
        stderr(&o)
    );
    let communes = stdout(&chiso(
        &db,
        &[
            "rank",
            "--period",
            "2024-03",
            "--parent",
            "Tây Ninh",
            "--kind",
            "commune",
            "--format",
            "csv",
        ],
    ));
    assert_eq!(communes.lines().count(), 3, "{communes}");
    let o = chiso(&db, &["score", "--period", "2024-03", "--unit", "phường"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "'phường' khớp với nhiều đơn vị: UBND Phường 1 (000.20.30.H53); UBND Phường 2 \
             (000.21.30.H53); dùng mã đơn vị"
        ),
        "{}",
        stderr(&o)
    );
    let o = chiso(
        &db,
        &["score", "--period", "2024-03", "--unit", "Sở Tư lệnh"],
    );
    assert!(
        stderr(&o).contains("có phải là Sở Tư pháp (000.00.30.H53)"),
        "{}",
        stderr(&o)
    );
}

/// Dossiers dated with a year typed wrong or in the future are rejected at
/// import, so they move neither the data's as-of instant (the judging of
/// open dossiers) nor the latest reception the dashboard's default period
/// is taken from.
#[test]
fn outlying_dates_move_neither_the_as_of_instant_nor_the_default_period() {
    let (dir, db) = loaded();
    let before = json(&db, &["score", "--period", "2024-Q1", "--format", "json"]);
    let status_before = stdout(&chiso(&db, &["status"]));
    let file = dir.path().join("outliers.csv");
    std::fs::write(
        &file,
        "MaHoSo,MaCoQuan,MaTTHC,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy\n\
         OUT1,000.20.30.H53,1.001193,999999999-03-04 08:00,,\n\
         OUT2,000.20.30.H53,1.001193,2099-03-04 08:00,,\n\
         OUT3,000.20.30.H53,1.001193,2024-03-04 08:00,2024-03-07,2098-03-06 10:00\n\
         OUT4,000.20.30.H53,1.001193,04/03/2101 08:00,,\n",
    )
    .unwrap();
    let o = chiso(&db, &["import", "dossiers", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("đọc 4 dòng — nhận 0 (mới 0, thay thế 0), từ chối 4"),
        "{}",
        stdout(&o)
    );
    let after = json(&db, &["score", "--period", "2024-Q1", "--format", "json"]);
    assert_eq!(after["as_of"], before["as_of"]);
    assert_eq!(after["units"], before["units"]);
    // The latest reception (the default period's month) and the as-of line.
    let dated = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("Hồ sơ tiếp nhận từ") || l.starts_with("Số liệu đến"))
            .map(str::to_string)
            .collect()
    };
    let status_after = stdout(&chiso(&db, &["status"]));
    assert_eq!(dated(&status_after).len(), 2, "{status_after}");
    assert_eq!(dated(&status_after), dated(&status_before));
}
