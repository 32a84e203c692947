//! Which commune a record belongs to: a commune officer's own, fixed; for a district officer, one
//! of the communes from `/api/v1/org-units`, kept on the phone so the choice works offline. For
//! district-level work (media posts, agency integration, trainings) the district itself is offered
//! too, first.

use domain::Date;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::fields::{use_form, FieldError};
use super::form::ORG_UNIT;
use crate::api::{OrgUnit, Role};
use crate::auth::use_auth;
use crate::i18n::{tr, use_i18n, Key};
use crate::offline;
use crate::session::fetch_org_units;
use domain::Coded;

/// "Name (code)", with the last day of a unit that no longer exists.
fn unit_label(unit: &OrgUnit, until: &str) -> String {
    let ended = unit
        .valid_to
        .as_deref()
        .and_then(|day| day.parse::<Date>().ok());
    match ended {
        Some(day) => format!(
            "{} ({}) · {until} {}",
            unit.name,
            unit.code,
            day.format_vn()
        ),
        None => format!("{} ({})", unit.name, unit.code),
    }
}

/// `district`: the record may belong to the district itself.
#[component]
pub fn CommuneField(#[prop(optional)] district: bool) -> impl IntoView {
    let form = use_form();
    let auth = use_auth();
    let i18n = use_i18n();
    let units = RwSignal::new(Vec::<OrgUnit>::new());
    Effect::new(move |_| {
        let Some(officer) = auth.officer.get() else {
            return;
        };
        units.set(recording_units(
            offline::outbox(&officer.id).org_units(),
            district,
        ));
        spawn_local(async move {
            if let Some(fresh) = fetch_org_units(officer.id).await {
                units.set(recording_units(fresh, district));
            }
        });
    });
    let own_unit = move || {
        auth.officer.with(|officer| {
            officer
                .as_ref()
                .filter(|officer| officer.role == Role::CommuneOfficer)
                .map(|officer| officer.org_unit.name.clone())
        })
    };
    let choice = move || {
        let until = i18n.t(Key::UnitUntil);
        let options = units.with(|units| {
            units
                .iter()
                .map(|unit| {
                    let id = unit.id.clone();
                    view! {
                        <option value=unit.id.clone() prop:selected=move || form.value(ORG_UNIT) == id>
                            {unit_label(unit, until)}
                        </option>
                    }
                })
                .collect_view()
        });
        view! {
            <select name=ORG_UNIT on:change=move |ev| form.set(ORG_UNIT, event_target_value(&ev))>
                <option value="" prop:selected=move || form.value(ORG_UNIT).is_empty()>{tr(Key::Choose)}</option>
                {options}
            </select>
            {move || units.with(Vec::is_empty).then(|| view! { <span class="hint">{tr(Key::NoCommunes)}</span> })}
        }
    };
    view! {
        <label class="field" class:invalid=move || form.issues.with(|i| i.iter().any(|i| i.field == ORG_UNIT))>
            <span class="label">{tr(if district { Key::FieldUnit } else { Key::FieldCommune })}</span>
            {move || match own_unit() {
                Some(name) => Either::Left(view! { <input type="text" readonly value=name /> }),
                None => Either::Right(choice()),
            }}
            <FieldError path=ORG_UNIT />
        </label>
    }
}

/// The units among those an officer may see that a record can belong to: communes (and wards),
/// and with `district` the province and districts too, first; today's units before closed ones.
fn recording_units(mut units: Vec<OrgUnit>, district: bool) -> Vec<OrgUnit> {
    units.retain(|unit| match unit.level.as_str() {
        "commune" | "ward" => true,
        "province" | "district" => district,
        _ => false,
    });
    units.sort_by(|a, b| {
        // Today's units first (the province, then its communes), then those that closed.
        let rank = |u: &OrgUnit| match u.level.as_str() {
            "province" => 0,
            "district" => 1,
            _ => 2,
        };
        let key = |u: &OrgUnit| {
            let closed = u.valid_to.is_some();
            (closed, rank(u), u.name.clone(), u.valid_from.clone())
        };
        key(a).cmp(&key(b))
    });
    units
}
