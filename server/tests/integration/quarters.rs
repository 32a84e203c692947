//! A commune's quarter submitted, approved, returned and reopened (`/api/v1/quarters`) on both
//! stores, over real HTTP: the happy path with the figures frozen at approval in
//! `GET /api/v1/indicators` and in the report file; a record that arrives after approval is
//! stored, changes nothing approved, is listed as late by kind and date only, and is taken in by
//! approving again; a reopening asked with a reason; who may take which step (403), steps from the
//! wrong state (409) and missing comments (422); the audit line of every step.

use crate::common::api::{get_ok, json_of, sync};
use crate::common::{audit_entries, demo_app, Backend, TestApp, BINH_LU, THI_TRAN};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(
    a_quarter_is_submitted_approved_and_its_figures_frozen,
    a_record_arriving_after_approval_is_stored_listed_and_taken_in_by_approving_again,
    an_earlier_referral_accessed_and_a_plan_adopted_in_the_quarter_arrive_late_too,
    a_commune_asks_for_reopening_and_the_approver_reopens,
    only_the_communes_officers_and_its_lead_officer_take_their_steps,
    a_step_from_the_wrong_state_is_a_conflict_and_a_return_needs_a_comment,
    every_step_writes_its_audit_line,
);

const Q1: &str = "/api/v1/quarters/ou-03412/2023/1";

fn session(date: &str) -> Value {
    json!({"id": uuid::Uuid::new_v4().to_string(), "kind": "outreach_session",
           "org_unit_id": BINH_LU, "occurred_on": date, "base_version": 0, "voided": false,
           "data": {"format": "group_talk", "audience": "women",
                    "reached_male": 3, "reached_female": 9}})
}

/// Syncs the records as `token`, each of which must be stored.
async fn stored(app: &TestApp, token: &str, records: &[Value]) {
    for result in sync(app, token, records).await {
        assert_eq!(result["status"], "applied", "{result}");
    }
}

/// A step as `token`, with its answer's status and body.
async fn step(app: &TestApp, token: &str, step: &str, comment: Option<&str>) -> (u16, Value) {
    let path = format!("{Q1}/{step}");
    let body = comment.map(|comment| json!({ "comment": comment }));
    let response = app.call(Method::POST, &path, Some(token), body).await;
    let status = response.status().as_u16();
    (status, json_of(response).await)
}

async fn step_ok(app: &TestApp, token: &str, name: &str, comment: Option<&str>) -> Value {
    let (status, body) = step(app, token, name, comment).await;
    assert_eq!(status, 200, "{name}: {body}");
    body
}

/// Binh Lư's figures of 2023 to the end of `quarter`, as its officer sees them.
async fn figures(app: &TestApp, token: &str, quarter: u32) -> Value {
    let path = format!("/api/v1/indicators?year=2023&quarter={quarter}&org_unit={BINH_LU}");
    get_ok(app, &path, token).await
}

/// The sessions PCMD-C07 counts in a report.
fn sessions(report: &Value) -> i64 {
    let count = report["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|count| count["code"] == "PCMD-C07")
        .expect("PCMD-C07");
    let sessions = count["breakdown"].as_array().unwrap().iter();
    let sessions = sessions
        .clone()
        .find(|value| value["key"] == "sessions")
        .expect("sessions");
    sessions["value"].as_i64().unwrap()
}

/// Binh Lư's Q1 of 2023 as `GET /api/v1/quarters` lists it.
async fn listed(app: &TestApp, token: &str) -> Value {
    let path = format!("/api/v1/quarters?year=2023&org_unit={BINH_LU}");
    let quarters = get_ok(app, &path, token).await;
    let quarters = quarters.as_array().unwrap();
    assert_eq!(quarters.len(), 4, "the year's four quarters");
    quarters[0].clone()
}

struct Officers {
    commune: String,
    lead: String,
}

async fn officers(app: &TestApp) -> Officers {
    Officers {
        commune: app.token("binhlu", "demo-binhlu").await,
        lead: app.token("huyen", "demo-huyen").await,
    }
}

/// The demo with Bình Lư's first quarter of 2023 (one session) submitted and approved.
async fn approved_q1(backend: Backend) -> (TestApp, Officers) {
    let app = demo_app(backend).await;
    let who = officers(&app).await;
    stored(&app, &who.commune, &[session("2023-02-10")]).await;
    step_ok(&app, &who.commune, "submit", None).await;
    step_ok(&app, &who.lead, "approve", None).await;
    (app, who)
}

async fn a_quarter_is_submitted_approved_and_its_figures_frozen(backend: Backend) {
    let app = demo_app(backend).await;
    let who = officers(&app).await;
    stored(&app, &who.commune, &[session("2023-02-10")]).await;

    let district = get_ok(&app, "/api/v1/quarters?year=2023", &who.lead).await;
    let district = district.as_array().unwrap();
    assert_eq!(district.len(), 13 * 4, "the district's 13 communes of 2023");
    assert!(district.iter().all(|q| q["state"] == "open"));
    let own = get_ok(&app, "/api/v1/quarters?year=2023", &who.commune).await;
    let own = own.as_array().unwrap();
    assert_eq!(own.len(), 4, "a commune officer: their commune");
    assert_eq!(own[0]["org_unit"]["id"], BINH_LU);
    assert_eq!(own[0]["org_unit"]["name"], "Xã Bình Lư");
    assert_eq!(own[2]["quarter"], 3);

    let submitted = step_ok(&app, &who.commune, "submit", None).await;
    assert_eq!(submitted["state"], "submitted");
    assert!(submitted["submitted_by"].as_str().is_some());
    assert!(submitted["approved_by"].is_null());
    assert_eq!(listed(&app, &who.lead).await["state"], "submitted");
    assert!(
        figures(&app, &who.commune, 1)
            .await
            .get("approval")
            .is_none(),
        "submitted figures are live"
    );

    let approved = step_ok(&app, &who.lead, "approve", None).await;
    assert_eq!(approved["state"], "approved");
    assert_eq!(approved["late_records"], 0);
    let approver = approved["approved_by"].as_str().unwrap().to_string();
    assert!(approved["approved_at"].as_str().unwrap().ends_with('Z'));

    let report = figures(&app, &who.commune, 1).await;
    assert_eq!(report["approval"]["state"], "approved");
    assert_eq!(report["approval"]["approved_by"], approver.as_str());
    assert_eq!(report["approval"]["approved_at"], approved["approved_at"]);
    assert_eq!(sessions(&report), 1);
    assert!(report.get("communes").is_none(), "no breakdown was asked");
    // The district's own officer and an admin (small counts hidden) see the approval too.
    let lead_view = figures(&app, &who.lead, 1).await;
    assert_eq!(lead_view["indicators"], report["indicators"]);
    let admin = app.token("admin", "demo-admin").await;
    let hidden = figures(&app, &admin, 1).await;
    assert_eq!(hidden["suppressed"], true);
    assert_eq!(hidden["approval"]["state"], "approved");
    // The whole year and the district are not a commune's quarter: live, no approval.
    let year = "/api/v1/indicators?year=2023&org_unit=ou-03412";
    assert!(get_ok(&app, year, &who.commune)
        .await
        .get("approval")
        .is_none());
    let district = "/api/v1/indicators?year=2023&quarter=1&org_unit=ou-106";
    assert!(get_ok(&app, district, &who.lead)
        .await
        .get("approval")
        .is_none());

    for (lang, line) in [
        ("vi", format!("Đã duyệt bởi {approver} ngày ")),
        ("en", format!("Approved by {approver} on ")),
    ] {
        let path = format!(
            "/api/v1/reports/quarterly.csv?year=2023&quarter=1&org_unit={BINH_LU}\
             &suppress=false&lang={lang}"
        );
        let response = app.call(Method::GET, &path, Some(&who.commune), None).await;
        assert_eq!(response.status(), 200);
        let text = response.text().await.unwrap();
        assert!(text.contains(&line), "{lang}: {text}");
    }
    let path = format!("/api/v1/reports/quarterly.csv?year=2023&quarter=2&org_unit={BINH_LU}");
    let response = app.call(Method::GET, &path, Some(&who.commune), None).await;
    let text = response.text().await.unwrap();
    assert!(!text.contains("Đã duyệt"), "Q2 is not approved");
}

async fn a_record_arriving_after_approval_is_stored_listed_and_taken_in_by_approving_again(
    backend: Backend,
) {
    let (app, who) = approved_q1(backend).await;
    let approved = figures(&app, &who.commune, 1).await;
    let late_path = format!("{Q1}/late");
    assert_eq!(get_ok(&app, &late_path, &who.lead).await, json!([]));

    // A phone offline for weeks: a session of March, and one of April (Q2, not approved).
    let late = session("2023-03-20");
    stored(&app, &who.commune, &[late.clone(), session("2023-04-02")]).await;
    let page = get_ok(&app, "/api/v1/records", &who.commune).await;
    let ids: Vec<&str> = page["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&late["id"].as_str().unwrap()), "stored");

    let frozen = figures(&app, &who.commune, 1).await;
    assert_eq!(frozen["indicators"], approved["indicators"]);
    assert_eq!(frozen["counts"], approved["counts"]);
    assert_eq!(sessions(&frozen), 1, "the approved figures do not move");
    assert_eq!(
        sessions(&figures(&app, &who.commune, 2).await),
        3,
        "Q2 is live"
    );

    assert_eq!(listed(&app, &who.lead).await["late_records"], 1);
    let listed_late = get_ok(&app, &late_path, &who.lead).await;
    let listed_late = listed_late.as_array().unwrap();
    assert_eq!(listed_late.len(), 1, "{listed_late:?}");
    let entry = listed_late[0].as_object().unwrap();
    assert_eq!(entry["kind"], "outreach_session");
    assert_eq!(entry["occurred_on"], "2023-03-20");
    let mut fields: Vec<&str> = entry.keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["arrived_at", "kind", "occurred_on"],
        "kind and dates only"
    );

    // An edit of a record approved before counts as late too.
    let mut edited = late.clone();
    edited["base_version"] = json!(1);
    edited["data"]["reached_female"] = json!(10);
    stored(&app, &who.commune, &[edited]).await;
    assert_eq!(
        listed(&app, &who.lead).await["late_records"],
        1,
        "one record"
    );

    let again = step_ok(&app, &who.lead, "approve", None).await;
    assert_eq!(again["state"], "approved");
    assert_eq!(again["late_records"], 0);
    assert_eq!(
        sessions(&figures(&app, &who.commune, 1).await),
        2,
        "taken in"
    );
    assert_eq!(get_ok(&app, &late_path, &who.lead).await, json!([]));
    assert_eq!(listed(&app, &who.lead).await["late_records"], 0);
}

async fn an_earlier_referral_accessed_and_a_plan_adopted_in_the_quarter_arrive_late_too(
    backend: Backend,
) {
    let (app, who) = approved_q1(backend).await;
    let record = |kind: &str, date: &str, data: Value| {
        json!({"id": uuid::Uuid::new_v4().to_string(), "kind": kind, "org_unit_id": BINH_LU,
               "occurred_on": date, "base_version": 0, "voided": false, "data": data})
    };
    let referral = |date: &str, accessed: &str| {
        let data = json!({"client_code": "AB12CD", "in_need_eligible": true, "consent": true,
                          "service": "LEGAL", "status": "accessed", "accessed_on": accessed});
        record("referral", date, data)
    };
    // Each changes a figure of the approved first quarter (PCMD-HT01, KH01) from outside its days.
    let records = [
        referral("2022-11-20", "2023-02-01"),
        record(
            "commune_plan",
            "2023-05-10",
            json!({"adopted_on": "2023-03-01"}),
        ),
        // Accessed in the second quarter: not the first's.
        referral("2022-12-01", "2023-05-01"),
    ];
    stored(&app, &who.commune, &records).await;
    let late = get_ok(&app, &format!("{Q1}/late"), &who.lead).await;
    let kinds: Vec<(&str, &str)> = late
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap(),
                r["occurred_on"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [("referral", "2022-11-20"), ("commune_plan", "2023-05-10")]
    );
    assert_eq!(listed(&app, &who.lead).await["late_records"], 2);
}

async fn a_commune_asks_for_reopening_and_the_approver_reopens(backend: Backend) {
    let (app, who) = approved_q1(backend).await;

    let (status, body) = step(&app, &who.commune, "request-reopen", Some("  ")).await;
    assert_eq!(status, 422, "a reason is needed: {body}");
    assert_eq!(body["error"]["errors"][0]["field"], "comment");
    let reason = "Thiếu buổi tuyên truyền ngày 20/3";
    let asked = step_ok(&app, &who.commune, "request-reopen", Some(reason)).await;
    assert_eq!(asked["state"], "reopen_requested");
    assert_eq!(asked["comment"], reason);
    let shown = listed(&app, &who.lead).await;
    assert_eq!(shown["state"], "reopen_requested");
    assert_eq!(shown["comment"], reason, "the approver sees the reason");
    let still = figures(&app, &who.commune, 1).await;
    assert_eq!(
        still["approval"]["state"], "reopen_requested",
        "the figures stay approved until reopened"
    );

    let reopened = step_ok(&app, &who.lead, "reopen", None).await;
    assert_eq!(reopened["state"], "open");
    assert!(reopened["approved_by"].is_null());
    assert!(figures(&app, &who.commune, 1)
        .await
        .get("approval")
        .is_none());
    assert_eq!(
        get_ok(&app, &format!("{Q1}/late"), &who.lead).await,
        json!([])
    );
    // Open again: the commune submits again.
    let again = step_ok(&app, &who.commune, "submit", None).await;
    assert_eq!(again["state"], "submitted");
}

async fn only_the_communes_officers_and_its_lead_officer_take_their_steps(backend: Backend) {
    let app = demo_app(backend).await;
    let who = officers(&app).await;
    let other_commune = app.token("thitran", "demo-thitran").await;
    let admin = app.token("admin", "demo-admin").await;
    app.add_officer("yte", "health_officer", "ou-106").await;
    let health = app.token("yte", "demo-yte").await;

    for (token, name) in [
        (&other_commune, "submit"),
        (&who.lead, "submit"),
        (&admin, "submit"),
        (&health, "submit"),
    ] {
        assert_eq!(step(&app, token, name, None).await.0, 403, "{name}");
    }
    step_ok(&app, &who.commune, "submit", None).await;
    for token in [&who.commune, &other_commune, &admin, &health] {
        assert_eq!(step(&app, token, "approve", None).await.0, 403);
        assert_eq!(step(&app, token, "return", Some("x")).await.0, 403);
    }
    // Another district's officer does not lead Bình Lư.
    let app = app.with_another_district().await;
    app.add_officer("muongte_huyen", "district_officer", "ou-107")
        .await;
    let elsewhere = app.token("muongte_huyen", "demo-muongte_huyen").await;
    assert_eq!(step(&app, &elsewhere, "approve", None).await.0, 403);
    step_ok(&app, &who.lead, "approve", None).await;
    assert_eq!(
        step(&app, &other_commune, "request-reopen", Some("x"))
            .await
            .0,
        403
    );
    assert_eq!(
        step(&app, &who.lead, "request-reopen", Some("x")).await.0,
        403
    );
    assert_eq!(step(&app, &who.commune, "reopen", None).await.0, 403);

    // Reading: the commune's own, its lead and admins; not another commune, not health officers.
    let path = format!("/api/v1/quarters?year=2023&org_unit={BINH_LU}");
    for token in [&who.commune, &who.lead, &admin] {
        get_ok(&app, &path, token).await;
    }
    for token in [&other_commune, &health, &elsewhere] {
        let response = app.call(Method::GET, &path, Some(token), None).await;
        assert_eq!(response.status(), 403);
        let late = app
            .call(Method::GET, &format!("{Q1}/late"), Some(token), None)
            .await;
        assert_eq!(late.status(), 403);
    }
    let thitran = get_ok(&app, "/api/v1/quarters?year=2023", &other_commune).await;
    assert!(thitran
        .as_array()
        .unwrap()
        .iter()
        .all(|q| q["org_unit"]["id"] == THI_TRAN));

    // Not a commune, an unknown step, a bad quarter.
    let district = app
        .call(
            Method::POST,
            "/api/v1/quarters/ou-106/2023/1/approve",
            Some(&who.lead),
            None,
        )
        .await;
    assert_eq!(district.status(), 422);
    assert_eq!(step(&app, &who.lead, "sign", None).await.0, 404);
    let bad = app
        .call(
            Method::POST,
            "/api/v1/quarters/ou-03412/2023/5/submit",
            Some(&who.commune),
            None,
        )
        .await;
    assert_eq!(bad.status(), 422);
    let unauthenticated = app
        .call(Method::POST, &format!("{Q1}/submit"), None, None)
        .await;
    assert_eq!(unauthenticated.status(), 401);
}

async fn a_step_from_the_wrong_state_is_a_conflict_and_a_return_needs_a_comment(backend: Backend) {
    let app = demo_app(backend).await;
    let who = officers(&app).await;
    for (token, name, comment) in [
        (&who.lead, "approve", None),
        (&who.lead, "return", Some("x")),
        (&who.lead, "reopen", None),
        (&who.commune, "request-reopen", Some("x")),
    ] {
        let (status, body) = step(&app, token, name, comment).await;
        assert_eq!(status, 409, "{name} of an open quarter: {body}");
        assert_eq!(body["error"]["code"], "wrong_state");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("is open"),
            "{body}"
        );
    }
    assert_eq!(
        listed(&app, &who.lead).await["state"],
        "open",
        "nothing stored"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM quarters").await, 0);

    step_ok(&app, &who.commune, "submit", None).await;
    let (status, body) = step(&app, &who.commune, "submit", None).await;
    assert_eq!(status, 409, "submitted twice: {body}");
    assert_eq!(
        step(&app, &who.commune, "request-reopen", Some("x"))
            .await
            .0,
        409
    );
    let (status, body) = step(&app, &who.lead, "return", None).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["errors"][0]["code"], "required");
    let malformed = app
        .client
        .post(app.url(&format!("{Q1}/return")))
        .bearer_auth(&who.lead)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);

    let comment = "Số người tham dự chưa khớp sổ";
    let returned = step_ok(&app, &who.lead, "return", Some(comment)).await;
    assert_eq!(returned["state"], "returned");
    assert_eq!(returned["comment"], comment);
    assert_eq!(listed(&app, &who.commune).await["comment"], comment);
    assert_eq!(step(&app, &who.lead, "approve", None).await.0, 409);
    let resubmitted = step_ok(&app, &who.commune, "submit", None).await;
    assert_eq!(resubmitted["state"], "submitted");
    assert!(resubmitted["comment"].is_null());
    step_ok(&app, &who.lead, "approve", None).await;
    assert_eq!(step(&app, &who.commune, "submit", None).await.0, 409);
    assert_eq!(step(&app, &who.lead, "return", Some("x")).await.0, 409);
}

async fn every_step_writes_its_audit_line(backend: Backend) {
    let app = demo_app(backend).await;
    let who = officers(&app).await;
    step_ok(&app, &who.commune, "submit", None).await;
    step_ok(&app, &who.lead, "return", Some("Thiếu số liệu")).await;
    step_ok(&app, &who.commune, "submit", None).await;
    step_ok(&app, &who.lead, "approve", None).await;
    stored(&app, &who.commune, &[session("2023-03-02")]).await;
    step_ok(&app, &who.lead, "approve", None).await;
    step_ok(&app, &who.commune, "request-reopen", Some("Sai ngày")).await;
    step_ok(&app, &who.lead, "reopen", None).await;
    // A refused step writes nothing.
    assert_eq!(step(&app, &who.lead, "reopen", None).await.0, 409);

    let binhlu = crate::common::api::user_id(&app, "binhlu").await;
    let huyen = crate::common::api::user_id(&app, "huyen").await;
    for (action, count, officer) in [
        ("quarter.submit", 2, &binhlu),
        ("quarter.return", 1, &huyen),
        ("quarter.approve", 2, &huyen),
        ("quarter.request_reopen", 1, &binhlu),
        ("quarter.reopen", 1, &huyen),
    ] {
        let lines = audit_entries(&app, action).await;
        assert_eq!(lines.len(), count, "{action}");
        for line in &lines {
            assert_eq!(
                line.officer_id.as_deref(),
                Some(officer.as_str()),
                "{action}"
            );
            assert_eq!(line.target.as_deref(), Some(BINH_LU), "{action}");
            let detail = detail_of(line);
            assert_eq!(detail["year"], 2023, "{action}");
            assert_eq!(detail["quarter"], 1, "{action}");
        }
    }
    let returned = &audit_entries(&app, "quarter.return").await[0];
    assert_eq!(detail_of(returned)["comment"], "Thiếu số liệu");
    let approvals = audit_entries(&app, "quarter.approve").await;
    assert_eq!(
        detail_of(&approvals[0])["late_records_taken_in"],
        1,
        "the newest approval took one late record in"
    );
    let asked = &audit_entries(&app, "quarter.request_reopen").await[0];
    assert_eq!(detail_of(asked)["comment"], "Sai ngày");
}

fn detail_of(line: &server::model::AuditEntry) -> Value {
    serde_json::from_str(line.detail.as_deref().unwrap_or("null")).unwrap()
}
