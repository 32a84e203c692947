//! What the phone's encryption relies on, over real HTTP on both stores: the key the server holds
//! for an officer on a device, given only by a password sign-in that names the device, the same at
//! every sign-in from it and logged nowhere; and disabled accounts told apart from wrong passwords
//! and ended sessions, so that the phone knows when to forget its PIN-wrapped key.

use crate::common::api::user_id;
use crate::common::{demo_app, Backend, TestApp};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(
    the_same_device_gets_the_same_key_and_others_another,
    without_a_device_id_the_answer_is_as_before,
    bad_device_ids_answer_422_and_start_no_session,
    the_key_is_in_no_other_answer_and_not_in_the_audit_log,
    two_first_sign_ins_at_once_get_the_same_key,
    a_disabled_account_with_the_right_password_answers_account_disabled,
    tokens_of_a_disabled_officer_answer_account_disabled,
    after_re_enabling_the_device_gets_its_key_again,
);

const PHONE: &str = "6f1c2d3e-4b5a-4c6d-8e7f-901234567890";
const TABLET: &str = "0b7e8c9d-1a2b-4c3d-9e8f-7a6b5c4d3e2f";

/// Signs in from a device: the status and the body.
async fn login_on(app: &TestApp, username: &str, password: &str, device: Value) -> (u16, Value) {
    let body = json!({"username": username, "password": password, "device_id": device});
    let response = app
        .call(Method::POST, "/api/v1/auth/login", None, Some(body))
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The device key of a successful sign-in from `device`.
async fn device_key(app: &TestApp, username: &str, device: &str) -> String {
    let password = format!("demo-{username}");
    let (status, body) = login_on(app, username, &password, json!(device)).await;
    assert_eq!(status, 200, "{username} on {device}: {body}");
    body["device_key"].as_str().unwrap().to_string()
}

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, String) {
    let response = app.call(Method::GET, path, Some(token), None).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn error_code(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (status, body["error"]["code"].as_str().unwrap().to_string())
}

async fn set_disabled(app: &TestApp, admin: &str, username: &str, disabled: bool) {
    let path = format!("/api/v1/admin/users/{}", user_id(app, username).await);
    let change = json!({ "disabled": disabled });
    let response = app
        .call(Method::PATCH, &path, Some(admin), Some(change))
        .await;
    assert_eq!(response.status(), 200, "PATCH {username}");
}

async fn the_same_device_gets_the_same_key_and_others_another(backend: Backend) {
    let app = demo_app(backend).await;
    let key = device_key(&app, "binhlu", PHONE).await;
    assert_eq!(key.len(), 43, "{key}");
    assert_eq!(URL_SAFE_NO_PAD.decode(&key).unwrap().len(), 32);
    assert_eq!(
        device_key(&app, "binhlu", PHONE).await,
        key,
        "every sign-in"
    );
    let tablet = device_key(&app, "binhlu", TABLET).await;
    assert_ne!(tablet, key, "another device");
    let colleague = device_key(&app, "thitran", PHONE).await;
    assert_ne!(colleague, key, "another officer on the same phone");
    assert_ne!(colleague, tablet);
    // Device ids are compared exactly.
    let upper = device_key(&app, "binhlu", &PHONE.to_uppercase()).await;
    assert_ne!(upper, key);
    assert_eq!(device_key(&app, "binhlu", PHONE).await, key);
    assert_eq!(device_key(&app, "binhlu", TABLET).await, tablet);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM device_keys").await, 4);
    // The rest of the answer is a sign-in as usual, without a cookie: the phone sends the token.
    let response = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "binhlu", "password": "demo-binhlu", "device_id": PHONE})),
        )
        .await;
    assert!(response.headers().get("set-cookie").is_none());
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200);
    let (me, _) = get(&app, "/api/v1/me", body["token"].as_str().unwrap()).await;
    assert_eq!(me, 200, "the token works as a bearer");
    assert_eq!(body["officer"]["username"], "binhlu");
    assert!(body["token"].is_string() && body["expires_at"].is_string());
}

async fn without_a_device_id_the_answer_is_as_before(backend: Backend) {
    let app = demo_app(backend).await;
    device_key(&app, "huyen", PHONE).await;
    for device in [None, Some(Value::Null)] {
        let mut body = json!({"username": "huyen", "password": "demo-huyen"});
        if let Some(device) = device {
            body["device_id"] = device;
        }
        let response = app
            .call(Method::POST, "/api/v1/auth/login", None, Some(body.clone()))
            .await;
        assert_eq!(response.status(), 200, "{body}");
        assert!(response.headers().contains_key("set-cookie"));
        let answer: Value = response.json().await.unwrap();
        let mut fields: Vec<&str> = answer
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        fields.sort();
        assert_eq!(fields, ["expires_at", "officer", "token"], "{body}");
    }
    // A failed sign-in never carries a key, device or not.
    let (status, body) = login_on(&app, "huyen", "guess", json!(PHONE)).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "invalid_credentials");
    assert!(body.get("device_key").is_none());
}

async fn bad_device_ids_answer_422_and_start_no_session(backend: Backend) {
    let app = demo_app(backend).await;
    let sessions = "SELECT COUNT(*) FROM sessions";
    for device in [
        json!(""),
        json!("x".repeat(65)),
        json!("a b"),
        json!("../x"),
        json!("a_b"),
        json!("điện-thoại"),
        json!(42),
        json!({"id": PHONE}),
    ] {
        let response = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "binhlu", "password": "demo-binhlu", "device_id": device})),
            )
            .await;
        assert_eq!(response.status(), 422, "{device}");
        assert!(response.headers().get("set-cookie").is_none(), "{device}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid", "{device}");
        assert_eq!(body["error"]["errors"][0]["field"], "device_id", "{device}");
        assert_eq!(body["error"]["errors"][0]["code"], "invalid", "{device}");
        assert!(body["error"]["errors"][0]["message"].is_string());
        assert!(body.get("token").is_none() && body.get("device_key").is_none());
    }
    assert_eq!(app.scalar(sessions).await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM device_keys").await, 0);
    // Refused before the password is tried: no failure counts against the officer.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM login_failures").await, 0);
    // The longest allowed id works.
    let longest = "A-9".repeat(21) + "z";
    assert_eq!(longest.len(), 64);
    device_key(&app, "binhlu", &longest).await;
    assert_eq!(app.scalar(sessions).await, 1);
}

async fn the_key_is_in_no_other_answer_and_not_in_the_audit_log(backend: Backend) {
    let app = demo_app(backend).await;
    let (status, body) = login_on(&app, "binhlu", "demo-binhlu", json!(PHONE)).await;
    assert_eq!(status, 200);
    let key = body["device_key"].as_str().unwrap().to_string();
    let token = body["token"].as_str().unwrap().to_string();
    let admin = app.token("admin", "demo-admin").await;
    for (path, token) in [
        ("/api/v1/me", &token),
        ("/api/v1/settings", &token),
        ("/api/v1/org-units", &token),
        ("/api/v1/records", &token),
        ("/api/v1/admin/users", &admin),
        ("/api/v1/admin/audit", &admin),
    ] {
        let (status, text) = get(&app, path, token).await;
        assert_eq!(status, 200, "{path}");
        assert!(!text.contains(&key), "{path} shows the device key");
    }
    let (_, me) = get(&app, "/api/v1/me", &token).await;
    let me: Value = serde_json::from_str(&me).unwrap();
    assert!(me.get("device_key").is_none() && me["officer"].get("device_key").is_none());
    // The sign-in is audited with the device, never its key.
    let filter = server::model::AuditFilter {
        username: Some("binhlu".into()),
        limit: 100,
        ..Default::default()
    };
    let entries = app.store.audit_log(&filter).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].entry.action, "login");
    let detail: Value = serde_json::from_str(entries[0].entry.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail, json!({ "device_id": PHONE }));
    let everything = server::model::AuditFilter {
        limit: 1000,
        ..Default::default()
    };
    for logged in app.store.audit_log(&everything).await.unwrap() {
        assert!(!format!("{:?}", logged.entry).contains(&key));
    }
    // A sign-in without a device is audited as before.
    app.token("huyen", "demo-huyen").await;
    let filter = server::model::AuditFilter {
        username: Some("huyen".into()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        app.store.audit_log(&filter).await.unwrap()[0].entry.detail,
        None
    );
}

async fn two_first_sign_ins_at_once_get_the_same_key(backend: Backend) {
    let app = demo_app(backend).await;
    let sign_ins: Vec<_> = (0..6)
        .map(|_| {
            let request = app
                .client
                .post(app.url("/api/v1/auth/login"))
                .json(&json!({"username": "thitran", "password": "demo-thitran",
                              "device_id": PHONE}));
            tokio::spawn(async move {
                let response = request.send().await.unwrap();
                assert_eq!(response.status(), 200);
                let body: Value = response.json().await.unwrap();
                body["device_key"].as_str().unwrap().to_string()
            })
        })
        .collect();
    let mut keys = Vec::new();
    for sign_in in sign_ins {
        keys.push(sign_in.await.unwrap());
    }
    assert!(keys.iter().all(|key| *key == keys[0]), "{keys:?}");
    assert_eq!(device_key(&app, "thitran", PHONE).await, keys[0]);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM device_keys").await, 1);
    // Straight on the store as well: whoever inserts first, every caller reads the stored key.
    let officer = user_id(&app, "huyen").await;
    let tasks: Vec<_> = (0..8)
        .map(|n| {
            let (store, officer) = (app.store.clone(), officer.clone());
            tokio::spawn(async move {
                store
                    .device_key(&officer, TABLET, &format!("candidate-{n}"), 1)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut stored = Vec::new();
    for task in tasks {
        stored.push(task.await.unwrap());
    }
    assert!(stored.iter().all(|key| *key == stored[0]), "{stored:?}");
    assert!(stored[0].starts_with("candidate-"));
    let later = app.store.device_key(&officer, TABLET, "late", 2).await;
    assert_eq!(later.unwrap(), stored[0]);
}

async fn a_disabled_account_with_the_right_password_answers_account_disabled(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    set_disabled(&app, &admin, "thitran", true).await;
    let failures = "SELECT COUNT(*) FROM login_failures WHERE username = 'thitran'";

    let response = app.login("thitran", "demo-thitran").await;
    assert_eq!(response.status(), 403);
    assert!(response.headers().get("set-cookie").is_none());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "account_disabled");
    assert!(body["error"]["message"].is_string());
    let (status, body) = login_on(&app, "thitran", "demo-thitran", json!(PHONE)).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "account_disabled");
    assert!(body.get("device_key").is_none() && body.get("token").is_none());

    // A wrong password learns nothing about the account.
    let (status, body) = login_on(&app, "thitran", "guess", json!(PHONE)).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "invalid_credentials");
    assert_eq!(app.scalar(failures).await, 3, "every refusal counts");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM device_keys").await, 0);
    let filter = server::model::AuditFilter {
        action: Some("login_failed".into()),
        username: Some("thitran".into()),
        limit: 10,
        ..Default::default()
    };
    let entries = app.store.audit_log(&filter).await.unwrap();
    assert_eq!(entries.len(), 3);
    for logged in entries {
        assert_eq!(
            logged.entry.detail.as_deref(),
            Some(r#"{"reason":"disabled"}"#)
        );
    }
    // Unknown usernames and wrong passwords of enabled accounts stay as they were.
    for (username, password) in [("nobody", "demo-thitran"), ("binhlu", "demo-thitran")] {
        let response = app.login(username, password).await;
        assert_eq!(
            error_code(response).await,
            (401, "invalid_credentials".into())
        );
    }
}

async fn tokens_of_a_disabled_officer_answer_account_disabled(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    let (status, body) = login_on(&app, "thitran", "demo-thitran", json!(PHONE)).await;
    assert_eq!(status, 200);
    let token = body["token"].as_str().unwrap().to_string();
    let other = app.token("binhlu", "demo-binhlu").await;
    set_disabled(&app, &admin, "thitran", true).await;

    let sync = json!({"device_id": PHONE, "records": []});
    let by_bearer = [
        app.call(Method::GET, "/api/v1/me", Some(&token), None)
            .await,
        app.call(
            Method::POST,
            "/api/v1/sync",
            Some(&token),
            Some(sync.clone()),
        )
        .await,
        app.call(Method::GET, "/api/v1/settings", Some(&token), None)
            .await,
    ];
    for response in by_bearer {
        assert_eq!(error_code(response).await, (401, "account_disabled".into()));
    }
    let by_cookie = app
        .client
        .get(app.url("/api/v1/me"))
        .header("cookie", format!("pcmd_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(by_cookie).await,
        (401, "account_disabled".into())
    );
    // Unknown tokens, and the officers who are still enabled, are as before.
    let unknown = app
        .call(Method::GET, "/api/v1/me", Some("not-a-token"), None)
        .await;
    assert_eq!(error_code(unknown).await, (401, "unauthenticated".into()));
    let unknown = app
        .call(Method::POST, "/api/v1/sync", Some("x"), Some(sync))
        .await;
    assert_eq!(error_code(unknown).await, (401, "unauthenticated".into()));
    let (status, _) = get(&app, "/api/v1/me", &other).await;
    assert_eq!(status, 200);
    app.call(Method::POST, "/api/v1/auth/logout", Some(&other), None)
        .await;
    let ended = app
        .call(Method::GET, "/api/v1/me", Some(&other), None)
        .await;
    assert_eq!(error_code(ended).await, (401, "unauthenticated".into()));

    // Disabled behind the API's back, the session still live: the same answer.
    let session = app.token("huyen", "demo-huyen").await;
    let (officer, _) = app.store.credentials("huyen").await.unwrap().unwrap();
    let disabled = server::model::Officer {
        disabled: true,
        ..officer
    };
    app.store.update_officer(&disabled, None).await.unwrap();
    let response = app
        .call(Method::GET, "/api/v1/me", Some(&session), None)
        .await;
    assert_eq!(error_code(response).await, (401, "account_disabled".into()));
}

async fn after_re_enabling_the_device_gets_its_key_again(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    let (status, body) = login_on(&app, "thitran", "demo-thitran", json!(PHONE)).await;
    assert_eq!(status, 200);
    let key = body["device_key"].as_str().unwrap().to_string();
    let token = body["token"].as_str().unwrap().to_string();
    set_disabled(&app, &admin, "thitran", true).await;
    let (status, _) = login_on(&app, "thitran", "demo-thitran", json!(PHONE)).await;
    assert_eq!(status, 403);
    set_disabled(&app, &admin, "thitran", false).await;
    // The old session was ended by disabling, and is now just ended.
    let old = app
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    assert_eq!(error_code(old).await, (401, "unauthenticated".into()));
    assert_eq!(device_key(&app, "thitran", PHONE).await, key);
    assert_ne!(device_key(&app, "thitran", TABLET).await, key);
}
