//! `GET`/`POST /api/v1/admin/receiving-services` and `PUT /api/v1/admin/receiving-services/{id}`:
//! the services that receive referred people, of the admin's units; `GET
//! /api/v1/receiving-services` for every signed-in officer (the live ones their referrals may
//! reach: of a unit at or above theirs, or below it). An account of role `service_provider` belongs
//! to one (`/admin/users`, `receiving_service_id`). Retired, never deleted.

use super::Admin;
use crate::auth::Caller;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiJson, ApiPath, FieldProblem};
use crate::model::ReceivingService;
use crate::ApiContext;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use domain::{Coded, ReferralService};
use serde::Deserialize;
use serde_json::json;

const MAX_NAME: usize = 200;

/// Under `/admin`.
pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/receiving-services", get(show).post(add))
        .route("/receiving-services/{id}", put(change))
}

/// For every signed-in officer.
pub fn officer_router() -> Router<ApiContext> {
    Router::new().route("/receiving-services", get(list))
}

async fn list(
    State(ctx): State<ApiContext>,
    caller: Caller,
) -> Result<Json<Vec<ReceivingService>>, ApiError> {
    let services = ctx.store.receiving_services().await?;
    Ok(Json(
        services
            .into_iter()
            .filter(|service| {
                !service.retired
                    && (caller.scope.can_see_unit(&service.org_unit_id)
                        || caller.scope.can_read_plans_of(&service.org_unit_id))
            })
            .collect(),
    ))
}

async fn show(
    State(ctx): State<ApiContext>,
    admin: Admin,
) -> Result<Json<Vec<ReceivingService>>, ApiError> {
    let services = ctx.store.receiving_services().await?;
    Ok(Json(
        services
            .into_iter()
            .filter(|service| admin.scope.administers(&service.org_unit_id))
            .collect(),
    ))
}

/// `POST`'s body; `PUT`'s is the same, each field optional there.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceBody {
    name: Option<String>,
    org_unit_id: Option<String>,
    services: Option<Vec<String>>,
    retired: Option<bool>,
}

fn name(value: &str) -> Result<String, FieldProblem> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.chars().count() > MAX_NAME {
        return Err(FieldProblem::new(
            "name",
            "invalid",
            format!("Give the service's name, at most {MAX_NAME} characters."),
        ));
    }
    Ok(trimmed.to_string())
}

/// Referral type codes of `reference/referral_types.csv`, at least one, each once.
fn services(codes: &[String]) -> Result<Vec<ReferralService>, FieldProblem> {
    let mut services: Vec<ReferralService> = Vec::new();
    for code in codes {
        let service = ReferralService::parse(code).ok_or_else(|| {
            FieldProblem::new(
                "services",
                "unknown",
                format!("{code:?} is not a referral type code."),
            )
        })?;
        if !services.contains(&service) {
            services.push(service);
        }
    }
    if services.is_empty() {
        return Err(FieldProblem::new(
            "services",
            "required",
            "Name at least one service it provides.",
        ));
    }
    Ok(services)
}

/// Checks the body over `service` (a new one's defaults, or the stored one).
fn apply(
    body: ServiceBody,
    mut service: ReceivingService,
    admin: &Admin,
    known_unit: impl Fn(&str) -> bool,
) -> Result<ReceivingService, ApiError> {
    let mut errors = Vec::new();
    if let Some(value) = &body.name {
        name(value)
            .map(|n| service.name = n)
            .unwrap_or_else(|e| errors.push(e));
    }
    if let Some(codes) = &body.services {
        services(codes)
            .map(|s| service.services = s)
            .unwrap_or_else(|e| errors.push(e));
    }
    if let Some(unit) = body.org_unit_id {
        if !known_unit(&unit) {
            errors.push(FieldProblem::new(
                "org_unit_id",
                "unknown",
                "No org unit has this id.",
            ));
        } else if !admin.scope.administers(&unit) {
            return Err(ApiError::forbidden());
        }
        service.org_unit_id = unit;
    }
    service.retired = body.retired.unwrap_or(service.retired);
    for (missing, field) in [
        (service.name.is_empty(), "name"),
        (service.org_unit_id.is_empty(), "org_unit_id"),
        (service.services.is_empty(), "services"),
    ] {
        if missing && !errors.iter().any(|e| e.field == field) {
            errors.push(FieldProblem::new(field, "required", "Required."));
        }
    }
    match errors.is_empty() {
        true => Ok(service),
        false => Err(ApiError::invalid(errors)),
    }
}

async fn add(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiJson(body): ApiJson<ServiceBody>,
) -> Result<(StatusCode, Json<ReceivingService>), ApiError> {
    let units = ctx.store.org_units().await?;
    let new = ReceivingService {
        id: format!("rs-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]),
        name: String::new(),
        org_unit_id: String::new(),
        services: Vec::new(),
        retired: false,
    };
    let service = apply(body, new, &admin, |id| units.iter().any(|u| u.id == id))?;
    ctx.store.add_receiving_service(&service, now_ms()).await?;
    let entry = admin
        .actor
        .did("receiving_service.create", &service.id, json!(service));
    ctx.store.append_audit(&entry).await?;
    Ok((StatusCode::CREATED, Json(service)))
}

async fn change(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ServiceBody>,
) -> Result<Json<ReceivingService>, ApiError> {
    let units = ctx.store.org_units().await?;
    let before = ctx
        .store
        .receiving_services()
        .await?
        .into_iter()
        .find(|service| service.id == id)
        .ok_or_else(ApiError::not_found)?;
    if !admin.scope.administers(&before.org_unit_id) {
        return Err(ApiError::forbidden());
    }
    let changed = apply(body, before.clone(), &admin, |id| {
        units.iter().any(|u| u.id == id)
    })?;
    if !ctx.store.change_receiving_service(&changed).await? {
        return Err(ApiError::not_found());
    }
    let entry = admin.actor.did(
        "receiving_service.change",
        &id,
        json!({"service": changed, "previous": before}),
    );
    ctx.store.append_audit(&entry).await?;
    Ok(Json(changed))
}
