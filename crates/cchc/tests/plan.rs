//! Plan tracking on seed 004's Phụ lục I (cchc.md Appendix A): every
//! deadline form printed there, statuses computed (overdue is never typed),
//! the completion rate computed ("Kết quả đạt 18/35 nhiệm vụ, đạt 51,43%"),
//! and B1 2.1/2.2 prefilled from it.

use chiso_cchc::catalogue::{Area, CatalogueSet};
use chiso_cchc::deadline::parse;
use chiso_cchc::decimal::Decimal;
use chiso_cchc::doc::DocRef;
use chiso_cchc::plan::{Party, Plan, PlanError, Progress, Reported, StatusEntry, Task};
use chiso_cchc::sheet::Scope;
use chiso_cchc::validate::{validate, Context};
use chiso_cchc::value::{IndicatorId, Origin};
use chiso_core::time::Date;

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// (label, milestone, due) of each milestone.
fn read(text: &str) -> Vec<(Option<String>, String, String)> {
    parse(text, 2024)
        .milestones
        .into_iter()
        .map(|m| (m.label, m.text, m.due.vn()))
        .collect()
}

fn m(text: &str, due: &str) -> (Option<String>, String, String) {
    (None, text.into(), due.into())
}

#[test]
fn every_deadline_form_of_appendix_a() {
    // Task 1: the leading words are kept, not guessed.
    let d = parse("Theo Kế hoạch của Bộ Nội vụ Tháng 12/2023", 2024);
    assert_eq!(read(&d.text), [m("Tháng 12/2023", "31/12/2023")]);
    assert_eq!(d.unparsed, ["Theo Kế hoạch của Bộ Nội vụ"]);
    // Task 2.
    assert_eq!(
        read("Quý IV/2023, Quý I/2024"),
        [
            m("Quý IV/2023", "31/12/2023"),
            m("Quý I/2024", "31/03/2024")
        ]
    );
    // Task 3, cut in print: nothing dated, nothing invented.
    let d = parse("- Ban hành kế hoạch tháng…", 2024);
    assert!(d.milestones.is_empty());
    assert_eq!(d.unparsed, ["Ban hành kế hoạch tháng"]);
    assert_eq!(d.binding(), None);
    // Task 11: two labelled milestones.
    assert_eq!(
        read("Ban hành kế hoạch: Quý I/2024. Thực hiện: Trong năm 2024."),
        [
            (
                Some("Ban hành kế hoạch".into()),
                "Quý I/2024".into(),
                "31/03/2024".into()
            ),
            (
                Some("Thực hiện".into()),
                "Năm 2024".into(),
                "31/12/2024".into()
            ),
        ]
    );
    // Task 12.
    assert_eq!(
        read("Quý III, IV năm 2024."),
        [
            m("Quý III/2024", "30/09/2024"),
            m("Quý IV/2024", "31/12/2024")
        ]
    );
    // Tasks 13, 15, 16, 20, 24–28, 30, 33, 35.
    assert_eq!(read("Trong năm 2024."), [m("Năm 2024", "31/12/2024")]);
    assert_eq!(read("Trong năm 2024"), [m("Năm 2024", "31/12/2024")]);
    // Task 14.
    assert_eq!(read("Quý I/2024"), [m("Quý I/2024", "31/03/2024")]);
    // Tasks 21–22 and 23: conditional.
    for (text, condition) in [
        (
            "Năm 2024 (khi có hướng dẫn của Trung ương).",
            "khi có hướng dẫn của Trung ương",
        ),
        (
            "Năm 2024 (khi có quy định của Trung ương).",
            "khi có quy định của Trung ương",
        ),
    ] {
        let d = parse(text, 2024);
        assert_eq!(read(text), [m("Năm 2024", "31/12/2024")]);
        assert_eq!(d.condition.as_deref(), Some(condition));
        assert!(d.unparsed.is_empty(), "{:?}", d.unparsed);
        assert_eq!(
            d.binding(),
            None,
            "a conditional deadline never makes a task overdue"
        );
    }
    // Task 29.
    assert_eq!(
        read("Tháng 12/2023. Quý IV/2024"),
        [
            m("Tháng 12/2023", "31/12/2023"),
            m("Quý IV/2024", "31/12/2024")
        ]
    );
    // Task 31.
    assert_eq!(read("Tháng 01/2025"), [m("Tháng 01/2025", "31/01/2025")]);
    // Task 32.
    assert_eq!(
        read("Quý I, II/2024"),
        [
            m("Quý I/2024", "31/03/2024"),
            m("Quý II/2024", "30/06/2024")
        ]
    );
    // Task 34 (two lines in print).
    assert_eq!(
        read("Quý I/2024 Quý IV/2024"),
        [
            m("Quý I/2024", "31/03/2024"),
            m("Quý IV/2024", "31/12/2024")
        ]
    );
    assert_eq!(
        parse("Quý I/2024\nQuý IV/2024", 2024).due(),
        Some(day("2024-12-31"))
    );
}

fn group(text: &str) -> Party {
    Party::Text { text: text.into() }
}

fn entry(status: Reported, as_of: &str) -> StatusEntry {
    StatusEntry {
        status,
        as_of: day(as_of),
        evidence: Vec::new(),
        note: String::new(),
        by: "snv".into(),
    }
}

/// The 25 tasks recovered from Phụ lục I, and the 10 lost ones (3 of them done).
fn seed_plan() -> Plan {
    use Reported::{Done as D, InProgress as P, NotYetDue as N};
    let recovered: &[(u32, Area, &str, Reported)] = &[
        (1, Area::I, "Theo Kế hoạch của Bộ Nội vụ Tháng 12/2023", D),
        (2, Area::I, "Quý IV/2023, Quý I/2024", D),
        (3, Area::I, "- Ban hành kế hoạch tháng…", P),
        (
            11,
            Area::II,
            "Ban hành kế hoạch: Quý I/2024. Thực hiện: Trong năm 2024.",
            D,
        ),
        (12, Area::II, "Quý III, IV năm 2024.", N),
        (13, Area::II, "Trong năm 2024.", P),
        (14, Area::III, "Quý I/2024", D),
        (15, Area::III, "Trong năm 2024", D),
        (16, Area::III, "Trong năm 2024", D),
        (20, Area::III, "Trong năm 2024", D),
        (
            21,
            Area::IV,
            "Năm 2024 (khi có hướng dẫn của Trung ương).",
            D,
        ),
        (
            22,
            Area::IV,
            "Năm 2024 (khi có hướng dẫn của Trung ương).",
            D,
        ),
        (
            23,
            Area::IV,
            "Năm 2024 (khi có quy định của Trung ương).",
            P,
        ),
        (24, Area::IV, "Trong năm 2024", D),
        (25, Area::IV, "Trong năm 2024", P),
        (26, Area::V, "Trong năm 2024", D),
        (27, Area::V, "Trong năm 2024", P),
        (28, Area::V, "Trong năm 2024", P),
        (29, Area::V, "Tháng 12/2023. Quý IV/2024", P),
        (30, Area::V, "Trong năm 2024", D),
        (31, Area::VI, "Tháng 01/2025", N),
        (32, Area::VI, "Quý I, II/2024", D),
        (33, Area::VI, "Trong năm 2024", D),
        (34, Area::VII, "Quý I/2024 Quý IV/2024", P),
        (35, Area::VII, "Trong năm 2024", D),
    ];
    let mut tasks: Vec<Task> = Vec::new();
    for no in 1..=35 {
        let (area, deadline, status) = match recovered.iter().find(|t| t.0 == no) {
            Some((_, a, d, s)) => (*a, d.to_string(), *s),
            None => (
                if no <= 10 { Area::I } else { Area::III },
                "Trong năm 2024".to_string(),
                if matches!(no, 4..=6) { D } else { P },
            ),
        };
        let mut task = Task {
            no,
            area,
            text: format!("Nhiệm vụ {no}"),
            products: Vec::new(),
            lead: vec![Party::Unit { code: "SNV".into() }],
            coordinating: vec![group("Các sở, ban, ngành")],
            deadline_text: deadline,
            history: Vec::new(),
        };
        task.record(entry(P, "2024-01-15")).unwrap();
        if status != P {
            let mut e = entry(status, "2024-05-15");
            if status == D {
                e.evidence.push(DocRef {
                    number: "125/QĐ-UBND".into(),
                    kind: "Quyết định".into(),
                    date: Some(day("2024-01-23")),
                    ..DocRef::default()
                });
            }
            task.record(e).unwrap();
        }
        tasks.push(task);
    }
    Plan {
        owner: "CT".into(),
        year: 2024,
        document: None,
        tasks,
    }
}

#[test]
fn completion_is_computed_18_of_35() {
    let plan = seed_plan();
    let c = plan.completion(day("2024-06-14"));
    assert_eq!((c.done, c.total, c.overdue), (18, 35, 0));
    assert_eq!(c.summary_vi(), "Kết quả đạt 18/35 nhiệm vụ, đạt 51,43%");
    assert_eq!(plan.tasks_in(Area::IV).count(), 5);
    assert_eq!(
        Area::IV.label_vi(),
        "Cải cách tổ chức bộ máy hành chính nhà nước"
    );
    // Before the May updates only what was done then counts.
    assert_eq!(plan.completion(day("2024-03-01")).done, 0);
}

#[test]
fn statuses_are_computed_overdue_and_conditional_and_cancelled() {
    let mut plan = seed_plan();
    let on = |plan: &Plan, no: u32, d: &str| plan.tasks[no as usize - 1].progress(day(d), 2024);
    assert_eq!(on(&plan, 13, "2024-06-14"), Progress::InProgress);
    assert_eq!(on(&plan, 12, "2024-06-14"), Progress::NotYetDue);
    // After the year: in progress past the last milestone is overdue; not a
    // conditional one, nor one whose deadline could not be read.
    assert_eq!(on(&plan, 13, "2025-01-15"), Progress::Overdue);
    assert_eq!(on(&plan, 12, "2025-01-15"), Progress::Overdue);
    assert_eq!(on(&plan, 23, "2025-01-15"), Progress::InProgress);
    assert_eq!(on(&plan, 3, "2025-01-15"), Progress::InProgress);
    assert_eq!(on(&plan, 31, "2025-01-15"), Progress::NotYetDue);
    assert_eq!(on(&plan, 31, "2025-02-01"), Progress::Overdue);
    assert_eq!(on(&plan, 1, "2025-01-15"), Progress::Done);
    assert_eq!(plan.completion(day("2025-01-15")).overdue, 14);

    // Cancelling needs a reason; a cancelled task leaves the count.
    let task = &mut plan.tasks[27];
    assert_eq!(
        task.record(entry(Reported::Cancelled, "2024-07-01")),
        Err(PlanError::CancelWithoutReason(28))
    );
    let mut cancel = entry(Reported::Cancelled, "2024-07-01");
    cancel.note = "Trung ương chưa tổ chức thi nâng ngạch năm 2024".into();
    task.record(cancel).unwrap();
    assert_eq!(
        on(&plan, 28, "2024-07-02"),
        Progress::Cancelled {
            reason: "Trung ương chưa tổ chức thi nâng ngạch năm 2024".into()
        }
    );
    assert_eq!(
        plan.completion(day("2024-07-02")).summary_vi(),
        "Kết quả đạt 18/34 nhiệm vụ, đạt 52,94%"
    );
    // The history is only appended to, in date order.
    assert!(matches!(
        plan.tasks[0].record(entry(Reported::InProgress, "2024-02-01")),
        Err(PlanError::OutOfOrder { task: 1, .. })
    ));
    let json = serde_json::to_string(&plan).unwrap();
    assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), plan);
}

#[test]
fn form_1_rows_2_1_and_2_2_are_prefilled_from_the_plan() {
    let set = CatalogueSet::builtin();
    let cat = set.get("cchc-2024").unwrap();
    let plan = seed_plan();
    let window_end = day("2024-06-14");
    let values = plan.prefill(cat, window_end);
    let id = |s: &str| s.parse::<IndicatorId>().unwrap();
    assert_eq!(values.number(&id("B1 2.1")), Some(Decimal::from_int(35)));
    assert_eq!(values.number(&id("B1 2.2")), Some(Decimal::from_int(18)));
    assert_eq!(values.get(&id("B1 2.2")).unwrap().origin, Origin::Prefilled);
    assert_eq!(values.0.len(), 2);
    let sheet = chiso_cchc::sheet::Sheet::resolve(cat, &values, Scope::Consolidated);
    assert_eq!(sheet.row(&id("B1 2")).unwrap().figure.vi(2), "51,43");
    assert!(validate(
        cat,
        &values,
        Context {
            scope: Scope::Consolidated,
            previous: None
        }
    )
    .is_empty());
}
