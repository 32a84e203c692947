//! Time as the store keeps it (epoch milliseconds, `YYYY-MM-DD` dates) and as the API shows it
//! (RFC 3339 in UTC), and "today" in the district's time zone.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SecondsFormat, Utc};

/// Vietnam keeps UTC+7 all year, so "today" needs no time-zone database.
const VIETNAM_OFFSET_SECS: i32 = 7 * 3600;

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(VIETNAM_OFFSET_SECS).expect("UTC+7 is a valid offset")
}

/// The date in the district now; validity dates of org units are local dates.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&vietnam()).date_naive()
}

/// Today in the district, as the domain's validation takes it.
pub fn domain_today() -> domain::Date {
    let today = today();
    domain::Date::from_ymd(today.year(), today.month(), today.day())
        .expect("a chrono date is a calendar date")
}

pub fn to_rfc3339(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A calendar date as the store and the API write it.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|date| (1900..=9999).contains(&date.year()) && text.len() == 10)
}

pub fn format_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// An RFC 3339 instant, or a date meaning the start of that day in the district, as epoch ms.
pub fn parse_instant(text: &str) -> Option<i64> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.timestamp_millis());
    }
    let start = parse_date(text)?.and_hms_opt(0, 0, 0)?;
    Some(
        start
            .and_local_timezone(vietnam())
            .single()?
            .timestamp_millis(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_reject_junk() {
        let date = parse_date("2023-03-14").unwrap();
        assert_eq!(format_date(date), "2023-03-14");
        for bad in [
            "2023-3-14",
            "2023-02-30",
            "14/03/2023",
            "",
            "20230314",
            "0999-01-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn instants_are_utc_milliseconds() {
        assert_eq!(to_rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(parse_instant("1970-01-01T07:00:00+07:00"), Some(0));
        // A bare date is midnight in Vietnam, 17:00 UTC the day before.
        assert_eq!(parse_instant("1970-01-02"), Some(17 * 3600 * 1000));
        assert_eq!(parse_instant("yesterday"), None);
    }
}
