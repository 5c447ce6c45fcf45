//! The form catalogue (danh mục biểu mẫu) as versioned data: forms 1–7, their
//! indicators (code, Vietnamese label, unit, kind, levels, accumulation,
//! aggregation, formula, validity) and the validation rules between them,
//! read from a TOML file (`forms/*.toml`) and validated on load. Nothing
//! about a form's rows is hard-coded elsewhere.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::ops::Range;

use chiso_core::records::UnitKind;
use chiso_core::time::Date;
use serde::Deserialize;
use toml::Spanned;

use crate::value::{valid_code, IndicatorId, Tier};

/// A catalogue version, validated.
#[derive(Clone, Debug)]
pub struct Catalogue {
    pub id: String,
    pub name: String,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub source: String,
    /// The unit kind that consolidates everything (the province).
    pub top_level: UnitKind,
    /// The unit kinds that submit forms; others report through them (in the
    /// three-tier catalogue, districts report their communes' figures).
    pub reporting_levels: Vec<UnitKind>,
    pub forms: Vec<Form>,
    pub rules: Vec<Rule>,
}

/// Lĩnh vực CCHC, I–VII; form N covers area N.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Area {
    I,
    II,
    III,
    IV,
    V,
    VI,
    VII,
}

impl Area {
    pub const ALL: [Area; 7] = [
        Area::I,
        Area::II,
        Area::III,
        Area::IV,
        Area::V,
        Area::VI,
        Area::VII,
    ];

    pub fn parse(text: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.roman() == text.trim())
    }

    pub fn roman(self) -> &'static str {
        match self {
            Area::I => "I",
            Area::II => "II",
            Area::III => "III",
            Area::IV => "IV",
            Area::V => "V",
            Area::VI => "VI",
            Area::VII => "VII",
        }
    }

    /// The area's heading as in the plan's Appendix I.
    pub fn label_vi(self) -> &'static str {
        match self {
            Area::I => "Công tác chỉ đạo, điều hành CCHC",
            Area::II => "Cải cách thể chế",
            Area::III => "Cải cách TTHC",
            Area::IV => "Cải cách tổ chức bộ máy hành chính nhà nước",
            Area::V => "Cải cách chế độ công vụ",
            Area::VI => "Cải cách tài chính công",
            Area::VII => "Xây dựng và phát triển Chính quyền điện tử, chính quyền số",
        }
    }
}

/// Biểu mẫu.
#[derive(Clone, Debug)]
pub struct Form {
    pub no: u8,
    pub area: Area,
    pub title: String,
    pub title_en: String,
    /// In printed order.
    pub indicators: Vec<Indicator>,
}

/// Chỉ tiêu thống kê: one numbered row of a form.
#[derive(Clone, Debug)]
pub struct Indicator {
    pub id: IndicatorId,
    /// Vietnamese label, verbatim.
    pub label: String,
    pub label_en: String,
    /// Đơn vị tính as printed ("Văn bản", "%", "Có = 1; Không = 0").
    pub unit: String,
    pub kind: Kind,
    /// Unit kinds that fill this row; empty: every reporting level.
    pub levels: Vec<UnitKind>,
    /// The level whose figure the row holds when it is not the reporter's own
    /// (a commune figure counted by the district).
    pub of_level: Option<Tier>,
    pub accumulation: Accumulation,
    pub aggregate: Aggregate,
    /// Decimals shown for a rate (the value itself is exact).
    pub precision: u32,
    /// Entered but not printed (B1 4.2.a, the numerator the seed gives only as a note).
    pub hidden: bool,
    /// chiso fills it from its own data (the plan, dossiers); overriding needs a reason.
    pub prefill: Option<Prefill>,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub source: String,
}

/// What a row holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A whole number ≥ 0.
    Count,
    /// An amount (Triệu đồng), ≥ 0, decimals allowed.
    Money,
    /// A percentage typed by the unit, 0–100.
    Percent,
    /// 100 · numerator / denominator, computed (codes of the same form).
    Rate {
        num: String,
        den: String,
    },
    /// The sum of other rows of the same form, computed.
    Sum(Vec<String>),
    /// Có/Không, with its printed codes.
    Bool(Vec<Choice>),
    /// One of a list, with its printed codes.
    Enum(Vec<Choice>),
    /// A section title without a value.
    Heading,
    Text,
}

impl Kind {
    pub fn code(&self) -> &'static str {
        match self {
            Kind::Count => "count",
            Kind::Money => "money",
            Kind::Percent => "percent",
            Kind::Rate { .. } => "rate",
            Kind::Sum(_) => "sum",
            Kind::Bool(_) => "bool",
            Kind::Enum(_) => "enum",
            Kind::Heading => "heading",
            Kind::Text => "text",
        }
    }

    /// Computed from other rows, never typed.
    pub fn is_derived(&self) -> bool {
        matches!(self, Kind::Rate { .. } | Kind::Sum(_))
    }

    /// A quantity that adds up (a part of a sum or of a rate).
    pub fn is_additive(&self) -> bool {
        matches!(self, Kind::Count | Kind::Money | Kind::Sum(_))
    }
}

/// A printed code of a yes/no or list answer.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub code: i64,
    pub label: String,
}

/// How a figure relates to time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accumulation {
    /// Within the period's data window.
    Period,
    /// Lũy kế từ đầu năm: never decreases within a year.
    Ytd,
    /// Tại thời điểm báo cáo: a stock at the window's end.
    Stock,
    /// Against the 2015 baseline (so sánh với năm 2015).
    Vs2015,
}

impl Accumulation {
    pub fn code(self) -> &'static str {
        match self {
            Accumulation::Period => "period",
            Accumulation::Ytd => "ytd",
            Accumulation::Stock => "stock",
            Accumulation::Vs2015 => "vs_2015",
        }
    }
}

/// How a parent's figure comes from its children's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aggregate {
    /// Children's figures (and the parent's own) add up, by level.
    Sum,
    /// Recomputed from the parent's own parts (rates and sums).
    Recompute,
    /// The parent's own figure only.
    Own,
}

impl Aggregate {
    pub fn code(self) -> &'static str {
        match self {
            Aggregate::Sum => "sum",
            Aggregate::Recompute => "recompute",
            Aggregate::Own => "own",
        }
    }
}

/// Where chiso takes a prefilled figure from: its plan tracking, or its
/// dossier engine over the period's window (the unit's subtree).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefill {
    /// Tasks of the year's plan not cancelled at the window's end.
    PlanTasks,
    /// Tasks of the plan done at the window's end.
    PlanDone,
    /// Dossiers completed in the window.
    DossiersCompleted,
    /// Of which completed on time.
    DossiersCompletedOnTime,
    /// Feedback (PAKN) on procedure rules received.
    FeedbackReceived,
    /// Of which resolved.
    FeedbackResolved,
    /// Services eligible to be offered fully online.
    ServicesFullOnlineEligible,
    /// Services offered fully online.
    ServicesFullOnline,
    /// Online services with dossiers (online or in person).
    ServicesWithDossiers,
    /// Online services with online dossiers.
    ServicesOnlineUsed,
    /// Dossiers of fully online services.
    FullOnlineDossiers,
    /// Of which submitted online.
    FullOnlineDossiersOnline,
}

impl Prefill {
    pub const ALL: [Prefill; 12] = [
        Prefill::PlanTasks,
        Prefill::PlanDone,
        Prefill::DossiersCompleted,
        Prefill::DossiersCompletedOnTime,
        Prefill::FeedbackReceived,
        Prefill::FeedbackResolved,
        Prefill::ServicesFullOnlineEligible,
        Prefill::ServicesFullOnline,
        Prefill::ServicesWithDossiers,
        Prefill::ServicesOnlineUsed,
        Prefill::FullOnlineDossiers,
        Prefill::FullOnlineDossiersOnline,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Prefill::PlanTasks => "plan_tasks",
            Prefill::PlanDone => "plan_done",
            Prefill::DossiersCompleted => "dossiers_completed",
            Prefill::DossiersCompletedOnTime => "dossiers_completed_on_time",
            Prefill::FeedbackReceived => "feedback_received",
            Prefill::FeedbackResolved => "feedback_resolved",
            Prefill::ServicesFullOnlineEligible => "services_full_online_eligible",
            Prefill::ServicesFullOnline => "services_full_online",
            Prefill::ServicesWithDossiers => "services_with_dossiers",
            Prefill::ServicesOnlineUsed => "services_online_used",
            Prefill::FullOnlineDossiers => "full_online_dossiers",
            Prefill::FullOnlineDossiersOnline => "full_online_dossiers_online",
        }
    }
}

/// Lỗi blocks submission; a cảnh báo needs an explanation.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn label_vi(self) -> &'static str {
        match self {
            Severity::Error => "Lỗi",
            Severity::Warning => "Cảnh báo",
        }
    }
}

/// A validation rule between rows, possibly of different forms.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub test: RuleTest,
    pub severity: Severity,
    pub missing: Missing,
    /// What is wrong, in Vietnamese, for the officer.
    pub message: String,
}

#[derive(Clone, Debug)]
pub enum RuleTest {
    /// `left op right`.
    Compare { left: Expr, op: Op, right: Expr },
    /// When `when` holds code `equals`, every row of `require` must be filled.
    Requires {
        when: IndicatorId,
        equals: i64,
        require: Vec<IndicatorId>,
    },
}

/// A sum and difference of rows: `B1 5.2 + B1 5.3 + B1 5.4`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    pub terms: Vec<(i8, IndicatorId)>,
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (sign, id)) in self.terms.iter().enumerate() {
            match (i, *sign < 0) {
                (0, true) => write!(f, "-{id}")?,
                (0, false) => write!(f, "{id}")?,
                (_, true) => write!(f, " - {id}")?,
                (_, false) => write!(f, " + {id}")?,
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Le,
    Lt,
    Ge,
    Gt,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Gt => ">",
        }
    }

    pub fn holds<T: Ord>(self, left: T, right: T) -> bool {
        match self {
            Op::Eq => left == right,
            Op::Le => left <= right,
            Op::Lt => left < right,
            Op::Ge => left >= right,
            Op::Gt => left > right,
        }
    }
}

/// What an empty term does to a rule (DHIS2's missing-value strategies).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// Skip the rule when any term is empty.
    SkipIfAnyMissing,
    /// Skip it only when every term is empty; otherwise empty terms count 0.
    SkipIfAllMissing,
    /// Always check, empty terms counting 0.
    NeverSkip,
}

impl Missing {
    pub fn code(self) -> &'static str {
        match self {
            Missing::SkipIfAnyMissing => "skip_if_any_missing",
            Missing::SkipIfAllMissing => "skip_if_all_missing",
            Missing::NeverSkip => "never_skip",
        }
    }
}

/// A catalogue file that cannot be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct CatalogueError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    valid_from: Option<Spanned<String>>,
    #[serde(default)]
    valid_to: Option<Spanned<String>>,
    #[serde(default)]
    source: String,
    top_level: Spanned<String>,
    reporting_levels: Spanned<Vec<Spanned<String>>>,
    #[serde(rename = "form")]
    forms: Vec<Spanned<RawForm>>,
    #[serde(rename = "rule", default)]
    rules: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForm {
    no: Spanned<i64>,
    area: Spanned<String>,
    title: String,
    #[serde(default)]
    title_en: String,
    #[serde(rename = "indicator")]
    indicators: Vec<Spanned<RawIndicator>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    code: Spanned<String>,
    label: Spanned<String>,
    #[serde(default)]
    label_en: String,
    #[serde(default)]
    unit: String,
    kind: Spanned<String>,
    #[serde(default)]
    formula: Option<Spanned<String>>,
    #[serde(default)]
    choices: Option<Spanned<Vec<Choice>>>,
    #[serde(default)]
    levels: Vec<Spanned<String>>,
    #[serde(default)]
    of_level: Option<Spanned<String>>,
    #[serde(default)]
    accumulation: Option<Spanned<String>>,
    #[serde(default)]
    aggregate: Option<Spanned<String>>,
    #[serde(default)]
    precision: Option<Spanned<i64>>,
    #[serde(default)]
    hidden: bool,
    #[serde(default)]
    prefill: Option<Spanned<String>>,
    #[serde(default)]
    valid_from: Option<Spanned<String>>,
    #[serde(default)]
    valid_to: Option<Spanned<String>>,
    #[serde(default)]
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    #[serde(default)]
    check: Option<Spanned<String>>,
    #[serde(default)]
    when: Option<Spanned<String>>,
    #[serde(default)]
    require: Vec<Spanned<String>>,
    severity: Spanned<String>,
    #[serde(default)]
    missing: Option<Spanned<String>>,
    message: String,
}

/// The error builder of one file.
struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn err(&self, span: Option<Range<usize>>, message: impl Into<String>) -> CatalogueError {
        CatalogueError {
            file: self.file.to_string(),
            line: span.map_or(1, |s| line_of(self.text, s.start)),
            message: message.into(),
        }
    }

    fn date(&self, s: &Option<Spanned<String>>) -> Result<Option<Date>, CatalogueError> {
        match s {
            None => Ok(None),
            Some(s) => Date::parse(s.get_ref()).map(Some).ok_or_else(|| {
                self.err(
                    Some(s.span()),
                    format!("invalid date '{}': use YYYY-MM-DD", s.get_ref()),
                )
            }),
        }
    }

    fn level(&self, s: &Spanned<String>, what: &str) -> Result<UnitKind, CatalogueError> {
        UnitKind::parse(s.get_ref()).ok_or_else(|| {
            self.err(
                Some(s.span()),
                format!(
                    "{what}: unknown level '{}' (use {})",
                    s.get_ref(),
                    UnitKind::expected()
                ),
            )
        })
    }

    /// A named choice among `options` (code, value).
    fn pick<T: Copy>(
        &self,
        s: &Spanned<String>,
        what: &str,
        options: &[(&str, T)],
    ) -> Result<T, CatalogueError> {
        options
            .iter()
            .find(|(code, _)| *code == s.get_ref().as_str())
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                let known: Vec<&str> = options.iter().map(|(c, _)| *c).collect();
                self.err(
                    Some(s.span()),
                    format!("{what} '{}' (use {})", s.get_ref(), known.join(", ")),
                )
            })
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Files larger than this are refused before parsing (the shipped ones are ~50 KB).
pub const MAX_FILE_BYTES: usize = 2_000_000;

impl Catalogue {
    /// Parses and validates a catalogue file; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<Catalogue, CatalogueError> {
        let ctx = Ctx { file, text };
        if text.len() > MAX_FILE_BYTES {
            return Err(ctx.err(
                None,
                format!(
                    "file too large ({} bytes, at most {MAX_FILE_BYTES})",
                    text.len()
                ),
            ));
        }
        let raw: RawFile =
            toml::from_str(text).map_err(|e| ctx.err(e.span(), e.message().to_string()))?;
        if raw.id.get_ref().trim().is_empty() {
            return Err(ctx.err(Some(raw.id.span()), "id must not be empty"));
        }
        let valid_from = ctx.date(&raw.valid_from)?;
        let valid_to = ctx.date(&raw.valid_to)?;
        if let (Some(f), Some(t)) = (valid_from, valid_to) {
            if f > t {
                return Err(ctx.err(
                    raw.valid_to.as_ref().map(|s| s.span()),
                    "valid_to is before valid_from",
                ));
            }
        }
        let mut reporting_levels = Vec::new();
        for l in raw.reporting_levels.get_ref() {
            let kind = ctx.level(l, "reporting_levels")?;
            if reporting_levels.contains(&kind) {
                return Err(ctx.err(
                    Some(l.span()),
                    format!("level '{}' listed twice", kind.code()),
                ));
            }
            reporting_levels.push(kind);
        }
        let top_level = ctx.level(&raw.top_level, "top_level")?;
        if !reporting_levels.contains(&top_level) {
            return Err(ctx.err(
                Some(raw.top_level.span()),
                format!(
                    "top_level '{}' must be one of reporting_levels",
                    top_level.code()
                ),
            ));
        }

        let mut forms = Vec::new();
        let mut form_spans = Vec::new();
        for f in &raw.forms {
            let form = read_form(&ctx, f, &reporting_levels, top_level, valid_from, valid_to)?;
            if forms.iter().any(|g: &Form| g.no == form.no) {
                return Err(ctx.err(Some(f.span()), format!("form {} defined twice", form.no)));
            }
            if forms.iter().any(|g: &Form| g.area == form.area) {
                return Err(ctx.err(
                    Some(f.get_ref().area.span()),
                    format!("area {} already has a form", form.area.roman()),
                ));
            }
            form_spans.push(f);
            forms.push(form);
        }
        if forms.is_empty() {
            return Err(ctx.err(None, "no [[form]] defined"));
        }
        for (form, raw_form) in forms.iter().zip(&form_spans) {
            check_formulas(&ctx, form, raw_form.get_ref())?;
        }

        let mut catalogue = Catalogue {
            id: raw.id.into_inner(),
            name: raw.name,
            valid_from,
            valid_to,
            source: raw.source,
            top_level,
            reporting_levels,
            forms,
            rules: Vec::new(),
        };
        let mut rule_ids = HashSet::new();
        for r in &raw.rules {
            let rule = read_rule(&ctx, r, &catalogue)?;
            if !rule_ids.insert(rule.id.clone()) {
                return Err(ctx.err(Some(r.span()), format!("rule '{}' defined twice", rule.id)));
            }
            catalogue.rules.push(rule);
        }
        Ok(catalogue)
    }

    /// Whether this version is in force on a day.
    pub fn in_force_on(&self, day: Date) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_to.is_none_or(|t| day <= t)
    }

    pub fn form(&self, no: u8) -> Option<&Form> {
        self.forms.iter().find(|f| f.no == no)
    }

    pub fn indicator(&self, id: &IndicatorId) -> Option<&Indicator> {
        self.form(id.form)?.indicators.iter().find(|i| i.id == *id)
    }

    /// Every indicator, form by form in printed order.
    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.forms.iter().flat_map(|f| f.indicators.iter())
    }

    /// Whether a unit of this kind fills the row in its own submission.
    pub fn reported_by(&self, indicator: &Indicator, kind: UnitKind) -> bool {
        if indicator.levels.is_empty() {
            self.reporting_levels.contains(&kind)
        } else {
            indicator.levels.contains(&kind)
        }
    }
}

fn read_form(
    ctx: &Ctx,
    f: &Spanned<RawForm>,
    reporting_levels: &[UnitKind],
    top_level: UnitKind,
    valid_from: Option<Date>,
    valid_to: Option<Date>,
) -> Result<Form, CatalogueError> {
    let raw = f.get_ref();
    let no = *raw.no.get_ref();
    if !(1..=99).contains(&no) {
        return Err(ctx.err(
            Some(raw.no.span()),
            format!("form number {no} must be 1–99"),
        ));
    }
    let no = no as u8;
    let area = Area::parse(raw.area.get_ref()).ok_or_else(|| {
        ctx.err(
            Some(raw.area.span()),
            format!(
                "form {no}: unknown area '{}' (use I–VII)",
                raw.area.get_ref()
            ),
        )
    })?;
    if raw.title.trim().is_empty() {
        return Err(ctx.err(
            Some(f.span()),
            format!("form {no}: title must not be empty"),
        ));
    }
    let mut indicators: Vec<Indicator> = Vec::new();
    for r in &raw.indicators {
        let ind = read_indicator(ctx, no, r, reporting_levels, top_level)?;
        if indicators.iter().any(|i| i.id == ind.id) {
            return Err(ctx.err(
                Some(r.get_ref().code.span()),
                format!("{}: code defined twice", ind.id),
            ));
        }
        let outside = |d: Option<Date>| {
            d.is_some_and(|d| valid_from.is_some_and(|f| d < f) || valid_to.is_some_and(|t| d > t))
        };
        if outside(ind.valid_from) || outside(ind.valid_to) {
            return Err(ctx.err(
                Some(r.span()),
                format!("{}: validity outside the catalogue's", ind.id),
            ));
        }
        indicators.push(ind);
    }
    if indicators.is_empty() {
        return Err(ctx.err(Some(f.span()), format!("form {no} has no indicator")));
    }
    Ok(Form {
        no,
        area,
        title: raw.title.clone(),
        title_en: raw.title_en.clone(),
        indicators,
    })
}

fn read_indicator(
    ctx: &Ctx,
    form: u8,
    r: &Spanned<RawIndicator>,
    reporting_levels: &[UnitKind],
    top_level: UnitKind,
) -> Result<Indicator, CatalogueError> {
    let raw = r.get_ref();
    let code = raw.code.get_ref().trim();
    if !valid_code(code) {
        return Err(ctx.err(
            Some(raw.code.span()),
            format!("form {form}: code '{code}' must be numbers separated by dots (1, 2.1, 4.2.a)"),
        ));
    }
    let id = IndicatorId::new(form, code);
    let err = |span: Range<usize>, message: String| ctx.err(Some(span), format!("{id}: {message}"));
    if raw.label.get_ref().trim().is_empty() {
        return Err(err(raw.label.span(), "label must not be empty".into()));
    }
    let choices = |name: &str| -> Result<Vec<Choice>, CatalogueError> {
        let Some(c) = &raw.choices else {
            return Err(err(raw.kind.span(), format!("kind '{name}' needs choices")));
        };
        let list = c.get_ref().clone();
        let mut seen = HashSet::new();
        for ch in &list {
            if !seen.insert(ch.code) || ch.label.trim().is_empty() {
                return Err(err(
                    c.span(),
                    format!("choice code {} repeated or without a label", ch.code),
                ));
            }
        }
        if list.len() < 2 {
            return Err(err(
                c.span(),
                "a choice list needs at least two choices".into(),
            ));
        }
        if name == "bool" && seen != HashSet::from([0, 1]) {
            return Err(err(
                c.span(),
                "a bool's choices must be the codes 0 and 1".into(),
            ));
        }
        Ok(list)
    };
    let formula = |name: &str| -> Result<&Spanned<String>, CatalogueError> {
        raw.formula.as_ref().ok_or_else(|| {
            err(
                raw.kind.span(),
                format!("kind '{name}' needs a formula ('2.2 / 2.1' or '1.1 + 1.2')"),
            )
        })
    };
    let kind = match raw.kind.get_ref().as_str() {
        "count" => Kind::Count,
        "money" => Kind::Money,
        "percent" => Kind::Percent,
        "rate" => {
            let f = formula("rate")?;
            let (num, den) = f.get_ref().split_once('/').ok_or_else(|| {
                err(f.span(), format!("a rate is 'numerator / denominator', not '{}'", f.get_ref()))
            })?;
            let (num, den) = (num.trim(), den.trim());
            if !valid_code(num) || !valid_code(den) {
                return Err(err(
                    f.span(),
                    format!("a rate needs two parts of the same form, not '{}'", f.get_ref()),
                ));
            }
            Kind::Rate {
                num: num.to_string(),
                den: den.to_string(),
            }
        }
        "sum" => {
            let f = formula("sum")?;
            let parts: Vec<String> = f.get_ref().split('+').map(|p| p.trim().to_string()).collect();
            if parts.len() < 2 || !parts.iter().all(|p| valid_code(p)) {
                return Err(err(
                    f.span(),
                    format!("a sum is 'a + b (+ …)' of codes of the same form, not '{}'", f.get_ref()),
                ));
            }
            Kind::Sum(parts)
        }
        "bool" => Kind::Bool(choices("bool")?),
        "enum" => Kind::Enum(choices("enum")?),
        "heading" => Kind::Heading,
        "text" => Kind::Text,
        other => {
            return Err(err(
                raw.kind.span(),
                format!(
                    "unknown kind '{other}' (use count, money, percent, rate, sum, bool, enum, heading or text)"
                ),
            ))
        }
    };
    if !kind.is_derived() {
        if let Some(f) = &raw.formula {
            return Err(err(
                f.span(),
                format!("a {} row takes no formula", kind.code()),
            ));
        }
    }
    if !matches!(kind, Kind::Bool(_) | Kind::Enum(_)) {
        if let Some(c) = &raw.choices {
            return Err(err(
                c.span(),
                format!("a {} row takes no choices", kind.code()),
            ));
        }
    }
    let mut levels = Vec::new();
    for l in &raw.levels {
        let k = ctx.level(l, &id.to_string())?;
        if !reporting_levels.contains(&k) {
            return Err(err(
                l.span(),
                format!(
                    "level '{}' does not report in this catalogue (reporting_levels: {})",
                    k.code(),
                    reporting_levels
                        .iter()
                        .map(|k| k.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        if levels.contains(&k) {
            return Err(err(l.span(), format!("level '{}' listed twice", k.code())));
        }
        levels.push(k);
    }
    let of_level = match &raw.of_level {
        None => None,
        Some(s) => Some(Tier::parse(s.get_ref()).ok_or_else(|| {
            err(
                s.span(),
                format!(
                    "unknown of_level '{}' (use central, province, district or commune)",
                    s.get_ref()
                ),
            )
        })?),
    };
    let accumulation = match &raw.accumulation {
        None => Accumulation::Period,
        Some(s) => ctx.pick(
            s,
            &format!("{id}: unknown accumulation"),
            &[
                ("period", Accumulation::Period),
                ("ytd", Accumulation::Ytd),
                ("stock", Accumulation::Stock),
                ("vs_2015", Accumulation::Vs2015),
            ],
        )?,
    };
    let default_aggregate = match kind {
        Kind::Count | Kind::Money => Aggregate::Sum,
        Kind::Rate { .. } | Kind::Sum(_) => Aggregate::Recompute,
        _ => Aggregate::Own,
    };
    let aggregate = match &raw.aggregate {
        None => default_aggregate,
        Some(s) => {
            let a = ctx.pick(
                s,
                &format!("{id}: unknown aggregate"),
                &[
                    ("sum", Aggregate::Sum),
                    ("recompute", Aggregate::Recompute),
                    ("own", Aggregate::Own),
                ],
            )?;
            let fits = match kind {
                Kind::Count | Kind::Money => a != Aggregate::Recompute,
                Kind::Rate { .. } | Kind::Sum(_) => a == Aggregate::Recompute,
                _ => a == Aggregate::Own,
            };
            if !fits {
                return Err(err(
                    s.span(),
                    format!(
                        "a {} row cannot aggregate by '{}' (rates and sums are recomputed from their parts; only counts and money add up)",
                        kind.code(),
                        a.code()
                    ),
                ));
            }
            a
        }
    };
    if aggregate == Aggregate::Own && !levels.is_empty() && !levels.contains(&top_level) {
        return Err(err(
            r.span(),
            format!(
                "the parent's own figure is used, so the {} must fill it: add it to levels",
                top_level.code()
            ),
        ));
    }
    let precision = match &raw.precision {
        None => 2,
        Some(p) if (0..=4).contains(p.get_ref()) && matches!(kind, Kind::Rate { .. }) => {
            *p.get_ref() as u32
        }
        Some(p) => {
            return Err(err(
                p.span(),
                "precision (0–4 decimals) applies to rates only".into(),
            ))
        }
    };
    let prefill = match &raw.prefill {
        None => None,
        Some(p) => {
            let options: Vec<(&str, Prefill)> =
                Prefill::ALL.iter().map(|p| (p.code(), *p)).collect();
            let source = ctx.pick(p, &format!("{id}: unknown prefill source"), &options)?;
            if !matches!(kind, Kind::Count | Kind::Money) {
                return Err(err(
                    p.span(),
                    "only counts and amounts can be prefilled".into(),
                ));
            }
            Some(source)
        }
    };
    let valid_from = ctx.date(&raw.valid_from)?;
    let valid_to = ctx.date(&raw.valid_to)?;
    Ok(Indicator {
        id,
        label: raw.label.get_ref().trim().to_string(),
        label_en: raw.label_en.clone(),
        unit: raw.unit.clone(),
        kind,
        levels,
        of_level,
        accumulation,
        aggregate,
        precision,
        hidden: raw.hidden,
        prefill,
        valid_from,
        valid_to,
        source: raw.source.clone(),
    })
}

/// Formulas name rows of the same form that add up, and sums don't loop.
fn check_formulas(ctx: &Ctx, form: &Form, raw: &RawForm) -> Result<(), CatalogueError> {
    let by_code: HashMap<&str, &Indicator> = form
        .indicators
        .iter()
        .map(|i| (i.id.code.as_str(), i))
        .collect();
    for (ind, r) in form.indicators.iter().zip(&raw.indicators) {
        let span = r
            .get_ref()
            .formula
            .as_ref()
            .map_or_else(|| r.span(), |f| f.span());
        let parts: Vec<&str> = match &ind.kind {
            Kind::Rate { num, den } => vec![num, den],
            Kind::Sum(parts) => parts.iter().map(String::as_str).collect(),
            _ => continue,
        };
        let mut seen = HashSet::new();
        for p in parts {
            let Some(part) = by_code.get(p) else {
                return Err(ctx.err(
                    Some(span),
                    format!(
                        "{}: formula names unknown indicator '{p}' of form {}",
                        ind.id, form.no
                    ),
                ));
            };
            if !part.kind.is_additive() {
                return Err(ctx.err(
                    Some(span),
                    format!(
                        "{}: formula part {} is a {} row; parts must be counts, amounts or sums",
                        ind.id,
                        part.id,
                        part.kind.code()
                    ),
                ));
            }
            if part.id == ind.id || !seen.insert(p) {
                return Err(ctx.err(
                    Some(span),
                    format!("{}: formula names {p} twice or itself", ind.id),
                ));
            }
        }
    }
    // Sums of sums must not loop.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    fn visit<'a>(
        code: &'a str,
        by_code: &HashMap<&str, &'a Indicator>,
        state: &mut BTreeMap<&'a str, u8>,
    ) -> Option<&'a str> {
        match state.get(code) {
            Some(1) => return Some(code),
            Some(_) => return None,
            None => {}
        }
        state.insert(code, 1);
        if let Some(Kind::Sum(parts)) = by_code.get(code).map(|i| &i.kind) {
            for p in parts {
                if let Some(looped) = visit(p, by_code, state) {
                    return Some(looped);
                }
            }
        }
        state.insert(code, 2);
        None
    }
    for (ind, r) in form.indicators.iter().zip(&raw.indicators) {
        if let Some(looped) = visit(&ind.id.code, &by_code, &mut state) {
            return Err(ctx.err(
                Some(r.span()),
                format!("{}: sums loop through {looped}", ind.id),
            ));
        }
    }
    Ok(())
}

fn read_rule(ctx: &Ctx, r: &Spanned<RawRule>, cat: &Catalogue) -> Result<Rule, CatalogueError> {
    let raw = r.get_ref();
    let id = raw.id.get_ref().trim().to_string();
    if id.is_empty() {
        return Err(ctx.err(Some(raw.id.span()), "rule id must not be empty"));
    }
    let err = |span: Range<usize>, message: String| {
        ctx.err(Some(span), format!("rule '{id}': {message}"))
    };
    let reference = |text: &str, span: Range<usize>| -> Result<IndicatorId, CatalogueError> {
        let rid: IndicatorId = text.parse().map_err(|m| err(span.clone(), m))?;
        match cat.indicator(&rid) {
            None => Err(err(span, format!("names unknown indicator {rid}"))),
            Some(_) => Ok(rid),
        }
    };
    let numeric = |rid: &IndicatorId, span: Range<usize>| -> Result<(), CatalogueError> {
        match cat.indicator(rid).map(|i| &i.kind) {
            Some(Kind::Count | Kind::Money | Kind::Sum(_) | Kind::Percent) => Ok(()),
            Some(k) => Err(err(
                span,
                format!("{rid} is a {} row and cannot be compared", k.code()),
            )),
            None => Err(err(span, format!("names unknown indicator {rid}"))),
        }
    };
    let test = match (&raw.check, &raw.when) {
        (Some(check), None) => {
            if !raw.require.is_empty() {
                return Err(err(
                    r.span(),
                    "'require' goes with 'when', not 'check'".into(),
                ));
            }
            let (left, op, right) = split_comparison(check.get_ref()).ok_or_else(|| {
                err(
                    check.span(),
                    format!(
                        "'{}' is not 'left <= right' (use =, <=, <, >=, >)",
                        check.get_ref()
                    ),
                )
            })?;
            let parse = |side: &str| -> Result<Expr, CatalogueError> {
                let expr = parse_expr(side).map_err(|m| err(check.span(), m))?;
                for (_, rid) in &expr.terms {
                    reference(&rid.to_string(), check.span())?;
                    numeric(rid, check.span())?;
                }
                Ok(expr)
            };
            RuleTest::Compare {
                left: parse(left)?,
                op,
                right: parse(right)?,
            }
        }
        (None, Some(when)) => {
            let (left, _, right) = split_comparison(when.get_ref())
                .filter(|(_, op, _)| *op == Op::Eq)
                .ok_or_else(|| {
                    err(
                        when.span(),
                        format!("'when' is 'B1 6 = 1', not '{}'", when.get_ref()),
                    )
                })?;
            let rid = reference(left.trim(), when.span())?;
            let equals: i64 = right
                .trim()
                .parse()
                .map_err(|_| err(when.span(), format!("'{}' is not a code", right.trim())))?;
            match cat.indicator(&rid).map(|i| &i.kind) {
                Some(Kind::Bool(ch) | Kind::Enum(ch)) if ch.iter().any(|c| c.code == equals) => {}
                _ => {
                    return Err(err(
                        when.span(),
                        format!("{rid} is not a yes/no or list row with code {equals}"),
                    ))
                }
            }
            if raw.require.is_empty() {
                return Err(err(
                    when.span(),
                    "'when' needs 'require' (the rows then required)".into(),
                ));
            }
            let require = raw
                .require
                .iter()
                .map(|s| reference(s.get_ref(), s.span()))
                .collect::<Result<Vec<_>, _>>()?;
            RuleTest::Requires {
                when: rid,
                equals,
                require,
            }
        }
        _ => {
            return Err(err(
                r.span(),
                "needs either 'check' (a comparison) or 'when' with 'require'".into(),
            ))
        }
    };
    let severity = ctx.pick(
        &raw.severity,
        &format!("rule '{id}': unknown severity"),
        &[("error", Severity::Error), ("warning", Severity::Warning)],
    )?;
    let missing = match &raw.missing {
        None => Missing::SkipIfAnyMissing,
        Some(s) => ctx.pick(
            s,
            &format!("rule '{id}': unknown missing-value strategy"),
            &[
                ("skip_if_any_missing", Missing::SkipIfAnyMissing),
                ("skip_if_all_missing", Missing::SkipIfAllMissing),
                ("never_skip", Missing::NeverSkip),
            ],
        )?,
    };
    if raw.message.trim().is_empty() {
        return Err(err(r.span(), "message must not be empty".into()));
    }
    Ok(Rule {
        id,
        test,
        severity,
        missing,
        message: raw.message.clone(),
    })
}

/// `a <= b` → (a, Le, b); the two-character operators are tried first.
fn split_comparison(text: &str) -> Option<(&str, Op, &str)> {
    for (symbol, op) in [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("≤", Op::Le),
        ("≥", Op::Ge),
        ("<", Op::Lt),
        (">", Op::Gt),
        ("=", Op::Eq),
    ] {
        if let Some((left, right)) = text.split_once(symbol) {
            if right.contains(['<', '>', '=', '≤', '≥']) {
                return None;
            }
            return Some((left, op, right));
        }
    }
    None
}

/// `B1 5.2 + B1 5.3 - B1 5.4`.
fn parse_expr(text: &str) -> Result<Expr, String> {
    let mut terms = Vec::new();
    let mut sign: i8 = 1;
    let mut rest = text.trim();
    loop {
        let end = rest.find(['+', '-']).unwrap_or(rest.len());
        let term = rest[..end].trim();
        if term.is_empty() {
            return Err(format!("incomplete expression '{text}'"));
        }
        terms.push((sign, term.parse::<IndicatorId>()?));
        if end == rest.len() {
            break;
        }
        sign = if rest[end..].starts_with('-') { -1 } else { 1 };
        rest = &rest[end + 1..];
    }
    Ok(Expr { terms })
}

/// The catalogue versions known to chiso, one of which is in force on any day.
#[derive(Clone, Debug, Default)]
pub struct CatalogueSet {
    pub versions: Vec<Catalogue>,
}

/// The shipped catalogue files, compiled in.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "forms/cchc-2024.toml",
        include_str!("../../../forms/cchc-2024.toml"),
    ),
    (
        "forms/cchc-2025.toml",
        include_str!("../../../forms/cchc-2025.toml"),
    ),
];

impl CatalogueSet {
    /// The versions shipped with chiso (`forms/*.toml` in the repository).
    /// A shipped file that does not validate is a build defect, caught by the
    /// crate's tests.
    pub fn builtin() -> CatalogueSet {
        let versions = BUILTIN
            .iter()
            .map(|(name, text)| {
                Catalogue::from_toml(name, text)
                    .unwrap_or_else(|e| panic!("shipped form catalogue invalid: {e}"))
            })
            .collect();
        CatalogueSet { versions }
    }

    /// The version in force on `day` (the latest starting one if several are):
    /// for a reporting period, the one in force at its window's end.
    pub fn in_force(&self, day: Date) -> Option<&Catalogue> {
        self.versions
            .iter()
            .filter(|c| c.in_force_on(day))
            .max_by_key(|c| c.valid_from)
    }

    pub fn get(&self, id: &str) -> Option<&Catalogue> {
        self.versions.iter().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_and_comparisons() {
        let e = parse_expr("B1 5.2 + B1 5.3-B1 5.4").unwrap();
        assert_eq!(e.terms.len(), 3);
        assert_eq!(e.terms[2].0, -1);
        assert_eq!(e.to_string(), "B1 5.2 + B1 5.3 - B1 5.4");
        assert!(parse_expr("B1 5.2 +").is_err());
        assert!(parse_expr("5.2").is_err());
        let (l, op, r) = split_comparison("B4 1.5 = B6 2.1").unwrap();
        assert_eq!((l.trim(), op, r.trim()), ("B4 1.5", Op::Eq, "B6 2.1"));
        assert_eq!(split_comparison("a <= b").unwrap().1, Op::Le);
        assert!(split_comparison("a <= b <= c").is_none());
        assert!(split_comparison("a b").is_none());
    }

    #[test]
    fn builtin_versions_load_and_switch_on_1_july_2025() {
        let set = CatalogueSet::builtin();
        let on = |d: &str| set.in_force(Date::parse(d).unwrap()).unwrap().id.clone();
        assert_eq!(on("2024-06-14"), "cchc-2024");
        assert_eq!(on("2025-06-14"), "cchc-2024");
        assert_eq!(on("2025-09-14"), "cchc-2025");
    }
}
