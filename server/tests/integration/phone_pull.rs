//! What a phone keeps (issue 15): `GET /api/v1/records?for=phone` gives only the records of this
//! year and the last the caller made (a commune's officer: the commune's), and the business
//! register of their units, so that a phone restored in a district of 50,000 records stays within
//! its storage; without `for`, everything the caller may read, as before.

use crate::common::api::json_of;
use crate::common::{spawn_app, Backend, TestApp, BINH_LU};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(a_phone_pulls_only_what_it_keeps,);

fn session(on: &str) -> Value {
    json!({
        "id": uuid::Uuid::new_v4().to_string(), "kind": "outreach_session", "org_unit_id": BINH_LU,
        "occurred_on": on, "base_version": 0, "voided": false,
        "data": {"format": "leaflets", "audience": "women", "reached_male": 0, "reached_female": 3}
    })
}

fn business(on: &str) -> Value {
    json!({
        "id": uuid::Uuid::new_v4().to_string(), "kind": "business", "org_unit_id": BINH_LU,
        "occurred_on": on, "base_version": 0, "voided": false,
        "data": {"name": "Karaoke Hoa Hồng", "type": "karaoke", "workers": 4}
    })
}

async fn send(app: &TestApp, token: &str, records: &[Value]) {
    let body = json!({"device_id": uuid::Uuid::new_v4().to_string(), "records": records});
    let answer = app
        .call(Method::POST, "/api/v1/sync", Some(token), Some(body))
        .await;
    let answer = json_of(answer).await;
    for result in answer["results"].as_array().unwrap() {
        assert_eq!(result["status"], "applied", "{result}");
    }
}

/// Every id the officer pulls with `query`, page by page of `limit`.
async fn pulled(app: &TestApp, token: &str, query: &str, limit: usize) -> Vec<String> {
    let mut ids = Vec::new();
    let mut since = String::new();
    loop {
        let path = format!("/api/v1/records?limit={limit}{query}{since}");
        let answer = app.call(Method::GET, &path, Some(token), None).await;
        assert_eq!(answer.status(), 200);
        let page = json_of(answer).await;
        let records = page["records"].as_array().unwrap();
        ids.extend(
            records
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string()),
        );
        if records.len() < limit {
            return ids;
        }
        since = format!("&since={}", page["next_cursor"].as_str().unwrap());
    }
}

async fn a_phone_pulls_only_what_it_keeps(backend: Backend) {
    let app = spawn_app(backend).await.with_2023_accounts().await;
    let district = app.token("huyen", "demo-huyen").await;
    let commune = app.token("binhlu", "demo-binhlu").await;
    let last_year = chrono::Utc::now()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap()
        - 1;
    // The unit closed on 30 June 2025: records of last year are those of 2025 before that.
    let recent = format!("{last_year}-03-02");
    let (old, own, register) = (
        session("2023-05-02"),
        session(&recent),
        business("2023-01-10"),
    );
    send(
        &app,
        &district,
        &[old.clone(), own.clone(), register.clone()],
    )
    .await;
    let (colleague, colleague_business) = (session(&recent), business(&recent));
    send(
        &app,
        &commune,
        &[colleague.clone(), colleague_business.clone()],
    )
    .await;
    let id = |record: &Value| record["id"].as_str().unwrap().to_string();

    let everything = pulled(&app, &district, "", 500).await;
    assert_eq!(everything.len(), 5);
    for limit in [500, 1] {
        let kept = pulled(&app, &district, "&for=phone", limit).await;
        assert_eq!(
            kept,
            vec![id(&own), id(&register), id(&colleague_business)],
            "pages of {limit}"
        );
    }
    // A commune's officer keeps the commune's records of the window, whoever made them.
    let kept = pulled(&app, &commune, "&for=phone", 500).await;
    assert_eq!(
        kept,
        vec![
            id(&own),
            id(&register),
            id(&colleague),
            id(&colleague_business)
        ]
    );

    // An earlier year, on demand: the officer's records of it, without the register.
    let older = pulled(&app, &district, "&for=phone&year=2023", 500).await;
    assert_eq!(older, vec![id(&old)]);
    let commune_2023 = pulled(&app, &commune, "&for=phone&year=2023", 500).await;
    assert_eq!(
        commune_2023,
        vec![id(&old)],
        "the commune's, whoever made them"
    );

    for query in [
        "for=all",
        "year=2023",
        &format!("for=phone&year={last_year}"),
    ] {
        let path = format!("/api/v1/records?{query}");
        let answer = app.call(Method::GET, &path, Some(&district), None).await;
        assert_eq!(answer.status(), 422, "{query}");
    }
}
