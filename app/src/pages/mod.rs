//! One component per page.

mod account;
mod admin;
mod admin_devices;
mod admin_services;
mod counts;
mod dashboard;
mod follow_up;
mod quarters;
mod records;
mod report;
pub mod routes;
mod service;
mod signin;
mod sync;

pub use admin::{AdminAuditPage, AdminPage, AdminTargetsPage, AdminUnitsPage, AdminUsersPage};
pub use dashboard::DashboardPage;
pub use quarters::QuartersPage;
pub use report::ReportPrintPage;
pub use service::ServicePage;
pub use signin::{Gate, SignInPage};
pub use sync::SyncPage;

use crate::api::Role;
use crate::auth::use_auth;
use crate::i18n::{tr, use_i18n, Key, Lang};
use crate::offline::{self, StoragePersistence};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    // Signing out with records not sent asks first, naming how many stay on the phone.
    let unsent = RwSignal::new(None::<usize>);
    let sign_out = move || {
        let navigate = navigate.clone();
        unsent.set(None);
        spawn_local(async move {
            auth.sign_out().await;
            navigate(routes::RECORDS, Default::default());
        });
    };
    let ask_sign_out = {
        let sign_out = sign_out.clone();
        move |_: leptos::ev::MouseEvent| match auth.unsent() {
            0 => sign_out(),
            n => unsent.set(Some(n)),
        }
    };
    let lock = move |_| spawn_local(auth.lock());
    let is_admin = move || {
        auth.officer
            .with(|o| o.as_ref().is_some_and(|o| o.role == Role::Admin))
    };
    // The commune's officers and its lead officers take the steps of its quarters.
    let takes_quarters = move || {
        auth.officer.with(|o| {
            o.as_ref()
                .is_some_and(|o| o.role == Role::CommuneOfficer || o.role.leads())
        })
    };
    // Asked for at sign-in (`Auth::sign_in`); shown here as the browser answers now.
    let persistence = LocalResource::new(|| offline::storage_persistence(false));
    let ask_to_keep = move |_| {
        leptos::task::spawn_local(async move {
            offline::storage_persistence(true).await;
            persistence.refetch();
        });
    };
    let lang_button = move |lang: Lang, key: Key| {
        view! {
            <button
                class="choice"
                aria-pressed=move || (i18n.lang.get() == lang).to_string()
                on:click=move |_| i18n.choose(lang)
            >
                {tr(key)}
            </button>
        }
    };
    view! {
        <h1>{tr(Key::NavSettings)}</h1>
        <Show when=move || auth.officer.with(Option::is_some)>
            <section class="card" data-testid="officer">
                <h2>{tr(Key::SignedInAs)}</h2>
                {move || auth.officer.get().map(|o| view! {
                    <p>
                        <strong>{o.display_name}</strong>" ("{o.username}")"<br />
                        {i18n.label(crate::i18n::role_shown(o.role, o.org_unit.level))}" · "{o.org_unit.name}
                    </p>
                })}
                <Show when=is_admin>
                    <A href=routes::ADMIN attr:class="button wide link">{tr(Key::AdminTitle)}</A>
                </Show>
                <Show when=takes_quarters>
                    <A href=routes::QUARTERS attr:class="button wide link" attr:data-testid="open-quarters">{tr(Key::QuartersTitle)}</A>
                </Show>
                <button class="button wide secondary" data-testid="lock-now" on:click=lock>{tr(Key::LockNow)}</button>
                <button class="button wide secondary" data-testid="sign-out" on:click=ask_sign_out.clone()>{tr(Key::SignOut)}</button>
                {let sign_out = sign_out.clone(); move || unsent.get().map(|n| {
                    let sign_out = sign_out.clone();
                    view! {
                        <div class="notice" role="alert" data-testid="sign-out-warning">
                            <p><strong data-testid="unsent-count">{n}</strong>" "{tr(Key::SignOutUnsent)}</p>
                            <p>{tr(Key::SignOutSynced)}</p>
                            <button class="button wide" data-testid="sign-out-anyway" on:click=move |_| sign_out()>{tr(Key::SignOutAnyway)}</button>
                            <button class="button wide secondary" on:click=move |_| unsent.set(None)>{tr(Key::Cancel)}</button>
                        </div>
                    }
                })}
            </section>
            <account::OwnAccount />
        </Show>
        <section class="card">
            <h2>{tr(Key::SettingsLanguage)}</h2>
            <div class="choices">
                {lang_button(Lang::Vi, Key::LangVi)}
                {lang_button(Lang::En, Key::LangEn)}
            </div>
        </section>
        <section class="card">
            <h2>{tr(Key::StorageTitle)}</h2>
            <p data-testid="storage-persistence">
                {move || i18n.t(match persistence.get().unwrap_or(StoragePersistence::Unknown) {
                    StoragePersistence::Granted => Key::StoragePersisted,
                    StoragePersistence::Denied => Key::StorageNotPersisted,
                    StoragePersistence::Unknown => Key::StorageUnknown,
                })}
            </p>
            <Show when=move || persistence.get() != Some(StoragePersistence::Granted)>
                <button class="button wide secondary" type="button" data-testid="ask-persistence" on:click=ask_to_keep>
                    {tr(Key::StorageAsk)}
                </button>
            </Show>
        </section>
    }
}

/// A page whose part of the bundle could not be fetched: opened offline before the app had
/// downloaded the whole build after its first visit.
#[component]
pub fn PageMissing() -> impl IntoView {
    view! {
        <h1>{tr(Key::PageMissingTitle)}</h1>
        <p class="notice" role="alert" data-testid="page-missing">{tr(Key::PageMissing)}</p>
        <button class="button wide" type="button" on:click=|_| offline::reload_page()>
            {tr(Key::Retry)}
        </button>
    }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <p>{tr(Key::NotFound)}</p> }
}
