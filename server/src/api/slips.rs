//! `GET /api/v1/slips/{code}` and `POST /api/v1/slips/{code}/confirmation`: a receiving service
//! (role `service_provider`) finds a referral by the code on the slip the person brought, and
//! answers that the person came (`received`, on a day) or did not (`no_show`, once
//! [`NO_SHOW_AFTER_DAYS`] have passed). It sees the service asked for and the day of the
//! referral, nothing else: not the client code, not the commune, not the officer.
//!
//! A slip is the service's when the referral asks for one of its services from a unit at or below
//! the service's unit, and is not voided; any other slip, and a slip of no referral, answers the
//! same 404 (so nothing tells a stranger's slip from a wrong one). Slip codes that match nothing
//! are counted per account: after [`FREE_MISSES`] in a row, each further lookup waits
//! [`FIRST_WAIT_MS`] from the last miss, doubling up to [`LONGEST_WAIT_MS`]; a slip found ends
//! the run. (A typo is caught by the check symbol before any of this, and is not counted.)
//!
//! The answer is a new version of the referral by the service's account (`sync::write_one`,
//! audited as `slip.confirm`): status and access date from the answer, and the answer itself in
//! `data.confirmation`, which officers' phones keep as it is (`sync::changes_confirmation`). An
//! officer's edit made meanwhile offline is then a conflict on their phone, never a lost answer.

use crate::auth::{Caller, ClientIp};
use crate::clock::{domain_today, now_ms};
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::model::{Actor, Officer, ReceivingService, Role};
use crate::scope::Scope;
use crate::sync::write_one;
use crate::ApiContext;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::api::{Slip, SlipAnswer};
use domain::sync::StoredRecord;
use domain::{Coded, Confirmation, Referral, SlipCode, SlipOutcome};
use serde_json::{json, Value};

/// Misses of one account that cost nothing: slips read out wrongly.
pub const FREE_MISSES: usize = 5;
pub const FIRST_WAIT_MS: i64 = 2_000;
pub const LONGEST_WAIT_MS: i64 = 3600 * 1000;
/// How long misses are remembered.
const MISS_WINDOW_MS: i64 = 24 * 3600 * 1000;
/// A person not seen this many days after the referral may be answered `no_show`.
pub const NO_SHOW_AFTER_DAYS: i64 = 14;
/// The `device_id` of the versions a service's answer writes.
const DEVICE: &str = "receiving-service";

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/slips/{code}", get(show))
        .route("/slips/{code}/confirmation", post(confirm))
}

/// A signed-in `service_provider` account and its live receiving service; 403 for anyone else.
struct Provider {
    officer: Officer,
    service: ReceivingService,
    /// The units the service receives from.
    reach: Scope,
    ip: String,
}

impl FromRequestParts<ApiContext> for Provider {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, ctx).await?;
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, ctx).await;
        let service_id = match (&caller.officer.role, &caller.officer.receiving_service) {
            (Role::ServiceProvider, Some(service)) => service.id.clone(),
            _ => return Err(ApiError::forbidden()),
        };
        let service = ctx
            .store
            .receiving_services()
            .await?
            .into_iter()
            .find(|service| service.id == service_id && !service.retired)
            .ok_or_else(ApiError::forbidden)?;
        let reach = Scope::new(Role::ServiceProvider, &service.org_unit_id, &caller.units);
        Ok(Provider {
            officer: caller.officer,
            service,
            reach,
            ip,
        })
    }
}

fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "slip_not_found",
        "No referral to this service has this slip code.",
    )
}

/// How long the account must still wait before its next lookup, if at all.
fn wait_ms(misses: &[i64], now: i64) -> Option<i64> {
    let beyond = misses.len().checked_sub(FREE_MISSES)?;
    let wait = FIRST_WAIT_MS
        .checked_shl(beyond.min(30) as u32)
        .unwrap_or(LONGEST_WAIT_MS)
        .min(LONGEST_WAIT_MS);
    let until = misses.first()? + wait;
    (until > now).then_some(until - now)
}

/// Whether a person referred on `referred_on` may be answered `no_show` today.
fn may_say_no_show(referred_on: domain::Date, today: domain::Date) -> bool {
    referred_on.days_until(today) >= NO_SHOW_AFTER_DAYS
}

/// The service's referral with this slip code, as stored, and its data.
async fn find(
    ctx: &ApiContext,
    provider: &Provider,
    typed: &str,
) -> Result<(SlipCode, StoredRecord, Referral), ApiError> {
    let code = SlipCode::parse(typed).map_err(|_| {
        ApiError::invalid_field(
            "slip_code",
            "invalid_slip_code",
            "This is not a slip code, or it was read wrongly: check each character.",
        )
    })?;
    let store = ctx.store.as_ref();
    let officer_id = &provider.officer.id;
    let now = now_ms();
    let misses = store.slip_misses(officer_id, now - MISS_WINDOW_MS).await?;
    if let Some(wait) = wait_ms(&misses, now) {
        return Err(ApiError {
            message: "Too many slip codes that match no referral. Wait, then try again.".into(),
            ..ApiError::too_many_attempts((wait as u64).div_ceil(1000))
        });
    }
    let mut found: Vec<(StoredRecord, Referral)> = Vec::new();
    for row in store.referrals_with_slip(&code).await? {
        if row.voided || !provider.reach.receives_from(&row.org_unit_id) {
            continue;
        }
        let stored = row.to_stored()?;
        let Some(referral) = referral_of(&stored) else {
            continue;
        };
        if provider.service.services.contains(&referral.service) {
            found.push((stored, referral));
        }
    }
    match found.len() {
        0 => {
            store.add_slip_miss(officer_id, now).await?;
            Err(not_found())
        }
        1 => {
            if !misses.is_empty() {
                store.clear_slip_misses(officer_id).await?;
            }
            let (stored, referral) = found.remove(0);
            Ok((code, stored, referral))
        }
        _ => Err(ApiError::conflict(
            "slip_code_ambiguous",
            "Several referrals carry this slip code: ask the officer who made it.",
        )),
    }
}

/// The record as an envelope of `API.md` with this data, based on its stored version.
fn envelope(stored: &StoredRecord, data: Value) -> Value {
    json!({
        "id": stored.id, "kind": stored.kind, "org_unit_id": stored.org_unit_id,
        "occurred_on": stored.occurred_on, "voided": stored.voided,
        "base_version": stored.version, "data": data,
    })
}

/// The referral's data as the domain reads it (what the store holds was validated).
fn referral_of(stored: &StoredRecord) -> Option<Referral> {
    let envelope = envelope(stored, stored.data.clone());
    match domain::validate_value(&envelope, domain_today())
        .ok()?
        .data()
    {
        domain::RecordData::Referral(referral) => Some(referral.clone()),
        _ => None,
    }
}

fn slip(code: &SlipCode, stored: &StoredRecord, referral: &Referral) -> Result<Slip, ApiError> {
    Ok(Slip {
        slip_code: code.to_string(),
        service: referral.service,
        referred_on: stored.occurred_on.parse().map_err(ApiError::internal)?,
        confirmation: referral.confirmation.clone(),
    })
}

async fn show(
    State(ctx): State<ApiContext>,
    provider: Provider,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Slip>, ApiError> {
    let (code, stored, referral) = find(&ctx, &provider, &code).await?;
    Ok(Json(slip(&code, &stored, &referral)?))
}

async fn confirm(
    State(ctx): State<ApiContext>,
    provider: Provider,
    ApiPath(code): ApiPath<String>,
    ApiJson(answer): ApiJson<SlipAnswer>,
) -> Result<Json<Slip>, ApiError> {
    let (code, found, _) = find(&ctx, &provider, &code).await?;
    let referred_on: domain::Date = found.occurred_on.parse().map_err(ApiError::internal)?;
    let today = domain_today();
    if answer.on < referred_on || answer.on > today {
        return Err(ApiError::invalid_field(
            "on",
            "invalid_value",
            "The day must be between the referral's day and today.",
        ));
    }
    if answer.outcome == SlipOutcome::NoShow && !may_say_no_show(referred_on, today) {
        return Err(ApiError::invalid_field(
            "outcome",
            "too_early",
            format!(
                "The person may still come: answer no_show {NO_SHOW_AFTER_DAYS} days after the referral."
            ),
        ));
    }
    let confirmation = Confirmation {
        service_id: provider.service.id.clone(),
        service_name: provider.service.name.clone(),
        outcome: answer.outcome,
        on: answer.on,
    };
    let actor = Actor::officer(&provider.officer, &provider.ip);
    let change = |stored: &StoredRecord| -> Result<Option<Value>, ApiError> {
        let before: Option<Confirmation> = stored
            .data
            .get("confirmation")
            .and_then(|value| serde_json::from_value(value.clone()).ok());
        match &before {
            // The same answer again (a retry): nothing new.
            Some(before)
                if before.outcome == confirmation.outcome && before.on == confirmation.on =>
            {
                return Ok(None)
            }
            // A person who came did not then stay away.
            Some(before) if before.outcome == SlipOutcome::Received => {
                return Err(ApiError::conflict(
                    "slip_confirmed",
                    "This slip is confirmed as received already.",
                ))
            }
            _ => {}
        }
        let mut data = stored.data.clone();
        let (status, accessed_on) = confirmation.status();
        data["status"] = json!(status.as_str());
        match accessed_on {
            Some(day) => data["accessed_on"] = json!(day),
            None => {
                data.as_object_mut().map(|data| data.remove("accessed_on"));
            }
        }
        data["confirmation"] = json!(confirmation);
        Ok(Some(envelope(stored, data)))
    };
    let audit = |stored: &StoredRecord| {
        let detail = json!({
            "service_id": confirmation.service_id, "outcome": confirmation.outcome,
            "on": confirmation.on, "version": stored.version,
        });
        actor.did("slip.confirm", &stored.id, detail)
    };
    let store = ctx.store.as_ref();
    let stored = write_one(store, &provider.officer, DEVICE, &found.id, change, audit).await?;
    let referral = referral_of(&stored)
        .ok_or_else(|| ApiError::internal("the confirmed referral does not read back"))?;
    Ok(Json(slip(&code, &stored, &referral)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misses_beyond_the_free_ones_wait_longer_each_time() {
        let now = 1_000_000_000;
        let misses = |n: usize| vec![now - 1; n];
        assert_eq!(wait_ms(&misses(FREE_MISSES - 1), now), None);
        assert_eq!(wait_ms(&misses(FREE_MISSES), now), Some(FIRST_WAIT_MS - 1));
        assert_eq!(
            wait_ms(&misses(FREE_MISSES + 1), now),
            Some(2 * FIRST_WAIT_MS - 1)
        );
        assert_eq!(
            wait_ms(&misses(FREE_MISSES + 60), now),
            Some(LONGEST_WAIT_MS - 1)
        );
        // Long after the last miss, no wait.
        assert_eq!(wait_ms(&[now - LONGEST_WAIT_MS], now), None);
    }

    #[test]
    fn no_show_is_said_only_after_the_person_had_time_to_come() {
        let day = |text: &str| domain::Date::parse(text).unwrap();
        assert!(!may_say_no_show(day("2025-09-01"), day("2025-09-14")));
        assert!(may_say_no_show(day("2025-09-01"), day("2025-09-15")));
    }
}
