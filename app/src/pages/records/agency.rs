//! The form of an agency integrating prostitution prevention into another programme (lồng ghép
//! nhiệm vụ), usually at district level. The agency is picked from the admin's list kept on the
//! phone (PCMD-KH02 counts it by its id); a phone that never fetched the list, and a record made
//! before it, name the agency in words.

use domain::RecordKind;
use leptos::prelude::*;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{use_form, DateField, FieldError, TextField};
use super::form::{Input, Line};
use crate::auth::use_auth;
use crate::i18n::{tr, use_i18n, Key};
use crate::offline;
use crate::pages::routes::{lazy_page, KindForm};

const AGENCY_ID: &str = "data.agency_id";
const AGENCY: &str = "data.agency";
/// The option of a name written in words rather than chosen from the list.
const WRITTEN: &str = "=";

#[component]
pub fn AgencyIntegrationPage() -> impl IntoView {
    let editor = Editor::new(RecordKind::AgencyIntegration);
    let fields = view! {
        <DateField path="occurred_on" label=Key::FieldIntegrationDate />
        <CommuneField district=true />
        <AgencyField />
        <TextField path="data.programme" label=Key::FieldProgramme />
    }
    .into_any();
    view! { <RecordForm editor>{fields}</RecordForm> }
}

/// The agency, from the list on this phone: choosing one writes its id and its name.
#[component]
fn AgencyField() -> impl IntoView {
    let form = use_form();
    let auth = use_auth();
    let i18n = use_i18n();
    let list = Memo::new(move |_| {
        auth.officer
            .get()
            .map(|officer| offline::outbox(&officer.id).agencies())
            .unwrap_or_default()
    });
    let choose = move |id: String| {
        let chosen = list.with(|all| all.iter().find(|agency| agency.id == id).cloned());
        match chosen {
            Some(agency) => {
                form.set(AGENCY, agency.name_vi);
                form.set(AGENCY_ID, agency.id);
            }
            // The name written before the list: kept as it is.
            None if id == WRITTEN => {}
            None => {
                form.set(AGENCY_ID, String::new());
                form.set(AGENCY, String::new());
            }
        }
    };
    let options = move || {
        let lang = i18n.lang.get();
        let chosen = form.value(AGENCY_ID);
        let written = form.value(AGENCY);
        list.with(|all| {
            // A record naming its agency in words (made before the list) shows that name until
            // an agency of the list is chosen.
            let before = (chosen.is_empty() && !written.is_empty())
                .then(|| view! { <option value=WRITTEN selected=true>{written.clone()}</option> });
            let offered = all
                .iter()
                .filter(|agency| !agency.retired || agency.id == chosen)
                .map(|agency| {
                    let selected = agency.id == chosen;
                    view! {
                        <option value=agency.id.clone() prop:selected=selected>
                            {agency.name(lang).to_string()}
                        </option>
                    }
                })
                .collect_view();
            view! {
                <option value="" prop:selected=chosen.is_empty() && written.is_empty()>
                    {tr(Key::Choose)}
                </option>
                {before}
                {offered}
            }
        })
    };
    let invalid = move || {
        form.issues.with(|issues| {
            issues
                .iter()
                .any(|i| i.field == AGENCY_ID || i.field == AGENCY)
        })
    };
    move || match list.with(Vec::is_empty) {
        true => view! { <TextField path=AGENCY label=Key::FieldAgency /> }.into_any(),
        false => view! {
            <label class="field" class:invalid=invalid>
                <span class="label">{tr(Key::FieldAgency)}</span>
                <select name=AGENCY_ID on:change=move |ev| choose(event_target_value(&ev))>
                    {options}
                </select>
                <FieldError path=AGENCY />
                <FieldError path=AGENCY_ID />
            </label>
        }
        .into_any(),
    }
}

/// The kind's form, in the app's catalogue (`pages::routes`).
pub const FORM: KindForm = KindForm {
    kind: RecordKind::AgencyIntegration,
    path: "/records/agency-integration",
    page: lazy_page!(agency_integration_page, AgencyIntegrationPage),
    fields: &[
        ("agency_id", Input::Text),
        ("agency", Input::Text),
        ("programme", Input::Text),
    ],
    // Recorded for the district itself too (`API.md`).
    district: true,
    summary,
};

/// Its line in the lists.
fn summary(line: &mut Line) {
    line.text(line.string("agency"));
    line.text(line.string("programme"));
}
