//! `watch`, `whatif`, `forecast`: the early warning, the what-if and the
//! month-end projection of a unit (computed by `chiso_app::ahead` and the
//! core), laid out for the terminal or as JSON.

use anyhow::{bail, Context, Result};
use chiso_core::forecast::{self, BacktestRow};
use chiso_core::format::{self, or_dash};
use chiso_core::records::UnitKind;
use chiso_core::time::Date;
use chiso_core::warn;
use chiso_core::whatif::{self, Lever, Scenario};

use crate::output::Scored;
use crate::table::Table;
use crate::Format;

/// `chiso whatif` options: one scenario, or a target.
#[derive(clap::Args)]
pub struct WhatIfArgs {
    /// Mã đơn vị, hoặc tên đơn vị (không phân biệt hoa thường, dấu).
    #[arg(long, value_name = "ĐƠN_VỊ")]
    pub unit: String,
    /// Ngày xem (dd/mm/yyyy hoặc yyyy-mm-dd): số liệu như tại cuối ngày đó (mặc định: số liệu mới nhất).
    #[arg(long, value_name = "NGÀY")]
    pub at: Option<String>,
    /// Giả định các hồ sơ này (mã hồ sơ, cách nhau bởi dấu phẩy) được giải quyết đúng hạn.
    #[arg(long, value_name = "MÃ,MÃ", value_delimiter = ',', group = "scenario")]
    pub on_time: Vec<String>,
    /// Giả định thêm N hồ sơ trong tháng: online=N (nộp trực tuyến), paid-online=N (thanh toán
    /// trực tuyến), e-result=N (kết quả điện tử), digitized=N (số hoá), on-time=N (đúng hạn).
    #[arg(long, value_name = "LOẠI=N", group = "scenario")]
    pub more: Option<String>,
    /// Giả định chỉ số đạt tỷ lệ: 3.3=60 (phần trăm).
    #[arg(long, value_name = "CHỈ_SỐ=%", group = "scenario")]
    pub reach: Option<String>,
    /// Cách ít hồ sơ nhất để đạt tổng điểm này.
    #[arg(long, value_name = "ĐIỂM", group = "scenario")]
    pub target: Option<f64>,
    /// Dạng kết quả: table (bảng) hoặc json.
    #[arg(long, value_enum, default_value_t = Format::Table, value_name = "DẠNG")]
    pub format: Format,
}

/// A day given on the command line.
pub fn day(text: Option<&str>) -> Result<Option<Date>> {
    text.map(|t| {
        Date::parse(t).with_context(|| {
            format!("ngày không hợp lệ '{t}': dùng dd/mm/yyyy (04/12/2026) hoặc yyyy-mm-dd")
        })
    })
    .transpose()
}

pub fn watch<S: Scored>(
    store: &S,
    unit: &str,
    days: u32,
    at: Option<&str>,
    fmt: Format,
) -> Result<()> {
    let risk = chiso_app::ahead::watch(store, unit, days, day(at)?)?;
    if fmt == Format::Json {
        println!(
            "{}",
            serde_json::to_string_pretty(&warn::document::build(&risk))?
        );
        return Ok(());
    }
    if fmt == Format::Csv {
        bail!("'chiso watch' in bảng (table) hoặc JSON (--format json)");
    }
    println!(
        "{} ({}): cảnh báo sớm, số liệu đến {}",
        risk.unit_name,
        risk.unit_code,
        risk.as_of.vn()
    );
    println!(
        "Điểm hiện tại: {} (chỉ số {}: {}); hồ sơ sắp trễ hạn trong {} ngày làm việc (đến hết {})",
        or_dash(risk.total_now, format::points),
        warn::TIMELINESS_CRITERION,
        or_dash(risk.timeliness_now, format::points),
        risk.horizon_days,
        risk.horizon_end.vn()
    );
    println!();
    if risk.dossiers.is_empty() {
        println!("Không có hồ sơ nào sắp trễ hạn.");
    } else {
        let mut t = Table::new(
            &[
                "Mã hồ sơ",
                "Thủ tục",
                "Trễ hạn từ",
                "Còn (ngày LV)",
                "Người/phòng xử lý",
                "Mất điểm 2.1",
                "Mất tổng điểm",
            ],
            &[false, false, false, true, false, true, true],
        );
        for d in &risk.dossiers {
            let who = d.holder.as_ref().map_or("-".to_string(), |h| {
                [h.officer.as_str(), h.department.as_str()]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            let cost = |x: f64| {
                if d.this_month {
                    format::points(x)
                } else {
                    "0 (tháng sau)".to_string()
                }
            };
            t.row(vec![
                d.id.clone(),
                d.procedure_name.clone().unwrap_or(d.procedure_code.clone()),
                d.late_at.vn(),
                d.working_days_left.to_string(),
                who,
                cost(d.points_timeliness),
                cost(d.points_total),
            ]);
        }
        print!("{}", t.render());
    }
    if !risk.feedback.is_empty() {
        println!();
        let mut t = Table::new(
            &["Mã PAKN", "Tiếp nhận", "Trễ hạn từ", "Mất tổng điểm"],
            &[false, false, false, true],
        );
        for f in &risk.feedback {
            t.row(vec![
                f.id.clone(),
                f.received_at.date().vn(),
                f.late_at.vn(),
                format::points(f.points_total),
            ]);
        }
        print!("{}", t.render());
    }
    if !risk.waiting.is_empty() {
        println!();
        println!("Hồ sơ chờ bổ sung ({}):", risk.waiting.len());
        let mut t = Table::new(
            &["Mã hồ sơ", "Thủ tục", "Yêu cầu bổ sung", "Đã chờ (ngày LV)"],
            &[false, false, false, true],
        );
        for w in &risk.waiting {
            t.row(vec![
                w.id.clone(),
                w.procedure_name.clone().unwrap_or(w.procedure_code.clone()),
                or_dash(w.requested_at, |t| t.vn()),
                w.working_days_waiting.to_string(),
            ]);
        }
        print!("{}", t.render());
    }
    println!();
    println!(
        "Tổng điểm có nguy cơ mất trong tháng nếu tất cả trễ hạn: {} (chỉ số 2.1: {})",
        format::points(risk.points_total),
        format::points(risk.points_timeliness)
    );
    Ok(())
}

/// `NAME=VALUE`.
fn pair<'a>(text: &'a str, flag: &str) -> Result<(&'a str, &'a str)> {
    text.split_once('=')
        .map(|(a, b)| (a.trim(), b.trim()))
        .with_context(|| format!("--{flag} cần dạng TÊN=GIÁ_TRỊ, ví dụ --{flag} online=20"))
}

pub fn what_if<S: Scored>(store: &S, args: &WhatIfArgs) -> Result<()> {
    let at = day(args.at.as_deref())?;
    if let Some(target) = args.target {
        let plan = chiso_app::ahead::plan(store, &args.unit, at, target)?;
        if args.format == Format::Json {
            println!(
                "{}",
                serde_json::to_string_pretty(&whatif::document::plan(&plan))?
            );
            return Ok(());
        }
        println!(
            "Đơn vị {}: tổng điểm hiện tại {}, mục tiêu {}",
            plan.unit_code,
            or_dash(plan.total_before, format::points),
            format::points(plan.target)
        );
        let mut t = Table::new(
            &[
                "Việc cần làm",
                "Số hồ sơ",
                "Có thể",
                "Điểm/hồ sơ",
                "Tổng điểm sau",
            ],
            &[false, true, true, true, true],
        );
        for s in &plan.steps {
            t.row(vec![
                s.lever.label_vi().to_string(),
                format::integer(s.dossiers as i64),
                format::integer(s.available as i64),
                format::decimal(s.points_per_dossier, 4),
                or_dash(s.total_after, format::points),
            ]);
        }
        print!("{}", t.render());
        if !plan.reached {
            println!("Không đạt được mục tiêu với các hồ sơ của tháng.");
        }
        return Ok(());
    }
    let scenario = if !args.on_time.is_empty() {
        Scenario::OnTime(args.on_time.clone())
    } else if let Some(more) = &args.more {
        let (lever, n) = pair(more, "more")?;
        let lever = Lever::parse(lever).with_context(|| {
            format!("loại '{lever}' không rõ: dùng online, paid-online, e-result, digitized hoặc on-time")
        })?;
        let n: usize = n
            .parse()
            .with_context(|| format!("số hồ sơ '{n}' không hợp lệ"))?;
        Scenario::More(lever, n)
    } else if let Some(reach) = &args.reach {
        let (id, pct) = pair(reach, "reach")?;
        let pct: f64 = pct
            .replace(',', ".")
            .trim_end_matches('%')
            .parse()
            .with_context(|| format!("tỷ lệ '{pct}' không hợp lệ: dùng phần trăm, ví dụ 3.3=60"))?;
        Scenario::Reach(id.to_string(), pct / 100.0)
    } else {
        bail!(
            "chọn một giả định: --on-time MÃ,MÃ, --more online=20, --reach 3.3=60 hoặc --target 85"
        );
    };
    let o = chiso_app::ahead::what_if(store, &args.unit, at, &scenario)?;
    if args.format == Format::Json {
        println!(
            "{}",
            serde_json::to_string_pretty(&whatif::document::outcome(&o))?
        );
        return Ok(());
    }
    println!(
        "Đơn vị {}: tổng điểm {} → {}; hạng {} → {} trên {}",
        o.unit_code,
        or_dash(o.total_before, format::points),
        or_dash(o.total_after, format::points),
        or_dash(o.rank_before, |r| r.to_string()),
        or_dash(o.rank_after, |r| r.to_string()),
        o.rank_of
    );
    let mut t = Table::new(
        &[
            "Chỉ số",
            "Tỷ lệ trước",
            "Tỷ lệ sau",
            "Điểm trước",
            "Điểm sau",
            "Tối đa",
        ],
        &[false, true, true, true, true, true],
    );
    for c in &o.changed {
        t.row(vec![
            c.id.clone(),
            or_dash(c.ratio_before, format::percent),
            or_dash(c.ratio_after, format::percent),
            or_dash(c.before, format::points),
            or_dash(c.after, format::points),
            format::points(c.max),
        ]);
    }
    print!("{}", t.render());
    if !o.dossiers.is_empty() {
        println!(
            "Hồ sơ được giả định thay đổi ({}): {}",
            o.dossiers.len(),
            o.dossiers.join(", ")
        );
    }
    if let Some(n) = o.needed {
        println!("Cần thêm {} hồ sơ đạt để có tỷ lệ này.", format::integer(n));
    }
    if !o.skipped.is_empty() {
        println!(
            "Bỏ qua (không có, hoặc không trễ hạn trong tháng): {}",
            o.skipped.join(", ")
        );
    }
    Ok(())
}

pub fn forecast<S: Scored>(store: &S, unit: &str, at: Option<&str>, fmt: Format) -> Result<()> {
    let p = chiso_app::ahead::project(store, unit, day(at)?)?;
    if fmt == Format::Json {
        let doc = serde_json::json!({
            "unit": p.unit_code,
            "as_of": p.as_of.iso(),
            "month": p.month.iso(),
            "total_now": p.total_now,
            "projected": p.total,
            "low": p.low,
            "high": p.high,
            "interval": [forecast::INTERVAL.0, forecast::INTERVAL.1],
            "expected_arrivals": p.expected_arrivals,
            "open_due": p.open_due,
            "open_due_late_share": p.open_due_late_share,
            "working_days_left": p.working_days_left,
            "criteria": p.criteria.iter().map(|c| serde_json::json!({
                "id": c.id, "projected": c.projected, "low": c.low, "high": c.high
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(());
    }
    println!(
        "Đơn vị {}: dự báo điểm cuối tháng {} (số liệu đến {})",
        p.unit_code,
        p.month.vn(),
        p.as_of.vn()
    );
    println!(
        "Hiện tại {}; dự báo {} (khoảng 80%: {} – {}). Đây là dự báo, không phải kết quả.",
        or_dash(p.total_now, format::points),
        or_dash(p.total, format::points),
        or_dash(p.low, format::points),
        or_dash(p.high, format::points)
    );
    println!(
        "Còn {} ngày làm việc; dự kiến thêm {} hồ sơ; {} hồ sơ đang xử lý đến hạn trong tháng (theo lịch sử, {}% trong số đó trễ hạn).",
        p.working_days_left,
        format::decimal(p.expected_arrivals, 0),
        format::integer(p.open_due),
        format::decimal(p.open_due_late_share * 100.0, 0)
    );
    Ok(())
}

pub fn backtest<S: Scored>(
    store: &S,
    months: usize,
    days: &[u32],
    kind: Option<&str>,
    fmt: Format,
) -> Result<()> {
    let kind = kind
        .map(|k| {
            UnitKind::parse(k).with_context(|| {
                format!("loại đơn vị '{k}' không rõ: dùng {}", UnitKind::expected())
            })
        })
        .transpose()?;
    let rows = chiso_app::ahead::backtest(store, months, days, kind)?;
    if rows.is_empty() {
        bail!("không có tháng trọn vẹn nào trong số liệu để kiểm tra dự báo");
    }
    if fmt == Format::Csv {
        let mut w = crate::output::csv_writer(std::io::stdout().lock())?;
        w.write_record([
            "unit",
            "month",
            "day",
            "now",
            "projected",
            "low",
            "high",
            "actual",
        ])?;
        let f = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v:.4}"));
        for r in &rows {
            w.write_record([
                r.unit_code.clone(),
                r.month.iso(),
                r.day.to_string(),
                f(r.now),
                f(r.projected),
                f(r.low),
                f(r.high),
                f(r.actual),
            ])?;
        }
        w.flush()?;
        return Ok(());
    }
    print_summary(&rows, days);
    Ok(())
}

fn print_summary(rows: &[BacktestRow], days: &[u32]) {
    let units: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r.unit_code.as_str()).collect();
    let months: std::collections::BTreeSet<String> = rows.iter().map(|r| r.month.iso()).collect();
    println!(
        "Kiểm tra dự báo: {} đơn vị × {} tháng ({} – {})",
        units.len(),
        months.len(),
        months.first().map_or("", |m| m.as_str()),
        months.last().map_or("", |m| m.as_str())
    );
    let mut t = Table::new(
        &[
            "Dự báo từ ngày",
            "Số dự báo",
            "Sai số TB",
            "Sai số TB (điểm hiện tại)",
            "Sai số lớn nhất",
            "Trong khoảng 80%",
            "Độ rộng TB",
        ],
        &[true, true, true, true, true, true, true],
    );
    for day in days {
        if let Some(s) = forecast::summarise(rows, *day) {
            t.row(vec![
                day.to_string(),
                format::integer(s.projections as i64),
                format::points(s.mae),
                format::points(s.mae_naive),
                format::points(s.max_error),
                format!("{}%", format::decimal(s.coverage * 100.0, 1)),
                format::points(s.mean_width),
            ]);
        }
    }
    print!("{}", t.render());
    for day in days {
        let errors = forecast::criterion_errors(rows, *day);
        let top: Vec<String> = errors
            .iter()
            .take(6)
            .map(|(id, e)| format!("{id}: {}", format::points(*e)))
            .collect();
        println!("Sai số TB theo chỉ số (từ ngày {day}): {}", top.join("; "));
    }
}
