//! Maintained measures against the raw records, through the real SQLite store:
//! incremental == rebuilt (with replaced records), counters == recomputation
//! for months, quarters, halves and years, and sums over months and children.

use std::collections::HashMap;

use chiso_core::calendar::Holiday;
use chiso_core::engine::{self, IndexStore};
use chiso_core::measures::{Measure, MeasureValues, UnitId};
use chiso_core::period::Period;
use chiso_core::records::*;
use chiso_core::time::{Date, Instant, Month};
use chiso_store::Store;

/// splitmix64: deterministic test data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
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

fn units() -> Vec<Unit> {
    let mut old = unit("H1", Some("P"), UnitKind::District);
    old.valid_to = Date::parse("2024-03-31");
    old.successor_code = Some("X2".into());
    vec![
        unit("P", None, UnitKind::Province),
        unit("S1", Some("P"), UnitKind::Department),
        unit("X1", Some("P"), UnitKind::Commune),
        unit("X2", Some("P"), UnitKind::Commune),
        old,
    ]
}

fn procedures() -> Vec<Procedure> {
    (0..8)
        .map(|i| {
            let mut p = Procedure::new(&format!("1.00{i}"), &format!("Thủ tục {i}"));
            p.max_days = Some(3 + i);
            p.has_fee = i % 2 == 0;
            p.paper_result = i % 3 != 0;
            p.online_level =
                [OnlineLevel::None, OnlineLevel::Partial, OnlineLevel::Full][(i % 3) as usize];
            p.citizen_facing = i != 7;
            p.citizen_data_connected = i % 2 == 1;
            p.decision_date = Date::parse("2024-01-15").map(|d| d.add_days(i as i32 * 20));
            p.legal_effective_date = p
                .decision_date
                .map(|d| d.add_days(if i % 3 == 0 { 3 } else { 20 }));
            p.published_at = p.decision_date.map(|d| d.add_days(i as i32 % 4 * 3));
            p.complete_parts = i != 4;
            p
        })
        .collect()
}

fn dossier(rng: &mut Rng, i: usize) -> Dossier {
    let codes = ["S1", "X1", "X2", "H1"];
    let start = Date::parse("2024-01-01").unwrap().start().unix();
    let received = Instant::from_unix(start + rng.below(182 * 86_400) as i64);
    let mut d = Dossier::new(
        &format!("HS{i:05}"),
        codes[rng.below(4) as usize],
        &format!("1.00{}", rng.below(8)),
        received,
    );
    d.channel = if rng.chance(60) {
        Channel::Online
    } else {
        Channel::InPerson
    };
    if rng.chance(80) {
        d.due_at = Some(received.add_seconds(86_400 * (2 + rng.below(12)) as i64));
    }
    let duration = 3_600 * rng.below(24 * 25) as i64;
    match rng.below(10) {
        0 => d.status = DossierStatus::Processing,
        1 => {
            d.status = DossierStatus::SupplementRequested;
            d.supplement_requests = 1 + rng.below(2) as u32;
            d.supplement_requested_at = Some(received.add_seconds(duration / 2));
        }
        _ => {
            d.status = DossierStatus::Finished;
            d.finished_at = Some(received.add_seconds(duration));
            if rng.chance(20) {
                d.supplement_requests = 1 + rng.below(2) as u32;
                d.supplement_days = rng.below(6) as u32;
            }
        }
    }
    d.synced = rng.chance(90);
    d.fee_amount = if rng.chance(70) { 50_000 } else { 0 };
    d.paid_online = if rng.chance(40) {
        1 + rng.below(2) as u8
    } else {
        0
    };
    d.e_result = rng.chance(60);
    d.digitized = rng.chance(70);
    d.reused_data = rng.chance(30);
    d.handler_named = !rng.chance(3);
    d.personal_store_synced = rng.chance(10);
    d.citizen_data_used = rng.chance(50);
    d.rating = if rng.chance(5) {
        Some(Rating::Unsatisfied)
    } else {
        None
    };
    d.complaint = rng.chance(2);
    d
}

fn feedback(rng: &mut Rng, i: usize) -> Feedback {
    let start = Date::parse("2024-01-01").unwrap().start().unix();
    let received = Instant::from_unix(start + rng.below(182 * 86_400) as i64);
    let outcome = [
        FeedbackOutcome::Pending,
        FeedbackOutcome::Answered,
        FeedbackOutcome::Refused,
        FeedbackOutcome::SupplementRequested,
    ][rng.below(4) as usize];
    let handled = (outcome != FeedbackOutcome::Pending)
        .then(|| received.add_seconds(86_400 * rng.below(30) as i64));
    Feedback {
        id: format!("PA{i}"),
        unit_code: ["S1", "X1", "X2"][rng.below(3) as usize].into(),
        received_at: received,
        outcome,
        handled_at: handled,
        published_at: handled
            .filter(|_| rng.chance(80))
            .map(|h| h.add_seconds(86_400 * rng.below(5) as i64)),
        likes: rng.below(4) as u32,
        dislikes: rng.below(3) as u32,
        repeated: rng.chance(5),
    }
}

fn load(store: &mut Store) {
    load_as_of(store, None);
}

/// A dossier as the data stood at `t`: events after it not yet happened.
fn dossier_at(mut d: Dossier, t: Instant) -> Option<Dossier> {
    if d.received_at > t {
        return None;
    }
    if d.supplement_requested_at.is_some_and(|s| s > t) {
        d.supplement_requested_at = None;
        d.supplement_requests = 0;
        d.supplement_days = 0;
        d.status = DossierStatus::Processing;
    }
    if d.finished_at.is_some_and(|f| f > t) || d.returned_at.is_some_and(|r| r > t) {
        (d.finished_at, d.returned_at) = (None, None);
        d.status = DossierStatus::Processing;
    }
    Some(d)
}

/// A feedback item as the data stood at `t`.
fn feedback_at(mut f: Feedback, t: Instant) -> Option<Feedback> {
    if f.received_at > t {
        return None;
    }
    if f.published_at.is_some_and(|p| p > t) {
        f.published_at = None;
    }
    if f.handled_at.is_some_and(|h| h > t) {
        (f.handled_at, f.published_at) = (None, None);
        f.outcome = FeedbackOutcome::Pending;
    }
    Some(f)
}

/// The fixture, or (with `at`) the fixture as its data stood at that instant.
fn load_as_of(store: &mut Store, at: Option<Instant>) {
    load_flushing(store, at, None)
}

/// [`load_as_of`], the dossier writers flushing their measure book whenever
/// it holds more than `book` entries.
fn load_flushing(store: &mut Store, at: Option<Instant>, book: Option<usize>) {
    let keep_dossier = |d: Dossier| match at {
        Some(t) => dossier_at(d, t),
        None => Some(d),
    };
    let keep_feedback = |f: Feedback| match at {
        Some(t) => feedback_at(f, t),
        None => Some(f),
    };
    let mut w = store.writer("units", "test").unwrap();
    for u in units() {
        w.put_unit(&u).unwrap();
    }
    w.commit(5).unwrap();
    let mut w = store.writer("procedures", "test").unwrap();
    for p in procedures() {
        w.put_procedure(&p).unwrap();
    }
    w.commit(8).unwrap();
    let mut w = store.writer("holidays", "test").unwrap();
    for day in [
        "2024-01-01",
        "2024-02-08",
        "2024-02-09",
        "2024-02-12",
        "2024-02-13",
        "2024-02-14",
        "2024-04-18",
        "2024-04-30",
        "2024-05-01",
    ] {
        w.put_holiday(&Holiday {
            date: Date::parse(day).unwrap(),
            name: "Nghỉ lễ".into(),
        })
        .unwrap();
    }
    w.commit(9).unwrap();

    let mut rng = Rng(42);
    // Two batches of dossiers, then a batch of replacements of earlier keys.
    for batch in 0..2 {
        let mut w = store.writer("dossiers", "test").unwrap();
        if let Some(n) = book {
            w.flush_measures_above(n);
        }
        for i in batch * 1500..(batch + 1) * 1500 {
            if let Some(d) = keep_dossier(dossier(&mut rng, i)) {
                w.put_dossier(&d).unwrap();
            }
        }
        w.commit(1500).unwrap();
    }
    let mut w = store.writer("dossiers", "test").unwrap();
    if let Some(n) = book {
        w.flush_measures_above(n);
    }
    for n in 0..400 {
        let i = rng.below(3000) as usize;
        if let Some(d) = keep_dossier(dossier(&mut rng, i)) {
            w.put_dossier(&d).unwrap();
        }
        let _ = n;
    }
    let counts = w.commit(400).unwrap();
    assert!(
        counts.replaced > 300 || at.is_some(),
        "replacements exercised: {counts:?}"
    );

    let mut w = store.writer("feedback", "test").unwrap();
    for i in 0..300 {
        if let Some(f) = keep_feedback(feedback(&mut rng, i)) {
            w.put_feedback(&f).unwrap();
        }
    }
    for _ in 0..50 {
        let i = rng.below(300) as usize;
        if let Some(f) = keep_feedback(feedback(&mut rng, i)) {
            w.put_feedback(&f).unwrap();
        }
    }
    w.commit(350).unwrap();
    let mut w = store.writer("counts", "test").unwrap();
    for m in 0..6 {
        for code in ["X1", "X2"] {
            let c = UnitCounts {
                unit_code: code.into(),
                month: Month::new(2024, 1 + m),
                verified_accounts: 100 + m as i64,
                e_certified_copies: 30,
                certification_dossiers: 70,
                population: 9_000,
            };
            w.put_counts(&c).unwrap();
        }
    }
    w.commit(12).unwrap();
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("test.db")).unwrap();
    load(&mut store);
    (dir, store)
}

#[test]
fn incremental_measures_equal_a_rebuild() {
    let (_dir, mut store) = store();
    let incremental = store.measure_dump().unwrap();
    let days = store.day_measure_dump().unwrap();
    assert!(incremental.len() > 50 && days.len() > incremental.len());
    store.rebuild().unwrap();
    assert_eq!(incremental, store.measure_dump().unwrap());
    assert_eq!(days, store.day_measure_dump().unwrap());
}

#[test]
fn a_measure_book_flushed_along_the_way_gives_the_same_counters() {
    let (_dir, whole) = store();
    let dir = tempfile::tempdir().unwrap();
    let mut flushed = Store::open(&dir.path().join("flushed.db")).unwrap();
    load_flushing(&mut flushed, None, Some(40));
    assert_eq!(
        whole.measure_dump().unwrap(),
        flushed.measure_dump().unwrap()
    );
    assert_eq!(
        whole.day_measure_dump().unwrap(),
        flushed.day_measure_dump().unwrap()
    );
}

/// Rolled-up measures of every unit for a period, from the maintained
/// counters and from the raw records.
fn both_ways(
    store: &Store,
    period: &Period,
) -> (
    HashMap<UnitId, MeasureValues>,
    HashMap<UnitId, MeasureValues>,
) {
    let h = store.hierarchy().unwrap();
    let catalogue = store.catalogue().unwrap();
    let cal = store.calendar().unwrap();
    let counters = engine::rolled_up_measures(store, &h, &catalogue, &cal, period).unwrap();
    let ids: Vec<UnitId> = h.units.iter().map(|(id, _)| *id).collect();
    let records = store.records_for(&ids, period).unwrap();
    let own = engine::accumulate_records(&h, &catalogue, &cal, &records, period);
    let catalogue_values =
        chiso_core::measures::catalogue_values(catalogue.values(), period, &cal, h.top_kind());
    let raw = h
        .roll_up(own, period)
        .into_iter()
        .map(|(id, a)| (id, a.finish(&catalogue, &catalogue_values)))
        .collect();
    (counters, raw)
}

#[test]
fn counters_equal_recomputation_from_records_for_every_period_kind() {
    let (_dir, store) = store();
    for p in [
        "2024-01",
        "2024-02",
        "2024-03",
        "2024-04",
        "2024-05",
        "2024-06",
        "2024-07",
        "2024-Q1",
        "2024-Q2",
        "2024-H1",
        "2024",
        "2024-05:ytd",
        // Date ranges: daily counters at both ends, months in between.
        "2024-02-10..2024-02-20",
        "2024-01-15..2024-04-10",
        "2024-03-31..2024-04-01",
        "2024-02-01..2024-03-15",
        "2024-06-05..2024-06-05",
    ] {
        let period = Period::parse(p).unwrap();
        let (counters, raw) = both_ways(&store, &period);
        for (id, v) in &raw {
            assert_eq!(&counters[id], v, "unit {id}, period {p}");
        }
        assert!(
            raw.values().any(|v| v.get(Measure::TimelinessLate) > 0)
                || p == "2024-07"
                || p.contains(".."),
            "{p} has late dossiers"
        );
    }
}

#[test]
fn a_quarter_is_the_sum_of_its_months_and_a_parent_the_sum_of_its_children() {
    let (_dir, store) = store();
    let quarter = both_ways(&store, &Period::parse("2024-Q1").unwrap()).0;
    let months: Vec<_> = ["2024-01", "2024-02", "2024-03"]
        .iter()
        .map(|m| both_ways(&store, &Period::parse(m).unwrap()).0)
        .collect();
    let additive = [
        Measure::DossiersReceived,
        Measure::DossiersOnline,
        Measure::DossiersPaidOnline,
        Measure::DossiersFee,
        Measure::DossiersEResult,
        Measure::DossiersDigitized,
        Measure::DossiersNegative,
        Measure::FeedbackReceived,
        Measure::ECertifiedCopies,
    ];
    for (id, q) in &quarter {
        for m in additive {
            let sum: i64 = months.iter().map(|v| v[id].get(m)).sum();
            assert_eq!(q.get(m), sum, "unit {id} {m:?}");
        }
    }
    // Parent = sum of children: H1 is a child of P until it ends (31/03/2024),
    // then rolls up into its successor X2.
    let h = store.hierarchy().unwrap();
    for p in ["2024-Q1", "2024-Q2"] {
        let period = Period::parse(p).unwrap();
        let values = both_ways(&store, &period).0;
        for parent in ["P", "X2"] {
            let children: Vec<UnitId> = h
                .units
                .iter()
                .filter(|(_, u)| h.rollup_target(u, &period) == Some(parent))
                .map(|(id, _)| *id)
                .collect();
            let parent_id = h.id_of(parent).unwrap();
            for m in additive
                .iter()
                .chain([Measure::TimelinessTotal, Measure::TimelinessLate].iter())
            {
                let own = if parent == "X2" {
                    own_values(&store, &period, parent_id, *m)
                } else {
                    0
                };
                let sum: i64 = children.iter().map(|c| values[c].get(*m)).sum::<i64>() + own;
                assert_eq!(values[&parent_id].get(*m), sum, "{parent} {p} {m:?}");
            }
        }
    }
}

/// A unit's own (not rolled-up) value of an additive measure.
fn own_values(store: &Store, period: &Period, unit: UnitId, m: Measure) -> i64 {
    let own = store.own_accumulators(period).unwrap();
    own.get(&unit).map_or(0, |a| a.values.get(m))
}

#[test]
fn scores_and_explain_through_the_store() {
    let (_dir, store) = store();
    let set = chiso_core::methodology::MethodologySet::builtin();
    let sheet = engine::score(&store, &set, &Period::parse("2024-04").unwrap()).unwrap();
    assert_eq!(sheet.methodology, "766-2023");
    let codes: Vec<&str> = sheet.units.iter().map(|u| u.code.as_str()).collect();
    assert!(
        !codes.contains(&"H1"),
        "a unit ended before the period's end is not scored: {codes:?}"
    );
    let x1 = sheet.unit("X1").unwrap();
    assert!(x1.total.is_some() && x1.previous_total.is_some() && x1.delta.is_some());
    // Inherited catalogue criteria are the province's.
    let p = sheet.unit("P").unwrap();
    let c11 = |u: &chiso_core::scoring::UnitScore| {
        u.criteria.iter().find(|c| c.id == "1.1").cloned().unwrap()
    };
    assert_eq!(c11(x1).points, c11(p).points);
    let e = engine::explain(
        &store,
        &set,
        &Period::parse("2024-04").unwrap(),
        "X1",
        "2.1",
    )
    .unwrap();
    let c21 = x1.criteria.iter().find(|c| c.id == "2.1").unwrap();
    assert_eq!(e.items.len() as i64, c21.denominator.unwrap());
    assert_eq!(
        e.items.iter().filter(|i| i.failed).count() as i64,
        c21.denominator.unwrap() - c21.numerator.unwrap()
    );
}

#[test]
fn the_as_of_instant_is_the_latest_instant_the_records_report() {
    let (_dir, store) = store();
    let h = store.hierarchy().unwrap();
    let ids: Vec<UnitId> = h.units.iter().map(|(id, _)| *id).collect();
    let all = store
        .records_for(&ids, &Period::parse("2000-01-01..2100-12-31").unwrap())
        .unwrap();
    let exact = all.as_of().unwrap();
    assert_eq!(store.as_of().unwrap(), Some(exact));
    assert!(
        exact > Date::parse("2024-06-30").unwrap().start(),
        "{}",
        exact.vn()
    );
    // Asked about an earlier moment, the store may answer from the indexes.
    let early = Date::parse("2024-03-31").unwrap().end();
    assert!(store.data_as_of(early).unwrap().unwrap() >= early);
    assert_eq!(store.data_as_of(exact.add_seconds(1)).unwrap(), Some(exact));
    // A declared instant counts when it is later, and never moves back.
    let declared = Date::parse("2024-12-31").unwrap().end();
    store.declare_as_of(declared).unwrap();
    store.declare_as_of(early).unwrap();
    assert_eq!(store.as_of().unwrap(), Some(declared));
}

#[test]
fn a_period_past_the_data_is_the_range_up_to_its_as_of_instant() {
    let (_dir, mut store) = store();
    let set = chiso_core::methodology::MethodologySet::builtin();
    let as_of = store.as_of().unwrap().unwrap();
    // Open dossiers received just before the data's end, due a month later.
    let mut w = store.writer("dossiers", "test").unwrap();
    for (i, unit) in ["S1", "X1", "X2"].iter().enumerate() {
        let mut d = Dossier::new(
            &format!("OPEN{i}"),
            unit,
            "1.001",
            as_of.add_seconds(-86_400),
        );
        d.due_at = Some(as_of.add_seconds(30 * 86_400));
        w.put_dossier(&d).unwrap();
    }
    w.commit(3).unwrap();
    assert_eq!(store.as_of().unwrap(), Some(as_of));
    let asked = Period::parse("2024-H2").unwrap();
    let sheet = engine::score(&store, &set, &asked).unwrap();
    assert_eq!((sheet.period, sheet.as_of), (asked, Some(as_of)));
    let judged = asked.judged(Some(as_of)).unwrap();
    assert_eq!(judged.end(), as_of);
    let (through_store, raw) = both_ways(&store, &judged);
    let at_period_end = both_ways(&store, &asked).1;
    let h = store.hierarchy().unwrap();
    for u in &sheet.units {
        let id = h.id_of(&u.code).unwrap();
        assert_eq!(u.measures, raw[&id], "{}", u.code);
        assert_eq!(through_store[&id], raw[&id], "{}", u.code);
        // Open dossiers due after the data are not late, as they are when
        // judged at the end of December.
        assert!(
            u.measures.get(Measure::TimelinessLate)
                <= at_period_end[&id].get(Measure::TimelinessLate)
        );
    }
    let p = h.id_of("P").unwrap();
    assert!(
        raw[&p].get(Measure::TimelinessLate) < at_period_end[&p].get(Measure::TimelinessLate),
        "some open dossiers fall due between the data's end and the period's"
    );
    let after = Period::parse("2025-01").unwrap();
    assert!(engine::score(&store, &set, &after).is_err());
}

#[test]
fn a_cut_period_from_counters_equals_the_raw_records() {
    let at = |t: &str| chiso_core::time::parse_instant(t).unwrap().instant;
    for (t, periods) in [
        (
            "2024-03-14 11:00",
            &["2024-03", "2024-Q1", "2024-H1", "2024"][..],
        ),
        (
            "2024-05-31 16:00",
            &["2024-05", "2024-Q2", "2024-05:ytd"][..],
        ),
        ("2024-04-01 00:30", &["2024-04", "2024-Q2"][..]),
        (
            "2024-06-20 09:00",
            &[
                "2024-06",
                "2024-H1",
                "2024-06-01..2024-06-30",
                "2024-06-10..2024-06-30",
                "2024-05-15..2024-06-30",
            ][..],
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        load_as_of(&mut store, Some(at(t)));
        let as_of = store.as_of().unwrap().unwrap();
        assert!(as_of <= at(t) && as_of.month() == at(t).month(), "{t}");
        let mut corrected = 0;
        for p in periods {
            let asked = Period::parse(p).unwrap();
            let cut = engine::judged_period(&store, &asked).unwrap();
            assert!(cut.cutoff.is_some() && cut.whole_months().is_none(), "{p}");
            // Final values (derived measures are made by `finish`), rolled up.
            let (h, catalogue, cal) = (
                store.hierarchy().unwrap(),
                store.catalogue().unwrap(),
                store.calendar().unwrap(),
            );
            let finish = |own| engine::finish_measures(&h, &catalogue, &cal, own, &cut);
            let from_counters = finish(store.own_accumulators(&cut).unwrap());
            let raw_own = store.accumulate_from_records(&cut).unwrap();
            assert_eq!(from_counters, finish(raw_own.clone()), "{t} {p}");
            let raw = raw_own;
            // The correction mattered: the days judged at the end of the last differ.
            let uncut = Period::range(cut.from, cut.to);
            let at_month_end = store.own_accumulators(&uncut).unwrap();
            corrected += raw
                .iter()
                .filter(|(id, a)| {
                    at_month_end
                        .get(id)
                        .map(|m| m.values.get(Measure::TimelinessLate))
                        != Some(a.values.get(Measure::TimelinessLate))
                })
                .count();
        }
        assert!(corrected > 0, "{t}: open dossiers fall due after the data");
    }
}

#[test]
fn a_period_cut_at_the_end_of_a_day_from_counters_equals_the_raw_records() {
    let at = chiso_core::time::parse_instant("2024-06-20 23:59:59")
        .unwrap()
        .instant;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    load_as_of(&mut store, Some(at));
    store.declare_as_of(at).unwrap();
    for p in [
        "2024-06",
        "2024-Q2",
        "2024-06-10..2024-06-30",
        "2024-05-15..2024-07-01",
    ] {
        let cut = engine::judged_period(&store, &Period::parse(p).unwrap()).unwrap();
        assert_eq!(cut.end(), cut.to.end(), "{p}: cut at the end of a day");
        let (h, catalogue, cal) = (
            store.hierarchy().unwrap(),
            store.catalogue().unwrap(),
            store.calendar().unwrap(),
        );
        let finish = |own| engine::finish_measures(&h, &catalogue, &cal, own, &cut);
        assert_eq!(
            finish(store.own_accumulators(&cut).unwrap()),
            finish(store.accumulate_from_records(&cut).unwrap()),
            "{p}"
        );
    }
}

#[test]
fn a_database_from_before_the_end_column_is_migrated_and_scores_the_same() {
    let (dir, store) = store();
    let set = store.methodologies().unwrap();
    let periods = ["2024-03", "2024-02-10..2024-04-20", "2024-Q1"];
    let score = |s: &Store| -> Vec<String> {
        periods
            .iter()
            .map(|p| {
                let sheet = engine::score(s, &set, &Period::parse(p).unwrap()).unwrap();
                format!(
                    "{:?}",
                    sheet.units.iter().map(|u| u.total).collect::<Vec<_>>()
                )
            })
            .collect()
    };
    let before = score(&store);
    // The file as schema 4 left it: no end-of-processing column, accounts, day
    // counters, journals or targets.
    store
        .connection()
        .execute_batch(
            "DROP TABLE targets; DROP TABLE journal_entries; DROP TABLE journals; \
             DROP TABLE audit_log; DROP TABLE api_tokens; DROP TABLE sessions; DROP TABLE users; \
             DROP TABLE day_measures; DROP TABLE late_by_received_day; \
             DROP TABLE procedure_use_day; ALTER TABLE dossiers DROP COLUMN ended_at; \
             PRAGMA user_version = 4;",
        )
        .unwrap();
    drop(store);
    let store = Store::open(&dir.path().join("test.db")).unwrap();
    let (filled, ended): (i64, i64) = store
        .connection()
        .query_row(
            "SELECT count(ended_at), count(*) FILTER (WHERE finished_at IS NOT NULL OR returned_at IS NOT NULL) FROM dossiers",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(filled >= ended && ended > 0, "{filled} {ended}");
    assert_eq!(score(&store), before);
}
