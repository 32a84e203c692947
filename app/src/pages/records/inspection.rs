//! The form of an inspection of an at-risk business (team 178), picked from the register on this
//! phone (`business_field`).

use domain::RecordKind;
use leptos::prelude::*;

use super::business_field::BusinessField;
use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{CheckField, DateField, NotesField, TextField};
use super::form::{thousands, Input, Line};
use crate::i18n::Key;
use crate::pages::routes::{lazy_page, KindForm};

#[component]
pub fn InspectionPage() -> impl IntoView {
    let editor = Editor::new(RecordKind::Inspection);
    let fields = view! {
        <DateField path="occurred_on" label=Key::FieldInspectionDate />
        <BusinessField label=Key::FieldBusiness new_business=true />
        <CommuneField />
        <TextField path="data.team" label=Key::FieldTeam />
        <NotesField path="data.findings" label=Key::FieldFindings />
        <CheckField path="data.violation_found" label=Key::FieldViolationFound />
        <TextField path="data.sanction" label=Key::FieldSanction />
        <TextField path="data.fine_vnd" label=Key::FieldFineVnd numeric=true />
    }
    .into_any();
    view! { <RecordForm editor>{fields}</RecordForm> }
}
/// The kind's form, in the app's catalogue (`pages::routes`).
pub const FORM: KindForm = KindForm {
    kind: RecordKind::Inspection,
    path: "/records/inspection",
    page: lazy_page!(inspection_page, InspectionPage),
    fields: &[
        ("business_id", Input::Text),
        ("team", Input::Text),
        ("findings", Input::Text),
        ("violation_found", Input::Flag),
        ("sanction", Input::Text),
        ("fine_vnd", Input::Amount),
    ],
    district: false,
    summary,
};

/// Its line in the lists.
fn summary(line: &mut Line) {
    line.text(line.string("team"));
    let violation = match line.flag("violation_found") {
        Some(true) => Some(Key::ViolationFound),
        Some(false) => Some(Key::NoViolation),
        None => None,
    };
    line.text(violation.map(|key| key.text(line.lang)));
    line.text(line.string("sanction"));
    if let Some(fine) = line.amount("fine_vnd").filter(|fine| *fine > 0) {
        line.text(Some(&format!("{} đ", thousands(fine))));
    }
}
