//! The form of an awareness / outreach session (buổi tuyên truyền).

use domain::{Audience, Coded, Language, OutreachFormat, RecordKind};
use leptos::prelude::*;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{choices, ChoiceField, DateField, NotesField, TextField};
use crate::i18n::Key;

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
        <div class="pair">
            <TextField path="data.reached_male" label=Key::FieldReachedMale numeric=true />
            <TextField path="data.reached_female" label=Key::FieldReachedFemale numeric=true />
        </div>
        <ChoiceField path="data.language" label=Key::FieldLanguage options=choices(Language::ALL) />
        <TextField path="data.organising_unit" label=Key::FieldOrganisingUnit />
        <NotesField path="data.notes" label=Key::FieldNotes />
    }
    .into_any();
    view! { <RecordForm editor>{fields}</RecordForm> }
}
