//! Operations through the real binary: `chiso backup` while another
//! connection keeps writing (the copy is one consistent state and scores
//! byte for byte like the same data imported afresh), its refusals,
//! `chiso config` (file < environment < flag, passwords masked) and
//! `chiso serve` configured by file and environment, logging JSON lines with
//! request ids and stopping cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use chiso_core::engine::IndexStore;
use chiso_core::records::{Dossier, DossierStatus};
use chiso_core::time::{Date, Instant};
use chiso_store::Store;

/// The binary with no configuration from the developer's environment.
fn chiso() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_chiso"));
    for var in [
        "CHISO_CONFIG",
        "CHISO_DB",
        "CHISO_ADDR",
        "CHISO_LOG",
        "CHISO_LOG_FORMAT",
        "CHISO_ALLOW_UNAUTHENTICATED_SYNC",
        "RUST_LOG",
    ] {
        c.env_remove(var);
    }
    c
}

fn run(db: &Path, args: &[&str]) -> Output {
    chiso()
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run chiso")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("live.db");
    let o = run(&db, &["demo", "--dossiers", "2000"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    db
}

fn score(db: &Path) -> String {
    let o = run(db, &["score", "--period", "2026-10", "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    text(&o.stdout)
}

// ---------------------------------------------------------------- backup

const BATCH: usize = 40;
/// The writer stops by itself after this many batches.
const MAX_BATCHES: u64 = 2_000;

/// Batch `n` of new dossiers of October 2026, one transaction.
fn write_batch(store: &mut Store, n: u64, units: &[String], procedures: &[String]) {
    let start = Date::parse("2026-10-01").map_or(0, |d| d.start().unix());
    let mut w = store
        .writer("dossiers", &format!("batch-{n}"))
        .expect("writer");
    for i in 0..BATCH {
        let k = n as usize * BATCH + i;
        let received = Instant::from_unix(start + (k as i64 * 977) % (29 * 86_400));
        let mut d = Dossier::new(
            &format!("BK{n}-{i}"),
            &units[k % units.len()],
            &procedures[k % procedures.len()],
            received,
        );
        d.status = DossierStatus::Finished;
        d.due_at = Some(received.add_seconds(3 * 86_400));
        d.finished_at = Some(received.add_seconds(3_600 * (k as i64 % 100)));
        d.synced = !k.is_multiple_of(3);
        w.put_dossier(&d).expect("dossier");
    }
    w.commit(BATCH as u64).expect("commit");
}

#[test]
fn a_backup_taken_while_another_connection_writes_is_one_state_and_scores_the_same() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = demo(dir.path());
    let base = dir.path().join("base.db");
    let o = run(&db, &["backup", "--out", base.to_str().expect("path")]);
    assert!(o.status.success(), "{}", text(&o.stderr));

    let store = Store::open(&db).expect("store");
    let document: serde_json::Value = serde_json::from_str(&score(&db)).expect("json");
    let units: Vec<String> = document["units"]
        .as_array()
        .expect("units")
        .iter()
        .filter(|u| u["kind"] != "province")
        .filter_map(|u| u["code"].as_str().map(str::to_string))
        .collect();
    let mut procedures: Vec<String> = store
        .catalogue()
        .expect("catalogue")
        .into_values()
        .map(|p| p.code)
        .collect();
    procedures.sort();
    let base_dossiers = store.inventory().expect("inventory").dossiers;
    drop(store);
    assert!(!units.is_empty() && !procedures.is_empty());

    // Another connection writes batch after batch until told to stop.
    let committed = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (db, committed, stop) = (db.clone(), committed.clone(), stop.clone());
        let (units, procedures) = (units.clone(), procedures.clone());
        std::thread::spawn(move || {
            let mut store = Store::open(&db).expect("store");
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) && n < MAX_BATCHES {
                write_batch(&mut store, n, &units, &procedures);
                n += 1;
                committed.store(n, Ordering::SeqCst);
            }
            n
        })
    };
    while committed.load(Ordering::SeqCst) < 2 {
        std::thread::yield_now();
    }
    // Back up until a backup ran while batches were committed around it.
    let copy = dir.path().join("copy.db");
    let mut overlapped = false;
    for _ in 0..20 {
        let before = committed.load(Ordering::SeqCst);
        let o = run(
            &db,
            &["backup", "--out", copy.to_str().expect("path"), "--force"],
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        if committed.load(Ordering::SeqCst) > before {
            overlapped = true;
            break;
        }
    }
    stop.store(true, Ordering::SeqCst);
    let written = writer.join().expect("writer");
    assert!(overlapped, "no backup ran while the writer committed");

    // The copy holds a whole number of batches: a state some commit left.
    let copied = Store::open(&copy)
        .expect("the copy opens")
        .inventory()
        .expect("inventory")
        .dossiers;
    let extra = (copied - base_dossiers) as usize;
    assert_eq!(extra % BATCH, 0, "{extra} dossiers: a batch cut in two");
    let batches = (extra / BATCH) as u64;
    assert!(batches >= 2 && batches <= written, "{batches} of {written}");

    // The same batches imported into the base score exactly as the copy.
    let reference = dir.path().join("reference.db");
    std::fs::copy(&base, &reference).expect("copy base");
    let mut store = Store::open(&reference).expect("store");
    for n in 0..batches {
        write_batch(&mut store, n, &units, &procedures);
    }
    drop(store);
    assert_eq!(score(&copy), score(&reference));
    assert_ne!(score(&copy), score(&base), "the batches change the scores");
}

#[test]
fn a_backup_never_replaces_a_file_without_force() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = demo(dir.path());
    let out = dir.path().join("backup.db");
    std::fs::write(&out, "giữ nguyên").expect("write");
    let o = run(&db, &["backup", "--out", out.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("--force"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "giữ nguyên");

    let o = run(
        &db,
        &["backup", "--out", out.to_str().expect("path"), "--force"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let said = text(&o.stdout);
    assert!(
        (said.contains(" kB") || said.contains(" MB"))
            && said.contains(" giây")
            && said.contains("kiểm tra toàn vẹn"),
        "{said}"
    );
    assert_eq!(score(&out), score(&db));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("sao-luu"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    let o = run(&dir.path().join("none.db"), &["backup", "--out", "x.db"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("không có cơ sở dữ liệu"));
    let o = run(
        &db,
        &["backup", "--out", db.to_str().expect("path"), "--force"],
    );
    assert_eq!(o.status.code(), Some(1), "never onto itself");
    let o = chiso()
        .env("CHISO_DB", "postgres://chiso:hunter2@localhost/chiso")
        .args(["backup", "--out", "x.db"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("pg_dump"), "{}", text(&o.stderr));
}

// ---------------------------------------------------------------- config

/// `chiso config` in `dir` with `env` and `args`: the line of `key`.
fn config_line(dir: &Path, env: &[(&str, &str)], args: &[&str], key: &str) -> String {
    let mut c = chiso();
    c.current_dir(dir)
        .envs(env.iter().copied())
        .args(args)
        .arg("config");
    let o = c.output().expect("run");
    assert!(o.status.success(), "{}", text(&o.stderr));
    text(&o.stdout)
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no {key} in {}", text(&o.stdout)))
        .to_string()
}

#[test]
fn configuration_comes_from_file_then_environment_then_flags_with_passwords_masked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let line = config_line(dir.path(), &[], &[], "db");
    assert!(
        line.contains("\"chiso.db\"") && line.ends_with("# mặc định"),
        "{line}"
    );

    std::fs::write(
        dir.path().join("chiso.toml"),
        "db = \"file.db\"\naddr = \"0.0.0.0:9000\"\n",
    )
    .expect("write");
    let line = config_line(dir.path(), &[], &[], "db");
    assert!(
        line.contains("\"file.db\"") && line.ends_with("# tệp chiso.toml"),
        "{line}"
    );

    let env = [("CHISO_DB", "env.db")];
    let line = config_line(dir.path(), &env, &[], "db");
    assert!(
        line.contains("\"env.db\"") && line.ends_with("# biến môi trường CHISO_DB"),
        "{line}"
    );
    let line = config_line(dir.path(), &env, &[], "addr");
    assert!(
        line.contains("0.0.0.0:9000"),
        "the file still gives the rest: {line}"
    );

    let line = config_line(dir.path(), &env, &["--db", "flag.db"], "db");
    assert!(
        line.contains("\"flag.db\"") && line.ends_with("# tùy chọn --db"),
        "{line}"
    );

    // Another file named by the variable or the flag replaces chiso.toml.
    let other = dir.path().join("other.toml");
    std::fs::write(&other, "db = \"other.db\"\n").expect("write");
    let named = [("CHISO_CONFIG", other.to_str().expect("path"))];
    assert!(config_line(dir.path(), &named, &[], "db").contains("\"other.db\""));
    let line = config_line(dir.path(), &[], &["--config", "other.toml"], "addr");
    assert!(line.ends_with("# mặc định"), "{line}");

    let secret = [("CHISO_DB", "postgres://chiso:hunter2@db.local/chiso")];
    let o = chiso()
        .current_dir(dir.path())
        .envs(secret)
        .arg("config")
        .output()
        .expect("run");
    let out = text(&o.stdout);
    assert!(!out.contains("hunter2"), "{out}");
    assert!(out.contains("postgres://chiso:***@db.local/chiso"), "{out}");

    std::fs::write(dir.path().join("chiso.toml"), "db = \"x.db\"\nprot = 1\n").expect("write");
    let o = chiso()
        .current_dir(dir.path())
        .arg("config")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    let e = text(&o.stderr);
    assert!(
        e.contains("chiso.toml, dòng 2") && e.contains("prot"),
        "{e}"
    );
}

// ---------------------------------------------------------------- serve

/// One HTTP/1.1 GET on `addr`: the response's head and body.
fn http_get(addr: &str, path: &str, request_id: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nX-Request-Id: {request_id}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

#[cfg(unix)]
#[test]
fn the_server_takes_its_configuration_logs_json_lines_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = demo(dir.path());
    std::fs::write(
        dir.path().join("chiso.toml"),
        "addr = \"127.0.0.1:0\"\nlog = \"info\"\n",
    )
    .expect("write");
    let mut server = chiso()
        .current_dir(dir.path())
        .env("CHISO_DB", &db)
        .env("CHISO_LOG_FORMAT", "json")
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let mut stdout = BufReader::new(server.stdout.take().expect("stdout"));
    let mut addr = None;
    for _ in 0..5 {
        let mut line = String::new();
        if stdout.read_line(&mut line).expect("read") == 0 {
            break;
        }
        if let Some(rest) = line.split("http://").nth(1) {
            addr = rest.split_whitespace().next().map(str::to_string);
            break;
        }
    }
    let addr = addr.expect("the server says where it listens");

    let response = http_get(&addr, "/api/v1/units", "cli-req-7");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response
            .to_ascii_lowercase()
            .contains("x-request-id: cli-req-7"),
        "{response}"
    );
    assert!(http_get(&addr, "/healthz", "probe").ends_with("ok"));

    // A client that never finishes its headers is cut off after the
    // header read timeout (30 s), instead of holding its connection.
    let mut slow = std::net::TcpStream::connect(&addr).expect("connect");
    write!(slow, "GET / HTTP/1.1\r\nHost: {addr}\r\n").expect("send");
    slow.set_read_timeout(Some(std::time::Duration::from_secs(120)))
        .expect("timeout");
    let started = std::time::Instant::now();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(100),
        "a half-sent request kept its connection {:?}",
        started.elapsed()
    );
    assert!(http_get(&addr, "/healthz", "probe").ends_with("ok"));

    let sent = std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let status = server.wait().expect("wait");
    assert!(status.success(), "stopped cleanly: {status}");
    let mut log = String::new();
    server
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut log)
        .expect("read");
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let request = lines
        .iter()
        .find(|l| l["request_id"] == "cli-req-7")
        .unwrap_or_else(|| panic!("no request line in {log}"));
    assert_eq!(request["route"], "/api/v1/units");
    assert_eq!(request["status"], 200);
    assert!(
        lines.iter().all(|l| l["request_id"] != "probe"),
        "probes are below the info level"
    );
    assert!(
        lines.iter().any(|l| l["message"] == "máy chủ đã dừng"),
        "{log}"
    );
}
