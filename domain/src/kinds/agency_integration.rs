//! The `agency_integration` record kind: its data and its reader.

use serde::Serialize;

use crate::reader::{string, text, Reader};
use crate::validate::MAX_TEXT;
use crate::ErrorCode;

/// The longest agency id (`ag-` and a short slug).
pub const MAX_AGENCY_ID: usize = 40;

/// An agency integrating prostitution prevention into another programme.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AgencyIntegration {
    /// The agency of the admin's list (`GET /api/v1/agencies`); absent on records made before
    /// the list, which name the agency in `agency` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency_id: Option<String>,
    /// The agency's name as the officer saw it.
    pub agency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub programme: Option<String>,
}

impl AgencyIntegration {
    /// What PCMD-KH02 counts distinct agencies by: the listed agency, else the name written.
    pub fn counted_as(&self) -> &str {
        self.agency_id.as_deref().unwrap_or(&self.agency)
    }
}

/// An agency id: `ag-` then lower-case letters, digits and hyphens.
pub fn agency_id(value: &serde_json::Value) -> Result<String, ErrorCode> {
    let id = string(value)?;
    let slug = id.strip_prefix("ag-").ok_or(ErrorCode::InvalidFormat)?;
    let fits = !slug.is_empty()
        && id.len() <= MAX_AGENCY_ID
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    fits.then(|| id.to_string()).ok_or(ErrorCode::InvalidFormat)
}

pub(super) fn read(r: &mut Reader) -> Option<AgencyIntegration> {
    let agency_id = r.optional("agency_id", agency_id);
    let agency = r.required("agency", text(MAX_TEXT));
    let programme = r.optional("programme", text(MAX_TEXT));
    Some(AgencyIntegration {
        agency_id: agency_id?,
        agency: agency?,
        programme: programme?,
    })
}

#[cfg(test)]
pub(super) fn example() -> serde_json::Value {
    serde_json::json!({"agency_id": "ag-tu-phap", "agency": "Phòng Tư pháp",
                       "programme": "Phổ biến pháp luật"})
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::validate::testing::{error, errors, record, today};
    use crate::{validate, ErrorCode, RecordData, RecordKind};

    #[test]
    fn an_integration_names_its_agency() {
        assert_eq!(
            errors(
                RecordKind::AgencyIntegration,
                json!({"programme": "HIV/AIDS"})
            ),
            [error("data.agency", ErrorCode::Required)]
        );
    }

    #[test]
    fn an_agency_of_the_list_is_counted_by_its_id_and_an_older_record_by_its_name() {
        for id in [
            "Phòng Tư pháp",
            "ag-",
            "ag-Tu",
            "tu-phap",
            &format!("ag-{}", "x".repeat(40)),
        ] {
            assert_eq!(
                errors(
                    RecordKind::AgencyIntegration,
                    json!({"agency_id": id, "agency": "Phòng Tư pháp"})
                ),
                [error("data.agency_id", ErrorCode::InvalidFormat)],
                "{id}"
            );
        }
        let counted = |data| {
            let valid = validate(&record(RecordKind::AgencyIntegration, data), today()).unwrap();
            match valid.data().clone() {
                RecordData::AgencyIntegration(integration) => integration.counted_as().to_string(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(
            counted(json!({"agency_id": "ag-tu-phap", "agency": "Phòng Tư pháp (cũ)"})),
            "ag-tu-phap"
        );
        assert_eq!(counted(json!({"agency": "Phòng Tư pháp"})), "Phòng Tư pháp");
    }
}
