//! `POST /api/v1/sync` and `GET /api/v1/records` over real HTTP, on both stores: every status,
//! replays, concurrent sends, scope, invalid records, limits, paging, and the kept versions.

use crate::common::{
    demo_app, stored_versions, Backend, TestApp, BINH_LU, DEVICE, DISTRICT, NEW_BINH_LU, THI_TRAN,
};
use reqwest::{header, Method};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};

on_both_stores!(
    each_status_is_answered_as_the_api_says,
    replaying_a_batch_or_any_prefix_leaves_the_store_as_one_send_did,
    twelve_concurrent_sends_of_one_batch_store_each_record_once,
    a_commune_officer_may_not_write_or_edit_another_commune_s_records,
    a_district_officer_writes_for_the_district_and_every_commune,
    invalid_records_are_rejected_alone_with_their_codes,
    more_than_500_records_or_1_mib_answers_413_and_stores_nothing,
    unreadable_requests_answer_json_errors,
    records_come_back_paged_each_once_at_its_latest_version,
    each_officer_reads_only_the_records_of_their_scope,
    every_version_is_kept_with_who_and_which_device,
    records_are_dated_within_the_life_of_their_unit,
    a_record_stored_before_its_unit_closed_is_retried_and_voided_but_not_changed,
    a_province_officer_writes_for_every_unit_below_the_province,
    a_nul_or_a_hidden_character_rejects_only_its_own_record,
    text_typed_decomposed_is_stored_composed,
    a_phone_number_in_notes_is_refused_with_the_message_and_the_rest_applied,
);

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn session(id: &str, unit: &str, base_version: i64, reached_male: i64) -> Value {
    json!({
        "id": id, "kind": "outreach_session", "org_unit_id": unit, "occurred_on": "2023-03-14",
        "base_version": base_version, "voided": false,
        "data": {"format": "group_talk", "audience": "youth", "reached_male": reached_male,
                 "reached_female": 2}
    })
}

fn referral(id: &str, unit: &str, consent: bool) -> Value {
    json!({
        "id": id, "kind": "referral", "org_unit_id": unit, "occurred_on": "2023-04-02",
        "base_version": 0, "voided": false,
        "data": {"client_code": "C001", "in_need_eligible": true, "consent": consent,
                 "service": "HIV_TEST", "status": "referred"}
    })
}

async fn send(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.call(Method::POST, "/api/v1/sync", Some(token), Some(body))
        .await
}

/// Syncs the records from [`DEVICE`], expecting 200.
async fn sync(app: &TestApp, token: &str, records: &[Value]) -> Value {
    sync_from(app, token, DEVICE, records).await
}

async fn sync_from(app: &TestApp, token: &str, device: &str, records: &[Value]) -> Value {
    let response = send(app, token, json!({"device_id": device, "records": records})).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["results"].as_array().unwrap().len(), records.len());
    body
}

/// `(status, version)` of each result.
fn statuses(body: &Value) -> Vec<(String, Value)> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            let status = result["status"].as_str().unwrap().to_string();
            (status, result["version"].clone())
        })
        .collect()
}

fn expect(pairs: &[(&str, Option<i64>)]) -> Vec<(String, Value)> {
    pairs
        .iter()
        .map(|(status, version)| (status.to_string(), json!(version)))
        .collect()
}

/// `(field, code)` of a result's errors.
fn codes(result: &Value) -> Vec<(String, String)> {
    result["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| {
            let field = error["field"].as_str().unwrap().to_string();
            (field, error["code"].as_str().unwrap().to_string())
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

async fn page(app: &TestApp, token: &str, query: &str) -> reqwest::Response {
    let path = format!("/api/v1/records{query}");
    app.call(Method::GET, &path, Some(token), None).await
}

/// Every record the officer may read, page by page; the cursor of the last, empty page.
async fn read_all(app: &TestApp, token: &str, limit: usize) -> (Vec<Value>, String) {
    let mut records = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let since = cursor
            .as_deref()
            .map(|c| format!("&since={c}"))
            .unwrap_or_default();
        let response = page(app, token, &format!("?limit={limit}{since}")).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        let batch = body["records"].as_array().unwrap().clone();
        assert!(batch.len() <= limit);
        let next = body["next_cursor"].as_str().unwrap().to_string();
        if batch.is_empty() {
            if let Some(cursor) = cursor {
                assert_eq!(next, cursor, "an empty page keeps the cursor");
            }
            return (records, next);
        }
        records.extend(batch);
        cursor = Some(next);
    }
}

fn ids_of(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|record| record["id"].as_str().unwrap().to_string())
        .collect()
}

async fn officer_id(app: &TestApp, token: &str) -> String {
    let response = app.call(Method::GET, "/api/v1/me", Some(token), None).await;
    let body: Value = response.json().await.unwrap();
    body["officer"]["id"].as_str().unwrap().to_string()
}

async fn each_status_is_answered_as_the_api_says(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("binhlu", "demo-binhlu").await;
    let a = new_id();
    let capitals = new_id().to_uppercase();
    let body = sync(
        &app,
        &token,
        &[
            session(&a, BINH_LU, 0, 3),
            session(&capitals, BINH_LU, 0, 1),
        ],
    )
    .await;
    assert_eq!(
        statuses(&body),
        expect(&[("applied", Some(1)), ("applied", Some(1))])
    );
    assert_eq!(body["results"][1]["id"], capitals, "the id as sent");
    assert!(body["server_time"].as_str().unwrap().ends_with('Z'));

    let body = sync(
        &app,
        &token,
        &[
            session(&a, BINH_LU, 0, 3),
            session(&a, BINH_LU, 1, 5),
            session(&a, BINH_LU, 1, 6),
            session(&new_id(), BINH_LU, 2, 1),
            session(&a, BINH_LU, 9, 5),
            session(&capitals.to_lowercase(), BINH_LU, 0, 1),
        ],
    )
    .await;
    assert_eq!(
        statuses(&body),
        expect(&[
            ("unchanged", Some(1)),
            ("applied", Some(2)),
            ("conflict", Some(2)),
            ("rejected", None),
            ("rejected", None),
            ("unchanged", Some(1)),
        ])
    );
    let results = body["results"].as_array().unwrap();
    for rejected in [&results[3], &results[4]] {
        assert_eq!(
            codes(rejected),
            pairs(&[("base_version", "unknown_base_version")])
        );
    }
    let current = &results[2]["current"];
    let updated_at = current["updated_at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(updated_at).is_ok());
    assert_eq!(
        current,
        &json!({
            "id": a, "kind": "outreach_session", "org_unit_id": BINH_LU,
            "occurred_on": "2023-03-14", "voided": false,
            "data": {"format": "group_talk", "audience": "youth", "reached_male": 5,
                     "reached_female": 2},
            "version": 2, "updated_at": updated_at, "updated_by": officer_id(&app, &token).await
        })
    );
    assert!(results[0].get("current").is_none() && results[0].get("errors").is_none());

    // The audit log has who synced from which device and how it went, not the records.
    let admin = app.token("admin", "demo-admin").await;
    let response = app
        .call(
            Method::GET,
            "/api/v1/admin/audit?action=sync",
            Some(&admin),
            None,
        )
        .await;
    let log: Value = response.json().await.unwrap();
    assert_eq!(log.as_array().unwrap().len(), 2);
    assert_eq!(log[0]["username"], "binhlu");
    assert_eq!(log[0]["target"], DEVICE);
    assert_eq!(
        log[0]["detail"],
        json!({"records": 6, "applied": 1, "unchanged": 2, "conflict": 1, "rejected": 2})
    );
}

async fn replaying_a_batch_or_any_prefix_leaves_the_store_as_one_send_did(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("binhlu", "demo-binhlu").await;
    let ids: Vec<String> = (0..5).map(|_| new_id()).collect();
    sync(&app, &token, &[session(&ids[0], BINH_LU, 0, 1)]).await;
    let batch = [
        session(&ids[1], BINH_LU, 0, 1),
        session(&ids[2], BINH_LU, 0, 2),
        referral(&ids[3], BINH_LU, true),
        session(&ids[0], BINH_LU, 1, 7),
        session(&ids[4], BINH_LU, 0, 3),
    ];
    let versions = [1, 1, 1, 2, 1];
    let applied: Vec<_> = versions.iter().map(|v| ("applied", Some(*v))).collect();
    assert_eq!(
        statuses(&sync(&app, &token, &batch).await),
        expect(&applied)
    );
    let records = read_all(&app, &token, 100).await;
    let versions_kept = stored_versions(&app.database_url).await;
    assert_eq!(records.0.len(), 5);
    assert_eq!(versions_kept.len(), 6);

    let unchanged: Vec<_> = versions.iter().map(|v| ("unchanged", Some(*v))).collect();
    assert_eq!(
        statuses(&sync(&app, &token, &batch).await),
        expect(&unchanged)
    );
    for n in 1..=batch.len() {
        let body = sync(&app, &token, &batch[..n]).await;
        assert_eq!(statuses(&body), expect(&unchanged[..n]), "prefix of {n}");
    }
    assert_eq!(read_all(&app, &token, 100).await, records);
    assert_eq!(stored_versions(&app.database_url).await, versions_kept);
}

async fn twelve_concurrent_sends_of_one_batch_store_each_record_once(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("binhlu", "demo-binhlu").await;
    let ids: Vec<String> = (0..100).map(|_| new_id()).collect();
    let records: Vec<Value> = ids
        .iter()
        .enumerate()
        .map(|(n, id)| session(id, BINH_LU, 0, n as i64))
        .collect();
    let body = json!({"device_id": DEVICE, "records": records});
    let sends: Vec<_> = (0..12)
        .map(|_| {
            let request = app
                .client
                .post(app.url("/api/v1/sync"))
                .bearer_auth(&token)
                .json(&body);
            tokio::spawn(async move {
                let response = request.send().await.unwrap();
                assert_eq!(response.status(), 200);
                response.json::<Value>().await.unwrap()
            })
        })
        .collect();
    let mut applied: HashMap<String, usize> = HashMap::new();
    for send in sends {
        let answer = send.await.unwrap();
        for (result, id) in answer["results"].as_array().unwrap().iter().zip(&ids) {
            assert_eq!(&result["id"], id);
            assert_eq!(result["version"], 1);
            match result["status"].as_str().unwrap() {
                "applied" => *applied.entry(id.clone()).or_default() += 1,
                "unchanged" => {}
                other => panic!("{other}"),
            }
        }
    }
    assert!(applied.values().all(|n| *n == 1));
    assert_eq!(applied.len(), ids.len(), "each record applied exactly once");

    let (stored, _) = read_all(&app, &token, 500).await;
    let stored_ids: BTreeSet<String> = ids_of(&stored).into_iter().collect();
    assert_eq!(stored.len(), ids.len());
    assert_eq!(stored_ids, ids.iter().cloned().collect());
    let versions = stored_versions(&app.database_url).await;
    assert_eq!(versions.len(), ids.len());
    assert!(versions.iter().all(|(_, version, _, _)| *version == 1));
}

async fn a_commune_officer_may_not_write_or_edit_another_commune_s_records(backend: Backend) {
    let app = demo_app(backend).await;
    let binh_lu = app.token("binhlu", "demo-binhlu").await;
    let thi_tran = app.token("thitran", "demo-thitran").await;
    let theirs = new_id();
    let body = sync(&app, &thi_tran, &[session(&theirs, THI_TRAN, 0, 4)]).await;
    assert_eq!(statuses(&body), expect(&[("applied", Some(1))]));

    let body = sync(
        &app,
        &binh_lu,
        &[
            session(&new_id(), THI_TRAN, 0, 1),
            session(&theirs, THI_TRAN, 0, 4),
            session(&theirs, THI_TRAN, 1, 9),
            // Taking their record over into one's own commune.
            session(&theirs, BINH_LU, 1, 4),
            session(&new_id(), DISTRICT, 0, 1),
            session(&new_id(), BINH_LU, 0, 1),
        ],
    )
    .await;
    let results = body["results"].as_array().unwrap();
    for result in &results[..5] {
        assert_eq!(result["status"], "rejected");
        assert_eq!(codes(result), pairs(&[("org_unit_id", "forbidden")]));
        assert!(result.get("current").is_none());
    }
    assert_eq!(results[5]["status"], "applied");

    let (theirs_now, _) = read_all(&app, &thi_tran, 100).await;
    assert_eq!(ids_of(&theirs_now), [theirs]);
    assert_eq!(theirs_now[0]["version"], 1);
    assert_eq!(theirs_now[0]["data"]["reached_male"], 4);
}

async fn a_district_officer_writes_for_the_district_and_every_commune(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("huyen", "demo-huyen").await;
    let response = app
        .call(
            Method::GET,
            "/api/v1/org-units?year=2023",
            Some(&token),
            None,
        )
        .await;
    let units: Value = response.json().await.unwrap();
    let units: Vec<String> = ids_of(units.as_array().unwrap());
    assert_eq!(units.len(), 14);
    let records: Vec<Value> = units
        .iter()
        .map(|unit| session(&new_id(), unit, 0, 1))
        .collect();
    let body = sync(&app, &token, &records).await;
    assert!(statuses(&body)
        .iter()
        .all(|(status, version)| status == "applied" && version == 1));

    let body = sync(
        &app,
        &token,
        &[
            session(&new_id(), "ou-105", 0, 1),
            session(&new_id(), "ou-nowhere", 0, 1),
        ],
    )
    .await;
    assert_eq!(
        codes(&body["results"][0]),
        pairs(&[("org_unit_id", "forbidden")])
    );
    assert_eq!(
        codes(&body["results"][1]),
        pairs(&[("org_unit_id", "invalid_value")])
    );
    assert_eq!(read_all(&app, &token, 5).await.0.len(), 14);
}

async fn invalid_records_are_rejected_alone_with_their_codes(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("binhlu", "demo-binhlu").await;
    let mut negative = session(&new_id(), BINH_LU, 0, -1);
    negative["data"]["reached_female"] = json!(-2);
    let mut future = session(&new_id(), BINH_LU, 0, 1);
    future["occurred_on"] = json!("2099-01-01");
    let mut no_id = session("", BINH_LU, 0, 1);
    no_id.as_object_mut().unwrap().remove("id");
    let records = [
        session(&new_id(), BINH_LU, 0, 1),
        negative,
        future,
        referral(&new_id(), BINH_LU, false),
        referral(&new_id(), BINH_LU, true),
        json!("not a record"),
        no_id,
    ];
    let body = sync(&app, &token, &records).await;
    assert_eq!(
        statuses(&body),
        expect(&[
            ("applied", Some(1)),
            ("rejected", None),
            ("rejected", None),
            ("rejected", None),
            ("applied", Some(1)),
            ("rejected", None),
            ("rejected", None),
        ])
    );
    let results = body["results"].as_array().unwrap();
    assert_eq!(
        codes(&results[1]),
        pairs(&[
            ("data.reached_male", "negative"),
            ("data.reached_female", "negative")
        ])
    );
    assert_eq!(codes(&results[2]), pairs(&[("occurred_on", "in_future")]));
    assert_eq!(
        codes(&results[3]),
        pairs(&[("data.consent", "consent_required")])
    );
    assert_eq!(codes(&results[5]), pairs(&[("", "invalid_format")]));
    assert_eq!(codes(&results[6]), pairs(&[("id", "required")]));
    assert_eq!(results[6]["id"], "");
    assert_eq!(
        results[3]["errors"][0]["message"],
        "The person's consent is required"
    );

    // Messages in Vietnamese for a phone that asks for them.
    let response = app
        .client
        .post(app.url("/api/v1/sync"))
        .bearer_auth(&token)
        .header(header::ACCEPT_LANGUAGE, "vi-VN,vi;q=0.9,en;q=0.5")
        .json(&json!({"device_id": DEVICE, "records": [referral(&new_id(), BINH_LU, false)]}))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["results"][0]["errors"][0]["message"],
        "Cần có sự đồng ý của người được hỗ trợ"
    );
    assert_eq!(read_all(&app, &token, 100).await.0.len(), 2);
}

async fn more_than_500_records_or_1_mib_answers_413_and_stores_nothing(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("binhlu", "demo-binhlu").await;
    let many: Vec<Value> = (0..501)
        .map(|_| session(&new_id(), BINH_LU, 0, 1))
        .collect();
    let response = send(&app, &token, json!({"device_id": DEVICE, "records": many})).await;
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_large");

    // A body of exactly 1 MiB passes; one byte more does not.
    let few: Vec<Value> = (0..3).map(|_| session(&new_id(), BINH_LU, 0, 1)).collect();
    let padded = |size: usize| {
        let mut text = json!({"device_id": DEVICE, "records": few}).to_string();
        text.push_str(&" ".repeat(size - text.len()));
        text
    };
    let raw = |text: String| {
        app.client
            .post(app.url("/api/v1/sync"))
            .bearer_auth(&token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(text)
            .send()
    };
    let response = raw(padded(1024 * 1024 + 1)).await.unwrap();
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_large");
    assert!(stored_versions(&app.database_url).await.is_empty());
    assert!(read_all(&app, &token, 100).await.0.is_empty());

    let response = raw(padded(1024 * 1024)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(stored_versions(&app.database_url).await.len(), 3);
}

async fn unreadable_requests_answer_json_errors(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("binhlu", "demo-binhlu").await;
    let response = app
        .client
        .post(app.url("/api/v1/sync"))
        .bearer_auth(&token)
        .header(header::CONTENT_TYPE, "application/json")
        .body(r#"{"device_id": "x", "records": [{"id": "#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "malformed");

    let body = json!({"device_id": DEVICE, "records": []});
    let response = app
        .call(Method::POST, "/api/v1/sync", None, Some(body))
        .await;
    assert_eq!(response.status(), 401);
    let response = page(&app, "not-a-session", "").await;
    assert_eq!(response.status(), 401);

    let body = json!({"device_id": "my phone", "records": [session(&new_id(), BINH_LU, 0, 1)]});
    let response = send(&app, &token, body).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["errors"][0]["field"], "device_id");
    let response = send(&app, &token, json!({"device_id": DEVICE, "records": {}})).await;
    assert_eq!(response.status(), 422);
    assert!(stored_versions(&app.database_url).await.is_empty());
}

async fn records_come_back_paged_each_once_at_its_latest_version(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("huyen", "demo-huyen").await;
    let ids: Vec<String> = (0..7).map(|_| new_id()).collect();
    let units = [BINH_LU, THI_TRAN, DISTRICT];
    let records: Vec<Value> = ids
        .iter()
        .enumerate()
        .map(|(n, id)| session(id, units[n % 3], 0, n as i64))
        .collect();
    sync(&app, &token, &records).await;
    let mut voided = session(&ids[3], units[0], 1, 3);
    voided["voided"] = json!(true);
    let body = sync(&app, &token, &[session(&ids[0], units[0], 1, 50), voided]).await;
    assert_eq!(
        statuses(&body),
        expect(&[("applied", Some(2)), ("applied", Some(2))])
    );

    let (all, cursor) = read_all(&app, &token, 3).await;
    let order: Vec<&String> = [1, 2, 4, 5, 6, 0, 3].iter().map(|n| &ids[*n]).collect();
    assert_eq!(
        ids_of(&all).iter().collect::<Vec<_>>(),
        order,
        "oldest change first"
    );
    assert_eq!(all[5]["version"], 2);
    assert_eq!(all[5]["data"]["reached_male"], 50);
    assert_eq!(all[6]["version"], 2);
    assert_eq!(all[6]["voided"], true);

    // A later change arrives on the last cursor; the default page holds it.
    let late = new_id();
    sync(&app, &token, &[session(&late, BINH_LU, 0, 1)]).await;
    let response = page(&app, &token, &format!("?since={cursor}")).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(ids_of(body["records"].as_array().unwrap()), [late]);
    assert_ne!(body["next_cursor"], cursor.as_str());
    let response = page(&app, &token, "").await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["records"].as_array().unwrap().len(), 8);

    for (query, status) in [
        ("?limit=0", 422),
        ("?limit=501", 422),
        ("?limit=many", 400),
        ("?since=abc", 400),
        ("?since=-1", 400),
        ("?since=99999", 400),
    ] {
        let response = page(&app, &token, query).await;
        assert_eq!(response.status(), status, "{query}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"]["code"].is_string(), "{query}");
    }
    let response = page(&app, &token, "?limit=500").await;
    assert_eq!(response.status(), 200);
}

async fn each_officer_reads_only_the_records_of_their_scope(backend: Backend) {
    let app = demo_app(backend).await;
    let binh_lu = app.token("binhlu", "demo-binhlu").await;
    let thi_tran = app.token("thitran", "demo-thitran").await;
    let district = app.token("huyen", "demo-huyen").await;
    let admin = app.token("admin", "demo-admin").await;
    let (ours, theirs, district_work, our_referral) = (new_id(), new_id(), new_id(), new_id());
    sync(
        &app,
        &binh_lu,
        &[
            session(&ours, BINH_LU, 0, 1),
            referral(&our_referral, BINH_LU, true),
        ],
    )
    .await;
    sync(&app, &thi_tran, &[session(&theirs, THI_TRAN, 0, 1)]).await;
    sync(&app, &district, &[session(&district_work, DISTRICT, 0, 1)]).await;

    let read = |token: String| {
        let app = &app;
        async move {
            let ids = ids_of(&read_all(app, &token, 100).await.0);
            ids.into_iter().collect::<BTreeSet<_>>()
        }
    };
    let set = |ids: &[&String]| ids.iter().map(|id| id.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(read(binh_lu.clone()).await, set(&[&ours, &our_referral]));
    assert_eq!(read(thi_tran).await, set(&[&theirs]));
    assert_eq!(
        read(district).await,
        set(&[&ours, &theirs, &district_work, &our_referral])
    );
    let response = page(&app, &admin, "").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"records": [], "next_cursor": "0"}));

    // The health centre follows up referrals: those it reads and writes, nothing else.
    app.add_officer("yte", "health_officer", DISTRICT).await;
    let health = app.token("yte", "demo-yte").await;
    assert_eq!(read(health.clone()).await, set(&[&our_referral]));
    let mut accessed = referral(&our_referral, BINH_LU, true);
    accessed["base_version"] = json!(1);
    accessed["data"]["status"] = json!("accessed");
    accessed["data"]["accessed_on"] = json!("2023-04-10");
    let body = sync(
        &app,
        &health,
        &[
            accessed,
            referral(&new_id(), THI_TRAN, true),
            session(&new_id(), BINH_LU, 0, 1),
            session(&ours, BINH_LU, 1, 9),
        ],
    )
    .await;
    let results = body["results"].as_array().unwrap();
    assert_eq!(
        statuses(&body)[..2],
        expect(&[("applied", Some(2)), ("applied", Some(1))])
    );
    for result in &results[2..] {
        assert_eq!(codes(result), pairs(&[("kind", "forbidden")]));
    }
    let (seen, _) = read_all(&app, &binh_lu, 100).await;
    let followed_up = seen
        .iter()
        .find(|r| r["id"] == our_referral.as_str())
        .unwrap();
    assert_eq!(followed_up["version"], 2, "the commune sees the follow-up");
    assert_eq!(followed_up["data"]["status"], "accessed");
}

async fn every_version_is_kept_with_who_and_which_device(backend: Backend) {
    let app = demo_app(backend).await;
    let commune = app.token("binhlu", "demo-binhlu").await;
    let district = app.token("huyen", "demo-huyen").await;
    let (commune_id, district_id) = (
        officer_id(&app, &commune).await,
        officer_id(&app, &district).await,
    );
    let other_device = "0a1b2c3d-0000-4000-8000-000000000001";
    let id = new_id();
    sync(&app, &commune, &[session(&id, BINH_LU, 0, 1)]).await;
    sync_from(&app, &commune, other_device, &[session(&id, BINH_LU, 1, 2)]).await;
    let mut voided = session(&id, BINH_LU, 2, 2);
    voided["voided"] = json!(true);
    let body = sync(&app, &district, &[voided]).await;
    assert_eq!(statuses(&body), expect(&[("applied", Some(3))]));

    let versions = stored_versions(&app.database_url).await;
    let expected = [
        (id.clone(), 1, DEVICE.to_string(), commune_id.clone()),
        (id.clone(), 2, other_device.to_string(), commune_id),
        (id.clone(), 3, DEVICE.to_string(), district_id.clone()),
    ];
    assert_eq!(versions, expected);
    let (records, _) = read_all(&app, &commune, 100).await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["version"], 3);
    assert_eq!(records[0]["voided"], true);
    assert_eq!(records[0]["updated_by"], district_id);
}

/// `record` dated `day`.
fn dated(mut record: Value, day: &str) -> Value {
    record["occurred_on"] = json!(day);
    record
}

/// Creates an account in the store as the command line does and signs it in.
async fn officer_token(app: &TestApp, username: &str, role: &str, unit: &str) -> String {
    app.add_officer(username, role, unit).await;
    app.token(username, &format!("demo-{username}")).await
}

async fn records_are_dated_within_the_life_of_their_unit(backend: Backend) {
    let app = demo_app(backend).await;
    let old_commune = app.token("binhlu", "demo-binhlu").await;
    let late = dated(session(&new_id(), BINH_LU, 0, 1), "2026-03-10");
    let last_day = dated(session(&new_id(), BINH_LU, 0, 1), "2025-06-30");
    let body = sync(&app, &old_commune, &[late.clone(), last_day]).await;
    assert_eq!(
        statuses(&body),
        expect(&[("rejected", None), ("applied", Some(1))])
    );
    assert_eq!(
        codes(&body["results"][0]),
        pairs(&[("occurred_on", "unit_closed")])
    );
    assert_eq!(
        body["results"][0]["errors"][0]["message"],
        "Xã Bình Lư was dissolved as of 01/07/2025; successor unit: Xã Bình Lư (03390)."
    );
    // In Vietnamese for a phone that asks for it.
    let response = app
        .client
        .post(app.url("/api/v1/sync"))
        .bearer_auth(&old_commune)
        .header(header::ACCEPT_LANGUAGE, "vi")
        .json(&json!({"device_id": DEVICE, "records": [late]}))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["results"][0]["errors"][0],
        json!({"field": "occurred_on", "code": "unit_closed",
               "message": "Xã Bình Lư đã giải thể từ 01/07/2025; \
                           đơn vị kế tiếp: Xã Bình Lư (03390)."})
    );

    let new_commune = officer_token(&app, "binhlumoi", "commune_officer", NEW_BINH_LU).await;
    let body = sync(
        &app,
        &new_commune,
        &[
            dated(session(&new_id(), NEW_BINH_LU, 0, 1), "2026-03-10"),
            dated(session(&new_id(), NEW_BINH_LU, 0, 1), "2025-07-01"),
            dated(session(&new_id(), NEW_BINH_LU, 0, 1), "2025-06-30"),
        ],
    )
    .await;
    assert_eq!(
        statuses(&body),
        expect(&[
            ("applied", Some(1)),
            ("applied", Some(1)),
            ("rejected", None)
        ])
    );
    assert_eq!(
        body["results"][2]["errors"],
        json!([{"field": "occurred_on", "code": "unit_not_yet_open",
                "message": "Xã Bình Lư exists only from 01/07/2025."}])
    );

    // A district: closed without successor. A foreign unit is refused for its unit, not its date.
    let district = app.token("huyen", "demo-huyen").await;
    let body = sync(
        &app,
        &district,
        &[
            dated(session(&new_id(), DISTRICT, 0, 1), "2026-03-10"),
            dated(session(&new_id(), NEW_BINH_LU, 0, 1), "2025-06-30"),
        ],
    )
    .await;
    assert_eq!(
        body["results"][0]["errors"][0]["message"],
        "Huyện Tam Đường was dissolved as of 01/07/2025."
    );
    assert_eq!(
        codes(&body["results"][1]),
        pairs(&[("org_unit_id", "forbidden")])
    );
    assert_eq!(stored_versions(&app.database_url).await.len(), 3);
}

async fn a_record_stored_before_its_unit_closed_is_retried_and_voided_but_not_changed(
    backend: Backend,
) {
    let app = demo_app(backend).await;
    let officer = officer_token(&app, "binhlumoi", "commune_officer", NEW_BINH_LU).await;
    let record = dated(session(&new_id(), NEW_BINH_LU, 0, 1), "2026-08-01");
    let referral = dated(referral(&new_id(), NEW_BINH_LU, true), "2026-08-01");
    let body = sync(&app, &officer, &[record.clone(), referral.clone()]).await;
    assert_eq!(
        statuses(&body),
        expect(&[("applied", Some(1)), ("applied", Some(1))])
    );
    // The unit closes on a date before the records: the province administrator's late correction.
    let admin = app.province_admin().await;
    let path = format!("/api/v1/admin/org-units/{NEW_BINH_LU}");
    let close = json!({"valid_to": "2026-06-30"});
    let response = app
        .call(Method::PATCH, &path, Some(&admin), Some(close))
        .await;
    assert_eq!(response.status(), 200);

    let mut voided = record.clone();
    voided["base_version"] = json!(1);
    voided["voided"] = json!(true);
    let mut accessed = referral.clone();
    accessed["base_version"] = json!(1);
    accessed["data"]["status"] = json!("accessed");
    accessed["data"]["accessed_on"] = json!("2026-08-20");
    let body = sync(
        &app,
        &officer,
        &[
            record,
            voided,
            accessed,
            dated(session(&new_id(), NEW_BINH_LU, 0, 1), "2026-08-02"),
        ],
    )
    .await;
    assert_eq!(
        statuses(&body),
        expect(&[
            ("unchanged", Some(1)),
            ("applied", Some(2)),
            ("rejected", None),
            ("rejected", None),
        ])
    );
    for result in &body["results"].as_array().unwrap()[2..] {
        assert_eq!(codes(result), pairs(&[("occurred_on", "unit_closed")]));
        assert_eq!(
            result["errors"][0]["message"],
            "Xã Bình Lư was dissolved as of 01/07/2026."
        );
    }
}

async fn a_province_officer_writes_for_every_unit_below_the_province(backend: Backend) {
    let app = demo_app(backend).await;
    let province = officer_token(&app, "tinh", "province_officer", "ou-12").await;
    let ours = [
        session(&new_id(), BINH_LU, 0, 1),
        session(&new_id(), DISTRICT, 0, 1),
        session(&new_id(), "ou-12", 0, 1),
        dated(session(&new_id(), NEW_BINH_LU, 0, 1), "2026-03-10"),
        dated(referral(&new_id(), "ou-03424-20250701", true), "2026-03-11"),
    ];
    let body = sync(&app, &province, &ours).await;
    assert!(statuses(&body)
        .iter()
        .all(|(status, version)| status == "applied" && version == 1));
    // The communes' own officers' records too.
    let commune = app.token("binhlu", "demo-binhlu").await;
    let theirs = new_id();
    sync(&app, &commune, &[session(&theirs, BINH_LU, 0, 1)]).await;
    let seen: BTreeSet<String> = ids_of(&read_all(&app, &province, 100).await.0)
        .into_iter()
        .collect();
    let mut expected: BTreeSet<String> = ids_of(&ours).into_iter().collect();
    expected.insert(theirs);
    assert_eq!(seen, expected);

    let body = sync(&app, &province, &[session(&new_id(), "ou-nowhere", 0, 1)]).await;
    assert_eq!(
        codes(&body["results"][0]),
        pairs(&[("org_unit_id", "invalid_value")])
    );
}

async fn a_nul_or_a_hidden_character_rejects_only_its_own_record(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("binhlu", "demo-binhlu").await;
    let with_notes = |notes: &str| {
        let mut record = session(&new_id(), BINH_LU, 0, 3);
        record["data"]["notes"] = json!(notes);
        record
    };
    // A NUL cannot be stored in PostgreSQL at all: it once failed the whole batch with a 500.
    let records = [
        with_notes("trước\u{0}sau"),
        session(&new_id(), BINH_LU, 0, 4),
        with_notes("abc\u{202E}fdp.exe"),
        with_notes("Hai dòng\nghi chú"),
    ];
    let body = sync(&app, &token, &records).await;
    assert_eq!(
        statuses(&body),
        expect(&[
            ("rejected", None),
            ("applied", Some(1)),
            ("rejected", None),
            ("applied", Some(1)),
        ])
    );
    for rejected in [0, 2] {
        assert_eq!(
            codes(&body["results"][rejected]),
            pairs(&[("data.notes", "invalid_characters")])
        );
    }
    let (stored, _) = read_all(&app, &token, 500).await;
    assert_eq!(stored.len(), 2);
}

async fn text_typed_decomposed_is_stored_composed(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("binhlu", "demo-binhlu").await;
    // As some keyboards type them: each letter, then its marks.
    let village = "Ba\u{309}n Na\u{300} \u{110}o\u{302}ng";
    let notes =
        "Chi\u{323} Nguye\u{302}\u{303}n Thi\u{323} Hoa\u{300}, ho\u{323}\u{302}i vie\u{302}n";
    let id = new_id();
    let mut typed = session(&id, BINH_LU, 0, 3);
    typed["data"]["village"] = json!(village);
    typed["data"]["notes"] = json!(notes);
    let body = sync(&app, &token, std::slice::from_ref(&typed)).await;
    assert_eq!(statuses(&body), expect(&[("applied", Some(1))]));

    let (stored, _) = read_all(&app, &token, 100).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["data"]["village"], "Bản Nà Đông");
    assert_eq!(stored[0]["data"]["notes"], "Chị Nguyễn Thị Hoà, hội viên");
    assert_ne!(village, "Bản Nà Đông", "the test sends decomposed text");

    // The same words composed are the same record: a retry, nothing stored.
    let mut composed = typed.clone();
    composed["data"]["village"] = json!("Bản Nà Đông");
    composed["data"]["notes"] = json!("Chị Nguyễn Thị Hoà, hội viên");
    for again in [composed, typed] {
        let body = sync(&app, &token, &[again]).await;
        assert_eq!(statuses(&body), expect(&[("unchanged", Some(1))]));
    }
    assert_eq!(stored_versions(&app.database_url).await.len(), 1);
}

async fn a_phone_number_in_notes_is_refused_with_the_message_and_the_rest_applied(
    backend: Backend,
) {
    let app = demo_app(backend).await;
    let token = app.token("binhlu", "demo-binhlu").await;
    let with_notes = |notes: &str| {
        let mut record = session(&new_id(), BINH_LU, 0, 3);
        record["data"]["notes"] = json!(notes);
        record
    };
    let mut named = referral(&new_id(), BINH_LU, true);
    named["data"]["client_code"] = json!("Nguyen-Thi-Lan-0912345678");
    let mut coded = referral(&new_id(), BINH_LU, true);
    coded["data"]["client_code"] = json!("LC-2023_15");
    let records = [
        with_notes("Chị Lan, SĐT 0912 345 678, gặp buổi tối"),
        session(&new_id(), BINH_LU, 0, 4),
        named,
        with_notes("Phạt 1.500.000 đồng theo 178/2004/NĐ-CP ngày 01/07/2025; 12 người, 3 buổi"),
        with_notes("CCCD 001 090 012 345"),
        with_notes("Hỏi qua lan.nguyen@gmail.com"),
        coded,
    ];
    let body = sync(&app, &token, &records).await;
    assert_eq!(
        statuses(&body),
        expect(&[
            ("rejected", None),
            ("applied", Some(1)),
            ("rejected", None),
            ("applied", Some(1)),
            ("rejected", None),
            ("rejected", None),
            ("applied", Some(1)),
        ])
    );
    let results = body["results"].as_array().unwrap();
    for rejected in [0, 4, 5] {
        assert_eq!(
            codes(&results[rejected]),
            pairs(&[("data.notes", "personal_data")])
        );
    }
    assert_eq!(
        codes(&results[2]),
        pairs(&[("data.client_code", "personal_data")])
    );
    assert_eq!(
        results[0]["errors"][0]["message"],
        "This looks like a phone number, an ID number (CMND/CCCD), an e-mail address or a name: \
         personal data must not be written in a record"
    );

    // In Vietnamese for a phone that asks for it.
    let response = app
        .client
        .post(app.url("/api/v1/sync"))
        .bearer_auth(&token)
        .header(header::ACCEPT_LANGUAGE, "vi")
        .json(&json!({"device_id": DEVICE, "records": [with_notes("Gọi +84 912-345-678")]}))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["results"][0]["status"], "rejected");
    assert_eq!(
        body["results"][0]["errors"][0]["message"],
        "Có số điện thoại, số CMND/CCCD, e-mail hoặc họ tên: đây là thông tin cá nhân, \
         không được ghi vào hồ sơ"
    );

    // Only the three good records were stored, and nothing personal with them.
    let (stored, _) = read_all(&app, &token, 100).await;
    assert_eq!(stored.len(), 3);
    let text = serde_json::to_string(&stored).unwrap();
    for personal in ["0912", "001 090", "gmail", "Nguyen"] {
        assert!(!text.contains(personal), "{personal}");
    }
}
