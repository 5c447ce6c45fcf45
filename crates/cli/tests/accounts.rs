//! `chiso user`, `chiso token` and `chiso audit` through the real binary:
//! accounts and tokens made from the command line, every change audited,
//! and `chiso audit verify` finding a row edited or removed behind chiso's
//! back (the database refuses both; an attacker with the file drops the
//! triggers first, and the hash chain still tells).

use std::path::Path;
use std::process::{Command, Output};

fn chiso(db: &Path, args: &[&str], password: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_chiso"));
    c.env_remove("CHISO_DB").env_remove("CHISO_PASSWORD");
    if let Some(p) = password {
        c.env("CHISO_PASSWORD", p);
    }
    c.arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run chiso")
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = chiso(db, args, None);
    assert!(
        o.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn users_tokens_and_an_audit_log_that_tells_an_edit() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("chiso.db");
    ok(&db, &["init"]);
    let units = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/units.csv");
    ok(&db, &["import", "units", units.to_str().expect("path")]);

    // A password from the environment is not printed; without one, a
    // one-time password is, alone on the last line.
    let o = chiso(
        &db,
        &["user", "add", "quantri", "--role", "admin"],
        Some("mat-khau-quan-tri"),
    );
    assert!(o.status.success());
    assert!(!String::from_utf8_lossy(&o.stdout).contains("mat-khau-quan-tri"));
    let out = ok(
        &db,
        &[
            "user",
            "add",
            "canbo",
            "--role",
            "officer",
            "--unit",
            "Sở Tư pháp",
        ],
    );
    let one_time = out.lines().last().expect("password");
    assert_eq!(one_time.len(), 16, "{out}");
    let o = chiso(&db, &["user", "add", "x", "--role", "officer"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--unit"));
    let o = chiso(
        &db,
        &[
            "user",
            "add",
            "canbo",
            "--role",
            "viewer",
            "--unit",
            "000.00.30.H53",
        ],
        None,
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("đã có"));
    let list = ok(&db, &["user", "list"]);
    assert!(
        list.contains("canbo") && list.contains("000.00.30.H53"),
        "{list}"
    );
    ok(&db, &["user", "disable", "canbo"]);
    assert!(ok(&db, &["user", "list"]).contains("vô hiệu hóa"));
    ok(&db, &["user", "enable", "canbo"]);
    ok(
        &db,
        &[
            "user",
            "grant",
            "canbo",
            "--role",
            "approver",
            "--unit",
            "000.00.00.H53",
        ],
    );
    ok(
        &db,
        &[
            "user",
            "revoke",
            "canbo",
            "--role",
            "approver",
            "--unit",
            "000.00.00.H53",
        ],
    );
    let reset = ok(&db, &["user", "reset-password", "canbo"]);
    assert_ne!(reset.lines().last(), Some(one_time));

    let out = ok(
        &db,
        &[
            "token",
            "create",
            "--name",
            "mot-cua",
            "--role",
            "officer",
            "--unit",
            "000.00.30.H53",
        ],
    );
    let secret = out.lines().last().expect("token").to_string();
    assert!(secret.starts_with("chiso_") && secret.len() == 70, "{out}");
    let tokens = ok(&db, &["token", "list"]);
    assert!(
        tokens.contains("mot-cua") && tokens.contains("chưa dùng"),
        "{tokens}"
    );
    assert!(!tokens.contains(&secret), "a token is shown once");
    ok(&db, &["token", "revoke", "1"]);
    assert!(ok(&db, &["token", "list"]).contains("thu hồi"));

    // The log holds every change, and verifies.
    let verify = ok(&db, &["audit", "verify"]);
    assert!(verify.contains("toàn vẹn: 10 mục"), "{verify}");
    let list = ok(&db, &["audit", "list"]);
    for action in [
        "user_added",
        "user_disabled",
        "role_granted",
        "role_revoked",
        "password_reset",
        "token_created",
        "token_revoked",
    ] {
        assert!(list.contains(action), "{action}: {list}");
    }
    let csv = dir.path().join("audit.csv");
    ok(
        &db,
        &["audit", "export", "--out", csv.to_str().expect("path")],
    );
    let bytes = std::fs::read(&csv).expect("csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");

    // The database itself refuses to edit or delete the log.
    let store = chiso_store::Store::open(&db).expect("store");
    let conn = store.connection();
    assert!(conn
        .execute("UPDATE audit_log SET actor = 'ai-do' WHERE seq = 2", [])
        .is_err());
    assert!(conn
        .execute("DELETE FROM audit_log WHERE seq = 3", [])
        .is_err());
    // Behind chiso's back, triggers dropped: the chain still tells.
    conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .expect("drop");
    conn.execute(
        "UPDATE audit_log SET detail = 'login=khac' WHERE seq = 2",
        [],
    )
    .expect("edit");
    let o = chiso(&db, &["audit", "verify"], None);
    assert_eq!(o.status.code(), Some(6));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("mục nhật ký số 2 đã bị sửa"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    conn.execute("DELETE FROM audit_log WHERE seq <= 2", [])
        .expect("delete");
    let o = chiso(&db, &["audit", "verify"], None);
    assert_eq!(o.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&o.stderr).contains("thiếu mục nhật ký số 1"));
}

#[test]
fn the_demo_creates_an_administrator_with_a_one_time_password() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("demo.db");
    let out = ok(&db, &["demo", "--dossiers", "2000"]);
    assert!(out.contains("Tài khoản quản trị"), "{out}");
    let list = ok(&db, &["user", "list"]);
    assert!(list.contains("admin"), "{list}");
    // The administrator's creation, then the demo's publications (every
    // month but the last), each audited.
    let published = ok(&db, &["publication", "list"]);
    let versions = published.lines().count();
    assert!(versions >= 11, "{published}");
    assert!(out.contains("Đã công bố kết quả đến"), "{out}");
    let verify = ok(&db, &["audit", "verify"]);
    assert!(
        verify.contains(&format!("toàn vẹn: {} mục", versions + 1)),
        "{verify}"
    );
    assert!(ok(&db, &["publication", "verify"]).contains("mã băm khớp"));
    // A later publication of the same month needs a reason.
    let month = published.split_whitespace().next().expect("a period");
    let o = chiso(&db, &["publication", "create", "--period", month], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cần lý do"));
    let again = ok(
        &db,
        &[
            "publication",
            "create",
            "--period",
            month,
            "--reason",
            "bổ sung dữ liệu",
        ],
    );
    assert!(again.contains("phiên bản 2"), "{again}");
}
