//! Administration on the phone: accounts, the org-unit tree, targets and baselines, the district's
//! settings, the agencies of PCMD-KH02, the receiving services (`admin_services`), the phones to
//! check (`admin_devices`), the audit log.
//! Every change goes to the server at once (these pages need a network) and is audited there.

use super::routes;
use crate::api::{
    Agency, ApiFailure, AuditLine, Baseline, BaselineName, IndicatorKind, IndicatorTarget, Level,
    OfficersMoved, OrgUnit, Plan, PlanHeader, PlanTarget, ReceivingService, Role, User, Verb,
};
use crate::auth::use_auth;
use crate::i18n::{failure_text, tr, use_i18n, Key};
use crate::offline;
use domain::Coded;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use serde_json::{json, Value};

/// The outcome of the last change, shown under the form that made it.
#[derive(Clone, Copy)]
pub(super) struct Outcome(pub(super) RwSignal<Option<Result<(), ApiFailure>>>);

impl Outcome {
    pub(super) fn new() -> Self {
        Outcome(RwSignal::new(None))
    }

    pub(super) fn view(self) -> impl IntoView {
        let i18n = use_i18n();
        move || {
            self.0.get().map(|result| match result {
                Ok(()) => view! { <p class="ok" role="status">{i18n.t(Key::Saved)}</p> }.into_any(),
                Err(failure) => {
                    view! { <p class="error" role="alert">{failure_text(i18n, &failure)}</p> }
                        .into_any()
                }
            })
        }
    }
}

/// Sends a change; on success runs `then` (usually a reload of the list).
pub(super) fn send(
    verb: Verb,
    path: String,
    body: Value,
    outcome: Outcome,
    then: impl FnOnce() + 'static,
) {
    let auth = use_auth();
    spawn_local(async move {
        let result = offline::api_send::<_, Value>(verb, &path, &body)
            .await
            .map(|_| ());
        if let Err(failure) = &result {
            auth.note(failure);
        } else {
            then();
        }
        outcome.0.set(Some(result));
    });
}

pub(super) fn this_year() -> i32 {
    offline::clock::today().year()
}

pub(super) fn units_resource(
    year: impl Fn() -> i32 + Send + Sync + 'static,
) -> LocalResource<Result<Vec<OrgUnit>, ApiFailure>> {
    LocalResource::new(move || {
        let year = year();
        async move { offline::api_get(&format!("/api/v1/org-units?year={year}")).await }
    })
}

/// A unit's name from the fetched list, else its id.
fn unit_name(units: LocalResource<Result<Vec<OrgUnit>, ApiFailure>>, id: &str) -> String {
    units
        .get()
        .and_then(Result::ok)
        .and_then(|list| list.into_iter().find(|u| u.id == id).map(|u| u.name))
        .unwrap_or_else(|| id.to_string())
}

#[component]
pub(super) fn ListState<T: Clone + Send + Sync + 'static, V: IntoView + 'static>(
    resource: LocalResource<Result<T, ApiFailure>>,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    move || match resource.get() {
        None => view! { <p class="muted">{i18n.t(Key::Loading)}</p> }.into_any(),
        Some(Err(failure)) => {
            view! { <p class="error">{failure_text(i18n, &failure)}</p> }.into_any()
        }
        Some(Ok(value)) => render(value).into_any(),
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <h1>{tr(Key::AdminTitle)}</h1>
        <nav class="menu">
            <A href=routes::ADMIN_USERS>{tr(Key::AdminUsers)}</A>
            <A href=routes::ADMIN_UNITS>{tr(Key::AdminUnits)}</A>
            <A href=routes::ADMIN_TARGETS>{tr(Key::AdminTargets)}</A>
            <A href=routes::ADMIN_AUDIT>{tr(Key::AdminAudit)}</A>
        </nav>
        <super::admin_devices::PhonesToCheck />
        <super::admin_devices::ImportUnsent />
        <SettingsForm />
        <Agencies />
        <super::admin_services::ReceivingServices />
    }
}

/// The agencies PCMD-KH02 counts, which officers choose from (`/api/v1/admin/agencies`): added,
/// renamed, retired or brought back.
#[component]
fn Agencies() -> impl IntoView {
    let agencies = LocalResource::new(|| offline::api_list::<Agency>("/api/v1/admin/agencies"));
    let (name_vi, name_en) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let outcome = Outcome::new();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        outcome.0.set(None);
        let english = name_en.get_untracked();
        let mut body = json!({"name_vi": name_vi.get_untracked()});
        if !english.trim().is_empty() {
            body["name_en"] = json!(english);
        }
        send(
            Verb::Post,
            "/api/v1/admin/agencies".into(),
            body,
            outcome,
            move || {
                name_vi.set(String::new());
                name_en.set(String::new());
                agencies.refetch();
            },
        );
    };
    view! {
        <section class="card" data-testid="agencies">
            <h2>{tr(Key::AdminAgencies)}</h2>
            <p class="hint">{tr(Key::AdminAgenciesHint)}</p>
            <ListState resource=agencies render={move |list: Vec<Agency>| {
                list.into_iter()
                    .map(|agency| view! { <AgencyRow agency on_saved=move || agencies.refetch() /> })
                    .collect_view()
            }} />
            <form class="form" novalidate on:submit=add>
                <h3>{tr(Key::AddAgency)}</h3>
                <label><span>{tr(Key::AgencyNameVi)}</span>
                    <input name="agency-name-vi" required prop:value=name_vi on:input=move |ev| name_vi.set(event_target_value(&ev)) />
                </label>
                <label><span>{tr(Key::AgencyNameEn)}</span>
                    <input name="agency-name-en" prop:value=name_en on:input=move |ev| name_en.set(event_target_value(&ev)) />
                </label>
                {outcome.view()}
                <button class="button wide" type="submit">{tr(Key::AddAgency)}</button>
            </form>
        </section>
    }
}

/// One agency: its names to correct, and retiring it (or bringing it back).
#[component]
fn AgencyRow(agency: Agency, on_saved: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    let outcome = Outcome::new();
    let path = format!("/api/v1/admin/agencies/{}", agency.id);
    let (name_vi, name_en) = (
        RwSignal::new(agency.name_vi.clone()),
        RwSignal::new(agency.name_en.clone()),
    );
    let retired = agency.retired;
    let save = {
        let (path, on_saved) = (path.clone(), on_saved.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            outcome.0.set(None);
            let body =
                json!({"name_vi": name_vi.get_untracked(), "name_en": name_en.get_untracked()});
            send(Verb::Put, path.clone(), body, outcome, on_saved.clone());
        }
    };
    view! {
        <form class="form agency" class:retired=retired novalidate data-agency=agency.id.clone() on:submit=save>
            <label><span>{tr(Key::AgencyNameVi)}</span>
                <input name="name_vi" required prop:value=name_vi on:input=move |ev| name_vi.set(event_target_value(&ev)) />
            </label>
            <label><span>{tr(Key::AgencyNameEn)}</span>
                <input name="name_en" prop:value=name_en on:input=move |ev| name_en.set(event_target_value(&ev)) />
            </label>
            {retired.then(|| view! { <p class="muted">{tr(Key::AgencyRetired)}</p> })}
            {outcome.view()}
            <SaveOrRetire path retired outcome on_saved />
        </form>
    }
}

/// Under a listed item's form (an agency, a receiving service): save it, and retire it or bring
/// it back (`PUT path {"retired"}`).
#[component]
pub(super) fn SaveOrRetire(
    path: String,
    retired: bool,
    outcome: Outcome,
    on_saved: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let toggle = move |_| {
        outcome.0.set(None);
        send(
            Verb::Put,
            path.clone(),
            json!({"retired": !retired}),
            outcome,
            on_saved.clone(),
        );
    };
    view! {
        <div class="row">
            <button class="button" type="submit">{tr(Key::Save)}</button>
            <button class="button secondary" type="button" on:click=toggle>
                {tr(if retired { Key::RestoreAgency } else { Key::RetireAgency })}
            </button>
        </div>
    }
}

/// A choice of unit among `units`, the first one until another is chosen.
#[component]
pub(super) fn UnitSelect(
    units: LocalResource<Result<Vec<OrgUnit>, ApiFailure>>,
    unit: RwSignal<String>,
    name: &'static str,
) -> impl IntoView {
    view! {
        <ListState resource=units render={move |list: Vec<OrgUnit>| {
            if unit.get_untracked().is_empty() {
                if let Some(first) = list.first() { unit.set(first.id.clone()); }
            }
            view! { <select name=name on:change=move |ev| unit.set(event_target_value(&ev))>{unit_options(&list, &unit.get_untracked())}</select> }
        }} />
    }
}

/// The tip-off deadline of PCMD-TG01 in days, and the phones' idle lock in minutes
/// (`/api/v1/admin/settings`).
#[component]
fn SettingsForm() -> impl IntoView {
    let i18n = use_i18n();
    let days = RwSignal::new(String::new());
    let minutes = RwSignal::new(String::new());
    let days_wrong = RwSignal::new(false);
    let minutes_wrong = RwSignal::new(false);
    let settings =
        LocalResource::new(|| offline::api_get::<crate::api::Settings>("/api/v1/admin/settings"));
    let outcome = Outcome::new();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let read = |text: RwSignal<String>, range: std::ops::RangeInclusive<u32>| {
            text.get_untracked()
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| range.contains(n))
        };
        let (day_value, minute_value) = (read(days, 1..=365), read(minutes, 1..=240));
        days_wrong.set(day_value.is_none());
        minutes_wrong.set(minute_value.is_none());
        outcome.0.set(None);
        if let (Some(day_value), Some(minute_value)) = (day_value, minute_value) {
            let body = json!({"tip_off_deadline_days": day_value,
                "lock_after_minutes": minute_value});
            send(
                Verb::Put,
                "/api/v1/admin/settings".into(),
                body,
                outcome,
                move || settings.refetch(),
            );
        }
    };
    view! {
        <form class="form card" data-testid="settings" novalidate on:submit=save>
            <h2>{tr(Key::AdminSettings)}</h2>
            <ListState resource=settings render={move |current: crate::api::Settings| {
                if days.get_untracked().is_empty() {
                    days.set(current.tip_off_deadline_days.to_string());
                }
                if minutes.get_untracked().is_empty() {
                    minutes.set(current.lock_after_minutes.to_string());
                }
                view! {
                    <label><span>{tr(Key::TipOffDeadlineDays)}</span>
                        <input name="tip_off_deadline_days" type="number" inputmode="numeric" min="1" max="365" required
                            prop:value=days on:input=move |ev| days.set(event_target_value(&ev)) />
                    </label>
                    <p class="hint">{tr(Key::TipOffDeadlineHint)}</p>
                    <label><span>{tr(Key::LockAfterMinutes)}</span>
                        <input name="lock_after_minutes" type="number" inputmode="numeric" min="1" max="240" required
                            prop:value=minutes on:input=move |ev| minutes.set(event_target_value(&ev)) />
                    </label>
                    <p class="hint">{tr(Key::LockAfterHint)}</p>
                }
            }} />
            {move || days_wrong.get().then(|| view! { <p class="error" role="alert">{i18n.t(Key::DeadlineRange)}</p> })}
            {move || minutes_wrong.get().then(|| view! { <p class="error" role="alert">{i18n.t(Key::LockAfterRange)}</p> })}
            {outcome.view()}
            <button class="button wide" type="submit">{tr(Key::Save)}</button>
        </form>
    }
}

pub(super) fn unit_options(units: &[OrgUnit], selected: &str) -> impl IntoView {
    units
        .iter()
        .map(|u| {
            let label = format!("{} ({})", u.name, u.code);
            view! { <option value=u.id.clone() selected=u.id == selected>{label}</option> }
        })
        .collect_view()
}

fn role_options(selected: Role) -> impl IntoView {
    let i18n = use_i18n();
    Role::ALL
        .iter()
        .map(|&r| view! { <option value=r.as_str() selected=r == selected>{move || i18n.label(r)}</option> })
        .collect_view()
}

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let users = LocalResource::new(|| offline::api_list::<User>("/api/v1/admin/users"));
    let units = units_resource(this_year);
    let (username, display_name, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let role = RwSignal::new(Role::CommuneOfficer.as_str().to_string());
    let unit = RwSignal::new(String::new());
    // A service account belongs to a receiving service, and to its unit.
    let services = LocalResource::new(|| {
        offline::api_list::<ReceivingService>("/api/v1/admin/receiving-services")
    });
    let service = RwSignal::new(String::new());
    let for_service = move || role.get() == Role::ServiceProvider.as_str();
    let outcome = Outcome::new();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut body = json!({
            "username": username.get_untracked().trim(),
            "display_name": display_name.get_untracked().trim(),
            "role": role.get_untracked(),
            "org_unit_id": unit.get_untracked(),
            "password": password.get_untracked(),
        });
        if role.get_untracked() == Role::ServiceProvider.as_str() {
            let chosen = services
                .get_untracked()
                .and_then(Result::ok)
                .and_then(|list| list.into_iter().find(|s| s.id == service.get_untracked()));
            if let Some(chosen) = chosen {
                body["org_unit_id"] = json!(chosen.org_unit_id);
                body["receiving_service_id"] = json!(chosen.id);
            }
        }
        send(
            Verb::Post,
            "/api/v1/admin/users".into(),
            body,
            outcome,
            move || {
                username.set(String::new());
                display_name.set(String::new());
                password.set(String::new());
                users.refetch();
            },
        );
    };
    view! {
        <h1>{tr(Key::AdminUsers)}</h1>
        <form class="form card" on:submit=create>
            <h2>{tr(Key::NewUser)}</h2>
            <label><span>{tr(Key::Username)}</span>
                <input name="new-username" autocapitalize="none" required prop:value=username on:input=move |ev| username.set(event_target_value(&ev)) />
            </label>
            <label><span>{tr(Key::DisplayName)}</span>
                <input name="new-display-name" required prop:value=display_name on:input=move |ev| display_name.set(event_target_value(&ev)) />
            </label>
            <label><span>{tr(Key::Role)}</span>
                <select name="new-role" on:change=move |ev| role.set(event_target_value(&ev))>{role_options(Role::CommuneOfficer)}</select>
            </label>
            <Show when=for_service fallback=move || view! {
                <label><span>{tr(Key::OrgUnit)}</span>
                    <UnitSelect units unit name="new-unit" />
                </label>
            }>
                <label><span>{tr(Key::ReceivingService)}</span>
                    <ListState resource=services render={move |list: Vec<ReceivingService>| {
                        let live: Vec<ReceivingService> = list.into_iter().filter(|s| !s.retired).collect();
                        if service.get_untracked().is_empty() {
                            if let Some(first) = live.first() { service.set(first.id.clone()); }
                        }
                        let options = live.into_iter().map(|s| {
                            let selected = s.id == service.get_untracked();
                            view! { <option value=s.id.clone() selected=selected>{s.name.clone()}</option> }
                        }).collect_view();
                        view! { <select name="new-service" on:change=move |ev| service.set(event_target_value(&ev))>{options}</select> }
                    }} />
                </label>
            </Show>
            <label><span>{tr(Key::Password)}</span>
                <input name="new-password" type="password" autocomplete="new-password" minlength="8" required prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            {outcome.view()}
            <button class="button wide" type="submit">{tr(Key::Create)}</button>
        </form>
        <ListState resource=users render={move |list: Vec<User>| {
            let units = units.get().and_then(Result::ok).unwrap_or_default();
            list.into_iter().map(|user| view! { <UserCard user units=units.clone() on_saved=move || users.refetch() /> }).collect_view()
        }} />
    }
}

#[component]
fn UserCard(
    user: User,
    units: Vec<OrgUnit>,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let path = format!("/api/v1/admin/users/{}", user.officer.id);
    let role = RwSignal::new(user.officer.role.as_str().to_string());
    let unit = RwSignal::new(user.officer.org_unit.id.clone());
    let password = RwSignal::new(String::new());
    let outcome = Outcome::new();
    let disabled = user.disabled;
    let save = {
        let path = path.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let mut body =
                json!({"role": role.get_untracked(), "org_unit_id": unit.get_untracked()});
            let new_password = password.get_untracked();
            if !new_password.is_empty() {
                body["password"] = json!(new_password);
            }
            send(Verb::Patch, path.clone(), body, outcome, move || {
                password.set(String::new());
                on_saved();
            });
        }
    };
    let toggle = move |_| {
        send(
            Verb::Patch,
            path.clone(),
            json!({"disabled": !disabled}),
            outcome,
            on_saved,
        )
    };
    view! {
        <form class="card form" data-testid=format!("user-{}", user.officer.username) on:submit=save>
            <h2>{user.officer.display_name.clone()}" "<small>"("{user.officer.username.clone()}")"</small>
                {disabled.then(|| view! { <span class="badge disabled">{move || i18n.t(Key::Disabled)}</span> })}
            </h2>
            <label><span>{tr(Key::Role)}</span>
                <select on:change=move |ev| role.set(event_target_value(&ev))>{role_options(user.officer.role)}</select>
            </label>
            <label><span>{tr(Key::OrgUnit)}</span>
                <select on:change=move |ev| unit.set(event_target_value(&ev))>{unit_options(&units, &user.officer.org_unit.id)}</select>
            </label>
            <label><span>{tr(Key::NewPassword)}</span>
                <input type="password" autocomplete="new-password" minlength="8" prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            {outcome.view()}
            <div class="row">
                <button class="button" type="submit">{tr(Key::Save)}</button>
                <button class="button secondary" type="button" on:click=toggle>
                    {move || i18n.t(if disabled { Key::Enable } else { Key::Disable })}
                </button>
            </div>
        </form>
    }
}

#[component]
pub fn AdminUnitsPage() -> impl IntoView {
    let i18n = use_i18n();
    let year = RwSignal::new(this_year());
    let units = units_resource(move || year.get());
    let (code, name, level, parent, valid_from) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new("commune".to_string()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let outcome = Outcome::new();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parent_id = Some(parent.get_untracked()).filter(|p| !p.is_empty());
        let from = Some(valid_from.get_untracked()).filter(|d| !d.is_empty());
        let body = json!({"code": code.get_untracked().trim(), "name": name.get_untracked().trim(), "level": level.get_untracked(), "parent_id": parent_id, "valid_from": from});
        send(
            Verb::Post,
            "/api/v1/admin/org-units".into(),
            body,
            outcome,
            move || units.refetch(),
        );
    };
    view! {
        <h1>{tr(Key::AdminUnits)}</h1>
        <label class="inline"><span>{tr(Key::Year)}</span>
            <input type="number" inputmode="numeric" prop:value=move || year.get().to_string()
                on:change=move |ev| if let Ok(y) = event_target_value(&ev).parse() { year.set(y) } />
        </label>
        <ListState resource=units render={move |list: Vec<OrgUnit>| {
            let all = list.clone();
            list.into_iter().map(|u| view! { <UnitCard unit=u all=all.clone() on_saved=move || units.refetch() /> }).collect_view()
        }} />
        <form class="form card" on:submit=create>
            <h2>{tr(Key::NewUnit)}</h2>
            <label><span>{tr(Key::Code)}</span><input required inputmode="numeric" prop:value=code on:input=move |ev| code.set(event_target_value(&ev)) /></label>
            <label><span>{tr(Key::Name)}</span><input required prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) /></label>
            <label><span>{tr(Key::Level)}</span>
                <select on:change=move |ev| level.set(event_target_value(&ev))>
                    {Level::ALL.iter().map(|&l| view! {
                        <option value=l.as_str() selected=l == Level::Commune>{move || i18n.label(l)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label><span>{tr(Key::Parent)}</span>
                <select on:change=move |ev| parent.set(event_target_value(&ev))>
                    <option value="">"—"</option>
                    {move || unit_options(&units.get().and_then(Result::ok).unwrap_or_default(), &parent.get_untracked())}
                </select>
            </label>
            <label><span>{tr(Key::ValidFrom)}</span><input type="date" prop:value=valid_from on:input=move |ev| valid_from.set(event_target_value(&ev)) /></label>
            {outcome.view()}
            <button class="button wide" type="submit">{tr(Key::Create)}</button>
        </form>
    }
}

#[component]
fn UnitCard(
    unit: OrgUnit,
    all: Vec<OrgUnit>,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(unit.name.clone());
    let valid_to = RwSignal::new(unit.valid_to.clone().unwrap_or_default());
    let successor = RwSignal::new(unit.successor_ids.first().cloned().unwrap_or_default());
    let outcome = Outcome::new();
    let path = format!("/api/v1/admin/org-units/{}", unit.id);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let to = Some(valid_to.get_untracked()).filter(|d| !d.is_empty());
        let successors: Vec<String> = Some(successor.get_untracked())
            .filter(|s| !s.is_empty())
            .into_iter()
            .collect();
        let body = json!({"name": name.get_untracked().trim(), "valid_to": to, "successor_ids": successors});
        send(Verb::Patch, path.clone(), body, outcome, on_saved);
    };
    let depth = match unit.level.as_str() {
        "province" => 0,
        "district" => 1,
        _ => 2,
    };
    let dates = format!(
        "{} – {}",
        unit.valid_from.clone().unwrap_or_else(|| "…".into()),
        unit.valid_to.clone().unwrap_or_else(|| "…".into())
    );
    let level = unit.level;
    let today = offline::clock::today().to_string();
    let closed = unit
        .valid_to
        .as_deref()
        .is_some_and(|last| last < today.as_str());
    view! {
        <details class=format!("card unit depth-{depth}")>
            <summary>
                <strong>{unit.name.clone()}</strong>" · "{unit.code.clone()}" · "
                {move || i18n.label(level)}" · "<span class="muted">{dates}</span>
            </summary>
            <form class="form" on:submit=save>
                <label><span>{tr(Key::Name)}</span><input required prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) /></label>
                <label><span>{tr(Key::ValidTo)}</span><input type="date" prop:value=valid_to on:input=move |ev| valid_to.set(event_target_value(&ev)) /></label>
                <label><span>{tr(Key::Successor)}</span>
                    <select on:change=move |ev| successor.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {unit_options(&all, &successor.get_untracked())}
                    </select>
                </label>
                {outcome.view()}
                <button class="button wide" type="submit">{tr(Key::Save)}</button>
            </form>
            {closed.then(|| view! { <MoveOfficers unit=unit.clone() all=all.clone() /> })}
        </details>
    }
}

/// Moves every account of a closed unit to the unit that replaced it, in one step (audited).
#[component]
fn MoveOfficers(unit: OrgUnit, all: Vec<OrgUnit>) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let to = RwSignal::new(unit.successor_ids.first().cloned().unwrap_or_default());
    let moved = RwSignal::new(None::<Result<Vec<String>, ApiFailure>>);
    let path = format!("/api/v1/admin/org-units/{}/move-officers", unit.id);
    let open_units: Vec<OrgUnit> = all.into_iter().filter(|u| u.valid_to.is_none()).collect();
    let go = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let path = path.clone();
        let body = json!({"to": to.get_untracked()});
        spawn_local(async move {
            let result = offline::api_send::<_, OfficersMoved>(Verb::Post, &path, &body)
                .await
                .map(|answer| answer.moved);
            if let Err(failure) = &result {
                auth.note(failure);
            }
            moved.set(Some(result));
        });
    };
    view! {
        <form class="form move-officers" novalidate on:submit=go data-testid="move-officers">
            <label><span>{tr(Key::MoveOfficers)}</span>
                <select on:change=move |ev| to.set(event_target_value(&ev))>
                    {unit_options(&open_units, &to.get_untracked())}
                </select>
            </label>
            <button class="button wide secondary" type="submit">{tr(Key::MoveOfficersGo)}</button>
            {move || moved.get().map(|result| match result {
                Ok(names) if names.is_empty() => view! { <p class="ok" role="status">{tr(Key::MovedNone)}</p> }.into_any(),
                Ok(names) => view! { <p class="ok" role="status" data-testid="moved">{tr(Key::MovedOfficers)}" "{names.join(", ")}</p> }.into_any(),
                Err(failure) => view! { <p class="error" role="alert">{failure_text(i18n, &failure)}</p> }.into_any(),
            })}
        </form>
    }
}

/// The plans of a year, each with its targets; next year's plan started from this year's
/// (targets and baselines copied, to confirm); the baselines of the year.
#[component]
pub fn AdminTargetsPage() -> impl IntoView {
    let i18n = use_i18n();
    let year = RwSignal::new(this_year());
    let plans = LocalResource::new(move || {
        let year = year.get();
        async move { offline::api_list::<Plan>(&format!("/api/v1/plans?year={year}")).await }
    });
    let last_year = LocalResource::new(move || {
        let year = year.get() - 1;
        async move { offline::api_list::<Plan>(&format!("/api/v1/plans?year={year}")).await }
    });
    // The indicators with their names and kinds; the targets of this list are not used.
    let indicators = LocalResource::new(move || {
        let year = year.get();
        async move {
            offline::api_list::<IndicatorTarget>(&format!("/api/v1/admin/targets?year={year}"))
                .await
        }
    });
    let baselines = LocalResource::new(move || {
        let year = year.get();
        async move {
            offline::api_list::<Baseline>(&format!("/api/v1/admin/baselines?year={year}")).await
        }
    });
    let units = units_resource(move || year.get());
    let reload = move || {
        plans.refetch();
        baselines.refetch();
    };
    let copied = Outcome::new();
    let copy_last_year =
        move |plan: Plan| copy_plan(&plan.header, year.get_untracked(), copied, reload);
    view! {
        <h1>{tr(Key::AdminTargets)}</h1>
        <label class="inline"><span>{tr(Key::Year)}</span>
            <input type="number" inputmode="numeric" prop:value=move || year.get().to_string()
                on:change=move |ev| if let Ok(y) = event_target_value(&ev).parse() { year.set(y) } />
        </label>
        <h2>{move || i18n.t(Key::PlansOfYear).replace("{y}", &year.get().to_string())}</h2>
        <ListState resource=plans render={move |list: Vec<Plan>| {
            if list.is_empty() {
                let offers = last_year.get().and_then(Result::ok).unwrap_or_default();
                view! {
                    <p class="muted" data-testid="no-plans">{tr(Key::NoPlansOfYear)}</p>
                    {offers.into_iter().map(|plan| {
                        let label = i18n.t(Key::PlanCopyNext).replace("{y}", &year.get_untracked().to_string());
                        let title = plan.header.title.clone();
                        view! {
                            <button class="button wide secondary" type="button" data-testid="copy-last-year"
                                on:click=move |_| copy_last_year(plan.clone())>
                                {format!("{label}: {title}")}
                            </button>
                        }
                    }).collect_view()}
                    {copied.view()}
                }.into_any()
            } else {
                let known = indicators.get().and_then(Result::ok).unwrap_or_default();
                list.into_iter().map(|plan| {
                    let unit = unit_name(units, &plan.header.org_unit_id);
                    view! { <PlanCard plan indicators=known.clone() unit on_change=reload /> }
                }).collect_view().into_any()
            }
        }} />
        <NewPlanForm year units on_created=reload />
        <Baselines year baselines units />
    }
}

/// Starts the plan of `year` of the same unit from `source`: its targets and baselines copied, to
/// confirm.
fn copy_plan(source: &PlanHeader, year: i32, outcome: Outcome, then: impl FnOnce() + 'static) {
    let body = json!({"org_unit_id": source.org_unit_id, "year": year, "copy_from": source.id});
    send(
        Verb::Post,
        "/api/v1/admin/plans".into(),
        body,
        outcome,
        then,
    );
}

#[component]
fn PlanCard(
    plan: Plan,
    indicators: Vec<IndicatorTarget>,
    unit: String,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = Outcome::new();
    let id = plan.header.id.clone();
    let next_year = plan.header.year + 1;
    let confirm = {
        let path = format!("/api/v1/admin/plans/{id}/confirm");
        move |_| send(Verb::Post, path.clone(), json!({}), outcome, on_change)
    };
    let copy = {
        let header = plan.header.clone();
        move |_| copy_plan(&header, next_year, outcome, || ())
    };
    let rows = indicators
        .into_iter()
        .filter(|indicator| super::dashboard::has_target(&indicator.indicator.code))
        .map(|indicator| {
            let target = plan
                .targets
                .iter()
                .find(|t| t.indicator_code == indicator.indicator.code)
                .cloned();
            view! { <TargetRow plan_id=plan.header.id.clone() indicator target /> }
        })
        .collect_view();
    let to_confirm = plan.to_confirm;
    view! {
        <section class="card plan" data-testid="plan-card" data-plan=plan.header.id.clone()>
            <h3>{plan.header.title.clone()}</h3>
            <p>{unit}" · "{tr(Key::PlanIssuedBy)}": "{plan.header.issuer.clone()}<br />
                {tr(Key::PlanLeadAgency)}": "{plan.header.lead_agency.clone()}</p>
            <p>
                <span class=if to_confirm { "badge state-waiting" } else { "badge state-synced" } data-testid="plan-state">
                    {tr(if to_confirm { Key::PlanToConfirm } else { Key::PlanConfirmed })}
                </span>
            </p>
            {rows}
            {to_confirm.then(|| view! {
                <button class="button wide" type="button" data-testid="confirm-plan" on:click=confirm>{tr(Key::PlanConfirm)}</button>
            })}
            <button class="button wide secondary" type="button" data-testid="copy-plan" on:click=copy>
                {move || i18n.t(Key::PlanCopyNext).replace("{y}", &next_year.to_string())}
            </button>
            {outcome.view()}
        </section>
    }
}

#[component]
fn TargetRow(
    plan_id: String,
    indicator: IndicatorTarget,
    target: Option<PlanTarget>,
) -> impl IntoView {
    let i18n = use_i18n();
    let op = RwSignal::new(target.as_ref().map_or(">=", |t| t.op.as_str()).to_string());
    let value = RwSignal::new(
        target
            .as_ref()
            .map(|t| t.value.to_string())
            .unwrap_or_default(),
    );
    let to_confirm = RwSignal::new(target.as_ref().is_some_and(|t| t.to_confirm));
    let outcome = Outcome::new();
    let code = indicator.indicator.code.clone();
    let path = format!("/api/v1/admin/plans/{plan_id}/targets/{code}");
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = value.get_untracked();
        if text.trim().is_empty() {
            send(Verb::Delete, path.clone(), json!({}), outcome, move || {
                to_confirm.set(false)
            });
            return;
        }
        match text.trim().replace(',', ".").parse::<f64>() {
            Ok(v) if v >= 0.0 => send(
                Verb::Put,
                path.clone(),
                json!({"op": op.get_untracked(), "value": v}),
                outcome,
                move || to_confirm.set(false),
            ),
            _ => outcome.0.set(Some(Err(ApiFailure::Rejected {
                status: 422,
                code: "invalid_value".into(),
                errors: vec![],
            }))),
        }
    };
    let (label_vi, label_en) = (
        indicator.indicator.label_vi.clone(),
        indicator.indicator.label_en.clone(),
    );
    let unit = if indicator.indicator.kind == IndicatorKind::Ratio {
        "%"
    } else {
        ""
    };
    let op_label = {
        let code = code.clone();
        move || i18n.t(Key::PlanOperator).replace("{code}", &code)
    };
    let value_label = {
        let code = code.clone();
        move || i18n.t(Key::PlanTargetFor).replace("{code}", &code)
    };
    view! {
        <form class="form target" data-testid=format!("target-{code}") on:submit=save>
            <p><strong>{code.clone()}</strong>" "{move || if i18n.lang.get() == crate::i18n::Lang::Vi { label_vi.clone() } else { label_en.clone() }}
                {move || to_confirm.get().then(|| view! { " "<span class="badge state-waiting" data-testid="target-to-confirm">{tr(Key::PlanToConfirm)}</span> })}
            </p>
            <div class="row">
                <select aria-label=op_label on:change=move |ev| op.set(event_target_value(&ev))>
                    {[">=", "<=", "="].into_iter().map(|o| view! { <option value=o selected=move || op.get() == o>{o}</option> }).collect_view()}
                </select>
                <input type="text" inputmode="decimal" aria-label=value_label prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) />
                <span>{unit}</span>
                <button class="button" type="submit">{tr(Key::Save)}</button>
            </div>
            {outcome.view()}
        </form>
    }
}

/// A plan made from nothing, for a unit that had none last year.
#[component]
fn NewPlanForm(
    year: RwSignal<i32>,
    units: LocalResource<Result<Vec<OrgUnit>, ApiFailure>>,
    on_created: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (unit, title, issuer, agency, recipients) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let outcome = Outcome::new();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lines: Vec<String> = recipients
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let body = json!({"org_unit_id": unit.get_untracked(), "year": year.get_untracked(),
            "title": title.get_untracked().trim(), "issuer": issuer.get_untracked().trim(),
            "lead_agency": agency.get_untracked().trim(), "recipients": lines});
        send(
            Verb::Post,
            "/api/v1/admin/plans".into(),
            body,
            outcome,
            on_created,
        );
    };
    let input = |key: Key, signal: RwSignal<String>| {
        view! { <label><span>{tr(key)}</span><input required prop:value=signal on:input=move |ev| signal.set(event_target_value(&ev)) /></label> }
    };
    view! {
        <details class="card">
            <summary>{tr(Key::PlanNew)}</summary>
            <form class="form" novalidate on:submit=create>
                <label><span>{tr(Key::OrgUnit)}</span>
                    <ListState resource=units render={move |list: Vec<OrgUnit>| {
                        if unit.get_untracked().is_empty() {
                            if let Some(first) = list.first() { unit.set(first.id.clone()); }
                        }
                        view! { <select on:change=move |ev| unit.set(event_target_value(&ev))>{unit_options(&list, &unit.get_untracked())}</select> }
                    }} />
                </label>
                {input(Key::PlanTitle, title)}
                {input(Key::PlanIssuedBy, issuer)}
                {input(Key::PlanLeadAgency, agency)}
                <label><span>{tr(Key::PlanRecipients)}</span>
                    <textarea rows="3" prop:value=recipients on:input=move |ev| recipients.set(event_target_value(&ev))></textarea>
                </label>
                {outcome.view()}
                <button class="button wide" type="submit">{tr(Key::PlanCreate)}</button>
            </form>
        </details>
    }
}

#[component]
fn Baselines(
    year: RwSignal<i32>,
    baselines: LocalResource<Result<Vec<Baseline>, ApiFailure>>,
    units: LocalResource<Result<Vec<OrgUnit>, ApiFailure>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (b_name, b_unit, b_value) = (
        RwSignal::new(BaselineName::ALL[0].as_str().to_string()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let outcome = Outcome::new();
    let save_baseline = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value: i64 = match b_value.get_untracked().trim().parse() {
            Ok(v) if v >= 0 => v,
            _ => {
                outcome.0.set(Some(Err(ApiFailure::Rejected {
                    status: 422,
                    code: "negative".into(),
                    errors: vec![],
                })));
                return;
            }
        };
        let body = json!({"year": year.get_untracked(), "name": b_name.get_untracked(), "org_unit_id": b_unit.get_untracked(), "value": value});
        send(
            Verb::Put,
            "/api/v1/admin/baselines".into(),
            body,
            outcome,
            move || baselines.refetch(),
        );
    };
    view! {
        <h2>{tr(Key::Baselines)}</h2>
        <ListState resource=baselines render={move |list: Vec<Baseline>| view! {
            <ul class="plain">
                {list.into_iter().map(|b| {
                    let name = b.name;
                    let unit = unit_name(units, &b.org_unit_id);
                    view! { <li>{move || i18n.label(name)}" · "{unit}": "<strong>{b.value}</strong>
                        {b.to_confirm.then(|| view! { " "<span class="badge state-waiting">{tr(Key::PlanToConfirm)}</span> })}
                    </li> }
                }).collect_view()}
            </ul>
        }} />
        <form class="form card" novalidate on:submit=save_baseline>
            <label><span>{tr(Key::Baseline)}</span>
                <select on:change=move |ev| b_name.set(event_target_value(&ev))>
                    {BaselineName::ALL.iter().map(|&n| view! { <option value=n.as_str()>{move || i18n.label(n)}</option> }).collect_view()}
                </select>
            </label>
            <label><span>{tr(Key::OrgUnit)}</span>
                <ListState resource=units render={move |list: Vec<OrgUnit>| {
                    if b_unit.get_untracked().is_empty() {
                        if let Some(first) = list.first() { b_unit.set(first.id.clone()); }
                    }
                    view! { <select on:change=move |ev| b_unit.set(event_target_value(&ev))>{unit_options(&list, &b_unit.get_untracked())}</select> }
                }} />
            </label>
            <label><span>{tr(Key::Value)}</span>
                <input type="number" inputmode="numeric" min="0" required prop:value=b_value on:input=move |ev| b_value.set(event_target_value(&ev)) />
            </label>
            {outcome.view()}
            <button class="button wide" type="submit">{tr(Key::Save)}</button>
        </form>
    }
}

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let (action, username, since, until) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let query = RwSignal::new(String::from("limit=200"));
    let entries = LocalResource::new(move || {
        let query = query.get();
        async move { offline::api_list::<AuditLine>(&format!("/api/v1/admin/audit?{query}")).await }
    });
    let filter = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut parts = vec!["limit=200".to_string()];
        for (key, signal) in [
            ("action", action),
            ("username", username),
            ("since", since),
            ("until", until),
        ] {
            let value = signal.get_untracked();
            if !value.trim().is_empty() {
                parts.push(format!("{key}={}", encode_query_value(value.trim())));
            }
        }
        query.set(parts.join("&"));
    };
    view! {
        <h1>{tr(Key::AdminAudit)}</h1>
        <form class="form card" on:submit=filter>
            <label><span>{tr(Key::Action)}</span><input prop:value=action on:input=move |ev| action.set(event_target_value(&ev)) /></label>
            <label><span>{tr(Key::Username)}</span><input autocapitalize="none" prop:value=username on:input=move |ev| username.set(event_target_value(&ev)) /></label>
            <label><span>{tr(Key::Since)}</span><input type="date" prop:value=since on:input=move |ev| since.set(event_target_value(&ev)) /></label>
            <label><span>{tr(Key::Until)}</span><input type="date" prop:value=until on:input=move |ev| until.set(event_target_value(&ev)) /></label>
            <button class="button wide" type="submit">{tr(Key::Filter)}</button>
        </form>
        <ListState resource=entries render={move |list: Vec<AuditLine>| view! {
            <ul class="plain audit">
                {list.into_iter().map(|e| view! {
                    <li>
                        <span class="muted">{e.at}</span>" "<strong>{e.action}</strong>" "
                        {e.username.unwrap_or_default()}" "{e.target.unwrap_or_default()}" "
                        <span class="muted">{(!e.detail.is_null()).then(|| e.detail.to_string())}" "{e.ip.unwrap_or_default()}</span>
                    </li>
                }).collect_view()}
            </ul>
        }} />
    }
}

/// Percent-encodes a query value (letters, digits and `-._~` pass).
fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
