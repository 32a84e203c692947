//! The form of an at-risk service business (cơ sở kinh doanh dịch vụ dễ phát sinh tệ nạn mại
//! dâm): an entry of the register that inspections refer to. Once saved, the form stays open with
//! a button to inspect the business at once, offline as well.

use domain::{BusinessType, Coded, RecordKind};
use leptos::prelude::*;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{choices, ChoiceField, DateField, TextField};
use super::form::{Input, Line};
use crate::i18n::{tr, Key};
use crate::pages::routes::{form_path, lazy_page, KindForm};

#[component]
pub fn BusinessPage() -> impl IntoView {
    let editor = Editor::new(RecordKind::Business);
    let fields = view! {
        <DateField path="occurred_on" label=Key::FieldRegisteredOn />
        <CommuneField />
        <TextField path="data.name" label=Key::FieldBusinessName />
        <ChoiceField path="data.type" label=Key::FieldBusinessType options=choices(BusinessType::ALL) />
        <div class="pair">
            <TextField path="data.workers" label=Key::FieldWorkers numeric=true />
            <TextField path="data.female_workers" label=Key::FieldFemaleWorkers numeric=true />
        </div>
        <TextField path="data.village" label=Key::FieldVillage />
    }
    .into_any();
    let inspect = move || {
        let id = editor
            .id()
            .filter(|_| editor.saved_before() && !editor.voided())?;
        let href = format!("{}?business_id={id}", form_path(RecordKind::Inspection));
        Some(view! {
            {editor.just_saved().then(|| view! {
                <p class="ok" role="status" data-testid="business-saved">{tr(Key::BusinessSavedNote)}</p>
            })}
            <a href=href class="button wide" data-testid="inspect-business">{tr(Key::InspectThisBusiness)}</a>
        })
    };
    let after = move || view! { <div class="inspect-business">{inspect}</div> };
    view! { <RecordForm editor after>{fields}</RecordForm> }
}

/// The kind's form, in the app's catalogue (`pages::routes`).
pub const FORM: KindForm = KindForm {
    kind: RecordKind::Business,
    path: "/records/business",
    page: lazy_page!(business_page, BusinessPage),
    fields: &[
        ("name", Input::Text),
        ("type", Input::Text),
        ("workers", Input::Count),
        ("female_workers", Input::Count),
        ("village", Input::Text),
    ],
    district: false,
    summary,
};

/// Its line in the lists.
fn summary(line: &mut Line) {
    let [people, _, women] = line.words;
    line.text(line.string("name"));
    line.text(line.label::<BusinessType>("type"));
    line.text(line.string("village"));
    if let Some(workers) = line.count("workers") {
        let staff = match line.count("female_workers") {
            Some(female) => format!("{workers} {people} ({women} {female})"),
            None => format!("{workers} {people}"),
        };
        line.text(Some(&staff));
    }
}
