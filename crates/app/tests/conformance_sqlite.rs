//! The storage contract's conformance suite on the embedded SQLite store
//! and on the in-memory reference backend (which holds itself to the suite
//! too: its own figures are the reference).

mod conformance;

#[test]
fn sqlite_keeps_the_storage_contract() {
    let dir = tempfile::tempdir().expect("temp dir");
    let n = std::cell::Cell::new(0);
    conformance::run_all(|| {
        n.set(n.get() + 1);
        chiso_store::Store::open(&dir.path().join(format!("c{}.db", n.get()))).expect("store")
    });
}

#[test]
fn the_reference_keeps_the_storage_contract() {
    conformance::run_all(chiso_core::memory::MemoryStore::new);
}

#[test]
fn sqlite_keeps_the_journal_contract() {
    let dir = tempfile::tempdir().expect("temp dir");
    let n = std::cell::Cell::new(0);
    conformance::run_journals(|| {
        n.set(n.get() + 1);
        chiso_store::Store::open(&dir.path().join(format!("j{}.db", n.get()))).expect("store")
    });
}

#[test]
fn the_reference_keeps_the_journal_contract() {
    conformance::run_journals(chiso_core::memory::MemoryStore::new);
}
