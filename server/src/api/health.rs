//! `GET /api/v1/health`: the version and the store, for monitoring and support.

use crate::error::ApiError;
use crate::ApiContext;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use domain::api::Health;

pub fn router() -> Router<ApiContext> {
    Router::new().route("/health", get(health))
}

async fn health(State(ctx): State<ApiContext>) -> Result<Json<Health>, ApiError> {
    ctx.store.ping().await?;
    Ok(Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        store: ctx.store.kind().as_str().into(),
        app_version: ctx.service_worker.version.clone(),
    }))
}
