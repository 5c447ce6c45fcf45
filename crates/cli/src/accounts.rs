//! `chiso user …`, `chiso token …` and `chiso audit …`: accounts for the
//! first administrator and for scripts, machine tokens for systems that
//! push data, and the audit log (list, export, verify). Every change made
//! here is audited with the actor `cli:<operating-system user>`.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use chiso_app::accounts::{self, Verified};
use chiso_backend::Backend;
use chiso_core::accounts::{Grant, Role};
use chiso_core::storage::AccountStore;
use chiso_core::time::Instant;
use clap::Subcommand;

use crate::EXIT_OK;

/// The exit code of `chiso audit verify` when the chain is broken.
pub const EXIT_AUDIT_BROKEN: u8 = 6;

#[derive(Subcommand)]
pub enum UserAction {
    /// Thêm người dùng; mật khẩu đọc từ biến CHISO_PASSWORD, nếu không có thì tạo mật khẩu dùng một lần và in ra.
    Add {
        #[arg(value_name = "TÊN_ĐĂNG_NHẬP")]
        login: String,
        /// Họ tên hiển thị.
        #[arg(long, value_name = "HỌ_TÊN")]
        name: Option<String>,
        /// Quyền: admin, officer, approver, viewer; kèm đơn vị (--unit) trừ admin toàn tỉnh.
        #[arg(long, value_name = "VAI_TRÒ")]
        role: String,
        /// Mã đơn vị: quyền áp dụng cho đơn vị này và các đơn vị trực thuộc.
        #[arg(long, value_name = "MÃ")]
        unit: Option<String>,
        /// Địa chỉ thư điện tử: nhận thư tóm tắt cảnh báo hằng ngày của các đơn vị được giao.
        #[arg(long, value_name = "ĐỊA_CHỈ")]
        email: Option<String>,
    },
    /// Đặt (hoặc xóa, với "") địa chỉ thư điện tử nhận thư tóm tắt cảnh báo.
    Email {
        #[arg(value_name = "TÊN_ĐĂNG_NHẬP")]
        login: String,
        #[arg(value_name = "ĐỊA_CHỈ")]
        address: String,
    },
    /// Liệt kê người dùng, quyền và trạng thái.
    List,
    /// Vô hiệu hóa người dùng (mọi phiên đăng nhập kết thúc).
    Disable {
        #[arg(value_name = "TÊN_ĐĂNG_NHẬP")]
        login: String,
    },
    /// Cho phép lại người dùng đã vô hiệu hóa.
    Enable {
        #[arg(value_name = "TÊN_ĐĂNG_NHẬP")]
        login: String,
    },
    /// Đặt lại mật khẩu: in mật khẩu dùng một lần, người dùng phải đổi khi đăng nhập.
    ResetPassword {
        #[arg(value_name = "TÊN_ĐĂNG_NHẬP")]
        login: String,
    },
    /// Cấp thêm quyền.
    Grant {
        #[arg(value_name = "TÊN_ĐĂNG_NHẬP")]
        login: String,
        #[arg(long, value_name = "VAI_TRÒ")]
        role: String,
        #[arg(long, value_name = "MÃ")]
        unit: Option<String>,
    },
    /// Thu hồi một quyền.
    Revoke {
        #[arg(value_name = "TÊN_ĐĂNG_NHẬP")]
        login: String,
        #[arg(long, value_name = "VAI_TRÒ")]
        role: String,
        #[arg(long, value_name = "MÃ")]
        unit: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum TokenAction {
    /// Tạo token cho hệ thống gửi dữ liệu hoặc kịch bản; token chỉ in một lần, ở dòng cuối.
    Create {
        #[arg(long, value_name = "TÊN")]
        name: String,
        #[arg(long, value_name = "VAI_TRÒ")]
        role: String,
        #[arg(long, value_name = "MÃ")]
        unit: Option<String>,
    },
    /// Liệt kê token (không bao giờ in lại giá trị).
    List,
    /// Thu hồi token theo số.
    Revoke {
        #[arg(value_name = "SỐ")]
        id: i64,
    },
}

#[derive(Subcommand)]
pub enum AuditAction {
    /// Kiểm tra chuỗi mã băm của nhật ký: phát hiện mục bị sửa, xóa hoặc chèn.
    Verify,
    /// In các mục mới nhất.
    List {
        #[arg(long, default_value_t = 50, value_name = "SỐ")]
        limit: usize,
    },
    /// Ghi toàn bộ nhật ký ra tệp CSV (UTF-8 có BOM).
    Export {
        #[arg(long, value_name = "TỆP")]
        out: PathBuf,
    },
}

pub fn now() -> Instant {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Instant::from_unix(i64::try_from(seconds).unwrap_or(i64::MAX))
}

/// The actor of a command: the operating-system user who ran it.
pub fn actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "?".into());
    format!("cli:{user}")
}

fn audit(store: &Backend, action: &str, detail: &str) -> Result<()> {
    accounts::audit(store, now(), &actor(), "cli", action, detail)?;
    Ok(())
}

/// A grant from `--role` and `--unit`, the unit checked against the catalogue.
fn grant(store: &Backend, role: &str, unit: Option<&str>) -> Result<Grant> {
    let role = Role::parse(role).with_context(|| {
        format!("vai trò '{role}' không có: dùng admin, officer, approver hoặc viewer")
    })?;
    let unit = match unit {
        Some(u) => Some(crate::output::unit_code(store, u)?),
        None if role == Role::Administrator => None,
        None => bail!(
            "vai trò {} cần --unit MÃ (đơn vị và các đơn vị trực thuộc mà quyền áp dụng)",
            role.code()
        ),
    };
    Ok(Grant { role, unit })
}

fn account<E: std::error::Error + Send + Sync + 'static>(
    e: accounts::AccountError<E>,
) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Creates the first administrator when there is no user yet; returns
/// its login and one-time password.
pub fn first_admin<S: AccountStore>(store: &S) -> Result<Option<(String, String)>>
where
    S::Error: Send + Sync + 'static,
{
    if !store.users()?.is_empty() {
        return Ok(None);
    }
    let password = accounts::new_password();
    let user = accounts::add_user(
        store,
        "admin",
        "Quản trị viên",
        &password,
        vec![Grant {
            role: Role::Administrator,
            unit: None,
        }],
        now(),
    )
    .map_err(account)?;
    let mut user = user;
    user.must_change_password = true;
    accounts::save_user(store, &user).map_err(account)?;
    accounts::audit(
        store,
        now(),
        &actor(),
        "cli",
        "user_added",
        "login=admin grant=admin first_start=1",
    )?;
    Ok(Some((user.login, password)))
}

pub fn user(store: &Backend, action: UserAction) -> Result<u8> {
    match action {
        UserAction::Add {
            login,
            name,
            role,
            unit,
            email,
        } => {
            let grant = grant(store, &role, unit.as_deref())?;
            let email = email.map(|e| checked_email(&e)).transpose()?;
            let (password, shown) = match std::env::var("CHISO_PASSWORD") {
                Ok(p) if !p.is_empty() => (p, false),
                _ => (accounts::new_password(), true),
            };
            let mut user = accounts::add_user(
                store,
                &login,
                name.as_deref().unwrap_or(&login),
                &password,
                vec![grant.clone()],
                now(),
            )
            .map_err(account)?;
            if shown || email.is_some() {
                user.must_change_password = shown;
                user.email = email.unwrap_or_default();
                accounts::save_user(store, &user).map_err(account)?;
            }
            audit(
                store,
                "user_added",
                &format!("login={login} grant={}", grant.code()),
            )?;
            println!("Đã thêm người dùng {login} ({})", grant_label(&grant));
            if shown {
                println!("Mật khẩu dùng một lần (đổi khi đăng nhập lần đầu):");
                println!("{password}");
            }
        }
        UserAction::List => {
            for u in store.users()? {
                let grants: Vec<String> = u.grants.iter().map(grant_label).collect();
                let state = if u.disabled {
                    "vô hiệu hóa"
                } else if u.locked_until.is_some_and(|t| t > now()) {
                    "tạm khóa"
                } else {
                    "hoạt động"
                };
                println!(
                    "{:<20} {:<28} {:<12} {}{}",
                    u.login,
                    u.name,
                    state,
                    grants.join("; "),
                    match u.email.as_str() {
                        "" => String::new(),
                        e => format!(" <{e}>"),
                    }
                );
            }
        }
        UserAction::Email { login, address } => {
            let address = match address.trim() {
                "" => String::new(),
                a => checked_email(a)?,
            };
            let mut user = accounts::existing_user(store, &login).map_err(account)?;
            user.email = address.clone();
            accounts::save_user(store, &user).map_err(account)?;
            audit(
                store,
                "user_email",
                &format!("login={login} email={address}"),
            )?;
            match address.as_str() {
                "" => println!("Đã xóa địa chỉ thư của {login}"),
                a => println!("Địa chỉ thư của {login}: {a}"),
            }
        }
        UserAction::Disable { login } => set_disabled(store, &login, true)?,
        UserAction::Enable { login } => set_disabled(store, &login, false)?,
        UserAction::ResetPassword { login } => {
            let password = accounts::new_password();
            accounts::set_password(store, &login, &password, true).map_err(account)?;
            audit(store, "password_reset", &format!("login={login}"))?;
            println!("Đã đặt lại mật khẩu của {login}; mật khẩu dùng một lần:");
            println!("{password}");
        }
        UserAction::Grant { login, role, unit } => {
            let grant = grant(store, &role, unit.as_deref())?;
            let mut user = accounts::existing_user(store, &login).map_err(account)?;
            if !user.grants.contains(&grant) {
                user.grants.push(grant.clone());
                accounts::save_user(store, &user).map_err(account)?;
            }
            audit(
                store,
                "role_granted",
                &format!("login={login} grant={}", grant.code()),
            )?;
            println!("Đã cấp cho {login}: {}", grant_label(&grant));
        }
        UserAction::Revoke { login, role, unit } => {
            let grant = grant(store, &role, unit.as_deref())?;
            let mut user = accounts::existing_user(store, &login).map_err(account)?;
            let before = user.grants.len();
            user.grants.retain(|g| g != &grant);
            if user.grants.len() == before {
                bail!("{login} không có quyền {}", grant_label(&grant));
            }
            accounts::save_user(store, &user).map_err(account)?;
            store.end_sessions_of(user.id)?;
            audit(
                store,
                "role_revoked",
                &format!("login={login} grant={}", grant.code()),
            )?;
            println!("Đã thu hồi của {login}: {}", grant_label(&grant));
        }
    }
    Ok(EXIT_OK)
}

fn set_disabled(store: &Backend, login: &str, disabled: bool) -> Result<()> {
    let mut user = accounts::existing_user(store, login).map_err(account)?;
    user.disabled = disabled;
    if !disabled {
        user.failures = 0;
        user.locked_until = None;
    }
    accounts::save_user(store, &user).map_err(account)?;
    let action = if disabled {
        "user_disabled"
    } else {
        "user_enabled"
    };
    audit(store, action, &format!("login={login}"))?;
    if disabled {
        println!("Đã vô hiệu hóa {login}; mọi phiên đăng nhập đã kết thúc");
    } else {
        println!("Đã cho phép lại {login}");
    }
    Ok(())
}

fn grant_label(g: &Grant) -> String {
    match &g.unit {
        Some(u) => format!("{} — {u} và trực thuộc", g.role.label_vi()),
        None => format!("{} — mọi đơn vị", g.role.label_vi()),
    }
}

pub fn token(store: &Backend, action: TokenAction) -> Result<u8> {
    match action {
        TokenAction::Create { name, role, unit } => {
            let grant = grant(store, &role, unit.as_deref())?;
            let (secret, token) =
                accounts::create_token(store, &name, grant.clone(), &actor(), now())
                    .map_err(account)?;
            audit(
                store,
                "token_created",
                &format!(
                    "id={} name={} grant={}",
                    token.id,
                    name.replace(' ', "_"),
                    grant.code()
                ),
            )?;
            println!(
                "Đã tạo token số {} '{}' ({}); giữ kỹ, token chỉ hiện một lần. Dùng: \
                 Authorization: Bearer <token>",
                token.id,
                token.name,
                grant_label(&grant)
            );
            println!("{secret}");
        }
        TokenAction::List => {
            for t in store.tokens()? {
                let state = match t.revoked_at {
                    Some(at) => format!("thu hồi {}", at.vn()),
                    None => "hiệu lực".into(),
                };
                println!(
                    "{:>4} {:<24} {:<36} tạo {} bởi {}; dùng lần cuối {}; {state}",
                    t.id,
                    t.name,
                    grant_label(&t.grant),
                    t.created_at.vn(),
                    t.created_by,
                    t.last_used.map_or("chưa dùng".into(), |u| u.vn())
                );
            }
        }
        TokenAction::Revoke { id } => {
            let token = accounts::revoke_token(store, id, now()).map_err(account)?;
            audit(store, "token_revoked", &format!("id={id}"))?;
            println!("Đã thu hồi token số {id} '{}'", token.name);
        }
    }
    Ok(EXIT_OK)
}

pub fn audit_log(store: &Backend, action: AuditAction) -> Result<u8> {
    match action {
        AuditAction::Verify => match accounts::verify_audit(store) {
            Verified::Intact(n) => {
                println!(
                    "Nhật ký kiểm tra toàn vẹn: {} mục, chuỗi mã băm khớp từ mục đầu đến mục cuối",
                    chiso_core::format::integer(n)
                );
                Ok(EXIT_OK)
            }
            Verified::Broken(b) => {
                eprintln!("lỗi: {b}");
                Ok(EXIT_AUDIT_BROKEN)
            }
            Verified::Store(e) => Err(e.into()),
        },
        AuditAction::List { limit } => {
            let entries = all_entries(store)?;
            for e in entries.iter().rev().take(limit).rev() {
                println!(
                    "{:>6} {} {:<16} {:<15} {:<22} {}",
                    e.seq,
                    e.draft.at.vn(),
                    e.draft.actor,
                    e.draft.from,
                    e.draft.action,
                    e.draft.detail
                );
            }
            Ok(EXIT_OK)
        }
        AuditAction::Export { out } => {
            let entries = all_entries(store)?;
            let bytes = accounts::audit_csv(&entries)?;
            std::fs::write(&out, bytes)
                .with_context(|| format!("không ghi được {}", out.display()))?;
            audit(
                store,
                "export",
                &format!("what=audit entries={}", entries.len()),
            )?;
            println!("Đã ghi {} mục vào {}", entries.len(), out.display());
            Ok(EXIT_OK)
        }
    }
}

fn all_entries(store: &Backend) -> Result<Vec<chiso_core::accounts::AuditEntry>> {
    Ok(accounts::all_audit(store)?)
}

/// An e-mail address as the mail client will read it (`ten@tinh.gov.vn`).
fn checked_email(text: &str) -> Result<String> {
    let text = text.trim();
    text.parse::<lettre::Address>()
        .map(|_| text.to_string())
        .map_err(|e| {
            anyhow::anyhow!("địa chỉ thư '{text}' không hợp lệ ({e}): dùng dạng ten@tinh.gov.vn")
        })
}
