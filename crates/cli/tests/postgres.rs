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
    // Alerts: the same events recorded once, and listed alike.
    let run = ["alerts", "run", "--at", "2026-10-20"];
    let (a, b) = (ok(lite, &run), ok(url, &run));
    assert_eq!(a, b);
    assert!(!a.contains(": 0 mới"), "{a}");
    let again = ok(url, &run);
    assert!(again.contains(": 0 mới, "), "{again}");
    let list = ["alerts", "list", "--limit", "1000"];
    assert_eq!(ok(lite, &list), ok(url, &list));

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

    // The portal's published figures, imported into both.
    let sheet: serde_json::Value = serde_json::from_str(&ok(
        lite,
        &["score", "--period", "2026-06", "--format", "json"],
    ))
    .unwrap();
    let rows: Vec<serde_json::Value> = sheet["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["total"].is_number())
        .take(5)
        .enumerate()
        .map(|(i, u)| {
            serde_json::json!({
                "ID": u["code"],
                "ROW_STT": (i + 1).to_string(),
                "TEN": u["name"],
                "TONG_SCORE": format!("{:.2}", u["total"].as_f64().unwrap() - i as f64).replace('.', ","),
            })
        })
        .collect();
    let published = dir.path().join("report_tinh_766_service.json");
    std::fs::write(
        &published,
        serde_json::json!({"error_code": "0", "message": "Thành công", "result": rows}).to_string(),
    )
    .unwrap();
    let published = published.to_str().unwrap();
    let args = ["import", "published", published, "--period", "2026-06"];
    assert_eq!(ok(lite, &args), ok(url, &args));

    // Every command reading the store answers the same on both backends.
    for args in [
        &[
            "explain",
            "--period",
            "2026-06",
            "--unit",
            "Sở Y tế",
            "--criterion",
            "2.1",
            "--format",
            "csv",
        ][..],
        &["reconcile", "--period", "2026-06"],
        &["quarantine"],
        &["methodology", "list"],
    ] {
        let (a, b) = (ok(lite, args), ok(url, args));
        assert!(a == b, "{args:?} differs:\n{a}\n---\n{b}");
    }
    for (db, name) in [(lite, "lite"), (url, "pg")] {
        let out = dir.path().join(format!("{name}.xlsx"));
        ok(
            db,
            &[
                "report",
                "--period",
                "2026-06",
                "--format",
                "xlsx",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(std::fs::metadata(&out).unwrap().len() > 5_000);
    }
    // The processing-step feed and its quarantine on PostgreSQL.
    let feed = dir.path().join("steps.json");
    std::fs::write(
        &feed,
        r#"[{"MaHoSo":"KHONG-CO-HO-SO","NguoiXuLy":"Cán bộ A","ChucDanh":"Chuyên viên","ThoiDiemXuLy":"20260610080000","PhongBanXuLy":"Phòng Một cửa","NoiDungXuLy":"Tiếp nhận","TrangThai":"1","ThuTuBuocXuLy":"1"}]"#,
    )
    .unwrap();
    let (a, b) = (
        chiso(lite, &["feed", feed.to_str().unwrap()]),
        chiso(url, &["feed", feed.to_str().unwrap()]),
    );
    assert_eq!(a.status.code(), b.status.code(), "{}", stderr(&b));
    assert_eq!(stdout(&a), stdout(&b));
}

/// A `chiso serve` on `db` listening on a free port; its address.
struct Node {
    child: std::process::Child,
    addr: String,
    token: String,
}

impl Node {
    /// A node whose reads carry `token` (the live figures, not the public's published ones).
    fn start(db: &str, token: &str) -> Node {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_chiso"))
            .env_remove("CHISO_DB")
            .args(["--db", db, "serve", "--addr", "127.0.0.1:0"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start chiso serve");
        let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
        let addr = lines
            .by_ref()
            .take(5)
            .map_while(Result::ok)
            .find_map(|l| {
                l.split("http://")
                    .nth(1)
                    .and_then(|r| r.split_whitespace().next())
                    .map(str::to_string)
            })
            .expect("the server says where it listens");
        // Keep reading its output so that it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Node {
            child,
            addr,
            token: token.to_string(),
        }
    }

    /// One GET: the status code and the body.
    fn get(&self, path: &str) -> (u16, String) {
        self.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            self.addr, self.token
        ))
    }

    fn request(&self, request: &str) -> (u16, String) {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&self.addr).expect("connect");
        stream.write_all(request.as_bytes()).expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        let status = response[9..12].parse().expect("status code");
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    /// One POST of `body` with a bearer token: the status code and the answer.
    fn post_as(&self, path: &str, body: &str, token: &str) -> (u16, String) {
        self.request(&format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        ))
    }

    fn json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn two_server_nodes_on_one_postgresql_serve_the_same_and_see_each_write_at_once() {
    let Some(pg) = chiso_store_pg::testing::database("nodes") else {
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
            "6000",
            "--export",
            csv.to_str().unwrap(),
        ],
    );
    ok(url, &["migrate"]);
    for kind in ["units", "procedures", "holidays", "dossiers", "counts"] {
        let file = csv.join(format!("{kind}.csv"));
        ok(url, &["import", kind, file.to_str().unwrap()]);
    }
    let out = ok(
        url,
        &["token", "create", "--name", "nut-a", "--role", "admin"],
    );
    let token = out.lines().last().expect("token").to_string();
    let (a, b) = (Node::start(url, &token), Node::start(url, &token));
    assert_eq!(a.json("/readyz")["status"], "ready");
    let scores = "/api/v1/scores?period=2026-06";
    let before = (a.json(scores), b.json(scores));
    assert_eq!(before.0, before.1, "both nodes serve the same scores");
    assert_eq!(a.json("/api/v1/health")["database"]["feedback"], 0);
    assert_eq!(b.json("/api/v1/health")["database"]["feedback"], 0);
    // The pages too.
    let (status, page) = b.get("/?period=2026-06");
    assert_eq!(status, 200);
    assert!(page.contains("Sở Y tế"), "{page}");

    // A write from another process: every node drops its caches when the
    // database announces it (LISTEN/NOTIFY), without a restart.
    let file = csv.join("feedback.csv");
    ok(url, &["import", "feedback", file.to_str().unwrap()]);
    let started = std::time::Instant::now();
    let seen = |node: &Node| {
        while node.json("/api/v1/health")["database"]["feedback"] == 0 {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(30),
                "node {} never saw the write",
                node.addr
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    };
    seen(&a);
    seen(&b);
    println!(
        "both nodes saw the write {} ms after the import ended",
        started.elapsed().as_millis()
    );
    let after = (a.json(scores), b.json(scores));
    assert_eq!(after.0, after.1);
    assert_ne!(after.0, before.0, "feedback changes the scores");
    // The same figures as the command line computes.
    let cli: serde_json::Value = serde_json::from_str(&ok(
        url,
        &["score", "--period", "2026-06", "--format", "json"],
    ))
    .unwrap();
    let total = |v: &serde_json::Value, code: &str| -> serde_json::Value {
        let units = v["units"].as_array().expect("units");
        let unit = units.iter().find(|u| u["code"] == code).expect("unit");
        unit["total"].clone()
    };
    let code = cli["units"][0]["code"].as_str().expect("code").to_string();
    assert_eq!(total(&after.0, &code), total(&cli, &code));

    // A push through node A is seen by node B.
    let first = std::fs::read_to_string(csv.join("dossiers.csv")).unwrap();
    let row: Vec<&str> = first
        .lines()
        .nth(1)
        .expect("a dossier")
        .split(',')
        .collect();
    let event = format!(
        r#"{{"dossier_id": "DAY-QUA-NUT-A", "seq": 1, "at": "2026-06-10T08:00:00+07:00", "type": "received", "unit_code": "{}", "procedure_code": "{}", "due_at": "2026-06-15", "channel": 2}}"#,
        row[1], row[2]
    );
    let dossiers = |node: &Node| node.json("/api/v1/health")["database"]["dossiers"].clone();
    let count = dossiers(&b);
    let (status, body) = a.post_as("/api/v1/events", &event, &token);
    assert_eq!(status, 200, "{body}");
    let pushed = std::time::Instant::now();
    while dossiers(&b) == count {
        assert!(
            pushed.elapsed() < std::time::Duration::from_secs(30),
            "node B never saw node A's push"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    println!(
        "node B saw node A's push {} ms after its answer",
        pushed.elapsed().as_millis()
    );
    assert_eq!(
        dossiers(&b).as_i64(),
        count.as_i64().map(|n| n + 1),
        "one dossier more"
    );
}
