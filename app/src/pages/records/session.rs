//! The form of an awareness / outreach session (buổi tuyên truyền). A session for a business's
//! workers may name the business it was held at (PCMD-TT03 counts, per business, at most its
//! workers); a session for students asks how many were reached for the first time this year
//! (PCMD-TT04 counts students, not attendances). Each is asked, and sent, only for its audience.

use domain::{Audience, Coded, Language, OutreachFormat, RecordKind};
use leptos::prelude::*;

use super::business_field::BusinessField;
use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{choices, Asked, ChoiceField, DateField, NotesField, TextField};
use super::form::{Input, Line};
use crate::i18n::Key;
use crate::pages::routes::{lazy_page, KindForm};

#[component]
pub fn SessionPage() -> impl IntoView {
    let editor = Editor::new(RecordKind::OutreachSession);
    // One type-erased piece keeps the page's type shallow enough for the compiler (the router
    // erases the whole page anyway, so no code is duplicated).
    let fields = view! {
        <DateField path="occurred_on" label=Key::FieldSessionDate />
        <CommuneField />
        <TextField path="data.village" label=Key::FieldVillage />
        <ChoiceField path="data.format" label=Key::FieldFormat options=choices(OutreachFormat::ALL) />
        <ChoiceField path="data.audience" label=Key::FieldAudience options=choices(Audience::ALL) />
        <Asked fields=FORM.fields name="business_id">
            <BusinessField label=Key::FieldSessionBusiness hint=Key::SessionBusinessHint />
        </Asked>
        <div class="pair">
            <TextField path="data.reached_male" label=Key::FieldReachedMale numeric=true />
            <TextField path="data.reached_female" label=Key::FieldReachedFemale numeric=true />
        </div>
        <Asked fields=FORM.fields name="reached_first_time">
            <TextField path="data.reached_first_time" label=Key::FieldReachedFirstTime numeric=true
                hint=Key::ReachedFirstTimeHint />
        </Asked>
        <ChoiceField path="data.language" label=Key::FieldLanguage options=choices(Language::ALL) />
        <TextField path="data.organising_unit" label=Key::FieldOrganisingUnit />
        <NotesField path="data.notes" label=Key::FieldNotes />
    }
    .into_any();
    view! { <RecordForm editor>{fields}</RecordForm> }
}

/// The kind's form, in the app's catalogue (`pages::routes`).
pub const FORM: KindForm = KindForm {
    kind: RecordKind::OutreachSession,
    path: "/records/session",
    page: lazy_page!(session_page, SessionPage),
    fields: &[
        ("village", Input::Text),
        ("format", Input::Text),
        ("audience", Input::Text),
        (
            "business_id",
            Input::Only {
                field: "audience",
                value: "business_workers",
                input: &Input::Text,
            },
        ),
        ("reached_male", Input::Count),
        ("reached_female", Input::Count),
        (
            "reached_first_time",
            Input::Only {
                field: "audience",
                value: "students",
                input: &Input::Count,
            },
        ),
        ("language", Input::Text),
        ("organising_unit", Input::Text),
        ("notes", Input::Text),
    ],
    district: false,
    summary,
};

/// Its line in the lists.
fn summary(line: &mut Line) {
    let [people, men, women] = line.words;
    line.text(line.string("village"));
    line.text(line.label::<OutreachFormat>("format"));
    line.text(line.label::<Audience>("audience"));
    if let (Some(male), Some(female)) = (line.count("reached_male"), line.count("reached_female")) {
        let reached = format!(
            "{} {people} ({men} {male}, {women} {female})",
            male + female
        );
        line.text(Some(&reached));
    }
}
