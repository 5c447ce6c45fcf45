//! Importing what `chiso-ingest` reads: records through the writer, rejected
//! rows (by the reader or by the store) into quarantine, counts that add up.

use std::collections::BTreeSet;

use chiso_ingest::events::{self, DossierEvent};
use chiso_ingest::{Catalogue, Item, Placement, Reader, Record, Rejected};

use crate::{PutError, Result, Store, Writer};

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

/// How many rejected rows an import summary lists inline.
pub const FIRST_REJECTIONS: usize = 20;

impl ImportSummary {
    pub fn accepted(&self) -> u64 {
        self.inserted + self.replaced
    }
}

impl Store {
    /// Imports everything a reader yields in one transaction. `progress` is
    /// called now and then with (rows read, bytes read).
    pub fn import(
        &mut self,
        reader: Reader,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<ImportSummary> {
        let kind = reader.kind().code();
        let file = reader.file().to_string();
        let mut first_rejections = Vec::new();
        let (report_tx, report_rx) = std::sync::mpsc::channel::<Report>();
        let mut writer = self.writer(kind, &file)?;
        let mut read = 0u64;
        // Two stages on two cores: a thread reads and checks rows while this
        // one writes them; batches keep the channel cheap.
        let (sender, batches) = std::sync::mpsc::sync_channel::<(Vec<Item>, u64)>(4);
        std::thread::scope(|scope| -> Result<()> {
            scope.spawn(move || {
                let mut reader = reader;
                loop {
                    let batch: Vec<Item> = reader.by_ref().take(BATCH).collect();
                    let done = batch.len() < BATCH;
                    // A closed channel means the writer stopped on an error.
                    if sender.send((batch, reader.bytes_read())).is_err() || done {
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
            for (batch, bytes) in batches {
                for item in batch {
                    read += 1;
                    match item {
                        Item::Accepted { line, record } => {
                            if let Some(r) = put(&mut writer, line, &record)? {
                                if first_rejections.len() < FIRST_REJECTIONS {
                                    first_rejections.push(r);
                                }
                            }
                        }
                        Item::Rejected(r) => {
                            writer.reject(r.line, r.column.as_deref(), &r.reason, &r.raw)?;
                            if first_rejections.len() < FIRST_REJECTIONS {
                                first_rejections.push(r);
                            }
                        }
                    }
                }
                progress(read, bytes);
            }
            Ok(())
        })?;
        let counts = writer.commit(read)?;
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

    /// The units and procedures known, for resolving names in files that
    /// give names instead of codes ([`chiso_ingest::ReadOptions`]).
    pub fn name_catalogue(&self) -> Result<Catalogue> {
        let units = crate::rows::units(self.connection())?
            .into_iter()
            .map(|(_, u)| (u.code, u.name, u.kind));
        let procedures = crate::rows::procedures(self.connection())?
            .into_values()
            .map(|p| (p.code, p.name, p.level));
        Ok(Catalogue::new(units, procedures))
    }

    /// The processing steps kept for a dossier, in time order.
    pub fn steps(&self, dossier_id: &str) -> Result<Vec<chiso_core::steps::ProcessingStep>> {
        crate::rows::steps(self.connection(), dossier_id)
    }
}

/// What the reading thread reports once the file is read.
#[derive(Default)]
struct Report {
    missing: Vec<String>,
    unknown: Vec<String>,
    unused: Vec<String>,
    placements: Vec<(Placement, u64)>,
    title_rows: usize,
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

impl Store {
    /// Applies a feed of dossier events in one transaction: new events are
    /// kept, each touched dossier is folded from all its events (in `seq`
    /// order, whatever the arrival order) and written like an imported record.
    pub fn apply_feed(
        &mut self,
        file: &str,
        feed: impl Iterator<Item = std::result::Result<DossierEvent, Rejected>>,
    ) -> Result<FeedSummary> {
        let mut writer = self.writer("events", file)?;
        let mut summary = FeedSummary {
            file: file.to_string(),
            ..FeedSummary::default()
        };
        let mut touched = BTreeSet::new();
        for item in feed {
            summary.read += 1;
            match item {
                Ok(e) if writer.put_event(&e.dossier_id, e.seq, &e.raw)? => {
                    summary.new += 1;
                    touched.insert(e.dossier_id);
                }
                Ok(_) => summary.duplicates += 1,
                Err(r) => {
                    summary.rejected += 1;
                    writer.reject(r.line, r.column.as_deref(), &r.reason, &r.raw)?;
                }
            }
        }
        for id in touched {
            let stored: Vec<DossierEvent> = writer
                .event_bodies(&id)?
                .iter()
                .filter_map(|body| events::parse_event(file, 0, body).ok())
                .collect();
            match events::fold(&stored).map(|d| writer.put_dossier(&d)) {
                Ok(Ok(_)) => summary.dossiers += 1,
                Ok(Err(PutError::Store(e))) => return Err(e),
                Ok(Err(e)) => summary.waiting.push((id, e.to_string())),
                Err(e) => summary.waiting.push((id, e.reason)),
            }
        }
        writer.commit(summary.read)?;
        Ok(summary)
    }
}

/// Rows handed from the reading thread to the writing one at a time.
const BATCH: usize = 8_192;

/// Puts one record; one the store cannot accept (unknown unit or procedure)
/// goes to quarantine with its reason, and is returned.
fn put(writer: &mut Writer, line: usize, record: &Record) -> Result<Option<Rejected>> {
    let result = match record {
        Record::Unit(u) => writer.put_unit(u),
        Record::Procedure(p) => writer.put_procedure(p),
        Record::Dossier(d) => writer.put_dossier(d),
        Record::Feedback(f) => writer.put_feedback(f),
        Record::Counts(c) => writer.put_counts(c),
        Record::Holiday(h) => writer.put_holiday(h),
        Record::Step(s) => writer.put_step(s),
    };
    match result {
        Ok(_) => Ok(None),
        Err(PutError::Store(e)) => Err(e),
        Err(e) => {
            let raw = record.to_csv_row();
            writer.reject(line, e.column(), &e.to_string(), &raw)?;
            Ok(Some(chiso_ingest::reject(
                line,
                writer.file(),
                e.column(),
                e.to_string(),
                raw,
            )))
        }
    }
}
