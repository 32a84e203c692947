//! The referral loop closed by the receiving service (issue 19): a `service_provider` account
//! finds a referral by its slip code and confirms it, as a new version of the referral that the
//! officer's phone pulls; it sees nothing else, slips of other services answer like unknown ones,
//! misses in a row are slowed down, and an officer's offline edit meets the confirmation as a
//! conflict.

use crate::common::api::{get_ok, json_of, sync, user_id};
use crate::common::{audit_entries, demo_app, Backend, TestApp, BINH_LU, DISTRICT};
use domain::SlipCode;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

on_both_stores!(
    a_service_confirms_its_slip_and_reads_nothing_else,
    a_slip_of_another_service_answers_like_an_unknown_one,
    wrong_slip_codes_in_a_row_are_slowed_down,
    an_offline_edit_meets_the_confirmation_as_a_conflict,
);

fn new_slip() -> SlipCode {
    loop {
        if let Some(code) = SlipCode::from_random(uuid::Uuid::new_v4().as_bytes()) {
            return code;
        }
    }
}

fn referral(slip: &SlipCode, service: &str) -> Value {
    json!({
        "id": uuid::Uuid::new_v4().to_string(), "kind": "referral", "org_unit_id": BINH_LU,
        "occurred_on": "2023-03-01", "base_version": 0, "voided": false,
        "data": {"client_code": "MT1990F7", "in_need_eligible": true, "consent": true,
                 "service": service, "status": "referred", "slip_code": slip.as_str(),
                 "follow_up_on": "2023-03-15"}
    })
}

/// The district's health centre (HIV tests, STI care) and its account `ttyt_huyen`, made by the
/// admin through the API; gives the service's id and the account's token.
async fn health_centre(app: &TestApp) -> (String, String) {
    let admin = app.token("admin", "demo-admin").await;
    let body = json!({"name": "Trung tâm Y tế huyện Tam Đường", "org_unit_id": DISTRICT,
                      "services": ["HIV_TEST", "STI"]});
    let path = "/api/v1/admin/receiving-services";
    let made = app.call(Method::POST, path, Some(&admin), Some(body)).await;
    assert_eq!(made.status(), 201);
    let service = json_of(made).await;
    let id = service["id"].as_str().unwrap().to_string();
    assert_eq!(service["services"], json!(["HIV_TEST", "STI"]));
    let account = json!({"username": "ttyt_huyen", "password": "demo-ttyt_huyen",
        "role": "service_provider", "org_unit_id": DISTRICT, "receiving_service_id": id});
    let made = app
        .call(
            Method::POST,
            "/api/v1/admin/users",
            Some(&admin),
            Some(account),
        )
        .await;
    assert_eq!(made.status(), 201);
    let signed_in = json_of(app.login("ttyt_huyen", "demo-ttyt_huyen").await).await;
    assert_eq!(signed_in["officer"]["role"], "service_provider");
    assert_eq!(signed_in["officer"]["receiving_service"]["id"], id.as_str());
    (id, signed_in["token"].as_str().unwrap().to_string())
}

async fn lookup(app: &TestApp, token: &str, code: &str) -> reqwest::Response {
    let path = format!("/api/v1/slips/{code}");
    app.call(Method::GET, &path, Some(token), None).await
}

async fn answer(app: &TestApp, token: &str, code: &str, body: Value) -> reqwest::Response {
    let path = format!("/api/v1/slips/{code}/confirmation");
    app.call(Method::POST, &path, Some(token), Some(body)).await
}

async fn ht01(app: &TestApp, token: &str) -> (Value, Value) {
    let path = format!("/api/v1/indicators?year=2023&org_unit={BINH_LU}");
    let body = get_ok(app, &path, token).await;
    let found = body["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|value| value["code"] == "PCMD-HT01")
        .unwrap()
        .clone();
    (found["numerator"].clone(), found["denominator"].clone())
}

/// The latest version of record `id` as the officer pulls it.
async fn pulled(app: &TestApp, token: &str, id: &str) -> Value {
    let page = get_ok(app, "/api/v1/records?limit=500", token).await;
    page["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|record| record["id"] == id)
        .unwrap()
        .clone()
}

async fn a_service_confirms_its_slip_and_reads_nothing_else(backend: Backend) {
    let app = demo_app(backend).await;
    let officer = app.token("huyen", "demo-huyen").await;
    let (service_id, service) = health_centre(&app).await;
    let slip = new_slip();
    let sent = referral(&slip, "HIV_TEST");
    let id = sent["id"].as_str().unwrap().to_string();
    assert_eq!(sync(&app, &officer, &[sent]).await[0]["status"], "applied");
    assert_eq!(ht01(&app, &officer).await, (json!(0), json!(1)));

    // Typed as read aloud: lower case, with the dash.
    let typed = slip.to_string().to_lowercase();
    let found = lookup(&app, &service, &typed).await;
    assert_eq!(found.status(), 200);
    let found = json_of(found).await;
    assert_eq!(
        found,
        json!({"slip_code": slip.to_string(), "service": "HIV_TEST", "referred_on": "2023-03-01"})
    );

    // Nothing else: no records, no figures, no writing.
    let page = get_ok(&app, "/api/v1/records", &service).await;
    assert_eq!(page["records"], json!([]));
    let figures = app
        .call(
            Method::GET,
            "/api/v1/indicators?year=2023",
            Some(&service),
            None,
        )
        .await;
    assert_eq!(figures.status(), 403);
    let mut edit = referral(&slip, "HIV_TEST");
    edit["id"] = json!(id);
    let refused = sync(&app, &service, &[edit]).await;
    assert_eq!(refused[0]["status"], "rejected");
    // An officer is not a receiving service.
    assert_eq!(lookup(&app, &officer, slip.as_str()).await.status(), 403);

    // A day outside the referral's life is refused.
    let before = answer(
        &app,
        &service,
        slip.as_str(),
        json!({"outcome": "received", "on": "2023-02-01"}),
    )
    .await;
    assert_eq!(before.status(), 422);

    let body = json!({"outcome": "received", "on": "2023-03-10"});
    let confirmed = answer(&app, &service, slip.as_str(), body.clone()).await;
    assert_eq!(confirmed.status(), 200);
    let confirmed = json_of(confirmed).await;
    assert_eq!(confirmed["confirmation"]["outcome"], "received");
    assert_eq!(
        confirmed["confirmation"]["service_name"],
        "Trung tâm Y tế huyện Tam Đường"
    );
    // Again (a retry): the same answer, no new version.
    assert_eq!(
        answer(&app, &service, slip.as_str(), body).await.status(),
        200
    );
    // A person who came did not then stay away.
    let later = json!({"outcome": "no_show", "on": "2023-04-01"});
    assert_eq!(
        answer(&app, &service, slip.as_str(), later).await.status(),
        409
    );

    let record = pulled(&app, &officer, &id).await;
    assert_eq!(record["version"], 2);
    assert_eq!(record["data"]["status"], "accessed");
    assert_eq!(record["data"]["accessed_on"], "2023-03-10");
    assert_eq!(record["data"]["client_code"], "MT1990F7", "the rest kept");
    assert_eq!(
        record["data"]["confirmation"],
        json!({"service_id": service_id, "service_name": "Trung tâm Y tế huyện Tam Đường",
               "outcome": "received", "on": "2023-03-10"})
    );
    assert_eq!(
        record["updated_by"],
        user_id(&app, "ttyt_huyen").await.as_str()
    );
    assert_eq!(
        ht01(&app, &officer).await,
        (json!(1), json!(1)),
        "HT01 counts the confirmation"
    );
    let audit = audit_entries(&app, "slip.confirm").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].target.as_deref(), Some(id.as_str()));
    assert_eq!(audit[0].username.as_deref(), Some("ttyt_huyen"));
}

async fn a_slip_of_another_service_answers_like_an_unknown_one(backend: Backend) {
    let app = demo_app(backend).await;
    let officer = app.token("huyen", "demo-huyen").await;
    let (_, service) = health_centre(&app).await;
    // Legal aid is another service's; a voided referral is nobody's.
    let legal = new_slip();
    let voided = new_slip();
    let mut gone = referral(&voided, "HIV_TEST");
    gone["voided"] = json!(true);
    let results = sync(&app, &officer, &[referral(&legal, "LEGAL"), gone]).await;
    assert!(
        results.iter().all(|result| result["status"] == "applied"),
        "{results:?}"
    );
    let unknown = new_slip();
    let mut answers = Vec::new();
    for code in [&legal, &voided, &unknown] {
        let response = lookup(&app, &service, code.as_str()).await;
        answers.push((response.status().as_u16(), json_of(response).await));
    }
    for code in [&legal, &voided] {
        let body = json!({"outcome": "received", "on": "2023-03-10"});
        assert_eq!(
            answer(&app, &service, code.as_str(), body).await.status(),
            404
        );
    }
    assert_eq!(answers[0].0, 404);
    assert_eq!(answers[0].1["error"]["code"], "slip_not_found");
    assert!(
        answers.iter().all(|answer| *answer == answers[0]),
        "{answers:?}"
    );
    // A code read wrongly is a typo, told as such.
    let mut typo = legal.as_str().to_string();
    typo.replace_range(0..1, if typo.starts_with('2') { "3" } else { "2" });
    let response = lookup(&app, &service, &typo).await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        json_of(response).await["error"]["errors"][0]["code"],
        "invalid_slip_code"
    );
    // Nothing was written.
    let page = get_ok(&app, "/api/v1/records?limit=500", &officer).await;
    let legal_record = page["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|record| record["data"]["slip_code"] == legal.as_str())
        .unwrap();
    assert_eq!(legal_record["version"], 1);
}

async fn wrong_slip_codes_in_a_row_are_slowed_down(backend: Backend) {
    let app = demo_app(backend).await;
    let officer = app.token("huyen", "demo-huyen").await;
    let (_, service) = health_centre(&app).await;
    let slip = new_slip();
    sync(&app, &officer, &[referral(&slip, "STI")]).await;
    let mut statuses = Vec::new();
    for _ in 0..20 {
        let response = lookup(&app, &service, new_slip().as_str()).await;
        if response.status() == 429 {
            assert!(response.headers().contains_key("retry-after"));
        }
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses[..5], [404; 5], "{statuses:?}");
    assert_eq!(statuses[5..], [429; 15], "{statuses:?}");
    // The account waits, whatever it types; another service account does not.
    assert_eq!(lookup(&app, &service, slip.as_str()).await.status(), 429);
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    assert_eq!(
        lookup(&app, &service, new_slip().as_str()).await.status(),
        404
    );
    assert_eq!(
        lookup(&app, &service, slip.as_str()).await.status(),
        429,
        "the wait doubled"
    );
    tokio::time::sleep(Duration::from_millis(4_100)).await;
    // A slip found ends the run.
    assert_eq!(lookup(&app, &service, slip.as_str()).await.status(), 200);
    assert_eq!(
        lookup(&app, &service, new_slip().as_str()).await.status(),
        404
    );
    assert_eq!(lookup(&app, &service, slip.as_str()).await.status(), 200);
}

async fn an_offline_edit_meets_the_confirmation_as_a_conflict(backend: Backend) {
    let app = demo_app(backend).await;
    let officer = app.token("huyen", "demo-huyen").await;
    let (_, service) = health_centre(&app).await;
    let slip = new_slip();
    let sent = referral(&slip, "HIV_TEST");
    sync(&app, &officer, std::slice::from_ref(&sent)).await;
    // Offline, the officer writes that the person was lost; meanwhile the centre confirms.
    let mut offline = sent.clone();
    offline["base_version"] = json!(1);
    offline["data"]["status"] = json!("lost");
    offline["data"]["follow_up_on"] = json!("2023-04-01");
    let body = json!({"outcome": "received", "on": "2023-03-10"});
    assert_eq!(
        answer(&app, &service, slip.as_str(), body).await.status(),
        200
    );
    let result = &sync(&app, &officer, &[offline.clone()]).await[0];
    assert_eq!(result["status"], "conflict");
    assert_eq!(
        result["current"]["data"]["confirmation"]["outcome"],
        "received"
    );

    // "Keep mine" on the confirmed version, without the confirmation: refused, never lost.
    let mut mine = offline.clone();
    mine["base_version"] = json!(2);
    let result = &sync(&app, &officer, &[mine.clone()]).await[0];
    assert_eq!(result["status"], "rejected");
    assert_eq!(result["errors"][0]["field"], "data.confirmation");
    assert_eq!(result["errors"][0]["code"], "confirmed_by_service");
    // An edit that keeps the confirmation goes in; one that made its own up does not.
    let current = pulled(&app, &officer, sent["id"].as_str().unwrap()).await;
    let mut kept = sent.clone();
    kept["base_version"] = json!(2);
    kept["data"] = current["data"].clone();
    kept["data"]["follow_up_on"] = json!("2023-05-01");
    assert_eq!(sync(&app, &officer, &[kept]).await[0]["status"], "applied");
    let mut forged = referral(&new_slip(), "HIV_TEST");
    forged["data"]["status"] = json!("accessed");
    forged["data"]["accessed_on"] = json!("2023-03-02");
    forged["data"]["confirmation"] = current["data"]["confirmation"].clone();
    forged["data"]["confirmation"]["on"] = json!("2023-03-02");
    let result = &sync(&app, &officer, &[forged]).await[0];
    assert_eq!(result["status"], "rejected");
    assert_eq!(result["errors"][0]["code"], "confirmed_by_service");
    let record = pulled(&app, &officer, sent["id"].as_str().unwrap()).await;
    assert_eq!(record["version"], 3);
    assert_eq!(record["data"]["confirmation"]["outcome"], "received");
    assert_eq!(record["data"]["follow_up_on"], "2023-05-01");
}
