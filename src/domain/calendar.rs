//! The agenda's month view: a month (`?mois=2026-12`), its neighbours, and its weeks as a
//! grid (ISO weeks, Monday first, as French and most European calendars print them).
//! Which days an action covers is read in the action's own time zone: an action from 22:00 to
//! 02:00 in Paris covers two days, whatever the reader's zone.

use chrono::{Datelike, Duration, NaiveDate, TimeZone};
use chrono_tz::Tz;

/// A month of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl Month {
    /// `2026-12`; `None` for anything else (month 13, a day, years outside 1900–2999).
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        let (year, month) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
        ((1900..3000).contains(&year) && (1..=12).contains(&month) && m.len() == 2).then_some(Month { year, month })
    }

    /// The month of a day.
    pub fn of(day: NaiveDate) -> Month {
        Month { year: day.year(), month: day.month() }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    pub fn next(self) -> Month {
        if self.month == 12 { Month { year: self.year + 1, month: 1 } } else { Month { month: self.month + 1, ..self } }
    }

    pub fn prev(self) -> Month {
        if self.month == 1 { Month { year: self.year - 1, month: 12 } } else { Month { month: self.month - 1, ..self } }
    }

    /// The form of `?mois=`.
    pub fn code(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// The days of the month.
    pub fn days(self) -> Vec<NaiveDate> {
        let end = self.next().first_day();
        self.first_day().iter_days().take_while(|d| *d < end).collect()
    }

    /// Its weeks, Monday first: each day of the grid, `None` outside the month.
    pub fn weeks(self) -> Vec<[Option<NaiveDate>; 7]> {
        let mut weeks = vec![];
        let mut week = [None; 7];
        for d in self.days() {
            let i = d.weekday().num_days_from_monday() as usize;
            week[i] = Some(d);
            if i == 6 {
                weeks.push(week);
                week = [None; 7];
            }
        }
        if week.iter().any(Option::is_some) {
            weeks.push(week);
        }
        weeks
    }

    /// Milliseconds (UTC) that surely bound the month in any zone: a day before its first day
    /// and a day after its last, for the query; days are then read in each action's zone.
    pub fn wide_bounds(self) -> (i64, i64) {
        let at = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc().timestamp_millis();
        (at(self.first_day() - Duration::days(1)), at(self.next().first_day() + Duration::days(1)))
    }
}

/// The days (in `zone`) from `start_ms` to `end_ms` (UTC milliseconds), both included. An
/// action ending at midnight sharp does not cover the day that begins then.
pub fn days_covered(start_ms: i64, end_ms: i64, zone: Tz) -> Vec<NaiveDate> {
    let local = |ms: i64| zone.timestamp_millis_opt(ms).single().map(|d| d.date_naive());
    let (Some(first), Some(mut last)) = (local(start_ms), local(end_ms.max(start_ms))) else {
        return vec![];
    };
    if end_ms > start_ms && local(end_ms - 1).is_some_and(|d| d < last) {
        last = local(end_ms - 1).unwrap_or(last);
    }
    // An action spanning months stays readable: at most a year of days.
    first.iter_days().take_while(|d| *d <= last).take(366).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_move() {
        let m = Month::parse("2026-12").expect("test");
        assert_eq!((m.year, m.month), (2026, 12));
        assert_eq!(m.next().code(), "2027-01");
        assert_eq!(m.prev().code(), "2026-11");
        assert_eq!(Month::parse("2027-01").map(Month::prev), Some(m));
        for bad in ["2026-13", "2026-00", "2026-1", "26-12", "2026-12-01", "", "december"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn weeks_start_on_monday() {
        // December 2026 begins on a Tuesday and ends on a Thursday: 5 rows.
        let weeks = Month::parse("2026-12").expect("test").weeks();
        assert_eq!(weeks.len(), 5);
        assert_eq!(weeks[0][0], None);
        assert_eq!(weeks[0][1], NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!(weeks[4][3], NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(weeks[4][4], None);
        assert_eq!(weeks.iter().flatten().flatten().count(), 31);
        // February 2027 begins on a Monday: exactly 4 rows.
        assert_eq!(Month::parse("2027-02").expect("test").weeks().len(), 4);
    }

    #[test]
    fn days_are_read_in_the_actions_zone() {
        let paris = chrono_tz::Europe::Paris;
        let ms = |s: &str| chrono::DateTime::parse_from_rfc3339(s).expect("test").timestamp_millis();
        let d = |day: u32| NaiveDate::from_ymd_opt(2026, 12, day).expect("test");
        // 22:00 → 02:00 in Paris: two days.
        let night = days_covered(ms("2026-12-04T22:00:00+01:00"), ms("2026-12-05T02:00:00+01:00"), paris);
        assert_eq!(night, vec![d(4), d(5)]);
        // 23:30 UTC on the 4th is already the 5th in Paris.
        assert_eq!(days_covered(ms("2026-12-04T23:30:00Z"), ms("2026-12-04T23:45:00Z"), paris), vec![d(5)]);
        // Ending at midnight sharp: not the next day.
        let evening = days_covered(ms("2026-12-04T18:00:00+01:00"), ms("2026-12-05T00:00:00+01:00"), paris);
        assert_eq!(evening, vec![d(4)]);
    }
}
