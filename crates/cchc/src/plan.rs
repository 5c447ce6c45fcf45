//! The yearly CCHC plan (kế hoạch CCHC năm) and its tasks (cchc.md §2): area
//! I–VII, text, products, lead and coordinating units (a unit of the
//! catalogue, or the printed text when it names a group), the deadline as
//! printed with its milestones, and an append-only history of statuses with
//! their evidence. The status on a day is computed (overdue is never typed);
//! the completion rate is computed, never typed: "Kết quả đạt 18/35 nhiệm vụ,
//! đạt 51,43%".

use chiso_core::time::Date;
use serde::{Deserialize, Serialize};

use crate::catalogue::{Area, Catalogue, Prefill};
use crate::deadline::{self, Deadline};
use crate::decimal::{self, Decimal};
use crate::doc::DocRef;
use crate::value::{Entry, Origin, Value, Values};

/// Cơ quan chủ trì or phối hợp.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// A unit of chiso's unit catalogue, by code.
    Unit { code: String },
    /// As printed, when it names a group ("Các sở, ban, ngành").
    Text { text: String },
}

/// A status as reported (overdue is computed, never reported).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reported {
    /// Đã thực hiện.
    Done,
    /// Đang triển khai (thực hiện).
    InProgress,
    /// Chưa tới thời gian thực hiện.
    NotYetDue,
    /// Không thực hiện (hủy), with a reason.
    Cancelled,
}

/// One entry of a task's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusEntry {
    pub status: Reported,
    #[serde(with = "crate::dates::day")]
    pub as_of: Date,
    /// Evidence: "Quyết định số 125/QĐ-UBND ngày 23/01/2024".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<DocRef>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    pub by: String,
}

/// A task's status on a day, computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    Done,
    InProgress,
    NotYetDue,
    /// Past its last binding milestone and not done.
    Overdue,
    Cancelled {
        reason: String,
    },
}

impl Progress {
    pub fn label_vi(&self) -> &'static str {
        match self {
            Progress::Done => "Đã thực hiện",
            Progress::InProgress => "Đang triển khai thực hiện",
            Progress::NotYetDue => "Chưa tới thời gian thực hiện",
            Progress::Overdue => "Quá hạn",
            Progress::Cancelled { .. } => "Không thực hiện",
        }
    }
}

/// Nhiệm vụ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// STT in the plan.
    pub no: u32,
    pub area: Area,
    /// Nhiệm vụ cụ thể, verbatim.
    pub text: String,
    /// Sản phẩm.
    #[serde(default)]
    pub products: Vec<String>,
    pub lead: Vec<Party>,
    #[serde(default)]
    pub coordinating: Vec<Party>,
    /// Thời gian thực hiện, as printed (its milestones are read from it).
    pub deadline_text: String,
    /// Append-only, in date order.
    #[serde(default)]
    pub history: Vec<StatusEntry>,
}

/// Why a status cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("nhiệm vụ {task}: ngày {as_of} trước lần cập nhật trước ({last}); lịch sử chỉ được ghi thêm")]
    OutOfOrder {
        task: u32,
        as_of: String,
        last: String,
    },
    #[error("nhiệm vụ {0}: không thực hiện (hủy) phải ghi lý do")]
    CancelWithoutReason(u32),
}

impl Task {
    /// The deadline as understood (`plan_year` completes "Quý I").
    pub fn deadline(&self, plan_year: i32) -> Deadline {
        deadline::parse(&self.deadline_text, plan_year)
    }

    /// Appends a status; dates never go back, a cancellation needs a reason.
    pub fn record(&mut self, entry: StatusEntry) -> Result<(), PlanError> {
        if let Some(last) = self.history.last() {
            if entry.as_of < last.as_of {
                return Err(PlanError::OutOfOrder {
                    task: self.no,
                    as_of: entry.as_of.vn(),
                    last: last.as_of.vn(),
                });
            }
        }
        if entry.status == Reported::Cancelled && entry.note.trim().is_empty() {
            return Err(PlanError::CancelWithoutReason(self.no));
        }
        self.history.push(entry);
        Ok(())
    }

    /// The last status reported on or before `day`.
    pub fn reported_on(&self, day: Date) -> Option<&StatusEntry> {
        self.history.iter().rev().find(|e| e.as_of <= day)
    }

    /// The status on `day`: as reported, except that a task not done after
    /// its last unconditional milestone is overdue.
    pub fn progress(&self, day: Date, plan_year: i32) -> Progress {
        let reported = self.reported_on(day);
        match reported.map(|e| e.status) {
            Some(Reported::Done) => return Progress::Done,
            Some(Reported::Cancelled) => {
                return Progress::Cancelled {
                    reason: reported.map(|e| e.note.clone()).unwrap_or_default(),
                }
            }
            _ => {}
        }
        if self
            .deadline(plan_year)
            .binding()
            .is_some_and(|due| due < day)
        {
            return Progress::Overdue;
        }
        match reported.map(|e| e.status) {
            Some(Reported::InProgress) => Progress::InProgress,
            _ => Progress::NotYetDue,
        }
    }
}

/// Kế hoạch CCHC năm of a unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The unit whose plan it is.
    pub owner: String,
    pub year: i32,
    /// The decision that issued it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<DocRef>,
    pub tasks: Vec<Task>,
}

/// Plan completion on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Completion {
    /// Tasks done.
    pub done: u32,
    /// Tasks not cancelled.
    pub total: u32,
    pub overdue: u32,
}

impl Completion {
    /// done / total in percent, exact; `None` for an empty plan.
    pub fn rate(&self, places: u32) -> Option<Decimal> {
        decimal::percent(
            Decimal::from_int(self.done as i64),
            Decimal::from_int(self.total as i64),
            places,
        )
    }

    /// "Kết quả đạt 18/35 nhiệm vụ, đạt 51,43%".
    pub fn summary_vi(&self) -> String {
        match self.rate(2) {
            Some(r) => format!(
                "Kết quả đạt {}/{} nhiệm vụ, đạt {}%",
                self.done,
                self.total,
                r.vi()
            ),
            None => "Kế hoạch chưa có nhiệm vụ".to_string(),
        }
    }
}

impl Plan {
    pub fn completion(&self, day: Date) -> Completion {
        let mut c = Completion {
            done: 0,
            total: 0,
            overdue: 0,
        };
        for t in &self.tasks {
            match t.progress(day, self.year) {
                Progress::Cancelled { .. } => continue,
                Progress::Done => c.done += 1,
                Progress::Overdue => c.overdue += 1,
                _ => {}
            }
            c.total += 1;
        }
        c
    }

    /// Tasks of an area, in plan order (Appendix I groups them so).
    pub fn tasks_in(&self, area: Area) -> impl Iterator<Item = &Task> {
        self.tasks.iter().filter(move |t| t.area == area)
    }

    /// The rows the catalogue fills from the plan (B1 2.1 and 2.2 in
    /// cchc-2024), as of the window's end; overriding them needs a reason.
    pub fn prefill(&self, catalogue: &Catalogue, window_end: Date) -> Values {
        let c = self.completion(window_end);
        let mut values = Values::default();
        for ind in catalogue.indicators() {
            let n = match ind.prefill {
                Some(Prefill::PlanTasks) => c.total,
                Some(Prefill::PlanDone) => c.done,
                _ => continue,
            };
            values.set(
                ind.id.clone(),
                Entry {
                    value: Some(Value::Number(Decimal::from_int(n as i64))),
                    as_of: Some(window_end),
                    origin: Origin::Prefilled,
                    ..Entry::default()
                },
            );
        }
        values
    }
}
