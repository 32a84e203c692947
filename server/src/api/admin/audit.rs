//! `GET /api/v1/admin/audit`: the audit log, newest first, filtered by action, username and time:
//! for an admin of a unit with one above it, the lines of the officers now in their subtree (what
//! their district's people did); for an admin of a top unit, every line, those of no officer too
//! (sign-ins under names nobody has, the command line).

use super::Admin;
use crate::clock::{parse_date, parse_instant, to_rfc3339};
use crate::error::{ApiError, ApiQuery, FieldProblem};
use crate::model::{AuditFilter, LoggedAudit};
use crate::ApiContext;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use domain::api::AuditLine;
use serde::Deserialize;
use serde_json::Value;

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 500;
const DAY_MS: i64 = 24 * 3600 * 1000;

pub fn router() -> Router<ApiContext> {
    Router::new().route("/audit", get(list))
}

/// Empty parameters (as a plain HTML form sends them) mean no filter.
#[derive(Deserialize)]
struct AuditQuery {
    action: Option<String>,
    username: Option<String>,
    since: Option<String>,
    until: Option<String>,
    limit: Option<String>,
}

async fn list(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditLine>>, ApiError> {
    let given = |value: Option<String>| value.filter(|v| !v.trim().is_empty());
    let mut errors = Vec::new();
    let since = given(query.since).and_then(|since| {
        let instant = parse_instant(&since);
        if instant.is_none() {
            errors.push(time_error("since"));
        }
        instant
    });
    // A bare date as `until` includes that whole day.
    let until = given(query.until).and_then(|until| {
        let instant = parse_instant(&until);
        if instant.is_none() {
            errors.push(time_error("until"));
        }
        let whole_day = parse_date(&until).map_or(0, |_| DAY_MS);
        instant.map(|at| at + whole_day)
    });
    let limit = match given(query.limit) {
        None => DEFAULT_LIMIT,
        Some(limit) => match limit.parse() {
            Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => limit,
            _ => {
                errors.push(FieldProblem::new(
                    "limit",
                    "invalid",
                    format!("The limit must be from 1 to {MAX_LIMIT}."),
                ));
                DEFAULT_LIMIT
            }
        },
    };
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let filter = AuditFilter {
        action: given(query.action),
        username: given(query.username),
        since,
        until,
        units: (!admin.scope.is_at_top()).then(|| {
            admin
                .scope
                .administered_units()
                .into_iter()
                .map(String::from)
                .collect()
        }),
        limit,
    };
    let entries = ctx.store.audit_log(&filter).await?;
    Ok(Json(entries.iter().map(line_of).collect()))
}

fn time_error(field: &str) -> FieldProblem {
    FieldProblem::new(
        field,
        "invalid",
        "Give an RFC 3339 time or a YYYY-MM-DD date.",
    )
}

fn line_of(logged: &LoggedAudit) -> AuditLine {
    let entry = &logged.entry;
    // Details are written as JSON; anything else is shown as text.
    let detail = entry.detail.as_ref().map(|text| {
        serde_json::from_str::<Value>(text).unwrap_or_else(|_| Value::String(text.clone()))
    });
    AuditLine {
        id: logged.id,
        at: to_rfc3339(entry.at),
        officer_id: entry.officer_id.clone(),
        username: entry.username.clone(),
        action: entry.action.clone(),
        target: entry.target.clone(),
        detail: detail.unwrap_or(Value::Null),
        ip: entry.ip.clone(),
    }
}
