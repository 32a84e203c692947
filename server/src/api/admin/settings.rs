//! `GET /api/v1/admin/settings`, `PUT /api/v1/admin/settings`: the district's settings, for the
//! admin: the number of days a tip-off must be handled in (PCMD-TG01), and how many idle minutes
//! the phone waits before it locks itself. `GET /api/v1/settings` gives the same values to every
//! signed-in officer: the phone shows the deadline on the tip-off form and keeps to the lock time.

use super::Admin;
use crate::auth::Caller;
use crate::error::{ApiError, ApiJson, FieldProblem};
use crate::store::DEADLINE_KEY;
use crate::ApiContext;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use domain::api::Settings;
use serde::Deserialize;
use serde_json::{json, Value};
use std::ops::RangeInclusive;

/// A whole-number setting: its key in the `settings` table (and in the JSON), the value used
/// when the table has none, and the values an admin may give it.
struct Setting {
    key: &'static str,
    default: i64,
    range: RangeInclusive<i64>,
    refusal: &'static str,
}

/// Read by the indicator engine, per year; a deadline of days, not hours or years.
const TIP_OFF_DEADLINE_DAYS: Setting = Setting {
    key: DEADLINE_KEY,
    default: 20,
    range: 1..=365,
    refusal: "The deadline must be a whole number of days from 1 to 365.",
};

/// Read by the phone; at most four hours, a morning in the field.
const LOCK_AFTER_MINUTES: Setting = Setting {
    key: "lock_after_minutes",
    default: 10,
    range: 1..=240,
    refusal: "The lock time must be a whole number of minutes from 1 to 240.",
};

/// Under `/admin`.
pub fn router() -> Router<ApiContext> {
    Router::new().route("/settings", get(show).put(set))
}

/// For every signed-in officer.
pub fn officer_router() -> Router<ApiContext> {
    Router::new().route("/settings", get(read))
}

impl Setting {
    /// The value in force; the tip-off deadline is kept per year, so this year's.
    async fn read(&self, ctx: &ApiContext) -> Result<i64, ApiError> {
        let stored = if self.key == DEADLINE_KEY {
            let year = crate::clock::domain_today().year();
            ctx.store.tip_off_deadline(year).await?
        } else {
            let value = ctx.store.setting(self.key).await?;
            value.and_then(|value| value.trim().parse().ok())
        };
        Ok(stored.unwrap_or(self.default))
    }

    /// Writes a new value; the tip-off deadline from this year on, so past years keep theirs.
    async fn write(&self, ctx: &ApiContext, value: i64) -> Result<(), ApiError> {
        if self.key == DEADLINE_KEY {
            let year = crate::clock::domain_today().year();
            ctx.store.set_tip_off_deadline(year, value).await?;
        } else {
            ctx.store.set_setting(self.key, &value.to_string()).await?;
        }
        Ok(())
    }

    /// As the answer shows it: a stored value out of every range (written by hand) as the default.
    async fn shown(&self, ctx: &ApiContext) -> Result<u32, ApiError> {
        let value = self.read(ctx).await?;
        Ok(u32::try_from(value).unwrap_or(self.default as u32))
    }

    /// The number sent, if it is one this setting may take.
    fn check(&self, value: &Value) -> Result<i64, FieldProblem> {
        value
            .as_i64()
            .filter(|number| self.range.contains(number))
            .ok_or_else(|| FieldProblem::new(self.key, "invalid", self.refusal))
    }
}

async fn current(ctx: &ApiContext) -> Result<Settings, ApiError> {
    Ok(Settings {
        tip_off_deadline_days: TIP_OFF_DEADLINE_DAYS.shown(ctx).await?,
        lock_after_minutes: LOCK_AFTER_MINUTES.shown(ctx).await?,
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
    lock_after_minutes: Option<Value>,
}

async fn set(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiJson(body): ApiJson<SettingsBody>,
) -> Result<Json<Settings>, ApiError> {
    let sent = [
        (&TIP_OFF_DEADLINE_DAYS, body.tip_off_deadline_days),
        (&LOCK_AFTER_MINUTES, body.lock_after_minutes),
    ];
    // Every value is checked before any is written: a refused request changes nothing.
    let mut changes = Vec::new();
    let mut errors = Vec::new();
    for (setting, value) in sent {
        match value.as_ref().map(|value| setting.check(value)) {
            Some(Ok(number)) => changes.push((setting, number)),
            Some(Err(error)) => errors.push(error),
            None => {}
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    for (setting, value) in changes {
        let before = setting.read(&ctx).await?;
        setting.write(&ctx, value).await?;
        let entry = admin.actor.did(
            "setting.set",
            setting.key,
            json!({"value": value, "previous": before}),
        );
        ctx.store.append_audit(&entry).await?;
    }
    Ok(Json(current(&ctx).await?))
}
