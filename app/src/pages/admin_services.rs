//! Administration of the receiving services (`/api/v1/admin/receiving-services`): the health
//! centres, legal-aid offices and vocational centres that confirm referral slips, each with its
//! unit and the services it provides; added, changed, retired or brought back. Their accounts are
//! made on the accounts page (role `service_provider`).

use super::admin::{send, this_year, units_resource, ListState, Outcome, SaveOrRetire, UnitSelect};
use crate::api::{OrgUnit, ReceivingService, Verb};
use crate::i18n::{tr, use_i18n, Key};
use crate::offline;
use domain::{Coded, ReferralService};
use leptos::prelude::*;
use serde_json::json;

/// The services it provides, as checkboxes named by code.
fn service_checks(chosen: RwSignal<Vec<ReferralService>>, prefix: &str) -> impl IntoView {
    let i18n = use_i18n();
    ReferralService::ALL
        .iter()
        .map(|&service| {
            let name = format!("{prefix}-{}", service.as_str());
            view! {
                <label class="check-row">
                    <input type="checkbox" name=name
                        prop:checked=move || chosen.with(|c| c.contains(&service))
                        on:change=move |ev| chosen.update(|c| {
                            c.retain(|s| *s != service);
                            if event_target_checked(&ev) { c.push(service); }
                        }) />
                    <span>{move || service.label(i18n.lang.get())}</span>
                </label>
            }
        })
        .collect_view()
}

fn codes(chosen: &[ReferralService]) -> Vec<&'static str> {
    ReferralService::ALL
        .iter()
        .filter(|s| chosen.contains(s))
        .map(|s| s.as_str())
        .collect()
}

#[component]
pub fn ReceivingServices() -> impl IntoView {
    let services = LocalResource::new(|| {
        offline::api_list::<ReceivingService>("/api/v1/admin/receiving-services")
    });
    let units = units_resource(this_year);
    let name = RwSignal::new(String::new());
    let unit = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<ReferralService>::new());
    let outcome = Outcome::new();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        outcome.0.set(None);
        let body = json!({"name": name.get_untracked(), "org_unit_id": unit.get_untracked(),
                          "services": codes(&chosen.get_untracked())});
        send(
            Verb::Post,
            "/api/v1/admin/receiving-services".into(),
            body,
            outcome,
            move || {
                name.set(String::new());
                chosen.set(Vec::new());
                services.refetch();
            },
        );
    };
    view! {
        <section class="card" data-testid="receiving-services">
            <h2>{tr(Key::AdminServices)}</h2>
            <p class="hint">{tr(Key::AdminServicesHint)}</p>
            <ListState resource=services render={move |list: Vec<ReceivingService>| {
                let all = units.get().and_then(Result::ok).unwrap_or_default();
                list.into_iter()
                    .map(|service| view! { <ServiceRow service units=all.clone() on_saved=move || services.refetch() /> })
                    .collect_view()
            }} />
            <form class="form" novalidate on:submit=add>
                <h3>{tr(Key::AddService)}</h3>
                <label><span>{tr(Key::ServiceName)}</span>
                    <input name="service-name" required prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                </label>
                <label><span>{tr(Key::OrgUnit)}</span>
                    <UnitSelect units unit name="service-unit" />
                </label>
                <fieldset class="checks">
                    <legend>{tr(Key::ServiceProvides)}</legend>
                    {service_checks(chosen, "new-service")}
                </fieldset>
                {outcome.view()}
                <button class="button wide" type="submit">{tr(Key::AddService)}</button>
            </form>
        </section>
    }
}

/// One receiving service: its name and services to correct, retiring it or bringing it back.
#[component]
fn ServiceRow(
    service: ReceivingService,
    units: Vec<OrgUnit>,
    on_saved: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = Outcome::new();
    let path = format!("/api/v1/admin/receiving-services/{}", service.id);
    let name = RwSignal::new(service.name.clone());
    let chosen = RwSignal::new(service.services.clone());
    let retired = service.retired;
    let unit = units
        .iter()
        .find(|u| u.id == service.org_unit_id)
        .map_or_else(|| service.org_unit_id.clone(), |u| u.name.clone());
    let prefix = format!("svc-{}", service.id);
    let save = {
        let (path, on_saved) = (path.clone(), on_saved.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            outcome.0.set(None);
            let body =
                json!({"name": name.get_untracked(), "services": codes(&chosen.get_untracked())});
            send(Verb::Put, path.clone(), body, outcome, on_saved.clone());
        }
    };
    view! {
        <form class="form agency" class:retired=retired novalidate data-service=service.id.clone() on:submit=save>
            <label><span>{tr(Key::ServiceName)}</span>
                <input name="name" required prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <p class="muted">{move || i18n.t(Key::OrgUnit)}": "{unit.clone()}</p>
            <fieldset class="checks">
                <legend>{tr(Key::ServiceProvides)}</legend>
                {service_checks(chosen, &prefix)}
            </fieldset>
            {retired.then(|| view! { <p class="muted">{tr(Key::ServiceRetired)}</p> })}
            {outcome.view()}
            <SaveOrRetire path retired outcome on_saved />
        </form>
    }
}
