//! Tip-offs come from police work (issue 6): only the officer who recorded one, district officers
//! over its unit and the admins of its district or province read it, in `GET /records` and in a
//! sync conflict's `current`; every read is named in the audit log. On both stores.

use crate::common::api::sync;
use crate::common::{demo_app, Backend, TestApp, BINH_LU};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;

on_both_stores!(
    only_the_recorder_the_district_and_admins_read_a_tip_off,
    a_sync_never_hands_another_officer_s_tip_off_back,
    a_district_admin_reads_only_their_district_s_tip_offs,
);

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn tip_off(id: &str, base_version: i64, handled_on: Option<&str>) -> Value {
    json!({
        "id": id, "kind": "tip_off", "org_unit_id": BINH_LU, "occurred_on": "2023-05-02",
        "base_version": base_version, "voided": false,
        "data": {"channel": "hotline", "handled_on": handled_on}
    })
}

fn session(id: &str) -> Value {
    json!({
        "id": id, "kind": "outreach_session", "org_unit_id": BINH_LU, "occurred_on": "2023-05-02",
        "base_version": 0, "voided": false,
        "data": {"format": "group_talk", "audience": "youth", "reached_male": 1,
                 "reached_female": 2}
    })
}

/// Demo accounts, and a second officer of Bình Lư (`binhlu2`, who recorded nothing).
async fn app_with_officers(backend: Backend) -> TestApp {
    let app = demo_app(backend).await;
    app.add_officer("binhlu2", "commune_officer", BINH_LU).await;
    app
}

async fn read_ids(app: &TestApp, token: &str) -> BTreeSet<String> {
    let response = app
        .call(Method::GET, "/api/v1/records?limit=500", Some(token), None)
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| record["id"].as_str().unwrap().to_string())
        .collect()
}

/// `(username, ids)` of each `tip_offs.read` line, oldest first, as the district's admin sees them.
async fn tip_off_reads(app: &TestApp) -> Vec<(String, Value)> {
    let admin = app.token("admin", "demo-admin").await;
    tip_off_reads_seen_by(app, &admin).await
}

/// `(username, ids)` of each `tip_offs.read` line that this admin sees, oldest first.
async fn tip_off_reads_seen_by(app: &TestApp, admin: &str) -> Vec<(String, Value)> {
    let path = "/api/v1/admin/audit?action=tip_offs.read";
    let response = app.call(Method::GET, path, Some(admin), None).await;
    assert_eq!(response.status(), 200);
    let log: Value = response.json().await.unwrap();
    let mut reads: Vec<(String, Value)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            let who = line["username"].as_str().unwrap().to_string();
            (who, line["detail"]["ids"].clone())
        })
        .collect();
    reads.reverse();
    reads
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|id| id.to_string()).collect()
}

async fn only_the_recorder_the_district_and_admins_read_a_tip_off(backend: Backend) {
    let app = app_with_officers(backend).await;
    let recorder = app.token("binhlu", "demo-binhlu").await;
    let colleague = app.token("binhlu2", "demo-binhlu2").await;
    let other_commune = app.token("thitran", "demo-thitran").await;
    let district = app.token("huyen", "demo-huyen").await;
    let admin = app.token("admin", "demo-admin").await;
    let (tip, talk) = (new_id(), new_id());
    sync(&app, &recorder, &[tip_off(&tip, 0, None), session(&talk)]).await;
    // The district handles it: a new version by another officer; the recorder still reads it.
    let handled = sync(&app, &district, &[tip_off(&tip, 1, Some("2023-05-10"))]).await;
    assert_eq!(handled[0]["status"], "applied");

    assert_eq!(read_ids(&app, &recorder).await, set(&[&tip, &talk]));
    assert_eq!(read_ids(&app, &colleague).await, set(&[&talk]));
    assert_eq!(read_ids(&app, &other_commune).await, set(&[]));
    assert_eq!(read_ids(&app, &district).await, set(&[&tip, &talk]));
    assert_eq!(read_ids(&app, &admin).await, set(&[&tip]), "tip-offs only");

    assert_eq!(
        tip_off_reads(&app).await,
        [
            ("binhlu".to_string(), json!([tip])),
            ("huyen".to_string(), json!([tip])),
            ("admin".to_string(), json!([tip])),
        ]
    );
}

async fn a_sync_never_hands_another_officer_s_tip_off_back(backend: Backend) {
    let app = app_with_officers(backend).await;
    let recorder = app.token("binhlu", "demo-binhlu").await;
    let colleague = app.token("binhlu2", "demo-binhlu2").await;
    let tip = new_id();
    sync(&app, &recorder, &[tip_off(&tip, 0, None)]).await;

    // A stale copy, a correct base version and a replay: all refused, never a `current`.
    for sent in [
        tip_off(&tip, 0, Some("2023-05-03")),
        tip_off(&tip, 1, Some("2023-05-03")),
        tip_off(&tip, 0, None),
    ] {
        let results = sync(&app, &colleague, &[sent]).await;
        assert_eq!(results[0]["status"], "rejected");
        assert_eq!(results[0]["errors"][0]["field"], "id");
        assert_eq!(results[0]["errors"][0]["code"], "forbidden");
        assert!(results[0].get("current").is_none());
    }

    // The recorder's own stale edit is a conflict that shows them the stored tip-off, logged.
    sync(&app, &recorder, &[tip_off(&tip, 1, Some("2023-05-04"))]).await;
    let results = sync(&app, &recorder, &[tip_off(&tip, 1, Some("2023-05-05"))]).await;
    assert_eq!(results[0]["status"], "conflict");
    assert_eq!(results[0]["current"]["data"]["handled_on"], "2023-05-04");
    let admin = app.token("admin", "demo-admin").await;
    let path = "/api/v1/admin/audit?action=sync&username=binhlu&limit=1";
    let response = app.call(Method::GET, path, Some(&admin), None).await;
    let log: Value = response.json().await.unwrap();
    assert_eq!(log[0]["detail"]["tip_offs_read"], json!([tip]));
}

async fn a_district_admin_reads_only_their_district_s_tip_offs(backend: Backend) {
    let app = app_with_officers(backend)
        .await
        .with_another_district()
        .await;
    let (ours, theirs) = (new_id(), new_id());
    let binhlu = app.token("binhlu", "demo-binhlu").await;
    sync(&app, &binhlu, &[tip_off(&ours, 0, None)]).await;
    let muongte = app.token("muongte", "demo-muongte").await;
    let mut other = tip_off(&theirs, 0, None);
    other["org_unit_id"] = json!("ou-09001");
    let results = sync(&app, &muongte, &[other]).await;
    assert_eq!(results[0]["status"], "applied");

    let tam_duong = app.token("admin", "demo-admin").await;
    let muong_te = app.token("admin_mt", "demo-admin_mt").await;
    let province = app.token("tinh_admin", "demo-tinh_admin").await;
    assert_eq!(read_ids(&app, &tam_duong).await, set(&[&ours]));
    assert_eq!(read_ids(&app, &muong_te).await, set(&[&theirs]));
    assert_eq!(read_ids(&app, &province).await, set(&[&ours, &theirs]));
    // Neither may write one, in their district or another.
    for token in [&tam_duong, &muong_te] {
        let results = sync(&app, token, &[tip_off(&new_id(), 0, None)]).await;
        assert_eq!(results[0]["status"], "rejected");
    }
    // Each read named, by whom: the district's admin read only their district's; and each
    // district's admin sees the reads of their own people only.
    let reads = tip_off_reads_seen_by(&app, &province).await;
    let by = |who: &str| -> Vec<Value> {
        reads
            .iter()
            .filter(|(username, _)| username == who)
            .map(|(_, ids)| ids.clone())
            .collect()
    };
    assert_eq!(by("admin"), [json!([ours])]);
    assert_eq!(by("admin_mt"), [json!([theirs])]);
    let seen = tip_off_reads_seen_by(&app, &tam_duong).await;
    assert!(seen
        .iter()
        .all(|(who, _)| who != "admin_mt" && who != "tinh_admin"));
}
