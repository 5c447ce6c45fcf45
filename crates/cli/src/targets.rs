//! `chiso targets`: import the office's targets (chỉ tiêu giao per unit,
//! the government's yearly goals) and show target, actual and gap per unit
//! and criterion, with the units missing an assigned target.

use std::path::PathBuf;

use anyhow::{Context, Result};
use chiso_core::format::{self, or_dash};
use chiso_core::period::Period;
use chiso_core::targets::{self, Targets};

use crate::output::Scored;
use crate::table::Table;
use crate::{Format, EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE};

#[derive(clap::Subcommand)]
pub enum TargetsAction {
    /// Nhập tệp chỉ tiêu (CSV: unit_code/Mã đơn vị, year/Năm, criterion/Chỉ số, target/Chỉ tiêu,
    /// source/Căn cứ); để trống mã đơn vị cho mục tiêu chung của Chính phủ.
    Import {
        #[arg(required = true, value_name = "TỆP")]
        files: Vec<PathBuf>,
    },
    /// Chỉ tiêu, thực hiện và chênh lệch của từng đơn vị trong kỳ; các đơn vị chưa được giao chỉ tiêu.
    Show {
        /// Kỳ báo cáo: 2023-10, 2023-Q3, 2023.
        #[arg(long, value_name = "KỲ")]
        period: Period,
        /// Dạng kết quả: table (bảng) hoặc csv.
        #[arg(long, value_enum, default_value_t = Format::Table, value_name = "DẠNG")]
        format: Format,
    },
}

pub fn import<S: Scored>(store: &mut S, files: &[PathBuf]) -> Result<u8> {
    let mut code = EXIT_OK;
    for path in files {
        let bytes = std::fs::read(path)
            .with_context(|| format!("không đọc được tệp {}", path.display()))?;
        let read = match chiso_ingest::targets::read_bytes(&path.display().to_string(), &bytes) {
            Ok(read) => read,
            Err(e) => {
                eprintln!("lỗi: {e}");
                code = EXIT_UNREADABLE;
                continue;
            }
        };
        let s = chiso_app::import_targets(store, &read)?;
        println!(
            "{}: chỉ tiêu — đọc {} dòng — nhận {} (mới {}, thay thế {}), từ chối {}",
            path.display(),
            format::integer(s.read as i64),
            format::integer(s.accepted() as i64),
            format::integer(s.inserted as i64),
            format::integer(s.replaced as i64),
            format::integer(s.rejected as i64)
        );
        crate::import::print_details(&s);
        if s.rejected > 0 {
            println!("  xem mọi dòng bị từ chối: chiso quarantine");
            code = code.max(EXIT_REJECTED);
        }
    }
    Ok(code)
}

pub fn show<S: Scored>(store: &S, period: &Period, fmt: Format) -> Result<()> {
    let (sheet, m) = crate::output::sheet(store, period)?;
    let report = targets::report(&sheet, &m, &Targets::new(&store.targets()?));
    if fmt == Format::Csv {
        let mut w = crate::output::csv_writer(std::io::stdout().lock())?;
        w.write_record([
            "unit",
            "name",
            "criterion",
            "target",
            "assigned",
            "actual",
            "gap",
        ])?;
        let f = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v:.4}"));
        for g in &report.gaps {
            w.write_record([
                g.unit_code.clone(),
                g.unit_name.clone(),
                g.criterion.clone(),
                format!("{:.4}", g.target),
                g.assigned.to_string(),
                f(g.actual),
                f(g.gap),
            ])?;
        }
        w.flush()?;
        return Ok(());
    }
    println!(
        "Chỉ tiêu năm {} — {} (bộ chỉ số {})",
        report.year,
        sheet.period.label_vi(),
        m.id
    );
    let mut t = Table::new(
        &[
            "Mã",
            "Đơn vị",
            "Chỉ số",
            "Chỉ tiêu %",
            "Loại",
            "Thực hiện %",
            "Chênh lệch",
        ],
        &[false, false, false, true, false, true, true],
    );
    for g in &report.gaps {
        t.row(vec![
            g.unit_code.clone(),
            g.unit_name.clone(),
            g.criterion.clone(),
            format::percent(g.target),
            if g.assigned {
                "giao"
            } else {
                "mục tiêu chung"
            }
            .to_string(),
            or_dash(g.actual, format::percent),
            or_dash(g.gap, |x| format::signed(x * 100.0)),
        ]);
    }
    print!("{}", t.render());
    if !report.missing.is_empty() {
        println!();
        println!(
            "Đơn vị chưa được giao chỉ tiêu ({}; chấm theo ngưỡng của bộ chỉ số):",
            report.missing.len()
        );
        for (code, name, criterion) in &report.missing {
            println!("  {name} ({code}): chỉ số {criterion}");
        }
    }
    Ok(())
}
