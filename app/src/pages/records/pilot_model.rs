//! The form of a pilot model (mô hình thí điểm) a commune runs: the day it started (the record's
//! date) and, once it stops, the day it ended. PCMD-MH01 counts it in every period it runs in.

use domain::RecordKind;
use leptos::prelude::*;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{DateField, TextField};
use super::form::{Input, Line};
use crate::i18n::Key;
use crate::pages::routes::{lazy_page, KindForm};

#[component]
pub fn PilotModelPage() -> impl IntoView {
    let editor = Editor::new(RecordKind::PilotModel);
    let fields = view! {
        <DateField path="occurred_on" label=Key::FieldModelDate />
        <CommuneField />
        <TextField path="data.name" label=Key::FieldModelName />
        <DateField path="data.ended_on" label=Key::FieldModelEndedOn hint=Key::ModelEndedOnHint />
    }
    .into_any();
    view! { <RecordForm editor>{fields}</RecordForm> }
}

/// The kind's form, in the app's catalogue (`pages::routes`).
pub const FORM: KindForm = KindForm {
    kind: RecordKind::PilotModel,
    path: "/records/pilot-model",
    page: lazy_page!(pilot_model_page, PilotModelPage),
    fields: &[("name", Input::Text), ("ended_on", Input::Text)],
    district: false,
    summary,
};

/// Its line in the lists.
fn summary(line: &mut Line) {
    line.text(line.string("name"));
}
