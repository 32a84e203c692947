//! An officer's own account over real HTTP on both stores: changing their password (the current
//! one required, wrong ones counted like failed sign-ins) and signing out every other session,
//! cookies included, keeping the one they asked from and their phone's key.

use crate::common::{audit_entries, demo_app, spawn_app, Backend, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(
    an_officer_changes_their_own_password,
    the_new_password_follows_the_admin_rules,
    wrong_current_passwords_count_like_failed_sign_ins,
    an_officer_signs_out_every_other_session,
    both_need_a_session,
);

#[tokio::test]
async fn both_are_documented() {
    let app = spawn_app(Backend::Sqlite).await;
    let document: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    for path in ["/me/password", "/me/sessions/revoke-others"] {
        let operation = &document["paths"][path]["post"];
        assert!(operation["responses"]["200"].is_object(), "{path}");
        assert!(operation["responses"]["401"].is_object(), "{path}");
    }
    let change = &document["paths"]["/me/password"]["post"]["responses"];
    for status in ["403", "422", "429", "503"] {
        assert!(change[status].is_object(), "{status}");
    }
}

const PHONE: &str = "6f1c2d3e-4b5a-4c6d-8e7f-901234567890";

/// Signs in from the phone: its session token and the device key.
async fn phone_sign_in(app: &TestApp, username: &str, password: &str) -> (String, String) {
    let body = json!({"username": username, "password": password, "device_id": PHONE});
    let response = app
        .call(Method::POST, "/api/v1/auth/login", None, Some(body))
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_string();
    (token, body["device_key"].as_str().unwrap().to_string())
}

/// Signs in in a browser: the session cookie's `name=value`.
async fn browser_sign_in(app: &TestApp, username: &str, password: &str) -> String {
    let response = app.login(username, password).await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().to_string()
}

async fn me_by_token(app: &TestApp, token: &str) -> u16 {
    let response = app.call(Method::GET, "/api/v1/me", Some(token), None).await;
    response.status().as_u16()
}

async fn me_by_cookie(app: &TestApp, cookie: &str) -> u16 {
    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

async fn change_password(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    let response = app
        .call(Method::POST, "/api/v1/me/password", Some(token), Some(body))
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn an_officer_changes_their_own_password(backend: Backend) {
    let app = demo_app(backend).await;
    let (phone, key) = phone_sign_in(&app, "binhlu", "demo-binhlu").await;
    let tablet = app.token("binhlu", "demo-binhlu").await;
    let browser = browser_sign_in(&app, "binhlu", "demo-binhlu").await;
    let colleague = app.token("thitran", "demo-thitran").await;

    let body = json!({"current_password": "demo-binhlu", "new_password": "mat-khau-moi",
                      "device_id": PHONE});
    let (status, answer) = change_password(&app, &phone, body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer, json!({"revoked": 2}));
    // The old password is gone, the new one signs in.
    let response = app.login("binhlu", "demo-binhlu").await;
    assert_eq!(response.status(), 401);
    assert_eq!(app.login("binhlu", "mat-khau-moi").await.status(), 200);
    // The session it came from goes on; the officer's others, cookie too, are over; a
    // colleague's are not touched.
    assert_eq!(me_by_token(&app, &phone).await, 200);
    assert_eq!(me_by_token(&app, &tablet).await, 401);
    assert_eq!(me_by_cookie(&app, &browser).await, 401);
    assert_eq!(me_by_token(&app, &colleague).await, 200);
    // The phone's key is the same after a sign-in with the new password: its records open.
    let (_, key_after) = phone_sign_in(&app, "binhlu", "mat-khau-moi").await;
    assert_eq!(key_after, key);
    // Audited, without either password.
    let entries = audit_entries(&app, "password.change").await;
    assert_eq!(entries.len(), 1);
    let (officer, _) = app.store.credentials("binhlu").await.unwrap().unwrap();
    assert_eq!(entries[0].officer_id.as_deref(), Some(officer.id.as_str()));
    assert_eq!(entries[0].target.as_deref(), Some(officer.id.as_str()));
    let detail: Value = serde_json::from_str(entries[0].detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail, json!({"other_sessions_revoked": 2}));
    let everything = server::model::AuditFilter {
        limit: 1000,
        ..Default::default()
    };
    for logged in app.store.audit_log(&everything).await.unwrap() {
        let line = format!("{:?}", logged.entry);
        assert!(
            !line.contains("mat-khau-moi") && !line.contains("demo-binhlu"),
            "{line}"
        );
    }
}

async fn the_new_password_follows_the_admin_rules(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("binhlu", "demo-binhlu").await;
    let long = "x".repeat(257);
    for (new_password, code) in [
        ("short", "too_short"),
        ("1234567", "too_short"),
        (long.as_str(), "too_long"),
    ] {
        let body = json!({"current_password": "demo-binhlu", "new_password": new_password});
        let (status, answer) = change_password(&app, &token, body).await;
        assert_eq!(status, 422, "{new_password}");
        assert_eq!(answer["error"]["errors"][0]["field"], "new_password");
        assert_eq!(answer["error"]["errors"][0]["code"], code);
    }
    // Characters, not bytes, as for the admin's reset.
    let body = json!({"current_password": "demo-binhlu", "new_password": "mật khẩu"});
    assert_eq!(change_password(&app, &token, body).await.0, 200);
    assert_eq!(app.login("binhlu", "mật khẩu").await.status(), 200);
    // Not a change: a body without the fields, or a bad device id.
    let (status, _) = change_password(&app, &token, json!({"new_password": "mat-khau-moi"})).await;
    assert_eq!(status, 422);
    let body = json!({"current_password": "mật khẩu", "new_password": "mat-khau-moi",
                      "device_id": "../x"});
    let (status, answer) = change_password(&app, &token, body).await;
    assert_eq!(status, 422);
    assert_eq!(answer["error"]["errors"][0]["field"], "device_id");
    assert_eq!(app.login("binhlu", "mật khẩu").await.status(), 200);
}

async fn wrong_current_passwords_count_like_failed_sign_ins(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("binhlu", "demo-binhlu").await;
    let before = app.passwords.runs();
    // Longer than any password: wrong, but not even checked.
    let body = json!({"current_password": "x".repeat(257), "new_password": "mat-khau-moi"});
    let (status, answer) = change_password(&app, &token, body).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (403, Some("wrong_password"))
    );
    assert_eq!(app.passwords.runs(), before);
    for _ in 0..5 {
        let body = json!({"current_password": "guess", "new_password": "mat-khau-moi"});
        let (status, answer) = change_password(&app, &token, body).await;
        assert_eq!(status, 403);
        assert_eq!(answer["error"]["code"], "wrong_password");
    }
    assert_eq!(app.passwords.runs(), before + 5);
    let entries = audit_entries(&app, "password.change_failed").await;
    assert_eq!(entries.len(), 5);
    // Then the officer waits, to change it and to sign in from here on an unknown device alike.
    let body = json!({"current_password": "demo-binhlu", "new_password": "mat-khau-moi"});
    let response = app
        .call(
            Method::POST,
            "/api/v1/me/password",
            Some(&token),
            Some(body),
        )
        .await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(app.login("binhlu", "demo-binhlu").await.status(), 429);
    assert_eq!(app.passwords.runs(), before + 5, "nothing more was checked");
    // The session itself stays: a wrong password is not a sign-out.
    assert_eq!(me_by_token(&app, &token).await, 200);
    // From a phone known for the officer, their own tries count apart.
    let clear = server::model::FailureBucket::UsernameAddress {
        username: "binhlu",
        ip: "127.0.0.1",
    };
    app.store.clear_login_failures(clear).await.unwrap();
    let (phone, _) = phone_sign_in(&app, "binhlu", "demo-binhlu").await;
    for _ in 0..5 {
        let body = json!({"current_password": "guess", "new_password": "mat-khau-moi",
                          "device_id": PHONE});
        assert_eq!(change_password(&app, &phone, body).await.0, 403);
    }
    let body = json!({"current_password": "demo-binhlu", "new_password": "mat-khau-moi",
                      "device_id": PHONE});
    assert_eq!(change_password(&app, &phone, body).await.0, 429);
    assert_eq!(
        app.login("binhlu", "demo-binhlu").await.status(),
        200,
        "no device: not slowed"
    );
}

async fn an_officer_signs_out_every_other_session(backend: Backend) {
    let app = demo_app(backend).await;
    let (phone, key) = phone_sign_in(&app, "binhlu", "demo-binhlu").await;
    let tablet = app.token("binhlu", "demo-binhlu").await;
    let browser = browser_sign_in(&app, "binhlu", "demo-binhlu").await;
    let colleague = app.token("thitran", "demo-thitran").await;
    let response = app
        .call(
            Method::POST,
            "/api/v1/me/sessions/revoke-others",
            Some(&phone),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"revoked": 2}));
    assert_eq!(me_by_token(&app, &phone).await, 200);
    assert_eq!(me_by_token(&app, &tablet).await, 401);
    assert_eq!(me_by_cookie(&app, &browser).await, 401);
    assert_eq!(me_by_token(&app, &colleague).await, 200);
    // Again: nothing else is left to sign out.
    let response = app
        .call(
            Method::POST,
            "/api/v1/me/sessions/revoke-others",
            Some(&phone),
            None,
        )
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"revoked": 0}));
    // The password and the phone's key are as they were.
    let (_, key_after) = phone_sign_in(&app, "binhlu", "demo-binhlu").await;
    assert_eq!(key_after, key);
    let entries = audit_entries(&app, "sessions.revoke_others").await;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].username.as_deref(), Some("binhlu"));
    let detail: Value = serde_json::from_str(entries[1].detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail, json!({"revoked": 2}));
}

async fn both_need_a_session(backend: Backend) {
    let app = demo_app(backend).await;
    let body = json!({"current_password": "demo-binhlu", "new_password": "mat-khau-moi"});
    for (path, body) in [
        ("/api/v1/me/password", Some(body)),
        ("/api/v1/me/sessions/revoke-others", None),
    ] {
        let response = app.call(Method::POST, path, Some("forged"), body).await;
        assert_eq!(response.status(), 401, "{path}");
    }
    assert_eq!(app.login("binhlu", "demo-binhlu").await.status(), 200);
}
