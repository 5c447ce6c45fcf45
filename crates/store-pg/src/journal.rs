//! Administrative-reform journals (`chiso_core::reform::JournalStore`) on
//! PostgreSQL: `journals` holds each head, `journal_entries` the append-only
//! entries (a trigger refuses updates and deletes). A write holds an advisory
//! lock of its own, checks that the journal still holds the entries the
//! writer read, and bumps the data version like every commit.

use chiso_core::reform::{
    Journal, JournalEntry, JournalHead, JournalKey, JournalKind, JournalStore, Written,
};
use chiso_core::time::Instant;
use postgres::GenericClient;

use crate::rows::corrupt;
use crate::{PgError, PgStore, Result};

/// Advisory lock held while a journal is written: writers of journals take
/// turns (imports hold another lock and are not delayed).
const JOURNAL_LOCK: i64 = 0x6368_6973_6f4a; // "chisoJ"

fn entries(client: &mut impl GenericClient, key: &JournalKey) -> Result<Vec<JournalEntry>> {
    client
        .query(
            "SELECT part, at, by, body FROM journal_entries \
             WHERE kind = $1 AND unit = $2 AND scope = $3 ORDER BY seq",
            &[&key.kind.as_str(), &key.unit, &key.scope],
        )?
        .iter()
        .map(|r| {
            Ok(JournalEntry {
                part: r.try_get(0)?,
                at: Instant::from_unix(r.try_get(1)?),
                by: r.try_get(2)?,
                body: r.try_get(3)?,
            })
        })
        .collect()
}

impl JournalStore for PgStore {
    type Error = PgError;

    fn journal(&self, key: &JournalKey) -> Result<Option<Journal>> {
        let mut conn = self.conn()?;
        let Some(row) = conn.query_opt(
            "SELECT status, body FROM journals WHERE kind = $1 AND unit = $2 AND scope = $3",
            &[&key.kind.as_str(), &key.unit, &key.scope],
        )?
        else {
            return Ok(None);
        };
        let head = JournalHead {
            status: row.try_get(0)?,
            body: row.try_get(1)?,
        };
        Ok(Some(Journal {
            key: key.clone(),
            head,
            entries: entries(&mut *conn, key)?,
        }))
    }

    fn journals(&self, kind: JournalKind, scope: Option<&str>) -> Result<Vec<Journal>> {
        let mut conn = self.conn()?;
        let rows = conn.query(
            "SELECT kind, unit, scope, status, body FROM journals \
             WHERE kind = $1 AND ($2::text IS NULL OR scope = $2) \
             ORDER BY unit COLLATE \"C\", scope COLLATE \"C\"",
            &[&kind.as_str(), &scope],
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let text: String = r.try_get(0)?;
            let key = JournalKey {
                kind: JournalKind::parse(&text)
                    .ok_or_else(|| corrupt("journals", format!("loại '{text}' không biết")))?,
                unit: r.try_get(1)?,
                scope: r.try_get(2)?,
            };
            let head = JournalHead {
                status: r.try_get(3)?,
                body: r.try_get(4)?,
            };
            let entries = entries(&mut *conn, &key)?;
            out.push(Journal { key, head, entries });
        }
        Ok(out)
    }

    fn write_journal(
        &mut self,
        key: &JournalKey,
        head: &JournalHead,
        known: usize,
        entries: &[JournalEntry],
    ) -> Result<Written> {
        let (kind, unit, scope) = (key.kind.as_str(), key.unit.as_str(), key.scope.as_str());
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&JOURNAL_LOCK])?;
        let stored: i64 = tx
            .query_one(
                "SELECT count(*) FROM journal_entries WHERE kind = $1 AND unit = $2 AND scope = $3",
                &[&kind, &unit, &scope],
            )?
            .try_get(0)?;
        let stored = stored as usize;
        if stored != known {
            return Ok(Written::Conflict { stored });
        }
        tx.execute(
            "INSERT INTO journals (kind, unit, scope, status, body) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (kind, unit, scope) DO UPDATE SET status = excluded.status, body = excluded.body",
            &[&kind, &unit, &scope, &head.status, &head.body],
        )?;
        let insert = tx.prepare(
            "INSERT INTO journal_entries (kind, unit, scope, seq, part, at, by, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )?;
        for (i, e) in entries.iter().enumerate() {
            let seq = (known + i + 1) as i32;
            tx.execute(
                &insert,
                &[
                    &kind,
                    &unit,
                    &scope,
                    &seq,
                    &e.part,
                    &e.at.unix(),
                    &e.by,
                    &e.body,
                ],
            )?;
        }
        crate::bump_version(&mut tx)?;
        tx.commit()?;
        Ok(Written::Appended)
    }
}
