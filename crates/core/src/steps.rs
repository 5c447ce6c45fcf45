//! Processing steps (quá trình xử lý, the portal's `CapNhatTienDoHoSoMC`):
//! what they tell about a dossier, merged into it the way methodology §3
//! reads them.
//!
//! Steps come separately from the dossier, a few per call, with no sequence
//! number: their order is their instant (`ThoiDiemXuLy`). The merge is a
//! join of facts (a flag can only turn to "not named", counts and the latest
//! request only grow, the end of processing only moves earlier), so applying
//! the same steps twice, or in any order, or to a dossier already merged with
//! some of them, gives the same dossier.

use crate::records::{Dossier, DossierStatus};
use crate::time::Instant;

/// One processing step of a dossier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessingStep {
    /// MaHoSo.
    pub dossier_id: String,
    /// ThoiDiemXuLy: when the step happened.
    pub at: Instant,
    /// TrangThai: the dossier's status after the step (portal codes 1–10).
    pub status: Option<DossierStatus>,
    /// NguoiXuLy: the handling officer.
    pub handler: String,
    /// ChucDanh: the officer's title.
    pub title: String,
    /// PhongBanXuLy: the department that handled the step.
    pub department: String,
    /// NoiDungXuLy: what was done.
    pub content: String,
    /// NgayBatDau: start of the step.
    pub started_at: Option<Instant>,
    /// NgayKetThucTheoQuyDinh: the step's own deadline.
    pub due_at: Option<Instant>,
}

impl ProcessingStep {
    /// The identity of a step: re-sending a step with the same dossier,
    /// instant, status, officer and content changes nothing.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}",
            self.dossier_id,
            self.at.unix(),
            self.status.map_or(0, DossierStatus::portal_code),
            self.handler,
            self.content
        )
    }

    /// Both the officer's name and title are recorded (S001's footnote: a
    /// dossier whose handler is not named counts as late).
    pub fn handler_named(&self) -> bool {
        !self.handler.trim().is_empty() && !self.title.trim().is_empty()
    }
}

/// The end of processing the steps show (§3): the first step that reached
/// "đã xử lý xong", else "đã trả kết quả", else a refusal, stop or withdrawal.
pub fn end_from_steps(steps: &[ProcessingStep]) -> Option<(Instant, DossierStatus)> {
    let first = |wanted: &[DossierStatus]| {
        steps
            .iter()
            .filter_map(|s| {
                s.status
                    .filter(|st| wanted.contains(st))
                    .map(|st| (s.at, st))
            })
            .min_by_key(|(at, _)| *at)
    };
    first(&[DossierStatus::Finished])
        .or_else(|| first(&[DossierStatus::Returned]))
        .or_else(|| {
            first(&[
                DossierStatus::Rejected,
                DossierStatus::Stopped,
                DossierStatus::Withdrawn,
            ])
        })
}

/// The dossier with what its steps tell merged in: handler not named when a
/// step lacks the officer's name or title; supplement requests counted from
/// the steps in status 5 and dated by the latest; the end of processing
/// from the steps when they show one earlier than the record.
pub fn apply_steps(d: &Dossier, steps: &[ProcessingStep]) -> Dossier {
    let mut out = d.clone();
    let steps: Vec<&ProcessingStep> = steps.iter().filter(|s| s.dossier_id == d.id).collect();
    if steps.is_empty() {
        return out;
    }
    if steps.iter().any(|s| !s.handler_named()) {
        out.handler_named = false;
    }
    let mut requests: Vec<Instant> = steps
        .iter()
        .filter(|s| s.status == Some(DossierStatus::SupplementRequested))
        .map(|s| s.at)
        .collect();
    requests.sort();
    requests.dedup();
    out.supplement_requests = out.supplement_requests.max(requests.len() as u32);
    if let Some(latest) = requests.last() {
        out.supplement_requested_at = Some(
            out.supplement_requested_at
                .map_or(*latest, |a| a.max(*latest)),
        );
    }
    let owned: Vec<ProcessingStep> = steps.into_iter().cloned().collect();
    if let Some((end, status)) = end_from_steps(&owned) {
        out.finished_at = Some(out.finished_at.map_or(end, |f| f.min(end)));
        if !out.status.is_final() {
            out.status = status;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;

    fn at(text: &str) -> Instant {
        parse_instant(text).unwrap().instant
    }

    fn step(when: &str, status: u8, handler: &str, title: &str) -> ProcessingStep {
        ProcessingStep {
            dossier_id: "H1".into(),
            at: at(when),
            status: DossierStatus::parse(&status.to_string()),
            handler: handler.into(),
            title: title.into(),
            department: String::new(),
            content: String::new(),
            started_at: None,
            due_at: None,
        }
    }

    fn dossier() -> Dossier {
        Dossier::new("H1", "U", "P", at("2026-10-01 08:00"))
    }

    #[test]
    fn steps_give_end_supplements_and_handler() {
        let steps = vec![
            step("20261001080000", 2, "Nguyễn A", "Chuyên viên"),
            step("20261002080000", 5, "Nguyễn A", "Chuyên viên"),
            step("20261005080000", 5, "Nguyễn A", "Chuyên viên"),
            step("20261009080000", 10, "Trần B", "Văn thư"),
            step("20261008080000", 9, "Trần B", ""),
        ];
        let d = apply_steps(&dossier(), &steps);
        assert_eq!(d.finished_at, Some(at("2026-10-08 08:00")));
        assert_eq!(d.status, DossierStatus::Finished);
        assert_eq!(d.supplement_requests, 2);
        assert_eq!(d.supplement_requested_at, Some(at("2026-10-05 08:00")));
        assert!(!d.handler_named, "a step without a title");
    }

    #[test]
    fn merging_is_idempotent_and_order_free() {
        let s1 = [
            step("20261009080000", 10, "B", "VT"),
            step("20261002080000", 5, "A", "CV"),
        ];
        let s2 = [
            step("20261008080000", 9, "B", "VT"),
            step("20261004080000", 5, "A", "CV"),
        ];
        let all: Vec<ProcessingStep> = s1.iter().chain(&s2).cloned().collect();
        let once = apply_steps(&dossier(), &all);
        let twice = apply_steps(&once, &all);
        let staged = apply_steps(&apply_steps(&dossier(), &s2), &all);
        let reversed: Vec<ProcessingStep> = all.iter().rev().cloned().collect();
        assert_eq!(once, twice);
        assert_eq!(once, staged);
        assert_eq!(once, apply_steps(&dossier(), &reversed));
        assert_eq!(once.finished_at, Some(at("2026-10-08 08:00")));
    }

    #[test]
    fn other_dossiers_steps_and_no_steps_change_nothing() {
        let mut other = step("20261009080000", 9, "", "");
        other.dossier_id = "H2".into();
        assert_eq!(apply_steps(&dossier(), &[other]), dossier());
        assert_eq!(apply_steps(&dossier(), &[]), dossier());
    }

    #[test]
    fn refusal_ends_when_nothing_better() {
        let d = apply_steps(&dossier(), &[step("20261003080000", 3, "A", "CV")]);
        assert_eq!(d.status, DossierStatus::Rejected);
        assert_eq!(d.finished_at, Some(at("2026-10-03 08:00")));
    }
}
