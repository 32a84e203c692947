//! The form of an at-risk service business (cơ sở kinh doanh dịch vụ dễ phát sinh tệ nạn mại
//! dâm): an entry of the register that inspections refer to. Once saved, the form stays open with
//! a button to inspect the business at once, offline as well.

use domain::{BusinessType, Coded, RecordKind};
use leptos::prelude::*;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{choices, ChoiceField, DateField, TextField};
use super::form_path;
use crate::i18n::{tr, Key};

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
