//! The form of an agency integrating prostitution prevention into another programme (lồng ghép
//! nhiệm vụ), usually at district level.

use domain::RecordKind;
use leptos::prelude::*;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{DateField, TextField};
use super::form::{Input, Line};
use crate::i18n::Key;
use crate::pages::routes::KindForm;

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

/// The kind's form, in the app's catalogue (`pages::routes`).
pub const FORM: KindForm = KindForm {
    kind: RecordKind::AgencyIntegration,
    path: "/records/agency-integration",
    page: || AgencyIntegrationPage().into_any(),
    fields: &[("agency", Input::Text), ("programme", Input::Text)],
    // Recorded for the district itself too (`API.md`).
    district: true,
    summary,
};

/// Its line in the lists.
fn summary(line: &mut Line) {
    line.text(line.string("agency"));
    line.text(line.string("programme"));
}
