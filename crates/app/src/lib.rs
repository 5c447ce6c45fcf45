//! chiso's application layer: the use cases that write, over any backend
//! that keeps the storage contract (`chiso_core::storage::Storage`: the
//! embedded SQLite store, the PostgreSQL store). The CLI, the web server and
//! the sync pushes call these, never a backend's own import code, so a file,
//! an upload and a push are read, resolved and accounted for the same way on
//! every backend.
//!
//! - [`import`]: one file or upload (any shape `chiso-ingest` reads) in one
//!   batch, rejected rows in the quarantine, `read = inserted + replaced + rejected`;
//!   a unit closing a loop of parents or successors rejected, naming the loop;
//!   a rejected row's text kept up to [`MAX_RAW_BYTES`] (its reason up to
//!   [`MAX_REASON_BYTES`]) in every backend, the rest cut and said;
//! - [`apply_feed`]: dossier events kept per (dossier, seq), each touched
//!   dossier folded from all its events;
//! - [`import_published`]: the portal's published figures;
//! - [`import_targets`]: the office's targets (assigned per unit, goals);
//! - [`read_options`]: the catalogues a reader resolves names against;
//! - [`report::build`]: the official report of a period;
//! - [`cchc`]: administrative-reform plans, submissions and yearly results
//!   kept as journals (`chiso_core::reform::JournalStore`), and the steps of
//!   a reporting period;
//! - [`ahead`]: the early warning, what-if, plan and month-end projection of a unit;
//! - [`alerts`]: the office's alert rules evaluated, notifications kept (once
//!   per event) and the digests due to unit heads.
//!
//! Never knows: SQL, HTTP, the terminal.

pub mod accounts;
pub mod ahead;
pub mod alerts;
pub mod cchc;
pub mod publication;
pub mod report;

use std::collections::BTreeSet;
use std::sync::Arc;

use chiso_core::scoring::{link_cycle, UnitLinks};
use chiso_core::storage::{Batch, Outcome, Put, Storage};
use chiso_ingest::events::{self, DossierEvent};
use chiso_ingest::published::Published;
use chiso_ingest::{Catalogue, Item, Placement, ReadOptions, Reader, Record, Rejected};

/// How many rejected rows an import summary lists inline.
pub const FIRST_REJECTIONS: usize = 20;

/// The result of importing one file or upload: `read = inserted + replaced + rejected`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub file: String,
    pub kind: String,
    pub read: u64,
    pub inserted: u64,
    pub replaced: u64,
    pub rejected: u64,
    /// Columns of the data format the file lacked (defaults used).
    pub missing_columns: Vec<String>,
    /// Columns (keys) not recognised: ignored, said so the sender can fix a
    /// misspelt name.
    pub unknown_columns: Vec<String>,
    /// Known columns read on purpose without being stored (personal data…).
    pub unused_columns: Vec<String>,
    /// Accepted dossiers by the rule that placed them in their unit.
    pub placements: Vec<(Placement, u64)>,
    /// Title rows above the header, skipped.
    pub title_rows: usize,
    /// The first [`FIRST_REJECTIONS`] rejected rows, by the reader or the store.
    pub first_rejections: Vec<Rejected>,
}

impl ImportSummary {
    pub fn accepted(&self) -> u64 {
        self.inserted + self.replaced
    }
}

/// The result of applying a feed of dossier events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedSummary {
    pub file: String,
    /// Lines read: new + duplicates + rejected.
    pub read: u64,
    pub new: u64,
    /// Events whose (dossier, seq) was already applied.
    pub duplicates: u64,
    pub rejected: u64,
    /// Dossiers written (new or replaced) from their events.
    pub dossiers: u64,
    /// Dossiers whose events do not make a dossier yet (e.g. no `received`
    /// event so far), with the reason; their events are kept.
    pub waiting: Vec<(String, String)>,
}

/// The unit and procedure catalogue a reader resolves names against.
pub fn name_catalogue<S: Storage>(store: &S) -> Result<Catalogue, S::Error> {
    let units = store
        .unit_list()?
        .into_iter()
        .map(|u| (u.code, u.name, u.kind));
    let procedures = store
        .procedure_list()?
        .into_iter()
        .map(|p| (p.code, p.name, p.level));
    Ok(Catalogue::new(units, procedures))
}

/// Reading options with the store's catalogue and, for a push, its unit.
pub fn read_options<S: Storage>(store: &S, unit: Option<String>) -> Result<ReadOptions, S::Error> {
    Ok(ReadOptions {
        catalogue: Some(Arc::new(name_catalogue(store)?)),
        unit,
        ..ReadOptions::default()
    })
}

/// Rows handed from the reading thread to the writing one at a time.
const BATCH: usize = 8_192;

/// What the reading thread reports once the file is read.
#[derive(Default)]
struct Report {
    missing: Vec<String>,
    unknown: Vec<String>,
    unused: Vec<String>,
    placements: Vec<(Placement, u64)>,
    title_rows: usize,
}

/// Imports everything a reader yields in one batch. Two stages on two
/// cores: a thread reads and checks rows while this one writes them.
/// `progress` is called now and then with (rows read, bytes read).
pub fn import<S: Storage>(
    store: &mut S,
    reader: Reader,
    progress: impl FnMut(u64, u64),
) -> Result<ImportSummary, S::Error> {
    import_within(store, reader, &Within::Everything, progress)
}

/// The units whose records an import may write (an officer's subtree).
pub enum Within<'a> {
    Everything,
    /// Only records of the units this accepts; catalogue records (units,
    /// procedures, holidays) and processing steps, which belong to no one
    /// unit, are refused.
    Units(&'a (dyn Fn(&str) -> bool + Sync)),
}

impl Within<'_> {
    /// Why the record may not be written here, if it may not.
    fn refusal(&self, record: &Record) -> Option<(&'static str, String)> {
        let Within::Units(allows) = self else {
            return None;
        };
        let unit = match record {
            Record::Dossier(d) => &d.unit_code,
            Record::Feedback(f) => &f.unit_code,
            Record::Counts(c) => &c.unit_code,
            Record::Unit(_) | Record::Procedure(_) | Record::Holiday(_) | Record::Step(_) => {
                return Some((
                    "kind",
                    "chỉ tài khoản quản trị toàn tỉnh được nhập danh mục đơn vị, thủ tục, ngày \
                     nghỉ và quá trình xử lý"
                        .to_string(),
                ))
            }
        };
        (!allows(unit)).then(|| {
            (
                "unit_code",
                format!(
                    "đơn vị '{unit}' ngoài phạm vi quyền của tài khoản gửi dữ liệu (chỉ đơn vị \
                     được giao và các đơn vị trực thuộc)"
                ),
            )
        })
    }
}

/// [`import`], writing only the records `within` allows; the others are
/// rejected rows with the reason.
pub fn import_within<S: Storage>(
    store: &mut S,
    reader: Reader,
    within: &Within<'_>,
    mut progress: impl FnMut(u64, u64),
) -> Result<ImportSummary, S::Error> {
    let kind = reader.kind().code();
    let file = reader.file().to_string();
    let mut first_rejections = Vec::new();
    // Units: every unit's links, to refuse one that closes a loop.
    let mut links: Option<UnitLinks> = match reader.kind() {
        chiso_ingest::RecordKind::Units => Some(
            store
                .unit_list()?
                .into_iter()
                .map(|u| (u.code, [u.parent_code, u.successor_code]))
                .collect(),
        ),
        _ => None,
    };
    let mut batch = store.batch(kind, &file)?;
    let mut read = 0u64;
    let (report_tx, report_rx) = std::sync::mpsc::channel::<Report>();
    let (sender, batches) = std::sync::mpsc::sync_channel::<(Vec<Item>, u64)>(4);
    std::thread::scope(|scope| -> Result<(), S::Error> {
        scope.spawn(move || {
            let mut reader = reader;
            loop {
                let items: Vec<Item> = reader.by_ref().take(BATCH).collect();
                let done = items.len() < BATCH;
                // A closed channel means the writer stopped on an error.
                if sender.send((items, reader.bytes_read())).is_err() || done {
                    break;
                }
            }
            // What the reader learnt while reading (JSON keys are known only then).
            let _ = report_tx.send(Report {
                missing: reader.missing_columns().to_vec(),
                unknown: reader.extra_columns().to_vec(),
                unused: reader.unused_columns().to_vec(),
                placements: reader.placements(),
                title_rows: reader.title_rows(),
            });
        });
        for (items, bytes) in batches {
            for item in items {
                read += 1;
                let rejection = match item {
                    Item::Accepted { line, record } => {
                        let refusal = within
                            .refusal(&record)
                            .or_else(|| unit_loop(links.as_mut(), &record));
                        match refusal {
                            Some((column, reason)) => rejected_put(
                                &mut batch,
                                line,
                                Err(Put::Rejected {
                                    column: Some(column),
                                    reason,
                                }),
                                || record.to_csv_row(),
                            )?,
                            None => put(&mut batch, line, &record)?,
                        }
                    }
                    Item::Rejected(r) => Some(store_rejected(&mut batch, r)?),
                };
                if let Some(r) = rejection {
                    if first_rejections.len() < FIRST_REJECTIONS {
                        first_rejections.push(r);
                    }
                }
            }
            progress(read, bytes);
        }
        Ok(())
    })?;
    let counts = batch.commit(read)?;
    let report = report_rx.recv().unwrap_or_default();
    Ok(ImportSummary {
        file,
        kind: kind.to_string(),
        read,
        inserted: counts.inserted,
        replaced: counts.replaced,
        rejected: counts.rejected,
        missing_columns: report.missing,
        unknown_columns: report.unknown,
        unused_columns: report.unused,
        placements: report.placements,
        title_rows: report.title_rows,
        first_rejections,
    })
}

/// The most bytes of a rejected row's text kept in the quarantine and shown
/// in a summary: a hostile row of megabytes is cut, and says so.
pub const MAX_RAW_BYTES: usize = 4096;
/// The most bytes of a rejection's reason kept (a reason quoting a hostile
/// value, a loop of thousands of units).
pub const MAX_REASON_BYTES: usize = 1024;

/// A rejected row within the bounds, kept in the quarantine; returned as
/// kept, for the summary.
fn store_rejected<B: Batch>(batch: &mut B, r: Rejected) -> Result<Rejected, B::Error> {
    let r = Rejected {
        raw: bounded(r.raw, MAX_RAW_BYTES),
        reason: bounded(r.reason, MAX_REASON_BYTES),
        ..r
    };
    batch.reject(r.line, r.column.as_deref(), &r.reason, &r.raw)?;
    Ok(r)
}

/// `text` within `max` bytes, cut on a character boundary and ended with
/// how much was cut.
fn bounded(text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = text.len() - end;
    let mut kept = text;
    kept.truncate(end);
    kept.push_str(&format!(
        "… (cắt bớt {} byte)",
        chiso_core::format::integer(cut as i64)
    ));
    kept
}

/// For a unit, whether it closes a loop of parents or successors with the
/// units already known (stored or earlier in the file): the column and the
/// reason. A unit that does not is added to the known links.
fn unit_loop(links: Option<&mut UnitLinks>, record: &Record) -> Option<(&'static str, String)> {
    let (Some(links), Record::Unit(u)) = (links, record) else {
        return None;
    };
    let mine = [u.parent_code.clone(), u.successor_code.clone()];
    let before = links.insert(u.code.clone(), mine);
    let path = link_cycle(links, &u.code)?;
    match before {
        Some(old) => links.insert(u.code.clone(), old),
        None => links.remove(&u.code),
    };
    let column = if path.get(1) == u.parent_code.as_ref() {
        "parent_code"
    } else {
        "successor_code"
    };
    let code = &u.code;
    let name = &u.name;
    let path = path.join(" → ");
    Some((
        column,
        format!(
            "đơn vị {code} ({name}) tạo thành vòng lặp đơn vị cấp trên {path}: một đơn vị không thể nằm \
             dưới chính nó; sửa cột {column} của một trong các đơn vị này rồi nhập lại"
        ),
    ))
}

/// Puts one record; one the store cannot accept (unknown unit or procedure)
/// goes to quarantine with its reason, and is returned.
fn put<B: Batch>(
    batch: &mut B,
    line: usize,
    record: &Record,
) -> Result<Option<Rejected>, B::Error> {
    let result = match record {
        Record::Unit(u) => batch.put_unit(u),
        Record::Procedure(p) => batch.put_procedure(p),
        Record::Dossier(d) => batch.put_dossier(d),
        Record::Feedback(f) => batch.put_feedback(f),
        Record::Counts(c) => batch.put_counts(c),
        Record::Holiday(h) => batch.put_holiday(h),
        Record::Step(s) => batch.put_step(s),
    };
    rejected_put(batch, line, result, || record.to_csv_row())
}

/// A put's outcome: a rejection kept in quarantine and returned, a failure
/// passed on.
fn rejected_put<B: Batch>(
    batch: &mut B,
    line: usize,
    result: Result<Outcome, Put<B::Error>>,
    raw: impl FnOnce() -> String,
) -> Result<Option<Rejected>, B::Error> {
    match result {
        Ok(_) => Ok(None),
        Err(Put::Failed(e)) => Err(e),
        Err(Put::Rejected { column, reason }) => {
            let file = batch.file().to_string();
            let r = chiso_ingest::reject(line, &file, column, reason, raw());
            Ok(Some(store_rejected(batch, r)?))
        }
    }
}

/// Applies a feed of dossier events in one batch: new events are kept, each
/// touched dossier is folded from all its events (in `seq` order, whatever
/// the arrival order) and written like an imported record.
pub fn apply_feed<S: Storage>(
    store: &mut S,
    file: &str,
    feed: impl Iterator<Item = Result<DossierEvent, Rejected>>,
) -> Result<FeedSummary, S::Error> {
    let mut batch = store.batch("events", file)?;
    let mut summary = FeedSummary {
        file: file.to_string(),
        ..FeedSummary::default()
    };
    let mut touched = BTreeSet::new();
    for item in feed {
        summary.read += 1;
        match item {
            Ok(e) if batch.put_event(&e.dossier_id, e.seq, &e.raw)? => {
                summary.new += 1;
                touched.insert(e.dossier_id);
            }
            Ok(_) => summary.duplicates += 1,
            Err(r) => {
                summary.rejected += 1;
                store_rejected(&mut batch, r)?;
            }
        }
    }
    for id in touched {
        let stored: Vec<DossierEvent> = batch
            .event_bodies(&id)?
            .iter()
            .filter_map(|body| events::parse_event(file, 0, body).ok())
            .collect();
        match events::fold(&stored).map(|d| batch.put_dossier(&d)) {
            Ok(Ok(_)) => summary.dossiers += 1,
            Ok(Err(Put::Failed(e))) => return Err(e),
            Ok(Err(Put::Rejected { reason, .. })) => summary
                .waiting
                .push((id, bounded(reason, MAX_REASON_BYTES))),
            Err(e) => summary
                .waiting
                .push((id, bounded(e.reason, MAX_REASON_BYTES))),
        }
    }
    batch.commit(summary.read)?;
    Ok(summary)
}

/// The import kind of published figures (in `imports` and `quarantine`).
pub const PUBLISHED: &str = "published";

/// Stores what was read from one file of published figures in one batch:
/// rows replace those of the same unit and period, rejected rows go to
/// quarantine.
pub fn import_published<S: Storage>(
    store: &mut S,
    published: &Published,
) -> Result<ImportSummary, S::Error> {
    let mut batch = store.batch(PUBLISHED, &published.file)?;
    let mut first_rejections: Vec<Rejected> = published
        .rejected
        .iter()
        .take(FIRST_REJECTIONS)
        .cloned()
        .map(|r| Rejected {
            raw: bounded(r.raw, MAX_RAW_BYTES),
            reason: bounded(r.reason, MAX_REASON_BYTES),
            ..r
        })
        .collect();
    for row in &published.rows {
        let result = batch.put_published(&row.period, row.line, &row.figures);
        if let Some(r) = rejected_put(&mut batch, row.line, result, || row.raw.clone())? {
            if first_rejections.len() < FIRST_REJECTIONS {
                first_rejections.push(r);
            }
        }
    }
    for r in &published.rejected {
        store_rejected(&mut batch, r.clone())?;
    }
    let read = published.read() as u64;
    let counts = batch.commit(read)?;
    Ok(ImportSummary {
        file: published.file.clone(),
        kind: PUBLISHED.to_string(),
        read,
        inserted: counts.inserted,
        replaced: counts.replaced,
        rejected: counts.rejected,
        unknown_columns: published.extra_columns.clone(),
        first_rejections,
        ..ImportSummary::default()
    })
}

/// The import kind of targets (in `imports` and `quarantine`).
pub const TARGETS: &str = "targets";

/// Imports the office's targets (`chiso_ingest::targets`) in one batch: a
/// row naming an unknown unit is rejected by the store into the quarantine,
/// like the reader's rejected rows.
pub fn import_targets<S: Storage>(
    store: &mut S,
    read: &chiso_ingest::targets::TargetsRead,
) -> Result<ImportSummary, S::Error> {
    let mut batch = store.batch(TARGETS, &read.file)?;
    let mut first_rejections: Vec<Rejected> = read
        .rejected
        .iter()
        .take(FIRST_REJECTIONS)
        .cloned()
        .collect();
    for (line, t) in &read.targets {
        let result = batch.put_target(t);
        let raw = || {
            format!(
                "{},{},{},{},{}",
                t.unit_code.as_deref().unwrap_or(""),
                t.year,
                t.criterion,
                t.value,
                t.source
            )
        };
        if let Some(r) = rejected_put(&mut batch, *line, result, raw)? {
            if first_rejections.len() < FIRST_REJECTIONS {
                first_rejections.push(r);
            }
        }
    }
    for r in &read.rejected {
        batch.reject(r.line, r.column.as_deref(), &r.reason, &r.raw)?;
    }
    let total = read.read() as u64;
    let counts = batch.commit(total)?;
    Ok(ImportSummary {
        file: read.file.clone(),
        kind: TARGETS.to_string(),
        read: total,
        inserted: counts.inserted,
        replaced: counts.replaced,
        rejected: counts.rejected,
        first_rejections,
        ..ImportSummary::default()
    })
}
