//! The sign-in page: first sign-in on a phone, a change of officer, or a new password after the
//! server session expired (nothing on the phone is touched).

use crate::api::ApiFailure;
use crate::auth::use_auth;
use crate::i18n::{tr, use_i18n, Key};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

#[component]
pub fn SignInPage() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Key>);
    let busy = RwSignal::new(false);
    // Someone remembered on this phone signs in again as themselves.
    let known = move || auth.officer.get().map(|o| o.username);
    Effect::new(move |_| {
        if let Some(name) = known() {
            username.set(name);
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (name, secret) = (
            username.get_untracked().trim().to_string(),
            password.get_untracked(),
        );
        if name.is_empty() || secret.is_empty() {
            problem.set(Some(Key::SignInMissing));
            return;
        }
        busy.set(true);
        problem.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = auth.sign_in(name, secret).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    password.set(String::new());
                    navigate("/", Default::default());
                }
                Err(failure) => problem.set(Some(match &failure {
                    ApiFailure::Offline => Key::SignInOffline,
                    f if f.code() == "too_many_attempts" => Key::SignInTooMany,
                    f if f.code() == "invalid_credentials" => Key::SignInInvalid,
                    _ => Key::ErrorUnexpected,
                })),
            }
        });
    };

    view! {
        <h1>{tr(Key::SignInTitle)}</h1>
        <Show when=move || auth.expired.get()>
            <p class="notice">{tr(Key::SessionExpired)}</p>
        </Show>
        <form class="form" on:submit=submit>
            <label>
                <span>{tr(Key::Username)}</span>
                <input
                    name="username"
                    autocomplete="username"
                    autocapitalize="none"
                    required
                    readonly=move || known().is_some()
                    prop:value=username
                    on:input=move |ev| username.set(event_target_value(&ev))
                />
            </label>
            <label>
                <span>{tr(Key::Password)}</span>
                <input
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    prop:value=password
                    on:input=move |ev| password.set(event_target_value(&ev))
                />
            </label>
            <Show when=move || problem.get().is_some()>
                <p class="error" role="alert">{move || problem.get().map(|k| i18n.t(k))}</p>
            </Show>
            <button class="button wide" type="submit" disabled=busy>
                {tr(Key::SignIn)}
            </button>
        </form>
        <Show when=move || known().is_some()>
            <p class="hint">{tr(Key::SignInOtherHint)}</p>
        </Show>
    }
}
