//! `POST /api/v1/auth/login` and `POST /api/v1/auth/logout`: sessions per `API.md`, with failed
//! sign-ins throttled and every attempt in the audit log.

use super::officer_json;
use crate::auth::{self, Caller, ClientIp};
use crate::clock::{now_ms, to_rfc3339};
use crate::error::{ApiError, ApiJson};
use crate::model::{Actor, Session};
use crate::{password, ApiContext};
use axum::extract::State;
use axum::http::header::{SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
}

#[derive(Deserialize)]
struct Login {
    username: String,
    password: String,
}

async fn login(
    State(ctx): State<ApiContext>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(login): ApiJson<Login>,
) -> Result<Response, ApiError> {
    let store = ctx.store.as_ref();
    let now = now_ms();
    // For failures the actor is whoever typed the username.
    let attempt = Actor {
        officer_id: None,
        username: Some(login.username.clone()),
        ip: Some(ip.clone()),
    };
    if let Some(seconds) = auth::retry_after(store, &login.username, &ip, now).await? {
        let detail = json!({"reason": "too_many_attempts"});
        store
            .append_audit(&attempt.did("login_failed", &login.username, detail))
            .await?;
        return Err(ApiError::too_many_attempts(seconds));
    }
    let credentials = store.credentials(&login.username).await?;
    let (officer, hash) = credentials.map_or((None, None), |(o, h)| (Some(o), Some(h)));
    let password_ok = password::verify(login.password, hash).await?;
    let officer = match officer {
        Some(officer) if password_ok && !officer.disabled => officer,
        _ => {
            let reason = match &officer {
                None => "unknown_username",
                Some(officer) if officer.disabled => "disabled",
                Some(_) => "wrong_password",
            };
            store
                .record_login_failure(&login.username, &ip, now, now - auth::FAILURE_WINDOW_MS)
                .await?;
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
            return Err(ApiError::invalid_credentials());
        }
    };
    store.clear_login_failures(&officer.username).await?;
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
    store
        .append_audit(&Actor::officer(&officer, &ip).did("login", &officer.id, json!(null)))
        .await?;
    let body = json!({
        "token": token,
        "expires_at": to_rfc3339(session.expires_at),
        "officer": officer_json(&officer),
    });
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
