//! Reporting periods of the CCHC regime (cchc.md §1): Q1, 6 tháng (H1), Q3
//! and năm, with their data windows (Decree 09/2019/NĐ-CP art. 12: from the
//! 15th of the previous December, or of June for Q3, to the 14th of the
//! period's last month) and due dates (the province reports by the 20th of
//! the period's last month; the units reporting to it earlier, by a schedule
//! the province sets).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chiso_core::records::UnitKind;
use chiso_core::time::Date;
use serde::{Deserialize, Serialize};

/// Kỳ báo cáo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PeriodKind {
    Q1,
    H1,
    Q3,
    #[serde(rename = "Y")]
    Year,
}

/// A reporting period of a year: `2024-H1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ReportingPeriod {
    pub year: i32,
    pub kind: PeriodKind,
}

impl ReportingPeriod {
    pub fn new(year: i32, kind: PeriodKind) -> ReportingPeriod {
        ReportingPeriod { year, kind }
    }

    /// The data window, both days included: Q1 15/12(y−1)–14/3; H1
    /// 15/12(y−1)–14/6; Q3 15/6–14/9; Y 15/12(y−1)–14/12.
    pub fn window(&self) -> (Date, Date) {
        let y = self.year;
        let day = |y, m, d| Date::from_ymd(y, m, d).unwrap_or(Date::from_days(0));
        let start = match self.kind {
            PeriodKind::Q3 => day(y, 6, 15),
            _ => day(y - 1, 12, 15),
        };
        (start, day(y, self.last_month(), 14))
    }

    fn last_month(&self) -> u32 {
        match self.kind {
            PeriodKind::Q1 => 3,
            PeriodKind::H1 => 6,
            PeriodKind::Q3 => 9,
            PeriodKind::Year => 12,
        }
    }

    /// When the province's report is due to the Ministry of Home Affairs: the
    /// 20th of the period's last month.
    pub fn due(&self) -> Date {
        Date::from_ymd(self.year, self.last_month(), 20).unwrap_or(Date::from_days(0))
    }

    /// When a unit of this kind must submit to the province.
    pub fn due_for(&self, kind: UnitKind, schedule: &Schedule) -> Date {
        self.due().add_days(-schedule.days_before(kind))
    }

    /// The previous period of the same year (year-to-date rows compare with it).
    pub fn previous_in_year(&self) -> Option<ReportingPeriod> {
        let kind = match self.kind {
            PeriodKind::Q1 => return None,
            PeriodKind::H1 => PeriodKind::Q1,
            PeriodKind::Q3 => PeriodKind::H1,
            PeriodKind::Year => PeriodKind::Q3,
        };
        Some(ReportingPeriod::new(self.year, kind))
    }

    /// "6 tháng đầu năm 2024".
    pub fn label_vi(&self) -> String {
        match self.kind {
            PeriodKind::Q1 => format!("Quý I năm {}", self.year),
            PeriodKind::H1 => format!("6 tháng đầu năm {}", self.year),
            PeriodKind::Q3 => format!("Quý III năm {}", self.year),
            PeriodKind::Year => format!("Năm {}", self.year),
        }
    }
}

impl fmt::Display for ReportingPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            PeriodKind::Q1 => "Q1",
            PeriodKind::H1 => "H1",
            PeriodKind::Q3 => "Q3",
            PeriodKind::Year => "Y",
        };
        write!(f, "{}-{kind}", self.year)
    }
}

impl FromStr for ReportingPeriod {
    type Err = String;

    /// `2024-Q1`, `2024-H1`, `2024-Q3`, `2024-Y` (or `2024`).
    fn from_str(text: &str) -> Result<ReportingPeriod, String> {
        let bad = || {
            format!(
                "'{text}' không phải kỳ báo cáo CCHC (dùng 2024-Q1, 2024-H1, 2024-Q3 hoặc 2024-Y)"
            )
        };
        let (year, kind) = text.trim().split_once('-').unwrap_or((text.trim(), "Y"));
        let year: i32 = year.parse().map_err(|_| bad())?;
        if !(2000..=2200).contains(&year) {
            return Err(bad());
        }
        let kind = match kind.to_ascii_uppercase().as_str() {
            "Q1" => PeriodKind::Q1,
            "H1" => PeriodKind::H1,
            "Q3" => PeriodKind::Q3,
            "Y" => PeriodKind::Year,
            _ => return Err(bad()),
        };
        Ok(ReportingPeriod::new(year, kind))
    }
}

/// How many days before the province's due date each kind of unit must
/// submit (the province's own decision; cchc.md leaves it open).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// By unit kind code (`department`, `district`, `commune`…).
    pub days_before: BTreeMap<String, i32>,
}

impl Default for Schedule {
    /// Five days before the province's due date (the 15th) for every unit
    /// reporting to it [D].
    fn default() -> Schedule {
        Schedule {
            days_before: [
                ("department", 5),
                ("district", 5),
                ("commune", 5),
                ("other", 5),
            ]
            .into_iter()
            .map(|(k, d)| (k.to_string(), d))
            .collect(),
        }
    }
}

impl Schedule {
    pub fn days_before(&self, kind: UnitKind) -> i32 {
        self.days_before.get(kind.code()).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_and_due_dates_follow_the_regime() {
        let p: ReportingPeriod = "2024-H1".parse().unwrap();
        let (from, to) = p.window();
        assert_eq!(
            (from.vn(), to.vn()),
            ("15/12/2023".into(), "14/06/2024".into())
        );
        assert_eq!(p.due().vn(), "20/06/2024");
        assert_eq!(
            p.due_for(UnitKind::District, &Schedule::default()).vn(),
            "15/06/2024"
        );
        assert_eq!(
            p.due_for(UnitKind::Province, &Schedule::default()).vn(),
            "20/06/2024"
        );
        let q3 = ReportingPeriod::new(2025, PeriodKind::Q3);
        assert_eq!(q3.window().0.vn(), "15/06/2025");
        assert_eq!(q3.window().1.vn(), "14/09/2025");
        let y = ReportingPeriod::new(2025, PeriodKind::Year);
        assert_eq!(
            (y.window().0.vn(), y.window().1.vn()),
            ("15/12/2024".into(), "14/12/2025".into())
        );
        assert_eq!(y.previous_in_year(), Some(q3));
        assert_eq!(
            "2024-Q1"
                .parse::<ReportingPeriod>()
                .unwrap()
                .previous_in_year(),
            None
        );
        assert_eq!(
            "2024".parse::<ReportingPeriod>().unwrap().to_string(),
            "2024-Y"
        );
        assert_eq!(p.label_vi(), "6 tháng đầu năm 2024");
        for bad in ["2024-Q2", "24-H1", "H1", "2024-"] {
            assert!(bad.parse::<ReportingPeriod>().is_err(), "{bad}");
        }
    }
}
