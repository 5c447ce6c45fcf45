//! `chiso bench`: import rate, rebuild time, database size and scoring time
//! on a generated province (or, with `--national`, the nation), measured
//! with the real code paths (CSV reader, store writer, engine). A
//! benchmark, never a test: it prints figures, it asserts nothing.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use chiso_core::engine;
use chiso_core::format::{decimal, integer};
use chiso_core::period::Period;
use chiso_demo::{DemoConfig, Scope};

use crate::import::{import_file, ImportError};
use crate::{demo, methodologies};
use chiso_ingest::RecordKind;

fn import(
    store: &mut chiso_store::Store,
    kind: RecordKind,
    path: &Path,
) -> Result<chiso_app::ImportSummary> {
    import_file(store, kind, path, false).map_err(|e| match e {
        ImportError::Unreadable(m) => anyhow::anyhow!(m),
        ImportError::Store(e) => e,
    })
}

pub fn run(cfg: &DemoConfig, dir: Option<&Path>) -> Result<()> {
    let scope = match cfg.scope {
        Scope::Province => "",
        Scope::National => "national-",
    };
    let dir: PathBuf = dir.map(Path::to_path_buf).unwrap_or_else(|| {
        std::env::temp_dir().join(format!("chiso-bench-{scope}{}", cfg.dossiers))
    });
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("không tạo được thư mục {}", dir.display()))?;

    let t = Instant::now();
    let province = chiso_demo::generate(cfg);
    let n = demo::write_csv(&dir, cfg, &province)?;
    let generate_s = t.elapsed().as_secs_f64();
    let csv_bytes = std::fs::metadata(dir.join("dossiers.csv"))?.len();
    println!(
        "Sinh {} hồ sơ ({} MB CSV) trong {} giây — {}",
        integer(n as i64),
        integer((csv_bytes / 1_000_000) as i64),
        decimal(generate_s, 2),
        dir.display()
    );

    // Parsing alone, through the same reader the import uses.
    let t = Instant::now();
    let reader = chiso_ingest::open(
        chiso_ingest::RecordKind::Dossiers,
        &dir.join("dossiers.csv"),
    )?;
    let parsed = reader.count();
    let parse_s = t.elapsed().as_secs_f64();
    println!(
        "Đọc và kiểm tra CSV hồ sơ (không ghi): {} dòng trong {} giây = {} dòng/giây",
        integer(parsed as i64),
        decimal(parse_s, 2),
        integer((parsed as f64 / parse_s) as i64)
    );

    // The same dossiers in the shape one-stop systems push to the portal
    // (a DongBoHoSoMC envelope, nested lists, the applicant's personal data
    // the reader drops), read by the same reader.
    let portal = dir.join("dossiers-portal.json");
    let portal_n = write_portal_envelope(&portal, cfg, &province)?;
    let portal_bytes = std::fs::metadata(&portal)?.len();
    let t = Instant::now();
    let reader = chiso_ingest::open(chiso_ingest::RecordKind::Dossiers, &portal)?;
    let (mut portal_read, mut portal_rejected) = (0usize, 0usize);
    for item in reader {
        portal_read += 1;
        if matches!(item, chiso_ingest::Item::Rejected(_)) {
            portal_rejected += 1;
        }
    }
    let portal_s = t.elapsed().as_secs_f64();
    println!(
        "Đọc và kiểm tra gói đồng bộ DongBoHoSoMC (JSON như Cổng DVCQG nhận, {} MB, không ghi): {} của {} hồ sơ trong {} giây = {} hồ sơ/giây (từ chối {})",
        integer((portal_bytes / 1_000_000) as i64),
        integer(portal_read as i64),
        integer(portal_n as i64),
        decimal(portal_s, 2),
        integer((portal_read as f64 / portal_s) as i64),
        integer(portal_rejected as i64)
    );

    let db = dir.join("bench.db");
    demo::remove_db(&db)?;
    let mut store = crate::open(&db)?;
    for (kind, file) in [
        (RecordKind::Units, "units.csv"),
        (RecordKind::Procedures, "procedures.csv"),
        (RecordKind::Holidays, "holidays.csv"),
    ] {
        import(&mut store, kind, &dir.join(file))?;
    }
    let t = Instant::now();
    let s = import(&mut store, RecordKind::Dossiers, &dir.join("dossiers.csv"))?;
    let import_s = t.elapsed().as_secs_f64();
    let rate = s.read as f64 / import_s;
    println!(
        "Nhập CSV hồ sơ (đọc, kiểm tra, ghi SQLite, cập nhật số đo): {} dòng trong {} giây = {} hồ sơ/giây (nhận {}, từ chối {})",
        integer(s.read as i64),
        decimal(import_s, 2),
        integer(rate as i64),
        integer(s.accepted() as i64),
        integer(s.rejected as i64)
    );
    import(&mut store, RecordKind::Feedback, &dir.join("feedback.csv"))?;
    import(&mut store, RecordKind::Counts, &dir.join("counts.csv"))?;
    // The generated export stands as of the end of its last month, so the
    // twelve months below are all over in the data.
    store.declare_as_of(cfg.now())?;

    let t = Instant::now();
    store.rebuild()?;
    let rebuild_s = t.elapsed().as_secs_f64();
    println!(
        "Tính lại toàn bộ số đo (chiso rebuild): {} giây",
        decimal(rebuild_s, 2)
    );
    // The database file, and the write-ahead log not yet folded into it.
    let size = |suffix: &str| {
        std::fs::metadata(format!("{}{suffix}", db.display())).map_or(0, |m| m.len())
    };
    let (database_bytes, wal_bytes) = (size(""), size("-wal"));
    println!(
        "Cơ sở dữ liệu SQLite: tệp chính {} MB, tệp WAL chưa gộp {} MB",
        integer((database_bytes / 1_000_000) as i64),
        integer((wal_bytes / 1_000_000) as i64)
    );

    let set = methodologies::load(&store)?;
    let mut month = cfg.first_month;
    let mut per_month = Vec::new();
    let t = Instant::now();
    for _ in 0..cfg.months {
        let started = Instant::now();
        let sheet = engine::score(&store, &set, &Period::month(month))?;
        per_month.push((
            month,
            started.elapsed().as_secs_f64() * 1000.0,
            sheet.units.len(),
        ));
        month = month.next();
    }
    let scoring_ms = t.elapsed().as_secs_f64() * 1000.0;
    let units = per_month.first().map_or(0, |m| m.2);
    println!(
        "Chấm điểm {} đơn vị cho {} tháng (mỗi lần gồm cả kỳ trước để so sánh): tổng {} ms, trung bình {} ms/tháng",
        units,
        per_month.len(),
        decimal(scoring_ms, 1),
        decimal(scoring_ms / per_month.len().max(1) as f64, 2)
    );
    let last = cfg.first_month.add(cfg.months as i32 - 1);
    let range = Period::range(last.first_day(), last.last_day().add_days(-1));
    let t = Instant::now();
    engine::score(&store, &set, &range)?;
    let range_ms = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "Chấm điểm một khoảng ngày bất kỳ ({}, từ số đo theo ngày và theo tháng): {} ms",
        range.code(),
        decimal(range_ms, 1)
    );
    // A quarter and a year to date: whole months, from the monthly counters.
    let mut others = Vec::new();
    for code in [
        format!("{}-Q{}", last.year(), (last.number() - 1) / 3 + 1),
        format!("{}:ytd", last.iso()),
    ] {
        let period = Period::parse(&code)?;
        let t = Instant::now();
        engine::score(&store, &set, &period)?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        println!("Chấm điểm kỳ {code}: {} ms", decimal(ms, 1));
        others.push(serde_json::json!({"period": code, "ms": ms}));
    }
    let report = serde_json::json!({
        "dossiers": n, "csv_bytes": csv_bytes, "generate_seconds": generate_s,
        "parse_seconds": parse_s, "portal_json": {"dossiers": portal_read, "rejected": portal_rejected, "bytes": portal_bytes, "parse_seconds": portal_s},
        "import_seconds": import_s, "import_rate_per_second": rate, "rebuild_seconds": rebuild_s, "database_bytes": database_bytes, "wal_bytes": wal_bytes,
        "scoring_12_months_ms": scoring_ms, "units": units,
        "range": {"from": range.from.iso(), "to": range.to.iso(), "ms": range_ms},
        "other_periods": others,
        "per_month_ms": per_month.iter().map(|(m, ms, _)| serde_json::json!({"month": m.iso(), "ms": ms})).collect::<Vec<_>>(),
        "database": db.display().to_string(),
    });
    std::fs::write(
        dir.join("bench.json"),
        serde_json::to_string_pretty(&report)?,
    )?;
    println!("Kết quả: {}", dir.join("bench.json").display());
    Ok(())
}

/// The most dossiers written to the portal-shaped file (a document of
/// about 700 bytes a dossier, read whole).
const PORTAL_DOSSIERS: usize = 300_000;

/// Writes the first [`PORTAL_DOSSIERS`] generated dossiers as one
/// DongBoHoSoMC envelope, every field under the portal's name: times in the
/// portal's several forms, fees, results, supplements and documents as the
/// nested lists they come in, and an applicant's name and phone.
fn write_portal_envelope(
    path: &Path,
    cfg: &DemoConfig,
    province: &chiso_demo::DemoProvince,
) -> Result<usize> {
    use std::io::Write;
    let file = std::fs::File::create(path)
        .with_context(|| format!("không ghi được {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let compact = |t: chiso_core::time::Instant| t.iso()[..19].replace(['-', ':', 'T'], "");
    let spaced = |t: chiso_core::time::Instant| t.iso()[..19].replace('T', " ");
    write!(
        out,
        r#"{{"session":"bench","madonvi":"{}","service":"DongBoHoSoMC","isUpdating":"False","data":["#,
        province.units.first().map_or("", |u| u.code.as_str())
    )?;
    let mut n = 0;
    for d in chiso_demo::dossiers(cfg, province).take(PORTAL_DOSSIERS) {
        let mut record = serde_json::json!({
            "MaHoSo": d.id,
            "MaTTHC": d.procedure_code,
            "MaCoQuan": d.unit_code,
            "KenhThucHien": (d.channel as u8).to_string(),
            "NgayTiepNhan": compact(d.received_at),
            "TrangThaiHoSo": d.status.portal_code().to_string(),
            "ChuHoSo": "Nguyễn Văn An",
            "SoDienThoai": "0912345678",
            "TaiLieuNop": [{
                "DuocSoHoa": if d.digitized { "1" } else { "0" },
                "DuocTaiSuDung": if d.reused_data { "1" } else { "0" },
                "DuocLayTuKhoDMQG": if d.personal_store_synced { "1" } else { "0" },
            }],
        });
        let fields = [
            ("NgayNopHoSo", d.submitted_at.map(compact)),
            ("NgayHenTra", d.due_at.map(spaced)),
            ("NgayKetThucXuLy", d.finished_at.map(|t| t.iso())),
            ("NgayTraKetQua", d.returned_at.map(spaced)),
        ];
        for (key, value) in fields {
            if let Some(v) = value {
                record[key] = serde_json::Value::String(v);
            }
        }
        if d.fee_amount > 0 {
            record["DanhSachLePhi"] =
                serde_json::json!([{ "Gia": chiso_core::format::integer(d.fee_amount) }]);
        }
        if d.e_result {
            record["DanhSachGiayToKetQua"] = serde_json::json!([{ "DuongDanTepTinKetQua": format!("https://dvc.example/kq/{}", d.id) }]);
        }
        if n > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut out, &record)?;
        n += 1;
    }
    out.write_all(b"]}")?;
    out.flush()?;
    Ok(n)
}
