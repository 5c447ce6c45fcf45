//! `chiso demo`: a realistic province (or, with `--national`, the nation's
//! 34 provinces and the ministries), generated deterministically, loaded
//! through the same writer as imports, then the latest month's ranking.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use chiso_core::format::integer;
use chiso_core::records::Dossier;
use chiso_demo::{DemoConfig, DemoProvince, Scope};
use chiso_ingest::{Record, RecordKind};
use chiso_store::Store;

use crate::{export, output, Format};

/// Removes a database file and its WAL companions.
pub fn remove_db(db: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let path = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
        if path.exists() {
            std::fs::remove_file(&path)
                .with_context(|| format!("không xóa được {}", path.display()))?;
        }
    }
    Ok(())
}

/// Dossiers of the national picture when `--dossiers` is not given: small
/// enough to generate in a minute, enough for every province to be ranked.
const NATIONAL_DOSSIERS: usize = 200_000;

/// The demo asked for: one province or the nation, `dossiers` or the default.
pub fn config(seed: u64, dossiers: Option<usize>, national: bool) -> DemoConfig {
    let (scope, default) = if national {
        (Scope::National, NATIONAL_DOSSIERS)
    } else {
        (Scope::Province, DemoConfig::default().dossiers)
    };
    DemoConfig {
        seed,
        scope,
        dossiers: dossiers.unwrap_or(default),
        ..DemoConfig::default()
    }
}

pub fn run(db: &Path, cfg: &DemoConfig, export_dir: Option<&Path>, force: bool) -> Result<()> {
    if db.exists() && !force {
        let store = crate::open(db)?;
        let is_demo = store.meta("demo")?.is_some();
        if store.inventory()?.dossiers > 0 && !is_demo {
            bail!(
                "{} đã chứa dữ liệu thật (không phải dữ liệu mẫu): dùng --db để chọn tệp khác, hoặc --force để ghi đè",
                db.display()
            );
        }
    }
    remove_db(db)?;
    let started = Instant::now();
    let province = chiso_demo::generate(cfg);
    let mut store = crate::open(db)?;
    let n = load(&mut store, &province, chiso_demo::dossiers(cfg, &province))?;
    let (what, meta) = match cfg.scope {
        Scope::Province => ("tỉnh mẫu", format!("seed={}", cfg.seed)),
        Scope::National => (
            "dữ liệu mẫu toàn quốc",
            format!("seed={};national", cfg.seed),
        ),
    };
    store.set_meta("demo", &meta)?;
    // The picture is generated as it stands at the end of its last month.
    store.declare_as_of(cfg.now())?;
    if cfg.scope == Scope::Province {
        reform(&mut store, cfg, &province)?;
    }
    let published = publish(&mut store, cfg)?;
    println!(
        "Đã tạo {what} trong {} ({} đơn vị, {} TTHC, {} hồ sơ, {} PAKN) trong {:.1} giây.",
        db.display(),
        integer(province.units.len() as i64),
        integer(province.procedures.len() as i64),
        integer(n as i64),
        integer(province.feedback.len() as i64),
        started.elapsed().as_secs_f64()
    );
    if let Some(dir) = export_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("không tạo được thư mục {}", dir.display()))?;
        write_csv(dir, cfg, &province)?;
        println!(
            "Đã ghi dữ liệu mẫu dạng CSV vào {} (nhập lại bằng 'chiso import …').",
            dir.display()
        );
    }
    let latest = cfg.first_month.add(cfg.months as i32 - 1);
    println!();
    match cfg.scope {
        Scope::Province => output::rank(
            &store,
            &chiso_core::period::Period::month(latest),
            None,
            None,
            Format::Table,
        )?,
        Scope::National => {
            // The national ranking: provinces among provinces, ministries
            // among ministries; each province's units with --parent.
            for kind in ["province", "ministry"] {
                output::rank(
                    &store,
                    &chiso_core::period::Period::month(latest),
                    None,
                    Some(kind),
                    Format::Table,
                )?;
            }
        }
    }
    if let Some((login, password)) = crate::accounts::first_admin(&store)? {
        println!(
            "\nTài khoản quản trị (để nhập dữ liệu, xem danh sách hồ sơ, công bố, nhật ký): \
             {login}, mật khẩu dùng một lần {password} — đổi khi đăng nhập lần đầu tại /signin."
        );
    }
    if let Some(last) = published {
        println!(
            "Đã công bố kết quả đến {}: ai cũng xem được không cần đăng nhập; {} là số liệu tạm \
             tính, xem khi đăng nhập, công bố bằng 'chiso publication create --period {}'.",
            last.label_vi(),
            chiso_core::period::Period::month(latest).label_vi(),
            latest.iso()
        );
    }
    let db_arg = if db == Path::new("chiso.db") {
        String::new()
    } else {
        format!(" --db {}", db.display())
    };
    println!("\nTiếp theo:");
    println!("  chiso{db_arg} score --period {} --unit <mã đơn vị>          điểm từng chỉ số của một đơn vị", latest.iso());
    println!(
        "  chiso{db_arg} explain --period {} --unit <mã> --criterion 2.1   hồ sơ làm mất điểm",
        latest.iso()
    );
    println!(
        "  chiso{db_arg} rank --period {}-Q{}                          xếp hạng theo quý",
        latest.year(),
        (latest.number() - 1) / 3 + 1
    );
    if cfg.scope == Scope::National {
        println!(
            "  chiso{db_arg} rank --period {} --parent <mã tỉnh>           sở, ngành và xã, phường của một tỉnh",
            latest.iso()
        );
    }
    println!("  chiso{db_arg} serve                                  bảng điều khiển tại http://127.0.0.1:8080");
    println!(
        "  chiso{db_arg} report --period {} --format docx --out phu-luc.docx   công văn và phụ lục",
        latest.iso()
    );
    Ok(())
}

/// Loads a province through the import writer; returns the number of dossiers.
pub fn load(
    store: &mut Store,
    p: &DemoProvince,
    dossiers: impl Iterator<Item = Dossier>,
) -> Result<u64> {
    let mut w = store.writer("units", "demo")?;
    for u in &p.units {
        w.put_unit(u)?;
    }
    w.commit(p.units.len() as u64)?;
    let mut w = store.writer("procedures", "demo")?;
    for x in &p.procedures {
        w.put_procedure(x)?;
    }
    w.commit(p.procedures.len() as u64)?;
    let mut w = store.writer("holidays", "demo")?;
    for h in &p.holidays {
        w.put_holiday(h)?;
    }
    w.commit(p.holidays.len() as u64)?;
    let mut w = store.writer("dossiers", "demo")?;
    let mut n = 0;
    for d in dossiers {
        w.put_dossier(&d)?;
        n += 1;
    }
    w.commit(n)?;
    let mut w = store.writer("feedback", "demo")?;
    for f in &p.feedback {
        w.put_feedback(f)?;
    }
    w.commit(p.feedback.len() as u64)?;
    let mut w = store.writer("counts", "demo")?;
    for c in &p.counts {
        w.put_counts(c)?;
    }
    w.commit(p.counts.len() as u64)?;
    Ok(n)
}

/// Writes the province as the CSV files a real export would be; returns the number of dossiers.
pub fn write_csv(dir: &Path, cfg: &DemoConfig, p: &DemoProvince) -> Result<u64> {
    export::write(
        dir,
        RecordKind::Units,
        p.units.iter().cloned().map(Record::Unit),
    )?;
    export::write(
        dir,
        RecordKind::Procedures,
        p.procedures.iter().cloned().map(Record::Procedure),
    )?;
    export::write(
        dir,
        RecordKind::Holidays,
        p.holidays.iter().cloned().map(Record::Holiday),
    )?;
    export::write(
        dir,
        RecordKind::Feedback,
        p.feedback.iter().cloned().map(Record::Feedback),
    )?;
    export::write(
        dir,
        RecordKind::Counts,
        p.counts.iter().cloned().map(Record::Counts),
    )?;
    export::write(
        dir,
        RecordKind::Dossiers,
        chiso_demo::dossiers(cfg, p).map(Record::Dossier),
    )
}

/// The demo's CCHC content through the real use cases: the province's plan
/// of 2026, its yearly results, and the submissions of 2026-Q1 and 2026-H1
/// in every state (missing, draft, submitted, returned, approved).
fn reform(store: &mut Store, cfg: &DemoConfig, province: &DemoProvince) -> Result<()> {
    use chiso_app::cchc::{self, Acting};
    use chiso_cchc::workflow::{Action, Actor, Role};
    use chiso_core::engine::IndexStore;
    use chiso_core::storage::Storage;
    use chiso_demo::reform::DemoState;

    let Some(demo) = chiso_demo::reform::reform(cfg, province) else {
        return Ok(());
    };
    let numbered = |rows: &[Vec<String>]| -> Vec<(usize, Vec<String>)> {
        rows.iter()
            .cloned()
            .enumerate()
            .map(|(i, r)| (i + 1, r))
            .collect()
    };
    let hierarchy = store.hierarchy()?;
    let lookup = |text: &str| hierarchy.find(text).ok().map(|u| u.code.clone());
    let plan = chiso_cchc::plan_file::read(
        &demo.province,
        demo.year,
        &numbered(&demo.plan_rows),
        &lookup,
        "snv@demo",
    )
    .map_err(anyhow::Error::msg)?;
    if let Some(p) = plan.problems.first() {
        bail!("kế hoạch mẫu, dòng {}: {}", p.line, p.message);
    }
    cchc::import_plan(store, plan.plan, cfg.now())?;
    let header = &demo.results_rows[0];
    let named: Vec<_> = numbered(&demo.results_rows[1..])
        .into_iter()
        .map(|(line, cells)| (line + 1, header.iter().cloned().zip(cells).collect()))
        .collect();
    let results = chiso_cchc::results::read_rows(&named);
    if let Some(e) = results.rejected.first() {
        bail!("kết quả mẫu: {e}");
    }
    for r in &results.results {
        cchc::put_result(store, r, "snv@demo", cfg.now())?;
    }
    let units = store.unit_list()?;
    let approver = Actor {
        id: "lanh.dao@demo".into(),
        roles: vec![Role::Approver {
            unit: demo.province.clone(),
        }],
    };
    for s in &demo.submissions {
        if s.state == DemoState::Missing {
            continue;
        }
        let period: chiso_cchc::period::ReportingPeriod =
            s.period.parse().map_err(anyhow::Error::msg)?;
        let mut values = cchc::prefill(store, &units, &s.unit, period)?;
        for (code, n) in &s.typed {
            let id: chiso_cchc::value::IndicatorId = code.parse().map_err(anyhow::Error::msg)?;
            values.set(
                id,
                chiso_cchc::value::Entry::number(chiso_cchc::decimal::Decimal::from_int(*n)),
            );
        }
        let officer = Actor {
            id: format!("can.bo@{}", s.unit),
            roles: vec![Role::Officer {
                unit: s.unit.clone(),
            }],
        };
        let at = |hours: i64| s.saved_at.add_seconds(hours * 3600);
        let acting = |actor, hours| Acting {
            units: &units,
            actor,
            at: at(hours),
        };
        let saved = cchc::save_values(
            store,
            acting(&officer, 0),
            &s.unit,
            period,
            values.clone(),
            Default::default(),
        )?;
        if saved.blocking > 0 {
            // Warnings explained as an officer would, in a second revision.
            let explanations = saved
                .findings
                .iter()
                .map(|f| (f.key(), "Đã rà soát, số liệu đúng thực tế".to_string()))
                .collect();
            cchc::save_values(
                store,
                acting(&officer, 1),
                &s.unit,
                period,
                values,
                explanations,
            )?;
        }
        if s.state == DemoState::Draft {
            continue;
        }
        cchc::act(
            store,
            acting(&officer, 2),
            &s.unit,
            period,
            Action::Submit,
            None,
        )?;
        let decision = match s.state {
            DemoState::Returned => Action::Return {
                reason: s
                    .return_reason
                    .unwrap_or("Đề nghị rà soát lại số liệu")
                    .to_string(),
            },
            DemoState::Approved => Action::Approve,
            _ => continue,
        };
        cchc::act(
            store,
            acting(&approver, 50),
            &s.unit,
            period,
            decision,
            None,
        )?;
    }
    Ok(())
}

/// Publishes every month of the demo but the last (left provisional, as a
/// month the office has not yet published would be), so that the public
/// pages have results and the signed-in ones show both states. Months
/// already published (a demo run again on its file) are kept as they are.
fn publish(store: &mut Store, cfg: &DemoConfig) -> Result<Option<chiso_core::period::Period>> {
    let mut last = None;
    for i in 0..cfg.months.saturating_sub(1) {
        let period = chiso_core::period::Period::month(cfg.first_month.add(i as i32));
        if chiso_app::publication::published(&*store, &period, None)?.is_some() {
            last = Some(period);
            continue;
        }
        chiso_app::publication::publish(
            store,
            &period,
            None,
            &chiso_app::publication::Publisher {
                by: "chiso demo",
                from: "cli",
                at: cfg.now(),
            },
        )?;
        last = Some(period);
    }
    Ok(last)
}
