//! The form of a pilot model (mô hình thí điểm) started in a commune.

use domain::RecordKind;
use leptos::prelude::*;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{DateField, TextField};
use crate::i18n::Key;

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
