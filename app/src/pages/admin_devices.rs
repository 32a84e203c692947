//! The phones to check (`/api/v1/admin/devices`): those whose waiting records have not reached the
//! server after 7 days, and those that came back without the records that were waiting on them,
//! so that a lost phone or wiped data is seen the same week; the admin marks one as handled once
//! dealt with. Every phone that reported is listed below them. And the import of a file of unsent
//! records a phone saved (`/api/v1/admin/unsent-imports`).

use super::admin::{send, ListState, Outcome};
use crate::api::{ApiFailure, Device, UnsentFile, UnsentImport, Verb};
use crate::i18n::{failure_text, tr, use_i18n, Key};
use crate::offline;
use crate::offline::clock::{vietnam_day, vietnam_time_of};
use domain::sync::SyncStatus;
use domain::Coded;
use leptos::prelude::*;
use serde_json::json;

#[component]
pub fn PhonesToCheck() -> impl IntoView {
    let devices = LocalResource::new(|| offline::api_list::<Device>("/api/v1/admin/devices"));
    view! {
        <section class="card" data-testid="phones-to-check">
            <h2>{tr(Key::AdminDevices)}</h2>
            <p class="hint">{tr(Key::AdminDevicesHint)}</p>
            <ListState resource=devices render={move |list: Vec<Device>| {
                let (problems, rest): (Vec<Device>, Vec<Device>) =
                    list.into_iter().partition(|device| device.problem.is_some());
                let none = problems.is_empty();
                let reported = rest.len();
                view! {
                    {none.then(|| view! { <p class="ok" data-testid="no-phone-to-check">{tr(Key::DevicesNone)}</p> })}
                    <ul class="plain devices">
                        {problems.into_iter()
                            .map(|device| view! { <PhoneToCheck device on_handled=move || devices.refetch() /> })
                            .collect_view()}
                    </ul>
                    {(reported > 0).then(|| view! {
                        <details data-testid="phones-reported">
                            <summary>{tr(Key::DevicesAll)}" ("{reported}")"</summary>
                            <ul class="plain devices">
                                {rest.into_iter().map(|device| view! { <li><PhoneLines device /></li> }).collect_view()}
                            </ul>
                        </details>
                    })}
                }
            }} />
        </section>
    }
}

/// Who, which phone, and what it last said.
#[component]
fn PhoneLines(device: Device) -> impl IntoView {
    let short: String = device.device_id.chars().take(8).collect();
    let persistence = device.persistent.map(|kept| match kept {
        true => Key::DevicePersistent,
        false => Key::DeviceNotPersistent,
    });
    view! {
        <p>
            <strong>{device.display_name}</strong>" ("{device.username}") · "{device.org_unit.name}<br />
            <span class="muted">{tr(Key::DevicePhone)}" "{short}" · "{tr(Key::DeviceReported)}" "
                {vietnam_time_of(&device.reported_at)}</span><br />
            <span data-testid="device-waiting">{device.waiting}</span>" "{tr(Key::Waiting)}
            {device.oldest_waiting_on.map(|day| view! {
                " · "{tr(Key::DeviceOldest)}" "{day.format_vn()}
            })}
            {persistence.map(|key| view! { <br /><span class="muted">{tr(key)}</span> })}
        </p>
    }
}

/// A phone with a problem: what it is, how many records, since when, and "handled".
#[component]
fn PhoneToCheck(device: Device, on_handled: impl Fn() + Clone + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = Outcome::new();
    let problem = device.problem;
    let body = json!({"officer_id": device.officer_id, "device_id": device.device_id});
    let handled = move |_| {
        let on_handled = on_handled.clone();
        send(
            Verb::Post,
            "/api/v1/admin/devices/handled".into(),
            body.clone(),
            outcome,
            on_handled,
        );
    };
    let since = device.since.as_deref().map(vietnam_day).unwrap_or_default();
    let records = device.records;
    view! {
        <li class="notice" data-testid="phone-to-check" data-problem=problem.map(|p| p.as_str())>
            <p>
                <strong>{move || problem.map(|p| p.label(i18n.lang.get()))}</strong>" · "
                {tr(Key::DeviceRecords)}": "<strong data-testid="device-records">{records}</strong>
                " · "{tr(Key::DeviceSince)}" "{since}
            </p>
            <PhoneLines device />
            {outcome.view()}
            <button class="button wide secondary" data-testid="device-handled" on:click=handled>
                {tr(Key::DeviceHandled)}
            </button>
        </li>
    }
}

/// "Nhập bản sao hồ sơ chưa gửi": the admin chooses the file an officer's phone saved; its
/// records are taken as that phone's sync would have taken them.
#[component]
pub fn ImportUnsent() -> impl IntoView {
    let i18n = use_i18n();
    let outcome = RwSignal::new(None::<Result<UnsentImport, ApiFailure>>);
    let chosen = move |ev: leptos::ev::Event| {
        outcome.set(None);
        leptos::task::spawn_local(async move {
            let Some(text) = offline::chosen_file_text(ev).await else {
                return;
            };
            let answer = match serde_json::from_str::<UnsentFile>(&text) {
                Ok(file) => {
                    offline::api_send(Verb::Post, "/api/v1/admin/unsent-imports", &file).await
                }
                Err(_) => Err(ApiFailure::Rejected {
                    status: 422,
                    code: "not_an_export".into(),
                    errors: Vec::new(),
                }),
            };
            outcome.set(Some(answer));
        });
    };
    view! {
        <section class="card" data-testid="import-unsent">
            <h2>{tr(Key::ImportUnsent)}</h2>
            <p class="hint">{tr(Key::ImportUnsentHint)}</p>
            <div class="form">
                <label><span>{tr(Key::ImportChoose)}</span>
                    <input type="file" name="unsent-file" accept=".json,application/json" on:change=chosen />
                </label>
            </div>
            {move || outcome.get().map(|answer| match answer {
                Ok(done) => view! {
                    <p class="ok" role="status" data-testid="import-done">
                        {done.username}": "<span data-testid="import-records">{done.records}</span>" "{tr(Key::ExchangeRecords)}"; "
                        {tr(Key::ExchangeStored)}" "<span data-testid="import-applied">{done.applied}</span>", "
                        {tr(Key::ImportAlready)}" "<span data-testid="import-unchanged">{done.unchanged}</span>", "
                        {tr(Key::ExchangeConflicts)}" "{done.conflict}", "
                        {tr(Key::ExchangeRefused)}" "{done.rejected}"."
                    </p>
                    {(!done.not_stored.is_empty()).then(|| view! {
                        <div class="notice" role="alert" data-testid="import-not-stored">
                            <p>{tr(Key::ImportKeepFile)}</p>
                            <ul class="plain">
                                {done.not_stored.iter().map(|result| {
                                    let short: String = result.id.chars().take(8).collect();
                                    let field = result.errors.as_ref().and_then(|e| e.first()).map(|e| e.field.clone());
                                    view! { <li>{short}" · "{tr(match result.status {
                                        SyncStatus::Conflict => Key::ExchangeConflicts,
                                        _ => Key::ExchangeRefused,
                                    })}{field.map(|f| format!(" · {f}"))}</li> }
                                }).collect_view()}
                            </ul>
                        </div>
                    })}
                }.into_any(),
                Err(failure) => view! {
                    <p class="error" role="alert" data-testid="import-failed">{failure_text(i18n, &failure)}</p>
                }.into_any(),
            })}
        </section>
    }
}
