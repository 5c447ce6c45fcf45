//! Exact decimal numbers for form values (số liệu), read and written the
//! Vietnamese way (`1.853`, `51,43`), and percentages computed exactly from
//! their parts, rounded only for display.
//!
//! A value is a whole number of ten-thousandths: four decimal places are
//! enough for every figure of the forms (money is in millions of đồng), and a
//! fixed scale makes sums and comparisons exact. Input is bounded (15 digits
//! before the decimal comma, 4 after), so sums of any realistic number of
//! values stay far inside `i128`.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Decimal places kept.
pub const PLACES: u32 = 4;
const ONE: i128 = 10_000;
const MAX_INTEGER_DIGITS: usize = 15;

/// An exact number with four decimal places.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal(i128);

/// Why a printed number could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("ô trống")]
    Empty,
    #[error("'{0}' không phải là số")]
    NotANumber(String),
    #[error("'{0}' không phải là số nguyên (chỉ tiêu này đếm số lượng: dấu chấm, dấu phẩy chỉ dùng để phân cách hàng nghìn)")]
    NotWhole(String),
    #[error("'{0}': nhóm chữ số sau dấu phân cách hàng nghìn phải có đúng 3 chữ số")]
    BadGrouping(String),
    #[error("'{0}' quá lớn (tối đa {MAX_INTEGER_DIGITS} chữ số phần nguyên)")]
    TooLarge(String),
    #[error("'{0}' có quá nhiều chữ số thập phân (tối đa {PLACES})")]
    TooPrecise(String),
}

impl Decimal {
    pub const ZERO: Decimal = Decimal(0);

    pub fn from_int(n: i64) -> Decimal {
        Decimal(n as i128 * ONE)
    }

    pub fn is_integer(self) -> bool {
        self.0 % ONE == 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// `a + b`, or `None` on overflow (unreachable with bounded inputs).
    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        self.0.checked_add(other.0).map(Decimal)
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        self.0.checked_sub(other.0).map(Decimal)
    }

    /// Sum of values; `None` on overflow.
    pub fn sum<I: IntoIterator<Item = Decimal>>(values: I) -> Option<Decimal> {
        values
            .into_iter()
            .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(v))
    }

    pub fn to_f64(self) -> f64 {
        self.0 as f64 / ONE as f64
    }

    /// Reads a number as offices type it. With `whole`, every `.` and `,` is a
    /// thousands separator (`86,643` and `86.643` are both 86643: counts are
    /// whole, so the unit decides the reading). Otherwise the Vietnamese
    /// convention holds (`1.502,5`; `51,43`); a single `.` not followed by
    /// exactly three digits is read as a decimal point (`99.94`).
    pub fn parse_vi(text: &str, whole: bool) -> Result<Decimal, NumberError> {
        let original = text.trim();
        let cleaned: String = original
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
            .collect();
        if cleaned.is_empty() {
            return Err(NumberError::Empty);
        }
        let bad = || NumberError::NotANumber(original.to_string());
        let (negative, body) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
        };
        if body.is_empty()
            || !body
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        {
            return Err(bad());
        }
        if !body.starts_with(|c: char| c.is_ascii_digit())
            || !body.ends_with(|c: char| c.is_ascii_digit())
        {
            return Err(bad());
        }
        let dots = body.matches('.').count();
        let commas = body.matches(',').count();
        // Split into the integer part (with thousands separators) and the fraction.
        let (integer, fraction): (&str, &str) = if whole {
            (body, "")
        } else if dots > 0 && commas > 0 {
            let last_dot = body.rfind('.').unwrap_or(0);
            let last_comma = body.rfind(',').unwrap_or(0);
            let (sep, other) = if last_comma > last_dot {
                (',', '.')
            } else {
                ('.', ',')
            };
            let pos = body.rfind(sep).unwrap_or(0);
            if body.matches(sep).count() > 1 || body[pos + 1..].contains(other) {
                return Err(bad());
            }
            (&body[..pos], &body[pos + 1..])
        } else if commas == 1 {
            let pos = body.find(',').unwrap_or(0);
            (&body[..pos], &body[pos + 1..])
        } else if commas > 1 {
            (body, "")
        } else if dots == 1 {
            let pos = body.find('.').unwrap_or(0);
            if body.len() - pos - 1 == 3 {
                (body, "")
            } else {
                (&body[..pos], &body[pos + 1..])
            }
        } else {
            (body, "")
        };
        let groups: Vec<&str> = integer.split(['.', ',']).collect();
        let mut digits = String::new();
        for (i, g) in groups.iter().enumerate() {
            let ok = if i == 0 {
                !g.is_empty() && (groups.len() == 1 || g.len() <= 3)
            } else {
                g.len() == 3
            };
            if !ok {
                let looks_decimal = whole && groups.len() == 2 && i == 1 && g.len() < 3;
                return Err(if looks_decimal {
                    NumberError::NotWhole(original.to_string())
                } else {
                    NumberError::BadGrouping(original.to_string())
                });
            }
            digits.push_str(g);
        }
        let digits = digits.trim_start_matches('0');
        if digits.len() > MAX_INTEGER_DIGITS {
            return Err(NumberError::TooLarge(original.to_string()));
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > PLACES as usize {
            return Err(NumberError::TooPrecise(original.to_string()));
        }
        let int_value: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| bad())?
        };
        let mut frac_value: i128 = 0;
        for (i, ch) in fraction.chars().enumerate() {
            let d = ch.to_digit(10).ok_or_else(bad)? as i128;
            frac_value += d * 10_i128.pow(PLACES - 1 - i as u32);
        }
        let units = int_value * ONE + frac_value;
        Ok(Decimal(if negative { -units } else { units }))
    }

    /// The machine form: `-1234.5`.
    pub fn canonical(self) -> String {
        let (int, frac) = self.split();
        let sign = if self.0 < 0 { "-" } else { "" };
        if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        }
    }

    /// Reads the machine form written by [`Decimal::canonical`].
    pub fn parse_canonical(text: &str) -> Option<Decimal> {
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty()
            || int.len() > MAX_INTEGER_DIGITS
            || frac.len() > PLACES as usize
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let mut units: i128 = int.parse::<i128>().ok()? * ONE;
        for (i, b) in frac.bytes().enumerate() {
            units += (b - b'0') as i128 * 10_i128.pow(PLACES - 1 - i as u32);
        }
        Some(Decimal(if negative { -units } else { units }))
    }

    /// Vietnamese form, trailing zeros dropped: `1.853`, `51,43`, `100`.
    pub fn vi(self) -> String {
        let (int, frac) = self.split();
        let mut out = String::new();
        if self.0 < 0 {
            out.push('-');
        }
        out.push_str(&group_thousands(&int));
        if !frac.is_empty() {
            out.push(',');
            out.push_str(&frac);
        }
        out
    }

    /// Integer digits and the fraction digits without trailing zeros.
    fn split(self) -> (String, String) {
        let abs = self.0.unsigned_abs();
        let int = (abs / ONE as u128).to_string();
        let frac = format!("{:04}", abs % ONE as u128);
        (int, frac.trim_end_matches('0').to_string())
    }

    /// Rounds half away from zero to `places` (≤ 4) decimals.
    pub fn round(self, places: u32) -> Decimal {
        let places = places.min(PLACES);
        let step = 10_i128.pow(PLACES - places);
        Decimal(div_round(self.0, step) * step)
    }
}

/// `1234567` → `1.234.567`.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// `a / b` rounded half away from zero; `b > 0`.
fn div_round(a: i128, b: i128) -> i128 {
    let q = a / b;
    let r = a % b;
    if 2 * r.abs() >= b {
        q + a.signum()
    } else {
        q
    }
}

/// `100 · num / den` rounded to `places` decimals (half away from zero);
/// `None` when the denominator is not positive (a rate of nothing is empty,
/// not 0) or the arithmetic would overflow.
pub fn percent(num: Decimal, den: Decimal, places: u32) -> Option<Decimal> {
    if den.0 <= 0 {
        return None;
    }
    let places = places.min(PLACES);
    let scaled = num.0.checked_mul(100)?.checked_mul(10_i128.pow(places))?;
    let q = div_round(scaled, den.0);
    Some(Decimal(q.checked_mul(10_i128.pow(PLACES - places))?))
}

/// Whether a printed percentage equals `100 · num / den` within half a unit
/// of the coarser of the printed precision and `places`: `99,94` matches
/// 86593/86643 = 99,9423…; `100` matches 12/12; `80,76` does not match 323/349.
pub fn percent_matches(printed: Decimal, num: Decimal, den: Decimal, places: u32) -> bool {
    if den.0 <= 0 {
        return false;
    }
    let printed_places = PLACES - trailing_zero_digits(printed.0);
    let k = places.min(printed_places);
    // |P/10⁴ − 100·n/d| ≤ ½·10^−k with P, n, d in ten-thousandths; times 2·d·10⁴:
    // |2·P·d − 200·n·10⁴| ≤ 10^(4−k)·d.
    let lhs = (|| {
        let a = printed.0.checked_mul(den.0)?.checked_mul(2)?;
        let b = num.0.checked_mul(200)?.checked_mul(ONE)?;
        a.checked_sub(b).map(i128::unsigned_abs)
    })();
    let rhs = 10_i128
        .pow(PLACES - k)
        .checked_mul(den.0)
        .map(i128::unsigned_abs);
    match (lhs, rhs) {
        (Some(l), Some(r)) => l <= r,
        _ => false,
    }
}

/// How many of the four decimal places of `units` are trailing zeros (0–4).
fn trailing_zero_digits(units: i128) -> u32 {
    let mut n = 0;
    let mut u = units;
    while n < PLACES && u % 10 == 0 {
        u /= 10;
        n += 1;
    }
    n
}

impl PartialOrd<i64> for Decimal {
    fn partial_cmp(&self, other: &i64) -> Option<Ordering> {
        Some(self.cmp(&Decimal::from_int(*other)))
    }
}

impl PartialEq<i64> for Decimal {
    fn eq(&self, other: &i64) -> bool {
        *self == Decimal::from_int(*other)
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.vi())
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.canonical())
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let text = String::deserialize(d)?;
        Decimal::parse_canonical(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid decimal '{text}'")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse_canonical(text).unwrap()
    }

    #[test]
    fn counts_read_every_separator_as_thousands() {
        for (text, value) in [
            ("86,643", "86643"),
            ("86.643", "86643"),
            ("1.853", "1853"),
            ("9.718.095", "9718095"),
            ("04", "4"),
            ("0", "0"),
            ("1 850", "1850"),
        ] {
            assert_eq!(Decimal::parse_vi(text, true), Ok(d(value)), "{text}");
        }
        assert!(matches!(
            Decimal::parse_vi("1,5", true),
            Err(NumberError::NotWhole(_))
        ));
        assert!(matches!(
            Decimal::parse_vi("1.85", true),
            Err(NumberError::NotWhole(_))
        ));
        assert!(matches!(
            Decimal::parse_vi("1.8536.1", true),
            Err(NumberError::BadGrouping(_))
        ));
        assert!(matches!(
            Decimal::parse_vi("1234.567", true),
            Err(NumberError::BadGrouping(_))
        ));
    }

    #[test]
    fn decimals_follow_the_vietnamese_convention() {
        for (text, value) in [
            ("51,43", "51.43"),
            ("14,86", "14.86"),
            ("1.502,5", "1502.5"),
            ("99.94", "99.94"),
            ("1.853", "1853"),
            ("100", "100"),
            ("-0,5", "-0.5"),
            ("1,502.5", "1502.5"),
        ] {
            assert_eq!(Decimal::parse_vi(text, false), Ok(d(value)), "{text}");
        }
        assert_eq!(Decimal::parse_vi("  ", false), Err(NumberError::Empty));
        assert!(Decimal::parse_vi("1,2,3", false).is_err());
        assert!(Decimal::parse_vi("12a", false).is_err());
        assert!(Decimal::parse_vi(",5", false).is_err());
        assert!(Decimal::parse_vi("1,23456", false).is_err());
        assert!(Decimal::parse_vi("1234567890123456", true).is_err());
    }

    #[test]
    fn vietnamese_and_canonical_forms() {
        assert_eq!(d("1853").vi(), "1.853");
        assert_eq!(d("51.43").vi(), "51,43");
        assert_eq!(d("9718095").vi(), "9.718.095");
        assert_eq!(d("-1502.5").vi(), "-1.502,5");
        assert_eq!(d("-1502.5").canonical(), "-1502.5");
        assert_eq!(d("100.0").canonical(), "100");
        assert_eq!(Decimal::parse_canonical("1,5"), None);
        assert_eq!(Decimal::parse_canonical(""), None);
        let json = serde_json::to_string(&d("12.5")).unwrap();
        assert_eq!(json, "\"12.5\"");
        assert_eq!(serde_json::from_str::<Decimal>(&json).unwrap(), d("12.5"));
    }

    #[test]
    fn percentages_are_exact_and_rounded_for_display_only() {
        let p = |n: i64, den: i64, places| {
            percent(Decimal::from_int(n), Decimal::from_int(den), places).map(Decimal::vi)
        };
        assert_eq!(p(18, 35, 2).as_deref(), Some("51,43"));
        assert_eq!(p(323, 349, 2).as_deref(), Some("92,55"));
        assert_eq!(p(45060, 62196, 1).as_deref(), Some("72,4"));
        assert_eq!(p(12, 12, 2).as_deref(), Some("100"));
        assert_eq!(p(1, 8, 2).as_deref(), Some("12,5"));
        assert_eq!(p(5, 0, 2), None);
        assert_eq!(d("2.345").round(2).vi(), "2,35");
        assert_eq!(d("-2.345").round(2).vi(), "-2,35");
    }

    #[test]
    fn printed_percentages_are_compared_within_half_a_display_unit() {
        let m = |printed: &str, n: i64, den: i64, places| {
            percent_matches(
                Decimal::parse_vi(printed, false).unwrap(),
                Decimal::from_int(n),
                Decimal::from_int(den),
                places,
            )
        };
        assert!(m("99,94", 86593, 86643, 2));
        assert!(m("99,95", 28025, 28038, 2));
        assert!(m("97,37", 148, 152, 2));
        assert!(m("52,45", 5096965, 9718095, 2));
        assert!(m("72,4", 45060, 62196, 1));
        assert!(m("100", 12, 12, 2));
        assert!(m("50", 1, 2, 2));
        assert!(
            m("51", 18, 35, 2),
            "printed with fewer decimals: half a printed unit"
        );
        assert!(!m("80,76", 323, 349, 2));
        assert!(!m("99,93", 86593, 86643, 2));
        assert!(!m("50", 1, 0, 2));
    }
}
