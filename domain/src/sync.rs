//! The sync contract of `API.md` shared by the phone's sync engine and the server: the wire types,
//! the limits, and the rule that decides each record's status against what the server holds.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::api::FieldProblem;
use crate::{ErrorCode, ValidRecord};

/// Most records in one `POST /api/v1/sync`.
pub const MAX_BATCH: usize = 500;
/// Largest `POST /api/v1/sync` body.
pub const MAX_BATCH_BYTES: usize = 1024 * 1024;

/// The request body. Records stay raw JSON so that one malformed record is rejected on its own.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SyncRequest {
    pub device_id: String,
    pub records: Vec<Value>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    Applied,
    Unchanged,
    Conflict,
    Rejected,
}

/// A record as the server stores and returns it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StoredRecord {
    pub id: String,
    pub kind: String,
    pub org_unit_id: String,
    pub occurred_on: String,
    pub voided: bool,
    pub data: Value,
    pub version: i64,
    pub updated_at: String,
    pub updated_by: String,
}

/// One record's outcome, in the order the records were sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SyncResult {
    pub id: String,
    pub status: SyncStatus,
    pub version: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldProblem>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<StoredRecord>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SyncResponse {
    pub server_time: String,
    pub results: Vec<SyncResult>,
}

/// `GET /api/v1/records`: a page of changes after a cursor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecordsPage {
    pub records: Vec<StoredRecord>,
    pub next_cursor: String,
}

/// What `unchanged` compares: everything an officer can change, in canonical form.
pub fn content_of(record: &ValidRecord) -> Value {
    json!({
        "kind": record.kind(),
        "org_unit_id": record.org_unit_id(),
        "occurred_on": record.occurred_on(),
        "voided": record.voided(),
        "data": record.data(),
    })
}

/// What the server does with one valid record it may write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Reject(ErrorCode),
    /// A retry of what is stored: nothing to do; the stored version.
    Unchanged(i64),
    /// Store it as this version.
    Apply(i64),
    /// Edited from an older version than the stored one: the officer decides.
    Conflict,
}

/// `API.md`'s table, in its order, given the incoming `base_version` and content and the stored
/// version and content if the id is known.
pub fn decide(base_version: i64, content: &Value, stored: Option<(i64, &Value)>) -> Decision {
    match stored {
        None if base_version == 0 => Decision::Apply(1),
        None => Decision::Reject(ErrorCode::UnknownBaseVersion),
        Some((version, _)) if base_version > version => {
            Decision::Reject(ErrorCode::UnknownBaseVersion)
        }
        Some((version, stored)) if stored == content => Decision::Unchanged(version),
        Some((version, _)) if base_version == version => Decision::Apply(version + 1),
        Some(_) => Decision::Conflict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(n: i64) -> Value {
        json!({"kind": "outreach_session", "data": {"reached_male": n}})
    }

    #[test]
    fn a_new_record_is_applied_as_version_one() {
        assert_eq!(decide(0, &content(1), None), Decision::Apply(1));
    }

    #[test]
    fn a_base_version_the_server_never_gave_is_rejected_even_for_equal_content() {
        let reject = Decision::Reject(ErrorCode::UnknownBaseVersion);
        assert_eq!(decide(3, &content(1), None), reject);
        assert_eq!(decide(3, &content(1), Some((2, &content(1)))), reject);
    }

    #[test]
    fn a_retry_is_unchanged_whatever_its_base_version() {
        let stored = content(5);
        assert_eq!(
            decide(0, &content(5), Some((2, &stored))),
            Decision::Unchanged(2)
        );
        assert_eq!(
            decide(1, &content(5), Some((2, &stored))),
            Decision::Unchanged(2)
        );
        assert_eq!(
            decide(2, &content(5), Some((2, &stored))),
            Decision::Unchanged(2)
        );
    }

    #[test]
    fn an_edit_of_the_stored_version_is_applied_as_the_next() {
        assert_eq!(
            decide(2, &content(6), Some((2, &content(5)))),
            Decision::Apply(3)
        );
    }

    #[test]
    fn an_edit_of_an_older_version_is_a_conflict() {
        assert_eq!(
            decide(1, &content(6), Some((2, &content(5)))),
            Decision::Conflict
        );
        // A new id sent again with other content after it was stored: also the officer's call.
        assert_eq!(
            decide(0, &content(6), Some((1, &content(5)))),
            Decision::Conflict
        );
    }

    #[test]
    fn results_serialise_as_the_api_says() {
        let result = SyncResult {
            id: "a".into(),
            status: SyncStatus::Rejected,
            version: None,
            errors: Some(vec![FieldProblem::coded(
                "data.consent",
                ErrorCode::ConsentRequired,
                crate::Lang::En,
            )]),
            current: None,
        };
        assert_eq!(
            serde_json::to_value(&result).unwrap(),
            json!({"id": "a", "status": "rejected", "version": null,
                   "errors": [{"field": "data.consent", "code": "consent_required",
                               "message": "The person's consent is required"}]})
        );
    }
}
