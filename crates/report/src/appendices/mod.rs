//! From the engine's score sheets to the report model: one module per part.
//!
//! Everything a renderer shows is decided here: which units, in which order
//! and sections, every figure (as a typed [`Cell`]), headings and notes.
//! Figures are the engine's (totals, points, ranks, changes, measures) or
//! ratios of its measures; nothing is rounded before display.

mod certification;
mod components;
mod criteria;
mod letter;
mod monthly;
mod ranking;
mod timeliness;

use std::collections::BTreeMap;

use chiso_core::format::roman;
use chiso_core::measures::Measure;
use chiso_core::methodology::{Group, Methodology, MethodologySet};
use chiso_core::period::{self, Period, PeriodKind};
use chiso_core::records::{Unit, UnitKind};
use chiso_core::scoring::{GroupScore, Hierarchy, ScoreSheet, UnitScore};
use chiso_core::time::{Date, Instant};

use crate::config::Letter;
use crate::model::{Align, Block, Cell, Column, HeaderCell, PartKind, Report};
use crate::{ReportError, ReportRequest};

/// What the appendices are computed from: the engine's score sheets of the period
/// and of the one before, the hierarchy, the methodologies.
pub struct Input<'a> {
    pub request: &'a ReportRequest,
    pub methodologies: &'a MethodologySet,
    pub hierarchy: &'a Hierarchy,
    pub sheet: &'a ScoreSheet,
    /// The previous period scored on its own (groups of the previous period).
    pub previous: &'a ScoreSheet,
    /// The day of the latest dossier received, if any.
    pub latest_received: Option<Date>,
}

/// Everything the parts share.
pub(crate) struct Context<'a> {
    pub period: Period,
    pub sheet: &'a ScoreSheet,
    pub previous: &'a ScoreSheet,
    pub methodology: &'a Methodology,
    pub previous_methodology: Option<&'a Methodology>,
    /// The unit the report is about (the province by default).
    pub scope: &'a Unit,
    pub scope_score: Option<&'a UnitScore>,
    /// Scored units under the scope of the requested kinds, in the sheet's
    /// order (kind, parent, rank).
    pub units: Vec<&'a UnitScore>,
    /// Units under the scope of the requested kinds that are not scored.
    pub not_scored: Vec<&'a Unit>,
    /// The data's date: the period's end or, if earlier, the latest dossier's day.
    pub data_date: Option<Date>,
    /// When the data stops inside the period: the instant it was judged at.
    pub as_of: Option<Instant>,
    pub letter: Letter,
}

/// A section of a unit table: units of one kind under one parent.
pub(crate) struct Section<'a> {
    pub title: String,
    pub kind: UnitKind,
    /// The parent's name when the kind is split over several parents.
    pub parent: Option<String>,
    pub units: Vec<&'a UnitScore>,
}

/// Builds the report model.
pub(crate) fn assemble(input: &Input) -> Result<Report, ReportError> {
    let ctx = Context::new(input)?;
    let appendices: Vec<PartKind> = PartKind::APPENDICES
        .into_iter()
        .filter(|k| input.request.parts.contains(k))
        .collect();
    let numbered = appendices.len() > 1;
    let mut parts = Vec::new();
    if input.request.parts.contains(&PartKind::Letter) {
        parts.push(letter::part(&ctx, !appendices.is_empty()));
    }
    for (i, kind) in appendices.iter().enumerate() {
        let numeral = numbered.then(|| roman(i + 1));
        let title = match &numeral {
            Some(n) => format!("Phụ lục {n}"),
            None => "Phụ lục".to_string(),
        };
        parts.push(match kind {
            PartKind::Criteria => criteria::part(&ctx, title),
            PartKind::Components => components::part(&ctx, title),
            PartKind::Ranking => ranking::part(&ctx, title),
            PartKind::Certification => certification::part(&ctx, title),
            PartKind::Monthly => monthly::part(&ctx, title),
            PartKind::Timeliness => timeliness::part(&ctx, title),
            // The letter is above; the CCHC parts are `crate::reform`'s.
            PartKind::Letter
            | PartKind::ReformPlan
            | PartKind::ReformForms
            | PartKind::FormsTemplate => continue,
        });
    }
    Ok(Report {
        title: format!(
            "Kết quả Bộ chỉ số phục vụ người dân, doanh nghiệp {} - {}",
            ctx.period_name(),
            ctx.scope.name
        ),
        period_code: ctx.period.code(),
        parts,
    })
}

impl<'a> Context<'a> {
    fn new(input: &Input<'a>) -> Result<Context<'a>, ReportError> {
        let request = input.request;
        let period = input.sheet.period;
        let hierarchy = input.hierarchy;
        let methodology = input
            .methodologies
            .get(&input.sheet.methodology)
            .ok_or_else(|| ReportError::UnknownMethodology(input.sheet.methodology.clone()))?;
        let previous_methodology = input.methodologies.get(&input.previous.methodology);
        let scope = match &request.unit {
            Some(code) => hierarchy.find(code)?,
            None => top_unit(hierarchy, &period).ok_or(ReportError::NoTopUnit)?,
        };
        let subtree: std::collections::HashSet<String> = hierarchy
            .subtree(&scope.code, &period)
            .into_iter()
            .collect();
        let wanted =
            |u: &Unit| u.code != scope.code && subtree.contains(&u.code) && request.wants(u.kind);
        let units = input
            .sheet
            .units
            .iter()
            .filter(|s| hierarchy.get(&s.code).is_some_and(&wanted))
            .collect();
        let mut not_scored: Vec<&Unit> = hierarchy
            .units
            .iter()
            .map(|(_, u)| u)
            .filter(|u| !u.scored && Hierarchy::active_in(u, &period) && wanted(u))
            .collect();
        not_scored.sort_by(|a, b| (a.kind, &a.code).cmp(&(b.kind, &b.code)));
        Ok(Context {
            period,
            sheet: input.sheet,
            previous: input.previous,
            methodology,
            previous_methodology,
            scope,
            scope_score: input.sheet.unit(&scope.code),
            units,
            not_scored,
            data_date: match input.sheet.as_of {
                Some(t) => Some(t.date()),
                None => input.latest_received.map(|d| d.min(period.to)),
            },
            as_of: input.sheet.as_of,
            letter: Letter::resolve(&request.letter, &scope.name),
        })
    }

    /// The listed units in sections by kind (and by parent when a kind sits
    /// under several parents), each section's units ordered by `order`.
    pub fn sections(
        &self,
        order: impl Fn(&UnitScore, &UnitScore) -> std::cmp::Ordering,
    ) -> Vec<Section<'a>> {
        let mut by_key: BTreeMap<(UnitKind, Option<String>), Vec<&'a UnitScore>> = BTreeMap::new();
        for u in &self.units {
            by_key
                .entry((u.kind, u.parent.clone()))
                .or_default()
                .push(u);
        }
        let mut parents_per_kind: BTreeMap<UnitKind, usize> = BTreeMap::new();
        for (kind, _) in by_key.keys() {
            *parents_per_kind.entry(*kind).or_default() += 1;
        }
        let numbered = by_key.len() > 1;
        by_key
            .into_iter()
            .enumerate()
            .map(|(i, ((kind, parent), mut units))| {
                units.sort_by(|a, b| order(a, b));
                let parent_name =
                    (parents_per_kind.get(&kind).copied().unwrap_or(0) > 1).then(|| {
                        parent
                            .as_deref()
                            .map(|p| self.sheet.unit(p).map_or(p.to_string(), |u| u.name.clone()))
                            .unwrap_or_default()
                    });
                let mut title = kind.label_vi().to_uppercase();
                if let Some(p) = &parent_name {
                    title = format!("{title} THUỘC {}", p.to_uppercase());
                }
                if numbered {
                    title = format!("{}. {title}", roman(i + 1));
                }
                Section {
                    title,
                    kind,
                    parent: parent_name,
                    units,
                }
            })
            .collect()
    }

    /// The heading blocks of an appendix: "Phụ lục I", its name, the attribution.
    pub fn appendix_heading(&self, title: String, heading: &str) -> Vec<Block> {
        vec![
            Block::Title(title),
            Block::Heading(heading.to_uppercase()),
            Block::Attribution(self.letter.attribution()),
        ]
    }

    /// The period as headings name it: "quý IV năm 2026", with "(chưa kết
    /// thúc / số liệu đến 30/10/2026)" when the data stops inside it.
    pub fn period_name(&self) -> String {
        match self.as_of {
            Some(t) => format!("{} ({})", self.period.label_vi(), period::partial_note(t)),
            None => self.period.label_vi(),
        }
    }

    /// The period's label as a column heading: "Tháng 10/2023".
    pub fn period_label(&self) -> String {
        capitalize(&self.period.label_vi())
    }

    pub fn previous_label(&self) -> String {
        capitalize(&self.previous.period.label_vi())
    }

    /// "trong tháng" or "trong kỳ".
    pub fn within(&self) -> &'static str {
        if self.period.kind == PeriodKind::Month {
            "trong tháng"
        } else {
            "trong kỳ"
        }
    }

    /// The same unit in the previous period's sheet.
    pub fn previous_of(&self, code: &str) -> Option<&'a UnitScore> {
        self.previous.unit(code)
    }

    /// The notes every table ends with: units not scored (for unit tables),
    /// the methodology, the data's date.
    pub fn common_notes(&self, unit_table: bool) -> Vec<String> {
        let mut notes = Vec::new();
        if unit_table && self.units.is_empty() {
            notes.push(
                "- Không có đơn vị nào thuộc loại đã chọn được chấm điểm trong kỳ.".to_string(),
            );
        }
        if unit_table && !self.not_scored.is_empty() {
            let names: Vec<&str> = self.not_scored.iter().map(|u| u.name.as_str()).collect();
            notes.push(format!(
                "- Không thực hiện chấm điểm đối với: {}.",
                names.join(", ")
            ));
        }
        let mut scored_with = format!(
            "- Điểm {} tính theo {}",
            self.period.label_vi(),
            self.methodology.name
        );
        if let Some(pm) = self
            .previous_methodology
            .filter(|pm| pm.id != self.methodology.id)
        {
            scored_with.push_str(&format!(
                "; {} tính theo {}",
                self.previous.period.label_vi(),
                pm.name
            ));
        }
        notes.push(scored_with + ".");
        if let Some(t) = self.as_of {
            notes.push(format!(
                "- {} chưa kết thúc trong dữ liệu (số liệu đến {}): hồ sơ, phản ánh được xét đến \
                 thời điểm đó; hồ sơ đang giải quyết có hạn sau thời điểm đó chưa tính là trễ hạn.",
                capitalize(&self.period.label_vi()),
                t.vn()
            ));
        }
        notes.push(match self.data_date {
            Some(d) => format!("- Dữ liệu cập nhật đến ngày {}.", d.vn()),
            None => "- Chưa có hồ sơ nào trong cơ sở dữ liệu.".to_string(),
        });
        notes
    }

    /// The methodology's group whose name contains `needle` (case-insensitive),
    /// for columns that S000 and S002 name by topic ("Mức độ hài lòng").
    pub fn group_named(&self, needle: &str) -> Option<&'a Group> {
        let needle = needle.to_lowercase();
        self.methodology
            .groups
            .iter()
            .find(|g| g.name.to_lowercase().contains(&needle))
    }
}

/// The top unit (province or ministry without a parent) active in the period.
fn top_unit<'h>(hierarchy: &'h Hierarchy, period: &Period) -> Option<&'h Unit> {
    let roots = || {
        hierarchy
            .units
            .iter()
            .map(|(_, u)| u)
            .filter(|u| u.parent_code.is_none() && Hierarchy::active_in(u, period))
    };
    roots()
        .find(|u| matches!(u.kind, UnitKind::Province | UnitKind::Ministry))
        .or_else(|| roots().next())
}

/// A group's points over its (possibly reduced) maximum, as a ratio.
pub(crate) fn group_ratio(g: &GroupScore) -> Option<f64> {
    g.points.filter(|_| g.max > 0.0).map(|p| p / g.max)
}

/// `numerator / denominator` of two measures, `None` when the denominator is 0.
pub(crate) fn measure_ratio(
    u: &UnitScore,
    numerator: Measure,
    denominator: Measure,
) -> Option<f64> {
    let d = u.measures.get(denominator);
    (d > 0).then(|| u.measures.get(numerator) as f64 / d as f64)
}

pub(crate) fn measure(u: &UnitScore, m: Measure) -> Cell {
    Cell::Integer(u.measures.get(m))
}

pub(crate) fn percent(ratio: Option<f64>) -> Cell {
    Cell::or_no_data(ratio, Cell::Percent)
}

pub(crate) fn points(x: Option<f64>) -> Cell {
    Cell::or_no_data(x, |x| Cell::Decimal(x, 2))
}

/// A header cell.
pub(crate) fn hc(
    row: usize,
    col: usize,
    rows: usize,
    cols: usize,
    text: impl Into<String>,
) -> HeaderCell {
    HeaderCell {
        row,
        col,
        rows,
        cols,
        text: text.into(),
    }
}

pub(crate) fn col(width: f32, align: Align) -> Column {
    Column { width, align }
}

/// Orders units by rank (no total last), then name.
pub(crate) fn by_rank(a: &UnitScore, b: &UnitScore) -> std::cmp::Ordering {
    (a.rank.is_none(), a.rank, &a.name).cmp(&(b.rank.is_none(), b.rank, &b.name))
}

/// Orders units by code, the official list's order.
pub(crate) fn by_code(a: &UnitScore, b: &UnitScore) -> std::cmp::Ordering {
    a.code.cmp(&b.code)
}

/// First letter in upper case.
pub(crate) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// First letter in lower case, unless the first word is an acronym (TTHC, PAKN).
pub(crate) fn lower_first(text: &str) -> String {
    let first_word = text.split_whitespace().next().unwrap_or("");
    if first_word.chars().filter(|c| c.is_alphabetic()).count() > 1
        && first_word.chars().all(|c| !c.is_lowercase())
    {
        return text.to_string();
    }
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(capitalize("tháng 10/2023"), "Tháng 10/2023");
        assert_eq!(lower_first("Số hóa hồ sơ"), "số hóa hồ sơ");
        assert_eq!(
            lower_first("TTHC công bố đúng hạn"),
            "TTHC công bố đúng hạn"
        );
        assert_eq!(lower_first("Ủy ban"), "ủy ban");
    }
}
