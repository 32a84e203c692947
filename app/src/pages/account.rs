//! The officer's own account on the settings page: a new password (the current one required) and
//! signing out their other sessions. Both need the server, so both wait for a network. Neither
//! touches this phone's keys or records: the data key stays wrapped by the PIN and by the
//! device key, which a password change leaves as it is (`docs/phone-security.md`).

use crate::api::{ApiFailure, SessionsRevoked, Verb};
use crate::auth::use_auth;
use crate::i18n::{failure_text, tr, use_i18n, Key};
use crate::offline;
use crate::state::use_app_state;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;

/// What the last action said, shown under it (a status or an alert) in the language of the
/// moment.
#[derive(Clone, Debug, PartialEq)]
enum Said {
    Done(Key, Option<u64>),
    Refused(Key),
    Failed(ApiFailure),
}

fn said_view(said: RwSignal<Option<Said>>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        said.get().map(|said| match said {
            Said::Done(key, count) => {
                let text = match count {
                    Some(n) => format!("{} {n}", i18n.t(key)),
                    None => i18n.t(key).to_string(),
                };
                view! { <p class="ok" role="status" data-testid=testid>{text}</p> }.into_any()
            }
            Said::Refused(key) => {
                view! { <p class="error" role="alert" data-testid=testid>{i18n.t(key)}</p> }
                    .into_any()
            }
            Said::Failed(failure) => view! {
                <p class="error" role="alert" data-testid=testid>{failure_text(i18n, &failure)}</p>
            }
            .into_any(),
        })
    }
}

/// What a refused request says: in words of its own where the general ones would say too little.
fn refusal(failure: ApiFailure) -> Said {
    let key = match &failure {
        ApiFailure::Rejected { code, errors, .. } => match code.as_str() {
            "wrong_password" => Some(Key::PasswordWrong),
            "invalid" if errors.iter().any(|e| e.field == "new_password") => {
                Some(Key::PasswordRules)
            }
            _ => None,
        },
        _ => None,
    };
    key.map_or(Said::Failed(failure), Said::Refused)
}

#[component]
pub fn OwnAccount() -> impl IntoView {
    let auth = use_auth();
    let app = use_app_state();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let changed = RwSignal::new(None::<Said>);
    let signed_out = RwSignal::new(None::<Said>);
    let no_signal = move || !app.online.get();
    let failed = move |failure: ApiFailure| {
        auth.note(&failure);
        refusal(failure)
    };

    let change = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (typed, chosen) = (current.get_untracked(), new.get_untracked());
        let problem = if typed.is_empty() || chosen.is_empty() {
            Some(Key::PasswordMissing)
        } else if chosen != repeat.get_untracked() {
            Some(Key::PasswordMismatch)
        } else {
            None
        };
        if let Some(key) = problem {
            changed.set(Some(Said::Refused(key)));
            return;
        }
        busy.set(true);
        changed.set(None);
        spawn_local(async move {
            let body = json!({"current_password": typed, "new_password": chosen,
                "device_id": offline::device_id()});
            let result =
                offline::api_send::<_, SessionsRevoked>(Verb::Post, "/api/v1/me/password", &body)
                    .await;
            busy.set(false);
            changed.set(Some(match result {
                Ok(_) => {
                    for field in [current, new, repeat] {
                        field.set(String::new());
                    }
                    Said::Done(Key::PasswordChanged, None)
                }
                Err(failure) => failed(failure),
            }));
        });
    };

    let sign_out_others = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        signed_out.set(None);
        spawn_local(async move {
            let result = offline::api_send::<_, SessionsRevoked>(
                Verb::Post,
                "/api/v1/me/sessions/revoke-others",
                &json!({}),
            )
            .await;
            busy.set(false);
            signed_out.set(Some(match result {
                Ok(done) => Said::Done(Key::SignedOutOthers, Some(done.revoked)),
                Err(failure) => failed(failure),
            }));
        });
    };

    let password_field = move |name: &'static str,
                               label: Key,
                               autocomplete: &'static str,
                               value: RwSignal<String>| {
        view! {
            <label>
                <span>{tr(label)}</span>
                <input name=name type="password" autocomplete=autocomplete required
                    prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <section class="card" data-testid="own-account">
            <h2>{tr(Key::ChangePassword)}</h2>
            <form class="form" novalidate on:submit=change data-testid="change-password">
                {password_field("current_password", Key::CurrentPassword, "current-password", current)}
                {password_field("new_password", Key::NewOwnPassword, "new-password", new)}
                {password_field("repeat_password", Key::RepeatPassword, "new-password", repeat)}
                {said_view(changed, "password-said")}
                <button class="button wide" type="submit" disabled=move || busy.get() || no_signal()>
                    {tr(Key::ChangePassword)}
                </button>
            </form>
            <p class="hint">{tr(Key::SignOutOthersHint)}</p>
            <button class="button wide secondary" data-testid="sign-out-others"
                disabled=move || busy.get() || no_signal() on:click=sign_out_others>
                {tr(Key::SignOutOthers)}
            </button>
            {said_view(signed_out, "sessions-said")}
            <Show when=no_signal>
                <p class="hint">{tr(Key::AccountNeedsSignal)}</p>
            </Show>
        </section>
    }
}
