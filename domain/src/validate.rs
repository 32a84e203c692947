//! Checking a record before it is kept: the envelope, then the `data` of its kind (with that kind's
//! reader, in `kinds/`), collecting every field error at once. The phone runs this offline before
//! saving, the server again on sync.
//!
//! `today` is the caller's calendar date in Vietnam (UTC+7), passed in so the code stays pure and
//! tests stay fixed.

use serde::Serialize;
use serde_json::Value;

use crate::kinds;
use crate::reader::{boolean, coded, date, integer, string, trimmed, whole_number, Reader};
use crate::record::normalise_uuid;
use crate::{Date, ErrorCode, FieldError, Record, RecordData, RecordKind};

/// Longest short text (names, titles, villages…), in characters.
pub const MAX_TEXT: usize = 200;
/// Longest free text (notes, findings, outcome), in characters.
pub const MAX_LONG_TEXT: usize = 1000;
/// Largest head count in one record: above it is surely a typo.
pub const MAX_COUNT: u32 = 100_000;
/// Largest fine, in đồng.
pub const MAX_FINE_VND: u64 = 10_000_000_000;
/// Longest org unit id.
const MAX_ID: usize = 64;
/// No record predates the software's programmes; earlier dates are typos.
const EARLIEST: Date = match Date::from_ymd(2000, 1, 1) {
    Some(date) => date,
    None => panic!("2000-01-01 is a date"),
};

/// A record that passed [`validate`]: the envelope, normalised (lower-case id, trimmed unit id),
/// and its typed data. Serialises as the canonical record JSON, which is what to store and compare.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValidRecord {
    id: String,
    kind: RecordKind,
    org_unit_id: String,
    occurred_on: Date,
    base_version: i64,
    voided: bool,
    data: RecordData,
}

impl ValidRecord {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn kind(&self) -> RecordKind {
        self.kind
    }

    pub fn org_unit_id(&self) -> &str {
        &self.org_unit_id
    }

    pub fn occurred_on(&self) -> Date {
        self.occurred_on
    }

    pub fn base_version(&self) -> i64 {
        self.base_version
    }

    pub fn voided(&self) -> bool {
        self.voided
    }

    pub fn data(&self) -> &RecordData {
        &self.data
    }
}

/// Checks a record whose envelope already has its types.
pub fn validate(record: &Record, today: Date) -> Result<ValidRecord, Vec<FieldError>> {
    let envelope = Envelope {
        id: Some(&record.id),
        kind: Some(record.kind),
        org_unit_id: Some(&record.org_unit_id),
        occurred_on: Some(record.occurred_on),
        base_version: Some(record.base_version),
        voided: Some(record.voided),
        data: Some(&record.data),
    };
    check(envelope, today, Vec::new())
}

/// Checks a record straight from JSON, so that a wrong envelope field (an unknown kind, a date
/// written `14/03/2023`) is a field error like any other rather than one parse failure. Unknown
/// envelope fields are ignored: stored records come back with `version`, `updated_at`….
pub fn validate_value(value: &Value, today: Date) -> Result<ValidRecord, Vec<FieldError>> {
    let Some(object) = value.as_object() else {
        return Err(vec![FieldError::new("", ErrorCode::InvalidFormat)]);
    };
    let mut errors = Vec::new();
    let mut reader = Reader::new(object, "", &mut errors);
    let envelope = Envelope {
        id: reader.required("id", string),
        kind: reader.required("kind", coded),
        org_unit_id: reader.required("org_unit_id", string),
        occurred_on: reader.required("occurred_on", date),
        base_version: reader.required("base_version", integer),
        voided: reader.required("voided", boolean),
        data: reader.required("data", Ok),
    };
    check(envelope, today, errors)
}

/// The envelope fields that could be read, before their checks.
struct Envelope<'a> {
    id: Option<&'a str>,
    kind: Option<RecordKind>,
    org_unit_id: Option<&'a str>,
    occurred_on: Option<Date>,
    base_version: Option<i64>,
    voided: Option<bool>,
    data: Option<&'a Value>,
}

fn check(
    envelope: Envelope<'_>,
    today: Date,
    mut errors: Vec<FieldError>,
) -> Result<ValidRecord, Vec<FieldError>> {
    let id = envelope.id.and_then(|id| {
        keep(
            &mut errors,
            "id",
            normalise_uuid(id).ok_or(ErrorCode::InvalidFormat),
        )
    });
    let org_unit_id = envelope
        .org_unit_id
        .and_then(|unit| keep(&mut errors, "org_unit_id", trimmed(unit, MAX_ID)));
    let dates = Dates {
        occurred_on: envelope.occurred_on,
        today,
    };
    let occurred_on = envelope
        .occurred_on
        .and_then(|day| keep(&mut errors, "occurred_on", dates.in_past(day)));
    let base_version = envelope.base_version.and_then(|version| {
        let version = if version < 0 {
            Err(ErrorCode::Negative)
        } else {
            Ok(version)
        };
        keep(&mut errors, "base_version", version)
    });
    let data = match (envelope.kind, envelope.data) {
        (Some(kind), Some(data)) => read_data(kind, data, dates, &mut errors),
        _ => None,
    };
    let valid = || {
        Some(ValidRecord {
            id: id?,
            kind: envelope.kind?,
            org_unit_id: org_unit_id?,
            occurred_on: occurred_on?,
            base_version: base_version?,
            voided: envelope.voided?,
            data: data?,
        })
    };
    match valid() {
        Some(record) if errors.is_empty() => Ok(record),
        _ => Err(errors),
    }
}

/// The value, or `None` with the error recorded against `field`.
fn keep<T>(errors: &mut Vec<FieldError>, field: &str, result: Result<T, ErrorCode>) -> Option<T> {
    result
        .map_err(|code| errors.push(FieldError::new(field, code)))
        .ok()
}

/// What dates inside `data` are checked against.
#[derive(Clone, Copy)]
pub(crate) struct Dates {
    /// `None` when the record's own date is itself unreadable.
    occurred_on: Option<Date>,
    today: Date,
}

impl Dates {
    /// A day that has already come, and not absurdly long ago.
    fn in_past(self, day: Date) -> Result<Date, ErrorCode> {
        if day < EARLIEST {
            Err(ErrorCode::TooEarly)
        } else if day > self.today {
            Err(ErrorCode::InFuture)
        } else {
            Ok(day)
        }
    }

    /// A day on or after the record's own date (which is itself after [`EARLIEST`]).
    fn not_before_record(self, day: Date) -> Result<Date, ErrorCode> {
        match self.occurred_on {
            Some(occurred_on) if day < occurred_on => Err(ErrorCode::BeforeOccurredOn),
            _ if day < EARLIEST => Err(ErrorCode::TooEarly),
            _ => Ok(day),
        }
    }

    /// A date field for a day that has happened (consent given, plan adopted).
    pub(crate) fn past(self, value: &Value) -> Result<Date, ErrorCode> {
        self.in_past(date(value)?)
    }

    /// A date field for a day that may be planned ahead (follow-up).
    pub(crate) fn since_record(self, value: &Value) -> Result<Date, ErrorCode> {
        self.not_before_record(date(value)?)
    }

    /// A date field for something that happened after the record's date (accessed, handled).
    pub(crate) fn past_since_record(self, value: &Value) -> Result<Date, ErrorCode> {
        self.happened_since_record(date(value)?)
    }

    pub(crate) fn happened_since_record(self, day: Date) -> Result<Date, ErrorCode> {
        self.in_past(self.not_before_record(day)?)
    }
}

fn read_data(
    kind: RecordKind,
    data: &Value,
    dates: Dates,
    errors: &mut Vec<FieldError>,
) -> Option<RecordData> {
    let Some(object) = data.as_object() else {
        errors.push(FieldError::new("data", ErrorCode::InvalidFormat));
        return None;
    };
    let mut r = Reader::new(object, "data.", errors);
    let data = kinds::read(kind, &mut r, dates);
    r.deny_unknown();
    data
}

/// A head count, as the kinds' readers take one.
pub(crate) fn count(value: &Value) -> Result<u32, ErrorCode> {
    let n = whole_number(value, u64::from(MAX_COUNT))?;
    u32::try_from(n).map_err(|_| ErrorCode::TooLarge)
}

/// What the tests of validation and of every kind build their records from.
#[cfg(test)]
pub(crate) mod testing {
    use serde_json::Value;

    use super::validate;
    use crate::{Date, ErrorCode, FieldError, Record, RecordKind};

    pub(crate) const ID: &str = "0b8e3c1e-8a4e-4b8a-9f1e-2d3c4b5a6978";
    pub(crate) const BUSINESS_ID: &str = "6f1d2c3b-4a59-4e68-b7c6-d5e4f3a2b1c0";

    pub(crate) fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    pub(crate) fn today() -> Date {
        day("2023-12-31")
    }

    pub(crate) fn record(kind: RecordKind, data: Value) -> Record {
        Record {
            id: ID.into(),
            kind,
            org_unit_id: "03397".into(),
            occurred_on: day("2023-03-14"),
            base_version: 0,
            voided: false,
            data,
        }
    }

    /// The errors of a record of `kind` with this `data`.
    pub(crate) fn errors(kind: RecordKind, data: Value) -> Vec<FieldError> {
        validate(&record(kind, data), today()).expect_err("should be refused")
    }

    pub(crate) fn error(field: &str, code: ErrorCode) -> FieldError {
        FieldError::new(field, code)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::testing::{day, error, errors, record, today, ID};
    use super::*;
    use crate::kinds::example;

    #[test]
    fn text_is_stored_trimmed_and_blank_optional_text_is_dropped() {
        let valid = validate(
            &record(
                RecordKind::OutreachSession,
                json!({"format": "loudspeaker", "audience": "youth", "reached_male": 1,
                       "reached_female": 2, "village": "  Bản Hon  ", "notes": "   ", "language": null}),
            ),
            today(),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(valid.data()).unwrap(),
            json!({"format": "loudspeaker", "audience": "youth", "reached_male": 1,
                   "reached_female": 2, "village": "Bản Hon"})
        );
    }

    #[test]
    fn the_valid_record_serialises_as_the_api_envelope() {
        let mut sent = record(RecordKind::MediaPost, json!({"channel": "portal"}));
        sent.id = ID.to_uppercase();
        sent.org_unit_id = " 03397 ".into();
        sent.base_version = 3;
        let valid = validate(&sent, today()).unwrap();
        assert_eq!(valid.id(), ID);
        assert_eq!(valid.org_unit_id(), "03397");
        assert_eq!(valid.occurred_on(), day("2023-03-14"));
        assert_eq!((valid.base_version(), valid.voided()), (3, false));
        assert_eq!(
            serde_json::to_value(&valid).unwrap(),
            json!({"id": ID, "kind": "media_post", "org_unit_id": "03397",
                   "occurred_on": "2023-03-14", "base_version": 3, "voided": false,
                   "data": {"channel": "portal"}})
        );
    }

    #[test]
    fn envelope_errors() {
        let mut bad = record(RecordKind::MediaPost, json!({"channel": "portal"}));
        bad.id = "not-a-uuid".into();
        bad.org_unit_id = "   ".into();
        bad.base_version = -1;
        assert_eq!(
            validate(&bad, today()).unwrap_err(),
            [
                error("id", ErrorCode::InvalidFormat),
                error("org_unit_id", ErrorCode::Required),
                error("base_version", ErrorCode::Negative),
            ]
        );
        bad = record(RecordKind::MediaPost, json!({"channel": "portal"}));
        bad.org_unit_id = "x".repeat(65);
        assert_eq!(
            validate(&bad, today()).unwrap_err(),
            [error("org_unit_id", ErrorCode::TooLong)]
        );
    }

    #[test]
    fn occurred_on_must_be_between_2000_and_today() {
        let at = |date: &str| {
            let mut sent = record(RecordKind::MediaPost, json!({"channel": "portal"}));
            sent.occurred_on = day(date);
            validate(&sent, today())
        };
        assert!(at("2023-12-31").is_ok());
        assert!(at("2000-01-01").is_ok());
        assert_eq!(
            at("2024-01-01").unwrap_err(),
            [error("occurred_on", ErrorCode::InFuture)]
        );
        assert_eq!(
            at("1999-12-31").unwrap_err(),
            [error("occurred_on", ErrorCode::TooEarly)]
        );
    }

    #[test]
    fn data_must_be_an_object() {
        assert_eq!(
            errors(RecordKind::CommunePlan, json!([])),
            [error("data", ErrorCode::InvalidFormat)]
        );
        assert_eq!(
            errors(RecordKind::CommunePlan, json!("plan")),
            [error("data", ErrorCode::InvalidFormat)]
        );
    }

    #[test]
    fn counts_get_a_precise_code_on_their_own_field() {
        let session = |male: Value, female: Value| json!({"format": "group_talk", "audience": "women", "reached_male": male, "reached_female": female});
        assert_eq!(
            errors(RecordKind::OutreachSession, session(json!(-3), json!("12"))),
            [
                error("data.reached_male", ErrorCode::Negative),
                error("data.reached_female", ErrorCode::InvalidFormat),
            ]
        );
        assert_eq!(
            errors(
                RecordKind::OutreachSession,
                session(json!(100_001), json!(1.5))
            ),
            [
                error("data.reached_male", ErrorCode::TooLarge),
                error("data.reached_female", ErrorCode::InvalidFormat),
            ]
        );
        assert_eq!(
            errors(RecordKind::OutreachSession, session(json!(null), json!(""))),
            [
                error("data.reached_male", ErrorCode::Required),
                error("data.reached_female", ErrorCode::Required),
            ]
        );
        assert!(validate(
            &record(
                RecordKind::OutreachSession,
                session(json!(100_000), json!(0))
            ),
            today()
        )
        .is_ok());
    }

    #[test]
    fn every_error_is_collected_at_once() {
        let mut sent = record(
            RecordKind::OutreachSession,
            json!({"format": "concert", "audience": 3, "reached_male": -1, "language": "fr",
                   "notes": "x".repeat(MAX_LONG_TEXT + 1), "phone": "0912345678", "colour": "red"}),
        );
        sent.occurred_on = day("2024-02-01");
        assert_eq!(
            validate(&sent, today()).unwrap_err(),
            [
                error("occurred_on", ErrorCode::InFuture),
                error("data.format", ErrorCode::InvalidValue),
                error("data.audience", ErrorCode::InvalidFormat),
                error("data.reached_male", ErrorCode::Negative),
                error("data.reached_female", ErrorCode::Required),
                error("data.language", ErrorCode::InvalidValue),
                error("data.notes", ErrorCode::TooLong),
                error("data.colour", ErrorCode::UnknownField),
                error("data.phone", ErrorCode::PersonalDataForbidden),
            ]
        );
    }

    #[test]
    fn text_limits_count_characters() {
        let post = |title: String| {
            record(
                RecordKind::MediaPost,
                json!({"channel": "portal", "title": title}),
            )
        };
        assert!(validate(&post("ư".repeat(MAX_TEXT)), today()).is_ok());
        assert_eq!(
            validate(&post("ư".repeat(MAX_TEXT + 1)), today()).unwrap_err(),
            [error("data.title", ErrorCode::TooLong)]
        );
    }

    #[test]
    fn what_officers_write_in_free_text_passes() {
        for notes in [
            "Phạt 7.500.000 đồng theo Nghị định 144/2021/NĐ-CP ngày 01/07/2025",
            "12 người, 3 buổi; tổng 15000000 đồng",
            "Đội 178 (178/2004/NĐ-CP), Nghị định 13/2023, từ 2025-07-01",
            "Đường dây nóng 111; MST 6200123456",
        ] {
            let mut data = example(RecordKind::OutreachSession);
            data["notes"] = json!(notes);
            assert!(
                validate(&record(RecordKind::OutreachSession, data), today()).is_ok(),
                "{notes}"
            );
        }
    }

    fn envelope_json() -> Value {
        json!({
            "id": ID, "kind": "outreach_session", "org_unit_id": "03397",
            "occurred_on": "2023-03-14", "base_version": 0, "voided": false,
            "data": example(RecordKind::OutreachSession)
        })
    }

    #[test]
    fn raw_json_validates_like_a_typed_record() {
        let from_json = validate_value(&envelope_json(), today()).unwrap();
        let typed: Record = serde_json::from_value(envelope_json()).unwrap();
        assert_eq!(from_json, validate(&typed, today()).unwrap());

        // What the server adds to stored records is ignored.
        let mut stored = envelope_json();
        stored["version"] = json!(4);
        stored["updated_at"] = json!("2023-03-15T08:00:00Z");
        assert_eq!(validate_value(&stored, today()).unwrap(), from_json);
    }

    #[test]
    fn raw_json_envelope_errors_are_field_errors() {
        let sent = json!({
            "id": 42, "kind": "party", "org_unit_id": "", "occurred_on": "14/03/2023",
            "base_version": -2, "data": {"anything": 1}
        });
        assert_eq!(
            validate_value(&sent, today()).unwrap_err(),
            [
                error("id", ErrorCode::InvalidFormat),
                error("kind", ErrorCode::InvalidValue),
                error("org_unit_id", ErrorCode::Required),
                error("occurred_on", ErrorCode::InvalidFormat),
                error("voided", ErrorCode::Required),
                error("base_version", ErrorCode::Negative),
            ]
        );
        assert_eq!(
            validate_value(&json!([1, 2]), today()).unwrap_err(),
            [error("", ErrorCode::InvalidFormat)]
        );
    }

    #[test]
    fn raw_json_checks_data_even_when_the_envelope_is_wrong() {
        let mut sent = envelope_json();
        sent["voided"] = json!("no");
        sent["occurred_on"] = json!(null);
        sent["data"]["reached_male"] = json!(-4);
        assert_eq!(
            validate_value(&sent, today()).unwrap_err(),
            [
                error("occurred_on", ErrorCode::Required),
                error("voided", ErrorCode::InvalidFormat),
                error("data.reached_male", ErrorCode::Negative),
            ]
        );
        // Without a readable record date, later dates are only checked on their own.
        let mut tip = json!({
            "id": ID, "kind": "tip_off", "org_unit_id": "03397", "occurred_on": "bad",
            "base_version": 0, "voided": false, "data": {"handled_on": "1999-05-01"}
        });
        assert_eq!(
            validate_value(&tip, today()).unwrap_err(),
            [
                error("occurred_on", ErrorCode::InvalidFormat),
                error("data.handled_on", ErrorCode::TooEarly)
            ]
        );
        tip["data"]["handled_on"] = json!("2023-01-01");
        assert_eq!(
            validate_value(&tip, today()).unwrap_err(),
            [error("occurred_on", ErrorCode::InvalidFormat)]
        );
    }

    #[test]
    fn huge_base_versions_are_too_large() {
        let mut sent = envelope_json();
        sent["base_version"] = json!(u64::MAX);
        assert_eq!(
            validate_value(&sent, today()).unwrap_err(),
            [error("base_version", ErrorCode::TooLarge)]
        );
        sent["base_version"] = json!("1");
        assert_eq!(
            validate_value(&sent, today()).unwrap_err(),
            [error("base_version", ErrorCode::InvalidFormat)]
        );
    }
}
