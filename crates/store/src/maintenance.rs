//! The SQLite file as a whole, for operations: an online backup that a
//! running server's writes neither block nor corrupt ([`backup`]), and where
//! a file's schema stands against this build's migrations ([`schema_state`],
//! what a readiness probe asks). Neither creates nor migrates the file it
//! reads.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::{Result, StoreError, MIGRATIONS};

/// How long a probe or a backup waits for a lock held by a writer.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// A backup step refused for a lock is tried again after this pause…
const BUSY_PAUSE: Duration = Duration::from_millis(100);
/// …this many times (a minute in all).
const BUSY_RETRIES: u32 = 600;

/// Where a database file's schema (`PRAGMA user_version`) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaState {
    /// Every migration of this build is applied.
    Current { version: i64 },
    /// Older than this build: opening it with [`crate::Store::open`] applies
    /// the missing migrations.
    Behind { found: i64, expected: i64 },
    /// Written by a newer chiso: this build refuses it.
    Ahead { found: i64, expected: i64 },
}

/// Opens an existing file for reading and writing, never creating it.
fn open_existing(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// The schema state of the database file at `path`, read on a connection of
/// its own (so a file removed or replaced under a running server is seen).
/// An error means the file cannot be opened or is not a database.
pub fn schema_state(path: &Path) -> Result<SchemaState> {
    let conn = open_existing(path)?;
    // Reading the schema fails on a file that is not a database.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let expected = MIGRATIONS.len() as i64;
    Ok(match found.cmp(&expected) {
        std::cmp::Ordering::Equal => SchemaState::Current { version: found },
        std::cmp::Ordering::Less => SchemaState::Behind { found, expected },
        std::cmp::Ordering::Greater => SchemaState::Ahead { found, expected },
    })
}

/// What a backup copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupReport {
    /// Database pages copied.
    pub pages: u64,
    /// Size of the copy in bytes.
    pub bytes: u64,
}

/// Copies the database at `source` into a new file `dest` with SQLite's
/// online backup API, then checks the copy (`PRAGMA quick_check`).
///
/// The copy is one consistent snapshot: every page is copied in a single
/// step, inside one read transaction of the source. In WAL mode (the store's)
/// that transaction does not block writers, and it sees none of their later
/// commits, so a server may keep importing meanwhile (the WAL file only
/// grows until the copy ends, since it cannot be checkpointed past it). (Copying a few pages
/// per step, as `Connection::backup` does, would restart from the first page
/// whenever another connection commits, and may never end under a steady
/// feed.) Whatever `dest` held is replaced: the caller decides about
/// existing files (the command line writes a new file, then renames it).
pub fn backup(source: &Path, dest: &Path) -> Result<BackupReport> {
    let src = open_existing(source)?;
    let mut dst = Connection::open(dest)?;
    {
        use rusqlite::backup::StepResult;
        let copy = rusqlite::backup::Backup::new(&src, &mut dst)?;
        let mut waits = 0;
        loop {
            // -1: every remaining page in this step.
            match copy.step(-1)? {
                StepResult::Done => break,
                StepResult::Busy | StepResult::Locked if waits < BUSY_RETRIES => {
                    waits += 1;
                    std::thread::sleep(BUSY_PAUSE);
                }
                StepResult::Busy | StepResult::Locked => {
                    return Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                        Some(format!(
                            "cơ sở dữ liệu {} bị khóa suốt {} giây",
                            source.display(),
                            (BUSY_PAUSE * BUSY_RETRIES).as_secs()
                        )),
                    )));
                }
                // More: pages remain (not after a step of -1, but harmless).
                _ => {}
            }
        }
    }
    let check: String = dst.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(StoreError::DamagedCopy {
            path: dest.display().to_string(),
            detail: check,
        });
    }
    let pages: i64 = dst.pragma_query_value(None, "page_count", |r| r.get(0))?;
    let page_size: i64 = dst.pragma_query_value(None, "page_size", |r| r.get(0))?;
    dst.close().map_err(|(_, e)| e)?;
    Ok(BackupReport {
        pages: pages as u64,
        // The copy is a single file without a journal: exactly its pages.
        bytes: (pages * page_size) as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[test]
    fn the_schema_state_is_read_without_creating_or_migrating() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("s.db");
        assert!(schema_state(&db).is_err(), "no file");
        assert!(!db.exists(), "a probe never creates the file");

        let store = Store::open(&db).expect("store");
        let expected = MIGRATIONS.len() as i64;
        assert_eq!(
            schema_state(&db).expect("state"),
            SchemaState::Current { version: expected }
        );
        for (version, state) in [
            (
                expected - 1,
                SchemaState::Behind {
                    found: expected - 1,
                    expected,
                },
            ),
            (
                expected + 1,
                SchemaState::Ahead {
                    found: expected + 1,
                    expected,
                },
            ),
        ] {
            store
                .connection()
                .pragma_update(None, "user_version", version)
                .expect("pragma");
            assert_eq!(schema_state(&db).expect("state"), state);
            let found: i64 = store
                .connection()
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .expect("version");
            assert_eq!(found, version, "not migrated by the probe");
        }
        drop(store);

        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, vec![7u8; 4096]).expect("write");
        assert!(schema_state(&junk).is_err(), "not a database");
    }

    #[test]
    fn a_backup_of_a_missing_file_fails_without_creating_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (source, dest) = (dir.path().join("none.db"), dir.path().join("copy.db"));
        assert!(backup(&source, &dest).is_err());
        assert!(!source.exists());

        let store = Store::open(&source).expect("store");
        store.set_meta("k", "v").expect("meta");
        let report = backup(&source, &dest).expect("backup");
        assert_eq!(
            report.bytes,
            std::fs::metadata(&dest).expect("copy").len(),
            "the size is the file's"
        );
        let copy = Store::open(&dest).expect("copy opens");
        assert_eq!(copy.meta("k").expect("meta").as_deref(), Some("v"));
    }
}
