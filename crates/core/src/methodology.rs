//! The methodology (bộ chỉ số) as data: groups, criteria, weights, scoring
//! rules, thresholds, targets and validity dates, read from a versioned TOML
//! file. Nothing about the index's arithmetic is hard-coded elsewhere.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::Deserialize;
use toml::Spanned;

use crate::measures::{Measure, MeasureValues};
use crate::records::UnitKind;
use crate::time::Date;

/// A methodology version, validated.
#[derive(Clone, Debug)]
pub struct Methodology {
    pub id: String,
    pub name: String,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub source: String,
    /// Maximum total (100).
    pub total: f64,
    pub groups: Vec<Group>,
    pub criteria: Vec<Criterion>,
}

/// Nhóm chỉ số.
#[derive(Clone, Debug)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub name_en: String,
    pub max: f64,
}

/// Chỉ số thành phần: a ratio of measures with a scoring rule.
#[derive(Clone, Debug)]
pub struct Criterion {
    pub id: String,
    pub group: String,
    /// The portal's metric code, where known.
    pub code: Option<String>,
    pub name: String,
    pub name_en: String,
    pub numerator: Expr,
    pub denominator: Expr,
    pub rule: Rule,
    pub max: f64,
    pub no_data: NoData,
    /// Unit kinds at which the criterion is computed; others inherit from the
    /// nearest ancestor of such a kind. Empty: computed at every level.
    pub levels: Vec<UnitKind>,
    /// Government targets (Resolution 02/NQ-CP…) per year: alerts, not points.
    pub goals: BTreeMap<i32, f64>,
    /// Scored against the unit's assigned target for the year (chỉ tiêu
    /// giao) when it has one, instead of the rule's threshold (`targets`).
    pub assigned_target: bool,
    pub source: String,
    pub provisional: bool,
}

/// A sum and difference of measures: `dossiers_received - dossiers_negative`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    pub terms: Vec<(i64, Measure)>,
}

impl Expr {
    pub fn eval(&self, values: &MeasureValues) -> i64 {
        self.terms
            .iter()
            .map(|(sign, m)| sign * values.get(*m))
            .sum()
    }

    /// The measures added (not subtracted).
    pub fn positive(&self) -> impl Iterator<Item = Measure> + '_ {
        self.terms.iter().filter(|(s, _)| *s > 0).map(|(_, m)| *m)
    }

    fn parse(text: &str) -> Result<Expr, String> {
        let mut terms = Vec::new();
        let mut sign = 1;
        let mut expect_term = true;
        for token in text.split_whitespace().flat_map(split_signs) {
            match (token, expect_term) {
                ("+", true) => {}
                ("-", true) => sign = -sign,
                ("+" | "-", false) => {
                    sign = if token == "-" { -1 } else { 1 };
                    expect_term = true;
                }
                (name, true) => {
                    let m = Measure::parse(name).ok_or_else(|| {
                        let known: Vec<_> = Measure::ALL.iter().map(|m| m.name()).collect();
                        format!(
                            "unknown measure '{name}' (known measures: {})",
                            known.join(", ")
                        )
                    })?;
                    terms.push((sign, m));
                    sign = 1;
                    expect_term = false;
                }
                (name, false) => return Err(format!("expected + or - before '{name}'")),
            }
        }
        if terms.is_empty() || expect_term {
            return Err(format!("incomplete expression '{text}'"));
        }
        Ok(Expr { terms })
    }
}

fn split_signs(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, ch) in word.char_indices() {
        if ch == '+' || ch == '-' {
            if start < i {
                out.push(&word[start..i]);
            }
            out.push(&word[i..i + 1]);
            start = i + 1;
        }
    }
    if start < word.len() {
        out.push(&word[start..]);
    }
    out
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (sign, m)) in self.terms.iter().enumerate() {
            match (i, *sign < 0) {
                (0, true) => write!(f, "-{}", m.name())?,
                (0, false) => write!(f, "{}", m.name())?,
                (_, true) => write!(f, " - {}", m.name())?,
                (_, false) => write!(f, " + {}", m.name())?,
            }
        }
        Ok(())
    }
}

/// How a ratio becomes points.
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    /// ratio × max
    Linear,
    /// full at ≥ T, else ratio × max / T
    Threshold(f64),
    /// as `Threshold`, with T taken from a per-year table (latest year ≤ the period's year)
    Target(BTreeMap<i32, f64>),
}

impl Rule {
    /// The threshold in force for a year (1.0 for linear).
    pub fn threshold(&self, year: i32) -> f64 {
        match self {
            Rule::Linear => 1.0,
            Rule::Threshold(t) => *t,
            Rule::Target(table) => table
                .range(..=year)
                .next_back()
                .or_else(|| table.iter().next())
                .map(|(_, t)| *t)
                .unwrap_or(1.0),
        }
    }

    /// Points for a ratio: min(max, max × ratio / T), never below 0.
    pub fn points(&self, ratio: f64, max: f64, year: i32) -> f64 {
        let t = self.threshold(year);
        (max * ratio.max(0.0) / t).min(max)
    }

    /// How the rule turns a ratio into points, in Vietnamese, for a year
    /// (the one wording every output uses).
    pub fn describe(&self, year: i32) -> String {
        match self {
            Rule::Linear => "tuyến tính: tỷ lệ × điểm tối đa".to_string(),
            Rule::Threshold(t) => format!(
                "đủ điểm khi tỷ lệ ≥ {}%, dưới đó tỷ lệ × tối đa / ngưỡng",
                crate::format::decimal(t * 100.0, 0)
            ),
            Rule::Target(table) => {
                let years: Vec<String> = table
                    .iter()
                    .map(|(y, t)| format!("{y}: {}%", crate::format::decimal(t * 100.0, 0)))
                    .collect();
                format!(
                    "đủ điểm khi đạt ngưỡng của năm ({}); năm {year}: {}%",
                    years.join(", "),
                    crate::format::decimal(self.threshold(year) * 100.0, 0)
                )
            }
        }
    }
}

/// What a zero denominator gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoData {
    /// Left out; the group's maximum is reduced.
    Exclude,
    /// Full points.
    Full,
    /// Zero points.
    Zero,
}

impl NoData {
    pub fn code(self) -> &'static str {
        match self {
            NoData::Exclude => "exclude",
            NoData::Full => "full",
            NoData::Zero => "zero",
        }
    }

    /// What the policy does, in Vietnamese.
    pub fn label_vi(self) -> &'static str {
        match self {
            NoData::Exclude => "không tính, giảm điểm tối đa của nhóm",
            NoData::Full => "tính đủ điểm",
            NoData::Zero => "0 điểm",
        }
    }

    /// The note shown where a criterion had no data: "không có dữ liệu: …".
    pub fn note_vi(self) -> String {
        format!("không có dữ liệu: {}", self.label_vi())
    }
}

/// A methodology file that cannot be used, with where and why.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{file}:{line}: {message}")]
pub struct MethodologyError {
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
    #[serde(default = "hundred")]
    total: f64,
    #[serde(rename = "group")]
    groups: Vec<Spanned<RawGroup>>,
    #[serde(rename = "criterion")]
    criteria: Vec<Spanned<RawCriterion>>,
}

fn hundred() -> f64 {
    100.0
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: String,
    name: String,
    #[serde(default)]
    name_en: String,
    max: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    id: String,
    group: Spanned<String>,
    #[serde(default)]
    code: Option<String>,
    name: String,
    #[serde(default)]
    name_en: String,
    numerator: Spanned<String>,
    denominator: Spanned<String>,
    rule: Spanned<String>,
    #[serde(default)]
    threshold: Option<Spanned<f64>>,
    #[serde(default)]
    targets: BTreeMap<String, f64>,
    max: f64,
    no_data: Spanned<String>,
    #[serde(default)]
    levels: Vec<Spanned<String>>,
    #[serde(default)]
    goals: BTreeMap<String, f64>,
    #[serde(default)]
    assigned_target: bool,
    #[serde(default)]
    source: String,
    #[serde(default)]
    provisional: bool,
}

impl Methodology {
    /// Parses and validates a methodology file; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<Methodology, MethodologyError> {
        let err = |span: Option<std::ops::Range<usize>>, message: String| MethodologyError {
            file: file.to_string(),
            line: span.map_or(1, |s| line_of(text, s.start)),
            message,
        };
        let raw: RawFile =
            toml::from_str(text).map_err(|e| err(e.span(), e.message().to_string()))?;
        let date = |s: &Option<Spanned<String>>| -> Result<Option<Date>, MethodologyError> {
            match s {
                None => Ok(None),
                Some(s) => Date::parse(s.get_ref()).map(Some).ok_or_else(|| {
                    err(
                        Some(s.span()),
                        format!("invalid date '{}': use YYYY-MM-DD", s.get_ref()),
                    )
                }),
            }
        };
        let valid_from = date(&raw.valid_from)?;
        let valid_to = date(&raw.valid_to)?;
        if raw.id.get_ref().trim().is_empty() {
            return Err(err(Some(raw.id.span()), "id must not be empty".into()));
        }

        let mut groups = Vec::new();
        let mut group_ids = HashSet::new();
        for g in &raw.groups {
            let span = g.span();
            let g = g.get_ref();
            if !group_ids.insert(g.id.clone()) {
                return Err(err(Some(span), format!("group '{}' defined twice", g.id)));
            }
            if g.max <= 0.0 {
                return Err(err(
                    Some(span),
                    format!("group '{}': max must be positive", g.id),
                ));
            }
            groups.push(Group {
                id: g.id.clone(),
                name: g.name.clone(),
                name_en: g.name_en.clone(),
                max: g.max,
            });
        }
        if groups.is_empty() {
            return Err(err(None, "no [[group]] defined".into()));
        }

        let mut criteria = Vec::new();
        let mut criterion_ids = HashSet::new();
        for c in &raw.criteria {
            let span = c.span();
            let c = c.get_ref();
            if !criterion_ids.insert(c.id.clone()) {
                return Err(err(
                    Some(span),
                    format!("criterion '{}' defined twice", c.id),
                ));
            }
            if !group_ids.contains(c.group.get_ref()) {
                return Err(err(
                    Some(c.group.span()),
                    format!(
                        "criterion '{}': unknown group '{}'",
                        c.id,
                        c.group.get_ref()
                    ),
                ));
            }
            let expr = |s: &Spanned<String>| {
                Expr::parse(s.get_ref())
                    .map_err(|m| err(Some(s.span()), format!("criterion '{}': {m}", c.id)))
            };
            let numerator = expr(&c.numerator)?;
            let denominator = expr(&c.denominator)?;
            let threshold = |rule: &str| match &c.threshold {
                Some(t) if *t.get_ref() > 0.0 && *t.get_ref() <= 1.0 => Ok(*t.get_ref()),
                Some(t) => Err(err(
                    Some(t.span()),
                    format!("criterion '{}': threshold must be in (0, 1]", c.id),
                )),
                None => Err(err(
                    Some(c.rule.span()),
                    format!("criterion '{}': rule '{rule}' needs a threshold", c.id),
                )),
            };
            let years = |table: &BTreeMap<String, f64>,
                         what: &str|
             -> Result<BTreeMap<i32, f64>, MethodologyError> {
                table
                    .iter()
                    .map(|(y, v)| match (y.parse::<i32>(), *v > 0.0 && *v <= 1.0) {
                        (Ok(y), true) => Ok((y, *v)),
                        _ => Err(err(
                            Some(span.clone()),
                            format!("criterion '{}': {what} '{y}' = {v}: use a year and a ratio in (0, 1]", c.id),
                        )),
                    })
                    .collect()
            };
            let rule = match c.rule.get_ref().as_str() {
                "linear" => Rule::Linear,
                "threshold" => Rule::Threshold(threshold("threshold")?),
                "target" => {
                    let t = years(&c.targets, "target")?;
                    if t.is_empty() {
                        return Err(err(
                            Some(c.rule.span()),
                            format!("criterion '{}': rule 'target' needs targets", c.id),
                        ));
                    }
                    Rule::Target(t)
                }
                other => {
                    return Err(err(
                        Some(c.rule.span()),
                        format!(
                        "criterion '{}': unknown rule '{other}' (use linear, threshold or target)",
                        c.id
                    ),
                    ))
                }
            };
            let no_data = match c.no_data.get_ref().as_str() {
                "exclude" => NoData::Exclude,
                "full" => NoData::Full,
                "zero" => NoData::Zero,
                other => {
                    return Err(err(
                        Some(c.no_data.span()),
                        format!("criterion '{}': unknown no_data policy '{other}' (use exclude, full or zero)", c.id),
                    ))
                }
            };
            let levels = c
                .levels
                .iter()
                .map(|l| {
                    UnitKind::parse(l.get_ref()).ok_or_else(|| {
                        err(
                            Some(l.span()),
                            format!(
                                "criterion '{}': unknown level '{}' (use {})",
                                c.id,
                                l.get_ref(),
                                UnitKind::expected()
                            ),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            if c.max < 0.0 {
                return Err(err(
                    Some(span),
                    format!("criterion '{}': max must not be negative", c.id),
                ));
            }
            criteria.push(Criterion {
                id: c.id.clone(),
                group: c.group.get_ref().clone(),
                code: c.code.clone(),
                name: c.name.clone(),
                name_en: c.name_en.clone(),
                numerator,
                denominator,
                rule,
                max: c.max,
                no_data,
                levels,
                goals: years(&c.goals, "goal")?,
                assigned_target: c.assigned_target,
                source: c.source.clone(),
                provisional: c.provisional,
            });
        }

        for g in &groups {
            let sum: f64 = criteria
                .iter()
                .filter(|c| c.group == g.id)
                .map(|c| c.max)
                .sum();
            if (sum - g.max).abs() > 1e-6 {
                let span = raw
                    .groups
                    .iter()
                    .find(|r| r.get_ref().id == g.id)
                    .map(|r| r.span());
                return Err(err(
                    span,
                    format!(
                        "group '{}': criteria maxima sum to {sum}, not the group's max {}",
                        g.id, g.max
                    ),
                ));
            }
        }
        let sum: f64 = groups.iter().map(|g| g.max).sum();
        if (sum - raw.total).abs() > 1e-6 {
            return Err(err(
                None,
                format!("groups' maxima sum to {sum}, not the total {}", raw.total),
            ));
        }
        Ok(Methodology {
            id: raw.id.into_inner(),
            name: raw.name,
            valid_from,
            valid_to,
            source: raw.source,
            total: raw.total,
            groups,
            criteria,
        })
    }

    /// Whether this version is in force on a day.
    pub fn in_force_on(&self, day: Date) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_to.is_none_or(|t| day <= t)
    }

    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// The methodology versions known to chiso, one of which is in force on any day.
#[derive(Clone, Debug, Default)]
pub struct MethodologySet {
    pub versions: Vec<Methodology>,
}

impl MethodologySet {
    /// The versions shipped with chiso (`methodology/*.toml` in the repository).
    pub fn builtin() -> MethodologySet {
        let versions = BUILTIN
            .iter()
            .map(|(name, text)| {
                Methodology::from_toml(name, text)
                    .unwrap_or_else(|e| panic!("shipped methodology invalid: {e}"))
            })
            .collect();
        MethodologySet { versions }
    }

    pub fn add(&mut self, m: Methodology) {
        self.versions.retain(|v| v.id != m.id);
        self.versions.push(m);
    }

    /// The version in force on `day` (the latest starting one if several are).
    pub fn in_force(&self, day: Date) -> Option<&Methodology> {
        self.versions
            .iter()
            .filter(|m| m.in_force_on(day))
            .max_by_key(|m| m.valid_from)
    }

    pub fn get(&self, id: &str) -> Option<&Methodology> {
        self.versions.iter().find(|m| m.id == id)
    }
}

/// The shipped methodology files, compiled in.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "methodology/766-2023.toml",
        include_str!("../../../methodology/766-2023.toml"),
    ),
    (
        "methodology/766-2026.toml",
        include_str!("../../../methodology/766-2026.toml"),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions() {
        let e =
            Expr::parse("dossiers_received - dossiers_late_received-dossiers_negative").unwrap();
        assert_eq!(e.terms.len(), 3);
        assert_eq!(
            e.to_string(),
            "dossiers_received - dossiers_late_received - dossiers_negative"
        );
        assert!(Expr::parse("dossiers_received -").is_err());
        assert!(Expr::parse("dossiers_received dossiers_online").is_err());
        assert!(Expr::parse("nonsense")
            .unwrap_err()
            .contains("unknown measure 'nonsense'"));
    }

    #[test]
    fn builtin_versions_load_and_switch() {
        let set = MethodologySet::builtin();
        assert_eq!(
            set.in_force(Date::parse("2025-06-30").unwrap()).unwrap().id,
            "766-2023"
        );
        assert_eq!(
            set.in_force(Date::parse("2025-07-01").unwrap()).unwrap().id,
            "766-2026"
        );
    }

    #[test]
    fn target_rule_takes_the_latest_year() {
        let rule = Rule::Target([(2023, 0.3), (2024, 0.45)].into_iter().collect());
        assert_eq!(rule.threshold(2023), 0.3);
        assert_eq!(rule.threshold(2026), 0.45);
        assert_eq!(rule.threshold(2020), 0.3);
    }
}
