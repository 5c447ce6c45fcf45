//! The submission workflow: its transitions, who may take each, the
//! revisions kept and the changes since the last approval.

use chiso_cchc::decimal::Decimal;
use chiso_cchc::doc::DocRef;
use chiso_cchc::period::{PeriodKind, ReportingPeriod};
use chiso_cchc::value::{Entry, IndicatorId, Values};
use chiso_cchc::workflow::{
    Action, Actor, Gate, Role, Status, Step, Submission, UnitTree, WorkflowError,
};
use chiso_core::records::{Unit, UnitKind};
use chiso_core::time::{Date, Instant};

fn unit(code: &str, parent: Option<&str>, kind: UnitKind) -> Unit {
    Unit {
        code: code.into(),
        name: code.into(),
        parent_code: parent.map(Into::into),
        kind,
        valid_from: None,
        valid_to: None,
        successor_code: None,
        scored: true,
    }
}

fn tree() -> UnitTree {
    UnitTree::new(&[
        unit("CT", None, UnitKind::Province),
        unit("NK", Some("CT"), UnitKind::District),
        unit("BT", Some("CT"), UnitKind::District),
        unit("NK-1", Some("NK"), UnitKind::Commune),
    ])
}

fn actor(id: &str, roles: Vec<Role>) -> Actor {
    Actor {
        id: id.into(),
        roles,
    }
}

fn officer(unit: &str) -> Actor {
    actor(
        &format!("can-bo-{unit}"),
        vec![Role::Officer { unit: unit.into() }],
    )
}

fn approver(unit: &str) -> Actor {
    actor(
        &format!("lanh-dao-{unit}"),
        vec![Role::Approver { unit: unit.into() }],
    )
}

fn at(minutes: i64) -> Instant {
    Date::parse("2024-06-10")
        .unwrap()
        .start()
        .add_seconds(minutes * 60)
}

fn figures(b7_631: i64) -> Values {
    let mut v = Values::default();
    v.set(
        IndicatorId::new(7, "6.3.1"),
        Entry::number(Decimal::from_int(b7_631)),
    );
    v.set(
        IndicatorId::new(4, "2.4"),
        Entry::number(Decimal::from_int(4)),
    );
    v
}

fn h1() -> ReportingPeriod {
    ReportingPeriod::new(2024, PeriodKind::H1)
}

fn returned(reason: &str) -> Action {
    Action::Return {
        reason: reason.into(),
    }
}

fn not_allowed(r: Result<Status, WorkflowError>) -> bool {
    matches!(r, Err(WorkflowError::NotAllowed { .. }))
}

#[test]
fn draft_submitted_returned_draft_submitted_approved() {
    let t = tree();
    let g = Gate::default();
    let mut s = Submission::new("NK", h1(), "cchc-2024");
    assert_eq!(s.status, Status::Draft);
    assert_eq!(
        s.apply(&officer("NK"), &t, Action::Submit, &g, at(0), None),
        Err(WorkflowError::NothingSaved)
    );
    assert_eq!(
        s.save(&officer("NK"), figures(10_000), Default::default(), at(1)),
        Ok(1)
    );
    let blocked = Gate {
        blocking_findings: 2,
        ..Gate::default()
    };
    assert_eq!(
        s.apply(&officer("NK"), &t, Action::Submit, &blocked, at(2), None),
        Err(WorkflowError::Blocked(2))
    );
    assert_eq!(
        s.apply(&officer("NK"), &t, Action::Submit, &g, at(3), None),
        Ok(Status::Submitted)
    );
    assert_eq!(
        s.save(&officer("NK"), figures(1), Default::default(), at(4)),
        Err(WorkflowError::WrongState {
            step: "sửa",
            status: "Đã gửi, chờ duyệt"
        }),
        "a submitted report is locked"
    );
    assert_eq!(
        s.apply(&approver("CT"), &t, returned("  "), &g, at(5), None),
        Err(WorkflowError::ReasonRequired("Trả lại"))
    );
    let reason = "Biểu 7 mục 6.3.1 thiếu số liệu cấp xã";
    assert_eq!(
        s.apply(&approver("CT"), &t, returned(reason), &g, at(6), None),
        Ok(Status::Returned)
    );
    assert_eq!(s.return_reason(), Some(reason));
    assert_eq!(
        s.save(&officer("NK"), figures(14_978), Default::default(), at(7)),
        Ok(2)
    );
    assert_eq!(
        s.status,
        Status::Draft,
        "a returned report goes back to draft when fixed"
    );
    assert_eq!(
        s.apply(&officer("NK"), &t, Action::Submit, &g, at(8), None),
        Ok(Status::Submitted)
    );
    let signed = DocRef {
        number: "137/BC-UBND".into(),
        kind: "Báo cáo".into(),
        date: Date::parse("2024-06-10"),
        ..DocRef::default()
    };
    assert_eq!(
        s.apply(
            &approver("CT"),
            &t,
            Action::Approve,
            &g,
            at(9),
            Some(signed.clone())
        ),
        Ok(Status::Approved)
    );
    let steps: Vec<Step> = s.events.iter().map(|e| e.step).collect();
    assert_eq!(
        steps,
        [
            Step::Save,
            Step::Submit,
            Step::Return,
            Step::Save,
            Step::Submit,
            Step::Approve
        ]
    );
    let approve = s.events.last().unwrap();
    assert_eq!(
        (approve.revision, approve.by.as_str()),
        (Some(2), "lanh-dao-CT")
    );
    assert_eq!(
        approve.document.as_ref().unwrap().cite(),
        "Báo cáo số 137/BC-UBND ngày 10/06/2024"
    );
    assert_eq!(s.first_submitted(), Some(at(3)));
}

#[test]
fn who_may_take_each_step() {
    let t = tree();
    let g = Gate::default();
    let mut s = Submission::new("NK", h1(), "cchc-2024");
    // Only the unit's officer (or an administrator) edits and submits.
    assert!(matches!(
        s.save(&officer("BT"), figures(1), Default::default(), at(0)),
        Err(WorkflowError::NotAllowed { .. })
    ));
    assert!(matches!(
        s.save(&approver("CT"), figures(1), Default::default(), at(0)),
        Err(WorkflowError::NotAllowed { .. })
    ));
    s.save(&officer("NK"), figures(1), Default::default(), at(1))
        .unwrap();
    assert!(not_allowed(s.apply(
        &officer("BT"),
        &t,
        Action::Submit,
        &g,
        at(2),
        None
    )));
    s.apply(&officer("NK"), &t, Action::Submit, &g, at(2), None)
        .unwrap();
    // Approving needs an approver above the unit: not its officer, not its own
    // approver, not a sibling's, not one below.
    for who in [
        officer("NK"),
        approver("NK"),
        approver("BT"),
        approver("NK-1"),
    ] {
        assert!(
            not_allowed(s.check(&who, &t, &Action::Approve, &g)),
            "{}",
            who.id
        );
        assert!(
            not_allowed(s.check(&who, &t, &returned("x"), &g)),
            "{}",
            who.id
        );
    }
    let error = s
        .check(&officer("NK"), &t, &Action::Approve, &g)
        .unwrap_err()
        .to_string();
    assert!(error.contains("chỉ người duyệt của cấp trên"), "{error}");
    assert_eq!(
        s.check(&approver("CT"), &t, &Action::Approve, &g),
        Ok(Status::Approved)
    );
    let admin = actor("quan-tri", vec![Role::Administrator]);
    assert_eq!(
        s.check(&admin, &t, &Action::Approve, &g),
        Ok(Status::Approved)
    );

    // The top unit's own report is approved by its own approver.
    let mut city = Submission::new("CT", h1(), "cchc-2024");
    city.save(&officer("CT"), figures(62_196), Default::default(), at(3))
        .unwrap();
    city.apply(&officer("CT"), &t, Action::Submit, &g, at(4), None)
        .unwrap();
    assert!(not_allowed(city.check(
        &approver("NK"),
        &t,
        &Action::Approve,
        &g
    )));
    assert_eq!(
        city.check(&approver("CT"), &t, &Action::Approve, &g),
        Ok(Status::Approved)
    );

    // What each may do now.
    assert_eq!(s.allowed(&officer("NK"), &t, &g), []);
    assert_eq!(
        s.allowed(&approver("CT"), &t, &g),
        [Step::Approve, Step::Return]
    );
    let fresh = Submission::new("BT", h1(), "cchc-2024");
    assert_eq!(
        fresh.allowed(&officer("BT"), &t, &g),
        [Step::Save],
        "nothing saved yet to submit"
    );
    assert_eq!(fresh.allowed(&approver("CT"), &t, &g), [Step::Waive]);
}

#[test]
fn reopening_needs_the_level_above_a_reason_and_an_open_parent() {
    let t = tree();
    let g = Gate::default();
    let mut s = Submission::new("NK", h1(), "cchc-2024");
    s.save(&officer("NK"), figures(14_978), Default::default(), at(0))
        .unwrap();
    s.apply(&officer("NK"), &t, Action::Submit, &g, at(1), None)
        .unwrap();
    s.apply(&approver("CT"), &t, Action::Approve, &g, at(2), None)
        .unwrap();
    assert!(matches!(
        s.save(&officer("NK"), figures(1), Default::default(), at(3)),
        Err(WorkflowError::WrongState { .. })
    ));
    let reopen = |reason: &str| Action::Reopen {
        reason: reason.into(),
    };
    assert!(not_allowed(s.check(
        &officer("NK"),
        &t,
        &reopen("sai số liệu"),
        &g
    )));
    assert!(not_allowed(s.check(
        &approver("NK"),
        &t,
        &reopen("sai số liệu"),
        &g
    )));
    assert_eq!(
        s.check(&approver("CT"), &t, &reopen(""), &g),
        Err(WorkflowError::ReasonRequired("Mở lại"))
    );
    let locked = Gate {
        parent_approved: true,
        ..Gate::default()
    };
    assert_eq!(
        s.check(&approver("CT"), &t, &reopen("sai số liệu"), &locked),
        Err(WorkflowError::ParentApproved),
        "reopening comes down from the top"
    );
    assert_eq!(s.allowed(&approver("CT"), &t, &g), [Step::Reopen]);
    assert_eq!(
        s.apply(
            &approver("CT"),
            &t,
            reopen("Số hồ sơ cấp xã nhập trùng"),
            &g,
            at(4),
            None
        ),
        Ok(Status::Draft)
    );
    assert_eq!(
        s.events.last().unwrap().reason.as_deref(),
        Some("Số hồ sơ cấp xã nhập trùng")
    );

    // A new revision; the approved one is kept as it was, and the change is shown.
    assert_eq!(
        s.save(&officer("NK"), figures(14_900), Default::default(), at(5)),
        Ok(2)
    );
    let approved = s.last_approved().unwrap();
    assert_eq!(approved.number, 1);
    assert_eq!(approved.values, figures(14_978));
    let changes = s.changes_since_approval();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].id, IndicatorId::new(7, "6.3.1"));
    assert_eq!(
        changes[0].before.as_ref().unwrap().as_number(),
        Some(Decimal::from_int(14_978))
    );
    assert_eq!(
        changes[0].after.as_ref().unwrap().as_number(),
        Some(Decimal::from_int(14_900))
    );

    // Never approved: everything is a change.
    let mut other = Submission::new("BT", h1(), "cchc-2024");
    other
        .save(&officer("BT"), figures(5), Default::default(), at(6))
        .unwrap();
    assert_eq!(other.changes_since_approval().len(), 2);
}

#[test]
fn waiving_and_persisting() {
    let t = tree();
    let g = Gate::default();
    let mut s = Submission::new("BT", h1(), "cchc-2024");
    let waive = Action::Waive {
        reason: "Đơn vị giải thể".into(),
    };
    assert!(not_allowed(s.check(&officer("BT"), &t, &waive, &g)));
    assert_eq!(
        s.apply(&approver("CT"), &t, waive, &g, at(0), None),
        Ok(Status::Waived)
    );
    assert!(matches!(
        s.save(&officer("BT"), figures(1), Default::default(), at(1)),
        Err(WorkflowError::WrongState { .. })
    ));
    assert_eq!(
        s.apply(&approver("CT"), &t, Action::Unwaive, &g, at(2), None),
        Ok(Status::Draft)
    );
    s.save(&officer("BT"), figures(3), Default::default(), at(3))
        .unwrap();

    // Plain data: a store keeps it as it is.
    let json = serde_json::to_string(&s).unwrap();
    assert!(
        json.contains("\"period\":{\"year\":2024,\"kind\":\"H1\"}"),
        "{json}"
    );
    let back: Submission = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
}
