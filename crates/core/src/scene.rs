//! A period as the data stands, open to changes: the per-unit accumulators
//! the engine scores, kept so that a record can be replaced by a variant
//! (late, finished on time, paid online…) and the whole sheet scored again.
//!
//! The early warning (`warn`), the what-if (`whatif`) and the projection
//! (`forecast`) all read a [`Scene`]. Replacing a record takes back its
//! contribution and adds the variant's ([`Accumulator::remove_dossier`]),
//! the same arithmetic the stores' counters obey, so a scene after changes
//! scores exactly like a store holding the changed records (tested in
//! `core/tests/ahead.rs` against the in-memory reference backend).

use std::collections::HashMap;

use crate::calendar::Calendar;
use crate::engine::{self, EngineError, IndexStore, UnitRecords};
use crate::measures::{
    self, Accumulator, DossierContribution, FeedbackContribution, MeasureValues, ProcedureId,
    UnitId,
};
use crate::methodology::{Methodology, MethodologySet};
use crate::period::Period;
use crate::records::{Dossier, DossierStatus, Feedback, FeedbackOutcome, Procedure};
use crate::scoring::{self, Hierarchy, ScoreSheet, UnitScore};
use crate::targets::Targets;
use crate::time::Instant;

/// A period's accumulators, open to record changes.
#[derive(Clone, Debug)]
pub struct Scene {
    pub methodology: Methodology,
    previous_methodology: Methodology,
    /// The period asked (a month).
    pub asked: Period,
    /// The period as judged on the data (cut at the data's as-of instant).
    pub period: Period,
    previous: Period,
    pub hierarchy: Hierarchy,
    pub catalogue: HashMap<ProcedureId, Procedure>,
    pub calendar: Calendar,
    by_code: HashMap<String, ProcedureId>,
    own: HashMap<UnitId, Accumulator>,
    before: HashMap<UnitId, MeasureValues>,
    targets: Targets,
}

impl Scene {
    /// The period as the store holds it now: what [`engine::score`] scores.
    pub fn load<S: IndexStore>(
        store: &S,
        methodologies: &MethodologySet,
        asked: &Period,
    ) -> Result<Scene, EngineError<S::Error>> {
        let period = engine::judged_period(store, asked)?;
        let previous = asked.previous();
        let hierarchy = store.hierarchy().map_err(EngineError::Store)?;
        let catalogue = store.catalogue().map_err(EngineError::Store)?;
        let calendar = store.calendar().map_err(EngineError::Store)?;
        let targets = Targets::new(&store.targets().map_err(EngineError::Store)?);
        let mut own = store
            .own_accumulators_many(&[period, previous])
            .map_err(EngineError::Store)?
            .into_iter();
        let (now, before) = (
            own.next().unwrap_or_default(),
            own.next().unwrap_or_default(),
        );
        Scene::assemble(
            methodologies,
            *asked,
            period,
            hierarchy,
            catalogue,
            calendar,
            now,
            before,
            targets,
        )
        .map_err(EngineError::NoMethodology)
    }

    /// The month of `at` as the data stood at that instant, from the raw
    /// records (every unit's, received up to `at`): events after `at` are
    /// taken back ([`as_stood`]). For a day in the past (`chiso watch --at`)
    /// and the forecast's backtest.
    pub fn at_instant(
        methodologies: &MethodologySet,
        hierarchy: Hierarchy,
        catalogue: HashMap<ProcedureId, Procedure>,
        calendar: Calendar,
        targets: Targets,
        records: &UnitRecords,
        at: Instant,
    ) -> Result<Scene, crate::time::Date> {
        let asked = Period::month(at.date().month());
        let period = Period {
            cutoff: Some(at),
            ..Period::range(asked.from, at.date())
        };
        let period = if at >= asked.end() { asked } else { period };
        let previous = asked.previous();
        let stood = as_stood(records, at);
        let now = engine::accumulate_records(&hierarchy, &catalogue, &calendar, &stood, &period);
        let before =
            engine::accumulate_records(&hierarchy, &catalogue, &calendar, &stood, &previous);
        Scene::assemble(
            methodologies,
            asked,
            period,
            hierarchy,
            catalogue,
            calendar,
            now,
            before,
            targets,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn assemble(
        methodologies: &MethodologySet,
        asked: Period,
        period: Period,
        hierarchy: Hierarchy,
        catalogue: HashMap<ProcedureId, Procedure>,
        calendar: Calendar,
        own: HashMap<UnitId, Accumulator>,
        before: HashMap<UnitId, Accumulator>,
        targets: Targets,
    ) -> Result<Scene, crate::time::Date> {
        let m = methodologies.in_force(period.to).ok_or(period.to)?.clone();
        let previous = asked.previous();
        let pm = methodologies
            .in_force(previous.to)
            .cloned()
            .unwrap_or_else(|| m.clone());
        let before = engine::finish_measures(&hierarchy, &catalogue, &calendar, before, &previous);
        let by_code = catalogue
            .iter()
            .map(|(id, p)| (p.code.clone(), *id))
            .collect();
        Ok(Scene {
            methodology: m,
            previous_methodology: pm,
            asked,
            period,
            previous,
            hierarchy,
            catalogue,
            calendar,
            by_code,
            own,
            before,
            targets,
        })
    }

    /// The instant everything is judged at (the data's as-of instant inside
    /// the month, or the month's end).
    pub fn now(&self) -> Instant {
        self.period.end()
    }

    /// Every unit scored as the scene stands: equal to [`engine::score`] on
    /// a store holding the scene's records.
    pub fn sheet(&self) -> ScoreSheet {
        let now = engine::finish_measures(
            &self.hierarchy,
            &self.catalogue,
            &self.calendar,
            self.own.clone(),
            &self.period,
        );
        let mut sheet = scoring::score_sheet(
            &self.methodology,
            &self.previous_methodology,
            &self.period,
            &self.previous,
            &self.hierarchy,
            &now,
            &self.before,
            &self.targets,
        );
        if self.period != self.asked {
            sheet.period = self.asked;
            sheet.as_of = Some(self.period.end());
        }
        sheet
    }

    /// One unit's score as the scene stands.
    pub fn unit_score(&self, code: &str) -> Option<UnitScore> {
        self.sheet().units.into_iter().find(|u| u.code == code)
    }

    pub fn procedure(&self, code: &str) -> Option<&Procedure> {
        self.by_code.get(code).map(|id| &self.catalogue[id])
    }

    /// A dossier's contribution, judged with the scene's calendar.
    pub fn contribution(&self, d: &Dossier) -> DossierContribution {
        let procedure = self
            .by_code
            .get(d.procedure_code.as_str())
            .map(|id| (*id, &self.catalogue[id]));
        measures::dossier_contribution(d, procedure, &self.calendar)
    }

    pub fn feedback_contribution(&self, f: &Feedback) -> FeedbackContribution {
        measures::feedback_contribution(f, &self.calendar)
    }

    /// Replaces a dossier by a variant of it (same unit): its contribution
    /// is taken back and the variant's added. Records of units the
    /// hierarchy does not know change nothing.
    pub fn replace(&mut self, old: &Dossier, new: &Dossier) {
        let (c_old, c_new) = (self.contribution(old), self.contribution(new));
        self.replace_contribution(&old.unit_code, &c_old, &c_new);
    }

    /// [`Scene::replace`] with contributions already computed (a variant
    /// stated on the judgement itself, such as "late from now").
    pub fn replace_contribution(
        &mut self,
        unit_code: &str,
        old: &DossierContribution,
        new: &DossierContribution,
    ) {
        let Some(unit) = self.hierarchy.id_of(unit_code) else {
            return;
        };
        let acc = self.own.entry(unit).or_default();
        acc.remove_dossier(old, &self.period);
        acc.add_dossier(new, &self.period);
    }

    /// Replaces a feedback item's contribution by a variant's.
    pub fn replace_feedback(
        &mut self,
        unit_code: &str,
        old: &FeedbackContribution,
        new: &FeedbackContribution,
    ) {
        let Some(unit) = self.hierarchy.id_of(unit_code) else {
            return;
        };
        let acc = self.own.entry(unit).or_default();
        acc.remove_feedback(old, &self.period);
        acc.add_feedback(new, &self.period);
    }

    /// The unit's rolled-up measure values for the period as the scene stands.
    pub fn unit_values(&self, code: &str) -> MeasureValues {
        let mut acc = Accumulator::default();
        for c in self.hierarchy.subtree(code, &self.period) {
            if let Some(own) = self.hierarchy.id_of(&c).and_then(|i| self.own.get(&i)) {
                acc.merge(own);
            }
        }
        let catalogue_values = measures::catalogue_values(
            self.catalogue.values(),
            &self.period,
            &self.calendar,
            self.hierarchy.top_kind(),
        );
        acc.finish(&self.catalogue, &catalogue_values)
    }
}

/// A dossier as the data stood at `t`: `None` if not yet received; a
/// supplement request, a finish or a return after `t` not yet happened; a
/// dossier finished after `t` whose supplement had not come back by `t`
/// (request + supplement days) waiting for it.
pub fn dossier_as_stood(d: &Dossier, t: Instant) -> Option<Dossier> {
    if d.received_at > t {
        return None;
    }
    let mut d = d.clone();
    if d.supplement_requested_at.is_some_and(|s| s > t) {
        d.supplement_requested_at = None;
        d.supplement_requests = 0;
        d.supplement_days = 0;
        d.status = DossierStatus::Processing;
    }
    if d.finished_at.is_some_and(|f| f > t) || d.returned_at.is_some_and(|r| r > t) {
        (d.finished_at, d.returned_at) = (None, None);
        // Still waiting for the applicant when the supplement (its days
        // counted from the request) came after `t`.
        let waiting = d
            .supplement_requested_at
            .is_some_and(|r| r.add_seconds(d.supplement_days as i64 * 86_400) > t);
        d.status = if waiting {
            DossierStatus::SupplementRequested
        } else {
            DossierStatus::Processing
        };
    }
    if d.submitted_at.is_some_and(|s| s > t) {
        d.submitted_at = None;
    }
    Some(d)
}

/// A feedback item as the data stood at `t`.
pub fn feedback_as_stood(f: &Feedback, t: Instant) -> Option<Feedback> {
    if f.received_at > t {
        return None;
    }
    let mut f = f.clone();
    if f.published_at.is_some_and(|p| p > t) {
        f.published_at = None;
    }
    if f.handled_at.is_some_and(|h| h > t) {
        (f.handled_at, f.published_at) = (None, None);
        f.outcome = FeedbackOutcome::Pending;
    }
    Some(f)
}

/// Records as they stood at `t` ([`dossier_as_stood`], [`feedback_as_stood`];
/// monthly counts of months begun by `t`).
pub fn as_stood(records: &UnitRecords, t: Instant) -> UnitRecords {
    UnitRecords {
        dossiers: records
            .dossiers
            .iter()
            .filter_map(|d| dossier_as_stood(d, t))
            .collect(),
        feedback: records
            .feedback
            .iter()
            .filter_map(|f| feedback_as_stood(f, t))
            .collect(),
        counts: records
            .counts
            .iter()
            .filter(|c| c.month.first_day() <= t.date())
            .cloned()
            .collect(),
    }
}
