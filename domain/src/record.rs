//! The envelope every field entry travels in (`API.md`, "A record").

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Date, RecordKind};

/// One record as devices send it and the server stores it, before validation: `data` is still
/// raw JSON. [`crate::validate`] checks it and gives the typed form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Record {
    /// A UUID made on the device.
    pub id: String,
    pub kind: RecordKind,
    /// Internal id of the unit (commune, or the district) the record belongs to.
    pub org_unit_id: String,
    pub occurred_on: Date,
    /// The stored version this edit starts from; 0 for a new record.
    pub base_version: i64,
    pub voided: bool,
    pub data: Value,
}

/// The UUID in canonical lower-case form, if `text` is one (`8-4-4-4-12` hex digits, any case).
/// Lower-casing keeps one record from becoming two when a device writes its ids in capitals.
pub(crate) fn normalise_uuid(text: &str) -> Option<String> {
    let well_formed = text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    well_formed.then(|| text.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn record_uses_the_field_names_of_the_api() {
        let json = json!({
            "id": "0b8e3c1e-8a4e-4b8a-9f1e-2d3c4b5a6978", "kind": "outreach_session",
            "org_unit_id": "u-03397", "occurred_on": "2023-03-14", "base_version": 0,
            "voided": false, "data": {"format": "group_talk"}
        });
        let record: Record = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(record.kind, RecordKind::OutreachSession);
        assert_eq!(record.occurred_on, Date::from_ymd(2023, 3, 14).unwrap());
        assert_eq!(serde_json::to_value(&record).unwrap(), json);
    }

    #[test]
    fn uuids_are_checked_and_lower_cased() {
        assert_eq!(
            normalise_uuid("0B8E3C1E-8A4E-4B8A-9F1E-2D3C4B5A6978").as_deref(),
            Some("0b8e3c1e-8a4e-4b8a-9f1e-2d3c4b5a6978")
        );
        for bad in [
            "",
            "0b8e3c1e8a4e4b8a9f1e2d3c4b5a6978",
            "0b8e3c1e-8a4e-4b8a-9f1e-2d3c4b5a697",
            "0b8e3c1e-8a4e-4b8a-9f1e-2d3c4b5a69788",
            "0b8e3c1e-8a4e-4b8a-9f1e_2d3c4b5a6978",
            "0b8e3c1g-8a4e-4b8a-9f1e-2d3c4b5a6978",
            "{b8e3c1e-8a4e-4b8a-9f1e-2d3c4b5a697}",
            "0b8e3c1e-8a4e-4b8a-9f1e-2d3c4b5a697é",
        ] {
            assert_eq!(normalise_uuid(bad), None, "{bad:?}");
        }
    }
}
