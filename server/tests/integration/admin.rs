//! The org-unit tree as each role sees it, and the admin API over real HTTP: who may call it,
//! accounts, units, targets, baselines and the audit log.

use crate::common::api::{get_ok, json_of, sync, user_id};
use crate::common::{demo_app, Backend, TestApp, NEW_BINH_LU};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(
    a_district_officer_sees_the_district_and_its_communes_of_the_year,
    a_commune_officer_sees_only_their_commune,
    an_admin_sees_every_unit,
    the_year_must_be_a_year,
    only_admins_reach_the_admin_api,
    admins_create_accounts_that_sign_in,
    a_province_officer_is_an_account_like_the_others,
    account_rules_answer_422_with_the_fields,
    disabling_an_account_ends_its_sessions,
    resetting_a_password_ends_the_sessions,
    changing_role_and_unit_changes_the_scope,
    admins_add_rename_close_and_link_units,
    the_officers_of_a_closed_unit_move_to_its_successor_with_their_records,
    officers_move_only_from_a_closed_unit_to_a_unit_of_today,
    targets_round_trip,
    baselines_round_trip,
    the_audit_log_records_sign_ins_and_changes,
    a_district_admin_manages_only_their_district,
);

fn ids(units: &Value) -> Vec<String> {
    let mut ids: Vec<String> = units
        .as_array()
        .unwrap()
        .iter()
        .map(|unit| unit["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

async fn a_district_officer_sees_the_district_and_its_communes_of_the_year(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("huyen", "demo-huyen").await;
    let units = get_ok(&app, "/api/v1/org-units?year=2023", &token).await;
    let ids_2023 = ids(&units);
    assert_eq!(ids_2023.len(), 14, "{ids_2023:?}");
    assert!(ids_2023.contains(&"ou-106".to_string()));
    assert!(ids_2023.contains(&"ou-03390".to_string()));
    assert!(
        !ids_2023.contains(&"ou-03397".to_string()),
        "closed in 2020"
    );
    let district = &units[0];
    assert_eq!(
        district,
        &json!({
            "id": "ou-106", "code": "106", "name": "Huyện Tam Đường", "level": "district",
            "parent_id": "ou-12", "valid_from": "2002-01-01", "valid_to": "2025-06-30",
            "successor_ids": []
        })
    );
    let binh_lu = units
        .as_array()
        .unwrap()
        .iter()
        .find(|unit| unit["id"] == "ou-03412")
        .unwrap();
    assert_eq!(binh_lu["successor_ids"], json!(["ou-03390-20250701"]));
    assert_eq!(binh_lu["level"], "commune");
    assert_eq!(binh_lu["valid_from"], Value::Null);
    // Without a year: from 1 January three years ago to today, which still covers 2023.
    let recent = get_ok(&app, "/api/v1/org-units", &token).await;
    assert_eq!(ids(&recent), ids_2023);
    // Records of a commune that has since closed still resolve for the year they were made.
    let units_2019 = get_ok(&app, "/api/v1/org-units?year=2019", &token).await;
    assert!(ids(&units_2019).contains(&"ou-03397".to_string()));
    assert_eq!(ids(&units_2019).len(), 15);
}

async fn a_commune_officer_sees_only_their_commune(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("binhlu", "demo-binhlu").await;
    for path in ["/api/v1/org-units?year=2023", "/api/v1/org-units"] {
        let units = get_ok(&app, path, &token).await;
        assert_eq!(ids(&units), ["ou-03412"], "{path}");
    }
    let after_the_merger = get_ok(&app, "/api/v1/org-units?year=2026", &token).await;
    assert_eq!(after_the_merger, json!([]));
}

async fn an_admin_sees_every_unit(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.province_admin().await;
    let units_2026 = ids(&get_ok(&app, "/api/v1/org-units?year=2026", &token).await);
    assert!(units_2026.contains(&"ou-12".to_string()));
    assert!(units_2026.contains(&"ou-03390-20250701".to_string()));
    assert!(
        !units_2026.contains(&"ou-106".to_string()),
        "closed mid-2025"
    );
    assert!(!units_2026.contains(&"ou-03397".to_string()));
    let units_2025 = ids(&get_ok(&app, "/api/v1/org-units?year=2025", &token).await);
    assert!(units_2025.contains(&"ou-106".to_string()));
    assert!(units_2025.contains(&"ou-03390".to_string()));
    assert!(units_2025.contains(&"ou-03390-20250701".to_string()));
    let all = get_ok(&app, "/api/v1/admin/org-units", &token).await;
    assert_eq!(all.as_array().unwrap().len(), 29);
    assert_eq!(all[0]["id"], "ou-12", "parents first");
}

async fn the_year_must_be_a_year(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("huyen", "demo-huyen").await;
    for (query, status) in [("year=abc", 400), ("year=20233", 422), ("year=0", 422)] {
        let path = format!("/api/v1/org-units?{query}");
        let response = app.call(Method::GET, &path, Some(&token), None).await;
        assert_eq!(response.status(), status, "{query}");
        assert!(json_of(response).await["error"]["code"].is_string());
    }
}

fn admin_calls() -> Vec<(Method, &'static str, Option<Value>)> {
    let user = json!({"username": "x", "password": "long enough", "role": "admin",
                      "org_unit_id": "ou-106"});
    let unit = json!({"code": "9", "name": "x", "level": "village", "parent_id": "ou-03412",
                      "valid_from": "2024-01-01"});
    vec![
        (Method::GET, "/api/v1/admin/users", None),
        (Method::POST, "/api/v1/admin/users", Some(user)),
        (
            Method::PATCH,
            "/api/v1/admin/users/some-id",
            Some(json!({"disabled": true})),
        ),
        (Method::GET, "/api/v1/admin/org-units", None),
        (Method::POST, "/api/v1/admin/org-units", Some(unit)),
        (
            Method::PATCH,
            "/api/v1/admin/org-units/ou-03412",
            Some(json!({"name": "x"})),
        ),
        // Among the callers: an officer of that very unit.
        (
            Method::POST,
            "/api/v1/admin/org-units/ou-03412/move-officers",
            Some(json!({ "to": NEW_BINH_LU })),
        ),
        (Method::GET, "/api/v1/admin/targets?year=2023", None),
        (
            Method::PUT,
            "/api/v1/admin/targets/2023/PCMD-TT01",
            Some(json!({"op": ">=", "value": 1})),
        ),
        (Method::DELETE, "/api/v1/admin/targets/2023/PCMD-TT01", None),
        (Method::GET, "/api/v1/admin/baselines?year=2023", None),
        (
            Method::PUT,
            "/api/v1/admin/baselines",
            Some(json!({"year": 2023, "name": "students_enrolled",
                        "org_unit_id": "ou-106", "value": 1})),
        ),
        (Method::GET, "/api/v1/admin/audit", None),
    ]
}

async fn only_admins_reach_the_admin_api(backend: Backend) {
    let app = demo_app(backend).await;
    for username in ["huyen", "binhlu"] {
        let token = app.token(username, &format!("demo-{username}")).await;
        for (method, path, body) in admin_calls() {
            let response = app.call(method.clone(), path, Some(&token), body).await;
            assert_eq!(response.status(), 403, "{username}: {method} {path}");
            assert_eq!(json_of(response).await["error"]["code"], "forbidden");
        }
    }
    for (method, path, body) in admin_calls() {
        let response = app.call(method.clone(), path, None, body).await;
        assert_eq!(response.status(), 401, "{method} {path}");
    }
    // Nothing changed.
    let admin = app.token("admin", "demo-admin").await;
    let targets = get_ok(&app, "/api/v1/admin/targets?year=2023", &admin).await;
    assert_eq!(targets[0]["target"], json!({"op": ">=", "value": 70.0}));
    let users = get_ok(&app, "/api/v1/admin/users", &admin).await;
    assert_eq!(users.as_array().unwrap().len(), 4);
    let binhlu = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "binhlu");
    assert_eq!(binhlu.unwrap()["org_unit"]["id"], "ou-03412");
}

async fn create_user(app: &TestApp, admin: &str, body: Value) -> reqwest::Response {
    app.call(Method::POST, "/api/v1/admin/users", Some(admin), Some(body))
        .await
}

async fn admins_create_accounts_that_sign_in(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    let body = json!({"username": "sonbinh", "password": "mat-khau-1", "role": "commune_officer",
                      "org_unit_id": "ou-03413", "display_name": "Cán bộ xã Sơn Bình"});
    let response = create_user(&app, &admin, body.clone()).await;
    assert_eq!(response.status(), 201);
    let user = json_of(response).await;
    assert_eq!(user["username"], "sonbinh");
    assert_eq!(user["display_name"], "Cán bộ xã Sơn Bình");
    assert_eq!(user["role"], "commune_officer");
    assert_eq!(
        user["org_unit"],
        json!({"id": "ou-03413", "code": "03413", "name": "Xã Sơn Bình", "level": "commune",
               "valid_to": "2025-06-30",
               "successors": [{"id": "ou-03390-20250701", "code": "03390", "name": "Xã Bình Lư"}]})
    );
    assert_eq!(user["disabled"], false);
    assert!(user["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(user.get("password_hash").is_none());
    let token = app.token("sonbinh", "mat-khau-1").await;
    let units = get_ok(&app, "/api/v1/org-units", &token).await;
    assert_eq!(ids(&units), ["ou-03413"]);

    let duplicate = create_user(&app, &admin, body).await;
    assert_eq!(duplicate.status(), 409);
    assert_eq!(json_of(duplicate).await["error"]["code"], "username_taken");

    let users = get_ok(&app, "/api/v1/admin/users", &admin).await;
    let listed = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "sonbinh")
        .unwrap();
    assert_eq!(listed, &user);
}

async fn a_province_officer_is_an_account_like_the_others(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.province_admin().await;
    let body = json!({"username": "tinh", "password": "mat-khau-tinh", "role": "province_officer",
                      "org_unit_id": "ou-12"});
    let response = create_user(&app, &admin, body).await;
    assert_eq!(response.status(), 201);
    assert_eq!(json_of(response).await["role"], "province_officer");
    let users = get_ok(&app, "/api/v1/admin/users", &admin).await;
    let roles: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["role"].as_str().unwrap())
        .collect();
    assert!(roles.contains(&"province_officer"), "{roles:?}");
    let user = patch_user(&app, &admin, "huyen", json!({"role": "province_officer"})).await;
    assert_eq!(user["role"], "province_officer");

    // The whole province of the year, districts of the past and communes of today alike.
    let token = app.token("tinh", "mat-khau-tinh").await;
    let units_2025 = ids(&get_ok(&app, "/api/v1/org-units?year=2025", &token).await);
    assert_eq!(units_2025.len(), 28, "all but Sùng Phài, gone in 2020");
    let units_2026 = ids(&get_ok(&app, "/api/v1/org-units?year=2026", &token).await);
    assert!(units_2026.contains(&"ou-03390-20250701".to_string()));
    assert!(!units_2026.contains(&"ou-106".to_string()));
    let figures = get_ok(&app, "/api/v1/indicators?year=2023&org_unit=ou-106", &token).await;
    assert_eq!(figures["org_unit_id"], "ou-106");
    // Still no administration.
    let response = app
        .call(Method::GET, "/api/v1/admin/users", Some(&token), None)
        .await;
    assert_eq!(response.status(), 403);
}

async fn account_rules_answer_422_with_the_fields(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    let bad = json!({"username": "ok.name", "password": "short", "role": "boss",
                     "org_unit_id": "03412"});
    let response = create_user(&app, &admin, bad).await;
    assert_eq!(response.status(), 422);
    let body = json_of(response).await;
    assert_eq!(body["error"]["code"], "invalid");
    let mut fields: Vec<&str> = body["error"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort();
    assert_eq!(fields, ["org_unit_id", "password", "role"]);
    assert!(body["error"]["errors"][0]["code"].is_string());
    assert!(body["error"]["errors"][0]["message"].is_string());

    let id = app.store.credentials("binhlu").await.unwrap().unwrap().0.id;
    let path = format!("/api/v1/admin/users/{id}");
    for (change, field) in [
        (json!({"role": "boss"}), "role"),
        (json!({"password": "1234567"}), "password"),
        (json!({"org_unit_id": "nowhere"}), "org_unit_id"),
        (json!({"display_name": " "}), "display_name"),
    ] {
        let response = app
            .call(Method::PATCH, &path, Some(&admin), Some(change))
            .await;
        assert_eq!(response.status(), 422, "{field}");
        assert_eq!(
            json_of(response).await["error"]["errors"][0]["field"],
            field
        );
    }
    let typo = app
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"disable": true})),
        )
        .await;
    assert_eq!(typo.status(), 422);
    let missing = app
        .call(
            Method::PATCH,
            "/api/v1/admin/users/no-such-id",
            Some(&admin),
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(missing.status(), 404);
}

async fn patch_user(app: &TestApp, admin: &str, username: &str, change: Value) -> Value {
    let path = format!("/api/v1/admin/users/{}", user_id(app, username).await);
    let response = app
        .call(Method::PATCH, &path, Some(admin), Some(change))
        .await;
    assert_eq!(response.status(), 200, "PATCH {username}");
    json_of(response).await
}

async fn me_status(app: &TestApp, token: &str) -> u16 {
    app.call(Method::GET, "/api/v1/me", Some(token), None)
        .await
        .status()
        .as_u16()
}

async fn disabling_an_account_ends_its_sessions(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    let officer = app.token("thitran", "demo-thitran").await;
    let other = app.token("binhlu", "demo-binhlu").await;
    let user = patch_user(&app, &admin, "thitran", json!({"disabled": true})).await;
    assert_eq!(user["disabled"], true);
    assert_eq!(me_status(&app, &officer).await, 401);
    assert_eq!(app.login("thitran", "demo-thitran").await.status(), 403);
    assert_eq!(me_status(&app, &other).await, 200, "others stay signed in");
    patch_user(&app, &admin, "thitran", json!({"disabled": false})).await;
    assert_eq!(app.login("thitran", "demo-thitran").await.status(), 200);
}

async fn resetting_a_password_ends_the_sessions(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    let officer = app.token("binhlu", "demo-binhlu").await;
    patch_user(&app, &admin, "binhlu", json!({"password": "mat-khau-moi"})).await;
    assert_eq!(me_status(&app, &officer).await, 401);
    assert_eq!(app.login("binhlu", "demo-binhlu").await.status(), 401);
    assert_eq!(app.login("binhlu", "mat-khau-moi").await.status(), 200);
    assert_eq!(me_status(&app, &admin).await, 200);
}

async fn changing_role_and_unit_changes_the_scope(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    let officer = app.token("binhlu", "demo-binhlu").await;
    let change = json!({"role": "district_officer", "org_unit_id": "ou-106",
                        "display_name": "Trưởng phòng"});
    let user = patch_user(&app, &admin, "binhlu", change).await;
    assert_eq!(user["role"], "district_officer");
    assert_eq!(user["org_unit"]["id"], "ou-106");
    // The session stays; what it may see follows the account.
    let me = get_ok(&app, "/api/v1/me", &officer).await;
    assert_eq!(me["officer"]["display_name"], "Trưởng phòng");
    let units = get_ok(&app, "/api/v1/org-units?year=2023", &officer).await;
    assert_eq!(ids(&units).len(), 14);
}

async fn admins_add_rename_close_and_link_units(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.province_admin().await;
    let village = json!({"code": "9001", "name": "Bản Thẳm", "level": "village",
                         "parent_id": "ou-03412", "valid_from": "2020-01-01"});
    let response = app
        .call(
            Method::POST,
            "/api/v1/admin/org-units",
            Some(&admin),
            Some(village.clone()),
        )
        .await;
    assert_eq!(response.status(), 201);
    let unit = json_of(response).await;
    assert_eq!(unit["id"], "ou-9001");
    assert_eq!(unit["valid_to"], Value::Null);
    // The commune's officer now sees the village below their commune.
    let binhlu = app.token("binhlu", "demo-binhlu").await;
    let units = get_ok(&app, "/api/v1/org-units?year=2023", &binhlu).await;
    assert_eq!(ids(&units), ["ou-03412", "ou-9001"]);

    let again = app
        .call(
            Method::POST,
            "/api/v1/admin/org-units",
            Some(&admin),
            Some(village),
        )
        .await;
    assert_eq!(again.status(), 409, "same code, same start date");
    // A reused code gets its start date in the id.
    let reused = json!({"code": "9001", "name": "Bản Thẳm Mới", "level": "village",
                        "parent_id": "ou-03390-20250701", "valid_from": "2025-07-01"});
    let response = app
        .call(
            Method::POST,
            "/api/v1/admin/org-units",
            Some(&admin),
            Some(reused),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(json_of(response).await["id"], "ou-9001-20250701");

    let change = json!({"name": "Bản Thẳm Cũ", "valid_to": "2025-06-30",
                        "successor_ids": ["ou-9001-20250701"]});
    let response = app
        .call(
            Method::PATCH,
            "/api/v1/admin/org-units/ou-9001",
            Some(&admin),
            Some(change),
        )
        .await;
    assert_eq!(response.status(), 200);
    let unit = json_of(response).await;
    assert_eq!(unit["name"], "Bản Thẳm Cũ");
    assert_eq!(unit["valid_to"], "2025-06-30");
    assert_eq!(unit["successor_ids"], json!(["ou-9001-20250701"]));
    let units_2026 = get_ok(&app, "/api/v1/org-units?year=2026", &binhlu).await;
    assert_eq!(units_2026, json!([]));
    // Reopening: null clears the closing date; leaving it out changes nothing.
    let response = app
        .call(
            Method::PATCH,
            "/api/v1/admin/org-units/ou-9001",
            Some(&admin),
            Some(json!({"valid_to": null})),
        )
        .await;
    let unit = json_of(response).await;
    assert_eq!(unit["valid_to"], Value::Null);
    assert_eq!(unit["name"], "Bản Thẳm Cũ");

    for (change, field) in [
        (json!({"valid_to": "2019-12-31"}), "valid_to"),
        (json!({"valid_to": "31/12/2025"}), "valid_to"),
        (json!({"successor_ids": ["ou-nowhere"]}), "successor_ids"),
        (json!({"successor_ids": ["ou-9001"]}), "successor_ids"),
        (json!({"name": ""}), "name"),
    ] {
        let response = app
            .call(
                Method::PATCH,
                "/api/v1/admin/org-units/ou-9001",
                Some(&admin),
                Some(change),
            )
            .await;
        assert_eq!(response.status(), 422, "{field}");
        assert_eq!(
            json_of(response).await["error"]["errors"][0]["field"],
            field
        );
    }
    let bad = json!({"code": "", "name": "x", "level": "hamlet", "parent_id": "ou-x",
                     "valid_from": "2025"});
    let response = app
        .call(
            Method::POST,
            "/api/v1/admin/org-units",
            Some(&admin),
            Some(bad),
        )
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        json_of(response).await["error"]["errors"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let missing = app
        .call(
            Method::PATCH,
            "/api/v1/admin/org-units/ou-nowhere",
            Some(&admin),
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!(missing.status(), 404);
}

fn session(unit: &str, occurred_on: &str) -> Value {
    json!({"id": uuid::Uuid::new_v4().to_string(), "kind": "outreach_session",
           "org_unit_id": unit, "occurred_on": occurred_on, "base_version": 0, "voided": false,
           "data": {"format": "group_talk", "audience": "youth", "reached_male": 1,
                    "reached_female": 2}})
}

/// The ids of the records the officer reads.
async fn record_ids(app: &TestApp, token: &str) -> Vec<String> {
    let mut ids = ids(&get_ok(app, "/api/v1/records?limit=500", token).await["records"]);
    ids.sort();
    ids
}

async fn move_officers(
    app: &TestApp,
    token: Option<&str>,
    from: &str,
    to: &str,
) -> reqwest::Response {
    let path = format!("/api/v1/admin/org-units/{from}/move-officers");
    app.call(Method::POST, &path, token, Some(json!({ "to": to })))
        .await
}

async fn the_officers_of_a_closed_unit_move_to_its_successor_with_their_records(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.province_admin().await;
    let binhlu = app.token("binhlu", "demo-binhlu").await;
    let thitran = app.token("thitran", "demo-thitran").await;
    let ours = [
        session("ou-03412", "2023-03-14"),
        session("ou-03412", "2023-05-02"),
    ];
    let theirs = [session("ou-03390", "2023-04-20")];
    for (token, records) in [(&binhlu, &ours[..]), (&thitran, &theirs[..])] {
        let results = sync(&app, token, records).await;
        assert!(results.iter().all(|r| r["status"] == "applied"));
    }
    // A second officer of old Bình Lư, disabled: moved too, so that re-enabling finds them home.
    let body = json!({"username": "binhlu.cu", "password": "mat-khau-cu", "role": "commune_officer",
                      "org_unit_id": "ou-03412"});
    assert_eq!(create_user(&app, &admin, body).await.status(), 201);
    patch_user(&app, &admin, "binhlu.cu", json!({"disabled": true})).await;

    let response = move_officers(&app, Some(&admin), "ou-03412", NEW_BINH_LU).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        json_of(response).await,
        json!({"moved": ["binhlu", "binhlu.cu"]})
    );
    let log = get_ok(&app, "/api/v1/admin/audit?action=officers.move", &admin).await;
    assert_eq!(log.as_array().unwrap().len(), 1);
    assert_eq!(log[0]["username"], "admin");
    assert_eq!(log[0]["target"], "ou-03412");
    assert_eq!(
        log[0]["detail"],
        json!({"to": NEW_BINH_LU, "officers": ["binhlu", "binhlu.cu"]})
    );

    // The session goes on, in the new commune, with the old records and Thị trấn's.
    let me = get_ok(&app, "/api/v1/me", &binhlu).await;
    assert_eq!(me["officer"]["org_unit"]["id"], NEW_BINH_LU);
    assert_eq!(me["officer"]["org_unit"]["valid_to"], Value::Null);
    let mut expected = ids(&json!([ours[0], ours[1], theirs[0]]));
    expected.sort();
    assert_eq!(record_ids(&app, &binhlu).await, expected);
    let mut voided = ours[0].clone();
    voided["base_version"] = json!(1);
    voided["voided"] = json!(true);
    let results = sync(
        &app,
        &binhlu,
        &[
            voided,
            session(NEW_BINH_LU, "2026-03-10"),
            session("ou-03412", "2026-03-10"),
        ],
    )
    .await;
    assert_eq!(results[0]["status"], "applied");
    assert_eq!(results[0]["version"], 2);
    assert_eq!(results[1]["status"], "applied");
    assert_eq!(results[2]["errors"][0]["code"], "unit_closed");
    assert_eq!(record_ids(&app, &binhlu).await.len(), 4);

    // The other commune's officer stays; the merged commune's records are theirs still.
    let me = get_ok(&app, "/api/v1/me", &thitran).await;
    assert_eq!(me["officer"]["org_unit"]["id"], "ou-03390");
    assert_eq!(record_ids(&app, &thitran).await, ids(&json!(theirs)));
    // Nobody is left to move.
    let again = move_officers(&app, Some(&admin), "ou-03412", NEW_BINH_LU).await;
    assert_eq!(json_of(again).await, json!({"moved": []}));
}

async fn officers_move_only_from_a_closed_unit_to_a_unit_of_today(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.province_admin().await;
    let refusal = |response: reqwest::Response| async move {
        let status = response.status().as_u16();
        (status, json_of(response).await["error"].clone())
    };
    let (status, error) =
        refusal(move_officers(&app, Some(&admin), "ou-nowhere", NEW_BINH_LU).await).await;
    assert_eq!((status, error["code"].as_str()), (404, Some("not_found")));
    let (status, error) =
        refusal(move_officers(&app, Some(&admin), NEW_BINH_LU, "ou-12").await).await;
    assert_eq!((status, error["code"].as_str()), (409, Some("unit_open")));
    // A unit closing today is still open.
    let today = server::clock::format_date(server::clock::today());
    let village = json!({"code": "9002", "name": "Bản Mới", "level": "village",
                         "parent_id": NEW_BINH_LU, "valid_from": "2025-07-01"});
    let response = app
        .call(
            Method::POST,
            "/api/v1/admin/org-units",
            Some(&admin),
            Some(village),
        )
        .await;
    assert_eq!(response.status(), 201);
    let close = |day: &str| {
        app.call(
            Method::PATCH,
            "/api/v1/admin/org-units/ou-9002",
            Some(&admin),
            Some(json!({ "valid_to": day })),
        )
    };
    assert_eq!(close(&today).await.status(), 200);
    let (status, _) =
        refusal(move_officers(&app, Some(&admin), "ou-9002", NEW_BINH_LU).await).await;
    assert_eq!(status, 409);

    let later = json!({"code": "9003", "name": "Bản Sau", "level": "village",
                       "parent_id": NEW_BINH_LU, "valid_from": "2999-01-01"});
    let response = app
        .call(
            Method::POST,
            "/api/v1/admin/org-units",
            Some(&admin),
            Some(later),
        )
        .await;
    assert_eq!(response.status(), 201);
    for (to, code) in [
        ("ou-nowhere", "unknown"),
        ("ou-106", "not_valid_today"),
        ("ou-03412", "not_valid_today"),
        ("ou-9003", "not_valid_today"),
    ] {
        let (status, error) =
            refusal(move_officers(&app, Some(&admin), "ou-03412", to).await).await;
        assert_eq!(status, 422, "{to}");
        assert_eq!(error["errors"][0]["field"], "to", "{to}");
        assert_eq!(error["errors"][0]["code"], code, "{to}");
    }
    let typo = app
        .call(
            Method::POST,
            "/api/v1/admin/org-units/ou-03412/move-officers",
            Some(&admin),
            Some(json!({"to": NEW_BINH_LU, "keep_sessions": false})),
        )
        .await;
    assert_eq!(typo.status(), 422);

    // None of it moved anyone (officers and callers without a session: see `admin_calls`).
    let me = get_ok(
        &app,
        "/api/v1/me",
        &app.token("binhlu", "demo-binhlu").await,
    )
    .await;
    assert_eq!(me["officer"]["org_unit"]["id"], "ou-03412");
    let log = get_ok(&app, "/api/v1/admin/audit?action=officers.move", &admin).await;
    assert_eq!(log, json!([]));
}

async fn targets_round_trip(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    let targets = get_ok(&app, "/api/v1/admin/targets?year=2023", &admin).await;
    let targets = targets.as_array().unwrap();
    assert_eq!(targets.len(), 19);
    assert_eq!(
        targets[0],
        json!({"code": "PCMD-TT01", "label_vi": targets[0]["label_vi"],
               "label_en": "% communes with >=1 regularly maintained awareness form",
               "kind": "ratio", "target": {"op": ">=", "value": 70.0}})
    );
    let target_of =
        |code: &str| targets.iter().find(|t| t["code"] == code).unwrap()["target"].clone();
    assert_eq!(target_of("PCMD-TT02"), json!({"op": ">=", "value": 1.0}));
    assert_eq!(target_of("PCMD-TT04"), json!({"op": ">=", "value": 100.0}));
    assert_eq!(target_of("PCMD-C01"), Value::Null);
    let next_year = get_ok(&app, "/api/v1/admin/targets?year=2024", &admin).await;
    assert!(next_year
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["target"].is_null()));

    let path = "/api/v1/admin/targets/2024/PCMD-KT01";
    let response = app
        .call(
            Method::PUT,
            path,
            Some(&admin),
            Some(json!({"op": ">=", "value": 80.5})),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        json_of(response).await["target"],
        json!({"op": ">=", "value": 80.5})
    );
    app.call(
        Method::PUT,
        path,
        Some(&admin),
        Some(json!({"op": "=", "value": 90})),
    )
    .await;
    let next_year = get_ok(&app, "/api/v1/admin/targets?year=2024", &admin).await;
    let kt01 = next_year
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "PCMD-KT01")
        .unwrap();
    assert_eq!(kt01["target"], json!({"op": "=", "value": 90.0}));
    let response = app.call(Method::DELETE, path, Some(&admin), None).await;
    assert_eq!(response.status(), 204);
    let next_year = get_ok(&app, "/api/v1/admin/targets?year=2024", &admin).await;
    assert!(next_year
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["target"].is_null()));

    let unknown = app
        .call(
            Method::PUT,
            "/api/v1/admin/targets/2024/PCMD-XX99",
            Some(&admin),
            Some(json!({"op": ">=", "value": 1})),
        )
        .await;
    assert_eq!(unknown.status(), 404);
    let bad = app
        .call(
            Method::PUT,
            path,
            Some(&admin),
            Some(json!({"op": ">", "value": -1})),
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(
        json_of(bad).await["error"]["errors"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let no_year = app
        .call(Method::GET, "/api/v1/admin/targets", Some(&admin), None)
        .await;
    assert_eq!(no_year.status(), 400);
}

async fn baselines_round_trip(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    assert_eq!(
        get_ok(&app, "/api/v1/admin/baselines?year=2023", &admin).await,
        json!([])
    );
    for (name, unit, value) in [
        ("students_enrolled", "ou-106", 1200),
        ("commune_officials", "ou-03412", 4),
        ("students_enrolled", "ou-106", 1250),
    ] {
        let body = json!({"year": 2023, "name": name, "org_unit_id": unit, "value": value});
        let response = app
            .call(
                Method::PUT,
                "/api/v1/admin/baselines",
                Some(&admin),
                Some(body),
            )
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            json_of(response).await,
            json!({"name": name, "org_unit_id": unit, "value": value, "to_confirm": false})
        );
    }
    let baselines = get_ok(&app, "/api/v1/admin/baselines?year=2023", &admin).await;
    assert_eq!(
        baselines,
        json!([
            {"name": "commune_officials", "org_unit_id": "ou-03412", "value": 4,
             "to_confirm": false},
            {"name": "students_enrolled", "org_unit_id": "ou-106", "value": 1250,
             "to_confirm": false},
        ])
    );
    assert_eq!(
        get_ok(&app, "/api/v1/admin/baselines?year=2024", &admin).await,
        json!([])
    );
    let bad = json!({"year": 2023, "name": "teachers", "org_unit_id": "ou-x", "value": -1});
    let response = app
        .call(
            Method::PUT,
            "/api/v1/admin/baselines",
            Some(&admin),
            Some(bad),
        )
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        json_of(response).await["error"]["errors"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

async fn the_audit_log_records_sign_ins_and_changes(backend: Backend) {
    let app = demo_app(backend).await;
    assert_eq!(app.login("intruder", "guess").await.status(), 401);
    assert_eq!(app.login("huyen", "guess").await.status(), 401);
    let huyen = app.token("huyen", "demo-huyen").await;
    app.call(Method::POST, "/api/v1/auth/logout", Some(&huyen), None)
        .await;
    let admin = app.province_admin().await;
    patch_user(&app, &admin, "binhlu", json!({"password": "mat-khau-moi"})).await;

    let failed = get_ok(
        &app,
        "/api/v1/admin/audit?action=login_failed&username=intruder",
        &admin,
    )
    .await;
    let failed = failed.as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["username"], "intruder");
    assert_eq!(failed[0]["ip"], "127.0.0.1");
    assert_eq!(failed[0]["officer_id"], Value::Null);
    assert_eq!(failed[0]["detail"], json!({"reason": "unknown_username"}));
    assert!(failed[0]["at"].as_str().unwrap().ends_with('Z'));

    let huyen_log = get_ok(&app, "/api/v1/admin/audit?username=huyen", &admin).await;
    let actions: Vec<&str> = huyen_log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["logout", "login", "login_failed"], "newest first");
    assert_eq!(huyen_log[2]["detail"], json!({"reason": "wrong_password"}));

    let updates = get_ok(&app, "/api/v1/admin/audit?action=user.update", &admin).await;
    assert_eq!(updates[0]["username"], "admin");
    assert_eq!(updates[0]["target"], user_id(&app, "binhlu").await.as_str());
    assert_eq!(updates[0]["detail"], json!({"password": "reset"}));
    assert_eq!(updates[0]["ip"], "127.0.0.1");

    let created = get_ok(&app, "/api/v1/admin/audit?action=user.create", &admin).await;
    assert_eq!(created.as_array().unwrap().len(), 4, "the demo accounts");
    assert_eq!(
        created[0]["username"],
        Value::Null,
        "made by the server itself"
    );

    let all = get_ok(&app, "/api/v1/admin/audit?limit=2", &admin).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let future = get_ok(&app, "/api/v1/admin/audit?since=2999-01-01", &admin).await;
    assert_eq!(future, json!([]));
    let today = server::clock::format_date(server::clock::today());
    let until_today = get_ok(
        &app,
        &format!("/api/v1/admin/audit?until={today}&action=login_failed"),
        &admin,
    )
    .await;
    assert_eq!(
        until_today.as_array().unwrap().len(),
        2,
        "a date includes its day"
    );
    let past = get_ok(
        &app,
        "/api/v1/admin/audit?until=2000-01-01T00:00:00Z&since=&action=",
        &admin,
    )
    .await;
    assert_eq!(past, json!([]));
    for query in ["limit=501", "limit=0", "since=yesterday"] {
        let path = format!("/api/v1/admin/audit?{query}");
        let response = app.call(Method::GET, &path, Some(&admin), None).await;
        assert_eq!(response.status(), 422, "{query}");
    }
}

/// The usernames an admin's list of accounts holds, sorted.
async fn usernames(app: &TestApp, admin: &str) -> Vec<String> {
    let users = get_ok(app, "/api/v1/admin/users", admin).await;
    let mut names: Vec<String> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["username"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

async fn a_district_admin_manages_only_their_district(backend: Backend) {
    let app = demo_app(backend).await.with_another_district().await;
    let tam_duong = app.token("admin", "demo-admin").await;
    let muong_te = app.token("admin_mt", "demo-admin_mt").await;
    let province = app.token("tinh_admin", "demo-tinh_admin").await;
    app.token("muongte", "demo-muongte").await;

    // Accounts: each district's own; the province's admin sees both.
    assert_eq!(
        usernames(&app, &tam_duong).await,
        ["admin", "binhlu", "huyen", "thitran"]
    );
    assert_eq!(usernames(&app, &muong_te).await, ["admin_mt", "muongte"]);
    let everyone = usernames(&app, &province).await;
    for name in ["admin", "binhlu", "admin_mt", "muongte", "tinh_admin"] {
        assert!(everyone.contains(&name.to_string()), "{name}: {everyone:?}");
    }
    let status = |response: reqwest::Response| response.status().as_u16();
    let patch = |token: &str, username: &str, change: Value| {
        let (token, username) = (token.to_string(), username.to_string());
        let app = &app;
        async move {
            let path = format!("/api/v1/admin/users/{}", user_id(app, &username).await);
            let response = app
                .call(Method::PATCH, &path, Some(&token), Some(change))
                .await;
            status(response)
        }
    };
    assert_eq!(
        patch(&tam_duong, "muongte", json!({"disabled": true})).await,
        403
    );
    assert_eq!(
        patch(&muong_te, "binhlu", json!({"password": "da-doi-mat-khau"})).await,
        403
    );
    // Nor moved into another district, nor made there.
    assert_eq!(
        patch(&tam_duong, "binhlu", json!({"org_unit_id": "ou-09001"})).await,
        403
    );
    for unit in ["ou-09001", "ou-107", "ou-12"] {
        let body = json!({"username": format!("moi-{unit}"), "password": "mat-khau-moi",
                          "role": "commune_officer", "org_unit_id": unit});
        assert_eq!(
            status(create_user(&app, &tam_duong, body).await),
            403,
            "{unit}"
        );
    }
    let body = json!({"username": "sonbinh", "password": "mat-khau-moi",
                      "role": "commune_officer", "org_unit_id": "ou-03413"});
    assert_eq!(status(create_user(&app, &tam_duong, body).await), 201);
    // Nothing of the other district changed.
    app.token("muongte", "demo-muongte").await;
    assert_eq!(
        patch(&province, "muongte", json!({"display_name": "Cán bộ xã"})).await,
        200
    );

    // Units: the district's own tree only.
    let units = ids(&get_ok(&app, "/api/v1/admin/org-units", &tam_duong).await);
    assert!(units.contains(&"ou-03412".to_string()) && units.contains(&"ou-106".to_string()));
    for unit in ["ou-107", "ou-09001", "ou-12", "ou-03390-20250701"] {
        assert!(!units.contains(&unit.to_string()), "{unit}");
    }
    assert!(
        !ids(&get_ok(&app, "/api/v1/org-units?year=2023", &tam_duong).await)
            .contains(&"ou-09001".to_string())
    );
    let unit_calls = [
        (
            Method::PATCH,
            "/api/v1/admin/org-units/ou-09001",
            json!({"name": "x"}),
        ),
        (
            Method::PATCH,
            "/api/v1/admin/org-units/ou-03412",
            json!({"successor_ids": ["ou-09001"]}),
        ),
        (
            Method::POST,
            "/api/v1/admin/org-units",
            json!({"code": "9100", "name": "Bản", "level": "village", "parent_id": "ou-09001",
                "valid_from": "2024-01-01"}),
        ),
        (
            Method::POST,
            "/api/v1/admin/org-units",
            json!({"code": "99", "name": "Tỉnh mới", "level": "province", "parent_id": null,
                "valid_from": "2024-01-01"}),
        ),
        (
            Method::POST,
            "/api/v1/admin/org-units/ou-09001/move-officers",
            json!({"to": "ou-03412"}),
        ),
        (
            Method::PUT,
            "/api/v1/admin/baselines",
            json!({"year": 2023, "name": "commune_officials", "org_unit_id": "ou-09001",
                "value": 3}),
        ),
        (
            Method::POST,
            "/api/v1/admin/plans",
            json!({"org_unit_id": "ou-107", "year": 2023}),
        ),
    ];
    for (method, path, body) in unit_calls {
        let response = app
            .call(method.clone(), path, Some(&tam_duong), Some(body))
            .await;
        assert_eq!(status(response), 403, "{method} {path}");
    }
    // Baselines: each district's own.
    let baseline = json!({"year": 2023, "name": "commune_officials", "org_unit_id": "ou-09001",
                          "value": 3});
    let response = app
        .call(
            Method::PUT,
            "/api/v1/admin/baselines",
            Some(&muong_te),
            Some(baseline),
        )
        .await;
    assert_eq!(status(response), 200);
    let listed = |token: String| {
        let app = &app;
        async move {
            let baselines = get_ok(app, "/api/v1/admin/baselines?year=2023", &token).await;
            baselines
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["org_unit_id"].as_str().unwrap().to_string())
                .collect::<Vec<String>>()
        }
    };
    assert_eq!(listed(muong_te.clone()).await, ["ou-09001"]);
    assert!(listed(tam_duong.clone()).await.is_empty());
    // Figures of another district: not theirs to read.
    let response = app
        .call(
            Method::GET,
            "/api/v1/indicators?year=2023&org_unit=ou-107",
            Some(&tam_duong),
            None,
        )
        .await;
    assert_eq!(status(response), 403);

    // The audit log: what the district's own people did; everything for the province's admin.
    let logins = |token: String| {
        let app = &app;
        async move {
            let path = "/api/v1/admin/audit?action=login&username=muongte";
            get_ok(app, path, &token).await.as_array().unwrap().len()
        }
    };
    assert_eq!(logins(tam_duong.clone()).await, 0);
    assert_eq!(logins(muong_te.clone()).await, 2);
    assert_eq!(logins(province.clone()).await, 2);
    assert_eq!(app.login("nobody", "guess").await.status(), 401);
    let failed = |token: String| {
        let app = &app;
        async move {
            let path = "/api/v1/admin/audit?action=login_failed&username=nobody";
            get_ok(app, path, &token).await.as_array().unwrap().len()
        }
    };
    assert_eq!(
        failed(muong_te).await,
        0,
        "a name nobody has belongs to no district"
    );
    assert_eq!(failed(province).await, 1);
}
