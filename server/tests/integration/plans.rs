//! Yearly plans on both stores, over real HTTP: the seeded 2023 plan in force for the district and
//! its communes, a province plan in force for a new commune, a plan copied to confirm and then
//! confirmed, no plan in force, the older targets API over plans, who may read and change plans,
//! hostile bodies, the function the demo data calls, and migration 0007 on a store made before it.

use crate::common::api::{get_ok, json_of};
use crate::common::{demo_app, fresh_database_url, spawn_app_on, Backend, TestApp, NEW_BINH_LU};
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use domain::indicator::Op;
use domain::plan::PlanTarget;
use reqwest::Method;
use serde_json::{json, Value};
use server::config::Security;
use server::model::Actor;
use server::plans::NewPlan;

on_both_stores!(
    the_seeded_2023_plan_is_in_force_for_the_district_and_its_communes,
    a_province_plan_is_in_force_for_a_new_commune_until_it_has_its_own,
    a_copied_plan_is_to_confirm_until_confirmed,
    without_a_plan_in_force_there_is_no_target,
    headers_change_and_targets_go,
    the_targets_api_addresses_the_plan_in_force,
    only_admins_change_plans_and_officers_read_their_line,
    hostile_bodies_get_a_clear_4xx_and_change_nothing,
    the_demo_data_creates_plans_with_targets,
    migration_0007_moves_the_targets_of_an_existing_store_into_plans,
);

const PLAN_2023: &str = "plan-ou-106-2023";
const DEVICE: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

async fn call(app: &TestApp, method: Method, path: &str, token: &str, body: Value) -> Value {
    let response = app
        .call(method.clone(), path, Some(token), Some(body))
        .await;
    assert!(
        response.status().is_success(),
        "{method} {path}: {}",
        response.status()
    );
    json_of(response).await
}

/// The header of the signed 2023 plan, as `GET /api/v1/indicators` gives it.
fn header_2023() -> Value {
    json!({
        "id": PLAN_2023,
        "org_unit_id": "ou-106",
        "year": 2023,
        "title": "Kế hoạch phòng, chống mại dâm năm 2023",
        "issuer": "UBND huyện Tam Đường",
        "lead_agency": "Phòng Lao động - Thương binh và Xã hội huyện Tam Đường",
        "recipients": [
            "Sở Lao động - Thương binh và Xã hội tỉnh Lai Châu",
            "TT. Huyện ủy, TT. HĐND huyện",
            "Chủ tịch, Phó chủ tịch UBND huyện",
            "Các cơ quan, ban, ngành, đoàn thể huyện",
            "UBND các xã, thị trấn",
            "Lưu: VT",
        ],
    })
}

/// The header fields of a plan as `/api/v1/plans` lists it.
fn header_of(plan: &Value) -> Value {
    let mut header = plan.clone();
    let fields = header.as_object_mut().unwrap();
    for listed_only in ["copied_from", "to_confirm", "targets"] {
        assert!(fields.remove(listed_only).is_some(), "{listed_only}");
    }
    header
}

/// A province plan of the new two-level administration.
fn province_plan(year: i32) -> Value {
    json!({
        "org_unit_id": "ou-12",
        "year": year,
        "title": format!("Kế hoạch phòng, chống mại dâm năm {year}"),
        "issuer": "Ủy ban nhân dân tỉnh Lai Châu",
        "lead_agency": "Sở Y tế tỉnh Lai Châu",
        "recipients": ["Bộ Y tế", "UBND các xã, phường", "Lưu: VT"],
    })
}

async fn create_plan(app: &TestApp, admin: &str, body: Value) -> Value {
    let response = app
        .call(Method::POST, "/api/v1/admin/plans", Some(admin), Some(body))
        .await;
    assert_eq!(response.status(), 201);
    json_of(response).await
}

async fn set_target(app: &TestApp, admin: &str, plan: &str, code: &str, value: f64) -> Value {
    let path = format!("/api/v1/admin/plans/{plan}/targets/{code}");
    call(
        app,
        Method::PUT,
        &path,
        admin,
        json!({"op": ">=", "value": value}),
    )
    .await
}

async fn set_baseline(app: &TestApp, admin: &str, year: i32, name: &str, unit: &str, value: i64) {
    let body = json!({"year": year, "name": name, "org_unit_id": unit, "value": value});
    call(app, Method::PUT, "/api/v1/admin/baselines", admin, body).await;
}

/// Signs in an officer of the new Xã Bình Lư (2025), made by the admin.
async fn new_commune_officer(app: &TestApp, admin: &str) -> String {
    let body = json!({"username": "xabinhlu", "password": "demo-xabinhlu",
                      "role": "commune_officer", "org_unit_id": NEW_BINH_LU});
    call(app, Method::POST, "/api/v1/admin/users", admin, body).await;
    app.token("xabinhlu", "demo-xabinhlu").await
}

async fn indicators(app: &TestApp, token: &str, query: &str) -> Value {
    get_ok(app, &format!("/api/v1/indicators?{query}"), token).await
}

/// The first column of the title lines of a report file.
async fn csv_title(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let path = format!("/api/v1/reports/quarterly.csv?{query}");
    let response = app.call(Method::GET, &path, Some(token), None).await;
    assert_eq!(response.status(), 200, "{path}");
    let text = response.text().await.unwrap();
    let title = text.split("\r\n\r\n").next().unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(title.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|row| row.unwrap()[0].to_string())
        .collect()
}

async fn xlsx_title(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let path = format!("/api/v1/reports/quarterly.xlsx?{query}");
    let response = app.call(Method::GET, &path, Some(token), None).await;
    assert_eq!(response.status(), 200, "{path}");
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let first = workbook.sheet_names()[0].clone();
    let sheet = workbook.worksheet_range(&first).unwrap();
    (0..)
        .map_while(|row| match sheet.get_value((row, 0)) {
            Some(Data::String(text)) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

async fn audit(app: &TestApp, admin: &str, action: &str) -> Vec<Value> {
    let log = get_ok(app, &format!("/api/v1/admin/audit?action={action}"), admin).await;
    log.as_array().unwrap().clone()
}

fn targets_by_code(indicators: &Value) -> Vec<(String, Value, Value)> {
    indicators
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap().to_string(),
                i["target"].clone(),
                i["target_to_confirm"].clone(),
            )
        })
        .collect()
}

async fn the_seeded_2023_plan_is_in_force_for_the_district_and_its_communes(backend: Backend) {
    let app = demo_app(backend).await;
    let district = app.token("huyen", "demo-huyen").await;
    let commune = app.token("binhlu", "demo-binhlu").await;
    let plan = get_ok(&app, &format!("/api/v1/plans/{PLAN_2023}"), &district).await;
    assert_eq!(header_of(&plan), header_2023());
    assert_eq!(
        (&plan["copied_from"], &plan["to_confirm"]),
        (&Value::Null, &json!(false))
    );
    let targets = plan["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 12);
    assert_eq!(
        targets[0],
        json!({"indicator_code": "PCMD-TT01", "op": ">=", "value": 70.0, "to_confirm": false})
    );
    assert_eq!(
        get_ok(&app, "/api/v1/plans?year=2023", &district).await,
        json!([plan])
    );
    // The commune carries out its district's plan: it reads it, and is measured against it.
    assert_eq!(get_ok(&app, "/api/v1/plans", &commune).await, json!([plan]));
    let planned: Vec<(String, Value, Value)> = targets
        .iter()
        .map(|t| {
            (
                t["indicator_code"].as_str().unwrap().to_string(),
                json!({"op": t["op"], "value": t["value"]}),
                json!(false),
            )
        })
        .collect();
    for (token, unit, communes) in [(&district, "ou-106", 13), (&commune, "ou-03412", 1)] {
        let body = indicators(&app, token, &format!("year=2023&org_unit={unit}")).await;
        assert_eq!(body["plan"], header_2023(), "{unit}");
        assert_eq!(targets_by_code(&body["indicators"]), planned, "{unit}");
        assert_eq!(body["indicators"][0]["denominator"], communes, "{unit}");
        assert_eq!(body["indicators"][0]["status"], "not_met", "{unit}");
    }
    let by_commune = indicators(&app, &district, "year=2023&by=commune").await;
    for row in by_commune["communes"].as_array().unwrap() {
        assert_eq!(targets_by_code(&row["indicators"]), planned);
    }
    let title = csv_title(&app, &district, "year=2023&quarter=2").await;
    assert_eq!(
        title[..2],
        [
            "UBND huyện Tam Đường",
            "Báo cáo kết quả thực hiện Kế hoạch phòng, chống mại dâm năm 2023"
        ]
    );
    assert_eq!(
        title[3],
        "Kế hoạch: Kế hoạch phòng, chống mại dâm năm 2023 (UBND huyện Tam Đường)"
    );
    // A commune reports on the district's plan as its own people's committee.
    let title = csv_title(&app, &commune, "year=2023&quarter=2").await;
    assert_eq!(title[0], "UBND xã Bình Lư");
    assert_eq!(
        title[3],
        "Kế hoạch: Kế hoạch phòng, chống mại dâm năm 2023 (UBND huyện Tam Đường)"
    );
}

async fn a_province_plan_is_in_force_for_a_new_commune_until_it_has_its_own(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.province_admin().await;
    let officer = new_commune_officer(&app, &admin).await;
    let province = create_plan(&app, &admin, province_plan(2026)).await;
    assert_eq!(province["id"], "plan-ou-12-2026");
    let province = set_target(&app, &admin, "plan-ou-12-2026", "PCMD-TT01", 80.0).await;

    let body = indicators(&app, &officer, "year=2026").await;
    assert_eq!(body["org_unit_id"], NEW_BINH_LU);
    assert_eq!(body["plan"], header_of(&province));
    assert_eq!(
        body["indicators"][0]["target"],
        json!({"op": ">=", "value": 80.0})
    );
    assert_eq!(body["indicators"][0]["target_to_confirm"], false);
    assert_eq!(body["indicators"][1]["target"], Value::Null);
    // The plans above the new commune; the old district's is not its line.
    assert_eq!(
        get_ok(&app, "/api/v1/plans", &officer).await,
        json!([province])
    );

    let title = csv_title(&app, &officer, "year=2026&quarter=1").await;
    assert_eq!(title[0], "UBND xã Bình Lư");
    assert_eq!(
        title[1],
        "Báo cáo kết quả thực hiện Kế hoạch phòng, chống mại dâm năm 2026"
    );
    assert_eq!(
        title[3],
        "Kế hoạch: Kế hoạch phòng, chống mại dâm năm 2026 (Ủy ban nhân dân tỉnh Lai Châu)"
    );
    // The province's own report is headed by the plan's issuer.
    let body = json!({"username": "tinh", "password": "demo-tinh-lc",
                      "role": "district_officer", "org_unit_id": "ou-12"});
    call(&app, Method::POST, "/api/v1/admin/users", &admin, body).await;
    let province_officer = app.token("tinh", "demo-tinh-lc").await;
    for title in [
        csv_title(&app, &province_officer, "year=2026&quarter=1").await,
        xlsx_title(&app, &province_officer, "year=2026&quarter=1").await,
    ] {
        assert_eq!(title[0], "Ủy ban nhân dân tỉnh Lai Châu");
    }
    let english = csv_title(&app, &province_officer, "year=2026&quarter=1&lang=en").await;
    assert_eq!(
        english[..4],
        [
            "Ủy ban nhân dân tỉnh Lai Châu",
            "Report on the implementation of \"Kế hoạch phòng, chống mại dâm năm 2026\"",
            "Quarter 1 of 2026 (year to date)",
            "Plan: Kế hoạch phòng, chống mại dâm năm 2026 (Ủy ban nhân dân tỉnh Lai Châu)",
        ]
    );

    // The commune's own plan takes over from the province's.
    let own = json!({"org_unit_id": NEW_BINH_LU, "year": 2026,
                     "title": "Kế hoạch phòng, chống mại dâm năm 2026 của xã Bình Lư",
                     "issuer": "UBND xã Bình Lư", "lead_agency": "Trạm Y tế xã Bình Lư",
                     "recipients": ["UBND tỉnh Lai Châu", "Lưu: VT"]});
    let own = create_plan(&app, &admin, own).await;
    assert_eq!(own["id"], "plan-ou-03390-20250701-2026");
    let body = indicators(&app, &officer, "year=2026").await;
    assert_eq!(body["plan"]["id"], "plan-ou-03390-20250701-2026");
    assert_eq!(body["indicators"][0]["target"], Value::Null);
    assert_eq!(
        get_ok(&app, "/api/v1/plans?year=2026", &officer).await,
        json!([own, province]),
        "newest year first, then by unit id"
    );
}

async fn a_copied_plan_is_to_confirm_until_confirmed(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.province_admin().await;
    let officer = new_commune_officer(&app, &admin).await;
    create_plan(&app, &admin, province_plan(2026)).await;
    set_target(&app, &admin, "plan-ou-12-2026", "PCMD-TT01", 80.0).await;
    let source = set_target(&app, &admin, "plan-ou-12-2026", "PCMD-KT01", 90.0).await;
    set_baseline(&app, &admin, 2026, "commune_officials", NEW_BINH_LU, 10).await;
    set_baseline(&app, &admin, 2026, "students_enrolled", NEW_BINH_LU, 300).await;
    set_baseline(&app, &admin, 2026, "students_enrolled", "ou-12", 5000).await;
    // Of a unit that no longer exists in 2027: not copied.
    set_baseline(&app, &admin, 2026, "district_officials", "ou-106", 40).await;
    // Already entered for 2027: kept.
    set_baseline(&app, &admin, 2027, "students_enrolled", "ou-12", 5100).await;

    let copy = json!({"org_unit_id": "ou-12", "year": 2027, "copy_from": "plan-ou-12-2026"});
    let copy = create_plan(&app, &admin, copy).await;
    let mut expected = source.clone();
    expected["id"] = json!("plan-ou-12-2027");
    expected["year"] = json!(2027);
    expected["title"] = json!("Kế hoạch phòng, chống mại dâm năm 2027");
    expected["copied_from"] = json!("plan-ou-12-2026");
    expected["to_confirm"] = json!(true);
    for target in expected["targets"].as_array_mut().unwrap() {
        target["to_confirm"] = json!(true);
    }
    assert_eq!(copy, expected);
    assert_eq!(
        get_ok(&app, "/api/v1/plans/plan-ou-12-2027", &admin).await,
        copy
    );
    let baselines_2027 =
        || async { get_ok(&app, "/api/v1/admin/baselines?year=2027", &admin).await };
    assert_eq!(
        baselines_2027().await,
        json!([
            {"name": "commune_officials", "org_unit_id": NEW_BINH_LU, "value": 10,
             "to_confirm": true},
            {"name": "students_enrolled", "org_unit_id": NEW_BINH_LU, "value": 300,
             "to_confirm": true},
            {"name": "students_enrolled", "org_unit_id": "ou-12", "value": 5100,
             "to_confirm": false},
        ])
    );
    let body = indicators(&app, &officer, "year=2027").await;
    assert_eq!(body["plan"]["id"], "plan-ou-12-2027");
    assert_eq!(
        body["indicators"][0]["target"],
        json!({"op": ">=", "value": 80.0})
    );
    assert_eq!(body["indicators"][0]["target_to_confirm"], true);
    assert_eq!(
        body["indicators"][1]["target_to_confirm"], false,
        "no target"
    );
    let title = csv_title(&app, &officer, "year=2027").await;
    assert!(
        title.iter().any(|line| line.contains("chờ xác nhận")),
        "{title:?}"
    );

    // Setting a baseline or a target confirms it; a copied baseline keeps the plan to confirm.
    let body = json!({"year": 2027, "name": "students_enrolled", "org_unit_id": NEW_BINH_LU,
                      "value": 320});
    let set = call(&app, Method::PUT, "/api/v1/admin/baselines", &admin, body).await;
    assert_eq!(set["to_confirm"], false);
    set_target(&app, &admin, "plan-ou-12-2027", "PCMD-TT01", 80.0).await;
    let plan = set_target(&app, &admin, "plan-ou-12-2027", "PCMD-KT01", 85.0).await;
    assert!(plan["targets"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["to_confirm"] == false));
    assert_eq!(
        plan["to_confirm"], true,
        "the commune's officials are still to confirm"
    );
    let body = indicators(&app, &officer, "year=2027").await;
    assert_eq!(body["indicators"][0]["target_to_confirm"], false);

    // Copied again into a commune plan of the same year: no baseline to add, targets to confirm.
    let again = json!({"org_unit_id": NEW_BINH_LU, "year": 2027, "copy_from": "plan-ou-12-2027",
                       "issuer": "UBND xã Bình Lư"});
    let commune_plan = create_plan(&app, &admin, again).await;
    assert_eq!(commune_plan["issuer"], "UBND xã Bình Lư");
    assert_eq!(commune_plan["lead_agency"], "Sở Y tế tỉnh Lai Châu");
    assert_eq!(commune_plan["to_confirm"], true);

    let confirm = |id: &'static str| {
        let path = format!("/api/v1/admin/plans/{id}/confirm");
        let (app, admin) = (&app, &admin);
        async move { call(app, Method::POST, &path, admin, json!({})).await }
    };
    let confirmed = confirm("plan-ou-12-2027").await;
    assert_eq!(confirmed["to_confirm"], false);
    assert!(baselines_2027()
        .await
        .as_array()
        .unwrap()
        .iter()
        .all(|b| b["to_confirm"] == false));
    let commune_plan = get_ok(&app, "/api/v1/plans/plan-ou-03390-20250701-2027", &admin).await;
    assert_eq!(
        commune_plan["to_confirm"], true,
        "its own targets are its own"
    );
    let body = indicators(&app, &officer, "year=2027").await;
    assert_eq!(body["plan"]["id"], "plan-ou-03390-20250701-2027");
    assert_eq!(body["indicators"][0]["target_to_confirm"], true);
    let confirmed = confirm("plan-ou-03390-20250701-2027").await;
    assert_eq!(confirmed["to_confirm"], false);
    assert!(confirmed["targets"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["to_confirm"] == false));
    let body = indicators(&app, &officer, "year=2027").await;
    assert_eq!(body["indicators"][0]["target_to_confirm"], false);

    let created = audit(&app, &admin, "plan.create").await;
    assert_eq!(created.len(), 3);
    assert_eq!(created[1]["target"], "plan-ou-12-2027");
    assert_eq!(
        created[1]["detail"],
        json!({"org_unit_id": "ou-12", "year": 2027, "copied_from": "plan-ou-12-2026",
               "targets": 2, "baselines_copied": 2})
    );
    let confirms = audit(&app, &admin, "plan.confirm").await;
    let details: Vec<(&Value, &Value)> = confirms
        .iter()
        .map(|e| (&e["target"], &e["detail"]))
        .collect();
    assert_eq!(
        details,
        [
            (
                &json!("plan-ou-03390-20250701-2027"),
                &json!({"targets": 2, "baselines": 0})
            ),
            (
                &json!("plan-ou-12-2027"),
                &json!({"targets": 0, "baselines": 1})
            ),
        ]
    );
    assert_eq!(confirms[0]["username"], "admin");
    assert_eq!(audit(&app, &admin, "plan.target_set").await.len(), 4);
}

async fn without_a_plan_in_force_there_is_no_target(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.province_admin().await;
    let officer = new_commune_officer(&app, &admin).await;
    let session = json!({"id": uuid::Uuid::new_v4().to_string(), "kind": "outreach_session",
        "org_unit_id": NEW_BINH_LU, "occurred_on": "2026-02-01", "base_version": 0,
        "voided": false, "data": {"format": "group_talk", "audience": "youth",
                                  "reached_male": 2, "reached_female": 3}});
    let body = json!({"device_id": DEVICE, "records": [session]});
    let synced = call(&app, Method::POST, "/api/v1/sync", &officer, body).await;
    assert_eq!(synced["results"][0]["status"], "applied");

    let body = indicators(&app, &officer, "year=2026").await;
    assert_eq!(body["plan"], Value::Null);
    let tt01 = &body["indicators"][0];
    assert_eq!(
        (&tt01["numerator"], &tt01["denominator"], &tt01["status"]),
        (&json!(1), &json!(1), &json!("no_target"))
    );
    for indicator in body["indicators"].as_array().unwrap() {
        assert_eq!(indicator["target"], Value::Null);
        assert_eq!(indicator["target_to_confirm"], false);
        let status = indicator["status"].as_str().unwrap();
        assert!(["no_target", "no_data", "not_applicable"].contains(&status));
    }
    let district = app.token("huyen", "demo-huyen").await;
    assert_eq!(
        indicators(&app, &district, "year=2024").await["plan"],
        Value::Null
    );

    let title = csv_title(&app, &officer, "year=2026").await;
    assert_eq!(title[0], "UBND xã Bình Lư");
    assert_eq!(
        title[1],
        "Báo cáo kết quả công tác phòng, chống mại dâm năm 2026"
    );
    assert_eq!(
        title[3],
        "Không có kế hoạch năm 2026 áp dụng cho đơn vị: các chỉ tiêu chưa có mục tiêu."
    );
    let english = xlsx_title(&app, &officer, "year=2026&lang=en").await;
    assert_eq!(english[0], "People's Committee of Xã Bình Lư");
    assert_eq!(
        english[3],
        "No plan for 2026 applies to this unit: the indicators have no targets."
    );
}

async fn headers_change_and_targets_go(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    let path = format!("/api/v1/admin/plans/{PLAN_2023}");
    let change = json!({"title": "  Kế hoạch số 45/KH-UBND phòng, chống mại dâm năm 2023 ",
                        "recipients": ["Sở Y tế tỉnh Lai Châu", " Lưu: VT "]});
    let plan = call(&app, Method::PATCH, &path, &admin, change).await;
    let mut expected = header_2023();
    expected["title"] = json!("Kế hoạch số 45/KH-UBND phòng, chống mại dâm năm 2023");
    expected["recipients"] = json!(["Sở Y tế tỉnh Lai Châu", "Lưu: VT"]);
    assert_eq!(header_of(&plan), expected);
    assert_eq!(plan["targets"].as_array().unwrap().len(), 12);

    let target = format!("{path}/targets/PCMD-TT01");
    for _ in 0..2 {
        let response = app.call(Method::DELETE, &target, Some(&admin), None).await;
        assert_eq!(response.status(), 204);
    }
    let plan = get_ok(&app, &format!("/api/v1/plans/{PLAN_2023}"), &admin).await;
    assert_eq!(plan["targets"].as_array().unwrap().len(), 11);
    assert_eq!(plan["targets"][0]["indicator_code"], "PCMD-TT02");
    let district = app.token("huyen", "demo-huyen").await;
    let body = indicators(&app, &district, "year=2023").await;
    assert_eq!(body["plan"], expected);
    assert_eq!(body["indicators"][0]["target"], Value::Null);
    let title = csv_title(&app, &district, "year=2023").await;
    assert_eq!(
        title[1],
        "Báo cáo kết quả thực hiện Kế hoạch số 45/KH-UBND phòng, chống mại dâm năm 2023"
    );

    let updates = audit(&app, &admin, "plan.update").await;
    assert_eq!(updates.len(), 1);
    assert_eq!(
        updates[0]["detail"],
        json!({"title": expected["title"], "recipients": expected["recipients"]})
    );
    let deletes = audit(&app, &admin, "plan.target_delete").await;
    assert_eq!(deletes.len(), 1, "the second delete changed nothing");
    assert_eq!(deletes[0]["target"], "plan-ou-106-2023/PCMD-TT01");
}

async fn the_targets_api_addresses_the_plan_in_force(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    let put = |year: i32| format!("/api/v1/admin/targets/{year}/PCMD-KT01");
    let body = json!({"op": ">=", "value": 80});
    call(&app, Method::PUT, &put(2024), &admin, body.clone()).await;
    let plans = get_ok(&app, "/api/v1/plans?year=2024", &admin).await;
    assert_eq!(
        plans,
        json!([{"id": "plan-ou-106-2024", "org_unit_id": "ou-106", "year": 2024,
                "title": "Kế hoạch phòng, chống mại dâm năm 2024",
                "issuer": "UBND huyện Tam Đường", "lead_agency": "UBND huyện Tam Đường",
                "recipients": [], "copied_from": null, "to_confirm": false,
                "targets": [{"indicator_code": "PCMD-KT01", "op": ">=", "value": 80.0,
                             "to_confirm": false}]}])
    );
    assert_eq!(audit(&app, &admin, "plan.create").await.len(), 1);

    // Tam Đường is gone in 2027: no plan of its own there.
    let response = app
        .call(Method::PUT, &put(2027), Some(&admin), Some(body.clone()))
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        json_of(response).await["error"]["errors"][0]["field"],
        "org_unit_id"
    );
    // The province's plan is in force for it; a district's admin does not change it.
    app.add_officer("admin_huyen", "admin", "ou-106").await;
    let district = app.token("admin_huyen", "demo-admin_huyen").await;
    let admin = app.province_admin().await;
    create_plan(&app, &admin, province_plan(2027)).await;
    let response = app
        .call(Method::PUT, &put(2027), Some(&district), Some(body.clone()))
        .await;
    assert_eq!(response.status(), 403, "a plan of the unit above");
    call(&app, Method::PUT, &put(2027), &admin, body).await;
    let plan = get_ok(&app, "/api/v1/plans/plan-ou-12-2027", &admin).await;
    assert_eq!(plan["targets"][0]["indicator_code"], "PCMD-KT01");
    let listed = get_ok(&app, "/api/v1/admin/targets?year=2027", &admin).await;
    let kt01 = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "PCMD-KT01")
        .unwrap();
    assert_eq!(kt01["target"], json!({"op": ">=", "value": 80.0}));
    let response = app
        .call(Method::DELETE, &put(2027), Some(&admin), None)
        .await;
    assert_eq!(response.status(), 204);
    let plan = get_ok(&app, "/api/v1/plans/plan-ou-12-2027", &admin).await;
    assert_eq!(plan["targets"], json!([]));
}

async fn only_admins_change_plans_and_officers_read_their_line(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.province_admin().await;
    let mut city = province_plan(2023);
    city["org_unit_id"] = json!("ou-105");
    let city = create_plan(&app, &admin, city).await;
    assert_eq!(city["id"], "plan-ou-105-2023");
    let mut duplicate = province_plan(2023);
    duplicate["org_unit_id"] = json!("ou-106");
    let response = app
        .call(
            Method::POST,
            "/api/v1/admin/plans",
            Some(&admin),
            Some(duplicate.clone()),
        )
        .await;
    assert_eq!(response.status(), 409);
    assert_eq!(json_of(response).await["error"]["code"], "plan_exists");
    let all = get_ok(&app, "/api/v1/plans", &admin).await;
    let ids: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["plan-ou-105-2023", PLAN_2023]);

    let changes = [
        (
            Method::POST,
            "/api/v1/admin/plans".to_string(),
            Some(duplicate),
        ),
        (
            Method::PATCH,
            format!("/api/v1/admin/plans/{PLAN_2023}"),
            Some(json!({"title": "x"})),
        ),
        (
            Method::PUT,
            format!("/api/v1/admin/plans/{PLAN_2023}/targets/PCMD-TT01"),
            Some(json!({"op": ">=", "value": 1})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/admin/plans/{PLAN_2023}/targets/PCMD-TT01"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/admin/plans/{PLAN_2023}/confirm"),
            None,
        ),
    ];
    for username in ["huyen", "binhlu"] {
        let token = app.token(username, &format!("demo-{username}")).await;
        for (method, path, body) in &changes {
            let response = app
                .call(method.clone(), path, Some(&token), body.clone())
                .await;
            assert_eq!(response.status(), 403, "{username}: {method} {path}");
            assert_eq!(json_of(response).await["error"]["code"], "forbidden");
        }
        // Officers of Tam Đường read their own line of plans, not the city's.
        let listed = get_ok(&app, "/api/v1/plans", &token).await;
        assert_eq!(listed.as_array().unwrap().len(), 1, "{username}");
        assert_eq!(listed[0]["id"], PLAN_2023);
        let hidden = app
            .call(
                Method::GET,
                "/api/v1/plans/plan-ou-105-2023",
                Some(&token),
                None,
            )
            .await;
        assert_eq!(hidden.status(), 404, "{username}");
    }
    let reads = [
        (Method::GET, "/api/v1/plans".to_string(), None),
        (Method::GET, format!("/api/v1/plans/{PLAN_2023}"), None),
    ];
    for (method, path, body) in reads.iter().chain(&changes) {
        let response = app.call(method.clone(), path, None, body.clone()).await;
        assert_eq!(response.status(), 401, "{method} {path}");
    }
    for (method, path) in [
        (Method::GET, "/api/v1/plans/plan-nope"),
        (Method::PATCH, "/api/v1/admin/plans/plan-nope"),
        (
            Method::PUT,
            "/api/v1/admin/plans/plan-nope/targets/PCMD-TT01",
        ),
        (
            Method::PUT,
            "/api/v1/admin/plans/plan-ou-106-2023/targets/PCMD-XX99",
        ),
        (
            Method::DELETE,
            "/api/v1/admin/plans/plan-ou-106-2023/targets/PCMD-XX99",
        ),
        (Method::POST, "/api/v1/admin/plans/plan-nope/confirm"),
    ] {
        let body = (method == Method::PUT).then(|| json!({"op": ">=", "value": 1}));
        let body = body.or((method == Method::PATCH).then(|| json!({"title": "x"})));
        let response = app.call(method.clone(), path, Some(&admin), body).await;
        assert_eq!(response.status(), 404, "{method} {path}");
    }
    // Nothing changed.
    let plan = get_ok(&app, &format!("/api/v1/plans/{PLAN_2023}"), &admin).await;
    assert_eq!(header_of(&plan), header_2023());
    assert_eq!(plan["targets"].as_array().unwrap().len(), 12);
}

/// Sends `body` as it is, declared as JSON.
async fn send_raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: String,
) -> reqwest::Response {
    app.client
        .request(method, app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// A hostile request (method, path, body) and its answer: the status, and the field and code named.
type Hostile<'a> = (Method, &'a str, Value, u16, Option<(&'a str, &'a str)>);

async fn hostile_bodies_get_a_clear_4xx_and_change_nothing(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.province_admin().await;
    let before = get_ok(&app, "/api/v1/plans", &admin).await;
    let with = |field: &str, value: Value| {
        let mut body = province_plan(2027);
        body[field] = value;
        body
    };
    let huge = "x".repeat(100_000);
    let many: Vec<String> = (0..10_000).map(|n| format!("Nơi nhận {n}")).collect();
    let create = "/api/v1/admin/plans";
    let patch = format!("/api/v1/admin/plans/{PLAN_2023}");
    let target = format!("/api/v1/admin/plans/{PLAN_2023}/targets/PCMD-TT01");
    let cases: Vec<Hostile> = vec![
        (
            Method::POST,
            create,
            with("title", json!(huge)),
            422,
            Some(("title", "too_long")),
        ),
        (
            Method::POST,
            create,
            with("recipients", json!(many)),
            422,
            Some(("recipients", "too_many")),
        ),
        (
            Method::POST,
            create,
            with("recipients", json!(["Bộ Y tế", huge])),
            422,
            Some(("recipients", "too_long")),
        ),
        (
            Method::POST,
            create,
            with("title", json!("Kế hoạch\nnăm 2027")),
            422,
            Some(("title", "invalid")),
        ),
        (
            Method::POST,
            create,
            with("issuer", json!("   ")),
            422,
            Some(("issuer", "required")),
        ),
        (Method::POST, create, with("year", json!("2027")), 422, None),
        (Method::POST, create, with("year", json!(1e12)), 422, None),
        (Method::POST, create, with("title", json!(5)), 422, None),
        (
            Method::POST,
            create,
            with("recipients", json!("Lưu: VT")),
            422,
            None,
        ),
        (
            Method::POST,
            create,
            with("recipients", json!([1, 2])),
            422,
            None,
        ),
        (Method::POST, create, with("targets", json!([])), 422, None),
        (Method::POST, create, json!([1, 2, 3]), 422, None),
        (
            Method::POST,
            create,
            with("year", json!(1800)),
            422,
            Some(("year", "invalid")),
        ),
        (
            Method::POST,
            create,
            with("org_unit_id", json!("ou-nowhere")),
            422,
            Some(("org_unit_id", "unknown")),
        ),
        (
            Method::POST,
            create,
            with("org_unit_id", json!("ou-106")),
            422,
            Some(("org_unit_id", "not_valid_in_year")),
        ),
        (
            Method::POST,
            create,
            with("copy_from", json!("plan-nope")),
            422,
            Some(("copy_from", "unknown")),
        ),
        (
            Method::PATCH,
            &patch,
            json!({"issuer": huge}),
            422,
            Some(("issuer", "too_long")),
        ),
        (
            Method::PATCH,
            &patch,
            json!({"recipients": [""]}),
            422,
            Some(("recipients", "required")),
        ),
        (
            Method::PATCH,
            &patch,
            json!({"recipients": many}),
            422,
            Some(("recipients", "too_many")),
        ),
        (Method::PATCH, &patch, json!({"colour": "red"}), 422, None),
        (Method::PATCH, &patch, json!({"title": ["a"]}), 422, None),
        (
            Method::PUT,
            &target,
            json!({"op": ">", "value": -1}),
            422,
            Some(("op", "unknown")),
        ),
        (
            Method::PUT,
            &target,
            json!({"op": ">=", "value": "70"}),
            422,
            None,
        ),
        (Method::PUT, &target, json!({"op": ">="}), 422, None),
    ];
    for (method, path, body, status, field) in cases {
        let response = app
            .call(method.clone(), path, Some(&admin), Some(body))
            .await;
        let at = format!("{method} {path}");
        assert_eq!(response.status(), status, "{at}");
        let error = json_of(response).await;
        assert!(error["error"]["code"].is_string(), "{at}: {error}");
        if let Some((field, code)) = field {
            let errors = error["error"]["errors"].as_array().unwrap();
            assert!(
                errors
                    .iter()
                    .any(|e| e["field"] == field && e["code"] == code),
                "{at}: {errors:?}"
            );
        }
    }
    // Without a plan to copy, every header field is required, and all are named at once.
    let bare = json!({"org_unit_id": "ou-12", "year": 2027});
    let response = app
        .call(Method::POST, create, Some(&admin), Some(bare))
        .await;
    assert_eq!(response.status(), 422);
    let fields: Vec<Value> = json_of(response).await["error"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| json!([e["field"], e["code"]]))
        .collect();
    assert_eq!(
        fields,
        [
            json!(["title", "required"]),
            json!(["issuer", "required"]),
            json!(["lead_agency", "required"]),
            json!(["recipients", "required"]),
        ]
    );
    for (raw, status) in [
        ("{".to_string(), 400),
        ("not json".to_string(), 400),
        (
            format!("{{\"title\": \"{}\"}}", "x".repeat(2 * 1024 * 1024)),
            413,
        ),
    ] {
        let response = send_raw(&app, Method::POST, create, &admin, raw).await;
        assert_eq!(response.status(), status);
        assert!(json_of(response).await["error"]["code"].is_string());
    }
    assert_eq!(get_ok(&app, "/api/v1/plans", &admin).await, before);
    assert!(audit(&app, &admin, "plan.create").await.is_empty());
    assert!(audit(&app, &admin, "plan.update").await.is_empty());
}

async fn the_demo_data_creates_plans_with_targets(backend: Backend) {
    let app = demo_app(backend).await;
    let store = app.store.as_ref();
    let target = |code: &str, value: f64| PlanTarget {
        indicator_code: code.into(),
        op: Op::AtLeast,
        value,
        to_confirm: false,
    };
    let new = NewPlan {
        org_unit_id: "ou-12".into(),
        year: 2026,
        title: Some("Kế hoạch phòng, chống mại dâm năm 2026".into()),
        issuer: Some("UBND tỉnh Lai Châu".into()),
        lead_agency: Some("Sở Y tế tỉnh Lai Châu".into()),
        recipients: Some(vec!["Bộ Y tế".into()]),
        copy_from: None,
        targets: vec![target("PCMD-KT01", 75.0), target("PCMD-TT01", 70.0)],
    };
    let refused = server::plans::create(
        store,
        NewPlan {
            targets: vec![target("PCMD-XX99", 1.0), target("PCMD-TT01", f64::NAN)],
            ..new.clone()
        },
        &Actor::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(refused.status, 422);
    assert_eq!(refused.errors.len(), 2);
    let plan = server::plans::create(store, new, &Actor::default())
        .await
        .unwrap();
    let codes: Vec<&str> = plan
        .targets
        .iter()
        .map(|t| t.indicator_code.as_str())
        .collect();
    assert_eq!(codes, ["PCMD-TT01", "PCMD-KT01"], "in report order");
    let admin = app.province_admin().await;
    assert_eq!(
        get_ok(&app, "/api/v1/plans/plan-ou-12-2026", &admin).await,
        serde_json::to_value(&plan).unwrap()
    );
    // A copy made the same way, for the next year.
    let copy = NewPlan {
        org_unit_id: "ou-12".into(),
        year: 2027,
        copy_from: Some(plan.header.id.clone()),
        ..NewPlan::default()
    };
    let copy = server::plans::create(store, copy, &Actor::default())
        .await
        .unwrap();
    assert_eq!(copy.header.title, "Kế hoạch phòng, chống mại dâm năm 2027");
    assert!(copy.to_confirm && copy.targets.iter().all(|t| t.to_confirm));
    let log = audit(&app, &admin, "plan.create").await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["username"], Value::Null, "made by the server itself");
}

/// The migrations before 0007 of `backend`, in a folder of their own.
fn migrations_before_0007(backend: Backend) -> std::path::PathBuf {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(match backend {
        Backend::Sqlite => "migrations/sqlite",
        Backend::Postgres => "migrations/postgres",
    });
    let dir =
        std::env::temp_dir().join(format!("pcmd-migrations-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.as_str() < "0007" {
            std::fs::copy(&path, dir.join(name)).unwrap();
        }
    }
    dir
}

async fn migration_0007_moves_the_targets_of_an_existing_store_into_plans(backend: Backend) {
    let url = fresh_database_url(backend).await;
    let old = sqlx::migrate::Migrator::new(migrations_before_0007(backend).as_path())
        .await
        .unwrap();
    // A store as the server left it before plans: the district, its 2023 targets and one of 2024.
    let statements = [
        "INSERT INTO org_units (id, code, name, level, parent_id, valid_from, valid_to) VALUES \
         ('ou-12', '12', 'Tỉnh Lai Châu', 'province', NULL, '2004-01-01', NULL), \
         ('ou-106', '106', 'Huyện Tam Đường', 'district', 'ou-12', '2002-01-01', '2025-06-30')",
        "INSERT INTO indicators (code, label_vi, label_en, kind, sort) VALUES \
         ('PCMD-TT01', 'Tuyên truyền', 'Outreach', 'ratio', 1), \
         ('PCMD-KT01', 'Kiểm tra', 'Inspections', 'ratio', 8)",
        "INSERT INTO targets (indicator_code, year, op, value) VALUES \
         ('PCMD-TT01', 2023, '>=', 70), ('PCMD-KT01', 2023, '>=', 70), \
         ('PCMD-KT01', 2024, '=', 90)",
        "INSERT INTO baselines (name, year, org_unit_id, value) VALUES \
         ('students_enrolled', 2023, 'ou-106', 1200)",
    ];
    match backend {
        Backend::Sqlite => {
            let options = server::store::sqlite_connect_options(&url).unwrap();
            let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
            old.run(&pool).await.unwrap();
            for statement in statements {
                sqlx::query(statement).execute(&pool).await.unwrap();
            }
            pool.close().await;
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            old.run(&pool).await.unwrap();
            for statement in statements {
                sqlx::query(statement).execute(&pool).await.unwrap();
            }
            pool.close().await;
        }
    }
    let app = spawn_app_on(&url, Security::default()).await;
    let plans = app.store.plans(None).await.unwrap();
    let seeded = server::seed::reference_data()
        .unwrap()
        .plans
        .remove(0)
        .header;
    let ids: Vec<&str> = plans.iter().map(|p| p.header.id.as_str()).collect();
    assert_eq!(ids, ["plan-ou-106-2024", PLAN_2023]);
    assert_eq!(
        plans[1].header, seeded,
        "the header the seed gives a new store"
    );
    assert_eq!(
        plans[0].header.title,
        "Kế hoạch phòng, chống mại dâm năm 2024"
    );
    assert_eq!(plans[0].header.recipients, seeded.recipients);
    let targets = |n: usize| -> Vec<(String, Op, f64, bool)> {
        plans[n]
            .targets
            .iter()
            .map(|t| (t.indicator_code.clone(), t.op, t.value, t.to_confirm))
            .collect()
    };
    assert_eq!(
        targets(1),
        [
            ("PCMD-TT01".to_string(), Op::AtLeast, 70.0, false),
            ("PCMD-KT01".to_string(), Op::AtLeast, 70.0, false)
        ]
    );
    assert_eq!(
        targets(0),
        [("PCMD-KT01".to_string(), Op::Exactly, 90.0, false)]
    );
    let baselines = app.store.baselines(2023).await.unwrap();
    assert_eq!((baselines[0].value, baselines[0].to_confirm), (1200, false));
    // The seed adds nothing to a store that has its units.
    assert_eq!(app.store.indicators().await.unwrap().len(), 2);
}
