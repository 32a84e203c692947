//! `GET/POST /api/v1/admin/org-units`, `PATCH /api/v1/admin/org-units/{id}`: the admin's subtree
//! with its history; add a unit below one of it, rename one, close it on a date, link it to its
//! successors (units of the subtree too: a successor's officers reach the records of the units
//! linked to it). A unit without a parent (a province) is added only by an admin of a top unit.
//! Units are never deleted: records and reports of past years still point at them.
//! `POST /api/v1/admin/org-units/{id}/move-officers`: after a closure, its officers to a unit of
//! today (normally a successor) of the subtree; their records stay where they are, and stay theirs
//! through the successor links (see `crate::scope`).

use super::Admin;
use crate::api::org_units::sort_for_tree;
use crate::api::present;
use crate::clock::{format_date, now_ms, parse_date, today};
use crate::error::{ApiError, ApiJson, ApiPath, FieldProblem};
use crate::model::{Level, OrgUnit};
use crate::seed::unit_id;
use crate::store::StoreError;
use crate::ApiContext;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use domain::api::OfficersMoved;
use domain::Coded;
use serde::Deserialize;
use serde_json::{json, Map, Value};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/org-units", get(list).post(create))
        .route("/org-units/{id}", patch(update))
        .route("/org-units/{id}/move-officers", post(move_officers))
}

async fn list(State(ctx): State<ApiContext>, admin: Admin) -> Result<Json<Vec<OrgUnit>>, ApiError> {
    let mut units = ctx.store.org_units().await?;
    units.retain(|unit| admin.scope.administers(&unit.id));
    sort_for_tree(&mut units);
    Ok(Json(units))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUnit {
    code: String,
    name: String,
    level: String,
    parent_id: Option<String>,
    valid_from: String,
}

async fn create(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiJson(new): ApiJson<NewUnit>,
) -> Result<(StatusCode, Json<OrgUnit>), ApiError> {
    let store = ctx.store.as_ref();
    let units = store.org_units().await?;
    match &new.parent_id {
        Some(parent) => admin.check(&units, parent)?,
        None if !admin.scope.is_at_top() => return Err(ApiError::forbidden()),
        None => {}
    }
    let mut errors = Vec::new();
    let code = new.code.trim();
    if code.is_empty() || code.len() > 20 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        errors.push(FieldProblem::new(
            "code",
            "invalid",
            "Give the official code: 1 to 20 letters or digits.",
        ));
    }
    errors.extend(check_name(&new.name));
    let level = Level::parse(&new.level);
    if level.is_none() {
        errors.push(FieldProblem::new(
            "level",
            "unknown",
            "The level must be province, district, commune, ward or village.",
        ));
    }
    let parent_known = |id: &String| units.iter().any(|unit| &unit.id == id);
    match (&new.parent_id, level) {
        (Some(parent), _) if !parent_known(parent) => errors.push(FieldProblem::new(
            "parent_id",
            "unknown",
            "No org unit has this id.",
        )),
        (None, Some(level)) if level != Level::Province => errors.push(FieldProblem::new(
            "parent_id",
            "required",
            "Only a province has no parent.",
        )),
        _ => {}
    }
    if parse_date(&new.valid_from).is_none() {
        errors.push(FieldProblem::new(
            "valid_from",
            "invalid",
            "Give the date as YYYY-MM-DD.",
        ));
    }
    let Some(level) = level.filter(|_| errors.is_empty()) else {
        return Err(ApiError::invalid(errors));
    };
    let same_code: Vec<&OrgUnit> = units.iter().filter(|unit| unit.code == code).collect();
    if same_code
        .iter()
        .any(|unit| unit.valid_from.as_ref() == Some(&new.valid_from))
    {
        return Err(unit_exists());
    }
    // A code is reused after a merger; the new unit is then keyed with its start date too.
    let id = if same_code.is_empty() {
        unit_id(code)
    } else {
        unit_id(&format!("{code}@{}", new.valid_from))
    };
    let unit = OrgUnit {
        id,
        code: code.to_string(),
        name: new.name.trim().to_string(),
        level,
        parent_id: new.parent_id,
        valid_from: Some(new.valid_from),
        valid_to: None,
        successor_ids: Vec::new(),
    };
    match store.insert_org_unit(&unit).await {
        Ok(()) => {}
        Err(StoreError::Duplicate) => return Err(unit_exists()),
        Err(other) => return Err(other.into()),
    }
    store
        .append_audit(&admin.actor.did("org_unit.create", &unit.id, json!(unit)))
        .await?;
    Ok((StatusCode::CREATED, Json(unit)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitChange {
    name: Option<String>,
    /// Null reopens a closed unit.
    #[serde(default, deserialize_with = "present")]
    valid_to: Option<Option<String>>,
    successor_ids: Option<Vec<String>>,
}

async fn update(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiPath(id): ApiPath<String>,
    ApiJson(change): ApiJson<UnitChange>,
) -> Result<Json<OrgUnit>, ApiError> {
    let store = ctx.store.as_ref();
    let units = store.org_units().await?;
    admin.check(&units, &id)?;
    for successor in change.successor_ids.iter().flatten() {
        admin.check(&units, successor)?;
    }
    let mut unit = units
        .iter()
        .find(|unit| unit.id == id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    let mut errors = Vec::new();
    // What changed, for the audit log.
    let mut detail = Map::new();
    if let Some(name) = &change.name {
        errors.extend(check_name(name));
        unit.name = name.trim().to_string();
        detail.insert("name".into(), json!(unit.name));
    }
    if let Some(valid_to) = &change.valid_to {
        let starts_before = |end: &str| unit.valid_from.as_deref().is_none_or(|start| start <= end);
        match valid_to.as_deref() {
            Some(end) if parse_date(end).is_none() => errors.push(FieldProblem::new(
                "valid_to",
                "invalid",
                "Give the date as YYYY-MM-DD.",
            )),
            Some(end) if !starts_before(end) => errors.push(FieldProblem::new(
                "valid_to",
                "before_valid_from",
                "A unit cannot close before it starts.",
            )),
            _ => {}
        }
        unit.valid_to = valid_to.clone();
        detail.insert("valid_to".into(), json!(valid_to));
    }
    if let Some(successors) = &change.successor_ids {
        let known = |id: &String| units.iter().any(|unit| &unit.id == id);
        if successors.iter().any(|s| *s == unit.id || !known(s)) {
            errors.push(FieldProblem::new(
                "successor_ids",
                "unknown",
                "Successors must be other existing units.",
            ));
        }
        unit.successor_ids = successors.clone();
        unit.successor_ids.sort();
        unit.successor_ids.dedup();
        detail.insert("successor_ids".into(), json!(unit.successor_ids));
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    store.update_org_unit(&unit).await?;
    store
        .append_audit(
            &admin
                .actor
                .did("org_unit.update", &unit.id, Value::Object(detail)),
        )
        .await?;
    Ok(Json(unit))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfficersMove {
    to: String,
}

async fn move_officers(
    State(ctx): State<ApiContext>,
    admin: Admin,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<OfficersMove>,
) -> Result<Json<OfficersMoved>, ApiError> {
    let store = ctx.store.as_ref();
    let units = store.org_units().await?;
    admin.check(&units, &id)?;
    admin.check(&units, &request.to)?;
    let unit = units
        .iter()
        .find(|unit| unit.id == id)
        .ok_or_else(ApiError::not_found)?;
    let today = format_date(today());
    // An open unit's officers are where they belong; moving them is a change of account.
    if unit
        .valid_to
        .as_deref()
        .is_none_or(|end| end >= today.as_str())
    {
        return Err(ApiError::conflict(
            "unit_open",
            "Only the officers of a unit closed before today are moved.",
        ));
    }
    match units.iter().find(|unit| unit.id == request.to) {
        None => {
            return Err(ApiError::invalid_field(
                "to",
                "unknown",
                "No org unit has this id.",
            ))
        }
        Some(to) if !to.valid_during(&today, &today) => {
            return Err(ApiError::invalid_field(
                "to",
                "not_valid_today",
                "Move the officers to a unit that exists today.",
            ))
        }
        Some(_) => {}
    }
    let audit = |usernames: &[String]| {
        let detail = json!({"to": request.to, "officers": usernames});
        admin.actor.did("officers.move", &id, detail)
    };
    let moved = store
        .move_officers(&id, &request.to, now_ms(), &audit)
        .await?;
    Ok(Json(OfficersMoved { moved }))
}

fn unit_exists() -> ApiError {
    ApiError::conflict(
        "unit_exists",
        "A unit with this code already starts on this date.",
    )
}

fn check_name(name: &str) -> Option<FieldProblem> {
    let length = name.trim().chars().count();
    (length == 0 || length > 200)
        .then(|| FieldProblem::new("name", "invalid", "Give a name of 1 to 200 characters."))
}
