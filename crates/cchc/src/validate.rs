//! Validation of a submission (cchc.md §3): errors block submission,
//! warnings need an explanation. Domain (whole numbers ≥ 0, percentages
//! 0–100, known codes), part ≤ whole, printed sums and rates against the
//! computed ones, compulsory pairs, breakdowns by level, prefilled figures
//! overridden without a reason, year-to-date figures that decrease, and the
//! catalogue's own rules (conditional and cross-form), each with a missing-value
//! strategy.

use std::collections::BTreeMap;

use crate::catalogue::{Catalogue, Kind, Missing, RuleTest, Severity};
use crate::decimal::{self, Decimal};
use crate::sheet::{Figure, Row, Scope, Sheet};
use crate::value::{IndicatorId, Origin, Value, Values};

/// What a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Check {
    /// A value the row's kind cannot hold (text in a count…).
    WrongType,
    /// A count that is not a whole number.
    NotWhole,
    /// A negative count, amount or percentage.
    Negative,
    /// A typed percentage above 100.
    PercentRange,
    /// A code that is not among the printed choices.
    UnknownCode,
    /// A value for a row the catalogue does not have.
    NotInCatalogue,
    /// A value for a row the unit's level does not fill.
    NotApplicable,
    /// A value on a section title.
    HeadingValue,
    /// A rate's numerator above its denominator.
    PartExceedsWhole,
    /// A rate with one part filled and the other empty.
    CompulsoryPair,
    /// A sum with some parts filled and others empty.
    IncompleteSum,
    /// A printed sum that differs from the sum of its parts.
    SumMismatch,
    /// A printed rate that differs from the one its parts give.
    RateMismatch,
    /// A printed derived figure whose parts are missing.
    PrintedUncomputable,
    /// Figures by level that exceed or do not add up to the total.
    Breakdown,
    /// A prefilled figure changed without a reason.
    OverrideReason,
    /// A year-to-date figure below the previous period's of the same year.
    YtdDecrease,
    /// A catalogue rule, by id.
    Rule(String),
}

impl Check {
    pub fn code(&self) -> String {
        match self {
            Check::WrongType => "wrong_type".into(),
            Check::NotWhole => "not_whole".into(),
            Check::Negative => "negative".into(),
            Check::PercentRange => "percent_range".into(),
            Check::UnknownCode => "unknown_code".into(),
            Check::NotInCatalogue => "not_in_catalogue".into(),
            Check::NotApplicable => "not_applicable".into(),
            Check::HeadingValue => "heading_value".into(),
            Check::PartExceedsWhole => "part_exceeds_whole".into(),
            Check::CompulsoryPair => "compulsory_pair".into(),
            Check::IncompleteSum => "incomplete_sum".into(),
            Check::SumMismatch => "sum_mismatch".into(),
            Check::RateMismatch => "rate_mismatch".into(),
            Check::PrintedUncomputable => "printed_uncomputable".into(),
            Check::Breakdown => "breakdown".into(),
            Check::OverrideReason => "override_reason".into(),
            Check::YtdDecrease => "ytd_decrease".into(),
            Check::Rule(id) => format!("rule:{id}"),
        }
    }
}

/// One problem found, on one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub check: Check,
    pub at: IndicatorId,
    /// What is wrong and what to do, in Vietnamese.
    pub message: String,
}

impl Finding {
    /// The stable key an explanation of this finding is stored under:
    /// `rate_mismatch@B7 6.2`.
    pub fn key(&self) -> String {
        format!("{}@{}", self.check.code(), self.at)
    }
}

/// What validation needs besides the submission.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    pub scope: Scope,
    /// The same unit's submission for the previous period of the same year
    /// (year-to-date rows must not decrease).
    pub previous: Option<&'a Sheet<'a>>,
}

/// Every finding on a submission, in catalogue order.
pub fn validate(catalogue: &Catalogue, values: &Values, ctx: Context) -> Vec<Finding> {
    let sheet = Sheet::resolve(catalogue, values, ctx.scope);
    let mut out = Vec::new();
    let mut push = |severity, check, at: &IndicatorId, message: String| {
        out.push(Finding {
            severity,
            check,
            at: at.clone(),
            message: format!("{at}: {message}"),
        })
    };
    use Severity::{Error, Warning};

    for id in values.0.keys() {
        if catalogue.indicator(id).is_none() {
            push(
                Error,
                Check::NotInCatalogue,
                id,
                format!(
                    "biểu mẫu {} không có chỉ tiêu này (danh mục {})",
                    id.form, catalogue.id
                ),
            );
        }
    }

    for ind in catalogue.indicators() {
        let id = &ind.id;
        let Some(row) = sheet.row(id) else { continue };
        let entry = values.get(id);
        let value = entry.and_then(|e| e.value.as_ref());

        if let (Some(_), false) = (value, row.applicable) {
            let levels: Vec<&str> = ind.levels.iter().map(|k| k.label_vi()).collect();
            push(
                Error,
                Check::NotApplicable,
                id,
                format!(
                    "chỉ tiêu này do {} điền, không thuộc đơn vị này",
                    levels.join(", ")
                ),
            );
            continue;
        }

        // Domain of typed values.
        match (&ind.kind, value) {
            (_, None) => {}
            (Kind::Heading, Some(v)) => push(
                Warning,
                Check::HeadingValue,
                id,
                format!(
                    "dòng tiêu đề không có số liệu; giá trị '{}' bị bỏ qua",
                    show(v)
                ),
            ),
            (
                Kind::Count | Kind::Money | Kind::Percent | Kind::Rate { .. } | Kind::Sum(_),
                Some(Value::Number(n)),
            ) => {
                if n.is_negative() {
                    push(
                        Error,
                        Check::Negative,
                        id,
                        format!("số liệu không được âm ({})", n.vi()),
                    );
                } else if matches!(ind.kind, Kind::Count | Kind::Sum(_)) && !n.is_integer() {
                    push(
                        Error,
                        Check::NotWhole,
                        id,
                        format!("{} phải là số nguyên ({})", ind.unit, n.vi()),
                    );
                } else if ind.kind == Kind::Percent && *n > 100 {
                    push(
                        Error,
                        Check::PercentRange,
                        id,
                        format!("tỷ lệ phải từ 0 đến 100 ({})", n.vi()),
                    );
                }
            }
            (Kind::Bool(choices) | Kind::Enum(choices), Some(Value::Code(c))) => {
                if !choices.iter().any(|ch| ch.code == *c) {
                    let list: Vec<String> = choices
                        .iter()
                        .map(|ch| format!("{} = {}", ch.label, ch.code))
                        .collect();
                    push(
                        Error,
                        Check::UnknownCode,
                        id,
                        format!("mã {c} không có trong danh sách ({})", list.join("; ")),
                    );
                }
            }
            (Kind::Text, Some(Value::Text(_))) => {}
            (_, Some(v)) => push(
                Error,
                Check::WrongType,
                id,
                format!(
                    "'{}' không phải giá trị của chỉ tiêu loại {}",
                    show(v),
                    ind.kind.code()
                ),
            ),
        }

        // Origin of prefilled figures.
        if let Some(e) = entry {
            if let Origin::Overridden { reason, .. } = &e.origin {
                if reason.trim().is_empty() {
                    push(
                        Error,
                        Check::OverrideReason,
                        id,
                        "số liệu chiso điền sẵn đã bị sửa: ghi lý do sửa".into(),
                    );
                }
            }
        }

        // Breakdown by level.
        if let (Some(e), Figure::Number(total)) = (entry, &row.figure) {
            if !e.by_level.is_empty() {
                check_breakdown(catalogue, ctx.scope, id, *total, e, &mut push);
            }
        }

        // Derived rows.
        match &ind.kind {
            Kind::Rate { num, den } => {
                let num_id = IndicatorId::new(id.form, num);
                let den_id = IndicatorId::new(id.form, den);
                let n = sheet.row(&num_id).map(|r| &r.figure);
                let d = sheet.row(&den_id).map(|r| &r.figure);
                match (n, d) {
                    (Some(Figure::Number(n)), Some(Figure::Number(d))) if n > d => push(
                        Error,
                        Check::PartExceedsWhole,
                        id,
                        format!("{num} ({}) lớn hơn {den} ({}): tử số không thể vượt mẫu số", n.vi(), d.vi()),
                    ),
                    (Some(Figure::Empty), Some(Figure::Number(d))) if row.applicable => push(
                        Error,
                        Check::CompulsoryPair,
                        id,
                        format!("{den} có số liệu ({}) nhưng {num} trống: nhập {num} (0 nếu không có) để tính tỷ lệ", d.vi()),
                    ),
                    (Some(Figure::Number(n)), Some(Figure::Empty)) if row.applicable => push(
                        Error,
                        Check::CompulsoryPair,
                        id,
                        format!("{num} có số liệu ({}) nhưng {den} trống: nhập {den} để tính tỷ lệ", n.vi()),
                    ),
                    _ => {}
                }
                if let Some(Value::Number(printed)) = &row.printed {
                    match &row.figure {
                        Figure::Rate { num: n, den: d } => {
                            if !decimal::percent_matches(*printed, *n, *d, ind.precision) {
                                push(
                                    Warning,
                                    Check::RateMismatch,
                                    id,
                                    format!(
                                        "tỷ lệ ghi {} nhưng {num}/{den} = {}/{} = {}",
                                        printed.vi(),
                                        n.vi(),
                                        d.vi(),
                                        row.figure.vi(ind.precision)
                                    ),
                                );
                            }
                        }
                        _ => push(
                            Warning,
                            Check::PrintedUncomputable,
                            id,
                            format!(
                                "tỷ lệ ghi {} nhưng không tính được từ {num}/{den}",
                                printed.vi()
                            ),
                        ),
                    }
                }
            }
            Kind::Sum(parts) if row.applicable => {
                let part_rows: Vec<&Row> = parts
                    .iter()
                    .filter_map(|p| sheet.row(&IndicatorId::new(id.form, p)))
                    .filter(|r| r.applicable)
                    .collect();
                let empty: Vec<&str> = part_rows
                    .iter()
                    .filter(|r| r.figure.is_empty())
                    .map(|r| r.id.code.as_str())
                    .collect();
                if !empty.is_empty() && empty.len() < part_rows.len() {
                    push(
                        Warning,
                        Check::IncompleteSum,
                        id,
                        format!(
                            "{} trống nên không tính được tổng: nhập 0 nếu không có",
                            empty.join(", ")
                        ),
                    );
                }
                if let Some(Value::Number(printed)) = &row.printed {
                    let formula = parts.join(" + ");
                    match row.figure.number() {
                        Some(total) if total != *printed => push(
                            Warning,
                            Check::SumMismatch,
                            id,
                            format!("tổng ghi {} nhưng {formula} = {}", printed.vi(), total.vi()),
                        ),
                        Some(_) => {}
                        None => push(
                            Warning,
                            Check::PrintedUncomputable,
                            id,
                            format!("tổng ghi {} nhưng không tính được {formula}", printed.vi()),
                        ),
                    }
                }
            }
            _ => {}
        }

        // Year to date.
        if ind.accumulation == crate::catalogue::Accumulation::Ytd {
            if let (Some(now), Some(before)) =
                (row.figure.number(), ctx.previous.and_then(|p| p.number(id)))
            {
                if now < before {
                    push(
                        Warning,
                        Check::YtdDecrease,
                        id,
                        format!(
                            "số lũy kế từ đầu năm giảm so với kỳ trước ({} → {})",
                            before.vi(),
                            now.vi()
                        ),
                    );
                }
            }
        }
    }

    // The catalogue's rules.
    for rule in &catalogue.rules {
        match &rule.test {
            RuleTest::Compare { left, op, right } => {
                let term = |id: &IndicatorId| sheet.row(id).and_then(|r| r.figure.number());
                let all: Vec<Option<Decimal>> = left
                    .terms
                    .iter()
                    .chain(&right.terms)
                    .map(|(_, id)| term(id))
                    .collect();
                let skip = match rule.missing {
                    Missing::SkipIfAnyMissing => all.iter().any(Option::is_none),
                    Missing::SkipIfAllMissing => all.iter().all(Option::is_none),
                    Missing::NeverSkip => false,
                };
                if skip {
                    continue;
                }
                let side = |e: &crate::catalogue::Expr| -> Option<Decimal> {
                    e.terms.iter().try_fold(Decimal::ZERO, |acc, (sign, id)| {
                        let v = term(id).unwrap_or(Decimal::ZERO);
                        if *sign < 0 {
                            acc.checked_sub(v)
                        } else {
                            acc.checked_add(v)
                        }
                    })
                };
                let (Some(l), Some(r)) = (side(left), side(right)) else {
                    continue;
                };
                if !op.holds(l, r) {
                    let figures: Vec<String> = left
                        .terms
                        .iter()
                        .chain(&right.terms)
                        .map(|(_, id)| {
                            format!("{id} = {}", term(id).map_or("trống".into(), Decimal::vi))
                        })
                        .collect();
                    push(
                        rule.severity,
                        Check::Rule(rule.id.clone()),
                        &left.terms[0].1,
                        format!(
                            "{} ({}; cần {left} {} {right})",
                            rule.message,
                            figures.join("; "),
                            op.symbol()
                        ),
                    );
                }
            }
            RuleTest::Requires {
                when,
                equals,
                require,
            } => {
                let triggered = sheet.row(when).map(|r| &r.figure) == Some(&Figure::Code(*equals));
                if triggered {
                    for req in require {
                        if sheet.row(req).is_none_or(|r| r.figure.is_empty()) {
                            push(
                                rule.severity,
                                Check::Rule(rule.id.clone()),
                                req,
                                rule.message.clone(),
                            );
                        }
                    }
                }
            }
        }
    }
    out
}

fn check_breakdown(
    catalogue: &Catalogue,
    scope: Scope,
    id: &IndicatorId,
    total: Decimal,
    entry: &crate::value::Entry,
    push: &mut impl FnMut(Severity, Check, &IndicatorId, String),
) {
    let allowed = scope.tiers(catalogue);
    let province = "Cấp tỉnh";
    for tier in entry.by_level.0.keys() {
        if !allowed.contains(tier) {
            push(
                Severity::Error,
                Check::Breakdown,
                id,
                format!(
                    "đơn vị này không báo cáo số liệu {}",
                    tier.label_vi(province).to_lowercase()
                ),
            );
            return;
        }
    }
    let Some(sum) = entry.by_level.total() else {
        return;
    };
    let note = entry.by_level.note(province, false);
    if sum > total {
        push(
            Severity::Error,
            Check::Breakdown,
            id,
            format!(
                "số liệu theo cấp ({note}) cộng lại {} vượt tổng {}",
                sum.vi(),
                total.vi()
            ),
        );
    } else if allowed.iter().all(|t| entry.by_level.0.contains_key(t)) && sum != total {
        push(
            Severity::Error,
            Check::Breakdown,
            id,
            format!(
                "số liệu theo cấp ({note}) cộng lại {} khác tổng {}",
                sum.vi(),
                total.vi()
            ),
        );
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Number(n) => n.vi(),
        Value::Code(c) => c.to_string(),
        Value::Text(t) => t.clone(),
    }
}

/// What stops a submission: every error, and every warning without an
/// explanation (keyed by [`Finding::key`]).
pub fn blockers<'f>(
    findings: &'f [Finding],
    explanations: &BTreeMap<String, String>,
) -> Vec<&'f Finding> {
    findings
        .iter()
        .filter(|f| {
            f.severity == Severity::Error
                || explanations
                    .get(&f.key())
                    .is_none_or(|e| e.trim().is_empty())
        })
        .collect()
}
