//! `GET /api/v1/agencies` (every signed-in officer; the phone keeps a copy for the agency
//! integration form), and for the admin `GET`/`POST /api/v1/admin/agencies` and
//! `PUT /api/v1/admin/agencies/{id}`: the list of agencies PCMD-KH02 counts, seeded with those of
//! the plan's section V. One list for the whole server; an agency is renamed or retired, never
//! deleted, so the records that name it keep counting for it.

use super::Admin;
use crate::auth::Caller;
use crate::error::{ApiError, ApiJson, ApiPath, FieldProblem};
use crate::store::StoreError;
use crate::ApiContext;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use domain::api::Agency;
use serde::Deserialize;
use serde_json::json;

/// The longest agency name, in characters.
const MAX_NAME: usize = 200;

/// Under `/admin`.
pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/agencies", get(show).post(add))
        .route("/agencies/{id}", put(change))
}

/// For every signed-in officer.
pub fn officer_router() -> Router<ApiContext> {
    Router::new().route("/agencies", get(list))
}

async fn list(State(ctx): State<ApiContext>, _: Caller) -> Result<Json<Vec<Agency>>, ApiError> {
    Ok(Json(ctx.store.agencies().await?))
}

async fn show(State(ctx): State<ApiContext>, _: Admin) -> Result<Json<Vec<Agency>>, ApiError> {
    Ok(Json(ctx.store.agencies().await?))
}

/// `POST`'s body; `PUT`'s is the same with `retired`, each field optional there.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgencyBody {
    name_vi: Option<String>,
    name_en: Option<String>,
    retired: Option<bool>,
}

/// A name trimmed, given and not too long.
fn name(field: &'static str, value: &str) -> Result<String, FieldProblem> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.chars().count() > MAX_NAME {
        return Err(FieldProblem::new(
            field,
            "invalid",
            format!("Give the agency's name, at most {MAX_NAME} characters."),
        ));
    }
    Ok(trimmed.to_string())
}

/// Two agencies of one name would be the spelling variants the list is there to end.
fn agency_exists(error: StoreError) -> ApiError {
    match error {
        StoreError::Duplicate => ApiError::conflict(
            "agency_exists",
            "An agency of that name is on the list already.",
        ),
        other => other.into(),
    }
}

async fn add(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiJson(body): ApiJson<AgencyBody>,
) -> Result<(StatusCode, Json<Agency>), ApiError> {
    let name_vi = name("name_vi", body.name_vi.as_deref().unwrap_or_default());
    let name_en = body
        .name_en
        .as_deref()
        .map(|value| name("name_en", value))
        .transpose();
    let (name_vi, name_en) = match (name_vi, name_en) {
        (Ok(name_vi), Ok(name_en)) => (name_vi, name_en),
        (vi, en) => {
            let errors = [vi.err(), en.err()].into_iter().flatten().collect();
            return Err(ApiError::invalid(errors));
        }
    };
    let agency = Agency {
        id: format!("ag-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]),
        name_en: name_en.unwrap_or_else(|| name_vi.clone()),
        name_vi,
        retired: body.retired.unwrap_or(false),
    };
    ctx.store.add_agency(&agency).await.map_err(agency_exists)?;
    let entry = admin.actor.did("agency.create", &agency.id, json!(agency));
    ctx.store.append_audit(&entry).await?;
    Ok((StatusCode::CREATED, Json(agency)))
}

async fn change(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<AgencyBody>,
) -> Result<Json<Agency>, ApiError> {
    let agencies = ctx.store.agencies().await?;
    let before = agencies
        .iter()
        .find(|agency| agency.id == id)
        .ok_or_else(ApiError::not_found)?;
    let mut errors = Vec::new();
    let mut changed = before.clone();
    for (field, sent, kept) in [
        ("name_vi", &body.name_vi, &mut changed.name_vi),
        ("name_en", &body.name_en, &mut changed.name_en),
    ] {
        match sent.as_deref().map(|value| name(field, value)) {
            Some(Ok(value)) => *kept = value,
            Some(Err(error)) => errors.push(error),
            None => {}
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    changed.retired = body.retired.unwrap_or(before.retired);
    if !ctx
        .store
        .change_agency(&changed)
        .await
        .map_err(agency_exists)?
    {
        return Err(ApiError::not_found());
    }
    let entry = admin.actor.did(
        "agency.change",
        &id,
        json!({"agency": changed, "previous": before}),
    );
    ctx.store.append_audit(&entry).await?;
    Ok(Json(changed))
}
