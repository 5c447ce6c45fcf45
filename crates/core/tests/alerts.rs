//! Alert rules on constructed cases (pure: a scene from the in-memory
//! reference backend, the targets report, the early warnings and reporting
//! deadlines in; events out): each rule fires on its side of its threshold
//! only, unit kinds narrow it, and an event keeps its key when evaluated
//! again later, which is what de-duplication rests on.

use chiso_core::alerts::{self, Deadline, Event, Inputs, RuleSet};
use chiso_core::engine::UnitRecords;
use chiso_core::memory::MemoryStore;
use chiso_core::methodology::MethodologySet;
use chiso_core::period::Period;
use chiso_core::records::*;
use chiso_core::scene::Scene;
use chiso_core::scoring::ScoreSheet;
use chiso_core::storage::Storage;
use chiso_core::targets::{self, Target, Targets};
use chiso_core::time::{parse_instant, Date, Instant};
use chiso_core::warn::{self, AtRisk};

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

fn procedure() -> Procedure {
    let mut a = Procedure::new("1.0001", "Đăng ký khai sinh");
    a.max_days = Some(5);
    a
}

/// A dossier received at `received`, due five days later at 17:00,
/// finished `late` or on time (or still open).
fn dossier(id: &str, unit: &str, received: &str, finished: Option<bool>) -> Dossier {
    let received = at(received);
    let mut d = Dossier::new(id, unit, "1.0001", received);
    let due = received.date().add_days(5).start().add_seconds(17 * 3600);
    d.due_at = Some(due);
    match finished {
        None => d.status = DossierStatus::Processing,
        Some(late) => {
            d.status = DossierStatus::Finished;
            d.finished_at = Some(if late {
                due.add_seconds(86_400)
            } else {
                due.add_seconds(-86_400)
            });
        }
    }
    d
}

/// February: C1 all on time, C2 one late, C3 two late. March: C1 three
/// late, C2 and C3 on time; C1 has an open dossier becoming late on Friday
/// 29/03 and one becoming late in April.
fn records() -> UnitRecords {
    let mut dossiers = Vec::new();
    for (unit, late_feb, late_mar) in [("C1", 0, 3), ("C2", 1, 0), ("C3", 2, 0)] {
        for i in 0..4 {
            dossiers.push(dossier(
                &format!("{unit}-F{i}"),
                unit,
                "2024-02-05 08:00",
                Some(i < late_feb),
            ));
            dossiers.push(dossier(
                &format!("{unit}-M{i}"),
                unit,
                "2024-03-04 08:00",
                Some(i < late_mar),
            ));
        }
    }
    let mut soon = dossier("HS-MAI", "C1", "2024-03-22 08:00", None);
    soon.due_at = Some(at("2024-03-29 17:00"));
    let mut april = dossier("HS-THANG4", "C1", "2024-03-27 08:00", None);
    april.due_at = Some(at("2024-04-10 17:00"));
    dossiers.extend([soon, april]);
    UnitRecords {
        dossiers,
        ..UnitRecords::default()
    }
}

fn scene(now: &str) -> (Scene, UnitRecords) {
    let units = vec![
        unit("P", None, UnitKind::Province),
        unit("C1", Some("P"), UnitKind::Commune),
        unit("C2", Some("P"), UnitKind::Commune),
        unit("C3", Some("P"), UnitKind::Commune),
    ];
    let mut s = MemoryStore::with_records(units, vec![procedure()], Vec::new(), records())
        .unwrap_or_else(|e| panic!("refused: {e:?}"));
    let Ok(()) = s.declare_as_of(at(now));
    let scene = Scene::load(
        &s,
        &MethodologySet::builtin(),
        &Period::parse("2024-03").unwrap(),
    )
    .unwrap();
    (scene, records())
}

fn rules(text: &str) -> RuleSet {
    RuleSet::from_toml("test.toml", text).unwrap_or_else(|e| panic!("{e}"))
}

struct Case {
    sheet: ScoreSheet,
    report: targets::TargetReport,
    risks: Vec<AtRisk>,
    deadlines: Vec<Deadline>,
    today: Date,
}

fn case(now: &str) -> Case {
    let (scene, records) = scene(now);
    let sheet = scene.sheet();
    let t = |unit: &str, value: f64| Target {
        unit_code: Some(unit.into()),
        year: 2024,
        criterion: "2.1".into(),
        value,
        source: "QĐ giao chỉ tiêu".into(),
    };
    let report = targets::report(
        &sheet,
        &scene.methodology,
        &Targets::new(&[t("C1", 0.9), t("C2", 0.5)]),
    );
    let risks = ["P", "C1", "C2", "C3"]
        .iter()
        .filter_map(|u| warn::at_risk(&scene, u, &records, 2))
        .collect();
    let deadline = |code: &str, kind, period: &str, due: &str| Deadline {
        unit_code: code.into(),
        unit_name: format!("Đơn vị {code}"),
        kind,
        period: period.into(),
        label: format!("kỳ {period}"),
        due: Date::parse(due).unwrap(),
    };
    Case {
        sheet,
        report,
        risks,
        deadlines: vec![
            deadline("C2", UnitKind::Commune, "2024-Q1", "2024-03-31"),
            deadline("P", UnitKind::Province, "2024-Q1", "2024-04-08"),
        ],
        today: at(now).date(),
    }
}

fn evaluate(rules: &RuleSet, c: &Case) -> Vec<Event> {
    alerts::evaluate(
        rules,
        &Inputs {
            sheet: &c.sheet,
            targets: &c.report,
            at_risk: &c.risks,
            deadlines: &c.deadlines,
            today: c.today,
        },
    )
}

fn keys(events: &[Event]) -> Vec<&str> {
    events.iter().map(|e| e.key.as_str()).collect()
}

const NOW: &str = "2024-03-28 12:00";

#[test]
fn a_score_rule_fires_on_its_side_of_the_threshold_only() {
    let c = case(NOW);
    let c1 = c.sheet.unit("C1").unwrap();
    let (total, before) = (c1.total.unwrap(), c1.previous_total.unwrap());
    let drop = before - total;
    assert!(drop > 1.0, "C1 fell by {drop}");
    assert_eq!((c1.previous_rank, c1.rank), (Some(1), Some(3)));

    let just_below = format!(
        "[[rule]]\nid = \"giam\"\nwhen = \"total_drop\"\npoints = {}\n",
        drop - 0.01
    );
    let e = evaluate(&rules(&just_below), &c);
    assert_eq!(keys(&e), ["giam/C1/2024-03"], "{e:?}");
    assert!(
        e[0].title.starts_with("Tổng điểm tháng 03/2024 giảm "),
        "{}",
        e[0].title
    );
    assert!(e[0].record.is_none());
    let just_above = format!(
        "[[rule]]\nid = \"giam\"\nwhen = \"total_drop\"\npoints = {}\n",
        drop + 0.01
    );
    assert!(evaluate(&rules(&just_above), &c).is_empty());

    let e = evaluate(
        &rules("[[rule]]\nid = \"hang\"\nwhen = \"rank_drop\"\nranks = 2\n"),
        &c,
    );
    assert_eq!(keys(&e), ["hang/C1/2024-03"]);
    assert_eq!(
        e[0].title,
        "Xếp hạng tháng 03/2024 tụt 2 bậc: 3/3 (tháng trước 1)"
    );
    assert!(evaluate(
        &rules("[[rule]]\nid = \"hang\"\nwhen = \"rank_drop\"\nranks = 3\n"),
        &c
    )
    .is_empty());

    // C1 is below its 90 % on 2.1, C2 above its 50 %.
    let e = evaluate(
        &rules("[[rule]]\nid = \"ct\"\nwhen = \"below_target\"\n"),
        &c,
    );
    assert_eq!(keys(&e), ["ct/C1/2.1/2024-03"], "{e:?}");
    assert!(
        e[0].title.contains("dưới chỉ tiêu giao 90,00%"),
        "{}",
        e[0].title
    );
    let other = "[[rule]]\nid = \"ct\"\nwhen = \"below_target\"\ncriteria = [\"3.3\"]\n";
    assert!(evaluate(&rules(other), &c).is_empty());
    // A rule limited to another kind of unit sees nothing.
    let departments = "[[rule]]\nid = \"ct\"\nwhen = \"below_target\"\nkinds = [\"department\"]\n";
    assert!(evaluate(&rules(departments), &c).is_empty());
}

#[test]
fn late_soon_names_the_dossier_and_keeps_its_key_the_next_day() {
    let c = case(NOW);
    let r =
        rules("[[rule]]\nid = \"tre\"\nwhen = \"late_soon\"\ndays = 1\nkinds = [\"commune\"]\n");
    let e = evaluate(&r, &c);
    // Late from the second after its deadline (judge.rs).
    let late_at = at("2024-03-29 17:00").unix() + 1;
    assert_eq!(keys(&e), [format!("tre/C1/HS-MAI/{late_at}")], "{e:?}");
    assert_eq!(e[0].record.as_deref(), Some("HS-MAI"));
    assert!(e[0].title.contains("mất "), "{}", e[0].title);
    // The province sees the same dossier under its own key when the rule covers it.
    let all = evaluate(
        &rules("[[rule]]\nid = \"tre\"\nwhen = \"late_soon\"\ndays = 1\n"),
        &c,
    );
    assert_eq!(
        keys(&all),
        [
            format!("tre/C1/HS-MAI/{late_at}"),
            format!("tre/P/HS-MAI/{late_at}")
        ]
    );
    // Evaluated again the next morning, the same dossier is the same event.
    let next = case("2024-03-29 08:00");
    assert_eq!(keys(&evaluate(&r, &next)), keys(&e));
    // Evaluating twice gives the same events.
    assert_eq!(evaluate(&r, &c), e);
}

#[test]
fn a_reporting_deadline_is_announced_within_its_days() {
    let c = case(NOW);
    let e = evaluate(
        &rules("[[rule]]\nid = \"han\"\nwhen = \"deadline_near\"\ndays = 5\n"),
        &c,
    );
    assert_eq!(keys(&e), ["han/C2/2024-Q1"], "{e:?}");
    assert_eq!(
        e[0].title,
        "Hạn gửi báo cáo CCHC kỳ 2024-Q1 là 31/03/2024 (còn 3 ngày)"
    );
    let e = evaluate(
        &rules(
            "[[rule]]\nid = \"han\"\nwhen = \"deadline_near\"\ndays = 11\nkinds = [\"province\"]\n",
        ),
        &c,
    );
    assert_eq!(keys(&e), ["han/P/2024-Q1"]);
    // A deadline passed is not announced.
    let later = Case {
        today: Date::parse("2024-04-01").unwrap(),
        ..case(NOW)
    };
    let e = evaluate(
        &rules("[[rule]]\nid = \"han\"\nwhen = \"deadline_near\"\ndays = 30\n"),
        &later,
    );
    assert_eq!(keys(&e), ["han/P/2024-Q1"]);
}

#[test]
fn the_shipped_rules_cover_every_condition() {
    let r = RuleSet::default_rules();
    let mut codes: Vec<&str> = r.rules.iter().map(|x| x.condition.code()).collect();
    codes.sort();
    assert_eq!(
        codes,
        [
            "below_target",
            "deadline_near",
            "late_soon",
            "rank_drop",
            "total_drop"
        ]
    );
}
