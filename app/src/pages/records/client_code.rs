//! The client code of a referral: typed when the person already has one (the check character
//! catches a typo on save), or made here from non-identifying answers with the domain's recipe.
//! The answers live only in this component: never in the draft, and cleared once the code is made.

use domain::{ClientAnswers, ClientCodeError, ClientCodeRecipe, Coded, ErrorCode, Sex};
use leptos::prelude::*;

use super::fields::{choices, options, use_form, FieldError};
use super::form::CLIENT_CODE;
use crate::i18n::{tr, use_i18n, Key};

#[component]
pub fn ClientCodeField() -> impl IntoView {
    let form = use_form();
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let mother = RwSignal::new(String::new());
    let father = RwSignal::new(String::new());
    let year = RwSignal::new(String::new());
    let sex = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<ClientCodeError>);
    let sex_missing = RwSignal::new(false);
    let made = RwSignal::new(false);

    let make = move |_| {
        let chosen = Sex::parse(&sex.get_untracked());
        sex_missing.set(chosen.is_none());
        let Some(chosen) = chosen else {
            return;
        };
        let answers = ClientAnswers {
            mother_given_name: mother.get_untracked(),
            father_given_name: father.get_untracked(),
            // Not a number is as wrong as an impossible year.
            birth_year: year.get_untracked().trim().parse().unwrap_or(0),
            sex: chosen,
        };
        match ClientCodeRecipe::default().make(&answers) {
            Ok(code) => {
                for answer in [mother, father, year, sex] {
                    answer.set(String::new());
                }
                problem.set(None);
                open.set(false);
                made.set(true);
                form.set(CLIENT_CODE, code.as_str().to_string());
            }
            Err(error) => problem.set(Some(error)),
        }
    };
    let answer = |signal: RwSignal<String>, label: Key, numeric: bool| {
        view! {
            <label class="field">
                <span class="label">{tr(label)}</span>
                <input type="text" autocomplete="off" autocapitalize="words" spellcheck="false"
                    inputmode=numeric.then_some("numeric")
                    prop:value=signal on:input=move |ev| signal.set(event_target_value(&ev)) />
            </label>
        }
    };

    view! {
        <div class="field client-code" class:invalid=move || form.issues.with(|i| i.iter().any(|i| i.field == CLIENT_CODE))>
            <label class="field">
                <span class="label">{tr(Key::FieldClientCode)}</span>
                <input name=CLIENT_CODE type="text" autocomplete="off" autocapitalize="characters" spellcheck="false"
                    prop:value=move || form.value(CLIENT_CODE)
                    on:input=move |ev| {
                        made.set(false);
                        form.set(CLIENT_CODE, event_target_value(&ev));
                    } />
            </label>
            <FieldError path=CLIENT_CODE />
            <span class="hint">{move || i18n.t(if made.get() { Key::CodeMade } else { Key::ClientCodeHint })}</span>
            <button class="button secondary" type="button" hidden=move || open.get() on:click=move |_| open.set(true)>
                {tr(Key::MakeCode)}
            </button>
            <div class="generator" data-testid="code-generator" hidden=move || !open.get()>
                    <p class="hint">{tr(Key::MakeCodeHint)}</p>
                    {answer(mother, Key::MotherGivenName, false)}
                    {answer(father, Key::FatherGivenName, false)}
                    {answer(year, Key::BirthYear, true)}
                    <label class="field">
                        <span class="label">{tr(Key::FieldSex)}</span>
                        <select on:change=move |ev| sex.set(event_target_value(&ev))>
                            {options(choices(Sex::ALL), move || sex.get())}
                        </select>
                        {move || sex_missing.get().then(|| view! {
                            <span class="field-error" role="alert">{move || ErrorCode::Required.message(i18n.lang.get())}</span>
                        })}
                    </label>
                    {move || problem.get().map(|error| view! {
                        <span class="field-error" role="alert">{move || error.message(i18n.lang.get())}</span>
                    })}
                    <button class="button" type="button" on:click=make>{tr(Key::UseThisCode)}</button>
            </div>
        </div>
    }
}
