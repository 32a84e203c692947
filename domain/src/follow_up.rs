//! Following up referrals, from the records an officer holds (on the phone, offline): per service,
//! the referrals sent in a period, those the receiving service confirmed and those still open; and
//! the open referrals older than [`FOLLOW_UP_AFTER_DAYS`], the officer's list of people to find.
//! Voided referrals are left out.

use crate::indicator::Period;
use crate::{
    Coded, Date, RecordData, Referral, ReferralService, ReferralStatus, SlipOutcome, ValidRecord,
};

/// An open referral this many days old is to follow up.
pub const FOLLOW_UP_AFTER_DAYS: i64 = 30;

/// One service's referrals sent in a period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceReferrals {
    pub service: Option<ReferralService>,
    pub sent: u32,
    /// The receiving service confirmed the person came.
    pub confirmed: u32,
    /// Neither accessed, declined nor lost yet.
    pub open: u32,
}

fn referral(record: &ValidRecord) -> Option<&Referral> {
    match record.data() {
        RecordData::Referral(referral) if !record.voided() => Some(referral),
        _ => None,
    }
}

fn is_open(referral: &Referral) -> bool {
    referral.status == ReferralStatus::Referred && referral.confirmation.is_none()
}

/// Per service with referrals sent in `period`, in the list's order.
pub fn by_service(records: &[ValidRecord], period: Period) -> Vec<ServiceReferrals> {
    ReferralService::ALL
        .iter()
        .map(|&service| {
            let mut line = ServiceReferrals {
                service: Some(service),
                ..ServiceReferrals::default()
            };
            for record in records.iter().filter(|r| period.contains(r.occurred_on())) {
                let Some(referral) = referral(record).filter(|r| r.service == service) else {
                    continue;
                };
                line.sent += 1;
                let received = referral
                    .confirmation
                    .as_ref()
                    .is_some_and(|c| c.outcome == SlipOutcome::Received);
                line.confirmed += u32::from(received);
                line.open += u32::from(is_open(referral));
            }
            line
        })
        .filter(|line| line.sent > 0)
        .collect()
}

/// The open referrals made [`FOLLOW_UP_AFTER_DAYS`] or more before `today`, oldest first.
pub fn overdue(records: &[ValidRecord], today: Date) -> Vec<&ValidRecord> {
    let mut due: Vec<&ValidRecord> = records
        .iter()
        .filter(|record| referral(record).is_some_and(is_open))
        .filter(|record| record.occurred_on().days_until(today) >= FOLLOW_UP_AFTER_DAYS)
        .collect();
    due.sort_by_key(|record| (record.occurred_on(), record.id().to_string()));
    due
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate_value;
    use serde_json::json;

    fn referral_on(id: u8, on: &str, service: &str, changes: serde_json::Value) -> ValidRecord {
        let mut data = json!({"client_code": "MT1990F7", "in_need_eligible": true, "consent": true,
                              "service": service, "status": "referred"});
        for (key, value) in changes.as_object().unwrap() {
            data[key] = value.clone();
        }
        let voided = data.as_object_mut().unwrap().remove("voided").is_some();
        let record = json!({"id": format!("00000000-0000-4000-8000-0000000000{id:02}"),
            "kind": "referral", "org_unit_id": "ou-1", "occurred_on": on, "base_version": 0,
            "voided": voided, "data": data});
        validate_value(&record, Date::parse("2023-12-31").unwrap()).unwrap()
    }

    fn records() -> Vec<ValidRecord> {
        let confirmed = json!({"service_id": "rs-1", "service_name": "TTYT", "outcome": "received", "on": "2023-05-03"});
        let no_show = json!({"service_id": "rs-1", "service_name": "TTYT", "outcome": "no_show", "on": "2023-06-01"});
        vec![
            referral_on(1, "2023-05-01", "HIV_TEST", json!({})),
            referral_on(
                2,
                "2023-05-02",
                "HIV_TEST",
                json!({"status": "accessed", "accessed_on": "2023-05-03", "confirmation": confirmed}),
            ),
            referral_on(
                3,
                "2023-05-03",
                "HIV_TEST",
                json!({"status": "lost", "confirmation": no_show}),
            ),
            referral_on(4, "2023-04-10", "LEGAL", json!({})),
            referral_on(
                5,
                "2023-05-20",
                "LEGAL",
                json!({"status": "accessed", "accessed_on": "2023-05-21"}),
            ),
            referral_on(6, "2023-05-04", "LEGAL", json!({"voided": true})),
            referral_on(7, "2023-07-01", "HIV_TEST", json!({})),
        ]
    }

    #[test]
    fn per_service_the_referrals_sent_confirmed_and_open_in_the_period() {
        let q2 = Period::new(2023, Some(2)).unwrap();
        let lines = by_service(&records(), q2);
        assert_eq!(
            lines,
            [
                ServiceReferrals {
                    service: Some(ReferralService::HivTest),
                    sent: 3,
                    confirmed: 1,
                    open: 1
                },
                // Accessed as the officer wrote it, unconfirmed: neither open nor confirmed.
                ServiceReferrals {
                    service: Some(ReferralService::Legal),
                    sent: 2,
                    confirmed: 0,
                    open: 1
                },
            ]
        );
    }

    #[test]
    fn open_referrals_a_month_old_are_to_follow_up_oldest_first() {
        let records = records();
        let ids = |today: &str| -> Vec<String> {
            overdue(&records, Date::parse(today).unwrap())
                .iter()
                .map(|r| r.id()[34..].to_string())
                .collect()
        };
        assert_eq!(ids("2023-05-30"), ["04"]);
        assert_eq!(ids("2023-05-31"), ["04", "01"]);
        assert_eq!(ids("2023-08-15"), ["04", "01", "07"]);
    }
}
