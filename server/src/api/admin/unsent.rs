//! `GET /api/v1/export-key`: the server's public key for exports of unsent records, for every
//! signed-in officer; `POST /api/v1/admin/unsent-imports`: an admin imports such a file, and its
//! records go through the sync path as the officer's phone would have sent them (`crate::unsent`).

use super::Admin;
use crate::api::sync::lang;
use crate::auth::{Caller, ClientIp};
use crate::error::{ApiError, ApiJson};
use crate::scope::Scope;
use crate::sync::{sync, Sender};
use crate::unsent::{export_secret, proven, OpenError};
use crate::ApiContext;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::api::{ExportKey, UnsentFile, UnsentImport};
use domain::sync::{SyncResult, SyncStatus, MAX_BATCH};
use serde_json::json;

/// A phone's unsent records, base64 and encrypted: thousands fit.
const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// Under `/admin`.
pub fn router() -> Router<ApiContext> {
    Router::new().route(
        "/unsent-imports",
        post(import).layer(DefaultBodyLimit::max(MAX_FILE_BYTES)),
    )
}

/// For every signed-in officer.
pub fn officer_router() -> Router<ApiContext> {
    Router::new().route("/export-key", get(export_key))
}

async fn export_key(State(ctx): State<ApiContext>, _: Caller) -> Result<Json<ExportKey>, ApiError> {
    Ok(Json(export_secret(&ctx.store).await?.public()))
}

fn refused(code: &'static str, message: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

async fn import(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(file): ApiJson<UnsentFile>,
) -> Result<Json<UnsentImport>, ApiError> {
    let unsent = export_secret(&ctx.store)
        .await?
        .open(&file)
        .map_err(|error| match error {
            OpenError::Format => refused(
                "not_an_export",
                "This is not an export of unsent records of this application.",
            ),
            OpenError::OtherKey => refused(
                "other_server",
                "This file was made for another server: import it there.",
            ),
            OpenError::Damaged => refused(
                "export_damaged",
                "This file is damaged, or was not made for this server.",
            ),
        })?;
    let officer = ctx
        .store
        .officer(&unsent.officer_id)
        .await?
        .ok_or_else(|| {
            refused(
                "unknown_device",
                "No account of this server made this file.",
            )
        })?;
    if !admin.scope.administers(&officer.org_unit.id) {
        return Err(ApiError::forbidden());
    }
    let device_id = uuid::Uuid::try_parse(&unsent.device_id)
        .map(|id| id.to_string())
        .map_err(|_| refused("unknown_device", "This file names no phone of this server."))?;
    // Only a file the officer's own phone made, open: one claiming their records from a phone
    // they never used, or made by someone else, is refused.
    let Some(device_key) = ctx.store.stored_device_key(&officer.id, &device_id).await? else {
        return Err(refused(
            "unknown_device",
            "The officer never used the phone this file names.",
        ));
    };
    if !proven(&unsent, &device_key) {
        return Err(refused(
            "not_the_officers",
            "This file was not made by the officer's own phone.",
        ));
    }
    let records: Vec<serde_json::Value> = serde_json::from_str(&unsent.records)
        .map_err(|_| refused("not_an_export", "The file's records cannot be read."))?;
    let units = ctx.store.org_units().await?;
    let scope = Scope::new(officer.role, &officer.org_unit.id, &units);
    let sender = Sender {
        officer: &officer,
        scope: &scope,
        ip: &ip,
        device_id: &device_id,
        by_phone: false,
    };
    let mut answer = UnsentImport {
        officer_id: officer.id.clone(),
        username: officer.username.clone(),
        device_id: device_id.clone(),
        records: 0,
        applied: 0,
        unchanged: 0,
        conflict: 0,
        rejected: 0,
        not_stored: Vec::new(),
    };
    for batch in records.chunks(MAX_BATCH) {
        let results = sync(ctx.store.as_ref(), &sender, &units, batch, lang(&headers)).await?;
        for result in results {
            answer.records += 1;
            *match result.status {
                SyncStatus::Applied => &mut answer.applied,
                SyncStatus::Unchanged => &mut answer.unchanged,
                SyncStatus::Conflict => &mut answer.conflict,
                SyncStatus::Rejected => &mut answer.rejected,
            } += 1;
            if matches!(result.status, SyncStatus::Conflict | SyncStatus::Rejected) {
                answer.not_stored.push(SyncResult {
                    current: None,
                    ..result
                });
            }
        }
    }
    let detail = json!({"officer_id": officer.id, "device_id": device_id,
        "records": answer.records, "applied": answer.applied, "unchanged": answer.unchanged,
        "conflict": answer.conflict, "rejected": answer.rejected});
    ctx.store
        .append_audit(&admin.actor.did("unsent.import", &officer.id, detail))
        .await?;
    Ok(Json(answer))
}
