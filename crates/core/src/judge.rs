//! Judging one record: when a dossier's processing ended, from when it counts
//! as late (methodology §3), and the same for feedback deadlines.
//!
//! The key fact is that lateness is monotonic: a record has an instant
//! `late_at` from which it is late as of any later moment, or never is. A
//! dossier still open at the period's end is late exactly when its deadline
//! has passed by then, and a finished one keeps the verdict it had when it
//! finished; both are "`late_at` ≤ period end". This is what makes timeliness
//! additive per month (see `measures`).

use crate::calendar::Calendar;
use crate::records::{Dossier, DossierStatus, Feedback, FeedbackOutcome, Procedure, Rating};
use crate::time::{Date, Instant};

/// Why a record counts as late.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LateReason {
    /// Ended (or still open) after the due date, supplement days deducted.
    PastDue { due: Instant, supplement_days: u32 },
    /// No due date: more working days than the procedure's time limit.
    PastTimeLimit {
        max_days: u32,
        supplement_days: u32,
        limit_day: Date,
    },
    /// More than one supplement request.
    ManySupplementRequests(u32),
    /// Handling officer's name or title missing (S001 footnote).
    HandlerNotNamed,
    /// Feedback not answered, refused or supplement-requested within its deadline.
    FeedbackPastDeadline { working_days: u32, limit_day: Date },
    /// Feedback answer not published within 2 working days.
    FeedbackNotPublished { limit_day: Date },
}

/// The timeliness facts of one dossier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DossierTimeliness {
    pub received: Instant,
    /// End of processing (§3), if any; never before `received`.
    pub end: Option<Instant>,
    /// From this instant on the dossier is late; `None`: never late.
    pub late_at: Option<Instant>,
    pub reason: Option<LateReason>,
}

impl DossierTimeliness {
    pub fn is_late_at(&self, moment: Instant) -> bool {
        self.late_at.is_some_and(|l| l <= moment)
    }

    /// Finished no later than `moment` (events after it are ignored).
    pub fn ended_by(&self, moment: Instant) -> bool {
        self.end.is_some_and(|e| e <= moment)
    }
}

/// The end of processing (§3): finished, else returned, else, for a dossier
/// waiting for a supplement, the request; never before reception. `None`
/// while the dossier is open. Backends store it so that they can skip
/// dossiers ended before a period without restating the rule.
pub fn end_of_processing(d: &Dossier) -> Option<Instant> {
    let mut end = d.finished_at.or(d.returned_at);
    if end.is_none() && d.status == DossierStatus::SupplementRequested {
        end = d.supplement_requested_at;
    }
    end.map(|e| e.max(d.received_at))
}

/// Timeliness of a dossier under methodology §3.
pub fn dossier_timeliness(
    d: &Dossier,
    procedure: Option<&Procedure>,
    cal: &Calendar,
) -> DossierTimeliness {
    let received = d.received_at;
    let end = end_of_processing(d);
    let clamp = |at: Instant| {
        let at = at.max(received);
        end.map_or(at, |e| at.min(e))
    };

    // Candidates: (instant the dossier becomes late, why).
    let mut candidates: Vec<(Instant, LateReason)> = Vec::with_capacity(3);
    if !d.handler_named {
        candidates.push((received, LateReason::HandlerNotNamed));
    }
    if d.supplement_requests > 1 {
        let at = clamp(d.supplement_requested_at.unwrap_or(received));
        candidates.push((
            at,
            LateReason::ManySupplementRequests(d.supplement_requests),
        ));
    }
    let deadline = if let Some(due) = d.due_at {
        let effective = due.add_seconds(d.supplement_days as i64 * 86_400);
        Some((
            effective.add_seconds(1),
            LateReason::PastDue {
                due,
                supplement_days: d.supplement_days,
            },
        ))
    } else {
        procedure.and_then(|p| p.max_days).map(|max_days| {
            let limit = max_days as i32 + d.supplement_days as i32;
            let first_late_day = cal.add_working_days(received.date(), limit + 1);
            let limit_day = cal.add_working_days(received.date(), limit);
            (
                first_late_day.start(),
                LateReason::PastTimeLimit {
                    max_days,
                    supplement_days: d.supplement_days,
                    limit_day,
                },
            )
        })
    };
    if let Some((at, reason)) = deadline {
        let at = at.max(received);
        if end.is_none_or(|e| at <= e) {
            candidates.push((at, reason));
        }
    }
    let first = candidates.into_iter().min_by_key(|(at, _)| *at);
    DossierTimeliness {
        received,
        end,
        late_at: first.map(|c| c.0),
        reason: first.map(|c| c.1),
    }
}

/// A dossier rated unsatisfied or complained about.
pub fn dossier_is_negative(d: &Dossier) -> bool {
    d.complaint || d.rating == Some(Rating::Unsatisfied)
}

/// Working-day limits for feedback (methodology §2, 5.3 of `766-2023`).
pub const FEEDBACK_ANSWER_DAYS: u32 = 15;
pub const FEEDBACK_REFUSE_DAYS: u32 = 2;
pub const FEEDBACK_SUPPLEMENT_DAYS: u32 = 5;
pub const FEEDBACK_PUBLISH_DAYS: u32 = 2;

/// The timeliness facts of one feedback item. Its handling ends when it is
/// refused, sent back for supplement, or answered and the answer published.
pub fn feedback_timeliness(f: &Feedback, cal: &Calendar) -> DossierTimeliness {
    let received = f.received_at;
    let handled = f.handled_at.map(|h| h.max(received));
    let published = f.published_at.map(|p| p.max(handled.unwrap_or(received)));
    let end = match f.outcome {
        FeedbackOutcome::Pending => None,
        FeedbackOutcome::Answered => handled.and(published),
        FeedbackOutcome::Refused | FeedbackOutcome::SupplementRequested => handled,
    };
    let late_day = |from: Date, days: u32| cal.add_working_days(from, days as i32 + 1);
    let mut candidates: Vec<(Instant, LateReason)> = Vec::with_capacity(2);
    // Not yet handled after 15 working days: late whatever comes next.
    let answer_deadline = late_day(received.date(), FEEDBACK_ANSWER_DAYS);
    if handled.is_none_or(|h| h >= answer_deadline.start()) {
        candidates.push((
            answer_deadline.start(),
            LateReason::FeedbackPastDeadline {
                working_days: FEEDBACK_ANSWER_DAYS,
                limit_day: cal.add_working_days(received.date(), FEEDBACK_ANSWER_DAYS as i32),
            },
        ));
    }
    if let Some(h) = handled {
        let limit = match f.outcome {
            FeedbackOutcome::Refused => Some(FEEDBACK_REFUSE_DAYS),
            FeedbackOutcome::SupplementRequested => Some(FEEDBACK_SUPPLEMENT_DAYS),
            _ => None,
        };
        if let Some(days) = limit {
            if h >= late_day(received.date(), days).start() {
                let limit_day = cal.add_working_days(received.date(), days as i32);
                candidates.push((
                    h,
                    LateReason::FeedbackPastDeadline {
                        working_days: days,
                        limit_day,
                    },
                ));
            }
        }
        if f.outcome == FeedbackOutcome::Answered {
            let publish_deadline = late_day(h.date(), FEEDBACK_PUBLISH_DAYS).start();
            if published.is_none_or(|p| p >= publish_deadline) {
                let limit_day = cal.add_working_days(h.date(), FEEDBACK_PUBLISH_DAYS as i32);
                candidates.push((
                    publish_deadline,
                    LateReason::FeedbackNotPublished { limit_day },
                ));
            }
        }
    }
    let first = candidates.into_iter().min_by_key(|(at, _)| *at);
    DossierTimeliness {
        received,
        end,
        late_at: first.map(|c| c.0),
        reason: first.map(|c| c.1),
    }
}

/// A feedback item that does not count as satisfied regardless of timing:
/// more dislikes than likes, or raised again about the same result.
pub fn feedback_is_negative(f: &Feedback) -> bool {
    f.dislikes > f.likes || f.repeated
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;

    fn at(text: &str) -> Instant {
        parse_instant(text).unwrap().instant
    }

    fn dossier(received: &str) -> Dossier {
        Dossier::new("HS1", "U1", "P1", at(received))
    }

    #[test]
    fn finished_after_due_is_late_from_the_due_date() {
        let mut d = dossier("2024-03-01 08:00");
        d.due_at = Some(at("2024-03-08 17:00"));
        d.finished_at = Some(at("2024-03-12 10:00"));
        let t = dossier_timeliness(&d, None, &Calendar::default());
        assert_eq!(t.late_at, Some(at("2024-03-08 17:00:01")));
        assert!(!t.is_late_at(at("2024-03-08 17:00")));
        assert!(t.is_late_at(at("2024-03-31 23:59:59")));
    }

    #[test]
    fn supplement_days_are_deducted() {
        let mut d = dossier("2024-03-01 08:00");
        d.due_at = Some(at("2024-03-08 17:00"));
        d.finished_at = Some(at("2024-03-12 10:00"));
        d.supplement_requests = 1;
        d.supplement_days = 4;
        assert_eq!(
            dossier_timeliness(&d, None, &Calendar::default()).late_at,
            None
        );
    }

    #[test]
    fn on_time_dossier_is_never_late() {
        let mut d = dossier("2024-03-01 08:00");
        d.due_at = Some(at("2024-03-08 17:00"));
        d.finished_at = Some(at("2024-03-05 10:00"));
        assert_eq!(
            dossier_timeliness(&d, None, &Calendar::default()).late_at,
            None
        );
    }
}
