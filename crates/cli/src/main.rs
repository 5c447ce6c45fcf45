//! `chiso`: the command line. Parses arguments, opens the store and hands
//! over to the command modules; errors are reported here with their context.

mod bench;
mod demo;
mod export;
mod forms;
mod import;
mod methodologies;
mod output;
mod table;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

/// Exit status when every record was accepted.
pub const EXIT_OK: u8 = 0;
/// Exit status when some records were rejected (kept in quarantine).
pub const EXIT_REJECTED: u8 = 3;
/// Exit status when a file could not be read at all.
pub const EXIT_UNREADABLE: u8 = 4;

#[derive(Parser)]
#[command(
    name = "chiso",
    version,
    about = "Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg): tính điểm, xếp hạng, giải trình từ dữ liệu hồ sơ",
    after_help = "Mã thoát của 'import': 0 = nhận hết; 3 = có bản ghi bị từ chối (xem 'chiso quarantine'); 4 = không đọc được tệp.\n\
                  Kỳ báo cáo: 2024-03 (tháng), 2024-Q1 (quý), 2024-H1 (6 tháng), 2024 (năm), 2024-03:ytd (từ đầu năm), 2024-01-01..2024-02-15."
)]
struct Cli {
    /// SQLite database file.
    #[arg(long, global = true, default_value = "chiso.db")]
    db: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the database (tạo cơ sở dữ liệu).
    Init,
    /// Import records from CSV, JSON Lines or XLSX files (nhập dữ liệu).
    Import {
        /// units, procedures, dossiers, feedback, counts or holidays.
        kind: chiso_ingest::RecordKind,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Apply the real-time feed: dossier events as JSON Lines, in any order (luồng sự kiện hồ sơ).
    Feed {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Scores of every unit, or one unit's criteria (chấm điểm).
    Score {
        #[arg(long)]
        period: String,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Ranking among peers (xếp hạng).
    Rank {
        #[arg(long)]
        period: String,
        /// Only units under this parent.
        #[arg(long)]
        parent: Option<String>,
        /// Only units of this kind: province, department, district, commune…
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The records behind a criterion, failed first (giải trình).
    Explain {
        #[arg(long)]
        period: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        criterion: String,
        /// At most this many records (0: all).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Rejected records and their reasons (bản ghi bị từ chối).
    Quarantine {
        /// Write them to a CSV file.
        #[arg(long)]
        export: Option<PathBuf>,
        /// Empty the quarantine after reading it.
        #[arg(long)]
        clear: bool,
    },
    /// Recompute every maintained measure from the raw records.
    Rebuild,
    /// What the database holds and how fresh it is.
    Status,
    /// Build a realistic demo province and print the latest month's ranking.
    Demo {
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Approximate number of dossiers.
        #[arg(long, default_value_t = 300_000)]
        dossiers: usize,
        /// Also write the demo records as CSV files (the import format) to this folder.
        #[arg(long)]
        export: Option<PathBuf>,
        /// Replace an existing database that does not hold demo data.
        #[arg(long)]
        force: bool,
    },
    /// Start the web dashboard and JSON API (bảng điều khiển).
    Serve(chiso_web::ServeArgs),
    /// Official appendices and cover letter as Excel, Word, PDF, Markdown or CSV (phụ lục công văn).
    Report(chiso_report::ReportArgs),
    /// Methodology versions (bộ chỉ số, phương pháp tính).
    Methodology {
        #[command(subcommand)]
        action: MethodologyAction,
    },
    /// CCHC report forms 1–7 as versioned catalogues (biểu mẫu báo cáo CCHC).
    Forms {
        #[command(subcommand)]
        action: forms::FormsAction,
    },
    /// Measure import, rebuild and scoring speed on a generated province.
    Bench {
        /// Number of dossiers to generate.
        #[arg(long, default_value_t = 1_000_000)]
        dossiers: usize,
        /// Folder for the generated CSV files and database (default: a temporary folder).
        #[arg(long)]
        dir: Option<PathBuf>,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum MethodologyAction {
    /// Show a version: the one in force for --period, or by id (default: in force today).
    Show {
        id: Option<String>,
        #[arg(long)]
        period: Option<String>,
    },
    /// Validate a methodology file.
    Check { file: PathBuf },
    /// Validate a methodology file and store it in the database, next to the shipped versions.
    Add { file: PathBuf },
    /// List the versions and their validity.
    List,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("lỗi: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn open(db: &std::path::Path) -> Result<chiso_store::Store> {
    chiso_store::Store::open(db)
        .with_context(|| format!("không mở được cơ sở dữ liệu {}", db.display()))
}

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Init => {
            open(&cli.db)?;
            println!("Đã tạo cơ sở dữ liệu {}", cli.db.display());
            Ok(EXIT_OK)
        }
        Command::Import { kind, files } => import::run(&mut open(&cli.db)?, kind, &files),
        Command::Feed { files } => import::feed(&mut open(&cli.db)?, &files),
        Command::Score {
            period,
            unit,
            format,
        } => {
            output::score(&open(&cli.db)?, &period, unit.as_deref(), format)?;
            Ok(EXIT_OK)
        }
        Command::Rank {
            period,
            parent,
            kind,
            format,
        } => {
            output::rank(
                &open(&cli.db)?,
                &period,
                parent.as_deref(),
                kind.as_deref(),
                format,
            )?;
            Ok(EXIT_OK)
        }
        Command::Explain {
            period,
            unit,
            criterion,
            limit,
            format,
        } => {
            output::explain(&open(&cli.db)?, &period, &unit, &criterion, limit, format)?;
            Ok(EXIT_OK)
        }
        Command::Quarantine { export, clear } => {
            output::quarantine(&open(&cli.db)?, export.as_deref(), clear)?;
            Ok(EXIT_OK)
        }
        Command::Rebuild => {
            let started = std::time::Instant::now();
            open(&cli.db)?
                .rebuild()
                .context("không tính lại được các số đo")?;
            println!(
                "Đã tính lại toàn bộ số đo từ dữ liệu gốc trong {:.2} giây",
                started.elapsed().as_secs_f64()
            );
            Ok(EXIT_OK)
        }
        Command::Status => {
            output::status(&open(&cli.db)?)?;
            Ok(EXIT_OK)
        }
        Command::Demo {
            seed,
            dossiers,
            export,
            force,
        } => {
            demo::run(&cli.db, seed, dossiers, export.as_deref(), force)?;
            Ok(EXIT_OK)
        }
        Command::Serve(args) => {
            chiso_web::serve(&cli.db, &args)?;
            Ok(EXIT_OK)
        }
        Command::Report(args) => {
            chiso_report::run(&open(&cli.db)?, &args)?;
            Ok(EXIT_OK)
        }
        Command::Methodology { action } => methodologies::run(&cli.db, action),
        Command::Forms { action } => forms::run(action),
        Command::Bench {
            dossiers,
            dir,
            seed,
        } => {
            bench::run(dossiers, dir.as_deref(), seed)?;
            Ok(EXIT_OK)
        }
    }
}
