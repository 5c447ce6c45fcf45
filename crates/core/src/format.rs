//! Vietnamese number formatting: decimal comma, thousands dot (58,58; 1.502).

/// `1502` → `1.502`.
pub fn integer(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// `58.5812` with 2 places → `58,58`; `1502.5` → `1.502,50`.
pub fn decimal(x: f64, places: usize) -> String {
    let text = format!("{:.*}", places, x.abs());
    let (int_part, frac) = text.split_once('.').unwrap_or((&text, ""));
    let int_value: i64 = int_part.parse().unwrap_or(0);
    let negative = x < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0');
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&integer(int_value));
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// Points as offices print them: two decimals (`58,58`).
pub fn points(x: f64) -> String {
    decimal(x, 2)
}

/// A ratio as a percentage with two decimals: `0.9148` → `91,48`.
pub fn percent(ratio: f64) -> String {
    decimal(ratio * 100.0, 2)
}

/// A signed change as in S002: `+ 1,70`, `- 8,54`, `0,00`.
pub fn signed(x: f64) -> String {
    let rounded = (x * 100.0).round() / 100.0;
    if rounded > 0.0 {
        format!("+ {}", decimal(rounded, 2))
    } else if rounded < 0.0 {
        format!("- {}", decimal(-rounded, 2))
    } else {
        decimal(0.0, 2)
    }
}

/// An amount of money: `50000` → `50.000 đ`.
pub fn vnd(amount: i64) -> String {
    format!("{} đ", integer(amount))
}

/// `Some(x)` formatted, `None` as "-" (no data, as in S000).
pub fn or_dash<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map(f).unwrap_or_else(|| "-".to_string())
}

/// Roman numerals for appendices and section headings (I, II, III…), as in the seeds.
pub fn roman(mut n: usize) -> String {
    const TABLE: &[(usize, &str)] = &[
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, text) in TABLE {
        while n >= *value {
            out.push_str(text);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_convention() {
        assert_eq!(integer(1502), "1.502");
        assert_eq!(integer(150594), "150.594");
        assert_eq!(integer(-1234567), "-1.234.567");
        assert_eq!(integer(12), "12");
        assert_eq!(decimal(58.5812, 2), "58,58");
        assert_eq!(decimal(1502.5, 2), "1.502,50");
        assert_eq!(decimal(-0.001, 2), "0,00");
        assert_eq!(percent(0.9148), "91,48");
        assert_eq!(signed(1.7), "+ 1,70");
        assert_eq!(signed(-8.54), "- 8,54");
        assert_eq!(signed(0.001), "0,00");
        assert_eq!(vnd(50_000), "50.000 đ");
        assert_eq!(
            (roman(1), roman(4), roman(14)),
            ("I".into(), "IV".into(), "XIV".into())
        );
    }
}
