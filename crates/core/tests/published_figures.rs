//! The methodology reproduces published figures (methodology.md §1, §5).

use chiso_core::measures::{Measure, MeasureValues};
use chiso_core::methodology::{Criterion, Methodology, MethodologySet};
use chiso_core::scoring::{groups_and_total, score_criterion, CriterionScore};

const SCALE: i64 = 1_000_000;

/// Measures that give `criterion` the ratio `ratio`.
fn values_for(c: &Criterion, ratio: f64) -> MeasureValues {
    let mut v = MeasureValues::default();
    let den = c.denominator.positive().next().expect("a denominator");
    v.0[den as usize] = SCALE;
    let scaled = (ratio * SCALE as f64).round() as i64;
    match c.numerator.positive().next() {
        Some(num) if num != den => v.0[num as usize] = scaled,
        _ => {
            // `den - a - b`: take the shortfall out through the first subtracted measure.
            let (_, minus) = c
                .numerator
                .terms
                .iter()
                .find(|(s, _)| *s < 0)
                .expect("a subtracted measure");
            v.0[*minus as usize] = SCALE - scaled;
        }
    }
    v
}

fn score_with(
    m: &Methodology,
    year: i32,
    ratio: impl Fn(&Criterion) -> Option<f64>,
) -> Vec<CriterionScore> {
    m.criteria
        .iter()
        .map(|c| {
            let v = ratio(c).map(|r| values_for(c, r)).unwrap_or_default();
            score_criterion(c, &v, year)
        })
        .collect()
}

fn version(id: &str) -> Methodology {
    MethodologySet::builtin()
        .get(id)
        .cloned()
        .expect("shipped version")
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[test]
fn s003_group_percentages_give_81_90() {
    // Cần Thơ, June 2024: publicity 72.78%, progress 96%, online 65.83%, payment 91%,
    // digitisation 68.64%, satisfaction 97.22% → 81.90 (published 81.86, rounded per criterion).
    let m = version("766-2023");
    let pct = |group: &str| match group {
        "1" => 0.7278,
        "2" => 0.96,
        "3" => 0.6583,
        "4" => 0.91,
        "5" => 0.9722,
        "6" => 0.6864,
        _ => unreachable!(),
    };
    // Each criterion at the group's share of its maximum.
    let scores = score_with(&m, 2024, |c| Some(pct(&c.group) * c.rule.threshold(2024)));
    let (groups, total) = groups_and_total(&m, &scores);
    for g in &groups {
        let expected = pct(&g.id) * g.max;
        assert!(
            (g.points.unwrap() - expected).abs() < 1e-3,
            "group {}",
            g.id
        );
    }
    assert_eq!(round2(total.unwrap()), 81.90);
}

fn group5(
    m: &Methodology,
    feedback_satisfied: &str,
    dossier_satisfied: &str,
    feedback_on_time: &str,
) -> f64 {
    let ratios = [
        (feedback_satisfied, 1.0),
        (dossier_satisfied, 0.8523),
        (feedback_on_time, 1.0),
    ];
    let scores = score_with(m, 2023, |c| {
        ratios.iter().find(|(id, _)| *id == c.id).map(|(_, r)| *r)
    });
    let (groups, _) = groups_and_total(m, &scores);
    groups
        .iter()
        .find(|g| g.id == "5")
        .and_then(|g| g.points)
        .unwrap()
}

#[test]
fn s001_group_5_under_both_versions() {
    // Huế, Sep 2023: 5.1 = 100%, 5.2 = 85.23%, 5.3 = 100% → 16.38 under 766-2023 …
    assert_eq!(
        round2(group5(&version("766-2023"), "5.1", "5.2", "5.3")),
        16.38
    );
    // … and 6 + 6 + 6 × 0.8523 / 0.9 = 17.68 under 766-2026, where the same
    // three ratios sit in 5.2, 5.3 and 5.1.
    assert_eq!(
        round2(group5(&version("766-2026"), "5.2", "5.3", "5.1")),
        17.68
    );
}

#[test]
fn online_payment_worked_check_gives_5_70() {
    let m = version("766-2026");
    let ratios = [("4.3", 0.45), ("4.1", 0.5), ("4.2", 0.7)];
    let scores = score_with(&m, 2026, |c| {
        ratios.iter().find(|(id, _)| *id == c.id).map(|(_, r)| *r)
    });
    let (groups, _) = groups_and_total(&m, &scores);
    let g4 = groups.iter().find(|g| g.id == "4").unwrap();
    assert_eq!(round2(g4.points.unwrap()), 5.70);
}

#[test]
fn no_feedback_gets_full_marks_and_no_dossiers_gets_zero_on_5_3() {
    let m = version("766-2026");
    let empty = MeasureValues::default();
    let points = |id: &str| score_criterion(m.criterion(id).unwrap(), &empty, 2026).points;
    assert_eq!(points("5.1"), Some(6.0));
    assert_eq!(points("5.2"), Some(6.0));
    assert_eq!(points("5.3"), Some(0.0));
    // and exclusion where the policy says so
    assert_eq!(points("2.1"), None);
    assert_eq!(points("3.3"), Some(0.0));
}

#[test]
fn thresholds_cap_at_full_marks() {
    let m = version("766-2026");
    let c = m.criterion("3.3").unwrap();
    let mut v = MeasureValues::default();
    v.0[Measure::DossiersReceived as usize] = 100;
    v.0[Measure::DossiersOnline as usize] = 60;
    assert_eq!(score_criterion(c, &v, 2026).points, Some(6.0));
    v.0[Measure::DossiersOnline as usize] = 25;
    assert_eq!(score_criterion(c, &v, 2026).points, Some(3.0));
}
