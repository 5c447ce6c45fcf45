//! Explain: the records behind a criterion's numerator and denominator, and
//! why those that failed did (giải trình điểm bị trừ).

use crate::format::vnd;
use crate::judge::LateReason;
use crate::measures::{self, DossierContribution, FeedbackContribution, Measure, ProcedureUse};
use crate::methodology::Criterion;
use crate::period::Period;
use crate::records::{Channel, Dossier, Feedback, Procedure, Rating};
use crate::time::Instant;

/// What kind of records a criterion counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    Dossier,
    Feedback,
    /// Procedures a unit handled (sets of procedure codes).
    Procedure,
    /// The province's procedure catalogue.
    Catalogue,
    /// Monthly figures reported per unit.
    UnitCounts,
}

impl RecordKind {
    pub fn code(self) -> &'static str {
        match self {
            RecordKind::Dossier => "dossier",
            RecordKind::Feedback => "feedback",
            RecordKind::Procedure => "procedure",
            RecordKind::Catalogue => "catalogue",
            RecordKind::UnitCounts => "unit_counts",
        }
    }
}

/// The record kind a criterion's denominator counts.
pub fn record_kind(c: &Criterion) -> RecordKind {
    let name = c.denominator.terms.first().map_or("", |(_, m)| m.name());
    if name.starts_with("dossiers_") || name.starts_with("timeliness_") {
        RecordKind::Dossier
    } else if name.starts_with("feedback_") {
        RecordKind::Feedback
    } else if name.starts_with("procedures_") {
        RecordKind::Procedure
    } else if name.starts_with("catalogue_") {
        RecordKind::Catalogue
    } else {
        RecordKind::UnitCounts
    }
}

/// One record behind a criterion.
#[derive(Clone, Debug, PartialEq)]
pub struct ExplainItem {
    pub record: RecordKind,
    pub id: String,
    pub unit_code: String,
    /// Procedure code (for dossiers) or name (for procedures).
    pub label: String,
    pub received_at: Option<Instant>,
    pub in_numerator: bool,
    /// Counted in the denominator but not in the numerator: it cost points.
    pub failed: bool,
    /// Why it failed, in Vietnamese (e.g. "trễ hạn: xử lý xong 12/03/2024, hạn trả 08/03/2024").
    pub reason: Option<String>,
}

fn indicator(measures: &[Measure], c: &Criterion) -> Option<(bool, bool)> {
    let value = |m: Measure| measures.contains(&m) as i64;
    let eval =
        |e: &crate::methodology::Expr| e.terms.iter().map(|(s, m)| s * value(*m)).sum::<i64>();
    let in_den = eval(&c.denominator) > 0;
    in_den.then(|| {
        let in_num = eval(&c.numerator) > 0;
        (in_num, !in_num)
    })
}

/// The terms of the numerator that make a record fail: positive terms it lacks,
/// negative terms it has.
fn failing_terms(measures: &[Measure], c: &Criterion) -> Vec<Measure> {
    c.numerator
        .terms
        .iter()
        .filter(|(s, m)| (*s > 0) != measures.contains(m))
        .map(|(_, m)| *m)
        .collect()
}

fn late_text(reason: Option<LateReason>, end: Option<Instant>, period: &Period) -> String {
    let finished = match end.filter(|e| *e <= period.end()) {
        Some(e) => format!("kết thúc xử lý {}", e.date()),
        None => format!("chưa xử lý xong đến {}", period.to),
    };
    match reason {
        Some(LateReason::PastDue {
            due,
            supplement_days: 0,
        }) => format!("trễ hạn: {finished}, hạn trả {}", due.date()),
        Some(LateReason::PastDue {
            due,
            supplement_days,
        }) => {
            format!(
                "trễ hạn: {finished}, hạn trả {} (đã trừ {supplement_days} ngày bổ sung)",
                due.date()
            )
        }
        Some(LateReason::PastTimeLimit {
            max_days,
            limit_day,
            ..
        }) => {
            format!("trễ hạn: {finished}, quá thời hạn {max_days} ngày làm việc (hạn {limit_day})")
        }
        Some(LateReason::ManySupplementRequests(n)) => format!("trễ hạn: yêu cầu bổ sung {n} lần"),
        Some(LateReason::HandlerNotNamed) => {
            "trễ hạn: không ghi tên, chức danh người xử lý".to_string()
        }
        Some(LateReason::FeedbackPastDeadline {
            working_days,
            limit_day,
        }) => {
            format!("trễ hạn: {finished}, quá {working_days} ngày làm việc (hạn {limit_day})")
        }
        Some(LateReason::FeedbackNotPublished { limit_day }) => {
            format!(
                "trễ hạn: chưa công khai kết quả trả lời trong 2 ngày làm việc (hạn {limit_day})"
            )
        }
        None => "trễ hạn".to_string(),
    }
}

fn dossier_reason(m: Measure, d: &Dossier, c: &DossierContribution, period: &Period) -> String {
    use Measure as M;
    match m {
        M::TimelinessOnTime | M::DossiersLateReceived => {
            late_text(c.timeliness.reason, c.timeliness.end, period)
        }
        M::DossiersSynced => "chưa đồng bộ lên Cổng DVCQG".into(),
        M::DossiersOnline if d.channel != Channel::Online => match d.channel {
            Channel::Postal => "nộp qua bưu chính công ích".into(),
            _ => "nộp trực tiếp".into(),
        },
        M::DossiersOnline => "nộp trực tuyến nhưng chưa cấp kết quả điện tử".into(),
        M::DossiersPaidOnline => format!(
            "phí, lệ phí {} chưa thanh toán trực tuyến",
            vnd(d.fee_amount)
        ),
        M::DossiersEResult => "chưa cấp kết quả điện tử".into(),
        M::DossiersDigitized if !d.digitized => "chưa số hóa thành phần hồ sơ".into(),
        M::DossiersDigitized => "chưa số hóa kết quả (chưa có kết quả điện tử)".into(),
        M::DossiersReused => "không khai thác, sử dụng lại dữ liệu số hóa".into(),
        M::DossiersPersonalStore => "không kết nối kho dữ liệu cá nhân trên Cổng DVCQG".into(),
        M::DossiersCitizenData => "không sử dụng thông tin từ CSDL dân cư".into(),
        M::DossiersNegative if d.complaint => "bị phản ánh, kiến nghị".into(),
        M::DossiersNegative if d.rating == Some(Rating::Unsatisfied) => {
            "bị đánh giá không hài lòng".into()
        }
        other => other.describe().to_string(),
    }
}

/// Explains one dossier for a criterion and period; `None` if it does not count there.
pub fn explain_dossier(
    d: &Dossier,
    c: &DossierContribution,
    period: &Period,
    criterion: &Criterion,
) -> Option<ExplainItem> {
    let measures = measures::dossier_measures(c, period);
    let (in_numerator, failed) = indicator(&measures, criterion)?;
    let reason = failed.then(|| {
        let texts: Vec<String> = failing_terms(&measures, criterion)
            .into_iter()
            .map(|m| dossier_reason(m, d, c, period))
            .collect();
        texts.join("; ")
    });
    Some(ExplainItem {
        record: RecordKind::Dossier,
        id: d.id.clone(),
        unit_code: d.unit_code.clone(),
        label: d.procedure_code.clone(),
        received_at: Some(d.received_at),
        in_numerator,
        failed,
        reason,
    })
}

pub fn explain_feedback(
    f: &Feedback,
    c: &FeedbackContribution,
    period: &Period,
    criterion: &Criterion,
) -> Option<ExplainItem> {
    let measures = measures::feedback_measures(c, period);
    let (in_numerator, failed) = indicator(&measures, criterion)?;
    let reason = failed.then(|| {
        let mut texts = Vec::new();
        if f.dislikes > f.likes && measures.contains(&Measure::FeedbackUnsatisfied) {
            texts.push(format!(
                "không hài lòng ({} không thích, {} thích)",
                f.dislikes, f.likes
            ));
        }
        if f.repeated && measures.contains(&Measure::FeedbackUnsatisfied) {
            texts.push("bị phản ánh lại".to_string());
        }
        if c.timeliness.is_late_at(period.end()) {
            texts.push(late_text(c.timeliness.reason, c.timeliness.end, period));
        }
        texts.join("; ")
    });
    Some(ExplainItem {
        record: RecordKind::Feedback,
        id: f.id.clone(),
        unit_code: f.unit_code.clone(),
        label: String::new(),
        received_at: Some(f.received_at),
        in_numerator,
        failed,
        reason,
    })
}

fn procedure_reason(m: Measure, p: &Procedure) -> String {
    use Measure as M;
    match m {
        M::ProceduresOnline => "chưa cung cấp dịch vụ công trực tuyến".into(),
        M::ProceduresOnlineUsed => "không phát sinh hồ sơ trực tuyến trong kỳ".into(),
        M::ProceduresFeePaidOnline => "không có giao dịch thanh toán trực tuyến trong kỳ".into(),
        M::ProceduresFeeSynced => "không có hồ sơ đồng bộ kèm dữ liệu phí, lệ phí trong kỳ".into(),
        M::ProceduresCitizenConnected => "chưa kết nối, chia sẻ dữ liệu dân cư".into(),
        M::CatalogueAnnouncedOnTime => match (p.decision_date, p.legal_effective_date) {
            (Some(d), Some(e)) => format!("công bố ngày {d}, văn bản có hiệu lực ngày {e}: chậm"),
            _ => "thiếu ngày quyết định công bố hoặc ngày hiệu lực".into(),
        },
        M::CataloguePublishedOnTime => match p.published_at {
            Some(d) => format!("công khai ngày {d}: chậm"),
            None => "chưa công khai trên CSDL quốc gia về TTHC".into(),
        },
        M::CataloguePublishedComplete => "công khai chưa đầy đủ nội dung".into(),
        other => other.describe().to_string(),
    }
}

/// Explains one procedure the unit handled (procedure-set criteria).
pub fn explain_procedure(
    p: &Procedure,
    usage: &ProcedureUse,
    unit_code: &str,
    criterion: &Criterion,
) -> Option<ExplainItem> {
    let measures = measures::procedure_measures(p, usage);
    procedure_item(p, &measures, unit_code, criterion, RecordKind::Procedure)
}

/// Explains one catalogue procedure (criteria 1.1-1.3).
pub fn explain_catalogue(
    p: &Procedure,
    period: &Period,
    cal: &crate::calendar::Calendar,
    top: &crate::records::Unit,
    criterion: &Criterion,
) -> Option<ExplainItem> {
    let measures = measures::catalogue_procedure_measures(p, period, cal, top.kind);
    procedure_item(p, &measures, &top.code, criterion, RecordKind::Catalogue)
}

fn procedure_item(
    p: &Procedure,
    measures: &[Measure],
    unit: &str,
    c: &Criterion,
    record: RecordKind,
) -> Option<ExplainItem> {
    let (in_numerator, failed) = indicator(measures, c)?;
    let reason = failed.then(|| {
        failing_terms(measures, c)
            .into_iter()
            .map(|m| procedure_reason(m, p))
            .collect::<Vec<_>>()
            .join("; ")
    });
    Some(ExplainItem {
        record,
        id: p.code.clone(),
        unit_code: unit.to_string(),
        label: p.name.clone(),
        received_at: None,
        in_numerator,
        failed,
        reason,
    })
}

/// Failed items first, then by date and id.
pub fn sort_items(items: &mut [ExplainItem]) {
    items.sort_by(|a, b| {
        b.failed
            .cmp(&a.failed)
            .then(a.received_at.cmp(&b.received_at))
            .then_with(|| a.id.cmp(&b.id))
    });
}
