//! Two writers on one SQLite file at once, each on its own connection and
//! thread, as two processes (the server and `chiso import`) would be: the
//! second waits for the first to commit, in SQLite's queue, instead of
//! failing with "database is locked" after 5 s; one that cannot wait that
//! long is told so by a typed error.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use chiso_core::records::{Unit, UnitKind};
use chiso_core::storage::Storage;
use chiso_store::{Store, StoreError};

fn unit(code: &str) -> Unit {
    Unit {
        code: code.into(),
        name: format!("Đơn vị {code}"),
        parent_code: None,
        kind: UnitKind::Department,
        valid_from: None,
        valid_to: None,
        successor_code: None,
        scored: true,
    }
}

/// Holds the write lock of `path` on another thread for `hold`, writing one
/// unit; returns once the lock is taken, with the thread to join.
fn hold_the_lock(path: &std::path::Path, hold: Duration) -> std::thread::JoinHandle<()> {
    let path = path.to_path_buf();
    let (taken, wait) = mpsc::channel();
    let first = std::thread::spawn(move || {
        let mut store = Store::open(&path).expect("open");
        let mut batch = store.batch("units", "first.csv").expect("first writer");
        batch.put_unit(&unit("FIRST")).expect("put");
        taken.send(()).expect("signal");
        std::thread::sleep(hold);
        batch.commit(1).expect("commit");
    });
    wait.recv().expect("the first writer started");
    first
}

/// The first writer holds the lock longer than SQLite's usual 5 s: the
/// second waits its turn and writes after it.
#[test]
fn a_second_writer_waits_for_the_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("w.db");
    drop(Store::open(&path).expect("create"));
    let first = hold_the_lock(&path, Duration::from_millis(6_500));
    let started = Instant::now();
    let mut store = Store::open(&path).expect("open");
    let mut batch = store.batch("units", "second.csv").expect("waited its turn");
    let waited = started.elapsed();
    batch.put_unit(&unit("SECOND")).expect("put");
    batch.commit(1).expect("commit");
    first.join().expect("first writer");
    assert!(waited >= Duration::from_secs(5), "waited {waited:?}");
    let codes: Vec<String> = store
        .unit_list()
        .expect("units")
        .into_iter()
        .map(|u| u.code)
        .collect();
    assert_eq!(codes, ["FIRST", "SECOND"]);
}

/// A writer bounded to a short wait gives up with `StoreError::Busy` (the
/// CLI's exit status 5, the API's 503 with Retry-After), and writes nothing.
#[test]
fn a_writer_that_cannot_wait_is_told_busy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("w.db");
    drop(Store::open(&path).expect("create"));
    let first = hold_the_lock(&path, Duration::from_millis(1_500));
    let mut store = Store::open(&path).expect("open");
    store
        .set_write_wait(Duration::from_millis(200))
        .expect("wait");
    let started = Instant::now();
    let err = store.batch("units", "second.csv").err().expect("busy");
    assert!(started.elapsed() < Duration::from_millis(1_400));
    assert!(matches!(err, StoreError::Busy), "{err:?}");
    assert!(err
        .to_string()
        .contains("đang được một tiến trình khác ghi"));
    first.join().expect("first writer");
}
