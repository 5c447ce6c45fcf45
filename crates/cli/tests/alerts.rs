//! `chiso alerts` through the real binary on a real database file, mailing
//! through a real SMTP server on 127.0.0.1 (Python's `aiosmtpd`, writing a
//! Maildir): a unit head's digest arrives once, and running again records
//! and sends nothing. Without python3 and aiosmtpd the mail test is skipped
//! with a message, unless `CHISO_REQUIRE_SMTP=1` (set by `.ci/run`), which
//! makes it a failure.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

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
        .env_remove("CHISO_CONFIG")
        .env_remove("CHISO_DB")
        .env_remove("CHISO_ALERTS_RULES")
        .env_remove("CHISO_SMTP_HOST")
        .env("CHISO_PASSWORD", "mat-khau-du-dai-123")
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

/// The fixtures' province in March 2024, and a head of Sở Tư pháp with an
/// e-mail address.
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
    ok(chiso(
        &db,
        &[
            "user",
            "add",
            "giamdoc",
            "--name",
            "Nguyễn Văn Giám",
            "--role",
            "viewer",
            "--unit",
            "000.00.30.H53",
            "--email",
            "giamdoc@sotuphap.example.vn",
        ],
    ));
    (dir, db)
}

#[test]
fn alerts_are_recorded_once_and_listed() {
    let (_dir, db) = loaded();
    // Friday 22/03/2024: HS005 of Sở Tư pháp is due Monday 25/03.
    let out = ok(chiso(&db, &["alerts", "run", "--at", "22/03/2024"]));
    assert!(out.contains(" mới, 0 đã ghi trước đó"), "{out}");
    assert!(!out.contains(": 0 mới"), "{out}");
    let again = ok(chiso(&db, &["alerts", "run", "--at", "22/03/2024"]));
    assert!(again.contains(": 0 mới, "), "{again}");
    let list = ok(chiso(&db, &["alerts", "list", "--unit", "Sở Tư pháp"]));
    assert!(list.contains("HS005"), "{list}");
    assert!(list.contains("sap-tre-han"), "{list}");
    // --send without a mail server says what to configure.
    let o = chiso(&db, &["alerts", "run", "--at", "22/03/2024", "--send"]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("[smtp]"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // A rules file with an error is refused with its line.
    let rules = db.with_file_name("rules.toml");
    std::fs::write(&rules, "[[rule]]\nid = \"x\"\nwhen = \"rank_drop\"\n").unwrap();
    let o = chiso(&db, &["alerts", "run", "--rules", rules.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("dòng 1") && err.contains("ranks"), "{err}");
}

/// A local SMTP server writing every message it accepts to a Maildir.
struct Smtp {
    child: Child,
    port: u16,
    maildir: PathBuf,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn smtp_server(dir: &Path) -> Option<Smtp> {
    let required = std::env::var("CHISO_REQUIRE_SMTP").is_ok_and(|v| v == "1");
    let available = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        assert!(
            !required,
            "CHISO_REQUIRE_SMTP=1 but python3 with aiosmtpd is missing: pip install aiosmtpd"
        );
        eprintln!("SKIPPED: the SMTP test needs python3 with aiosmtpd (pip install aiosmtpd)");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let maildir = dir.join("maildir");
    let child = Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start aiosmtpd");
    let server = Smtp {
        child,
        port,
        maildir,
    };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "aiosmtpd did not listen on 127.0.0.1:{port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(server)
}

/// Every message of the Maildir as (recipient, subject, decoded body).
fn messages(maildir: &Path) -> Vec<(String, String, String)> {
    let script = r#"
import email, email.header, json, mailbox, sys
out = []
for m in mailbox.Maildir(sys.argv[1], factory=None, create=False):
    subject = str(email.header.make_header(email.header.decode_header(m["Subject"])))
    out.append([m["To"], subject, m.get_payload(decode=True).decode(m.get_content_charset() or "utf-8")])
print(json.dumps(out))
"#;
    if !maildir.join("new").is_dir() {
        return Vec::new();
    }
    let o = Command::new("python3")
        .args(["-c", script])
        .arg(maildir)
        .output()
        .expect("read the Maildir");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("json")
}

#[test]
fn the_digest_arrives_once_through_a_real_smtp_server() {
    let (dir, db) = loaded();
    let Some(server) = smtp_server(dir.path()) else {
        return;
    };
    let config = dir.path().join("chiso.toml");
    std::fs::write(
        &config,
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nfrom = \"chiso <canhbao@tinh.example.vn>\"\nstarttls = false\n",
            server.port
        ),
    )
    .unwrap();
    let cfg = config.to_str().unwrap();
    let shown = ok(chiso(&db, &["--config", cfg, "config"]));
    assert!(
        shown.contains("[smtp]") && shown.contains("starttls = false"),
        "{shown}"
    );

    // A mail server that does not answer: the run fails, nothing is marked sent.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = dir.path().join("down.toml");
    std::fs::write(
        &down,
        format!("[smtp]\nhost = \"127.0.0.1\"\nport = {closed}\nfrom = \"canhbao@tinh.example.vn\"\nstarttls = false\n"),
    )
    .unwrap();
    let o = chiso(
        &db,
        &[
            "--config",
            down.to_str().unwrap(),
            "alerts",
            "run",
            "--at",
            "22/03/2024",
            "--send",
        ],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("chưa ghi là đã gửi") && err.contains("giamdoc"),
        "{err}"
    );
    let list = ok(chiso(&db, &["alerts", "list", "--unit", "000.00.30.H53"]));
    assert!(!list.contains("giamdoc"), "{list}");

    let run = |day: &str| {
        ok(chiso(
            &db,
            &["--config", cfg, "alerts", "run", "--at", day, "--send"],
        ))
    };
    // The events were recorded by the failed run; the digest goes now.
    let first = run("22/03/2024");
    assert!(first.contains(": 0 mới, "), "{first}");
    assert!(first.contains("Đã gửi 1 thư"), "{first}");
    let mail = messages(&server.maildir);
    assert_eq!(mail.len(), 1, "{mail:?}");
    let (to, subject, body) = &mail[0];
    assert!(to.contains("giamdoc@sotuphap.example.vn"), "{to}");
    assert!(
        subject.starts_with("[chiso] ") && subject.contains("cảnh báo mới"),
        "{subject}"
    );
    assert!(body.contains("Nguyễn Văn Giám"), "{body}");
    assert!(body.contains("Sở Tư pháp (000.00.30.H53)"), "{body}");
    assert!(body.contains("HS005"), "{body}");
    // Only the head's unit: nothing of the province's other units.
    assert!(!body.contains("000.00.00.H53"), "{body}");

    // Again the same day: nothing new, nothing sent.
    let second = run("22/03/2024");
    assert!(second.contains(": 0 mới, "), "{second}");
    assert!(second.contains("Đã gửi 0 thư"), "{second}");
    assert_eq!(messages(&server.maildir).len(), 1);

    // The list shows to whom it went.
    let list = ok(chiso(&db, &["alerts", "list", "--unit", "000.00.30.H53"]));
    assert!(list.contains("giamdoc"), "{list}");
}
