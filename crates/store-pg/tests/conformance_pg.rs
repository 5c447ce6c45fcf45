//! The storage contract's conformance suite (`crates/app/tests/conformance`)
//! on the PostgreSQL store: a fresh migrated database for every check, on a
//! real server (a throwaway cluster, or `CHISO_TEST_PG_URL`; with
//! `CHISO_REQUIRE_PG=1`, as in CI, a missing server fails the test).

#[path = "../../app/tests/conformance/mod.rs"]
mod conformance;

use chiso_store_pg::testing;
use chiso_store_pg::PgStore;

#[test]
fn postgresql_keeps_the_storage_contract() {
    let Some(probe) = testing::database("conformance") else {
        return;
    };
    drop(probe);
    let databases = std::cell::RefCell::new(Vec::new());
    conformance::run_all(|| {
        let n = databases.borrow().len();
        let db = testing::database(&format!("conformance_{n}")).expect("a database");
        PgStore::migrate(&db.url).expect("migrate");
        let store = PgStore::open(&db.url).expect("open");
        databases.borrow_mut().push(db);
        store
    });
}

#[test]
fn postgresql_keeps_the_journal_contract() {
    let Some(probe) = testing::database("journals") else {
        return;
    };
    drop(probe);
    let databases = std::cell::RefCell::new(Vec::new());
    conformance::run_journals(|| {
        let n = databases.borrow().len();
        let db = testing::database(&format!("journals_{n}")).expect("a database");
        PgStore::migrate(&db.url).expect("migrate");
        let store = PgStore::open(&db.url).expect("open");
        databases.borrow_mut().push(db);
        store
    });
}
