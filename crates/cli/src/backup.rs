//! `chiso backup --out FILE`: a consistent copy of the SQLite database
//! while a server may be writing to it (SQLite's online backup API, see
//! `chiso_store::backup`). The copy is written beside the target under a
//! temporary name and moved into place only once checked, so an interrupted
//! backup never leaves a partial file under the name asked for; an existing
//! file is replaced only with `--force`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use chiso_core::format::{decimal, integer};

use crate::EXIT_OK;

/// A size in bytes as people read it: `12,35 MB`, `812 kB`, `512 byte`.
fn size(bytes: u64) -> String {
    const KB: f64 = 1_000.0;
    let b = bytes as f64;
    if b >= KB * KB * KB {
        format!("{} GB", decimal(b / (KB * KB * KB), 2))
    } else if b >= KB * KB {
        format!("{} MB", decimal(b / (KB * KB), 2))
    } else if b >= KB {
        format!("{} kB", decimal(b / KB, 1))
    } else {
        format!("{} byte", integer(bytes as i64))
    }
}

/// The temporary name of a copy in progress: hidden, beside `out`.
fn temporary(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "chiso.db".into());
    out.with_file_name(format!(".{name}.sao-luu-{}", std::process::id()))
}

/// Moves the checked copy to `out`: replacing a file only with `force`,
/// and never replacing one that appeared meanwhile otherwise.
fn put_in_place(copy: &Path, out: &Path, force: bool) -> Result<()> {
    if force {
        return std::fs::rename(copy, out)
            .with_context(|| format!("không ghi được {}", out.display()));
    }
    // A hard link fails if `out` exists: no window between check and move.
    match std::fs::hard_link(copy, out) {
        Ok(()) => std::fs::remove_file(copy)
            .with_context(|| format!("không xóa được tệp tạm {}", copy.display())),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} đã có: chọn tên khác, hoặc thêm --force để ghi đè",
            out.display()
        ),
        // File systems without hard links: check, then move.
        Err(_) if !out.exists() => {
            std::fs::rename(copy, out).with_context(|| format!("không ghi được {}", out.display()))
        }
        Err(e) => Err(e).with_context(|| format!("không ghi được {}", out.display())),
    }
}

pub fn run(db: &Path, out: &Path, force: bool) -> Result<u8> {
    if !db.is_file() {
        bail!(
            "không có cơ sở dữ liệu {} để sao lưu (chọn tệp bằng --db TỆP)",
            db.display()
        );
    }
    if out.exists() && !force {
        bail!(
            "{} đã có: chọn tên khác, hoặc thêm --force để ghi đè",
            out.display()
        );
    }
    if out.canonicalize().ok() == Some(db.canonicalize()?) {
        bail!(
            "không sao lưu {} vào chính nó: chọn tệp khác cho --out",
            db.display()
        );
    }
    let copy = temporary(out);
    let started = Instant::now();
    let result = chiso_store::backup(db, &copy)
        .with_context(|| format!("không sao lưu được {} vào {}", db.display(), out.display()))
        .and_then(|report| put_in_place(&copy, out, force).map(|()| report));
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            // Best effort: the error above is the one to report.
            let _ = std::fs::remove_file(&copy);
            return Err(e);
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    tracing::debug!(
        db = %db.display(),
        out = %out.display(),
        bytes = report.bytes,
        seconds,
        "sao lưu xong"
    );
    println!(
        "Đã sao lưu {} vào {}: {} ({} trang) trong {} giây; bản sao đã kiểm tra toàn vẹn.",
        db.display(),
        out.display(),
        size(report.bytes),
        integer(report.pages as i64),
        decimal(seconds, 2)
    );
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::size;

    #[test]
    fn sizes_read_in_vietnamese() {
        assert_eq!(size(512), "512 byte");
        assert_eq!(size(81_200), "81,2 kB");
        assert_eq!(size(12_345_678), "12,35 MB");
        assert_eq!(size(3_000_000_000), "3,00 GB");
    }
}
