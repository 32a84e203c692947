//! Checking a record before it is kept: the envelope, then the `data` of its kind, collecting every
//! field error at once. The phone runs this offline before saving, the server again on sync.
//!
//! `today` is the caller's calendar date in Vietnam (UTC+7), passed in so the code stays pure and
//! tests stay fixed.

use serde::Serialize;
use serde_json::Value;

use crate::reader::{
    boolean, coded, date, integer, string, text, trimmed, uuid, whole_number, Reader,
};
use crate::record::normalise_uuid;
use crate::{
    AgencyIntegration, Business, ClientCode, ClientCodeError, CommunePlan, Date, ErrorCode,
    FieldError, Inspection, MediaPost, OutreachSession, PilotModel, Record, RecordData, RecordKind,
    Referral, ReferralStatus, TipOff, Training,
};

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
struct Dates {
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
    fn past(self, value: &Value) -> Result<Date, ErrorCode> {
        self.in_past(date(value)?)
    }

    /// A date field for a day that may be planned ahead (follow-up).
    fn since_record(self, value: &Value) -> Result<Date, ErrorCode> {
        self.not_before_record(date(value)?)
    }

    /// A date field for something that happened after the record's date (accessed, handled).
    fn past_since_record(self, value: &Value) -> Result<Date, ErrorCode> {
        self.in_past(self.not_before_record(date(value)?)?)
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
    let data = match kind {
        RecordKind::OutreachSession => outreach_session(&mut r).map(RecordData::OutreachSession),
        RecordKind::Referral => referral(&mut r, dates).map(RecordData::Referral),
        RecordKind::Business => business(&mut r).map(RecordData::Business),
        RecordKind::Inspection => inspection(&mut r).map(RecordData::Inspection),
        RecordKind::TipOff => tip_off(&mut r, dates).map(RecordData::TipOff),
        RecordKind::Training => training(&mut r).map(RecordData::Training),
        RecordKind::MediaPost => media_post(&mut r).map(RecordData::MediaPost),
        RecordKind::CommunePlan => commune_plan(&mut r, dates).map(RecordData::CommunePlan),
        RecordKind::PilotModel => pilot_model(&mut r).map(RecordData::PilotModel),
        RecordKind::AgencyIntegration => {
            agency_integration(&mut r).map(RecordData::AgencyIntegration)
        }
    };
    r.deny_unknown();
    data
}

// Each reader below reads every field first and only then combines them with `?`, so that one bad
// field never hides the errors of the others.

fn count(value: &Value) -> Result<u32, ErrorCode> {
    let n = whole_number(value, u64::from(MAX_COUNT))?;
    u32::try_from(n).map_err(|_| ErrorCode::TooLarge)
}

fn outreach_session(r: &mut Reader) -> Option<OutreachSession> {
    let village = r.optional("village", text(MAX_TEXT));
    let format = r.required("format", coded);
    let audience = r.required("audience", coded);
    let reached_male = r.required("reached_male", count);
    let reached_female = r.required("reached_female", count);
    let language = r.optional("language", coded);
    let organising_unit = r.optional("organising_unit", text(MAX_TEXT));
    let notes = r.optional("notes", text(MAX_LONG_TEXT));
    Some(OutreachSession {
        village: village?,
        format: format?,
        audience: audience?,
        reached_male: reached_male?,
        reached_female: reached_female?,
        language: language?,
        organising_unit: organising_unit?,
        notes: notes?,
    })
}

fn referral(r: &mut Reader, dates: Dates) -> Option<Referral> {
    let client_code = r.required("client_code", |value| {
        ClientCode::accept_recorded(string(value)?).map_err(|error| match error {
            ClientCodeError::PersonalData => ErrorCode::PersonalData,
            _ => ErrorCode::InvalidClientCode,
        })
    });
    let age_band = r.optional("age_band", coded);
    let sex = r.optional("sex", coded);
    let in_need_eligible = r.required("in_need_eligible", boolean);
    let consent = r.required("consent", |value| match boolean(value)? {
        true => Ok(true),
        false => Err(ErrorCode::ConsentRequired),
    });
    let consent_on = r.optional("consent_on", |value| dates.past(value));
    let service = r.required("service", coded);
    let receiving_org = r.optional("receiving_org", text(MAX_TEXT));
    let status = r.required("status", coded);
    let accessed_on = r.optional("accessed_on", |value| dates.past_since_record(value));
    let follow_up_on = r.optional("follow_up_on", |value| dates.since_record(value));
    let accessed_on = match (status, accessed_on) {
        (Some(ReferralStatus::Accessed), Some(None)) => {
            r.report("accessed_on", ErrorCode::Required);
            None
        }
        (_, accessed_on) => accessed_on,
    };
    Some(Referral {
        client_code: client_code?,
        age_band: age_band?,
        sex: sex?,
        in_need_eligible: in_need_eligible?,
        consent: consent?,
        consent_on: consent_on?,
        service: service?,
        receiving_org: receiving_org?,
        status: status?,
        accessed_on: accessed_on?,
        follow_up_on: follow_up_on?,
    })
}

fn business(r: &mut Reader) -> Option<Business> {
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

fn inspection(r: &mut Reader) -> Option<Inspection> {
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

fn tip_off(r: &mut Reader, dates: Dates) -> Option<TipOff> {
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

fn training(r: &mut Reader) -> Option<Training> {
    let course = r.optional("course", text(MAX_TEXT));
    let level = r.required("level", coded);
    let trainees = r.optional("trainees", count);
    let male = r.optional("trainees_male", count);
    let female = r.optional("trainees_female", count);
    let total = match (trainees, male, female) {
        (Some(trainees), Some(male), Some(female)) => training_total(r, trainees, male, female),
        _ => None,
    };
    Some(Training {
        course: course?,
        level: level?,
        trainees: total?,
        trainees_male: male?,
        trainees_female: female?,
    })
}

/// Trainees by sex, or the bare total of `API.md`; both must agree when both are sent.
fn training_total(
    r: &mut Reader,
    trainees: Option<u32>,
    male: Option<u32>,
    female: Option<u32>,
) -> Option<u32> {
    match (male, female) {
        (Some(male), Some(female)) => {
            // Both are at most MAX_COUNT, so the sum fits.
            let sum = male + female;
            if trainees.is_some_and(|trainees| trainees != sum) {
                r.report("trainees", ErrorCode::SumMismatch);
                return None;
            }
            Some(sum)
        }
        (None, None) if trainees.is_some() => trainees,
        (None, None) => {
            r.report("trainees_male", ErrorCode::Required);
            r.report("trainees_female", ErrorCode::Required);
            None
        }
        (Some(_), None) => {
            r.report("trainees_female", ErrorCode::Required);
            None
        }
        (None, Some(_)) => {
            r.report("trainees_male", ErrorCode::Required);
            None
        }
    }
}

fn media_post(r: &mut Reader) -> Option<MediaPost> {
    let channel = r.required("channel", coded);
    let title = r.optional("title", text(MAX_TEXT));
    Some(MediaPost {
        channel: channel?,
        title: title?,
    })
}

fn commune_plan(r: &mut Reader, dates: Dates) -> Option<CommunePlan> {
    let title = r.optional("title", text(MAX_TEXT));
    let adopted_on = r.optional("adopted_on", |value| dates.past(value));
    Some(CommunePlan {
        title: title?,
        adopted_on: adopted_on?,
    })
}

fn pilot_model(r: &mut Reader) -> Option<PilotModel> {
    let name = r.optional("name", text(MAX_TEXT));
    Some(PilotModel { name: name? })
}

fn agency_integration(r: &mut Reader) -> Option<AgencyIntegration> {
    let agency = r.required("agency", text(MAX_TEXT));
    let programme = r.optional("programme", text(MAX_TEXT));
    Some(AgencyIntegration {
        agency: agency?,
        programme: programme?,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{
        AgeBand, Audience, BusinessType, Coded, Language, MediaChannel, OutreachFormat,
        ReferralService, Sex, TipOffClass, TrainingLevel, Verification,
    };

    const ID: &str = "0b8e3c1e-8a4e-4b8a-9f1e-2d3c4b5a6978";
    const BUSINESS_ID: &str = "6f1d2c3b-4a59-4e68-b7c6-d5e4f3a2b1c0";

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn today() -> Date {
        day("2023-12-31")
    }

    fn record(kind: RecordKind, data: Value) -> Record {
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
    fn errors(kind: RecordKind, data: Value) -> Vec<FieldError> {
        validate(&record(kind, data), today()).expect_err("should be refused")
    }

    fn error(field: &str, code: ErrorCode) -> FieldError {
        FieldError::new(field, code)
    }

    fn valid_data(kind: RecordKind) -> RecordData {
        validate(&record(kind, example(kind)), today())
            .expect("example is valid")
            .data
    }

    /// A complete, valid `data` for each kind.
    fn example(kind: RecordKind) -> Value {
        match kind {
            RecordKind::OutreachSession => json!({
                "village": "Bản Nà Đông", "format": "group_talk", "audience": "women",
                "reached_male": 12, "reached_female": 30, "language": "hmong",
                "organising_unit": "Hội Phụ nữ xã", "notes": "Chiếu phim, phát tờ rơi"
            }),
            RecordKind::Referral => json!({
                "client_code": "MT1990F7", "age_band": "25_34", "sex": "female",
                "in_need_eligible": true, "consent": true, "consent_on": "2023-03-14",
                "service": "HIV_TEST", "receiving_org": "Trung tâm Y tế huyện",
                "status": "accessed", "accessed_on": "2023-03-20", "follow_up_on": "2024-02-01"
            }),
            RecordKind::Business => json!({
                "name": "Karaoke Hoa Mai", "type": "karaoke", "workers": 8,
                "female_workers": 5, "village": "Tổ dân phố số 1"
            }),
            RecordKind::Inspection => json!({
                "business_id": BUSINESS_ID, "team": "Đội 178 huyện", "findings": "Không đăng ký lưu trú",
                "violation_found": true, "sanction": "Phạt tiền", "fine_vnd": 7_500_000
            }),
            RecordKind::TipOff => json!({
                "channel": "hotline", "classification": "brokering", "verification": "confirmed",
                "outcome": "Chuyển Công an huyện", "handled_on": "2023-03-30"
            }),
            RecordKind::Training => json!({
                "course": "Kỹ năng hỗ trợ giảm hại", "level": "commune",
                "trainees_male": 9, "trainees_female": 14
            }),
            RecordKind::MediaPost => {
                json!({"channel": "radio_tv", "title": "Phòng, chống mại dâm"})
            }
            RecordKind::CommunePlan => {
                json!({"title": "Kế hoạch PCMD xã Bình Lư", "adopted_on": "2023-03-01"})
            }
            RecordKind::PilotModel => json!({"name": "Mô hình hỗ trợ giảm hại"}),
            RecordKind::AgencyIntegration => {
                json!({"agency": "Phòng Tư pháp", "programme": "Phổ biến pháp luật"})
            }
        }
    }

    #[test]
    fn a_full_example_of_every_kind_is_valid_and_canonical() {
        for &kind in RecordKind::ALL {
            let valid = validate(&record(kind, example(kind)), today())
                .unwrap_or_else(|errors| panic!("{kind:?}: {errors:?}"));
            assert_eq!(valid.kind(), kind);
            assert_eq!(valid.data().kind(), kind);
            // Canonical data validates to itself: storing it and re-reading it changes nothing.
            let canonical = serde_json::to_value(valid.data()).unwrap();
            let again = validate(&record(kind, canonical.clone()), today()).unwrap();
            assert_eq!(again, valid, "{kind:?}");
            // Nothing was dropped: the example is already canonical, apart from training's total.
            if kind != RecordKind::Training {
                assert_eq!(canonical, example(kind), "{kind:?}");
            }
        }
    }

    #[test]
    fn the_minimal_data_of_the_api_is_enough() {
        let minimal = [
            (
                RecordKind::OutreachSession,
                json!({"format": "leaflets", "audience": "students", "reached_male": 0, "reached_female": 0}),
            ),
            (
                RecordKind::Referral,
                json!({"client_code": "MT1990F7", "in_need_eligible": false, "consent": true, "service": "LEGAL", "status": "referred"}),
            ),
            (
                RecordKind::Business,
                json!({"name": "Nhà nghỉ Bình An", "type": "guesthouse", "workers": 0}),
            ),
            (
                RecordKind::Inspection,
                json!({"business_id": BUSINESS_ID, "violation_found": false}),
            ),
            (RecordKind::TipOff, json!({"handled_on": null})),
            (
                RecordKind::Training,
                json!({"level": "district", "trainees": 12}),
            ),
            (RecordKind::MediaPost, json!({"channel": "portal"})),
            (RecordKind::CommunePlan, json!({})),
            (RecordKind::PilotModel, json!({})),
            (
                RecordKind::AgencyIntegration,
                json!({"agency": "Phòng Y tế"}),
            ),
        ];
        for (kind, data) in minimal {
            assert!(validate(&record(kind, data), today()).is_ok(), "{kind:?}");
        }
    }

    #[test]
    fn typed_data_holds_the_values_sent() {
        let RecordData::OutreachSession(session) = valid_data(RecordKind::OutreachSession) else {
            panic!("wrong kind");
        };
        assert_eq!(session.format, OutreachFormat::GroupTalk);
        assert_eq!(session.audience, Audience::Women);
        assert_eq!(session.language, Some(Language::Hmong));
        assert_eq!(session.reached(), 42);

        let RecordData::Referral(referral) = valid_data(RecordKind::Referral) else {
            panic!("wrong kind");
        };
        assert_eq!(referral.client_code.as_str(), "MT1990F7");
        assert_eq!(referral.age_band, Some(AgeBand::From25To34));
        assert_eq!(referral.sex, Some(Sex::Female));
        assert_eq!(referral.service, ReferralService::HivTest);
        assert_eq!(referral.accessed_on, Some(day("2023-03-20")));

        let RecordData::Business(business) = valid_data(RecordKind::Business) else {
            panic!("wrong kind");
        };
        assert_eq!(business.business_type, BusinessType::Karaoke);
        assert_eq!(business.female_workers, Some(5));

        let RecordData::TipOff(tip_off) = valid_data(RecordKind::TipOff) else {
            panic!("wrong kind");
        };
        assert_eq!(tip_off.classification, Some(TipOffClass::Brokering));
        assert_eq!(tip_off.verification, Some(Verification::Confirmed));

        let RecordData::Training(training) = valid_data(RecordKind::Training) else {
            panic!("wrong kind");
        };
        assert_eq!(
            (training.level, training.trainees),
            (TrainingLevel::Commune, 23)
        );

        let RecordData::MediaPost(post) = valid_data(RecordKind::MediaPost) else {
            panic!("wrong kind");
        };
        assert_eq!(post.channel, MediaChannel::RadioTv);
    }

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

    fn referral_with(changes: Value) -> Value {
        let mut data = example(RecordKind::Referral);
        for (key, value) in changes.as_object().unwrap() {
            data[key] = value.clone();
        }
        data
    }

    #[test]
    fn a_referral_needs_consent() {
        assert_eq!(
            errors(
                RecordKind::Referral,
                referral_with(json!({"consent": false}))
            ),
            [error("data.consent", ErrorCode::ConsentRequired)]
        );
        assert_eq!(
            errors(
                RecordKind::Referral,
                referral_with(json!({"consent": null}))
            ),
            [error("data.consent", ErrorCode::Required)]
        );
        assert_eq!(
            errors(
                RecordKind::Referral,
                referral_with(json!({"consent": "yes"}))
            ),
            [error("data.consent", ErrorCode::InvalidFormat)]
        );
        assert_eq!(
            errors(
                RecordKind::Referral,
                referral_with(json!({"consent_on": "2024-01-01"}))
            ),
            [error("data.consent_on", ErrorCode::InFuture)]
        );
    }

    #[test]
    fn an_accessed_referral_needs_a_plausible_access_date() {
        assert_eq!(
            errors(
                RecordKind::Referral,
                referral_with(json!({"accessed_on": null}))
            ),
            [error("data.accessed_on", ErrorCode::Required)]
        );
        assert_eq!(
            errors(
                RecordKind::Referral,
                referral_with(json!({"accessed_on": "2023-03-13"}))
            ),
            [error("data.accessed_on", ErrorCode::BeforeOccurredOn)]
        );
        assert_eq!(
            errors(
                RecordKind::Referral,
                referral_with(json!({"accessed_on": "2024-01-02"}))
            ),
            [error("data.accessed_on", ErrorCode::InFuture)]
        );
        assert_eq!(
            errors(
                RecordKind::Referral,
                referral_with(json!({"accessed_on": "20/03/2023"}))
            ),
            [error("data.accessed_on", ErrorCode::InvalidFormat)]
        );
        // Same day is fine; a still-open referral needs no access date.
        let same_day = referral_with(json!({"accessed_on": "2023-03-14"}));
        assert!(validate(&record(RecordKind::Referral, same_day), today()).is_ok());
        let referred = referral_with(json!({"status": "referred", "accessed_on": null}));
        assert!(validate(&record(RecordKind::Referral, referred), today()).is_ok());
    }

    #[test]
    fn follow_up_may_be_planned_but_not_before_the_referral() {
        assert_eq!(
            errors(
                RecordKind::Referral,
                referral_with(json!({"follow_up_on": "2023-03-01"}))
            ),
            [error("data.follow_up_on", ErrorCode::BeforeOccurredOn)]
        );
        let planned = referral_with(json!({"follow_up_on": "2025-06-01"}));
        assert!(validate(&record(RecordKind::Referral, planned), today()).is_ok());
    }

    #[test]
    fn referral_codes_and_lists_are_checked() {
        assert_eq!(
            errors(
                RecordKind::Referral,
                referral_with(json!({"client_code": "Nguyen Thi Mai"}))
            ),
            [error("data.client_code", ErrorCode::InvalidClientCode)]
        );
        assert_eq!(
            errors(
                RecordKind::Referral,
                referral_with(json!({"client_code": "0912345678"}))
            ),
            [error("data.client_code", ErrorCode::InvalidClientCode)]
        );
        assert_eq!(
            errors(
                RecordKind::Referral,
                referral_with(
                    json!({"service": "hiv_test", "status": "done", "age_band": "18-24", "sex": "f"})
                )
            ),
            [
                error("data.age_band", ErrorCode::InvalidValue),
                error("data.sex", ErrorCode::InvalidValue),
                error("data.service", ErrorCode::InvalidValue),
                error("data.status", ErrorCode::InvalidValue),
            ]
        );
        // The code is stored normalised, as the phone shows it.
        let typed = referral_with(json!({"client_code": " mt-1990-f7 "}));
        let valid = validate(&record(RecordKind::Referral, typed), today()).unwrap();
        assert_eq!(
            serde_json::to_value(valid.data()).unwrap()["client_code"],
            "MT1990F7"
        );
    }

    #[test]
    fn a_referral_never_stores_personal_data() {
        for key in [
            "name",
            "full_name",
            "phone",
            "address",
            "id_number",
            "cccd",
            "cmnd",
            "photo",
            "image",
            "ho_ten",
            "fullName",
        ] {
            let data = referral_with(json!({ key: "x" }));
            assert_eq!(
                errors(RecordKind::Referral, data),
                [error(
                    &format!("data.{key}"),
                    ErrorCode::PersonalDataForbidden
                )],
                "{key}"
            );
        }
        assert_eq!(
            errors(
                RecordKind::Referral,
                referral_with(json!({"favourite_colour": "x"}))
            ),
            [error("data.favourite_colour", ErrorCode::UnknownField)]
        );
    }

    #[test]
    fn no_text_field_of_any_kind_takes_a_phone_an_id_number_or_an_e_mail() {
        // Every string of every kind's full example: free text and the client code refuse what
        // is personal with `personal_data`; codes, dates and ids refuse it as not theirs (and a
        // client code refuses text that is no code at all as such).
        let mut refused = Vec::new();
        for &kind in RecordKind::ALL {
            let example = example(kind);
            for (field, value) in example.as_object().unwrap() {
                if !value.is_string() {
                    continue;
                }
                for personal in [
                    "Chị Lan, SĐT 0912 345 678",
                    "CCCD 001090012345",
                    "Liên hệ lan.nguyen@gmail.com",
                    "KH-0912-345-678",
                ] {
                    let mut data = example.clone();
                    data[field] = json!(personal);
                    let found = errors(kind, data);
                    assert_eq!(found.len(), 1, "{kind:?} {field}: {found:?}");
                    assert_eq!(found[0].field, format!("data.{field}"));
                    if found[0].code == ErrorCode::PersonalData {
                        refused.push(format!("{}.{field}", kind.as_str()));
                    } else {
                        assert!(
                            matches!(
                                found[0].code,
                                ErrorCode::InvalidValue
                                    | ErrorCode::InvalidFormat
                                    | ErrorCode::InvalidClientCode
                            ),
                            "{kind:?} {field}: {found:?}"
                        );
                    }
                }
            }
        }
        refused.dedup();
        assert_eq!(
            refused,
            [
                "outreach_session.notes",
                "outreach_session.organising_unit",
                "outreach_session.village",
                "referral.client_code",
                "referral.receiving_org",
                "business.name",
                "business.village",
                "inspection.findings",
                "inspection.sanction",
                "inspection.team",
                "tip_off.outcome",
                "training.course",
                "media_post.title",
                "commune_plan.title",
                "pilot_model.name",
                "agency_integration.agency",
                "agency_integration.programme",
            ]
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

    #[test]
    fn a_client_code_of_another_scheme_carries_no_name() {
        for code in [
            "Nguyen-Thi-Lan-0912345678",
            "NguyenThiLan1990",
            "LoVanPang-1",
        ] {
            assert_eq!(
                errors(
                    RecordKind::Referral,
                    referral_with(json!({ "client_code": code }))
                ),
                [error("data.client_code", ErrorCode::PersonalData)],
                "{code}"
            );
        }
        for code in ["LC-2023_15", "KH-0456", "BINHLU-001"] {
            let data = referral_with(json!({ "client_code": code }));
            assert!(
                validate(&record(RecordKind::Referral, data), today()).is_ok(),
                "{code}"
            );
        }
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
        let RecordData::Inspection(inspection) =
            validate(&record(RecordKind::Inspection, upper), today())
                .unwrap()
                .data
        else {
            panic!("wrong kind");
        };
        assert_eq!(inspection.business_id, BUSINESS_ID);
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

    #[test]
    fn trainees_come_by_sex_or_as_a_total_that_must_agree() {
        let trained = |data: Value| match validate(&record(RecordKind::Training, data), today()) {
            Ok(ValidRecord {
                data: RecordData::Training(training),
                ..
            }) => Ok(training.trainees),
            Ok(_) => panic!("wrong kind"),
            Err(errors) => Err(errors),
        };
        assert_eq!(
            trained(json!({"level": "district", "trainees_male": 4, "trainees_female": 5})),
            Ok(9)
        );
        assert_eq!(trained(json!({"level": "district", "trainees": 7})), Ok(7));
        assert_eq!(
            trained(
                json!({"level": "district", "trainees": 9, "trainees_male": 4, "trainees_female": 5})
            ),
            Ok(9)
        );
        assert_eq!(
            trained(
                json!({"level": "district", "trainees": 8, "trainees_male": 4, "trainees_female": 5})
            ),
            Err(vec![error("data.trainees", ErrorCode::SumMismatch)])
        );
        assert_eq!(
            trained(json!({"level": "district", "trainees_male": 4})),
            Err(vec![error("data.trainees_female", ErrorCode::Required)])
        );
        assert_eq!(
            trained(json!({"level": "province"})),
            Err(vec![
                error("data.level", ErrorCode::InvalidValue),
                error("data.trainees_male", ErrorCode::Required),
                error("data.trainees_female", ErrorCode::Required),
            ])
        );
        assert_eq!(
            trained(json!({"level": "commune", "trainees": -2})),
            Err(vec![error("data.trainees", ErrorCode::Negative)])
        );
        // The total is part of the canonical data, so indicators read one field.
        let valid = validate(
            &record(
                RecordKind::Training,
                json!({"level": "commune", "trainees_male": 1, "trainees_female": 2}),
            ),
            today(),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(valid.data()).unwrap(),
            json!({"level": "commune", "trainees": 3, "trainees_male": 1, "trainees_female": 2})
        );
    }

    #[test]
    fn the_other_kinds_check_their_few_fields() {
        assert_eq!(
            errors(RecordKind::MediaPost, json!({})),
            [error("data.channel", ErrorCode::Required)]
        );
        assert_eq!(
            errors(RecordKind::MediaPost, json!({"channel": "newspaper"})),
            [error("data.channel", ErrorCode::InvalidValue)]
        );
        assert_eq!(
            errors(RecordKind::CommunePlan, json!({"adopted_on": "2024-03-01"})),
            [error("data.adopted_on", ErrorCode::InFuture)]
        );
        assert_eq!(
            errors(RecordKind::PilotModel, json!({"name": 5})),
            [error("data.name", ErrorCode::InvalidFormat)]
        );
        assert_eq!(
            errors(
                RecordKind::AgencyIntegration,
                json!({"programme": "HIV/AIDS"})
            ),
            [error("data.agency", ErrorCode::Required)]
        );
    }

    #[test]
    fn every_count_of_every_kind_refuses_negatives_and_words() {
        for (kind, field, data) in [
            (
                RecordKind::Business,
                "workers",
                json!({"name": "A", "type": "bar", "workers": -1}),
            ),
            (
                RecordKind::Business,
                "female_workers",
                json!({"name": "A", "type": "bar", "workers": 1, "female_workers": -1}),
            ),
            (
                RecordKind::Inspection,
                "fine_vnd",
                json!({"business_id": BUSINESS_ID, "violation_found": true, "fine_vnd": -1}),
            ),
            (
                RecordKind::Training,
                "trainees_female",
                json!({"level": "commune", "trainees_male": 1, "trainees_female": -1}),
            ),
        ] {
            assert_eq!(
                errors(kind, data.clone()),
                [error(&format!("data.{field}"), ErrorCode::Negative)],
                "{kind:?}"
            );
            let mut worded = data;
            worded[field] = json!("năm");
            assert_eq!(
                errors(kind, worded),
                [error(&format!("data.{field}"), ErrorCode::InvalidFormat)],
                "{kind:?}"
            );
        }
    }

    #[test]
    fn every_closed_list_of_the_other_kinds_refuses_unknown_values() {
        for (kind, field, data) in [
            (
                RecordKind::Business,
                "type",
                json!({"name": "A", "type": "casino", "workers": 1}),
            ),
            (RecordKind::TipOff, "channel", json!({"channel": "fax"})),
            (
                RecordKind::TipOff,
                "classification",
                json!({"classification": "gambling"}),
            ),
            (
                RecordKind::TipOff,
                "verification",
                json!({"verification": "maybe"}),
            ),
            (
                RecordKind::Training,
                "level",
                json!({"level": "province", "trainees": 1}),
            ),
            (
                RecordKind::MediaPost,
                "channel",
                json!({"channel": "tiktok"}),
            ),
        ] {
            assert_eq!(
                errors(kind, data),
                [error(&format!("data.{field}"), ErrorCode::InvalidValue)],
                "{kind:?}"
            );
        }
        // Codes are exact: no capitals, no Vietnamese labels.
        assert_eq!(
            errors(
                RecordKind::Business,
                json!({"name": "A", "type": "Karaoke", "workers": 1})
            ),
            [error("data.type", ErrorCode::InvalidValue)]
        );
        assert_eq!(
            errors(
                RecordKind::MediaPost,
                json!({"channel": "Cổng thông tin điện tử"})
            ),
            [error("data.channel", ErrorCode::InvalidValue)]
        );
    }

    #[test]
    fn a_plan_is_not_adopted_before_2000_nor_written_the_vietnamese_way() {
        assert_eq!(
            errors(RecordKind::CommunePlan, json!({"adopted_on": "01/03/2023"})),
            [error("data.adopted_on", ErrorCode::InvalidFormat)]
        );
        assert_eq!(
            errors(RecordKind::CommunePlan, json!({"adopted_on": "1999-12-31"})),
            [error("data.adopted_on", ErrorCode::TooEarly)]
        );
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
