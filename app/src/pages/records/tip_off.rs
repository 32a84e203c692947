//! The form of a tip-off, report or complaint (tin tố giác, tin báo, khiếu nại). The record's date
//! is the day it was received; the deadline for handling it (a district setting, kept on the
//! phone) is shown beside it.

use domain::{Coded, Date, RecordKind, TipOffChannel, TipOffClass, Verification};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{choices, use_form, ChoiceField, DateField, NotesField};
use super::form::{days_after, OCCURRED_ON};
use super::form::{Input, Line};
use crate::i18n::{use_i18n, Key};
use crate::pages::routes::{lazy_page, KindForm};
use crate::session::fetch_settings;

#[component]
pub fn TipOffPage() -> impl IntoView {
    let editor = Editor::new(RecordKind::TipOff);
    let fields = view! {
        <DateField path="occurred_on" label=Key::FieldReceivedOn />
        <Deadline />
        <CommuneField />
        <ChoiceField path="data.channel" label=Key::FieldChannel options=choices(TipOffChannel::ALL) />
        <ChoiceField path="data.classification" label=Key::FieldClassification options=choices(TipOffClass::ALL) />
        <ChoiceField path="data.verification" label=Key::FieldVerification options=choices(Verification::ALL) />
        <NotesField path="data.outcome" label=Key::FieldOutcome />
        <DateField path="data.handled_on" label=Key::FieldHandledOn />
    }
    .into_any();
    view! { <RecordForm editor>{fields}</RecordForm> }
}

/// "Handle by dd/mm/yyyy (20 days after receipt)", once the received date and the deadline are
/// known.
#[component]
fn Deadline() -> impl IntoView {
    let form = use_form();
    let i18n = use_i18n();
    // Read from the phone after hydration, so the first render equals the server's; refreshed
    // while there is signal.
    let days = RwSignal::new(None::<u32>);
    let auth = crate::auth::use_auth();
    Effect::new(move |_| {
        let Some(officer_id) = auth.officer.with(|o| o.as_ref().map(|o| o.id.clone())) else {
            return;
        };
        days.set(tip_off_deadline_days(&officer_id));
        spawn_local(async move {
            fetch_settings(&officer_id).await;
            days.set(tip_off_deadline_days(&officer_id));
        });
    });
    move || {
        let days = days.get()?;
        let received: Date = form.value(OCCURRED_ON).parse().ok()?;
        let due = days_after(received, days)?;
        let text = format!(
            "{}: {} ({days} {})",
            i18n.t(Key::HandleBy),
            due.format_vn(),
            i18n.t(Key::DaysAfterReceipt)
        );
        Some(view! { <p class="hint deadline" data-testid="tip-off-deadline">{text}</p> })
    }
}

/// Days to handle a tip-off in, as last fetched; `None` until the phone once had signal.
fn tip_off_deadline_days(officer_id: &str) -> Option<u32> {
    crate::auth::kept_settings(officer_id).map(|s| s.tip_off_deadline_days)
}

/// The kind's form, in the app's catalogue (`pages::routes`).
pub const FORM: KindForm = KindForm {
    kind: RecordKind::TipOff,
    path: "/records/tip-off",
    page: lazy_page!(tip_off_page, TipOffPage),
    fields: &[
        ("channel", Input::Text),
        ("classification", Input::Text),
        ("verification", Input::Text),
        ("outcome", Input::Text),
        ("handled_on", Input::Text),
    ],
    district: false,
    summary,
};

/// Its line in the lists.
fn summary(line: &mut Line) {
    line.text(line.label::<TipOffChannel>("channel"));
    line.text(line.label::<TipOffClass>("classification"));
    line.text(line.label::<Verification>("verification"));
    let handled = match line.day("handled_on") {
        Some(day) => format!("{} {}", Key::HandledOn.text(line.lang), day.format_vn()),
        None => Key::NotHandled.text(line.lang).to_string(),
    };
    line.text(Some(&handled));
}
