//! `POST /api/v1/admin/plans`, `PATCH /api/v1/admin/plans/{id}`,
//! `PUT` and `DELETE /api/v1/admin/plans/{id}/targets/{code}`,
//! `POST /api/v1/admin/plans/{id}/confirm`: make a unit's plan for a year (new, or copied from
//! another plan with everything copied to confirm), change its header, set or remove a target
//! (setting confirms it), and confirm a copied plan: plans of units of the admin's subtree, copied
//! from plans they may read (403 otherwise). The rules are `crate::plans`'s.

use super::{Admin, TargetBody};
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::model::OrgUnit;
use crate::model::StoredPlan;
use crate::plans::{self, HeaderChange, NewPlan};
use crate::store::Store;
use crate::ApiContext;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{patch, post, put};
use axum::{Json, Router};
use domain::plan::Plan;
use serde::Deserialize;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/plans", post(create))
        .route("/plans/{id}", patch(update))
        .route(
            "/plans/{id}/targets/{code}",
            put(set_target).delete(delete_target),
        )
        .route("/plans/{id}/confirm", post(confirm))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPlanBody {
    org_unit_id: String,
    year: i32,
    title: Option<String>,
    issuer: Option<String>,
    lead_agency: Option<String>,
    recipients: Option<Vec<String>>,
    copy_from: Option<String>,
}

async fn create(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiJson(body): ApiJson<NewPlanBody>,
) -> Result<(StatusCode, Json<Plan>), ApiError> {
    let store = ctx.store.as_ref();
    admin.check(&store.org_units().await?, &body.org_unit_id)?;
    if let Some(source) = &body.copy_from {
        let readable = |plan: &StoredPlan| admin.scope.can_read_plans_of(&plan.header.org_unit_id);
        if store
            .plan(source)
            .await?
            .is_some_and(|plan| !readable(&plan))
        {
            return Err(ApiError::forbidden());
        }
    }
    let new = NewPlan {
        org_unit_id: body.org_unit_id,
        year: body.year,
        title: body.title,
        issuer: body.issuer,
        lead_agency: body.lead_agency,
        recipients: body.recipients,
        copy_from: body.copy_from,
        targets: Vec::new(),
    };
    let plan = plans::create(store, new, &admin.actor).await?;
    Ok((StatusCode::CREATED, Json(plan)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderBody {
    title: Option<String>,
    issuer: Option<String>,
    lead_agency: Option<String>,
    recipients: Option<Vec<String>>,
}

async fn update(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<HeaderBody>,
) -> Result<Json<Plan>, ApiError> {
    let store = ctx.store.as_ref();
    let plan = administered(store, &admin, &id).await?;
    let change = HeaderChange {
        title: body.title,
        issuer: body.issuer,
        lead_agency: body.lead_agency,
        recipients: body.recipients,
    };
    Ok(Json(
        plans::update(store, plan, change, &admin.actor).await?,
    ))
}

async fn set_target(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiPath((id, code)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<TargetBody>,
) -> Result<Json<Plan>, ApiError> {
    let store = ctx.store.as_ref();
    let plan = administered(store, &admin, &id).await?;
    plans::indicator(store, &code).await?;
    let target = plans::parse_target(&body.op, body.value)?;
    plans::set_target(store, &plan.header.id, &code, target, &admin.actor).await?;
    let plan = stored(store, &id).await?;
    Ok(Json(plans::shown_one(store, plan).await?))
}

async fn delete_target(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiPath((id, code)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let store = ctx.store.as_ref();
    let plan = administered(store, &admin, &id).await?;
    plans::indicator(store, &code).await?;
    plans::delete_target(store, &plan.header.id, &code, &admin.actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn confirm(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Plan>, ApiError> {
    let store = ctx.store.as_ref();
    let plan = administered(store, &admin, &id).await?;
    Ok(Json(plans::confirm(store, plan, &admin.actor).await?))
}

/// The stored plan of a unit the admin administers: 404 without it, 403 for another unit's.
async fn administered(store: &Store, admin: &Admin, id: &str) -> Result<StoredPlan, ApiError> {
    let plan = stored(store, id).await?;
    let units: Vec<OrgUnit> = store.org_units().await?;
    admin.check(&units, &plan.header.org_unit_id)?;
    Ok(plan)
}

async fn stored(store: &Store, id: &str) -> Result<StoredPlan, ApiError> {
    store.plan(id).await?.ok_or_else(ApiError::not_found)
}
