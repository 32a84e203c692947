//! "Duyệt quý" / "Quarters": a commune's quarters on their way to approval
//! (`/api/v1/quarters`). A commune officer sees the year's four quarters of their commune, submits
//! one ("Gửi duyệt") and asks with a reason for an approved one to be reopened ("Xin mở lại"). The
//! lead officer sees the quarters the communes have sent, approves ("Duyệt") or returns one with
//! a comment ("Trả lại"), reopens one on request ("Mở lại"), and sees per approved quarter the
//! records that arrived after approval ("Hồ sơ đến sau khi duyệt"), by kind and date, to approve
//! it again. Admins read. Every step needs the network: offline, the page says so.

use crate::api::{ApiFailure, LateRecord, Quarter, QuarterState, Role, Verb};
use crate::auth::use_auth;
use crate::i18n::{failure_text, tr, use_i18n, Key};
use crate::offline;
use crate::state::use_app_state;
use domain::{Coded, Date};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;

/// What the officer does with quarters.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    /// Submits and asks for reopening: a commune officer.
    Commune,
    /// Approves, returns and reopens: a province officer, a district officer before July 2025.
    Lead,
    /// Reads only: an admin.
    Reader,
}

fn side_of(role: Role) -> Option<Side> {
    match role {
        Role::CommuneOfficer => Some(Side::Commune),
        role if role.leads() => Some(Side::Lead),
        Role::Admin => Some(Side::Reader),
        _ => None,
    }
}

/// The outcome of the last step, by the quarter it was taken on: the list is fetched again after
/// a step, so the row that shows it is a new one.
type Outcome = RwSignal<Option<(String, Result<(), ApiFailure>)>>;

fn row_id(quarter: &Quarter) -> String {
    format!(
        "{}-{}-{}",
        quarter.org_unit.id, quarter.year, quarter.quarter
    )
}

#[component]
pub fn QuartersPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let app = use_app_state();
    let side = move || {
        auth.officer
            .with(|o| o.as_ref().and_then(|o| side_of(o.role)))
    };
    let this_year = offline::clock::today().year();
    let year = RwSignal::new(this_year);
    let quarters = LocalResource::new(move || {
        let year = year.get();
        async move { offline::api_list::<Quarter>(&format!("/api/v1/quarters?year={year}")).await }
    });
    let outcome: Outcome = RwSignal::new(None);
    let reload = Callback::new(move |()| quarters.refetch());
    let intro = move || match side() {
        Some(Side::Commune) => Some(i18n.t(Key::QuartersIntroCommune)),
        Some(Side::Lead | Side::Reader) => Some(i18n.t(Key::QuartersIntroLead)),
        None => None,
    };
    let list = move || {
        let Some(side) = side() else {
            return view! { <p class="notice">{i18n.t(Key::QuartersNotForRole)}</p> }.into_any();
        };
        match quarters.get() {
            None => view! { <p class="muted">{i18n.t(Key::Loading)}</p> }.into_any(),
            Some(Err(ApiFailure::Offline)) => {
                view! { <p class="notice" role="alert">{i18n.t(Key::QuartersNeedNetwork)}</p> }
                    .into_any()
            }
            Some(Err(failure)) => {
                view! { <p class="error" role="alert">{failure_text(i18n, &failure)}</p> }
                    .into_any()
            }
            Some(Ok(list)) => communes(list, side, outcome, reload).into_any(),
        }
    };
    let years = move || {
        (this_year - 2..=this_year)
            .rev()
            .map(|y| view! { <option value=y.to_string() selected=move || year.get() == y>{y}</option> })
            .collect_view()
    };
    view! {
        <h1>{tr(Key::QuartersTitle)}</h1>
        <p class="hint">{intro}</p>
        <Show when=move || !app.online.get()>
            <p class="notice" role="status" data-testid="quarters-offline">{tr(Key::QuartersNeedNetwork)}</p>
        </Show>
        <label class="inline">
            <span>{tr(Key::QuartersYear)}</span>
            <select name="year" data-testid="quarters-year"
                on:change=move |ev| {
                    if let Ok(y) = event_target_value(&ev).parse() {
                        outcome.set(None);
                        year.set(y);
                    }
                }>
                {years}
            </select>
        </label>
        <div data-testid="quarters">{list}</div>
    }
}

/// The quarters grouped by commune, in the server's order. The lead officer sees only communes
/// that have sent something, and how many have not.
fn communes(
    list: Vec<Quarter>,
    side: Side,
    outcome: Outcome,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let mut groups: Vec<Vec<Quarter>> = Vec::new();
    for quarter in list {
        match groups.last_mut() {
            Some(group) if group[0].org_unit.id == quarter.org_unit.id => group.push(quarter),
            _ => groups.push(vec![quarter]),
        }
    }
    // The quarter just acted on stays in sight, reopened (open again) or not. Read untracked: the
    // step sets it before fetching the list again, and the rows must not be made anew meanwhile.
    let acted = outcome.with_untracked(|outcome| outcome.as_ref().map(|(id, _)| id.clone()));
    let shown = move |q: &Quarter| {
        side == Side::Commune || q.state != QuarterState::Open || acted.as_ref() == Some(&row_id(q))
    };
    let total = groups.len();
    groups.retain(|group| group.iter().any(&shown));
    let untouched = total - groups.len();
    let none = (side != Side::Commune && groups.is_empty()).then(
        || view! { <p class="muted" data-testid="quarters-none">{i18n.t(Key::QuartersNone)}</p> },
    );
    let untouched = (side != Side::Commune && untouched > 0).then(|| {
        view! { <p class="hint">{i18n.t(Key::QuartersUntouched)}" "<strong>{untouched}</strong></p> }
    });
    let cards = groups
        .into_iter()
        .map(|group| {
            let unit = group[0].org_unit.clone();
            let quarters = group
                .into_iter()
                .filter(|q| shown(q))
                .map(|quarter| view! { <QuarterRow quarter side outcome reload /> })
                .collect_view();
            view! {
                <section class="card commune-quarters" data-testid=format!("commune-{}", unit.id)>
                    <h2>{unit.name}<small>" ("{unit.code}")"</small></h2>
                    {quarters}
                </section>
            }
        })
        .collect_view();
    view! { {none} {untouched} {cards} }
}

#[component]
fn QuarterRow(
    quarter: Quarter,
    side: Side,
    outcome: Outcome,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let id = row_id(&quarter);
    let path = format!(
        "/api/v1/quarters/{}/{}/{}",
        quarter.org_unit.id, quarter.year, quarter.quarter
    );
    let state = quarter.state;
    let comment = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let missing = RwSignal::new(false);
    let act = {
        let (id, path) = (id.clone(), path.clone());
        move |step: &'static str, needs_comment: bool| {
            let text = comment.get_untracked().trim().to_string();
            missing.set(needs_comment && text.is_empty());
            if missing.get_untracked() || busy.get_untracked() {
                return;
            }
            busy.set(true);
            outcome.set(None);
            let (id, path) = (id.clone(), format!("{path}/{step}"));
            spawn_local(async move {
                let body = json!({ "comment": (!text.is_empty()).then_some(text) });
                let result = offline::api_send::<_, Quarter>(Verb::Post, &path, &body).await;
                busy.set(false);
                if let Err(failure) = &result {
                    auth.note(failure);
                }
                let settled = match &result {
                    Ok(_) => true,
                    Err(ApiFailure::Rejected { code, .. }) => code == "wrong_state",
                    Err(_) => false,
                };
                outcome.set(Some((id, result.map(|_| ()))));
                if settled {
                    reload.run(());
                }
            });
        }
    };
    let button = {
        let act = act.clone();
        move |step: &'static str, key: Key, secondary: bool, needs_comment: bool| {
            let act = act.clone();
            let class = if secondary {
                "button wide secondary"
            } else {
                "button wide"
            };
            view! {
                <button class=class data-testid=step prop:disabled=move || busy.get()
                    on:click=move |_| act(step, needs_comment)>{tr(key)}</button>
            }
        }
    };
    let why = |key: Key| {
        view! {
            <label class="field">
                <span class="label">{tr(key)}</span>
                <textarea name="comment" data-testid="comment" rows="2"
                    prop:value=move || comment.get()
                    on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            </label>
            {move || missing.get().then(|| view! { <p class="error" role="alert">{i18n.t(Key::QuarterWhyNeeded)}</p> })}
        }
    };
    let actions = match (side, state) {
        (Side::Commune, QuarterState::Open | QuarterState::Returned) => {
            button("submit", Key::QuarterSubmit, false, false).into_any()
        }
        (Side::Commune, QuarterState::Approved) => view! {
            {why(Key::QuarterReopenWhy)}
            {button("request-reopen", Key::QuarterRequestReopen, true, true)}
        }
        .into_any(),
        (Side::Lead, QuarterState::Submitted) => view! {
            {button("approve", Key::QuarterApprove, false, false)}
            {why(Key::QuarterReturnWhy)}
            {button("return", Key::QuarterReturn, true, true)}
        }
        .into_any(),
        (Side::Lead, QuarterState::Approved) if quarter.late_records > 0 => {
            button("approve", Key::QuarterReapprove, false, false).into_any()
        }
        (Side::Lead, QuarterState::ReopenRequested) => {
            button("reopen", Key::QuarterReopen, false, false).into_any()
        }
        _ => ().into_any(),
    };
    let name = format!("{}", quarter.quarter);
    let title = move || {
        i18n.t(Key::QuarterName)
            .replace("{q}", &name)
            .replace("{y}", &quarter.year.to_string())
    };
    let said = |who: &Option<String>, at: &Option<String>, key: Key| {
        who.clone().zip(at.clone()).map(|(who, at)| {
            move || {
                i18n.t(key)
                    .replace("{name}", &who)
                    .replace("{date}", &offline::clock::vietnam_day(&at))
            }
        })
    };
    let submitted = said(
        &quarter.submitted_by,
        &quarter.submitted_at,
        Key::QuarterSubmittedBy,
    )
    .filter(|_| state != QuarterState::Open)
    .map(|text| view! { <p class="muted">{text}</p> });
    let approved = said(
        &quarter.approved_by,
        &quarter.approved_at,
        Key::QuarterApprovedBy,
    )
    .map(|text| view! { <p class="ok" data-testid="approved-by">{text}</p> });
    let reason = quarter.comment.clone().map(|text| {
        let key = match state {
            QuarterState::ReopenRequested => Key::QuarterReopenWhy,
            _ => Key::QuarterReturnWhy,
        };
        view! { <p data-testid="quarter-comment"><strong>{tr(key)}": "</strong>{text}</p> }
    });
    let late = (quarter.late_records > 0).then(|| {
        let count = quarter.late_records;
        let list =
            (side != Side::Commune).then(|| view! { <LateList path=format!("{path}/late") /> });
        view! {
            <div class="notice" data-testid="late">
                <p><strong>{count}</strong>" "{tr(Key::QuarterLateCount)}</p>
                {list}
            </div>
        }
    });
    let shown = {
        let id = id.clone();
        move || {
            outcome.get().filter(|(of, _)| *of == id).map(|(_, result)| match result {
                Ok(()) => view! { <p class="ok" role="status">{i18n.t(Key::QuarterDone)}</p> }.into_any(),
                Err(ApiFailure::Offline) => {
                    view! { <p class="error" role="alert">{i18n.t(Key::QuartersNeedNetwork)}</p> }.into_any()
                }
                Err(ApiFailure::Rejected { code, .. }) if code == "wrong_state" => {
                    view! { <p class="error" role="alert">{i18n.t(Key::QuarterWrongState)}</p> }.into_any()
                }
                Err(failure) => {
                    view! { <p class="error" role="alert">{failure_text(i18n, &failure)}</p> }.into_any()
                }
            })
        }
    };
    view! {
        <article class="quarter" data-testid=format!("quarter-{id}") data-state=state.as_str()>
            <h3>{title}" · "<span class="quarter-state">{move || i18n.label(state)}</span></h3>
            {submitted}
            {approved}
            {reason}
            {late}
            {shown}
            {actions}
        </article>
    }
}

/// The records that arrived after a quarter's approval, by kind and date only.
#[component]
fn LateList(path: String) -> impl IntoView {
    let i18n = use_i18n();
    let records = LocalResource::new(move || {
        let path = path.clone();
        async move { offline::api_list::<LateRecord>(&path).await }
    });
    view! {
        <h4>{tr(Key::QuarterLate)}</h4>
        {move || match records.get() {
            None => view! { <p class="muted">{i18n.t(Key::Loading)}</p> }.into_any(),
            Some(Err(failure)) => {
                view! { <p class="error">{failure_text(i18n, &failure)}</p> }.into_any()
            }
            Some(Ok(list)) => view! {
                <ul class="plain" data-testid="late-records">
                    {list.into_iter().map(|record| {
                        let date = Date::parse(&record.occurred_on)
                            .map(Date::format_vn)
                            .unwrap_or(record.occurred_on);
                        view! {
                            <li>
                                {move || i18n.label(record.kind)}" · "
                                {move || i18n.t(Key::QuarterOccurredOn).replace("{date}", &date)}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any(),
        }}
    }
}
