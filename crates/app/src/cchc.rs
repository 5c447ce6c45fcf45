//! Administrative-reform (CCHC) use cases over any backend that keeps the
//! journal contract (`chiso_core::reform::JournalStore`): the domain's
//! `Plan`, `Submission` and `IndexResult` (`chiso-cchc`) kept as journals
//! (a head and append-only entries), and the steps of a reporting period:
//! save figures, submit, approve, return, reopen, waive; consolidate a
//! parent from its approved children; record a task's status.
//!
//! Each step reads the journal, lets the pure domain decide (rights, state,
//! gate: validation before a submit, the children before an approval, the
//! parent before a reopening), and appends what the domain recorded. A step
//! made against an older state than the stored one is refused
//! ([`ReformError::Conflict`]): two people acting at once cannot lose a step.
//! Who acted is the actor's id as given: on the command line a plain name,
//! on the web the signed-in account, its roles read from its grants
//! ([`actor_of`]).

use std::collections::BTreeMap;

use chiso_cchc::catalogue::{Catalogue, CatalogueSet};
use chiso_cchc::consolidate::{self, Completeness, Consolidation, Contribution};
use chiso_cchc::doc::DocRef;
use chiso_cchc::period::{ReportingPeriod, Schedule};
use chiso_cchc::plan::{Plan, PlanError, StatusEntry, Task};
use chiso_cchc::results::{self, IndexKind, IndexResult};
use chiso_cchc::sheet::{Scope, Sheet};
use chiso_cchc::validate::{self, Context, Finding};
use chiso_cchc::value::Values;
use chiso_cchc::workflow::{
    Action, Actor, Event, Gate, Revision, Role, Status, Submission, UnitTree, WorkflowError,
};
use chiso_core::records::Unit;
use chiso_core::reform::{
    JournalEntry, JournalHead, JournalKey, JournalKind, JournalStore, Written,
};
use chiso_core::time::Instant;
use serde::{de::DeserializeOwned, Serialize};

/// Why a step could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum ReformError<E: std::error::Error + 'static> {
    #[error(transparent)]
    Store(E),
    #[error("{what} vừa được người khác cập nhật (có {stored} bước, đã đọc {known}): tải lại và làm lại")]
    Conflict {
        what: String,
        known: usize,
        stored: usize,
    },
    #[error("dữ liệu lưu của {what} hỏng: {detail}")]
    Corrupt { what: String, detail: String },
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error("không có đơn vị '{0}' trong danh mục đơn vị")]
    UnknownUnit(String),
    #[error("không có danh mục biểu mẫu CCHC áp dụng cho kỳ {0}")]
    NoCatalogue(String),
    #[error("{unit} chưa có báo cáo kỳ {period}: lưu số liệu trước")]
    NoSubmission { unit: String, period: String },
    #[error("{owner} chưa có kế hoạch CCHC năm {year}: nhập kế hoạch trước (chiso plan import)")]
    NoPlan { owner: String, year: i32 },
    #[error("kế hoạch năm {year}: không có nhiệm vụ số {task}")]
    NoTask { year: i32, task: u32 },
}

type Result<T, E> = std::result::Result<T, ReformError<E>>;

fn json<T: Serialize, E: std::error::Error>(value: &T) -> Result<String, E> {
    serde_json::to_string(value).map_err(|e| ReformError::Corrupt {
        what: "bản ghi".into(),
        detail: e.to_string(),
    })
}

fn parse<T: DeserializeOwned, E: std::error::Error>(what: &JournalKey, text: &str) -> Result<T, E> {
    serde_json::from_str(text).map_err(|e| ReformError::Corrupt {
        what: format!("{} {} {}", what.kind.as_str(), what.unit, what.scope),
        detail: e.to_string(),
    })
}

/// A record read from its journal, with what it held then (to append after it).
#[derive(Clone, Debug, PartialEq)]
pub struct Stored<T> {
    pub value: T,
    known: usize,
    /// Revisions and events (submission) or status entries (plan) read.
    parts: [usize; 2],
}

impl<T> Stored<T> {
    /// A record not yet written.
    pub fn new(value: T) -> Stored<T> {
        Stored {
            value,
            known: 0,
            parts: [0, 0],
        }
    }
}

fn write<S: JournalStore>(
    store: &mut S,
    key: &JournalKey,
    head: JournalHead,
    known: usize,
    entries: &[JournalEntry],
) -> Result<(), S::Error> {
    match store
        .write_journal(key, &head, known, entries)
        .map_err(ReformError::Store)?
    {
        Written::Appended => Ok(()),
        Written::Conflict { stored } => Err(ReformError::Conflict {
            what: format!("{} {} {}", key.kind.as_str(), key.unit, key.scope),
            known,
            stored,
        }),
    }
}

// Submissions

fn submission_key(unit: &str, period: ReportingPeriod) -> JournalKey {
    JournalKey::new(JournalKind::Submission, unit, &period.to_string())
}

fn decode_submission<E: std::error::Error>(
    journal: chiso_core::reform::Journal,
) -> Result<Stored<Submission>, E> {
    let key = &journal.key;
    let mut value: Submission = parse(key, &journal.head.body)?;
    let (mut revisions, mut events) = (0, 0);
    for e in &journal.entries {
        match e.part.as_str() {
            "revision" => {
                value.revisions.push(parse::<Revision, E>(key, &e.body)?);
                revisions += 1;
            }
            "event" => {
                value.events.push(parse::<Event, E>(key, &e.body)?);
                events += 1;
            }
            other => {
                return Err(ReformError::Corrupt {
                    what: format!("submission {} {}", key.unit, key.scope),
                    detail: format!("phần '{other}' không biết"),
                })
            }
        }
    }
    Ok(Stored {
        value,
        known: journal.entries.len(),
        parts: [revisions, events],
    })
}

/// A unit's submission for a period, if it was ever saved.
pub fn submission<S: JournalStore>(
    store: &S,
    unit: &str,
    period: ReportingPeriod,
) -> Result<Option<Stored<Submission>>, S::Error> {
    store
        .journal(&submission_key(unit, period))
        .map_err(ReformError::Store)?
        .map(decode_submission)
        .transpose()
}

/// Every submission of a period, by unit code.
pub fn submissions<S: JournalStore>(
    store: &S,
    period: ReportingPeriod,
) -> Result<Vec<Stored<Submission>>, S::Error> {
    store
        .journals(JournalKind::Submission, Some(&period.to_string()))
        .map_err(ReformError::Store)?
        .into_iter()
        .map(decode_submission)
        .collect()
}

/// Writes what the domain added to a submission since it was read: its new
/// revisions and events are appended, its status replaced.
pub fn write_submission<S: JournalStore>(
    store: &mut S,
    stored: &mut Stored<Submission>,
) -> Result<(), S::Error> {
    let s = &stored.value;
    let key = submission_key(&s.unit, s.period);
    let head = Submission {
        revisions: Vec::new(),
        events: Vec::new(),
        ..s.clone()
    };
    let status = json::<_, S::Error>(&s.status)?
        .trim_matches('"')
        .to_string();
    let mut entries = Vec::new();
    for r in s.revisions.iter().skip(stored.parts[0]) {
        entries.push(JournalEntry {
            part: "revision".into(),
            at: r.saved_at,
            by: r.by.clone(),
            body: json(r)?,
        });
    }
    for e in s.events.iter().skip(stored.parts[1]) {
        entries.push(JournalEntry {
            part: "event".into(),
            at: e.at,
            by: e.by.clone(),
            body: json(e)?,
        });
    }
    write(
        store,
        &key,
        JournalHead {
            status,
            body: json(&head)?,
        },
        stored.known,
        &entries,
    )?;
    stored.known += entries.len();
    stored.parts = [s.revisions.len(), s.events.len()];
    Ok(())
}

/// The catalogue version in force at a period's window end.
pub fn catalogue_for<E: std::error::Error>(
    set: &CatalogueSet,
    period: ReportingPeriod,
) -> Result<&Catalogue, E> {
    set.in_force(period.window().1)
        .ok_or_else(|| ReformError::NoCatalogue(period.to_string()))
}

fn unit_of<'u, E: std::error::Error>(units: &'u [Unit], code: &str) -> Result<&'u Unit, E> {
    units
        .iter()
        .find(|u| u.code == code)
        .ok_or_else(|| ReformError::UnknownUnit(code.to_string()))
}

/// What a save found: the revision written and the findings on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    pub revision: u32,
    pub findings: Vec<Finding>,
    /// Findings that would block a submission (errors, unexplained warnings).
    pub blocking: usize,
}

/// Findings on a unit's figures for a period (the previous period of the
/// same year is read for the year-to-date rule).
pub fn check_values<S: JournalStore>(
    store: &S,
    catalogue: &Catalogue,
    unit: &Unit,
    period: ReportingPeriod,
    values: &Values,
) -> Result<Vec<Finding>, S::Error> {
    let previous = match period.previous_in_year() {
        Some(p) => submission(store, &unit.code, p)?
            .and_then(|s| s.value.current().map(|r| r.values.clone())),
        None => None,
    };
    let scope = Scope::Unit(unit.kind);
    let previous_sheet = previous
        .as_ref()
        .map(|v| Sheet::resolve(catalogue, v, scope));
    Ok(validate::validate(
        catalogue,
        values,
        Context {
            scope,
            previous: previous_sheet.as_ref(),
        },
    ))
}

/// The workflow's actor for an account or a token (`chiso_core::accounts`):
/// its login (`token:NAME` for a token) as the id, and its workflow roles
/// from its grants. An officer grant over a unit makes the officer of that
/// unit (who fills its own forms), an approver grant the approver of that
/// unit (who decides on the units below it), an administrator over every
/// unit the administrator. A grant over every unit (no unit named) other
/// than the administrator's stands for the top units; an administrator of a
/// subtree is its root's officer and approver. Viewers take no step.
pub fn actor_of(principal: &chiso_core::accounts::Principal, units: &[Unit]) -> Actor {
    use chiso_core::accounts::Role as Account;
    let mut roles = Vec::new();
    for grant in principal.grants() {
        let roots: Vec<String> = match &grant.unit {
            Some(u) => vec![u.clone()],
            None => units
                .iter()
                .filter(|u| u.parent_code.is_none())
                .map(|u| u.code.clone())
                .collect(),
        };
        for unit in roots {
            match (grant.role, &grant.unit) {
                (Account::Administrator, None) => {}
                (Account::Administrator, Some(_)) => {
                    roles.push(Role::Officer { unit: unit.clone() });
                    roles.push(Role::Approver { unit });
                }
                (Account::Officer, _) => roles.push(Role::Officer { unit }),
                (Account::Approver, _) => roles.push(Role::Approver { unit }),
                (Account::Viewer, _) => {}
            }
        }
        if grant.role == Account::Administrator && grant.unit.is_none() {
            roles.push(Role::Administrator);
        }
    }
    roles.dedup();
    Actor {
        id: principal.actor(),
        roles,
    }
}

/// Who acts, when, and the unit catalogue the rights follow.
#[derive(Clone, Copy, Debug)]
pub struct Acting<'a> {
    pub units: &'a [Unit],
    pub actor: &'a Actor,
    pub at: Instant,
}

/// Saves a new revision of a unit's figures (creating its submission).
pub fn save_values<S: JournalStore>(
    store: &mut S,
    acting: Acting,
    unit: &str,
    period: ReportingPeriod,
    values: Values,
    explanations: BTreeMap<String, String>,
) -> Result<Saved, S::Error> {
    let Acting { units, actor, at } = acting;
    let set = CatalogueSet::builtin();
    let catalogue = catalogue_for(&set, period)?;
    let u = unit_of(units, unit)?;
    let findings = check_values(store, catalogue, u, period, &values)?;
    let blocking = validate::blockers(&findings, &explanations).len();
    let mut stored = match submission(store, unit, period)? {
        Some(s) => s,
        None => Stored::new(Submission::new(unit, period, &catalogue.id)),
    };
    let revision = stored.value.save(actor, values, explanations, at)?;
    write_submission(store, &mut stored)?;
    Ok(Saved {
        revision,
        findings,
        blocking,
    })
}

/// The gate of a step: validation for a submit, the expected children for
/// an approval, the parent's submission for a reopening.
pub fn gate<S: JournalStore>(
    store: &S,
    units: &[Unit],
    s: &Submission,
    action: &Action,
) -> Result<Gate, S::Error> {
    let set = CatalogueSet::builtin();
    let catalogue = set
        .get(&s.catalogue)
        .ok_or_else(|| ReformError::NoCatalogue(s.catalogue.clone()))?;
    let unit = unit_of(units, &s.unit)?;
    let mut gate = Gate::default();
    match action {
        Action::Submit => {
            if let Some(r) = s.current() {
                let findings = check_values(store, catalogue, unit, s.period, &r.values)?;
                gate.blocking_findings = validate::blockers(&findings, &r.explanations).len();
            }
        }
        Action::Approve => {
            let expected =
                consolidate::expected_reporters(catalogue, units, &s.unit, s.period.window().1);
            let mut subs = Vec::new();
            for child in &expected {
                subs.push(submission(store, &child.code, s.period)?.map(|s| s.value));
            }
            let pairs: Vec<_> = expected
                .iter()
                .copied()
                .zip(subs.iter().map(Option::as_ref))
                .collect();
            gate.pending_children = consolidate::pending_children(&pairs);
        }
        Action::Reopen { .. } => {
            if let Some(parent) = unit.parent_code.as_deref() {
                gate.parent_approved = submission(store, parent, s.period)?
                    .is_some_and(|p| p.value.status == Status::Approved);
            }
        }
        _ => {}
    }
    Ok(gate)
}

/// Takes a workflow step on a unit's submission.
pub fn act<S: JournalStore>(
    store: &mut S,
    acting: Acting,
    unit: &str,
    period: ReportingPeriod,
    action: Action,
    document: Option<DocRef>,
) -> Result<Status, S::Error> {
    let Acting { units, actor, at } = acting;
    let mut stored = match submission(store, unit, period)? {
        Some(s) => s,
        // A unit that never reported may be exempted for the period.
        None if matches!(action, Action::Waive { .. }) => {
            let set = CatalogueSet::builtin();
            let catalogue = catalogue_for(&set, period)?;
            Stored::new(Submission::new(unit, period, &catalogue.id))
        }
        None => {
            return Err(ReformError::NoSubmission {
                unit: unit.to_string(),
                period: period.to_string(),
            })
        }
    };
    let gate = gate(store, units, &stored.value, &action)?;
    let tree = UnitTree::new(units);
    let status = stored
        .value
        .apply(actor, &tree, action, &gate, at, document)?;
    write_submission(store, &mut stored)?;
    Ok(status)
}

/// The figures a unit reports upward for a period: its own latest revision
/// with, when units report to it, its approved children's (consolidated in
/// turn). `None` when it has neither.
pub fn consolidated<S: JournalStore>(
    store: &S,
    units: &[Unit],
    unit: &str,
    period: ReportingPeriod,
) -> Result<Consolidation, S::Error> {
    let set = CatalogueSet::builtin();
    let catalogue = catalogue_for(&set, period)?;
    consolidate_in(store, catalogue, units, unit_of(units, unit)?, period, 0)
}

/// Trees deeper than this are treated as broken.
const MAX_DEPTH: usize = 8;

fn consolidate_in<S: JournalStore>(
    store: &S,
    catalogue: &Catalogue,
    units: &[Unit],
    unit: &Unit,
    period: ReportingPeriod,
    depth: usize,
) -> Result<Consolidation, S::Error> {
    let own = submission(store, &unit.code, period)?
        .and_then(|s| s.value.current().map(|r| r.values.clone()))
        .unwrap_or_default();
    let expected = consolidate::expected_reporters(catalogue, units, &unit.code, period.window().1);
    if expected.is_empty() || depth >= MAX_DEPTH {
        return Ok(Consolidation {
            values: own,
            gaps: Vec::new(),
        });
    }
    let mut children = Vec::new();
    for child in expected {
        let approved = submission(store, &child.code, period)?
            .is_some_and(|s| s.value.status == Status::Approved);
        if approved {
            let c = consolidate_in(store, catalogue, units, child, period, depth + 1)?;
            children.push((child, c.values));
        }
    }
    let contributions: Vec<Contribution> = children
        .iter()
        .map(|(u, v)| Contribution {
            unit: &u.code,
            kind: u.kind,
            values: v,
        })
        .collect();
    Ok(consolidate::consolidate(
        catalogue,
        Contribution {
            unit: &unit.code,
            kind: unit.kind,
            values: &own,
        },
        &contributions,
    ))
}

/// Who has reported to `parent` for a period, on time or late, and who was returned.
pub fn completeness<S: JournalStore>(
    store: &S,
    units: &[Unit],
    parent: &str,
    period: ReportingPeriod,
    now: Instant,
) -> Result<Completeness, S::Error> {
    let set = CatalogueSet::builtin();
    let catalogue = catalogue_for(&set, period)?;
    let expected = consolidate::expected_reporters(catalogue, units, parent, period.window().1);
    let mut subs = Vec::new();
    for child in &expected {
        subs.push(submission(store, &child.code, period)?.map(|s| s.value));
    }
    let pairs: Vec<_> = expected
        .iter()
        .copied()
        .zip(subs.iter().map(Option::as_ref))
        .collect();
    let schedule = Schedule::default();
    Ok(consolidate::completeness(
        &pairs,
        |u| period.due_for(u.kind, &schedule),
        now,
    ))
}

// Plans

fn plan_key(owner: &str, year: i32) -> JournalKey {
    JournalKey::new(JournalKind::Plan, owner, &year.to_string())
}

/// One task's status entry as kept in the journal.
#[derive(serde::Serialize, serde::Deserialize)]
struct TaskStatus {
    task: u32,
    #[serde(flatten)]
    entry: StatusEntry,
}

/// A unit's plan for a year, with every task's history.
pub fn plan<S: JournalStore>(
    store: &S,
    owner: &str,
    year: i32,
) -> Result<Option<Stored<Plan>>, S::Error> {
    let key = plan_key(owner, year);
    let Some(journal) = store.journal(&key).map_err(ReformError::Store)? else {
        return Ok(None);
    };
    let mut value: Plan = parse(&key, &journal.head.body)?;
    for e in &journal.entries {
        let s: TaskStatus = parse(&key, &e.body)?;
        let task = value
            .tasks
            .iter_mut()
            .find(|t| t.no == s.task)
            .ok_or_else(|| ReformError::Corrupt {
                what: format!("kế hoạch {owner} {year}"),
                detail: format!("trạng thái của nhiệm vụ {} không có", s.task),
            })?;
        task.history.push(s.entry);
    }
    Ok(Some(Stored {
        value,
        known: journal.entries.len(),
        parts: [journal.entries.len(), 0],
    }))
}

/// The plans of a year, by owner.
pub fn plans<S: JournalStore>(store: &S, year: i32) -> Result<Vec<Plan>, S::Error> {
    let mut out = Vec::new();
    for j in store
        .journals(JournalKind::Plan, Some(&year.to_string()))
        .map_err(ReformError::Store)?
    {
        if let Some(p) = plan(store, &j.key.unit, year)? {
            out.push(p.value);
        }
    }
    Ok(out)
}

/// Writes a plan: its tasks as they are now (head) and the status entries
/// added since it was read, in the order they were recorded.
pub fn write_plan<S: JournalStore>(
    store: &mut S,
    stored: &mut Stored<Plan>,
    added: &[(u32, StatusEntry)],
    at: Instant,
) -> Result<(), S::Error> {
    let p = &stored.value;
    let head = Plan {
        tasks: p
            .tasks
            .iter()
            .map(|t| Task {
                history: Vec::new(),
                ..t.clone()
            })
            .collect(),
        ..p.clone()
    };
    let entries = added
        .iter()
        .map(|(task, entry)| {
            Ok(JournalEntry {
                part: "status".into(),
                at,
                by: entry.by.clone(),
                body: json(&TaskStatus {
                    task: *task,
                    entry: entry.clone(),
                })?,
            })
        })
        .collect::<Result<Vec<_>, S::Error>>()?;
    let head = JournalHead {
        status: format!("{} nhiệm vụ", p.tasks.len()),
        body: json(&head)?,
    };
    write(
        store,
        &plan_key(&p.owner, p.year),
        head,
        stored.known,
        &entries,
    )?;
    stored.known += entries.len();
    Ok(())
}

/// Imports a plan: a new plan, or the tasks of an existing one replaced
/// (their history kept, and the imported statuses that are new appended).
/// Returns the status entries appended.
pub fn import_plan<S: JournalStore>(
    store: &mut S,
    imported: Plan,
    at: Instant,
) -> Result<usize, S::Error> {
    let mut stored = plan(store, &imported.owner, imported.year)?.unwrap_or_else(|| {
        Stored::new(Plan {
            tasks: Vec::new(),
            ..imported.clone()
        })
    });
    let mut tasks = Vec::new();
    let mut added = Vec::new();
    for mut t in imported.tasks {
        let history = std::mem::take(&mut t.history);
        let mut task = match stored.value.tasks.iter().find(|o| o.no == t.no) {
            Some(old) => Task {
                history: old.history.clone(),
                ..t
            },
            None => t,
        };
        for entry in history {
            if !task.history.contains(&entry) {
                task.record(entry.clone())?;
                added.push((task.no, entry));
            }
        }
        tasks.push(task);
    }
    // Tasks no longer in the file keep their history (they are not deleted).
    for old in &stored.value.tasks {
        if !tasks.iter().any(|t| t.no == old.no) {
            tasks.push(old.clone());
        }
    }
    tasks.sort_by_key(|t| t.no);
    stored.value.tasks = tasks;
    stored.value.document = imported.document.or(stored.value.document.take());
    write_plan(store, &mut stored, &added, at)?;
    Ok(added.len())
}

/// Records a task's status (append-only: dates never go back).
pub fn record_task<S: JournalStore>(
    store: &mut S,
    owner: &str,
    year: i32,
    task: u32,
    entry: StatusEntry,
    at: Instant,
) -> Result<(), S::Error> {
    let mut stored = plan(store, owner, year)?.ok_or_else(|| ReformError::NoPlan {
        owner: owner.to_string(),
        year,
    })?;
    let t = stored
        .value
        .tasks
        .iter_mut()
        .find(|t| t.no == task)
        .ok_or(ReformError::NoTask { year, task })?;
    t.record(entry.clone())?;
    write_plan(store, &mut stored, &[(task, entry)], at)
}

// Yearly results

/// Stores a yearly result (replacing the published figures of the same
/// index, year and unit; every version kept in its journal).
pub fn put_result<S: JournalStore>(
    store: &mut S,
    result: &IndexResult,
    by: &str,
    at: Instant,
) -> Result<(), S::Error> {
    let key = JournalKey::new(JournalKind::Result, &result.unit, &result.scope());
    let known = store
        .journal(&key)
        .map_err(ReformError::Store)?
        .map_or(0, |j| j.entries.len());
    let body = json(result)?;
    write(
        store,
        &key,
        JournalHead {
            status: result.index.code().to_string(),
            body: body.clone(),
        },
        known,
        &[JournalEntry {
            part: "result".into(),
            at,
            by: by.to_string(),
            body,
        }],
    )
}

/// The yearly results kept, by unit then index and year; narrowed to one
/// index and year when given.
pub fn results<S: JournalStore>(
    store: &S,
    only: Option<(IndexKind, i32)>,
) -> Result<Vec<IndexResult>, S::Error> {
    let scope = only.map(|(i, y)| results::scope(i, y));
    store
        .journals(JournalKind::Result, scope.as_deref())
        .map_err(ReformError::Store)?
        .iter()
        .map(|j| parse(&j.key, &j.head.body))
        .collect()
}

// Prefilled rows

/// What chiso fills in before a unit types anything (cchc.md §3): form 1's
/// plan rows from the unit's plan of the year, and the rows the catalogue
/// takes from the dossier engine over the period's window for the unit's
/// subtree (form 3's resolution, form 7's online services). Rows the
/// catalogue does not name for this unit's kind are left out.
pub fn prefill<E, S>(
    store: &S,
    units: &[Unit],
    unit: &str,
    period: ReportingPeriod,
) -> Result<Values, E>
where
    E: std::error::Error + 'static,
    S: JournalStore<Error = E> + chiso_core::engine::IndexStore<Error = E>,
{
    use chiso_cchc::catalogue::Prefill;
    use chiso_cchc::decimal::Decimal;
    use chiso_cchc::value::{Entry, Origin, Value};

    let set = CatalogueSet::builtin();
    let catalogue = catalogue_for(&set, period)?;
    let u = unit_of(units, unit)?;
    let (start, end) = period.window();
    let mut values = match plan(store, unit, period.year)? {
        Some(p) => p.value.prefill(catalogue, end),
        None => Values::default(),
    };
    let store_err = ReformError::Store;
    let hierarchy = store.hierarchy().map_err(store_err)?;
    let range = chiso_core::period::Period::range(start, end);
    let ids: Vec<_> = hierarchy
        .subtree(unit, &range)
        .iter()
        .filter_map(|c| hierarchy.id_of(c))
        .collect();
    let records = store.records_for(&ids, &range).map_err(store_err)?;
    let figures = chiso_core::window::window_figures(
        &records,
        &store.catalogue().map_err(store_err)?,
        &store.calendar().map_err(store_err)?,
        start.start(),
        end.end(),
    );
    for ind in catalogue.indicators() {
        if !catalogue.reported_by(ind, u.kind) {
            values.0.remove(&ind.id);
            continue;
        }
        let n = match ind.prefill {
            Some(Prefill::DossiersCompleted) => figures.completed,
            Some(Prefill::DossiersCompletedOnTime) => figures.completed_on_time,
            Some(Prefill::FeedbackReceived) => figures.feedback_received,
            Some(Prefill::FeedbackResolved) => figures.feedback_resolved,
            Some(Prefill::ServicesWithDossiers) => figures.services_with_dossiers,
            Some(Prefill::ServicesOnlineUsed) => figures.services_online_used,
            Some(Prefill::FullOnlineDossiers) => figures.full_online_dossiers,
            Some(Prefill::FullOnlineDossiersOnline) => figures.full_online_dossiers_online,
            // The services a unit has authority for are not in chiso's data.
            _ => continue,
        };
        values.set(
            ind.id.clone(),
            Entry {
                value: Some(Value::Number(Decimal::from_int(n))),
                as_of: Some(end),
                origin: Origin::Prefilled,
                ..Entry::default()
            },
        );
    }
    Ok(values)
}

// Templates and appendices

/// The level name the province's own figures are printed under in notes.
const PROVINCE_LEVEL: &str = "Cấp tỉnh";

fn heading(unit: &Unit, period: ReportingPeriod) -> chiso_report::reform::Heading {
    chiso_report::reform::Heading {
        owner: unit.name.clone(),
        period: period.label_vi(),
        attribution: None,
    }
}

/// The figures a unit's template starts from: its latest revision, else
/// what chiso prefills.
pub fn starting_values<E, S>(
    store: &S,
    units: &[Unit],
    unit: &str,
    period: ReportingPeriod,
) -> Result<Values, E>
where
    E: std::error::Error + 'static,
    S: JournalStore<Error = E> + chiso_core::engine::IndexStore<Error = E>,
{
    match submission(store, unit, period)?.and_then(|s| s.value.current().cloned()) {
        Some(r) => Ok(r.values),
        None => prefill(store, units, unit, period),
    }
}

/// The XLSX (or any format's) template a unit fills for a period.
pub fn template<E, S>(
    store: &S,
    units: &[Unit],
    unit: &str,
    period: ReportingPeriod,
) -> Result<chiso_report::Report, E>
where
    E: std::error::Error + 'static,
    S: JournalStore<Error = E> + chiso_core::engine::IndexStore<Error = E>,
{
    let set = CatalogueSet::builtin();
    let catalogue = catalogue_for(&set, period)?;
    let u = unit_of(units, unit)?;
    let values = starting_values(store, units, unit, period)?;
    let sheet = Sheet::resolve(catalogue, &values, Scope::Unit(u.kind));
    let tables = chiso_cchc::table::tables(&sheet, PROVINCE_LEVEL);
    Ok(chiso_report::reform::template(
        catalogue,
        &tables,
        &heading(u, period),
        &period.to_string(),
    ))
}

/// What importing a filled template did.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub filled: chiso_cchc::template::Filled,
    /// The revision saved, when every row was read (a file with refused
    /// rows is not saved: correct it and import it again).
    pub saved: Option<Saved>,
}

/// Imports a unit's filled template (rows of text cells with their lines):
/// every row read or refused with its line; the explanations written beside
/// a row answer the warnings found on it; saved as a new revision when no
/// row was refused.
pub fn import_filled<E, S>(
    store: &mut S,
    acting: Acting,
    unit: &str,
    period: ReportingPeriod,
    rows: &[(usize, Vec<String>)],
) -> Result<std::result::Result<Imported, String>, E>
where
    E: std::error::Error + 'static,
    S: JournalStore<Error = E> + chiso_core::engine::IndexStore<Error = E>,
{
    let set = CatalogueSet::builtin();
    let catalogue = catalogue_for(&set, period)?;
    let u = unit_of(acting.units, unit)?;
    let prefilled = prefill(store, acting.units, unit, period)?;
    let filled = match chiso_cchc::template::read(catalogue, rows, &prefilled) {
        Ok(f) => f,
        Err(message) => return Ok(Err(message)),
    };
    if !filled.problems.is_empty() {
        return Ok(Ok(Imported {
            filled,
            saved: None,
        }));
    }
    let findings = check_values(store, catalogue, u, period, &filled.values)?;
    let explanations: BTreeMap<String, String> = findings
        .iter()
        .filter_map(|f| Some((f.key(), filled.explanations.get(&f.at)?.clone())))
        .collect();
    let saved = save_values(
        store,
        acting,
        unit,
        period,
        filled.values.clone(),
        explanations,
    )?;
    Ok(Ok(Imported {
        filled,
        saved: Some(saved),
    }))
}

/// The CCHC report's appendices for a unit and period: Phụ lục I from its
/// plan of the year (when it has one), as of the window's end, Phụ lục II
/// from its figures consolidated with its approved reporters', and the
/// figures the narrative quotes.
pub fn appendices<E, S>(
    store: &S,
    units: &[Unit],
    unit: &str,
    period: ReportingPeriod,
) -> Result<chiso_report::Report, E>
where
    E: std::error::Error + 'static,
    S: JournalStore<Error = E> + chiso_core::engine::IndexStore<Error = E>,
{
    let set = CatalogueSet::builtin();
    let catalogue = catalogue_for(&set, period)?;
    let u = unit_of(units, unit)?;
    let h = heading(u, period);
    let mut parts = Vec::new();
    let mut quotes = Vec::new();
    if let Some(p) = plan(store, unit, period.year)? {
        quotes.push(p.value.completion(period.window().1).summary_vi());
        let name = |code: &str| {
            units
                .iter()
                .find(|x| x.code == code)
                .map_or_else(|| code.to_string(), |x| x.name.clone())
        };
        parts.push(chiso_report::reform::plan_part(
            &p.value,
            period.window().1,
            &name,
            &h,
        ));
    }
    let consolidated = consolidated(store, units, unit, period)?;
    let scope = if u.parent_code.is_none() {
        Scope::Consolidated
    } else {
        Scope::Unit(u.kind)
    };
    let sheet = Sheet::resolve(catalogue, &consolidated.values, scope);
    let tables = chiso_cchc::table::tables(&sheet, PROVINCE_LEVEL);
    parts.push(chiso_report::reform::forms_part(&tables, &h));
    quotes.extend(chiso_cchc::table::quotes(&sheet));
    parts.push(chiso_report::reform::quotes_part(&quotes, &h));
    Ok(chiso_report::reform::report(parts, &h, &period.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chiso_core::accounts::{Grant, Principal};
    use chiso_core::records::UnitKind;

    fn unit(code: &str, parent: Option<&str>, kind: UnitKind) -> Unit {
        Unit {
            code: code.into(),
            name: code.into(),
            parent_code: parent.map(String::from),
            kind,
            valid_from: None,
            valid_to: None,
            successor_code: None,
            scored: true,
        }
    }

    fn user(grants: &[&str]) -> Principal {
        Principal::User {
            id: 1,
            login: "lan.nguyen".into(),
            grants: grants
                .iter()
                .map(|g| Grant::parse(g).expect("grant"))
                .collect(),
        }
    }

    #[test]
    fn the_workflow_actor_is_the_account_with_its_grants_as_roles() {
        let units = [
            unit("P", None, UnitKind::Province),
            unit("S1", Some("P"), UnitKind::Department),
        ];
        let actor = actor_of(&user(&["officer@S1", "approver@P", "viewer@S1"]), &units);
        assert_eq!(actor.id, "lan.nguyen");
        assert_eq!(
            actor.roles,
            vec![
                Role::Officer { unit: "S1".into() },
                Role::Approver { unit: "P".into() }
            ]
        );
        assert_eq!(
            actor_of(&user(&["admin"]), &units).roles,
            vec![Role::Administrator]
        );
        assert_eq!(
            actor_of(&user(&["admin@S1"]), &units).roles,
            vec![
                Role::Officer { unit: "S1".into() },
                Role::Approver { unit: "S1".into() }
            ]
        );
        // A grant over every unit stands for the top unit.
        assert_eq!(
            actor_of(&user(&["approver"]), &units).roles,
            vec![Role::Approver { unit: "P".into() }]
        );
        assert!(actor_of(&user(&["viewer"]), &units).roles.is_empty());
        assert!(actor_of(&Principal::Public, &units).roles.is_empty());
    }
}
