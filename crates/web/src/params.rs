//! Query parameters shared by pages and API: the period, the level (unit
//! kind and parent) and paging. Parsed once here into domain values; a value
//! that cannot be used is an [`Error`] with a Vietnamese message.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use chiso_core::period::Period;
use chiso_core::records::UnitKind;
use chiso_core::scoring::UnitScore;
use chiso_core::storage::Inventory;
use chiso_core::time::{Date, Instant, Month};

use crate::error::{Error, PageError};

/// Years a period may fall in.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// Most explain items on one page.
pub const MAX_PER_PAGE: usize = 500;

/// The query string as name → value (the last value wins). Never rejects.
#[derive(Clone, Debug, Default)]
pub struct Params(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
            .map(|q| Params(q.0))
            .map_err(|_| Error::parameter("query", "chuỗi truy vấn không đọc được"))
    }
}

impl Params {
    /// A parameter's value, trimmed; empty counts as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    /// The period asked for: `period=CODE`, or the selector's fields (`type`
    /// with `year`, `month`, `quarter`, `half`, `from`, `to`); when neither,
    /// the latest month with data.
    /// Whether the request names a period (`period=` or the selector's `type=`).
    pub fn names_period(&self) -> bool {
        self.get("type").is_some() || self.get("period").is_some()
    }

    pub fn period(&self, inventory: &Inventory) -> Result<Period, Error> {
        if let Some(kind) = self.get("type") {
            return parse_period(&self.selector_code(kind)?);
        }
        match self.get("period") {
            Some(code) => parse_period(code),
            None => Ok(default_period(inventory)),
        }
    }

    fn selector_code(&self, kind: &str) -> Result<String, Error> {
        let year = || {
            self.get("year")
                .ok_or_else(|| Error::parameter("year", "chọn năm"))
        };
        let month = || {
            let m = self
                .get("month")
                .ok_or_else(|| Error::parameter("month", "chọn tháng"))?;
            Ok::<_, Error>(format!("{}-{:0>2}", year()?, m))
        };
        Ok(match kind {
            "month" => month()?,
            "quarter" => format!("{}-Q{}", year()?, self.get("quarter").unwrap_or("1")),
            "half" => format!("{}-H{}", year()?, self.get("half").unwrap_or("1")),
            "year" => year()?.to_string(),
            "ytd" => format!("{}:ytd", month()?),
            "range" => {
                let from = self
                    .get("from")
                    .ok_or_else(|| Error::parameter("from", "chọn ngày bắt đầu"))?;
                let to = self
                    .get("to")
                    .ok_or_else(|| Error::parameter("to", "chọn ngày kết thúc"))?;
                format!("{from}..{to}")
            }
            other => {
                return Err(Error::parameter(
                    "type",
                    format!(
                    "loại kỳ '{other}' không có: dùng month, quarter, half, year, ytd hoặc range"
                ),
                ))
            }
        })
    }

    /// The level: units of one kind (`kind`) and/or under one parent (`parent`).
    pub fn level(&self) -> Result<Level, Error> {
        let kind = match self.get("kind").filter(|k| *k != "all") {
            Some(k) => Some(UnitKind::parse(k).ok_or_else(|| {
                Error::parameter(
                    "kind",
                    format!("loại đơn vị '{k}' không có: dùng {}", UnitKind::expected()),
                )
            })?),
            None => None,
        };
        Ok(Level {
            kind,
            parent: self.get("parent").map(str::to_string),
        })
    }

    /// `page` (from 1) and `per_page` (1 to [`MAX_PER_PAGE`]).
    pub fn paging(&self, default_per_page: usize) -> Result<Paging, Error> {
        let number = |name: &'static str, default: usize, max: usize| match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    Error::parameter(name, format!("'{v}' không phải số từ 1 đến {max}"))
                }),
        };
        Ok(Paging {
            page: number("page", 1, 1_000_000)?,
            per_page: number("per_page", default_per_page, MAX_PER_PAGE)?,
        })
    }
}

/// The one path parameter of a page (a unit code, a criterion id). An
/// undecodable segment renders as an error page, like any other bad input.
pub struct Segment(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Segment {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|p| Segment(p.0))
            .map_err(|_| PageError(Error::parameter("path", "đường dẫn không đọc được")))
    }
}

/// Parses a period code, refusing years outside 2000-2100.
pub fn parse_period(text: &str) -> Result<Period, Error> {
    let invalid = || Error::InvalidPeriod(text.chars().take(64).collect());
    // Years and days of more than four digits are refused before parsing, so
    // month and day arithmetic never sees them.
    if text
        .split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() > 4)
    {
        return Err(invalid());
    }
    let period: Period = text.parse().map_err(|_| invalid())?;
    if !YEARS.contains(&period.from.year()) || !YEARS.contains(&period.to.year()) {
        return Err(invalid());
    }
    Ok(period)
}

/// The latest month with data; the current month when there is none yet.
pub fn default_period(inventory: &Inventory) -> Period {
    let month = match inventory.latest_received {
        Some(t) => Instant::from_unix(t).month(),
        None => today().month(),
    };
    let month = if YEARS.contains(&month.year()) {
        month
    } else {
        Month::new(*YEARS.end(), 12)
    };
    Period::month(month)
}

/// Today in Vietnam time.
pub fn today() -> Date {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Instant::from_unix(now).date()
}

/// Which units a ranking shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Level {
    pub kind: Option<UnitKind>,
    pub parent: Option<String>,
}

impl Level {
    pub fn keep(&self, u: &UnitScore) -> bool {
        self.kind.is_none_or(|k| u.kind == k)
            && self
                .parent
                .as_ref()
                .is_none_or(|p| u.parent.as_ref() == Some(p))
    }

    /// The level as query parameters (`&kind=…&parent=…`), for links.
    pub fn query(&self) -> String {
        let mut q = String::new();
        if let Some(k) = self.kind {
            q.push_str("&kind=");
            q.push_str(k.code());
        }
        if let Some(p) = &self.parent {
            q.push_str("&parent=");
            q.push_str(&crate::html::url_component(p));
        }
        q
    }
}

/// A page of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    pub page: usize,
    pub per_page: usize,
}

impl Paging {
    /// The range of items on this page for a list of `total` (empty past the end).
    pub fn range(&self, total: usize) -> std::ops::Range<usize> {
        let start = (self.page - 1).saturating_mul(self.per_page).min(total);
        start..(start + self.per_page).min(total)
    }

    pub fn pages(&self, total: usize) -> usize {
        total.div_ceil(self.per_page).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn periods_from_code_selector_or_data() {
        let inv = Inventory {
            latest_received: Some(Date::parse("2026-10-30").map_or(0, |d| d.start().unix())),
            ..Inventory::default()
        };
        assert_eq!(
            params(&[]).period(&inv).map(|p| p.code()).ok(),
            Some("2026-10".into())
        );
        assert_eq!(
            params(&[("period", "2026-Q2")])
                .period(&inv)
                .map(|p| p.code())
                .ok(),
            Some("2026-Q2".into())
        );
        let quarter = params(&[
            ("type", "quarter"),
            ("year", "2026"),
            ("quarter", "3"),
            ("period", "2026-01"),
        ]);
        assert_eq!(
            quarter.period(&inv).map(|p| p.code()).ok(),
            Some("2026-Q3".into())
        );
        let month = params(&[("type", "month"), ("year", "2026"), ("month", "4")]);
        assert_eq!(
            month.period(&inv).map(|p| p.code()).ok(),
            Some("2026-04".into())
        );
        let range = params(&[
            ("type", "range"),
            ("from", "2026-01-05"),
            ("to", "2026-02-01"),
        ]);
        assert_eq!(
            range.period(&inv).map(|p| p.code()).ok(),
            Some("2026-01-05..2026-02-01".into())
        );
        for bad in [
            "2026-13",
            "99999999-01",
            "1999",
            "2101-01",
            "x",
            "2026-01-01..2025-01-01",
        ] {
            assert_eq!(
                parse_period(bad).map_err(|e| e.code()).err(),
                Some("invalid_period"),
                "{bad}"
            );
        }
    }

    #[test]
    fn paging_bounds() {
        let p = Paging {
            page: 3,
            per_page: 10,
        };
        assert_eq!(p.range(25), 20..25);
        assert_eq!(p.range(5), 5..5);
        assert_eq!(p.pages(25), 3);
        assert!(params(&[("per_page", "0")]).paging(50).is_err());
        assert!(params(&[("page", "-1")]).paging(50).is_err());
        assert_eq!(
            params(&[("page", "2")]).paging(50).ok(),
            Some(Paging {
                page: 2,
                per_page: 50
            })
        );
    }
}
