//! Writing records as CSV files in the import format (data-format.md), with
//! the column names and cell forms `chiso-ingest` reads back, so that a
//! generated province can be imported like real exports (and opened in
//! Excel: the files start with a UTF-8 byte order mark).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use chiso_ingest::{Record, RecordKind};

/// Writes `DIR/<kind>.csv` (e.g. `dossiers.csv`); returns the number of records.
pub fn write(
    dir: &Path,
    kind: RecordKind,
    records: impl IntoIterator<Item = Record>,
) -> Result<u64> {
    let path = dir.join(format!("{}.csv", kind.code()));
    let file =
        File::create(&path).with_context(|| format!("không tạo được tệp {}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    writeln!(out, "\u{feff}{}", kind.csv_header())?;
    let mut n = 0;
    for record in records {
        writeln!(out, "{}", record.to_csv_row())?;
        n += 1;
    }
    out.flush()
        .with_context(|| format!("không ghi được tệp {}", path.display()))?;
    Ok(n)
}
