//! A submission's figures resolved against its catalogue: typed rows as
//! entered, derived rows computed (sums added, rates as exact fractions,
//! never typed), breakdowns by level carried through sums and rates. What a
//! derived row had printed is kept beside the computed figure, only to be
//! compared.

use std::collections::{BTreeMap, HashMap, HashSet};

use chiso_core::records::UnitKind;

use crate::catalogue::{Catalogue, Indicator, Kind};
use crate::decimal::{self, Decimal};
use crate::value::{IndicatorId, Tier, Value, Values};

/// Which rows a sheet covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A unit's own submission: the rows its kind fills.
    Unit(UnitKind),
    /// A consolidation at the top level: every row.
    Consolidated,
}

impl Scope {
    pub fn covers(self, catalogue: &Catalogue, indicator: &Indicator) -> bool {
        match self {
            Scope::Unit(kind) => catalogue.reported_by(indicator, kind),
            Scope::Consolidated => true,
        }
    }

    /// The levels whose figures this scope may include.
    pub fn tiers(self, catalogue: &Catalogue) -> &'static [Tier] {
        match self {
            Scope::Unit(kind) => Tier::covered_by(kind),
            Scope::Consolidated => Tier::covered_by(catalogue.top_level),
        }
    }
}

/// A row's figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Figure {
    /// No value (not 0).
    Empty,
    Number(Decimal),
    /// 100 · num / den, kept exact; the denominator is positive.
    Rate {
        num: Decimal,
        den: Decimal,
    },
    Code(i64),
    Text(String),
}

impl Figure {
    pub fn is_empty(&self) -> bool {
        matches!(self, Figure::Empty)
    }

    pub fn number(&self) -> Option<Decimal> {
        match self {
            Figure::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The percentage of a rate, rounded to `places`.
    pub fn percent(&self, places: u32) -> Option<Decimal> {
        match self {
            Figure::Rate { num, den } => decimal::percent(*num, *den, places),
            _ => None,
        }
    }

    /// As printed in a form: `1.853`, `51,43`, `1`; empty for no value.
    pub fn vi(&self, places: u32) -> String {
        match self {
            Figure::Empty => String::new(),
            Figure::Number(n) => n.vi(),
            Figure::Rate { .. } => self.percent(places).map(Decimal::vi).unwrap_or_default(),
            Figure::Code(c) => c.to_string(),
            Figure::Text(t) => t.clone(),
        }
    }
}

/// One resolved row.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: IndicatorId,
    /// False when the scope's unit does not fill this row.
    pub applicable: bool,
    pub figure: Figure,
    /// On a derived row: the value that was printed or typed, to compare.
    pub printed: Option<Value>,
    /// Figures by level: as typed, or carried through sums and rates.
    pub by_level: BTreeMap<Tier, Figure>,
    pub note: String,
}

/// A submission resolved against its catalogue, rows in printed order.
#[derive(Clone, Debug)]
pub struct Sheet<'c> {
    pub catalogue: &'c Catalogue,
    pub scope: Scope,
    rows: Vec<Row>,
    index: HashMap<IndicatorId, usize>,
}

impl<'c> Sheet<'c> {
    pub fn resolve(catalogue: &'c Catalogue, values: &Values, scope: Scope) -> Sheet<'c> {
        let mut rows = Vec::new();
        let mut index = HashMap::new();
        for ind in catalogue.indicators() {
            index.insert(ind.id.clone(), rows.len());
            rows.push(typed_row(catalogue, ind, values, scope));
        }
        let mut sheet = Sheet {
            catalogue,
            scope,
            rows,
            index,
        };
        // Derived rows, parts first: a sum of sums resolves its parts before itself.
        let derived: Vec<&Indicator> = catalogue
            .indicators()
            .filter(|i| i.kind.is_derived())
            .collect();
        let mut done = HashSet::new();
        for ind in derived {
            sheet.derive(ind, &mut done);
        }
        sheet
    }

    fn derive(&mut self, ind: &Indicator, done: &mut HashSet<IndicatorId>) {
        if !done.insert(ind.id.clone()) {
            return;
        }
        let form = ind.id.form;
        let parts: Vec<IndicatorId> = match &ind.kind {
            Kind::Rate { num, den } => {
                vec![IndicatorId::new(form, num), IndicatorId::new(form, den)]
            }
            Kind::Sum(parts) => parts.iter().map(|p| IndicatorId::new(form, p)).collect(),
            _ => return,
        };
        for p in &parts {
            if let Some(part) = self.catalogue.indicator(p) {
                if part.kind.is_derived() {
                    self.derive(part, done);
                }
            }
        }
        let (figure, by_level) = match &ind.kind {
            Kind::Rate { .. } => {
                let (num, den) = (self.row(&parts[0]), self.row(&parts[1]));
                let figure = match (num.map(|r| &r.figure), den.map(|r| &r.figure)) {
                    (Some(Figure::Number(n)), Some(Figure::Number(d)))
                        if !d.is_negative() && *d != Decimal::ZERO =>
                    {
                        Figure::Rate { num: *n, den: *d }
                    }
                    _ => Figure::Empty,
                };
                let mut by_level = BTreeMap::new();
                if let (Some(num), Some(den)) = (num, den) {
                    for tier in Tier::ALL {
                        if let (Some(n), Some(d)) = (tier_value(num, tier), tier_value(den, tier)) {
                            if d > Decimal::ZERO
                                && (num.by_level.contains_key(&tier)
                                    || den.by_level.contains_key(&tier))
                            {
                                by_level.insert(tier, Figure::Rate { num: n, den: d });
                            }
                        }
                    }
                }
                (figure, by_level)
            }
            _ => {
                let applicable: Vec<&Row> = parts
                    .iter()
                    .filter_map(|p| self.row(p))
                    .filter(|r| r.applicable)
                    .collect();
                let numbers: Option<Vec<Decimal>> =
                    applicable.iter().map(|r| r.figure.number()).collect();
                let figure =
                    match numbers.and_then(|n| if n.is_empty() { None } else { Decimal::sum(n) }) {
                        Some(total) => Figure::Number(total),
                        None => Figure::Empty,
                    };
                let mut by_level = BTreeMap::new();
                if !figure.is_empty() && applicable.iter().any(|r| !r.by_level.is_empty()) {
                    for tier in Tier::ALL {
                        let values: Option<Vec<Decimal>> =
                            applicable.iter().map(|r| tier_value(r, tier)).collect();
                        if let Some(total) = values.and_then(Decimal::sum) {
                            if total != Decimal::ZERO
                                || applicable.iter().any(|r| r.by_level.contains_key(&tier))
                            {
                                by_level.insert(tier, Figure::Number(total));
                            }
                        }
                    }
                }
                (figure, by_level)
            }
        };
        if let Some(&i) = self.index.get(&ind.id) {
            let row = &mut self.rows[i];
            if row.applicable {
                row.figure = figure;
                row.by_level = by_level;
            }
        }
    }

    pub fn row(&self, id: &IndicatorId) -> Option<&Row> {
        self.index.get(id).map(|&i| &self.rows[i])
    }

    /// Every row, form by form in printed order.
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter()
    }

    /// The figure of a count, amount or sum row.
    pub fn number(&self, id: &IndicatorId) -> Option<Decimal> {
        self.row(id).and_then(|r| r.figure.number())
    }
}

fn typed_row(catalogue: &Catalogue, ind: &Indicator, values: &Values, scope: Scope) -> Row {
    let entry = values.get(&ind.id);
    let applicable = scope.covers(catalogue, ind);
    let note = entry.map(|e| e.note.clone()).unwrap_or_default();
    let derived = ind.kind.is_derived();
    let value = entry.and_then(|e| e.value.clone());
    let figure = match (&value, applicable && !derived) {
        (Some(Value::Number(n)), true) if ind.kind != Kind::Heading => Figure::Number(*n),
        (Some(Value::Code(c)), true) => Figure::Code(*c),
        (Some(Value::Text(t)), true) => Figure::Text(t.clone()),
        _ => Figure::Empty,
    };
    let by_level = match (entry, &figure) {
        (Some(e), Figure::Number(_)) => e
            .by_level
            .0
            .iter()
            .map(|(t, v)| (*t, Figure::Number(*v)))
            .collect(),
        _ => BTreeMap::new(),
    };
    Row {
        id: ind.id.clone(),
        applicable,
        figure,
        printed: if derived { value } else { None },
        by_level,
        note,
    }
}

/// A row's figure for one level, when it is known: stated in its breakdown;
/// 0 when its breakdown is complete (adds up to the figure) without that
/// level, or when the figure is 0. Otherwise unknown.
fn tier_value(row: &Row, tier: Tier) -> Option<Decimal> {
    let total = row.figure.number()?;
    if let Some(v) = row.by_level.get(&tier) {
        return v.number();
    }
    if total == Decimal::ZERO {
        return Some(Decimal::ZERO);
    }
    let stated: Option<Vec<Decimal>> = row.by_level.values().map(Figure::number).collect();
    match stated.and_then(Decimal::sum) {
        Some(sum) if sum == total && !row.by_level.is_empty() => Some(Decimal::ZERO),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::CatalogueSet;
    use crate::value::{Breakdown, Entry};

    fn n(v: i64) -> Entry {
        Entry::number(Decimal::from_int(v))
    }

    fn with_levels(v: i64, note: &str) -> Entry {
        Entry {
            by_level: Breakdown::parse_note(note).unwrap(),
            ..n(v)
        }
    }

    #[test]
    fn derived_rows_are_computed_with_their_breakdowns() {
        let set = CatalogueSet::builtin();
        let cat = set.get("cchc-2024").unwrap();
        let id = |s: &str| s.parse::<IndicatorId>().unwrap();
        let mut v = Values::default();
        v.set(id("B6 2.2"), n(0));
        v.set(
            id("B6 2.3"),
            with_levels(44, "Cấp thành phố: 34, cấp huyện: 10"),
        );
        v.set(
            id("B6 2.4.1"),
            with_levels(6, "Cấp thành phố: 6, cấp huyện: 0"),
        );
        v.set(
            id("B6 2.4.2"),
            with_levels(23, "Cấp thành phố: 16, cấp huyện: 7"),
        );
        v.set(
            id("B6 2.4.3"),
            with_levels(117, "Cấp thành phố: 44, cấp huyện: 73"),
        );
        v.set(
            id("B6 2.5"),
            with_levels(347, "Cấp thành phố: 14, cấp huyện: 333"),
        );
        v.set(
            id("B7 6.3.1"),
            with_levels(62196, "Cấp huyện: 5061 Cấp xã: 9917"),
        );
        v.set(
            id("B7 6.3.2"),
            with_levels(45060, "Cấp huyện: 3271 Cấp xã: 9555"),
        );
        v.set(
            id("B7 6.3"),
            Entry::number(Decimal::parse_vi("72,4", false).unwrap()),
        );
        let sheet = Sheet::resolve(cat, &v, Scope::Consolidated);
        let total = sheet.row(&id("B6 2.1")).unwrap();
        assert_eq!(total.figure, Figure::Number(Decimal::from_int(537)));
        assert_eq!(
            total.by_level[&Tier::Province],
            Figure::Number(Decimal::from_int(114))
        );
        assert_eq!(
            total.by_level[&Tier::District],
            Figure::Number(Decimal::from_int(423))
        );
        assert!(!total.by_level.contains_key(&Tier::Commune));
        let rate = sheet.row(&id("B7 6.3")).unwrap();
        assert_eq!(rate.figure.vi(1), "72,4");
        assert_eq!(rate.by_level[&Tier::District].vi(1), "64,6");
        assert_eq!(rate.by_level[&Tier::Commune].vi(1), "96,3");
        assert!(
            !rate.by_level.contains_key(&Tier::Province),
            "city level not stated"
        );
        assert!(rate.printed.is_some());
        // A part left empty leaves the sum empty: empty is not 0.
        v.0.remove(&id("B6 2.2"));
        let sheet = Sheet::resolve(cat, &v, Scope::Consolidated);
        assert_eq!(sheet.row(&id("B6 2.1")).unwrap().figure, Figure::Empty);
        assert_eq!(sheet.number(&id("B6 2.4")), Some(Decimal::from_int(146)));
    }

    #[test]
    fn a_unit_sheet_only_adds_the_parts_its_level_fills() {
        let set = CatalogueSet::builtin();
        let cat = set.get("cchc-2024").unwrap();
        let id = |s: &str| s.parse::<IndicatorId>().unwrap();
        let mut v = Values::default();
        v.set(id("B2 1.1"), n(3));
        let sheet = Sheet::resolve(cat, &v, Scope::Unit(UnitKind::Department));
        assert_eq!(sheet.number(&id("B2 1")), Some(Decimal::from_int(3)));
        assert!(!sheet.row(&id("B2 1.2")).unwrap().applicable);
        let sheet = Sheet::resolve(cat, &v, Scope::Unit(UnitKind::District));
        assert_eq!(sheet.row(&id("B2 1.1")).unwrap().figure, Figure::Empty);
        assert_eq!(
            sheet.number(&id("B2 1")),
            None,
            "1.2 and 1.3 not filled yet"
        );
        // A rate of nothing is empty, not 0.
        v.set(id("B3 3.4.1"), n(0));
        v.set(id("B3 3.4.2"), n(0));
        let sheet = Sheet::resolve(cat, &v, Scope::Unit(UnitKind::District));
        assert_eq!(sheet.row(&id("B3 3.4")).unwrap().figure, Figure::Empty);
    }
}
