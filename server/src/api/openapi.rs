//! `GET /api/v1/openapi.json`: the hand-written OpenAPI 3.1 description of this API.

use crate::ApiContext;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

const DOCUMENT: &str = include_str!("../../openapi.json");

pub fn router() -> Router<ApiContext> {
    Router::new().route("/openapi.json", get(document))
}

async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}
