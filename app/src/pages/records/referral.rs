//! The form of a harm-reduction support and referral (hỗ trợ giảm hại, giới thiệu dịch vụ). The
//! person is known only by a client code; no name, phone, ID number, address or photo is asked.

use domain::{AgeBand, Coded, RecordKind, ReferralService, ReferralStatus, Sex};
use leptos::prelude::*;

use super::client_code::ClientCodeField;
use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{choices, CheckField, ChoiceField, DateField, TextField};
use super::form::{Input, Line};
use crate::i18n::Key;
use crate::pages::routes::KindForm;

#[component]
pub fn ReferralPage() -> impl IntoView {
    let editor = Editor::new(RecordKind::Referral);
    // One type-erased piece keeps the page's type shallow enough for the compiler (the router
    // erases the whole page anyway, so no code is duplicated).
    let fields = view! {
        <DateField path="occurred_on" label=Key::FieldReferralDate />
        <CommuneField />
        <ClientCodeField />
        <ChoiceField path="data.age_band" label=Key::FieldAgeBand options=choices(AgeBand::ALL) />
        <ChoiceField path="data.sex" label=Key::FieldSex options=choices(Sex::ALL) />
        <CheckField path="data.in_need_eligible" label=Key::FieldInNeedEligible />
        <CheckField path="data.consent" label=Key::FieldConsent />
        <DateField path="data.consent_on" label=Key::FieldConsentOn />
        <ChoiceField path="data.service" label=Key::FieldService options=choices(ReferralService::ALL) />
        <TextField path="data.receiving_org" label=Key::FieldReceivingOrg />
        <ChoiceField path="data.status" label=Key::FieldStatus options=choices(ReferralStatus::ALL) />
        <DateField path="data.accessed_on" label=Key::FieldAccessedOn />
        <DateField path="data.follow_up_on" label=Key::FieldFollowUpOn future=true />
    }
    .into_any();
    view! { <RecordForm editor>{fields}</RecordForm> }
}

/// The kind's form, in the app's catalogue (`pages::routes`).
pub const FORM: KindForm = KindForm {
    kind: RecordKind::Referral,
    path: "/records/referral",
    page: || ReferralPage().into_any(),
    fields: &[
        ("client_code", Input::Text),
        ("age_band", Input::Text),
        ("sex", Input::Text),
        ("in_need_eligible", Input::Flag),
        ("consent", Input::Flag),
        ("consent_on", Input::Text),
        ("service", Input::Text),
        ("receiving_org", Input::Text),
        ("status", Input::Text),
        ("accessed_on", Input::Text),
        ("follow_up_on", Input::Text),
    ],
    district: false,
    summary,
};

/// Its line in the lists.
fn summary(line: &mut Line) {
    line.text(line.string("client_code"));
    line.text(line.label::<ReferralService>("service"));
    line.text(line.label::<ReferralStatus>("status"));
}
