//! Two writers at once: a test thread holds the database's write lock, as an
//! import in another process would, while the real `chiso import` runs. It
//! waits its turn (past SQLite's usual 5 s) and imports; bounded by
//! `CHISO_WRITE_WAIT`, it gives up with exit status 5 and writes nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chiso_core::storage::Storage;
use chiso_store::Store;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn import(db: &Path, wait: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chiso"));
    command
        .args(["--db", db.to_str().unwrap(), "import", "units"])
        .arg(fixture("units.csv"))
        .env_remove("CHISO_CONFIG")
        .env_remove("CHISO_DB")
        .env_remove("CHISO_WRITE_WAIT");
    if let Some(wait) = wait {
        command.env("CHISO_WRITE_WAIT", wait);
    }
    command.output().expect("chiso runs")
}

/// Holds the write lock of `db` on another thread for `hold`.
fn hold_the_lock(db: &Path, hold: Duration) -> std::thread::JoinHandle<()> {
    let db = db.to_path_buf();
    let (taken, wait) = mpsc::channel();
    let holder = std::thread::spawn(move || {
        let mut store = Store::open(&db).expect("open");
        let batch = store.batch("units", "other.csv").expect("writer");
        taken.send(()).expect("signal");
        std::thread::sleep(hold);
        chiso_core::storage::Batch::commit(batch, 0).expect("commit");
    });
    wait.recv().expect("lock taken");
    holder
}

fn units(db: &Path) -> usize {
    Store::open(db)
        .expect("open")
        .unit_list()
        .expect("units")
        .len()
}

#[test]
fn a_second_writer_waits_its_turn() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("w.db");
    drop(Store::open(&db).expect("create"));
    let holder = hold_the_lock(&db, Duration::from_millis(6_500));
    let started = Instant::now();
    let o = import(&db, None);
    let waited = started.elapsed();
    holder.join().expect("holder");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(waited >= Duration::from_secs(5), "{waited:?}");
    assert!(units(&db) > 0);
}

#[test]
fn a_writer_that_cannot_wait_exits_with_status_5() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("w.db");
    drop(Store::open(&db).expect("create"));
    let holder = hold_the_lock(&db, Duration::from_millis(4_000));
    let started = Instant::now();
    let o = import(&db, Some("1"));
    let gave_up = started.elapsed();
    holder.join().expect("holder");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(5), "{stderr}");
    assert!(gave_up < Duration::from_millis(3_500), "{gave_up:?}");
    assert!(
        stderr.contains("đang được một tiến trình khác ghi"),
        "{stderr}"
    );
    assert_eq!(units(&db), 0, "nothing written");
}
