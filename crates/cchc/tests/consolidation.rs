//! Consolidation (cchc.md §3): sums add with their breakdown by level, rates
//! are recomputed from summed parts (never averaged), own rows are the
//! parent's; a parent is approved only when every expected child is
//! approved or waived; completeness and timeliness of a period.

use chiso_cchc::catalogue::{Catalogue, CatalogueSet};
use chiso_cchc::consolidate::{
    completeness, consolidate, expected_reporters, pending_children, Contribution,
};
use chiso_cchc::decimal::Decimal;
use chiso_cchc::period::{PeriodKind, ReportingPeriod, Schedule};
use chiso_cchc::sheet::{Scope, Sheet};
use chiso_cchc::table::tables;
use chiso_cchc::validate::{validate, Context};
use chiso_cchc::value::{Breakdown, Entry, IndicatorId, Origin, Tier, Values};
use chiso_cchc::workflow::{
    Action, Actor, Gate, Role, Status, Submission, UnitTree, WorkflowError,
};
use chiso_core::records::{Unit, UnitKind};
use chiso_core::time::{Date, Instant};

fn cat(id: &str) -> Catalogue {
    CatalogueSet::builtin().get(id).unwrap().clone()
}

fn id(s: &str) -> IndicatorId {
    s.parse().unwrap()
}

fn n(v: i64) -> Entry {
    Entry::number(Decimal::from_int(v))
}

fn split(v: i64, note: &str) -> Entry {
    Entry {
        by_level: Breakdown::parse_note(note).unwrap(),
        ..n(v)
    }
}

fn values(entries: Vec<(&str, Entry)>) -> Values {
    let mut out = Values::default();
    for (code, e) in entries {
        out.set(id(code), e);
    }
    out
}

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

/// The city, two departments and two districts (one commune under the first).
fn units() -> Vec<Unit> {
    vec![
        unit("CT", None, UnitKind::Province),
        unit("SNV", Some("CT"), UnitKind::Department),
        unit("STP", Some("CT"), UnitKind::Department),
        unit("NK", Some("CT"), UnitKind::District),
        unit("BT", Some("CT"), UnitKind::District),
        unit("NK-1", Some("NK"), UnitKind::Commune),
        Unit {
            valid_to: Date::parse("2024-01-31"),
            ..unit("OLD", Some("CT"), UnitKind::District)
        },
    ]
}

/// Figures shaped so that the city's totals are the seed's.
fn children() -> Vec<(&'static str, UnitKind, Values)> {
    vec![
        (
            "SNV",
            UnitKind::Department,
            values(vec![
                ("B6 2.3", n(30)),
                ("B7 6.3.1", n(40_000)),
                ("B7 6.3.2", n(30_000)),
                ("B2 1.1", n(10)),
                ("B4 1.1", n(90)),
                ("B3 3.1.1", n(50_000)),
                ("B3 3.1.2", n(49_990)),
            ]),
        ),
        (
            "STP",
            UnitKind::Department,
            values(vec![
                ("B6 2.3", n(4)),
                ("B7 6.3.1", n(7_218)),
                ("B7 6.3.2", n(2_234)),
                ("B2 1.1", n(7)),
                ("B3 3.1.1", n(36_643)),
                ("B3 3.1.2", n(36_603)),
            ]),
        ),
        (
            "NK",
            UnitKind::District,
            values(vec![
                ("B6 2.3", n(10)),
                ("B7 6.3.1", split(10_000, "Cấp huyện: 3000 Cấp xã: 7000")),
                ("B7 6.3.2", split(8_000, "Cấp huyện: 2000 Cấp xã: 6000")),
                ("B2 1.2", n(4)),
                ("B2 1.3", n(0)),
                ("B3 3.3.1", n(50_000)),
                ("B3 3.3.2", n(49_996)),
            ]),
        ),
        (
            "BT",
            UnitKind::District,
            values(vec![
                ("B6 2.3", n(0)),
                ("B7 6.3.1", split(4_978, "Cấp huyện: 2061 Cấp xã: 2917")),
                ("B7 6.3.2", split(4_826, "Cấp huyện: 1271 Cấp xã: 3555")),
                ("B2 1.2", n(2)),
                ("B3 3.3.1", n(35_536)),
                ("B3 3.3.2", n(35_534)),
            ]),
        ),
    ]
}

#[test]
fn sums_keep_their_breakdown_and_rates_are_recomputed_never_averaged() {
    let c = cat("cchc-2024");
    let own = values(vec![("B4 1.1", n(100)), ("B1 1", n(45))]);
    let kids = children();
    let contributions: Vec<Contribution> = kids
        .iter()
        .map(|(u, k, v)| Contribution {
            unit: u,
            kind: *k,
            values: v,
        })
        .collect();
    let result = consolidate(
        &c,
        Contribution {
            unit: "CT",
            kind: UnitKind::Province,
            values: &own,
        },
        &contributions,
    );
    let sheet = Sheet::resolve(&c, &result.values, Scope::Consolidated);

    // Sums add, by level: "Cấp thành phố: 34, cấp huyện: 10" as the seed prints.
    let b6 = result.values.get(&id("B6 2.3")).unwrap();
    assert_eq!(b6.as_number(), Some(Decimal::from_int(44)));
    assert_eq!(b6.origin, Origin::Aggregated);
    assert_eq!(
        b6.by_level.note("Cấp thành phố", false),
        "Cấp thành phố: 34, cấp huyện: 10"
    );
    let dossiers = result.values.get(&id("B7 6.3.1")).unwrap();
    assert_eq!(dossiers.as_number(), Some(Decimal::from_int(62_196)));
    assert_eq!(
        dossiers.by_level.note("Cấp thành phố", false),
        "Cấp thành phố: 47.218, cấp huyện: 5.061, cấp xã: 9.917"
    );
    // A commune figure counted by the district is the communes'.
    let communes = result.values.get(&id("B3 3.3.1")).unwrap();
    assert_eq!(
        communes.by_level.0.keys().collect::<Vec<_>>(),
        [&Tier::Commune]
    );

    // Rates from the summed parts: 45060/62196 = 72,4, with each level's.
    let rate = sheet.row(&id("B7 6.3")).unwrap();
    assert_eq!(rate.figure.vi(1), "72,4");
    assert_eq!(rate.by_level[&Tier::District].vi(1), "64,6");
    assert_eq!(rate.by_level[&Tier::Commune].vi(1), "96,3");
    let averaged: f64 = kids
        .iter()
        .map(|(_, _, v)| {
            v.number(&id("B7 6.3.2")).unwrap().to_f64()
                / v.number(&id("B7 6.3.1")).unwrap().to_f64()
        })
        .sum::<f64>()
        / 4.0;
    assert!(
        (averaged * 100.0 - 72.448).abs() > 1.0,
        "an average of the units' rates would be {averaged}"
    );
    assert_eq!(sheet.row(&id("B3 3.1")).unwrap().figure.vi(2), "99,94");
    assert_eq!(sheet.row(&id("B3 3.3")).unwrap().figure.vi(2), "99,99");
    // Sums of sums: 1.1 (departments) + 1.2 (districts) + 1.3 (communes, via districts).
    // BT left 1.3 empty (explained in its own submission): added as absent, and listed.
    assert_eq!(sheet.number(&id("B2 1")), Some(Decimal::from_int(23)));
    assert_eq!(result.gaps, [(id("B2 1.3"), vec!["BT".to_string()])]);

    // Own rows: the city's, never the departments' added up.
    assert_eq!(
        result.values.number(&id("B4 1.1")),
        Some(Decimal::from_int(100))
    );
    assert_eq!(
        result.values.number(&id("B1 1")),
        Some(Decimal::from_int(45))
    );

    // The consolidated figures validate and print.
    let findings = validate(
        &c,
        &result.values,
        Context {
            scope: Scope::Consolidated,
            previous: None,
        },
    );
    assert_eq!(
        findings.iter().map(|f| f.key()).collect::<Vec<_>>(),
        ["incomplete_sum@B6 2.1"],
        "only 2.3 of its parts is filled in this example"
    );
    let printed = tables(&sheet, "Cấp thành phố");
    let row = printed[6]
        .rows
        .iter()
        .find(|r| r.id == id("B7 6.3"))
        .unwrap();
    assert_eq!(row.value, "72,4");
    assert_eq!(
        row.note,
        "Cấp thành phố: 68,3%, cấp huyện: 64,6%, cấp xã: 96,3%"
    );
    let row = printed[1]
        .rows
        .iter()
        .find(|r| r.id == id("B2 1.2"))
        .unwrap();
    assert_eq!(row.note, "", "one level alone is not printed");
}

#[test]
fn the_expected_reporters_follow_the_catalogue_in_force() {
    let all = units();
    let h1 = ReportingPeriod::new(2024, PeriodKind::H1);
    let c24 = cat("cchc-2024");
    let codes = |c: &Catalogue, parent: &str, day: Date| -> Vec<String> {
        expected_reporters(c, &all, parent, day)
            .iter()
            .map(|u| u.code.clone())
            .collect()
    };
    assert_eq!(codes(&c24, "CT", h1.window().1), ["SNV", "STP", "NK", "BT"]);
    assert!(
        codes(&c24, "NK", h1.window().1).is_empty(),
        "communes report through their district"
    );
    // Two-tier: communes report to the province.
    let two_tier = vec![
        unit("CT", None, UnitKind::Province),
        unit("SNV", Some("CT"), UnitKind::Department),
        unit("XA-1", Some("CT"), UnitKind::Commune),
    ];
    let c25 = cat("cchc-2025");
    let q3 = ReportingPeriod::new(2025, PeriodKind::Q3);
    let expected: Vec<&str> = expected_reporters(&c25, &two_tier, "CT", q3.window().1)
        .iter()
        .map(|u| u.code.as_str())
        .collect();
    assert_eq!(expected, ["SNV", "XA-1"]);
}

fn actor(id: &str, roles: Vec<Role>) -> Actor {
    Actor {
        id: id.into(),
        roles,
    }
}

fn at(day: &str) -> Instant {
    Date::parse(day).unwrap().start().add_seconds(9 * 3600)
}

#[test]
fn a_parent_is_approved_only_when_every_child_is_approved_or_waived() {
    let all = units();
    let tree = UnitTree::new(&all);
    let period = ReportingPeriod::new(2024, PeriodKind::H1);
    let c = cat("cchc-2024");
    let approver = actor("lanh-dao", vec![Role::Approver { unit: "CT".into() }]);
    let mut subs: Vec<Submission> = Vec::new();
    for (code, day) in [
        ("SNV", "2024-06-12"),
        ("STP", "2024-06-18"),
        ("NK", "2024-06-14"),
    ] {
        let officer = actor(code, vec![Role::Officer { unit: code.into() }]);
        let mut s = Submission::new(code, period, &c.id);
        s.save(&officer, Values::default(), Default::default(), at(day))
            .unwrap();
        s.apply(
            &officer,
            &tree,
            Action::Submit,
            &Gate::default(),
            at(day),
            None,
        )
        .unwrap();
        subs.push(s);
    }
    subs[0]
        .apply(
            &approver,
            &tree,
            Action::Approve,
            &Gate::default(),
            at("2024-06-16"),
            None,
        )
        .unwrap();
    subs[2]
        .apply(
            &approver,
            &tree,
            Action::Return {
                reason: "Thiếu số liệu cấp xã ở biểu 7".into(),
            },
            &Gate::default(),
            at("2024-06-16"),
            None,
        )
        .unwrap();
    let expected = expected_reporters(&c, &all, "CT", period.window().1);
    let state = |subs: &[Submission]| -> Vec<(&Unit, Option<Submission>)> {
        expected
            .iter()
            .map(|u| (*u, subs.iter().find(|s| s.unit == u.code).cloned()))
            .collect()
    };
    let owned = state(&subs);
    let view: Vec<(&Unit, Option<&Submission>)> =
        owned.iter().map(|(u, s)| (*u, s.as_ref())).collect();
    assert_eq!(pending_children(&view), ["STP", "NK", "BT"]);

    let schedule = Schedule::default();
    let report = completeness(
        &view,
        |u| period.due_for(u.kind, &schedule),
        at("2024-06-17"),
    );
    assert_eq!(
        (
            report.expected,
            report.received,
            report.on_time,
            report.approved
        ),
        (4, 3, 2, 1)
    );
    assert_eq!(report.missing, ["BT"]);
    assert_eq!(
        report.late,
        ["STP", "BT"],
        "STP sent on the 18th, BT nothing by the 15th"
    );
    assert_eq!(
        report.returned,
        [(
            "NK".to_string(),
            "Thiếu số liệu cấp xã ở biểu 7".to_string()
        )]
    );
    assert_eq!(report.completeness().unwrap().vi(), "75");
    assert_eq!(report.timeliness().unwrap().vi(), "50");

    // The city's own consolidation waits.
    let office = actor("snv-tong-hop", vec![Role::Officer { unit: "CT".into() }]);
    let mut city = Submission::new("CT", period, &c.id);
    city.save(
        &office,
        Values::default(),
        Default::default(),
        at("2024-06-18"),
    )
    .unwrap();
    city.apply(
        &office,
        &tree,
        Action::Submit,
        &Gate::default(),
        at("2024-06-18"),
        None,
    )
    .unwrap();
    let gate = Gate {
        pending_children: pending_children(&view),
        ..Gate::default()
    };
    let refused = city.apply(
        &approver,
        &tree,
        Action::Approve,
        &gate,
        at("2024-06-19"),
        None,
    );
    assert_eq!(
        refused,
        Err(WorkflowError::ChildrenPending(vec![
            "STP".into(),
            "NK".into(),
            "BT".into()
        ]))
    );
    assert!(refused.unwrap_err().to_string().contains("STP, NK, BT"));

    // Approve STP and NK (after its fix), waive BT with a reason: then the city can be approved.
    subs[1]
        .apply(
            &approver,
            &tree,
            Action::Approve,
            &Gate::default(),
            at("2024-06-19"),
            None,
        )
        .unwrap();
    let nk = actor("NK", vec![Role::Officer { unit: "NK".into() }]);
    subs[2]
        .save(&nk, Values::default(), Default::default(), at("2024-06-19"))
        .unwrap();
    subs[2]
        .apply(
            &nk,
            &tree,
            Action::Submit,
            &Gate::default(),
            at("2024-06-19"),
            None,
        )
        .unwrap();
    subs[2]
        .apply(
            &approver,
            &tree,
            Action::Approve,
            &Gate::default(),
            at("2024-06-19"),
            None,
        )
        .unwrap();
    let mut bt = Submission::new("BT", period, &c.id);
    assert!(matches!(
        bt.apply(
            &approver,
            &tree,
            Action::Waive { reason: "".into() },
            &Gate::default(),
            at("2024-06-19"),
            None
        ),
        Err(WorkflowError::ReasonRequired(_))
    ));
    bt.apply(
        &approver,
        &tree,
        Action::Waive {
            reason: "Sáp nhập, số liệu do đơn vị kế thừa báo cáo".into(),
        },
        &Gate::default(),
        at("2024-06-19"),
        None,
    )
    .unwrap();
    subs.push(bt);
    let owned = state(&subs);
    let view: Vec<(&Unit, Option<&Submission>)> =
        owned.iter().map(|(u, s)| (*u, s.as_ref())).collect();
    assert!(pending_children(&view).is_empty());
    let gate = Gate {
        pending_children: pending_children(&view),
        ..Gate::default()
    };
    assert_eq!(
        city.apply(
            &approver,
            &tree,
            Action::Approve,
            &gate,
            at("2024-06-19"),
            None
        ),
        Ok(Status::Approved)
    );
    let report = completeness(
        &view,
        |u| period.due_for(u.kind, &schedule),
        at("2024-06-19"),
    );
    assert_eq!((report.expected, report.approved), (3, 3));
    assert_eq!(report.waived, ["BT"]);
}
