//! Today's date as the server sees it: the calendar day in Vietnam (UTC+7), whatever time zone the
//! phone is set to, so that the phone and the server agree on what "after today" means.

use domain::Date;

const DAY_MS: i64 = 86_400_000;
const VIETNAM_OFFSET_MS: i64 = 7 * 3_600_000;
const EPOCH: Date = match Date::from_ymd(1970, 1, 1) {
    Some(date) => date,
    None => panic!("1970-01-01 is a date"),
};

/// The day in Vietnam at `ms` milliseconds since 1970 (UTC).
pub fn vietnam_date(ms: u64) -> Date {
    let ms = i64::try_from(ms).unwrap_or(i64::MAX - VIETNAM_OFFSET_MS);
    civil_from_days((ms + VIETNAM_OFFSET_MS).div_euclid(DAY_MS))
}

/// The time in Vietnam at `ms` as `hh:mm dd/mm/yyyy`, for "last synced".
pub fn vietnam_time(ms: u64) -> String {
    let ms = i64::try_from(ms).unwrap_or(0) + VIETNAM_OFFSET_MS;
    let minutes = ms.rem_euclid(DAY_MS) / 60_000;
    let date = civil_from_days(ms.div_euclid(DAY_MS)).format_vn();
    format!("{:02}:{:02} {date}", minutes / 60, minutes % 60)
}

/// The day in Vietnam of an RFC 3339 time in UTC, as `dd/mm/yyyy` (else the text as it is).
pub fn vietnam_day(at: &str) -> String {
    let date = at.get(..10).and_then(|day| Date::parse(day).ok());
    let hour = at.get(11..13).and_then(|hour| hour.parse::<u32>().ok());
    match date {
        // UTC+7: from 17:00 UTC it is the next day.
        Some(date) if hour.is_some_and(|hour| hour >= 17) => date.plus_days(1).format_vn(),
        Some(date) => date.format_vn(),
        None => at.to_string(),
    }
}

/// An RFC 3339 time in UTC (as the server writes them) as [`vietnam_time`] shows it, else the text
/// as it is.
pub fn vietnam_time_of(at: &str) -> String {
    let date = at.get(..10).and_then(|day| Date::parse(day).ok());
    let part = |range: std::ops::Range<usize>| at.get(range)?.parse::<i64>().ok();
    match (date, part(11..13), part(14..16), part(17..19)) {
        (Some(date), Some(hour), Some(minute), Some(second)) if at.ends_with('Z') => {
            let days = EPOCH.days_until(date);
            let ms = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000;
            vietnam_time(u64::try_from(ms).unwrap_or(0))
        }
        _ => at.to_string(),
    }
}

/// Today in Vietnam, by the phone's clock.
pub fn today() -> Date {
    vietnam_date(super::now_ms())
}

/// The date `days` after 1970-01-01.
fn civil_from_days(days: i64) -> Date {
    EPOCH.plus_days(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_time_shows_as_its_day_in_vietnam() {
        assert_eq!(vietnam_day("2026-10-02T03:00:00.000Z"), "02/10/2026");
        // 17:00 UTC is midnight in Hà Nội.
        assert_eq!(vietnam_day("2026-09-30T16:59:59.999Z"), "30/09/2026");
        assert_eq!(vietnam_day("2026-09-30T17:00:00.000Z"), "01/10/2026");
        assert_eq!(vietnam_day("soon"), "soon");
    }

    #[test]
    fn a_server_time_shows_in_vietnam() {
        assert_eq!(
            vietnam_time_of("2023-03-04T17:05:00.000Z"),
            "00:05 05/03/2023"
        );
        assert_eq!(
            vietnam_time_of("2026-12-03T08:45:59.999Z"),
            "15:45 03/12/2026"
        );
        assert_eq!(vietnam_time_of("later"), "later");
    }

    #[test]
    fn times_are_shown_in_vietnam() {
        // 2023-03-04 17:05 UTC is past midnight in Vietnam.
        assert_eq!(vietnam_time(1_677_949_500_000), "00:05 05/03/2023");
    }

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn days_count_from_1970() {
        assert_eq!(civil_from_days(0), d("1970-01-01"));
        assert_eq!(civil_from_days(11_017), d("2000-03-01"));
        assert_eq!(civil_from_days(-1), d("1969-12-31"));
        // Every day of two leap cycles round-trips through the domain's own day count.
        let start = d("2023-01-01");
        for n in 0..3000 {
            let day = civil_from_days(19_358 + n);
            assert_eq!(start.days_until(day), n);
        }
    }

    #[test]
    fn the_day_turns_at_midnight_in_vietnam() {
        // 2023-03-14T16:59:59Z is 23:59:59 in Hà Nội; a second later it is the 15th.
        let ms = 1_678_813_199_000;
        assert_eq!(vietnam_date(ms), d("2023-03-14"));
        assert_eq!(vietnam_date(ms + 1000), d("2023-03-15"));
        assert_eq!(vietnam_date(0), d("1970-01-01"));
    }
}
