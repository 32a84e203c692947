//! Communes' quarters, submitted, approved and locked (issue 16, part 4):
//! - `GET /api/v1/quarters?year=[&org_unit=]`: the four quarters of each commune the caller covers
//!   (valid during the year; `org_unit` picks one), with state, comment, who submitted and
//!   approved them and when, and how many records arrived after approval;
//! - `POST /api/v1/quarters/{org_unit}/{year}/{quarter}/{step}` with an optional
//!   `{"comment": "…"}`: `submit` and `request-reopen` (the reason required) by the commune's own
//!   officers (`commune_officer` covering it), `approve`, `return` (the comment required) and
//!   `reopen` by its lead officer (`Role::leads`, covering it). Others get 403; a step from a state
//!   it does not start from gets 409 `wrong_state`. Every step writes its audit line
//!   (`quarter.<step>`, the commune as target, year and quarter in the detail) in the step's
//!   transaction;
//! - `GET /api/v1/quarters/{org_unit}/{year}/{quarter}/late`: the records that arrived after the
//!   approval, by kind and date only.
//!
//! Approval freezes the commune's figures of the year to the quarter's end as the indicator engine
//! gives them then (in full, and with small counts hidden: which of the two a caller gets is
//! decided as for live figures); `GET /api/v1/indicators` and the report files then give those,
//! with who approved and when ([`approved_report`]). Sync never looks at quarters: a record for an
//! approved quarter is stored like any other, and is late when its latest version's change number
//! is above the counter read before the approved figures were counted. Approving again takes a new
//! snapshot, which takes the late records in.

use super::check_year;
use crate::auth::{Caller, ClientIp};
use crate::clock::to_rfc3339;
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::indicators::{report, Breakdown, Report};
use crate::model::{Actor, Level, OrgUnit, Role};
use crate::scope::Scope;
use crate::store::{QuarterKey, QuarterStep, Store, StoredQuarter};
use crate::suppression;
use crate::ApiContext;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::api::{self, LateRecord, QuarterApproval, QuarterState, UnitRef};
use domain::indicator::Period;
use domain::{Coded, RecordKind};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/quarters", get(list))
        .route("/quarters/{org_unit}/{year}/{quarter}/late", get(late))
        .route("/quarters/{org_unit}/{year}/{quarter}/{step}", post(step))
}

/// The longest comment or reason kept.
const MAX_COMMENT_CHARS: usize = 2_000;

/// Who takes a step: the commune's own officers, or its lead officer.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Commune,
    Lead,
}

/// A step as its path names it.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    Submit,
    Approve,
    Return,
    RequestReopen,
    Reopen,
}

impl Step {
    fn parse(word: &str) -> Option<Step> {
        Some(match word {
            "submit" => Step::Submit,
            "approve" => Step::Approve,
            "return" => Step::Return,
            "request-reopen" => Step::RequestReopen,
            "reopen" => Step::Reopen,
            _ => return None,
        })
    }

    fn side(self) -> Side {
        match self {
            Step::Submit | Step::RequestReopen => Side::Commune,
            Step::Approve | Step::Return | Step::Reopen => Side::Lead,
        }
    }

    /// The audit log's action.
    fn action(self) -> &'static str {
        match self {
            Step::Submit => "quarter.submit",
            Step::Approve => "quarter.approve",
            Step::Return => "quarter.return",
            Step::RequestReopen => "quarter.request_reopen",
            Step::Reopen => "quarter.reopen",
        }
    }

    /// What the step does, for messages: "submitted", …
    fn done(self) -> &'static str {
        match self {
            Step::Submit => "submitted",
            Step::Approve => "approved",
            Step::Return => "returned",
            Step::RequestReopen => "asked to reopen",
            Step::Reopen => "reopened",
        }
    }

    /// The field that must say why: the return's comment, the reopening's reason.
    fn needs_comment(self) -> bool {
        matches!(self, Step::Return | Step::RequestReopen)
    }
}

/// Whether the caller may take a step of this side for the commune.
fn may(caller: &Caller, side: Side, unit_id: &str) -> bool {
    let role = caller.officer.role;
    let of_role = match side {
        Side::Commune => role == Role::CommuneOfficer,
        Side::Lead => role.leads(),
    };
    of_role && caller.scope.covers_unit(unit_id)
}

/// Whether the caller may read the quarters of the unit: its officers, its lead officers, and the
/// admins over it (read only).
fn may_read(caller: &Caller, unit_id: &str) -> bool {
    let role = caller.officer.role;
    let reader = role == Role::CommuneOfficer || role.leads() || role == Role::Admin;
    reader && caller.scope.covers_unit(unit_id)
}

fn is_commune(unit: &OrgUnit) -> bool {
    matches!(unit.level, Level::Commune | Level::Ward)
}

/// The commune of a path or query, or a 404 (unknown) or 422 (not a commune).
fn commune<'a>(units: &'a [OrgUnit], unit_id: &str) -> Result<&'a OrgUnit, ApiError> {
    let unit = units
        .iter()
        .find(|unit| unit.id == unit_id)
        .ok_or_else(ApiError::not_found)?;
    if !is_commune(unit) {
        return Err(ApiError::invalid_field(
            "org_unit",
            "not_commune",
            "Quarters are submitted and approved for a commune or ward.",
        ));
    }
    Ok(unit)
}

/// The year and quarter of a path, or a 422 naming the bad one.
fn period_of(year: &str, quarter: &str) -> Result<Period, ApiError> {
    let year = year
        .parse()
        .ok()
        .ok_or_else(|| ApiError::invalid_field("year", "invalid", "Give a year, e.g. 2023."))
        .and_then(check_year)?;
    quarter
        .parse::<u32>()
        .ok()
        .filter(|q| (1..=4).contains(q))
        .and_then(|q| Period::new(year, Some(q)))
        .ok_or_else(|| {
            ApiError::invalid_field("quarter", "invalid", "The quarter is 1, 2, 3 or 4.")
        })
}

fn key_of<'a>(unit_id: &'a str, period: Period) -> QuarterKey<'a> {
    QuarterKey {
        org_unit_id: unit_id,
        year: period.year(),
        quarter: period.quarter().unwrap_or(4),
    }
}

#[derive(Deserialize)]
struct ListQuery {
    year: Option<String>,
    org_unit: Option<String>,
}

async fn list(
    State(ctx): State<ApiContext>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Vec<api::Quarter>>, ApiError> {
    let year = query
        .year
        .as_deref()
        .and_then(|year| year.parse().ok())
        .ok_or_else(|| ApiError::invalid_field("year", "invalid", "Give a year, e.g. 2023."))
        .and_then(check_year)?;
    let store = ctx.store.as_ref();
    let units = store.org_units().await?;
    let communes: Vec<&OrgUnit> = match query.org_unit.as_deref().filter(|id| !id.is_empty()) {
        Some(unit_id) => {
            if !may_read(&caller, unit_id) {
                return Err(ApiError::forbidden());
            }
            vec![commune(&units, unit_id)?]
        }
        None => {
            if !may_read(&caller, &caller.officer.org_unit.id) {
                return Err(ApiError::forbidden());
            }
            let (first, last) = (format!("{year}-01-01"), format!("{year}-12-31"));
            let mut communes: Vec<&OrgUnit> = units
                .iter()
                .filter(|unit| is_commune(unit) && unit.valid_during(&first, &last))
                .filter(|unit| caller.scope.covers_unit(&unit.id))
                .collect();
            communes.sort_by(|a, b| a.code.cmp(&b.code).then(a.id.cmp(&b.id)));
            communes
        }
    };
    let ids: Vec<&str> = communes.iter().map(|unit| unit.id.as_str()).collect();
    let stored = store.quarters(year, &ids).await?;
    let names = officer_names(store).await?;
    let mut answer = Vec::with_capacity(communes.len() * 4);
    for unit in communes {
        for quarter in 1..=4 {
            let row = stored
                .iter()
                .find(|row| row.org_unit_id == unit.id && row.quarter == quarter);
            let period = Period::new(year, Some(quarter)).ok_or_else(ApiError::not_found)?;
            let late = match row {
                Some(row) => late_records(store, &units, row, period).await?.len() as u64,
                None => 0,
            };
            answer.push(quarter_answer(unit, period, row, &names, late));
        }
    }
    Ok(Json(answer))
}

async fn late(
    State(ctx): State<ApiContext>,
    caller: Caller,
    ApiPath((unit_id, year, quarter)): ApiPath<(String, String, String)>,
) -> Result<Json<Vec<LateRecord>>, ApiError> {
    let period = period_of(&year, &quarter)?;
    if !may_read(&caller, &unit_id) {
        return Err(ApiError::forbidden());
    }
    let store = ctx.store.as_ref();
    let units = store.org_units().await?;
    commune(&units, &unit_id)?;
    let records = match store.quarter(key_of(&unit_id, period)).await? {
        Some(row) => late_records(store, &units, &row, period).await?,
        None => Vec::new(),
    };
    Ok(Json(records))
}

/// A step's body: `{"comment": "…"}`, or nothing.
#[derive(Default, Deserialize)]
struct StepBody {
    #[serde(default)]
    comment: Option<String>,
}

async fn step(
    State(ctx): State<ApiContext>,
    caller: Caller,
    ClientIp(ip): ClientIp,
    ApiPath((unit_id, year, quarter, step)): ApiPath<(String, String, String, String)>,
    body: Bytes,
) -> Result<Json<api::Quarter>, ApiError> {
    let step = Step::parse(&step).ok_or_else(ApiError::not_found)?;
    let period = period_of(&year, &quarter)?;
    if !may(&caller, step.side(), &unit_id) {
        return Err(ApiError::forbidden());
    }
    let store = ctx.store.as_ref();
    let units = store.org_units().await?;
    let unit = commune(&units, &unit_id)?;
    let comment = comment_of(&body, step)?;
    let key = key_of(&unit_id, period);
    let mut detail = json!({"year": key.year, "quarter": key.quarter});
    if let Some(comment) = &comment {
        detail["comment"] = json!(comment);
    }
    // Approval counts the figures outside the step's transaction: the counter is read first, so
    // a record stored meanwhile is in the figures or late, never neither.
    let frozen = match step {
        Step::Approve => {
            let before = store.quarter(key).await?;
            if let Some(row) = before.as_ref().filter(|row| standing(row.state)) {
                let late = late_records(store, &units, row, period).await?;
                detail["late_records_taken_in"] = json!(late.len());
            }
            Some(freeze(store, &units, &unit_id, period).await?)
        }
        _ => None,
    };
    let change = match (step, &frozen) {
        (Step::Submit, _) => QuarterStep::Submit,
        (Step::Return, _) => QuarterStep::Return {
            comment: comment.as_deref().unwrap_or_default(),
        },
        (Step::RequestReopen, _) => QuarterStep::RequestReopen {
            reason: comment.as_deref().unwrap_or_default(),
        },
        (Step::Reopen, _) => QuarterStep::Reopen {
            comment: comment.as_deref(),
        },
        (Step::Approve, Some(frozen)) => QuarterStep::Approve {
            seq: frozen.seq,
            figures: &frozen.full,
            figures_suppressed: &frozen.suppressed,
        },
        (Step::Approve, None) => return Err(ApiError::internal("approval without figures")),
    };
    let entry = Actor::officer(&caller.officer, &ip).did(step.action(), &unit_id, detail);
    let now = entry.at;
    match store
        .quarter_step(key, &change, &caller.officer.id, now, &entry)
        .await?
    {
        Ok(row) => {
            let names = officer_names(store).await?;
            Ok(Json(quarter_answer(unit, period, Some(&row), &names, 0)))
        }
        Err(state) => Err(wrong_state(step, state, unit, period, change.from_states())),
    }
}

/// The step's comment, trimmed (blank is none); required for a return and a reopening asked.
fn comment_of(body: &[u8], step: Step) -> Result<Option<String>, ApiError> {
    let body: StepBody = if body.iter().all(u8::is_ascii_whitespace) {
        StepBody::default()
    } else {
        serde_json::from_slice(body).map_err(|error| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed",
                format!("The body is not {{\"comment\": \"…\"}}: {error}"),
            )
        })?
    };
    let comment = body
        .comment
        .map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty());
    if let Some(text) = &comment {
        if text.chars().count() > MAX_COMMENT_CHARS {
            return Err(ApiError::invalid_field(
                "comment",
                "too_long",
                format!("Keep the comment to {MAX_COMMENT_CHARS} characters."),
            ));
        }
    }
    if comment.is_none() && step.needs_comment() {
        let message = match step {
            Step::Return => "Say why the quarter goes back to the commune.",
            _ => "Say why the quarter should be reopened.",
        };
        return Err(ApiError::invalid_field("comment", "required", message));
    }
    Ok(comment)
}

fn wrong_state(
    step: Step,
    state: QuarterState,
    unit: &OrgUnit,
    period: Period,
    from: &[QuarterState],
) -> ApiError {
    let from: Vec<&str> = from.iter().map(|state| state.as_str()).collect();
    ApiError::conflict(
        "wrong_state",
        format!(
            "Quarter {} of {} of {} is {}: only a quarter that is {} can be {}.",
            period.quarter().unwrap_or(4),
            period.year(),
            unit.name,
            state.as_str(),
            from.join(" or "),
            step.done()
        ),
    )
}

/// Whether approved figures stand in this state.
fn standing(state: QuarterState) -> bool {
    matches!(
        state,
        QuarterState::Approved | QuarterState::ReopenRequested
    )
}

/// The figures an approval freezes, as JSON, and the change counter read before them.
struct Frozen {
    seq: i64,
    full: String,
    suppressed: String,
}

async fn freeze(
    store: &Store,
    units: &[OrgUnit],
    unit_id: &str,
    period: Period,
) -> Result<Frozen, ApiError> {
    let seq = store.last_change().await?;
    let full = report(store, units, unit_id, period, Some(Breakdown::Period)).await?;
    let mut suppressed = full.clone();
    suppression::apply(store, units, &mut suppressed, unit_id, period).await?;
    let json = |report: &Report| serde_json::to_string(report).map_err(ApiError::internal);
    Ok(Frozen {
        seq,
        full: json(&full)?,
        suppressed: json(&suppressed)?,
    })
}

/// The records that arrived after the quarter's approval: those of the commune's units (its
/// subtree, and the communes merged into it with theirs) dated in the year up to the quarter's
/// end, or registered (`business`) on or before it, whose latest version came after the figures
/// were counted. None when no approval stands.
async fn late_records(
    store: &Store,
    units: &[OrgUnit],
    row: &StoredQuarter,
    period: Period,
) -> Result<Vec<LateRecord>, ApiError> {
    let Some(seq) = row.approved_seq.filter(|_| standing(row.state)) else {
        return Ok(Vec::new());
    };
    let reach = Scope::new(Role::CommuneOfficer, &row.org_unit_id, units);
    let ids = reach.unit_ids();
    let (from, to) = (period.start().to_string(), period.end().to_string());
    let found = store.records_changed_after(&ids, &from, &to, seq).await?;
    // A kind this build does not know (a newer server's data) is left out of the list.
    Ok(found
        .into_iter()
        .filter_map(|(kind, occurred_on, at)| {
            Some(LateRecord {
                kind: RecordKind::parse(&kind)?,
                occurred_on,
                arrived_at: to_rfc3339(at),
            })
        })
        .collect())
}

/// Display names by officer id.
async fn officer_names(store: &Store) -> Result<HashMap<String, String>, ApiError> {
    Ok(store
        .officers()
        .await?
        .into_iter()
        .map(|officer| (officer.id, officer.display_name))
        .collect())
}

fn quarter_answer(
    unit: &OrgUnit,
    period: Period,
    row: Option<&StoredQuarter>,
    names: &HashMap<String, String>,
    late_records: u64,
) -> api::Quarter {
    let name = |id: &Option<String>| id.as_ref().map(|id| names.get(id).unwrap_or(id).clone());
    let time = |at: Option<i64>| at.map(to_rfc3339);
    api::Quarter {
        org_unit: UnitRef::from(unit),
        year: period.year(),
        quarter: period.quarter().unwrap_or(4),
        state: row.map_or(QuarterState::Open, |row| row.state),
        comment: row.and_then(|row| row.comment.clone()),
        submitted_by: row.and_then(|row| name(&row.submitted_by)),
        submitted_at: row.and_then(|row| time(row.submitted_at)),
        approved_by: row.and_then(|row| name(&row.approved_by)),
        approved_at: row.and_then(|row| time(row.approved_at)),
        late_records,
    }
}

/// For a commune's quarter whose approval stands: the figures frozen at approval (with small
/// counts hidden when `suppressed`), and who approved them and when. `None` for anything else
/// (a year, a unit other than a commune, a quarter not approved), whose figures are live.
pub(super) async fn approved_report(
    store: &Store,
    units: &[OrgUnit],
    unit_id: &str,
    period: Period,
    suppressed: bool,
) -> Result<Option<(Report, QuarterApproval)>, ApiError> {
    if period.quarter().is_none() || !units.iter().any(|u| u.id == unit_id && is_commune(u)) {
        return Ok(None);
    }
    let Some((row, figures)) = store
        .approved_figures(key_of(unit_id, period), suppressed)
        .await?
    else {
        return Ok(None);
    };
    let report: Report = serde_json::from_str(&figures).map_err(ApiError::internal)?;
    let approved_by = match &row.approved_by {
        Some(id) => store
            .officer(id)
            .await?
            .map_or_else(|| id.clone(), |officer| officer.display_name),
        None => String::new(),
    };
    let approval = QuarterApproval {
        state: row.state,
        approved_by,
        approved_at: row.approved_at.map(to_rfc3339).unwrap_or_default(),
    };
    Ok(Some((report, approval)))
}
