//! The JSON API under `/api/v1`: one module per resource, merged here, and the JSON shapes that
//! several resources share.

mod admin;
mod auth;
mod health;
mod indicators;
mod me;
mod openapi;
mod org_units;
mod plans;
mod records;
mod reports;
mod sync;

use crate::clock::to_rfc3339;
use crate::error::{api_not_found, ApiError};
use crate::model::Officer;
use crate::ApiContext;
use axum::Router;
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .merge(health::router())
        .merge(openapi::router())
        .merge(auth::router())
        .merge(me::router())
        .merge(org_units::router())
        .merge(sync::router())
        .merge(records::router())
        .merge(indicators::router())
        .merge(plans::router())
        .merge(reports::router())
        .merge(admin::settings_router())
        .nest("/admin", admin::router())
        .fallback(api_not_found)
}

/// An officer as sign-in and `/me` show them.
fn officer_json(officer: &Officer) -> Value {
    json!({
        "id": officer.id,
        "username": officer.username,
        "display_name": officer.display_name,
        "role": officer.role,
        "org_unit": officer.org_unit,
    })
}

/// An officer as the admin pages show them.
fn user_json(officer: &Officer) -> Value {
    let mut user = officer_json(officer);
    user["disabled"] = json!(officer.disabled);
    user["created_at"] = json!(to_rfc3339(officer.created_at));
    user
}

/// For PATCH fields that may be set to null: absent is `None`, null is `Some(None)`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// A year as the API takes it.
pub(crate) fn check_year(year: i32) -> Result<i32, ApiError> {
    if (1900..=9999).contains(&year) {
        Ok(year)
    } else {
        Err(ApiError::invalid_field(
            "year",
            "invalid",
            "Give a year from 1900 to 9999.",
        ))
    }
}
