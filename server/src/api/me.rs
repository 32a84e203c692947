//! `GET /api/v1/me`: the signed-in officer.

use super::officer_json;
use crate::auth::Caller;
use crate::ApiContext;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<ApiContext> {
    Router::new().route("/me", get(me))
}

async fn me(caller: Caller) -> Json<Value> {
    Json(json!({ "officer": officer_json(&caller.officer) }))
}
