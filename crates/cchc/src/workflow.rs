//! The submission workflow as a pure state machine (cchc.md §2–3): draft →
//! submitted → approved, or returned with a reason → draft; reopening an
//! approved submission needs the level above and a reason, and is refused
//! while the parent's own submission is approved (approval goes up and locks,
//! reopening comes down). Who may act follows the roles: the unit's officer
//! edits and submits, an approver of a unit above approves, returns, reopens
//! and waives, an administrator may do all. Every save is a new numbered
//! revision (an approved one is never changed) and every step an event, so
//! the changes since the last approval can be shown.

use std::collections::{BTreeMap, HashMap};

use chiso_core::records::Unit;
use chiso_core::time::Instant;
use serde::{Deserialize, Serialize};

use crate::doc::DocRef;
use crate::period::ReportingPeriod;
use crate::value::{Entry, IndicatorId, Values};

/// Trạng thái of a submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Đang nhập.
    Draft,
    /// Đã gửi, chờ duyệt.
    Submitted,
    /// Bị trả lại (with a reason), to be corrected.
    Returned,
    /// Đã duyệt: locked.
    Approved,
    /// Miễn báo cáo kỳ này (with a reason).
    Waived,
}

impl Status {
    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Draft => "Đang nhập",
            Status::Submitted => "Đã gửi, chờ duyệt",
            Status::Returned => "Bị trả lại",
            Status::Approved => "Đã duyệt",
            Status::Waived => "Miễn báo cáo",
        }
    }
}

/// A role held by an account (the accounts' roles, reduced to what the
/// workflow needs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Cán bộ nhập liệu of a unit: fills and submits its forms.
    Officer { unit: String },
    /// Lãnh đạo duyệt of a unit: approves the units below it.
    Approver { unit: String },
    /// Quản trị: may do everything.
    Administrator,
}

/// Who acts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    pub roles: Vec<Role>,
}

/// The unit tree the rights follow: each unit's parent.
#[derive(Clone, Debug, Default)]
pub struct UnitTree {
    parents: HashMap<String, Option<String>>,
}

/// Deeper trees than this are treated as broken (a cycle in the data).
const MAX_DEPTH: usize = 32;

impl UnitTree {
    pub fn new<'a>(units: impl IntoIterator<Item = &'a Unit>) -> UnitTree {
        UnitTree {
            parents: units
                .into_iter()
                .map(|u| (u.code.clone(), u.parent_code.clone()))
                .collect(),
        }
    }

    pub fn parent(&self, unit: &str) -> Option<&str> {
        self.parents.get(unit)?.as_deref()
    }

    /// Whether `ancestor` is strictly above `unit`.
    pub fn is_above(&self, ancestor: &str, unit: &str) -> bool {
        let mut current = unit;
        for _ in 0..MAX_DEPTH {
            match self.parent(current) {
                Some(p) if p == ancestor => return true,
                Some(p) => current = p,
                None => return false,
            }
        }
        false
    }
}

impl Actor {
    fn is_admin(&self) -> bool {
        self.roles.contains(&Role::Administrator)
    }

    fn is_officer_of(&self, unit: &str) -> bool {
        self.roles
            .iter()
            .any(|r| matches!(r, Role::Officer { unit: u } if u == unit))
    }

    /// An approver of a unit above `unit`; for the top unit (no parent), its own approver.
    fn approves(&self, tree: &UnitTree, unit: &str) -> bool {
        self.roles.iter().any(|r| match r {
            Role::Approver { unit: a } => {
                tree.is_above(a, unit) || (a == unit && tree.parent(unit).is_none())
            }
            _ => false,
        })
    }
}

/// What an actor asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Submit,
    Approve,
    /// Trả lại: the reason is required.
    Return {
        reason: String,
    },
    /// Mở lại an approved submission: the reason is required.
    Reopen {
        reason: String,
    },
    /// Miễn báo cáo: the reason is required.
    Waive {
        reason: String,
    },
    Unwaive,
}

/// The kind of a recorded step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Save,
    Submit,
    Approve,
    Return,
    Reopen,
    Waive,
    Unwaive,
}

impl Step {
    pub fn label_vi(self) -> &'static str {
        match self {
            Step::Save => "Lưu",
            Step::Submit => "Gửi duyệt",
            Step::Approve => "Duyệt",
            Step::Return => "Trả lại",
            Step::Reopen => "Mở lại",
            Step::Waive => "Miễn báo cáo",
            Step::Unwaive => "Bỏ miễn báo cáo",
        }
    }
}

impl Action {
    pub fn step(&self) -> Step {
        match self {
            Action::Submit => Step::Submit,
            Action::Approve => Step::Approve,
            Action::Return { .. } => Step::Return,
            Action::Reopen { .. } => Step::Reopen,
            Action::Waive { .. } => Step::Waive,
            Action::Unwaive => Step::Unwaive,
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            Action::Return { reason } | Action::Reopen { reason } | Action::Waive { reason } => {
                Some(reason)
            }
            _ => None,
        }
    }
}

/// One saved state of the figures. Revisions are only ever appended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub number: u32,
    pub values: Values,
    /// Explanations of warnings, by finding key.
    #[serde(default)]
    pub explanations: BTreeMap<String, String>,
    #[serde(with = "crate::dates::instant")]
    pub saved_at: Instant,
    pub by: String,
}

/// One step of the history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub step: Step,
    pub from: Status,
    pub to: Status,
    pub by: String,
    #[serde(with = "crate::dates::instant")]
    pub at: Instant,
    /// The revision the step applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The signed document, when there is one (the report's number and date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<DocRef>,
}

/// What the workflow needs to know beyond the submission itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gate {
    /// Findings that block submission (errors, unexplained warnings).
    pub blocking_findings: usize,
    /// Expected children neither approved nor waived (for a consolidation).
    pub pending_children: Vec<String>,
    /// Whether the parent's own submission for the period is approved.
    pub parent_approved: bool,
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("{actor} không có quyền {step} báo cáo của {unit}: {who}")]
    NotAllowed {
        actor: String,
        step: &'static str,
        unit: String,
        who: &'static str,
    },
    #[error("không thể {step} báo cáo đang ở trạng thái '{status}'")]
    WrongState {
        step: &'static str,
        status: &'static str,
    },
    #[error("{0}: phải ghi lý do")]
    ReasonRequired(&'static str),
    #[error("chưa gửi được: còn {0} lỗi hoặc cảnh báo chưa giải trình")]
    Blocked(usize),
    #[error("chưa duyệt được: đơn vị chưa được duyệt hoặc miễn báo cáo: {}", .0.join(", "))]
    ChildrenPending(Vec<String>),
    #[error("không mở lại được: báo cáo của cấp trên kỳ này đã được duyệt, cần mở lại báo cáo cấp trên trước")]
    ParentApproved,
    #[error("chưa có số liệu để gửi")]
    NothingSaved,
}

/// A unit's forms for one period under one catalogue version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub unit: String,
    pub period: ReportingPeriod,
    /// The catalogue version (the one in force at the window's end).
    pub catalogue: String,
    pub status: Status,
    pub revisions: Vec<Revision>,
    pub events: Vec<Event>,
}

/// One row's change between two revisions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub id: IndicatorId,
    pub before: Option<Entry>,
    pub after: Option<Entry>,
}

/// Rows added, removed or changed between two sets of values.
pub fn diff(before: &Values, after: &Values) -> Vec<Change> {
    let mut ids: Vec<&IndicatorId> = before.0.keys().chain(after.0.keys()).collect();
    ids.sort();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| {
            let (b, a) = (before.get(id), after.get(id));
            (b != a).then(|| Change {
                id: id.clone(),
                before: b.cloned(),
                after: a.cloned(),
            })
        })
        .collect()
}

impl Submission {
    pub fn new(unit: &str, period: ReportingPeriod, catalogue: &str) -> Submission {
        Submission {
            unit: unit.to_string(),
            period,
            catalogue: catalogue.to_string(),
            status: Status::Draft,
            revisions: Vec::new(),
            events: Vec::new(),
        }
    }

    /// The latest revision.
    pub fn current(&self) -> Option<&Revision> {
        self.revisions.last()
    }

    /// The revision approved last, if any (it may since have been reopened).
    pub fn last_approved(&self) -> Option<&Revision> {
        let number = self
            .events
            .iter()
            .rev()
            .find(|e| e.step == Step::Approve)?
            .revision?;
        self.revisions.iter().find(|r| r.number == number)
    }

    /// What changed since the last approval (everything, if never approved).
    pub fn changes_since_approval(&self) -> Vec<Change> {
        let empty = Values::default();
        let before = self.last_approved().map_or(&empty, |r| &r.values);
        let after = self.current().map_or(&empty, |r| &r.values);
        diff(before, after)
    }

    /// When it was first submitted (for timeliness).
    pub fn first_submitted(&self) -> Option<Instant> {
        self.events
            .iter()
            .find(|e| e.step == Step::Submit)
            .map(|e| e.at)
    }

    /// The reason of the last return, while it is returned.
    pub fn return_reason(&self) -> Option<&str> {
        if self.status != Status::Returned {
            return None;
        }
        self.events
            .iter()
            .rev()
            .find(|e| e.step == Step::Return)
            .and_then(|e| e.reason.as_deref())
    }

    fn may_edit(&self, actor: &Actor) -> Result<(), WorkflowError> {
        if actor.is_admin() || actor.is_officer_of(&self.unit) {
            Ok(())
        } else {
            Err(WorkflowError::NotAllowed {
                actor: actor.id.clone(),
                step: "nhập, gửi",
                unit: self.unit.clone(),
                who: "chỉ cán bộ của đơn vị (hoặc quản trị) được nhập và gửi",
            })
        }
    }

    fn may_decide(
        &self,
        actor: &Actor,
        tree: &UnitTree,
        step: &'static str,
    ) -> Result<(), WorkflowError> {
        if actor.is_admin() || actor.approves(tree, &self.unit) {
            Ok(())
        } else {
            Err(WorkflowError::NotAllowed {
                actor: actor.id.clone(),
                step,
                unit: self.unit.clone(),
                who: "chỉ người duyệt của cấp trên (hoặc quản trị) được làm việc này",
            })
        }
    }

    /// Saves a new revision of the figures (a returned submission goes back
    /// to draft). Returns the revision number.
    pub fn save(
        &mut self,
        actor: &Actor,
        values: Values,
        explanations: BTreeMap<String, String>,
        at: Instant,
    ) -> Result<u32, WorkflowError> {
        self.may_edit(actor)?;
        if !matches!(self.status, Status::Draft | Status::Returned) {
            return Err(WorkflowError::WrongState {
                step: "sửa",
                status: self.status.label_vi(),
            });
        }
        let number = self.revisions.last().map_or(1, |r| r.number + 1);
        self.revisions.push(Revision {
            number,
            values,
            explanations,
            saved_at: at,
            by: actor.id.clone(),
        });
        self.record(Step::Save, Status::Draft, actor, at, None, None);
        Ok(number)
    }

    /// Checks a step without taking it: rights, state, reason and gate.
    pub fn check(
        &self,
        actor: &Actor,
        tree: &UnitTree,
        action: &Action,
        gate: &Gate,
    ) -> Result<Status, WorkflowError> {
        let step = action.step().label_vi();
        if let Some(reason) = action.reason() {
            if reason.trim().is_empty() {
                return Err(WorkflowError::ReasonRequired(step));
            }
        }
        let wrong = || WorkflowError::WrongState {
            step,
            status: self.status.label_vi(),
        };
        match action {
            Action::Submit => {
                self.may_edit(actor)?;
                if !matches!(self.status, Status::Draft | Status::Returned) {
                    return Err(wrong());
                }
                if self.revisions.is_empty() {
                    return Err(WorkflowError::NothingSaved);
                }
                if gate.blocking_findings > 0 {
                    return Err(WorkflowError::Blocked(gate.blocking_findings));
                }
                Ok(Status::Submitted)
            }
            Action::Approve => {
                self.may_decide(actor, tree, step)?;
                if self.status != Status::Submitted {
                    return Err(wrong());
                }
                if !gate.pending_children.is_empty() {
                    return Err(WorkflowError::ChildrenPending(
                        gate.pending_children.clone(),
                    ));
                }
                Ok(Status::Approved)
            }
            Action::Return { .. } => {
                self.may_decide(actor, tree, step)?;
                if self.status != Status::Submitted {
                    return Err(wrong());
                }
                Ok(Status::Returned)
            }
            Action::Reopen { .. } => {
                self.may_decide(actor, tree, step)?;
                if self.status != Status::Approved {
                    return Err(wrong());
                }
                if gate.parent_approved {
                    return Err(WorkflowError::ParentApproved);
                }
                Ok(Status::Draft)
            }
            Action::Waive { .. } => {
                self.may_decide(actor, tree, step)?;
                if !matches!(self.status, Status::Draft | Status::Returned) {
                    return Err(wrong());
                }
                Ok(Status::Waived)
            }
            Action::Unwaive => {
                self.may_decide(actor, tree, step)?;
                if self.status != Status::Waived {
                    return Err(wrong());
                }
                Ok(Status::Draft)
            }
        }
    }

    /// Takes a step, recording it.
    pub fn apply(
        &mut self,
        actor: &Actor,
        tree: &UnitTree,
        action: Action,
        gate: &Gate,
        at: Instant,
        document: Option<DocRef>,
    ) -> Result<Status, WorkflowError> {
        let to = self.check(actor, tree, &action, gate)?;
        let reason = action.reason().map(|r| r.trim().to_string());
        self.record(action.step(), to, actor, at, reason, document);
        Ok(to)
    }

    /// The steps an actor may take now, given the gate.
    pub fn allowed(&self, actor: &Actor, tree: &UnitTree, gate: &Gate) -> Vec<Step> {
        let reason = "…".to_string();
        let mut steps = Vec::new();
        if self.may_edit(actor).is_ok() && matches!(self.status, Status::Draft | Status::Returned) {
            steps.push(Step::Save);
        }
        for action in [
            Action::Submit,
            Action::Approve,
            Action::Return {
                reason: reason.clone(),
            },
            Action::Reopen {
                reason: reason.clone(),
            },
            Action::Waive { reason },
            Action::Unwaive,
        ] {
            if self.check(actor, tree, &action, gate).is_ok() {
                steps.push(action.step());
            }
        }
        steps
    }

    fn record(
        &mut self,
        step: Step,
        to: Status,
        actor: &Actor,
        at: Instant,
        reason: Option<String>,
        document: Option<DocRef>,
    ) {
        self.events.push(Event {
            step,
            from: self.status,
            to,
            by: actor.id.clone(),
            at,
            revision: self.revisions.last().map(|r| r.number),
            reason,
            document,
        });
        self.status = to;
    }
}
