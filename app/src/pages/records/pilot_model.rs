//! The form of a pilot model (mô hình thí điểm) started in a commune.

use domain::RecordKind;
use leptos::prelude::*;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{DateField, TextField};
use super::form::{Input, Line};
use crate::i18n::Key;
use crate::pages::routes::KindForm;

#[component]
pub fn PilotModelPage() -> impl IntoView {
    let editor = Editor::new(RecordKind::PilotModel);
    let fields = view! {
        <DateField path="occurred_on" label=Key::FieldModelDate />
        <CommuneField />
        <TextField path="data.name" label=Key::FieldModelName />
    }
    .into_any();
    view! { <RecordForm editor>{fields}</RecordForm> }
}

/// The kind's form, in the app's catalogue (`pages::routes`).
pub const FORM: KindForm = KindForm {
    kind: RecordKind::PilotModel,
    path: "/records/pilot-model",
    page: || PilotModelPage().into_any(),
    fields: &[("name", Input::Text)],
    district: false,
    summary,
};

/// Its line in the lists.
fn summary(line: &mut Line) {
    line.text(line.string("name"));
}
