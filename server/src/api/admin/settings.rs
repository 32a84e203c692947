//! `GET /api/v1/admin/settings`, `PUT /api/v1/admin/settings`: the district's settings, for the
//! admin; for now the number of days a tip-off must be handled in (PCMD-TG01). `GET
//! /api/v1/settings` gives the same values to every signed-in officer: the phone shows the
//! deadline on the tip-off form.

use super::Admin;
use crate::auth::Caller;
use crate::error::{ApiError, ApiJson};
use crate::ApiContext;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::ops::RangeInclusive;

/// The key of the `settings` table the indicator engine reads.
const TIP_OFF_DEADLINE_DAYS: &str = "tip_off_deadline_days";
/// What the indicator engine uses when the table has no value.
const DEFAULT_DEADLINE_DAYS: i64 = 20;
/// A deadline of days, not hours or years.
const DEADLINE_RANGE: RangeInclusive<i64> = 1..=365;

/// Under `/admin`.
pub fn router() -> Router<ApiContext> {
    Router::new().route("/settings", get(show).put(set))
}

/// For every signed-in officer.
pub fn officer_router() -> Router<ApiContext> {
    Router::new().route("/settings", get(read))
}

#[derive(Serialize)]
struct Settings {
    tip_off_deadline_days: i64,
}

async fn current(ctx: &ApiContext) -> Result<Settings, ApiError> {
    let days = ctx
        .store
        .setting(TIP_OFF_DEADLINE_DAYS)
        .await?
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(DEFAULT_DEADLINE_DAYS);
    Ok(Settings {
        tip_off_deadline_days: days,
    })
}

async fn read(State(ctx): State<ApiContext>, _: Caller) -> Result<Json<Settings>, ApiError> {
    Ok(Json(current(&ctx).await?))
}

async fn show(State(ctx): State<ApiContext>, _: Admin) -> Result<Json<Settings>, ApiError> {
    Ok(Json(current(&ctx).await?))
}

/// Each setting is optional, so that one can be changed without sending the others; read as
/// JSON values so that a wrong type is a field error like a wrong number.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsBody {
    tip_off_deadline_days: Option<Value>,
}

async fn set(
    State(ctx): State<ApiContext>,
    Admin(actor): Admin,
    ApiJson(body): ApiJson<SettingsBody>,
) -> Result<Json<Settings>, ApiError> {
    if let Some(value) = body.tip_off_deadline_days {
        let days = value
            .as_i64()
            .filter(|days| DEADLINE_RANGE.contains(days))
            .ok_or_else(|| {
                ApiError::invalid_field(
                    TIP_OFF_DEADLINE_DAYS,
                    "invalid",
                    "The deadline must be a whole number of days from 1 to 365.",
                )
            })?;
        let before = current(&ctx).await?.tip_off_deadline_days;
        ctx.store
            .set_setting(TIP_OFF_DEADLINE_DAYS, &days.to_string())
            .await?;
        let entry = actor.did(
            "setting.set",
            TIP_OFF_DEADLINE_DAYS,
            json!({"value": days, "previous": before}),
        );
        ctx.store.append_audit(&entry).await?;
    }
    Ok(Json(current(&ctx).await?))
}
