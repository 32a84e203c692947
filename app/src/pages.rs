//! One component per page of the bottom navigation.

use crate::i18n::{tr, use_i18n, Key, Lang};
use crate::offline::{self, StoragePersistence};
use crate::shell::choose_lang;
use leptos::prelude::*;

#[component]
pub fn RecordsPage() -> impl IntoView {
    view! {
        <h1>{tr(Key::NavRecords)}</h1>
        <p>{tr(Key::RecordsIntro)}</p>
    }
}

#[component]
pub fn SyncPage() -> impl IntoView {
    view! {
        <h1>{tr(Key::NavSync)}</h1>
        <p>{tr(Key::SyncIntro)}</p>
    }
}

#[component]
pub fn IndicatorsPage() -> impl IntoView {
    view! {
        <h1>{tr(Key::NavIndicators)}</h1>
        <p>{tr(Key::IndicatorsIntro)}</p>
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
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
