//! Conversions between domain records and table rows.

use std::collections::HashMap;

use chiso_core::engine::UnitRecords;
use chiso_core::measures::{ProcedureId, UnitId};
use chiso_core::period::Period;
use chiso_core::records::{
    Channel, Dossier, DossierStatus, Feedback, FeedbackOutcome, OnlineLevel, Procedure,
    ProcedureLevel, Rating, Unit, UnitCounts, UnitKind,
};
use chiso_core::steps::ProcessingStep;
use chiso_core::time::{Date, Instant, Month};
use rusqlite::{Connection, Row};

use crate::{Result, StoreError};

pub(crate) fn day(d: Option<Date>) -> Option<i32> {
    d.map(Date::days)
}

pub(crate) fn instant(i: Option<Instant>) -> Option<i64> {
    i.map(Instant::unix)
}

fn get_day(r: &Row, i: usize) -> rusqlite::Result<Option<Date>> {
    Ok(r.get::<_, Option<i32>>(i)?.map(Date::from_days))
}

fn get_instant(r: &Row, i: usize) -> rusqlite::Result<Option<Instant>> {
    Ok(r.get::<_, Option<i64>>(i)?.map(Instant::from_unix))
}

pub(crate) fn corrupt(table: &'static str, detail: String) -> StoreError {
    StoreError::Corrupt { table, detail }
}

pub(crate) fn units(conn: &Connection) -> Result<Vec<(UnitId, Unit)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, code, name, parent_code, kind, valid_from, valid_to, successor_code, scored FROM units ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let kind: String = r.get(4)?;
        let kind =
            UnitKind::parse(&kind).ok_or_else(|| corrupt("units", format!("kind '{kind}'")))?;
        out.push((
            r.get(0)?,
            Unit {
                code: r.get(1)?,
                name: r.get(2)?,
                parent_code: r.get(3)?,
                kind,
                valid_from: get_day(r, 5)?,
                valid_to: get_day(r, 6)?,
                successor_code: r.get(7)?,
                scored: r.get(8)?,
            },
        ));
    }
    Ok(out)
}

pub(crate) fn procedures(conn: &Connection) -> Result<HashMap<ProcedureId, Procedure>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, code, name, level, field, online_level, full_online_eligible, has_fee, paper_result, max_days, \
         citizen_facing, decision_date, legal_effective_date, published_at, complete_parts, citizen_data_connected \
         FROM procedures",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = HashMap::new();
    while let Some(r) = rows.next()? {
        let level: Option<String> = r.get(3)?;
        let online: String = r.get(5)?;
        out.insert(
            r.get(0)?,
            Procedure {
                code: r.get(1)?,
                name: r.get(2)?,
                level: level.as_deref().and_then(ProcedureLevel::parse),
                field: r.get(4)?,
                online_level: OnlineLevel::parse(&online)
                    .ok_or_else(|| corrupt("procedures", format!("online_level '{online}'")))?,
                full_online_eligible: r.get(6)?,
                has_fee: r.get(7)?,
                paper_result: r.get(8)?,
                max_days: r.get(9)?,
                citizen_facing: r.get(10)?,
                decision_date: get_day(r, 11)?,
                legal_effective_date: get_day(r, 12)?,
                published_at: get_day(r, 13)?,
                complete_parts: r.get(14)?,
                citizen_data_connected: r.get(15)?,
            },
        );
    }
    Ok(out)
}

/// Columns of `dossiers` in the order [`dossier_from_row`] reads them, with
/// unit and procedure codes joined in.
pub(crate) const DOSSIER_SELECT: &str = "SELECT d.id, u.code, p.code, d.channel, d.submitted_at, d.received_at, d.due_at, \
     d.finished_at, d.returned_at, d.status, d.supplement_requests, d.supplement_requested_at, d.supplement_days, d.synced, \
     d.fee_amount, d.paid_online, d.e_result, d.digitized, d.reused_data, d.vneid_verified, d.handler_named, \
     d.personal_store_synced, d.citizen_data_used, d.rating, d.complaint, d.unit_id, d.procedure_id \
     FROM dossiers d JOIN units u ON u.id = d.unit_id JOIN procedures p ON p.id = d.procedure_id";

pub(crate) fn dossier_from_row(r: &Row) -> Result<Dossier> {
    let status: String = r.get(9)?;
    let rating: Option<String> = r.get(23)?;
    let channel: i64 = r.get(3)?;
    Ok(Dossier {
        id: r.get(0)?,
        unit_code: r.get(1)?,
        procedure_code: r.get(2)?,
        channel: Channel::from_number(channel)
            .ok_or_else(|| corrupt("dossiers", format!("channel {channel}")))?,
        submitted_at: get_instant(r, 4)?,
        received_at: Instant::from_unix(r.get(5)?),
        due_at: get_instant(r, 6)?,
        finished_at: get_instant(r, 7)?,
        returned_at: get_instant(r, 8)?,
        status: DossierStatus::parse(&status)
            .ok_or_else(|| corrupt("dossiers", format!("status '{status}'")))?,
        supplement_requests: r.get(10)?,
        supplement_requested_at: get_instant(r, 11)?,
        supplement_days: r.get(12)?,
        synced: r.get(13)?,
        fee_amount: r.get(14)?,
        paid_online: r.get(15)?,
        e_result: r.get(16)?,
        digitized: r.get(17)?,
        reused_data: r.get(18)?,
        vneid_verified: r.get(19)?,
        handler_named: r.get(20)?,
        personal_store_synced: r.get(21)?,
        citizen_data_used: r.get(22)?,
        rating: match rating {
            Some(t) => Some(
                Rating::parse(&t).ok_or_else(|| corrupt("dossiers", format!("rating '{t}'")))?,
            ),
            None => None,
        },
        complaint: r.get(24)?,
    })
}

pub(crate) const FEEDBACK_SELECT: &str =
    "SELECT f.id, u.code, f.received_at, f.outcome, f.handled_at, f.published_at, \
     f.likes, f.dislikes, f.repeated, f.unit_id FROM feedback f JOIN units u ON u.id = f.unit_id";

pub(crate) fn feedback_from_row(r: &Row) -> Result<Feedback> {
    let outcome: String = r.get(3)?;
    Ok(Feedback {
        id: r.get(0)?,
        unit_code: r.get(1)?,
        received_at: Instant::from_unix(r.get(2)?),
        outcome: FeedbackOutcome::parse(&outcome)
            .ok_or_else(|| corrupt("feedback", format!("outcome '{outcome}'")))?,
        handled_at: get_instant(r, 4)?,
        published_at: get_instant(r, 5)?,
        likes: r.get(6)?,
        dislikes: r.get(7)?,
        repeated: r.get(8)?,
    })
}

pub(crate) const COUNTS_SELECT: &str = "SELECT u.code, c.month, c.verified_accounts, c.e_certified_copies, \
     c.certification_dossiers, c.population, c.unit_id FROM unit_counts c JOIN units u ON u.id = c.unit_id";

pub(crate) fn counts_from_row(r: &Row) -> Result<UnitCounts> {
    Ok(UnitCounts {
        unit_code: r.get(0)?,
        month: Month::from_index(r.get(1)?),
        verified_accounts: r.get(2)?,
        e_certified_copies: r.get(3)?,
        certification_dossiers: r.get(4)?,
        population: r.get(5)?,
    })
}

/// Records of some units received no later than the period's end.
pub(crate) fn records_for(
    conn: &Connection,
    units: &[UnitId],
    period: &Period,
) -> Result<UnitRecords> {
    let mut out = UnitRecords::default();
    for unit in units {
        each_record(conn, Some(*unit), period, |record| match record {
            Record::Dossier(d) => out.dossiers.push(d),
            Record::Feedback(f) => out.feedback.push(f),
            Record::Counts(c) => out.counts.push(c),
        })?;
    }
    Ok(out)
}

/// Streams the dossiers not ended by `cutoff` (received by then) and the
/// feedback received by then: the records whose lateness may fall after a
/// cut period's cutoff (a record that ended is late, if at all, by its end).
pub(crate) fn each_open_at(
    conn: &Connection,
    cutoff: Instant,
    mut f: impl FnMut(Record),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "{DOSSIER_SELECT} WHERE d.received_at <= ?1 AND (d.ended_at IS NULL OR d.ended_at > ?1)"
    ))?;
    let mut rows = stmt.query([cutoff.unix()])?;
    while let Some(r) = rows.next()? {
        f(Record::Dossier(dossier_from_row(r)?));
    }
    let mut stmt = conn.prepare_cached(&format!("{FEEDBACK_SELECT} WHERE f.received_at <= ?1"))?;
    let mut rows = stmt.query([cutoff.unix()])?;
    while let Some(r) = rows.next()? {
        f(Record::Feedback(feedback_from_row(r)?));
    }
    Ok(())
}

/// A raw record read for a period.
pub(crate) enum Record {
    Dossier(Dossier),
    Feedback(Feedback),
    Counts(UnitCounts),
}

/// Streams the records received no later than the period's end, of one unit
/// or (with `None`) of all in one sequential pass over each table.
pub(crate) fn each_record(
    conn: &Connection,
    unit: Option<UnitId>,
    period: &Period,
    mut f: impl FnMut(Record),
) -> Result<()> {
    let (start, end, month) = (
        period.start().unix(),
        period.end().unix(),
        period.to.month().index(),
    );
    let unit_filter = |column: &str| match unit {
        Some(_) => format!("{column} = ?1"),
        None => "?1 = ?1".to_string(),
    };
    let unit = unit.unwrap_or(0);
    // Dossiers received before the period that also ended before it count
    // nowhere in it (methodology §3); the end is that of `judge::dossier_timeliness`.
    let mut stmt = conn.prepare_cached(&format!(
        "{DOSSIER_SELECT} WHERE {} AND d.received_at <= ?2 AND NOT (d.received_at < ?3 AND \
         d.ended_at IS NOT NULL AND d.ended_at < ?3)",
        unit_filter("d.unit_id")
    ))?;
    let mut rows = stmt.query((unit, end, start))?;
    while let Some(r) = rows.next()? {
        f(Record::Dossier(dossier_from_row(r)?));
    }
    let mut stmt = conn.prepare_cached(&format!(
        "{FEEDBACK_SELECT} WHERE {} AND f.received_at <= ?2",
        unit_filter("f.unit_id")
    ))?;
    let mut rows = stmt.query((unit, end))?;
    while let Some(r) = rows.next()? {
        f(Record::Feedback(feedback_from_row(r)?));
    }
    let mut stmt = conn.prepare_cached(&format!(
        "{COUNTS_SELECT} WHERE {} AND c.month <= ?2",
        unit_filter("c.unit_id")
    ))?;
    let mut rows = stmt.query((unit, month))?;
    while let Some(r) = rows.next()? {
        f(Record::Counts(counts_from_row(r)?));
    }
    Ok(())
}

/// The kept processing steps of a dossier, in time order.
pub(crate) fn steps(conn: &Connection, dossier_id: &str) -> Result<Vec<ProcessingStep>> {
    let mut stmt = conn.prepare_cached(
        "SELECT dossier_id, at, status, handler, title, department, content, started_at, due_at \
         FROM dossier_steps WHERE dossier_id = ?1 ORDER BY at, key",
    )?;
    let rows = stmt.query_map([dossier_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, Option<i64>>(7)?,
            r.get::<_, Option<i64>>(8)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (dossier_id, at, status, handler, title, department, content, started, due) = row?;
        let status = match status {
            Some(s) => Some(DossierStatus::parse(&s).ok_or_else(|| StoreError::Corrupt {
                table: "dossier_steps",
                detail: format!("trạng thái không rõ '{s}'"),
            })?),
            None => None,
        };
        out.push(ProcessingStep {
            dossier_id,
            at: Instant::from_unix(at),
            status,
            handler,
            title,
            department,
            content,
            started_at: started.map(Instant::from_unix),
            due_at: due.map(Instant::from_unix),
        });
    }
    Ok(out)
}
