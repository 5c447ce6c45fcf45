//! `chiso alerts run|list|rules`: the office's alert rules evaluated on the
//! data (`chiso_app::alerts`, `chiso_core::alerts`), new notifications
//! recorded once, and with `--send` each unit head's digest mailed through
//! the configured SMTP server (`lettre`) and recorded as sent only after
//! the server accepted it. Running it again the same day records and sends
//! nothing new: each notification has a stable key.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chiso_app::alerts::{self, Digest};
use chiso_backend::Backend;
use chiso_core::alerts::{RuleSet, DEFAULT_RULES};
use chiso_core::format;
use clap::Subcommand;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};

use crate::accounts::now;
use crate::config::{Config, Smtp};
use crate::table::Table;
use crate::EXIT_OK;

#[derive(Subcommand)]
pub enum AlertsAction {
    /// Đánh giá các quy tắc cảnh báo trên số liệu, ghi các cảnh báo mới (mỗi sự việc một lần); --send gửi thư tóm tắt cho lãnh đạo đơn vị qua máy chủ SMTP đã cấu hình.
    Run {
        /// Ngày xem (dd/mm/yyyy hoặc yyyy-mm-dd): số liệu như tại cuối ngày đó (mặc định: số liệu mới nhất).
        #[arg(long, value_name = "NGÀY")]
        at: Option<String>,
        /// Gửi thư tóm tắt các cảnh báo chưa gửi (cần [smtp] trong cấu hình).
        #[arg(long)]
        send: bool,
        /// Tệp quy tắc (mặc định: alerts_rules trong cấu hình, nếu không có thì quy tắc có sẵn).
        #[arg(long, value_name = "TỆP")]
        rules: Option<PathBuf>,
    },
    /// Liệt kê các cảnh báo đã ghi, mới nhất trước.
    List {
        /// Chỉ cảnh báo của đơn vị này (mã hoặc tên).
        #[arg(long, value_name = "ĐƠN_VỊ")]
        unit: Option<String>,
        /// Nhiều nhất chừng này cảnh báo.
        #[arg(long, default_value_t = 50, value_name = "SỐ")]
        limit: usize,
    },
    /// In tệp quy tắc có sẵn (để sao chép và sửa), hoặc kiểm tra một tệp quy tắc.
    Rules {
        /// Tệp quy tắc cần kiểm tra (lỗi báo số dòng).
        #[arg(long, value_name = "TỆP")]
        check: Option<PathBuf>,
    },
}

fn load_rules(path: &Path) -> Result<RuleSet> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("không đọc được tệp quy tắc cảnh báo {}", path.display()))?;
    Ok(RuleSet::from_toml(&path.display().to_string(), &text)?)
}

pub fn run(
    config: &Config,
    store: impl FnOnce() -> Result<Backend>,
    action: AlertsAction,
) -> Result<u8> {
    match action {
        AlertsAction::Rules { check: None } => {
            print!("{DEFAULT_RULES}");
            Ok(EXIT_OK)
        }
        AlertsAction::Rules { check: Some(path) } => {
            let rules = load_rules(&path)?;
            println!(
                "{}: {} quy tắc dùng được",
                path.display(),
                rules.rules.len()
            );
            Ok(EXIT_OK)
        }
        AlertsAction::List { unit, limit } => {
            let store = store()?;
            let code = match unit {
                Some(u) => Some(
                    chiso_core::engine::IndexStore::hierarchy(&store)?
                        .find(&u)?
                        .code
                        .clone(),
                ),
                None => None,
            };
            let list =
                alerts::notifications(&store, |c| code.as_deref().is_none_or(|x| x == c), limit)?;
            if list.is_empty() {
                println!("Chưa có cảnh báo nào.");
                return Ok(EXIT_OK);
            }
            let mut t = Table::new(
                &["Ngày", "Đơn vị", "Quy tắc", "Cảnh báo", "Đã gửi"],
                &[false; 5],
            );
            for n in &list {
                t.row(vec![
                    n.event.day.vn(),
                    n.event.unit_code.clone(),
                    n.event.rule.clone(),
                    n.event.title.clone(),
                    n.sent_to.join(", "),
                ]);
            }
            print!("{}", t.render());
            Ok(EXIT_OK)
        }
        AlertsAction::Run { at, send, rules } => {
            let rules = match rules.or(config.alerts_rules.as_ref().map(|s| s.value.clone())) {
                Some(path) => load_rules(&path)?,
                None => RuleSet::default_rules(),
            };
            let smtp = match (send, &config.smtp) {
                (true, None) => bail!(
                    "--send cần máy chủ thư: khai báo [smtp] host, from (và port, user, password, \
                     starttls) trong chiso.toml hoặc CHISO_SMTP_HOST, CHISO_SMTP_FROM"
                ),
                (true, Some(m)) => Some(m),
                (false, _) => None,
            };
            let mut store = store()?;
            let at = crate::ahead::day(at.as_deref())?;
            let events = alerts::evaluate(&store, &rules, at)?;
            let kept = alerts::record(&mut store, &events, now())?;
            println!(
                "{} cảnh báo theo {} quy tắc: {} mới, {} đã ghi trước đó",
                format::integer(events.len() as i64),
                rules.rules.len(),
                format::integer(kept.len() as i64),
                format::integer((events.len() - kept.len()) as i64),
            );
            let Some(smtp) = smtp else {
                return Ok(EXIT_OK);
            };
            let digests = alerts::digests(&store)?;
            let mailer = mailer(smtp)?;
            let from: Mailbox = smtp.from.parse().with_context(|| {
                format!(
                    "địa chỉ người gửi '{}' không hợp lệ ([smtp] from)",
                    smtp.from
                )
            })?;
            let (mut sent, mut failed) = (0, 0);
            for d in &digests {
                // One head's refused message does not hold back the others'.
                let outcome = message(&from, d).and_then(|m| {
                    mailer.send(&m).with_context(|| {
                        format!(
                            "máy chủ thư {}:{} không nhận thư gửi {} <{}>",
                            smtp.host, smtp.port, d.login, d.email
                        )
                    })
                });
                match outcome {
                    Ok(_) => {
                        alerts::mark_sent(&mut store, d, now())?;
                        sent += 1;
                    }
                    Err(e) => {
                        eprintln!("lỗi: {e:#}: chưa ghi là đã gửi, lần chạy sau gửi lại");
                        failed += 1;
                    }
                }
            }
            println!("Đã gửi {sent} thư tóm tắt qua {}:{}", smtp.host, smtp.port);
            if failed > 0 {
                bail!("{failed} thư tóm tắt chưa gửi được (lý do ở trên)");
            }
            Ok(EXIT_OK)
        }
    }
}

/// The transport: STARTTLS required when configured (rustls, the web PKI's
/// roots), plain otherwise.
fn mailer(smtp: &Smtp) -> Result<SmtpTransport> {
    let mut builder = SmtpTransport::builder_dangerous(&smtp.host).port(smtp.port);
    if smtp.starttls {
        let tls = TlsParameters::new(smtp.host.clone())
            .with_context(|| format!("không dựng được TLS cho máy chủ thư {}", smtp.host))?;
        builder = builder.tls(Tls::Required(tls));
    }
    if let (Some(user), Some(password)) = (&smtp.user, &smtp.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder
        .timeout(Some(std::time::Duration::from_secs(30)))
        .build())
}

/// One digest as an e-mail, in Vietnamese, plain text.
fn message(from: &Mailbox, d: &Digest) -> Result<Message> {
    let to: Mailbox = format!("{} <{}>", d.name, d.email)
        .parse()
        .or_else(|_| d.email.parse())
        .with_context(|| {
            format!(
                "địa chỉ thư '{}' của {} không hợp lệ: sửa bằng chiso user email",
                d.email, d.login
            )
        })?;
    let units: std::collections::BTreeSet<&str> = d
        .notifications
        .iter()
        .map(|n| n.event.unit_code.as_str())
        .collect();
    let subject = format!(
        "[chiso] {} cảnh báo mới ({} đơn vị)",
        d.notifications.len(),
        units.len()
    );
    let mut body = format!(
        "Kính gửi {},\n\nchiso ghi nhận các cảnh báo sau chưa gửi đến anh/chị:\n",
        d.name
    );
    let mut current = "";
    for n in &d.notifications {
        if n.event.unit_code != current {
            current = &n.event.unit_code;
            body.push_str(&format!(
                "\n{} ({})\n",
                n.event.unit_name, n.event.unit_code
            ));
        }
        body.push_str(&format!("- {}: {}\n", n.event.day.vn(), n.event.title));
    }
    body.push_str("\nXem trên bảng điều khiển: trang Thông báo (/notifications).\nThư gửi tự động, mỗi cảnh báo một lần.\n");
    Ok(Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)?)
}
