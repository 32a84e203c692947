//! Signing in and out over real HTTP: tokens and cookies, 401s, throttling, sessions that outlive
//! a restart, and accounts made on the command line.

use crate::common::{demo_app, spawn_app, spawn_app_on, Backend, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use server::config::Security;

on_both_stores!(
    sign_in_answers_a_token_the_officer_and_a_session_cookie,
    the_cookie_is_secure_when_configured,
    the_bearer_token_and_the_cookie_both_work,
    wrong_credentials_answer_invalid_credentials,
    every_call_but_health_login_and_docs_needs_a_session,
    logout_ends_only_that_session,
    expired_sessions_are_refused,
    repeated_failures_for_a_username_answer_429_with_a_wait_that_grows,
    a_success_clears_the_failures_of_that_username,
    many_failures_from_one_address_answer_429,
    the_forwarded_address_counts_only_behind_a_trusted_proxy,
    sessions_survive_a_restart,
    the_command_line_creates_accounts,
    huge_or_impossible_credentials_touch_neither_the_store_nor_the_hash,
);

async fn error_code(response: reqwest::Response) -> String {
    let body: Value = response.json().await.unwrap();
    body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn me(app: &TestApp, token: &str) -> reqwest::Response {
    app.call(Method::GET, "/api/v1/me", Some(token), None).await
}

async fn sign_in_answers_a_token_the_officer_and_a_session_cookie(backend: Backend) {
    let app = demo_app(backend).await;
    let response = app.login("huyen", "demo-huyen").await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    let body: Value = response.json().await.unwrap();
    let token = body["token"].as_str().unwrap();
    assert_eq!(token.len(), 43, "32 bytes in URL-safe base64");
    assert_eq!(
        cookie,
        format!("pcmd_session={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000")
    );
    let expires = chrono::DateTime::parse_from_rfc3339(body["expires_at"].as_str().unwrap())
        .unwrap()
        .timestamp();
    let in_30_days = chrono::Utc::now().timestamp() + 30 * 24 * 3600;
    assert!((expires - in_30_days).abs() < 60, "{}", body["expires_at"]);
    assert!(body["expires_at"].as_str().unwrap().ends_with('Z'));
    let officer = &body["officer"];
    assert!(officer["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(officer["username"], "huyen");
    assert_eq!(officer["role"], "district_officer");
    assert!(officer["display_name"].is_string());
    assert_eq!(
        officer["org_unit"],
        json!({"id": "ou-106", "code": "106", "name": "Huyện Tam Đường", "level": "district",
               "valid_to": "2025-06-30", "successors": []})
    );
    // Only the token's hash is kept.
    let stored = app
        .store
        .session_officer(&server::auth::token_hash(token), server::clock::now_ms())
        .await
        .unwrap();
    assert_eq!(stored.unwrap().username, "huyen");
}

async fn the_cookie_is_secure_when_configured(backend: Backend) {
    let url = crate::common::fresh_database_url(backend).await;
    let security = Security {
        secure_cookies: true,
        trusted_proxies: 0,
    };
    let app = spawn_app_on(&url, security)
        .await
        .with_2023_accounts()
        .await;
    let response = app.login("binhlu", "demo-binhlu").await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.ends_with("; Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly; SameSite=Strict"), "{cookie}");
}

async fn the_bearer_token_and_the_cookie_both_work(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("binhlu", "demo-binhlu").await;
    let by_bearer = me(&app, &token).await;
    assert_eq!(by_bearer.status(), 200);
    let body: Value = by_bearer.json().await.unwrap();
    assert_eq!(body["officer"]["username"], "binhlu");
    // Closed in 2025, yet its officer signs in (they may still have records to send) and learns
    // where new records go.
    assert_eq!(
        body["officer"]["org_unit"],
        json!({"id": "ou-03412", "code": "03412", "name": "Xã Bình Lư", "level": "commune",
               "valid_to": "2025-06-30",
               "successors": [{"id": "ou-03390-20250701", "code": "03390", "name": "Xã Bình Lư"}]})
    );
    let by_cookie = app
        .client
        .get(app.url("/api/v1/me"))
        .header("cookie", format!("theme=dark; pcmd_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status(), 200);
    let forged = me(&app, "not-a-token").await;
    assert_eq!(forged.status(), 401);
    assert_eq!(error_code(forged).await, "unauthenticated");
}

async fn wrong_credentials_answer_invalid_credentials(backend: Backend) {
    let app = demo_app(backend).await;
    for (username, password) in [
        ("huyen", "demo-binhlu"),
        ("nobody", "demo-huyen"),
        ("huyen", ""),
    ] {
        let response = app.login(username, password).await;
        assert_eq!(response.status(), 401, "{username}/{password}");
        assert!(response.headers().get("set-cookie").is_none());
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_credentials");
        assert!(body["error"]["message"].is_string());
    }
    // A disabled account cannot sign in, even with the right password, which alone says why
    // (tests/device_keys.rs).
    let (officer, _) = app.store.credentials("thitran").await.unwrap().unwrap();
    let disabled = server::model::Officer {
        disabled: true,
        ..officer
    };
    app.store.update_officer(&disabled, None).await.unwrap();
    let response = app.login("thitran", "demo-thitran").await;
    assert_eq!(response.status(), 403);
    assert_eq!(error_code(response).await, "account_disabled");
    let response = app.login("thitran", "demo-huyen").await;
    assert_eq!(response.status(), 401);
    assert_eq!(error_code(response).await, "invalid_credentials");
    // A body that is not a sign-in is malformed, not a failed sign-in.
    let response = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"user": "x"})),
        )
        .await;
    assert_eq!(response.status(), 422);
}

async fn every_call_but_health_login_and_docs_needs_a_session(backend: Backend) {
    let app = demo_app(backend).await;
    for (method, path) in [
        (Method::GET, "/api/v1/me"),
        (Method::GET, "/api/v1/org-units"),
        (Method::GET, "/api/v1/org-units?year=2023"),
        (Method::POST, "/api/v1/auth/logout"),
        (Method::GET, "/api/v1/admin/users"),
        (Method::GET, "/api/v1/admin/audit"),
    ] {
        let response = app.call(method.clone(), path, None, None).await;
        assert_eq!(response.status(), 401, "{method} {path}");
        assert_eq!(error_code(response).await, "unauthenticated", "{path}");
    }
    assert_eq!(app.get("/api/v1/health").await.status(), 200);
    assert_eq!(app.get("/api/v1/openapi.json").await.status(), 200);
}

async fn logout_ends_only_that_session(backend: Backend) {
    let app = demo_app(backend).await;
    let phone = app.token("binhlu", "demo-binhlu").await;
    let tablet = app.token("binhlu", "demo-binhlu").await;
    assert_ne!(phone, tablet);
    let response = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&phone), None)
        .await;
    assert_eq!(response.status(), 204);
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("pcmd_session=;"), "{cookie}");
    assert!(cookie.contains("Max-Age=0"), "{cookie}");
    assert_eq!(me(&app, &phone).await.status(), 401);
    assert_eq!(me(&app, &tablet).await.status(), 200);
    let again = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&phone), None)
        .await;
    assert_eq!(again.status(), 401);
}

async fn expired_sessions_are_refused(backend: Backend) {
    let app = demo_app(backend).await;
    let (officer, _) = app.store.credentials("huyen").await.unwrap().unwrap();
    let token = server::auth::new_token();
    let long_ago = server::clock::now_ms() - 31 * 24 * 3600 * 1000;
    let session = server::model::Session {
        token_hash: server::auth::token_hash(&token),
        officer_id: officer.id,
        created_at: long_ago,
        expires_at: long_ago + server::auth::SESSION_SECS * 1000,
        ip: None,
        user_agent: None,
    };
    app.store.insert_session(&session).await.unwrap();
    let response = me(&app, &token).await;
    assert_eq!(response.status(), 401);
    assert_eq!(error_code(response).await, "unauthenticated");
}

/// Stores `n` failed sign-ins of `username` from 127.0.0.1 on an unknown device at `at`.
async fn failed_earlier(app: &TestApp, username: &str, at: i64, n: usize) {
    let attempt = server::model::LoginAttempt {
        username: username.into(),
        ip: "127.0.0.1".into(),
        known_device: None,
        at,
    };
    for _ in 0..n {
        let id = app.store.claim_login_attempt(&attempt).await.unwrap();
        app.store.confirm_login_failure(id).await.unwrap();
    }
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn repeated_failures_for_a_username_answer_429_with_a_wait_that_grows(backend: Backend) {
    let app = demo_app(backend).await;
    for _ in 0..5 {
        assert_eq!(app.login("huyen", "guess").await.status(), 401);
    }
    // From the same address and a device not known for huyen, even the right password waits.
    let response = app.login("huyen", "demo-huyen").await;
    assert_eq!(response.status(), 429, "even the right password");
    assert!((29..=30).contains(&retry_after(&response)));
    assert_eq!(error_code(response).await, "too_many_attempts");
    // Other officers signing in from the same office are not slowed.
    assert_eq!(app.login("binhlu", "demo-binhlu").await.status(), 200);
    // Each further failure doubles the wait, counted from the newest failure.
    let bucket = server::model::FailureBucket::UsernameAddress {
        username: "huyen",
        ip: "127.0.0.1",
    };
    let now = server::clock::now_ms();
    app.store.clear_login_failures(bucket).await.unwrap();
    failed_earlier(&app, "huyen", now - 40_000, 7).await;
    let response = app.login("huyen", "demo-huyen").await;
    assert_eq!(response.status(), 429);
    let wait = retry_after(&response);
    assert!(
        (79..=80).contains(&wait),
        "two minutes from 40 s ago: {wait}"
    );
    // Once the wait is over, the right password signs in and forgets the failures.
    app.store.clear_login_failures(bucket).await.unwrap();
    failed_earlier(&app, "huyen", now - 31_000, 5).await;
    let response = app.login("huyen", "demo-huyen").await;
    assert_eq!(response.status(), 200);
    let (officer, _) = app.store.credentials("huyen").await.unwrap().unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["officer"]["id"], officer.id.as_str());
    for _ in 0..4 {
        assert_eq!(app.login("huyen", "guess").await.status(), 401);
    }
    // Failures older than the window count no more, however many.
    app.store.clear_login_failures(bucket).await.unwrap();
    failed_earlier(&app, "huyen", now - 25 * 3600 * 1000, 12).await;
    assert_eq!(app.login("huyen", "demo-huyen").await.status(), 200);
}

async fn a_success_clears_the_failures_of_that_username(backend: Backend) {
    let app = demo_app(backend).await;
    for _ in 0..2 {
        for _ in 0..4 {
            assert_eq!(app.login("thitran", "guess").await.status(), 401);
        }
        assert_eq!(app.login("thitran", "demo-thitran").await.status(), 200);
    }
}

async fn many_failures_from_one_address_answer_429(backend: Backend) {
    let app = demo_app(backend).await;
    for n in 0..20 {
        let response = app.login(&format!("guess{n}"), "password").await;
        assert_eq!(response.status(), 401);
    }
    let response = app.login("admin", "demo-admin").await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
}

async fn the_forwarded_address_counts_only_behind_a_trusted_proxy(backend: Backend) {
    let url = crate::common::fresh_database_url(backend).await;
    // The client wrote 203.0.113.7 itself; our one proxy appended 10.0.0.1, who called it; with
    // two proxies of ours, the outer one appended 203.0.113.7.
    for (trusted_proxies, expected) in [(0, "127.0.0.1"), (1, "10.0.0.1"), (2, "203.0.113.7")] {
        let security = Security {
            secure_cookies: false,
            trusted_proxies,
        };
        let app = spawn_app_on(&url, security)
            .await
            .with_2023_accounts()
            .await;
        let username = format!("probe{trusted_proxies}");
        let response = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", "203.0.113.7, 10.0.0.1")
            .json(&json!({"username": username, "password": "password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        let filter = server::model::AuditFilter {
            username: Some(username),
            limit: 10,
            ..Default::default()
        };
        let entries = app.store.audit_log(&filter).await.unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].entry.ip.as_deref(), Some(expected));
    }
}

async fn sessions_survive_a_restart(backend: Backend) {
    let first = demo_app(backend).await;
    let token = first.token("huyen", "demo-huyen").await;
    let units_before = first.store.org_units().await.unwrap().len();
    let second = spawn_app_on(&first.database_url, Security::default()).await;
    let response = me(&second, &token).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["officer"]["username"], "huyen");
    assert_eq!(
        second.store.org_units().await.unwrap().len(),
        units_before,
        "the reference data is loaded once"
    );
}

async fn the_command_line_creates_accounts(backend: Backend) {
    let app = spawn_app(backend).await;
    let run = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run server");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let add = [
        "user",
        "add",
        "--username",
        "canbo",
        "--role",
        "commune_officer",
    ];
    let output = run(
        &[
            &add[..],
            &["--org-unit", "03390", "--display-name", "Cán bộ"],
        ]
        .concat(),
        "mat-khau-moi\n",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let id = String::from_utf8(output.stdout).unwrap().trim().to_string();
    let response = app.login("canbo", "mat-khau-moi").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["officer"]["id"], id.as_str());
    assert_eq!(body["officer"]["display_name"], "Cán bộ");
    // 03390 was reused in 2025: today it names the new Xã Bình Lư, which is open.
    assert_eq!(
        body["officer"]["org_unit"],
        json!({"id": "ou-03390-20250701", "code": "03390", "name": "Xã Bình Lư",
               "level": "commune", "valid_to": null, "successors": []})
    );

    let again = run(
        &[&add[..], &["--org-unit", "03390"]].concat(),
        "mat-khau-moi\n",
    );
    assert!(!again.status.success(), "duplicate username");
    let province = [
        "user",
        "add",
        "--username",
        "tinh",
        "--role",
        "province_officer",
        "--org-unit",
        "12",
    ];
    let output = run(&province, "mat-khau-tinh\n");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let response = app.login("tinh", "mat-khau-tinh").await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["officer"]["role"], "province_officer");
    assert_eq!(body["officer"]["org_unit"]["id"], "ou-12");
    let short = [
        "user",
        "add",
        "--username",
        "other",
        "--role",
        "admin",
        "--org-unit",
        "106",
    ];
    assert!(!run(&short, "short\n").status.success());
    let unknown = [
        "user",
        "add",
        "--username",
        "other",
        "--role",
        "admin",
        "--org-unit",
        "99999",
    ];
    let output = run(&unknown, "long enough\n");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("99999"));

    // A receiving service's account: refused while its unit has no service, then the unit's one;
    // with two services at the unit, `--service` names it.
    let service_account = |username: &'static str| {
        [
            "user",
            "add",
            "--username",
            username,
            "--role",
            "service_provider",
            "--org-unit",
            "12",
        ]
    };
    let output = run(&service_account("ttyt1"), "long enough\n");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no receiving service"));
    for (id, name) in [("rs-a", "Trung tâm Y tế"), ("rs-b", "Trợ giúp pháp lý")] {
        let service = server::model::ReceivingService {
            id: id.into(),
            name: name.into(),
            org_unit_id: "ou-12".into(),
            services: vec![domain::ReferralService::HivTest],
            retired: false,
        };
        app.store.add_receiving_service(&service, 0).await.unwrap();
        if id == "rs-a" {
            let output = run(&service_account("ttyt1"), "long enough\n");
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    let output = run(&service_account("ttyt2"), "long enough\n");
    assert!(!output.status.success(), "two services: which one?");
    assert!(String::from_utf8_lossy(&output.stderr).contains("rs-a, rs-b"));
    let output = run(
        &[&service_account("ttyt2")[..], &["--service", "rs-b"]].concat(),
        "long enough\n",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for (username, service) in [("ttyt1", "rs-a"), ("ttyt2", "rs-b")] {
        let body: Value = app
            .login(username, "long enough")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(body["officer"]["role"], "service_provider");
        assert_eq!(body["officer"]["receiving_service"]["id"], service);
    }
}

async fn huge_or_impossible_credentials_touch_neither_the_store_nor_the_hash(backend: Backend) {
    let app = demo_app(backend).await;
    let audit = |app: &TestApp| {
        let store = app.store.clone();
        async move {
            let filter = server::model::AuditFilter {
                limit: 100_000,
                ..Default::default()
            };
            store.audit_log(&filter).await.unwrap().len()
        }
    };
    let before = audit(&app).await;
    let huge = "a".repeat(1_000_000);
    for (username, password) in [
        (huge.as_str(), "demo-binhlu"),
        ("binhlu", huge.as_str()),
        ("Bình Lư", "demo-binhlu"),
        ("", ""),
    ] {
        for _ in 0..6 {
            let response = app.login(username, password).await;
            assert_eq!(response.status(), 401);
            assert_eq!(error_code(response).await, "invalid_credentials");
        }
    }
    assert_eq!(audit(&app).await, before, "nothing written");
    // None of them counted as a failure: the officer is not throttled.
    assert_eq!(app.login("binhlu", "demo-binhlu").await.status(), 200);
}
