//! The real-time feed (data-format.md, "dossier events"): each change of a
//! dossier arrives as `{"dossier_id", "seq", "at", "type", ...fields}`.
//!
//! A dossier's state is the fold of its events in `seq` order: each event's
//! type sets what it means (a `finished` event sets `finished_at` to `at`…),
//! then the fields it carries override. The folded state is read as one JSON
//! Lines dossier row, so a value means exactly what it means in a file.

use std::collections::BTreeMap;
use std::io::BufRead;

use chiso_core::records::Dossier;
use chiso_core::time::parse_instant;
use serde_json::{Map, Value};

use crate::build::show;
use crate::{from_text, reject, Format, Item, Record, RecordKind, Rejected};

/// What happened to a dossier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Received,
    SupplementRequested,
    Supplemented,
    Finished,
    Returned,
    Rejected,
    Stopped,
    Withdrawn,
    Paid,
    EResultIssued,
    Rated,
    Synced,
}

impl EventType {
    const CODES: [(&'static str, EventType); 12] = [
        ("received", EventType::Received),
        ("supplement_requested", EventType::SupplementRequested),
        ("supplemented", EventType::Supplemented),
        ("finished", EventType::Finished),
        ("returned", EventType::Returned),
        ("rejected", EventType::Rejected),
        ("stopped", EventType::Stopped),
        ("withdrawn", EventType::Withdrawn),
        ("paid", EventType::Paid),
        ("e_result_issued", EventType::EResultIssued),
        ("rated", EventType::Rated),
        ("synced", EventType::Synced),
    ];

    pub fn parse(text: &str) -> Option<EventType> {
        Self::CODES
            .iter()
            .find(|(c, _)| *c == text.trim())
            .map(|(_, t)| *t)
    }

    fn expected() -> String {
        Self::CODES
            .iter()
            .map(|(c, _)| *c)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One event of the feed, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct DossierEvent {
    pub dossier_id: String,
    pub seq: i64,
    /// As given, checked to be a date-time.
    pub at: String,
    pub kind: EventType,
    /// The dossier fields it sets (column names or their aliases).
    pub fields: Map<String, Value>,
    /// The line as received, kept so the fold can be redone from storage.
    pub raw: String,
}

const ENVELOPE: [&str; 4] = ["dossier_id", "seq", "at", "type"];

/// Parses one line of the feed; `line` is its number in `file`, for messages.
pub fn parse_event(file: &str, line: usize, text: &str) -> Result<DossierEvent, Rejected> {
    let fail = |column: Option<&str>, reason: String| reject(line, file, column, reason, text);
    let object: Map<String, Value> = match serde_json::from_str(text) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return Err(fail(None, "dòng không phải một đối tượng JSON".into())),
        Err(e) => return Err(fail(None, format!("JSON không hợp lệ: {e}"))),
    };
    let text_of = |key: &str| match object.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let missing = |key: &str| fail(Some(key), format!("thiếu giá trị bắt buộc ở cột {key}"));
    let dossier_id = text_of("dossier_id").ok_or_else(|| missing("dossier_id"))?;
    let seq = match object.get("seq") {
        Some(Value::Number(n)) => n.as_i64().filter(|s| *s >= 0),
        Some(Value::String(s)) => s.trim().parse().ok().filter(|s: &i64| *s >= 0),
        _ => return Err(missing("seq")),
    }
    .ok_or_else(|| {
        fail(
            Some("seq"),
            "seq phải là số nguyên không âm (seq must be a whole number ≥ 0)".into(),
        )
    })?;
    let at = text_of("at").ok_or_else(|| missing("at"))?;
    let Some(parsed) = parse_instant(&at) else {
        let at = show(&at);
        return Err(fail(
            Some("at"),
            format!("thời điểm không hợp lệ '{at}' ở cột at: dùng 2024-03-08T14:30:00+07:00 hoặc 08/03/2024 14:30"),
        ));
    };
    let year = parsed.instant.date().year();
    let window = crate::DateBounds::default();
    if !(window.first_year..=window.last_year).contains(&year) {
        let (at, first, last) = (show(&at), window.first_year, window.last_year);
        return Err(fail(
            Some("at"),
            format!("năm {year} của thời điểm '{at}' ở cột at nằm ngoài khoảng {first}–{last}: kiểm tra năm"),
        ));
    }
    let kind_text = text_of("type").ok_or_else(|| missing("type"))?;
    let kind = EventType::parse(&kind_text).ok_or_else(|| {
        let kind_text = show(&kind_text);
        fail(
            Some("type"),
            format!(
                "loại sự kiện '{kind_text}' không hợp lệ: dùng {}",
                EventType::expected()
            ),
        )
    })?;
    let fields = object
        .into_iter()
        .filter(|(k, _)| !ENVELOPE.contains(&k.as_str()))
        .collect();
    Ok(DossierEvent {
        dossier_id,
        seq,
        at,
        kind,
        fields,
        raw: text.to_string(),
    })
}

/// Reads a JSON Lines feed: each non-blank line an event or a rejection.
pub fn read_events<R: BufRead>(
    file: &str,
    input: R,
) -> impl Iterator<Item = Result<DossierEvent, Rejected>> + use<R> {
    let file = file.to_string();
    input
        .lines()
        .enumerate()
        .filter_map(move |(i, line)| match line {
            Err(e) => Some(Err(reject(
                i + 1,
                &file,
                None,
                format!("không đọc được dòng: {e}"),
                "",
            ))),
            Ok(text) if text.trim().is_empty() => None,
            Ok(text) => Some(parse_event(&file, i + 1, text.trim_end_matches('\r'))),
        })
}

/// Why a dossier's events do not make a dossier (yet).
#[derive(Clone, Debug, PartialEq)]
pub struct FoldError {
    pub column: Option<String>,
    pub reason: String,
}

/// The dossier its events describe, applied in `seq` order (a repeated `seq`
/// counts once: the first kept). An error when they do not yet make a valid
/// dossier, e.g. before its `received` event has arrived.
pub fn fold(events: &[DossierEvent]) -> Result<Dossier, FoldError> {
    let mut ordered: BTreeMap<i64, &DossierEvent> = BTreeMap::new();
    for e in events {
        ordered.entry(e.seq).or_insert(e);
    }
    let mut state: Map<String, Value> = Map::new();
    let mut requests = 0u32;
    let mut supplement_days = 0i64;
    let mut last_request: Option<String> = None;
    for e in ordered.values() {
        let at = Value::String(e.at.clone());
        let mut set = |key: &str, v: Value| {
            state.insert(key.to_string(), v);
        };
        match e.kind {
            EventType::Received => {
                set("received_at", at);
                set("status", "received".into());
            }
            EventType::SupplementRequested => {
                requests += 1;
                set("supplement_requests", requests.into());
                set("supplement_requested_at", at);
                set("status", "supplement_requested".into());
                last_request = Some(e.at.clone());
            }
            EventType::Supplemented => {
                if let Some(days) = last_request
                    .take()
                    .and_then(|from| whole_days(&from, &e.at))
                {
                    supplement_days += days;
                }
                set("supplement_days", supplement_days.into());
                set("status", "processing".into());
            }
            EventType::Finished
            | EventType::Rejected
            | EventType::Stopped
            | EventType::Withdrawn => {
                set("finished_at", at);
                let status = match e.kind {
                    EventType::Finished => "finished",
                    EventType::Rejected => "rejected",
                    EventType::Stopped => "stopped",
                    _ => "withdrawn",
                };
                set("status", status.into());
            }
            EventType::Returned => {
                set("returned_at", at);
                set("status", "returned".into());
            }
            EventType::Paid => set("paid_online", 1.into()),
            EventType::EResultIssued => set("e_result", true.into()),
            EventType::Synced => set("synced", true.into()),
            EventType::Rated => {}
        }
        for (k, v) in &e.fields {
            state.insert(k.clone(), v.clone());
        }
    }
    let id = ordered
        .values()
        .next()
        .map(|e| e.dossier_id.clone())
        .unwrap_or_default();
    state.insert("id".into(), Value::String(id.clone()));
    let line = Value::Object(state).to_string();
    let reader =
        from_text(RecordKind::Dossiers, &id, Format::JsonLines, &line).map_err(|e| FoldError {
            column: None,
            reason: e.to_string(),
        })?;
    match reader.into_iter().next() {
        Some(Item::Accepted {
            record: Record::Dossier(d),
            ..
        }) => Ok(d),
        Some(Item::Rejected(r)) => Err(FoldError {
            column: r.column,
            reason: r.reason,
        }),
        _ => Err(FoldError {
            column: None,
            reason: "không có dữ liệu hồ sơ".into(),
        }),
    }
}

/// Whole days from one date-time to another (at least 0).
fn whole_days(from: &str, to: &str) -> Option<i64> {
    let (from, to) = (parse_instant(from)?.instant, parse_instant(to)?.instant);
    Some(((to.unix() - from.unix()) / 86_400).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chiso_core::records::DossierStatus;

    fn event(seq: i64, kind: &str, at: &str, extra: &str) -> DossierEvent {
        let text = format!(
            r#"{{"dossier_id": "HS1", "seq": {seq}, "at": "{at}", "type": "{kind}"{extra}}}"#
        );
        parse_event("feed.jsonl", seq as usize, &text).expect("valid event")
    }

    fn received() -> DossierEvent {
        event(
            1,
            "received",
            "2024-03-01T08:00:00+07:00",
            r#", "unit_code": "U1", "procedure_code": "1.000001", "due_at": "2024-03-08", "KenhThucHien": 2"#,
        )
    }

    #[test]
    fn events_fold_in_seq_order_whatever_their_arrival() {
        let events = vec![
            event(4, "finished", "2024-03-12T10:00:00+07:00", ""),
            event(2, "supplement_requested", "2024-03-04T09:00:00+07:00", ""),
            received(),
            event(3, "supplemented", "2024-03-07T09:00:00+07:00", ""),
            event(
                5,
                "paid",
                "2024-03-12T11:00:00+07:00",
                r#", "fee_amount": 50000"#,
            ),
        ];
        let d = fold(&events).unwrap();
        assert_eq!(d.id, "HS1");
        assert_eq!(d.unit_code, "U1");
        assert_eq!(d.status, DossierStatus::Finished);
        assert_eq!((d.supplement_requests, d.supplement_days), (1, 3));
        assert_eq!(
            d.finished_at.map(|t| t.vn()).as_deref(),
            Some("12/03/2024 10:00")
        );
        assert_eq!((d.fee_amount, d.paid_online), (50_000, 1));
        assert_eq!(d.channel as u8, 2, "an alias column in an event");
        assert_eq!(
            d.due_at.map(|t| t.vn()).as_deref(),
            Some("08/03/2024 23:59"),
            "a due date without time ends the day"
        );
    }

    /// An event dated outside 1990–2100 or with a huge value is rejected
    /// with the value shortened in the reason.
    #[test]
    fn hostile_event_times_and_types_are_rejected_short() {
        let line = |at: &str, kind: &str| {
            format!(r#"{{"dossier_id": "HS1", "seq": 1, "at": "{at}", "type": "{kind}"}}"#)
        };
        let r = parse_event("f", 1, &line("2099-03-01T08:00:00", "received"));
        assert!(r.is_ok());
        let r = parse_event("f", 1, &line("2101-03-01T08:00:00", "received")).unwrap_err();
        assert!(
            r.reason.contains("năm 2101") && r.reason.contains("1990–2100"),
            "{}",
            r.reason
        );
        let r = parse_event("f", 1, &line("999999999-03-01", "received")).unwrap_err();
        assert!(
            r.reason.starts_with("thời điểm không hợp lệ"),
            "{}",
            r.reason
        );
        let huge = "x".repeat(100_000);
        let r = parse_event("f", 1, &line(&huge, "received")).unwrap_err();
        assert!(r.reason.len() < 400, "{}", r.reason.len());
        let r = parse_event("f", 1, &line("2024-03-01", &huge)).unwrap_err();
        assert!(r.reason.len() < 1_000, "{}", r.reason.len());
    }

    #[test]
    fn a_repeated_seq_changes_nothing() {
        let once = fold(&[
            received(),
            event(2, "finished", "2024-03-05T10:00:00+07:00", ""),
        ])
        .unwrap();
        let twice = fold(&[
            received(),
            event(2, "finished", "2024-03-05T10:00:00+07:00", ""),
            event(2, "returned", "2024-03-09T10:00:00+07:00", ""),
        ])
        .unwrap();
        assert_eq!(once, twice);
    }

    #[test]
    fn without_its_received_event_a_dossier_waits() {
        let e = fold(&[event(2, "finished", "2024-03-05T10:00:00+07:00", "")]).unwrap_err();
        assert!(
            e.reason.contains("received_at") || e.column.as_deref() == Some("unit_code"),
            "{e:?}"
        );
    }

    #[test]
    fn bad_events_are_rejected_with_their_column() {
        let bad = [
            (
                r#"{"seq": 1, "at": "2024-03-01", "type": "received"}"#,
                "dossier_id",
            ),
            (
                r#"{"dossier_id": "A", "seq": -1, "at": "2024-03-01", "type": "received"}"#,
                "seq",
            ),
            (
                r#"{"dossier_id": "A", "seq": 1, "at": "31/02/2024", "type": "received"}"#,
                "at",
            ),
            (
                r#"{"dossier_id": "A", "seq": 1, "at": "2024-03-01", "type": "teleported"}"#,
                "type",
            ),
        ];
        for (text, column) in bad {
            let r = parse_event("feed.jsonl", 7, text).unwrap_err();
            assert_eq!((r.line, r.column.as_deref()), (7, Some(column)), "{text}");
        }
        assert!(parse_event("feed.jsonl", 1, "not json")
            .unwrap_err()
            .reason
            .contains("JSON"));
    }
}
