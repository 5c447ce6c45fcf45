//! Small helpers for writing HTML by hand: escaping text and attributes,
//! encoding URL components, and Vietnamese number cells.

use std::fmt;

use chiso_core::format;

/// Appends formatted text to a `String`. Writing to a `String` cannot fail,
/// so the `fmt::Result` is dropped here once rather than at every call.
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {{
        let _ = ::std::fmt::Write::write_fmt($out, format_args!($($arg)*));
    }};
}
pub(crate) use put;

/// Text escaped for HTML content and double-quoted attribute values.
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut last = 0;
        for (i, ch) in self.0.char_indices() {
            let entity = match ch {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => continue,
            };
            f.write_str(&self.0[last..i])?;
            f.write_str(entity)?;
            last = i + ch.len_utf8();
        }
        f.write_str(&self.0[last..])
    }
}

/// Shorthand for [`Esc`].
pub fn esc(text: &str) -> Esc<'_> {
    Esc(text)
}

/// Percent-encodes a query or path component (RFC 3986 unreserved kept).
pub fn url_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Points with two decimals, "-" when there are none (no data, as in the seeds).
pub fn points(v: Option<f64>) -> String {
    format::or_dash(v, format::points)
}

/// A ratio as a percentage with two decimals, "-" when there is none.
pub fn percent(v: Option<f64>) -> String {
    format::or_dash(v, format::percent)
}

/// A count with a thousands dot, "-" when there is none.
pub fn integer(v: Option<i64>) -> String {
    format::or_dash(v, format::integer)
}

/// A maximum as printed in headings: "18", "3,5".
pub fn max(v: f64) -> String {
    format::decimal(v, if v.fract() == 0.0 { 0 } else { 1 })
}

/// The colour class of a cell by how far it is from full marks: `lv1`
/// (≥ 90 %) to `lv5` (< 50 %), `lv0` when there is no value.
pub fn level(achieved: Option<f64>) -> &'static str {
    match achieved {
        None => "lv0",
        Some(r) if r >= 0.9 => "lv1",
        Some(r) if r >= 0.8 => "lv2",
        Some(r) if r >= 0.65 => "lv3",
        Some(r) if r >= 0.5 => "lv4",
        Some(_) => "lv5",
    }
}

/// Share of the maximum achieved.
pub fn achieved(points: Option<f64>, max: f64) -> Option<f64> {
    points.filter(|_| max > 0.0).map(|p| p / max)
}

/// A number for `data-v` sort keys (empty when there is none: sorted last).
pub fn sort_key(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.6}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<a href=\"x\">Sở & 'Ban'</a>").to_string(),
            "&lt;a href=&quot;x&quot;&gt;Sở &amp; &#39;Ban&#39;&lt;/a&gt;"
        );
        assert_eq!(esc("UBND xã Tân Bình").to_string(), "UBND xã Tân Bình");
    }

    #[test]
    fn encodes_components() {
        assert_eq!(url_component("000.20.30.H53"), "000.20.30.H53");
        assert_eq!(url_component("a b/ư"), "a%20b%2F%C6%B0");
    }

    #[test]
    fn levels_by_share_of_maximum() {
        assert_eq!(level(achieved(Some(18.0), 18.0)), "lv1");
        assert_eq!(level(achieved(Some(7.0), 10.0)), "lv3");
        assert_eq!(level(achieved(Some(1.0), 10.0)), "lv5");
        assert_eq!(level(achieved(None, 10.0)), "lv0");
        assert_eq!(points(Some(58.5812)), "58,58");
        assert_eq!(max(3.5), "3,5");
    }
}
