//! The business a record is about, picked from the register held on this phone: businesses
//! synced and those recorded offline and not yet sent, so one found in the field can be recorded
//! and then inspected, or named as a session's place, before either reaches the server. Used by
//! the inspection (which must name one) and the session for a business's workers (which may).

use domain::{BusinessType, Coded, RecordKind};
use leptos::prelude::*;
use serde_json::Value;

use super::fields::{hint_of, use_form, FieldError};
use super::form::ORG_UNIT;
use crate::auth::use_auth;
use crate::i18n::{tr, use_i18n, Key, Lang};
use crate::offline;
use crate::offline::outbox::Entry;
use crate::pages::routes::form_path;

pub const BUSINESS_ID: &str = "data.business_id";

/// A business of the register on this phone.
#[derive(Clone, Debug, PartialEq)]
struct Business {
    id: String,
    org_unit_id: String,
    name: String,
    business_type: Option<BusinessType>,
    village: String,
}

impl Business {
    /// A saved, not voided business record; drafts are not in the register yet.
    fn of(entry: &Entry) -> Option<Business> {
        let record = entry.record.as_ref().filter(|record| !record.voided)?;
        if record.kind != RecordKind::Business {
            return None;
        }
        let text = |name: &str| {
            record
                .data
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Some(Business {
            id: record.id.clone(),
            org_unit_id: record.org_unit_id.clone(),
            name: text("name"),
            business_type: BusinessType::parse(&text("type")),
            village: text("village"),
        })
    }

    /// "Name · type · village", as the officer knows the place.
    fn label(&self, lang: Lang) -> String {
        let kind = self.business_type.map(|t| t.label(lang));
        [Some(self.name.as_str()), kind, Some(self.village.as_str())]
            .into_iter()
            .flatten()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// The picker of `data.business_id`, labelled for its form. `hint` says what the choice is for;
/// `new_business` offers the business form beside it (the inspection's way: a business saved
/// there is inspected at once).
#[component]
pub fn BusinessField(
    label: Key,
    #[prop(optional)] hint: Option<Key>,
    #[prop(optional)] new_business: bool,
) -> impl IntoView {
    let form = use_form();
    let auth = use_auth();
    let i18n = use_i18n();
    let register = RwSignal::new(Vec::<Business>::new());
    Effect::new(move |_| {
        let Some(officer) = auth.officer.get() else {
            return;
        };
        let entries = offline::outbox(&officer.id).entries();
        let mut found: Vec<Business> = entries.iter().filter_map(Business::of).collect();
        found.sort_by(|a, b| (&a.name, &a.village).cmp(&(&b.name, &b.village)));
        register.set(found);
    });
    // A district officer's record belongs to the business's commune unless they chose one; this
    // also settles the unit of a business given by the link (from its own form).
    Effect::new(move |_| {
        let id = form.value(BUSINESS_ID);
        let unit = register.with(|all| {
            all.iter()
                .find(|business| business.id == id)
                .map(|business| business.org_unit_id.clone())
        });
        if let Some(unit) = unit.filter(|_| form.value(ORG_UNIT).is_empty()) {
            form.draft.update(|draft| {
                draft.insert(ORG_UNIT.into(), unit);
            });
        }
    });
    let options = move || {
        let lang = i18n.lang.get();
        let chosen = form.value(BUSINESS_ID);
        register.with(|all| {
            // A business not on this phone (a record from elsewhere) is still shown, by its id.
            let unknown = (!chosen.is_empty() && !all.iter().any(|b| b.id == chosen))
                .then(|| view! { <option value=chosen.clone() selected=true>{chosen.clone()}</option> });
            let known = all
                .iter()
                .map(|business| {
                    let id = business.id.clone();
                    let selected = id == chosen;
                    view! { <option value=id prop:selected=selected>{business.label(lang)}</option> }
                })
                .collect_view();
            view! {
                <option value="" prop:selected=chosen.is_empty()>{tr(Key::Choose)}</option>
                {unknown}
                {known}
            }
        })
    };
    let invalid = move || {
        form.issues
            .with(|issues| issues.iter().any(|i| i.field == BUSINESS_ID))
    };
    view! {
        <label class="field" class:invalid=invalid>
            <span class="label">{tr(label)}</span>
            <select name=BUSINESS_ID on:change=move |ev| form.set(BUSINESS_ID, event_target_value(&ev))>
                {options}
            </select>
            {hint_of(hint)}
            {move || register.with(Vec::is_empty).then(|| view! { <span class="hint">{tr(Key::NoBusinesses)}</span> })}
            <FieldError path=BUSINESS_ID />
        </label>
        {new_business.then(|| view! {
            <a class="button secondary add-business" href=form_path(RecordKind::Business) data-testid="add-business">
                "+ "{tr(Key::NewBusiness)}
            </a>
        })}
    }
}
