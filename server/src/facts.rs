//! The few fields of a record's data that indicators count, as the typed `fact_*` columns of
//! `records` (migration 0004, whose backfill reads the same fields from stored JSON).

use crate::model::RecordFacts;
use domain::{Coded, RecordData, ReferralStatus, ValidRecord};

pub fn facts_of(record: &ValidRecord) -> RecordFacts {
    let facts = RecordFacts::default();
    match record.data() {
        RecordData::OutreachSession(session) => RecordFacts {
            people: Some(i64::from(session.reached_male) + i64::from(session.reached_female)),
            category: Some(session.audience.as_str().into()),
            ..facts
        },
        RecordData::Business(business) => RecordFacts {
            people: Some(business.workers.into()),
            ..facts
        },
        RecordData::Training(training) => RecordFacts {
            people: Some(training.trainees.into()),
            category: Some(training.level.as_str().into()),
            ..facts
        },
        RecordData::MediaPost(post) => RecordFacts {
            category: Some(post.channel.as_str().into()),
            ..facts
        },
        RecordData::Inspection(inspection) => RecordFacts {
            subject: Some(inspection.business_id.clone()),
            ..facts
        },
        RecordData::Referral(referral) => RecordFacts {
            subject: Some(referral.client_code.as_str().into()),
            eligible: Some(referral.in_need_eligible),
            date: (referral.status == ReferralStatus::Accessed)
                .then_some(referral.accessed_on)
                .flatten()
                .map(|date| date.to_string()),
            ..facts
        },
        RecordData::AgencyIntegration(integration) => RecordFacts {
            subject: Some(integration.agency.clone()),
            ..facts
        },
        RecordData::TipOff(tip_off) => RecordFacts {
            date: tip_off.handled_on.map(|date| date.to_string()),
            days: tip_off
                .handled_on
                .map(|handled| record.occurred_on().days_until(handled)),
            ..facts
        },
        RecordData::CommunePlan(_) | RecordData::PilotModel(_) => facts,
    }
}
