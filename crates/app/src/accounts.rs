//! Account use cases over any backend ([`AccountStore`]): users with
//! Argon2id passwords, sign-in with back-off after repeated failures,
//! server-side sessions, machine tokens shown once and stored hashed, and
//! the audit log (append and verify).
//!
//! The rules (who may do what, the lockout schedule, the hash chain) are
//! the core's (`chiso_core::accounts`); this layer adds what needs the
//! operating system: password hashing and random secrets.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chiso_core::accounts::{
    lockout_seconds, secret_hash, verify_next, ApiToken, AuditDraft, ChainBreak, Grant, Principal,
    Session, User, GENESIS,
};
use chiso_core::storage::AccountStore;
use chiso_core::time::Instant;

/// How long a session lasts from sign-in (a working day).
pub const SESSION_SECONDS: i64 = 10 * 3600;
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// A token's last use is written at most this often.
const TOKEN_TOUCH_SECONDS: i64 = 60;

/// Why an account action was refused, or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError<E: std::error::Error + 'static> {
    #[error("tên đăng nhập '{0}' không hợp lệ: dùng 3–64 ký tự chữ không dấu, số, '.', '-', '_' hoặc '@'")]
    InvalidLogin(String),
    #[error("tên đăng nhập '{0}' đã có")]
    LoginTaken(String),
    #[error("không có người dùng '{0}'")]
    UnknownUser(String),
    #[error("mật khẩu quá ngắn: cần ít nhất {MIN_PASSWORD_CHARS} ký tự")]
    WeakPassword,
    #[error("tên đăng nhập hoặc mật khẩu không đúng")]
    BadCredentials,
    #[error("tài khoản tạm khóa do nhập sai nhiều lần: thử lại sau {seconds} giây")]
    Locked { seconds: i64 },
    #[error("tài khoản đã bị vô hiệu hóa: liên hệ quản trị viên")]
    Disabled,
    #[error("không có token số {0}")]
    UnknownToken(i64),
    #[error("không băm được mật khẩu: {0}")]
    Hashing(String),
    #[error(transparent)]
    Store(E),
}

type Result<T, E> = std::result::Result<T, AccountError<E>>;

fn store<E: std::error::Error>(e: E) -> AccountError<E> {
    AccountError::Store(e)
}

/// A new random secret: 32 bytes from the operating system, hex.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A password people can type once: 16 letters and digits without look-alikes.
pub fn new_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

fn hash_password<E: std::error::Error>(password: &str) -> Result<String, E> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::WeakPassword);
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hashing(e.to_string()))
}

fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn valid_login(login: &str) -> bool {
    (3..=64).contains(&login.len())
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'))
}

/// Adds a user with a password (checked against the policy) and grants.
pub fn add_user<S: AccountStore>(
    store: &S,
    login: &str,
    name: &str,
    password: &str,
    grants: Vec<Grant>,
    now: Instant,
) -> Result<User, S::Error> {
    if !valid_login(login) {
        return Err(AccountError::InvalidLogin(login.to_string()));
    }
    if store.user(login).map_err(store_err::<S>)?.is_some() {
        return Err(AccountError::LoginTaken(login.to_string()));
    }
    let mut user = User {
        id: 0,
        login: login.to_string(),
        name: name.trim().to_string(),
        password_hash: hash_password(password)?,
        grants,
        disabled: false,
        failures: 0,
        locked_until: None,
        must_change_password: false,
        created_at: now,
        email: String::new(),
    };
    user.id = store.put_user(&user).map_err(store_err::<S>)?;
    Ok(user)
}

fn store_err<S: AccountStore>(e: S::Error) -> AccountError<S::Error> {
    store(e)
}

/// The user named `login`, or an error saying there is none.
pub fn existing_user<S: AccountStore>(store: &S, login: &str) -> Result<User, S::Error> {
    store
        .user(login)
        .map_err(store_err::<S>)?
        .ok_or_else(|| AccountError::UnknownUser(login.to_string()))
}

/// Sets a new password; ends the user's sessions.
pub fn set_password<S: AccountStore>(
    store: &S,
    login: &str,
    password: &str,
    must_change: bool,
) -> Result<User, S::Error> {
    let mut user = existing_user(store, login)?;
    user.password_hash = hash_password(password)?;
    user.must_change_password = must_change;
    user.failures = 0;
    user.locked_until = None;
    store.put_user(&user).map_err(store_err::<S>)?;
    store.end_sessions_of(user.id).map_err(store_err::<S>)?;
    Ok(user)
}

/// Saves a changed user (grants, disabled); a disabled user's sessions end.
pub fn save_user<S: AccountStore>(store: &S, user: &User) -> Result<(), S::Error> {
    store.put_user(user).map_err(store_err::<S>)?;
    if user.disabled {
        store.end_sessions_of(user.id).map_err(store_err::<S>)?;
    }
    Ok(())
}

/// A successful sign-in: the cookie's secret (given to the browser once)
/// and the session kept.
pub struct SignedIn {
    pub secret: String,
    pub session: Session,
    pub user: User,
}

/// Signs a user in. Each failure is counted; from the fifth in a row the
/// account is refused for a while ([`lockout_seconds`]), whatever password
/// is given. Every attempt is audited by the caller.
pub fn sign_in<S: AccountStore>(
    store: &S,
    login: &str,
    password: &str,
    now: Instant,
) -> Result<SignedIn, S::Error> {
    let Some(mut user) = store.user(login).map_err(store_err::<S>)? else {
        // The same work as a real check, so timing does not tell which
        // logins exist.
        let _ = password_matches(
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$ZmFrZWhhc2hmYWtlaGFzaGZha2VoYXNoZmFrZWg",
            password,
        );
        return Err(AccountError::BadCredentials);
    };
    if user.disabled {
        return Err(AccountError::Disabled);
    }
    if let Some(until) = user.locked_until {
        if until > now {
            return Err(AccountError::Locked {
                seconds: until.unix() - now.unix(),
            });
        }
    }
    if !password_matches(&user.password_hash, password) {
        user.failures += 1;
        user.locked_until =
            lockout_seconds(user.failures).map(|s| Instant::from_unix(now.unix() + s));
        store.put_user(&user).map_err(store_err::<S>)?;
        return Err(match user.locked_until {
            Some(until) => AccountError::Locked {
                seconds: until.unix() - now.unix(),
            },
            None => AccountError::BadCredentials,
        });
    }
    if user.failures > 0 || user.locked_until.is_some() {
        user.failures = 0;
        user.locked_until = None;
        store.put_user(&user).map_err(store_err::<S>)?;
    }
    let secret = new_secret();
    let session = Session {
        secret_hash: secret_hash(&secret),
        user_id: user.id,
        created_at: now,
        expires_at: Instant::from_unix(now.unix() + SESSION_SECONDS),
        csrf: new_secret(),
    };
    store.put_session(&session).map_err(store_err::<S>)?;
    Ok(SignedIn {
        secret,
        session,
        user,
    })
}

/// The user and session a cookie's secret names, if the session is current
/// and the user still enabled. An expired session is removed.
pub fn session_user<S: AccountStore>(
    store: &S,
    secret: &str,
    now: Instant,
) -> std::result::Result<Option<(Principal, Session, User)>, S::Error> {
    let hash = secret_hash(secret);
    let Some(session) = store.session(&hash)? else {
        return Ok(None);
    };
    if session.expires_at <= now {
        store.end_session(&hash)?;
        return Ok(None);
    }
    let Some(user) = store.user_by_id(session.user_id)? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let principal = Principal::User {
        id: user.id,
        login: user.login.clone(),
        grants: user.grants.clone(),
    };
    Ok(Some((principal, session, user)))
}

/// The token a bearer secret names, if it is not revoked; its last use is
/// recorded (at most once a minute).
pub fn token_principal<S: AccountStore>(
    store: &S,
    secret: &str,
    now: Instant,
) -> std::result::Result<Option<Principal>, S::Error> {
    let Some(mut token) = store.token(&secret_hash(secret))? else {
        return Ok(None);
    };
    if token.revoked_at.is_some() {
        return Ok(None);
    }
    if token
        .last_used
        .is_none_or(|t| now.unix() - t.unix() >= TOKEN_TOUCH_SECONDS)
    {
        token.last_used = Some(now);
        store.put_token(&token)?;
    }
    Ok(Some(Principal::Token {
        id: token.id,
        name: token.name,
        grants: vec![token.grant],
    }))
}

/// Creates a machine token; returns the secret (shown once) and the token kept.
pub fn create_token<S: AccountStore>(
    store: &S,
    name: &str,
    grant: Grant,
    by: &str,
    now: Instant,
) -> Result<(String, ApiToken), S::Error> {
    let secret = format!("chiso_{}", new_secret());
    let mut token = ApiToken {
        id: 0,
        name: name.trim().to_string(),
        secret_hash: secret_hash(&secret),
        grant,
        created_at: now,
        created_by: by.to_string(),
        last_used: None,
        revoked_at: None,
    };
    token.id = store.put_token(&token).map_err(store_err::<S>)?;
    Ok((secret, token))
}

/// Revokes a token for good.
pub fn revoke_token<S: AccountStore>(
    store: &S,
    id: i64,
    now: Instant,
) -> Result<ApiToken, S::Error> {
    let mut token = store
        .tokens()
        .map_err(store_err::<S>)?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(AccountError::UnknownToken(id))?;
    if token.revoked_at.is_none() {
        token.revoked_at = Some(now);
        store.put_token(&token).map_err(store_err::<S>)?;
    }
    Ok(token)
}

/// Appends one entry to the audit log.
pub fn audit<S: AccountStore>(
    store: &S,
    now: Instant,
    actor: &str,
    from: &str,
    action: &str,
    detail: &str,
) -> std::result::Result<(), S::Error> {
    store.append_audit(&AuditDraft {
        at: now,
        actor: actor.to_string(),
        from: from.to_string(),
        action: action.to_string(),
        detail: detail.to_string(),
    })?;
    Ok(())
}

/// The whole audit log, in order, read a page at a time.
pub fn all_audit<S: AccountStore>(
    store: &S,
) -> std::result::Result<Vec<chiso_core::accounts::AuditEntry>, S::Error> {
    let mut all: Vec<chiso_core::accounts::AuditEntry> = Vec::new();
    loop {
        let after = all.last().map_or(0, |e| e.seq);
        let page = store.audit(after, 10_000)?;
        if page.is_empty() {
            return Ok(all);
        }
        all.extend(page);
    }
}

/// Audit entries as a CSV file for people (UTF-8 with BOM, formula cells
/// neutralised), with their chain links, as the web and the CLI export it.
pub fn audit_csv(entries: &[chiso_core::accounts::AuditEntry]) -> std::io::Result<Vec<u8>> {
    let header = [
        "seq",
        "at",
        "actor",
        "from",
        "action",
        "detail",
        "prev_hash",
        "hash",
    ]
    .map(String::from)
    .to_vec();
    let rows = std::iter::once(header).chain(entries.iter().map(|e| {
        vec![
            e.seq.to_string(),
            e.draft.at.vn(),
            e.draft.actor.clone(),
            e.draft.from.clone(),
            e.draft.action.clone(),
            e.draft.detail.clone(),
            e.prev_hash.clone(),
            e.hash.clone(),
        ]
    }));
    chiso_report::people_csv::to_bytes(rows).map_err(std::io::Error::other)
}

/// What `chiso audit verify` found.
#[derive(Debug)]
pub enum Verified<E> {
    /// The whole chain holds: this many entries.
    Intact(i64),
    Broken(ChainBreak),
    Store(E),
}

/// Checks the whole audit log, a page at a time.
pub fn verify_audit<S: AccountStore>(store: &S) -> Verified<S::Error> {
    const PAGE: usize = 10_000;
    let mut prev = GENESIS.to_string();
    let mut count = 0;
    loop {
        let page = match store.audit(count, PAGE) {
            Ok(p) => p,
            Err(e) => return Verified::Store(e),
        };
        if page.is_empty() {
            return Verified::Intact(count);
        }
        for e in page {
            if let Err(b) = verify_next(&prev, count + 1, &e) {
                return Verified::Broken(b);
            }
            prev = e.hash;
            count = e.seq;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chiso_core::memory::MemoryStore;

    fn at(s: i64) -> Instant {
        Instant::from_unix(1_780_000_000 + s)
    }

    #[test]
    fn sign_in_locks_out_after_repeated_failures_and_sessions_expire() {
        let store = MemoryStore::new();
        let grants = vec![Grant::parse("admin").expect("grant")];
        assert!(matches!(
            add_user(&store, "an", "An", "short", grants.clone(), at(0)),
            Err(AccountError::InvalidLogin(_))
        ));
        assert!(matches!(
            add_user(&store, "admin", "An", "short", grants.clone(), at(0)),
            Err(AccountError::WeakPassword)
        ));
        add_user(
            &store,
            "admin",
            "Quản trị",
            "mat-khau-dai-du",
            grants,
            at(0),
        )
        .expect("add");
        for i in 0..4 {
            assert!(matches!(
                sign_in(&store, "admin", "sai", at(i)),
                Err(AccountError::BadCredentials)
            ));
        }
        assert!(matches!(
            sign_in(&store, "admin", "sai", at(5)),
            Err(AccountError::Locked { seconds: 60 })
        ));
        // Locked: even the right password waits.
        assert!(matches!(
            sign_in(&store, "admin", "mat-khau-dai-du", at(30)),
            Err(AccountError::Locked { .. })
        ));
        let ok = sign_in(&store, "admin", "mat-khau-dai-du", at(70)).expect("after the lock");
        assert_eq!(store.user("admin").expect("user").expect("one").failures, 0);
        assert!(session_user(&store, &ok.secret, at(100))
            .expect("read")
            .is_some());
        assert!(session_user(&store, "forged", at(100))
            .expect("read")
            .is_none());
        assert!(session_user(&store, &ok.secret, at(70 + SESSION_SECONDS))
            .expect("read")
            .is_none());
        assert!(
            store
                .session(&ok.session.secret_hash)
                .expect("read")
                .is_none(),
            "an expired session is removed"
        );
        assert!(matches!(
            sign_in(&store, "nobody", "mat-khau-dai-du", at(80)),
            Err(AccountError::BadCredentials)
        ));
    }

    #[test]
    fn tokens_are_shown_once_stored_hashed_and_revocable() {
        let store = MemoryStore::new();
        let grant = Grant::parse("officer@H99").expect("grant");
        let (secret, token) =
            create_token(&store, "một cửa", grant, "admin", at(0)).expect("token");
        assert!(secret.starts_with("chiso_"));
        assert_ne!(token.secret_hash, secret);
        assert!(!store.tokens().expect("list")[0]
            .secret_hash
            .contains(&secret));
        let p = token_principal(&store, &secret, at(10))
            .expect("read")
            .expect("valid");
        assert_eq!(p.actor(), "token:một cửa");
        assert_eq!(store.tokens().expect("list")[0].last_used, Some(at(10)));
        revoke_token(&store, token.id, at(20)).expect("revoke");
        assert!(token_principal(&store, &secret, at(30))
            .expect("read")
            .is_none());
    }

    #[test]
    fn the_audit_log_verifies_across_pages() {
        let store = MemoryStore::new();
        for i in 0..25_003 {
            audit(&store, at(i), "admin", "cli", "import", &format!("n={i}")).expect("append");
        }
        assert!(matches!(verify_audit(&store), Verified::Intact(25_003)));
    }
}
