//! The sync page at `/sync`: when this phone last synced, its records per state, "Sync now", each
//! record in conflict with the officer's version beside the server's, to keep one, and the export
//! of unsent records for a phone about to be reset or replaced.

use domain::{Coded, Record};
use leptos::prelude::*;

use super::records::{state_key, summary};
use crate::auth::use_auth;
use crate::i18n::{tr, use_i18n, Key};
use crate::offline::outbox::{record_of, Counts, Entry, LocalState, Resolution, StateTag};
use crate::offline::{self, clock};
use crate::state::use_app_state;
use crate::sync::use_sync;

#[component]
pub fn SyncPage() -> impl IntoView {
    let auth = use_auth();
    let engine = use_sync();
    let app = use_app_state();
    let i18n = use_i18n();
    let entries = RwSignal::new(Vec::<Entry>::new());
    Effect::new(move |_| {
        engine.revision.track();
        if let Some(officer) = auth.officer.get() {
            entries.set(offline::outbox(&officer.id).entries());
        }
    });
    let counts =
        Memo::new(move |_| entries.with(|all| Counts::of(all.iter().map(|e| e.state.tag()))));
    let conflicts = move || {
        entries.with(|all| {
            all.iter()
                .filter(|e| e.state.tag() == StateTag::Conflict)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let resolve = move |id: String, resolution: Resolution| {
        let Some(officer) = auth.officer.get_untracked() else {
            return;
        };
        let outbox = offline::outbox(&officer.id);
        let resolved = outbox.resolve_conflict(&id, resolution, offline::now_ms());
        leptos::task::spawn_local(async move {
            let stored = match resolved {
                Ok(()) => offline::flush().await,
                failed => failed,
            };
            // Undone in memory when it did not fit, so the lists show what is stored.
            app.count_waiting(Some(&officer.id));
            engine.changed();
            match stored {
                Ok(()) if resolution == Resolution::KeepMine => engine.sync_now(),
                Ok(()) => {}
                Err(_) => engine.problem.set(Some(Key::StorageFull)),
            }
        });
    };
    let last = move || match engine.last_synced.get() {
        Some(ms) => format!("{}: {}", i18n.t(Key::LastSynced), clock::vietnam_time(ms)),
        None => i18n.t(Key::NeverSynced).to_string(),
    };
    // In words: "sent 12 records: the server stored 11, refused 1."
    let exchange = move || {
        engine.last_exchange.get().map(|exchange| {
            let mut text = format!(
                "{} ({}): {} {} {}",
                i18n.t(Key::LastExchange),
                clock::vietnam_time(exchange.at),
                i18n.t(Key::ExchangeSent),
                exchange.sent,
                i18n.t(Key::ExchangeRecords),
            );
            let parts = [
                (Key::ExchangeStored, exchange.stored),
                (Key::ExchangeRefused, exchange.refused),
                (Key::ExchangeConflicts, exchange.conflicts),
            ];
            let said: Vec<String> = parts
                .into_iter()
                .filter(|(key, n)| *n > 0 || *key == Key::ExchangeStored)
                .map(|(key, n)| format!("{} {n}", i18n.t(key)))
                .collect();
            text.push_str(&format!("; {}.", said.join(", ")));
            view! { <p data-testid="last-exchange">{text}</p> }
        })
    };
    view! {
        <h1>{tr(Key::NavSync)}</h1>
        <p>{tr(Key::SyncIntro)}</p>
        <section class="card">
            <p data-testid="last-synced">{last}</p>
            {exchange}
            <dl class="state-counts">
                {[StateTag::Waiting, StateTag::Synced, StateTag::Conflict, StateTag::Rejected, StateTag::Draft]
                    .into_iter()
                    .map(|tag| view! {
                        <div>
                            <dt>{tr(state_key(tag))}</dt>
                            <dd data-testid=format!("count-{}", tag.as_str())>{move || counts.get().get(tag)}</dd>
                        </div>
                    })
                    .collect_view()}
            </dl>
            {move || engine.problem.get().map(|key| view! {
                <p class="problem" role="alert" data-testid="sync-problem">{tr(key)}</p>
            })}
            <button
                class="button wide"
                type="button"
                data-testid="sync-now"
                disabled=move || engine.running.get()
                on:click=move |_| engine.sync_now()
            >
                {move || i18n.t(if engine.running.get() { Key::Syncing } else { Key::SyncNow })}
            </button>
        </section>
        <ExportUnsent />
        <section>
            <h2>{tr(Key::ConflictsTitle)}</h2>
            {move || {
                let list = conflicts();
                if list.is_empty() {
                    return view! { <p class="muted">{tr(Key::NoConflicts)}</p> }.into_any();
                }
                list.into_iter()
                    .map(|entry| {
                        let id = entry.id.clone();
                        let theirs = match &entry.state {
                            LocalState::Conflict { current } => record_of(current),
                            _ => None,
                        };
                        let (keep, take) = (id.clone(), id.clone());
                        view! {
                            <article class="card conflict" data-testid="conflict" data-id=id>
                                <p>{tr(Key::ConflictExplain)}</p>
                                <div class="side-by-side">
                                    <Version title=Key::ConflictMine record=entry.record.clone() testid="mine" />
                                    <Version title=Key::ConflictServer record=theirs testid="theirs" />
                                </div>
                                <div class="actions">
                                    <button class="button" type="button" data-testid="keep-mine"
                                        on:click=move |_| resolve(keep.clone(), Resolution::KeepMine)>
                                        {tr(Key::KeepMine)}
                                    </button>
                                    <button class="button secondary" type="button" data-testid="take-server"
                                        on:click=move |_| resolve(take.clone(), Resolution::TakeServer)>
                                        {tr(Key::TakeServer)}
                                    </button>
                                </div>
                            </article>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
        </section>
    }
}

/// "Xuất bản sao hồ sơ chưa gửi": a file of every unsent record, which only the server can open;
/// an admin imports it, so that a phone reset or replaced loses nothing.
#[component]
fn ExportUnsent() -> impl IntoView {
    let auth = use_auth();
    let outcome = RwSignal::new(None::<Result<usize, offline::ExportFailure>>);
    let busy = RwSignal::new(false);
    let export = move |_| {
        let Some(officer) = auth.officer.get_untracked() else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let saved = offline::export_unsent(&officer.id, &officer.username).await;
            outcome.set(Some(saved));
            busy.set(false);
        });
    };
    view! {
        <section class="card" data-testid="export-unsent">
            <h2>{tr(Key::ExportUnsent)}</h2>
            <p class="hint">{tr(Key::ExportUnsentHint)}</p>
            {move || outcome.get().map(|saved| match saved {
                Ok(n) => view! {
                    <p class="ok" role="status" data-testid="export-saved">
                        <strong>{n}</strong>" "{tr(Key::ExportSaved)}
                    </p>
                }.into_any(),
                Err(failure) => view! {
                    <p class="error" role="alert" data-testid="export-failed">{tr(match failure {
                        offline::ExportFailure::NoKey => Key::ExportNoKey,
                        offline::ExportFailure::Nothing => Key::ExportNothing,
                        offline::ExportFailure::NoCrypto => Key::ExportFailed,
                    })}</p>
                }.into_any(),
            })}
            <button class="button wide secondary" type="button" data-testid="export-unsent-button"
                disabled=move || busy.get() on:click=export>
                {tr(Key::ExportUnsent)}
            </button>
        </section>
    }
}

/// One side of a conflict: the record's kind, date, key values and whether it is voided.
#[component]
fn Version(title: Key, record: Option<Record>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let record = record.map(|record| {
        let kind = record.kind;
        let data = record.data.clone();
        let values = move || {
            let words = [Key::People, Key::Men, Key::Women].map(|key| i18n.t(key));
            summary(kind, &data, i18n.lang.get(), words)
        };
        view! {
            <p><strong>{move || kind.label(i18n.lang.get())}</strong></p>
            <p>{record.occurred_on.format_vn()}</p>
            <p data-testid="values">{values}</p>
            {record.voided.then(|| view! { <span class="badge voided">{tr(Key::Voided)}</span> })}
        }
    });
    view! {
        <div class="version" data-testid=testid>
            <h3>{tr(title)}</h3>
            {record}
        </div>
    }
}
