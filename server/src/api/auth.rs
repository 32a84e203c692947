//! `POST /api/v1/auth/login` and `POST /api/v1/auth/logout`: sessions per `API.md`, with
//! sign-ins throttled (`throttle`: counted before the password is checked, slowed per device,
//! username and address) and every attempt in the audit log. A sign-in that names its `device_id`
//! also gets the officer's key on that device (the only answer that ever carries it), with which
//! the phone wraps its data key beside the PIN; the right password for a disabled account answers
//! 403 `account_disabled`, so that the phone forgets the PIN-wrapped copy.

use super::officer_answer;
use crate::auth::{self, Caller, ClientIp};
use crate::clock::{now_ms, to_rfc3339};
use crate::error::{ApiError, ApiJson, FieldProblem};
use crate::model::{Actor, Session};
use crate::throttle::Attempt;
use crate::{accounts, password, ApiContext};
use axum::extract::State;
use axum::http::header::{SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use domain::api::LoginResponse;
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
}

#[derive(Deserialize)]
struct Login {
    username: String,
    password: String,
    /// Read as a JSON value so that a wrong type is a field error like a wrong string.
    device_id: Option<Value>,
}

/// 1 to 64 of `A-Z a-z 0-9 -` (a UUID made on the phone fits); absent or null is none.
pub(super) fn check_device_id(value: Option<Value>) -> Result<Option<String>, FieldProblem> {
    let Some(value) = value.filter(|value| !value.is_null()) else {
        return Ok(None);
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-';
    match value.as_str() {
        Some(id) if (1..=64).contains(&id.len()) && id.chars().all(allowed) => Ok(Some(id.into())),
        _ => Err(FieldProblem::new(
            "device_id",
            "invalid",
            "Use 1 to 64 letters, digits or '-'.",
        )),
    }
}

async fn login(
    State(ctx): State<ApiContext>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(login): ApiJson<Login>,
) -> Result<Response, ApiError> {
    let store = ctx.store.as_ref();
    let now = now_ms();
    // Like a malformed body: refused before any password is tried, so no failure counts.
    let device_id =
        check_device_id(login.device_id).map_err(|error| ApiError::invalid(vec![error]))?;
    // A name no account can have, or a password longer than any account's: refused before the
    // store and the password check, so a flood of them writes nothing and hashes nothing.
    if accounts::check_username(&login.username).is_some()
        || login.password.chars().count() > password::MAX_LENGTH
    {
        tracing::info!(
            %ip,
            username_bytes = login.username.len(),
            "sign-in refused unread"
        );
        return Err(ApiError::invalid_credentials());
    }
    // For failures the actor is whoever typed the username.
    let attempt = Actor {
        officer_id: None,
        username: Some(login.username.clone()),
        ip: Some(ip.clone()),
    };
    let claim = Attempt::claim(store, &login.username, &ip, device_id.as_deref(), now).await?;
    if let Err(refused) = claim.may_check(store).await {
        let detail = json!({"reason": "too_many_attempts"});
        store
            .append_audit(&attempt.did("login_failed", &login.username, detail))
            .await?;
        return Err(refused);
    }
    let credentials = store.credentials(&login.username).await?;
    let (officer, hash) = credentials.map_or((None, None), |(o, h)| (Some(o), Some(h)));
    let password_ok = match ctx.passwords.verify(login.password, hash).await {
        Ok(ok) => ok,
        Err(error) => {
            claim.withdraw(store).await?;
            return Err(error.into());
        }
    };
    let officer = match officer {
        Some(officer) if password_ok && !officer.disabled => officer,
        _ => {
            // Only who knows the password learns that the account is disabled.
            let disabled_and_right = password_ok && officer.as_ref().is_some_and(|o| o.disabled);
            let reason = match &officer {
                None => "unknown_username",
                Some(officer) if officer.disabled => "disabled",
                Some(_) => "wrong_password",
            };
            claim.failed(store).await?;
            let attempt = Actor {
                officer_id: officer.map(|officer| officer.id),
                ..attempt
            };
            store
                .append_audit(&attempt.did(
                    "login_failed",
                    &login.username,
                    json!({"reason": reason}),
                ))
                .await?;
            return Err(if disabled_and_right {
                ApiError::account_disabled()
            } else {
                ApiError::invalid_credentials()
            });
        }
    };
    claim.passed(store).await?;
    // An officer of a closed unit signs in all the same: they still have records to send. Read
    // before the session, like the device key, so that a failure here leaves none.
    let units = store.org_units().await?;
    let device_key = match &device_id {
        Some(device_id) => {
            let new_key = auth::new_device_key();
            Some(
                store
                    .device_key(&officer.id, device_id, &new_key, now)
                    .await?,
            )
        }
        None => None,
    };
    let token = auth::new_token();
    let session = Session {
        token_hash: auth::token_hash(&token),
        officer_id: officer.id.clone(),
        created_at: now,
        expires_at: now + auth::SESSION_SECS * 1000,
        ip: Some(ip.clone()),
        user_agent: headers
            .get(USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(|agent| agent.chars().take(256).collect()),
    };
    store.insert_session(&session).await?;
    // Which device, never its key.
    let detail = device_id.map_or(Value::Null, |id| json!({ "device_id": id }));
    store
        .append_audit(&Actor::officer(&officer, &ip).did("login", &officer.id, detail))
        .await?;
    let mut body = LoginResponse {
        token: token.clone(),
        expires_at: to_rfc3339(session.expires_at),
        officer: officer_answer(&officer, &units),
        device_key: None,
    };
    // A phone sends its token itself, per officer. A cookie would let anyone holding the locked
    // phone call the API as whoever signed in last, so a device sign-in gets none.
    if let Some(key) = device_key {
        body.device_key = Some(key);
        return Ok(Json(body).into_response());
    }
    let cookie = auth::session_cookie(&token, ctx.security.secure_cookies);
    Ok(([(SET_COOKIE, cookie)], Json(body)).into_response())
}

/// Ends the session the request came with; the officer's other sessions stay.
async fn logout(
    State(ctx): State<ApiContext>,
    ClientIp(ip): ClientIp,
    caller: Caller,
) -> Result<Response, ApiError> {
    ctx.store
        .revoke_session(&caller.token_hash, now_ms())
        .await?;
    let officer = &caller.officer;
    let entry = Actor::officer(officer, &ip).did("logout", &officer.id, json!(null));
    ctx.store.append_audit(&entry).await?;
    let cookie = auth::cleared_cookie(ctx.security.secure_cookies);
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_ids_are_short_plain_words() {
        assert_eq!(check_device_id(None), Ok(None));
        assert_eq!(check_device_id(Some(Value::Null)), Ok(None));
        let uuid = "6f1c2d3e-4b5a-4c6d-8e7f-901234567890";
        for good in [uuid, "a", "PHONE-01", &"x".repeat(64)] {
            assert_eq!(
                check_device_id(Some(json!(good))),
                Ok(Some(good.into())),
                "{good}"
            );
        }
        for bad in [
            json!(""),
            json!("x".repeat(65)),
            json!("a b"),
            json!("../x"),
            json!("máy"),
            json!("a_b"),
            json!(12),
            json!(["a"]),
        ] {
            let error = check_device_id(Some(bad.clone())).unwrap_err();
            assert_eq!(error.field, "device_id", "{bad}");
        }
    }
}
