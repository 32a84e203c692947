//! The form of a harm-reduction support and referral (hỗ trợ giảm hại, giới thiệu dịch vụ). The
//! person is known only by a client code; no name, phone, ID number, address or photo is asked.
//! A new referral carries a slip code made on the phone (`domain::SlipCode`): the slip, shown full
//! screen to hand over or photograph, holds the code, the service and the day, nothing about the
//! person. The receiving service's answer comes back as `data.confirmation`, shown here.

use domain::{
    AgeBand, Coded, Confirmation, RecordKind, ReferralService, ReferralStatus, Sex, SlipCode,
    SlipOutcome,
};
use leptos::prelude::*;
use std::fmt::Write as _;

use super::client_code::ClientCodeField;
use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{choices, CheckField, ChoiceField, DateField, TextField};
use super::form::{Input, Line};
use crate::i18n::{tr, use_i18n, Key};
use crate::offline;
use crate::pages::routes::SERVICE;
use crate::pages::routes::{lazy_page, KindForm};

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
    let after = move || view! { <ConfirmationNote editor /><SlipCard editor /> };
    view! { <RecordForm editor after>{fields}</RecordForm> }
}

/// What the receiving service answered, if it has.
#[component]
fn ConfirmationNote(editor: Editor) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let confirmation: Confirmation =
            serde_json::from_str(&editor.text("data.confirmation")?).ok()?;
        let lang = i18n.lang.get();
        let said = match confirmation.outcome {
            SlipOutcome::Received => Key::ConfirmedReceived,
            SlipOutcome::NoShow => Key::ConfirmedNoShow,
        };
        Some(view! {
            <p class="notice confirmed" role="status" data-testid="confirmation">
                {confirmation.service_name}" "{said.text(lang)}" "{confirmation.on.format_vn()}
            </p>
        })
    }
}

/// The slip's code under the form, and the slip itself full screen: at once after a new referral
/// is saved, and whenever the officer asks.
#[component]
fn SlipCard(editor: Editor) -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(false);
    Effect::new(move |_| {
        if editor.just_saved() {
            shown.set(true);
        }
    });
    let slip = move || SlipCode::parse(&editor.text("data.slip_code")?).ok();
    let service = move || {
        let code = editor.text("data.service")?;
        ReferralService::parse(&code).map(|service| service.label(i18n.lang.get()))
    };
    move || {
        let code = slip()?.to_string();
        let full = code.clone();
        let code_for_qr = code.clone();
        Some(view! {
            <section class="card slip-card" data-testid="slip-card">
                <h2>{tr(Key::SlipTitle)}</h2>
                <p class="slip-code">{code}</p>
                <p class="hint">{tr(Key::SlipHint)}</p>
                <button class="button wide" type="button" data-testid="show-slip" on:click=move |_| shown.set(true)>
                    {tr(Key::SlipShow)}
                </button>
            </section>
            <div class="slip" role="dialog" aria-modal="true" aria-labelledby="slip-title" data-testid="slip" hidden=move || !shown.get()>
                <h2 id="slip-title">{tr(Key::SlipTitle)}</h2>
                <p class="slip-code big" data-testid="slip-code">{full}</p>
                <p class="slip-service">{service}</p>
                <SlipQr code=code_for_qr service=editor.text("data.service").unwrap_or_default() />
                <p>{tr(Key::SlipDate)}" "{move || editor.text("occurred_on").and_then(|d| domain::Date::parse(&d).ok()).map(|d| d.format_vn())}</p>
                <p class="hint">{tr(Key::SlipNothingPersonal)}</p>
                // Just saved, the slip was the last step: back to the list.
                <button class="button wide secondary" type="button" data-testid="close-slip"
                    on:click=move |_| if editor.just_saved() { editor.back_to_list() } else { shown.set(false) }>
                    {move || tr(if editor.just_saved() { Key::SlipDone } else { Key::Close })}
                </button>
            </div>
        })
    }
}

/// The slip as a QR code: a link to the receiving service's page with the code (and the service
/// asked for) filled in, so that the service's phone camera opens it; nothing about the person.
#[component]
fn SlipQr(code: String, service: String) -> impl IntoView {
    let link = format!(
        "{}{SERVICE}?slip={code}&service={service}",
        offline::origin()
    );
    let qr = qrcodegen::QrCode::encode_text(&link, qrcodegen::QrCodeEcc::Medium).ok()?;
    let size = qr.size();
    let mut path = String::new();
    for y in 0..size {
        for x in (0..size).filter(|&x| qr.get_module(x, y)) {
            let _ = write!(path, "M{x} {y}h1v1h-1z");
        }
    }
    // A quiet zone of four modules around it, as scanners expect.
    let view_box = format!("-4 -4 {} {}", size + 8, size + 8);
    Some(view! {
        <svg class="slip-qr" viewBox=view_box role="img" aria-label=format!("QR {code}") data-testid="slip-qr"
            data-link=link shape-rendering="crispEdges">
            <rect x="-4" y="-4" width=size + 8 height=size + 8 fill="#fff" />
            <path d=path fill="#000" />
        </svg>
    })
}

/// The kind's form, in the app's catalogue (`pages::routes`).
pub const FORM: KindForm = KindForm {
    kind: RecordKind::Referral,
    path: "/records/referral",
    page: lazy_page!(referral_page, ReferralPage),
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
        ("slip_code", Input::Text),
        ("confirmation", Input::Kept),
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
