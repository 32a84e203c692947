//! `GET /api/v1/health`: the version and the store, for monitoring and support.

use crate::error::ApiError;
use crate::ApiContext;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<ApiContext> {
    Router::new().route("/health", get(health))
}

async fn health(State(ctx): State<ApiContext>) -> Result<Json<Value>, ApiError> {
    ctx.store.ping().await?;
    Ok(Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "store": ctx.store.kind().as_str(),
        "app_version": ctx.service_worker.version,
    })))
}
