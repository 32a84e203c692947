//! `GET /api/v1/indicators?year=&quarter=&org_unit=&by=commune&units_of=&suppress=`: the plan's twelve
//! indicators and the seven plain counts of the province's forms (`counts`) for a unit the caller
//! covers, year to date (`API.md`, "Indicators"; definitions in `crate::indicators`), against the
//! targets of the plan in force for the unit (`plan`, null when none). `by=commune` adds each
//! commune's figures for the dashboard's table; with `units_of=YYYY`, by the communes of that year,
//! each over the communes of the period that became it. A unit that did not exist yet during the
//! period shows its predecessors' figures (`mapped_from`).
//!
//! Small counts (`crate::suppression`): hidden for callers outside the unit's own
//! (`Scope::reads_full_figures`: health officers, admins), who are refused `suppress=false` (403);
//! shown to the unit's own by default (their dashboard, inside the district), hidden when they ask
//! `suppress=true` (a printed report that leaves it). An explicit `suppress=false` is an export of
//! full figures and is written to the audit log, as a report file is.
//!
//! A commune's quarter whose approval stands (`super::quarters`) answers the figures frozen at
//! approval, with `approval` saying who approved them and when.

use super::check_year;
use super::quarters::approved_report;
use crate::auth::{Caller, ClientIp};
use crate::error::{ApiError, ApiQuery};
use crate::indicators::{report, Breakdown};
use crate::model::{Actor, OrgUnit};
use crate::suppression::{self, below_commune};
use crate::ApiContext;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use domain::api::IndicatorAnswer;
use domain::indicator::Period;
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<ApiContext> {
    Router::new().route("/indicators", get(indicators))
}

/// Numbers arrive as text so that a bad one answers 422 like an out-of-range one.
#[derive(Deserialize)]
struct IndicatorQuery {
    year: Option<String>,
    quarter: Option<String>,
    org_unit: Option<String>,
    by: Option<String>,
    units_of: Option<String>,
    suppress: Option<String>,
}

async fn indicators(
    State(ctx): State<ApiContext>,
    caller: Caller,
    ClientIp(ip): ClientIp,
    ApiQuery(query): ApiQuery<IndicatorQuery>,
) -> Result<Json<IndicatorAnswer>, ApiError> {
    let period = period_of(query.year.as_deref(), query.quarter.as_deref())?;
    let asked = suppress_of(query.suppress.as_deref())?;
    let units_of = match query.units_of.as_deref() {
        None | Some("") => None,
        Some(text) => Some(
            text.parse()
                .ok()
                .and_then(|year| check_year(year).ok())
                .ok_or_else(|| {
                    ApiError::invalid_field(
                        "units_of",
                        "invalid",
                        "Give the year whose units to show, from 1900 to 9999, e.g. 2025.",
                    )
                })?,
        ),
    };
    let breakdown = match (query.by.as_deref(), units_of) {
        (None | Some(""), None) => None,
        (Some("commune"), None) => Some(Breakdown::Period),
        (Some("commune"), Some(year)) => Some(Breakdown::UnitsOf {
            year,
            scope: &caller.scope,
        }),
        (None | Some(""), Some(_)) => {
            return Err(ApiError::invalid_field(
                "units_of",
                "invalid",
                "units_of goes with by=commune.",
            ))
        }
        (Some(_), _) => {
            return Err(ApiError::invalid_field(
                "by",
                "invalid",
                "The only breakdown is by=commune.",
            ))
        }
    };
    let unit_id = query
        .org_unit
        .filter(|unit| !unit.is_empty())
        .unwrap_or_else(|| caller.officer.org_unit.id.clone());
    if !caller.scope.covers_unit(&unit_id) {
        return Err(ApiError::forbidden());
    }
    let own = caller.scope.reads_full_figures(&unit_id);
    let suppress = asked.unwrap_or(!own);
    let units = ctx.store.org_units().await?;
    check_suppression(&caller, &units, &unit_id, suppress)?;
    let store = ctx.store.as_ref();
    // An approved quarter of a commune answers its frozen figures; by the units of another year
    // the figures are always counted now.
    let frozen = match breakdown {
        None | Some(Breakdown::Period) => {
            approved_report(store, &units, &unit_id, period, suppress).await?
        }
        Some(Breakdown::UnitsOf { .. }) => None,
    };
    let (report, approval) = match frozen {
        Some((mut report, approval)) => {
            if breakdown.is_none() {
                report.communes = None;
            }
            (report, Some(approval))
        }
        None => {
            let mut report = report(store, &units, &unit_id, period, breakdown).await?;
            if suppress {
                suppression::apply(store, &units, &mut report, &unit_id, period).await?;
            }
            (report, None)
        }
    };
    if asked == Some(false) {
        let detail = json!({"year": period.year(), "quarter": period.quarter(), "format": "json",
                            "suppress": false});
        let entry = Actor::officer(&caller.officer, &ip).did("report.export", &unit_id, detail);
        store.append_audit(&entry).await?;
    }
    Ok(Json(IndicatorAnswer { report, approval }))
}

/// `suppress=true|false`, or none when not given.
pub(super) fn suppress_of(text: Option<&str>) -> Result<Option<bool>, ApiError> {
    match text {
        None | Some("") => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(ApiError::invalid_field(
            "suppress",
            "invalid",
            "suppress is true or false.",
        )),
    }
}

/// Refuses full figures to a caller outside the unit's own, and the rule's figures of a unit
/// below the commune (`crate::suppression`).
pub(super) fn check_suppression(
    caller: &Caller,
    units: &[OrgUnit],
    unit_id: &str,
    suppress: bool,
) -> Result<(), ApiError> {
    if !suppress && !caller.scope.reads_full_figures(unit_id) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Figures with small counts shown are for the officers of the unit and of the units \
             leading it; ask with suppress=true.",
        ));
    }
    if suppress && below_commune(units, unit_id) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Figures below the commune do not leave it with small counts hidden: ask for the \
             commune's.",
        ));
    }
    Ok(())
}

/// The period of `?year=&quarter=` (no quarter: the whole year), or a 422 naming the bad one.
pub(super) fn period_of(year: Option<&str>, quarter: Option<&str>) -> Result<Period, ApiError> {
    let year = year
        .and_then(|year| year.parse().ok())
        .ok_or_else(|| ApiError::invalid_field("year", "invalid", "Give a year, e.g. 2023."))
        .and_then(check_year)?;
    let quarter = match quarter {
        None | Some("") => None,
        Some(text) => Some(text.parse::<u32>().map_err(|_| bad_quarter())?),
    };
    Period::new(year, quarter).ok_or_else(bad_quarter)
}

fn bad_quarter() -> ApiError {
    ApiError::invalid_field("quarter", "invalid", "The quarter is 1, 2, 3 or 4.")
}
