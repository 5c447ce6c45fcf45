//! Turning one row of text cells into a domain record, or into the reason it
//! cannot be read. Every format (CSV, JSON Lines, XLSX) ends up here, so a
//! value means the same thing whatever file it came in.

use chiso_core::calendar::Holiday;
use chiso_core::records::{
    Channel, Dossier, DossierStatus, Feedback, FeedbackOutcome, OnlineLevel, Procedure,
    ProcedureLevel, Rating, Unit, UnitCounts, UnitKind,
};
use chiso_core::time::{parse_instant, Date, Instant, Month, ParsedInstant, VN_OFFSET_SECONDS};

use crate::columns::{Col, C, D, F, H, P, U};
use crate::{Record, RecordKind};

/// Why one cell makes its row unreadable: the column (index into the kind's
/// table) and a reason, Vietnamese first with English in parentheses.
#[derive(Debug)]
pub(crate) struct FieldError {
    pub col: usize,
    pub reason: String,
}

/// One row's cells, indexed like the kind's column table; a column the file
/// lacks is an empty cell.
pub(crate) struct Row<'a> {
    pub cols: &'static [Col],
    pub vals: &'a [&'a str],
}

/// Shortens a value quoted in a message.
pub(crate) fn show(value: &str) -> String {
    const MAX: usize = 60;
    if value.chars().count() <= MAX {
        value.to_string()
    } else {
        let mut s: String = value.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

/// `str::trim`, skipping the work when both ends are visible ASCII.
fn trim(v: &str) -> &str {
    match (v.as_bytes().first(), v.as_bytes().last()) {
        (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => v,
        _ => v.trim(),
    }
}

/// The core enums a cell may name, with a fast path for the exact code.
pub(crate) trait Choice: Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn parse(text: &str) -> Option<Self>;
    fn expected() -> String;
}

macro_rules! choice {
    ($($t:ident),+) => {
        $(impl Choice for $t {
            const ALL: &'static [Self] = $t::ALL;
            fn code(self) -> &'static str {
                $t::code(self)
            }
            fn parse(text: &str) -> Option<Self> {
                $t::parse(text)
            }
            fn expected() -> String {
                $t::expected()
            }
        })+
    };
}

choice!(
    UnitKind,
    ProcedureLevel,
    OnlineLevel,
    DossierStatus,
    Rating,
    FeedbackOutcome
);

/// A non-negative integer: `50000`, also `50000.0` or `50000.00` as
/// spreadsheets and JSON write whole numbers. `1.502`, `50.000` (a thousands
/// separator or a decimal: ambiguous), `1,5`, `-3` and `5e4` are refused.
pub(crate) fn parse_uint(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if !b.is_empty() && b.len() <= 18 && b.iter().all(u8::is_ascii_digit) {
        return Some(b.iter().fold(0, |n, d| n * 10 + u64::from(d - b'0')));
    }
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    if let Some(f) = frac {
        if f.is_empty() || f.len() == 3 || !f.bytes().all(|b| b == b'0') {
            return None;
        }
    }
    if int.is_empty() || int.len() > 18 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    int.parse().ok()
}

/// `1/0`, `true/false`, `có/không`, `yes/no`, `x` (a ticked box), `đúng/sai`.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    const YES: &[&str] = &["1", "true", "yes", "y", "x", "co", "1.0"];
    const NO: &[&str] = &["0", "false", "no", "n", "khong", "0.0"];
    match text.as_bytes() {
        b"1" => return Some(true),
        b"0" => return Some(false),
        _ => {}
    }
    if text.is_ascii() {
        if YES.iter().any(|w| text.eq_ignore_ascii_case(w)) {
            return Some(true);
        }
        if NO.iter().any(|w| text.eq_ignore_ascii_case(w)) {
            return Some(false);
        }
        return None;
    }
    match text.to_lowercase().as_str() {
        "có" | "đúng" => Some(true),
        "không" | "sai" => Some(false),
        _ => None,
    }
}

/// Two ASCII digits at `at`.
fn d2(b: &[u8], at: usize) -> Option<u32> {
    match (b.get(at), b.get(at + 1)) {
        (Some(x @ b'0'..=b'9'), Some(y @ b'0'..=b'9')) => {
            Some(u32::from(x - b'0') * 10 + u32::from(y - b'0'))
        }
        _ => None,
    }
}

/// The common exact forms, parsed without allocating or searching:
/// `YYYY-MM-DD` or `DD/MM/YYYY`, optionally followed by `T` or a space,
/// `HH:MM[:SS]` and `Z` or `±HH:MM`. Anything else is `None` and goes to the
/// core parser; where this gives an answer it is the core parser's answer
/// (checked by a test).
fn fast_instant(text: &str) -> Option<ParsedInstant> {
    let b = text.as_bytes();
    let (y, m, d) = match b.get(..10)? {
        [_, _, _, _, b'-', _, _, b'-', _, _] => (d2(b, 0)? * 100 + d2(b, 2)?, d2(b, 5)?, d2(b, 8)?),
        [_, _, b'/', _, _, b'/', _, _, _, _] => (d2(b, 6)? * 100 + d2(b, 8)?, d2(b, 3)?, d2(b, 0)?),
        _ => return None,
    };
    let date = Date::from_ymd(y as i32, m, d)?;
    let rest = &b[10..];
    let Some((&sep, t)) = rest.split_first() else {
        return Some(ParsedInstant {
            instant: date.start(),
            has_time: false,
        });
    };
    if (sep != b'T' && sep != b' ') || t.get(2) != Some(&b':') {
        return None;
    }
    let (h, mi) = (d2(t, 0)?, d2(t, 3)?);
    let (s, zone) = if t.get(5) == Some(&b':') {
        (d2(t, 6)?, t.get(8..)?)
    } else {
        (0, t.get(5..)?)
    };
    let offset = match zone {
        [] => VN_OFFSET_SECONDS,
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let off = i64::from(d2(zone, 1)?) * 3600 + i64::from(d2(zone, 4)?) * 60;
            if *sign == b'-' {
                -off
            } else {
                off
            }
        }
        _ => return None,
    };
    if h >= 24 || mi >= 60 || s >= 61 {
        return None;
    }
    let local = i64::from(date.days()) * 86_400 + i64::from(h * 3600 + mi * 60 + s);
    Some(ParsedInstant {
        instant: Instant::from_unix(local - offset),
        has_time: true,
    })
}

/// Date-time forms of the data format. Non-ASCII text is refused before it
/// reaches the core parser: every accepted form is ASCII.
fn instant(text: &str) -> Option<ParsedInstant> {
    if let Some(p) = fast_instant(text) {
        return Some(p);
    }
    if text.is_ascii() {
        parse_instant(text)
    } else {
        None
    }
}

/// A date column: a date, or a date-time whose Vietnam-time day is taken.
fn date(text: &str) -> Option<Date> {
    if !text.is_ascii() {
        return None;
    }
    Date::parse(text).or_else(|| parse_instant(text).map(|p| p.instant.date()))
}

impl<'a> Row<'a> {
    /// The trimmed cell.
    fn cell(&self, i: impl Into<usize>) -> &'a str {
        self.vals.get(i.into()).map_or("", |v| trim(v))
    }

    fn name(&self, i: usize) -> &'static str {
        self.cols.get(i).map_or("?", |c| c.name)
    }

    fn fail(&self, i: usize, reason: String) -> FieldError {
        FieldError { col: i, reason }
    }

    fn required(&self, i: impl Into<usize>) -> Result<&'a str, FieldError> {
        let i = i.into();
        let v = self.cell(i);
        if v.is_empty() {
            let col = self.name(i);
            return Err(self.fail(
                i,
                format!(
                    "thiếu giá trị bắt buộc ở cột {col}: điền giá trị rồi nhập lại \
                     (missing required value in column {col}: fill it in and import again)"
                ),
            ));
        }
        Ok(v)
    }

    fn opt_text(&self, i: impl Into<usize>) -> Option<String> {
        let v = self.cell(i);
        (!v.is_empty()).then(|| v.to_string())
    }

    fn flag(&self, i: impl Into<usize>, default: bool) -> Result<bool, FieldError> {
        let i = i.into();
        let v = self.cell(i);
        if v.is_empty() {
            return Ok(default);
        }
        parse_bool(v).ok_or_else(|| {
            let col = self.name(i);
            let v = show(v);
            self.fail(
                i,
                format!(
                    "giá trị đúng/sai không hợp lệ '{v}' ở cột {col}: dùng 1/0, true/false hoặc có/không \
                     (invalid boolean in column {col}: use 1/0, true/false or có/không)"
                ),
            )
        })
    }

    fn number(&self, i: impl Into<usize>, max: u64) -> Result<Option<u64>, FieldError> {
        let i = i.into();
        let v = self.cell(i);
        if v.is_empty() {
            return Ok(None);
        }
        match parse_uint(v) {
            Some(n) if n <= max => Ok(Some(n)),
            _ => {
                let col = self.name(i);
                let v = show(v);
                Err(self.fail(
                    i,
                    format!(
                        "số không hợp lệ '{v}' ở cột {col}: dùng số nguyên không âm, không có dấu phân cách \
                         hàng nghìn, ví dụ 50000 (invalid number in column {col}: use a plain non-negative \
                         integer such as 50000)"
                    ),
                ))
            }
        }
    }

    fn u32(&self, i: impl Into<usize>) -> Result<u32, FieldError> {
        Ok(self.number(i, u32::MAX as u64)?.unwrap_or(0) as u32)
    }

    fn i64(&self, i: impl Into<usize>) -> Result<i64, FieldError> {
        Ok(self.number(i, i64::MAX as u64)?.unwrap_or(0) as i64)
    }

    fn date(&self, i: impl Into<usize>) -> Result<Option<Date>, FieldError> {
        let i = i.into();
        let v = self.cell(i);
        if v.is_empty() {
            return Ok(None);
        }
        date(v).map(Some).ok_or_else(|| {
            let col = self.name(i);
            let v = show(v);
            self.fail(
                i,
                format!(
                    "ngày không hợp lệ '{v}' ở cột {col}: dùng YYYY-MM-DD hoặc dd/mm/yyyy \
                     (invalid date in column {col}: use YYYY-MM-DD or dd/mm/yyyy)"
                ),
            )
        })
    }

    /// A date-time; `end_of_day` makes a bare date mean its last second
    /// (ngày hẹn trả), otherwise its first.
    fn instant_with(&self, i: usize, end_of_day: bool) -> Result<Option<Instant>, FieldError> {
        let v = self.cell(i);
        if v.is_empty() {
            return Ok(None);
        }
        match instant(v) {
            Some(p) if p.has_time || !end_of_day => Ok(Some(p.instant)),
            Some(p) => Ok(Some(p.instant.date().end())),
            None => {
                let col = self.name(i);
                let v = show(v);
                Err(self.fail(
                    i,
                    format!(
                        "ngày không hợp lệ '{v}' ở cột {col}: dùng YYYY-MM-DD hoặc dd/mm/yyyy, có thể kèm giờ \
                         HH:MM[:SS] (invalid date in column {col}: use YYYY-MM-DD or dd/mm/yyyy, optionally \
                         with a time HH:MM[:SS])"
                    ),
                ))
            }
        }
    }

    fn instant(&self, i: impl Into<usize>) -> Result<Option<Instant>, FieldError> {
        self.instant_with(i.into(), false)
    }

    fn required_instant(&self, i: impl Into<usize>) -> Result<Instant, FieldError> {
        let i = i.into();
        self.required(i)?;
        self.instant_with(i, false)?
            .ok_or_else(|| self.fail(i, "thiếu giá trị bắt buộc (missing required value)".into()))
    }

    fn choice<T: Choice>(&self, i: impl Into<usize>) -> Result<Option<T>, FieldError> {
        let i = i.into();
        let v = self.cell(i);
        if v.is_empty() {
            return Ok(None);
        }
        if let Some(t) = T::ALL.iter().copied().find(|t| t.code() == v) {
            return Ok(Some(t));
        }
        T::parse(v).map(Some).ok_or_else(|| {
            let col = self.name(i);
            let v = show(v);
            let expected = T::expected();
            self.fail(
                i,
                format!(
                    "giá trị không hợp lệ '{v}' ở cột {col}: dùng một trong {expected} \
                     (invalid value in column {col}: use one of {expected})"
                ),
            )
        })
    }

    fn channel(&self, i: impl Into<usize>) -> Result<Channel, FieldError> {
        let i = i.into();
        let v = self.cell(i);
        if v.is_empty() {
            return Ok(Channel::InPerson);
        }
        parse_uint(v)
            .and_then(|n| i64::try_from(n).ok())
            .and_then(Channel::from_number)
            .ok_or_else(|| {
                let col = self.name(i);
                let v = show(v);
                self.fail(
                    i,
                    format!(
                        "kênh thực hiện không hợp lệ '{v}' ở cột {col}: dùng 1 (trực tiếp), 2 (trực tuyến) \
                         hoặc 3 (bưu chính) (invalid channel in column {col}: use 1 in person, 2 online or \
                         3 postal)"
                    ),
                )
            })
    }

    fn paid_online(&self, i: impl Into<usize>) -> Result<u8, FieldError> {
        let i = i.into();
        let v = self.cell(i);
        if v.is_empty() {
            return Ok(0);
        }
        match parse_uint(v) {
            Some(n @ 0..=2) => Ok(n as u8),
            _ => {
                let col = self.name(i);
                let v = show(v);
                Err(self.fail(
                    i,
                    format!(
                        "giá trị không hợp lệ '{v}' ở cột {col}: dùng 0 (không thanh toán trực tuyến), \
                         1 (Cổng Dịch vụ công quốc gia) hoặc 2 (cổng thanh toán của địa phương) \
                         (invalid value in column {col}: use 0 not paid online, 1 national portal or \
                         2 local payment gateway)"
                    ),
                ))
            }
        }
    }

    fn month(&self, i: impl Into<usize>) -> Result<Month, FieldError> {
        let i = i.into();
        let v = self.required(i)?;
        Month::parse(v).ok_or_else(|| {
            let col = self.name(i);
            let v = show(v);
            self.fail(
                i,
                format!(
                    "tháng không hợp lệ '{v}' ở cột {col}: dùng YYYY-MM hoặc mm/yyyy, ví dụ 2023-10 \
                     (invalid month in column {col}: use YYYY-MM or mm/yyyy, e.g. 2023-10)"
                ),
            )
        })
    }
}

/// Builds the record of `kind` from a row, checking every cell.
pub(crate) fn build(kind: RecordKind, row: &Row<'_>) -> Result<Record, FieldError> {
    Ok(match kind {
        RecordKind::Units => Record::Unit(unit(row)?),
        RecordKind::Procedures => Record::Procedure(procedure(row)?),
        RecordKind::Dossiers => Record::Dossier(dossier(row)?),
        RecordKind::Feedback => Record::Feedback(feedback(row)?),
        RecordKind::Counts => Record::Counts(counts(row)?),
        RecordKind::Holidays => Record::Holiday(holiday(row)?),
    })
}

fn unit(r: &Row<'_>) -> Result<Unit, FieldError> {
    Ok(Unit {
        code: r.required(U::Code)?.to_string(),
        name: r.required(U::Name)?.to_string(),
        parent_code: r.opt_text(U::ParentCode),
        kind: r.choice(U::Kind)?.unwrap_or(UnitKind::Other),
        valid_from: r.date(U::ValidFrom)?,
        valid_to: r.date(U::ValidTo)?,
        successor_code: r.opt_text(U::SuccessorCode),
        scored: r.flag(U::Scored, true)?,
    })
}

fn procedure(r: &Row<'_>) -> Result<Procedure, FieldError> {
    Ok(Procedure {
        code: r.required(P::Code)?.to_string(),
        name: r.required(P::Name)?.to_string(),
        level: r.choice(P::Level)?,
        field: r.cell(P::Field).to_string(),
        online_level: r.choice(P::OnlineLevel)?.unwrap_or(OnlineLevel::None),
        full_online_eligible: r.flag(P::FullOnlineEligible, false)?,
        has_fee: r.flag(P::HasFee, false)?,
        paper_result: r.flag(P::PaperResult, false)?,
        max_days: r.number(P::MaxDays, u32::MAX as u64)?.map(|n| n as u32),
        citizen_facing: r.flag(P::CitizenFacing, false)?,
        decision_date: r.date(P::DecisionDate)?,
        legal_effective_date: r.date(P::LegalEffectiveDate)?,
        published_at: r.date(P::PublishedAt)?,
        complete_parts: r.flag(P::CompleteParts, false)?,
        citizen_data_connected: r.flag(P::CitizenDataConnected, false)?,
    })
}

fn dossier(r: &Row<'_>) -> Result<Dossier, FieldError> {
    let id = r.required(D::Id)?;
    let unit_code = r.required(D::UnitCode)?;
    let procedure_code = r.required(D::ProcedureCode)?;
    let channel = r.channel(D::Channel)?;
    let submitted_at = r.instant(D::SubmittedAt)?;
    let received_at = r.required_instant(D::ReceivedAt)?;
    let due_at = r.instant_with(D::DueAt.into(), true)?;
    let finished_at = r.instant(D::FinishedAt)?;
    let returned_at = r.instant(D::ReturnedAt)?;
    let status = r.choice(D::Status)?.unwrap_or(if finished_at.is_some() {
        DossierStatus::Finished
    } else {
        DossierStatus::Received
    });
    Ok(Dossier {
        id: id.to_string(),
        unit_code: unit_code.to_string(),
        procedure_code: procedure_code.to_string(),
        channel,
        submitted_at,
        received_at,
        due_at,
        finished_at,
        returned_at,
        status,
        supplement_requests: r.u32(D::SupplementRequests)?,
        supplement_requested_at: r.instant(D::SupplementRequestedAt)?,
        supplement_days: r.u32(D::SupplementDays)?,
        synced: r.flag(D::Synced, false)?,
        fee_amount: r.i64(D::FeeAmount)?,
        paid_online: r.paid_online(D::PaidOnline)?,
        e_result: r.flag(D::EResult, false)?,
        digitized: r.flag(D::Digitized, false)?,
        reused_data: r.flag(D::ReusedData, false)?,
        vneid_verified: r.flag(D::VneidVerified, false)?,
        handler_named: r.flag(D::HandlerNamed, true)?,
        personal_store_synced: r.flag(D::PersonalStoreSynced, false)?,
        citizen_data_used: r.flag(D::CitizenDataUsed, false)?,
        rating: r.choice(D::Rating)?,
        complaint: r.flag(D::Complaint, false)?,
    })
}

fn feedback(r: &Row<'_>) -> Result<Feedback, FieldError> {
    Ok(Feedback {
        id: r.required(F::Id)?.to_string(),
        unit_code: r.required(F::UnitCode)?.to_string(),
        received_at: r.required_instant(F::ReceivedAt)?,
        outcome: r.choice(F::Outcome)?.unwrap_or(FeedbackOutcome::Pending),
        handled_at: r.instant(F::HandledAt)?,
        published_at: r.instant(F::PublishedAt)?,
        likes: r.u32(F::Likes)?,
        dislikes: r.u32(F::Dislikes)?,
        repeated: r.flag(F::Repeated, false)?,
    })
}

fn counts(r: &Row<'_>) -> Result<UnitCounts, FieldError> {
    Ok(UnitCounts {
        unit_code: r.required(C::UnitCode)?.to_string(),
        month: r.month(C::Month)?,
        verified_accounts: r.i64(C::VerifiedAccounts)?,
        e_certified_copies: r.i64(C::ECertifiedCopies)?,
        certification_dossiers: r.i64(C::CertificationDossiers)?,
        population: r.i64(C::Population)?,
    })
}

fn holiday(r: &Row<'_>) -> Result<Holiday, FieldError> {
    let i = usize::from(H::Date);
    r.required(i)?;
    let date = r
        .date(i)?
        .ok_or_else(|| r.fail(i, "thiếu ngày (missing date)".into()))?;
    Ok(Holiday {
        date,
        name: r.cell(H::Name).to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_uint("50000"), Some(50000));
        assert_eq!(parse_uint("50000.0"), Some(50000));
        assert_eq!(parse_uint("50000.00"), Some(50000));
        assert_eq!(parse_uint("50.000"), None);
        assert_eq!(parse_uint("1.502"), None);
        assert_eq!(parse_uint("1,502"), None);
        assert_eq!(parse_uint("-3"), None);
        assert_eq!(parse_uint("5e4"), None);
        assert_eq!(parse_uint("abc"), None);
        assert_eq!(parse_uint("99999999999999999999"), None);
    }

    #[test]
    fn booleans() {
        for t in ["1", "TRUE", "true", "Có", "có", "CÓ", "x", "yes", "co"] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for t in ["0", "False", "không", "KHÔNG", "no", "khong"] {
            assert_eq!(parse_bool(t), Some(false), "{t}");
        }
        for t in ["maybe", "2", "đ"] {
            assert_eq!(parse_bool(t), None, "{t}");
        }
    }

    #[test]
    fn fast_dates_agree_with_the_core_parser() {
        let mut cases = vec![
            "2023-10-05".to_string(),
            "05/10/2023".into(),
            "2023-10-05T14:30:00+07:00".into(),
            "2023-10-05 14:30".into(),
            "2023-10-05T07:30:00Z".into(),
            "2023-10-05T07:30:00z".into(),
            "05/10/2023 14:30:59".into(),
            "2023-10-05T14:30:00-05:30".into(),
            "2024-02-29".into(),
            "2023-02-29".into(),
            "31/02/2024".into(),
            "2023-13-01".into(),
            "2023-10-05T24:00".into(),
            "2023-10-05T23:60".into(),
            "2023-10-05T23:59:60".into(),
            "2023-10-05T1:30".into(),
            "2023-10-05T14:30:00.123+07:00".into(),
            "2023-10-05T14:30:00+0700".into(),
            "2023-10-05x".into(),
            "2023-10-05 ".into(),
            "5/10/2023".into(),
            "05/10/2023 14h30".into(),
            "0000-01-01".into(),
            "99/99/9999".into(),
            "2023-1a-05".into(),
        ];
        for day in [1, 9, 10, 28, 29, 30, 31] {
            for month in [1, 2, 12] {
                cases.push(format!("{day:02}/{month:02}/2024 08:05"));
                cases.push(format!("2023-{month:02}-{day:02}T23:59:59+07:00"));
            }
        }
        for case in &cases {
            if let Some(fast) = fast_instant(case) {
                assert_eq!(Some(fast), parse_instant(case), "{case}");
            }
            assert_eq!(instant(case), parse_instant(case), "{case}");
        }
        assert!(fast_instant("2023-10-05T14:30:00+07:00").is_some());
        assert!(fast_instant("05/10/2023").is_some());
    }

    #[test]
    fn non_ascii_dates_do_not_reach_the_core_parser() {
        assert_eq!(instant("2023-10-05 10:00+aéb"), None);
        assert_eq!(date("2023-10-0é"), None);
    }
}
