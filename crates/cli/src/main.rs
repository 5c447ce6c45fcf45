//! `chiso`: the command line. Parses arguments (with Vietnamese help and
//! errors, [`args`]), resolves the configuration ([`config`]: file,
//! environment, flags) and starts the logs ([`logging`]), opens the store
//! and hands over to the command modules; errors are reported here with
//! their context.

mod accounts;
mod ahead;
mod alerts;
mod args;
mod backup;
mod bench;
mod config;
mod demo;
mod export;
mod forms;
mod import;
mod logging;
mod methodologies;
mod output;
mod publication;
mod reconcile;
mod reform;
mod report;
mod table;
mod targets;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use chiso_backend::Backend;
use chiso_core::storage::Storage;
use clap::{Parser, Subcommand, ValueEnum};

/// Exit status when every record was accepted.
pub const EXIT_OK: u8 = 0;
/// Exit status when some records were rejected (kept in quarantine).
pub const EXIT_REJECTED: u8 = 3;
/// Exit status when a file could not be read at all.
pub const EXIT_UNREADABLE: u8 = 4;
/// Exit status when the database stayed busy with another writer (an
/// import in another process, the server's upload) for longer than the
/// write may wait (`write_wait`, 60 s by default): nothing was written, run
/// the command again later.
pub const EXIT_BUSY: u8 = 5;

#[derive(Parser)]
#[command(
    name = "chiso",
    version,
    about = "Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg): tính điểm, xếp hạng, giải trình từ dữ liệu hồ sơ",
    after_help = "Mã thoát của 'import': 0 = nhận hết; 3 = có bản ghi bị từ chối (xem 'chiso quarantine'); 4 = không đọc được tệp; \
                  5 = cơ sở dữ liệu bận ghi cho tiến trình khác quá thời gian chờ (write_wait), chưa ghi gì: chạy lại sau.\n\
                  Kỳ báo cáo: 2024-03 (tháng), 2024-Q1 (quý), 2024-H1 (6 tháng), 2024 (năm), 2024-03:ytd (từ đầu năm), 2024-01-01..2024-02-15."
)]
struct Cli {
    /// Tệp cơ sở dữ liệu SQLite (mặc định chiso.db, hoặc theo CHISO_DB, tệp cấu hình).
    #[arg(long, global = true, value_name = "TỆP")]
    db: Option<String>,
    /// Tệp cấu hình (mặc định chiso.toml trong thư mục hiện tại nếu có, hoặc CHISO_CONFIG).
    #[arg(long, global = true, value_name = "TỆP")]
    config: Option<PathBuf>,
    /// Bộ lọc nhật ký: error, warn, info, debug, trace, hoặc theo mô-đun (warn,chiso_web=debug).
    #[arg(long, global = true, value_name = "BỘ_LỌC")]
    log: Option<String>,
    /// Dạng nhật ký (ghi ra stderr): text hoặc json.
    #[arg(long, global = true, value_enum, value_name = "DẠNG")]
    log_format: Option<config::LogFormat>,
    #[command(subcommand)]
    command: Command,
}

/// `chiso serve` options (the command line's; the configuration file and
/// the environment may give them too).
#[derive(clap::Args, Debug)]
struct ServeArgs {
    /// Địa chỉ lắng nghe (máy:cổng), mặc định 127.0.0.1:8080.
    #[arg(long, value_name = "MÁY:CỔNG")]
    addr: Option<String>,
    /// Nhận đồng bộ kiểu Cổng DVCQG (/api/v1/sync/…) không cần xác thực.
    /// Mặc định tắt: khi chưa có tài khoản, ai kết nối được máy chủ cũng
    /// đẩy được hồ sơ vào.
    #[arg(long)]
    allow_unauthenticated_sync: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Tạo cơ sở dữ liệu trống.
    Init,
    /// Nhập dữ liệu từ tệp CSV, JSON Lines hoặc Excel (.xlsx).
    Import {
        /// Loại dữ liệu: units (đơn vị), procedures (TTHC), dossiers (hồ sơ), steps (quá trình
        /// xử lý), feedback (PAKN), counts (số liệu tháng), holidays (ngày nghỉ lễ) hoặc published
        /// (kết quả Cổng DVCQG công bố).
        #[arg(value_name = "LOẠI")]
        kind: String,
        #[arg(required = true, value_name = "TỆP")]
        files: Vec<PathBuf>,
        /// Kỳ của kết quả Cổng DVCQG công bố khi tệp không ghi kỳ (chỉ với published).
        #[arg(long, value_name = "KỲ")]
        period: Option<String>,
    },
    /// Áp dụng luồng sự kiện hồ sơ theo thời gian thực (JSON Lines, theo thứ tự bất kỳ).
    Feed {
        #[arg(required = true, value_name = "TỆP")]
        files: Vec<PathBuf>,
    },
    /// Chấm điểm mọi đơn vị, hoặc từng chỉ số của một đơn vị.
    Score {
        /// Kỳ báo cáo: 2026-10, 2026-Q3, 2026-H1, 2026, 2026-10:ytd, 2026-01-01..2026-02-15.
        #[arg(long, value_name = "KỲ")]
        period: chiso_core::period::Period,
        /// Mã đơn vị, hoặc tên đơn vị (không phân biệt hoa thường, dấu).
        #[arg(long, value_name = "ĐƠN_VỊ")]
        unit: Option<String>,
        /// Dạng kết quả: table (bảng), json hoặc csv.
        #[arg(long, value_enum, default_value_t = Format::Table, value_name = "DẠNG")]
        format: Format,
    },
    /// Xếp hạng trong cùng cấp.
    Rank {
        /// Kỳ báo cáo: 2026-10, 2026-Q3, 2026-H1, 2026, 2026-10:ytd, 2026-01-01..2026-02-15.
        #[arg(long, value_name = "KỲ")]
        period: chiso_core::period::Period,
        /// Chỉ các đơn vị trực thuộc đơn vị này (mã hoặc tên).
        #[arg(long, value_name = "ĐƠN_VỊ")]
        parent: Option<String>,
        /// Chỉ các đơn vị loại này: province, department, district, commune…
        #[arg(long, value_name = "LOẠI")]
        kind: Option<String>,
        /// Dạng kết quả: table (bảng), json hoặc csv.
        #[arg(long, value_enum, default_value_t = Format::Table, value_name = "DẠNG")]
        format: Format,
    },
    /// Giải trình: các hồ sơ sau một chỉ số, hồ sơ không đạt trước.
    Explain {
        /// Kỳ báo cáo: 2026-10, 2026-Q3, 2026-H1, 2026, 2026-10:ytd, 2026-01-01..2026-02-15.
        #[arg(long, value_name = "KỲ")]
        period: chiso_core::period::Period,
        /// Mã đơn vị, hoặc tên đơn vị (không phân biệt hoa thường, dấu).
        #[arg(long, value_name = "ĐƠN_VỊ")]
        unit: String,
        /// Mã chỉ số, ví dụ 2.1.
        #[arg(long, value_name = "CHỈ_SỐ")]
        criterion: String,
        /// Hiển thị nhiều nhất chừng này bản ghi (0: tất cả).
        #[arg(long, default_value_t = 50, value_name = "SỐ")]
        limit: usize,
        /// Dạng kết quả: table (bảng), json hoặc csv.
        #[arg(long, value_enum, default_value_t = Format::Table, value_name = "DẠNG")]
        format: Format,
    },
    /// Cảnh báo sớm: hồ sơ, phản ánh sắp trễ hạn, điểm có nguy cơ mất trong tháng, hồ sơ chờ bổ sung.
    Watch {
        /// Mã đơn vị, hoặc tên đơn vị (không phân biệt hoa thường, dấu).
        #[arg(long, value_name = "ĐƠN_VỊ")]
        unit: String,
        /// Số ngày làm việc tới (trừ ngày nghỉ lễ).
        #[arg(long, default_value_t = chiso_core::warn::DEFAULT_HORIZON_DAYS, value_name = "SỐ")]
        days: u32,
        /// Ngày xem (dd/mm/yyyy hoặc yyyy-mm-dd): số liệu như tại cuối ngày đó (mặc định: số liệu mới nhất).
        #[arg(long, value_name = "NGÀY")]
        at: Option<String>,
        /// Dạng kết quả: table (bảng) hoặc json.
        #[arg(long, value_enum, default_value_t = Format::Table, value_name = "DẠNG")]
        format: Format,
    },
    /// Giả định: điểm, tổng điểm và hạng nếu một số hồ sơ khác đi; hoặc cách ít hồ sơ nhất để đạt một tổng điểm.
    Whatif(ahead::WhatIfArgs),
    /// Dự báo điểm cuối tháng (có khoảng dao động) của một đơn vị; 'forecast backtest' để kiểm tra trên các tháng đã qua.
    #[command(args_conflicts_with_subcommands = true)]
    Forecast {
        #[command(subcommand)]
        action: Option<ForecastAction>,
        /// Mã đơn vị, hoặc tên đơn vị (không phân biệt hoa thường, dấu).
        #[arg(long, value_name = "ĐƠN_VỊ")]
        unit: Option<String>,
        /// Ngày xem (dd/mm/yyyy hoặc yyyy-mm-dd): số liệu như tại cuối ngày đó (mặc định: số liệu mới nhất).
        #[arg(long, value_name = "NGÀY")]
        at: Option<String>,
        /// Dạng kết quả: table (bảng) hoặc json.
        #[arg(long, value_enum, default_value_t = Format::Table, value_name = "DẠNG")]
        format: Format,
    },
    /// Cảnh báo theo quy tắc của Văn phòng: đánh giá, ghi (mỗi sự việc một lần), gửi thư tóm tắt, xem.
    Alerts {
        #[command(subcommand)]
        action: alerts::AlertsAction,
    },
    /// Chỉ tiêu giao của từng đơn vị và mục tiêu năm: nhập, xem chỉ tiêu, thực hiện và chênh lệch.
    Targets {
        #[command(subcommand)]
        action: targets::TargetsAction,
    },
    /// Đối chiếu kết quả Cổng DVCQG công bố với kết quả chiso, và lý do chênh lệch.
    Reconcile {
        /// Kỳ báo cáo: 2026-10, 2026-Q3, 2026-H1, 2026, 2026-10:ytd, 2026-01-01..2026-02-15.
        #[arg(long, value_name = "KỲ")]
        period: chiso_core::period::Period,
        /// Mã đơn vị, hoặc tên đơn vị (không phân biệt hoa thường, dấu).
        #[arg(long, value_name = "ĐƠN_VỊ")]
        unit: Option<String>,
        /// Dạng kết quả: table (bảng), json hoặc csv.
        #[arg(long, value_enum, default_value_t = Format::Table, value_name = "DẠNG")]
        format: Format,
    },
    /// Các bản ghi bị từ chối và lý do.
    Quarantine {
        /// Ghi ra tệp CSV (mở được bằng Excel).
        #[arg(long, value_name = "TỆP")]
        export: Option<PathBuf>,
        /// Xóa danh sách sau khi đọc.
        #[arg(long)]
        clear: bool,
    },
    /// Tính lại mọi số đo từ dữ liệu gốc.
    Rebuild,
    /// Cơ sở dữ liệu đang chứa gì và số liệu mới đến ngày nào.
    Status,
    /// Tạo một tỉnh mẫu thực tế (hoặc toàn quốc) và in bảng xếp hạng tháng gần nhất.
    Demo {
        /// Hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu).
        #[arg(long, default_value_t = 2026, value_name = "SỐ")]
        seed: u64,
        /// Số hồ sơ (gần đúng; mặc định 300.000, toàn quốc 200.000).
        #[arg(long, value_name = "SỐ")]
        dossiers: Option<usize>,
        /// Toàn quốc: 34 tỉnh, thành phố với các sở, ngành và khoảng 3.300 xã, phường, cùng các
        /// bộ, ngành.
        #[arg(long)]
        national: bool,
        /// Ghi thêm dữ liệu mẫu thành các tệp CSV (đúng định dạng nhập) vào thư mục này.
        #[arg(long, value_name = "THƯ_MỤC")]
        export: Option<PathBuf>,
        /// Ghi đè cơ sở dữ liệu đang chứa dữ liệu không phải dữ liệu mẫu.
        #[arg(long)]
        force: bool,
    },
    /// Chạy bảng điều khiển web và API JSON.
    Serve(ServeArgs),
    /// Sao lưu cơ sở dữ liệu SQLite đang chạy (an toàn khi máy chủ đang ghi).
    Backup {
        /// Tệp bản sao.
        #[arg(long, value_name = "TỆP")]
        out: PathBuf,
        /// Ghi đè tệp bản sao đã có.
        #[arg(long)]
        force: bool,
    },
    /// In cấu hình đang dùng và nguồn của từng giá trị (mật khẩu được che).
    Config,
    /// Công văn và phụ lục: Excel, Word, PDF, Markdown hoặc CSV.
    Report(report::ReportArgs),
    /// Người dùng và quyền (quản trị, cán bộ, người phê duyệt, người xem) theo đơn vị.
    User {
        #[command(subcommand)]
        action: accounts::UserAction,
    },
    /// Token cho hệ thống gửi dữ liệu và kịch bản (Authorization: Bearer …).
    Token {
        #[command(subcommand)]
        action: accounts::TokenAction,
    },
    /// Nhật ký kiểm tra: kiểm tra chuỗi mã băm, xem, xuất.
    Audit {
        #[command(subcommand)]
        action: accounts::AuditAction,
    },
    /// Công bố kết quả: đóng băng bảng điểm một kỳ cho trang công khai và báo cáo chính thức.
    Publication {
        #[command(subcommand)]
        action: publication::PublicationAction,
    },
    /// Các phiên bản bộ chỉ số (phương pháp tính).
    Methodology {
        #[command(subcommand)]
        action: MethodologyAction,
    },
    /// Biểu mẫu báo cáo CCHC 1–7 (danh mục có phiên bản).
    Forms {
        #[command(subcommand)]
        action: forms::FormsAction,
    },
    /// Kế hoạch CCHC năm: nhập, mẫu, xem, ghi trạng thái nhiệm vụ.
    Plan {
        #[command(subcommand)]
        action: reform::PlanAction,
    },
    /// Kết quả Chỉ số CCHC (PAR Index), SIPAS, PAPI, 766 năm: nhập, xem.
    Results {
        #[command(subcommand)]
        action: reform::ResultsAction,
    },
    /// Nâng cấp lược đồ cơ sở dữ liệu PostgreSQL (--db postgres://…) lên phiên bản của chiso này.
    Migrate,
    /// Đo tốc độ nhập, tính lại và chấm điểm trên một tỉnh sinh ngẫu nhiên.
    Bench {
        /// Số hồ sơ sinh ra.
        #[arg(long, default_value_t = 1_000_000, value_name = "SỐ")]
        dossiers: usize,
        /// Thư mục cho các tệp CSV và cơ sở dữ liệu (mặc định: thư mục tạm).
        #[arg(long, value_name = "THƯ_MỤC")]
        dir: Option<PathBuf>,
        /// Hạt giống ngẫu nhiên.
        #[arg(long, default_value_t = 7, value_name = "SỐ")]
        seed: u64,
        /// Sinh dữ liệu toàn quốc (34 tỉnh, thành phố và các bộ, ngành) thay cho một tỉnh.
        #[arg(long)]
        national: bool,
    },
}

#[derive(Subcommand)]
enum ForecastAction {
    /// Kiểm tra dự báo trên các tháng đã qua: dự báo từ các ngày --days của mỗi tháng (với số liệu
    /// như tại ngày đó), so với điểm cuối tháng.
    Backtest {
        /// Số tháng trọn vẹn gần nhất.
        #[arg(long, default_value_t = 12, value_name = "SỐ")]
        months: usize,
        /// Các ngày trong tháng dự báo từ đó.
        #[arg(long, value_delimiter = ',', default_values_t = [10u32, 20], value_name = "NGÀY,NGÀY")]
        days: Vec<u32>,
        /// Chỉ các đơn vị loại này (mặc định: đơn vị cấp trên cùng và các đơn vị trực thuộc).
        #[arg(long, value_name = "LOẠI")]
        kind: Option<String>,
        /// Dạng kết quả: table (bảng tổng hợp) hoặc csv (từng dự báo).
        #[arg(long, value_enum, default_value_t = Format::Table, value_name = "DẠNG")]
        format: Format,
    },
}

#[derive(Subcommand)]
enum MethodologyAction {
    /// Xem một phiên bản: theo mã, hoặc phiên bản có hiệu lực trong --period (mặc định: hôm nay).
    Show {
        #[arg(value_name = "MÃ")]
        id: Option<String>,
        /// Kỳ báo cáo.
        #[arg(long, value_name = "KỲ")]
        period: Option<String>,
    },
    /// Kiểm tra một tệp phương pháp tính.
    Check {
        #[arg(value_name = "TỆP")]
        file: PathBuf,
    },
    /// Kiểm tra rồi lưu một tệp phương pháp tính vào cơ sở dữ liệu, cạnh các phiên bản có sẵn.
    Add {
        #[arg(value_name = "TỆP")]
        file: PathBuf,
    },
    /// Liệt kê các phiên bản và thời gian hiệu lực.
    List,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

impl Cli {
    /// What the command line says about the configuration.
    fn flags(&self) -> config::Flags {
        let serve = match &self.command {
            Command::Serve(args) => Some(args),
            _ => None,
        };
        config::Flags {
            config: self.config.clone(),
            db: self.db.clone(),
            addr: serve.and_then(|a| a.addr.clone()),
            log: self.log.clone(),
            log_format: self.log_format,
            allow_unauthenticated_sync: serve.is_some_and(|a| a.allow_unauthenticated_sync),
        }
    }
}

fn main() -> ExitCode {
    let cli = match args::parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    if !matches!(cli.command, Command::Serve(_)) {
        quiet_on_closed_pipe();
    }
    let config = match config::Config::resolve(&cli.flags(), |name| std::env::var(name).ok()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("lỗi: {e:#}");
            return ExitCode::from(1);
        }
    };
    logging::init(&config);
    let started = std::time::Instant::now();
    let result = run(cli, &config);
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        ok = result.is_ok(),
        "lệnh xong"
    );
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("lỗi: {e:#}");
            ExitCode::from(if busy(&e) { EXIT_BUSY } else { 1 })
        }
    }
}

/// Whether a command failed because another writer kept the database
/// longer than it could wait.
fn busy(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<chiso_backend::BackendError>()
            .is_some_and(|b| b.is_busy())
            || matches!(
                cause.downcast_ref::<chiso_store::StoreError>(),
                Some(chiso_store::StoreError::Busy)
            )
    })
}

/// Lets a write to a closed pipe (`chiso score … | head`) end the process
/// quietly, as for any Unix filter, instead of a panic in `println!`. Not for
/// `serve`, whose sockets report a closed peer as an error to handle.
#[allow(unsafe_code)] // the one unsafe call of the workspace (workspace lints deny it elsewhere)
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restores the default disposition of one signal before any
    // thread is started; no handler runs Rust code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Opens (creating a SQLite file if needed) the database the configuration
/// names, for the commands that write: a SQLite file or a PostgreSQL server
/// (whose schema must be current: `chiso migrate`).
fn open_db(config: &config::Config) -> Result<Backend> {
    match config.postgres_url() {
        Some(url) => Backend::open(url)
            .with_context(|| format!("không mở được {}", config::mask_secrets(url))),
        None => {
            let db = config.sqlite_path()?;
            let store = open(&db)?;
            store.set_write_wait(std::time::Duration::from_secs(config.write_wait.value))?;
            Ok(Backend::Sqlite(store))
        }
    }
}

/// Opens (creating if needed) the SQLite file at `db`.
fn open(db: &std::path::Path) -> Result<chiso_store::Store> {
    chiso_store::Store::open(db)
        .with_context(|| format!("không mở được cơ sở dữ liệu {}", db.display()))
}

/// Whether the database exists (a PostgreSQL server is assumed to).
fn exists(config: &config::Config) -> Result<bool> {
    Ok(config.postgres_url().is_some() || config.sqlite_path()?.is_file())
}

/// Opens an existing database, for the commands that read: a missing file
/// is an error, not a new empty database.
fn open_existing_db(config: &config::Config) -> Result<Backend> {
    if !exists(config)? {
        bail!(
            "không có cơ sở dữ liệu {}: chạy 'chiso demo' để tạo một tỉnh mẫu, hoặc 'chiso init' \
             rồi 'chiso import …' để nhập dữ liệu của đơn vị (chọn tệp khác bằng --db TỆP)",
            config.sqlite_path()?.display()
        );
    }
    open_db(config)
}

fn run(cli: Cli, config: &config::Config) -> Result<u8> {
    let db = || config.sqlite_path();
    match cli.command {
        Command::Init => {
            let store = open_db(config)?;
            println!("Đã tạo cơ sở dữ liệu {}", store.name());
            Ok(EXIT_OK)
        }
        Command::Import {
            kind,
            files,
            period,
        } => {
            if reconcile::is_published(&kind) {
                return reconcile::import(&mut open_db(config)?, &files, period.as_deref());
            }
            let kind = chiso_ingest::RecordKind::parse(&kind).with_context(|| {
                format!("loại dữ liệu không rõ '{kind}': dùng units, procedures, dossiers, feedback, counts, holidays hoặc published")
            })?;
            if period.is_some() {
                anyhow::bail!("--period chỉ dùng khi nhập kết quả công bố: chiso import published TỆP --period 2026-10");
            }
            import::run(&mut open_db(config)?, kind, &files)
        }
        Command::Feed { files } => import::feed(&mut open_db(config)?, &files),
        Command::Score {
            period,
            unit,
            format,
        } => {
            output::score(&open_existing_db(config)?, &period, unit.as_deref(), format)?;
            Ok(EXIT_OK)
        }
        Command::Rank {
            period,
            parent,
            kind,
            format,
        } => {
            let (parent, kind) = (parent.as_deref(), kind.as_deref());
            output::rank(&open_existing_db(config)?, &period, parent, kind, format)?;
            Ok(EXIT_OK)
        }
        Command::Explain {
            period,
            unit,
            criterion,
            limit,
            format,
        } => {
            output::explain(
                &open_existing_db(config)?,
                &period,
                &unit,
                &criterion,
                limit,
                format,
            )?;
            Ok(EXIT_OK)
        }
        Command::Watch {
            unit,
            days,
            at,
            format,
        } => {
            ahead::watch(
                &open_existing_db(config)?,
                &unit,
                days,
                at.as_deref(),
                format,
            )?;
            Ok(EXIT_OK)
        }
        Command::Whatif(args) => {
            ahead::what_if(&open_existing_db(config)?, &args)?;
            Ok(EXIT_OK)
        }
        Command::Forecast {
            action,
            unit,
            at,
            format,
        } => {
            let store = open_existing_db(config)?;
            match action {
                Some(ForecastAction::Backtest {
                    months,
                    days,
                    kind,
                    format,
                }) => ahead::backtest(&store, months, &days, kind.as_deref(), format)?,
                None => {
                    let Some(unit) = unit else {
                        bail!("cần --unit ĐƠN_VỊ (hoặc 'chiso forecast backtest')");
                    };
                    ahead::forecast(&store, &unit, at.as_deref(), format)?
                }
            }
            Ok(EXIT_OK)
        }
        Command::Alerts { action } => {
            let writes = matches!(action, alerts::AlertsAction::Run { .. });
            let code = alerts::run(config, || open_existing_db(config), action)?;
            if writes {
                audited(&open_existing_db(config)?, "alerts_run")?;
            }
            Ok(code)
        }
        Command::Targets { action } => match action {
            targets::TargetsAction::Import { files } => {
                let mut store = open_db(config)?;
                let code = targets::import(&mut store, &files)?;
                audited(&store, "targets_import")?;
                Ok(code)
            }
            targets::TargetsAction::Show { period, format } => {
                targets::show(&open_existing_db(config)?, &period, format)?;
                Ok(EXIT_OK)
            }
        },
        Command::Reconcile {
            period,
            unit,
            format,
        } => {
            reconcile::run(&open_existing_db(config)?, &period, unit.as_deref(), format)?;
            Ok(EXIT_OK)
        }
        Command::Quarantine { export, clear } => {
            output::quarantine(&mut open_existing_db(config)?, export.as_deref(), clear)?;
            Ok(EXIT_OK)
        }
        Command::Rebuild => {
            let started = std::time::Instant::now();
            let mut store = open_existing_db(config)?;
            store.rebuild()?;
            import::audit(&store, "rebuild", "")?;
            println!(
                "Đã tính lại toàn bộ số đo từ dữ liệu gốc trong {:.2} giây",
                started.elapsed().as_secs_f64()
            );
            Ok(EXIT_OK)
        }
        Command::Migrate => {
            let Some(url) = config.postgres_url() else {
                let path = db()?;
                open_db(config)?;
                println!(
                    "Cơ sở dữ liệu SQLite {} đã ở phiên bản mới nhất (SQLite tự nâng cấp khi mở)",
                    path.display()
                );
                return Ok(EXIT_OK);
            };
            let applied = chiso_store_pg::PgStore::migrate(url)?;
            println!(
                "{}: đã áp dụng {} bước nâng cấp cơ sở dữ liệu",
                config::mask_secrets(url),
                applied.len()
            );
            Ok(EXIT_OK)
        }
        Command::Status => {
            let store = open_existing_db(config)?;
            output::status(&store, store.name())?;
            Ok(EXIT_OK)
        }
        Command::Demo {
            seed,
            dossiers,
            national,
            export,
            force,
        } => {
            let cfg = demo::config(seed, dossiers, national);
            demo::run(&db()?, &cfg, export.as_deref(), force)?;
            Ok(EXIT_OK)
        }
        Command::Serve(_) => {
            let store = open_existing_db(config)?;
            let db = store.name().to_string();
            drop(store);
            let db = match config.postgres_url() {
                Some(url) => url.to_string(),
                None => db,
            };
            chiso_web::serve(
                &db,
                &config.addr.value,
                config.allow_unauthenticated_sync.value,
            )?;
            Ok(EXIT_OK)
        }
        Command::Backup { out, force } => {
            if config::is_postgres(&config.db.value) {
                bail!(
                    "chiso backup chỉ sao lưu SQLite; với PostgreSQL dùng pg_dump (xem docs/operations.md)"
                );
            }
            backup::run(&db()?, &out, force)
        }
        Command::Config => {
            print!("{}", config.render());
            Ok(EXIT_OK)
        }
        Command::Report(args) => {
            report::run(&open_existing_db(config)?, &args)?;
            Ok(EXIT_OK)
        }
        Command::User { action } => accounts::user(&open_existing_db(config)?, action),
        Command::Token { action } => accounts::token(&open_existing_db(config)?, action),
        Command::Audit { action } => accounts::audit_log(&open_existing_db(config)?, action),
        Command::Publication { action } => publication::run(&mut open_existing_db(config)?, action),
        Command::Methodology { action } => methodologies::run(config, action),
        Command::Forms {
            action: forms::FormsAction::Catalogue(action),
        } => forms::run(action),
        Command::Forms {
            action: forms::FormsAction::Work(action),
        } => {
            use reform::WorkAction as W;
            let writes = !matches!(
                action,
                W::Template { .. } | W::History { .. } | W::Status { .. } | W::Report { .. }
            );
            let mut store = open_existing_db(config)?;
            let code = reform::forms(&mut store, action)?;
            if writes {
                audited(&store, "cchc_forms")?;
            }
            Ok(code)
        }
        Command::Plan { action } => {
            use reform::PlanAction as P;
            let writes = matches!(action, P::Import { .. } | P::Status { .. });
            let mut store = open_existing_db(config)?;
            let code = reform::plan(&mut store, action)?;
            if writes {
                audited(&store, "cchc_plan")?;
            }
            Ok(code)
        }
        Command::Results { action } => {
            let writes = matches!(action, reform::ResultsAction::Import { .. });
            let mut store = open_existing_db(config)?;
            let code = reform::results(&mut store, action)?;
            if writes {
                audited(&store, "cchc_results")?;
            }
            Ok(code)
        }
        Command::Bench {
            dossiers,
            dir,
            seed,
            national,
        } => {
            bench::run(
                &demo::config(seed, Some(dossiers), national),
                dir.as_deref(),
            )?;
            Ok(EXIT_OK)
        }
    }
}

/// Records a command that changed data in the audit log, by
/// `cli:<operating-system user>`: the command line as typed, and the
/// SHA-256 of each file it names.
fn audited(store: &chiso_backend::Backend, action: &str) -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut detail = args.join(" ");
    for arg in &args {
        let path = std::path::Path::new(arg);
        if !path.is_file() {
            continue;
        }
        let mut hash = chiso_core::accounts::ContentHash::default();
        let mut file = std::fs::File::open(path)
            .with_context(|| format!("không đọc được tệp {}", path.display()))?;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = std::io::Read::read(&mut file, &mut buf)?;
            if n == 0 {
                break;
            }
            hash.update(&buf[..n]);
        }
        detail.push_str(&format!(" sha256({arg})={}", hash.finish()));
    }
    chiso_app::accounts::audit(
        store,
        accounts::now(),
        &accounts::actor(),
        "cli",
        action,
        &detail,
    )?;
    Ok(())
}
