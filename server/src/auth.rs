//! Sessions and who is calling: session tokens and their cookie, device keys, the `Caller` of an
//! API request (with the scope that decides what they may do), the client's address, and the
//! throttling of failed sign-ins, kept in the store so that every server behind a load balancer
//! agrees.

use crate::clock::now_ms;
use crate::error::ApiError;
use crate::model::{FailureKey, Officer};
use crate::scope::Scope;
use crate::store::{Store, StoreError};
use crate::ApiContext;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

pub const COOKIE_NAME: &str = "pcmd_session";
pub const SESSION_SECS: i64 = 30 * 24 * 3600;
/// Failed sign-ins count for this long.
pub const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;
pub const FAILURES_PER_USERNAME: i64 = 5;
pub const FAILURES_PER_IP: i64 = 20;

/// A new session token: 32 random bytes, URL-safe base64. Only its hash is stored.
pub fn new_token() -> String {
    random_key()
}

/// A new device key, the server's half of the phone's encryption: 32 random bytes, URL-safe
/// base64. Stored as it is, since the phone needs it back at every password sign-in.
pub fn new_device_key() -> String {
    random_key()
}

fn random_key() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    cookie(token, SESSION_SECS, secure)
}

/// Tells the browser to forget the session cookie.
pub fn cleared_cookie(secure: bool) -> String {
    cookie("", 0, secure)
}

fn cookie(value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}")
}

/// The token a request presents: `Authorization: Bearer …` first, else the session cookie.
fn presented_token(headers: &HeaderMap) -> Option<&str> {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    bearer.or_else(|| {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE_NAME)
            .map(|(_, token)| token)
    })
}

/// The signed-in officer behind a request, with what they may do; 401 without a live session.
pub struct Caller {
    pub officer: Officer,
    pub scope: Scope,
    pub token_hash: String,
}

impl FromRequestParts<ApiContext> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, ApiError> {
        let token = presented_token(&parts.headers).ok_or_else(ApiError::unauthenticated)?;
        let token_hash = token_hash(token);
        let Some(officer) = ctx.store.session_officer(&token_hash, now_ms()).await? else {
            // Disabling revoked the session, but the phone must learn why it ended.
            return Err(if ctx.store.session_of_disabled(&token_hash).await? {
                ApiError::account_disabled_session()
            } else {
                ApiError::unauthenticated()
            });
        };
        let units = ctx.store.org_units().await?;
        let scope = Scope::new(officer.role, &officer.org_unit.id, &units);
        Ok(Caller {
            officer,
            scope,
            token_hash,
        })
    }
}

/// The client's address: the TCP peer, or behind a trusted proxy the first `X-Forwarded-For` entry.
pub struct ClientIp(pub String);

impl FromRequestParts<ApiContext> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, Infallible> {
        let forwarded = ctx
            .security
            .trust_proxy
            .then(|| parts.headers.get("x-forwarded-for"))
            .flatten()
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(',').next())
            .and_then(|first| first.trim().parse::<IpAddr>().ok());
        let peer = || {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip())
        };
        Ok(ClientIp(match forwarded.or_else(peer) {
            Some(ip) => ip.to_string(),
            None => "unknown".into(),
        }))
    }
}

/// Seconds until sign-in is allowed again for this username from this address, if it is blocked:
/// too many failures for the username, or from the address, within the window.
pub async fn retry_after(
    store: &dyn Store,
    username: &str,
    ip: &str,
    now: i64,
) -> Result<Option<u64>, StoreError> {
    let since = now - FAILURE_WINDOW_MS;
    let mut blocked_until = None;
    for (key, limit) in [
        (FailureKey::Username(username), FAILURES_PER_USERNAME),
        (FailureKey::Ip(ip), FAILURES_PER_IP),
    ] {
        let failures = store.login_failures(key, since, limit).await?;
        // Free again once the oldest of the newest `limit` failures leaves the window.
        if failures.len() as i64 >= limit {
            if let Some(oldest) = failures.last() {
                blocked_until = blocked_until.max(Some(oldest + FAILURE_WINDOW_MS));
            }
        }
    }
    Ok(blocked_until.map(|until| ((until - now + 999) / 1000).max(1) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(token_hash("abc").len(), 64);
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn device_keys_are_32_random_bytes_without_padding() {
        let (a, b) = (new_device_key(), new_device_key());
        assert_ne!(a, b);
        assert!(!a.contains('='));
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
    }

    #[test]
    fn the_token_comes_from_bearer_or_cookie() {
        let mut headers = HeaderMap::new();
        assert_eq!(presented_token(&headers), None);
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; pcmd_session=tok; b=2"),
        );
        assert_eq!(presented_token(&headers), Some("tok"));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer bear"));
        assert_eq!(presented_token(&headers), Some("bear"));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic xyz"));
        assert_eq!(presented_token(&headers), Some("tok"));
    }

    #[test]
    fn cookies_are_http_only_and_strict() {
        assert_eq!(
            session_cookie("t", false),
            "pcmd_session=t; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000"
        );
        assert!(session_cookie("t", true).ends_with("; Secure"));
        assert!(cleared_cookie(false).starts_with("pcmd_session=; "));
        assert!(cleared_cookie(false).contains("Max-Age=0"));
    }
}
