//! Opening the app: the lock screen shown on every page while no officer's records are open (the
//! officers known on this phone, each with their PIN; or the password form), the PIN chooser after
//! a first password sign-in, and `/signin` for a password sign-in while open (the session expired,
//! or another officer).

use super::routes;
use crate::api::ApiFailure;
use crate::auth::{use_auth, SignInError};
use crate::i18n::{tr, use_i18n, Key};
use crate::offline::{keyring, LockError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

fn lock_key(error: LockError) -> Key {
    match error {
        LockError::NoCrypto => Key::NoCrypto,
        LockError::Storage(outbox_error) => super::records::storage_key(outbox_error),
        LockError::WrongPin { .. } => Key::PinWrong,
        LockError::PinGone => Key::PinGone,
        LockError::Unreadable => Key::LockUnreadable,
    }
}

/// What stands in front of every page while locked.
#[component]
pub fn Gate() -> impl IntoView {
    let auth = use_auth();
    let with_password = RwSignal::new(false);
    // A memo, so that a wrong PIN (which rewrites the list) keeps the PIN form and its message.
    let has_pin = Memo::new(move |_| {
        auth.known
            .with(|known| known.iter().any(|k| k.pin.is_some()))
    });
    let i18n = use_i18n();
    view! {
        // `data-ready` once the phone's officers were read: tests and styles wait for it.
        <div class="gate" data-testid="gate" data-ready=move || auth.loaded.get()>
        <Show when=move || auth.locked_because.get().is_some()>
            <p class="notice" role="status">{move || auth.locked_because.get().map(|k| i18n.t(k))}</p>
        </Show>
        {move || {
            if auth.needs_pin.get() && auth.officer.with(Option::is_some) {
                view! { <ChoosePin /> }.into_any()
            } else if has_pin.get() && !with_password.get() {
                view! { <PinUnlock with_password /> }.into_any()
            } else {
                view! {
                    <SignInPage />
                    <Show when=move || has_pin.get()>
                        <button class="button wide secondary" on:click=move |_| with_password.set(false)>
                            {tr(Key::UsePin)}
                        </button>
                    </Show>
                }
                .into_any()
            }
        }}
        </div>
    }
}

/// The officers known on this phone and the PIN of the one chosen.
#[component]
fn PinUnlock(with_password: RwSignal<bool>) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let officers = move || {
        auth.known
            .get()
            .into_iter()
            .filter(|k| k.pin.is_some())
            .collect::<Vec<_>>()
    };
    let chosen = RwSignal::new(None::<String>);
    let chosen_id = move || {
        chosen
            .get()
            .or_else(|| officers().first().map(|k| k.officer.id.clone()))
    };
    let pin = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<(Key, Option<u32>)>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(officer_id), typed) = (chosen_id(), pin.get_untracked()) else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        if !keyring::valid_pin(&typed) {
            problem.set(Some((Key::PinInvalid, None)));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = auth.unlock(officer_id, typed).await;
            busy.set(false);
            pin.set(String::new());
            problem.set(match result {
                Ok(()) => None,
                Err(LockError::WrongPin { left }) => Some((Key::PinWrong, Some(left))),
                Err(error) => Some((lock_key(error), None)),
            });
        });
    };
    view! {
        <h1>{tr(Key::LockTitle)}</h1>
        <p class="hint">{tr(Key::LockIntro)}</p>
        <form class="form" data-testid="unlock" novalidate on:submit=submit>
            <fieldset class="choices officers">
                <legend>{tr(Key::LockOfficer)}</legend>
                <For each=officers key=|k| k.officer.id.clone() let:known>
                    {
                        let id = known.officer.id.clone();
                        let pressed_id = id.clone();
                        view! {
                            <button
                                type="button"
                                class="choice"
                                data-testid="known-officer"
                                aria-pressed=move || (chosen_id().as_deref() == Some(pressed_id.as_str())).to_string()
                                on:click=move |_| {
                                    chosen.set(Some(id.clone()));
                                    problem.set(None);
                                }
                            >
                                <strong>{known.officer.display_name.clone()}</strong>
                                <span class="sub">{known.officer.username.clone()}" · "{known.officer.org_unit.name.clone()}</span>
                            </button>
                        }
                    }
                </For>
            </fieldset>
            <PinField name="pin" label=Key::Pin autocomplete="off" value=pin />
            {move || problem.get().map(|(key, left)| view! {
                <p class="error" role="alert" data-testid="pin-problem">
                    {i18n.t(key)}{left.map(|n| format!(" {n}"))}
                </p>
            })}
            <button class="button wide" type="submit" disabled=busy>{tr(Key::Unlock)}</button>
        </form>
        <button class="button wide secondary" data-testid="use-password" on:click=move |_| with_password.set(true)>
            {tr(Key::UsePassword)}
        </button>
    }
}

/// Six digits typed into a password field with the numeric keyboard.
#[component]
fn PinField(
    name: &'static str,
    label: Key,
    autocomplete: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label>
            <span>{tr(label)}</span>
            <input
                name=name
                type="password"
                inputmode="numeric"
                pattern="[0-9]*"
                maxlength="6"
                autocomplete=autocomplete
                required
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

/// Right after a first password sign-in on this phone (or after the PIN's key was deleted).
#[component]
fn ChoosePin() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let first = RwSignal::new(String::new());
    let second = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Key>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (a, b) = (first.get_untracked(), second.get_untracked());
        if !keyring::valid_pin(&a) {
            problem.set(Some(Key::PinInvalid));
            return;
        }
        if a != b {
            problem.set(Some(Key::PinMismatch));
            return;
        }
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = auth.choose_pin(a).await;
            busy.set(false);
            problem.set(result.err().map(lock_key));
        });
    };
    view! {
        <h1>{tr(Key::ChoosePinTitle)}</h1>
        <p class="hint">{tr(Key::ChoosePinIntro)}</p>
        <form class="form" novalidate on:submit=submit data-testid="choose-pin">
            <PinField name="new_pin" label=Key::PinNew autocomplete="new-password" value=first />
            <PinField name="repeat_pin" label=Key::PinRepeat autocomplete="new-password" value=second />
            {move || problem.get().map(|key| view! { <p class="error" role="alert">{i18n.t(key)}</p> })}
            <button class="button wide" type="submit" disabled=busy>{tr(Key::SavePin)}</button>
        </form>
    }
}

/// The password form: a first sign-in on this phone, another officer, a forgotten PIN, or an
/// expired session (nothing on the phone is touched).
#[component]
pub fn SignInPage() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Key>);
    let busy = RwSignal::new(false);
    // The open officer signs in again as themselves after their session expired.
    Effect::new(move |_| {
        if let Some(officer) = auth.officer.get() {
            if auth.expired.get() {
                username.set(officer.username);
            }
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
                    navigate(routes::RECORDS, Default::default());
                }
                Err(SignInError::Lock(error)) => problem.set(Some(lock_key(error))),
                Err(SignInError::Api(failure)) => problem.set(Some(match &failure {
                    ApiFailure::Offline => Key::SignInOffline,
                    ApiFailure::Disabled => Key::AccountDisabled,
                    f if f.code() == "too_many_attempts" => Key::SignInTooMany,
                    f if f.code() == "busy" => Key::ServerBusy,
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
        <form class="form" novalidate on:submit=submit>
            <label>
                <span>{tr(Key::Username)}</span>
                <input
                    name="username"
                    autocomplete="username"
                    autocapitalize="none"
                    required
                    readonly=move || auth.expired.get() && auth.officer.with(Option::is_some)
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
        <p class="hint">{tr(Key::SignInOtherHint)}</p>
    }
}
