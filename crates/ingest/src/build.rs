//! Turning one row of text cells into a domain record, or into the reason it
//! cannot be read. Every format (CSV, JSON Lines, XLSX) ends up here, so a
//! value means the same thing whatever file it came in.

use chiso_core::calendar::Holiday;
use chiso_core::records::{
    Channel, Dossier, DossierStatus, Feedback, FeedbackOutcome, OnlineLevel, Procedure,
    ProcedureLevel, Rating, Unit, UnitCounts, UnitKind,
};
use chiso_core::steps::ProcessingStep;
use chiso_core::time::{parse_instant, Date, Instant, Month, ParsedInstant, VN_OFFSET_SECONDS};

use crate::columns::{Col, C, D, F, H, P, S, U};
use crate::text::{composed, fold_name};
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
    pub dates: crate::DateBounds,
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
                format!("thiếu giá trị bắt buộc ở cột {col}: điền giá trị rồi nhập lại"),
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
                    "giá trị đúng/sai không hợp lệ '{v}' ở cột {col}: dùng 1/0, true/false hoặc có/không"
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
                         hàng nghìn, ví dụ 50000"
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
        let d = date(v).ok_or_else(|| {
            let col = self.name(i);
            let v = show(v);
            self.fail(
                i,
                format!("ngày không hợp lệ '{v}' ở cột {col}: dùng YYYY-MM-DD hoặc dd/mm/yyyy"),
            )
        })?;
        self.in_window(i, v, d.year())?;
        Ok(Some(d))
    }

    /// A year within the file's window ([`crate::DateBounds`]).
    fn in_window(&self, i: usize, v: &str, year: i32) -> Result<(), FieldError> {
        let (first, last) = (self.dates.first_year, self.dates.last_year);
        if (first..=last).contains(&year) {
            return Ok(());
        }
        let col = self.name(i);
        let v = show(v);
        Err(self.fail(
            i,
            format!(
                "năm {year} của ngày '{v}' ở cột {col} nằm ngoài khoảng {first}–{last}: kiểm tra năm \
                 (gõ nhầm?) rồi nhập lại"
            ),
        ))
    }

    /// An instant an event happened at: within the window and not after
    /// the latest instant the import allows.
    fn event(&self, i: impl Into<usize>) -> Result<Option<Instant>, FieldError> {
        let i = i.into();
        let at = self.instant_with(i, false)?;
        match (at, self.dates.latest) {
            (Some(at), Some(latest)) if at > latest => {
                let col = self.name(i);
                let v = show(self.cell(i));
                let now = latest.add_seconds(-86_400).vn();
                Err(self.fail(
                    i,
                    format!(
                        "ngày '{v}' ở cột {col} ở sau thời điểm nhập ({now}): việc đã xảy ra không thể ở \
                         tương lai, kiểm tra năm và tháng rồi nhập lại"
                    ),
                ))
            }
            _ => Ok(at),
        }
    }

    /// A date-time; `end_of_day` makes a bare date mean its last second
    /// (ngày hẹn trả), otherwise its first.
    fn instant_with(&self, i: usize, end_of_day: bool) -> Result<Option<Instant>, FieldError> {
        let v = self.cell(i);
        if v.is_empty() {
            return Ok(None);
        }
        if let Some(p) = instant(v) {
            self.in_window(i, v, p.instant.date().year())?;
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
                         HH:MM[:SS], hoặc yyyyMMddHHmmss như gói đồng bộ Cổng DVCQG"
                    ),
                ))
            }
        }
    }

    fn required_event(&self, i: impl Into<usize>) -> Result<Instant, FieldError> {
        let i = i.into();
        self.required(i)?;
        self.event(i)?
            .ok_or_else(|| self.fail(i, "thiếu giá trị bắt buộc".into()))
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
        T::parse(&composed(v)).map(Some).ok_or_else(|| {
            let col = self.name(i);
            let v = show(v);
            let expected = T::expected();
            self.fail(
                i,
                format!("giá trị không hợp lệ '{v}' ở cột {col}: dùng một trong {expected}"),
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
            .or_else(|| match fold_name(v).as_str() {
                "truc tiep" | "nop truc tiep" => Some(Channel::InPerson),
                "truc tuyen" | "nop truc tuyen" | "qua mang" => Some(Channel::Online),
                "buu chinh" | "buu chinh cong ich" | "qua buu chinh" => Some(Channel::Postal),
                _ => None,
            })
            .ok_or_else(|| {
                let col = self.name(i);
                let v = show(v);
                self.fail(
                    i,
                    format!(
                        "kênh thực hiện không hợp lệ '{v}' ở cột {col}: dùng 1 (trực tiếp), 2 (trực tuyến) \
                         hoặc 3 (bưu chính)"
                    ),
                )
            })
    }

    /// `DuocThanhToanTrucTuyen`: 1 national portal, 2 local payment gateway;
    /// 0 and any other code (some systems send 3) mean not paid online.
    fn paid_online(&self, i: impl Into<usize>) -> Result<u8, FieldError> {
        let i = i.into();
        let v = self.cell(i);
        if v.is_empty() {
            return Ok(0);
        }
        match parse_uint(v) {
            Some(n @ 0..=2) => Ok(n as u8),
            Some(n) if n < 100 => Ok(0),
            _ => {
                let col = self.name(i);
                let v = show(v);
                Err(self.fail(
                    i,
                    format!(
                        "giá trị không hợp lệ '{v}' ở cột {col}: dùng 0 (không thanh toán trực tuyến), \
                         1 (Cổng Dịch vụ công quốc gia) hoặc 2 (cổng thanh toán của địa phương)"
                    ),
                ))
            }
        }
    }

    fn month(&self, i: impl Into<usize>) -> Result<Month, FieldError> {
        let i = i.into();
        let v = self.required(i)?;
        let month = Month::parse(v).ok_or_else(|| {
            let col = self.name(i);
            let v = show(v);
            self.fail(
                i,
                format!(
                    "tháng không hợp lệ '{v}' ở cột {col}: dùng YYYY-MM hoặc mm/yyyy, ví dụ 2023-10"
                ),
            )
        })?;
        self.in_window(i, v, month.year())?;
        Ok(month)
    }
}

/// Builds the record of `kind` from a row, checking every cell: all the
/// row's errors are returned, not only the first.
pub(crate) fn build(kind: RecordKind, row: &Row<'_>) -> Result<Record, Vec<FieldError>> {
    let mut errors = Errors(Vec::new());
    let record = match kind {
        RecordKind::Units => Record::Unit(unit(row, &mut errors)),
        RecordKind::Procedures => Record::Procedure(procedure(row, &mut errors)),
        RecordKind::Dossiers => Record::Dossier(dossier(row, &mut errors)),
        RecordKind::Feedback => Record::Feedback(feedback(row, &mut errors)),
        RecordKind::Counts => Record::Counts(counts(row, &mut errors)),
        RecordKind::Holidays => Record::Holiday(holiday(row, &mut errors)),
        RecordKind::Steps => Record::Step(step(row, &mut errors)),
    };
    if errors.0.is_empty() {
        Ok(record)
    } else {
        Err(errors.0)
    }
}

/// The errors of one row, gathered while every cell is checked.
struct Errors(Vec<FieldError>);

impl Errors {
    /// The value, or its default with the error noted.
    fn take<T: Default>(&mut self, r: Result<T, FieldError>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => {
                self.0.push(e);
                T::default()
            }
        }
    }
}

fn unit(r: &Row<'_>, e: &mut Errors) -> Unit {
    let name = e.take(r.required(U::Name).map(str::to_string));
    let kind = match r.cell(U::Kind) {
        // The portal's CAPDONVI is a number whose meaning no public source
        // gives: the kind is read from the unit's name instead.
        v if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => kind_from_name(&name),
        _ => e
            .take(r.choice(U::Kind))
            .unwrap_or_else(|| kind_from_name(&name)),
    };
    Unit {
        code: e.take(r.required(U::Code).map(str::to_string)),
        name,
        parent_code: r.opt_text(U::ParentCode),
        kind,
        valid_from: e.take(r.date(U::ValidFrom)),
        valid_to: e.take(r.date(U::ValidTo)),
        successor_code: r.opt_text(U::SuccessorCode),
        scored: e.take(r.flag(U::Scored, true)),
    }
}

/// A unit's kind from its name: `Sở …`, `UBND xã …`, `UBND huyện …`,
/// `UBND tỉnh …`, `Bộ …`; `other` when the name says none of these.
pub(crate) fn kind_from_name(name: &str) -> UnitKind {
    let n = format!(" {} ", crate::text::fold_unit_name(name));
    let has = |w: &str| n.contains(&format!(" {w} "));
    if n.starts_with(" so ")
        || n.starts_with(" ban ")
        || n.starts_with(" thanh tra ")
        || n.starts_with(" van phong ")
        || n.starts_with(" cong an ")
    {
        UnitKind::Department
    } else if has("xa") || has("phuong") || has("thi tran") || has("dac khu") {
        UnitKind::Commune
    } else if has("huyen") || has("quan") || has("thi xa") {
        UnitKind::District
    } else if n.starts_with(" bo ") {
        UnitKind::Ministry
    } else if has("tinh") || n.starts_with(" ubnd tp ") {
        UnitKind::Province
    } else {
        UnitKind::Other
    }
}

fn procedure(r: &Row<'_>, e: &mut Errors) -> Procedure {
    Procedure {
        code: e.take(r.required(P::Code).map(str::to_string)),
        name: e.take(r.required(P::Name).map(str::to_string)),
        level: e.take(r.choice(P::Level)),
        field: r.cell(P::Field).to_string(),
        online_level: e
            .take(r.choice(P::OnlineLevel))
            .unwrap_or(OnlineLevel::None),
        full_online_eligible: e.take(r.flag(P::FullOnlineEligible, false)),
        has_fee: e.take(r.flag(P::HasFee, false)),
        paper_result: e.take(r.flag(P::PaperResult, false)),
        max_days: e
            .take(r.number(P::MaxDays, u32::MAX as u64))
            .map(|n| n as u32),
        citizen_facing: e.take(r.flag(P::CitizenFacing, false)),
        decision_date: e.take(r.date(P::DecisionDate)),
        legal_effective_date: e.take(r.date(P::LegalEffectiveDate)),
        published_at: e.take(r.date(P::PublishedAt)),
        complete_parts: e.take(r.flag(P::CompleteParts, false)),
        citizen_data_connected: e.take(r.flag(P::CitizenDataConnected, false)),
    }
}

fn dossier(r: &Row<'_>, e: &mut Errors) -> Dossier {
    let id = e.take(r.required(D::Id)).to_string();
    let unit_code = e.take(r.required(D::UnitCode)).to_string();
    let procedure_code = e.take(r.required(D::ProcedureCode)).to_string();
    let channel = r.channel(D::Channel).unwrap_or_else(|err| {
        e.0.push(err);
        Channel::InPerson
    });
    let submitted_at = e.take(r.event(D::SubmittedAt));
    let status = e.take(r.choice::<DossierStatus>(D::Status));
    // A dossier registered but not yet received (portal status 1) has no
    // reception date yet: it is kept under its submission date and counts
    // in no criterion until it is received (methodology.md, reading notes).
    let received_at = if status == Some(DossierStatus::Registered)
        && r.cell(D::ReceivedAt).is_empty()
        && submitted_at.is_some()
    {
        submitted_at
    } else {
        e.take(r.required_event(D::ReceivedAt).map(Some))
    };
    let due_at = e.take(r.instant_with(D::DueAt.into(), true));
    let refused_at = e.take(r.event(D::RefusedAt));
    let mut finished_at = e.take(r.event(D::FinishedAt));
    let status = status.unwrap_or(if finished_at.is_some() {
        DossierStatus::Finished
    } else {
        DossierStatus::Received
    });
    // A refusal, stop or withdrawal ends processing at its date (§3) when no
    // end of processing is given.
    if finished_at.is_none()
        && matches!(
            status,
            DossierStatus::Rejected | DossierStatus::Stopped | DossierStatus::Withdrawn
        )
    {
        finished_at = refused_at;
    }
    let returned_at = e.take(r.event(D::ReturnedAt));
    // A status that says processing ended, with no date for the end: judged
    // as open it would turn late at its due date, silently. Refused instead.
    if status.is_final() && finished_at.is_none() && returned_at.is_none() && e.0.is_empty() {
        let label = status.label_vi();
        e.0.push(r.fail(
            D::FinishedAt.into(),
            format!(
                "trạng thái '{label}' cho biết hồ sơ đã kết thúc nhưng không có ngày kết thúc xử lý \
                 (NgayKetThucXuLy), ngày trả (NgayTra) hay ngày từ chối (NgayTuChoi): thêm ngày đó"
            ),
        ));
    }
    Dossier {
        id,
        unit_code,
        procedure_code,
        channel,
        submitted_at,
        received_at: received_at.unwrap_or(Instant::from_unix(0)),
        due_at,
        finished_at,
        returned_at,
        status,
        supplement_requests: e.take(r.u32(D::SupplementRequests)),
        supplement_requested_at: e.take(r.event(D::SupplementRequestedAt)),
        supplement_days: e.take(r.u32(D::SupplementDays)),
        synced: e.take(r.flag(D::Synced, false)),
        fee_amount: e.take(r.i64(D::FeeAmount)),
        paid_online: e.take(r.paid_online(D::PaidOnline)),
        e_result: e.take(r.flag(D::EResult, false)),
        digitized: e.take(r.flag(D::Digitized, false)),
        reused_data: e.take(r.flag(D::ReusedData, false)),
        vneid_verified: e.take(r.flag(D::VneidVerified, false)),
        handler_named: e.take(r.flag(D::HandlerNamed, true)),
        personal_store_synced: e.take(r.flag(D::PersonalStoreSynced, false)),
        citizen_data_used: e.take(r.flag(D::CitizenDataUsed, false)),
        rating: e.take(r.choice(D::Rating)),
        complaint: e.take(r.flag(D::Complaint, false)),
    }
}

fn feedback(r: &Row<'_>, e: &mut Errors) -> Feedback {
    Feedback {
        id: e.take(r.required(F::Id)).to_string(),
        unit_code: e.take(r.required(F::UnitCode)).to_string(),
        received_at: e
            .take(r.required_event(F::ReceivedAt).map(Some))
            .unwrap_or(Instant::from_unix(0)),
        outcome: e
            .take(r.choice(F::Outcome))
            .unwrap_or(FeedbackOutcome::Pending),
        handled_at: e.take(r.event(F::HandledAt)),
        published_at: e.take(r.event(F::PublishedAt)),
        likes: e.take(r.u32(F::Likes)),
        dislikes: e.take(r.u32(F::Dislikes)),
        repeated: e.take(r.flag(F::Repeated, false)),
    }
}

fn counts(r: &Row<'_>, e: &mut Errors) -> UnitCounts {
    UnitCounts {
        unit_code: e.take(r.required(C::UnitCode)).to_string(),
        month: r.month(C::Month).unwrap_or_else(|err| {
            e.0.push(err);
            Month::from_index(0)
        }),
        verified_accounts: e.take(r.i64(C::VerifiedAccounts)),
        e_certified_copies: e.take(r.i64(C::ECertifiedCopies)),
        certification_dossiers: e.take(r.i64(C::CertificationDossiers)),
        population: e.take(r.i64(C::Population)),
    }
}

fn holiday(r: &Row<'_>, e: &mut Errors) -> Holiday {
    let i = usize::from(H::Date);
    let date = match r.required(i).and_then(|_| r.date(i)) {
        Ok(Some(d)) => d,
        Ok(None) => {
            e.0.push(r.fail(i, "thiếu ngày".into()));
            Date::from_days(0)
        }
        Err(err) => {
            e.0.push(err);
            Date::from_days(0)
        }
    };
    Holiday {
        date,
        name: r.cell(H::Name).to_string(),
    }
}

fn step(r: &Row<'_>, e: &mut Errors) -> ProcessingStep {
    ProcessingStep {
        dossier_id: e.take(r.required(S::DossierId)).to_string(),
        at: e
            .take(r.required_event(S::At).map(Some))
            .unwrap_or(Instant::from_unix(0)),
        status: e.take(r.choice(S::Status)),
        handler: r.cell(S::Handler).to_string(),
        title: r.cell(S::Title).to_string(),
        department: r.cell(S::Department).to_string(),
        content: r.cell(S::Content).to_string(),
        started_at: e.take(r.event(S::StartedAt)),
        due_at: e.take(r.instant_with(S::StepDueAt.into(), false)),
    }
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
