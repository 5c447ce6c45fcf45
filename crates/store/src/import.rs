//! Importing what `chiso-ingest` reads: records through the writer, rejected
//! rows (by the reader or by the store) into quarantine, counts that add up.

use chiso_ingest::{Item, Reader, Record};

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
}

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
        let missing_columns = reader.missing_columns().to_vec();
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
            });
            for (batch, bytes) in batches {
                for item in batch {
                    read += 1;
                    match item {
                        Item::Accepted { line, record } => put(&mut writer, line, &record)?,
                        Item::Rejected(r) => {
                            writer.reject(r.line, r.column.as_deref(), &r.reason, &r.raw)?
                        }
                    }
                }
                progress(read, bytes);
            }
            Ok(())
        })?;
        let counts = writer.commit(read)?;
        Ok(ImportSummary {
            file,
            kind: kind.to_string(),
            read,
            inserted: counts.inserted,
            replaced: counts.replaced,
            rejected: counts.rejected,
            missing_columns,
        })
    }
}

/// Rows handed from the reading thread to the writing one at a time.
const BATCH: usize = 8_192;

/// Puts one record; one the store cannot accept (unknown unit or procedure)
/// goes to quarantine with its reason.
fn put(writer: &mut Writer, line: usize, record: &Record) -> Result<()> {
    let result = match record {
        Record::Unit(u) => writer.put_unit(u),
        Record::Procedure(p) => writer.put_procedure(p),
        Record::Dossier(d) => writer.put_dossier(d),
        Record::Feedback(f) => writer.put_feedback(f),
        Record::Counts(c) => writer.put_counts(c),
        Record::Holiday(h) => writer.put_holiday(h),
    };
    match result {
        Ok(_) => Ok(()),
        Err(PutError::Store(e)) => Err(e),
        Err(e) => writer.reject(line, e.column(), &e.to_string(), &record.to_csv_row()),
    }
}
