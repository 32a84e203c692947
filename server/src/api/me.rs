//! `GET /api/v1/me`: the signed-in officer.

use super::officer_json;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::ApiContext;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<ApiContext> {
    Router::new().route("/me", get(me))
}

async fn me(State(ctx): State<ApiContext>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let units = ctx.store.org_units().await?;
    Ok(Json(
        json!({ "officer": officer_json(&caller.officer, &units) }),
    ))
}
