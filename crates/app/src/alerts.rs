//! Alerts over any backend: the office's rules evaluated on the month as the
//! data stands (`chiso_core::alerts`), the events kept as notifications,
//! and who has been sent which, so nothing is recorded or sent twice.
//!
//! Kept through the journal contract (`chiso_core::reform::JournalStore`),
//! no table of their own: one journal per unit and year
//! (`JournalKind::Alert`, scope `2026`), whose append-only entries are the
//! unit's notifications (`event`, the event's stable key in its body) and
//! their deliveries (`sent`: to whom, which keys). An event whose key is
//! already in the unit's journal of its year or the year before is not
//! recorded again; a digest carries only the keys not yet sent to its
//! reader. A delivery is recorded after the mail server accepted it, so a
//! crash between the two can repeat one digest (at least once), never lose one.
//!
//! Reporting deadlines come from the CCHC regime (`chiso_cchc::period`):
//! every unit of a reporting level whose report for a period is not yet
//! submitted, approved or waived.

use std::collections::{BTreeMap, BTreeSet};

use chiso_cchc::catalogue::CatalogueSet;
use chiso_cchc::period::{PeriodKind, ReportingPeriod, Schedule};
use chiso_cchc::workflow::Status;
use chiso_core::accounts::User;
use chiso_core::alerts::{self, Deadline, Event, Inputs, RuleSet};
use chiso_core::engine::{EngineError, IndexStore};
use chiso_core::measures::UnitId;
use chiso_core::period::{NotJudgeable, Period};
use chiso_core::reform::{
    Journal, JournalEntry, JournalHead, JournalKey, JournalKind, JournalStore, Written,
};
use chiso_core::scene::{self, Scene};
use chiso_core::storage::{AccountStore, Storage};
use chiso_core::targets::{self, Targets};
use chiso_core::time::{Date, Instant};
use chiso_core::warn;
use serde::{Deserialize, Serialize};

/// Who records the entries.
const RECORDER: &str = "chiso alerts";

/// How many times a write is tried again when another writer came first.
const RETRIES: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum AlertError<E: std::error::Error + Send + Sync + 'static> {
    #[error(transparent)]
    Engine(#[from] EngineError<E>),
    #[error("không có bộ chỉ số nào có hiệu lực ngày {}: thêm tệp phương pháp tính có hiệu lực vào ngày đó", .0.vn())]
    NoMethodology(Date),
    #[error("cảnh báo của {unit} năm {year} vẫn bị người khác ghi đồng thời sau {RETRIES} lần thử: chạy lại sau")]
    Busy { unit: String, year: i32 },
    #[error("dữ liệu lưu của cảnh báo {unit} năm {year} hỏng: {detail}")]
    Corrupt {
        unit: String,
        year: i32,
        detail: String,
    },
}

fn store_err<E: std::error::Error + Send + Sync + 'static>(e: E) -> AlertError<E> {
    AlertError::Engine(EngineError::Store(e))
}

/// Every event the rules see on the month of `at` (a past day, from the
/// records as they stood at its end) or, without `at`, the month the data
/// reaches (at the data's as-of instant).
pub fn evaluate<S: IndexStore + Storage + JournalStore<Error = <S as IndexStore>::Error>>(
    store: &S,
    rules: &RuleSet,
    at: Option<Date>,
) -> Result<Vec<Event>, AlertError<<S as IndexStore>::Error>> {
    let methodologies = Storage::methodologies(store).map_err(store_err)?;
    let hierarchy = store.hierarchy().map_err(store_err)?;
    let day = match at {
        Some(d) => d,
        None => Storage::as_of(store)
            .map_err(store_err)?
            .ok_or(EngineError::NotJudgeable(NotJudgeable::NoData {
                period: "-".to_string(),
            }))?
            .date(),
    };
    let month = day.month();
    let targets = Targets::new(&store.targets().map_err(store_err)?);
    // Open dossiers received up to four months before are still watched.
    let window = Period::range(month.add(-4).first_day(), day);
    let ids: Vec<UnitId> = hierarchy.units.iter().map(|(id, _)| *id).collect();
    let records = store.records_for(&ids, &window).map_err(store_err)?;
    let scene = match at {
        None => Scene::load(store, &methodologies, &Period::month(month))?,
        Some(day) => Scene::at_instant(
            &methodologies,
            hierarchy,
            store.catalogue().map_err(store_err)?,
            store.calendar().map_err(store_err)?,
            targets.clone(),
            &records,
            day.end(),
        )
        .map_err(AlertError::NoMethodology)?,
    };
    let now = scene.now();
    let records = scene::as_stood(&records, now);
    let sheet = scene.sheet();
    let report = targets::report(&sheet, &scene.methodology, &targets);
    let mut at_risk = Vec::new();
    if let Some(horizon) = rules.late_soon_days() {
        for u in &sheet.units {
            let wanted = rules.rules.iter().any(|r| {
                matches!(r.condition, alerts::Condition::LateSoon { .. })
                    && r.kinds.as_ref().is_none_or(|k| k.contains(&u.kind))
            });
            if wanted {
                at_risk.extend(warn::at_risk(&scene, &u.code, &records, horizon));
            }
        }
    }
    let deadlines = match rules.deadline_days() {
        Some(days) => deadlines(store, now.date(), days)?,
        None => Vec::new(),
    };
    Ok(alerts::evaluate(
        rules,
        &Inputs {
            sheet: &sheet,
            targets: &report,
            at_risk: &at_risk,
            deadlines: &deadlines,
            today: now.date(),
        },
    ))
}

/// The reporting deadlines from `today` to `days` later of every unit of a
/// reporting level whose report is not yet submitted, approved or waived.
fn deadlines<S: Storage + JournalStore<Error = <S as IndexStore>::Error>>(
    store: &S,
    today: Date,
    days: u32,
) -> Result<Vec<Deadline>, AlertError<<S as IndexStore>::Error>> {
    let units = store.unit_list().map_err(store_err)?;
    let set = CatalogueSet::builtin();
    let schedule = Schedule::default();
    let last = today.add_days(days as i32);
    let mut out = Vec::new();
    for year in today.year()..=last.year() {
        for kind in [
            PeriodKind::Q1,
            PeriodKind::H1,
            PeriodKind::Q3,
            PeriodKind::Year,
        ] {
            let period = ReportingPeriod::new(year, kind);
            let Some(catalogue) = set.in_force(period.window().1) else {
                continue;
            };
            if period.due() < today {
                continue;
            }
            let end = period.window().1;
            let done: BTreeSet<String> = store
                .journals(JournalKind::Submission, Some(&period.to_string()))
                .map_err(store_err)?
                .into_iter()
                .filter(|j| {
                    // The head's status is the workflow's, as `chiso_app::cchc` writes it.
                    [Status::Submitted, Status::Approved, Status::Waived]
                        .iter()
                        .any(|s| {
                            serde_json::to_string(s)
                                .is_ok_and(|t| t.trim_matches('"') == j.head.status)
                        })
                })
                .map(|j| j.key.unit)
                .collect();
            for u in &units {
                let in_force =
                    u.valid_from.is_none_or(|f| f <= end) && u.valid_to.is_none_or(|t| end <= t);
                if !in_force
                    || !catalogue.reporting_levels.contains(&u.kind)
                    || done.contains(&u.code)
                {
                    continue;
                }
                let due = match u.parent_code {
                    None => period.due(),
                    Some(_) => period.due_for(u.kind, &schedule),
                };
                if today <= due && due <= last {
                    out.push(Deadline {
                        unit_code: u.code.clone(),
                        unit_name: u.name.clone(),
                        kind: u.kind,
                        period: period.to_string(),
                        label: period.label_vi(),
                        due,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// An event as its journal entry keeps it.
#[derive(Serialize, Deserialize)]
struct EventBody {
    key: String,
    rule: String,
    unit_name: String,
    day: String,
    title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    record: Option<String>,
}

/// A delivery as its journal entry keeps it.
#[derive(Serialize, Deserialize)]
struct SentBody {
    login: String,
    to: String,
    keys: Vec<String>,
}

/// A notification as kept.
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    pub event: Event,
    pub recorded_at: Instant,
    /// The logins it was sent to.
    pub sent_to: Vec<String>,
}

/// A unit's journal of a year, read.
struct Read {
    known: usize,
    notifications: Vec<Notification>,
}

fn key(unit: &str, year: i32) -> JournalKey {
    JournalKey::new(JournalKind::Alert, unit, &year.to_string())
}

fn decode<E: std::error::Error + Send + Sync + 'static>(
    journal: &Journal,
) -> Result<Read, AlertError<E>> {
    let year = journal.key.scope.parse().unwrap_or(0);
    let corrupt = |detail: String| AlertError::Corrupt {
        unit: journal.key.unit.clone(),
        year,
        detail,
    };
    let mut out: Vec<Notification> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for e in &journal.entries {
        match e.part.as_str() {
            "event" => {
                let b: EventBody =
                    serde_json::from_str(&e.body).map_err(|x| corrupt(x.to_string()))?;
                let day = Date::parse(&b.day)
                    .ok_or_else(|| corrupt(format!("ngày '{}' không đọc được", b.day)))?;
                index.insert(b.key.clone(), out.len());
                out.push(Notification {
                    event: Event {
                        key: b.key,
                        rule: b.rule,
                        unit_code: journal.key.unit.clone(),
                        unit_name: b.unit_name,
                        day,
                        title: b.title,
                        record: b.record,
                    },
                    recorded_at: e.at,
                    sent_to: Vec::new(),
                });
            }
            "sent" => {
                let b: SentBody =
                    serde_json::from_str(&e.body).map_err(|x| corrupt(x.to_string()))?;
                for k in &b.keys {
                    if let Some(&i) = index.get(k) {
                        out[i].sent_to.push(b.login.clone());
                    }
                }
            }
            other => return Err(corrupt(format!("phần '{other}' không biết"))),
        }
    }
    Ok(Read {
        known: journal.entries.len(),
        notifications: out,
    })
}

fn read<S: JournalStore>(store: &S, unit: &str, year: i32) -> Result<Read, AlertError<S::Error>> {
    match store.journal(&key(unit, year)).map_err(store_err)? {
        Some(j) => decode(&j),
        None => Ok(Read {
            known: 0,
            notifications: Vec::new(),
        }),
    }
}

/// Appends entries to a unit's journal of a year, reading it again when
/// another writer came first; `entries` decides what to append from what
/// is stored (nothing: no write).
fn append<S: JournalStore>(
    store: &mut S,
    unit: &str,
    year: i32,
    mut entries: impl FnMut(&Read) -> Result<Vec<JournalEntry>, AlertError<S::Error>>,
) -> Result<usize, AlertError<S::Error>> {
    for _ in 0..RETRIES {
        let r = read(store, unit, year)?;
        let new = entries(&r)?;
        if new.is_empty() {
            return Ok(0);
        }
        let events = r.notifications.len() + new.iter().filter(|e| e.part == "event").count();
        let head = JournalHead {
            status: "open".to_string(),
            body: format!("{{\"events\":{events}}}"),
        };
        match store
            .write_journal(&key(unit, year), &head, r.known, &new)
            .map_err(store_err)?
        {
            Written::Appended => return Ok(new.iter().filter(|e| e.part == "event").count()),
            Written::Conflict { .. } => continue,
        }
    }
    Err(AlertError::Busy {
        unit: unit.to_string(),
        year,
    })
}

/// Keeps the events not yet kept (by key, in the unit's journal of the
/// event's year and the year before); returns those it kept.
pub fn record<S: JournalStore>(
    store: &mut S,
    events: &[Event],
    now: Instant,
) -> Result<Vec<Event>, AlertError<S::Error>> {
    let mut by_unit: BTreeMap<(String, i32), Vec<&Event>> = BTreeMap::new();
    for e in events {
        by_unit
            .entry((e.unit_code.clone(), e.day.year()))
            .or_default()
            .push(e);
    }
    let mut kept = Vec::new();
    for ((unit, year), list) in by_unit {
        let before: BTreeSet<String> = read(store, &unit, year - 1)?
            .notifications
            .into_iter()
            .map(|n| n.event.key)
            .collect();
        let mut fresh = Vec::new();
        append(store, &unit, year, |r| {
            let mut seen: BTreeSet<&str> = r
                .notifications
                .iter()
                .map(|n| n.event.key.as_str())
                .collect();
            fresh.clear();
            let mut out = Vec::new();
            for e in &list {
                if before.contains(&e.key) || !seen.insert(e.key.as_str()) {
                    continue;
                }
                let body = EventBody {
                    key: e.key.clone(),
                    rule: e.rule.clone(),
                    unit_name: e.unit_name.clone(),
                    day: e.day.iso(),
                    title: e.title.clone(),
                    record: e.record.clone(),
                };
                out.push(JournalEntry {
                    part: "event".to_string(),
                    at: now,
                    by: RECORDER.to_string(),
                    body: serde_json::to_string(&body).map_err(|x| AlertError::Corrupt {
                        unit: unit.clone(),
                        year,
                        detail: x.to_string(),
                    })?,
                });
                fresh.push((*e).clone());
            }
            Ok(out)
        })?;
        kept.extend(fresh);
    }
    Ok(kept)
}

/// Every notification kept of the units `wanted` accepts, newest first, at most `limit`.
pub fn notifications<S: JournalStore>(
    store: &S,
    wanted: impl Fn(&str) -> bool,
    limit: usize,
) -> Result<Vec<Notification>, AlertError<S::Error>> {
    let mut all = Vec::new();
    for j in store
        .journals(JournalKind::Alert, None)
        .map_err(store_err)?
        .iter()
        .filter(|j| wanted(&j.key.unit))
    {
        all.extend(decode(j)?.notifications);
    }
    all.sort_by(|a, b| {
        (b.recorded_at, b.event.day, &a.event.unit_code, &a.event.key).cmp(&(
            a.recorded_at,
            a.event.day,
            &b.event.unit_code,
            &b.event.key,
        ))
    });
    all.truncate(limit);
    Ok(all)
}

/// One e-mail: the notifications of a unit head's units not yet sent to them.
#[derive(Clone, Debug, PartialEq)]
pub struct Digest {
    pub login: String,
    pub name: String,
    pub email: String,
    /// By unit, then as recorded.
    pub notifications: Vec<Notification>,
}

/// The units a user heads: those their grants name (a grant over every
/// unit, the province office's, heads none).
pub fn headed_units(user: &User) -> BTreeSet<String> {
    user.grants.iter().filter_map(|g| g.unit.clone()).collect()
}

/// The digests due: for each enabled user with an e-mail address, the
/// notifications of the units they head recorded since their account was
/// made and not yet sent to them.
pub fn digests<S: JournalStore + AccountStore<Error = <S as JournalStore>::Error>>(
    store: &S,
) -> Result<Vec<Digest>, AlertError<<S as JournalStore>::Error>> {
    let users = store.users().map_err(store_err)?;
    let heads: Vec<(&User, BTreeSet<String>)> = users
        .iter()
        .filter(|u| !u.disabled && !u.email.trim().is_empty())
        .map(|u| (u, headed_units(u)))
        .filter(|(_, units)| !units.is_empty())
        .collect();
    if heads.is_empty() {
        return Ok(Vec::new());
    }
    // Read once for every head.
    let all = notifications(
        store,
        |c| heads.iter().any(|(_, h)| h.contains(c)),
        usize::MAX,
    )?;
    let mut out = Vec::new();
    for (u, units) in heads {
        let mut list: Vec<Notification> = all
            .iter()
            .filter(|n| {
                units.contains(&n.event.unit_code)
                    && n.recorded_at >= u.created_at
                    && !n.sent_to.contains(&u.login)
            })
            .cloned()
            .collect();
        if list.is_empty() {
            continue;
        }
        list.sort_by(|a, b| {
            (&a.event.unit_code, a.recorded_at, &a.event.key).cmp(&(
                &b.event.unit_code,
                b.recorded_at,
                &b.event.key,
            ))
        });
        out.push(Digest {
            login: u.login.clone(),
            name: u.name.clone(),
            email: u.email.trim().to_string(),
            notifications: list,
        });
    }
    Ok(out)
}

/// Records that `digest` was sent (after the mail server accepted it).
pub fn mark_sent<S: JournalStore>(
    store: &mut S,
    digest: &Digest,
    now: Instant,
) -> Result<(), AlertError<S::Error>> {
    let mut by_journal: BTreeMap<(String, i32), Vec<String>> = BTreeMap::new();
    for n in &digest.notifications {
        by_journal
            .entry((n.event.unit_code.clone(), n.event.day.year()))
            .or_default()
            .push(n.event.key.clone());
    }
    for ((unit, year), keys) in by_journal {
        let body = serde_json::to_string(&SentBody {
            login: digest.login.clone(),
            to: digest.email.clone(),
            keys,
        })
        .map_err(|x| AlertError::Corrupt {
            unit: unit.clone(),
            year,
            detail: x.to_string(),
        })?;
        append(store, &unit, year, |_| {
            Ok(vec![JournalEntry {
                part: "sent".to_string(),
                at: now,
                by: RECORDER.to_string(),
                body: body.clone(),
            }])
        })?;
    }
    Ok(())
}
