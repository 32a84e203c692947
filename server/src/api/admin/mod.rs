//! `/api/v1/admin/…`: accounts, the org-unit tree, the agencies, the receiving services, plans and
//! their targets, baselines, settings, the phones' waiting records, imports of unsent records and the audit log, for the admin role only (403 `forbidden` for others), each admin over their
//! unit's subtree (`Scope::administers`): lists hold only what is theirs, and acting on another
//! district's account, unit, plan or baseline is 403. Every change is written to the audit log.

mod agencies;
mod audit;
mod baselines;
mod devices;
mod org_units;
mod plans;
mod receiving_services;
mod settings;
mod targets;
mod unsent;
mod users;

pub use agencies::officer_router as agencies_router;
pub use receiving_services::officer_router as receiving_services_router;
pub use settings::officer_router as settings_router;
pub use unsent::officer_router as export_key_router;

use crate::auth::{Caller, ClientIp};
use crate::error::ApiError;
use crate::model::{Actor, OrgUnit};
use crate::scope::Scope;
use crate::ApiContext;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::Router;
use serde::Deserialize;

/// `PUT …/targets/…`'s body; `plans::parse_target` checks it.
#[derive(Deserialize)]
struct TargetBody {
    op: String,
    value: f64,
}

/// `?year=` of the yearly lists.
#[derive(Deserialize)]
struct YearQuery {
    year: i32,
}

pub fn router() -> Router<ApiContext> {
    Router::new()
        .merge(users::router())
        .merge(agencies::router())
        .merge(devices::router())
        .merge(receiving_services::router())
        .merge(org_units::router())
        .merge(plans::router())
        .merge(targets::router())
        .merge(baselines::router())
        .merge(settings::router())
        .merge(audit::router())
        .merge(unsent::router())
}

/// A signed-in admin, as the audit log records them (who, from which address), with their own unit
/// (what acts on the plan in force for it) and their scope.
struct Admin {
    actor: Actor,
    unit_id: String,
    scope: Scope,
}

impl Admin {
    /// 403 unless the admin administers this unit; a unit that does not exist is left to the
    /// caller's own checks (404 or 422).
    fn check(&self, units: &[OrgUnit], unit_id: &str) -> Result<(), ApiError> {
        let known = units.iter().any(|unit| unit.id == unit_id);
        if known && !self.scope.administers(unit_id) {
            return Err(ApiError::forbidden());
        }
        Ok(())
    }
}

impl FromRequestParts<ApiContext> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, ctx).await?;
        if !caller.scope.can_administer() {
            return Err(ApiError::forbidden());
        }
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, ctx).await;
        Ok(Admin {
            actor: Actor::officer(&caller.officer, &ip),
            unit_id: caller.officer.org_unit.id,
            scope: caller.scope,
        })
    }
}
