//! Accounts, roles scoped to a unit subtree, the access policy, and the
//! audit log's hash chain (Decree 85/2016/NĐ-CP, level 3: role-based access
//! and audit logs no one can edit).
//!
//! Pure: no clock (instants are passed in), no randomness, no password
//! hashing (the application layer hashes; a [`User`] holds the PHC string).
//!
//! - [`Role`] and [`Grant`]: a role over a unit and its subtree (`None`:
//!   the whole database, the province office).
//! - [`Action`] and [`Principal::permits`]: the one policy point every route
//!   and command asks.
//! - [`AuditDraft`] → [`AuditEntry`]: each entry carries the SHA-256 of the
//!   previous entry's hash and its own content, so [`verify_chain`] finds an
//!   edited, removed or reordered row.

use sha2::{Digest, Sha256};

use crate::time::Instant;

/// What a user may do, over a unit subtree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Quản trị: the province office: every unit, users, publication,
    /// methodology, imports.
    Administrator,
    /// Cán bộ: a unit's officer: its subtree's scores and dossier-level
    /// explanations, its own imports and pushes, its reform forms.
    Officer,
    /// Người phê duyệt: approves its subtree's submissions; reads like an officer.
    Approver,
    /// Người xem: reads its subtree, dossier level included.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Administrator,
        Role::Officer,
        Role::Approver,
        Role::Viewer,
    ];

    /// The name stored and typed on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::Administrator => "admin",
            Role::Officer => "officer",
            Role::Approver => "approver",
            Role::Viewer => "viewer",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Administrator => "Quản trị",
            Role::Officer => "Cán bộ",
            Role::Approver => "Người phê duyệt",
            Role::Viewer => "Người xem",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(text.trim()))
    }

    /// The actions this role allows within its subtree.
    fn allows(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Administrator => action != OwnAccount,
            Role::Officer => matches!(action, ReadDossiers | Import | Push | FillForms),
            Role::Approver => matches!(action, ReadDossiers | ApproveForms),
            Role::Viewer => matches!(action, ReadDossiers),
        }
    }
}

/// A role over a unit's subtree (`unit: None`: every unit).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Grant {
    pub role: Role,
    pub unit: Option<String>,
}

impl Grant {
    /// `admin`, `officer@000.00.01.H99`.
    pub fn code(&self) -> String {
        match &self.unit {
            Some(u) => format!("{}@{u}", self.role.code()),
            None => self.role.code().to_string(),
        }
    }

    pub fn parse(text: &str) -> Option<Grant> {
        let (role, unit) = match text.split_once('@') {
            Some((r, u)) if !u.trim().is_empty() => (r, Some(u.trim().to_string())),
            Some(_) => return None,
            None => (text, None),
        };
        Some(Grant {
            role: Role::parse(role)?,
            unit,
        })
    }
}

/// What a request or a command wants to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Aggregate results (scores, ranks, the methodology): everyone.
    ReadPublic,
    /// Dossier-level explanations and personal data (masked): signed in, in scope.
    ReadDossiers,
    /// Import files (units, procedures, dossiers…).
    Import,
    /// Push dossiers of one's units (the portal-style dossier sync).
    Push,
    /// Push events and processing steps, which name a dossier and no unit:
    /// the whole database only.
    Feed,
    /// Fill and submit reform-reporting forms.
    FillForms,
    /// Approve or return submissions.
    ApproveForms,
    /// Publish a period, add a methodology version.
    Publish,
    /// Users, roles, tokens.
    ManageAccounts,
    /// Browse and export the audit log.
    ReadAudit,
    /// One's own account (password, sign-out): any signed-in user.
    OwnAccount,
}

impl Action {
    pub const ALL: [Action; 11] = [
        Action::ReadPublic,
        Action::ReadDossiers,
        Action::Import,
        Action::Push,
        Action::Feed,
        Action::FillForms,
        Action::ApproveForms,
        Action::Publish,
        Action::ManageAccounts,
        Action::ReadAudit,
        Action::OwnAccount,
    ];
}

/// Who acts: nobody signed in, a user, or a machine token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    Public,
    User {
        id: i64,
        login: String,
        grants: Vec<Grant>,
    },
    Token {
        id: i64,
        name: String,
        grants: Vec<Grant>,
    },
}

impl Principal {
    /// The actor as the audit log names it.
    pub fn actor(&self) -> String {
        match self {
            Principal::Public => "(công khai)".to_string(),
            Principal::User { login, .. } => login.clone(),
            Principal::Token { name, .. } => format!("token:{name}"),
        }
    }

    pub fn grants(&self) -> &[Grant] {
        match self {
            Principal::Public => &[],
            Principal::User { grants, .. } | Principal::Token { grants, .. } => grants,
        }
    }

    pub fn is_signed_in(&self) -> bool {
        !matches!(self, Principal::Public)
    }

    /// Whether the principal may take `action` on `unit` (`None`: an action
    /// not about one unit, allowed when some grant allows it anywhere).
    /// `within(root, unit)` says whether `unit` is `root` or below it.
    pub fn permits(
        &self,
        action: Action,
        unit: Option<&str>,
        within: impl Fn(&str, &str) -> bool,
    ) -> bool {
        match action {
            Action::ReadPublic => return true,
            Action::OwnAccount => return matches!(self, Principal::User { .. }),
            _ => {}
        }
        self.grants().iter().any(|g| {
            g.role.allows(action)
                && match (&g.unit, unit) {
                    (None, _) => true,
                    (Some(_), None) => !needs_whole_database(action),
                    (Some(root), Some(unit)) => within(root, unit),
                }
        })
    }

    /// The unit subtrees whose dossier-level data the principal may read
    /// (`None`: all of them).
    pub fn dossier_scope(&self) -> Option<Vec<String>> {
        self.roots(Action::ReadDossiers)
    }

    /// The unit subtrees where the principal may take `action` (`None`:
    /// everywhere; empty: nowhere).
    pub fn roots(&self, action: Action) -> Option<Vec<String>> {
        let mut roots = Vec::new();
        for g in self.grants() {
            if g.role.allows(action) {
                match &g.unit {
                    None => return None,
                    Some(u) => roots.push(u.clone()),
                }
            }
        }
        Some(roots)
    }
}

/// Actions only a grant over every unit allows.
fn needs_whole_database(action: Action) -> bool {
    matches!(
        action,
        Action::Feed | Action::Publish | Action::ManageAccounts | Action::ReadAudit
    )
}

/// A user account. The password is a PHC string (Argon2id), never the password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub password_hash: String,
    pub grants: Vec<Grant>,
    pub disabled: bool,
    /// Failed sign-ins since the last success.
    pub failures: u32,
    /// Sign-in refused until then (after repeated failures).
    pub locked_until: Option<Instant>,
    /// The password must be changed at the next sign-in (set by a reset).
    pub must_change_password: bool,
    pub created_at: Instant,
    /// Địa chỉ thư điện tử, where the alerts' daily digest goes (empty: none).
    pub email: String,
}

/// How long sign-in stays refused after `failures` failed attempts in a
/// row: none for the first 4, then 1 minute doubling up to an hour.
pub fn lockout_seconds(failures: u32) -> Option<i64> {
    if failures < 5 {
        return None;
    }
    let doublings = (failures - 5).min(6);
    Some((60_i64 << doublings).min(3600))
}

/// A signed-in session: the cookie holds a random secret, the store only
/// its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub secret_hash: String,
    pub user_id: i64,
    pub created_at: Instant,
    pub expires_at: Instant,
    /// The anti-forgery token the session's forms carry.
    pub csrf: String,
}

/// A machine token (for pushes and scripts): shown once, stored hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub secret_hash: String,
    pub grant: Grant,
    pub created_at: Instant,
    pub created_by: String,
    pub last_used: Option<Instant>,
    pub revoked_at: Option<Instant>,
}

/// The hex SHA-256 of a secret (session cookie, token): what the store keeps.
pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// The hex SHA-256 of a file's content, as the audit log records it.
pub fn content_hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// [`content_hash`] of content given in pieces (a file read in chunks).
#[derive(Default)]
pub struct ContentHash(Sha256);

impl ContentHash {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An audit entry before it is chained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditDraft {
    pub at: Instant,
    /// Who: a login, `token:NAME`, `(công khai)`, or `cli:USER` for the command line.
    pub actor: String,
    /// From where: the client's address, or `cli`.
    pub from: String,
    /// What, as a stable code: `sign_in`, `sign_in_failed`, `import`, …
    pub action: String,
    /// Identifiers, counts, file hash: `key=value` pairs, one line.
    pub detail: String,
}

/// An audit entry as stored: its sequence number and its link in the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub draft: AuditDraft,
    pub prev_hash: String,
    pub hash: String,
}

/// The chain's first link.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

impl AuditEntry {
    /// The entry `draft` becomes after the entry whose hash is `prev_hash`.
    pub fn chain(seq: i64, prev_hash: &str, draft: AuditDraft) -> AuditEntry {
        let hash = link(seq, prev_hash, &draft);
        AuditEntry {
            seq,
            draft,
            prev_hash: prev_hash.to_string(),
            hash,
        }
    }
}

fn link(seq: i64, prev_hash: &str, d: &AuditDraft) -> String {
    let mut h = Sha256::new();
    // Each field is length-prefixed, so no two contents hash alike.
    for part in [
        seq.to_string().as_str(),
        prev_hash,
        d.at.unix().to_string().as_str(),
        &d.actor,
        &d.from,
        &d.action,
        &d.detail,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex(&h.finalize())
}

/// Where the chain breaks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("mục nhật ký số {seq} đã bị sửa: nội dung không khớp mã băm đã lưu")]
    Edited { seq: i64 },
    #[error(
        "mục nhật ký số {seq} không nối với mục trước nó: có mục đã bị xóa, chèn hoặc đổi thứ tự"
    )]
    Unlinked { seq: i64 },
    #[error("thiếu mục nhật ký số {expected} (mục kế tiếp là {found}): có mục đã bị xóa")]
    Missing { expected: i64, found: i64 },
}

/// Checks a whole log, in `seq` order from the first entry.
pub fn verify_chain(entries: &[AuditEntry]) -> Result<(), ChainBreak> {
    let mut prev = GENESIS.to_string();
    for (i, e) in entries.iter().enumerate() {
        verify_next(&prev, i as i64 + 1, e)?;
        prev = e.hash.clone();
    }
    Ok(())
}

/// Checks one entry: it must be number `expected`, link to `prev_hash` (the
/// previous entry's hash, [`GENESIS`] for the first) and hash to what it
/// stores. A log too long to hold is checked a page at a time with it.
pub fn verify_next(prev_hash: &str, expected: i64, e: &AuditEntry) -> Result<(), ChainBreak> {
    if e.seq != expected {
        return Err(ChainBreak::Missing {
            expected,
            found: e.seq,
        });
    }
    if e.prev_hash != prev_hash {
        return Err(ChainBreak::Unlinked { seq: e.seq });
    }
    if link(e.seq, &e.prev_hash, &e.draft) != e.hash {
        return Err(ChainBreak::Edited { seq: e.seq });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn within(root: &str, unit: &str) -> bool {
        unit.starts_with(root)
    }

    fn user(grants: &[&str]) -> Principal {
        Principal::User {
            id: 1,
            login: "a".into(),
            grants: grants
                .iter()
                .map(|g| Grant::parse(g).expect("grant"))
                .collect(),
        }
    }

    #[test]
    fn the_public_reads_aggregates_only() {
        for action in Action::ALL {
            assert_eq!(
                Principal::Public.permits(action, Some("H99"), within),
                action == Action::ReadPublic,
                "{action:?}"
            );
        }
    }

    #[test]
    fn roles_hold_in_their_subtree_only() {
        let officer = user(&["officer@H99.01"]);
        assert!(officer.permits(Action::ReadDossiers, Some("H99.01.07"), within));
        assert!(!officer.permits(Action::ReadDossiers, Some("H99.02"), within));
        assert!(officer.permits(Action::Push, Some("H99.01"), within));
        assert!(!officer.permits(Action::ApproveForms, Some("H99.01"), within));
        assert!(!officer.permits(Action::Publish, None, within));
        assert!(!officer.permits(Action::ManageAccounts, None, within));
        let approver = user(&["approver@H99"]);
        assert!(approver.permits(Action::ApproveForms, Some("H99.02"), within));
        assert!(!approver.permits(Action::Import, Some("H99"), within));
        let scoped_admin = user(&["admin@H99.01"]);
        assert!(scoped_admin.permits(Action::Import, Some("H99.01"), within));
        assert!(!scoped_admin.permits(Action::ManageAccounts, None, within));
        let admin = user(&["admin"]);
        let token = Principal::Token {
            id: 1,
            name: "t".into(),
            grants: vec![Grant::parse("admin").expect("grant")],
        };
        assert!(!token.permits(Action::OwnAccount, None, within));
        assert!(token.permits(Action::Import, None, within));
        for action in Action::ALL {
            assert!(admin.permits(action, Some("X"), within));
            assert!(admin.permits(action, None, within));
        }
        assert_eq!(admin.dossier_scope(), None);
        assert_eq!(officer.dossier_scope(), Some(vec!["H99.01".to_string()]));
        assert_eq!(Principal::Public.dossier_scope(), Some(vec![]));
    }

    #[test]
    fn grants_read_back() {
        for text in ["admin", "officer@000.00.01.H99", "viewer@X"] {
            assert_eq!(Grant::parse(text).expect(text).code(), text);
        }
        assert_eq!(Grant::parse("officer@"), None);
        assert_eq!(Grant::parse("boss"), None);
    }

    #[test]
    fn lockout_grows_then_stops_at_an_hour() {
        assert_eq!(lockout_seconds(4), None);
        assert_eq!(lockout_seconds(5), Some(60));
        assert_eq!(lockout_seconds(6), Some(120));
        assert_eq!(lockout_seconds(50), Some(3600));
    }

    fn draft(n: i64) -> AuditDraft {
        AuditDraft {
            at: Instant::from_unix(1_780_000_000 + n),
            actor: "admin".into(),
            from: "127.0.0.1".into(),
            action: "import".into(),
            detail: format!("file=f{n}.csv read={n}"),
        }
    }

    fn log(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let e = AuditEntry::chain(seq, &prev, draft(seq));
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn the_chain_finds_edited_removed_and_reordered_entries() {
        let good = log(5);
        assert_eq!(verify_chain(&good), Ok(()));
        let mut edited = good.clone();
        edited[2].draft.detail = "file=f3.csv read=0".into();
        assert_eq!(verify_chain(&edited), Err(ChainBreak::Edited { seq: 3 }));
        let mut removed = good.clone();
        removed.remove(1);
        assert_eq!(
            verify_chain(&removed),
            Err(ChainBreak::Missing {
                expected: 2,
                found: 3
            })
        );
        let mut renumbered = removed.clone();
        for (i, e) in renumbered.iter_mut().enumerate() {
            e.seq = i as i64 + 1;
        }
        assert!(verify_chain(&renumbered).is_err());
    }
}
