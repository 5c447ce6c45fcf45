//! Data-driven cases per criterion, covering methodology §3 and the ratios of
//! §2 / §2b, judged through the same functions the engine uses.

use std::collections::HashMap;

use chiso_core::calendar::Calendar;
use chiso_core::calendar::Holiday;
use chiso_core::engine::{self, IndexStore, UnitRecords};
use chiso_core::measures::{self, Measure, ProcedureId, UnitId};
use chiso_core::memory::MemoryStore;
use chiso_core::methodology::MethodologySet;
use chiso_core::period::Period;
use chiso_core::records::*;
use chiso_core::storage::Storage;
use chiso_core::time::{parse_instant, Date, Instant};

fn at(text: &str) -> Instant {
    parse_instant(text)
        .unwrap_or_else(|| panic!("bad instant {text}"))
        .instant
}

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

fn march() -> Period {
    Period::parse("2024-03").unwrap()
}

/// Tết-like holiday on Tuesday 05/03/2024 to test working days.
fn calendar() -> Calendar {
    Calendar::new([day("2024-03-05")])
}

fn procedure(max_days: u32) -> Procedure {
    let mut p = Procedure::new("1.000001", "Đăng ký khai sinh");
    p.max_days = Some(max_days);
    p
}

fn dossier(received: &str) -> Dossier {
    Dossier::new("HS", "U1", "1.000001", at(received))
}

/// (in the 2.1 denominator, late) for a dossier in March 2024.
fn timeliness(d: &Dossier, p: &Procedure) -> (bool, bool) {
    let c = measures::dossier_contribution(d, Some((1, p)), &calendar());
    let m = measures::dossier_measures(&c, &march());
    (
        m.contains(&Measure::TimelinessTotal),
        m.contains(&Measure::TimelinessLate),
    )
}

#[test]
fn timeliness_cases_of_methodology_section_3() {
    let p = procedure(5);
    type Case = (&'static str, fn(&mut Dossier), (bool, bool));
    let cases: Vec<Case> = vec![
        (
            "finished before the due date",
            |d| {
                d.due_at = Some(at("2024-03-08 17:00"));
                d.finished_at = Some(at("2024-03-07 09:00"));
            },
            (true, false),
        ),
        (
            "finished after the due date",
            |d| {
                d.due_at = Some(at("2024-03-08 17:00"));
                d.finished_at = Some(at("2024-03-12 09:00"));
            },
            (true, true),
        ),
        (
            "supplement days deducted",
            |d| {
                d.due_at = Some(at("2024-03-08 17:00"));
                d.finished_at = Some(at("2024-03-12 09:00"));
                d.supplement_requests = 1;
                d.supplement_requested_at = Some(at("2024-03-04 10:00"));
                d.supplement_days = 4;
            },
            (true, false),
        ),
        (
            "supplement days not enough",
            |d| {
                d.due_at = Some(at("2024-03-08 17:00"));
                d.finished_at = Some(at("2024-03-12 09:00"));
                d.supplement_requests = 1;
                d.supplement_days = 2;
            },
            (true, true),
        ),
        (
            "waiting for a supplement requested before the due date",
            |d| {
                d.due_at = Some(at("2024-03-08 17:00"));
                d.status = DossierStatus::SupplementRequested;
                d.supplement_requests = 1;
                d.supplement_requested_at = Some(at("2024-03-06 10:00"));
            },
            (true, false),
        ),
        (
            "waiting for a supplement requested after the due date",
            |d| {
                d.due_at = Some(at("2024-03-08 17:00"));
                d.status = DossierStatus::SupplementRequested;
                d.supplement_requests = 1;
                d.supplement_requested_at = Some(at("2024-03-11 10:00"));
            },
            (true, true),
        ),
        (
            "more than one supplement request",
            |d| {
                d.due_at = Some(at("2024-03-20 17:00"));
                d.finished_at = Some(at("2024-03-07 09:00"));
                d.supplement_requests = 2;
                d.supplement_requested_at = Some(at("2024-03-05 10:00"));
            },
            (true, true),
        ),
        // Received Friday 01/03; 5 working days skipping the holiday on 05/03: 04, 06, 07, 08, 11.
        (
            "no due date: within the working days, holiday skipped",
            |d| {
                d.finished_at = Some(at("2024-03-11 16:00"));
            },
            (true, false),
        ),
        (
            "no due date: one working day too many",
            |d| {
                d.finished_at = Some(at("2024-03-12 08:00"));
            },
            (true, true),
        ),
        (
            "handler not named",
            |d| {
                d.due_at = Some(at("2024-03-20 17:00"));
                d.finished_at = Some(at("2024-03-07 09:00"));
                d.handler_named = false;
            },
            (true, true),
        ),
        (
            "open at period end, due later",
            |d| {
                d.due_at = Some(at("2024-04-05 17:00"));
                d.status = DossierStatus::Processing;
            },
            (true, false),
        ),
        (
            "open at period end, due passed",
            |d| {
                d.due_at = Some(at("2024-03-25 17:00"));
                d.status = DossierStatus::Processing;
            },
            (true, true),
        ),
        (
            "finished after period end, due passed within the period",
            |d| {
                d.due_at = Some(at("2024-03-25 17:00"));
                d.finished_at = Some(at("2024-04-03 09:00"));
            },
            (true, true),
        ),
        (
            "finished after period end, due after it too",
            |d| {
                d.due_at = Some(at("2024-04-05 17:00"));
                d.finished_at = Some(at("2024-04-03 09:00"));
            },
            (true, false),
        ),
        (
            "due date without a time is the end of that day",
            |d| {
                d.due_at = Some(day("2024-03-08").end());
                d.finished_at = Some(at("2024-03-08 22:00"));
            },
            (true, false),
        ),
    ];
    for (name, setup, expected) in cases {
        let mut d = dossier("2024-03-01 08:30");
        setup(&mut d);
        assert_eq!(timeliness(&d, &p), expected, "{name}");
    }
}

#[test]
fn carried_over_and_out_of_period_dossiers() {
    let p = procedure(5);
    let mut carried = dossier("2024-02-26 08:00");
    carried.due_at = Some(at("2024-03-04 17:00"));
    carried.finished_at = Some(at("2024-03-01 09:00"));
    assert_eq!(
        timeliness(&carried, &p),
        (true, false),
        "open when March began, finished in March"
    );
    let c = measures::dossier_contribution(&carried, Some((1, &p)), &calendar());
    assert!(!measures::dossier_measures(&c, &march()).contains(&Measure::DossiersReceived));

    let mut carried_late = carried.clone();
    carried_late.due_at = Some(at("2024-02-28 17:00"));
    assert_eq!(
        timeliness(&carried_late, &p),
        (true, true),
        "carried over and already late"
    );

    let mut done_before = dossier("2024-02-10 08:00");
    done_before.finished_at = Some(at("2024-02-20 08:00"));
    assert_eq!(
        timeliness(&done_before, &p),
        (false, false),
        "finished before March"
    );

    let after = dossier("2024-04-01 08:00");
    assert_eq!(
        timeliness(&after, &p),
        (false, false),
        "received after the period"
    );
}

fn dossier_flags(d: &Dossier, p: &Procedure) -> Vec<Measure> {
    let c = measures::dossier_contribution(d, Some((1, p)), &calendar());
    measures::dossier_measures(&c, &march())
}

#[test]
fn online_payment_and_digitisation_cases() {
    let mut p = procedure(5);
    p.paper_result = true;
    p.has_fee = true;
    let mut d = dossier("2024-03-04 08:00");
    d.channel = Channel::Online;
    d.fee_amount = 50_000;
    d.paid_online = 1;
    d.digitized = true;
    let m = dossier_flags(&d, &p);
    assert!(m.contains(&Measure::DossiersPaidOnline) && m.contains(&Measure::DossiersFee));
    assert!(m.contains(&Measure::DossiersPaperResult));
    assert!(
        !m.contains(&Measure::DossiersOnline),
        "online but paper result without e-result does not count (3.3)"
    );
    assert!(
        !m.contains(&Measure::DossiersDigitized),
        "digitised input without e-result does not count (6.2)"
    );
    d.e_result = true;
    let m = dossier_flags(&d, &p);
    assert!(
        m.contains(&Measure::DossiersOnline)
            && m.contains(&Measure::DossiersEResult)
            && m.contains(&Measure::DossiersDigitized)
    );

    d.fee_amount = 0;
    let m = dossier_flags(&d, &p);
    assert!(
        !m.contains(&Measure::DossiersFee),
        "fees all zero leave the 4.2 denominator"
    );

    d.rating = Some(Rating::Unsatisfied);
    assert!(dossier_flags(&d, &p).contains(&Measure::DossiersNegative));
}

fn feedback(received: &str) -> Feedback {
    Feedback {
        id: "PA1".into(),
        unit_code: "U1".into(),
        received_at: at(received),
        outcome: FeedbackOutcome::Pending,
        handled_at: None,
        published_at: None,
        likes: 0,
        dislikes: 0,
        repeated: false,
    }
}

fn feedback_flags(f: &Feedback) -> Vec<Measure> {
    measures::feedback_measures(&measures::feedback_contribution(f, &calendar()), &march())
}

#[test]
fn feedback_cases() {
    // Answered in 3 working days and published the next day: on time, satisfied.
    let mut f = feedback("2024-03-01 09:00");
    f.outcome = FeedbackOutcome::Answered;
    f.handled_at = Some(at("2024-03-07 09:00"));
    f.published_at = Some(at("2024-03-08 09:00"));
    let m = feedback_flags(&f);
    assert!(
        m.contains(&Measure::FeedbackHandlingTotal) && !m.contains(&Measure::FeedbackHandlingLate)
    );
    assert!(!m.contains(&Measure::FeedbackUnsatisfied));

    f.dislikes = 3;
    f.likes = 1;
    assert!(
        feedback_flags(&f).contains(&Measure::FeedbackUnsatisfied),
        "more dislikes than likes"
    );

    let mut late = feedback("2024-03-01 09:00");
    late.outcome = FeedbackOutcome::Refused;
    late.handled_at = Some(at("2024-03-08 09:00")); // refusal allowed within 2 working days
    let m = feedback_flags(&late);
    assert!(
        m.contains(&Measure::FeedbackHandlingLate) && m.contains(&Measure::FeedbackUnsatisfied)
    );

    let pending = feedback("2024-03-25 09:00");
    let m = feedback_flags(&pending);
    assert!(
        m.contains(&Measure::FeedbackHandlingTotal) && !m.contains(&Measure::FeedbackHandlingLate),
        "pending, deadline not reached"
    );
    let old_pending = feedback("2024-02-01 09:00");
    assert!(
        feedback_flags(&old_pending).contains(&Measure::FeedbackHandlingLate),
        "pending past 15 working days"
    );
}

/// The reference backend holding these records (units and procedures by id).
fn memory(
    mut units: Vec<(UnitId, Unit)>,
    procedures: HashMap<ProcedureId, Procedure>,
    records: UnitRecords,
) -> MemoryStore {
    units.sort_by_key(|(id, _)| *id);
    let mut procedures: Vec<(ProcedureId, Procedure)> = procedures.into_iter().collect();
    procedures.sort_by_key(|(id, _)| *id);
    let holidays = vec![Holiday {
        date: day("2024-03-05"),
        name: "nghỉ".into(),
    }];
    MemoryStore::with_records(
        units.into_iter().map(|(_, u)| u).collect(),
        procedures.into_iter().map(|(_, p)| p).collect(),
        holidays,
        records,
    )
    .expect("valid records")
}

fn unit(code: &str, parent: Option<&str>, kind: UnitKind) -> Unit {
    Unit {
        code: code.into(),
        name: format!("Đơn vị {code}"),
        parent_code: parent.map(String::from),
        kind,
        valid_from: None,
        valid_to: None,
        successor_code: None,
        scored: true,
    }
}

fn small_province() -> MemoryStore {
    let units = vec![
        (1, unit("P", None, UnitKind::Province)),
        (2, unit("A", Some("P"), UnitKind::Commune)),
        (3, unit("B", Some("P"), UnitKind::Commune)),
    ];
    let mut p = procedure(5);
    p.online_level = OnlineLevel::Full;
    let mut records = UnitRecords::default();
    for (i, (code, late)) in [("A", false), ("A", true), ("B", false), ("B", false)]
        .iter()
        .enumerate()
    {
        let mut d = Dossier::new(&format!("HS{i}"), code, "1.000001", at("2024-06-10 08:00"));
        d.due_at = Some(at("2024-06-14 17:00"));
        d.finished_at = Some(if *late {
            at("2024-06-20 08:00")
        } else {
            at("2024-06-12 08:00")
        });
        d.channel = if i % 2 == 0 {
            Channel::Online
        } else {
            Channel::InPerson
        };
        records.dossiers.push(d);
    }
    memory(units, [(1, p)].into_iter().collect(), records)
}

#[test]
fn explain_lists_failed_records_first_with_the_reason() {
    let store = small_province();
    let set = MethodologySet::builtin();
    let e = engine::explain(&store, &set, &Period::parse("2024-06").unwrap(), "A", "2.1").unwrap();
    assert_eq!(e.items.len(), 2);
    assert!(e.items[0].failed);
    assert_eq!(e.items[0].id, "HS1");
    assert_eq!(
        e.items[0].reason.as_deref(),
        Some("trễ hạn: kết thúc xử lý 20/06/2024, hạn trả 14/06/2024")
    );
    assert!(!e.items[1].failed);
}

#[test]
fn parent_equals_the_sum_of_its_children() {
    let store = small_province();
    let period = Period::parse("2024-06").unwrap();
    let h = store.hierarchy().unwrap();
    let values = engine::rolled_up_measures(
        &store,
        &h,
        &store.catalogue().unwrap(),
        &calendar(),
        &period,
    )
    .unwrap();
    for m in [
        Measure::DossiersReceived,
        Measure::TimelinessTotal,
        Measure::TimelinessLate,
        Measure::DossiersOnline,
    ] {
        assert_eq!(
            values[&1].get(m),
            values[&2].get(m) + values[&3].get(m),
            "{m:?}"
        );
    }
    assert_eq!(values[&1].get(Measure::DossiersReceived), 4);
    // Sets merge: the one procedure is counted once at the province.
    assert_eq!(values[&1].get(Measure::ProceduresServed), 1);
}

#[test]
fn a_range_across_the_switch_is_scored_with_the_version_in_force_at_its_end() {
    let mut store = small_province();
    // Data up to the end of 2025, so that every period below is over in it.
    let mut later = Dossier::new("HS9", "B", "1.000001", at("2025-12-31 08:00"));
    later.finished_at = Some(at("2025-12-31 23:59:59"));
    {
        use chiso_core::storage::Batch;
        let mut batch = store.batch("dossiers", "later").unwrap();
        batch.put_dossier(&later).unwrap();
        batch.commit(1).unwrap();
    }
    let set = MethodologySet::builtin();
    let score = |p: &str| {
        engine::score(&store, &set, &Period::parse(p).unwrap())
            .unwrap()
            .methodology
    };
    assert_eq!(score("2025-06-15..2025-07-15"), "766-2026");
    assert_eq!(score("2025-06-01..2025-06-30"), "766-2023");
    assert_eq!(score("2025-06"), "766-2023");
    assert_eq!(score("2025-07"), "766-2026");
    assert_eq!(score("2025-Q2"), "766-2023");
    assert_eq!(score("2025-H2"), "766-2026");
    // The ranking is among peers; the previous period uses its own version.
    let sheet = engine::score(&store, &set, &Period::parse("2024-06").unwrap()).unwrap();
    let a = sheet.unit("A").unwrap();
    let b = sheet.unit("B").unwrap();
    assert_eq!((b.rank, a.rank, a.rank_of), (Some(1), Some(2), 2));
    assert!(sheet.unit("P").unwrap().rank == Some(1));
}

/// A province whose data ends on Friday 30/10/2026 at 10:00 (the latest
/// instant any record reports), with open dossiers due before that instant,
/// later the same day and in November, and an open feedback item.
fn province_ending_30_october() -> MemoryStore {
    let units = vec![
        (1, unit("P", None, UnitKind::Province)),
        (2, unit("A", Some("P"), UnitKind::Commune)),
        (3, unit("B", Some("P"), UnitKind::Commune)),
    ];
    let mut p = procedure(5);
    p.online_level = OnlineLevel::Full;
    let mut records = UnitRecords::default();
    let mut add = |id: &str, unit: &str, received: &str, due: &str, finished: Option<&str>| {
        let mut d = Dossier::new(id, unit, "1.000001", at(received));
        d.due_at = Some(at(due));
        d.finished_at = finished.map(at);
        d.status = if finished.is_some() {
            DossierStatus::Finished
        } else {
            DossierStatus::Processing
        };
        records.dossiers.push(d);
    };
    add(
        "A1",
        "A",
        "2026-09-28 08:00",
        "2026-10-02 17:00",
        Some("2026-10-01 09:00"),
    );
    add("A2", "A", "2026-10-12 08:00", "2026-10-20 17:00", None); // late by 30/10
    add("A3", "A", "2026-10-26 08:00", "2026-10-30 16:00", None); // due after the data, same day
    add("A4", "A", "2026-10-29 08:00", "2026-11-05 17:00", None); // due in November
    add(
        "B1",
        "B",
        "2026-10-05 08:00",
        "2026-10-09 17:00",
        Some("2026-10-08 09:00"),
    );
    add(
        "B2",
        "B",
        "2026-10-19 08:00",
        "2026-10-23 17:00",
        Some("2026-10-30 10:00"),
    ); // the last instant
    add("B3", "B", "2026-10-27 08:00", "2026-11-03 17:00", None);
    records.feedback.push(Feedback {
        id: "PA1".into(),
        unit_code: "A".into(),
        received_at: at("2026-10-20 08:00"),
        outcome: FeedbackOutcome::Pending,
        handled_at: None,
        published_at: None,
        likes: 0,
        dislikes: 0,
        repeated: false,
    });
    memory(units, [(1, p)].into_iter().collect(), records)
}

#[test]
fn the_data_is_as_of_the_latest_instant_its_records_report() {
    let store = province_ending_30_october();
    assert_eq!(store.as_of().unwrap(), Some(at("2026-10-30 10:00")));
    assert_eq!(UnitRecords::default().as_of(), None);
}

#[test]
fn a_period_past_the_data_is_judged_as_of_the_data() {
    let store = province_ending_30_october();
    let set = MethodologySet::builtin();
    let score = |p: &str| engine::score(&store, &set, &Period::parse(p).unwrap()).unwrap();
    let quarter = score("2026-Q4");
    assert_eq!(quarter.period.code(), "2026-Q4", "the period as asked");
    assert_eq!(quarter.as_of, Some(at("2026-10-30 10:00")));
    assert_eq!(quarter.previous_period.code(), "2026-Q3");
    // Exactly the range up to the data's last day (itself judged at the same instant).
    let range = score("2026-10-01..2026-10-30");
    assert_eq!(range.as_of, quarter.as_of);
    let month = score("2026-10");
    for other in [&range, &month] {
        assert_eq!(other.methodology, quarter.methodology);
        assert_eq!(other.units.len(), quarter.units.len());
        for (a, b) in quarter.units.iter().zip(&other.units) {
            assert_eq!(
                (
                    &a.code,
                    a.total,
                    a.rank,
                    &a.groups,
                    &a.criteria,
                    &a.measures
                ),
                (
                    &b.code,
                    b.total,
                    b.rank,
                    &b.groups,
                    &b.criteria,
                    &b.measures
                )
            );
        }
    }
    // Only A2 is late: A3 (due at 16:00 the same day), A4 and B3 (due in
    // November) are not, as nothing after 30/10 10:00 has happened.
    let a = quarter.unit("A").unwrap();
    assert_eq!(a.measures.get(Measure::TimelinessTotal), 4);
    assert_eq!(a.measures.get(Measure::TimelinessLate), 1);
    let b = quarter.unit("B").unwrap();
    assert_eq!(b.measures.get(Measure::TimelinessTotal), 3);
    assert_eq!(
        b.measures.get(Measure::TimelinessLate),
        1,
        "B2 finished late"
    );
    // Judged at the period's end instead, the open dossiers due later count as late.
    let at_end = engine::accumulate_records(
        &store.hierarchy().unwrap(),
        &store.catalogue().unwrap(),
        &calendar(),
        &store
            .records_for(&[1, 2], &Period::parse("2026-Q4").unwrap())
            .unwrap(),
        &Period::parse("2026-Q4").unwrap(),
    );
    assert_eq!(at_end[&2].values.get(Measure::TimelinessLate), 3);
    assert_eq!(at_end[&2].values.get(Measure::FeedbackHandlingLate), 1);
    assert_eq!(
        a.measures.get(Measure::FeedbackHandlingLate),
        0,
        "8 working days"
    );
    // Explain judges the same way.
    let e = engine::explain(&store, &set, &Period::parse("2026-Q4").unwrap(), "A", "2.1").unwrap();
    assert_eq!(e.as_of, quarter.as_of);
    let failed: Vec<&str> = e
        .items
        .iter()
        .filter(|i| i.failed)
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(failed, ["A2"]);
    assert_eq!(
        e.items[0].reason.as_deref(),
        Some("trễ hạn: chưa xử lý xong đến 30/10/2026, hạn trả 20/10/2026")
    );
    // A period the data covers is judged at its end, as before.
    let september = score("2026-09");
    assert_eq!(september.as_of, None);
    assert_eq!(september.period.code(), "2026-09");
}

#[test]
fn a_period_after_the_data_or_without_data_is_refused() {
    let store = province_ending_30_october();
    let set = MethodologySet::builtin();
    for p in ["2027-05", "2026-11", "2026-10-31..2026-11-30", "2027"] {
        let e = engine::score(&store, &set, &Period::parse(p).unwrap()).unwrap_err();
        let text = e.to_string();
        assert!(
            matches!(
                e,
                engine::EngineError::NotJudgeable(
                    chiso_core::period::NotJudgeable::AfterData { .. }
                )
            ),
            "{p}: {text}"
        );
        assert!(text.contains("30/10/2026") && text.contains(p), "{text}");
        assert!(engine::explain(&store, &set, &Period::parse(p).unwrap(), "A", "2.1").is_err());
    }
    let empty = MemoryStore::with_records(
        store.unit_list().unwrap(),
        store.procedure_list().unwrap(),
        vec![],
        UnitRecords::default(),
    )
    .expect("valid");
    let e = engine::score(&empty, &set, &Period::parse("2026-10").unwrap()).unwrap_err();
    assert!(matches!(
        e,
        engine::EngineError::NotJudgeable(chiso_core::period::NotJudgeable::NoData { .. })
    ));
    assert!(e.to_string().contains("chiso import"), "{e}");
}
