//! `chiso forms …`: the CCHC report's statistical forms (biểu mẫu 1–7) as
//! versioned catalogues: show a shipped version, check a catalogue file.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chiso_cchc::catalogue::{
    Accumulation, Aggregate, Catalogue, CatalogueSet, Indicator, Kind, RuleTest, MAX_FILE_BYTES,
};
use chiso_core::records::UnitKind;
use clap::Subcommand;

use crate::EXIT_OK;

#[derive(Subcommand)]
pub enum CatalogueAction {
    /// Xem một phiên bản danh mục với mọi chỉ tiêu (mặc định: bản mới nhất).
    Show {
        /// Mã phiên bản, ví dụ cchc-2024 hoặc cchc-2025.
        #[arg(long, value_name = "MÃ")]
        version: Option<String>,
    },
    /// Kiểm tra một tệp danh mục (biểu mẫu, chỉ tiêu, công thức, quy tắc).
    Check {
        #[arg(value_name = "TỆP")]
        file: PathBuf,
    },
}

/// `chiso forms …`: the catalogue's commands, and the forms workflow's
/// (`crate::reform`), which use the database.
#[derive(Subcommand)]
pub enum FormsAction {
    #[command(flatten)]
    Catalogue(CatalogueAction),
    #[command(flatten)]
    Work(crate::reform::WorkAction),
}

pub fn run(action: CatalogueAction) -> Result<u8> {
    match action {
        CatalogueAction::Show { version } => {
            let set = CatalogueSet::builtin();
            let c = match version {
                Some(v) => set.get(&v).with_context(|| {
                    let known: Vec<&str> = set.versions.iter().map(|c| c.id.as_str()).collect();
                    format!(
                        "không có danh mục biểu mẫu '{v}' (có: {})",
                        known.join(", ")
                    )
                })?,
                None => set
                    .versions
                    .iter()
                    .max_by_key(|c| c.valid_from)
                    .context("không có danh mục biểu mẫu nào")?,
            };
            print(&show(c))?;
        }
        CatalogueAction::Check { file } => {
            let c = read(&file)?;
            print(&format!(
                "{}: hợp lệ — danh mục {} ({} biểu mẫu, {} chỉ tiêu, {} quy tắc kiểm tra; {})\n",
                file.display(),
                c.id,
                c.forms.len(),
                c.indicators().count(),
                c.rules.len(),
                validity(&c)
            ))?;
        }
    }
    Ok(EXIT_OK)
}

/// Writes to standard output; a reader that stopped early (`| head`) is not an error.
fn print(text: &str) -> Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.context("không ghi được ra màn hình"),
    }
}

/// Short Vietnamese name of a reporting level.
fn level(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Province => "tỉnh",
        UnitKind::Ministry => "bộ",
        UnitKind::Department => "sở",
        UnitKind::District => "huyện",
        UnitKind::Commune => "xã",
        UnitKind::Other => "khác",
    }
}

fn read(file: &Path) -> Result<Catalogue> {
    let size = std::fs::metadata(file)
        .with_context(|| format!("không đọc được tệp {}", file.display()))?
        .len();
    if size > MAX_FILE_BYTES as u64 {
        bail!(
            "{}: tệp quá lớn ({size} byte, tối đa {MAX_FILE_BYTES}): đây không phải danh mục biểu mẫu",
            file.display()
        );
    }
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("không đọc được tệp {} (cần UTF-8)", file.display()))?;
    Ok(Catalogue::from_toml(&file.display().to_string(), &text)?)
}

fn validity(c: &Catalogue) -> String {
    let day = |d: Option<chiso_core::time::Date>| d.map_or("…".to_string(), |d| d.vn());
    format!("hiệu lực {} – {}", day(c.valid_from), day(c.valid_to))
}

fn show(c: &Catalogue) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let levels: Vec<&str> = c.reporting_levels.iter().map(|k| level(*k)).collect();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "{} — {} ({})", c.id, c.name, validity(c));
    let _ = writeln!(
        out,
        "Cấp báo cáo: {}; tổng hợp: {}",
        levels.join(", "),
        level(c.top_level)
    );
    if !c.source.is_empty() {
        let _ = writeln!(out, "Nguồn: {}", c.source);
    }
    for f in &c.forms {
        let _ = writeln!(
            out,
            "\nBiểu mẫu {} (lĩnh vực {}) — {}",
            f.no,
            f.area.roman(),
            f.title
        );
        for ind in &f.indicators {
            let _ = writeln!(out, "  {:<7} {}", ind.id.code, ind.label);
            let _ = writeln!(out, "          {}", describe(c, ind));
        }
    }
    if !c.rules.is_empty() {
        let _ = writeln!(out, "\nQuy tắc kiểm tra");
        for r in &c.rules {
            let test = match &r.test {
                RuleTest::Compare { left, op, right } => {
                    format!("{left} {} {right}", op.symbol())
                }
                RuleTest::Requires {
                    when,
                    equals,
                    require,
                } => {
                    let required: Vec<String> = require.iter().map(|r| r.to_string()).collect();
                    format!("nếu {when} = {equals} thì phải có {}", required.join(", "))
                }
            };
            let _ = writeln!(
                out,
                "  {} [{}, khi thiếu số liệu: {}] {test}: {}",
                r.id,
                r.severity.label_vi(),
                r.missing.code(),
                r.message
            );
        }
    }
    out
}

/// "[Hồ sơ] số lượng; cộng từ cấp dưới; điền: sở; số liệu cấp xã; chiso điền sẵn (dossiers_completed)".
fn describe(c: &Catalogue, ind: &Indicator) -> String {
    let mut parts = Vec::new();
    if !ind.unit.is_empty() {
        parts.push(format!("[{}]", ind.unit));
    }
    parts.push(match &ind.kind {
        Kind::Count => "số lượng".to_string(),
        Kind::Money => "số tiền".to_string(),
        Kind::Percent => "tỷ lệ nhập".to_string(),
        Kind::Rate { num, den } => format!(
            "tỷ lệ = {num} / {den}, hiển thị {} chữ số thập phân",
            ind.precision
        ),
        Kind::Sum(p) => format!("tổng = {}", p.join(" + ")),
        Kind::Bool(_) => "Có/Không".to_string(),
        Kind::Enum(_) => "lựa chọn".to_string(),
        Kind::Heading => "tiêu đề".to_string(),
        Kind::Text => "văn bản".to_string(),
    });
    if ind.kind != Kind::Heading {
        parts.push(
            match ind.aggregate {
                Aggregate::Sum => "cộng từ cấp dưới",
                Aggregate::Recompute => "tính lại từ số liệu thành phần",
                Aggregate::Own => "số liệu riêng của cấp tổng hợp",
            }
            .to_string(),
        );
    }
    let levels: Vec<&str> = if ind.levels.is_empty() {
        c.reporting_levels.iter().map(|k| level(*k)).collect()
    } else {
        ind.levels.iter().map(|k| level(*k)).collect()
    };
    parts.push(format!("điền: {}", levels.join(", ")));
    if let Some(t) = ind.of_level {
        parts.push(format!("số liệu {}", t.label_vi("cấp tỉnh").to_lowercase()));
    }
    match ind.accumulation {
        Accumulation::Period => {}
        Accumulation::Ytd => parts.push("lũy kế từ đầu năm".into()),
        Accumulation::Stock => parts.push("tại thời điểm báo cáo".into()),
        Accumulation::Vs2015 => parts.push("so với năm 2015".into()),
    }
    if let Some(p) = ind.prefill {
        parts.push(format!("chiso điền sẵn ({})", p.code()));
    }
    if ind.hidden {
        parts.push("ẩn khi in".into());
    }
    parts.join("; ")
}
