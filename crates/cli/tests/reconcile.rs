//! `chiso import published` and `chiso reconcile`, the real binary on a
//! demo province: the portal's figures are chiso's own except that the
//! portal counts every dossier as synchronised (criterion 1.4 at full
//! marks), so the differences and their explanation are known.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

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

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

/// 1.4's points lost by a unit of the score document.
fn lost_on_sync(unit: &Value) -> f64 {
    let c = unit["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "1.4")
        .unwrap();
    c["max"].as_f64().unwrap() - c["points"].as_f64().unwrap_or(6.0)
}

/// A demo province and the portal's answer for October 2026: every scored
/// unit, the first ten by name only, plus one row naming no unit.
fn province() -> (tempfile::TempDir, PathBuf, PathBuf, Value) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let o = chiso(&db, &["demo", "--dossiers", "8000", "--seed", "5"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let score = json_of(&chiso(
        &db,
        &["score", "--period", "2026-10", "--format", "json"],
    ));
    let columns = ["CKMB", "TDGQ", "TTTT", "CLGQ", "MDHL", "MDSH"];
    let mut rows = Vec::new();
    for (i, u) in score["units"].as_array().unwrap().iter().enumerate() {
        let Some(total) = u["total"].as_f64() else {
            continue;
        };
        let mut row = json!({
            "ID": if i < 10 { String::new() } else { u["code"].as_str().unwrap().to_string() },
            "ROW_STT": (i + 1).to_string(),
            "TEN": u["name"],
            "TONG_SCORE": format!("{:.2}", total + lost_on_sync(u)).replace('.', ","),
        });
        for (g, column) in u["groups"].as_array().unwrap().iter().zip(columns) {
            let mut points = g["points"].as_f64().unwrap_or(0.0);
            if g["id"] == "1" {
                points += lost_on_sync(u);
            }
            row[column] = json!(format!("{points:.4}"));
        }
        rows.push(row);
    }
    rows.push(json!({"ID": "", "TEN": "UBND xã Không Có", "TONG_SCORE": "50"}));
    let answer = json!({"error_code": "0", "message": "Thành công", "result": rows});
    let file = dir.path().join("report_tinh_766_service.json");
    std::fs::write(&file, serde_json::to_string_pretty(&answer).unwrap()).unwrap();
    (dir, db, file, score)
}

#[test]
fn published_figures_are_imported_and_reconciled() {
    let (_dir, db, file, score) = province();
    let file = file.to_str().unwrap();
    let scored = score["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["total"].is_number())
        .count();

    // A file without a period, and no --period: refused, nothing stored.
    let o = chiso(&db, &["import", "published", file]);
    assert_eq!(o.status.code(), Some(4), "{}", stdout(&o));
    assert!(stderr(&o).contains("--period"), "{}", stderr(&o));

    let o = chiso(&db, &["import", "published", file, "--period", "2026-10"]);
    assert_eq!(o.status.code(), Some(3), "one row rejected: {}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "đọc {} dòng — nhận {scored} (mới {scored}, thay thế 0), từ chối 1",
            scored + 1
        )),
        "{out}"
    );
    assert!(out.contains("10 đơn vị tìm theo tên (cột TEN)"), "{out}");
    assert!(
        out.contains("[TEN]: không có đơn vị nào tên 'UBND xã Không Có'"),
        "{out}"
    );
    assert!(out.contains("chiso reconcile --period 2026-10"), "{out}");
    let q = stdout(&chiso(&db, &["quarantine"]));
    assert!(
        q.contains("published") && q.contains("UBND xã Không Có"),
        "{q}"
    );

    // The same file again replaces every row.
    let o = chiso(&db, &["import", "published", file, "--period", "2026-10"]);
    assert!(
        stdout(&o).contains(&format!("nhận {scored} (mới 0, thay thế {scored})")),
        "{}",
        stdout(&o)
    );

    let doc = json_of(&chiso(
        &db,
        &["reconcile", "--period", "2026-10", "--format", "json"],
    ));
    assert_eq!(doc["period"]["code"], "2026-10");
    let units = doc["units"].as_array().unwrap();
    assert_eq!(units.len(), scored);
    let gaps: Vec<f64> = units
        .iter()
        .map(|u| u["total"]["difference"].as_f64().unwrap().abs())
        .collect();
    assert!(
        gaps.windows(2).all(|w| w[0] >= w[1]),
        "largest first: {gaps:?}"
    );
    for u in units {
        let unit = score["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == u["code"])
            .unwrap();
        // Group 1 is 1.4's loss below the portal, every other group equal (to 4 decimals).
        let g = u["groups"].as_array().unwrap();
        assert_eq!(g[0]["column"], "CKMB");
        let d1 = g[0]["difference"].as_f64().unwrap();
        assert!(
            (d1 + lost_on_sync(unit)).abs() < 1e-3,
            "{}: {d1}",
            u["code"]
        );
        for other in &g[1..] {
            let d = other["difference"].as_f64().unwrap_or(0.0);
            assert!(d.abs() < 1e-3, "{}: {other}", u["code"]);
        }
        let unsynced = u["unsynced"].as_i64().unwrap();
        assert_eq!(unsynced > 0, lost_on_sync(unit) > 0.0, "{}", u["code"]);
    }

    // One unit in detail: the dossiers the portal never received explain 1.4.
    let unit = units
        .iter()
        .find(|u| u["unsynced"].as_i64().unwrap() > 0)
        .expect("a unit with unsynchronised dossiers");
    let code = unit["code"].as_str().unwrap();
    let doc = json_of(&chiso(
        &db,
        &[
            "reconcile",
            "--period",
            "2026-10",
            "--unit",
            code,
            "--format",
            "json",
        ],
    ));
    let u = &doc["units"][0];
    assert_eq!(u["largest_group"], "1");
    assert!(u["reading"]
        .as_str()
        .unwrap()
        .contains("chiso thấp hơn Cổng"));
    let sync = u["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "1.4")
        .unwrap();
    assert_eq!(sync["explained"], true);
    assert_eq!(sync["failed"], u["unsynced"]);
    let examples = sync["examples"].as_array().unwrap();
    assert!(!examples.is_empty() && examples.len() <= 5);
    assert!(examples
        .iter()
        .all(|e| e["reason"] == "chưa đồng bộ lên Cổng DVCQG" && e["record"] == "dossier"));
    assert!(u["notes"][0]
        .as_str()
        .unwrap()
        .contains("chưa đồng bộ lên Cổng DVCQG"));

    // The same as a table, in Vietnamese with 58,58 numbers.
    let o = chiso(&db, &["reconcile", "--period", "2026-10", "--unit", code]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for text in [
        "ĐỐI CHIẾU KẾT QUẢ CỔNG DVCQG CÔNG BỐ VỚI CHISO THÁNG 10/2026",
        "N1 CKMB",
        "Lệch nhiều nhất ở nhóm 1 Công khai, minh bạch: chiso thấp hơn Cổng",
        "1.4  Hồ sơ đồng bộ lên Cổng DVCQG",
        ": chưa đồng bộ lên Cổng DVCQG",
    ] {
        assert!(out.contains(text), "{text}: {out}");
    }
    let first = examples[0]["id"].as_str().unwrap();
    assert!(out.contains(first), "{out}");

    // CSV for Excel: a BOM, then the total and six groups per unit.
    let o = chiso(
        &db,
        &["reconcile", "--period", "2026-10", "--format", "csv"],
    );
    let text = stdout(&o);
    assert!(text.starts_with('\u{feff}'), "BOM");
    assert_eq!(text.lines().count(), 1 + 7 * scored);
    assert!(text.lines().nth(2).unwrap().contains(",1,CKMB,"), "{text}");
}

#[test]
fn reconcile_says_what_is_missing() {
    let (_dir, db, file, _) = province();
    let o = chiso(&db, &["reconcile", "--period", "2026-10"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o)
            .contains("chưa có kết quả Cổng DVCQG công bố cho kỳ 2026-10 (chưa nhập kết quả nào)"),
        "{}",
        stderr(&o)
    );
    let file = file.to_str().unwrap();
    chiso(&db, &["import", "published", file, "--period", "2026-10"]);
    let o = chiso(&db, &["reconcile", "--period", "2026-09"]);
    assert!(
        stderr(&o).contains("đã có các kỳ 2026-10"),
        "{}",
        stderr(&o)
    );
    let o = chiso(&db, &["reconcile", "--period", "2026-10", "--unit", "X"]);
    assert!(
        stderr(&o).contains("không có đơn vị nào có mã hoặc tên 'X'"),
        "{}",
        stderr(&o)
    );
    // The kind is checked, and --period belongs to published results only.
    let o = chiso(&db, &["import", "hoso-sai", file]);
    assert!(stderr(&o).contains("hoặc published"), "{}", stderr(&o));
    let o = chiso(&db, &["import", "dossiers", file, "--period", "2026-10"]);
    assert!(stderr(&o).contains("--period chỉ dùng"), "{}", stderr(&o));
}
