//! Ahead of the month: the early warning on constructed cases, the what-if
//! against a rescoring of changed records through the in-memory reference
//! backend (they must agree exactly), and the projection's limits.

use chiso_core::calendar::Holiday;
use chiso_core::engine::{self, IndexStore, UnitRecords};
use chiso_core::forecast;
use chiso_core::memory::MemoryStore;
use chiso_core::methodology::MethodologySet;
use chiso_core::period::Period;
use chiso_core::records::*;
use chiso_core::scene::Scene;
use chiso_core::storage::Storage;
use chiso_core::time::{parse_instant, Date, Instant};
use chiso_core::warn;
use chiso_core::whatif::{self, Lever, Scenario};

fn at(text: &str) -> Instant {
    parse_instant(text)
        .unwrap_or_else(|| panic!("bad instant {text}"))
        .instant
}

fn unit(code: &str, parent: Option<&str>, kind: UnitKind) -> Unit {
    Unit {
        code: code.into(),
        name: format!("Đơn vị {code}"),
        parent_code: parent.map(str::to_string),
        kind,
        valid_from: None,
        valid_to: None,
        successor_code: None,
        scored: true,
    }
}

fn units() -> Vec<Unit> {
    vec![
        unit("P", None, UnitKind::Province),
        unit("C1", Some("P"), UnitKind::Commune),
        unit("C2", Some("P"), UnitKind::Commune),
        unit("C3", Some("P"), UnitKind::Commune),
    ]
}

fn procedures() -> Vec<Procedure> {
    let mut a = Procedure::new("1.0001", "Đăng ký khai sinh");
    a.max_days = Some(5);
    a.online_level = OnlineLevel::Full;
    a.paper_result = true;
    let mut b = Procedure::new("1.0002", "Cấp phép xây dựng");
    b.max_days = Some(10);
    b.has_fee = true;
    b.online_level = OnlineLevel::Partial;
    vec![a, b]
}

/// A holiday on Monday 01/04/2024 (working days are counted around it).
fn holidays() -> Vec<Holiday> {
    vec![Holiday {
        date: Date::parse("2024-04-01").unwrap(),
        name: "Nghỉ bù".into(),
    }]
}

/// The data's instant: Thursday 28/03/2024, 12:00.
const NOW: &str = "2024-03-28 12:00";

fn store(records: UnitRecords) -> MemoryStore {
    let mut s = MemoryStore::with_records(units(), procedures(), holidays(), records)
        .unwrap_or_else(|e| panic!("refused: {e:?}"));
    let Ok(()) = s.declare_as_of(at(NOW));
    s
}

fn dossier(id: &str, unit: &str, received: &str) -> Dossier {
    let mut d = Dossier::new(id, unit, "1.0001", at(received));
    d.status = DossierStatus::Processing;
    d
}

/// The constructed cases: a dossier due tomorrow, one due after the month
/// (within the horizon), one waiting for a supplement, one due later, and
/// finished ones on time and late.
fn cases() -> UnitRecords {
    let mut tomorrow = dossier("HS-MAI", "C1", "2024-03-22 08:00");
    tomorrow.due_at = Some(at("2024-03-29 17:00"));
    let mut after_month = dossier("HS-THANG4", "C1", "2024-03-27 08:00");
    after_month.due_at = Some(at("2024-04-02 17:00"));
    let mut later = dossier("HS-SAU", "C1", "2024-03-27 09:00");
    later.due_at = Some(at("2024-04-10 17:00"));
    let mut waiting = dossier("HS-BOSUNG", "C1", "2024-03-20 08:00");
    waiting.due_at = Some(at("2024-03-27 17:00"));
    waiting.status = DossierStatus::SupplementRequested;
    waiting.supplement_requests = 1;
    waiting.supplement_requested_at = Some(at("2024-03-25 10:00"));
    let mut on_time = dossier("HS-DUNG", "C1", "2024-03-04 08:00");
    on_time.due_at = Some(at("2024-03-08 17:00"));
    on_time.finished_at = Some(at("2024-03-07 10:00"));
    on_time.status = DossierStatus::Finished;
    let mut late = dossier("HS-TRE", "C1", "2024-03-04 08:00");
    late.due_at = Some(at("2024-03-08 17:00"));
    late.finished_at = Some(at("2024-03-12 10:00"));
    late.status = DossierStatus::Finished;
    let mut peer = dossier("HS-C2", "C2", "2024-03-04 08:00");
    peer.due_at = Some(at("2024-03-08 17:00"));
    peer.finished_at = Some(at("2024-03-07 10:00"));
    peer.status = DossierStatus::Finished;
    UnitRecords {
        dossiers: vec![tomorrow, after_month, later, waiting, on_time, late, peer],
        ..UnitRecords::default()
    }
}

fn march() -> Period {
    Period::parse("2024-03").unwrap()
}

fn total(s: &MemoryStore, code: &str) -> (Option<f64>, Vec<Option<f64>>, Option<usize>) {
    let sheet = engine::score(s, &MethodologySet::builtin(), &march()).unwrap();
    let u = sheet.unit(code).unwrap();
    (
        u.total,
        u.criteria.iter().map(|c| c.points).collect(),
        u.rank,
    )
}

#[test]
fn a_scene_scores_like_the_engine() {
    let s = store(cases());
    let scene = Scene::load(&s, &MethodologySet::builtin(), &march()).unwrap();
    let sheet = scene.sheet();
    let engine = engine::score(&s, &MethodologySet::builtin(), &march()).unwrap();
    assert_eq!(sheet.as_of, engine.as_of);
    for u in &engine.units {
        let mine = sheet.unit(&u.code).unwrap();
        assert_eq!((mine.total, mine.rank), (u.total, u.rank), "{}", u.code);
    }
}

#[test]
fn at_risk_lists_what_becomes_late_and_what_it_costs() {
    let records = cases();
    let s = store(records.clone());
    let scene = Scene::load(&s, &MethodologySet::builtin(), &march()).unwrap();
    let risk = warn::at_risk(&scene, "C1", &records, warn::DEFAULT_HORIZON_DAYS).unwrap();
    assert_eq!(risk.as_of, at(NOW));
    // Friday 29/03, then Monday 01/04 is a holiday: the horizon ends Tuesday 02/04.
    assert_eq!(risk.horizon_end, Date::parse("2024-04-02").unwrap());
    let ids: Vec<&str> = risk.dossiers.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["HS-MAI", "HS-THANG4"], "ordered by deadline");
    let (tomorrow, after_month) = (&risk.dossiers[0], &risk.dossiers[1]);
    assert!(tomorrow.this_month && !after_month.this_month);
    assert_eq!(tomorrow.working_days_left, 0);
    assert_eq!(after_month.working_days_left, 1);
    assert_eq!(
        (after_month.points_timeliness, after_month.points_total),
        (0.0, 0.0)
    );
    assert_eq!(risk.waiting.len(), 1);
    assert_eq!(risk.waiting[0].id, "HS-BOSUNG");
    assert_eq!(risk.waiting[0].working_days_waiting, 3);

    // The points lost are those of a store where the dossier is late now.
    let (before_total, before_criteria, _) = total(&s, "C1");
    let mut changed = records.clone();
    let d = changed
        .dossiers
        .iter_mut()
        .find(|d| d.id == "HS-MAI")
        .unwrap();
    d.due_at = Some(at(NOW).add_seconds(-1));
    let (after_total, after_criteria, _) = total(&store(changed), "C1");
    let i = MethodologySet::builtin()
        .in_force(march().to)
        .unwrap()
        .criteria
        .iter()
        .position(|c| c.id == "2.1")
        .unwrap();
    assert_eq!(
        tomorrow.points_timeliness,
        before_criteria[i].unwrap() - after_criteria[i].unwrap()
    );
    assert_eq!(
        tomorrow.points_total,
        before_total.unwrap() - after_total.unwrap()
    );
    assert!(tomorrow.points_timeliness > 0.0);
    // 2.1 counts six dossiers of C1, one late (the waiting one ended at its
    // request, on time): one more late costs 20 × 1/6 points.
    assert!((tomorrow.points_timeliness - 20.0 / 6.0).abs() < 1e-9);
    // Only one dossier costs points this month: the total at risk is its.
    assert_eq!(risk.points_total, tomorrow.points_total);
    // The province sees its communes' dossiers.
    let province = warn::at_risk(&scene, "P", &records, 2).unwrap();
    assert_eq!(province.dossiers.len(), 2);
}

/// A commune's month with every kind of dossier, deterministic.
fn busy() -> UnitRecords {
    let mut out = Vec::new();
    for i in 0..60u32 {
        let unit = ["C1", "C2", "C3"][(i % 3) as usize];
        let day = 1 + (i % 26);
        let mut d = dossier(
            &format!("HS{i:03}"),
            unit,
            &format!("2024-03-{day:02} 08:00"),
        );
        if i % 4 == 1 {
            d.procedure_code = "1.0002".into();
            d.fee_amount = 50_000;
            d.paid_online = (i % 8 == 1) as u8;
        }
        d.channel = if i % 5 == 0 {
            Channel::Online
        } else {
            Channel::InPerson
        };
        d.e_result = i % 6 == 0;
        d.digitized = i % 7 == 0;
        d.due_at = Some(at(&format!("2024-03-{:02} 17:00", (day + 3).min(31))));
        if i % 3 != 2 {
            let finish = if i % 5 == 3 { day + 5 } else { day + 1 };
            if finish <= 27 {
                d.finished_at = Some(at(&format!("2024-03-{finish:02} 10:00")));
                d.status = DossierStatus::Finished;
            }
        }
        out.push(d);
    }
    // One from February still open and late, one finished late in March.
    let mut old = dossier("HS-CU", "C1", "2024-02-20 08:00");
    old.due_at = Some(at("2024-02-27 17:00"));
    out.push(old);
    UnitRecords {
        dossiers: out,
        ..UnitRecords::default()
    }
}

/// The store holding `records` with the what-if's dossiers replaced by their variants.
fn changed_store(
    scene: &Scene,
    records: &UnitRecords,
    ids: &[String],
    lever: Lever,
) -> MemoryStore {
    let mut changed = records.clone();
    for d in changed.dossiers.iter_mut() {
        if ids.contains(&d.id) {
            *d = whatif::variant(scene, d, lever);
        }
    }
    store(changed)
}

#[test]
fn what_if_agrees_exactly_with_a_rescoring_of_changed_records() {
    let records = busy();
    let s = store(records.clone());
    let scene = Scene::load(&s, &MethodologySet::builtin(), &march()).unwrap();
    let mut tried = 0;
    for lever in Lever::ALL {
        for n in [1, 3, 100] {
            let scenario = match lever {
                Lever::OnTime => {
                    let late = whatif::candidates(&scene, "C1", &records, *lever);
                    Scenario::OnTime(late.iter().take(n).map(|d| d.id.clone()).collect())
                }
                _ => Scenario::More(*lever, n),
            };
            let o = whatif::what_if(&scene, "C1", &records, &scenario).unwrap();
            assert!(!o.dossiers.is_empty(), "{lever:?} changed nothing");
            let rescored = changed_store(&scene, &records, &o.dossiers, *lever);
            let (t, criteria, rank) = total(&rescored, "C1");
            assert_eq!(o.total_after, t, "{lever:?} × {n}");
            assert_eq!(o.rank_after, rank, "{lever:?} × {n}");
            let sheet = engine::score(&rescored, &MethodologySet::builtin(), &march()).unwrap();
            let ids: Vec<&str> = sheet
                .unit("C1")
                .unwrap()
                .criteria
                .iter()
                .map(|c| c.id.as_str())
                .collect();
            for c in &o.changed {
                let i = ids.iter().position(|x| *x == c.id).unwrap();
                assert_eq!(c.after, criteria[i], "{lever:?} × {n}: {}", c.id);
            }
            tried += 1;
        }
    }
    assert_eq!(tried, 15);
    // Asked ids that are not late are skipped, not invented.
    let o = whatif::what_if(
        &scene,
        "C1",
        &records,
        &Scenario::OnTime(vec!["HS000".into(), "KHONG-CO".into()]),
    )
    .unwrap();
    assert!(o.skipped.contains(&"KHONG-CO".to_string()));
}

#[test]
fn reaching_a_ratio_scores_by_the_rule_and_counts_the_dossiers() {
    let records = busy();
    let s = store(records.clone());
    let scene = Scene::load(&s, &MethodologySet::builtin(), &march()).unwrap();
    let o = whatif::what_if(&scene, "C1", &records, &Scenario::Reach("2.1".into(), 1.0)).unwrap();
    let c = o.changed.iter().find(|c| c.id == "2.1").unwrap();
    assert_eq!(c.after, Some(20.0));
    // Finishing every late dossier on time gives the same total.
    let late = whatif::candidates(&scene, "C1", &records, Lever::OnTime);
    assert_eq!(o.needed, Some(late.len() as i64));
    let all = whatif::what_if(
        &scene,
        "C1",
        &records,
        &Scenario::OnTime(late.iter().map(|d| d.id.clone()).collect()),
    )
    .unwrap();
    let c_all = all.changed.iter().find(|c| c.id == "2.1").unwrap();
    assert_eq!(c_all.after, Some(20.0));
    assert!(whatif::what_if(&scene, "C1", &records, &Scenario::Reach("9.9".into(), 0.5)).is_err());
}

#[test]
fn the_plan_reaches_its_target_and_a_rescoring_confirms_it() {
    let records = busy();
    let s = store(records.clone());
    let scene = Scene::load(&s, &MethodologySet::builtin(), &march()).unwrap();
    let before = scene.unit_score("C1").unwrap().total.unwrap();
    let p = whatif::plan(&scene, "C1", &records, before + 5.0).unwrap();
    assert!(p.reached, "{p:?}");
    let gains: Vec<f64> = p.steps.iter().map(|s| s.points_per_dossier).collect();
    assert!(
        gains.windows(2).all(|w| w[0] >= w[1]),
        "most points per dossier first: {gains:?}"
    );
    let last = p.steps.last().unwrap().total_after.unwrap();
    assert!(last >= before + 5.0 - 1e-9);
    // An unreachable target says so.
    let p = whatif::plan(&scene, "C1", &records, 100.5).unwrap();
    assert!(!p.reached);
}

#[test]
fn at_the_months_end_the_projection_is_the_score() {
    let records = busy();
    let mut s =
        MemoryStore::with_records(units(), procedures(), holidays(), records.clone()).unwrap();
    let Ok(()) = s.declare_as_of(at("2024-03-31 23:59:59"));
    let scene = Scene::load(&s, &MethodologySet::builtin(), &march()).unwrap();
    let (own, window) = forecast::histories(&scene, &records);
    let h = forecast::unit_history(&scene, "C1", &own);
    let p = forecast::project(&scene, "C1", &h, &window, &Vec::new()).unwrap();
    assert_eq!(p.working_days_left, 0);
    assert_eq!(p.total, p.total_now);
    assert_eq!((p.low, p.high), (p.total_now, p.total_now));
}

#[test]
fn inside_the_month_the_interval_holds_the_projection() {
    let mut records = busy();
    let mut open = dossier("HS-MO", "C1", "2024-03-27 08:00");
    open.due_at = Some(at("2024-03-29 17:00"));
    records.dossiers.push(open);
    let s = store(records.clone());
    let scene = Scene::load(&s, &MethodologySet::builtin(), &march()).unwrap();
    let (own, window) = forecast::histories(&scene, &records);
    let h = forecast::unit_history(&scene, "C1", &own);
    // One open dossier of C1 falls due by the 31st.
    assert_eq!((h.due_now_in, h.due_now_before), (1, 0), "{h:?}");
    let p = forecast::project(&scene, "C1", &h, &window, &Vec::new()).unwrap();
    assert_eq!(p.working_days_left, 1);
    let (low, mid, high) = (p.low.unwrap(), p.total.unwrap(), p.high.unwrap());
    assert!(low <= mid && mid <= high, "{low} {mid} {high}");
    // The same data gives the same projection.
    assert_eq!(
        forecast::project(&scene, "C1", &h, &window, &Vec::new()),
        Some(p)
    );
    // A scene taken from the raw records as they stood equals the store's.
    let hierarchy = s.hierarchy().unwrap();
    let stood = Scene::at_instant(
        &MethodologySet::builtin(),
        hierarchy,
        s.catalogue().unwrap(),
        s.calendar().unwrap(),
        chiso_core::targets::Targets::new(&s.targets().unwrap()),
        &records,
        at(NOW),
    )
    .unwrap();
    assert_eq!(
        stood.unit_score("C1").unwrap().total,
        scene.unit_score("C1").unwrap().total
    );
}
