//! The `pilot_model` record kind: its data and its reader.

use serde::Serialize;

use crate::reader::{text, Reader};
use crate::validate::MAX_TEXT;

/// A pilot model (mô hình thí điểm) started in a commune.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PilotModel {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

pub(super) fn read(r: &mut Reader) -> Option<PilotModel> {
    let name = r.optional("name", text(MAX_TEXT));
    Some(PilotModel { name: name? })
}

#[cfg(test)]
pub(super) fn example() -> serde_json::Value {
    serde_json::json!({"name": "Mô hình hỗ trợ giảm hại"})
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::validate::testing::{error, errors};
    use crate::{ErrorCode, RecordKind};

    #[test]
    fn a_pilot_model_s_name_is_text() {
        assert_eq!(
            errors(RecordKind::PilotModel, json!({"name": 5})),
            [error("data.name", ErrorCode::InvalidFormat)]
        );
    }
}
