//! The form of a commune's own prevention plan (kế hoạch của xã), issued and adopted.

use domain::RecordKind;
use leptos::prelude::*;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{DateField, TextField};
use crate::i18n::Key;

#[component]
pub fn CommunePlanPage() -> impl IntoView {
    let editor = Editor::new(RecordKind::CommunePlan);
    let fields = view! {
        <DateField path="occurred_on" label=Key::FieldPlanDate />
        <CommuneField />
        <TextField path="data.title" label=Key::FieldPlanTitle />
        <DateField path="data.adopted_on" label=Key::FieldAdoptedOn />
    }
    .into_any();
    view! { <RecordForm editor>{fields}</RecordForm> }
}
