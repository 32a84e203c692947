//! `GET /api/v1/admin/baselines?year=`, `PUT /api/v1/admin/baselines`: the denominators no record
//! gives (students enrolled, relevant agencies, officials in the field), per year and unit of the
//! admin's subtree. A baseline copied with a plan is `to_confirm`; setting it confirms it.

use super::{Admin, YearQuery};
use crate::api::check_year;
use crate::error::{ApiError, ApiJson, ApiQuery, FieldProblem};
use crate::model::{Baseline, BaselineName};
use crate::ApiContext;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use domain::Coded;
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<ApiContext> {
    Router::new().route("/baselines", get(list).put(set))
}

async fn list(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiQuery(query): ApiQuery<YearQuery>,
) -> Result<Json<Vec<Baseline>>, ApiError> {
    let year = check_year(query.year)?;
    let mut baselines = ctx.store.baselines(year).await?;
    baselines.retain(|baseline| admin.scope.administers(&baseline.org_unit_id));
    Ok(Json(baselines))
}

#[derive(Deserialize)]
struct BaselineBody {
    year: i32,
    name: String,
    org_unit_id: String,
    value: i64,
}

async fn set(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiJson(body): ApiJson<BaselineBody>,
) -> Result<Json<Baseline>, ApiError> {
    let year = check_year(body.year)?;
    let units = ctx.store.org_units().await?;
    admin.check(&units, &body.org_unit_id)?;
    let mut errors = Vec::new();
    let name = BaselineName::parse(&body.name);
    if name.is_none() {
        let known: Vec<&str> = BaselineName::ALL.iter().map(|n| n.as_str()).collect();
        errors.push(FieldProblem::new(
            "name",
            "unknown",
            format!("The name must be one of {}.", known.join(", ")),
        ));
    }
    if !units.iter().any(|unit| unit.id == body.org_unit_id) {
        errors.push(FieldProblem::new(
            "org_unit_id",
            "unknown",
            "No org unit has this id.",
        ));
    }
    if body.value < 0 {
        errors.push(FieldProblem::new(
            "value",
            "invalid",
            "The value must be 0 or more.",
        ));
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(ApiError::invalid(errors));
    };
    let baseline = Baseline {
        name,
        org_unit_id: body.org_unit_id,
        value: body.value,
        to_confirm: false,
    };
    ctx.store.set_baseline(year, &baseline).await?;
    let target = format!("{year}/{}/{}", name.as_str(), baseline.org_unit_id);
    let entry = admin
        .actor
        .did("baseline.set", &target, json!({"value": baseline.value}));
    ctx.store.append_audit(&entry).await?;
    Ok(Json(baseline))
}
