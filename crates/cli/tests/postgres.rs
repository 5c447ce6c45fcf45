//! The real `chiso` binary on PostgreSQL (a throwaway server, see
//! `chiso_store_pg::testing`) beside a SQLite file: `--db postgres://…` or
//! `CHISO_DB` selects it, `chiso migrate` prepares it, and the same exports
//! imported into both give the same scores, ranking and status. Skipped with
//! a notice when the machine has no PostgreSQL, unless `CHISO_REQUIRE_PG=1`.

use std::path::Path;
use std::process::{Command, Output};

fn chiso(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chiso"))
        .env_remove("CHISO_DB")
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

/// Runs a command that must succeed; its output.
fn ok(db: &str, args: &[&str]) -> String {
    let o = chiso(db, args);
    assert!(o.status.success(), "{args:?}: {}{}", stdout(&o), stderr(&o));
    stdout(&o)
}

#[test]
fn postgresql_and_sqlite_give_the_same_results_through_the_command_line() {
    let Some(pg) = chiso_store_pg::testing::database("cli") else {
        return;
    };
    let url = pg.url.as_str();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("csv");
    let demo_db = dir.path().join("demo.db");
    ok(
        demo_db.to_str().unwrap(),
        &[
            "demo",
            "--dossiers",
            "8000",
            "--export",
            csv.to_str().unwrap(),
        ],
    );
    let lite = dir.path().join("imported.db");
    let lite = lite.to_str().unwrap();

    // Not migrated yet: refused with what to do.
    let o = chiso(url, &["status"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("chạy 'chiso migrate"), "{}", stderr(&o));
    assert!(!ok(url, &["migrate"]).contains("đã áp dụng 0 bước"));
    assert!(ok(url, &["migrate"]).contains("đã áp dụng 0 bước"));

    for kind in [
        "units",
        "procedures",
        "holidays",
        "dossiers",
        "feedback",
        "counts",
    ] {
        let file = csv.join(format!("{kind}.csv"));
        let file = file.to_str().unwrap();
        let (a, b) = (
            ok(lite, &["import", kind, file]),
            ok(url, &["import", kind, file]),
        );
        assert_eq!(a, b, "the same import summary");
    }
    for args in [
        &["score", "--period", "2026-06", "--format", "json"][..],
        &["score", "--period", "2026-Q2", "--format", "json"],
        &["score", "--period", "2026-10", "--format", "json"],
        &[
            "score",
            "--period",
            "2026-01-05..2026-03-20",
            "--format",
            "json",
        ],
        &["rank", "--period", "2026-05:ytd", "--format", "csv"],
        &["rank", "--period", "2026-Q1"],
        &["score", "--period", "2026-09", "--unit", "Sở Y tế"],
    ] {
        let (a, b) = (ok(lite, args), ok(url, args));
        assert!(a.len() > 1_000, "{args:?}: {a}");
        assert!(a == b, "{args:?} differs");
    }
    let status = |db: &str| {
        ok(db, &["status"])
            .lines()
            .skip(1)
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert_eq!(status(lite), status(url));
    assert!(ok(url, &["status"]).contains(&format!("Cơ sở dữ liệu: {url}")));
    let before = ok(url, &["score", "--period", "2026-Q3", "--format", "json"]);
    assert!(ok(url, &["rebuild"]).contains("Đã tính lại toàn bộ số đo"));
    assert_eq!(
        ok(url, &["score", "--period", "2026-Q3", "--format", "json"]),
        before
    );

    // CCHC reporting: the same prefilled template, the same steps and the
    // same status page on both.
    let rank = ok(
        lite,
        &[
            "rank", "--period", "2026-05", "--kind", "commune", "--format", "csv",
        ],
    );
    let commune = rank
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(2)
        .unwrap()
        .to_string();
    let mut templates = Vec::new();
    for (db, name) in [(lite, "lite.csv"), (url, "pg.csv")] {
        let out = dir.path().join(name);
        let out = out.to_str().unwrap();
        ok(
            db,
            &[
                "forms", "template", "--unit", &commune, "--period", "2026-H1", "--out", out,
            ],
        );
        templates.push(std::fs::read_to_string(out).unwrap());
        ok(
            db,
            &[
                "forms", "import", out, "--unit", &commune, "--period", "2026-H1", "--actor", "cb",
            ],
        );
        ok(
            db,
            &[
                "forms", "submit", "--unit", &commune, "--period", "2026-H1", "--actor", "cb",
            ],
        );
        ok(
            db,
            &[
                "forms",
                "return",
                "--unit",
                &commune,
                "--period",
                "2026-H1",
                "--actor",
                "ld",
                "--reason",
                "Bổ sung số liệu",
            ],
        );
    }
    assert_eq!(templates[0], templates[1], "the same prefilled template");
    assert!(templates[0].contains("B3 3.3.1,"), "{}", templates[0]);
    let forms_status = |db: &str| ok(db, &["forms", "status", "--period", "2026-H1"]);
    assert_eq!(forms_status(lite), forms_status(url));
    assert!(forms_status(url).contains("Bổ sung số liệu"));

    // CHISO_DB selects the database when --db is not given.
    let o = Command::new(env!("CARGO_BIN_EXE_chiso"))
        .env("CHISO_DB", url)
        .current_dir(dir.path())
        .arg("status")
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains(&format!("Cơ sở dữ liệu: {url}")),
        "{}",
        stderr(&o)
    );
    assert!(!Path::new(&dir.path().join("chiso.db")).exists());

    // Commands without a PostgreSQL path yet say so.
    let o = chiso(
        url,
        &[
            "explain",
            "--period",
            "2026-06",
            "--unit",
            "x",
            "--criterion",
            "2.1",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("lệnh này mới dùng được với SQLite"),
        "{}",
        stderr(&o)
    );
}
