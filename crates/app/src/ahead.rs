//! Ahead of the month, over any backend: the early warning, the what-if,
//! the reverse plan, the month-end projection and its backtest. Each loads a
//! `chiso_core::scene::Scene` (the store's data now, or the raw records as
//! they stood at a past instant) and the unit's records, then calls the
//! core (`warn`, `whatif`, `forecast`); the early warning adds who holds each
//! dossier from the processing steps the store keeps.

use chiso_core::engine::{EngineError, IndexStore, UnitRecords};
use chiso_core::forecast::{self, BacktestRow, Projection};
use chiso_core::measures::UnitId;
use chiso_core::period::Period;
use chiso_core::records::UnitKind;
use chiso_core::scene::Scene;
use chiso_core::scoring::UnitLookupError;
use chiso_core::storage::Storage;
use chiso_core::targets::Targets;
use chiso_core::time::{Date, Month};
use chiso_core::warn::{self, AtRisk, Holder};
use chiso_core::whatif::{self, Outcome, Plan, Scenario, WhatIfError};

#[derive(Debug, thiserror::Error)]
pub enum AheadError<E: std::error::Error + Send + Sync + 'static> {
    #[error(transparent)]
    Engine(EngineError<E>),
    #[error(transparent)]
    Unit(#[from] UnitLookupError),
    #[error(transparent)]
    WhatIf(#[from] WhatIfError),
    #[error("không có bộ chỉ số nào có hiệu lực ngày {}: thêm tệp phương pháp tính có hiệu lực vào ngày đó", .0.vn())]
    NoMethodology(Date),
    #[error("đơn vị {0} không được chấm điểm trong tháng (không có số liệu hoặc không thuộc diện chấm điểm)")]
    NotScored(String),
}

impl<E: std::error::Error + Send + Sync + 'static> From<EngineError<E>> for AheadError<E> {
    fn from(e: EngineError<E>) -> Self {
        AheadError::Engine(e)
    }
}

fn store_err<E: std::error::Error + Send + Sync + 'static>(e: E) -> AheadError<E> {
    AheadError::Engine(EngineError::Store(e))
}

/// A unit's month: the scene, the unit's code and its subtree's records
/// (from three months before the month, for the history).
pub struct UnitMonth {
    pub scene: Scene,
    pub unit_code: String,
    pub records: UnitRecords,
}

/// Loads the month of `at` (a past day, judged at its end, from the records
/// as they stood) or, without `at`, the month the store's data reaches
/// (judged at the data's as-of instant). `unit` is a code or a name.
pub fn load<S: IndexStore + Storage>(
    store: &S,
    unit: &str,
    at: Option<Date>,
) -> Result<UnitMonth, AheadError<S::Error>> {
    let methodologies = Storage::methodologies(store).map_err(store_err)?;
    let hierarchy = store.hierarchy().map_err(store_err)?;
    let unit_code = hierarchy.find(unit)?.code.clone();
    let as_of = Storage::as_of(store).map_err(store_err)?;
    let day = match at {
        Some(d) => d,
        None => as_of
            .ok_or(EngineError::NotJudgeable(
                chiso_core::period::NotJudgeable::NoData {
                    period: "-".to_string(),
                },
            ))?
            .date(),
    };
    let month = day.month();
    let window = Period::range(month.add(-forecast::HISTORY_MONTHS - 1).first_day(), day);
    match at {
        None => {
            let scene = Scene::load(store, &methodologies, &Period::month(month))?;
            let ids: Vec<UnitId> = hierarchy
                .subtree(&unit_code, &scene.period)
                .iter()
                .filter_map(|c| hierarchy.id_of(c))
                .collect();
            let records = store.records_for(&ids, &window).map_err(store_err)?;
            Ok(UnitMonth {
                scene,
                unit_code,
                records,
            })
        }
        Some(day) => {
            // Peers and the previous month need every unit's records.
            let ids: Vec<UnitId> = hierarchy.units.iter().map(|(id, _)| *id).collect();
            let records = store.records_for(&ids, &window).map_err(store_err)?;
            let scene = Scene::at_instant(
                &methodologies,
                hierarchy,
                store.catalogue().map_err(store_err)?,
                store.calendar().map_err(store_err)?,
                Targets::new(&store.targets().map_err(store_err)?),
                &records,
                day.end(),
            )
            .map_err(AheadError::NoMethodology)?;
            Ok(UnitMonth {
                scene,
                unit_code,
                records,
            })
        }
    }
}

/// The early warning of a unit, with who holds each dossier.
pub fn watch<S: IndexStore + Storage>(
    store: &S,
    unit: &str,
    horizon_days: u32,
    at: Option<Date>,
) -> Result<AtRisk, AheadError<S::Error>> {
    let m = load(store, unit, at)?;
    let records = chiso_core::scene::as_stood(&m.records, m.scene.now());
    let mut risk = warn::at_risk(&m.scene, &m.unit_code, &records, horizon_days)
        .ok_or_else(|| AheadError::NotScored(m.unit_code.clone()))?;
    for d in &mut risk.dossiers {
        d.holder = holder(store, &d.id, m.scene.now())?;
    }
    for w in &mut risk.waiting {
        w.holder = holder(store, &w.id, m.scene.now())?;
    }
    Ok(risk)
}

/// The officer and department of the dossier's latest step by `now` that names one.
fn holder<S: Storage>(
    store: &S,
    dossier_id: &str,
    now: chiso_core::time::Instant,
) -> Result<Option<Holder>, AheadError<S::Error>> {
    let steps = store.steps(dossier_id).map_err(store_err)?;
    Ok(steps
        .iter()
        .rev()
        .filter(|s| s.at <= now)
        .find(|s| !s.handler.trim().is_empty() || !s.department.trim().is_empty())
        .map(|s| Holder {
            officer: match (s.handler.trim(), s.title.trim()) {
                (h, "") => h.to_string(),
                (h, t) => format!("{h} ({t})"),
            },
            department: s.department.trim().to_string(),
        }))
}

/// A what-if on the unit's month.
pub fn what_if<S: IndexStore + Storage>(
    store: &S,
    unit: &str,
    at: Option<Date>,
    scenario: &Scenario,
) -> Result<Outcome, AheadError<S::Error>> {
    let m = load(store, unit, at)?;
    let records = chiso_core::scene::as_stood(&m.records, m.scene.now());
    Ok(whatif::what_if(&m.scene, &m.unit_code, &records, scenario)?)
}

/// The cheapest way to a target total on the unit's month.
pub fn plan<S: IndexStore + Storage>(
    store: &S,
    unit: &str,
    at: Option<Date>,
    target: f64,
) -> Result<Plan, AheadError<S::Error>> {
    let m = load(store, unit, at)?;
    let records = chiso_core::scene::as_stood(&m.records, m.scene.now());
    Ok(whatif::plan(&m.scene, &m.unit_code, &records, target)?)
}

/// The unit's projected month-end score.
pub fn project<S: IndexStore + Storage>(
    store: &S,
    unit: &str,
    at: Option<Date>,
) -> Result<Projection, AheadError<S::Error>> {
    let m = load(store, unit, at)?;
    let (own, window) = forecast::histories(&m.scene, &m.records);
    let history = forecast::unit_history(&m.scene, &m.unit_code, &own);
    // The history months' sheets from the unit's records as they stood.
    let methodologies = Storage::methodologies(store).map_err(store_err)?;
    let targets = Targets::new(&store.targets().map_err(store_err)?);
    let sheet_at = |at| {
        Scene::at_instant(
            &methodologies,
            m.scene.hierarchy.clone(),
            m.scene.catalogue.clone(),
            m.scene.calendar.clone(),
            targets.clone(),
            &m.records,
            at,
        )
        .ok()
        .map(|s| s.sheet())
    };
    let past: Vec<_> = forecast::history_instants(m.scene.now())
        .into_iter()
        .filter_map(|(cut, end)| Some((sheet_at(cut)?, sheet_at(end)?)))
        .collect();
    let drift = forecast::drift(&m.scene.methodology, &m.unit_code, &past);
    forecast::project(&m.scene, &m.unit_code, &history, &window, &drift)
        .ok_or_else(|| AheadError::NotScored(m.unit_code.clone()))
}

/// The backtest of the projection over the last `months` whole months of
/// the data, from each of `days`, for the top unit and the units right
/// below it (or those of `kind`).
pub fn backtest<S: IndexStore + Storage>(
    store: &S,
    months: usize,
    days: &[u32],
    kind: Option<UnitKind>,
) -> Result<Vec<BacktestRow>, AheadError<S::Error>> {
    let methodologies = Storage::methodologies(store).map_err(store_err)?;
    let hierarchy = store.hierarchy().map_err(store_err)?;
    let as_of = Storage::as_of(store).map_err(store_err)?;
    let Some(as_of) = as_of else {
        return Ok(Vec::new());
    };
    // Whole months only: the last one the data covers to its end.
    let last_day = as_of.date();
    let mut last: Month = last_day.month();
    if as_of < last.last_day().end() {
        last = last.add(-1);
    }
    let first = last.add(1 - months as i32);
    let list: Vec<Month> = (0..months as i32).map(|k| first.add(k)).collect();
    let top: Vec<String> = hierarchy
        .units
        .iter()
        .filter(|(_, u)| u.parent_code.is_none() && u.scored)
        .map(|(_, u)| u.code.clone())
        .collect();
    let units: Vec<String> = hierarchy
        .units
        .iter()
        .filter(|(_, u)| u.scored)
        .filter(|(_, u)| match kind {
            Some(k) => u.kind == k,
            None => {
                top.contains(&u.code) || u.parent_code.as_ref().is_some_and(|p| top.contains(p))
            }
        })
        .map(|(_, u)| u.code.clone())
        .collect();
    let ids: Vec<UnitId> = hierarchy.units.iter().map(|(id, _)| *id).collect();
    let window = Period::range(
        first.add(-forecast::HISTORY_MONTHS - 1).first_day(),
        last.last_day(),
    );
    let records = store.records_for(&ids, &window).map_err(store_err)?;
    Ok(forecast::backtest(
        &methodologies,
        &hierarchy,
        &store.catalogue().map_err(store_err)?,
        &store.calendar().map_err(store_err)?,
        &Targets::new(&store.targets().map_err(store_err)?),
        &records,
        &units,
        &list,
        days,
    ))
}
