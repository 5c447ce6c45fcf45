//! The administrative-reform (CCHC) commands that use the database:
//! `chiso plan import|template|show|status`, the forms workflow
//! (`chiso forms template|import|submit|approve|return|reopen|waive|status|report`)
//! and `chiso results import|show`. They parse at the edge, read files, and
//! print what `chiso_app::cchc` decided; on SQLite or PostgreSQL alike.
//!
//! Who acts is `--actor` (a plain name recorded with every step) with the
//! role the step needs (the unit's officer, an approver of the unit above),
//! or the roles given with `--role`: accounts do not exist yet, so the
//! command line is trusted like the database file it opens.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chiso_app::cchc::{self, Acting};
use chiso_cchc::doc::from_number;
use chiso_cchc::period::ReportingPeriod;
use chiso_cchc::plan::{Progress, StatusEntry};
use chiso_cchc::plan_file;
use chiso_cchc::results::{self, IndexKind};
use chiso_cchc::workflow::{Action, Actor, Role};
use chiso_core::format;
use chiso_core::records::Unit;
use chiso_core::reform::JournalStore;
use chiso_core::storage::Storage;
use chiso_core::time::{Date, Instant};
use chiso_report::{render, Format};
use clap::Subcommand;

use crate::EXIT_OK;

/// A backend both contracts are kept by, with one error type.
pub trait Backend:
    Storage<Error = <Self as Backend>::E> + JournalStore<Error = <Self as Backend>::E>
{
    type E: std::error::Error + Send + Sync + 'static;
}

impl Backend for chiso_backend::Backend {
    type E = chiso_backend::BackendError;
}

#[derive(Subcommand)]
pub enum PlanAction {
    /// Nhập kế hoạch CCHC năm từ tệp CSV hoặc Excel (mẫu: chiso plan template).
    Import {
        #[arg(value_name = "TỆP")]
        file: PathBuf,
        /// Đơn vị có kế hoạch (mã hoặc tên; mặc định: UBND tỉnh).
        #[arg(long, value_name = "ĐƠN_VỊ")]
        unit: Option<String>,
        #[arg(long, value_name = "NĂM")]
        year: i32,
        /// Người nhập (ghi vào lịch sử trạng thái).
        #[arg(long, value_name = "TÊN")]
        actor: String,
    },
    /// Tạo tệp Excel mẫu để điền kế hoạch.
    Template {
        #[arg(long, value_name = "TỆP")]
        out: PathBuf,
    },
    /// Xem kế hoạch: nhiệm vụ theo lĩnh vực, trạng thái tính đến một ngày và tỷ lệ hoàn thành.
    Show {
        #[arg(long, value_name = "ĐƠN_VỊ")]
        unit: Option<String>,
        #[arg(long, value_name = "NĂM")]
        year: i32,
        /// Ngày xét (mặc định: hôm nay hoặc cuối năm nếu đã qua).
        #[arg(long, value_name = "NGÀY")]
        on: Option<String>,
    },
    /// Ghi thêm trạng thái của một nhiệm vụ (lịch sử chỉ ghi thêm, không sửa).
    Status {
        #[arg(long, value_name = "ĐƠN_VỊ")]
        unit: Option<String>,
        #[arg(long, value_name = "NĂM")]
        year: i32,
        #[arg(long, value_name = "SỐ")]
        task: u32,
        /// Đã thực hiện, Đang triển khai thực hiện, Chưa tới thời gian thực hiện, Không thực hiện.
        #[arg(long, value_name = "TRẠNG_THÁI")]
        status: String,
        /// Ngày của trạng thái (dd/mm/yyyy).
        #[arg(long, value_name = "NGÀY")]
        date: String,
        /// Số văn bản làm căn cứ, có thể lặp lại: --evidence 125/QĐ-UBND.
        #[arg(long, value_name = "SỐ_VĂN_BẢN")]
        evidence: Vec<String>,
        /// Ghi chú (bắt buộc khi không thực hiện: lý do).
        #[arg(long, value_name = "GHI_CHÚ", default_value = "")]
        note: String,
        #[arg(long, value_name = "TÊN")]
        actor: String,
    },
}

/// Who acts on a submission.
#[derive(clap::Args, Clone, Debug)]
pub struct Who {
    /// Người thực hiện (ghi vào lịch sử).
    #[arg(long, value_name = "TÊN")]
    pub actor: String,
    /// Vai trò, có thể lặp lại: officer:MÃ_ĐƠN_VỊ, approver:MÃ_ĐƠN_VỊ hoặc admin
    /// (mặc định: cán bộ của đơn vị khi nhập, gửi; người duyệt của cấp trên khi duyệt, trả lại, mở lại).
    #[arg(long, value_name = "VAI_TRÒ")]
    pub role: Vec<String>,
}

/// A unit's submission for a period.
#[derive(clap::Args, Clone, Debug)]
pub struct Target {
    /// Đơn vị (mã hoặc tên).
    #[arg(long, value_name = "ĐƠN_VỊ")]
    pub unit: String,
    /// Kỳ báo cáo: 2026-Q1, 2026-H1, 2026-Q3, 2026-Y.
    #[arg(long, value_name = "KỲ")]
    pub period: ReportingPeriod,
}

/// The forms workflow's commands (`chiso forms …`).
#[derive(Subcommand)]
pub enum WorkAction {
    /// Tạo biểu mẫu Excel của một đơn vị cho một kỳ, điền sẵn số liệu chiso có (kế hoạch, hồ sơ).
    Template {
        #[command(flatten)]
        target: Target,
        /// Tệp ra (.xlsx; .docx, .pdf, .md để xem).
        #[arg(long, value_name = "TỆP")]
        out: PathBuf,
    },
    /// Nhập biểu mẫu đã điền: lỗi, cảnh báo theo dòng; lưu thành một lần nhập mới.
    Import {
        #[arg(value_name = "TỆP")]
        file: PathBuf,
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        who: Who,
    },
    /// Gửi báo cáo lên cấp trên (lỗi phải sửa, cảnh báo phải giải trình).
    Submit {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        who: Who,
    },
    /// Duyệt báo cáo của đơn vị cấp dưới.
    Approve {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        who: Who,
    },
    /// Trả lại báo cáo, ghi lý do.
    Return {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        who: Who,
        #[arg(long, value_name = "LÝ_DO")]
        reason: String,
    },
    /// Mở lại báo cáo đã duyệt, ghi lý do.
    Reopen {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        who: Who,
        #[arg(long, value_name = "LÝ_DO")]
        reason: String,
    },
    /// Miễn báo cáo kỳ này cho một đơn vị, ghi lý do.
    Waive {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        who: Who,
        #[arg(long, value_name = "LÝ_DO")]
        reason: String,
    },
    /// Lịch sử một báo cáo: từng bước (ai, khi nào, lý do) và số liệu thay đổi từ lần duyệt gần nhất.
    History {
        #[command(flatten)]
        target: Target,
    },
    /// Tình hình gửi báo cáo của các đơn vị cấp dưới: chưa gửi, trễ hạn, bị trả lại.
    Status {
        /// Đơn vị nhận báo cáo (mặc định: UBND tỉnh).
        #[arg(long, value_name = "ĐƠN_VỊ")]
        unit: Option<String>,
        #[arg(long, value_name = "KỲ")]
        period: ReportingPeriod,
        /// Ghi danh sách đơn vị chưa gửi, trễ hạn, bị trả lại ra tệp CSV (để in, nhắc việc).
        #[arg(long, value_name = "TỆP")]
        out: Option<PathBuf>,
    },
    /// Phụ lục I (kế hoạch) và Phụ lục II (biểu mẫu 1–7, số liệu tổng hợp) ra Excel, Word hoặc PDF.
    Report {
        #[arg(long, value_name = "ĐƠN_VỊ")]
        unit: Option<String>,
        #[arg(long, value_name = "KỲ")]
        period: ReportingPeriod,
        /// Tệp ra: .xlsx, .docx, .pdf (hoặc .md, .csv).
        #[arg(long, value_name = "TỆP")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum ResultsAction {
    /// Nhập kết quả Chỉ số CCHC, SIPAS, PAPI, 766 năm từ CSV hoặc Excel (cột: chi_so, nam, don_vi,
    /// thanh_phan, gia_tri, toi_da, thu_hang, tren, gia_tri_truoc, thu_hang_truoc, xep_loai, van_ban).
    Import {
        #[arg(value_name = "TỆP")]
        file: PathBuf,
        #[arg(long, value_name = "TÊN")]
        actor: String,
    },
    /// Xem kết quả đã nhập.
    Show {
        /// par, sipas, papi hoặc 766.
        #[arg(long, value_name = "CHỈ_SỐ")]
        index: Option<String>,
        #[arg(long, value_name = "NĂM")]
        year: Option<i32>,
    },
}

fn now() -> Instant {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Instant::from_unix(secs)
}

fn units<S: Backend>(store: &S) -> Result<Vec<Unit>> {
    Ok(store.unit_list()?)
}

/// A unit by code or name; `None`: the top unit (UBND tỉnh).
fn unit_code<S: Backend>(store: &S, text: Option<&str>) -> Result<String> {
    let hierarchy = store.hierarchy()?;
    match text {
        Some(t) => Ok(hierarchy.find(t)?.code.clone()),
        None => store
            .unit_list()?
            .into_iter()
            .find(|u| u.parent_code.is_none() && u.valid_to.is_none())
            .map(|u| u.code)
            .context("không có đơn vị cấp tỉnh trong cơ sở dữ liệu: nhập danh mục đơn vị trước"),
    }
}

fn read_rows(file: &Path) -> Result<Vec<(usize, Vec<String>)>> {
    let bytes =
        std::fs::read(file).with_context(|| format!("không đọc được {}", file.display()))?;
    let sheets = chiso_ingest::cells::read(&file.display().to_string(), &bytes)?;
    Ok(sheets.into_iter().flat_map(|s| s.rows).collect())
}

fn write(out: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(out, bytes).with_context(|| format!("không ghi được {}", out.display()))
}

fn day(text: &str) -> Result<Date> {
    Date::parse(text).with_context(|| format!("ngày không hợp lệ '{text}': dùng dd/mm/yyyy"))
}

pub fn plan<S: Backend>(store: &mut S, action: PlanAction) -> Result<u8> {
    match action {
        PlanAction::Template { out } => {
            let bytes = plan_template()?;
            write(&out, &bytes)?;
            println!("Đã ghi mẫu kế hoạch {}", out.display());
        }
        PlanAction::Import {
            file,
            unit,
            year,
            actor,
        } => {
            let owner = unit_code(store, unit.as_deref())?;
            let rows = read_rows(&file)?;
            let hierarchy = store.hierarchy()?;
            let lookup = |text: &str| hierarchy.find(text).ok().map(|u| u.code.clone());
            let read = plan_file::read(&owner, year, &rows, &lookup, &actor)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            for p in &read.problems {
                eprintln!("{}:{}: {}", file.display(), p.line, p.message);
            }
            if !read.problems.is_empty() {
                bail!(
                    "{}: {} dòng không nhập được (đã đọc {}): sửa các dòng trên rồi nhập lại, kế hoạch chưa được lưu",
                    file.display(),
                    read.problems.len(),
                    read.read
                );
            }
            let tasks = read.plan.tasks.len();
            let added = cchc::import_plan(store, read.plan, now())?;
            println!(
                "{}: {tasks} nhiệm vụ của kế hoạch năm {year} ({owner}); {added} trạng thái mới được ghi; {} dòng trống",
                file.display(),
                read.skipped
            );
        }
        PlanAction::Show { unit, year, on } => {
            let owner = unit_code(store, unit.as_deref())?;
            let Some(p) = cchc::plan(store, &owner, year)? else {
                bail!("{owner} chưa có kế hoạch năm {year}: chiso plan import TỆP --year {year}");
            };
            let on = match on {
                Some(t) => day(&t)?,
                None => now()
                    .date()
                    .min(Date::from_ymd(year, 12, 31).context("năm")?),
            };
            let plan = &p.value;
            println!("Kế hoạch CCHC năm {year} — {owner}, tính đến {}", on.vn());
            println!("{}", plan.completion(on).summary_vi());
            for area in chiso_cchc::catalogue::Area::ALL {
                let tasks: Vec<_> = plan.tasks_in(area).collect();
                if tasks.is_empty() {
                    continue;
                }
                println!("\n{}. {}", area.roman(), area.label_vi());
                for t in tasks {
                    let progress = t.progress(on, year);
                    let reason = match &progress {
                        Progress::Cancelled { reason } => format!(" ({reason})"),
                        _ => String::new(),
                    };
                    println!(
                        "  {:>3}. [{}{reason}] {} — {}",
                        t.no,
                        progress.label_vi(),
                        t.text,
                        t.deadline_text
                    );
                }
            }
        }
        PlanAction::Status {
            unit,
            year,
            task,
            status,
            date,
            evidence,
            note,
            actor,
        } => {
            let owner = unit_code(store, unit.as_deref())?;
            let status = plan_file::parse_status(&status).with_context(|| {
                format!("trạng thái '{status}' không rõ: dùng Đã thực hiện, Đang triển khai thực hiện, Chưa tới thời gian thực hiện hoặc Không thực hiện")
            })?;
            let entry = StatusEntry {
                status,
                as_of: day(&date)?,
                evidence: evidence.iter().map(|n| from_number(n)).collect(),
                note,
                by: actor,
            };
            cchc::record_task(store, &owner, year, task, entry, now())?;
            println!(
                "Đã ghi: nhiệm vụ {task} — {} ngày {date}",
                plan_file::status_label(status)
            );
        }
    }
    Ok(EXIT_OK)
}

fn plan_template() -> Result<Vec<u8>> {
    use chiso_report::model::{
        Align, Block, Column, HeaderCell, Orientation, Part, PartKind, Report, Table,
    };
    let columns = plan_file::COLUMNS
        .iter()
        .map(|c| Column {
            width: if *c == "Nhiệm vụ" { 40.0 } else { 16.0 },
            align: Align::Left,
        })
        .collect();
    let header = plan_file::COLUMNS
        .iter()
        .enumerate()
        .map(|(i, t)| HeaderCell {
            row: 0,
            col: i,
            rows: 1,
            cols: 1,
            text: t.to_string(),
        })
        .collect();
    let report = Report {
        title: "Kế hoạch CCHC năm".into(),
        period_code: "ke-hoach".into(),
        parts: vec![Part {
            kind: PartKind::FormsTemplate,
            name: "Kế hoạch".into(),
            orientation: Orientation::Landscape,
            blocks: vec![
                Block::Title("KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM".into()),
                Block::Paragraph("Mỗi nhiệm vụ một dòng. Lĩnh vực: I–VII. Nhiều cơ quan cách nhau bằng dấu chấm phẩy. Trạng thái (nếu có) cần Ngày cập nhật (dd/mm/yyyy); Không thực hiện cần lý do ở Ghi chú; Văn bản: số, ký hiệu (125/QĐ-UBND), cách nhau bằng dấu chấm phẩy.".into()),
                Block::Table(Table {
                    columns,
                    header,
                    header_rows: 1,
                    rows: Vec::new(),
                }),
            ],
        }],
    };
    Ok(render(&report, Format::Xlsx)?)
}

/// The workflow steps of `chiso forms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Submit,
    Approve,
    Return,
    Reopen,
    Waive,
}

fn parse_roles(who: &Who) -> Result<Vec<Role>> {
    who.role
        .iter()
        .map(|r| {
            Ok(match r.split_once(':') {
                Some(("officer", u)) => Role::Officer {
                    unit: u.to_string(),
                },
                Some(("approver", u)) => Role::Approver {
                    unit: u.to_string(),
                },
                None if r == "admin" => Role::Administrator,
                _ => bail!("vai trò '{r}' không rõ: dùng officer:MÃ, approver:MÃ hoặc admin"),
            })
        })
        .collect()
}

/// The actor, with the role the step needs unless roles were given.
fn actor(who: &Who, units: &[Unit], unit: &str, deciding: bool) -> Result<Actor> {
    let mut roles = parse_roles(who)?;
    if roles.is_empty() {
        roles.push(if deciding {
            let parent = units
                .iter()
                .find(|u| u.code == unit)
                .and_then(|u| u.parent_code.clone())
                .unwrap_or_else(|| unit.to_string());
            Role::Approver { unit: parent }
        } else {
            Role::Officer {
                unit: unit.to_string(),
            }
        });
    }
    Ok(Actor {
        id: who.actor.clone(),
        roles,
    })
}

/// `chiso forms template`: the unit's template with what chiso knows.
pub fn template<S: Backend>(store: &S, target: &Target, out: &Path) -> Result<u8> {
    let unit = unit_code(store, Some(&target.unit))?;
    let report = cchc::template(store, &units(store)?, &unit, target.period)?;
    let format = Format::from_path(out)?;
    write(out, &render(&report, format)?)?;
    println!(
        "Đã ghi biểu mẫu {} của {unit} vào {} (điền cột 'Số liệu' rồi nhập: chiso forms import {} --unit {unit} --period {})",
        target.period,
        out.display(),
        out.display(),
        target.period
    );
    Ok(EXIT_OK)
}

/// `chiso forms import`: a filled template, every problem with its line.
pub fn import<S: Backend>(store: &mut S, file: &Path, target: &Target, who: &Who) -> Result<u8> {
    let unit = unit_code(store, Some(&target.unit))?;
    let units = units(store)?;
    let rows = read_rows(file)?;
    let actor = actor(who, &units, &unit, false)?;
    let acting = Acting {
        units: &units,
        actor: &actor,
        at: now(),
    };
    let imported = cchc::import_filled(store, acting, &unit, target.period, &rows)?
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let f = &imported.filled;
    for p in &f.problems {
        eprintln!("{}:{}: lỗi: {}", file.display(), p.line, p.message);
    }
    let Some(saved) = imported.saved else {
        bail!(
            "{}: {} dòng không đọc được (đọc {}, nhận {}, bỏ qua {}): sửa rồi nhập lại, chưa lưu gì",
            file.display(),
            f.problems.len(),
            f.read,
            f.accepted,
            f.skipped
        );
    };
    let line_of = |id: &chiso_cchc::value::IndicatorId| {
        rows.iter()
            .find(|(_, cells)| cells.first().is_some_and(|c| c.trim() == id.to_string()))
            .map_or(0, |(l, _)| *l)
    };
    for finding in &saved.findings {
        eprintln!(
            "{}:{}: {}: {}",
            file.display(),
            line_of(&finding.at),
            finding.severity.label_vi().to_lowercase(),
            finding.message
        );
    }
    println!(
        "{}: đã lưu lần {} ({} chỉ tiêu, {} dòng bỏ qua); {} lỗi hoặc cảnh báo chưa giải trình{}",
        file.display(),
        saved.revision,
        f.accepted,
        f.skipped,
        saved.blocking,
        if saved.blocking == 0 {
            format!(
                ": gửi được (chiso forms submit --unit {unit} --period {})",
                target.period
            )
        } else {
            ": sửa lỗi, giải trình cảnh báo ở cột 'Giải trình' rồi nhập lại trước khi gửi"
                .to_string()
        }
    );
    Ok(EXIT_OK)
}

/// A workflow step from the command line.
pub fn step<S: Backend>(
    store: &mut S,
    step: Step,
    target: &Target,
    who: &Who,
    reason: Option<String>,
) -> Result<u8> {
    let unit = unit_code(store, Some(&target.unit))?;
    let units = units(store)?;
    let reason = || reason.clone().unwrap_or_default();
    let action = match step {
        Step::Submit => Action::Submit,
        Step::Approve => Action::Approve,
        Step::Return => Action::Return { reason: reason() },
        Step::Reopen => Action::Reopen { reason: reason() },
        Step::Waive => Action::Waive { reason: reason() },
    };
    let actor = actor(who, &units, &unit, step != Step::Submit)?;
    let acting = Acting {
        units: &units,
        actor: &actor,
        at: now(),
    };
    let status = cchc::act(store, acting, &unit, target.period, action, None)?;
    println!(
        "{unit} kỳ {}: {} (bởi {})",
        target.period,
        status.label_vi(),
        actor.id
    );
    Ok(EXIT_OK)
}

/// `chiso forms history`: every step of a submission with who, when and
/// why, and the rows changed since its last approval.
pub fn history<S: Backend>(store: &S, target: &Target) -> Result<u8> {
    let unit = unit_code(store, Some(&target.unit))?;
    let Some(s) = cchc::submission(store, &unit, target.period)? else {
        bail!("{unit} chưa có báo cáo kỳ {}", target.period);
    };
    let s = s.value;
    println!(
        "{unit} — {} (danh mục {}): {}",
        target.period.label_vi(),
        s.catalogue,
        s.status.label_vi()
    );
    for e in &s.events {
        let mut line = format!(
            "  {} {} — {} (lần {}): {} → {}",
            e.at.vn(),
            e.by,
            e.step.label_vi(),
            e.revision.map_or("-".to_string(), |r| r.to_string()),
            e.from.label_vi(),
            e.to.label_vi()
        );
        if let Some(reason) = &e.reason {
            line += &format!("; lý do: {reason}");
        }
        println!("{line}");
    }
    let changes = s.changes_since_approval();
    let since = if s.last_approved().is_some() {
        "từ lần duyệt gần nhất"
    } else {
        "(chưa duyệt lần nào)"
    };
    println!("Số liệu thay đổi {since}: {}", changes.len());
    let show =
        |e: &Option<chiso_cchc::value::Entry>| match e.as_ref().and_then(|e| e.value.as_ref()) {
            Some(chiso_cchc::value::Value::Number(n)) => n.vi(),
            Some(chiso_cchc::value::Value::Code(c)) => c.to_string(),
            Some(chiso_cchc::value::Value::Text(t)) => t.clone(),
            None => "(trống)".to_string(),
        };
    for c in &changes {
        println!("  {}: {} → {}", c.id, show(&c.before), show(&c.after));
    }
    Ok(EXIT_OK)
}

/// `chiso forms status`: who has reported to a unit, on time or late, who was returned.
pub fn status<S: Backend>(
    store: &S,
    parent: Option<&str>,
    period: ReportingPeriod,
    out: Option<&Path>,
) -> Result<u8> {
    let parent = unit_code(store, parent)?;
    let units = units(store)?;
    let c = cchc::completeness(store, &units, &parent, period, now())?;
    let name = |code: &str| {
        units
            .iter()
            .find(|u| u.code == code)
            .map_or(code.to_string(), |u| format!("{} ({code})", u.name))
    };
    let pct = |d: Option<chiso_cchc::decimal::Decimal>| d.map_or("-".to_string(), |d| d.vi());
    println!(
        "Kỳ {} — báo cáo gửi {}: {} / {} đơn vị đã gửi ({}%), {} đúng hạn ({}%), {} đã duyệt",
        period.label_vi(),
        name(&parent),
        c.received,
        c.expected,
        pct(c.completeness()),
        c.on_time,
        pct(c.timeliness()),
        c.approved
    );
    for (title, list) in [
        ("Chưa gửi", &c.missing),
        ("Trễ hạn", &c.late),
        ("Miễn báo cáo", &c.waived),
    ] {
        if !list.is_empty() {
            println!("{title} ({}):", list.len());
            for code in list {
                println!("  - {}", name(code));
            }
        }
    }
    if !c.returned.is_empty() {
        println!("Bị trả lại ({}):", c.returned.len());
        for (code, reason) in &c.returned {
            println!("  - {}: {reason}", name(code));
        }
    }
    if let Some(out) = out {
        // The reminder list: one row per unit to chase, for printing.
        let mut rows = vec![vec![
            "Mã đơn vị".to_string(),
            "Đơn vị".to_string(),
            "Tình trạng".to_string(),
            "Hạn gửi".to_string(),
            "Ghi chú".to_string(),
        ]];
        let unit_of = |code: &str| units.iter().find(|u| u.code == code);
        let due = |code: &str| {
            unit_of(code).map_or(String::new(), |u| {
                period
                    .due_for(u.kind, &chiso_cchc::period::Schedule::default())
                    .vn()
            })
        };
        let plain = |code: &str| unit_of(code).map_or(code.to_string(), |u| u.name.clone());
        for code in &c.missing {
            let late = if c.late.contains(code) {
                "Chưa gửi, quá hạn"
            } else {
                "Chưa gửi"
            };
            rows.push(vec![
                code.clone(),
                plain(code),
                late.into(),
                due(code),
                String::new(),
            ]);
        }
        for code in c.late.iter().filter(|code| !c.missing.contains(code)) {
            rows.push(vec![
                code.clone(),
                plain(code),
                "Gửi trễ hạn".into(),
                due(code),
                String::new(),
            ]);
        }
        for (code, reason) in &c.returned {
            rows.push(vec![
                code.clone(),
                plain(code),
                "Bị trả lại".into(),
                due(code),
                reason.clone(),
            ]);
        }
        write(out, &chiso_report::people_csv::to_bytes(rows)?)?;
        println!("Đã ghi danh sách nhắc việc vào {}", out.display());
    }
    let consolidated = cchc::consolidated(store, &units, &parent, period)?;
    if !consolidated.gaps.is_empty() {
        println!("Chỉ tiêu còn đơn vị để trống khi tổng hợp:");
        for (id, who) in &consolidated.gaps {
            println!("  - {id}: {}", who.join(", "));
        }
    }
    Ok(EXIT_OK)
}

/// `chiso forms report`: Phụ lục I and II of a unit's period.
pub fn report<S: Backend>(
    store: &S,
    unit: Option<&str>,
    period: ReportingPeriod,
    out: &Path,
) -> Result<u8> {
    let unit = unit_code(store, unit)?;
    let report = cchc::appendices(store, &units(store)?, &unit, period)?;
    let format = Format::from_path(out)?;
    write(out, &render(&report, format)?)?;
    let parts: Vec<&str> = report.parts.iter().map(|p| p.name.as_str()).collect();
    println!(
        "Đã ghi báo cáo CCHC {} của {unit} vào {} ({})",
        period.label_vi(),
        out.display(),
        parts.join(", ")
    );
    Ok(EXIT_OK)
}

pub fn results<S: Backend>(store: &mut S, action: ResultsAction) -> Result<u8> {
    match action {
        ResultsAction::Import { file, actor } => {
            let rows = read_rows(&file)?;
            let Some(h) = rows
                .iter()
                .position(|(_, cells)| cells.iter().any(|c| c.trim() == results::COLUMNS[0]))
            else {
                bail!(
                    "{}: không thấy dòng tiêu đề có cột {}",
                    file.display(),
                    results::COLUMNS[0]
                );
            };
            let header: Vec<String> = rows[h].1.iter().map(|c| c.trim().to_lowercase()).collect();
            let named: Vec<(usize, BTreeMap<String, String>)> = rows[h + 1..]
                .iter()
                .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
                .map(|(line, cells)| {
                    (
                        *line,
                        header.iter().cloned().zip(cells.iter().cloned()).collect(),
                    )
                })
                .collect();
            let read = results::read_rows(&named);
            let known = units(store)?;
            let mut unknown = Vec::new();
            for r in &read.results {
                if !known.iter().any(|u| u.code == r.unit) {
                    unknown.push(r.unit.clone());
                }
            }
            for e in &read.rejected {
                eprintln!("{}:{}: {}", file.display(), e.line, e.message);
            }
            if !unknown.is_empty() || !read.rejected.is_empty() {
                bail!(
                    "{}: {} dòng lỗi{}: sửa rồi nhập lại, chưa lưu gì",
                    file.display(),
                    read.rejected.len(),
                    if unknown.is_empty() {
                        String::new()
                    } else {
                        format!("; mã đơn vị không có: {}", unknown.join(", "))
                    }
                );
            }
            let at = now();
            for r in &read.results {
                cchc::put_result(store, r, &actor, at)?;
            }
            println!(
                "{}: {} kết quả ({} dòng, {} dòng thành phần)",
                file.display(),
                read.results.len(),
                read.read,
                read.accepted() - read.results.len()
            );
        }
        ResultsAction::Show { index, year } => {
            let index = match index {
                Some(i) => Some(IndexKind::parse(&i).with_context(|| {
                    format!("chỉ số '{i}' không rõ: dùng par, sipas, papi hoặc 766")
                })?),
                None => None,
            };
            let all = cchc::results(store, None)?;
            let units = units(store)?;
            for r in all
                .iter()
                .filter(|r| index.is_none_or(|i| r.index == i) && year.is_none_or(|y| r.year == y))
            {
                let name = units
                    .iter()
                    .find(|u| u.code == r.unit)
                    .map_or(r.unit.as_str(), |u| u.name.as_str());
                let rank = match (r.rank, r.among) {
                    (Some(k), Some(n)) => format!(", hạng {k}/{n}"),
                    (Some(k), None) => format!(", hạng {k}"),
                    _ => String::new(),
                };
                let change = r.change().map_or(String::new(), |c| {
                    format!(", so với năm trước {}", format::signed(c.to_f64()))
                });
                println!(
                    "{} {} — {name}: {}{}{rank}{change}{}",
                    r.index.label_vi(),
                    r.year,
                    r.value.vi(),
                    r.max.map_or(String::new(), |m| format!("/{}", m.vi())),
                    if r.class.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", r.class)
                    }
                );
                for c in &r.components {
                    println!(
                        "    {}: {}{}",
                        c.name,
                        c.value.vi(),
                        c.max.map_or(String::new(), |m| format!("/{}", m.vi()))
                    );
                }
            }
        }
    }
    Ok(EXIT_OK)
}

/// The forms commands that use the database (the catalogue commands are `forms::run`'s).
pub fn forms<S: Backend>(store: &mut S, action: WorkAction) -> Result<u8> {
    use WorkAction as A;
    match action {
        A::Template { target, out } => template(store, &target, &out),
        A::Import { file, target, who } => import(store, &file, &target, &who),
        A::Submit { target, who } => step(store, Step::Submit, &target, &who, None),
        A::Approve { target, who } => step(store, Step::Approve, &target, &who, None),
        A::Return {
            target,
            who,
            reason,
        } => step(store, Step::Return, &target, &who, Some(reason)),
        A::Reopen {
            target,
            who,
            reason,
        } => step(store, Step::Reopen, &target, &who, Some(reason)),
        A::Waive {
            target,
            who,
            reason,
        } => step(store, Step::Waive, &target, &who, Some(reason)),
        A::History { target } => history(store, &target),
        A::Status { unit, period, out } => status(store, unit.as_deref(), period, out.as_deref()),
        A::Report { unit, period, out } => report(store, unit.as_deref(), period, &out),
    }
}
