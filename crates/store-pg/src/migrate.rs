//! Schema migrations: SQL files embedded in order (`migrations/NNNN_name.sql`),
//! applied in one transaction under an advisory lock and recorded in
//! `chiso_migrations` (version, name, when). A database is usable only at
//! exactly this build's version: older waits for `chiso migrate`, newer is
//! refused.

use postgres::GenericClient;

use crate::{PgError, Result};

/// One migration of the PostgreSQL schema.
#[derive(Debug)]
pub struct Migration {
    pub version: i32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in order; a new one is appended, never edited.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../migrations/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "accounts",
        sql: include_str!("../migrations/0002_accounts.sql"),
    },
    Migration {
        version: 3,
        name: "reform_journals",
        sql: include_str!("../migrations/0003_reform_journals.sql"),
    },
    Migration {
        version: 4,
        name: "targets",
        sql: include_str!("../migrations/0004_targets.sql"),
    },
    Migration {
        version: 5,
        name: "user_email",
        sql: include_str!("../migrations/0005_user_email.sql"),
    },
    Migration {
        version: 6,
        name: "latest_index",
        sql: include_str!("../migrations/0006_latest_index.sql"),
    },
];

/// Advisory lock held while migrating: two nodes started together apply
/// each migration once.
const MIGRATE_LOCK: i64 = 0x6368_6973_6f4d; // "chisoM"

fn latest() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The version a database is at (0: never migrated).
fn current(client: &mut impl GenericClient) -> Result<i32> {
    let exists: bool = client
        .query_one("SELECT to_regclass('chiso_migrations') IS NOT NULL", &[])?
        .try_get(0)?;
    if !exists {
        return Ok(0);
    }
    Ok(client
        .query_one(
            "SELECT coalesce(max(version), 0) FROM chiso_migrations",
            &[],
        )?
        .try_get(0)?)
}

/// The version a database is at and the version this build expects.
pub(crate) fn versions(client: &mut impl GenericClient) -> Result<(i32, i32)> {
    Ok((current(client)?, latest()))
}

/// Refuses a database that is not at this build's version.
pub(crate) fn check(client: &mut impl GenericClient, url: &str) -> Result<()> {
    let (found, supported) = (current(client)?, latest());
    match found.cmp(&supported) {
        std::cmp::Ordering::Equal => Ok(()),
        std::cmp::Ordering::Greater => Err(PgError::TooNew {
            url: url.to_string(),
            found,
            supported,
        }),
        std::cmp::Ordering::Less => Err(PgError::Pending {
            url: url.to_string(),
            found,
            supported,
        }),
    }
}

/// Applies the pending migrations; returns those applied.
pub(crate) fn run(client: &mut postgres::Client, url: &str) -> Result<Vec<&'static Migration>> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS chiso_migrations ( \
           version integer PRIMARY KEY, \
           name text NOT NULL, \
           applied_at timestamptz NOT NULL DEFAULT now())",
    )?;
    let found = current(&mut tx)?;
    if found > latest() {
        return Err(PgError::TooNew {
            url: url.to_string(),
            found,
            supported: latest(),
        });
    }
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| m.version > found) {
        tx.batch_execute(m.sql)?;
        tx.execute(
            "INSERT INTO chiso_migrations (version, name) VALUES ($1, $2)",
            &[&m.version, &m.name],
        )?;
        applied.push(m);
    }
    tx.commit()?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i32 + 1, "{}", m.name);
            assert!(!m.sql.trim().is_empty(), "{}", m.name);
        }
    }
}
