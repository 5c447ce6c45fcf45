//! Figures of a unit's subtree over an arbitrary window of days, for the
//! administrative-reform forms that chiso prefills from its own dossier data
//! (cchc.md §3: B3 3.x resolution rates, B7 6.x online services): dossiers
//! whose processing ended in the window and those of them on time (judged
//! as the index judges them, `judge`), feedback received and answered,
//! services with dossiers and with online dossiers, dossiers of fully
//! online services and those submitted online.

use std::collections::{BTreeSet, HashMap};

use crate::calendar::Calendar;
use crate::engine::UnitRecords;
use crate::measures::{self, ProcedureId};
use crate::records::{Channel, FeedbackOutcome, OnlineLevel, Procedure};
use crate::time::Instant;

/// What the window holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WindowFigures {
    /// Dossiers whose processing ended (finished or returned) in the window.
    pub completed: i64,
    /// Of which not late when they ended.
    pub completed_on_time: i64,
    pub feedback_received: i64,
    /// Feedback received in the window and answered by its end.
    pub feedback_resolved: i64,
    /// Distinct online services (partly or fully) with dossiers received in the window.
    pub services_with_dossiers: i64,
    /// Of which with dossiers submitted online.
    pub services_online_used: i64,
    /// Dossiers of fully online services received in the window.
    pub full_online_dossiers: i64,
    /// Of which submitted online.
    pub full_online_dossiers_online: i64,
}

/// The figures of `records` (a subtree's) over `[from, to]`, both instants included.
pub fn window_figures(
    records: &UnitRecords,
    catalogue: &HashMap<ProcedureId, Procedure>,
    calendar: &Calendar,
    from: Instant,
    to: Instant,
) -> WindowFigures {
    let by_code: HashMap<&str, (ProcedureId, &Procedure)> = catalogue
        .iter()
        .map(|(id, p)| (p.code.as_str(), (*id, p)))
        .collect();
    let mut f = WindowFigures::default();
    let (mut with, mut used) = (BTreeSet::new(), BTreeSet::new());
    for d in &records.dossiers {
        let procedure = by_code.get(d.procedure_code.as_str()).copied();
        let c = measures::dossier_contribution(d, procedure, calendar);
        if !c.counted {
            continue;
        }
        let t = &c.timeliness;
        if let Some(end) = t.end.filter(|e| (from..=to).contains(e)) {
            f.completed += 1;
            if !t.is_late_at(end) {
                f.completed_on_time += 1;
            }
        }
        if !(from..=to).contains(&t.received) {
            continue;
        }
        let level = procedure.map_or(OnlineLevel::None, |(_, p)| p.online_level);
        let online = d.channel == Channel::Online;
        if level != OnlineLevel::None {
            with.insert(d.procedure_code.as_str());
            if online {
                used.insert(d.procedure_code.as_str());
            }
        }
        if level == OnlineLevel::Full {
            f.full_online_dossiers += 1;
            if online {
                f.full_online_dossiers_online += 1;
            }
        }
    }
    f.services_with_dossiers = with.len() as i64;
    f.services_online_used = used.len() as i64;
    for fb in &records.feedback {
        if !(from..=to).contains(&fb.received_at) {
            continue;
        }
        f.feedback_received += 1;
        let answered_by = fb.published_at.or(fb.handled_at);
        if fb.outcome == FeedbackOutcome::Answered && answered_by.is_some_and(|a| a <= to) {
            f.feedback_resolved += 1;
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Dossier;
    use crate::time::Date;

    fn at(y: i32, m: u32, d: u32) -> Instant {
        Date::from_ymd(y, m, d)
            .expect("day")
            .start()
            .add_seconds(9 * 3600)
    }

    #[test]
    fn completed_and_on_time_over_a_window() {
        let mut full = Procedure::new("P1", "Cấp phép");
        full.online_level = OnlineLevel::Full;
        let catalogue: HashMap<ProcedureId, Procedure> = [(0, full)].into_iter().collect();
        let mut on_time = Dossier::new("A", "U", "P1", at(2024, 1, 2));
        on_time.due_at = Some(at(2024, 1, 10));
        on_time.finished_at = Some(at(2024, 1, 5));
        on_time.channel = Channel::Online;
        let mut late = Dossier::new("B", "U", "P1", at(2024, 1, 2));
        late.due_at = Some(at(2024, 1, 3));
        late.finished_at = Some(at(2024, 1, 8));
        // Ended after the window: not completed in it.
        let mut after = Dossier::new("C", "U", "P2", at(2024, 1, 2));
        after.finished_at = Some(at(2024, 7, 1));
        let records = UnitRecords {
            dossiers: vec![on_time, late, after],
            ..UnitRecords::default()
        };
        let f = window_figures(
            &records,
            &catalogue,
            &Calendar::default(),
            at(2023, 12, 15),
            Date::from_ymd(2024, 6, 14).expect("day").end(),
        );
        assert_eq!((f.completed, f.completed_on_time), (2, 1));
        assert_eq!(
            (f.full_online_dossiers, f.full_online_dossiers_online),
            (2, 1)
        );
        assert_eq!((f.services_with_dossiers, f.services_online_used), (1, 1));
    }
}
