//! The dashboard's follow-up of referrals, from the records on this phone (offline too): per
//! service, the period's referrals sent, confirmed by the receiving service and still open; and
//! the open referrals a month old or more, each a link to its record, the officer's list of people
//! to find (`domain::follow_up`).

use crate::api::Role;
use crate::auth::use_auth;
use crate::i18n::{tr, use_i18n, Key};
use crate::offline::figures::{phone_records, units_under};
use crate::offline::{self, clock};
use crate::pages::routes::form_path;
use domain::follow_up::{by_service, overdue};
use domain::indicator::Period;
use domain::{Coded, RecordData, RecordKind};
use leptos::prelude::*;
use std::collections::HashSet;

#[component]
pub fn FollowUp(period: (i32, u32)) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    move || {
        let officer = auth.officer.get()?;
        if matches!(officer.role, Role::Admin | Role::ServiceProvider) {
            return None;
        }
        let outbox = offline::outbox(&officer.id);
        let entries = outbox.entries();
        let known = outbox.org_units();
        // A commune officer's commune; a lead officer's phone holds its units' records.
        let units: HashSet<&str> = match officer.role {
            Role::CommuneOfficer => units_under(&officer.org_unit.id, &known),
            _ => known.iter().map(|unit| unit.id.as_str()).collect(),
        };
        let today = clock::today();
        let records = phone_records(&entries, &units, today).records;
        let lines = by_service(&records, Period::new(period.0, Some(period.1))?);
        let lang = i18n.lang.get();
        let rows = lines
            .into_iter()
            .map(|line| {
                let service = line.service.map(|s| s.label(lang)).unwrap_or_default();
                view! {
                    <tr data-testid="follow-up-row">
                        <th scope="row">{service}</th>
                        <td>{line.sent}</td>
                        <td>{line.confirmed}</td>
                        <td>{line.open}</td>
                    </tr>
                }
            })
            .collect::<Vec<_>>();
        let due = overdue(&records, today)
            .into_iter()
            .filter_map(|record| {
                let RecordData::Referral(referral) = record.data() else {
                    return None;
                };
                let href = format!("{}?id={}", form_path(RecordKind::Referral), record.id());
                let days = record.occurred_on().days_until(today);
                let text = format!(
                    "{} · {} · {} ({days} {})",
                    referral.client_code.as_str(),
                    referral.service.label(lang),
                    record.occurred_on().format_vn(),
                    i18n.t(Key::Days)
                );
                Some(view! { <li><a href=href data-testid="overdue-referral">{text}</a></li> })
            })
            .collect::<Vec<_>>();
        Some(view! {
            <section class="card" data-testid="follow-up">
                <h2>{tr(Key::FollowUpTitle)}</h2>
                {if rows.is_empty() {
                    view! { <p class="muted">{tr(Key::FollowUpNone)}</p> }.into_any()
                } else {
                    view! {
                        <table class="follow-up-table">
                            <thead><tr>
                                <th scope="col">{tr(Key::FieldService)}</th>
                                <th scope="col">{tr(Key::FollowUpSent)}</th>
                                <th scope="col">{tr(Key::FollowUpConfirmed)}</th>
                                <th scope="col">{tr(Key::FollowUpOpen)}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    }.into_any()
                }}
                <h3>{tr(Key::FollowUpDue)}</h3>
                {if due.is_empty() {
                    view! { <p class="muted">{tr(Key::FollowUpNoneDue)}</p> }.into_any()
                } else {
                    view! { <ul class="plain">{due}</ul> }.into_any()
                }}
            </section>
        })
    }
}
