//! `GET /api/v1/me`: the signed-in officer; `POST /api/v1/me/password`: their own new password
//! (the current one required, checked and throttled like a sign-in); `POST
//! /api/v1/me/sessions/revoke-others`: signs them out everywhere but here. Both end every other
//! session of theirs, cookies included, and are audited. Neither touches device keys, so a phone
//! keeps opening its records (`docs/phone-security.md`): its other officers' sessions ask for the
//! password again, and the new one unwraps the same data key.

use super::auth::check_device_id;
use super::officer_answer;
use crate::auth::{Caller, ClientIp};
use crate::clock::now_ms;
use crate::error::{ApiError, ApiJson};
use crate::model::Actor;
use crate::throttle::Attempt;
use crate::{accounts, password, ApiContext};
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::api::{Me, SessionsRevoked};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/me", get(me))
        .route("/me/password", post(change_password))
        .route("/me/sessions/revoke-others", post(revoke_others))
}

async fn me(State(ctx): State<ApiContext>, caller: Caller) -> Result<Json<Me>, ApiError> {
    let units = ctx.store.org_units().await?;
    Ok(Json(Me {
        officer: officer_answer(&caller.officer, &units),
    }))
}

#[derive(Deserialize)]
struct PasswordChange {
    current_password: String,
    new_password: String,
    /// The phone's id, as at sign-in: a phone known for the officer counts its own wrong tries.
    device_id: Option<Value>,
}

async fn change_password(
    State(ctx): State<ApiContext>,
    ClientIp(ip): ClientIp,
    caller: Caller,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<Json<SessionsRevoked>, ApiError> {
    let store = ctx.store.as_ref();
    let officer = &caller.officer;
    let device_id =
        check_device_id(change.device_id).map_err(|error| ApiError::invalid(vec![error]))?;
    // The rules of an admin's reset, named after this request's field.
    if let Some(mut error) = accounts::check_password(&change.new_password) {
        error.field = "new_password".into();
        return Err(ApiError::invalid(vec![error]));
    }
    // Longer than any password: wrong without a check, and, like such a sign-in, not counted.
    if change.current_password.chars().count() > password::MAX_LENGTH {
        return Err(ApiError::wrong_password());
    }
    let now = now_ms();
    let actor = Actor::officer(officer, &ip);
    let claim = Attempt::claim(store, &officer.username, &ip, device_id.as_deref(), now).await?;
    claim.may_check(store).await?;
    let hash = store
        .credentials(&officer.username)
        .await?
        .map(|(_, hash)| hash);
    let right = match ctx.passwords.verify(change.current_password, hash).await {
        Ok(right) => right,
        Err(error) => {
            claim.withdraw(store).await?;
            return Err(error.into());
        }
    };
    if !right {
        // Counted as a failed sign-in of this username.
        claim.failed(store).await?;
        let detail = json!({"reason": "wrong_password"});
        store
            .append_audit(&actor.did("password.change_failed", &officer.id, detail))
            .await?;
        return Err(ApiError::wrong_password());
    }
    claim.passed(store).await?;
    let new_hash = ctx.passwords.hash(change.new_password).await?;
    store.set_password_hash(&officer.id, &new_hash, now).await?;
    // Whoever else knew the old password and signed in with it is out.
    let revoked = store
        .revoke_other_sessions(&officer.id, &caller.token_hash, now)
        .await?;
    let detail = json!({"other_sessions_revoked": revoked});
    store
        .append_audit(&actor.did("password.change", &officer.id, detail))
        .await?;
    Ok(Json(SessionsRevoked { revoked }))
}

async fn revoke_others(
    State(ctx): State<ApiContext>,
    ClientIp(ip): ClientIp,
    caller: Caller,
) -> Result<Json<SessionsRevoked>, ApiError> {
    let officer = &caller.officer;
    let revoked = ctx
        .store
        .revoke_other_sessions(&officer.id, &caller.token_hash, now_ms())
        .await?;
    let entry = Actor::officer(officer, &ip).did(
        "sessions.revoke_others",
        &officer.id,
        json!({ "revoked": revoked }),
    );
    ctx.store.append_audit(&entry).await?;
    Ok(Json(SessionsRevoked { revoked }))
}
