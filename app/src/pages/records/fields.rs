//! The inputs of the record forms, each bound to one path of the draft and showing its own error
//! beside it. Phone first: 48 px targets, numeric keyboards for numbers, dd/mm/yyyy beside dates.

use domain::{Coded, Date, Lang};
use leptos::prelude::*;

use super::form::{asks, Fields, Issue};
use crate::i18n::{tr, use_i18n, Key};
use crate::offline::clock;
use crate::offline::outbox::Draft;

/// What every field of a form shares: the draft, the issues found on save, and what to do after
/// each change (keep the draft).
#[derive(Clone, Copy)]
pub struct FormCtx {
    pub draft: RwSignal<Draft>,
    pub issues: RwSignal<Vec<Issue>>,
    pub on_edit: Callback<()>,
}

impl FormCtx {
    pub fn value(self, path: &str) -> String {
        self.draft
            .with(|draft| draft.get(path).cloned().unwrap_or_default())
    }

    /// Sets a field as typed; its old error goes, since it may no longer hold.
    pub fn set(self, path: &str, value: String) {
        self.draft.update(|draft| {
            if value.is_empty() {
                draft.remove(path);
            } else {
                draft.insert(path.to_string(), value);
            }
        });
        self.issues
            .update(|issues| issues.retain(|issue| issue.field != path));
        self.on_edit.run(());
    }
}

pub fn use_form() -> FormCtx {
    expect_context::<FormCtx>()
}

/// The error beside a field, in the current language.
#[component]
pub fn FieldError(path: &'static str) -> impl IntoView {
    let form = use_form();
    let i18n = use_i18n();
    let message = move || {
        form.issues.with(|issues| {
            issues
                .iter()
                .find(|issue| issue.field == path)
                .map(|issue| issue.message(i18n.lang.get()))
        })
    };
    move || {
        message().map(|message| {
            view! { <span class="field-error" role="alert" data-for=path>{message}</span> }
        })
    }
}

fn invalid(form: FormCtx, path: &'static str) -> impl Fn() -> bool + Copy {
    move || {
        form.issues
            .with(|issues| issues.iter().any(|issue| issue.field == path))
    }
}

/// What a field is for, under its input, when its label alone may be misread.
pub fn hint_of(hint: Option<Key>) -> impl IntoView {
    hint.map(|key| view! { <span class="hint">{tr(key)}</span> })
}

/// A line of text, or a whole number with the numeric keyboard.
#[component]
pub fn TextField(
    path: &'static str,
    label: Key,
    #[prop(optional)] numeric: bool,
    #[prop(optional)] hint: Option<Key>,
) -> impl IntoView {
    let form = use_form();
    view! {
        <label class="field" class:invalid=invalid(form, path)>
            <span class="label">{tr(label)}</span>
            <input name=path type="text" autocomplete="off" inputmode=numeric.then_some("numeric")
                prop:value=move || form.value(path)
                on:input=move |ev| form.set(path, event_target_value(&ev)) />
            {hint_of(hint)}
            <FieldError path />
        </label>
    }
}

/// Fields shown only while the form asks `name` of the draft (an [`Input::Only`] of `fields`),
/// such as the business of a session for its workers.
///
/// [`Input::Only`]: super::form::Input::Only
#[component]
pub fn Asked(fields: Fields, name: &'static str, children: ChildrenFn) -> impl IntoView {
    let form = use_form();
    // A memo, so the fields are built again only when they appear, not at each keystroke (which
    // would take the focus from the field being typed in).
    let asked = Memo::new(move |_| form.draft.with(|draft| asks(fields, name, draft)));
    move || asked.get().then(|| children())
}

/// Free text over several lines.
#[component]
pub fn NotesField(path: &'static str, label: Key) -> impl IntoView {
    let form = use_form();
    view! {
        <label class="field" class:invalid=invalid(form, path)>
            <span class="label">{tr(label)}</span>
            <textarea name=path rows="3"
                prop:value=move || form.value(path)
                on:input=move |ev| form.set(path, event_target_value(&ev))></textarea>
            <FieldError path />
        </label>
    }
}

/// A date: the browser's date picker, with the date written dd/mm/yyyy beside it. `future` allows
/// days after today (a planned follow-up). Left empty, it is left out of the record, so it serves
/// required and optional dates alike (the domain says which).
#[component]
pub fn DateField(
    path: &'static str,
    label: Key,
    #[prop(optional)] future: bool,
    #[prop(optional)] hint: Option<Key>,
) -> impl IntoView {
    let form = use_form();
    let max = (!future).then(|| clock::today().to_string());
    let written = move || {
        form.value(path)
            .parse::<Date>()
            .map(Date::format_vn)
            .unwrap_or_default()
    };
    view! {
        <label class="field" class:invalid=invalid(form, path)>
            <span class="label">{tr(label)}</span>
            <span class="date-row">
                <input name=path type="date" max=max
                    prop:value=move || form.value(path)
                    on:input=move |ev| form.set(path, event_target_value(&ev)) />
                <span class="date-vn" data-for=path>{written}</span>
            </span>
            {hint_of(hint)}
            <FieldError path />
        </label>
    }
}

/// One value of a closed list: its code and its label in each language. Lists are passed as
/// these rather than as generic types, so that each form's selects share one piece of code.
#[derive(Clone, Copy)]
pub struct Choice {
    code: &'static str,
    labels: [&'static str; 2],
}

impl Choice {
    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.labels[0],
            Lang::En => self.labels[1],
        }
    }
}

pub fn choices<T: Coded>(all: &'static [T]) -> Vec<Choice> {
    all.iter()
        .map(|value| Choice {
            code: value.as_str(),
            labels: [value.label(Lang::Vi), value.label(Lang::En)],
        })
        .collect()
}

/// The options of a select bound to `value`, after a blank "choose" option.
pub fn options(
    choices: Vec<Choice>,
    value: impl Fn() -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <option value="" prop:selected=move || value().is_empty()>{tr(Key::Choose)}</option>
        {choices
            .into_iter()
            .map(|choice| {
                view! {
                    <option value=choice.code prop:selected=move || value() == choice.code>
                        {move || choice.label(i18n.lang.get())}
                    </option>
                }
            })
            .collect_view()}
    }
}

/// One of a closed list, labelled in the current language.
#[component]
pub fn ChoiceField(path: &'static str, label: Key, options: Vec<Choice>) -> impl IntoView {
    let form = use_form();
    view! {
        <label class="field" class:invalid=invalid(form, path)>
            <span class="label">{tr(label)}</span>
            <select name=path on:change=move |ev| form.set(path, event_target_value(&ev))>
                {self::options(options, move || form.value(path))}
            </select>
            <FieldError path />
        </label>
    }
}

/// A yes/no question as a big checkbox.
#[component]
pub fn CheckField(path: &'static str, label: Key) -> impl IntoView {
    let form = use_form();
    view! {
        <label class="field check" class:invalid=invalid(form, path)>
            <span class="check-row">
                <input name=path type="checkbox"
                    prop:checked=move || form.value(path) == "true"
                    on:change=move |ev| form.set(path, event_target_checked(&ev).to_string()) />
                <span class="label">{tr(label)}</span>
            </span>
            <FieldError path />
        </label>
    }
}
