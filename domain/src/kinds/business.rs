//! The `business` record kind: its data, the closed lists its form offers, and its reader.

use serde::Serialize;

use crate::coded::coded;
use crate::reader::{coded, text, Reader};
use crate::validate::{count, MAX_TEXT};
use crate::ErrorCode;

coded! {
    /// Kinds of service business at risk of being used for prostitution.
    pub enum BusinessType {
        Karaoke = "karaoke", "Karaoke", "Karaoke";
        Massage = "massage", "Massage, xoa bóp", "Massage";
        Hotel = "hotel", "Khách sạn", "Hotel";
        Guesthouse = "guesthouse", "Nhà nghỉ", "Guesthouse";
        Inn = "inn", "Nhà trọ", "Inn";
        Bar = "bar", "Quán bar", "Bar";
        Other = "other", "Loại khác", "Other";
    }
}

/// An entry of the register of at-risk service businesses.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Business {
    pub name: String,
    #[serde(rename = "type")]
    pub business_type: BusinessType,
    pub workers: u32,
    /// At most `workers`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub female_workers: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub village: Option<String>,
}

pub(super) fn read(r: &mut Reader) -> Option<Business> {
    let name = r.required("name", text(MAX_TEXT));
    let business_type = r.required("type", coded);
    let workers = r.required("workers", count);
    let female_workers = r.optional("female_workers", count);
    let village = r.optional("village", text(MAX_TEXT));
    let female_workers = match (workers, female_workers) {
        (Some(workers), Some(Some(female))) if female > workers => {
            r.report("female_workers", ErrorCode::ExceedsTotal);
            None
        }
        (_, female_workers) => female_workers,
    };
    Some(Business {
        name: name?,
        business_type: business_type?,
        workers: workers?,
        female_workers: female_workers?,
        village: village?,
    })
}

#[cfg(test)]
pub(super) fn example() -> serde_json::Value {
    serde_json::json!({
        "name": "Karaoke Hoa Mai", "type": "karaoke", "workers": 8,
        "female_workers": 5, "village": "Tổ dân phố số 1"
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::coded::{assert_coded_list, codes};
    use crate::kinds::valid_data;
    use crate::validate::testing::{error, errors};
    use crate::{RecordData, RecordKind};

    #[test]
    fn lists_are_those_of_the_api() {
        assert_coded_list::<BusinessType>();
        assert_eq!(
            codes::<BusinessType>(),
            [
                "karaoke",
                "massage",
                "hotel",
                "guesthouse",
                "inn",
                "bar",
                "other"
            ]
        );
    }

    #[test]
    fn typed_data_holds_the_values_sent() {
        let RecordData::Business(business) = valid_data(RecordKind::Business) else {
            panic!("wrong kind");
        };
        assert_eq!(business.business_type, BusinessType::Karaoke);
        assert_eq!(business.female_workers, Some(5));
    }

    #[test]
    fn business_type_travels_as_type() {
        let business = Business {
            name: "Karaoke Hoa Mai".into(),
            business_type: BusinessType::Karaoke,
            workers: 6,
            female_workers: None,
            village: None,
        };
        assert_eq!(
            serde_json::to_value(&business).unwrap(),
            json!({"name": "Karaoke Hoa Mai", "type": "karaoke", "workers": 6})
        );
    }

    #[test]
    fn a_business_may_have_a_name_but_not_more_women_than_workers() {
        assert_eq!(
            errors(
                RecordKind::Business,
                json!({"name": "Massage Thư Giãn", "type": "massage", "workers": 3, "female_workers": 4})
            ),
            [error("data.female_workers", ErrorCode::ExceedsTotal)]
        );
        assert_eq!(
            errors(
                RecordKind::Business,
                json!({"name": " ", "type": "casino", "workers": 3, "owner_phone": "09"})
            ),
            [
                error("data.name", ErrorCode::Required),
                error("data.type", ErrorCode::InvalidValue),
                error("data.owner_phone", ErrorCode::PersonalDataForbidden),
            ]
        );
        // `business_type` is the Rust name only; the wire name is `type`.
        assert_eq!(
            errors(
                RecordKind::Business,
                json!({"name": "A", "business_type": "bar", "workers": 1})
            ),
            [
                error("data.type", ErrorCode::Required),
                error("data.business_type", ErrorCode::UnknownField),
            ]
        );
    }
}
