//! Losses seen the same week (issue 15): every sync, the phone reports its waiting records
//! (`POST /api/v1/sync/report`); the admin page lists phones whose reported records have not
//! arrived after 7 days, and phones that came back without the records that were waiting on them
//! (`GET /api/v1/admin/devices`), until they arrive or the admin marks them handled.

use crate::common::api::{json_of, new_sessions};
use crate::common::{audit_entries, spawn_app, Backend, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(
    records_waiting_a_week_are_listed_until_they_arrive,
    a_phone_that_comes_back_without_its_waiting_records_is_listed_until_handled,
    a_wiped_phone_signing_in_again_lists_the_phone_it_was,
    records_arriving_in_concurrent_batches_are_all_counted,
    reports_need_an_account_and_a_device_id,
);

const DAY_MS: i64 = 24 * 3_600_000;

fn phone() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn report(app: &TestApp, token: &str, device: &str, waiting: u32) {
    let body = json!({"device_id": device, "waiting": waiting,
                      "oldest_waiting_on": (waiting > 0).then_some("2023-05-02"),
                      "persistent": false});
    let answer = app
        .call(Method::POST, "/api/v1/sync/report", Some(token), Some(body))
        .await;
    assert_eq!(answer.status(), 204);
}

async fn send(app: &TestApp, token: &str, device: &str, records: &[Value]) {
    let body = json!({"device_id": device, "records": records});
    let answer = app
        .call(Method::POST, "/api/v1/sync", Some(token), Some(body))
        .await;
    assert_eq!(answer.status(), 200);
    let results = json_of(answer).await;
    assert!(results["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|result| result["status"] == "applied"));
}

async fn devices(app: &TestApp, admin: &str) -> Vec<Value> {
    let answer = app
        .call(Method::GET, "/api/v1/admin/devices", Some(admin), None)
        .await;
    assert_eq!(answer.status(), 200);
    json_of(answer).await.as_array().unwrap().clone()
}

async fn device(app: &TestApp, admin: &str, id: &str) -> Value {
    let list = devices(app, admin).await;
    list.into_iter()
        .find(|device| device["device_id"] == id)
        .unwrap_or_else(|| panic!("device {id} is listed"))
}

/// Moves the phone's reports `days` into the past, as if that long had gone by.
async fn age(app: &TestApp, device: &str, days: i64) {
    let ms = days * DAY_MS;
    app.scalar(&format!(
        "UPDATE device_reports SET first_seen_at = first_seen_at - {ms}, \
         reported_at = reported_at - {ms}, waiting_since = waiting_since - {ms} \
         WHERE device_id = '{device}' RETURNING CAST(1 AS BIGINT)"
    ))
    .await;
}

async fn records_waiting_a_week_are_listed_until_they_arrive(backend: Backend) {
    let app = spawn_app(backend)
        .await
        .with_2023_accounts()
        .await
        .with_another_district()
        .await;
    let officer = app.token("binhlu", "demo-binhlu").await;
    let admin = app.token("admin", "demo-admin").await;
    let a = phone();
    report(&app, &officer, &a, 2).await;
    let listed = device(&app, &admin, &a).await;
    assert_eq!(listed["username"], "binhlu");
    assert_eq!(listed["waiting"], 2);
    assert_eq!(listed["oldest_waiting_on"], "2023-05-02");
    assert_eq!(listed["persistent"], false);
    assert_eq!(listed["problem"], Value::Null, "not a week yet");

    // Six days on, the push failed again and again: still not a week since the first report.
    age(&app, &a, 6).await;
    report(&app, &officer, &a, 2).await;
    assert_eq!(device(&app, &admin, &a).await["problem"], Value::Null);
    age(&app, &a, 1).await;
    let listed = device(&app, &admin, &a).await;
    assert_eq!(listed["problem"], "not_arrived");
    assert_eq!(listed["records"], 2);
    // The other district's admin does not see Bình Lư's phones.
    let other = app.token("admin_mt", "demo-admin_mt").await;
    assert!(devices(&app, &other)
        .await
        .iter()
        .all(|device| device["device_id"] != a.as_str()));

    // They arrive: gone from the problems.
    send(&app, &officer, &a, &new_sessions(2)).await;
    report(&app, &officer, &a, 0).await;
    let listed = device(&app, &admin, &a).await;
    assert_eq!(listed["problem"], Value::Null);
    assert_eq!(listed["waiting"], 0);
}

async fn a_phone_that_comes_back_without_its_waiting_records_is_listed_until_handled(
    backend: Backend,
) {
    let app = spawn_app(backend).await.with_2023_accounts().await;
    let officer = app.token("binhlu", "demo-binhlu").await;
    let admin = app.token("admin", "demo-admin").await;
    let a = phone();
    report(&app, &officer, &a, 3).await;
    send(&app, &officer, &a, &new_sessions(1)).await;
    // One of three arrived, and the phone now says none waits: two left it unsent.
    report(&app, &officer, &a, 0).await;
    let listed = device(&app, &admin, &a).await;
    assert_eq!(listed["problem"], "came_back_empty");
    assert_eq!(listed["records"], 2);
    assert!(listed["since"].is_string());
    // Problems come first.
    assert_eq!(devices(&app, &admin).await[0]["device_id"], a.as_str());

    let handled = json!({"officer_id": listed["officer_id"], "device_id": a});
    let path = "/api/v1/admin/devices/handled";
    let answer = app
        .call(Method::POST, path, Some(&officer), Some(handled.clone()))
        .await;
    assert_eq!(answer.status(), 403, "an officer is no admin");
    let answer = app
        .call(Method::POST, path, Some(&admin), Some(handled))
        .await;
    assert_eq!(answer.status(), 204);
    assert_eq!(device(&app, &admin, &a).await["problem"], Value::Null);
    let lines = audit_entries(&app, "device.handled").await;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].target.as_deref(), Some(a.as_str()));
    let unknown = json!({"officer_id": listed["officer_id"], "device_id": phone()});
    let answer = app
        .call(Method::POST, path, Some(&admin), Some(unknown))
        .await;
    assert_eq!(answer.status(), 404);

    // A later loss is listed again.
    report(&app, &officer, &a, 1).await;
    report(&app, &officer, &a, 0).await;
    let listed = device(&app, &admin, &a).await;
    assert_eq!(listed["problem"], "came_back_empty");
    assert_eq!(listed["records"], 1);
}

async fn a_wiped_phone_signing_in_again_lists_the_phone_it_was(backend: Backend) {
    let app = spawn_app(backend).await.with_2023_accounts().await;
    let officer = app.token("binhlu", "demo-binhlu").await;
    let admin = app.token("admin", "demo-admin").await;
    let (old, new) = (phone(), phone());
    report(&app, &officer, &old, 4).await;
    age(&app, &old, 1).await;
    // The browser cleared everything, the device id too: the phone comes back as a new one.
    report(&app, &officer, &new, 0).await;
    let listed = device(&app, &admin, &old).await;
    assert_eq!(listed["problem"], "came_back_empty");
    assert_eq!(listed["records"], 4);
    assert_eq!(device(&app, &admin, &new).await["problem"], Value::Null);
    // It was another phone, and the old one reports again: nothing lost.
    report(&app, &officer, &old, 4).await;
    assert_eq!(device(&app, &admin, &old).await["problem"], Value::Null);
}

async fn records_arriving_in_concurrent_batches_are_all_counted(backend: Backend) {
    let app = spawn_app(backend).await.with_2023_accounts().await;
    let officer = app.token("binhlu", "demo-binhlu").await;
    let admin = app.token("admin", "demo-admin").await;
    let a = phone();
    report(&app, &officer, &a, 60).await;
    // Batches from the phone and from others at once, sharing the server's write transactions.
    let batches: Vec<_> = (0..12)
        .map(|n| {
            let device = if n % 2 == 0 { a.clone() } else { phone() };
            let body = json!({"device_id": device, "records": new_sessions(10)});
            let request = app
                .client
                .post(app.url("/api/v1/sync"))
                .bearer_auth(&officer)
                .json(&body);
            tokio::spawn(async move { request.send().await.unwrap().status() })
        })
        .collect();
    for batch in batches {
        assert_eq!(batch.await.unwrap(), 200);
    }
    report(&app, &officer, &a, 0).await;
    let listed = device(&app, &admin, &a).await;
    assert_eq!(listed["problem"], Value::Null, "all 60 arrived: {listed}");
    // 50 of 70 sent, 20 still waiting: nothing lost. Then 10 of those leave the phone unsent.
    report(&app, &officer, &a, 70).await;
    send(&app, &officer, &a, &new_sessions(50)).await;
    report(&app, &officer, &a, 20).await;
    assert_eq!(device(&app, &admin, &a).await["problem"], Value::Null);
    report(&app, &officer, &a, 10).await;
    let listed = device(&app, &admin, &a).await;
    assert_eq!(listed["problem"], "came_back_empty");
    assert_eq!(listed["records"], 10);
}

async fn reports_need_an_account_and_a_device_id(backend: Backend) {
    let app = spawn_app(backend).await.with_2023_accounts().await;
    let path = "/api/v1/sync/report";
    let body = json!({"device_id": phone(), "waiting": 1});
    let answer = app.call(Method::POST, path, None, Some(body)).await;
    assert_eq!(answer.status(), 401);
    let officer = app.token("binhlu", "demo-binhlu").await;
    for bad in [
        json!({"device_id": "not-a-uuid", "waiting": 1}),
        json!({"device_id": phone(), "waiting": -1}),
        json!({"device_id": phone(), "waiting": "many"}),
        json!({"device_id": phone()}),
    ] {
        let answer = app
            .call(Method::POST, path, Some(&officer), Some(bad.clone()))
            .await;
        assert_eq!(answer.status(), 422, "{bad}");
    }
    let admin = app.token("admin", "demo-admin").await;
    assert!(devices(&app, &admin).await.is_empty(), "nothing was kept");
    let answer = app
        .call(Method::GET, "/api/v1/admin/devices", Some(&officer), None)
        .await;
    assert_eq!(answer.status(), 403);
}
