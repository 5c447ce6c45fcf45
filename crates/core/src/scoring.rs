//! Scoring: from measures to criterion points, group points, totals, ranks,
//! changes against the previous period and the peers' average.

use std::collections::{HashMap, HashSet};

use crate::measures::{Accumulator, MeasureValues, UnitId};
use crate::methodology::{Criterion, Methodology, NoData};
use crate::names;
use crate::period::Period;
use crate::records::{Unit, UnitKind};
use crate::targets::Targets;
use crate::time::Instant;

/// The unit hierarchy as in force at a period's end.
#[derive(Clone, Debug)]
pub struct Hierarchy {
    pub units: Vec<(UnitId, Unit)>,
    by_code: HashMap<String, usize>,
}

impl Hierarchy {
    pub fn new(units: Vec<(UnitId, Unit)>) -> Hierarchy {
        let by_code = units
            .iter()
            .enumerate()
            .map(|(i, (_, u))| (u.code.clone(), i))
            .collect();
        Hierarchy { units, by_code }
    }

    pub fn get(&self, code: &str) -> Option<&Unit> {
        self.by_code.get(code).map(|i| &self.units[*i].1)
    }

    /// Whether `unit` is `root` or below it (through the units' parents).
    pub fn within(&self, root: &str, unit: &str) -> bool {
        let mut code = unit;
        // A parent cycle cannot loop: at most one step per unit.
        for _ in 0..=self.units.len() {
            if code == root {
                return true;
            }
            match self.get(code).and_then(|u| u.parent_code.as_deref()) {
                Some(parent) => code = parent,
                None => return false,
            }
        }
        false
    }

    pub fn id_of(&self, code: &str) -> Option<UnitId> {
        self.by_code.get(code).map(|i| self.units[*i].0)
    }

    /// The unit a person names: by its code, or else by its name, accents,
    /// case and "UBND" aside ([`crate::names`]); one that matches none or
    /// several is an error listing the candidates.
    pub fn find(&self, text: &str) -> Result<&Unit, UnitLookupError> {
        let text = text.trim();
        if let Some(u) = self.get(text) {
            return Ok(u);
        }
        let index = names::NameIndex::new(
            self.units
                .iter()
                .map(|(_, u)| (u.code.as_str(), u.name.as_str())),
        );
        let listed = |found: Vec<(&str, &str)>| {
            found
                .into_iter()
                .map(|(code, name)| format!("{name} ({code})"))
                .collect()
        };
        match index.lookup(text) {
            names::Lookup::Found(code) => self.get(code).ok_or_else(|| UnitLookupError::NotFound {
                text: text.to_string(),
                candidates: Vec::new(),
            }),
            names::Lookup::NotFound(close) => Err(UnitLookupError::NotFound {
                text: text.to_string(),
                candidates: listed(close),
            }),
            names::Lookup::Ambiguous(all) => Err(UnitLookupError::Ambiguous {
                text: text.to_string(),
                candidates: listed(all),
            }),
        }
    }

    /// Whether the unit exists at some point of the period.
    pub fn active_in(unit: &Unit, period: &Period) -> bool {
        unit.valid_from.is_none_or(|f| f <= period.to)
            && unit.valid_to.is_none_or(|t| t >= period.to)
    }

    /// Where a unit's figures roll up to for a period: its parent, or, once it
    /// has ceased to exist by the period's end, its successor (so history
    /// before a merger shows under today's units).
    pub fn rollup_target<'a>(&'a self, unit: &'a Unit, period: &Period) -> Option<&'a str> {
        if unit.valid_to.is_some_and(|t| t < period.to) {
            if let Some(s) = unit
                .successor_code
                .as_deref()
                .filter(|s| self.by_code.contains_key(*s))
            {
                return Some(s);
            }
        }
        unit.parent_code
            .as_deref()
            .filter(|p| self.by_code.contains_key(*p))
    }

    /// Codes of the unit and every unit below it (for the period).
    pub fn subtree(&self, code: &str, period: &Period) -> Vec<String> {
        let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
        for (_, u) in &self.units {
            if let Some(t) = self.rollup_target(u, period) {
                children.entry(t).or_default().push(&u.code);
            }
        }
        let mut out = vec![code.to_string()];
        // A cycle stored before imports refused them must not make the list endless.
        let mut seen: HashSet<&str> = HashSet::from([code]);
        let mut i = 0;
        while i < out.len() {
            if let Some(kids) = children.get(out[i].as_str()) {
                let new: Vec<String> = kids
                    .iter()
                    .filter(|k| seen.insert(k))
                    .map(|k| k.to_string())
                    .collect();
                out.extend(new);
            }
            i += 1;
        }
        out
    }

    /// Rolls per-unit accumulators up the hierarchy: each unit's result
    /// covers its own records and all those below it.
    pub fn roll_up(
        &self,
        own: HashMap<UnitId, Accumulator>,
        period: &Period,
    ) -> HashMap<UnitId, Accumulator> {
        let position: HashMap<UnitId, usize> = self
            .units
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (*id, i))
            .collect();
        let target: Vec<Option<usize>> = self
            .units
            .iter()
            .map(|(_, u)| {
                self.rollup_target(u, period)
                    .and_then(|c| self.by_code.get(c).copied())
            })
            .collect();
        let mut total: Vec<Accumulator> = vec![Accumulator::default(); self.units.len()];
        for (id, acc) in &own {
            let mut at = position.get(id).copied();
            // A cycle in parent links would loop: stop after as many steps as there are units.
            for _ in 0..self.units.len() {
                let Some(i) = at else { break };
                total[i].merge(acc);
                at = target[i];
            }
        }
        self.units.iter().map(|(id, _)| *id).zip(total).collect()
    }

    /// The nearest ancestor (or the unit itself) of one of `kinds`.
    fn ancestor_of_kind(&self, code: &str, kinds: &[UnitKind], period: &Period) -> Option<&Unit> {
        let mut at = self.get(code);
        let mut steps = 0;
        while let Some(u) = at {
            if kinds.contains(&u.kind) {
                return Some(u);
            }
            steps += 1;
            if steps > self.units.len() {
                return None;
            }
            at = self.rollup_target(u, period).and_then(|c| self.get(c));
        }
        None
    }

    /// The top unit (province or ministry) above every unit, for catalogue deadlines.
    pub fn top_kind(&self) -> UnitKind {
        self.units
            .iter()
            .find(|(_, u)| {
                u.parent_code.is_none() && matches!(u.kind, UnitKind::Province | UnitKind::Ministry)
            })
            .map_or(UnitKind::Province, |(_, u)| u.kind)
    }
}

/// A unit named by a person that is no unit, or several.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UnitLookupError {
    #[error("không có đơn vị nào có mã hoặc tên '{text}'{}", suggest(.candidates))]
    NotFound {
        text: String,
        /// The closest names, as "name (code)".
        candidates: Vec<String>,
    },
    #[error("'{text}' khớp với nhiều đơn vị: {}; dùng mã đơn vị", some(.candidates))]
    Ambiguous {
        text: String,
        /// Every match, as "name (code)".
        candidates: Vec<String>,
    },
}

/// At most ten candidates, and how many more.
/// Each unit's links upward, by code: its parent and its successor.
pub type UnitLinks = HashMap<String, [Option<String>; 2]>;

/// The links leading from `code` back to itself, following parents and
/// successors (where a unit's figures roll up in some period): the codes
/// along the way, `code` first and last, or `None`. A unit below itself
/// would make its subtree endless and its figures count twice, so an
/// import refuses the unit that closes such a loop.
pub fn link_cycle(links: &UnitLinks, code: &str) -> Option<Vec<String>> {
    let mut came_from: HashMap<&str, &str> = HashMap::new();
    let mut stack = vec![code];
    while let Some(at) = stack.pop() {
        for next in links.get(at).into_iter().flatten().flatten() {
            if next == code {
                // Back from `at` to `code`, the start, which came from nowhere.
                let mut path = vec![at.to_string()];
                let mut back = at;
                while let Some(prev) = came_from.get(back) {
                    path.push(prev.to_string());
                    back = prev;
                }
                path.reverse();
                path.push(code.to_string());
                return Some(path);
            }
            if !came_from.contains_key(next.as_str()) {
                came_from.insert(next, at);
                stack.push(next);
            }
        }
    }
    None
}

fn some(candidates: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut text = candidates[..candidates.len().min(SHOWN)].join("; ");
    if candidates.len() > SHOWN {
        text.push_str(&format!(" và {} đơn vị khác", candidates.len() - SHOWN));
    }
    text
}

fn suggest(candidates: &[String]) -> String {
    if candidates.is_empty() {
        ": xem danh sách đơn vị và mã bằng 'chiso score --period KỲ'".to_string()
    } else {
        format!(": có phải là {}?", candidates.join("; "))
    }
}

/// How a criterion's points were obtained.
#[derive(Clone, Debug, PartialEq)]
pub enum Basis {
    /// From the unit's own measures.
    Measured,
    /// Zero denominator, handled by the criterion's no-data policy.
    NoData(NoData),
    /// Computed at a higher level and inherited (e.g. 1.1-1.3 from the province).
    Inherited(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CriterionScore {
    pub id: String,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    pub ratio: Option<f64>,
    /// `None` when excluded for lack of data.
    pub points: Option<f64>,
    pub max: f64,
    pub basis: Basis,
    /// The threshold in force (1 for linear scoring).
    pub threshold: f64,
    /// The government target for the year, if any, and whether it was missed.
    pub goal: Option<f64>,
    pub goal_missed: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroupScore {
    pub id: String,
    /// `None` when every criterion of the group was excluded.
    pub points: Option<f64>,
    /// The group's maximum, reduced by excluded criteria.
    pub max: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnitScore {
    pub unit_id: UnitId,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent: Option<String>,
    /// Out of the methodology's total (100), normalised when criteria were excluded.
    pub total: Option<f64>,
    pub rank: Option<usize>,
    pub rank_of: usize,
    pub previous_total: Option<f64>,
    pub delta: Option<f64>,
    pub previous_rank: Option<usize>,
    /// Average total of the scored units of the same kind under the same parent.
    pub peers_average: Option<f64>,
    pub groups: Vec<GroupScore>,
    pub criteria: Vec<CriterionScore>,
    pub measures: MeasureValues,
}

/// Every unit's score for one period under one methodology.
#[derive(Clone, Debug)]
pub struct ScoreSheet {
    pub methodology: String,
    pub period: Period,
    /// When the data stops inside the period: the data's as-of instant, at
    /// which the period was judged (from its first day to that instant).
    /// Outputs mark such a period with [`crate::period::partial_note`].
    pub as_of: Option<Instant>,
    pub previous_period: Period,
    pub units: Vec<UnitScore>,
}

impl ScoreSheet {
    pub fn unit(&self, code: &str) -> Option<&UnitScore> {
        self.units.iter().find(|u| u.code == code)
    }
}

/// Scores one criterion on a unit's measures.
pub fn score_criterion(c: &Criterion, values: &MeasureValues, year: i32) -> CriterionScore {
    score_criterion_for(c, values, year, &Targets::default(), "")
}

/// Scores one criterion of `unit` with the targets in force: its assigned
/// target for the year replaces the rule's threshold where the criterion is
/// scored against one (`assigned_target`), a stored goal replaces the file's.
pub fn score_criterion_for(
    c: &Criterion,
    values: &MeasureValues,
    year: i32,
    targets: &Targets,
    unit: &str,
) -> CriterionScore {
    let numerator = c.numerator.eval(values).max(0);
    let denominator = c.denominator.eval(values);
    let goal = targets
        .goal(&c.id, year)
        .or_else(|| c.goals.range(..=year).next_back().map(|(_, g)| *g));
    let assigned = c
        .assigned_target
        .then(|| targets.threshold(unit, &c.id, year))
        .flatten();
    let threshold = assigned.unwrap_or_else(|| c.rule.threshold(year));
    if denominator <= 0 {
        let points = match c.no_data {
            NoData::Exclude => None,
            NoData::Full => Some(c.max),
            NoData::Zero => Some(0.0),
        };
        return CriterionScore {
            id: c.id.clone(),
            numerator: None,
            denominator: None,
            ratio: None,
            points,
            max: c.max,
            basis: Basis::NoData(c.no_data),
            threshold,
            goal,
            goal_missed: false,
        };
    }
    let ratio = numerator as f64 / denominator as f64;
    CriterionScore {
        id: c.id.clone(),
        numerator: Some(numerator),
        denominator: Some(denominator),
        ratio: Some(ratio),
        points: Some(match assigned {
            Some(t) => (c.max * ratio.clamp(0.0, 1.0) / t).min(c.max),
            None => c.rule.points(ratio.min(1.0), c.max, year),
        }),
        max: c.max,
        basis: Basis::Measured,
        threshold,
        goal,
        goal_missed: goal.is_some_and(|g| ratio + 1e-12 < g),
    }
}

/// Group points and the total from criterion scores.
pub fn groups_and_total(
    m: &Methodology,
    criteria: &[CriterionScore],
) -> (Vec<GroupScore>, Option<f64>) {
    let mut groups = Vec::with_capacity(m.groups.len());
    let (mut points, mut max) = (0.0, 0.0);
    for g in &m.groups {
        let mut gp: Option<f64> = None;
        let mut gmax = 0.0;
        for (c, s) in m.criteria.iter().zip(criteria) {
            if c.group != g.id {
                continue;
            }
            if let Some(p) = s.points {
                gp = Some(gp.unwrap_or(0.0) + p);
                gmax += s.max;
            }
        }
        if let Some(p) = gp {
            points += p;
            max += gmax;
        }
        groups.push(GroupScore {
            id: g.id.clone(),
            points: gp,
            max: gmax,
        });
    }
    let total = (max > 0.0).then(|| points / max * m.total);
    (groups, total)
}

/// Scores every unit active in the period from its (rolled-up) measures.
/// Ranks, peers' averages and previous totals are filled by [`rank`] and [`compare`].
pub fn score_units(
    m: &Methodology,
    period: &Period,
    hierarchy: &Hierarchy,
    measures: &HashMap<UnitId, MeasureValues>,
    targets: &Targets,
) -> Vec<UnitScore> {
    let year = period.to.year();
    let empty = MeasureValues::default();
    let values = |code: &str| {
        hierarchy
            .id_of(code)
            .and_then(|id| measures.get(&id))
            .unwrap_or(&empty)
    };
    let mut out = Vec::new();
    for (id, u) in &hierarchy.units {
        if !u.scored || !Hierarchy::active_in(u, period) {
            continue;
        }
        let own = measures.get(id).unwrap_or(&empty);
        let criteria: Vec<CriterionScore> = m
            .criteria
            .iter()
            .map(|c| {
                if c.levels.is_empty() || c.levels.contains(&u.kind) {
                    return score_criterion_for(c, own, year, targets, &u.code);
                }
                // Computed higher up (e.g. the province's catalogue): inherited.
                match hierarchy.ancestor_of_kind(&u.code, &c.levels, period) {
                    Some(a) => CriterionScore {
                        basis: Basis::Inherited(a.code.clone()),
                        ..score_criterion_for(c, values(&a.code), year, targets, &a.code)
                    },
                    None => score_criterion_for(c, own, year, targets, &u.code),
                }
            })
            .collect();
        let (groups, mut total) = groups_and_total(m, &criteria);
        // A unit none of whose own criteria has data is not scored (S000 shows
        // "-"), rather than scored on what it inherits or on no-data defaults.
        if !criteria.iter().any(|c| c.basis == Basis::Measured) {
            total = None;
        }
        out.push(UnitScore {
            unit_id: *id,
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind,
            parent: u.parent_code.clone(),
            total,
            rank: None,
            rank_of: 0,
            previous_total: None,
            delta: None,
            previous_rank: None,
            peers_average: None,
            groups,
            criteria,
            measures: measures.get(id).cloned().unwrap_or_default(),
        });
    }
    out
}

/// Ranks units among the scored units of the same kind under the same parent
/// (unrounded totals; equal totals share a rank) and sets the peers' average.
pub fn rank(units: &mut [UnitScore]) {
    let mut peers: HashMap<(Option<String>, UnitKind), Vec<usize>> = HashMap::new();
    for (i, u) in units.iter().enumerate() {
        if u.total.is_some() {
            peers.entry((u.parent.clone(), u.kind)).or_default().push(i);
        }
    }
    for members in peers.values() {
        let totals: Vec<f64> = members.iter().filter_map(|i| units[*i].total).collect();
        let average = totals.iter().sum::<f64>() / totals.len() as f64;
        for i in members {
            let t = units[*i].total.unwrap_or(f64::NAN);
            let better = totals.iter().filter(|o| **o > t).count();
            units[*i].rank = Some(better + 1);
            units[*i].rank_of = totals.len();
            units[*i].peers_average = Some(average);
        }
    }
}

/// Fills the previous period's total, rank and the change.
pub fn compare(current: &mut [UnitScore], previous: &[UnitScore]) {
    let by_code: HashMap<&str, &UnitScore> =
        previous.iter().map(|u| (u.code.as_str(), u)).collect();
    for u in current {
        if let Some(p) = by_code.get(u.code.as_str()) {
            u.previous_total = p.total;
            u.previous_rank = p.rank;
            u.delta = u.total.zip(p.total).map(|(a, b)| a - b);
        }
    }
}

/// The whole computation for a period from rolled-up measures of this and
/// the previous period, with the targets in force.
#[allow(clippy::too_many_arguments)]
pub fn score_sheet(
    m: &Methodology,
    previous_methodology: &Methodology,
    period: &Period,
    previous_period: &Period,
    hierarchy: &Hierarchy,
    measures: &HashMap<UnitId, MeasureValues>,
    previous_measures: &HashMap<UnitId, MeasureValues>,
    targets: &Targets,
) -> ScoreSheet {
    let mut units = score_units(m, period, hierarchy, measures, targets);
    rank(&mut units);
    let mut before = score_units(
        previous_methodology,
        previous_period,
        hierarchy,
        previous_measures,
        targets,
    );
    rank(&mut before);
    compare(&mut units, &before);
    units.sort_by(|a, b| {
        (a.kind, &a.parent, a.rank.unwrap_or(usize::MAX))
            .cmp(&(b.kind, &b.parent, b.rank.unwrap_or(usize::MAX)))
            .then_with(|| a.name.cmp(&b.name))
    });
    ScoreSheet {
        methodology: m.id.clone(),
        period: *period,
        as_of: None,
        previous_period: *previous_period,
        units,
    }
}

/// The stable JSON shape of `chiso score --format json` and `/api/v1/scores`.
pub mod document {
    use serde::Serialize;

    use super::ScoreSheet;

    #[derive(Serialize)]
    pub struct ScoreDocument {
        pub methodology: String,
        pub period: PeriodRange,
        /// `null` when the data covers the whole period; otherwise the data's
        /// as-of instant (RFC 3339, Vietnam time) at which the period, not
        /// over in the data, was judged.
        pub as_of: Option<String>,
        pub units: Vec<UnitEntry>,
    }

    #[derive(Serialize)]
    pub struct PeriodRange {
        pub from: String,
        pub to: String,
    }

    #[derive(Serialize)]
    pub struct UnitEntry {
        pub code: String,
        pub name: String,
        pub kind: &'static str,
        pub parent: Option<String>,
        pub total: Option<f64>,
        pub rank: Option<usize>,
        pub rank_of: usize,
        pub previous_total: Option<f64>,
        pub delta: Option<f64>,
        pub groups: Vec<GroupEntry>,
        pub criteria: Vec<CriterionEntry>,
    }

    #[derive(Serialize)]
    pub struct GroupEntry {
        pub id: String,
        pub points: Option<f64>,
        pub max: f64,
    }

    #[derive(Serialize)]
    pub struct CriterionEntry {
        pub id: String,
        pub numerator: Option<i64>,
        pub denominator: Option<i64>,
        pub ratio: Option<f64>,
        pub points: Option<f64>,
        pub max: f64,
    }

    /// The document for a sheet, restricted to one unit when `unit` is given.
    pub fn build(sheet: &ScoreSheet, unit: Option<&str>) -> ScoreDocument {
        ScoreDocument {
            methodology: sheet.methodology.clone(),
            period: PeriodRange {
                from: sheet.period.from.iso(),
                to: sheet.period.to.iso(),
            },
            as_of: sheet.as_of.map(|t| t.iso()),
            units: sheet
                .units
                .iter()
                .filter(|u| unit.is_none_or(|c| c == u.code))
                .map(|u| UnitEntry {
                    code: u.code.clone(),
                    name: u.name.clone(),
                    kind: u.kind.code(),
                    parent: u.parent.clone(),
                    total: u.total,
                    rank: u.rank,
                    rank_of: u.rank_of,
                    previous_total: u.previous_total,
                    delta: u.delta,
                    groups: u
                        .groups
                        .iter()
                        .map(|g| GroupEntry {
                            id: g.id.clone(),
                            points: g.points,
                            max: g.max,
                        })
                        .collect(),
                    criteria: u
                        .criteria
                        .iter()
                        .map(|c| CriterionEntry {
                            id: c.id.clone(),
                            numerator: c.numerator,
                            denominator: c.denominator,
                            ratio: c.ratio,
                            points: c.points,
                            max: c.max,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_of_parents_and_successors() {
        let links = |list: &[(&str, Option<&str>, Option<&str>)]| -> UnitLinks {
            list.iter()
                .map(|(c, p, s)| {
                    (
                        c.to_string(),
                        [p.map(str::to_string), s.map(str::to_string)],
                    )
                })
                .collect()
        };
        let l = links(&[
            ("A", Some("B"), None),
            ("B", Some("A"), None),
            ("C", Some("A"), None),
        ]);
        assert_eq!(
            link_cycle(&l, "A"),
            Some(vec!["A".into(), "B".into(), "A".into()])
        );
        assert_eq!(link_cycle(&l, "C"), None);
        let l = links(&[("A", Some("A"), None)]);
        assert_eq!(link_cycle(&l, "A"), Some(vec!["A".into(), "A".into()]));
        let l = links(&[
            ("A", Some("P"), Some("B")),
            ("B", Some("C"), None),
            ("C", Some("A"), None),
            ("P", None, None),
        ]);
        assert_eq!(
            link_cycle(&l, "A"),
            Some(vec!["A".into(), "B".into(), "C".into(), "A".into()])
        );
        assert_eq!(link_cycle(&l, "P"), None);
        // A subtree over a stored cycle ends.
        let mut a = unit("A", "a");
        a.parent_code = Some("B".into());
        let mut b = unit("B", "b");
        b.parent_code = Some("A".into());
        let h = Hierarchy::new(vec![(1, a), (2, b)]);
        let period = Period::month(crate::time::Month::new(2024, 3));
        assert_eq!(h.subtree("A", &period), vec!["A", "B"]);
    }

    fn unit(code: &str, name: &str) -> Unit {
        Unit {
            code: code.into(),
            name: name.into(),
            parent_code: None,
            kind: UnitKind::Commune,
            valid_from: None,
            valid_to: None,
            successor_code: None,
            scored: true,
        }
    }

    #[test]
    fn units_are_found_by_code_or_by_name() {
        let h = Hierarchy::new(vec![
            (1, unit("000.00.30.H53", "Sở Tư pháp")),
            (2, unit("000.20.30.H53", "UBND Phường 1")),
            (3, unit("000.21.30.H53", "UBND Phường 2")),
        ]);
        let code = |t: &str| h.find(t).map(|u| u.code.as_str());
        assert_eq!(code("000.00.30.H53"), Ok("000.00.30.H53"));
        assert_eq!(code(" so tu phap "), Ok("000.00.30.H53"));
        assert_eq!(code("Ủy ban nhân dân phường 2"), Ok("000.21.30.H53"));
        let e = h.find("phường").unwrap_err();
        assert!(matches!(e, UnitLookupError::Ambiguous { .. }));
        assert_eq!(
            e.to_string(),
            "'phường' khớp với nhiều đơn vị: UBND Phường 1 (000.20.30.H53); UBND Phường 2 \
             (000.21.30.H53); dùng mã đơn vị"
        );
        let many = Hierarchy::new(
            (0..15)
                .map(|i| (i, unit(&format!("X{i}"), &format!("UBND xã Số {i}"))))
                .collect(),
        );
        let e = many.find("xã").unwrap_err().to_string();
        assert!(
            e.ends_with("UBND xã Số 9 (X9) và 5 đơn vị khác; dùng mã đơn vị"),
            "{e}"
        );
        let e = h.find("Sở Tư lệnh").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("không có đơn vị nào có mã hoặc tên")
                && e.to_string()
                    .contains("có phải là Sở Tư pháp (000.00.30.H53)"),
            "{e}"
        );
    }
}
