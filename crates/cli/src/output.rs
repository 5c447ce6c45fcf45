//! `score`, `rank`, `explain`, `quarantine`, `status`: reading the engine's
//! results and printing them as tables (Vietnamese format), JSON or CSV.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use chiso_backend::Backend;
use chiso_core::engine;
use chiso_core::format::{self, or_dash};
use chiso_core::methodology::Methodology;
use chiso_core::period::{self, Period};
use chiso_core::records::UnitKind;
use chiso_core::scoring::{document, Basis, ScoreSheet, UnitScore};
use chiso_core::storage::Storage;
use chiso_core::time::Instant;

use crate::table::Table;
use crate::{methodologies, Format};

/// A backend the read-only commands can score from (SQLite or PostgreSQL).
pub trait Scored: Storage<Error = Self::E> {
    type E: std::error::Error + Send + Sync + 'static;
}

impl<S: Storage> Scored for S
where
    S::Error: std::error::Error + Send + Sync + 'static,
{
    type E = S::Error;
}

pub fn sheet<S: Scored>(store: &S, period: &Period) -> Result<(ScoreSheet, Methodology)> {
    let period = *period;
    let set = store.methodologies()?;
    let sheet = engine::score(store, &set, &period)?;
    let m = set
        .get(&sheet.methodology)
        .cloned()
        .context("bộ chỉ số không còn trong danh sách")?;
    Ok((sheet, m))
}

/// The period as headings name it, with the partial-data note when the
/// data stops inside it.
fn period_label(sheet: &ScoreSheet) -> String {
    with_note(sheet.period.label_vi(), sheet.as_of)
}

fn with_note(label: String, as_of: Option<Instant>) -> String {
    match as_of {
        Some(t) => format!("{label} ({})", period::partial_note(t)),
        None => label,
    }
}

/// A CSV writer for people's spreadsheets (`chiso_report::people_csv`:
/// byte order mark, formula cells neutralised).
pub fn csv_writer<W: Write>(w: W) -> Result<chiso_report::people_csv::PeopleCsv<W>> {
    Ok(chiso_report::people_csv::PeopleCsv::new(w)?)
}

/// The `as_of` cell of CSV rows: the instant a period the data stops inside
/// was judged at, empty when the data covers the period.
fn as_of_cell(as_of: Option<Instant>) -> String {
    as_of.map(Instant::iso).unwrap_or_default()
}

fn points(v: Option<f64>) -> String {
    or_dash(v, format::points)
}

fn rank_text(u: &UnitScore) -> String {
    match u.rank {
        Some(r) => format!("{r}/{}", u.rank_of),
        None => "-".into(),
    }
}

/// Places gained since the previous period ("+2", "-1", "="), "-" without a rank then or now.
fn rank_change_text(u: &UnitScore) -> String {
    match u.rank.zip(u.previous_rank) {
        Some((now, before)) if before > now => format!("+{}", before - now),
        Some((now, before)) if before < now => format!("-{}", now - before),
        Some(_) => "=".into(),
        None => "-".into(),
    }
}

fn delta(u: &UnitScore) -> String {
    or_dash(u.delta, format::signed)
}

/// The code of the unit a person named, by code or by name.
pub fn unit_code<S: Scored>(store: &S, text: &str) -> Result<String> {
    Ok(store.hierarchy()?.find(text)?.code.clone())
}

pub fn score<S: Scored>(store: &S, period: &Period, unit: Option<&str>, fmt: Format) -> Result<()> {
    let unit = unit.map(|u| unit_code(store, u)).transpose()?;
    let unit = unit.as_deref();
    let (sheet, m) = sheet(store, period)?;
    if let Some(code) = unit {
        if sheet.unit(code).is_none() {
            bail!("không có đơn vị '{code}' được chấm điểm trong kỳ {}: xem danh sách bằng 'chiso score --period {}'", sheet.period, sheet.period);
        }
    }
    match fmt {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&document::build(&sheet, unit))?
        ),
        Format::Csv => write_csv(&sheet, &m, unit)?,
        Format::Table => match unit.and_then(|c| sheet.unit(c)) {
            Some(u) => print_unit(&sheet, &m, u),
            None => print_ranking(&sheet, &m, |_| true),
        },
    }
    Ok(())
}

pub fn rank<S: Scored>(
    store: &S,
    period: &Period,
    parent: Option<&str>,
    kind: Option<&str>,
    fmt: Format,
) -> Result<()> {
    let kind = match kind {
        Some(k) => Some(UnitKind::parse(k).with_context(|| {
            format!(
                "loại đơn vị '{k}' không hợp lệ: dùng {}",
                UnitKind::expected()
            )
        })?),
        None => None,
    };
    let parent = parent.map(|p| unit_code(store, p)).transpose()?;
    let parent = parent.as_deref();
    let (sheet, m) = sheet(store, period)?;
    let keep = |u: &UnitScore| {
        parent.is_none_or(|p| u.parent.as_deref() == Some(p)) && kind.is_none_or(|k| u.kind == k)
    };
    match fmt {
        Format::Table => print_ranking(&sheet, &m, keep),
        Format::Json => {
            let mut doc = document::build(&sheet, None);
            doc.units.retain(|e| sheet.unit(&e.code).is_some_and(keep));
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
        Format::Csv => {
            let mut w = csv_writer(std::io::stdout().lock())?;
            w.write_record([
                "rank",
                "rank_of",
                "code",
                "name",
                "kind",
                "parent",
                "total",
                "previous_total",
                "delta",
                "as_of",
            ])?;
            for u in sheet.units.iter().filter(|u| keep(u)) {
                w.write_record([
                    u.rank.map(|r| r.to_string()).unwrap_or_default(),
                    u.rank_of.to_string(),
                    u.code.clone(),
                    u.name.clone(),
                    u.kind.code().to_string(),
                    u.parent.clone().unwrap_or_default(),
                    u.total.map(|t| format!("{t:.4}")).unwrap_or_default(),
                    u.previous_total
                        .map(|t| format!("{t:.4}"))
                        .unwrap_or_default(),
                    u.delta.map(|t| format!("{t:.4}")).unwrap_or_default(),
                    as_of_cell(sheet.as_of),
                ])?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

/// The ranking as in the seeds' appendices: one section per kind and parent,
/// STT, unit, total, groups, previous total and change, rank; then the peers' average.
fn print_ranking(sheet: &ScoreSheet, m: &Methodology, keep: impl Fn(&UnitScore) -> bool) {
    println!(
        "KẾT QUẢ BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP {}{} (bộ chỉ số {}, so với {})",
        sheet.period.label_vi().to_uppercase(),
        sheet
            .as_of
            .map(|t| format!(" ({})", period::partial_note(t)))
            .unwrap_or_default(),
        m.id,
        sheet.previous_period.label_vi()
    );
    let mut sections: Vec<(UnitKind, Option<String>)> = Vec::new();
    for u in sheet.units.iter().filter(|u| keep(u)) {
        let key = (u.kind, u.parent.clone());
        if !sections.contains(&key) {
            sections.push(key);
        }
    }
    for (kind, parent) in sections {
        let members: Vec<&UnitScore> = sheet
            .units
            .iter()
            .filter(|u| keep(u) && u.kind == kind && u.parent == parent)
            .collect();
        let parent_name = parent
            .as_deref()
            .and_then(|p| sheet.unit(p))
            .map(|p| format!(" thuộc {} ({})", p.name, p.code))
            .unwrap_or_default();
        println!(
            "\n{}{} ({} đơn vị)",
            kind.label_vi().to_uppercase(),
            parent_name,
            members.len()
        );
        let mut headers: Vec<String> = vec![
            "STT".into(),
            "Mã".into(),
            "Đơn vị".into(),
            "Tổng điểm".into(),
        ];
        headers.extend(
            m.groups
                .iter()
                .map(|g| format!("N{} /{}", g.id, format::decimal(g.max, 0))),
        );
        headers.extend([
            "Kỳ trước".into(),
            "Tăng/giảm".into(),
            "Xếp hạng".into(),
            "Thay đổi hạng".into(),
        ]);
        let header_refs: Vec<&str> = headers.iter().map(|s| s.as_str()).collect();
        let mut right = vec![true, false, false];
        right.extend(std::iter::repeat_n(true, headers.len() - 3));
        let mut t = Table::new(&header_refs, &right);
        for (i, u) in members.iter().enumerate() {
            let mut row = vec![
                (i + 1).to_string(),
                u.code.clone(),
                u.name.clone(),
                points(u.total),
            ];
            row.extend(u.groups.iter().map(|g| points(g.points)));
            row.extend([
                points(u.previous_total),
                delta(u),
                rank_text(u),
                rank_change_text(u),
            ]);
            t.row(row);
        }
        if let Some(avg) = members
            .first()
            .and_then(|u| u.peers_average)
            .filter(|_| members.len() > 1)
        {
            let mut row = vec![
                String::new(),
                String::new(),
                "Trung bình".into(),
                format::points(avg),
            ];
            for (gi, _) in m.groups.iter().enumerate() {
                let values: Vec<f64> = members.iter().filter_map(|u| u.groups[gi].points).collect();
                let avg =
                    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
                row.push(points(avg));
            }
            row.extend([String::new(), String::new(), String::new(), String::new()]);
            t.row(row);
        }
        print!("{}", t.render());
    }
    let unscored: Vec<String> = sheet
        .units
        .iter()
        .filter(|u| keep(u) && u.total.is_none())
        .map(|u| format!("{} ({})", u.name, u.code))
        .collect();
    if !unscored.is_empty() {
        println!("\nKhông đủ dữ liệu để chấm điểm: {}", unscored.join("; "));
    }
}

fn print_unit(sheet: &ScoreSheet, m: &Methodology, u: &UnitScore) {
    println!(
        "{} ({}) — {} — bộ chỉ số {}",
        u.name,
        u.code,
        period_label(sheet),
        m.id
    );
    println!(
        "Tổng điểm: {}/{}   kỳ trước: {}   tăng/giảm: {}   xếp hạng: {}   trung bình cùng cấp: {}",
        points(u.total),
        format::decimal(m.total, 0),
        points(u.previous_total),
        delta(u),
        rank_text(u),
        points(u.peers_average)
    );
    let mut t = Table::new(
        &[
            "Mã",
            "Chỉ số",
            "Tử số",
            "Mẫu số",
            "Tỷ lệ %",
            "Điểm",
            "Tối đa",
            "Ghi chú",
        ],
        &[false, false, true, true, true, true, true, false],
    );
    for g in &m.groups {
        let gs = u.groups.iter().find(|x| x.id == g.id);
        t.row(vec![
            format!("N{}", g.id),
            g.name.to_uppercase(),
            String::new(),
            String::new(),
            String::new(),
            points(gs.and_then(|x| x.points)),
            format::decimal(g.max, 0),
            String::new(),
        ]);
        for (c, s) in m
            .criteria
            .iter()
            .zip(&u.criteria)
            .filter(|(c, _)| c.group == g.id)
        {
            let mut notes = Vec::new();
            match &s.basis {
                Basis::NoData(p) => notes.push(p.note_vi()),
                Basis::Inherited(from) => notes.push(format!("lấy theo {from}")),
                Basis::Measured => {}
            }
            if s.goal_missed {
                notes.push(format!(
                    "chưa đạt chỉ tiêu {}%",
                    format::decimal(s.goal.unwrap_or(0.0) * 100.0, 0)
                ));
            }
            if c.provisional {
                notes.push("trọng số tạm tính".into());
            }
            t.row(vec![
                c.id.clone(),
                c.name.clone(),
                or_dash(s.numerator, format::integer),
                or_dash(s.denominator, format::integer),
                or_dash(s.ratio, format::percent),
                points(s.points),
                format::decimal(s.max, if s.max.fract() == 0.0 { 0 } else { 1 }),
                notes.join("; "),
            ]);
        }
    }
    print!("{}", t.render());
}

fn write_csv(sheet: &ScoreSheet, m: &Methodology, unit: Option<&str>) -> Result<()> {
    let mut w = csv_writer(std::io::stdout().lock())?;
    let mut header = vec![
        "code".to_string(),
        "name".into(),
        "kind".into(),
        "parent".into(),
        "total".into(),
        "rank".into(),
        "rank_of".into(),
        "previous_total".into(),
        "delta".into(),
    ];
    header.extend(m.groups.iter().map(|g| format!("group_{}", g.id)));
    for c in &m.criteria {
        header.extend([
            format!("{}_numerator", c.id),
            format!("{}_denominator", c.id),
            format!("{}_points", c.id),
        ]);
    }
    header.push("as_of".into());
    w.write_record(&header)?;
    let num = |v: Option<f64>| v.map(|x| format!("{x:.4}")).unwrap_or_default();
    for u in sheet
        .units
        .iter()
        .filter(|u| unit.is_none_or(|c| c == u.code))
    {
        let mut row = vec![
            u.code.clone(),
            u.name.clone(),
            u.kind.code().into(),
            u.parent.clone().unwrap_or_default(),
            num(u.total),
            u.rank.map(|r| r.to_string()).unwrap_or_default(),
            u.rank_of.to_string(),
            num(u.previous_total),
            num(u.delta),
        ];
        row.extend(u.groups.iter().map(|g| num(g.points)));
        for c in &u.criteria {
            row.extend([
                c.numerator.map(|v| v.to_string()).unwrap_or_default(),
                c.denominator.map(|v| v.to_string()).unwrap_or_default(),
                num(c.points),
            ]);
        }
        row.push(as_of_cell(sheet.as_of));
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

pub fn explain(
    store: &Backend,
    period: &Period,
    unit: &str,
    criterion: &str,
    limit: usize,
    fmt: Format,
) -> Result<()> {
    let p = *period;
    let unit = unit_code(store, unit)?;
    let set = methodologies::load(store)?;
    let e = engine::explain(store, &set, &p, &unit, criterion)?;
    let failed = e.items.iter().filter(|i| i.failed).count();
    let shown = if limit == 0 {
        e.items.len()
    } else {
        limit.min(e.items.len())
    };
    match fmt {
        Format::Json => {
            let items: Vec<serde_json::Value> = e.items[..shown]
                .iter()
                .map(|i| {
                    serde_json::json!({
                        "record": i.record.code(), "id": i.id, "unit": i.unit_code, "label": i.label,
                        "received_at": i.received_at.map(Instant::iso), "in_numerator": i.in_numerator,
                        "failed": i.failed, "reason": i.reason,
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "methodology": e.methodology, "unit": e.unit_code, "criterion": e.criterion,
                "as_of": e.as_of.map(Instant::iso),
                "computed_at": e.computed_at, "record_kind": e.record_kind.code(),
                "total": e.items.len(), "failed": failed, "items": items,
            });
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
        Format::Csv => {
            let mut w = csv_writer(std::io::stdout().lock())?;
            w.write_record([
                "record",
                "id",
                "unit",
                "label",
                "received_at",
                "in_numerator",
                "failed",
                "reason",
                "as_of",
            ])?;
            for i in &e.items[..shown] {
                w.write_record([
                    i.record.code(),
                    &i.id,
                    &i.unit_code,
                    &i.label,
                    &i.received_at.map(|t| t.vn()).unwrap_or_default(),
                    if i.in_numerator { "1" } else { "0" },
                    if i.failed { "1" } else { "0" },
                    i.reason.as_deref().unwrap_or(""),
                    &as_of_cell(e.as_of),
                ])?;
            }
            w.flush()?;
        }
        Format::Table => {
            let c = set
                .get(&e.methodology)
                .and_then(|m| m.criterion(&e.criterion));
            println!(
                "Chỉ số {} {} — đơn vị {} — {}",
                e.criterion,
                c.map_or("", |c| c.name.as_str()),
                e.unit_code,
                with_note(p.label_vi(), e.as_of)
            );
            if e.computed_at != e.unit_code {
                println!(
                    "(chỉ số tính ở cấp {}; đơn vị dùng kết quả của cấp đó)",
                    e.computed_at
                );
            }
            println!(
                "{} bản ghi trong mẫu số, {} không đạt (làm mất điểm); hiển thị {}:",
                format::integer(e.items.len() as i64),
                format::integer(failed as i64),
                format::integer(shown as i64)
            );
            let mut t = Table::new(
                &[
                    "STT",
                    "Mã",
                    "Đơn vị",
                    "TTHC",
                    "Tiếp nhận",
                    "Kết quả",
                    "Lý do",
                ],
                &[true, false, false, false, false, false, false],
            );
            for (n, i) in e.items[..shown].iter().enumerate() {
                t.row(vec![
                    (n + 1).to_string(),
                    i.id.clone(),
                    i.unit_code.clone(),
                    i.label.clone(),
                    i.received_at.map(|t| t.vn()).unwrap_or_default(),
                    if i.failed {
                        "không đạt".into()
                    } else {
                        "đạt".into()
                    },
                    i.reason.clone().unwrap_or_default(),
                ]);
            }
            print!("{}", t.render());
        }
    }
    Ok(())
}

pub fn quarantine(store: &mut Backend, export: Option<&Path>, clear: bool) -> Result<()> {
    let rows = store.quarantine()?;
    match export {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("không ghi được tệp {}", path.display()))?;
            let mut w = csv_writer(std::io::BufWriter::new(file))?;
            w.write_record([
                "id",
                "import_id",
                "kind",
                "file",
                "line",
                "column",
                "reason",
                "raw",
            ])?;
            for r in &rows {
                w.write_record([
                    r.id.to_string(),
                    r.import_id.map(|i| i.to_string()).unwrap_or_default(),
                    r.kind.clone(),
                    r.file.clone(),
                    r.line.to_string(),
                    r.column.clone().unwrap_or_default(),
                    r.reason.clone(),
                    r.raw.clone(),
                ])?;
            }
            w.flush()?;
            println!(
                "Đã ghi {} bản ghi bị từ chối vào {}",
                format::integer(rows.len() as i64),
                path.display()
            );
        }
        None => {
            let mut t = Table::new(
                &["Loại", "Tệp", "Dòng", "Cột", "Lý do"],
                &[false, false, true, false, false],
            );
            for r in &rows {
                t.row(vec![
                    r.kind.clone(),
                    r.file.clone(),
                    r.line.to_string(),
                    r.column.clone().unwrap_or_default(),
                    r.reason.clone(),
                ]);
            }
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "{} bản ghi bị từ chối đang lưu riêng:",
                format::integer(rows.len() as i64)
            )?;
            if !rows.is_empty() {
                write!(out, "{}", t.render())?;
            }
        }
    }
    if clear {
        store.clear_quarantine()?;
        println!("Đã xóa danh sách bản ghi bị từ chối.");
    }
    Ok(())
}

pub fn status<S: Scored>(store: &S, name: &str) -> Result<()> {
    let inv = store.inventory()?;
    println!("Cơ sở dữ liệu: {name}");
    println!(
        "Đơn vị: {}   TTHC: {}   hồ sơ: {}   PAKN: {}   bị từ chối: {}",
        format::integer(inv.units),
        format::integer(inv.procedures),
        format::integer(inv.dossiers),
        format::integer(inv.feedback),
        format::integer(inv.quarantined)
    );
    if let (Some(first), Some(latest)) = (inv.first_received, inv.latest_received) {
        println!(
            "Hồ sơ tiếp nhận từ {} đến {} (dữ liệu mới nhất)",
            Instant::from_unix(first).vn(),
            Instant::from_unix(latest).vn()
        );
    }
    match store.as_of()? {
        Some(t) => println!(
            "Số liệu đến {} (thời điểm muộn nhất dữ liệu ghi nhận): kỳ kéo dài quá thời điểm này \
             được chấm đến đó, kỳ bắt đầu sau đó chưa chấm được",
            t.vn()
        ),
        None => println!(
            "Chưa có hồ sơ hay phản ánh, kiến nghị nào: nhập bằng 'chiso import dossiers TỆP'"
        ),
    }
    Ok(())
}
