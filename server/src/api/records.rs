//! `GET /api/v1/records?since=<cursor>&limit=<n>`: the records the caller may read, voided ones
//! included, changed after the cursor, oldest change first, each at its latest version (`API.md`,
//! "Sync"). It restores a new or wiped device and feeds other systems. `scope` says which; every
//! tip-off read is logged by id. With `for=phone`, only what a phone keeps offline, so that it
//! stays within its storage however many records the server holds: the records of this year and
//! the last that the caller made (a commune's officer: all of the commune's, from which the phone
//! makes the commune's figures), and the business register of their units; with `year` too, the
//! same of an earlier year, which the phone fetches on demand and does not keep.
//!
//! The cursor is the change number of the last record of a page, as a decimal string, followed by
//! `.` and the store's epoch once it was restored from a backup; clients must treat it as opaque.
//! An empty page gives back the cursor it was asked with.

use crate::auth::{Caller, ClientIp};
use crate::error::{ApiError, ApiQuery};
use crate::model::{Actor, KeptBy, RecordFilter, Role};
use crate::store::ChangePoint;
use crate::ApiContext;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::Datelike;
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
    #[serde(rename = "for")]
    kept_on: Option<String>,
    year: Option<i32>,
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
    let for_phone = match query.kept_on.as_deref() {
        None | Some("") => false,
        Some("phone") => true,
        Some(_) => {
            return Err(ApiError::invalid_field(
                "for",
                "invalid_value",
                "`for` is `phone` or absent.",
            ))
        }
    };
    // From the first day of last year, in Vietnam; or, asked for, one year before that.
    let last_year = crate::clock::today().year() - 1;
    let year = match query.year {
        Some(year) if for_phone && (1900..last_year).contains(&year) => Some(year),
        None => None,
        Some(_) => {
            return Err(ApiError::invalid_field(
                "year",
                "invalid_value",
                "`year`, with `for=phone`, is a year before last year (the phone keeps those).",
            ))
        }
    };
    let from = format!("{}-01-01", year.unwrap_or(last_year));
    let to = year.map(|year| format!("{year}-12-31"));
    let point = ctx.store.change_point().await?;
    let after = match query.since.as_deref() {
        None | Some("") => 0,
        Some(cursor) => change_after(cursor, &point).ok_or_else(invalid_cursor)?,
    };
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
        kept_by: for_phone.then_some(KeptBy {
            officer_id: &caller.officer.id,
            from: &from,
            to: to.as_deref(),
            whole_scope: caller.officer.role == Role::CommuneOfficer,
        }),
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
        next_cursor: cursor_of(next, &point),
    }))
}

/// `<change number>`, or `<change number>.<epoch>` once the store was restored.
fn cursor_of(seq: i64, point: &ChangePoint) -> String {
    if point.epoch.is_empty() {
        seq.to_string()
    } else {
        format!("{seq}.{}", point.epoch)
    }
}

/// The change number a cursor of this store stands for. One of another epoch (given before a
/// restore), another server's, or beyond what this store gave would skip records: none.
fn change_after(cursor: &str, point: &ChangePoint) -> Option<i64> {
    let (seq, epoch) = cursor.split_once('.').unwrap_or((cursor, ""));
    let seq: i64 = seq.parse().ok()?;
    (epoch == point.epoch && (0..=point.last_seq).contains(&seq)).then_some(seq)
}

fn invalid_cursor() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_cursor",
        "Unknown cursor: read again from the start, without `since`.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_counts_only_in_the_epoch_that_gave_it() {
        let first = ChangePoint {
            last_seq: 900,
            epoch: String::new(),
        };
        let restored = ChangePoint {
            last_seq: 700,
            epoch: "a1b2c3d4e5f6".into(),
        };
        assert_eq!(change_after(&cursor_of(500, &first), &first), Some(500));
        assert_eq!(
            change_after(&cursor_of(500, &restored), &restored),
            Some(500)
        );
        assert_eq!(change_after(&cursor_of(500, &first), &restored), None);
        assert_eq!(change_after(&cursor_of(500, &restored), &first), None);
        assert_eq!(change_after("901", &first), None);
        assert_eq!(change_after("-1", &first), None);
        assert_eq!(change_after("x.a1b2c3d4e5f6", &restored), None);
    }
}
