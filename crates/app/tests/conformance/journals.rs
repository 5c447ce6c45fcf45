//! The journal contract (`chiso_core::reform::JournalStore`) every backend
//! keeps for administrative-reform records, checked against the in-memory
//! reference: heads replaced and entries appended in order, a write against
//! an older state refused and leaving nothing behind, listings by kind and
//! scope in code order; then a whole reporting
//! step through the application layer (`chiso_app::cchc`): a plan with its
//! task history, a submission saved, submitted, returned with a reason,
//! corrected and approved, a consolidation, yearly results, each read back
//! equal to what the reference holds.

use std::collections::BTreeMap;

use chiso_app::cchc;
use chiso_cchc::catalogue::Area;
use chiso_cchc::decimal::Decimal;
use chiso_cchc::doc::DocRef;
use chiso_cchc::period::ReportingPeriod;
use chiso_cchc::plan::{Party, Plan, Reported, StatusEntry, Task};
use chiso_cchc::results::{IndexKind, IndexResult};
use chiso_cchc::value::{Entry, IndicatorId, Tier, Values};
use chiso_cchc::workflow::{Action, Actor, Gate, Role, Status, UnitTree};
use chiso_core::memory::MemoryStore;
use chiso_core::records::{Unit, UnitKind};
use chiso_core::reform::{
    JournalEntry, JournalHead, JournalKey, JournalKind, JournalStore, Written,
};
use chiso_core::storage::Storage;
use chiso_core::time::{Date, Instant};
use chiso_ingest::{Record, RecordKind};

fn entry(part: &str, at: i64, body: &str) -> JournalEntry {
    JournalEntry {
        part: part.into(),
        at: Instant::from_unix(at),
        by: "can-bo@xa".into(),
        body: body.into(),
    }
}

fn head(status: &str) -> JournalHead {
    JournalHead {
        status: status.into(),
        body: format!("{{\"status\":\"{status}\"}}"),
    }
}

/// Raw journals: append, conflict, order, listing, data version.
pub fn journals_append_only<S: Storage + JournalStore>(mut store: S)
where
    <S as JournalStore>::Error: std::fmt::Debug,
    <S as chiso_core::engine::IndexStore>::Error: std::fmt::Debug,
{
    let mut reference = MemoryStore::new();
    let a = JournalKey::new(JournalKind::Submission, "X02", "2026-H1");
    let b = JournalKey::new(JournalKind::Submission, "X01", "2026-H1");
    let c = JournalKey::new(JournalKind::Submission, "X01", "2026-Q1");
    let p = JournalKey::new(JournalKind::Plan, "T", "2026");
    let steps: Vec<(&JournalKey, JournalHead, usize, Vec<JournalEntry>, Written)> = vec![
        (
            &a,
            head("draft"),
            0,
            vec![
                entry("revision", 10, "{\"n\":1}"),
                entry("event", 10, "{\"e\":1}"),
            ],
            Written::Appended,
        ),
        (
            &a,
            head("submitted"),
            2,
            vec![entry("event", 20, "{\"e\":2}")],
            Written::Appended,
        ),
        // Written against the state before the submit: refused, nothing kept.
        (
            &a,
            head("draft"),
            2,
            vec![entry("revision", 30, "{\"n\":2}")],
            Written::Conflict { stored: 3 },
        ),
        (
            &b,
            head("draft"),
            0,
            vec![entry("revision", 5, "{\"ý\":\"Cấp xã: 40\"}")],
            Written::Appended,
        ),
        (&c, head("approved"), 0, vec![], Written::Appended),
        (
            &p,
            head("35 nhiệm vụ"),
            0,
            vec![entry("status", 7, "{}")],
            Written::Appended,
        ),
        (
            &p,
            head("35 nhiệm vụ"),
            0,
            vec![],
            Written::Conflict { stored: 1 },
        ),
    ];
    for (key, h, known, entries, expected) in &steps {
        let got = store.write_journal(key, h, *known, entries).expect("write");
        assert_eq!(got, *expected, "{key:?} known {known}");
        let Ok(want) = reference.write_journal(key, h, *known, entries);
        assert_eq!(want, *expected, "reference {key:?}");
    }
    for key in [&a, &b, &c, &p] {
        let Ok(want) = reference.journal(key);
        assert_eq!(store.journal(key).expect("read"), want, "{key:?}");
    }
    let got = store.journal(&a).expect("read").expect("stored");
    assert_eq!(got.head.status, "submitted");
    assert_eq!(got.entries.len(), 3);
    assert_eq!(got.entries[2].at, Instant::from_unix(20));
    assert_eq!(
        store
            .journal(&JournalKey::new(JournalKind::Result, "X01", "par/2023"))
            .expect("read"),
        None
    );
    for (kind, scope) in [
        (JournalKind::Submission, None),
        (JournalKind::Submission, Some("2026-H1")),
        (JournalKind::Submission, Some("2025-Y")),
        (JournalKind::Plan, None),
        (JournalKind::Result, None),
    ] {
        let Ok(want) = reference.journals(kind, scope);
        let got = store.journals(kind, scope).expect("list");
        assert_eq!(got, want, "{kind:?} {scope:?}");
    }
    let listed: Vec<String> = store
        .journals(JournalKind::Submission, None)
        .expect("list")
        .into_iter()
        .map(|j| format!("{} {}", j.key.unit, j.key.scope))
        .collect();
    assert_eq!(listed, ["X01 2026-H1", "X01 2026-Q1", "X02 2026-H1"]);
}

fn commune_pair(units: &[Unit]) -> (String, String, String) {
    let top = units
        .iter()
        .find(|u| u.parent_code.is_none() && u.kind == UnitKind::Province)
        .expect("a province");
    let communes: Vec<&Unit> = units
        .iter()
        .filter(|u| u.kind == UnitKind::Commune && u.parent_code.as_deref() == Some(&top.code))
        .filter(|u| u.valid_to.is_none())
        .take(2)
        .collect();
    assert_eq!(communes.len(), 2, "the demo province has communes");
    (
        top.code.clone(),
        communes[0].code.clone(),
        communes[1].code.clone(),
    )
}

fn count(n: i64) -> Entry {
    Entry::number(Decimal::from_int(n))
}

/// What one reporting step leaves in a store, read back typed.
#[derive(Debug, PartialEq)]
struct Outcome {
    submissions: Vec<chiso_cchc::workflow::Submission>,
    plan: Option<Plan>,
    consolidated: Values,
    results: Vec<IndexResult>,
}

fn reporting_step<S: Storage + JournalStore>(store: &mut S, units: &[Unit]) -> Outcome
where
    <S as JournalStore>::Error: std::fmt::Debug,
{
    let (top, x1, x2) = commune_pair(units);
    let period: ReportingPeriod = "2026-H1".parse().expect("period");
    let at = |d: u32| Date::from_ymd(2026, 6, d).expect("day").start();
    let officer = |unit: &str| Actor {
        id: format!("can-bo@{unit}"),
        roles: vec![Role::Officer { unit: unit.into() }],
    };
    let approver = Actor {
        id: "lanh-dao@tinh".into(),
        roles: vec![Role::Approver { unit: top.clone() }],
    };
    let b2_13 = IndicatorId::new(2, "1.3");
    let save = |store: &mut S, unit: &str, n: i64, day: u32| {
        let mut values = Values::default();
        values.set(b2_13.clone(), count(n));
        let acting = cchc::Acting {
            units,
            actor: &officer(unit),
            at: at(day),
        };
        cchc::save_values(store, acting, unit, period, values, BTreeMap::new()).map(|s| s.revision)
    };
    let step = |store: &mut S, actor: &Actor, unit: &str, action: Action, day: u32| {
        let acting = cchc::Acting {
            units,
            actor,
            at: at(day),
        };
        cchc::act(store, acting, unit, period, action, None)
    };
    for (unit, n) in [(&x1, 3), (&x2, 4)] {
        assert_eq!(save(store, unit, n, 1).expect("save"), 1);
        step(store, &officer(unit), unit, Action::Submit, 2).expect("submit");
    }
    // An officer may not approve; a return needs a reason.
    assert!(step(store, &officer(&x1), &x1, Action::Approve, 3).is_err());
    let blank = Action::Return { reason: " ".into() };
    assert!(step(store, &approver, &x1, blank, 3).is_err());
    let reason = "Thiếu số văn bản của tháng 5".to_string();
    let status = step(store, &approver, &x1, Action::Return { reason }, 3).expect("return");
    assert_eq!(status, Status::Returned);
    assert_eq!(save(store, &x1, 5, 4).expect("save"), 2);
    step(store, &officer(&x1), &x1, Action::Submit, 5).expect("resubmit");
    for unit in [&x1, &x2] {
        step(store, &approver, unit, Action::Approve, 6).expect("approve");
    }
    let consolidated = cchc::consolidated(store, units, &top, period).expect("consolidate");
    let got = consolidated.values.get(&b2_13).expect("consolidated row");
    assert_eq!(
        got.as_number(),
        Some(Decimal::from_int(9)),
        "5 + 4 from the approved communes"
    );
    assert_eq!(
        got.by_level.0.get(&Tier::of(UnitKind::Commune)),
        Some(&Decimal::from_int(9))
    );
    let sub = cchc::submission(store, &x1, period)
        .expect("read")
        .expect("stored")
        .value;
    assert_eq!(sub.status, Status::Approved);
    assert_eq!(sub.revisions.len(), 2);
    assert_eq!(sub.events.iter().filter(|e| e.reason.is_some()).count(), 1);
    // Two people read the same submission; the second write, made against
    // the state before the first, is refused and leaves nothing behind.
    let reason = "Mở lại để bổ sung".to_string();
    let mut first = cchc::submission(store, &x2, period)
        .expect("read")
        .expect("stored");
    let mut second = first.clone();
    let tree = UnitTree::new(units);
    let gate = Gate::default();
    first
        .value
        .apply(
            &approver,
            &tree,
            Action::Reopen {
                reason: reason.clone(),
            },
            &gate,
            at(7),
            None,
        )
        .expect("reopen");
    cchc::write_submission(store, &mut first).expect("first write");
    second
        .value
        .apply(
            &approver,
            &tree,
            Action::Reopen { reason },
            &gate,
            at(7),
            None,
        )
        .expect("reopen");
    let stale = cchc::write_submission(store, &mut second);
    assert!(
        matches!(stale, Err(cchc::ReformError::Conflict { .. })),
        "{stale:?}"
    );
    let reread = cchc::submission(store, &x2, period)
        .expect("read")
        .expect("stored");
    assert_eq!(reread.value, first.value);

    // A plan: imported, a status recorded, a backdated one refused.
    let plan = Plan {
        owner: top.clone(),
        year: 2026,
        document: Some(DocRef {
            number: "125/QĐ-UBND".into(),
            kind: "Quyết định".into(),
            ..DocRef::default()
        }),
        tasks: vec![Task {
            no: 1,
            area: Area::parse("I").expect("area"),
            text: "Xác định Chỉ số CCHC năm 2025 của các sở, ngành".into(),
            products: vec!["Quyết định công bố".into()],
            lead: vec![Party::Text {
                text: "Sở Nội vụ".into(),
            }],
            coordinating: vec![],
            deadline_text: "Quý I/2026".into(),
            history: vec![StatusEntry {
                status: Reported::InProgress,
                as_of: Date::from_ymd(2026, 2, 1).expect("day"),
                evidence: vec![],
                note: String::new(),
                by: "snv".into(),
            }],
        }],
    };
    assert_eq!(
        cchc::import_plan(store, plan.clone(), at(1)).expect("import"),
        1
    );
    // The same file again adds nothing.
    assert_eq!(cchc::import_plan(store, plan, at(1)).expect("import"), 0);
    let done = StatusEntry {
        status: Reported::Done,
        as_of: Date::from_ymd(2026, 3, 20).expect("day"),
        evidence: vec![DocRef {
            number: "52/QĐ-UBND".into(),
            ..DocRef::default()
        }],
        note: String::new(),
        by: "snv".into(),
    };
    cchc::record_task(store, &top, 2026, 1, done.clone(), at(2)).expect("record");
    let back = StatusEntry {
        as_of: Date::from_ymd(2026, 3, 1).expect("day"),
        ..done
    };
    assert!(
        cchc::record_task(store, &top, 2026, 1, back, at(3)).is_err(),
        "history is append-only in date order"
    );

    let par = IndexResult {
        index: IndexKind::Par,
        year: 2025,
        unit: top.clone(),
        value: Decimal::parse_vi("86,15", false).expect("value"),
        max: Some(Decimal::from_int(100)),
        rank: Some(42),
        among: Some(63),
        previous_value: None,
        previous_rank: Some(26),
        class: String::new(),
        components: vec![],
        document: None,
    };
    cchc::put_result(store, &par, "snv", at(7)).expect("result");
    cchc::put_result(
        store,
        &IndexResult {
            rank: Some(41),
            ..par
        },
        "snv",
        at(8),
    )
    .expect("result corrected");

    Outcome {
        submissions: cchc::submissions(store, period)
            .expect("list")
            .into_iter()
            .map(|s| s.value)
            .collect(),
        plan: cchc::plan(store, &top, 2026)
            .expect("plan")
            .map(|p| p.value),
        consolidated: consolidated.values,
        results: cchc::results(store, None).expect("results"),
    }
}

/// The same reporting step on a backend and on the reference reads back the same.
pub fn reporting_step_as_the_reference<S: Storage + JournalStore>(mut store: S, p: &super::Province)
where
    <S as JournalStore>::Error: std::fmt::Debug,
    <S as chiso_core::engine::IndexStore>::Error: std::fmt::Debug,
{
    let units = super::csv(
        RecordKind::Units,
        p.province.units.iter().cloned().map(Record::Unit),
    );
    super::import(&mut store, RecordKind::Units, "units.csv", &units);
    let mut reference = MemoryStore::new();
    super::import(&mut reference, RecordKind::Units, "units.csv", &units);
    let list = store.unit_list().expect("units");
    let got = reporting_step(&mut store, &list);
    let want = reporting_step(&mut reference, &list);
    assert_eq!(got, want);
    assert_eq!(got.submissions.len(), 2);
    let plan = got.plan.expect("plan");
    assert_eq!(plan.tasks[0].history.len(), 2);
    assert_eq!(
        plan.completion(Date::from_ymd(2026, 6, 14).expect("day"))
            .summary_vi(),
        "Kết quả đạt 1/1 nhiệm vụ, đạt 100%"
    );
    assert_eq!(got.results.len(), 1);
    assert_eq!(
        got.results[0].rank,
        Some(41),
        "the corrected result replaces the first"
    );
}
