//! Reporting periods (kỳ báo cáo): month, quarter, half-year, year, year to
//! date and any date range. A period is a closed range of calendar days.
//!
//! A period is judged at its end, but never later than the data's as-of
//! instant (the latest moment the records report): a period the data stops
//! inside is judged as the range from its first day to that instant
//! ([`Period::judged`]), and one that starts after the data cannot be judged.

use std::fmt;

use crate::time::{Date, Instant, Month};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    /// `2024-03`
    Month,
    /// `2024-Q1`
    Quarter,
    /// `2024-H1`
    Half,
    /// `2024`
    Year,
    /// `2024-03:ytd`
    YearToDate,
    /// `2024-01-01..2024-02-15`
    Range,
}

/// A closed range of days `[from, to]` with the kind it was asked as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub kind: PeriodKind,
    pub from: Date,
    pub to: Date,
    /// For a period cut at the data's as-of instant ([`Period::judged`]):
    /// that instant, within `to`, at which everything is judged and after
    /// which no record reports anything. `None`: judged at the end of `to`.
    pub cutoff: Option<Instant>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("kỳ báo cáo không hợp lệ '{text}': dùng 2024-03 (tháng), 2024-Q1 (quý), 2024-H1 (6 tháng), 2024 (năm), 2024-03:ytd (từ đầu năm) hoặc 2024-01-01..2024-02-15 (khoảng ngày)")]
pub struct PeriodError {
    pub text: String,
}

impl std::str::FromStr for Period {
    type Err = PeriodError;

    /// The forms of [`Period::parse`]: what the command line and the web's
    /// query strings are parsed with, at the edge.
    fn from_str(text: &str) -> Result<Period, PeriodError> {
        Period::parse(text)
    }
}

/// Why a period cannot be judged on the data at hand.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum NotJudgeable {
    /// No dossier or feedback record at all.
    #[error("chưa có hồ sơ hay phản ánh, kiến nghị nào để chấm điểm kỳ {period}: nhập dữ liệu bằng 'chiso import dossiers TỆP' (hoặc chạy 'chiso demo' để có tỉnh mẫu)")]
    NoData { period: String },
    /// The period starts after the latest instant the data reports.
    #[error("kỳ {period} ({label}) bắt đầu sau ngày có số liệu cuối cùng ({as_of}): chưa thể chấm điểm một kỳ chưa diễn ra; chọn kỳ bắt đầu từ ngày {as_of} trở về trước")]
    AfterData {
        period: String,
        label: String,
        as_of: Date,
    },
}

impl Period {
    pub fn month(month: Month) -> Period {
        Period {
            kind: PeriodKind::Month,
            from: month.first_day(),
            to: month.last_day(),
            cutoff: None,
        }
    }

    pub fn months(kind: PeriodKind, first: Month, last: Month) -> Period {
        Period {
            kind,
            from: first.first_day(),
            to: last.last_day(),
            cutoff: None,
        }
    }

    /// The days `[from, to]` (`from` ≤ `to`).
    pub fn range(from: Date, to: Date) -> Period {
        Period {
            kind: PeriodKind::Range,
            from,
            to,
            cutoff: None,
        }
    }

    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        Self::parse_inner(text.trim()).ok_or_else(|| PeriodError {
            text: text.to_string(),
        })
    }

    fn parse_inner(t: &str) -> Option<Period> {
        if let Some((a, b)) = t.split_once("..") {
            let (from, to) = (Date::parse(a)?, Date::parse(b)?);
            return (from <= to).then_some(Period::range(from, to));
        }
        if let Some(m) = t.strip_suffix(":ytd") {
            let m = Month::parse(m)?;
            return Some(Period::months(
                PeriodKind::YearToDate,
                Month::new(m.year(), 1),
                m,
            ));
        }
        if let Some((y, rest)) = t.split_once('-') {
            let year: i32 = y.parse().ok()?;
            let upper = rest.to_ascii_uppercase();
            if let Some(q) = upper.strip_prefix('Q') {
                let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
                let first = Month::new(year, 3 * q - 2);
                return Some(Period::months(PeriodKind::Quarter, first, first.add(2)));
            }
            if let Some(h) = upper.strip_prefix('H') {
                let h: u32 = h.parse().ok().filter(|h| (1..=2).contains(h))?;
                let first = Month::new(year, 6 * h - 5);
                return Some(Period::months(PeriodKind::Half, first, first.add(5)));
            }
            return Month::parse(t).map(Period::month);
        }
        if t.len() == 4 {
            let year: i32 = t.parse().ok()?;
            return Some(Period::months(
                PeriodKind::Year,
                Month::new(year, 1),
                Month::new(year, 12),
            ));
        }
        Month::parse(t).map(Period::month)
    }

    /// First instant (00:00:00 of `from`, Vietnam time).
    pub fn start(&self) -> Instant {
        self.from.start()
    }

    /// Last instant (23:59:59 of `to`, Vietnam time, or the cutoff): the
    /// moment everything is judged at.
    pub fn end(&self) -> Instant {
        self.cutoff.unwrap_or_else(|| self.to.end())
    }

    /// The months `[first, last]` when the period is made of whole months
    /// (and judged at the end of its last day).
    pub fn whole_months(&self) -> Option<(Month, Month)> {
        let (first, last) = (self.from.month(), self.to.month());
        (self.end() == self.to.end()
            && self.from == first.first_day()
            && self.to == last.last_day())
        .then_some((first, last))
    }

    /// For a cut period starting on a month's first day, the months
    /// `[first, last]` that cover it: its figures are those of these whole
    /// months judged at the end of `last`, less what became late between
    /// the cutoff and then (`measures::Accumulator::uncount_late_after`),
    /// since nothing else is reported after the cutoff.
    pub fn cut_months(&self) -> Option<(Month, Month)> {
        let first = self.from.month();
        (self.cutoff.is_some() && self.from == first.first_day())
            .then_some((first, self.to.month()))
    }

    /// The period as it can be judged on data whose as-of instant is
    /// `as_of` (`None`: no record at all): itself when the data reaches its
    /// end; when the data stops inside it, the range from its first day to
    /// `as_of`, judged at `as_of` (so no deadline after the data counts as
    /// passed); an error when it starts after the data.
    pub fn judged(&self, as_of: Option<Instant>) -> Result<Period, NotJudgeable> {
        let Some(as_of) = as_of else {
            return Err(NotJudgeable::NoData {
                period: self.code(),
            });
        };
        if as_of >= self.end() {
            return Ok(*self);
        }
        if as_of < self.start() {
            return Err(NotJudgeable::AfterData {
                period: self.code(),
                label: self.label_vi(),
                as_of: as_of.date(),
            });
        }
        Ok(Period {
            cutoff: Some(as_of),
            ..Period::range(self.from, as_of.date())
        })
    }

    pub fn contains(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }

    /// The period of the same length just before this one: the previous month,
    /// quarter, half or year; for year to date the same months of the previous
    /// year; for a range the same number of days before it.
    pub fn previous(&self) -> Period {
        match (self.kind, self.whole_months()) {
            (PeriodKind::YearToDate, Some((first, last))) => {
                Period::months(self.kind, first.add(-12), last.add(-12))
            }
            (PeriodKind::Range, _) | (_, None) => {
                let days = self.to.days() - self.from.days() + 1;
                Period {
                    kind: self.kind,
                    from: self.from.add_days(-days),
                    to: self.to.add_days(-days),
                    cutoff: None,
                }
            }
            (_, Some((first, last))) => {
                let n = last.index() - first.index() + 1;
                Period::months(self.kind, first.add(-n), last.add(-n))
            }
        }
    }

    /// The canonical text form, as accepted by [`Period::parse`].
    pub fn code(&self) -> String {
        let (y, m, _) = self.from.ymd();
        match self.kind {
            PeriodKind::Month => self.from.month().iso(),
            PeriodKind::Quarter => format!("{y}-Q{}", (m - 1) / 3 + 1),
            PeriodKind::Half => format!("{y}-H{}", (m - 1) / 6 + 1),
            PeriodKind::Year => format!("{y}"),
            PeriodKind::YearToDate => format!("{}:ytd", self.to.month().iso()),
            PeriodKind::Range => format!("{}..{}", self.from.iso(), self.to.iso()),
        }
    }

    /// How the period reads in a Vietnamese heading: "tháng 03/2024", "quý I năm 2024"…
    pub fn label_vi(&self) -> String {
        let (y, m, _) = self.from.ymd();
        match self.kind {
            PeriodKind::Month => format!("tháng {}", self.from.month().vn()),
            PeriodKind::Quarter => format!(
                "quý {} năm {y}",
                ["I", "II", "III", "IV"][((m - 1) / 3) as usize]
            ),
            PeriodKind::Half => format!(
                "{} tháng {} năm {y}",
                6,
                if m <= 6 { "đầu" } else { "cuối" }
            ),
            PeriodKind::Year => format!("năm {y}"),
            PeriodKind::YearToDate => format!("từ đầu năm đến tháng {}", self.to.month().vn()),
            PeriodKind::Range => format!("từ {} đến {}", self.from.vn(), self.to.vn()),
        }
    }
}

/// The note every output gives a period the data stops inside (judged at
/// `as_of`): "chưa kết thúc / số liệu đến 30/10/2026".
pub fn partial_note(as_of: Instant) -> String {
    format!("chưa kết thúc / số liệu đến {}", as_of.date())
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(t: &str) -> Period {
        Period::parse(t).unwrap()
    }

    #[test]
    fn parses_every_kind() {
        assert_eq!(p("2024-03").from.iso(), "2024-03-01");
        assert_eq!(p("2024-03").to.iso(), "2024-03-31");
        assert_eq!(
            (p("2024-Q1").from.iso(), p("2024-Q1").to.iso()),
            ("2024-01-01".into(), "2024-03-31".into())
        );
        assert_eq!(p("2024-H2").from.iso(), "2024-07-01");
        assert_eq!(p("2024").to.iso(), "2024-12-31");
        assert_eq!(p("2024-03:ytd").from.iso(), "2024-01-01");
        assert_eq!(p("2024-03:ytd").to.iso(), "2024-03-31");
        assert_eq!(p("2024-01-01..2024-02-15").to.iso(), "2024-02-15");
        for bad in ["2024-13", "2024-Q5", "x", "2024-02-15..2024-01-01", ""] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for t in [
            "2024-03",
            "2024-Q1",
            "2024-H2",
            "2024",
            "2024-03:ytd",
            "2024-01-01..2024-02-15",
        ] {
            assert_eq!(p(t).code(), t);
        }
    }

    #[test]
    fn judged_up_to_the_data() {
        let at = |t: &str| crate::time::parse_instant(t).unwrap().instant;
        let q4 = p("2026-Q4");
        // The data reaches the end: the period itself.
        assert_eq!(q4.judged(Some(at("2027-01-02 08:00"))), Ok(q4));
        assert_eq!(q4.judged(Some(q4.end())), Ok(q4));
        // The data stops inside: from the first day to the as-of instant.
        let cut = q4.judged(Some(at("2026-10-30 10:00"))).unwrap();
        assert_eq!(cut.code(), "2026-10-01..2026-10-30");
        assert_eq!(cut.end(), at("2026-10-30 10:00"));
        assert_eq!(cut.whole_months(), None, "cut inside a day");
        let october = (Month::new(2026, 10), Month::new(2026, 10));
        assert_eq!(cut.cut_months(), Some(october));
        // Cut at the end of a month: whole months.
        let cut = q4.judged(Some(at("2026-10-31 23:59:59"))).unwrap();
        assert_eq!(cut.code(), "2026-10-01..2026-10-31");
        assert_eq!(cut.whole_months(), Some(october));
        // A range starting inside a month has no covering months.
        let cut = p("2026-10-15..2026-12-31")
            .judged(Some(at("2026-11-03 10:00")))
            .unwrap();
        assert_eq!((cut.whole_months(), cut.cut_months()), (None, None));
        assert_eq!(
            p("2026-Q3").cut_months(),
            None,
            "an asked period is not cut"
        );
        // Starting after the data, or no data at all: refused.
        assert!(matches!(
            p("2027-05").judged(Some(at("2026-10-30 10:00"))),
            Err(NotJudgeable::AfterData { .. })
        ));
        assert!(matches!(q4.judged(None), Err(NotJudgeable::NoData { .. })));
        assert_eq!(
            partial_note(at("2026-10-30 10:00")),
            "chưa kết thúc / số liệu đến 30/10/2026"
        );
    }

    #[test]
    fn previous_of_same_length() {
        assert_eq!(p("2024-01").previous().code(), "2023-12");
        assert_eq!(p("2024-Q1").previous().code(), "2023-Q4");
        assert_eq!(p("2024-H1").previous().code(), "2023-H2");
        assert_eq!(p("2024").previous().code(), "2023");
        assert_eq!(p("2024-03:ytd").previous().code(), "2023-03:ytd");
        assert_eq!(
            p("2024-01-11..2024-01-20").previous().code(),
            "2024-01-01..2024-01-10"
        );
    }
}
