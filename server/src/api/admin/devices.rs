//! `GET /api/v1/admin/devices`: the phones of the admin's officers, each with what it last
//! reported of its waiting records and what is wrong, if anything (`crate::devices`), problems
//! first; `POST /api/v1/admin/devices/handled`: the admin dealt with a phone's problem.

use super::Admin;
use crate::clock::{now_ms, to_rfc3339};
use crate::devices::problem;
use crate::error::{ApiError, ApiJson};
use crate::ApiContext;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::api::{Device, DeviceHandled, UnitRef};
use serde_json::json;
use std::collections::HashMap;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/devices", get(list))
        .route("/devices/handled", post(handled))
}

async fn list(State(ctx): State<ApiContext>, admin: Admin) -> Result<Json<Vec<Device>>, ApiError> {
    let officers: HashMap<String, _> = ctx
        .store
        .officers()
        .await?
        .into_iter()
        .filter(|officer| admin.scope.administers(&officer.org_unit.id))
        .map(|officer| (officer.id.clone(), officer))
        .collect();
    let rows = ctx.store.device_reports().await?;
    let mut by_officer: HashMap<&str, Vec<_>> = HashMap::new();
    for row in &rows {
        by_officer.entry(&row.officer_id).or_default().push(row);
    }
    let now = now_ms();
    let mut devices: Vec<Device> = rows
        .iter()
        .filter_map(|row| {
            let officer = officers.get(&row.officer_id)?;
            let found = problem(row, &by_officer[row.officer_id.as_str()], now);
            let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
            Some(Device {
                officer_id: officer.id.clone(),
                username: officer.username.clone(),
                display_name: officer.display_name.clone(),
                org_unit: UnitRef {
                    id: officer.org_unit.id.clone(),
                    code: officer.org_unit.code.clone(),
                    name: officer.org_unit.name.clone(),
                },
                device_id: row.device_id.clone(),
                first_seen_at: to_rfc3339(row.first_seen_at),
                reported_at: to_rfc3339(row.reported_at),
                waiting: count(row.waiting),
                oldest_waiting_on: row
                    .oldest_waiting_on
                    .as_deref()
                    .and_then(|day| domain::Date::parse(day).ok()),
                persistent: row.persistent,
                problem: found.map(|(problem, _, _)| problem),
                records: found.map_or(0, |(_, records, _)| count(records)),
                since: found.map(|(_, _, since)| to_rfc3339(since)),
            })
        })
        .collect();
    // Problems first, the oldest first; then the rest, the last heard from first.
    devices.sort_by(|a, b| {
        (a.problem.is_none(), &a.since)
            .cmp(&(b.problem.is_none(), &b.since))
            .then_with(|| b.reported_at.cmp(&a.reported_at))
    });
    Ok(Json(devices))
}

async fn handled(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiJson(phone): ApiJson<DeviceHandled>,
) -> Result<StatusCode, ApiError> {
    let officer = ctx.store.officer(&phone.officer_id).await?;
    let Some(officer) = officer else {
        return Err(ApiError::not_found());
    };
    if !admin.scope.administers(&officer.org_unit.id) {
        return Err(ApiError::forbidden());
    }
    if !ctx
        .store
        .handle_device(&officer.id, &phone.device_id, now_ms())
        .await?
    {
        return Err(ApiError::not_found());
    }
    ctx.store
        .append_audit(&admin.actor.did(
            "device.handled",
            &phone.device_id,
            json!({"officer_id": officer.id}),
        ))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
