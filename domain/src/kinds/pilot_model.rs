//! The `pilot_model` record kind: its data and its reader.

use serde::Serialize;

use crate::reader::{text, Reader};
use crate::validate::{Dates, MAX_TEXT};
use crate::Date;

/// A pilot model (mô hình thí điểm) a commune runs; the record's `occurred_on` is the day it
/// started. PCMD-MH01 counts it in every period it runs in, not only the year it started.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PilotModel {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The last day it ran; absent while it runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_on: Option<Date>,
}

pub(super) fn read(r: &mut Reader, dates: Dates) -> Option<PilotModel> {
    let name = r.optional("name", text(MAX_TEXT));
    let ended_on = r.optional("ended_on", |value| dates.past_since_record(value));
    Some(PilotModel {
        name: name?,
        ended_on: ended_on?,
    })
}

#[cfg(test)]
pub(super) fn example() -> serde_json::Value {
    serde_json::json!({"name": "Mô hình hỗ trợ giảm hại"})
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::validate::testing::{error, errors, record, today};
    use crate::{validate, ErrorCode, RecordKind};

    #[test]
    fn a_pilot_model_s_name_is_text() {
        assert_eq!(
            errors(RecordKind::PilotModel, json!({"name": 5})),
            [error("data.name", ErrorCode::InvalidFormat)]
        );
        assert_eq!(
            errors(RecordKind::PilotModel, json!({"ended_on": "2000-01-01"})),
            [error("data.ended_on", ErrorCode::BeforeOccurredOn)]
        );
        let ended = record(RecordKind::PilotModel, json!({"ended_on": "2023-12-31"}));
        assert!(validate(&ended, today()).is_ok());
    }
}
