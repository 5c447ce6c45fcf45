//! Projected month-end score (dự báo điểm cuối tháng), with an interval,
//! from the month to date, the open dossiers' deadlines and the unit's own
//! history. A projection, never a fact: every output shows the interval.
//!
//! The model, per unit (its subtree), at an instant `now` inside a month:
//! - the month to date is what the [`Scene`] holds;
//! - dossiers still to arrive: for each working day left in the month
//!   (holidays through the calendar), the unit's average arrivals on that
//!   weekday over the previous [`HISTORY_MONTHS`] months;
//! - their facts (online, paid online, e-result, digitised…): the shares of
//!   the month to date and the history together;
//! - the open dossiers whose deadline falls between now and the month's end
//!   become late with the share that did so in the history months (dossiers
//!   open on the same day of the month with a deadline before its end); a
//!   dossier still to arrive becomes late within the month with the share of
//!   the history months' dossiers received after that day;
//! - feedback, procedure sets and catalogue criteria stay as they are.
//!
//! These counts are drawn [`DRAWS`] times (Poisson arrivals, binomial facts,
//! a fixed seed: the same data gives the same projection) and each draw
//! scored with the methodology; the projection is the median total and the
//! interval runs from the 10th to the 90th percentile. `backtest` measures
//! it against the scores the months really ended at.

use std::collections::HashMap;

use crate::engine::UnitRecords;
use crate::measures::{Counter, Measure, MeasureValues, MonthCounters, UnitId};
use crate::methodology::{Criterion, Methodology, MethodologySet};
use crate::scene::{self, Scene};
use crate::scoring::{self, Basis, Hierarchy, ScoreSheet, UnitScore};
use crate::time::{Date, Instant, Month};

/// Months of history the rates are taken from.
pub const HISTORY_MONTHS: i32 = 3;
/// Draws of the simulation.
pub const DRAWS: usize = 400;
/// The interval's quantiles.
pub const INTERVAL: (f64, f64) = (0.1, 0.9);

const H: usize = HISTORY_MONTHS as usize;

/// What a unit's history says, additive over units (a parent's is the sum
/// of its subtree's). Arrays over months hold the history months, latest
/// first: their spread is the month-to-month variation the draws take.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// Dossiers received on working days, by weekday (0 = Sunday … 6).
    pub arrivals: [i64; 7],
    /// Dossiers received on working days, by month.
    pub month_arrivals: [i64; H],
    /// Received-month counters of each history month (facts' shares).
    pub received: [MonthCounters; H],
    /// Dossiers open at the same day of a history month with a deadline
    /// after it within that month, and those of them late by its end.
    pub open_due: [i64; H],
    pub open_due_late: [i64; H],
    /// Dossiers received after that day, and those late by the month's end.
    pub later: [i64; H],
    pub later_late: [i64; H],
    /// At `now`: open dossiers whose deadline falls between now and the
    /// month's end, received this month and before it.
    pub due_now_in: i64,
    pub due_now_before: i64,
}

impl History {
    fn merge(&mut self, o: &History) {
        for (a, b) in self.arrivals.iter_mut().zip(o.arrivals) {
            *a += b;
        }
        for k in 0..H {
            self.month_arrivals[k] += o.month_arrivals[k];
            self.received[k].merge(&o.received[k], 1);
            self.open_due[k] += o.open_due[k];
            self.open_due_late[k] += o.open_due_late[k];
            self.later[k] += o.later[k];
            self.later_late[k] += o.later_late[k];
        }
        self.due_now_in += o.due_now_in;
        self.due_now_before += o.due_now_before;
    }
}

/// The working days the history months span: by weekday, and by month.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Window {
    pub weekdays: [i64; 7],
    pub months: [i64; H],
}

/// Every unit's own history before the month of `now`, and the working days
/// it spans. `records` must be those of every unit that may count (as the
/// store holds them; they are taken as they stood at `now`).
pub fn histories(scene: &Scene, records: &UnitRecords) -> (HashMap<UnitId, History>, Window) {
    let now = scene.now();
    let month = now.date().month();
    let day = now.date().ymd().2;
    let mut out: HashMap<UnitId, History> = HashMap::new();
    let mut days = Window::default();
    let months: Vec<Month> = (1..=HISTORY_MONTHS).map(|k| month.add(-k)).collect();
    for (k, m) in months.iter().enumerate() {
        let mut d = m.first_day();
        while d <= m.last_day() {
            if scene.calendar.is_working_day(d) {
                days.weekdays[d.weekday() as usize] += 1;
                days.months[k] += 1;
            }
            d = d.add_days(1);
        }
    }
    let first = months.last().map_or(month.first_day(), |m| m.first_day());
    for d in &records.dossiers {
        if d.received_at.date() < first.add_days(-62) {
            continue;
        }
        let Some(unit) = scene.hierarchy.id_of(&d.unit_code) else {
            continue;
        };
        let Some(stood) = scene::dossier_as_stood(d, now) else {
            continue;
        };
        let c = scene.contribution(&stood);
        if !c.counted {
            continue;
        }
        let h = out.entry(unit).or_default();
        let t = c.timeliness;
        if t.end.is_none()
            && t.late_at
                .is_some_and(|l| l > now && l <= scene.asked.to.end())
        {
            if stood.received_at >= scene.asked.start() {
                h.due_now_in += 1;
            } else {
                h.due_now_before += 1;
            }
        }
        let received = stood.received_at.date();
        if let Some(k) = months.iter().position(|m| *m == received.month()) {
            if scene.calendar.is_working_day(received) {
                h.arrivals[received.weekday() as usize] += 1;
                h.month_arrivals[k] += 1;
            }
            h.received[k].merge(&c.received, 1);
        }
        for (k, m) in months.iter().enumerate() {
            let last = m.last_day();
            let cut = Date::from_ymd(m.year(), m.number(), day.min(last.ymd().2))
                .unwrap_or(last)
                .end();
            let month_end = last.end();
            let late_by_end = c.timeliness.late_at.is_some_and(|l| l <= month_end);
            if stood.received_at > cut && stood.received_at <= month_end {
                h.later[k] += 1;
                h.later_late[k] += late_by_end as i64;
            } else if stood.received_at <= cut {
                let Some(then) = scene::dossier_as_stood(&stood, cut) else {
                    continue;
                };
                let t = scene.contribution(&then).timeliness;
                if t.end.is_none() && t.late_at.is_some_and(|l| l > cut && l <= month_end) {
                    h.open_due[k] += 1;
                    h.open_due_late[k] += late_by_end as i64;
                }
            }
        }
    }
    (out, days)
}

/// The unit's history: the sum of its subtree's.
pub fn unit_history(scene: &Scene, unit_code: &str, own: &HashMap<UnitId, History>) -> History {
    let mut h = History::default();
    for c in scene.hierarchy.subtree(unit_code, &scene.period) {
        if let Some(x) = scene.hierarchy.id_of(&c).and_then(|i| own.get(&i)) {
            h.merge(x);
        }
    }
    h
}

/// A projected month-end score.
#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    pub unit_code: String,
    pub as_of: Instant,
    pub month: Month,
    /// The month to date's total.
    pub total_now: Option<f64>,
    /// Median of the draws, and the interval.
    pub total: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub criteria: Vec<CriterionProjection>,
    /// Dossiers expected to arrive by the month's end.
    pub expected_arrivals: f64,
    /// Open dossiers due by the month's end, and the share expected late.
    pub open_due: i64,
    pub open_due_late_share: f64,
    pub working_days_left: i32,
}

/// One criterion's projected points: the median and the interval.
#[derive(Clone, Debug, PartialEq)]
pub struct CriterionProjection {
    pub id: String,
    pub projected: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// The facts drawn for arrivals: (measure, counter, of which counter).
const FACTS: &[(Measure, Counter, Option<Counter>)] = &[
    (Measure::DossiersSynced, Counter::Synced, None),
    (Measure::DossiersOnline, Counter::Online, None),
    (Measure::DossiersFee, Counter::Fee, None),
    (
        Measure::DossiersPaidOnline,
        Counter::PaidOnline,
        Some(Counter::Fee),
    ),
    (Measure::DossiersPaperResult, Counter::PaperResult, None),
    (
        Measure::DossiersEResult,
        Counter::EResult,
        Some(Counter::PaperResult),
    ),
    (Measure::DossiersDigitized, Counter::Digitized, None),
    (Measure::DossiersReused, Counter::Reused, None),
    (Measure::DossiersPersonalStore, Counter::PersonalStore, None),
    (Measure::DossiersCitizenData, Counter::CitizenData, None),
    (Measure::DossiersNegative, Counter::Negative, None),
];

/// How the points of the criteria the draws leave alone (feedback,
/// catalogue, procedure sets…) moved from the same day to the end of each
/// history month: one list per month, one entry per criterion (`None` for a
/// criterion the draws change, or without points on either side).
pub type Drift = Vec<Vec<Option<f64>>>;

/// Whether the draws change a criterion: every measure it divides is drawn.
fn drawn(c: &Criterion) -> bool {
    const DRAWN: &[Measure] = &[
        Measure::DossiersReceived,
        Measure::TimelinessTotal,
        Measure::TimelinessLate,
        Measure::TimelinessOnTime,
        Measure::DossiersLateReceived,
    ];
    c.numerator
        .terms
        .iter()
        .chain(&c.denominator.terms)
        .all(|(_, m)| DRAWN.contains(m) || FACTS.iter().any(|f| f.0 == *m))
}

/// The unit's [`Drift`] from the sheets of the history months taken at the
/// same day (`cut`) and at their end, under the methodology `m` (months
/// scored under another version are left out).
pub fn drift(m: &Methodology, unit_code: &str, months: &[(ScoreSheet, ScoreSheet)]) -> Drift {
    months
        .iter()
        .filter(|(cut, end)| cut.methodology == m.id && end.methodology == m.id)
        .filter_map(|(cut, end)| {
            let (cut, end) = (cut.unit(unit_code)?, end.unit(unit_code)?);
            Some(
                m.criteria
                    .iter()
                    .zip(cut.criteria.iter().zip(&end.criteria))
                    .map(|(c, (a, b))| match (drawn(c), a.points, b.points) {
                        (false, Some(a), Some(b)) => Some(b - a),
                        _ => None,
                    })
                    .collect(),
            )
        })
        .collect()
}

/// The instants of the history months matching `now`: (the same day's
/// end, the month's end), latest month first.
pub fn history_instants(now: Instant) -> Vec<(Instant, Instant)> {
    let (month, day) = (now.date().month(), now.date().ymd().2);
    (1..=HISTORY_MONTHS)
        .map(|k| {
            let m = month.add(-k);
            let last = m.last_day();
            let cut = Date::from_ymd(m.year(), m.number(), day.min(last.ymd().2)).unwrap_or(last);
            (cut.end(), last.end())
        })
        .collect()
}

/// Projects the unit's month-end score from its history ([`unit_history`])
/// and the drift of the criteria the draws leave alone ([`drift`]).
pub fn project(
    scene: &Scene,
    unit_code: &str,
    history: &History,
    window: &Window,
    drift: &Drift,
) -> Option<Projection> {
    let before = scene.unit_score(unit_code)?;
    let now = scene.now();
    let month = scene.asked.from.month();
    let values = scene.unit_values(unit_code);
    // Working days left after today.
    let mut left = Vec::new();
    let mut d = now.date().add_days(1);
    if now < scene.asked.to.end() {
        while d <= scene.asked.to {
            if scene.calendar.is_working_day(d) {
                left.push(d);
            }
            d = d.add_days(1);
        }
    }
    let lambda: f64 = left
        .iter()
        .map(|d| {
            let w = d.weekday() as usize;
            if window.weekdays[w] > 0 {
                history.arrivals[w] as f64 / window.weekdays[w] as f64
            } else {
                0.0
            }
        })
        .sum();
    // Month-to-month variation of the daily arrival rate.
    let rates: Vec<(i64, i64)> = (0..H)
        .map(|k| (history.month_arrivals[k], window.months[k]))
        .collect();
    let arrivals_cv = match rate(&rates, 0.0) {
        (mean, sd) if mean > 0.0 => sd / mean,
        _ => 0.0,
    };
    let (open_in, open_before) = (history.due_now_in, history.due_now_before);
    let months = |num: &dyn Fn(usize) -> i64, den: &dyn Fn(usize) -> i64| -> Vec<(i64, i64)> {
        (0..H).map(|k| (num(k), den(k))).collect()
    };
    let p_open = rate(
        &months(&|k| history.open_due_late[k], &|k| history.open_due[k]),
        0.5,
    );
    let p_later = rate(
        &months(&|k| history.later_late[k], &|k| history.later[k]),
        0.0,
    );
    // Each fact's share: the month to date and every history month.
    let shares: Vec<(f64, f64)> = FACTS
        .iter()
        .map(|(m, c, of)| {
            let (den_measure, den_counter) = match of {
                Some(o) => (FACTS.iter().find(|f| f.1 == *o).map_or(*m, |f| f.0), *o),
                None => (Measure::DossiersReceived, Counter::Received),
            };
            let mut pairs = vec![(values.get(*m), values.get(den_measure))];
            pairs.extend((0..H).map(|k| {
                (
                    history.received[k].get(*c),
                    history.received[k].get(den_counter),
                )
            }));
            rate(&pairs, 0.0)
        })
        .collect();
    let year = scene.period.to.year();
    let mut rng = SplitMix(0x5eed ^ (now.unix() as u64) ^ hash(unit_code));
    // The projection from the draws alone; the interval from the draws
    // moved by a history month's drift too.
    let mut totals = Vec::with_capacity(DRAWS);
    let mut spread = Vec::with_capacity(DRAWS);
    let n = before.criteria.len();
    let mut per_criterion: Vec<Vec<f64>> = vec![Vec::with_capacity(DRAWS); n];
    let mut per_criterion_spread: Vec<Vec<f64>> = vec![Vec::with_capacity(DRAWS); n];
    for _ in 0..DRAWS {
        let mut v = values.clone();
        let scale = (1.0 + arrivals_cv * rng.normal()).max(0.0);
        let a = rng.poisson(lambda * scale);
        let mut drawn = MonthCounters::default();
        for ((m, c, of), share) in FACTS.iter().zip(&shares) {
            let n = match of {
                Some(o) => drawn.get(*o),
                None => a,
            };
            let p = rng.around(*share);
            let x = rng.binomial(n, p);
            drawn.add(*c, x);
            add(&mut v, *m, x);
        }
        let (p_open, p_later) = (rng.around(p_open), rng.around(p_later));
        let late_in = rng.binomial(open_in, p_open);
        let late_before = rng.binomial(open_before, p_open);
        let late_new = rng.binomial(a, p_later);
        add(&mut v, Measure::DossiersReceived, a);
        add(&mut v, Measure::TimelinessTotal, a);
        add(
            &mut v,
            Measure::TimelinessLate,
            late_in + late_before + late_new,
        );
        add(&mut v, Measure::DossiersLateReceived, late_in + late_new);
        let on_time = v.get(Measure::TimelinessTotal) - v.get(Measure::TimelinessLate);
        v.0[Measure::TimelinessOnTime as usize] = on_time;
        let moved = (!drift.is_empty()).then(|| &drift[rng.below(drift.len())]);
        for (s, totals, criteria) in [
            (
                rescore(scene, &before, &v, year, None),
                &mut totals,
                &mut per_criterion,
            ),
            (
                rescore(scene, &before, &v, year, moved),
                &mut spread,
                &mut per_criterion_spread,
            ),
        ] {
            for (i, c) in s.criteria.iter().enumerate() {
                if let Some(p) = c.points {
                    criteria[i].push(p);
                }
            }
            if let Some(t) = s.total {
                totals.push(t);
            }
        }
    }
    // Median of the draws; an interval that always holds it.
    let interval = |mid: &mut Vec<f64>, wide: &mut Vec<f64>| {
        let m = quantile(mid, 0.5);
        let low = quantile(wide, INTERVAL.0).zip(m).map(|(l, m)| l.min(m));
        let high = quantile(wide, INTERVAL.1).zip(m).map(|(h, m)| h.max(m));
        (m, low, high)
    };
    let criteria = before
        .criteria
        .iter()
        .zip(
            per_criterion
                .iter_mut()
                .zip(per_criterion_spread.iter_mut()),
        )
        .map(|(c, (mid, wide))| {
            let (projected, low, high) = interval(mid, wide);
            CriterionProjection {
                id: c.id.clone(),
                projected,
                low,
                high,
            }
        })
        .collect();
    let (total, low, high) = interval(&mut totals, &mut spread);
    Some(Projection {
        unit_code: unit_code.to_string(),
        as_of: now,
        month,
        total_now: before.total,
        total,
        low,
        high,
        criteria,
        expected_arrivals: lambda,
        open_due: open_in + open_before,
        open_due_late_share: p_open.0,
        working_days_left: left.len() as i32,
    })
}

/// A share pooled over months (Σ num / Σ den) and the spread of the
/// months' own shares (those with at least 5 in the denominator).
fn rate(months: &[(i64, i64)], fallback: f64) -> (f64, f64) {
    let (num, den) = months.iter().fold((0, 0), |(n, d), (a, b)| (n + a, d + b));
    if den <= 0 {
        return (fallback, 0.0);
    }
    let mean = num as f64 / den as f64;
    let each: Vec<f64> = months
        .iter()
        .filter(|(_, d)| *d >= 5)
        .map(|(n, d)| *n as f64 / *d as f64)
        .collect();
    if each.len() < 2 {
        return (mean, 0.0);
    }
    let m = each.iter().sum::<f64>() / each.len() as f64;
    let var = each.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (each.len() - 1) as f64;
    (mean, var.sqrt())
}

fn add(v: &mut MeasureValues, m: Measure, x: i64) {
    v.0[m as usize] += x;
}

/// The unit's criteria on projected values; inherited criteria as they
/// are; criteria the draws leave alone moved by one history month's drift.
fn rescore(
    scene: &Scene,
    before: &UnitScore,
    v: &MeasureValues,
    year: i32,
    moved: Option<&Vec<Option<f64>>>,
) -> UnitScore {
    let mut s = before.clone();
    for (i, (c, out)) in scene
        .methodology
        .criteria
        .iter()
        .zip(s.criteria.iter_mut())
        .enumerate()
    {
        if !matches!(out.basis, Basis::Inherited(_)) && drawn(c) {
            let goal = (out.goal, out.goal_missed);
            let threshold = out.threshold;
            *out = scoring::score_criterion(c, v, year);
            // The unit's own threshold (an assigned target) stays.
            if (threshold - out.threshold).abs() > 1e-12 {
                if let Some(r) = out.ratio {
                    out.points = Some((c.max * r.clamp(0.0, 1.0) / threshold).min(c.max));
                }
                out.threshold = threshold;
            }
            (out.goal, out.goal_missed) = goal;
        }
        if let (Some(Some(d)), Some(p)) = (moved.and_then(|m| m.get(i)), out.points) {
            out.points = Some((p + d).clamp(0.0, out.max));
        }
    }
    let (groups, total) = scoring::groups_and_total(&scene.methodology, &s.criteria);
    s.groups = groups;
    s.total = total.filter(|_| s.criteria.iter().any(|c| c.basis == Basis::Measured));
    s
}

/// The `p` quantile (nearest rank) of the values; `None` when empty.
fn quantile(xs: &mut [f64], p: f64) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let i = ((xs.len() - 1) as f64 * p).round() as usize;
    Some(xs[i.min(xs.len() - 1)])
}

fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// A small deterministic generator (SplitMix64): the projection must be
/// the same for the same data.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn unit(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit(), self.unit());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// A share drawn around its estimate: (mean, spread), kept in [0, 1].
    fn around(&mut self, (mean, sd): (f64, f64)) -> f64 {
        if sd <= 0.0 {
            return mean;
        }
        (mean + sd * self.normal()).clamp(0.0, 1.0)
    }

    fn poisson(&mut self, lambda: f64) -> i64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 30.0 {
            return (lambda + lambda.sqrt() * self.normal()).round().max(0.0) as i64;
        }
        let limit = (-lambda).exp();
        let (mut k, mut p) = (0, 1.0);
        loop {
            p *= self.unit();
            if p <= limit {
                return k;
            }
            k += 1;
        }
    }

    fn binomial(&mut self, n: i64, p: f64) -> i64 {
        if n <= 0 || p <= 0.0 {
            return 0;
        }
        if p >= 1.0 {
            return n;
        }
        let var = n as f64 * p * (1.0 - p);
        if n > 50 && var > 10.0 {
            let x = (n as f64 * p + var.sqrt() * self.normal()).round();
            return x.clamp(0.0, n as f64) as i64;
        }
        (0..n).filter(|_| self.unit() < p).count() as i64
    }
}

/// One projection against the score its month really ended at.
#[derive(Clone, Debug, PartialEq)]
pub struct BacktestRow {
    pub unit_code: String,
    pub month: Month,
    pub day: u32,
    pub now: Option<f64>,
    pub projected: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub actual: Option<f64>,
    /// Per criterion: id, projected (median) points, final points.
    pub criteria: Vec<(String, Option<f64>, Option<f64>)>,
}

/// Projects every unit of `units` from day `day` of each month (as the
/// data stood then) and compares with the month's final score on the full
/// records. `records` are every unit's.
#[allow(clippy::too_many_arguments)]
pub fn backtest(
    methodologies: &MethodologySet,
    hierarchy: &Hierarchy,
    catalogue: &HashMap<crate::measures::ProcedureId, crate::records::Procedure>,
    calendar: &crate::calendar::Calendar,
    targets: &crate::targets::Targets,
    records: &UnitRecords,
    units: &[String],
    months: &[Month],
    days: &[u32],
) -> Vec<BacktestRow> {
    let mut out = Vec::new();
    // Sheets by instant: a month's end and cut serve the later months' drift.
    let mut sheets: HashMap<Instant, Option<ScoreSheet>> = HashMap::new();
    let mut sheet_at = |at: Instant| -> Option<ScoreSheet> {
        sheets
            .entry(at)
            .or_insert_with(|| {
                Scene::at_instant(
                    methodologies,
                    hierarchy.clone(),
                    catalogue.clone(),
                    calendar.clone(),
                    targets.clone(),
                    records,
                    at,
                )
                .ok()
                .map(|s| s.sheet())
            })
            .clone()
    };
    for m in months {
        let Some(final_sheet) = sheet_at(m.last_day().end()) else {
            continue;
        };
        for day in days {
            let Some(cut) = Date::from_ymd(m.year(), m.number(), *day) else {
                continue;
            };
            let Ok(scene) = Scene::at_instant(
                methodologies,
                hierarchy.clone(),
                catalogue.clone(),
                calendar.clone(),
                targets.clone(),
                records,
                cut.end(),
            ) else {
                continue;
            };
            let past: Vec<(ScoreSheet, ScoreSheet)> = history_instants(scene.now())
                .into_iter()
                .filter_map(|(c, e)| Some((sheet_at(c)?, sheet_at(e)?)))
                .collect();
            let (own, window) = histories(&scene, records);
            for code in units {
                let history = unit_history(&scene, code, &own);
                let moved = drift(&scene.methodology, code, &past);
                let Some(p) = project(&scene, code, &history, &window, &moved) else {
                    continue;
                };
                out.push(BacktestRow {
                    unit_code: code.clone(),
                    month: *m,
                    day: *day,
                    now: p.total_now,
                    projected: p.total,
                    low: p.low,
                    high: p.high,
                    actual: final_sheet.unit(code).and_then(|u| u.total),
                    criteria: p
                        .criteria
                        .iter()
                        .map(|c| {
                            let actual = final_sheet
                                .unit(code)
                                .and_then(|u| u.criteria.iter().find(|x| x.id == c.id))
                                .and_then(|x| x.points);
                            (c.id.clone(), c.projected, actual)
                        })
                        .collect(),
                });
            }
        }
    }
    out
}

/// The errors of a backtest for one day of the month.
#[derive(Clone, Debug, PartialEq)]
pub struct BacktestSummary {
    pub day: u32,
    pub projections: usize,
    /// Mean absolute error of the projection, and of the month to date's
    /// total taken as the month's (the naive projection).
    pub mae: f64,
    pub mae_naive: f64,
    pub max_error: f64,
    /// Share of final totals inside the interval.
    pub coverage: f64,
    pub mean_width: f64,
}

/// Mean absolute error of each criterion's projected points, largest first.
pub fn criterion_errors(rows: &[BacktestRow], day: u32) -> Vec<(String, f64)> {
    let mut sums: Vec<(String, f64, usize)> = Vec::new();
    for r in rows.iter().filter(|r| r.day == day) {
        for (id, p, a) in &r.criteria {
            let (Some(p), Some(a)) = (p, a) else { continue };
            match sums.iter_mut().find(|s| &s.0 == id) {
                Some(s) => {
                    s.1 += (p - a).abs();
                    s.2 += 1;
                }
                None => sums.push((id.clone(), (p - a).abs(), 1)),
            }
        }
    }
    let mut out: Vec<(String, f64)> = sums
        .into_iter()
        .map(|(id, sum, n)| (id, sum / n as f64))
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out
}

pub fn summarise(rows: &[BacktestRow], day: u32) -> Option<BacktestSummary> {
    let rows: Vec<(&BacktestRow, f64, f64, f64, f64, f64)> = rows
        .iter()
        .filter(|r| r.day == day)
        .filter_map(|r| Some((r, r.projected?, r.low?, r.high?, r.actual?, r.now?)))
        .collect();
    if rows.is_empty() {
        return None;
    }
    let n = rows.len() as f64;
    let err = |a: f64, b: f64| (a - b).abs();
    Some(BacktestSummary {
        day,
        projections: rows.len(),
        mae: rows.iter().map(|r| err(r.1, r.4)).sum::<f64>() / n,
        mae_naive: rows.iter().map(|r| err(r.5, r.4)).sum::<f64>() / n,
        max_error: rows.iter().map(|r| err(r.1, r.4)).fold(0.0, f64::max),
        coverage: rows
            .iter()
            .filter(|r| r.2 - 1e-9 <= r.4 && r.4 <= r.3 + 1e-9)
            .count() as f64
            / n,
        mean_width: rows.iter().map(|r| r.3 - r.2).sum::<f64>() / n,
    })
}
