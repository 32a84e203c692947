//! `GET/POST /api/v1/admin/users`, `PATCH /api/v1/admin/users/{id}`: the accounts of the admin's
//! subtree (an account of a unit outside it, or moved out of it, is 403). Disabling an account or
//! resetting its password ends all its sessions.

use super::Admin;
use crate::accounts::{
    self, check_display_name, check_password, find_unit, parse_role, receiving_service_of,
    NewOfficer,
};
use crate::api::user_answer;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::model::Role;
use crate::{password, ApiContext};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use domain::api::User;
use serde::Deserialize;
use serde_json::{json, Map, Value};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{id}", patch(update))
}

async fn list(State(ctx): State<ApiContext>, admin: Admin) -> Result<Json<Vec<User>>, ApiError> {
    let officers = ctx.store.officers().await?;
    let units = ctx.store.org_units().await?;
    Ok(Json(
        officers
            .iter()
            .filter(|officer| admin.scope.administers(&officer.org_unit.id))
            .map(|officer| user_answer(officer, &units))
            .collect(),
    ))
}

#[derive(Deserialize)]
struct NewUser {
    username: String,
    password: String,
    role: String,
    org_unit_id: String,
    display_name: Option<String>,
    receiving_service_id: Option<String>,
}

async fn create(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiJson(user): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    admin.check(&ctx.store.org_units().await?, &user.org_unit_id)?;
    let new = NewOfficer {
        receiving_service_id: user.receiving_service_id,
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        org_unit_id: user.org_unit_id,
        password: user.password,
    };
    let officer = accounts::create(ctx.store.as_ref(), new, &admin.actor).await?;
    let units = ctx.store.org_units().await?;
    Ok((StatusCode::CREATED, Json(user_answer(&officer, &units))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserChange {
    display_name: Option<String>,
    role: Option<String>,
    org_unit_id: Option<String>,
    disabled: Option<bool>,
    password: Option<String>,
    receiving_service_id: Option<String>,
}

async fn update(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiPath(id): ApiPath<String>,
    ApiJson(change): ApiJson<UserChange>,
) -> Result<Json<User>, ApiError> {
    let store = ctx.store.as_ref();
    let mut officer = store.officer(&id).await?.ok_or_else(ApiError::not_found)?;
    let units = store.org_units().await?;
    admin.check(&units, &officer.org_unit.id)?;
    if let Some(unit_id) = &change.org_unit_id {
        admin.check(&units, unit_id)?;
    }
    let mut errors = Vec::new();
    // A new role or unit, or another service, decides the account's receiving service again.
    let service_decided_again = change.role.is_some()
        || change.org_unit_id.is_some()
        || change.receiving_service_id.is_some();
    // What changed, for the audit log; never the password itself.
    let mut detail = Map::new();
    if let Some(name) = change.display_name {
        match check_display_name(&name) {
            Some(error) => errors.push(error),
            None => officer.display_name = name.trim().to_string(),
        }
        detail.insert("display_name".into(), json!(officer.display_name));
    }
    if let Some(role) = change.role {
        match parse_role(&role) {
            Ok(role) => officer.role = role,
            Err(error) => errors.push(error),
        }
        detail.insert("role".into(), json!(role));
    }
    if let Some(unit_id) = change.org_unit_id {
        match find_unit(&units, &unit_id) {
            Ok(unit) => officer.org_unit = unit,
            Err(error) => errors.push(error),
        }
        detail.insert("org_unit_id".into(), json!(unit_id));
    }
    if service_decided_again {
        let kept = match officer.role {
            Role::ServiceProvider => officer.receiving_service.as_ref().map(|s| s.id.as_str()),
            _ => None,
        };
        let wanted = change.receiving_service_id.as_deref().or(kept);
        let services = store.receiving_services().await?;
        match receiving_service_of(officer.role, &officer.org_unit.id, wanted, &services) {
            Ok(service) => officer.receiving_service = service,
            Err(error) => errors.push(error),
        }
        if change.receiving_service_id.is_some() {
            detail.insert(
                "receiving_service_id".into(),
                json!(change.receiving_service_id),
            );
        }
    }
    if let Some(disabled) = change.disabled {
        officer.disabled = disabled;
        detail.insert("disabled".into(), json!(disabled));
    }
    if let Some(password) = &change.password {
        errors.extend(check_password(password));
        detail.insert("password".into(), json!("reset"));
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let hash = match change.password {
        Some(password) => Some(password::hash(password).await?),
        None => None,
    };
    let now = now_ms();
    officer.updated_at = now;
    store.update_officer(&officer, hash.as_deref()).await?;
    if change.disabled == Some(true) || hash.is_some() {
        store.revoke_sessions_of(&officer.id, now).await?;
    }
    store
        .append_audit(
            &admin
                .actor
                .did("user.update", &officer.id, Value::Object(detail)),
        )
        .await?;
    Ok(Json(user_answer(&officer, &units)))
}
