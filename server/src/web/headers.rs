//! Security headers on every answer. A page rendered by Leptos gets a Content-Security-Policy with
//! the nonce of its own inline scripts (the hydration loader and streamed resources); every other
//! answer (API, bundle, icons, the service worker) gets the same policy without one, so no inline
//! script runs anywhere. `'wasm-unsafe-eval'` is what compiling the bundle needs, and nothing more.

use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use crate::config::Security;

/// The policy of a page whose inline scripts carry `nonce`, or of any other answer.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".into(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Called while Leptos renders a page, where its nonce is known.
pub fn provide_page_policy() {
    use leptos::prelude::use_context;
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(value) = HeaderValue::from_str(&content_security_policy(Some(&nonce))) {
            response.insert_header(CONTENT_SECURITY_POLICY, value);
        }
    }
}

/// Two years, the preload list's minimum; sent only when the server is reached over HTTPS.
const HSTS: &str = "max-age=63072000; includeSubDomains";

pub async fn security_headers(
    State(security): State<Security>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        let policy = content_security_policy(None);
        headers.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&policy).expect("the policy is ASCII"),
        );
    }
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if security.secure_cookies {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_page_with_a_nonce_allows_its_inline_scripts() {
        let page = content_security_policy(Some("abc123"));
        assert!(page.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        let other = content_security_policy(None);
        assert!(!other.contains("nonce") && !other.contains("unsafe-inline"));
        for policy in [page, other] {
            assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
            assert!(policy.contains("object-src 'none'"), "{policy}");
        }
    }
}
