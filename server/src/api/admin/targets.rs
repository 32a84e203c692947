//! `GET /api/v1/admin/targets?year=`, `PUT` and `DELETE /api/v1/admin/targets/{year}/{code}`: the
//! yearly target of each indicator (percent for ratios), as before plans were data. They address
//! the plan of that year in force for the admin's own unit (`crate::plans::in_force`); a `PUT`
//! with none in force first creates the unit's plan, its header made from the unit's name. A plan
//! in force that a unit above made is read here but changed only by that unit's admin (403).
//! `/api/v1/admin/plans` is the full interface.

use super::{Admin, TargetBody, YearQuery};
use crate::api::check_year;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery};
use crate::model::{Indicator, StoredPlan};
use crate::plans::{self, in_force, NewPlan};
use crate::store::Store;
use crate::ApiContext;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use domain::api::{self, IndicatorTarget, Target};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/targets", get(list))
        .route("/targets/{year}/{code}", put(set).delete(remove))
}

async fn list(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiQuery(query): ApiQuery<YearQuery>,
) -> Result<Json<Vec<IndicatorTarget>>, ApiError> {
    let year = check_year(query.year)?;
    let store = ctx.store.as_ref();
    let plan = plan_in_force(store, &admin.unit_id, year).await?;
    let target_of = |code: &str| {
        plan.as_ref()?
            .targets
            .iter()
            .find(|target| target.indicator_code == code)
            .map(|target| target.target())
    };
    Ok(Json(
        store
            .indicators()
            .await?
            .iter()
            .map(|indicator| indicator_target(indicator, target_of(&indicator.code)))
            .collect(),
    ))
}

async fn set(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiPath((year, code)): ApiPath<(i32, String)>,
    ApiJson(body): ApiJson<TargetBody>,
) -> Result<Json<IndicatorTarget>, ApiError> {
    let year = check_year(year)?;
    let store = ctx.store.as_ref();
    let indicator = plans::indicator(store, &code).await?;
    let target = plans::parse_target(&body.op, body.value)?;
    let plan_id = match plan_in_force(store, &admin.unit_id, year).await? {
        Some(plan) => own(&admin, plan)?.header.id,
        None => {
            let units = store.org_units().await?;
            let unit = units
                .iter()
                .find(|unit| unit.id == admin.unit_id)
                .ok_or_else(ApiError::not_found)?;
            let new = NewPlan::named_after(unit, year);
            match plans::create(store, new, &admin.actor).await {
                Ok(plan) => plan.header.id,
                // Made meanwhile by another request: set the target in it.
                Err(error) if error.code == "plan_exists" => plans::plan_id(&unit.id, year),
                Err(error) => return Err(error),
            }
        }
    };
    plans::set_target(store, &plan_id, &code, target, &admin.actor).await?;
    Ok(Json(indicator_target(&indicator, Some(target))))
}

async fn remove(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiPath((year, code)): ApiPath<(i32, String)>,
) -> Result<StatusCode, ApiError> {
    let year = check_year(year)?;
    let store = ctx.store.as_ref();
    plans::indicator(store, &code).await?;
    if let Some(plan) = plan_in_force(store, &admin.unit_id, year).await? {
        let plan = own(&admin, plan)?;
        plans::delete_target(store, &plan.header.id, &code, &admin.actor).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn plan_in_force(
    store: &Store,
    unit_id: &str,
    year: i32,
) -> Result<Option<StoredPlan>, ApiError> {
    let units = store.org_units().await?;
    let plans = store.plans(Some(year)).await?;
    Ok(in_force(&plans, &units, unit_id, year).cloned())
}

/// The plan, if the admin administers the unit that made it.
fn own(admin: &Admin, plan: StoredPlan) -> Result<StoredPlan, ApiError> {
    if admin.scope.administers(&plan.header.org_unit_id) {
        Ok(plan)
    } else {
        Err(ApiError::forbidden())
    }
}

fn indicator_target(indicator: &Indicator, target: Option<Target>) -> IndicatorTarget {
    IndicatorTarget {
        indicator: api::Indicator {
            code: indicator.code.clone(),
            label_vi: indicator.label_vi.clone(),
            label_en: indicator.label_en.clone(),
            kind: indicator.kind,
        },
        target,
    }
}
