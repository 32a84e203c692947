//! `GET /api/v1/plans[?year=]` and `GET /api/v1/plans/{id}`: the yearly plans the caller may read
//! (`Scope::can_read_plans_of`: those of their unit, of the units above it and below it; an admin
//! all), newest year first, then by org unit id, each with its targets and whether anything of it
//! is still to confirm. Changes are under `/api/v1/admin/plans`.

use super::check_year;
use crate::auth::Caller;
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::plans::{shown, shown_one};
use crate::ApiContext;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use domain::plan::Plan;
use serde::Deserialize;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/plans", get(list))
        .route("/plans/{id}", get(one))
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn list(
    State(ctx): State<ApiContext>,
    caller: Caller,
    ApiQuery(query): ApiQuery<YearQuery>,
) -> Result<Json<Vec<Plan>>, ApiError> {
    let year = query.year.map(check_year).transpose()?;
    let store = ctx.store.as_ref();
    let plans = store
        .plans(year)
        .await?
        .into_iter()
        .filter(|plan| caller.scope.can_read_plans_of(&plan.header.org_unit_id))
        .collect();
    let units = store.org_units().await?;
    Ok(Json(shown(store, &units, plans).await?))
}

async fn one(
    State(ctx): State<ApiContext>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Plan>, ApiError> {
    let store = ctx.store.as_ref();
    let plan = store
        .plan(&id)
        .await?
        .filter(|plan| caller.scope.can_read_plans_of(&plan.header.org_unit_id))
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(shown_one(store, plan).await?))
}
