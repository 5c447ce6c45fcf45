//! The engine: scoring and explaining a period through a storage interface.
//!
//! [`IndexStore`] is what a backend (SQLite today, PostgreSQL later) must
//! provide; everything else here is pure.

use std::collections::HashMap;

use crate::calendar::Calendar;
use crate::explain::{self, ExplainItem, RecordKind};
use crate::measures::{
    self, Accumulator, DossierContribution, FeedbackContribution, MeasureValues, ProcedureId,
    UnitId,
};
use crate::methodology::{Methodology, MethodologySet};
use crate::period::{NotJudgeable, Period};
use crate::records::{Dossier, Feedback, Procedure, UnitCounts};
use crate::scoring::{self, Hierarchy, ScoreSheet};
use crate::time::Instant;

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
    /// The data's as-of instant: the latest instant its dossier and feedback
    /// records report ([`UnitRecords::as_of`]), or a later one the source
    /// declared (the arrival of a synchronisation, the demo's "now"); `None`
    /// without any such record. The engine only needs the earlier of it and a
    /// period's end, `until`: a store may answer any instant from `until` on
    /// once it knows the data reaches it.
    fn data_as_of(&self, until: Instant) -> Result<Option<Instant>, Self::Error>;
    /// The targets kept: assigned per unit (chỉ tiêu giao) and the
    /// government's goals ([`crate::targets`]).
    fn targets(&self) -> Result<Vec<crate::targets::Target>, Self::Error>;
}

/// Raw records of some units.
#[derive(Clone, Debug, Default)]
pub struct UnitRecords {
    pub dossiers: Vec<Dossier>,
    pub feedback: Vec<Feedback>,
    pub counts: Vec<UnitCounts>,
}

impl UnitRecords {
    /// The latest instant the dossiers and feedback report (the data's
    /// as-of instant without a declared one).
    pub fn as_of(&self) -> Option<Instant> {
        let dossiers = self.dossiers.iter().map(dossier_latest);
        let feedback = self.feedback.iter().map(feedback_latest);
        dossiers.chain(feedback).max()
    }
}

/// The latest instant a dossier reports: submitted, received, sent back for
/// supplement, finished, returned (the due date is a promise, not an event).
pub fn dossier_latest(d: &Dossier) -> Instant {
    [
        d.submitted_at,
        d.supplement_requested_at,
        d.finished_at,
        d.returned_at,
    ]
    .into_iter()
    .flatten()
    .fold(d.received_at, Instant::max)
}

/// The latest instant a feedback item reports: received, handled, published.
pub fn feedback_latest(f: &Feedback) -> Instant {
    [f.handled_at, f.published_at]
        .into_iter()
        .flatten()
        .fold(f.received_at, Instant::max)
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError<E: std::error::Error + 'static> {
    #[error("không có bộ chỉ số nào có hiệu lực ngày {0}: thêm tệp phương pháp tính có hiệu lực vào ngày đó")]
    NoMethodology(crate::time::Date),
    #[error("không tìm thấy đơn vị '{0}': xem danh sách đơn vị bằng 'chiso score'")]
    UnknownUnit(String),
    #[error("không có chỉ số '{criterion}' trong bộ chỉ số {methodology}: dùng 'chiso methodology show'")]
    UnknownCriterion {
        criterion: String,
        methodology: String,
    },
    /// The period starts after the data, or there is no data.
    #[error(transparent)]
    NotJudgeable(NotJudgeable),
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
    /// The instant the accumulators started from were judged at.
    counted_until: Instant,
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
            counted_until: period.end(),
        }
    }

    /// Starts from accumulators already counted: for a cut period, those of
    /// the months that cover it ([`Period::cut_months`]), to be corrected
    /// with [`RecordAccumulator::uncount_late_after`].
    pub fn counted(mut self, counted: HashMap<UnitId, Accumulator>) -> RecordAccumulator<'a> {
        self.out = counted;
        self.counted_until = self.period.to.month().last_day().end();
        self
    }

    /// Starts from accumulators counted from daily counters for the cut
    /// period's days, judged at the end of its last day
    /// (`measures::Accumulator::add_days`), to be corrected likewise.
    pub fn counted_days(mut self, counted: HashMap<UnitId, Accumulator>) -> RecordAccumulator<'a> {
        self.out = counted;
        self.counted_until = self.period.to.end();
        self
    }

    /// One dossier's contribution and the accumulator of its unit; records
    /// of units the hierarchy does not know are left out.
    fn dossier(&mut self, d: &Dossier) -> Option<(DossierContribution, &mut Accumulator)> {
        let unit = self.hierarchy.id_of(&d.unit_code)?;
        let procedure = self
            .by_code
            .get(d.procedure_code.as_str())
            .map(|id| (*id, &self.catalogue[id]));
        let c = measures::dossier_contribution(d, procedure, self.calendar);
        Some((c, self.out.entry(unit).or_default()))
    }

    fn feedback(&mut self, f: &Feedback) -> Option<(FeedbackContribution, &mut Accumulator)> {
        let unit = self.hierarchy.id_of(&f.unit_code)?;
        let c = measures::feedback_contribution(f, self.calendar);
        Some((c, self.out.entry(unit).or_default()))
    }

    pub fn add_dossier(&mut self, d: &Dossier) {
        let period = self.period;
        if let Some((c, acc)) = self.dossier(d) {
            acc.add_dossier(&c, period);
        }
    }

    pub fn add_feedback(&mut self, f: &Feedback) {
        let period = self.period;
        if let Some((c, acc)) = self.feedback(f) {
            acc.add_feedback(&c, period);
        }
    }

    /// Takes back what a record still open at the cut period's cutoff
    /// counted late in the covering months' counters but is not late by
    /// the cutoff ([`Accumulator::uncount_late_after`]).
    pub fn uncount_late_after(&mut self, d: &Dossier) {
        let (period, until) = (self.period, self.counted_until);
        if let Some((c, acc)) = self.dossier(d) {
            acc.uncount_late_after(&c, period, until);
        }
    }

    /// [`RecordAccumulator::uncount_late_after`] for a feedback item.
    pub fn uncount_feedback_late_after(&mut self, f: &Feedback) {
        let (period, until) = (self.period, self.counted_until);
        if let Some((c, acc)) = self.feedback(f) {
            acc.uncount_feedback_late_after(&c, period, until);
        }
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

/// The period as it can be judged on the store's data ([`Period::judged`]).
pub fn judged_period<S: IndexStore>(
    store: &S,
    period: &Period,
) -> Result<Period, EngineError<S::Error>> {
    let as_of = store.data_as_of(period.end()).map_err(EngineError::Store)?;
    period.judged(as_of).map_err(EngineError::NotJudgeable)
}

/// Scores every unit for a period with the methodology in force at its end,
/// and the previous period of the same length with the version in force at
/// its end. A period the data stops inside is scored as the range from its
/// first day to the data's as-of instant, judged at that instant (the sheet's
/// `as_of`), with the methodology in force then; the previous period is the
/// one before the period asked.
pub fn score<S: IndexStore>(
    store: &S,
    methodologies: &MethodologySet,
    asked: &Period,
) -> Result<ScoreSheet, EngineError<S::Error>> {
    let period = &judged_period(store, asked)?;
    let m = methodologies
        .in_force(period.to)
        .ok_or(EngineError::NoMethodology(period.to))?;
    let previous = asked.previous();
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
    let targets = crate::targets::Targets::new(&store.targets().map_err(EngineError::Store)?);
    let mut sheet = scoring::score_sheet(
        m, pm, period, &previous, &hierarchy, &now, &before, &targets,
    );
    if period != asked {
        sheet.period = *asked;
        sheet.as_of = Some(period.end());
    }
    Ok(sheet)
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
    /// When the data stops inside the period: the instant it was judged at.
    pub as_of: Option<Instant>,
    pub items: Vec<ExplainItem>,
}

/// The records behind a criterion, judged like [`score`] judges the period.
pub fn explain<S: IndexStore>(
    store: &S,
    methodologies: &MethodologySet,
    asked: &Period,
    unit_code: &str,
    criterion_id: &str,
) -> Result<Explanation, EngineError<S::Error>> {
    let period = &judged_period(store, asked)?;
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
        as_of: (period != asked).then(|| period.end()),
        items,
    })
}
