//! `chiso publication …`: publish a period's results (công bố), list the
//! published versions, and check every frozen version against its hash.
//! Publishing is audited with the actor `cli:<operating-system user>`.

use anyhow::Result;
use chiso_app::publication::{self, Publisher};
use chiso_backend::Backend;
use chiso_core::format::integer;
use chiso_core::period::Period;
use chiso_core::time::Instant;
use clap::Subcommand;

use crate::accounts::{actor, now, EXIT_AUDIT_BROKEN};
use crate::EXIT_OK;

#[derive(Subcommand)]
pub enum PublicationAction {
    /// Công bố kết quả một kỳ: đóng băng bảng điểm (bộ chỉ số, thời điểm số liệu, mã băm); công bố lại cần --reason.
    Create {
        /// Kỳ: 2026-03, 2026-Q1, 2026-H1, 2026…
        #[arg(long, value_name = "KỲ")]
        period: Period,
        /// Lý do công bố lại (bắt buộc khi kỳ đã công bố; phiên bản cũ vẫn được giữ).
        #[arg(long, value_name = "LÝ_DO")]
        reason: Option<String>,
    },
    /// Liệt kê các kỳ đã công bố và mọi phiên bản.
    List,
    /// Kiểm tra mọi phiên bản đã công bố với mã băm của nó.
    Verify,
}

pub fn run(store: &mut Backend, action: PublicationAction) -> Result<u8> {
    match action {
        PublicationAction::Create { period, reason } => {
            let by = actor();
            let stamp = publication::publish(
                store,
                &period,
                reason.as_deref(),
                &Publisher {
                    by: &by,
                    from: "cli",
                    at: now(),
                },
            )?;
            println!(
                "Đã công bố kỳ {} ({}), phiên bản {}: {} đơn vị, bộ chỉ số {}{}",
                stamp.period,
                period.label_vi(),
                stamp.version,
                integer(stamp.units as i64),
                stamp.methodology,
                stamp
                    .as_of
                    .map(|t| format!(", số liệu đến {}", Instant::from_unix(t).vn()))
                    .unwrap_or_default()
            );
            println!("Mã băm SHA-256: {}", stamp.content_hash);
            Ok(EXIT_OK)
        }
        PublicationAction::List => {
            let stamps = publication::stamps(store)?;
            if stamps.is_empty() {
                println!("Chưa công bố kỳ nào: chiso publication create --period KỲ");
            }
            for s in stamps {
                println!(
                    "{:<10} phiên bản {:<3} {}  {:<16} {:>5} đơn vị  {}  {}{}",
                    s.period,
                    s.version,
                    Instant::from_unix(s.published_at).vn(),
                    s.published_by,
                    integer(s.units as i64),
                    s.methodology,
                    &s.content_hash[..16.min(s.content_hash.len())],
                    s.reason
                        .as_deref()
                        .map(|r| format!("  lý do: {r}"))
                        .unwrap_or_default()
                );
            }
            Ok(EXIT_OK)
        }
        PublicationAction::Verify => {
            let (checked, broken) = publication::verify(store)?;
            if broken.is_empty() {
                println!(
                    "{} phiên bản đã công bố: mã băm khớp",
                    integer(checked as i64)
                );
                return Ok(EXIT_OK);
            }
            for b in &broken {
                eprintln!("lỗi: {b}");
            }
            Ok(EXIT_AUDIT_BROKEN)
        }
    }
}
