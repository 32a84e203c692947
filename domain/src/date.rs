//! Calendar dates without time or zone: what an officer writes on a form. Hand-made rather than
//! chrono to keep the phone bundle small; only what records and indicators need.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A real calendar date from 0001-01-01 to 9999-12-31. Orders chronologically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order gives the chronological ordering of the derive.
    year: u16,
    month: u8,
    day: u8,
}

/// The text is not a real date written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidDate;

impl fmt::Display for InvalidDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid date, expected a real date as YYYY-MM-DD")
    }
}

impl std::error::Error for InvalidDate {}

const fn is_leap(year: u16) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

impl Date {
    /// The date `year-month-day`, if it exists.
    pub const fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 {
            return None;
        }
        // In range, so the narrowing casts are exact.
        let (year, month) = (year as u16, month as u8);
        if day > days_in_month(year, month) as u32 {
            return None;
        }
        Some(Date {
            year,
            month,
            day: day as u8,
        })
    }

    /// Parses exactly `YYYY-MM-DD` (ISO 8601, as the API sends dates).
    pub fn parse(text: &str) -> Result<Date, InvalidDate> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(InvalidDate);
        }
        let number = |digits: &[u8]| {
            digits.iter().try_fold(0u32, |n, &d| {
                d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
            })
        };
        let (Some(year), Some(month), Some(day)) =
            (number(&b[..4]), number(&b[5..7]), number(&b[8..]))
        else {
            return Err(InvalidDate);
        };
        // At most 9999, so it fits i32.
        Date::from_ymd(year as i32, month, day).ok_or(InvalidDate)
    }

    pub fn year(self) -> i32 {
        i32::from(self.year)
    }

    pub fn month(self) -> u32 {
        u32::from(self.month)
    }

    pub fn day(self) -> u32 {
        u32::from(self.day)
    }

    /// The quarter of the year, 1 to 4.
    pub fn quarter(self) -> u32 {
        (self.month() - 1) / 3 + 1
    }

    /// Days from `self` to `other`: positive when `other` is later.
    pub fn days_until(self, other: Date) -> i64 {
        other.days_since_epoch() - self.days_since_epoch()
    }

    /// The date `days` later (earlier when negative); the date itself when that would leave the
    /// years 1 to 9999.
    pub fn plus_days(self, days: i64) -> Date {
        // Howard Hinnant's `civil_from_days`.
        let z = self.days_since_epoch() + days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        i32::try_from(year)
            .ok()
            .and_then(|year| Date::from_ymd(year, month, day))
            .unwrap_or(self)
    }

    /// As Vietnamese forms write dates: `dd/mm/yyyy`.
    pub fn format_vn(self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }

    /// Days since 1970-01-01 (proleptic Gregorian), after Howard Hinnant's `days_from_civil`.
    fn days_since_epoch(self) -> i64 {
        let (month, day) = (i64::from(self.month), i64::from(self.day));
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = InvalidDate;

    fn from_str(text: &str) -> Result<Date, InvalidDate> {
        Date::parse(text)
    }
}

/// In the wire contract's schema: `YYYY-MM-DD`.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "date"})
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        struct DateVisitor;

        impl Visitor<'_> for DateVisitor {
            type Value = Date;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date as YYYY-MM-DD")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Date, E> {
                Date::parse(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(DateVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn parses_real_dates() {
        let date = d("2023-03-14");
        assert_eq!((date.year(), date.month(), date.day()), (2023, 3, 14));
        assert_eq!(d("0001-01-01"), Date::from_ymd(1, 1, 1).unwrap());
        assert_eq!(d("9999-12-31"), Date::from_ymd(9999, 12, 31).unwrap());
    }

    #[test]
    fn adding_days_is_the_inverse_of_counting_them() {
        assert_eq!(d("2025-06-30").plus_days(1), d("2025-07-01"));
        assert_eq!(d("2024-02-28").plus_days(1), d("2024-02-29"));
        assert_eq!(d("2023-12-31").plus_days(1), d("2024-01-01"));
        assert_eq!(d("2024-03-01").plus_days(-1), d("2024-02-29"));
        assert_eq!(d("2023-02-28").plus_days(1), d("2023-03-01"));
        assert_eq!(
            d("9999-12-31").plus_days(1),
            d("9999-12-31"),
            "the last day stays"
        );
        let start = d("1999-11-17");
        for days in [-800, -1, 0, 1, 59, 365, 366, 10_000] {
            assert_eq!(start.days_until(start.plus_days(days)), days, "{days}");
        }
    }

    #[test]
    fn leap_years_follow_the_gregorian_rule() {
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2000-02-29").is_ok());
        assert_eq!(Date::parse("2023-02-29"), Err(InvalidDate));
        assert_eq!(Date::parse("1900-02-29"), Err(InvalidDate));
        assert_eq!(Date::parse("2100-02-29"), Err(InvalidDate));
    }

    #[test]
    fn rejects_impossible_or_badly_written_dates() {
        for text in [
            "",
            "2023-3-14",
            "2023-03-4",
            "23-03-14",
            "2023/03/14",
            "2023-03-14T00:00",
            " 2023-03-14",
            "2023-00-10",
            "2023-13-01",
            "2023-04-31",
            "2023-01-32",
            "2023-01-00",
            "0000-01-01",
            "2023-0a-01",
            "+023-01-01",
            "2023-01--1",
            "14/03/2023",
            "２０２３-03-14",
        ] {
            assert_eq!(Date::parse(text), Err(InvalidDate), "{text:?}");
        }
    }

    #[test]
    fn from_ymd_validates() {
        assert!(Date::from_ymd(2023, 6, 30).is_some());
        assert!(Date::from_ymd(2023, 6, 31).is_none());
        assert!(Date::from_ymd(0, 1, 1).is_none());
        assert!(Date::from_ymd(10_000, 1, 1).is_none());
        assert!(Date::from_ymd(-5, 1, 1).is_none());
        assert!(Date::from_ymd(2023, 0, 1).is_none());
        assert!(Date::from_ymd(2023, 1, 0).is_none());
    }

    #[test]
    fn orders_chronologically() {
        assert!(d("2023-01-31") < d("2023-02-01"));
        assert!(d("2022-12-31") < d("2023-01-01"));
        assert!(d("2023-02-10") < d("2023-02-11"));
        assert_eq!(d("2023-02-10").max(d("2023-01-20")), d("2023-02-10"));
    }

    #[test]
    fn counts_days_between_dates() {
        assert_eq!(d("2023-03-14").days_until(d("2023-03-14")), 0);
        assert_eq!(d("2023-03-01").days_until(d("2023-03-21")), 20);
        assert_eq!(d("2023-03-21").days_until(d("2023-03-01")), -20);
        assert_eq!(d("2023-02-28").days_until(d("2023-03-01")), 1);
        assert_eq!(d("2024-02-28").days_until(d("2024-03-01")), 2);
        assert_eq!(d("2023-01-01").days_until(d("2024-01-01")), 365);
        assert_eq!(d("2024-01-01").days_until(d("2025-01-01")), 366);
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        assert_eq!(d("0001-01-01").days_until(d("9999-12-31")), 3_652_058);
    }

    #[test]
    fn quarters() {
        let quarter = |text| d(text).quarter();
        assert_eq!(quarter("2023-01-01"), 1);
        assert_eq!(quarter("2023-03-31"), 1);
        assert_eq!(quarter("2023-04-01"), 2);
        assert_eq!(quarter("2023-06-30"), 2);
        assert_eq!(quarter("2023-07-01"), 3);
        assert_eq!(quarter("2023-09-30"), 3);
        assert_eq!(quarter("2023-10-01"), 4);
        assert_eq!(quarter("2023-12-31"), 4);
    }

    #[test]
    fn displays_as_iso_and_as_vietnamese_forms_do() {
        let date = Date::from_ymd(2023, 3, 4).unwrap();
        assert_eq!(date.to_string(), "2023-03-04");
        assert_eq!(date.format_vn(), "04/03/2023");
        assert_eq!(
            Date::from_ymd(987, 12, 25).unwrap().to_string(),
            "0987-12-25"
        );
        assert_eq!("2023-03-04".parse::<Date>(), Ok(date));
    }

    #[test]
    fn serde_uses_the_iso_string() {
        let date = d("2023-11-05");
        assert_eq!(serde_json::to_string(&date).unwrap(), "\"2023-11-05\"");
        assert_eq!(
            serde_json::from_str::<Date>("\"2023-11-05\"").unwrap(),
            date
        );
        assert_eq!(
            serde_json::from_value::<Date>("2023-11-05".into()).unwrap(),
            date
        );
        assert!(serde_json::from_str::<Date>("\"2023-11-31\"").is_err());
        assert!(serde_json::from_str::<Date>("20231105").is_err());
    }
}
