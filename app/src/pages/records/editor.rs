//! What every record form shares: opening a record from the outbox or starting a new one,
//! keeping the draft at each keystroke, saving through the domain's validation, voiding and
//! discarding. A form page makes an [`Editor`] and lays its own fields between [`EditorTop`],
//! [`EditorSave`] and [`EditorActions`]. A new form may start with `data` fields from its link
//! (`/records/inspection?business_id=…`).

use domain::{Coded, RecordKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde_json::Value;

use super::fields::FormCtx;
use super::form::{
    check, district_level, draft_of, is_data_field, is_form_field, new_draft, Issue,
};
use super::storage_key;
use crate::api::{Officer, Role};
use crate::auth::{use_auth, Auth};
use crate::i18n::{tr, use_i18n, Key};
use crate::offline::outbox::{Draft, Entry, LocalState, StoreError};
use crate::offline::{self, clock};
use crate::pages::routes::{self, form_path};
use crate::state::{use_app_state, AppState};

/// One record's form: its state and what the buttons do.
#[derive(Clone, Copy)]
pub struct Editor {
    kind: RecordKind,
    draft: RwSignal<Draft>,
    issues: RwSignal<Vec<Issue>>,
    /// Known once the outbox was read, after hydration.
    id: RwSignal<Option<String>>,
    /// The record as stored, once it was ever saved or drafted.
    stored: RwSignal<Option<Entry>>,
    problem: RwSignal<Option<Key>>,
    not_found: RwSignal<bool>,
    confirm_void: RwSignal<bool>,
    /// Set when a business was just saved: its form stays open to inspect it at once.
    just_saved: RwSignal<bool>,
    auth: Auth,
    app: AppState,
    /// Back to the list after a save, a void or a discard.
    done: Callback<()>,
}

impl Editor {
    /// Starts the form of `kind` and gives its fields their context.
    pub fn new(kind: RecordKind) -> Editor {
        let navigate = use_navigate();
        let editor = Editor {
            kind,
            draft: RwSignal::new(Draft::new()),
            issues: RwSignal::new(Vec::new()),
            id: RwSignal::new(None),
            stored: RwSignal::new(None),
            problem: RwSignal::new(None),
            not_found: RwSignal::new(false),
            confirm_void: RwSignal::new(false),
            just_saved: RwSignal::new(false),
            auth: use_auth(),
            app: use_app_state(),
            done: Callback::new(move |()| navigate(routes::RECORDS, Default::default())),
        };
        let auth = editor.auth;
        let query = use_query_map();
        Effect::new(move |_| {
            if let Some(officer) = auth.officer.get() {
                if editor.id.get_untracked().is_none() {
                    let (asked, given) = query.with_untracked(|q| {
                        let given: Vec<(String, String)> = q
                            .latest_values()
                            .filter(|(name, _)| is_data_field(kind, name))
                            .map(|(name, value)| (format!("data.{name}"), value.to_string()))
                            .collect();
                        (q.get("id"), given)
                    });
                    editor.open(&officer, asked, given);
                }
            }
        });
        provide_context(FormCtx {
            draft: editor.draft,
            issues: editor.issues,
            on_edit: Callback::new(move |()| editor.keep_draft()),
        });
        editor
    }

    /// Opens the record asked for, or a new form when there is none, with the `given` fields.
    fn open(self, officer: &Officer, asked: Option<String>, given: Vec<(String, String)>) {
        let outbox = offline::outbox(&officer.id);
        match asked.as_deref().and_then(|asked| outbox.entry(asked)) {
            Some(entry) if entry.kind == self.kind => {
                let form = entry
                    .draft
                    .clone()
                    .or_else(|| entry.record.as_ref().map(draft_of));
                self.draft.set(form.unwrap_or_default());
                if let LocalState::Rejected { errors } = &entry.state {
                    self.issues
                        .set(errors.iter().map(Issue::from_problem).collect());
                }
                self.id.set(Some(entry.id.clone()));
                self.stored.set(Some(entry));
            }
            _ => {
                self.not_found.set(asked.is_some());
                // A district officer's district-level work is the district's unless they choose
                // a commune.
                let own = match officer.role {
                    Role::CommuneOfficer => true,
                    role if role.leads() => district_level(self.kind),
                    _ => false,
                };
                let own_unit = own.then_some(officer.org_unit.id.as_str());
                let mut draft = new_draft(self.kind, own_unit, clock::today());
                draft.extend(given);
                self.draft.set(draft);
                self.id.set(Some(offline::new_record_id()));
            }
        }
    }

    fn outbox(self) -> Option<(offline::outbox::Outbox<offline::OfficerStorage>, String)> {
        let officer = self.auth.officer.get_untracked()?;
        Some((offline::outbox(&officer.id), self.id.get_untracked()?))
    }

    /// The header's count, after a change is stored.
    fn count_waiting(self) {
        let officer_id = self
            .auth
            .officer
            .with_untracked(|o| o.as_ref().map(|o| o.id.clone()));
        if officer_id.is_some() {
            self.app.count_waiting(officer_id.as_deref());
        }
    }

    fn keep_draft(self) {
        let Some((outbox, id)) = self.outbox() else {
            return;
        };
        let first = self.stored.with_untracked(Option::is_none);
        self.just_saved.set(false);
        match outbox.keep_draft(
            &id,
            self.kind,
            self.draft.get_untracked(),
            offline::now_ms(),
        ) {
            Ok(()) => {
                // A draft that did not fit is undone in memory too: say so.
                let problem = self.problem;
                spawn_local(async move {
                    if let Err(error) = offline::flush().await {
                        problem.set(Some(storage_key(error)));
                    }
                });
                if first {
                    // A reload now reopens this draft.
                    let path = form_path(self.kind);
                    offline::replace_url(&format!("{path}?id={id}"));
                }
                // The buttons follow the stored entry: a draft to discard appeared.
                if self
                    .stored
                    .with_untracked(|e| e.as_ref().is_none_or(|e| e.draft.is_none()))
                {
                    self.stored.set(outbox.entry(&id));
                }
                self.problem.set(None);
            }
            Err(error) => self.problem.set(Some(storage_key(error))),
        }
    }

    pub fn save(self, ev: leptos::ev::SubmitEvent) {
        ev.prevent_default();
        let Some((outbox, id)) = self.outbox() else {
            return;
        };
        let known_code = self.stored.with_untracked(|entry| {
            let record = entry.as_ref()?.record.as_ref()?;
            record
                .data
                .get("client_code")
                .and_then(Value::as_str)
                .map(str::to_string)
        });
        let draft = self.draft.get_untracked();
        let checked = check(
            self.kind,
            &id,
            &draft,
            clock::today(),
            known_code.as_deref(),
        )
        .and_then(|record| {
            let units = outbox.org_units();
            match Issue::unit_life(&units, &record.org_unit_id, record.occurred_on) {
                Some(issue) => Err(vec![issue]),
                None => Ok(record),
            }
        });
        let record = match checked {
            Ok(record) => record,
            Err(found) => {
                self.issues.set(found);
                self.problem.set(Some(Key::FixMarked));
                return;
            }
        };
        // A business is often inspected at once, and a new referral's slip is shown at once:
        // their forms stay open.
        let stays = match self.kind {
            RecordKind::Business => true,
            RecordKind::Referral => self
                .stored
                .with_untracked(|e| e.as_ref().is_none_or(|e| e.record.is_none())),
            _ => false,
        };
        // Measured until the encrypted copy is stored: only then is the record kept.
        offline::mark("pcmd.outbox.save");
        let saved = outbox.save(record, offline::now_ms());
        spawn_local(async move {
            let saved = match saved {
                Ok(entry) => offline::flush().await.map(|()| entry),
                Err(error) => Err(error),
            };
            offline::measure("pcmd.outbox.save");
            match saved {
                Ok(entry) if stays => {
                    offline::replace_url(&format!("{}?id={id}", form_path(self.kind)));
                    self.stored.set(Some(entry));
                    self.problem.set(None);
                    self.just_saved.set(true);
                    self.count_waiting();
                }
                // On failure the form keeps what was typed, to save again.
                saved => self.leave(saved.map(|_| ())),
            }
        });
    }

    /// The record's id, once the form is open.
    pub fn id(self) -> Option<String> {
        self.id.get()
    }

    /// Whether the record was saved just now, with the form still open.
    pub fn just_saved(self) -> bool {
        self.just_saved.get()
    }

    /// Back to the records list.
    pub fn back_to_list(self) {
        self.done.run(());
    }

    /// The draft's text at `path` (`data.slip_code`), if any.
    pub fn text(self, path: &str) -> Option<String> {
        self.draft
            .with(|draft| draft.get(path).filter(|t| !t.is_empty()).cloned())
    }

    /// Back to the list once the change is stored encrypted; on failure the form stays.
    fn leave(self, result: Result<(), StoreError>) {
        spawn_local(async move {
            let result = match result {
                Ok(()) => offline::flush().await,
                failed => failed,
            };
            match result {
                Ok(()) => {
                    self.count_waiting();
                    self.done.run(());
                }
                Err(error) => self.problem.set(Some(storage_key(error))),
            }
        });
    }

    fn void(self) {
        if let Some((outbox, id)) = self.outbox() {
            self.leave(outbox.void(&id, offline::now_ms()));
        }
    }

    fn discard(self) {
        if let Some((outbox, id)) = self.outbox() {
            self.leave(outbox.discard_draft(&id));
        }
    }

    /// A voided record is shown but cannot change.
    pub fn voided(self) -> bool {
        self.stored
            .with(|entry| entry.as_ref().is_some_and(Entry::voided))
    }

    pub fn saved_before(self) -> bool {
        self.stored
            .with(|entry| entry.as_ref().is_some_and(|e| e.record.is_some()))
    }

    fn has_draft(self) -> bool {
        self.stored
            .with(|entry| entry.as_ref().is_some_and(|e| e.draft.is_some()))
    }

    /// A synced record's receipt: the server's version of it and when the server stored it.
    fn receipt(self) -> Option<(i64, String)> {
        self.stored.with(|entry| {
            let entry = entry.as_ref()?;
            match (&entry.state, &entry.stored_at) {
                (LocalState::Synced { version }, Some(at)) => Some((*version, at.clone())),
                _ => None,
            }
        })
    }

    /// What the officer should know about the record's state before editing it.
    fn note(self) -> Option<Key> {
        self.stored.with(
            |entry| match entry.as_ref().map(|e| (&e.state, e.voided())) {
                Some((_, true)) => Some(Key::VoidedNote),
                Some((LocalState::Rejected { .. }, _)) => Some(Key::RejectedNote),
                Some((LocalState::Conflict { .. }, _)) => Some(Key::ConflictNote),
                _ => None,
            },
        )
    }
}

/// The title and what to know before editing.
#[component]
fn EditorTop(editor: Editor) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{move || editor.kind.label(i18n.lang.get())}</h1>
        {move || editor.not_found.get().then(|| view! { <p class="notice">{tr(Key::RecordNotFound)}</p> })}
        {move || editor.note().map(|key| view! { <p class="notice" role="status">{tr(key)}</p> })}
        {move || editor.receipt().map(|(version, at)| view! {
            <p class="receipt" data-testid="receipt">
                {tr(Key::Receipt)}" "{version}" "{tr(Key::ReceiptAt)}" "{clock::vietnam_time_of(&at)}
            </p>
        })}
        {move || {
            let lang = i18n.lang.get();
            editor.issues.with(|issues| {
                issues
                    .iter()
                    .filter(|issue| !is_form_field(&issue.field))
                    .map(|issue| view! { <p class="error" role="alert">{issue.message(lang)}</p> })
                    .collect_view()
            })
        }}
    }
}

/// The end of the form: why it was not saved, and the save button.
#[component]
fn EditorSave(editor: Editor) -> impl IntoView {
    view! {
        {move || editor.problem.get().map(|key| view! {
            <p class="error" role="alert" data-testid="form-problem">{tr(key)}</p>
        })}
        {move || (!editor.voided()).then(|| view! {
            <p class="hint">{tr(Key::DraftNote)}</p>
            <button class="button wide" type="submit">{tr(Key::Save)}</button>
        })}
    }
}

/// Below the form: discard the draft, void (after a confirmation), back to the list.
#[component]
fn EditorActions(editor: Editor) -> impl IntoView {
    let discard = move || {
        editor.has_draft().then(|| {
            let key = if editor.saved_before() { Key::DiscardEdit } else { Key::DiscardDraft };
            view! {
                <button class="button wide secondary" type="button" on:click=move |_| editor.discard()>
                    {tr(key)}
                </button>
            }
        })
    };
    let void = move || {
        (editor.saved_before() && !editor.voided()).then(|| {
            let confirming = editor.confirm_void.get();
            view! {
                <button class="button wide danger-outline" type="button" hidden=confirming
                    on:click=move |_| editor.confirm_void.set(true)>
                    {tr(Key::VoidRecord)}
                </button>
                <div class="confirm" role="alertdialog" hidden=!confirming>
                    <p>{tr(Key::VoidConfirm)}</p>
                    <div class="row">
                        <button class="button danger" type="button" on:click=move |_| editor.void()>{tr(Key::VoidYes)}</button>
                        <button class="button secondary" type="button" on:click=move |_| editor.confirm_void.set(false)>{tr(Key::No)}</button>
                    </div>
                </div>
            }
        })
    };
    view! {
        <div class="after-form">
            {discard}
            {void}
            <a href=routes::RECORDS class="button wide link secondary">{tr(Key::BackToList)}</a>
        </div>
    }
}

/// A whole form page around its fields: title, the fields (locked once voided), save, what the
/// kind shows after saving (`after`), and the actions below.
#[component]
pub fn RecordForm(
    editor: Editor,
    children: Children,
    #[prop(optional, into)] after: ViewFn,
) -> impl IntoView {
    view! {
        <EditorTop editor />
        <form class="form record-form" novalidate on:submit=move |ev| editor.save(ev)>
            <fieldset disabled=move || editor.voided()>
                {children()}
            </fieldset>
            <EditorSave editor />
        </form>
        {after.run()}
        <EditorActions editor />
    }
}
