//! Calls of the API that many tests make, each with the check they all make of the answer.

use super::{TestApp, DEVICE};
use reqwest::Method;
use serde_json::{json, Value};

pub async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

/// GET as the officer with this token, expecting 200.
pub async fn get_ok(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.call(Method::GET, path, Some(token), None).await;
    assert_eq!(response.status(), 200, "GET {path}");
    json_of(response).await
}

/// The id of the officer with this username.
pub async fn user_id(app: &TestApp, username: &str) -> String {
    app.store.credentials(username).await.unwrap().unwrap().0.id
}

/// Syncs `records` from [`DEVICE`] as `token`, which must answer 200; gives the results.
pub async fn sync(app: &TestApp, token: &str, records: &[Value]) -> Vec<Value> {
    let body = json!({"device_id": DEVICE, "records": records});
    let response = app
        .call(Method::POST, "/api/v1/sync", Some(token), Some(body))
        .await;
    assert_eq!(response.status(), 200);
    json_of(response).await["results"]
        .as_array()
        .unwrap()
        .clone()
}

/// `n` new outreach sessions of Xã Bình Lư (2023), each with a fresh id.
pub fn new_sessions(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "id": uuid::Uuid::new_v4().to_string(), "kind": "outreach_session",
                "org_unit_id": "ou-03412", "occurred_on": "2023-05-02", "base_version": 0,
                "voided": false,
                "data": {"format": "leaflets", "audience": "women", "reached_male": 0,
                         "reached_female": i % 40}
            })
        })
        .collect()
}
