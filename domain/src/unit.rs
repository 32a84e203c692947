//! A record's date against the life of its org unit. Units close and merge (Vietnam ended the
//! district level on 2025-07-01), so a record belongs to a unit that existed on its date: after
//! the closure it goes to a successor. The phone checks this offline, the server again on sync.

use crate::{Date, ErrorCode, Lang};

/// Why a record dated `day` cannot belong to a unit valid from `valid_from` to `valid_to` (both
/// inclusive; `None` is open-ended), if it cannot.
pub fn unit_date_error(
    valid_from: Option<Date>,
    valid_to: Option<Date>,
    day: Date,
) -> Option<ErrorCode> {
    if valid_to.is_some_and(|end| day > end) {
        Some(ErrorCode::UnitClosed)
    } else if valid_from.is_some_and(|start| day < start) {
        Some(ErrorCode::UnitNotYetOpen)
    } else {
        None
    }
}

/// What the officer reads for [`ErrorCode::UnitClosed`]: when the unit `name` ended (the day after
/// `valid_to`) and which units took over, each `(name, code)`.
pub fn unit_closed_message(
    name: &str,
    valid_to: Date,
    successors: &[(&str, &str)],
    lang: Lang,
) -> String {
    // A unit valid to 9999-12-31 never closes; the day itself is the best there is.
    let closed_from = valid_to.plus_days(1).format_vn();
    let mut message = match lang {
        Lang::Vi => format!("{name} đã giải thể từ {closed_from}"),
        Lang::En => format!("{name} was dissolved as of {closed_from}"),
    };
    if !successors.is_empty() {
        let label = match (lang, successors.len()) {
            (Lang::Vi, _) => "đơn vị kế tiếp",
            (Lang::En, 1) => "successor unit",
            (Lang::En, _) => "successor units",
        };
        let names: Vec<String> = successors
            .iter()
            .map(|(name, code)| format!("{name} ({code})"))
            .collect();
        message.push_str(&format!("; {label}: {}", names.join(", ")));
    }
    message.push('.');
    message
}

/// What the officer reads for [`ErrorCode::UnitNotYetOpen`]: from when the unit `name` exists.
pub fn unit_not_yet_open_message(name: &str, valid_from: Date, lang: Lang) -> String {
    let from = valid_from.format_vn();
    match lang {
        Lang::Vi => format!("{name} chỉ có từ {from}."),
        Lang::En => format!("{name} exists only from {from}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn a_date_inside_the_life_of_the_unit_is_fine_at_both_ends() {
        let (from, to) = (Some(d("2020-03-01")), Some(d("2025-06-30")));
        for day in ["2020-03-01", "2023-03-14", "2025-06-30"] {
            assert_eq!(unit_date_error(from, to, d(day)), None, "{day}");
        }
        assert_eq!(unit_date_error(None, None, d("2000-01-01")), None);
        assert_eq!(unit_date_error(None, to, d("2000-01-01")), None);
        assert_eq!(unit_date_error(from, None, d("2026-12-01")), None);
    }

    #[test]
    fn after_the_closure_or_before_the_start_is_refused() {
        let (from, to) = (Some(d("2020-03-01")), Some(d("2025-06-30")));
        for day in ["2025-07-01", "2026-12-01"] {
            assert_eq!(
                unit_date_error(from, to, d(day)),
                Some(ErrorCode::UnitClosed)
            );
            assert_eq!(
                unit_date_error(None, to, d(day)),
                Some(ErrorCode::UnitClosed)
            );
        }
        assert_eq!(
            unit_date_error(from, to, d("2020-02-29")),
            Some(ErrorCode::UnitNotYetOpen)
        );
        assert_eq!(
            unit_date_error(Some(d("2025-07-01")), None, d("2025-06-30")),
            Some(ErrorCode::UnitNotYetOpen)
        );
    }

    #[test]
    fn the_closure_message_names_the_day_after_and_the_successors() {
        let to = d("2025-06-30");
        let new_binh_lu = [("Xã Bình Lư", "03390")];
        assert_eq!(
            unit_closed_message("Xã Bình Lư", to, &new_binh_lu, Lang::Vi),
            "Xã Bình Lư đã giải thể từ 01/07/2025; đơn vị kế tiếp: Xã Bình Lư (03390)."
        );
        assert_eq!(
            unit_closed_message("Xã Bình Lư", to, &new_binh_lu, Lang::En),
            "Xã Bình Lư was dissolved as of 01/07/2025; successor unit: Xã Bình Lư (03390)."
        );
        let two = [("Xã Tả Lèng", "03405"), ("Xã Bản Bo", "03424")];
        assert_eq!(
            unit_closed_message("Xã Giang Ma", to, &two, Lang::En),
            "Xã Giang Ma was dissolved as of 01/07/2025; \
             successor units: Xã Tả Lèng (03405), Xã Bản Bo (03424)."
        );
        assert_eq!(
            unit_closed_message("Huyện Tam Đường", to, &[], Lang::Vi),
            "Huyện Tam Đường đã giải thể từ 01/07/2025."
        );
        assert_eq!(
            unit_closed_message("X", d("9999-12-31"), &[], Lang::En),
            "X was dissolved as of 31/12/9999."
        );
    }

    #[test]
    fn the_opening_message_names_the_first_day() {
        let from = d("2025-07-01");
        assert_eq!(
            unit_not_yet_open_message("Xã Bình Lư", from, Lang::Vi),
            "Xã Bình Lư chỉ có từ 01/07/2025."
        );
        assert_eq!(
            unit_not_yet_open_message("Xã Bình Lư", from, Lang::En),
            "Xã Bình Lư exists only from 01/07/2025."
        );
    }
}
