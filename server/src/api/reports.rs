//! `GET /api/v1/reports/quarterly.csv` and `…/quarterly.xlsx`
//! `?year=&quarter=&org_unit=&suppress=true|false&lang=vi|en`: the quarterly report of a unit the
//! caller covers, as a file to download (layout in `crate::report`). Parameters and scope are
//! those of `GET /api/v1/indicators`. `suppress` (default `true`, so that a file sent on by
//! mistake carries no small counts) hides small counts by the rule of `crate::suppression`;
//! `suppress=false` only for the unit's own (`Scope::reads_full_figures`), 403 for others. Each
//! download is written to the audit log, with whether its small counts were hidden. A commune's
//! approved quarter gives the figures frozen at approval, and says who approved them and when.

use super::indicators::{check_suppression, period_of, suppress_of};
use super::quarters::approved_report;
use crate::auth::{Caller, ClientIp};
use crate::error::{ApiError, ApiQuery};
use crate::indicators::{report, Breakdown};
use crate::model::Actor;
use crate::report::{csv_writer, document, file_stem, xlsx_writer, ReportInfo};
use crate::suppression;
use crate::ApiContext;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use domain::Lang;
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/reports/quarterly.csv", get(quarterly_csv))
        .route("/reports/quarterly.xlsx", get(quarterly_xlsx))
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Csv,
    Xlsx,
}

/// Numbers and switches arrive as text so that a bad one answers 422 like an out-of-range one.
#[derive(Deserialize)]
struct ReportQuery {
    year: Option<String>,
    quarter: Option<String>,
    org_unit: Option<String>,
    suppress: Option<String>,
    lang: Option<String>,
}

async fn quarterly_csv(
    state: State<ApiContext>,
    caller: Caller,
    ip: ClientIp,
    query: ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    quarterly(state, caller, ip, query, Format::Csv).await
}

async fn quarterly_xlsx(
    state: State<ApiContext>,
    caller: Caller,
    ip: ClientIp,
    query: ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    quarterly(state, caller, ip, query, Format::Xlsx).await
}

async fn quarterly(
    State(ctx): State<ApiContext>,
    caller: Caller,
    ClientIp(ip): ClientIp,
    ApiQuery(query): ApiQuery<ReportQuery>,
    format: Format,
) -> Result<Response, ApiError> {
    let period = period_of(query.year.as_deref(), query.quarter.as_deref())?;
    let (year, quarter) = (period.year(), period.quarter());
    let suppress = suppress_of(query.suppress.as_deref())?.unwrap_or(true);
    let lang = match query.lang.as_deref() {
        None | Some("") => Lang::Vi,
        Some(code) => Lang::from_code(code).ok_or_else(|| {
            ApiError::invalid_field("lang", "invalid", "The languages are vi and en.")
        })?,
    };
    let unit_id = query
        .org_unit
        .filter(|unit| !unit.is_empty())
        .unwrap_or_else(|| caller.officer.org_unit.id.clone());
    if !caller.scope.covers_unit(&unit_id) {
        return Err(ApiError::forbidden());
    }
    let units = ctx.store.org_units().await?;
    let unit = units
        .iter()
        .find(|unit| unit.id == unit_id)
        .ok_or_else(ApiError::not_found)?;
    check_suppression(&caller, &units, &unit_id, suppress)?;
    let breakdown = Some(Breakdown::Period);
    let store = ctx.store.as_ref();
    let (report, approval) =
        match approved_report(store, &units, &unit_id, period, suppress).await? {
            Some((report, approval)) => (report, Some(approval)),
            None => {
                let mut report = report(store, &units, &unit_id, period, breakdown).await?;
                if suppress {
                    suppression::apply(store, &units, &mut report, &unit_id, period).await?;
                }
                (report, None)
            }
        };
    let approved_on = approval
        .as_ref()
        .map(|approval| local_day(&approval.approved_at));
    let labels = ctx
        .store
        .indicators()
        .await?
        .into_iter()
        .map(|indicator| (indicator.code, (indicator.label_vi, indicator.label_en)))
        .collect();
    let today = crate::clock::domain_today().to_string();
    let info = ReportInfo {
        unit,
        units: &units,
        labels: &labels,
        lang,
        today: &today,
        approved: approval
            .as_ref()
            .zip(approved_on.as_deref())
            .map(|(approval, on)| (approval.approved_by.as_str(), on)),
    };
    let document = document(&report, &info);
    let (body, content_type, extension) = match format {
        Format::Csv => (
            csv_writer::write(&document),
            "text/csv; charset=utf-8",
            "csv",
        ),
        Format::Xlsx => (
            xlsx_writer::write(&document).map_err(ApiError::internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    let detail = json!({"year": year, "quarter": quarter, "format": extension,
                        "suppress": suppress});
    ctx.store
        .append_audit(&Actor::officer(&caller.officer, &ip).did("report.export", &unit_id, detail))
        .await?;
    let disposition = format!(
        "attachment; filename=\"{}.{extension}\"",
        file_stem(&report, unit)
    );
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            // Figures of a district's field work: kept out of shared caches.
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// The day in the district of an RFC 3339 time, `YYYY-MM-DD`.
fn local_day(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|at| {
            at.with_timezone(&crate::clock::vietnam())
                .format("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_else(|_| at.chars().take(10).collect())
}
