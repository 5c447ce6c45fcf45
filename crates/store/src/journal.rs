//! Administrative-reform journals (`chiso_core::reform::JournalStore`) in
//! SQLite: `journals` holds each head, `journal_entries` the append-only
//! entries (triggers refuse updates and deletes). A write checks, inside its
//! transaction, that the journal still holds the entries the writer read.

use chiso_core::reform::{
    Journal, JournalEntry, JournalHead, JournalKey, JournalKind, JournalStore, Written,
};
use chiso_core::time::Instant;
use rusqlite::{params, OptionalExtension};

use crate::{Result, Store, StoreError};

fn kind_of(text: &str) -> Result<JournalKind> {
    JournalKind::parse(text).ok_or_else(|| StoreError::Corrupt {
        table: "journals",
        detail: format!("loại '{text}' không biết"),
    })
}

impl Store {
    fn entries(&self, key: &JournalKey) -> Result<Vec<JournalEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT part, at, by, body FROM journal_entries \
             WHERE kind = ?1 AND unit = ?2 AND scope = ?3 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![key.kind.as_str(), key.unit, key.scope], |r| {
            Ok(JournalEntry {
                part: r.get(0)?,
                at: Instant::from_unix(r.get(1)?),
                by: r.get(2)?,
                body: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl JournalStore for Store {
    type Error = StoreError;

    fn journal(&self, key: &JournalKey) -> Result<Option<Journal>> {
        let head = self
            .conn
            .query_row(
                "SELECT status, body FROM journals WHERE kind = ?1 AND unit = ?2 AND scope = ?3",
                params![key.kind.as_str(), key.unit, key.scope],
                |r| {
                    Ok(JournalHead {
                        status: r.get(0)?,
                        body: r.get(1)?,
                    })
                },
            )
            .optional()?;
        let Some(head) = head else {
            return Ok(None);
        };
        Ok(Some(Journal {
            key: key.clone(),
            head,
            entries: self.entries(key)?,
        }))
    }

    fn journals(&self, kind: JournalKind, scope: Option<&str>) -> Result<Vec<Journal>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, unit, scope, status, body FROM journals \
             WHERE kind = ?1 AND (?2 IS NULL OR scope = ?2) ORDER BY unit, scope",
        )?;
        let heads = stmt
            .query_map(params![kind.as_str(), scope], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    JournalHead {
                        status: r.get(3)?,
                        body: r.get(4)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        heads
            .into_iter()
            .map(|(kind, unit, scope, head)| {
                let key = JournalKey {
                    kind: kind_of(&kind)?,
                    unit,
                    scope,
                };
                let entries = self.entries(&key)?;
                Ok(Journal { key, head, entries })
            })
            .collect()
    }

    fn write_journal(
        &mut self,
        key: &JournalKey,
        head: &JournalHead,
        known: usize,
        entries: &[JournalEntry],
    ) -> Result<Written> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (kind, unit, scope) = (key.kind.as_str(), key.unit.as_str(), key.scope.as_str());
        let stored: i64 = tx.query_row(
            "SELECT count(*) FROM journal_entries WHERE kind = ?1 AND unit = ?2 AND scope = ?3",
            params![kind, unit, scope],
            |r| r.get(0),
        )?;
        let stored = stored as usize;
        if stored != known {
            return Ok(Written::Conflict { stored });
        }
        tx.execute(
            "INSERT INTO journals (kind, unit, scope, status, body) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (kind, unit, scope) DO UPDATE SET status = excluded.status, body = excluded.body",
            params![kind, unit, scope, head.status, head.body],
        )?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO journal_entries (kind, unit, scope, seq, part, at, by, body) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for (i, e) in entries.iter().enumerate() {
                insert.execute(params![
                    kind,
                    unit,
                    scope,
                    (known + i + 1) as i64,
                    e.part,
                    e.at.unix(),
                    e.by,
                    e.body
                ])?;
            }
        }
        tx.commit()?;
        Ok(Written::Appended)
    }
}
