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
mod quarters;
mod records;
mod reports;
mod slips;
pub(crate) mod sync;

use crate::clock::to_rfc3339;
use crate::error::{api_not_found, ApiError};
use crate::model::{Officer, OrgUnit};
use crate::ApiContext;
use axum::Router;
use domain::api;
use serde::{Deserialize, Deserializer};

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
        .merge(quarters::router())
        .merge(reports::router())
        .merge(slips::router())
        .merge(admin::receiving_services_router())
        .merge(admin::settings_router())
        .merge(admin::agencies_router())
        .merge(admin::export_key_router())
        .nest("/admin", admin::router())
        .fallback(api_not_found)
}

/// An officer as sign-in and `/me` show them. Their unit comes with its level, the last day of
/// its life (null while open) and the units that took over from it, so that the officer of a
/// closed unit learns where new records go; `units` is the whole tree.
fn officer_answer(officer: &Officer, units: &[OrgUnit]) -> api::Officer {
    let find = |id: &str| units.iter().find(|unit| unit.id == id);
    // Always found: an officer's unit is a foreign key, and units are never deleted.
    let unit = find(&officer.org_unit.id);
    let successors = unit
        .into_iter()
        .flat_map(|unit| &unit.successor_ids)
        .filter_map(|id| find(id))
        .map(api::UnitRef::from)
        .collect();
    api::Officer {
        id: officer.id.clone(),
        username: officer.username.clone(),
        display_name: officer.display_name.clone(),
        role: officer.role,
        org_unit: api::OfficerUnit {
            id: officer.org_unit.id.clone(),
            code: officer.org_unit.code.clone(),
            name: officer.org_unit.name.clone(),
            level: unit.map(|unit| unit.level),
            valid_to: unit.and_then(|unit| unit.valid_to.clone()),
            successors,
        },
        receiving_service: officer.receiving_service.clone(),
    }
}

/// An officer as the admin pages show them.
fn user_answer(officer: &Officer, units: &[OrgUnit]) -> api::User {
    api::User {
        officer: officer_answer(officer, units),
        disabled: officer.disabled,
        created_at: to_rfc3339(officer.created_at),
    }
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
