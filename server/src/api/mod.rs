//! The JSON API under `/api/v1`: one module per resource, merged here.

mod health;

use crate::error::api_not_found;
use crate::ApiContext;
use axum::Router;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .merge(health::router())
        .fallback(api_not_found)
}
