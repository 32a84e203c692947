//! The walking skeleton over real HTTP: health, JSON errors, pages, the service worker, compression.

use crate::common::{demo_app, fresh_database_url, spawn_app, spawn_app_on, Backend};
use serde_json::Value;
use server::config::Security;

on_both_stores!(
    health_reports_version_and_store,
    unknown_api_paths_answer_json_404,
    every_page_is_rendered_on_the_server,
    service_worker_precaches_pages_and_build_files,
    responses_are_compressed_and_bundles_cached_for_good,
    bundles_are_served_from_their_best_compressed_copies,
    reopening_a_store_keeps_its_schema,
    the_api_is_described_by_openapi,
    every_answer_carries_the_security_headers,
    a_page_allows_only_its_own_inline_scripts,
    hsts_is_sent_only_behind_https,
);

async fn health_reports_version_and_store(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.get("/api/v1/health").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(body["store"], expected);
}

async fn unknown_api_paths_answer_json_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.get("/api/v1/no-such-thing").await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
}

async fn every_page_is_rendered_on_the_server(backend: Backend) {
    let app = spawn_app(backend).await;
    for route in app::ROUTES {
        let response = app.get(route).await;
        assert_eq!(response.status(), 200, "{route}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains(r#"<link rel="manifest" href="/manifest.webmanifest""#),
            "{route}"
        );
        assert!(
            html.contains("Phòng, chống mại dâm"),
            "{route}: app name rendered"
        );
        assert!(
            html.contains(r#"data-testid="waiting-count""#),
            "{route}: sync state rendered"
        );
        // Records are opened only in the browser, with the PIN or the password: the server
        // renders every page locked.
        assert!(html.contains(r#"data-testid="gate""#), "{route}: locked");
        assert!(html.contains(r#"name="password""#), "{route}: sign-in form");
    }
    let settings = app.get("/settings").await.text().await.unwrap();
    // Leptos may put hydration markers (`<!>`) after the text.
    assert!(settings.contains("<h1>Đăng nhập<"));
    assert!(!settings.contains("<h1>Cài đặt<"));
    assert_eq!(app.get("/no/such/page").await.status(), 404);
}

async fn service_worker_precaches_pages_and_build_files(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.get("/sw.js").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert_eq!(response.headers()["cache-control"], "no-cache");
    let script = response.text().await.unwrap();
    let version = app
        .get("/api/v1/health")
        .await
        .json::<Value>()
        .await
        .unwrap()["app_version"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(script.contains(&format!("\"pcmd-{version}\"")));
    let list_start = script.find("const PRECACHE = ").unwrap() + "const PRECACHE = ".len();
    let list_end = list_start + script[list_start..].find(";\n").unwrap();
    let precache: Vec<String> = serde_json::from_str(&script[list_start..list_end]).unwrap();
    for expected in [
        "/",
        "/sync",
        "/indicators",
        "/settings",
        "/manifest.webmanifest",
        "/icons/icon-192.png",
        "/pkg/pcmd.js",
        "/pkg/pcmd.wasm",
        "/pkg/pcmd.css",
    ] {
        assert!(
            precache.iter().any(|p| p == expected),
            "{expected} not in {precache:?}"
        );
    }
    // A different build is a different cache.
    std::fs::write(app.site_root.join("pkg/pcmd.wasm"), [0u8, 97, 115, 109, 1]).unwrap();
    let options = leptos::config::LeptosOptions::builder()
        .output_name("pcmd")
        .site_root(app.site_root.to_string_lossy().to_string())
        .build();
    let next = server::web::ServiceWorker::build(&options).unwrap();
    assert_ne!(next.version, version);
    assert_eq!(next.precache, precache);
}

/// A part of a split bundle is named by its bytes and kept for good; the main script and wasm are
/// revalidated, as a later build may give them the same name with other bytes.
async fn responses_are_compressed_and_bundles_cached_for_good(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .get(app.url("/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    std::fs::write(
        app.site_root.join("pkg/chunk_1.aaa.wasm"),
        [0u8, 97, 115, 109],
    )
    .unwrap();
    let part = app.get("/pkg/chunk_1.aaa.wasm").await;
    assert_eq!(part.status(), 200);
    assert_eq!(
        part.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let main = app.get("/pkg/pcmd.js").await;
    assert_eq!(main.status(), 200);
    assert_eq!(main.headers()["cache-control"], "no-cache");
    assert_eq!(
        app.get("/manifest.webmanifest").await.headers()["cache-control"],
        "no-cache"
    );
}

async fn reopening_a_store_keeps_its_schema(backend: Backend) {
    let url = crate::common::fresh_database_url(backend).await;
    let first = server::store::open(&url).await.expect("first open");
    first.ping().await.unwrap();
    drop(first);
    let again = server::store::open(&url)
        .await
        .expect("second open runs no migration twice");
    again.ping().await.unwrap();
}

async fn the_api_is_described_by_openapi(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let document: Value = response.json().await.unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(document["servers"][0]["url"], "/api/v1");
    for (method, path) in [
        ("get", "/health"),
        ("get", "/openapi.json"),
        ("post", "/auth/login"),
        ("post", "/auth/logout"),
        ("get", "/me"),
        ("get", "/org-units"),
        ("get", "/admin/users"),
        ("post", "/admin/users"),
        ("patch", "/admin/users/{id}"),
        ("get", "/admin/org-units"),
        ("post", "/admin/org-units"),
        ("patch", "/admin/org-units/{id}"),
        ("post", "/admin/org-units/{id}/move-officers"),
        ("get", "/admin/targets"),
        ("put", "/admin/targets/{year}/{code}"),
        ("delete", "/admin/targets/{year}/{code}"),
        ("get", "/admin/baselines"),
        ("put", "/admin/baselines"),
        ("get", "/plans"),
        ("get", "/plans/{id}"),
        ("post", "/admin/plans"),
        ("patch", "/admin/plans/{id}"),
        ("put", "/admin/plans/{id}/targets/{code}"),
        ("delete", "/admin/plans/{id}/targets/{code}"),
        ("post", "/admin/plans/{id}/confirm"),
        ("get", "/admin/audit"),
        ("post", "/sync"),
        ("get", "/records"),
        ("get", "/indicators"),
    ] {
        let operation = &document["paths"][path][method];
        assert!(operation["responses"].is_object(), "{method} {path}");
    }
    let org_units = document["paths"]["/org-units"]["get"]["description"]
        .as_str()
        .unwrap();
    assert!(
        org_units.contains("three years"),
        "the time window is documented"
    );
}

#[tokio::test]
async fn an_unknown_database_url_fails_loudly() {
    let error = server::store::open("mysql://root@localhost/x")
        .await
        .err()
        .expect("must fail");
    assert!(
        error.to_string().contains("unsupported DATABASE_URL"),
        "{error}"
    );
}

async fn bundles_are_served_from_their_best_compressed_copies(backend: Backend) {
    let app = spawn_app(backend).await;
    let wasm: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(app.site_root.join("pkg/pcmd.wasm"), &wasm).unwrap();
    server::web::compress_missing(&app.site_root.join("pkg")).unwrap();
    let precompressed = std::fs::read(app.site_root.join("pkg/pcmd.wasm.br")).unwrap();
    let response = app
        .client
        .get(app.url("/pkg/pcmd.wasm"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["content-type"], "application/wasm");
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        precompressed.as_slice()
    );
    let plain = app
        .client
        .get(app.url("/pkg/pcmd.wasm"))
        .header("accept-encoding", "identity")
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap().as_ref(), wasm.as_slice());
}

async fn every_answer_carries_the_security_headers(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("binhlu", "demo-binhlu").await;
    let page = app.get("/").await;
    let health = app.get("/api/v1/health").await;
    let missing = app.get("/api/v1/no-such-thing").await;
    let bundle = app.get("/pkg/pcmd.wasm").await;
    let worker = app.get("/sw.js").await;
    let records = app
        .client
        .get(app.url("/api/v1/records"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(records.status(), 200);
    let answers = [
        ("page", &page),
        ("health", &health),
        ("404", &missing),
        ("bundle", &bundle),
        ("worker", &worker),
        ("records", &records),
    ];
    for (what, answer) in answers {
        let header = |name: &str| {
            answer
                .headers()
                .get(name)
                .map(|value| value.to_str().unwrap().to_string())
        };
        assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{what}");
        assert_eq!(
            header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(
            header("referrer-policy").as_deref(),
            Some("no-referrer"),
            "{what}"
        );
        let policy = header("content-security-policy").unwrap_or_default();
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{what}: {policy}"
        );
        assert!(policy.contains("object-src 'none'"), "{what}: {policy}");
        assert!(!policy.contains("unsafe-inline"), "{what}: {policy}");
        assert_eq!(header("strict-transport-security"), None, "{what}");
    }
    for (what, answer) in [
        ("health", &health),
        ("404", &missing),
        ("records", &records),
    ] {
        let cache = answer.headers()["cache-control"].to_str().unwrap();
        assert_eq!(cache, "no-store", "{what}");
    }
    assert_eq!(page.headers()["cache-control"], "no-cache");
}

/// Every inline script of a page carries the nonce its policy names, and the nonce changes per
/// answer, so a script injected into a page cannot guess it.
async fn a_page_allows_only_its_own_inline_scripts(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let page = app.get("/signin").await;
        let policy = page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("a page's policy names a nonce")
            .to_string();
        assert!(nonce.len() >= 16, "{nonce}");
        assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
        let html = page.text().await.unwrap();
        let scripts: Vec<&str> = html.split("<script").skip(1).collect();
        assert!(!scripts.is_empty(), "the hydration loader is inline");
        for script in scripts {
            let tag = script.split('>').next().unwrap();
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "<script{tag}> lacks the nonce {nonce}"
            );
        }
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1]);
}

async fn hsts_is_sent_only_behind_https(backend: Backend) {
    let security = Security {
        secure_cookies: true,
        ..Security::default()
    };
    let app = spawn_app_on(&fresh_database_url(backend).await, security).await;
    for path in ["/", "/api/v1/health"] {
        let answer = app.get(path).await;
        let hsts = answer.headers()["strict-transport-security"]
            .to_str()
            .unwrap();
        assert!(hsts.starts_with("max-age=63072000"), "{path}: {hsts}");
    }
}
