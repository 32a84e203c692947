//! `GET /api/v1/org-units[?year=YYYY]`: the units the caller may see (an admin: all) that were
//! valid at some time in that year; without a year, at some time from 1 January three years ago
//! to today, so that the reports of past years still find their units.

use super::check_year;
use crate::auth::Caller;
use crate::clock::{format_date, today};
use crate::error::{ApiError, ApiQuery};
use crate::model::{Level, OrgUnit};
use crate::ApiContext;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Datelike, NaiveDate};
use domain::Coded;
use serde::Deserialize;

pub fn router() -> Router<ApiContext> {
    Router::new().route("/org-units", get(list))
}

#[derive(Deserialize)]
struct Window {
    year: Option<i32>,
}

async fn list(
    State(ctx): State<ApiContext>,
    caller: Caller,
    ApiQuery(window): ApiQuery<Window>,
) -> Result<Json<Vec<OrgUnit>>, ApiError> {
    let (from, to) = match window.year {
        Some(year) => {
            let year = check_year(year)?;
            (format!("{year:04}-01-01"), format!("{year:04}-12-31"))
        }
        None => default_window(today()),
    };
    let units = ctx.store.org_units().await?;
    let mut visible: Vec<OrgUnit> = units
        .into_iter()
        .filter(|unit| caller.scope.can_see_unit(&unit.id) && unit.valid_during(&from, &to))
        .collect();
    sort_for_tree(&mut visible);
    Ok(Json(visible))
}

/// From 1 January three years before today's year up to today.
fn default_window(today: NaiveDate) -> (String, String) {
    (format!("{:04}-01-01", today.year() - 3), format_date(today))
}

/// Higher levels first, then by code and start date: parents come before their children.
pub fn sort_for_tree(units: &mut [OrgUnit]) {
    let rank = |level: Level| Level::ALL.iter().position(|l| *l == level);
    units.sort_by(|a, b| {
        (rank(a.level), &a.code, &a.valid_from).cmp(&(rank(b.level), &b.code, &b.valid_from))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_window_reaches_back_three_years() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(
            default_window(today),
            ("2023-01-01".to_string(), "2026-11-28".to_string())
        );
    }
}
