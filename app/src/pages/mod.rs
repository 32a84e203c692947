//! One component per page.

mod admin;
mod counts;
mod dashboard;
pub mod records;
mod report;
mod signin;
mod sync;

pub use admin::{AdminAuditPage, AdminPage, AdminTargetsPage, AdminUnitsPage, AdminUsersPage};
pub use dashboard::DashboardPage;
pub use records::{RecordsPage, ReferralPage, SessionPage};
pub use report::ReportPrintPage;
pub use signin::SignInPage;
pub use sync::SyncPage;

use crate::api::Role;
use crate::auth::use_auth;
use crate::i18n::{tr, use_i18n, Key, Lang};
use crate::offline::{self, StoragePersistence};
use crate::shell::choose_lang;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let sign_out = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            auth.sign_out().await;
            navigate("/signin", Default::default());
        });
    };
    let is_admin = move || {
        auth.officer
            .with(|o| o.as_ref().is_some_and(|o| o.role == Role::Admin))
    };
    let persistence = RwSignal::new(StoragePersistence::Unknown);
    Effect::new(move |_| offline::request_persistent_storage(move |p| persistence.set(p)));
    let lang_button = move |lang: Lang, key: Key| {
        view! {
            <button
                class="choice"
                aria-pressed=move || (i18n.lang.get() == lang).to_string()
                on:click=move |_| choose_lang(lang)
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
                        {i18n.t(crate::i18n::role_key(o.role))}" · "{o.org_unit.name}
                    </p>
                })}
                <Show when=is_admin>
                    <A href="/admin" attr:class="button wide link">{tr(Key::AdminTitle)}</A>
                </Show>
                <button class="button wide secondary" on:click=sign_out.clone()>{tr(Key::SignOut)}</button>
            </section>
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
                {move || i18n.t(match persistence.get() {
                    StoragePersistence::Granted => Key::StoragePersisted,
                    StoragePersistence::Denied => Key::StorageNotPersisted,
                    StoragePersistence::Unknown => Key::StorageUnknown,
                })}
            </p>
        </section>
    }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <p>{tr(Key::NotFound)}</p> }
}
