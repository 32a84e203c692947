//! The demo (`server serve --demo`) over real HTTP: its accounts sit on today's units, and a new
//! store gets a living current year once, while the 2023 district's figures stay as they were.

use crate::common::{spawn_app, Backend, TestApp};
use reqwest::Method;
use serde_json::Value;

on_both_stores!(
    demo_accounts_are_created_once_on_today_s_units,
    the_demo_lives_in_the_current_year_once,
);

async fn get(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.call(Method::GET, path, Some(token), None).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

async fn demo_accounts_are_created_once_on_today_s_units(backend: Backend) {
    let app = spawn_app(backend).await;
    for _ in 0..2 {
        server::demo::ensure_accounts(app.store.as_ref())
            .await
            .unwrap();
    }
    let officers = app.store.officers().await.unwrap();
    let names: Vec<&str> = officers.iter().map(|o| o.username.as_str()).collect();
    assert_eq!(
        names,
        ["admin", "binhlu", "huyen", "taleng", "tinh", "ttyt"]
    );
    for (username, role, unit) in [
        ("admin", "admin", "ou-12"),
        ("tinh", "province_officer", "ou-12"),
        ("binhlu", "commune_officer", "ou-03390-20250701"),
        ("taleng", "commune_officer", "ou-03405-20250701"),
        ("huyen", "district_officer", "ou-106"),
        ("ttyt", "service_provider", "ou-12"),
    ] {
        let response = app.login(username, &format!("demo-{username}")).await;
        assert_eq!(response.status(), 200, "{username}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["officer"]["role"], role);
        assert_eq!(body["officer"]["org_unit"]["id"], unit);
    }
    // The province's health centre, made once, is the service account's.
    let services = app.store.receiving_services().await.unwrap();
    assert_eq!(services.len(), 1);
    let ttyt = app.store.credentials("ttyt").await.unwrap().unwrap().0;
    assert_eq!(ttyt.receiving_service.unwrap().id, services[0].id);
}

/// The indicators with a value above zero and a target.
fn living(report: &Value) -> usize {
    report["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["value"].as_f64().is_some_and(|v| v > 0.0) && !i["target"].is_null())
        .count()
}

async fn the_demo_lives_in_the_current_year_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let store = app.store.as_ref();
    server::demo::ensure_accounts(store).await.unwrap();
    let huyen = app.token("huyen", "demo-huyen").await;
    let history = "/api/v1/indicators?year=2023&by=commune";
    let before = get(&app, history, &huyen).await;

    let today = server::clock::domain_today();
    assert!(server::demo::ensure_current_year(store, today)
        .await
        .unwrap());
    let changes = store.last_change().await.unwrap();
    let generated = server::demo::generated(today).len() as i64;
    assert_eq!(changes, generated, "every generated record was applied");
    // Only on a store without records: a second start adds nothing.
    assert!(!server::demo::ensure_current_year(store, today)
        .await
        .unwrap());
    assert_eq!(store.last_change().await.unwrap(), changes);

    let year = today.year();
    let tinh = app.token("tinh", "demo-tinh").await;
    let province = get(&app, &format!("/api/v1/indicators?year={year}"), &tinh).await;
    assert!(!province["plan"].is_null(), "{province}");
    assert!(living(&province) >= 8, "{province}");
    let last_year = get(
        &app,
        &format!("/api/v1/indicators?year={}", year - 1),
        &tinh,
    )
    .await;
    assert!(living(&last_year) >= 8, "{last_year}");
    for commune in ["binhlu", "taleng"] {
        let token = app.token(commune, &format!("demo-{commune}")).await;
        let own = get(&app, &format!("/api/v1/indicators?year={year}"), &token).await;
        assert!(!own["plan"].is_null(), "{commune}: {own}");
        assert!(living(&own) >= 4, "{commune}: {own}");
    }
    // The 2023 district's figures are untouched.
    assert_eq!(get(&app, history, &huyen).await, before);
}
