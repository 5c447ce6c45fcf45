//! `chiso import KIND FILE…`: reads files, puts records in the store, keeps
//! rejected rows in quarantine and prints a summary that adds up.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use chiso_app::ImportSummary;
use chiso_backend::Backend;
use chiso_core::format::integer;
use chiso_ingest::RecordKind;

use crate::output::Scored;

use crate::{EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE};

pub fn run<S: Scored>(store: &mut S, kind: RecordKind, files: &[std::path::PathBuf]) -> Result<u8> {
    let mut code = EXIT_OK;
    for file in files {
        match import_file(store, kind, file, true) {
            Ok(s) => {
                println!(
                    "{}: đọc {} dòng — nhận {} (mới {}, thay thế {}), từ chối {}",
                    file.display(),
                    integer(s.read as i64),
                    integer(s.accepted() as i64),
                    integer(s.inserted as i64),
                    integer(s.replaced as i64),
                    integer(s.rejected as i64)
                );
                print_details(&s);
                if s.rejected > 0 {
                    code = code.max(EXIT_REJECTED);
                }
            }
            Err(ImportError::Unreadable(e)) => {
                eprintln!("lỗi: {e}");
                code = EXIT_UNREADABLE;
            }
            Err(ImportError::Store(e)) => return Err(e),
        }
    }
    Ok(code)
}

/// `chiso feed FILE…`: dossier events (JSON Lines), applied in `seq` order per dossier.
pub fn feed(store: &mut Backend, files: &[std::path::PathBuf]) -> Result<u8> {
    let mut code = EXIT_OK;
    for path in files {
        // Processing steps (CapNhatTienDoHoSoMC) go through the feed too.
        let mut head = vec![0; 64 * 1024];
        let n = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .unwrap_or(0);
        if chiso_ingest::is_steps_payload(&head[..n]) {
            code = code.max(run(store, RecordKind::Steps, std::slice::from_ref(path))?);
            continue;
        }
        let file = match std::fs::File::open(path) {
            Ok(f) => std::io::BufReader::new(f),
            Err(e) => {
                eprintln!("lỗi: không đọc được tệp {}: {e}", path.display());
                code = EXIT_UNREADABLE;
                continue;
            }
        };
        let name = path.display().to_string();
        let s =
            chiso_app::apply_feed(store, &name, chiso_ingest::events::read_events(&name, file))?;
        println!(
            "{name}: đọc {} sự kiện — mới {}, trùng (bỏ qua) {}, từ chối {}; cập nhật {} hồ sơ, {} hồ sơ chờ thêm sự kiện",
            integer(s.read as i64),
            integer(s.new as i64),
            integer(s.duplicates as i64),
            integer(s.rejected as i64),
            integer(s.dossiers as i64),
            integer(s.waiting.len() as i64)
        );
        for (id, reason) in s.waiting.iter().take(10) {
            println!("  chờ: hồ sơ {id}: {reason}");
        }
        if s.rejected > 0 {
            println!("  xem lý do từng dòng bị từ chối: chiso quarantine");
            code = code.max(EXIT_REJECTED);
        }
    }
    Ok(code)
}

/// What an import summary says beyond the counts: how dossiers were placed,
/// columns not recognised, missing or read without being kept, and the first
/// rejected rows with every error.
pub fn print_details(s: &ImportSummary) {
    if s.title_rows > 0 {
        println!(
            "  bỏ qua {} dòng tiêu đề phía trên dòng tên cột",
            integer(s.title_rows as i64)
        );
    }
    for (rule, n) in &s.placements {
        println!(
            "  {} hồ sơ xếp vào đơn vị theo {}",
            integer(*n as i64),
            rule.label_vi()
        );
    }
    if !s.unknown_columns.is_empty() {
        println!(
            "  cột không nhận ra (bị bỏ qua, kiểm tra chính tả): {}",
            s.unknown_columns.join(", ")
        );
    }
    if !s.missing_columns.is_empty() {
        println!(
            "  thiếu cột (dùng giá trị mặc định): {}",
            s.missing_columns.join(", ")
        );
    }
    if !s.unused_columns.is_empty() {
        println!(
            "  cột đã đọc nhưng không lưu (dữ liệu cá nhân, mô tả): {}",
            s.unused_columns.join(", ")
        );
    }
    if s.rejected > 0 {
        println!("  dòng bị từ chối:");
        for r in &s.first_rejections {
            println!("    {r}");
        }
        if s.rejected as usize > s.first_rejections.len() {
            println!(
                "    … và {} dòng nữa",
                integer((s.rejected as usize - s.first_rejections.len()) as i64)
            );
        }
        println!("  xem toàn bộ: chiso quarantine (xuất: chiso quarantine --export loi.csv)");
    }
}

pub enum ImportError {
    /// The file could not be read at all.
    Unreadable(String),
    Store(anyhow::Error),
}

/// Imports one file in one transaction. With `progress`, a progress line is
/// shown on a terminal for files that take more than a moment.
pub fn import_file<S: Scored>(
    store: &mut S,
    kind: RecordKind,
    path: &Path,
    progress: bool,
) -> Result<ImportSummary, ImportError> {
    let options =
        chiso_app::read_options(&*store, None).map_err(|e| ImportError::Store(e.into()))?;
    let reader = chiso_ingest::open_with(kind, path, &options)
        .map_err(|e| ImportError::Unreadable(e.to_string()))?;
    let mut bar = Progress::new(
        progress && std::io::stderr().is_terminal(),
        reader.total_bytes(),
    );
    let summary = chiso_app::import(store, reader, |rows, bytes| bar.show(rows, bytes))
        .map_err(|e| ImportError::Store(e.into()))?;
    bar.finish();
    Ok(summary)
}

struct Progress {
    enabled: bool,
    total: u64,
    started: Instant,
    shown: bool,
}

impl Progress {
    fn new(enabled: bool, total: u64) -> Progress {
        Progress {
            enabled,
            total,
            started: Instant::now(),
            shown: false,
        }
    }

    fn show(&mut self, rows: u64, bytes: u64) {
        if !self.enabled || self.started.elapsed() < Duration::from_millis(500) {
            return;
        }
        let rate = rows as f64 / self.started.elapsed().as_secs_f64();
        let mut err = std::io::stderr().lock();
        let _ = if self.total > 0 {
            let pct = (bytes as f64 / self.total as f64 * 100.0).min(100.0);
            let filled = (pct / 5.0) as usize;
            write!(
                err,
                "\r  [{}{}] {:>3.0}%  {} dòng  {} dòng/giây ",
                "█".repeat(filled),
                " ".repeat(20 - filled.min(20)),
                pct,
                integer(rows as i64),
                integer(rate as i64)
            )
        } else {
            write!(
                err,
                "\r  {} dòng  {} dòng/giây ",
                integer(rows as i64),
                integer(rate as i64)
            )
        };
        self.shown = true;
    }

    fn finish(&self) {
        if self.shown {
            eprintln!();
        }
    }
}
