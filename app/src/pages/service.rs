//! The receiving service's page (role `service_provider`): type or paste the code of the slip the
//! person brought, see the service asked for and the day of the referral (nothing about the
//! person), and answer that they came, on a day, or that they did not. The slip's QR code opens
//! this page with `?slip=` and looks it up. Phone first; it works the
//! same at a desk. It needs the server: a slip is looked up there.

use crate::api::{ApiFailure, Slip, SlipAnswer, Verb};
use crate::auth::use_auth;
use crate::i18n::{failure_text, tr, use_i18n, Key};
use crate::offline::{self, clock};
use domain::{Coded, Date, SlipOutcome};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

/// What a refused lookup or answer means, in words of its own where there are some.
fn refusal_key(failure: &ApiFailure) -> Option<Key> {
    let ApiFailure::Rejected { code, errors, .. } = failure else {
        return None;
    };
    let field_code = errors.first().map(|e| e.code.as_str());
    Some(match (code.as_str(), field_code) {
        ("slip_not_found", _) => Key::SlipNotFound,
        ("invalid", Some("invalid_slip_code")) => Key::SlipTypo,
        ("invalid", Some("too_early")) => Key::SlipTooEarly,
        ("invalid", Some("invalid_value")) => Key::SlipDayInvalid,
        ("too_many_attempts", _) => Key::SlipTooMany,
        ("slip_confirmed", _) => Key::SlipAlreadyReceived,
        ("slip_code_ambiguous", _) => Key::SlipAmbiguous,
        ("forbidden", _) => Key::ServiceOnly,
        _ => return None,
    })
}

#[component]
pub fn ServicePage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let typed = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Slip>);
    let received_on = RwSignal::new(clock::today().to_string());
    let problem = RwSignal::new(None::<ApiFailure>);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let fail = move |failure: ApiFailure| {
        auth.note(&failure);
        problem.set(Some(failure));
    };

    let look_up = move || {
        // What a slip code can hold; the rest (spaces) is left out, so the path needs no escaping.
        let code: String = typed
            .get_untracked()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if code.is_empty() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        saved.set(false);
        found.set(None);
        spawn_local(async move {
            let path = format!("/api/v1/slips/{code}");
            match offline::api_get::<Slip>(&path).await {
                Ok(slip) => found.set(Some(slip)),
                Err(failure) => fail(failure),
            }
            busy.set(false);
        });
    };

    // The slip's QR code is a link here with the code: looked up at once.
    let query = use_query_map();
    Effect::new(move |_| {
        let is_service = auth.officer.with(|o| {
            o.as_ref()
                .is_some_and(|o| o.role == crate::api::Role::ServiceProvider)
        });
        let scanned = query.with_untracked(|q| q.get("slip"));
        if let (true, Some(code)) = (is_service, scanned) {
            if typed.get_untracked().is_empty() {
                typed.set(code);
                look_up();
            }
        }
    });

    let answer = move |outcome: SlipOutcome| {
        let Some(slip) = found.get_untracked() else {
            return;
        };
        let on = match outcome {
            SlipOutcome::Received => Date::parse(&received_on.get_untracked()).ok(),
            SlipOutcome::NoShow => Some(clock::today()),
        };
        let Some(on) = on else {
            problem.set(Some(ApiFailure::Rejected {
                status: 422,
                code: "invalid".into(),
                errors: vec![crate::api::FieldProblem {
                    field: "on".into(),
                    code: "invalid_value".into(),
                    message: String::new(),
                }],
            }));
            return;
        };
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let path = format!("/api/v1/slips/{}/confirmation", slip.slip_code);
            let body = SlipAnswer { outcome, on };
            match offline::api_send::<_, Slip>(Verb::Post, &path, &body).await {
                Ok(slip) => {
                    found.set(Some(slip));
                    saved.set(true);
                }
                Err(failure) => fail(failure),
            }
            busy.set(false);
        });
    };

    let service_name = move || {
        auth.officer.with(|o| {
            o.as_ref()
                .and_then(|o| o.receiving_service.as_ref().map(|s| s.name.clone()))
        })
    };
    let problem_view = move || {
        problem.get().map(|failure| {
            let text = match refusal_key(&failure) {
                Some(key) => i18n.t(key).to_string(),
                None => failure_text(i18n, &failure),
            };
            view! { <p class="error" role="alert" data-testid="slip-problem">{text}</p> }
        })
    };
    let slip_view = move || {
        found.get().map(|slip| {
            let lang = i18n.lang.get();
            let state = match &slip.confirmation {
                Some(c) => format!("{} ({})", c.outcome.label(lang), c.on.format_vn()),
                None => i18n.t(Key::SlipOpen).to_string(),
            };
            let open = slip.confirmation.as_ref().is_none_or(|c| c.outcome == SlipOutcome::NoShow);
            view! {
                <section class="card" data-testid="slip-found">
                    <h2>{slip.slip_code.clone()}</h2>
                    <dl class="facts">
                        <dt>{tr(Key::SlipService)}</dt>
                        <dd data-testid="slip-service">{slip.service.label(lang)}</dd>
                        <dt>{tr(Key::SlipReferredOn)}</dt>
                        <dd>{slip.referred_on.format_vn()}</dd>
                        <dt>{tr(Key::SlipState)}</dt>
                        <dd data-testid="slip-state">{state}</dd>
                    </dl>
                    <Show when=move || open>
                        <label for="received-on">{tr(Key::SlipReceivedOn)}</label>
                        <input id="received-on" type="date" prop:value=move || received_on.get()
                            on:input=move |ev| received_on.set(event_target_value(&ev)) />
                        <button class="button wide" type="button" data-testid="slip-received"
                            disabled=move || busy.get() on:click=move |_| answer(SlipOutcome::Received)>
                            {move || SlipOutcome::Received.label(i18n.lang.get())}
                        </button>
                        <button class="button wide secondary" type="button" data-testid="slip-no-show"
                            disabled=move || busy.get() on:click=move |_| answer(SlipOutcome::NoShow)>
                            {move || SlipOutcome::NoShow.label(i18n.lang.get())}
                        </button>
                    </Show>
                </section>
            }
        })
    };
    let is_service = move || {
        auth.officer.with(|o| {
            o.as_ref()
                .is_some_and(|o| o.role == crate::api::Role::ServiceProvider)
        })
    };
    view! {
        <h1>{tr(Key::ServiceTitle)}</h1>
        <Show when=is_service fallback=|| view! { <p class="notice">{tr(Key::ServiceOnly)}</p> }>
        <p class="hint">{service_name}</p>
        <form class="form card" on:submit=move |ev| { ev.prevent_default(); look_up(); }>
            <label for="slip-code">{tr(Key::SlipCodeLabel)}</label>
            <input id="slip-code" name="slip-code" autocomplete="off" autocapitalize="characters"
                spellcheck="false" maxlength="20" prop:value=move || typed.get()
                on:input=move |ev| typed.set(event_target_value(&ev)) />
            <p class="hint">{tr(Key::ServiceIntro)}</p>
            <button class="button wide" type="submit" data-testid="slip-look-up" disabled=move || busy.get()>
                {tr(Key::SlipLookUp)}
            </button>
        </form>
        {problem_view}
        {move || saved.get().then(|| view! { <p class="ok" role="status" data-testid="slip-saved">{tr(Key::SlipSaved)}</p> })}
        {slip_view}
        </Show>
    }
}
