//! The form of an agency integrating prostitution prevention into another programme (lồng ghép
//! nhiệm vụ), usually at district level.

use domain::RecordKind;
use leptos::prelude::*;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{DateField, TextField};
use crate::i18n::Key;

#[component]
pub fn AgencyIntegrationPage() -> impl IntoView {
    let editor = Editor::new(RecordKind::AgencyIntegration);
    let fields = view! {
        <DateField path="occurred_on" label=Key::FieldIntegrationDate />
        <CommuneField district=true />
        <TextField path="data.agency" label=Key::FieldAgency />
        <TextField path="data.programme" label=Key::FieldProgramme />
    }
    .into_any();
    view! { <RecordForm editor>{fields}</RecordForm> }
}
