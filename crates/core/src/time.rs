//! Calendar dates, instants and months in Vietnam time (UTC+7, no daylight saving).
//!
//! chiso keeps its own small civil-calendar arithmetic: every rule of the index
//! works on whole days and months in one fixed time zone, so a day number and a
//! second count are all that is needed.

use std::fmt;

/// Seconds east of UTC for Vietnam time (giờ Việt Nam, UTC+7).
pub const VN_OFFSET_SECONDS: i64 = 7 * 3600;
const SECONDS_PER_DAY: i64 = 86_400;
/// The years a date may be written with: four digits.
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// A calendar day, counted in days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

/// An instant, in seconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(i64);

/// A calendar month, counted as `year * 12 + (month - 1)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

impl Date {
    /// The date for a year (1 to 9999), month (1-12) and day, or `None` when
    /// it does not exist. Larger years would overflow the day count into
    /// another date.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !YEARS.contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return None;
        }
        Some(Date(days_from_civil(year, month, day)))
    }

    pub fn from_days(days: i32) -> Date {
        Date(days)
    }

    pub fn days(self) -> i32 {
        self.0
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    pub fn month(self) -> Month {
        let (y, m, _) = self.ymd();
        Month::new(y, m)
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        ((self.0 as i64 + 3).rem_euclid(7)) as u32
    }

    pub fn is_weekend(self) -> bool {
        self.weekday() >= 5
    }

    pub fn add_days(self, n: i32) -> Date {
        Date(self.0 + n)
    }

    /// The first instant of the day (00:00:00 Vietnam time).
    pub fn start(self) -> Instant {
        Instant(self.0 as i64 * SECONDS_PER_DAY - VN_OFFSET_SECONDS)
    }

    /// The last instant of the day (23:59:59 Vietnam time).
    pub fn end(self) -> Instant {
        Instant(self.start().0 + SECONDS_PER_DAY - 1)
    }

    /// ISO form `2024-03-08`.
    pub fn iso(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// Vietnamese form `08/03/2024`.
    pub fn vn(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{d:02}/{m:02}/{y:04}")
    }

    /// Parses `2024-03-08` or `08/03/2024`.
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        if let Some((y, rest)) = text.split_once('-') {
            let (m, d) = rest.split_once('-')?;
            return Date::from_ymd(num(y)?, num(m)? as u32, num(d)? as u32);
        }
        let mut parts = text.split('/');
        let d = num(parts.next()?)?;
        let m = num(parts.next()?)?;
        let y = num(parts.next()?)?;
        if parts.next().is_some() {
            return None;
        }
        Date::from_ymd(y, m as u32, d as u32)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.vn())
    }
}

impl Instant {
    pub fn from_unix(seconds: i64) -> Instant {
        Instant(seconds)
    }

    pub fn unix(self) -> i64 {
        self.0
    }

    pub fn add_seconds(self, s: i64) -> Instant {
        Instant(self.0 + s)
    }

    /// The calendar day this instant falls on in Vietnam time.
    pub fn date(self) -> Date {
        Date((self.0 + VN_OFFSET_SECONDS).div_euclid(SECONDS_PER_DAY) as i32)
    }

    pub fn month(self) -> Month {
        self.date().month()
    }

    /// Vietnamese form `08/03/2024 14:30`.
    pub fn vn(self) -> String {
        let secs = (self.0 + VN_OFFSET_SECONDS).rem_euclid(SECONDS_PER_DAY);
        format!(
            "{} {:02}:{:02}",
            self.date().vn(),
            secs / 3600,
            (secs / 60) % 60
        )
    }

    /// RFC 3339 in Vietnam time: `2024-03-08T14:30:00+07:00`.
    pub fn iso(self) -> String {
        let secs = (self.0 + VN_OFFSET_SECONDS).rem_euclid(SECONDS_PER_DAY);
        format!(
            "{}T{:02}:{:02}:{:02}+07:00",
            self.date().iso(),
            secs / 3600,
            (secs / 60) % 60,
            secs % 60
        )
    }
}

/// A parsed date-time and whether the text carried a time of day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedInstant {
    pub instant: Instant,
    pub has_time: bool,
}

/// Parses the date-time forms of the data format: ISO 8601 (`2023-10-05`,
/// `2023-10-05T14:30:00+07:00`, `2023-10-05 14:30`, `…Z`) and Vietnamese
/// `dd/mm/yyyy` or `dd/mm/yyyy HH:MM[:SS]`. Without an offset the time is Vietnam time.
pub fn parse_instant(text: &str) -> Option<ParsedInstant> {
    let text = text.trim();
    if !text.is_ascii() {
        return None;
    }
    if let Some(p) = compact_instant(text) {
        return Some(p);
    }
    let (date_part, time_part) = match text.find(['T', ' ']) {
        Some(i) => (&text[..i], Some(text[i + 1..].trim())),
        None => (text, None),
    };
    let date = Date::parse(date_part)?;
    let Some(time_part) = time_part.filter(|t| !t.is_empty()) else {
        return Some(ParsedInstant {
            instant: date.start(),
            has_time: false,
        });
    };
    // Split off an offset: Z, +hh:mm, -hh:mm, +hhmm.
    let (clock, offset) = if let Some(c) = time_part.strip_suffix(['Z', 'z']) {
        (c, Some(0))
    } else if let Some(i) = time_part.rfind(['+', '-']) {
        let sign = if time_part.as_bytes()[i] == b'-' {
            -1
        } else {
            1
        };
        let off = &time_part[i + 1..];
        let (oh, om) = match off.split_once(':') {
            Some((h, m)) => (num(h)?, num(m)?),
            None if off.len() == 4 => (num(&off[..2])?, num(&off[2..])?),
            None => (num(off)?, 0),
        };
        (
            &time_part[..i],
            Some(sign * (oh as i64 * 3600 + om as i64 * 60)),
        )
    } else {
        (time_part, None)
    };
    let clock = clock.split('.').next()?; // fractional seconds are ignored
    let mut fields = clock.split(':');
    let h = num(fields.next()?)?;
    let m = fields.next().map(num).unwrap_or(Some(0))?;
    let s = fields.next().map(num).unwrap_or(Some(0))?;
    if fields.next().is_some()
        || !(0..24).contains(&h)
        || !(0..60).contains(&m)
        || !(0..61).contains(&s)
    {
        return None;
    }
    let local = date.days() as i64 * SECONDS_PER_DAY + h as i64 * 3600 + m as i64 * 60 + s as i64;
    let offset = offset.unwrap_or(VN_OFFSET_SECONDS);
    Some(ParsedInstant {
        instant: Instant(local - offset),
        has_time: true,
    })
}

/// The national portal's synchronisation form `yyyyMMddHHmmss` (also
/// `yyyyMMddHHmm`), Vietnam time: `20261019135404`.
fn compact_instant(text: &str) -> Option<ParsedInstant> {
    let b = text.as_bytes();
    if !(b.len() == 14 || b.len() == 12) || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |at: usize, len: usize| text[at..at + len].parse::<u32>().ok();
    let date = Date::from_ymd(n(0, 4)? as i32, n(4, 2)?, n(6, 2)?)?;
    let (h, m) = (n(8, 2)?, n(10, 2)?);
    let s = if b.len() == 14 { n(12, 2)? } else { 0 };
    if h >= 24 || m >= 60 || s >= 61 {
        return None;
    }
    let local = date.days() as i64 * SECONDS_PER_DAY + (h * 3600 + m * 60 + s) as i64;
    Some(ParsedInstant {
        instant: Instant(local - VN_OFFSET_SECONDS),
        has_time: true,
    })
}

fn num(text: &str) -> Option<i32> {
    let t = text.trim();
    if t.is_empty() || t.len() > 9 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

impl Month {
    pub fn new(year: i32, month: u32) -> Month {
        Month(year * 12 + month as i32 - 1)
    }

    pub fn from_index(index: i32) -> Month {
        Month(index)
    }

    pub fn index(self) -> i32 {
        self.0
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// 1-12.
    pub fn number(self) -> u32 {
        (self.0.rem_euclid(12) + 1) as u32
    }

    pub fn first_day(self) -> Date {
        Date::from_ymd(self.year(), self.number(), 1).expect("every month has a first day")
    }

    pub fn last_day(self) -> Date {
        self.next().first_day().add_days(-1)
    }

    pub fn next(self) -> Month {
        Month(self.0 + 1)
    }

    pub fn prev(self) -> Month {
        Month(self.0 - 1)
    }

    /// The month `n` months later (earlier when negative).
    #[allow(clippy::should_implement_trait)] // a month plus a count, not Month + Month
    pub fn add(self, n: i32) -> Month {
        Month(self.0 + n)
    }

    /// `2024-03`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}", self.year(), self.number())
    }

    /// `03/2024`.
    pub fn vn(self) -> String {
        format!("{:02}/{:04}", self.number(), self.year())
    }

    /// Parses `2024-03` or `03/2024`.
    pub fn parse(text: &str) -> Option<Month> {
        let t = text.trim();
        let (y, m) = if let Some((y, m)) = t.split_once('-') {
            (y, m)
        } else {
            let (m, y) = t.split_once('/')?;
            (y, m)
        };
        let (y, m) = (num(y)?, num(m)?);
        ((1..=12).contains(&m) && YEARS.contains(&y)).then(|| Month::new(y, m as u32))
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.vn())
    }
}

pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's civil-calendar algorithms.
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in -1000..30_000 {
            let (y, m, d) = Date(days).ymd();
            assert_eq!(Date::from_ymd(y, m, d), Some(Date(days)));
        }
        assert_eq!(
            Date::from_ymd(2024, 3, 8).map(Date::iso).as_deref(),
            Some("2024-03-08")
        );
        assert_eq!(Date::from_ymd(2023, 2, 29), None);
    }

    /// A nine-digit year once overflowed the day count into another date
    /// (or panicked): now it is no date at all.
    #[test]
    fn huge_years_are_no_date() {
        assert_eq!(Date::parse("999999999-01-01"), None);
        assert_eq!(Date::parse("01/01/999999999"), None);
        assert_eq!(parse_instant("999999999-01-01T08:00:00"), None);
        assert_eq!(Month::parse("999999999-01"), None);
        assert_eq!(Date::from_ymd(10_000, 1, 1), None);
        assert!(Date::from_ymd(9999, 12, 31).is_some());
    }

    #[test]
    fn weekdays() {
        // 2024-03-08 was a Friday.
        let friday = Date::from_ymd(2024, 3, 8).unwrap();
        assert_eq!(friday.weekday(), 4);
        assert!(!friday.is_weekend());
        assert!(friday.add_days(1).is_weekend());
    }

    #[test]
    fn parses_the_data_format_forms() {
        let a = parse_instant("2023-10-05T14:30:00+07:00").unwrap();
        let b = parse_instant("05/10/2023 14:30").unwrap();
        let c = parse_instant("2023-10-05T07:30:00Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.instant, c.instant);
        assert!(a.has_time);
        let d = parse_instant("2023-10-05").unwrap();
        assert!(!d.has_time);
        assert_eq!(d.instant.date().iso(), "2023-10-05");
        assert_eq!(a.instant.vn(), "05/10/2023 14:30");
        assert_eq!(a.instant.iso(), "2023-10-05T14:30:00+07:00");
        assert!(parse_instant("2023-13-05").is_none());
        assert!(parse_instant("31/02/2023").is_none());
        assert!(parse_instant("yesterday").is_none());
        assert!(parse_instant("2023-10-05 10:00+aéb").is_none());
    }

    #[test]
    fn months() {
        let m = Month::parse("2024-02").unwrap();
        assert_eq!(m.last_day().iso(), "2024-02-29");
        assert_eq!(m.prev().iso(), "2024-01");
        assert_eq!(Month::parse("12/2023").unwrap().next().iso(), "2024-01");
        assert_eq!(
            Date::from_ymd(2024, 3, 31).unwrap().end().month(),
            Month::new(2024, 3)
        );
    }
}
