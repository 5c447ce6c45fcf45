//! The working-day calendar (ngày làm việc): Saturdays, Sundays and the public
//! holidays (ngày nghỉ lễ) given as data are not working days.

use std::collections::BTreeSet;

use crate::time::Date;

/// A public holiday that is not a working day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holiday {
    pub date: Date,
    pub name: String,
}

/// Working-day arithmetic over a holiday calendar.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    holidays: BTreeSet<Date>,
}

impl Calendar {
    pub fn new(holidays: impl IntoIterator<Item = Date>) -> Calendar {
        Calendar {
            holidays: holidays.into_iter().collect(),
        }
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        !date.is_weekend() && !self.holidays.contains(&date)
    }

    /// Working days after `from` up to and including `to` (methodology §3);
    /// 0 when `to` is not after `from`.
    pub fn working_days_between(&self, from: Date, to: Date) -> i32 {
        if to <= from {
            return 0;
        }
        let total_days = to.days() - from.days();
        let full_weeks = total_days / 7;
        let mut count = full_weeks * 5;
        let mut day = from.add_days(full_weeks * 7);
        while day < to {
            day = day.add_days(1);
            if !day.is_weekend() {
                count += 1;
            }
        }
        let holidays = self
            .holidays
            .range(from.add_days(1)..=to)
            .filter(|d| !d.is_weekend())
            .count() as i32;
        count - holidays
    }

    /// The `n`-th working day after `from` (`n` ≥ 1); `from` itself when `n` ≤ 0.
    pub fn add_working_days(&self, from: Date, n: i32) -> Date {
        let mut day = from;
        let mut left = n;
        while left > 0 {
            day = day.add_days(1);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn skips_weekends_and_holidays() {
        // Tết 2024: 08/02 to 14/02 are holidays.
        let cal = Calendar::new((8..=14).map(|day| Date::from_ymd(2024, 2, day).unwrap()));
        // Wednesday 07/02 + 1 working day is Thursday 15/02.
        assert_eq!(cal.add_working_days(d("2024-02-07"), 1), d("2024-02-15"));
        assert_eq!(
            cal.working_days_between(d("2024-02-07"), d("2024-02-15")),
            1
        );
        // Friday to next Monday: one working day.
        assert_eq!(
            cal.working_days_between(d("2024-03-01"), d("2024-03-04")),
            1
        );
        assert_eq!(
            cal.working_days_between(d("2024-03-04"), d("2024-03-04")),
            0
        );
    }

    #[test]
    fn between_and_add_agree() {
        let cal = Calendar::new([d("2024-04-30"), d("2024-05-01"), d("2024-09-02")]);
        let start = d("2024-04-01");
        for n in 1..200 {
            let end = cal.add_working_days(start, n);
            assert_eq!(cal.working_days_between(start, end), n, "n = {n}");
            assert!(cal.is_working_day(end));
        }
        for offset in 0..120 {
            let to = start.add_days(offset);
            let slow = (1..=offset)
                .filter(|i| cal.is_working_day(start.add_days(*i)))
                .count() as i32;
            assert_eq!(cal.working_days_between(start, to), slow);
        }
    }
}
