//! The `agency_integration` record kind: its data and its reader.

use serde::Serialize;

use crate::reader::{text, Reader};
use crate::validate::MAX_TEXT;

/// An agency integrating prostitution prevention into another programme.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AgencyIntegration {
    pub agency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub programme: Option<String>,
}

pub(super) fn read(r: &mut Reader) -> Option<AgencyIntegration> {
    let agency = r.required("agency", text(MAX_TEXT));
    let programme = r.optional("programme", text(MAX_TEXT));
    Some(AgencyIntegration {
        agency: agency?,
        programme: programme?,
    })
}

#[cfg(test)]
pub(super) fn example() -> serde_json::Value {
    serde_json::json!({"agency": "Phòng Tư pháp", "programme": "Phổ biến pháp luật"})
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::validate::testing::{error, errors};
    use crate::{ErrorCode, RecordKind};

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
}
