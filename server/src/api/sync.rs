//! `POST /api/v1/sync`: a batch of records from a device, each answered on its own (`API.md`,
//! "Sync"); the work is in `crate::sync`. The answer leaves only after the batch is committed.
//! `POST /api/v1/sync/report`: what waits on the device, at the start and end of every sync
//! (`crate::devices`).

use crate::auth::{Caller, ClientIp};
use crate::clock::{now_ms, to_rfc3339};
use crate::devices::Report;
use crate::error::{ApiError, ApiJson};
use crate::sync::{sync, Sender};
use crate::ApiContext;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use domain::api::WaitingReport;
use domain::sync::{SyncRequest, SyncResponse, MAX_BATCH, MAX_BATCH_BYTES};
use domain::Lang;

pub fn router() -> Router<ApiContext> {
    // Exactly the contract's 1 MiB here; the router's wider limit is for everything else.
    Router::new()
        .route(
            "/sync",
            post(sync_batch).layer(DefaultBodyLimit::max(MAX_BATCH_BYTES)),
        )
        .route("/sync/report", post(report_waiting))
}

fn device_id(sent: &str) -> Result<String, ApiError> {
    uuid::Uuid::try_parse(sent)
        .map(|id| id.to_string())
        .map_err(|_| {
            ApiError::invalid_field("device_id", "invalid_format", "The device id is a UUID.")
        })
}

async fn report_waiting(
    State(ctx): State<ApiContext>,
    caller: Caller,
    ApiJson(sent): ApiJson<WaitingReport>,
) -> Result<StatusCode, ApiError> {
    let report = Report {
        officer_id: caller.officer.id.clone(),
        device_id: device_id(&sent.device_id)?,
        waiting: i64::from(sent.waiting),
        oldest_waiting_on: sent.oldest_waiting_on,
        persistent: sent.persistent,
    };
    ctx.store.report_waiting(&report, now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn sync_batch(
    State(ctx): State<ApiContext>,
    caller: Caller,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(request): ApiJson<SyncRequest>,
) -> Result<Json<SyncResponse>, ApiError> {
    if request.records.len() > MAX_BATCH {
        return Err(ApiError::too_large(format!(
            "At most {MAX_BATCH} records a request."
        )));
    }
    let device_id = device_id(&request.device_id)?;
    let sender = Sender {
        officer: &caller.officer,
        scope: &caller.scope,
        ip: &ip,
        device_id: &device_id,
        by_phone: true,
    };
    let results = sync(
        ctx.store.as_ref(),
        &sender,
        &caller.units,
        &request.records,
        lang(&headers),
    )
    .await?;
    fault_after_commit();
    Ok(Json(SyncResponse {
        server_time: to_rfc3339(now_ms()),
        results,
    }))
}

/// Field error messages in Vietnamese when the client asks for it first, else in English.
pub(crate) fn lang(headers: &HeaderMap) -> Lang {
    let asks_vietnamese = headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().to_ascii_lowercase().starts_with("vi"));
    if asks_vietnamese {
        Lang::Vi
    } else {
        Lang::En
    }
}

/// For the crash test (`tests/fault.rs`) only: with `PCMD_FAULT_AFTER_COMMIT=abort` the process
/// dies between the commit and the answer, like a server killed at the worst moment.
fn fault_after_commit() {
    if std::env::var_os("PCMD_FAULT_AFTER_COMMIT").is_some_and(|value| value == "abort") {
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn messages_are_vietnamese_only_when_asked_first() {
        let mut headers = HeaderMap::new();
        assert_eq!(lang(&headers), Lang::En);
        for (value, expected) in [
            ("vi-VN,vi;q=0.9,en;q=0.8", Lang::Vi),
            ("VI", Lang::Vi),
            ("en-US,en;q=0.9,vi;q=0.8", Lang::En),
            ("fr", Lang::En),
        ] {
            headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_static(value));
            assert_eq!(lang(&headers), expected, "{value}");
        }
    }
}
