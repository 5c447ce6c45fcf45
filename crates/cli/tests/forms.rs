//! `chiso forms`: the real binary shows the shipped catalogues and checks files.

use std::path::Path;
use std::process::{Command, Output};

fn chiso(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chiso"))
        .args(args)
        .output()
        .expect("run chiso")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn shipped(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../forms")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn show_prints_every_indicator_of_a_version() {
    let o = chiso(&["forms", "show", "--version", "cchc-2024"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(out.starts_with("cchc-2024 — "), "{out}");
    assert!(
        out.contains("Cấp báo cáo: tỉnh, sở, huyện; tổng hợp: tỉnh"),
        "{out}"
    );
    assert!(out.contains("Biểu mẫu 7 (lĩnh vực VII)"), "{out}");
    assert!(out
        .contains("  6.2     Tỷ lệ DVC có phát sinh hồ sơ nộp trực tuyến (toàn trình + một phần)"));
    assert!(out.contains("[%]; tỷ lệ = 6.3.2 / 6.3.1, hiển thị 1 chữ số thập phân"));
    assert!(out.contains("b4-1.5-eq-b6-2.1 [Cảnh báo"), "{out}");
    // Without a version: the latest, the two-tier one.
    let (out, _) = text(&chiso(&["forms", "show"]));
    assert!(out.starts_with("cchc-2025 — "), "{out}");
    assert!(out.contains("Cấp báo cáo: tỉnh, sở, xã"), "{out}");
    let o = chiso(&["forms", "show", "--version", "cchc-1999"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o)
        .1
        .contains("không có danh mục biểu mẫu 'cchc-1999' (có: cchc-2024, cchc-2025)"));
}

#[test]
fn check_accepts_the_shipped_files_and_names_the_line_of_a_fault() {
    for (name, summary) in [
        ("cchc-2024.toml", "hợp lệ — danh mục cchc-2024 (7 biểu mẫu, 135 chỉ tiêu, 6 quy tắc kiểm tra; hiệu lực … – 30/06/2025)"),
        ("cchc-2025.toml", "hợp lệ — danh mục cchc-2025 (7 biểu mẫu, 127 chỉ tiêu, 6 quy tắc kiểm tra; hiệu lực 01/07/2025 – …)"),
    ] {
        let o = chiso(&["forms", "check", &shipped(name)]);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(0), "{err}");
        assert!(out.contains(summary), "{out}");
    }
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let original = std::fs::read_to_string(shipped("cchc-2024.toml")).unwrap();
    let broken = original.replacen(
        "formula = \"6.2.2 / 6.2.1\"",
        "formula = \"6.2.2 / 6.2.9\"",
        1,
    );
    assert_ne!(broken, original);
    std::fs::write(&bad, &broken).unwrap();
    let line = broken[..broken.find("6.2.9").unwrap()]
        .matches('\n')
        .count()
        + 1;
    let o = chiso(&["forms", "check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let (_, err) = text(&o);
    assert!(
        err.contains(&format!(
            "bad.toml:{line}: B7 6.2: formula names unknown indicator '6.2.9' of form 7"
        )),
        "{err}"
    );
    let o = chiso(&[
        "forms",
        "check",
        dir.path().join("none.toml").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).1.contains("không đọc được tệp"));
}
