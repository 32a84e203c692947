//! The `inspection` record kind: its data and its reader.

use serde::Serialize;

use crate::reader::{boolean, text, uuid, whole_number, Reader};
use crate::validate::{MAX_FINE_VND, MAX_LONG_TEXT, MAX_TEXT};

/// An inspection of a registered business (team 178).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Inspection {
    /// Id of a `business` record, which may not have reached the server yet.
    pub business_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<String>,
    pub violation_found: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sanction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fine_vnd: Option<u64>,
}

pub(super) fn read(r: &mut Reader) -> Option<Inspection> {
    let business_id = r.required("business_id", uuid);
    let team = r.optional("team", text(MAX_TEXT));
    let findings = r.optional("findings", text(MAX_LONG_TEXT));
    let violation_found = r.required("violation_found", boolean);
    let sanction = r.optional("sanction", text(MAX_TEXT));
    let fine_vnd = r.optional("fine_vnd", |value| whole_number(value, MAX_FINE_VND));
    Some(Inspection {
        business_id: business_id?,
        team: team?,
        findings: findings?,
        violation_found: violation_found?,
        sanction: sanction?,
        fine_vnd: fine_vnd?,
    })
}

#[cfg(test)]
pub(super) fn example() -> serde_json::Value {
    use crate::validate::testing::BUSINESS_ID;
    serde_json::json!({
        "business_id": BUSINESS_ID, "team": "Đội 178 huyện", "findings": "Không đăng ký lưu trú",
        "violation_found": true, "sanction": "Phạt tiền", "fine_vnd": 7_500_000
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::validate::testing::{error, errors, record, today, BUSINESS_ID};
    use crate::{validate, ErrorCode, RecordData, RecordKind};

    #[test]
    fn inspections_refer_to_a_business_id_and_fines_are_bounded() {
        assert_eq!(
            errors(
                RecordKind::Inspection,
                json!({"business_id": "karaoke-1", "violation_found": "no", "fine_vnd": -500})
            ),
            [
                error("data.business_id", ErrorCode::InvalidFormat),
                error("data.violation_found", ErrorCode::InvalidFormat),
                error("data.fine_vnd", ErrorCode::Negative),
            ]
        );
        assert_eq!(
            errors(
                RecordKind::Inspection,
                json!({"business_id": BUSINESS_ID, "violation_found": true, "fine_vnd": MAX_FINE_VND + 1})
            ),
            [error("data.fine_vnd", ErrorCode::TooLarge)]
        );
        let upper = json!({"business_id": BUSINESS_ID.to_uppercase(), "violation_found": true});
        let valid = validate(&record(RecordKind::Inspection, upper), today()).unwrap();
        let RecordData::Inspection(inspection) = valid.data() else {
            panic!("wrong kind");
        };
        assert_eq!(inspection.business_id, BUSINESS_ID);
    }
}
