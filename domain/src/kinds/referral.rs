//! The `referral` record kind: its data, the closed lists its form offers, and its reader.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::coded::coded;
use crate::reader::{boolean, coded, string, text, trimmed, Reader};
use crate::validate::{Dates, MAX_TEXT};
use crate::{ClientCode, ClientCodeError, Date, ErrorCode, ReferralService, SlipCode};

coded! {
    /// Age band of a person supported: never a birth date.
    pub enum AgeBand {
        Under18 = "under_18", "Dưới 18 tuổi", "Under 18";
        From18To24 = "18_24", "18–24 tuổi", "18–24";
        From25To34 = "25_34", "25–34 tuổi", "25–34";
        From35To49 = "35_49", "35–49 tuổi", "35–49";
        From50 = "50_plus", "Từ 50 tuổi trở lên", "50 and over";
    }
}

// Also one of the answers a client code is made from (`ClientAnswers`).
coded! {
    pub enum Sex {
        Female = "female", "Nữ", "Female";
        Male = "male", "Nam", "Male";
        Other = "other", "Khác", "Other";
    }
}

coded! {
    /// Where a referral stands; updated after the first sync when the person reaches the service.
    pub enum ReferralStatus {
        Referred = "referred", "Đã giới thiệu", "Referred";
        Accessed = "accessed", "Đã tiếp cận dịch vụ", "Accessed the service";
        Declined = "declined", "Từ chối", "Declined";
        Lost = "lost", "Mất dấu", "Lost to follow-up";
    }
}

coded! {
    /// What the receiving service answered for a slip.
    pub enum SlipOutcome {
        Received = "received", "Đã tiếp nhận", "Received";
        NoShow = "no_show", "Không đến", "Did not come";
    }
}

/// The receiving service's answer to a referral's slip, written by the server when the service
/// confirms (a version of the referral by the service's account); officers' phones keep it as
/// it is. While present it decides the status: `received` is `accessed` on its day, `no_show` is
/// `lost`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    pub service_id: String,
    /// The service's name when it answered, for the phone to show offline.
    pub service_name: String,
    pub outcome: SlipOutcome,
    pub on: Date,
}

impl Confirmation {
    /// The status and access date the referral has while the confirmation stands.
    pub fn status(&self) -> (ReferralStatus, Option<Date>) {
        match self.outcome {
            SlipOutcome::Received => (ReferralStatus::Accessed, Some(self.on)),
            SlipOutcome::NoShow => (ReferralStatus::Lost, None),
        }
    }
}

/// Harm-reduction support and referral of one person to one service. Identifies the person only
/// by a pseudonymous client code.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Referral {
    pub client_code: ClientCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_band: Option<AgeBand>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// The person has a need and is eligible (the denominator of PCMD-HT01).
    pub in_need_eligible: bool,
    /// Always true once validated: a referral without consent is rejected.
    pub consent: bool,
    /// When consent was given; absent means on the record's `occurred_on`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent_on: Option<Date>,
    pub service: ReferralService,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receiving_org: Option<String>,
    pub status: ReferralStatus,
    /// Present whenever `status` is `accessed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accessed_on: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up_on: Option<Date>,
    /// The slip the person hands to the service (`SlipCode`); made on the phone at saving.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slip_code: Option<SlipCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<Confirmation>,
}

fn slip_code(value: &Value) -> Result<SlipCode, ErrorCode> {
    SlipCode::parse(string(value)?).map_err(|_| ErrorCode::InvalidSlipCode)
}

fn confirmation(value: &Value) -> Result<Confirmation, ErrorCode> {
    let confirmation: Confirmation =
        serde_json::from_value(value.clone()).map_err(|_| ErrorCode::InvalidFormat)?;
    Ok(Confirmation {
        service_id: trimmed(&confirmation.service_id, MAX_TEXT)?,
        service_name: trimmed(&confirmation.service_name, MAX_TEXT)?,
        ..confirmation
    })
}

pub(super) fn read(r: &mut Reader, dates: Dates) -> Option<Referral> {
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
    let slip_code = r.optional("slip_code", slip_code);
    let confirmation = r.optional("confirmation", confirmation);
    if let Some(Some(confirmed)) = &confirmation {
        if let Err(code) = dates.happened_since_record(confirmed.on) {
            r.report("confirmation", code);
        }
        let (status_confirmed, accessed_confirmed) = confirmed.status();
        let agrees = status == Some(status_confirmed)
            && (accessed_confirmed.is_none() || accessed_on == Some(accessed_confirmed));
        if !agrees {
            r.report("status", ErrorCode::ConfirmedByService);
        }
    }
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
        slip_code: slip_code?,
        confirmation: confirmation?,
    })
}

#[cfg(test)]
pub(super) fn example() -> serde_json::Value {
    serde_json::json!({
        "client_code": "MT1990F7", "age_band": "25_34", "sex": "female",
        "in_need_eligible": true, "consent": true, "consent_on": "2023-03-14",
        "service": "HIV_TEST", "receiving_org": "Trung tâm Y tế huyện",
        "status": "accessed", "accessed_on": "2023-03-20", "follow_up_on": "2024-02-01"
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::coded::{assert_coded_list, codes};
    use crate::kinds::valid_data;
    use crate::validate::testing::{day, error, errors, record, today};
    use crate::{validate, Coded, Lang, RecordData, RecordKind};

    #[test]
    fn lists_are_those_of_the_api() {
        assert_coded_list::<AgeBand>();
        assert_coded_list::<Sex>();
        assert_coded_list::<ReferralStatus>();
        assert_eq!(
            codes::<AgeBand>(),
            ["under_18", "18_24", "25_34", "35_49", "50_plus"]
        );
        assert_eq!(codes::<Sex>(), ["female", "male", "other"]);
        assert_eq!(
            codes::<ReferralStatus>(),
            ["referred", "accessed", "declined", "lost"]
        );
        assert_eq!(ReferralStatus::Lost.label(Lang::Vi), "Mất dấu");
    }

    #[test]
    fn typed_data_holds_the_values_sent() {
        let RecordData::Referral(referral) = valid_data(RecordKind::Referral) else {
            panic!("wrong kind");
        };
        assert_eq!(referral.client_code.as_str(), "MT1990F7");
        assert_eq!(referral.age_band, Some(AgeBand::From25To34));
        assert_eq!(referral.sex, Some(Sex::Female));
        assert_eq!(referral.service, ReferralService::HivTest);
        assert_eq!(referral.accessed_on, Some(day("2023-03-20")));
    }

    fn referral_with(changes: Value) -> Value {
        let mut data = example();
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
    fn a_confirmation_by_the_service_decides_the_status() {
        let confirmed = |outcome: &str, on: &str| json!({"service_id": "rs-1", "service_name": "Trung tâm Y tế", "outcome": outcome, "on": on});
        let received = referral_with(json!({
            "slip_code": "k7qmx-3pd9a", "confirmation": confirmed("received", "2023-03-20")
        }));
        // A slip code is checked like any code: this one is a typo of none.
        assert_eq!(
            errors(RecordKind::Referral, received.clone()),
            [error("data.slip_code", ErrorCode::InvalidSlipCode)]
        );
        let slip = SlipCode::from_random(&[7; 16]).unwrap();
        let with_slip = |changes: Value| {
            let mut data = referral_with(changes);
            data["slip_code"] = json!(slip.to_string().to_lowercase());
            data
        };
        let received = with_slip(json!({"confirmation": confirmed("received", "2023-03-20")}));
        let valid = validate(&record(RecordKind::Referral, received), today()).unwrap();
        let RecordData::Referral(referral) = valid.data() else {
            panic!("wrong kind");
        };
        assert_eq!(referral.slip_code.as_ref(), Some(&slip));
        assert_eq!(
            referral.confirmation.as_ref().unwrap().outcome,
            SlipOutcome::Received
        );
        // The officer cannot say otherwise while the confirmation stands.
        for changes in [
            json!({"confirmation": confirmed("received", "2023-03-21")}),
            json!({"status": "lost", "accessed_on": null, "confirmation": confirmed("received", "2023-03-20")}),
            json!({"confirmation": confirmed("no_show", "2023-03-20")}),
        ] {
            assert_eq!(
                errors(RecordKind::Referral, with_slip(changes.clone())),
                [error("data.status", ErrorCode::ConfirmedByService)],
                "{changes}"
            );
        }
        let no_show = with_slip(json!({
            "status": "lost", "accessed_on": null, "confirmation": confirmed("no_show", "2023-04-30")
        }));
        assert!(validate(&record(RecordKind::Referral, no_show), today()).is_ok());
        assert_eq!(
            errors(
                RecordKind::Referral,
                with_slip(json!({"confirmation": {"service_id": "rs-1", "outcome": "received"}}))
            ),
            [error("data.confirmation", ErrorCode::InvalidFormat)]
        );
        assert_eq!(
            errors(
                RecordKind::Referral,
                with_slip(
                    json!({"status": "lost", "accessed_on": null, "confirmation": confirmed("no_show", "2023-03-01")})
                )
            ),
            [error("data.confirmation", ErrorCode::BeforeOccurredOn)]
        );
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
}
