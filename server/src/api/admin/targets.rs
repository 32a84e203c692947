//! `GET /api/v1/admin/targets?year=`, `PUT` and `DELETE /api/v1/admin/targets/{year}/{code}`: the
//! yearly target of each indicator (percent for ratios), which changes from year to year.

use super::Admin;
use crate::api::check_year;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, FieldError};
use crate::model::{Indicator, Target, TargetOp};
use crate::store::Store;
use crate::ApiContext;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/targets", get(list))
        .route("/targets/{year}/{code}", put(set).delete(remove))
}

#[derive(Deserialize)]
struct YearQuery {
    year: i32,
}

async fn list(
    State(ctx): State<ApiContext>,
    _: Admin,
    ApiQuery(query): ApiQuery<YearQuery>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let year = check_year(query.year)?;
    let list = ctx.store.indicator_targets(year).await?;
    Ok(Json(
        list.iter()
            .map(|(indicator, target)| indicator_json(indicator, target.as_ref()))
            .collect(),
    ))
}

#[derive(Deserialize)]
struct TargetBody {
    op: String,
    value: f64,
}

async fn set(
    State(ctx): State<ApiContext>,
    Admin(actor): Admin,
    ApiPath((year, code)): ApiPath<(i32, String)>,
    ApiJson(body): ApiJson<TargetBody>,
) -> Result<Json<Value>, ApiError> {
    let year = check_year(year)?;
    let indicator = indicator(ctx.store.as_ref(), year, &code).await?;
    let mut errors = Vec::new();
    let op = TargetOp::parse(&body.op);
    if op.is_none() {
        errors.push(FieldError::new(
            "op",
            "unknown",
            "The op must be >=, <= or =.",
        ));
    }
    if !body.value.is_finite() || body.value < 0.0 {
        errors.push(FieldError::new(
            "value",
            "invalid",
            "The value must be a number, 0 or more.",
        ));
    }
    let Some(op) = op.filter(|_| errors.is_empty()) else {
        return Err(ApiError::invalid(errors));
    };
    let target = Target {
        op,
        value: body.value,
    };
    ctx.store.set_target(year, &code, &target).await?;
    let entry = actor.did("target.set", &format!("{year}/{code}"), json!(target));
    ctx.store.append_audit(&entry).await?;
    Ok(Json(indicator_json(&indicator, Some(&target))))
}

async fn remove(
    State(ctx): State<ApiContext>,
    Admin(actor): Admin,
    ApiPath((year, code)): ApiPath<(i32, String)>,
) -> Result<StatusCode, ApiError> {
    let year = check_year(year)?;
    indicator(ctx.store.as_ref(), year, &code).await?;
    ctx.store.delete_target(year, &code).await?;
    let entry = actor.did("target.delete", &format!("{year}/{code}"), json!(null));
    ctx.store.append_audit(&entry).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn indicator(store: &dyn Store, year: i32, code: &str) -> Result<Indicator, ApiError> {
    store
        .indicator_targets(year)
        .await?
        .into_iter()
        .map(|(indicator, _)| indicator)
        .find(|indicator| indicator.code == code)
        .ok_or_else(ApiError::not_found)
}

fn indicator_json(indicator: &Indicator, target: Option<&Target>) -> Value {
    let mut item = json!(indicator);
    item["target"] = json!(target);
    item
}
