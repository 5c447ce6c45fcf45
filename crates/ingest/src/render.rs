//! Records back to text: one CSV line in the data format's English column
//! order, which this crate reads back to the same record. Used to keep a
//! record the store rejects (unknown unit, say) in quarantine as text.

use chiso_core::time::{Date, Instant};

use crate::{join_csv, Record};

fn flag(b: bool) -> String {
    if b { "1" } else { "0" }.to_string()
}

fn date(d: Option<Date>) -> String {
    d.map(Date::iso).unwrap_or_default()
}

fn instant(t: Option<Instant>) -> String {
    t.map(Instant::iso).unwrap_or_default()
}

impl Record {
    /// The record as one CSV line (comma separated, quoted where needed)
    /// under [`crate::RecordKind::csv_header`].
    pub fn to_csv_row(&self) -> String {
        let cells: Vec<String> = match self {
            Record::Unit(u) => vec![
                u.code.clone(),
                u.name.clone(),
                u.parent_code.clone().unwrap_or_default(),
                u.kind.code().to_string(),
                date(u.valid_from),
                date(u.valid_to),
                u.successor_code.clone().unwrap_or_default(),
                flag(u.scored),
            ],
            Record::Procedure(p) => vec![
                p.code.clone(),
                p.name.clone(),
                p.level.map(|l| l.code().to_string()).unwrap_or_default(),
                p.field.clone(),
                p.online_level.code().to_string(),
                flag(p.full_online_eligible),
                flag(p.has_fee),
                flag(p.paper_result),
                p.max_days.map(|n| n.to_string()).unwrap_or_default(),
                flag(p.citizen_facing),
                date(p.decision_date),
                date(p.legal_effective_date),
                date(p.published_at),
                flag(p.complete_parts),
                flag(p.citizen_data_connected),
            ],
            Record::Dossier(d) => vec![
                d.id.clone(),
                d.unit_code.clone(),
                d.procedure_code.clone(),
                (d.channel as i64).to_string(),
                instant(d.submitted_at),
                d.received_at.iso(),
                instant(d.due_at),
                instant(d.finished_at),
                instant(d.returned_at),
                d.status.code().to_string(),
                d.supplement_requests.to_string(),
                instant(d.supplement_requested_at),
                d.supplement_days.to_string(),
                flag(d.synced),
                d.fee_amount.to_string(),
                d.paid_online.to_string(),
                flag(d.e_result),
                flag(d.digitized),
                flag(d.reused_data),
                flag(d.vneid_verified),
                flag(d.handler_named),
                flag(d.personal_store_synced),
                flag(d.citizen_data_used),
                d.rating.map(|r| r.code().to_string()).unwrap_or_default(),
                flag(d.complaint),
                // unit_name, procedure_name, refused_at: resolved into the
                // codes and the end of processing when read.
                String::new(),
                String::new(),
                String::new(),
            ],
            Record::Feedback(f) => vec![
                f.id.clone(),
                f.unit_code.clone(),
                f.received_at.iso(),
                f.outcome.code().to_string(),
                instant(f.handled_at),
                instant(f.published_at),
                f.likes.to_string(),
                f.dislikes.to_string(),
                flag(f.repeated),
            ],
            Record::Counts(c) => vec![
                c.unit_code.clone(),
                c.month.iso(),
                c.verified_accounts.to_string(),
                c.e_certified_copies.to_string(),
                c.certification_dossiers.to_string(),
                c.population.to_string(),
            ],
            Record::Holiday(h) => vec![h.date.iso(), h.name.clone()],
            Record::Step(s) => vec![
                s.dossier_id.clone(),
                s.at.iso(),
                s.status.map(|st| st.code().to_string()).unwrap_or_default(),
                s.handler.clone(),
                s.title.clone(),
                s.department.clone(),
                s.content.clone(),
                instant(s.started_at),
                instant(s.due_at),
            ],
        };
        join_csv(cells.iter().map(String::as_str), ',')
    }
}
