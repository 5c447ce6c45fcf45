//! `chiso report`: the command-line options of the official report, turned
//! into a `chiso_report::ReportRequest`; scoring through the application
//! layer; the bytes written to `--out` or printed.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chiso_backend::Backend;
use chiso_core::period::Period;
use chiso_core::records::UnitKind;
use chiso_report::config::parse_date;
use chiso_report::{render, Format, LetterInfo, PartKind, ReportError, ReportRequest};

/// Which units a report lists.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindArg {
    /// Sở, ban, ngành.
    Department,
    /// UBND cấp huyện (trước 01/7/2025).
    District,
    /// UBND cấp xã.
    Commune,
    All,
}

/// Which parts a report holds.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppendixArg {
    /// Công văn và mọi phụ lục.
    All,
    /// Điểm từng nhóm của từng đơn vị, hai kỳ cạnh nhau (S000).
    Criteria,
    /// Các thành phần của tỉnh so với cả nước (S001 Phụ lục I).
    Components,
    /// Xếp hạng đơn vị (S001 Phụ lục II).
    Ranking,
    /// Chứng thực điện tử bản sao từ bản chính theo đơn vị (S001 Phụ lục III).
    Certification,
    /// Số liệu từng đơn vị, điểm và tăng giảm (S002).
    Monthly,
    /// Tiến độ giải quyết và hồ sơ trực tuyến (S001 Phụ lục IV).
    Timeliness,
    /// Nội dung công văn với các số liệu.
    Letter,
}

/// `chiso report` options.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Kỳ báo cáo: 2026-03, 2026-Q1, 2026-H1, 2026, 2026-03:ytd, 2026-01-01..2026-02-15.
    #[arg(long, value_name = "KỲ")]
    pub period: Period,
    /// Loại đơn vị liệt kê trong các phụ lục.
    #[arg(long, value_enum, default_value = "all", value_name = "LOẠI")]
    pub kind: KindArg,
    /// Định dạng (md, csv, xlsx, docx, pdf); mặc định theo phần mở rộng của --out, nếu không thì md.
    #[arg(long, value_name = "DẠNG")]
    pub format: Option<Format>,
    /// Tệp kết quả; mặc định in ra màn hình (md, csv).
    #[arg(long, value_name = "TỆP")]
    pub out: Option<PathBuf>,
    /// Phần cần xuất, có thể nhiều phần cách nhau bằng dấu phẩy.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "all",
        value_name = "PHẦN"
    )]
    pub appendix: Vec<AppendixArg>,
    /// Dùng số liệu hiện tại (tạm tính) dù kỳ đã công bố; mặc định báo cáo theo bản công bố mới nhất của kỳ.
    #[arg(long)]
    pub provisional: bool,
    /// Mã (hoặc tên) đơn vị báo cáo (mặc định: UBND tỉnh).
    #[arg(long, value_name = "ĐƠN VỊ")]
    pub unit: Option<String>,
    /// Số, ký hiệu công văn: "4153/VPUB-KSTT".
    #[arg(long, value_name = "SỐ")]
    pub number: Option<String>,
    /// Ngày công văn: 2026-11-02 hoặc 02/11/2026.
    #[arg(long, value_name = "NGÀY")]
    pub date: Option<String>,
    /// Cơ quan ban hành: "Văn phòng UBND tỉnh Sơn Thủy".
    #[arg(long, value_name = "CƠ QUAN")]
    pub office: Option<String>,
    /// Tệp TOML: number, date, office, authority, issuer, place, subject,
    /// addressees, copies, signer_title, signer.
    #[arg(long, value_name = "TỆP")]
    pub config: Option<PathBuf>,
}

/// Reads the letter's particulars from a TOML file.
fn letter_file(path: &Path) -> Result<LetterInfo, ReportError> {
    let config = |message: String| ReportError::Config {
        path: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| config(e.to_string()))?;
    LetterInfo::from_toml(&text).map_err(|e| match e {
        ReportError::Config { message, .. } => config(message),
        other => other,
    })
}

/// The request that `chiso report` options describe.
pub fn request(args: &ReportArgs) -> Result<ReportRequest, ReportError> {
    let mut request = ReportRequest::new(args.period);
    request.kinds = match args.kind {
        KindArg::Department => vec![UnitKind::Department],
        KindArg::District => vec![UnitKind::District],
        KindArg::Commune => vec![UnitKind::Commune],
        KindArg::All => Vec::new(),
    };
    if !args.appendix.contains(&AppendixArg::All) {
        request.parts = args
            .appendix
            .iter()
            .filter_map(|a| match a {
                AppendixArg::All => None,
                AppendixArg::Criteria => Some(PartKind::Criteria),
                AppendixArg::Components => Some(PartKind::Components),
                AppendixArg::Ranking => Some(PartKind::Ranking),
                AppendixArg::Certification => Some(PartKind::Certification),
                AppendixArg::Monthly => Some(PartKind::Monthly),
                AppendixArg::Timeliness => Some(PartKind::Timeliness),
                AppendixArg::Letter => Some(PartKind::Letter),
            })
            .collect();
    }
    request.unit = args.unit.clone();
    let file = match &args.config {
        Some(path) => letter_file(path)?,
        None => LetterInfo::default(),
    };
    let options = LetterInfo {
        number: args.number.clone(),
        date: args.date.as_deref().map(parse_date).transpose()?,
        office: args.office.clone(),
        ..LetterInfo::default()
    };
    request.letter = file.overridden_by(options);
    Ok(request)
}

/// `chiso report`: builds the report and writes it to `--out` (or prints it).
pub fn run(store: &Backend, args: &ReportArgs) -> Result<()> {
    let format = match (args.format, &args.out) {
        (Some(f), _) => f,
        (None, Some(path)) => Format::from_path(path)?,
        (None, None) => Format::Markdown,
    };
    let request = request(args)?;
    let (report, stamp) = chiso_app::report::official(store, &request, args.provisional)?;
    match stamp {
        Some(s) => eprintln!(
            "Theo kết quả {} (kỳ {}, mã băm {})",
            s.label_vi(),
            s.period,
            &s.content_hash[..16.min(s.content_hash.len())]
        ),
        None => eprintln!(
            "Số liệu tạm tính: kỳ {} chưa công bố",
            request.period.code()
        ),
    }
    let bytes = render(&report, format)?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, &bytes)
                .with_context(|| format!("không ghi được {}", path.display()))?;
            eprintln!(
                "Đã ghi {} ({} phần, {} byte)",
                path.display(),
                report.parts.len(),
                bytes.len()
            );
        }
        None if format.is_text() => std::io::stdout().lock().write_all(&bytes)?,
        None => return Err(ReportError::NeedsOut(format.extension()).into()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        report: ReportArgs,
    }

    fn args(line: &[&str]) -> Result<ReportArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("report").chain(line.iter().copied())).map(|c| c.report)
    }

    #[test]
    fn options_become_the_request() {
        let a = args(&[
            "--period",
            "2024-03",
            "--kind",
            "department",
            "--appendix",
            "ranking,letter",
            "--number",
            "7/VP",
            "--date",
            "05/04/2024",
            "--unit",
            "000.00.10.H99",
            "--format",
            "docx",
        ])
        .expect("options");
        let r = request(&a).expect("request");
        assert_eq!(r.parts, [PartKind::Ranking, PartKind::Letter]);
        assert_eq!(r.kinds, [UnitKind::Department]);
        assert_eq!(r.letter.number.as_deref(), Some("7/VP"));
        assert_eq!(
            r.letter.date.map(|d| d.iso()).as_deref(),
            Some("2024-04-05")
        );
        assert_eq!(r.unit.as_deref(), Some("000.00.10.H99"));
        assert_eq!(a.format, Some(Format::Docx));
        let bad_date = args(&["--period", "2024-03", "--date", "31/02/2024"]).expect("options");
        assert!(request(&bad_date).is_err());
        assert!(
            args(&["--period", "2024-13"]).is_err(),
            "parsed at the edge"
        );
        assert!(args(&["--period", "2024-03", "--format", "txt"]).is_err());
        assert_eq!(
            Format::from_path(Path::new("a/b.DOCX")).expect("format"),
            Format::Docx
        );
    }
}
