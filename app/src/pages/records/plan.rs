//! The form of a commune's own prevention plan (kế hoạch của xã), issued and adopted.

use domain::RecordKind;
use leptos::prelude::*;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{DateField, TextField};
use super::form::{Input, Line};
use crate::i18n::Key;
use crate::pages::routes::{lazy_page, KindForm};

#[component]
pub fn CommunePlanPage() -> impl IntoView {
    let editor = Editor::new(RecordKind::CommunePlan);
    let fields = view! {
        <DateField path="occurred_on" label=Key::FieldPlanDate />
        <CommuneField />
        <TextField path="data.title" label=Key::FieldPlanTitle />
        <DateField path="data.adopted_on" label=Key::FieldAdoptedOn hint=Key::AdoptedOnHint />
    }
    .into_any();
    view! { <RecordForm editor>{fields}</RecordForm> }
}

/// The kind's form, in the app's catalogue (`pages::routes`).
pub const FORM: KindForm = KindForm {
    kind: RecordKind::CommunePlan,
    path: "/records/commune-plan",
    page: lazy_page!(commune_plan_page, CommunePlanPage),
    fields: &[("title", Input::Text), ("adopted_on", Input::Text)],
    district: false,
    summary,
};

/// Its line in the lists.
fn summary(line: &mut Line) {
    line.text(line.string("title"));
    if let Some(day) = line.day("adopted_on") {
        let adopted = format!("{} {}", Key::AdoptedOn.text(line.lang), day.format_vn());
        line.text(Some(&adopted));
    }
}
