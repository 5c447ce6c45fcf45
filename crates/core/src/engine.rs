//! The engine: scoring and explaining a period through a storage interface.
//!
//! [`IndexStore`] is what a backend (SQLite today, PostgreSQL later) must
//! provide; everything else here is pure.

use std::collections::HashMap;

use crate::calendar::Calendar;
use crate::explain::{self, ExplainItem, RecordKind};
use crate::measures::{self, Accumulator, MeasureValues, ProcedureId, UnitId};
use crate::methodology::{Methodology, MethodologySet};
use crate::period::Period;
use crate::records::{Dossier, Feedback, Procedure, UnitCounts};
use crate::scoring::{self, Hierarchy, ScoreSheet};

/// What scoring needs from storage.
pub trait IndexStore {
    type Error: std::error::Error + Send + Sync + 'static;

    fn hierarchy(&self) -> Result<Hierarchy, Self::Error>;
    fn catalogue(&self) -> Result<HashMap<ProcedureId, Procedure>, Self::Error>;
    fn calendar(&self) -> Result<Calendar, Self::Error>;
    /// Each unit's own (not rolled-up) accumulator for a period. A store may
    /// answer from maintained counters for whole months; it must equal
    /// [`accumulate_records`] over its raw records.
    fn own_accumulators(
        &self,
        period: &Period,
    ) -> Result<HashMap<UnitId, Accumulator>, Self::Error>;
    /// Accumulators for several periods at once (a period and the one before
    /// it); a store may share its reads between them.
    fn own_accumulators_many(
        &self,
        periods: &[Period],
    ) -> Result<Vec<HashMap<UnitId, Accumulator>>, Self::Error> {
        periods.iter().map(|p| self.own_accumulators(p)).collect()
    }
    /// Raw records of the given units that may count in the period (received
    /// no later than its end), for explain.
    fn records_for(&self, units: &[UnitId], period: &Period) -> Result<UnitRecords, Self::Error>;
}

/// Raw records of some units.
#[derive(Clone, Debug, Default)]
pub struct UnitRecords {
    pub dossiers: Vec<Dossier>,
    pub feedback: Vec<Feedback>,
    pub counts: Vec<UnitCounts>,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError<E: std::error::Error + 'static> {
    #[error("không có bộ chỉ số nào có hiệu lực ngày {0} (no methodology in force): thêm tệp phương pháp tính có hiệu lực vào ngày đó")]
    NoMethodology(crate::time::Date),
    #[error("không tìm thấy đơn vị '{0}' (unknown unit): xem danh sách đơn vị bằng 'chiso score'")]
    UnknownUnit(String),
    #[error("không có chỉ số '{criterion}' trong bộ chỉ số {methodology} (unknown criterion): dùng 'chiso methodology show'")]
    UnknownCriterion {
        criterion: String,
        methodology: String,
    },
    #[error(transparent)]
    Store(E),
}

/// Per-unit accumulators straight from raw records: the reference that
/// maintained counters must equal, and the path for periods that are not
/// whole months.
pub fn accumulate_records(
    hierarchy: &Hierarchy,
    catalogue: &HashMap<ProcedureId, Procedure>,
    calendar: &Calendar,
    records: &UnitRecords,
    period: &Period,
) -> HashMap<UnitId, Accumulator> {
    let mut acc = RecordAccumulator::new(hierarchy, catalogue, calendar, period);
    records.dossiers.iter().for_each(|d| acc.add_dossier(d));
    records.feedback.iter().for_each(|f| acc.add_feedback(f));
    records.counts.iter().for_each(|c| acc.add_counts(c));
    acc.finish()
}

/// [`accumulate_records`] one record at a time, so a store can stream
/// millions of rows without holding them.
pub struct RecordAccumulator<'a> {
    hierarchy: &'a Hierarchy,
    catalogue: &'a HashMap<ProcedureId, Procedure>,
    by_code: HashMap<&'a str, ProcedureId>,
    calendar: &'a Calendar,
    period: &'a Period,
    out: HashMap<UnitId, Accumulator>,
}

impl<'a> RecordAccumulator<'a> {
    pub fn new(
        hierarchy: &'a Hierarchy,
        catalogue: &'a HashMap<ProcedureId, Procedure>,
        calendar: &'a Calendar,
        period: &'a Period,
    ) -> RecordAccumulator<'a> {
        let by_code = catalogue
            .iter()
            .map(|(id, p)| (p.code.as_str(), *id))
            .collect();
        RecordAccumulator {
            hierarchy,
            catalogue,
            by_code,
            calendar,
            period,
            out: HashMap::new(),
        }
    }

    /// Records of units the hierarchy does not know are left out.
    pub fn add_dossier(&mut self, d: &Dossier) {
        let Some(unit) = self.hierarchy.id_of(&d.unit_code) else {
            return;
        };
        let procedure = self
            .by_code
            .get(d.procedure_code.as_str())
            .map(|id| (*id, &self.catalogue[id]));
        let c = measures::dossier_contribution(d, procedure, self.calendar);
        self.out
            .entry(unit)
            .or_default()
            .add_dossier(&c, self.period);
    }

    pub fn add_feedback(&mut self, f: &Feedback) {
        let Some(unit) = self.hierarchy.id_of(&f.unit_code) else {
            return;
        };
        let c = measures::feedback_contribution(f, self.calendar);
        self.out
            .entry(unit)
            .or_default()
            .add_feedback(&c, self.period);
    }

    pub fn add_counts(&mut self, c: &UnitCounts) {
        let Some(unit) = self.hierarchy.id_of(&c.unit_code) else {
            return;
        };
        self.out
            .entry(unit)
            .or_default()
            .add_unit_counts(c, self.period);
    }

    pub fn finish(self) -> HashMap<UnitId, Accumulator> {
        self.out
    }
}

/// Final measure values per unit (covering its subtree) for a period.
pub fn rolled_up_measures<S: IndexStore>(
    store: &S,
    hierarchy: &Hierarchy,
    catalogue: &HashMap<ProcedureId, Procedure>,
    calendar: &Calendar,
    period: &Period,
) -> Result<HashMap<UnitId, MeasureValues>, S::Error> {
    let own = store.own_accumulators(period)?;
    Ok(finish_measures(hierarchy, catalogue, calendar, own, period))
}

/// Rolls own accumulators up the hierarchy and turns them into measure values.
pub fn finish_measures(
    hierarchy: &Hierarchy,
    catalogue: &HashMap<ProcedureId, Procedure>,
    calendar: &Calendar,
    own: HashMap<UnitId, Accumulator>,
    period: &Period,
) -> HashMap<UnitId, MeasureValues> {
    let rolled = hierarchy.roll_up(own, period);
    let catalogue_values =
        measures::catalogue_values(catalogue.values(), period, calendar, hierarchy.top_kind());
    rolled
        .into_iter()
        .map(|(id, acc)| (id, acc.finish(catalogue, &catalogue_values)))
        .collect()
}

/// Scores every unit for a period with the methodology in force at its end,
/// and the previous period of the same length with the version in force at its end.
pub fn score<S: IndexStore>(
    store: &S,
    methodologies: &MethodologySet,
    period: &Period,
) -> Result<ScoreSheet, EngineError<S::Error>> {
    let m = methodologies
        .in_force(period.to)
        .ok_or(EngineError::NoMethodology(period.to))?;
    let previous = period.previous();
    let pm = methodologies.in_force(previous.to).unwrap_or(m);
    let hierarchy = store.hierarchy().map_err(EngineError::Store)?;
    let catalogue = store.catalogue().map_err(EngineError::Store)?;
    let calendar = store.calendar().map_err(EngineError::Store)?;
    let mut own = store
        .own_accumulators_many(&[*period, previous])
        .map_err(EngineError::Store)?
        .into_iter();
    let (now, before) = (
        own.next().unwrap_or_default(),
        own.next().unwrap_or_default(),
    );
    let now = finish_measures(&hierarchy, &catalogue, &calendar, now, period);
    let before = finish_measures(&hierarchy, &catalogue, &calendar, before, &previous);
    Ok(scoring::score_sheet(
        m, pm, period, &hierarchy, &now, &before,
    ))
}

/// The records behind one criterion of one unit, failed first.
#[derive(Clone, Debug)]
pub struct Explanation {
    pub methodology: String,
    pub unit_code: String,
    pub criterion: String,
    pub record_kind: RecordKind,
    /// The unit the figures come from when the criterion is inherited.
    pub computed_at: String,
    pub items: Vec<ExplainItem>,
}

pub fn explain<S: IndexStore>(
    store: &S,
    methodologies: &MethodologySet,
    period: &Period,
    unit_code: &str,
    criterion_id: &str,
) -> Result<Explanation, EngineError<S::Error>> {
    let m: &Methodology = methodologies
        .in_force(period.to)
        .ok_or(EngineError::NoMethodology(period.to))?;
    let criterion = m
        .criterion(criterion_id)
        .ok_or_else(|| EngineError::UnknownCriterion {
            criterion: criterion_id.to_string(),
            methodology: m.id.clone(),
        })?;
    let hierarchy = store.hierarchy().map_err(EngineError::Store)?;
    let unit = hierarchy
        .get(unit_code)
        .ok_or_else(|| EngineError::UnknownUnit(unit_code.to_string()))?;
    // Inherited criteria are explained where they are computed.
    let at = if criterion.levels.is_empty() || criterion.levels.contains(&unit.kind) {
        unit.clone()
    } else {
        let mut at = unit.clone();
        while !criterion.levels.contains(&at.kind) {
            match hierarchy
                .rollup_target(&at, period)
                .and_then(|c| hierarchy.get(c))
            {
                Some(parent) => at = parent.clone(),
                None => {
                    at = unit.clone();
                    break;
                }
            }
        }
        at
    };
    let catalogue = store.catalogue().map_err(EngineError::Store)?;
    let calendar = store.calendar().map_err(EngineError::Store)?;
    let codes = hierarchy.subtree(&at.code, period);
    let ids: Vec<UnitId> = codes.iter().filter_map(|c| hierarchy.id_of(c)).collect();
    let kind = explain::record_kind(criterion);
    let mut items = Vec::new();
    match kind {
        RecordKind::Dossier | RecordKind::Feedback | RecordKind::Procedure => {
            let records = store
                .records_for(&ids, period)
                .map_err(EngineError::Store)?;
            let by_code: HashMap<&str, ProcedureId> = catalogue
                .iter()
                .map(|(id, p)| (p.code.as_str(), *id))
                .collect();
            if kind == RecordKind::Dossier {
                for d in &records.dossiers {
                    let procedure = by_code
                        .get(d.procedure_code.as_str())
                        .map(|id| (*id, &catalogue[id]));
                    let c = measures::dossier_contribution(d, procedure, &calendar);
                    items.extend(explain::explain_dossier(d, &c, period, criterion));
                }
            } else if kind == RecordKind::Feedback {
                for f in &records.feedback {
                    let c = measures::feedback_contribution(f, &calendar);
                    items.extend(explain::explain_feedback(f, &c, period, criterion));
                }
            } else {
                let mut acc = Accumulator::default();
                for d in &records.dossiers {
                    let procedure = by_code
                        .get(d.procedure_code.as_str())
                        .map(|id| (*id, &catalogue[id]));
                    acc.add_dossier(
                        &measures::dossier_contribution(d, procedure, &calendar),
                        period,
                    );
                }
                for (id, usage) in &acc.procedures {
                    if let Some(p) = catalogue.get(id) {
                        items.extend(explain::explain_procedure(p, usage, &at.code, criterion));
                    }
                }
            }
        }
        RecordKind::Catalogue => {
            for p in catalogue.values() {
                items.extend(explain::explain_catalogue(
                    p, period, &calendar, &at, criterion,
                ));
            }
        }
        RecordKind::UnitCounts => {}
    }
    explain::sort_items(&mut items);
    Ok(Explanation {
        methodology: m.id.clone(),
        unit_code: unit.code.clone(),
        criterion: criterion.id.clone(),
        record_kind: kind,
        computed_at: at.code,
        items,
    })
}
