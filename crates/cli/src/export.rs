//! Writing records as CSV in the import format (data-format.md), so that a
//! generated province can be imported like real exports.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use anyhow::{Context, Result};
use chiso_core::calendar::Holiday;
use chiso_core::records::{Dossier, Feedback, Procedure, Unit, UnitCounts};
use chiso_core::time::{Date, Instant};

fn writer(dir: &Path, name: &str) -> Result<csv::Writer<BufWriter<File>>> {
    let path = dir.join(name);
    let file =
        File::create(&path).with_context(|| format!("không tạo được tệp {}", path.display()))?;
    Ok(csv::Writer::from_writer(BufWriter::with_capacity(
        1 << 20,
        file,
    )))
}

fn date(d: Option<Date>) -> String {
    d.map(Date::iso).unwrap_or_default()
}

fn at(i: Option<Instant>) -> String {
    i.map(Instant::iso).unwrap_or_default()
}

fn flag(b: bool) -> &'static str {
    if b {
        "1"
    } else {
        "0"
    }
}

pub fn units(dir: &Path, units: &[Unit]) -> Result<()> {
    let mut w = writer(dir, "units.csv")?;
    w.write_record([
        "code",
        "name",
        "parent_code",
        "kind",
        "valid_from",
        "valid_to",
        "successor_code",
        "scored",
    ])?;
    for u in units {
        w.write_record([
            u.code.as_str(),
            &u.name,
            u.parent_code.as_deref().unwrap_or(""),
            u.kind.code(),
            &date(u.valid_from),
            &date(u.valid_to),
            u.successor_code.as_deref().unwrap_or(""),
            flag(u.scored),
        ])?;
    }
    Ok(w.flush()?)
}

pub fn procedures(dir: &Path, procedures: &[Procedure]) -> Result<()> {
    let mut w = writer(dir, "procedures.csv")?;
    w.write_record([
        "code",
        "name",
        "level",
        "field",
        "online_level",
        "full_online_eligible",
        "has_fee",
        "paper_result",
        "max_days",
        "citizen_facing",
        "decision_date",
        "legal_effective_date",
        "published_at",
        "complete_parts",
        "citizen_data_connected",
    ])?;
    for p in procedures {
        w.write_record([
            p.code.as_str(),
            &p.name,
            p.level.map_or("", |l| l.code()),
            &p.field,
            p.online_level.code(),
            flag(p.full_online_eligible),
            flag(p.has_fee),
            flag(p.paper_result),
            &p.max_days.map(|d| d.to_string()).unwrap_or_default(),
            flag(p.citizen_facing),
            &date(p.decision_date),
            &date(p.legal_effective_date),
            &date(p.published_at),
            flag(p.complete_parts),
            flag(p.citizen_data_connected),
        ])?;
    }
    Ok(w.flush()?)
}

pub fn holidays(dir: &Path, holidays: &[Holiday]) -> Result<()> {
    let mut w = writer(dir, "holidays.csv")?;
    w.write_record(["date", "name"])?;
    for h in holidays {
        w.write_record([h.date.iso(), h.name.clone()])?;
    }
    Ok(w.flush()?)
}

pub const DOSSIER_COLUMNS: [&str; 25] = [
    "id",
    "unit_code",
    "procedure_code",
    "channel",
    "submitted_at",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "status",
    "supplement_requests",
    "supplement_requested_at",
    "supplement_days",
    "synced",
    "fee_amount",
    "paid_online",
    "e_result",
    "digitized",
    "reused_data",
    "vneid_verified",
    "handler_named",
    "personal_store_synced",
    "citizen_data_used",
    "rating",
    "complaint",
];

/// Writes dossiers; returns how many.
pub fn dossiers(dir: &Path, dossiers: impl Iterator<Item = Dossier>) -> Result<u64> {
    let mut w = writer(dir, "dossiers.csv")?;
    w.write_record(DOSSIER_COLUMNS)?;
    let mut n = 0;
    for d in dossiers {
        w.write_record([
            d.id.as_str(),
            &d.unit_code,
            &d.procedure_code,
            &(d.channel as i64).to_string(),
            &at(d.submitted_at),
            &d.received_at.iso(),
            &at(d.due_at),
            &at(d.finished_at),
            &at(d.returned_at),
            d.status.code(),
            &d.supplement_requests.to_string(),
            &at(d.supplement_requested_at),
            &d.supplement_days.to_string(),
            flag(d.synced),
            &d.fee_amount.to_string(),
            &d.paid_online.to_string(),
            flag(d.e_result),
            flag(d.digitized),
            flag(d.reused_data),
            flag(d.vneid_verified),
            flag(d.handler_named),
            flag(d.personal_store_synced),
            flag(d.citizen_data_used),
            d.rating.map_or("", |r| r.code()),
            flag(d.complaint),
        ])?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

pub fn feedback(dir: &Path, feedback: &[Feedback]) -> Result<()> {
    let mut w = writer(dir, "feedback.csv")?;
    w.write_record([
        "id",
        "unit_code",
        "received_at",
        "outcome",
        "handled_at",
        "published_at",
        "likes",
        "dislikes",
        "repeated",
    ])?;
    for f in feedback {
        w.write_record([
            f.id.as_str(),
            &f.unit_code,
            &f.received_at.iso(),
            f.outcome.code(),
            &at(f.handled_at),
            &at(f.published_at),
            &f.likes.to_string(),
            &f.dislikes.to_string(),
            flag(f.repeated),
        ])?;
    }
    Ok(w.flush()?)
}

pub fn counts(dir: &Path, counts: &[UnitCounts]) -> Result<()> {
    let mut w = writer(dir, "counts.csv")?;
    w.write_record([
        "unit_code",
        "month",
        "verified_accounts",
        "e_certified_copies",
        "certification_dossiers",
        "population",
    ])?;
    for c in counts {
        w.write_record([
            c.unit_code.clone(),
            c.month.iso(),
            c.verified_accounts.to_string(),
            c.e_certified_copies.to_string(),
            c.certification_dossiers.to_string(),
            c.population.to_string(),
        ])?;
    }
    Ok(w.flush()?)
}
