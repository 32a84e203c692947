//! `/api/v1/admin/…`: accounts, the org-unit tree, plans and their targets, baselines, settings
//! and the audit log, for the admin role only (403 `forbidden` for others). Every change is
//! written to the audit log.

mod audit;
mod baselines;
mod org_units;
mod plans;
mod settings;
mod targets;
mod users;

pub use settings::officer_router as settings_router;

use crate::auth::{Caller, ClientIp};
use crate::error::ApiError;
use crate::model::Actor;
use crate::ApiContext;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::Router;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .merge(users::router())
        .merge(org_units::router())
        .merge(plans::router())
        .merge(targets::router())
        .merge(baselines::router())
        .merge(settings::router())
        .merge(audit::router())
}

/// A signed-in admin, as the audit log records them: who, from which address.
struct Admin(Actor);

/// A signed-in admin and their own unit, for what acts on the plan in force for that unit.
struct AdminAt {
    actor: Actor,
    unit_id: String,
}

impl FromRequestParts<ApiContext> for AdminAt {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, ctx).await?;
        if !caller.scope.can_administer() {
            return Err(ApiError::forbidden());
        }
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, ctx).await;
        Ok(AdminAt {
            actor: Actor::officer(&caller.officer, &ip),
            unit_id: caller.officer.org_unit.id,
        })
    }
}

impl FromRequestParts<ApiContext> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, ApiError> {
        let admin = AdminAt::from_request_parts(parts, ctx).await?;
        Ok(Admin(admin.actor))
    }
}
