//! The `tip_off` record kind: its data, the closed lists its form offers, and its reader.

use serde::Serialize;

use crate::coded::coded;
use crate::reader::{coded, text, Reader};
use crate::validate::{Dates, MAX_LONG_TEXT};
use crate::Date;

coded! {
    /// How a tip-off, report or complaint was received.
    pub enum TipOffChannel {
        Hotline = "hotline", "Đường dây nóng", "Hotline";
        InPerson = "in_person", "Trực tiếp", "In person";
        Letter = "letter", "Đơn, thư", "Letter";
        Online = "online", "Qua mạng", "Online";
        Police = "police", "Công an chuyển đến", "From the police";
        Other = "other", "Kênh khác", "Other";
    }
}

coded! {
    /// What a tip-off is about.
    pub enum TipOffClass {
        Prostitution = "prostitution", "Hoạt động mại dâm", "Prostitution";
        Trafficking = "trafficking", "Mua bán người", "Human trafficking";
        Brokering = "brokering", "Môi giới, chứa chấp mại dâm", "Brokering or harbouring";
        Other = "other", "Khác", "Other";
    }
}

coded! {
    /// Outcome of verifying a tip-off.
    pub enum Verification {
        Pending = "pending", "Đang xác minh", "Being verified";
        Confirmed = "confirmed", "Có căn cứ", "Confirmed";
        Unfounded = "unfounded", "Không có căn cứ", "Unfounded";
    }
}

/// A tip-off, report or complaint; the record's `occurred_on` is the day it was received.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TipOff {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<TipOffChannel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<TipOffClass>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Absent while not handled yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handled_on: Option<Date>,
}

pub(super) fn read(r: &mut Reader, dates: Dates) -> Option<TipOff> {
    let channel = r.optional("channel", coded);
    let classification = r.optional("classification", coded);
    let verification = r.optional("verification", coded);
    let outcome = r.optional("outcome", text(MAX_LONG_TEXT));
    let handled_on = r.optional("handled_on", |value| dates.past_since_record(value));
    Some(TipOff {
        channel: channel?,
        classification: classification?,
        verification: verification?,
        outcome: outcome?,
        handled_on: handled_on?,
    })
}

#[cfg(test)]
pub(super) fn example() -> serde_json::Value {
    serde_json::json!({
        "channel": "hotline", "classification": "brokering", "verification": "confirmed",
        "outcome": "Chuyển Công an huyện", "handled_on": "2023-03-30"
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::coded::assert_coded_list;
    use crate::kinds::valid_data;
    use crate::validate::testing::{error, errors, record, today};
    use crate::{validate, ErrorCode, RecordData, RecordKind};

    #[test]
    fn lists_are_consistent() {
        assert_coded_list::<TipOffChannel>();
        assert_coded_list::<TipOffClass>();
        assert_coded_list::<Verification>();
    }

    #[test]
    fn typed_data_holds_the_values_sent() {
        let RecordData::TipOff(tip_off) = valid_data(RecordKind::TipOff) else {
            panic!("wrong kind");
        };
        assert_eq!(tip_off.classification, Some(TipOffClass::Brokering));
        assert_eq!(tip_off.verification, Some(Verification::Confirmed));
    }

    #[test]
    fn a_tip_off_is_handled_on_or_after_it_was_received() {
        let handled = |date: &str| record(RecordKind::TipOff, json!({"handled_on": date}));
        assert!(validate(&handled("2023-03-14"), today()).is_ok());
        assert_eq!(
            validate(&handled("2023-03-13"), today()).unwrap_err(),
            [error("data.handled_on", ErrorCode::BeforeOccurredOn)]
        );
        assert_eq!(
            validate(&handled("2024-01-01"), today()).unwrap_err(),
            [error("data.handled_on", ErrorCode::InFuture)]
        );
        assert_eq!(
            errors(
                RecordKind::TipOff,
                json!({"channel": "fax", "verification": "maybe"})
            ),
            [
                error("data.channel", ErrorCode::InvalidValue),
                error("data.verification", ErrorCode::InvalidValue),
            ]
        );
    }
}
