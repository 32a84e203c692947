//! `GET /api/v1/records?since=<cursor>&limit=<n>`: the records the caller may read, voided ones
//! included, changed after the cursor, oldest change first, each at its latest version (`API.md`,
//! "Sync"). It restores a new or wiped device and feeds other systems. `scope` says which; every
//! tip-off read is logged by id.
//!
//! The cursor is the change number of the last record of a page, as a decimal string; clients
//! must treat it as opaque. An empty page gives back the cursor it was asked with.

use crate::auth::{Caller, ClientIp};
use crate::error::{ApiError, ApiQuery};
use crate::model::{Actor, RecordFilter};
use crate::ApiContext;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use domain::sync::RecordsPage;
use domain::{Coded, RecordKind};
use serde::Deserialize;
use serde_json::json;

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 500;

pub fn router() -> Router<ApiContext> {
    Router::new().route("/records", get(list))
}

#[derive(Deserialize)]
struct PageQuery {
    since: Option<String>,
    limit: Option<i64>,
}

async fn list(
    State(ctx): State<ApiContext>,
    caller: Caller,
    ClientIp(ip): ClientIp,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<RecordsPage>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid_field(
            "limit",
            "invalid",
            format!("The limit must be from 1 to {MAX_LIMIT}."),
        ));
    }
    let after = match query.since.as_deref() {
        None | Some("") => 0,
        Some(cursor) => cursor.parse().map_err(|_| invalid_cursor())?,
    };
    // A cursor beyond what this store ever gave (another server's, or a store restored from an
    // older backup) would silently skip records: the device must start again.
    if after < 0 || after > ctx.store.last_change().await? {
        return Err(invalid_cursor());
    }
    let scope = &caller.scope;
    let units = scope.unit_ids();
    let kinds: Vec<&str> = scope
        .readable_kinds()
        .iter()
        .map(|kind| kind.as_str())
        .collect();
    let filter = RecordFilter {
        after,
        units: Some(units.as_slice()),
        kinds: &kinds,
        tip_offs_of: scope
            .reads_only_own_tip_offs()
            .then_some(caller.officer.id.as_str()),
        limit,
    };
    let changed = ctx.store.changed_records(&filter).await?;
    let next = changed.last().map_or(after, |record| record.change_seq);
    let records = changed
        .iter()
        .map(|record| record.row.to_stored())
        .collect::<Result<Vec<_>, _>>()?;
    if !records.is_empty() {
        let actor = Actor::officer(&caller.officer, &ip);
        let detail = json!({"since": after, "next_cursor": next, "records": records.len()});
        ctx.store
            .append_audit(&actor.did("records.read", "records", detail))
            .await?;
        // Tip-offs come from police work: each one read is named.
        let tip_offs: Vec<&str> = records
            .iter()
            .filter(|record| record.kind == RecordKind::TipOff.as_str())
            .map(|record| record.id.as_str())
            .collect();
        if !tip_offs.is_empty() {
            let detail = json!({"ids": tip_offs});
            ctx.store
                .append_audit(&actor.did("tip_offs.read", "records", detail))
                .await?;
        }
    }
    Ok(Json(RecordsPage {
        records,
        next_cursor: next.to_string(),
    }))
}

fn invalid_cursor() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_cursor",
        "Unknown cursor: read again from the start, without `since`.",
    )
}
