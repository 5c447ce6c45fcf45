//! `chiso methodology …` and loading the versions in force (shipped + added).

use std::path::Path;

use anyhow::{Context, Result};
use chiso_core::methodology::{Methodology, MethodologySet};
use chiso_core::period::Period;
use chiso_core::storage::Storage;
use chiso_core::time::Date;

use crate::config::Config;

use crate::{MethodologyAction, EXIT_OK};

/// The shipped versions plus those added to the database with `methodology add`.
pub fn load<S: crate::output::Scored>(store: &S) -> Result<MethodologySet> {
    Ok(store.methodologies()?)
}

/// The versions a database holds, or only the shipped ones when there is no
/// database file yet (none is created to look).
fn load_at(config: &Config) -> Result<MethodologySet> {
    if crate::exists(config)? {
        load(&crate::open_db(config)?)
    } else {
        Ok(MethodologySet::builtin())
    }
}

fn read(file: &Path) -> Result<Methodology> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("không đọc được tệp {}", file.display()))?;
    Ok(Methodology::from_toml(&file.display().to_string(), &text)?)
}

pub fn run(config: &Config, action: MethodologyAction) -> Result<u8> {
    match action {
        MethodologyAction::Check { file } => {
            let m = read(&file)?;
            println!(
                "{}: hợp lệ — bộ chỉ số {} ({} nhóm, {} chỉ số, tổng {} điểm)",
                file.display(),
                m.id,
                m.groups.len(),
                m.criteria.len(),
                m.total
            );
        }
        MethodologyAction::Add { file } => {
            let m = read(&file)?;
            let text = std::fs::read_to_string(&file)?;
            crate::open_db(config)?.add_methodology(&m, &text)?;
            println!("Đã thêm bộ chỉ số {} ({})", m.id, validity(&m));
        }
        MethodologyAction::List => {
            for m in &load_at(config)?.versions {
                println!("{:<12} {}  {}", m.id, validity(m), m.name);
            }
        }
        MethodologyAction::Show { id, period } => {
            let set = load_at(config)?;
            let m = match (id, period) {
                (Some(id), _) => set.get(&id).with_context(|| {
                    format!("không có bộ chỉ số '{id}': xem 'chiso methodology list'")
                })?,
                (None, Some(p)) => {
                    let p = Period::parse(&p)?;
                    set.in_force(p.to)
                        .with_context(|| format!("không có bộ chỉ số có hiệu lực ngày {}", p.to))?
                }
                (None, None) => set
                    .versions
                    .iter()
                    .max_by_key(|m| m.valid_from)
                    .context("không có bộ chỉ số nào")?,
            };
            show(m);
        }
    }
    Ok(EXIT_OK)
}

fn validity(m: &Methodology) -> String {
    let day = |d: Option<Date>| d.map_or("…".to_string(), |d| d.vn());
    format!("hiệu lực {} – {}", day(m.valid_from), day(m.valid_to))
}

fn show(m: &Methodology) {
    println!("{} — {} ({})", m.id, m.name, validity(m));
    if !m.source.is_empty() {
        println!("Nguồn: {}", m.source);
    }
    let year = m.valid_from.map_or(2026, |d| d.year().max(2024));
    for g in &m.groups {
        println!(
            "\nNhóm {} — {} (tối đa {} điểm)",
            g.id,
            g.name,
            chiso_core::format::decimal(g.max, 0)
        );
        for c in m.criteria.iter().filter(|c| c.group == g.id) {
            let rule = c.rule.describe(year);
            let no_data = c.no_data.label_vi();
            println!(
                "  {:<4} {:<62} {:>5} điểm  {}; không có dữ liệu: {}{}",
                c.id,
                c.name,
                chiso_core::format::decimal(c.max, if c.max.fract() == 0.0 { 0 } else { 1 }),
                rule,
                no_data,
                if c.provisional { "  [tạm tính]" } else { "" }
            );
            println!("       = {} / {}", c.numerator, c.denominator);
        }
    }
}
