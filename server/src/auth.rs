//! Sessions and who is calling: session tokens and their cookie, device keys, the `Caller` of an
//! API request (with the scope that decides what they may do), and the client's address (for the
//! sign-in throttle, `throttle`, and the audit log).

use crate::clock::now_ms;
use crate::error::ApiError;
use crate::model::{Officer, OrgUnit};
use crate::scope::Scope;
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
    /// The unit tree as this call read it (the scope was made from it).
    pub units: Vec<OrgUnit>,
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
            units,
            token_hash,
        })
    }
}

/// The client's address: the TCP peer, or behind `trusted_proxies` proxies of ours the
/// `X-Forwarded-For` entry that the outermost of them appended (see [`forwarded_client`]).
pub struct ClientIp(pub String);

impl FromRequestParts<ApiContext> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, Infallible> {
        let forwarded = forwarded_client(&parts.headers, ctx.security.trusted_proxies);
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

/// The client behind `hops` proxies of ours. Each proxy appends the address it was called from,
/// so the right-most `hops` entries of `X-Forwarded-For` (every such header, in order) are ours
/// and the `hops`-th from the right is the client as our outermost proxy saw it; whatever stands
/// left of it came from the client. None without trusted proxies, or when that entry is not an
/// address (then the TCP peer counts, as without a proxy).
pub fn forwarded_client(headers: &HeaderMap, hops: u8) -> Option<IpAddr> {
    if hops == 0 {
        return None;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    // Fewer entries than proxies: every entry was appended by one of ours; take the first.
    let entry = entries.get(entries.len().saturating_sub(usize::from(hops)))?;
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|addr| addr.ip()))
        .ok()
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

    fn forwarded(values: &[&str], hops: u8) -> Option<String> {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        forwarded_client(&headers, hops).map(|ip| ip.to_string())
    }

    #[test]
    fn the_client_is_the_right_most_entry_our_proxies_did_not_write() {
        // Without a trusted proxy the header is the client's own words.
        assert_eq!(forwarded(&["203.0.113.7"], 0), None);
        // One proxy: it appended the address that called it; left of that anything goes.
        assert_eq!(
            forwarded(&["203.0.113.7"], 1).as_deref(),
            Some("203.0.113.7")
        );
        for forged in [
            "1.2.3.4, 203.0.113.7",
            "1.2.3.4,5.6.7.8, 203.0.113.7",
            "not an address, 203.0.113.7",
            " , 203.0.113.7",
        ] {
            assert_eq!(
                forwarded(&[forged], 1).as_deref(),
                Some("203.0.113.7"),
                "{forged}"
            );
        }
        // The client's own header line comes first; our proxy's appended line counts.
        assert_eq!(
            forwarded(&["1.2.3.4", "203.0.113.7"], 1).as_deref(),
            Some("203.0.113.7")
        );
        // Two proxies: the outer one's entry is second from the right.
        assert_eq!(
            forwarded(&["1.2.3.4, 203.0.113.7, 10.0.0.2"], 2).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            forwarded(&["203.0.113.7", "10.0.0.2"], 2).as_deref(),
            Some("203.0.113.7")
        );
        // Fewer entries than proxies: all are ours, the first is the client.
        assert_eq!(
            forwarded(&["203.0.113.7"], 3).as_deref(),
            Some("203.0.113.7")
        );
        // IPv6, and addresses with a port.
        assert_eq!(
            forwarded(&["1.2.3.4, 2001:db8::7"], 1).as_deref(),
            Some("2001:db8::7")
        );
        assert_eq!(
            forwarded(&["203.0.113.7:5123"], 1).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            forwarded(&["[2001:db8::7]:443"], 1).as_deref(),
            Some("2001:db8::7")
        );
        // No header, or garbage where the client should be: the TCP peer counts.
        assert_eq!(forwarded(&[], 1), None);
        assert_eq!(forwarded(&["203.0.113.7, unknown"], 1), None);
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
