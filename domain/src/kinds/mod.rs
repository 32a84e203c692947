//! The kinds of record: the one place that lists them. Each kind has its own module holding its
//! typed `data`, the closed lists its form offers and the reader that checks it; this module ties
//! them to [`RecordKind`] and [`RecordData`].
//!
//! Only the fields that `API.md` names for a kind are required, so that any client keeping to the
//! contract is accepted; the other fields are optional but checked when present. Unknown fields
//! are always rejected, which is what keeps names, phone numbers and the like out of the store.
//!
//! Each reader reads every field first and only then combines them with `?`, so that one bad
//! field never hides the errors of the others.

use serde::Serialize;

use crate::coded::coded;
use crate::reader::Reader;
use crate::validate::Dates;

mod agency_integration;
mod business;
mod commune_plan;
mod inspection;
mod media_post;
mod outreach_session;
mod pilot_model;
mod referral;
mod tip_off;
mod training;

pub use agency_integration::{agency_id, AgencyIntegration, MAX_AGENCY_ID};
pub use business::{Business, BusinessType};
pub use commune_plan::CommunePlan;
pub use inspection::Inspection;
pub use media_post::{MediaChannel, MediaPost};
pub use outreach_session::{Audience, Language, OutreachFormat, OutreachSession};
pub use pilot_model::PilotModel;
pub use referral::{AgeBand, Confirmation, Referral, ReferralStatus, Sex, SlipOutcome};
pub use tip_off::{TipOff, TipOffChannel, TipOffClass, Verification};
pub use training::{Training, TrainingLevel};

coded! {
    /// What a record is about; decides the shape of its `data`.
    pub enum RecordKind {
        OutreachSession = "outreach_session", "Buổi tuyên truyền", "Outreach session";
        Referral = "referral", "Hỗ trợ, giới thiệu dịch vụ", "Support and referral";
        Business = "business", "Cơ sở kinh doanh dịch vụ", "At-risk business";
        Inspection = "inspection", "Kiểm tra cơ sở", "Inspection";
        TipOff = "tip_off", "Tin tố giác, tin báo", "Tip-off";
        Training = "training", "Tập huấn", "Training";
        MediaPost = "media_post", "Tin bài", "Media post";
        CommunePlan = "commune_plan", "Kế hoạch của xã", "Commune plan";
        PilotModel = "pilot_model", "Mô hình thí điểm", "Pilot model";
        AgencyIntegration = "agency_integration", "Lồng ghép nhiệm vụ", "Agency integration";
    }
}

/// The typed `data` of a record; serialises as the bare `data` object (the kind travels in the
/// envelope). Values come out of [`crate::validate`]; serialising one gives the canonical `data`
/// JSON (trimmed text, normalised codes, absent optional fields left out).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RecordData {
    OutreachSession(OutreachSession),
    Referral(Referral),
    Business(Business),
    Inspection(Inspection),
    TipOff(TipOff),
    Training(Training),
    MediaPost(MediaPost),
    CommunePlan(CommunePlan),
    PilotModel(PilotModel),
    AgencyIntegration(AgencyIntegration),
}

impl RecordData {
    pub fn kind(&self) -> RecordKind {
        match self {
            RecordData::OutreachSession(_) => RecordKind::OutreachSession,
            RecordData::Referral(_) => RecordKind::Referral,
            RecordData::Business(_) => RecordKind::Business,
            RecordData::Inspection(_) => RecordKind::Inspection,
            RecordData::TipOff(_) => RecordKind::TipOff,
            RecordData::Training(_) => RecordKind::Training,
            RecordData::MediaPost(_) => RecordKind::MediaPost,
            RecordData::CommunePlan(_) => RecordKind::CommunePlan,
            RecordData::PilotModel(_) => RecordKind::PilotModel,
            RecordData::AgencyIntegration(_) => RecordKind::AgencyIntegration,
        }
    }
}

/// Reads the `data` of a record of `kind` with its kind's reader.
pub(crate) fn read(kind: RecordKind, r: &mut Reader, dates: Dates) -> Option<RecordData> {
    match kind {
        RecordKind::OutreachSession => outreach_session::read(r).map(RecordData::OutreachSession),
        RecordKind::Referral => referral::read(r, dates).map(RecordData::Referral),
        RecordKind::Business => business::read(r).map(RecordData::Business),
        RecordKind::Inspection => inspection::read(r).map(RecordData::Inspection),
        RecordKind::TipOff => tip_off::read(r, dates).map(RecordData::TipOff),
        RecordKind::Training => training::read(r).map(RecordData::Training),
        RecordKind::MediaPost => media_post::read(r).map(RecordData::MediaPost),
        RecordKind::CommunePlan => commune_plan::read(r, dates).map(RecordData::CommunePlan),
        RecordKind::PilotModel => pilot_model::read(r, dates).map(RecordData::PilotModel),
        RecordKind::AgencyIntegration => {
            agency_integration::read(r).map(RecordData::AgencyIntegration)
        }
    }
}

/// A complete, valid `data` for each kind.
#[cfg(test)]
pub(crate) fn example(kind: RecordKind) -> serde_json::Value {
    match kind {
        RecordKind::OutreachSession => outreach_session::example(),
        RecordKind::Referral => referral::example(),
        RecordKind::Business => business::example(),
        RecordKind::Inspection => inspection::example(),
        RecordKind::TipOff => tip_off::example(),
        RecordKind::Training => training::example(),
        RecordKind::MediaPost => media_post::example(),
        RecordKind::CommunePlan => commune_plan::example(),
        RecordKind::PilotModel => pilot_model::example(),
        RecordKind::AgencyIntegration => agency_integration::example(),
    }
}

/// The typed data of [`example`].
#[cfg(test)]
pub(crate) fn valid_data(kind: RecordKind) -> RecordData {
    use crate::validate::testing::{record, today};
    crate::validate(&record(kind, example(kind)), today())
        .expect("example is valid")
        .data()
        .clone()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::coded::assert_coded_list;
    use crate::validate::testing::{error, errors, record, today, BUSINESS_ID};
    use crate::{validate, Coded, ErrorCode};

    #[test]
    fn kinds_are_the_ten_of_the_api() {
        assert_coded_list::<RecordKind>();
        let codes: Vec<_> = RecordKind::ALL.iter().map(|kind| kind.as_str()).collect();
        assert_eq!(
            codes,
            [
                "outreach_session",
                "referral",
                "business",
                "inspection",
                "tip_off",
                "training",
                "media_post",
                "commune_plan",
                "pilot_model",
                "agency_integration",
            ]
        );
        assert_eq!(RecordKind::parse("tip_off"), Some(RecordKind::TipOff));
        assert_eq!(RecordKind::parse("TipOff"), None);
    }

    #[test]
    fn record_data_serialises_as_the_bare_object_and_knows_its_kind() {
        let data = RecordData::MediaPost(MediaPost {
            channel: MediaChannel::Portal,
            title: None,
        });
        assert_eq!(
            serde_json::to_value(&data).unwrap(),
            json!({"channel": "portal"})
        );
        assert_eq!(data.kind(), RecordKind::MediaPost);
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
}
