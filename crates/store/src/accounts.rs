//! Accounts, sessions, machine tokens and the audit log in SQLite
//! ([`AccountStore`]). Grants are stored as their codes (`officer@UNIT`,
//! one per line); appends to the audit log run in an immediate transaction
//! so that two processes never chain to the same entry.

use chiso_core::accounts::{ApiToken, AuditDraft, AuditEntry, Grant, Session, User, GENESIS};
use chiso_core::storage::AccountStore;
use chiso_core::time::Instant;
use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};

use crate::rows::corrupt;
use crate::{Result, Store};

const USER_COLUMNS: &str = "id, login, name, password_hash, grants, disabled, failures, \
                            locked_until, must_change_password, created_at, email";
const TOKEN_COLUMNS: &str =
    "id, name, secret_hash, grant_code, created_at, created_by, last_used, revoked_at";

fn grants(text: &str) -> Result<Vec<Grant>> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| Grant::parse(l).ok_or_else(|| corrupt("users", format!("quyền '{l}'"))))
        .collect()
}

fn grant_codes(grants: &[Grant]) -> String {
    grants
        .iter()
        .map(Grant::code)
        .collect::<Vec<_>>()
        .join("\n")
}

fn instant(t: Option<i64>) -> Option<Instant> {
    t.map(Instant::from_unix)
}

fn user(r: &Row) -> rusqlite::Result<(User, String)> {
    Ok((
        User {
            id: r.get(0)?,
            login: r.get(1)?,
            name: r.get(2)?,
            password_hash: r.get(3)?,
            grants: Vec::new(),
            disabled: r.get(5)?,
            failures: r.get(6)?,
            locked_until: instant(r.get(7)?),
            must_change_password: r.get(8)?,
            created_at: Instant::from_unix(r.get(9)?),
            email: r.get(10)?,
        },
        r.get(4)?,
    ))
}

fn with_grants((mut u, codes): (User, String)) -> Result<User> {
    u.grants = grants(&codes)?;
    Ok(u)
}

fn token(r: &Row) -> rusqlite::Result<(ApiToken, String)> {
    Ok((
        ApiToken {
            id: r.get(0)?,
            name: r.get(1)?,
            secret_hash: r.get(2)?,
            grant: Grant {
                role: chiso_core::accounts::Role::Viewer,
                unit: None,
            },
            created_at: Instant::from_unix(r.get(4)?),
            created_by: r.get(5)?,
            last_used: instant(r.get(6)?),
            revoked_at: instant(r.get(7)?),
        },
        r.get(3)?,
    ))
}

fn with_grant((mut t, code): (ApiToken, String)) -> Result<ApiToken> {
    t.grant =
        Grant::parse(&code).ok_or_else(|| corrupt("api_tokens", format!("quyền '{code}'")))?;
    Ok(t)
}

fn entry(r: &Row) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        draft: AuditDraft {
            at: Instant::from_unix(r.get(1)?),
            actor: r.get(2)?,
            from: r.get(3)?,
            action: r.get(4)?,
            detail: r.get(5)?,
        },
        prev_hash: r.get(6)?,
        hash: r.get(7)?,
    })
}

impl AccountStore for Store {
    fn users(&self) -> Result<Vec<User>> {
        let mut stmt = self
            .connection()
            .prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY login"))?;
        let rows = stmt.query_map([], user)?;
        rows.map(|r| with_grants(r?)).collect()
    }

    fn user(&self, login: &str) -> Result<Option<User>> {
        self.connection()
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE login = ?1"),
                [login],
                user,
            )
            .optional()?
            .map(with_grants)
            .transpose()
    }

    fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        self.connection()
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
                [id],
                user,
            )
            .optional()?
            .map(with_grants)
            .transpose()
    }

    fn put_user(&self, u: &User) -> Result<i64> {
        let values = params![
            u.login,
            u.name,
            u.password_hash,
            grant_codes(&u.grants),
            u.disabled,
            u.failures,
            u.locked_until.map(Instant::unix),
            u.must_change_password,
            u.created_at.unix(),
            u.email,
        ];
        let conn = self.connection();
        if u.id == 0 {
            conn.execute(
                "INSERT INTO users (login, name, password_hash, grants, disabled, failures, \
                 locked_until, must_change_password, created_at, email) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                values,
            )?;
            return Ok(conn.last_insert_rowid());
        }
        conn.execute(
            "UPDATE users SET login = ?1, name = ?2, password_hash = ?3, grants = ?4, \
             disabled = ?5, failures = ?6, locked_until = ?7, must_change_password = ?8, \
             created_at = ?9, email = ?10 WHERE id = ?11",
            [values, params![u.id]].concat().as_slice(),
        )?;
        Ok(u.id)
    }

    fn put_session(&self, s: &Session) -> Result<()> {
        self.connection().execute(
            "INSERT OR REPLACE INTO sessions (secret_hash, user_id, created_at, expires_at, csrf) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                s.secret_hash,
                s.user_id,
                s.created_at.unix(),
                s.expires_at.unix(),
                s.csrf
            ],
        )?;
        Ok(())
    }

    fn session(&self, secret_hash: &str) -> Result<Option<Session>> {
        Ok(self
            .connection()
            .query_row(
                "SELECT secret_hash, user_id, created_at, expires_at, csrf FROM sessions \
                 WHERE secret_hash = ?1",
                [secret_hash],
                |r| {
                    Ok(Session {
                        secret_hash: r.get(0)?,
                        user_id: r.get(1)?,
                        created_at: Instant::from_unix(r.get(2)?),
                        expires_at: Instant::from_unix(r.get(3)?),
                        csrf: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    fn end_session(&self, secret_hash: &str) -> Result<()> {
        self.connection()
            .execute("DELETE FROM sessions WHERE secret_hash = ?1", [secret_hash])?;
        Ok(())
    }

    fn end_sessions_of(&self, user_id: i64) -> Result<()> {
        self.connection()
            .execute("DELETE FROM sessions WHERE user_id = ?1", [user_id])?;
        Ok(())
    }

    fn put_token(&self, t: &ApiToken) -> Result<i64> {
        let values = params![
            t.name,
            t.secret_hash,
            t.grant.code(),
            t.created_at.unix(),
            t.created_by,
            t.last_used.map(Instant::unix),
            t.revoked_at.map(Instant::unix),
        ];
        let conn = self.connection();
        if t.id == 0 {
            conn.execute(
                "INSERT INTO api_tokens (name, secret_hash, grant_code, created_at, created_by, \
                 last_used, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                values,
            )?;
            return Ok(conn.last_insert_rowid());
        }
        conn.execute(
            "UPDATE api_tokens SET name = ?1, secret_hash = ?2, grant_code = ?3, created_at = ?4, \
             created_by = ?5, last_used = ?6, revoked_at = ?7 WHERE id = ?8",
            [values, params![t.id]].concat().as_slice(),
        )?;
        Ok(t.id)
    }

    fn token(&self, secret_hash: &str) -> Result<Option<ApiToken>> {
        self.connection()
            .query_row(
                &format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE secret_hash = ?1"),
                [secret_hash],
                token,
            )
            .optional()?
            .map(with_grant)
            .transpose()
    }

    fn tokens(&self) -> Result<Vec<ApiToken>> {
        let mut stmt = self.connection().prepare(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY id"
        ))?;
        let rows = stmt.query_map([], token)?;
        rows.map(|r| with_grant(r?)).collect()
    }

    fn append_audit(&self, d: &AuditDraft) -> Result<AuditEntry> {
        let conn = self.connection();
        let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let last: Option<(i64, String)> = tx
            .query_row(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (seq, prev) = last.map_or((1, GENESIS.to_string()), |(s, h)| (s + 1, h));
        let e = AuditEntry::chain(seq, &prev, d.clone());
        tx.execute(
            "INSERT INTO audit_log (seq, at, actor, origin, action, detail, prev_hash, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                e.seq,
                e.draft.at.unix(),
                e.draft.actor,
                e.draft.from,
                e.draft.action,
                e.draft.detail,
                e.prev_hash,
                e.hash
            ],
        )?;
        tx.commit()?;
        Ok(e)
    }

    fn audit(&self, after: i64, limit: usize) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.connection().prepare(
            "SELECT seq, at, actor, origin, action, detail, prev_hash, hash FROM audit_log \
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after, limit as i64], entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
