//! The records list at `/`: a new record of any kind, the officer's records on this phone, newest
//! first, with a search as the officer types (offline: the phone's records), counts per state
//! (which also filter), filters by kind and date, and a tap on a row to open it; records of
//! earlier years, which the phone does not keep, fetched from the server on demand.

use domain::{Coded, Date, RecordKind};
use leptos::prelude::*;

use super::form::{draft_data, summary, Issue};
use super::{failure_text, state_key};
use crate::api::{ApiFailure, Level, OrgUnit};
use crate::auth::use_auth;
use crate::i18n::{tr, use_i18n, Key};
use crate::offline;
use crate::offline::outbox::{sort_for_list, Counts, Entry, Filter, LocalState, StateTag};
use crate::pages::routes::form_path;
use crate::state::use_app_state;
use crate::sync::use_sync;
use domain::sync::{RecordsPage, StoredRecord};

/// Rows drawn at first and for each "show more": a cheap phone stays quick with thousands stored.
const PAGE: usize = 50;

#[component]
pub fn RecordsPage() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let app = use_app_state();
    let entries = RwSignal::new(Vec::<Entry>::new());
    let units = RwSignal::new(Vec::<OrgUnit>::new());
    let loaded = RwSignal::new(false);
    let engine = use_sync();
    let navigate = leptos_router::hooks::use_navigate();

    Effect::new(move |_| {
        // Read again whenever a sync changed the outbox.
        engine.revision.track();
        let Some(officer) = auth.officer.get() else {
            return;
        };
        // A receiving service keeps no records: its page is the slips'.
        if officer.role == crate::api::Role::ServiceProvider {
            navigate(crate::pages::routes::SERVICE, Default::default());
            return;
        }
        let outbox = offline::outbox(&officer.id);
        let mut all = offline::timed("pcmd.outbox.load", || outbox.entries());
        sort_for_list(&mut all);
        app.count_waiting(Some(&officer.id));
        let mut known = outbox.org_units();
        if !known.iter().any(|unit| unit.id == officer.org_unit.id) {
            known.push(OrgUnit {
                id: officer.org_unit.id,
                code: officer.org_unit.code,
                name: officer.org_unit.name,
                level: officer.org_unit.level.unwrap_or(Level::Commune),
                parent_id: None,
                valid_from: None,
                valid_to: None,
                successor_ids: Vec::new(),
            });
        }
        units.set(known);
        entries.set(all);
        loaded.set(true);
    });

    let filter = RwSignal::new(Filter::default());
    let limit = RwSignal::new(PAGE);
    // A new filter starts again from the first page.
    let set_filter = move |change: &dyn Fn(&mut Filter)| {
        filter.update(|filter| change(filter));
        limit.set(PAGE);
    };
    let counts = Memo::new(move |_| {
        entries.with(|all| Counts::of(all.iter().map(|entry| entry.state.tag())))
    });
    let matching = Memo::new(move |_| {
        let filter = filter.get();
        entries.with(|all| all.iter().filter(|e| filter.matches(e)).count())
    });
    let shown = move || {
        let filter = filter.get();
        entries.with(|all| {
            all.iter()
                .filter(|e| filter.matches(e))
                .take(limit.get())
                .cloned()
                .collect::<Vec<_>>()
        })
    };

    let more = move || matching.get() > limit.get();

    let chip = move |tag: Option<StateTag>| {
        let label = tr(tag.map_or(Key::AllStates, state_key));
        let count = move || tag.map_or_else(|| counts.get().total(), |tag| counts.get().get(tag));
        view! {
            <button
                class="chip"
                type="button"
                data-state=tag.map_or("all", StateTag::as_str)
                aria-pressed=move || (filter.with(|f| f.state) == tag).to_string()
                on:click=move |_| set_filter(&|f| f.state = tag)
            >
                <span>{label}</span>
                <strong class="chip-count">{count}</strong>
            </button>
        }
    };
    let date_input = move |bound: fn(&mut Filter, Option<Date>), label: Key| {
        view! {
            <label class="field">
                <span class="label">{tr(label)}</span>
                <input type="date" on:input=move |ev| {
                    let day = event_target_value(&ev).parse().ok();
                    set_filter(&|f| bound(f, day));
                } />
            </label>
        }
    };

    view! {
        <h1>{tr(Key::NavRecords)}</h1>
        <InstallOffer />
        <div class="new-record">
            <a href=form_path(RecordKind::OutreachSession) class="button" data-testid="new-session">"+ "{tr(Key::NewSession)}</a>
            <a href=form_path(RecordKind::Referral) class="button" data-testid="new-referral">"+ "{tr(Key::NewReferral)}</a>
        </div>
        // The two records made most often stay one tap away; the others are one more.
        <details class="new-other" data-testid="new-other">
            <summary>"+ "{tr(Key::NewOtherRecord)}</summary>
            <div class="kind-menu">
                {RecordKind::ALL.iter().copied().filter(|kind| !matches!(kind, RecordKind::OutreachSession | RecordKind::Referral)).map(|kind| view! {
                    <a href=form_path(kind) class="button secondary" data-testid=format!("new-{}", kind.as_str())>
                        {move || kind.label(i18n.lang.get())}
                    </a>
                }).collect_view()}
            </div>
        </details>
        <label class="field search">
            <span class="label">{tr(Key::Search)}</span>
            <input type="search" name="search" autocomplete="off" data-testid="search"
                on:input=move |ev| {
                    let typed = event_target_value(&ev);
                    set_filter(&|f| f.search(&typed));
                } />
        </label>
        <div class="chips" role="group" data-testid="state-counts">
            {chip(None)}
            {StateTag::ALL.into_iter().map(|tag| chip(Some(tag))).collect_view()}
        </div>
        <details class="filters">
            <summary>{tr(Key::Filter)}</summary>
            <label class="field">
                <span class="label">{tr(Key::AllKinds)}</span>
                <select name="kind" on:change=move |ev| {
                    let kind = RecordKind::parse(&event_target_value(&ev));
                    set_filter(&|f| f.kind = kind);
                }>
                    <option value="">{tr(Key::AllKinds)}</option>
                    {RecordKind::ALL.iter().map(|&k| view! {
                        <option value=k.as_str() prop:selected=move || filter.with(|f| f.kind) == Some(k)>{move || k.label(i18n.lang.get())}</option>
                    }).collect_view()}
                </select>
            </label>
            <div class="pair">
                {date_input(|f: &mut Filter, day| f.from = day, Key::Since)}
                {date_input(|f: &mut Filter, day| f.to = day, Key::Until)}
            </div>
        </details>
        {move || {
            let empty = entries.with(Vec::is_empty);
            let key = if empty { Key::RecordsIntro } else { Key::RecordsNoMatch };
            (loaded.get() && matching.get() == 0).then(|| view! { <p class="muted">{tr(key)}</p> })
        }}
        <ul class="records" data-testid="records">
            {move || shown().into_iter().map(|entry| view! { <RecordRow entry units /> }).collect_view()}
        </ul>
        {move || more().then(|| view! {
            <button class="button wide secondary" type="button" on:click=move |_| limit.update(|n| *n += PAGE)>
                {tr(Key::ShowMore)}" ("{move || matching.get().saturating_sub(limit.get())}")"
            </button>
        })}
        <OlderOnServer />
    }
}

/// Most records of an earlier year fetched and shown at once: a cheap phone draws them quickly.
const MOST_OLDER: usize = 200;

/// Records of the years before last, which the phone does not keep (the server does): fetched on
/// demand when online and shown, not stored. One opened is stored, like a pulled record, so that
/// its form works; the next pull removes it again unless it is being edited or waits to be sent.
#[component]
fn OlderOnServer() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let engine = use_sync();
    let navigate = leptos_router::hooks::use_navigate();
    let last_kept = offline::clock::today().year() - 1;
    let year = RwSignal::new(last_kept - 1);
    let found = RwSignal::new(None::<Result<Vec<StoredRecord>, ApiFailure>>);
    let busy = RwSignal::new(false);
    let fetch = move |_| {
        busy.set(true);
        let year = year.get_untracked();
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/records?for=phone&year={year}&limit={MOST_OLDER}");
            let outcome = offline::api_get::<RecordsPage>(&path).await;
            found.set(Some(outcome.map(|page| page.records)));
            busy.set(false);
        });
    };
    let open = StoredValue::new_local(move |stored: StoredRecord| {
        let Some(officer) = auth.officer.get_untracked() else {
            return;
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let outbox = offline::outbox(&officer.id);
            let kept = outbox.restore(std::slice::from_ref(&stored), offline::now_ms());
            if kept.is_ok() && offline::flush().await.is_ok() {
                engine.changed();
                if let Some(kind) = RecordKind::parse(&stored.kind) {
                    navigate(
                        &format!("{}?id={}", form_path(kind), stored.id),
                        Default::default(),
                    );
                }
            } else {
                found.set(Some(Err(ApiFailure::Rejected {
                    status: 507,
                    code: "storage_full".into(),
                    errors: Vec::new(),
                })));
            }
        });
    });
    let rows = move || {
        found.get().map(|answer| match answer {
            Err(failure) => view! {
                <p class="error" role="alert" data-testid="older-failed">{crate::i18n::failure_text(i18n, &failure)}</p>
            }.into_any(),
            Ok(records) if records.is_empty() => view! { <p class="muted" data-testid="older-none">{tr(Key::OlderNone)}</p> }.into_any(),
            Ok(mut records) => {
                let first_only = records.len() == MOST_OLDER;
                records.sort_by(|a, b| b.occurred_on.cmp(&a.occurred_on));
                view! {
                    {first_only.then(|| view! { <p class="muted" data-testid="older-first">{tr(Key::OlderFirst)}" "{MOST_OLDER}</p> })}
                    <ul class="records" data-testid="older-records">
                        {records.into_iter().filter_map(|stored| {
                            let kind = RecordKind::parse(&stored.kind)?;
                            let day = stored.occurred_on.parse::<Date>().map(Date::format_vn).unwrap_or_default();
                            let data = stored.data.clone();
                            let values = move || {
                                let words = [Key::People, Key::Men, Key::Women].map(|key| i18n.t(key));
                                summary(kind, &data, i18n.lang.get(), words)
                            };
                            let voided = stored.voided;
                            let id = stored.id.clone();
                            Some(view! {
                                <li class="record" class:voided=voided data-testid="older-record" data-id=id>
                                    <button class="record-link" type="button" on:click=move |_| open.with_value(|open| open(stored.clone()))>
                                        <span class="row-top">
                                            <strong class="row-kind">{move || kind.label(i18n.lang.get())}</strong>
                                            <span class="row-date">{day}</span>
                                        </span>
                                        <span class="row-values">{values}</span>
                                        {voided.then(|| view! { <span class="row-badges"><span class="badge voided">{tr(Key::Voided)}</span></span> })}
                                    </button>
                                </li>
                            })
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
        })
    };
    view! {
        <section class="card" data-testid="older-on-server">
            <h2>{tr(Key::OlderTitle)}</h2>
            <p class="hint">{tr(Key::OlderHint)}</p>
            <label class="field">
                <span class="label">{tr(Key::OlderYear)}</span>
                <select name="older-year" on:change=move |ev| {
                    if let Ok(chosen) = event_target_value(&ev).parse() {
                        year.set(chosen);
                        found.set(None);
                    }
                }>
                    {(0..6).map(|back| last_kept - 1 - back).map(|y| view! {
                        <option value=y.to_string() prop:selected=move || year.get() == y>{y}</option>
                    }).collect_view()}
                </select>
            </label>
            <button class="button wide secondary" type="button" data-testid="older-fetch"
                disabled=move || busy.get() on:click=fetch>
                {tr(Key::OlderFetch)}
            </button>
            {rows}
        </section>
    }
}

/// One record: kind, date, unit, key values and state; a tap opens its form.
#[component]
fn RecordRow(entry: Entry, units: RwSignal<Vec<OrgUnit>>) -> impl IntoView {
    let i18n = use_i18n();
    let tag = entry.state.tag();
    let date = entry.occurred_on().map(Date::format_vn).unwrap_or_default();
    let unit_id = entry
        .record
        .as_ref()
        .map(|record| record.org_unit_id.clone())
        .or_else(|| entry.draft.as_ref()?.get("org_unit_id").cloned())
        .unwrap_or_default();
    let unit = move || {
        units.with(|units| {
            units
                .iter()
                .find(|unit| unit.id == unit_id)
                .map_or_else(|| unit_id.clone(), |unit| unit.name.clone())
        })
    };
    let data = match (&entry.record, &entry.draft) {
        (Some(record), _) => record.data.clone(),
        (None, Some(draft)) => draft_data(draft),
        (None, None) => serde_json::Value::Null,
    };
    let kind = entry.kind;
    let values = move || {
        let words = [Key::People, Key::Men, Key::Women].map(|key| i18n.t(key));
        summary(kind, &data, i18n.lang.get(), words)
    };
    let voided = entry.voided();
    // What the server refused, to fix in the form; or why it has not taken a waiting record.
    let errors = match &entry.state {
        LocalState::Rejected { errors } => errors.iter().map(Issue::from_problem).collect(),
        _ => Vec::new(),
    };
    let failed = entry.failed.filter(|_| tag == StateTag::Waiting);
    let refused = (!errors.is_empty() || failed.is_some()).then(|| {
        let text = move || {
            let lang = i18n.lang.get();
            errors
                .iter()
                .map(|issue| issue.message(lang))
                .chain(failed.map(|failure| failure_text(failure, lang)))
                .collect::<Vec<_>>()
                .join("; ")
        };
        view! { <span class="row-errors" data-testid="row-errors">{text}</span> }
    });
    let unsaved = entry.record.is_some() && entry.draft.is_some();
    let body = view! {
        <span class="row-top">
            <strong class="row-kind">{move || kind.label(i18n.lang.get())}</strong>
            <span class="row-date">{date}</span>
        </span>
        <span class="row-unit">{unit}</span>
        <span class="row-values" data-testid="row-values">{values}</span>
        {refused}
        <span class="row-badges">
            <span class=format!("badge state-{}", tag.as_str()) data-testid="row-state">{tr(state_key(tag))}</span>
            {voided.then(|| view! { <span class="badge voided">{tr(Key::Voided)}</span> })}
            {unsaved.then(|| view! { <span class="badge unsaved">{tr(Key::UnsavedEdit)}</span> })}
        </span>
    };
    let href = format!("{}?id={}", form_path(kind), entry.id);
    view! {
        <li class="record" class:voided=voided data-testid="record-row" data-state=tag.as_str() data-id=entry.id.clone()>
            <a class="record-link" href=href>{body}</a>
        </li>
    }
}

/// Until the app is on the home screen: an install button where the browser offers one, else on
/// an iPhone the way through Safari's Share menu (Safari has no install prompt).
#[component]
fn InstallOffer() -> impl IntoView {
    let app = use_app_state();
    let hint = RwSignal::new(false);
    // Read once hydrated, so that the first render equals the server's.
    Effect::new(move |_| hint.set(!offline::installed() && offline::adds_from_share_menu()));
    view! {
        {move || app.install_offered.get().then(|| view! {
            <div class="card install" data-testid="install">
                <p>{tr(Key::InstallWhy)}</p>
                <button class="button wide" type="button" on:click=move |_| {
                    offline::install();
                    app.install_offered.set(false);
                }>{tr(Key::Install)}</button>
            </div>
        })}
        {move || (hint.get() && !app.install_offered.get()).then(|| view! {
            <p class="card install" data-testid="install-hint">{tr(Key::InstallIphone)}</p>
        })}
    }
}
