//! Conversions between domain records and PostgreSQL rows, and the reads of
//! raw records (every value read with `try_get`: a row of unexpected type is
//! an error naming its table, never a panic).

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
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{GenericClient, Row};

use crate::{PgError, Result};

pub(crate) fn day(d: Option<Date>) -> Option<i32> {
    d.map(Date::days)
}

pub(crate) fn instant(i: Option<Instant>) -> Option<i64> {
    i.map(Instant::unix)
}

pub(crate) fn corrupt(table: &'static str, detail: String) -> PgError {
    PgError::Corrupt { table, detail }
}

fn get_day(r: &Row, i: usize) -> Result<Option<Date>> {
    Ok(r.try_get::<_, Option<i32>>(i)?.map(Date::from_days))
}

fn get_instant(r: &Row, i: usize) -> Result<Option<Instant>> {
    Ok(r.try_get::<_, Option<i64>>(i)?.map(Instant::from_unix))
}

/// A stored id as the core's unit id.
pub(crate) fn unit_id(table: &'static str, id: i64) -> Result<UnitId> {
    UnitId::try_from(id).map_err(|_| corrupt(table, format!("mã số đơn vị {id}")))
}

/// A stored id as the core's procedure id.
pub(crate) fn procedure_id(table: &'static str, id: i64) -> Result<ProcedureId> {
    ProcedureId::try_from(id).map_err(|_| corrupt(table, format!("mã số thủ tục {id}")))
}

fn count(table: &'static str, r: &Row, i: usize) -> Result<u32> {
    let v: i64 = r.try_get(i)?;
    u32::try_from(v).map_err(|_| corrupt(table, format!("số âm {v} ở cột {}", i + 1)))
}

/// The parameters of a statement as `query_raw` takes them.
pub(crate) fn params<'a>(
    p: &'a [&'a (dyn ToSql + Sync)],
) -> impl ExactSizeIterator<Item = &'a dyn ToSql> + 'a {
    p.iter().map(|v| *v as &dyn ToSql)
}

pub(crate) fn units(client: &mut impl GenericClient) -> Result<Vec<(UnitId, Unit)>> {
    let rows = client.query(
        "SELECT id, code, name, parent_code, kind, valid_from, valid_to, successor_code, scored \
         FROM units ORDER BY id",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get(4)?;
            let kind =
                UnitKind::parse(&kind).ok_or_else(|| corrupt("units", format!("kind '{kind}'")))?;
            Ok((
                unit_id("units", r.try_get(0)?)?,
                Unit {
                    code: r.try_get(1)?,
                    name: r.try_get(2)?,
                    parent_code: r.try_get(3)?,
                    kind,
                    valid_from: get_day(r, 5)?,
                    valid_to: get_day(r, 6)?,
                    successor_code: r.try_get(7)?,
                    scored: r.try_get(8)?,
                },
            ))
        })
        .collect()
}

pub(crate) fn procedures(
    client: &mut impl GenericClient,
) -> Result<HashMap<ProcedureId, Procedure>> {
    let rows = client.query(
        "SELECT id, code, name, level, field, online_level, full_online_eligible, has_fee, \
         paper_result, max_days, citizen_facing, decision_date, legal_effective_date, \
         published_at, complete_parts, citizen_data_connected FROM procedures",
        &[],
    )?;
    let mut out = HashMap::new();
    for r in &rows {
        let level: Option<String> = r.try_get(3)?;
        let online: String = r.try_get(5)?;
        let max_days: Option<i64> = r.try_get(9)?;
        out.insert(
            procedure_id("procedures", r.try_get(0)?)?,
            Procedure {
                code: r.try_get(1)?,
                name: r.try_get(2)?,
                level: level.as_deref().and_then(ProcedureLevel::parse),
                field: r.try_get(4)?,
                online_level: OnlineLevel::parse(&online)
                    .ok_or_else(|| corrupt("procedures", format!("online_level '{online}'")))?,
                full_online_eligible: r.try_get(6)?,
                has_fee: r.try_get(7)?,
                paper_result: r.try_get(8)?,
                max_days: max_days
                    .map(|d| {
                        u32::try_from(d).map_err(|_| corrupt("procedures", format!("max_days {d}")))
                    })
                    .transpose()?,
                citizen_facing: r.try_get(10)?,
                decision_date: get_day(r, 11)?,
                legal_effective_date: get_day(r, 12)?,
                published_at: get_day(r, 13)?,
                complete_parts: r.try_get(14)?,
                citizen_data_connected: r.try_get(15)?,
            },
        );
    }
    Ok(out)
}

/// The columns of `dossiers` in the order the writer copies them.
pub(crate) const DOSSIER_COLUMNS: &str = "id, unit_id, procedure_id, channel, submitted_at, \
     received_at, due_at, finished_at, returned_at, ended_at, latest_at, status, \
     supplement_requests, supplement_requested_at, supplement_days, synced, fee_amount, \
     paid_online, e_result, digitized, reused_data, vneid_verified, handler_named, \
     personal_store_synced, citizen_data_used, rating, complaint";

/// Columns of `dossiers` in the order [`dossier_from_row`] reads them, with
/// unit and procedure codes joined in; then the unit id (25), the procedure
/// id (26) and the stored end of processing (27).
pub(crate) const DOSSIER_SELECT: &str = "SELECT d.id, u.code, p.code, d.channel, d.submitted_at, \
     d.received_at, d.due_at, d.finished_at, d.returned_at, d.status, d.supplement_requests, \
     d.supplement_requested_at, d.supplement_days, d.synced, d.fee_amount, d.paid_online, \
     d.e_result, d.digitized, d.reused_data, d.vneid_verified, d.handler_named, \
     d.personal_store_synced, d.citizen_data_used, d.rating, d.complaint, d.unit_id, \
     d.procedure_id, d.ended_at \
     FROM dossiers d JOIN units u ON u.id = d.unit_id JOIN procedures p ON p.id = d.procedure_id";

pub(crate) fn dossier_from_row(r: &Row) -> Result<Dossier> {
    let status: String = r.try_get(9)?;
    let rating: Option<String> = r.try_get(23)?;
    let channel: i16 = r.try_get(3)?;
    let paid_online: i16 = r.try_get(15)?;
    Ok(Dossier {
        id: r.try_get(0)?,
        unit_code: r.try_get(1)?,
        procedure_code: r.try_get(2)?,
        channel: Channel::from_number(channel.into())
            .ok_or_else(|| corrupt("dossiers", format!("channel {channel}")))?,
        submitted_at: get_instant(r, 4)?,
        received_at: Instant::from_unix(r.try_get(5)?),
        due_at: get_instant(r, 6)?,
        finished_at: get_instant(r, 7)?,
        returned_at: get_instant(r, 8)?,
        status: DossierStatus::parse(&status)
            .ok_or_else(|| corrupt("dossiers", format!("status '{status}'")))?,
        supplement_requests: count("dossiers", r, 10)?,
        supplement_requested_at: get_instant(r, 11)?,
        supplement_days: count("dossiers", r, 12)?,
        synced: r.try_get(13)?,
        fee_amount: r.try_get(14)?,
        paid_online: u8::try_from(paid_online)
            .map_err(|_| corrupt("dossiers", format!("paid_online {paid_online}")))?,
        e_result: r.try_get(16)?,
        digitized: r.try_get(17)?,
        reused_data: r.try_get(18)?,
        vneid_verified: r.try_get(19)?,
        handler_named: r.try_get(20)?,
        personal_store_synced: r.try_get(21)?,
        citizen_data_used: r.try_get(22)?,
        rating: match rating {
            Some(t) => Some(
                Rating::parse(&t).ok_or_else(|| corrupt("dossiers", format!("rating '{t}'")))?,
            ),
            None => None,
        },
        complaint: r.try_get(24)?,
    })
}

/// Feedback columns in the order [`feedback_from_row`] reads them; then the unit id (9).
pub(crate) const FEEDBACK_SELECT: &str =
    "SELECT f.id, u.code, f.received_at, f.outcome, f.handled_at, f.published_at, \
     f.likes, f.dislikes, f.repeated, f.unit_id FROM feedback f JOIN units u ON u.id = f.unit_id";

pub(crate) fn feedback_from_row(r: &Row) -> Result<Feedback> {
    let outcome: String = r.try_get(3)?;
    Ok(Feedback {
        id: r.try_get(0)?,
        unit_code: r.try_get(1)?,
        received_at: Instant::from_unix(r.try_get(2)?),
        outcome: FeedbackOutcome::parse(&outcome)
            .ok_or_else(|| corrupt("feedback", format!("outcome '{outcome}'")))?,
        handled_at: get_instant(r, 4)?,
        published_at: get_instant(r, 5)?,
        likes: count("feedback", r, 6)?,
        dislikes: count("feedback", r, 7)?,
        repeated: r.try_get(8)?,
    })
}

/// Monthly counts in the order [`counts_from_row`] reads them; then the unit id (6).
pub(crate) const COUNTS_SELECT: &str = "SELECT u.code, c.month, c.verified_accounts, \
     c.e_certified_copies, c.certification_dossiers, c.population, c.unit_id \
     FROM unit_counts c JOIN units u ON u.id = c.unit_id";

pub(crate) fn counts_from_row(r: &Row) -> Result<UnitCounts> {
    Ok(UnitCounts {
        unit_code: r.try_get(0)?,
        month: Month::from_index(r.try_get(1)?),
        verified_accounts: r.try_get(2)?,
        e_certified_copies: r.try_get(3)?,
        certification_dossiers: r.try_get(4)?,
        population: r.try_get(5)?,
    })
}

/// A raw record read for a period.
pub(crate) enum Record {
    Dossier(Dossier),
    Feedback(Feedback),
    Counts(UnitCounts),
}

/// Streams the rows of a query through `f`.
fn each_row(
    client: &mut impl GenericClient,
    sql: &str,
    p: &[&(dyn ToSql + Sync)],
    mut f: impl FnMut(&Row) -> Result<()>,
) -> Result<()> {
    let mut rows = client.query_raw(sql, params(p))?;
    while let Some(r) = rows.next()? {
        f(&r)?;
    }
    Ok(())
}

/// Records of some units received no later than the period's end.
pub(crate) fn records_for(
    client: &mut impl GenericClient,
    units: &[UnitId],
    period: &Period,
) -> Result<UnitRecords> {
    let mut out = UnitRecords::default();
    for unit in units {
        each_record(client, Some(*unit), period, |record| match record {
            Record::Dossier(d) => out.dossiers.push(d),
            Record::Feedback(f) => out.feedback.push(f),
            Record::Counts(c) => out.counts.push(c),
        })?;
    }
    Ok(out)
}

/// Streams the records received no later than the period's end, of one unit
/// or (with `None`) of all. Dossiers received before the period that also
/// ended before it count nowhere in it (methodology §3); their end is the
/// stored `ended_at` the core computed.
pub(crate) fn each_record(
    client: &mut impl GenericClient,
    unit: Option<UnitId>,
    period: &Period,
    mut f: impl FnMut(Record),
) -> Result<()> {
    let (start, end, month) = (
        period.start().unix(),
        period.end().unix(),
        period.to.month().index(),
    );
    let unit = unit.map(i64::from);
    let dossiers = format!(
        "{DOSSIER_SELECT} WHERE ($1::bigint IS NULL OR d.unit_id = $1) AND d.received_at <= $2 \
         AND NOT (d.received_at < $3 AND d.ended_at IS NOT NULL AND d.ended_at < $3)"
    );
    each_row(client, &dossiers, &[&unit, &end, &start], |r| {
        f(Record::Dossier(dossier_from_row(r)?));
        Ok(())
    })?;
    let feedback = format!(
        "{FEEDBACK_SELECT} WHERE ($1::bigint IS NULL OR f.unit_id = $1) AND f.received_at <= $2"
    );
    each_row(client, &feedback, &[&unit, &end], |r| {
        f(Record::Feedback(feedback_from_row(r)?));
        Ok(())
    })?;
    let counts =
        format!("{COUNTS_SELECT} WHERE ($1::bigint IS NULL OR c.unit_id = $1) AND c.month <= $2");
    each_row(client, &counts, &[&unit, &month], |r| {
        f(Record::Counts(counts_from_row(r)?));
        Ok(())
    })
}

/// Streams the dossiers received by `cutoff` and not ended by then, and the
/// feedback received by then: the records whose lateness may fall after a cut
/// period's cutoff (a record that ended is late, if at all, by its end).
pub(crate) fn each_open_at(
    client: &mut impl GenericClient,
    cutoff: Instant,
    mut f: impl FnMut(Record),
) -> Result<()> {
    let cutoff = cutoff.unix();
    let dossiers = format!(
        "{DOSSIER_SELECT} WHERE d.received_at <= $1 AND (d.ended_at IS NULL OR d.ended_at > $1)"
    );
    each_row(client, &dossiers, &[&cutoff], |r| {
        f(Record::Dossier(dossier_from_row(r)?));
        Ok(())
    })?;
    let feedback = format!("{FEEDBACK_SELECT} WHERE f.received_at <= $1");
    each_row(client, &feedback, &[&cutoff], |r| {
        f(Record::Feedback(feedback_from_row(r)?));
        Ok(())
    })
}

/// The kept processing steps of a dossier, in time order.
pub(crate) fn steps(
    client: &mut impl GenericClient,
    dossier_id: &str,
) -> Result<Vec<ProcessingStep>> {
    let rows = client.query(
        "SELECT dossier_id, at, status, handler, title, department, content, started_at, due_at \
         FROM dossier_steps WHERE dossier_id = $1 ORDER BY at, key COLLATE \"C\"",
        &[&dossier_id],
    )?;
    rows.iter()
        .map(|r| {
            let status: Option<String> = r.try_get(2)?;
            let status = match status {
                Some(s) => Some(DossierStatus::parse(&s).ok_or_else(|| {
                    corrupt("dossier_steps", format!("trạng thái không rõ '{s}'"))
                })?),
                None => None,
            };
            Ok(ProcessingStep {
                dossier_id: r.try_get(0)?,
                at: Instant::from_unix(r.try_get(1)?),
                status,
                handler: r.try_get(3)?,
                title: r.try_get(4)?,
                department: r.try_get(5)?,
                content: r.try_get(6)?,
                started_at: get_instant(r, 7)?,
                due_at: get_instant(r, 8)?,
            })
        })
        .collect()
}
