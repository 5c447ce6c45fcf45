//! Accounts, sessions, machine tokens and the audit log in PostgreSQL
//! ([`AccountStore`]). Grants are stored as their codes (`officer@UNIT`,
//! one per line); an append to the audit log locks the table's tail with an
//! advisory lock, so nodes appending at once chain one after the other.

use chiso_core::accounts::{ApiToken, AuditDraft, AuditEntry, Grant, Session, User, GENESIS};
use chiso_core::storage::AccountStore;
use chiso_core::time::Instant;
use postgres::Row;

use crate::rows::corrupt;
use crate::{PgStore, Result};

/// Advisory lock held while appending to the audit log.
const AUDIT_LOCK: i64 = 0x6368_6973_6f41; // "chisoA"

const USER_COLUMNS: &str = "id, login, name, password_hash, grants, disabled, failures, \
                            locked_until, must_change_password, created_at, email";
const TOKEN_COLUMNS: &str =
    "id, name, secret_hash, grant_code, created_at, created_by, last_used, revoked_at";

fn user(r: &Row) -> Result<User> {
    let codes: String = r.try_get(4)?;
    let failures: i32 = r.try_get(6)?;
    Ok(User {
        id: r.try_get(0)?,
        login: r.try_get(1)?,
        name: r.try_get(2)?,
        password_hash: r.try_get(3)?,
        grants: codes
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| Grant::parse(l).ok_or_else(|| corrupt("users", format!("quyền '{l}'"))))
            .collect::<Result<_>>()?,
        disabled: r.try_get(5)?,
        failures: u32::try_from(failures).unwrap_or(0),
        locked_until: r.try_get::<_, Option<i64>>(7)?.map(Instant::from_unix),
        must_change_password: r.try_get(8)?,
        created_at: Instant::from_unix(r.try_get(9)?),
        email: r.try_get(10)?,
    })
}

fn token(r: &Row) -> Result<ApiToken> {
    let code: String = r.try_get(3)?;
    Ok(ApiToken {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        secret_hash: r.try_get(2)?,
        grant: Grant::parse(&code)
            .ok_or_else(|| corrupt("api_tokens", format!("quyền '{code}'")))?,
        created_at: Instant::from_unix(r.try_get(4)?),
        created_by: r.try_get(5)?,
        last_used: r.try_get::<_, Option<i64>>(6)?.map(Instant::from_unix),
        revoked_at: r.try_get::<_, Option<i64>>(7)?.map(Instant::from_unix),
    })
}

fn entry(r: &Row) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.try_get(0)?,
        draft: AuditDraft {
            at: Instant::from_unix(r.try_get(1)?),
            actor: r.try_get(2)?,
            from: r.try_get(3)?,
            action: r.try_get(4)?,
            detail: r.try_get(5)?,
        },
        prev_hash: r.try_get(6)?,
        hash: r.try_get(7)?,
    })
}

fn codes(grants: &[Grant]) -> String {
    grants
        .iter()
        .map(Grant::code)
        .collect::<Vec<_>>()
        .join("\n")
}

impl AccountStore for PgStore {
    fn users(&self) -> Result<Vec<User>> {
        self.conn()?
            .query(
                &format!("SELECT {USER_COLUMNS} FROM users ORDER BY login"),
                &[],
            )?
            .iter()
            .map(user)
            .collect()
    }

    fn user(&self, login: &str) -> Result<Option<User>> {
        self.conn()?
            .query_opt(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE login = $1"),
                &[&login],
            )?
            .as_ref()
            .map(user)
            .transpose()
    }

    fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        self.conn()?
            .query_opt(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"),
                &[&id],
            )?
            .as_ref()
            .map(user)
            .transpose()
    }

    fn put_user(&self, u: &User) -> Result<i64> {
        let failures = i32::try_from(u.failures).unwrap_or(i32::MAX);
        let locked = u.locked_until.map(Instant::unix);
        let created = u.created_at.unix();
        let grants = codes(&u.grants);
        let mut conn = self.conn()?;
        if u.id == 0 {
            let row = conn.query_one(
                "INSERT INTO users (login, name, password_hash, grants, disabled, failures, \
                 locked_until, must_change_password, created_at, email) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                &[
                    &u.login,
                    &u.name,
                    &u.password_hash,
                    &grants,
                    &u.disabled,
                    &failures,
                    &locked,
                    &u.must_change_password,
                    &created,
                    &u.email,
                ],
            )?;
            return Ok(row.try_get(0)?);
        }
        conn.execute(
            "UPDATE users SET login = $1, name = $2, password_hash = $3, grants = $4, \
             disabled = $5, failures = $6, locked_until = $7, must_change_password = $8, \
             created_at = $9, email = $10 WHERE id = $11",
            &[
                &u.login,
                &u.name,
                &u.password_hash,
                &grants,
                &u.disabled,
                &failures,
                &locked,
                &u.must_change_password,
                &created,
                &u.email,
                &u.id,
            ],
        )?;
        Ok(u.id)
    }

    fn put_session(&self, s: &Session) -> Result<()> {
        self.conn()?.execute(
            "INSERT INTO sessions (secret_hash, user_id, created_at, expires_at, csrf) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (secret_hash) DO UPDATE SET \
             user_id = EXCLUDED.user_id, created_at = EXCLUDED.created_at, \
             expires_at = EXCLUDED.expires_at, csrf = EXCLUDED.csrf",
            &[
                &s.secret_hash,
                &s.user_id,
                &s.created_at.unix(),
                &s.expires_at.unix(),
                &s.csrf,
            ],
        )?;
        Ok(())
    }

    fn session(&self, secret_hash: &str) -> Result<Option<Session>> {
        let row = self.conn()?.query_opt(
            "SELECT secret_hash, user_id, created_at, expires_at, csrf FROM sessions \
             WHERE secret_hash = $1",
            &[&secret_hash],
        )?;
        row.map(|r| {
            Ok(Session {
                secret_hash: r.try_get(0)?,
                user_id: r.try_get(1)?,
                created_at: Instant::from_unix(r.try_get(2)?),
                expires_at: Instant::from_unix(r.try_get(3)?),
                csrf: r.try_get(4)?,
            })
        })
        .transpose()
    }

    fn end_session(&self, secret_hash: &str) -> Result<()> {
        self.conn()?.execute(
            "DELETE FROM sessions WHERE secret_hash = $1",
            &[&secret_hash],
        )?;
        Ok(())
    }

    fn end_sessions_of(&self, user_id: i64) -> Result<()> {
        self.conn()?
            .execute("DELETE FROM sessions WHERE user_id = $1", &[&user_id])?;
        Ok(())
    }

    fn put_token(&self, t: &ApiToken) -> Result<i64> {
        let grant = t.grant.code();
        let created = t.created_at.unix();
        let used = t.last_used.map(Instant::unix);
        let revoked = t.revoked_at.map(Instant::unix);
        let mut conn = self.conn()?;
        if t.id == 0 {
            let row = conn.query_one(
                "INSERT INTO api_tokens (name, secret_hash, grant_code, created_at, created_by, \
                 last_used, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    &t.name,
                    &t.secret_hash,
                    &grant,
                    &created,
                    &t.created_by,
                    &used,
                    &revoked,
                ],
            )?;
            return Ok(row.try_get(0)?);
        }
        conn.execute(
            "UPDATE api_tokens SET name = $1, secret_hash = $2, grant_code = $3, created_at = $4, \
             created_by = $5, last_used = $6, revoked_at = $7 WHERE id = $8",
            &[
                &t.name,
                &t.secret_hash,
                &grant,
                &created,
                &t.created_by,
                &used,
                &revoked,
                &t.id,
            ],
        )?;
        Ok(t.id)
    }

    fn token(&self, secret_hash: &str) -> Result<Option<ApiToken>> {
        self.conn()?
            .query_opt(
                &format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE secret_hash = $1"),
                &[&secret_hash],
            )?
            .as_ref()
            .map(token)
            .transpose()
    }

    fn tokens(&self) -> Result<Vec<ApiToken>> {
        self.conn()?
            .query(
                &format!("SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY id"),
                &[],
            )?
            .iter()
            .map(token)
            .collect()
    }

    fn append_audit(&self, d: &AuditDraft) -> Result<AuditEntry> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK])?;
        let last = tx.query_opt(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            &[],
        )?;
        let (seq, prev) = match last {
            Some(r) => (r.try_get::<_, i64>(0)? + 1, r.try_get::<_, String>(1)?),
            None => (1, GENESIS.to_string()),
        };
        let e = AuditEntry::chain(seq, &prev, d.clone());
        tx.execute(
            "INSERT INTO audit_log (seq, at, actor, origin, action, detail, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &e.seq,
                &e.draft.at.unix(),
                &e.draft.actor,
                &e.draft.from,
                &e.draft.action,
                &e.draft.detail,
                &e.prev_hash,
                &e.hash,
            ],
        )?;
        tx.commit()?;
        Ok(e)
    }

    fn audit(&self, after: i64, limit: usize) -> Result<Vec<AuditEntry>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.conn()?
            .query(
                "SELECT seq, at, actor, origin, action, detail, prev_hash, hash FROM audit_log \
                 WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&after, &limit],
            )?
            .iter()
            .map(entry)
            .collect()
    }
}
