//! Target-based scoring: under 766-2023 criterion 3.3 (online dossiers) is
//! full at the unit's assigned target for the year (chỉ tiêu giao, S000)
//! where the province set one, else at the methodology's 50%; goals never
//! change points; units missing a target are listed.

use chiso_core::engine::{self, UnitRecords};
use chiso_core::memory::MemoryStore;
use chiso_core::methodology::MethodologySet;
use chiso_core::period::Period;
use chiso_core::records::*;
use chiso_core::storage::{Batch, Storage};
use chiso_core::targets::{self, Target, Targets};
use chiso_core::time::parse_instant;

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

/// Ten dossiers per commune in March 2024, three of them online (30%).
fn store() -> MemoryStore {
    let units = vec![
        unit("P", None, UnitKind::Province),
        unit("C1", Some("P"), UnitKind::Commune),
        unit("C2", Some("P"), UnitKind::Commune),
    ];
    let mut p = Procedure::new("1.0001", "Đăng ký khai sinh");
    p.online_level = OnlineLevel::Full;
    let mut dossiers = Vec::new();
    for c in ["C1", "C2"] {
        for i in 0..10 {
            let at = parse_instant(&format!("2024-03-{:02} 08:00", i + 4))
                .unwrap()
                .instant;
            let mut d = Dossier::new(&format!("{c}-{i}"), c, "1.0001", at);
            d.channel = if i < 3 {
                Channel::Online
            } else {
                Channel::InPerson
            };
            d.finished_at = Some(at.add_seconds(3600));
            d.status = DossierStatus::Finished;
            dossiers.push(d);
        }
    }
    let records = UnitRecords {
        dossiers,
        ..UnitRecords::default()
    };
    MemoryStore::with_records(units, vec![p], Vec::new(), records).unwrap()
}

fn put(store: &mut MemoryStore, t: Target) {
    let Ok(mut b) = store.batch("targets", "chi-tieu.csv");
    b.put_target(&t).unwrap_or_else(|_| panic!("refused {t:?}"));
    let Ok(_) = b.commit(1);
}

fn points(store: &MemoryStore, code: &str, criterion: &str) -> (Option<f64>, Option<f64>) {
    let sheet = engine::score(
        store,
        &MethodologySet::builtin(),
        &Period::parse("2024-03").unwrap(),
    )
    .unwrap();
    assert_eq!(sheet.methodology, "766-2023");
    let u = sheet.unit(code).unwrap();
    let c = u.criteria.iter().find(|c| c.id == criterion).unwrap();
    (c.points, u.total)
}

#[test]
fn an_assigned_target_replaces_the_threshold_for_that_unit_only() {
    let mut s = store();
    // Without a target: 4 × 0.3 / 0.5.
    assert_eq!(points(&s, "C1", "3.3").0, Some(4.0 * 0.3 / 0.5));
    let (_, c2_total) = points(&s, "C2", "3.3");
    put(
        &mut s,
        Target {
            unit_code: Some("C1".into()),
            year: 2024,
            criterion: "3.3".into(),
            value: 0.3,
            source: "QĐ 1/QĐ-UBND".into(),
        },
    );
    assert_eq!(points(&s, "C1", "3.3").0, Some(4.0));
    // C2, with no target, is scored as before; a target for another year changes nothing.
    assert_eq!(points(&s, "C2", "3.3"), (Some(4.0 * 0.3 / 0.5), c2_total));
    put(
        &mut s,
        Target {
            unit_code: Some("C2".into()),
            year: 2023,
            criterion: "3.3".into(),
            value: 0.3,
            source: String::new(),
        },
    );
    assert_eq!(points(&s, "C2", "3.3").0, Some(4.0 * 0.3 / 0.5));
    // A target above the actual: ratio × max / target.
    put(
        &mut s,
        Target {
            unit_code: Some("C1".into()),
            year: 2024,
            criterion: "3.3".into(),
            value: 0.6,
            source: String::new(),
        },
    );
    assert_eq!(points(&s, "C1", "3.3").0, Some(4.0 * 0.3 / 0.6));
}

#[test]
fn goals_mark_but_never_score_and_missing_targets_are_listed() {
    let mut s = store();
    let before = points(&s, "C1", "1.4");
    put(
        &mut s,
        Target {
            unit_code: None,
            year: 2024,
            criterion: "3.3".into(),
            value: 0.8,
            source: "NQ 02/NQ-CP".into(),
        },
    );
    assert_eq!(points(&s, "C1", "1.4"), before, "a goal changes no points");
    put(
        &mut s,
        Target {
            unit_code: Some("C1".into()),
            year: 2024,
            criterion: "3.3".into(),
            value: 0.25,
            source: String::new(),
        },
    );
    let set = MethodologySet::builtin();
    let sheet = engine::score(&s, &set, &Period::parse("2024-03").unwrap()).unwrap();
    let c2 = sheet.unit("C2").unwrap();
    let c = c2.criteria.iter().find(|c| c.id == "3.3").unwrap();
    assert_eq!(c.goal, Some(0.8));
    assert!(c.goal_missed);
    let m = set.get(&sheet.methodology).unwrap();
    let list = chiso_core::engine::IndexStore::targets(&s).unwrap();
    let report = targets::report(&sheet, m, &Targets::new(&list));
    let missing: Vec<&str> = report.missing.iter().map(|(u, _, _)| u.as_str()).collect();
    assert_eq!(missing, ["P", "C2"]);
    let gap = report
        .gaps
        .iter()
        .find(|g| g.unit_code == "C1" && g.criterion == "3.3")
        .unwrap();
    assert!(gap.assigned);
    assert!((gap.gap.unwrap() - 0.05).abs() < 1e-12);
    // Another unit's criterion without an assigned target shows the goal.
    let goal = report.gaps.iter().find(|g| g.unit_code == "C2").unwrap();
    assert!(!goal.assigned && (goal.target - 0.8).abs() < 1e-12);
}

#[test]
fn an_unknown_unit_is_refused() {
    let mut s = store();
    let Ok(mut b) = s.batch("targets", "chi-tieu.csv");
    let r = b.put_target(&Target {
        unit_code: Some("KHONG".into()),
        year: 2024,
        criterion: "3.3".into(),
        value: 0.5,
        source: String::new(),
    });
    assert!(matches!(r, Err(chiso_core::storage::Put::Rejected { .. })));
}
