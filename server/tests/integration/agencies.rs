//! The agencies PCMD-KH02 counts (issue 16): the admin's list, seeded with the plan's section V,
//! read by every officer, changed by the admin only (audited), and counted by id, so that
//! spellings of one agency count once.

use crate::common::api::{get_ok, json_of, sync};
use crate::common::{audit_entries, demo_app, Backend, BINH_LU, DISTRICT};
use reqwest::Method;
use serde_json::{json, Value};
use server::store::name_key;

on_both_stores!(
    the_list_holds_the_plan_s_agencies_and_only_the_admin_changes_it,
    kh02_counts_an_agency_of_the_list_once_whatever_it_was_called,
    one_name_added_at_once_from_many_phones_is_listed_once,
);

const AGENCIES: &str = "/api/v1/admin/agencies";

async fn the_list_holds_the_plan_s_agencies_and_only_the_admin_changes_it(backend: Backend) {
    let app = demo_app(backend).await;
    let officer = app.token("binhlu", "demo-binhlu").await;
    let admin = app.token("admin", "demo-admin").await;
    let listed = get_ok(&app, "/api/v1/agencies", &officer).await;
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|agency| agency["name_vi"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 12, "{names:?}");
    assert_eq!(names[0], "Phòng Lao động - Thương binh và Xã hội");
    assert!(names.contains(&"Phòng Tư pháp"));
    assert_eq!(listed[4]["id"], "ag-tu-phap");
    assert_eq!(listed[4]["retired"], false);

    // Nobody without an account reads it; an officer reads but does not change it.
    assert_eq!(app.get("/api/v1/agencies").await.status(), 401);
    let body = json!({"name_vi": "Hội Liên hiệp Phụ nữ huyện"});
    let call = |method, path: String, token: Option<String>, body: Value| {
        let app = &app;
        async move { app.call(method, &path, token.as_deref(), Some(body)).await }
    };
    let refused = call(
        Method::POST,
        AGENCIES.into(),
        Some(officer.clone()),
        body.clone(),
    )
    .await;
    assert_eq!(refused.status(), 403);

    let added = call(
        Method::POST,
        AGENCIES.into(),
        Some(admin.clone()),
        body.clone(),
    )
    .await;
    assert_eq!(added.status(), 201);
    let added = json_of(added).await;
    let id = added["id"].as_str().unwrap().to_string();
    assert!(domain::agency_id(&json!(id)).is_ok(), "{id}");
    assert_eq!(added["name_en"], "Hội Liên hiệp Phụ nữ huyện");
    // The same name again, in other case and spacing, is the variant the list ends.
    let again = json!({"name_vi": "  hội liên hiệp  phụ nữ huyện "});
    let twice = call(Method::POST, AGENCIES.into(), Some(admin.clone()), again).await;
    assert_eq!(twice.status(), 409);
    assert_eq!(json_of(twice).await["error"]["code"], "agency_exists");
    for wrong in [
        json!({"name_vi": "  "}),
        json!({"name_vi": "x".repeat(201)}),
        json!({}),
    ] {
        let response = call(Method::POST, AGENCIES.into(), Some(admin.clone()), wrong).await;
        assert_eq!(response.status(), 422);
    }
    let unknown = call(
        Method::POST,
        AGENCIES.into(),
        Some(admin.clone()),
        json!({"name": "A"}),
    );
    assert_eq!(unknown.await.status(), 422);

    // Renamed and retired: still listed, as retired, after the others.
    let path = format!("{AGENCIES}/{id}");
    let change = json!({"name_en": "District women's union", "retired": true});
    let changed = call(Method::PUT, path.clone(), Some(admin.clone()), change).await;
    assert_eq!(changed.status(), 200);
    let listed = get_ok(&app, "/api/v1/agencies", &officer).await;
    let last = listed.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["id"], id.as_str());
    assert_eq!(
        (&last["name_en"], &last["retired"]),
        (&json!("District women's union"), &json!(true))
    );
    let taken = json!({"name_vi": "Phòng Tư pháp"});
    let clash = call(Method::PUT, path.clone(), Some(admin.clone()), taken).await;
    assert_eq!(clash.status(), 409);
    let missing = call(
        Method::PUT,
        format!("{AGENCIES}/ag-none"),
        Some(admin),
        json!({}),
    );
    assert_eq!(missing.await.status(), 404);
    let by_officer = call(Method::PUT, path, Some(officer), json!({"retired": false}));
    assert_eq!(by_officer.await.status(), 403);

    let created = audit_entries(&app, "agency.create").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].target.as_deref(), Some(id.as_str()));
    let changes = audit_entries(&app, "agency.change").await;
    assert_eq!(changes.len(), 1);
    let detail: Value = serde_json::from_str(changes[0].detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["previous"]["retired"], false);
    assert_eq!(detail["agency"]["retired"], true);
}

async fn kh02_counts_an_agency_of_the_list_once_whatever_it_was_called(backend: Backend) {
    // "at least 50 % of relevant agencies integrate the task": agencies, not their spellings.
    let app = demo_app(backend).await;
    let district = app.token("huyen", "demo-huyen").await;
    let integration = |data: Value| {
        json!({"id": uuid::Uuid::new_v4().to_string(), "kind": "agency_integration",
               "org_unit_id": DISTRICT, "occurred_on": "2023-05-02", "base_version": 0,
               "voided": false, "data": data})
    };
    let records = [
        integration(json!({"agency_id": "ag-tu-phap", "agency": "Phòng Tư pháp"})),
        integration(json!({"agency_id": "ag-tu-phap", "agency": "phòng tư pháp huyện"})),
        // Made before the list: counted by the name written.
        integration(json!({"agency": "Công an huyện"})),
        integration(json!({"agency": "Công an huyện"})),
        integration(json!({"agency_id": "ag-y-te", "agency": "TTYT"})),
    ];
    for result in sync(&app, &district, &records).await {
        assert_eq!(result["status"], "applied", "{result}");
    }
    let wrong = integration(json!({"agency_id": "Phòng Tư pháp", "agency": "Phòng Tư pháp"}));
    let result = &sync(&app, &district, &[wrong]).await[0];
    assert_eq!(result["status"], "rejected", "{result}");
    assert_eq!(result["errors"][0]["field"], "data.agency_id");

    let path = format!("/api/v1/indicators?year=2023&org_unit={DISTRICT}");
    let body = get_ok(&app, &path, &district).await;
    let kh02 = body["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|value| value["code"] == "PCMD-KH02")
        .unwrap()
        .clone();
    assert_eq!(kh02["numerator"], 3, "{kh02}");
    // A commune's own figure is not applicable, whatever it recorded.
    let commune = app.token("binhlu", "demo-binhlu").await;
    let path = format!("/api/v1/indicators?year=2023&org_unit={BINH_LU}");
    let body = get_ok(&app, &path, &commune).await;
    let kh02 = body["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["code"] == "PCMD-KH02");
    assert_eq!(kh02.unwrap()["status"], "not_applicable");
}

async fn one_name_added_at_once_from_many_phones_is_listed_once(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    // The seeded names carry the key the server makes of them.
    for agency in app.store.agencies().await.unwrap() {
        let same = json!({"name_vi": format!(" {} ", agency.name_vi.to_uppercase())});
        let path = format!("{AGENCIES}/ag-mttq");
        let response = app.call(Method::PUT, &path, Some(&admin), Some(same)).await;
        let expected = if agency.id == "ag-mttq" { 200 } else { 409 };
        assert_eq!(response.status(), expected, "{}", agency.name_vi);
    }
    let spellings = [
        "Đoàn Thanh niên huyện",
        "đoàn thanh niên huyện",
        "ĐOÀN THANH NIÊN HUYỆN",
        "Đoàn  Thanh niên  huyện",
    ];
    let sent: Vec<_> = spellings
        .iter()
        .cycle()
        .take(12)
        .map(|name| {
            let request = app
                .client
                .post(app.url(AGENCIES))
                .bearer_auth(&admin)
                .json(&json!({"name_vi": name}));
            tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for request in sent {
        statuses.push(request.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [[201].as_slice(), &[409; 11]].concat());
    let listed = app.store.agencies().await.unwrap();
    let youth = listed
        .iter()
        .filter(|a| name_key(&a.name_vi) == "đoàn thanh niên huyện");
    assert_eq!(youth.count(), 1);
}
