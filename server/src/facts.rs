//! The few fields of a record's data that indicators count, as the typed `fact_*` columns of
//! `records` (migrations 0004, 0005 and 0010, whose backfills read the same fields from stored
//! JSON).

use crate::model::RecordFacts;
use domain::{
    Audience, BusinessType, Coded, MediaChannel, RecordData, RecordKind, ReferralService,
    ReferralStatus, TrainingLevel, ValidRecord,
};

/// `fact_category` of an inspection that gave a sanction (a `sanction`, or a fine above 0)...
pub const SANCTIONED: &str = "sanctioned";
/// ... and of one that gave none.
pub const NOT_SANCTIONED: &str = "not_sanctioned";

pub fn facts_of(record: &ValidRecord) -> RecordFacts {
    let facts = RecordFacts::default();
    match record.data() {
        RecordData::OutreachSession(session) => RecordFacts {
            people: Some(i64::from(session.reached_male) + i64::from(session.reached_female)),
            female: Some(session.reached_female.into()),
            category: Some(session.audience.as_str().into()),
            subject: session.business_id.clone(),
            first: Some(i64::try_from(session.reached_first_time()).unwrap_or(i64::MAX)),
            ..facts
        },
        RecordData::Business(business) => RecordFacts {
            people: Some(business.workers.into()),
            female: business.female_workers.map(i64::from),
            category: Some(business.business_type.as_str().into()),
            ..facts
        },
        RecordData::Training(training) => RecordFacts {
            people: Some(training.trainees.into()),
            category: Some(training.level.as_str().into()),
            first: Some(training.trainees_first_time().into()),
            ..facts
        },
        RecordData::MediaPost(post) => RecordFacts {
            category: Some(post.channel.as_str().into()),
            ..facts
        },
        RecordData::Inspection(inspection) => {
            let sanctioned = inspection.sanction.is_some() || inspection.fine_vnd.unwrap_or(0) > 0;
            let category = if sanctioned {
                SANCTIONED
            } else {
                NOT_SANCTIONED
            };
            RecordFacts {
                subject: Some(inspection.business_id.clone()),
                category: Some(category.into()),
                flag: Some(inspection.violation_found),
                amount: inspection
                    .fine_vnd
                    .map(|fine| i64::try_from(fine).unwrap_or(i64::MAX)),
                ..facts
            }
        }
        RecordData::Referral(referral) => RecordFacts {
            subject: Some(referral.client_code.as_str().into()),
            category: Some(referral.service.as_str().into()),
            eligible: Some(referral.in_need_eligible),
            date: (referral.status == ReferralStatus::Accessed)
                .then_some(referral.accessed_on)
                .flatten()
                .map(|date| date.to_string()),
            ..facts
        },
        RecordData::AgencyIntegration(integration) => RecordFacts {
            subject: Some(integration.counted_as().into()),
            ..facts
        },
        RecordData::TipOff(tip_off) => RecordFacts {
            date: tip_off.handled_on.map(|date| date.to_string()),
            days: tip_off
                .handled_on
                .map(|handled| record.occurred_on().days_until(handled)),
            ..facts
        },
        RecordData::CommunePlan(plan) => RecordFacts {
            date: Some(plan.adopted_on.unwrap_or(record.occurred_on()).to_string()),
            ..facts
        },
        RecordData::PilotModel(model) => RecordFacts {
            date: model.ended_on.map(|date| date.to_string()),
            ..facts
        },
    }
}

/// Every `fact_category` the records of `kind` can have; empty for kinds whose category is always
/// NULL. Indicator queries name them all (`fact_category IN (…)` or `IS NULL`), so that the
/// index (kind, unit, category, date, …) is searched, not scanned, and read in group order.
pub fn categories(kind: RecordKind) -> Vec<&'static str> {
    fn codes<T: Coded>() -> Vec<&'static str> {
        T::ALL.iter().map(|value| value.as_str()).collect()
    }
    match kind {
        RecordKind::OutreachSession => codes::<Audience>(),
        RecordKind::Business => codes::<BusinessType>(),
        RecordKind::Training => codes::<TrainingLevel>(),
        RecordKind::MediaPost => codes::<MediaChannel>(),
        RecordKind::Referral => codes::<ReferralService>(),
        RecordKind::Inspection => vec![SANCTIONED, NOT_SANCTIONED],
        // Tip-offs, commune plans, pilot models, agency integrations: no category.
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts(kind: &str, data: serde_json::Value) -> RecordFacts {
        let raw = json!({"id": "0b6f5c1e-3d2a-4f4b-9c8d-7e6f5a4b3c2d", "kind": kind,
                         "org_unit_id": "ou-03412", "occurred_on": "2023-03-01",
                         "base_version": 0, "voided": false, "data": data});
        let today = domain::Date::from_ymd(2024, 1, 1).unwrap();
        facts_of(&domain::validate_value(&raw, today).unwrap())
    }

    #[test]
    fn every_category_written_is_one_the_queries_name() {
        let business = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
        let samples = [
            (
                "outreach_session",
                json!({"format": "leaflets", "audience": "women",
                       "reached_male": 2, "reached_female": 5}),
            ),
            (
                "business",
                json!({"name": "Nhà nghỉ A", "type": "guesthouse",
                       "workers": 4, "female_workers": 3}),
            ),
            ("training", json!({"level": "commune", "trainees": 7})),
            ("media_post", json!({"channel": "radio_tv"})),
            (
                "referral",
                json!({"client_code": "AB12CD", "in_need_eligible": true, "consent": true,
                       "service": "LEGAL", "status": "referred"}),
            ),
            (
                "inspection",
                json!({"business_id": business, "violation_found": true, "fine_vnd": 5_000_000}),
            ),
            (
                "inspection",
                json!({"business_id": business, "violation_found": false}),
            ),
            ("tip_off", json!({"handled_on": "2023-03-04"})),
            ("commune_plan", json!({})),
            ("pilot_model", json!({})),
            ("agency_integration", json!({"agency": "Công an huyện"})),
        ];
        for (kind, data) in samples {
            let written = facts(kind, data).category;
            let allowed = categories(RecordKind::parse(kind).unwrap());
            match written {
                Some(category) => assert!(allowed.contains(&category.as_str()), "{kind}"),
                None => assert!(allowed.is_empty(), "{kind}"),
            }
        }
    }

    #[test]
    fn the_facts_of_the_plain_counts() {
        let session = facts(
            "outreach_session",
            json!({"format": "leaflets", "audience": "women",
                   "reached_male": 2, "reached_female": 5}),
        );
        assert_eq!((session.people, session.female), (Some(7), Some(5)));
        let business = facts(
            "business",
            json!({"name": "Karaoke B", "type": "karaoke", "workers": 4}),
        );
        assert_eq!(business.female, None, "female workers not given");
        let sanction = facts(
            "inspection",
            json!({"business_id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                   "violation_found": true, "sanction": "Cảnh cáo"}),
        );
        assert_eq!(sanction.category.as_deref(), Some(SANCTIONED));
        assert_eq!((sanction.flag, sanction.amount), (Some(true), None));
        let fine = facts(
            "inspection",
            json!({"business_id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                   "violation_found": false, "fine_vnd": 0}),
        );
        assert_eq!(
            fine.category.as_deref(),
            Some(NOT_SANCTIONED),
            "a fine of 0"
        );
        assert_eq!(fine.amount, Some(0));
    }
}
