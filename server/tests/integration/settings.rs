//! The district's settings over real HTTP: the tip-off deadline read by every officer, changed by
//! the admin only, within 1 to 365 days, audited, and used by indicator PCMD-TG01; and the phone's
//! idle lock, 1 to 240 minutes, likewise. On both stores.

use crate::common::{demo_app, Backend, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(
    the_deadline_is_20_days_until_an_admin_changes_it,
    only_admins_change_settings,
    impossible_deadlines_are_refused_and_change_nothing,
    the_change_is_audited,
    the_indicator_counts_with_the_new_deadline_from_its_year_on,
    the_lock_is_10_minutes_until_an_admin_changes_it,
    impossible_lock_times_are_refused_and_change_nothing,
    the_lock_time_change_is_audited,
);

const ADMIN_SETTINGS: &str = "/api/v1/admin/settings";
const SETTINGS: &str = "/api/v1/settings";

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let response = app.call(method, path, token, body).await;
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

async fn put_lock(app: &TestApp, token: &str, minutes: Value) -> (u16, Value) {
    let body = json!({ "lock_after_minutes": minutes });
    call(app, Method::PUT, ADMIN_SETTINGS, Some(token), Some(body)).await
}

async fn put_days(app: &TestApp, token: &str, days: Value) -> (u16, Value) {
    let body = json!({ "tip_off_deadline_days": days });
    call(app, Method::PUT, ADMIN_SETTINGS, Some(token), Some(body)).await
}

async fn the_deadline_is_20_days_until_an_admin_changes_it(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    let officer = app.token("binhlu", "demo-binhlu").await;
    let twenty = json!({"tip_off_deadline_days": 20, "lock_after_minutes": 10});
    assert_eq!(
        call(&app, Method::GET, ADMIN_SETTINGS, Some(&admin), None).await,
        (200, twenty.clone())
    );
    assert_eq!(
        call(&app, Method::GET, SETTINGS, Some(&officer), None).await,
        (200, twenty)
    );

    let thirty = json!({"tip_off_deadline_days": 30, "lock_after_minutes": 10});
    assert_eq!(
        put_days(&app, &admin, json!(30)).await,
        (200, thirty.clone())
    );
    assert_eq!(
        call(&app, Method::GET, ADMIN_SETTINGS, Some(&admin), None).await,
        (200, thirty.clone())
    );
    // Every officer reads it, for the hint on the tip-off form.
    for (user, password) in [("binhlu", "demo-binhlu"), ("huyen", "demo-huyen")] {
        let token = app.token(user, password).await;
        assert_eq!(
            call(&app, Method::GET, SETTINGS, Some(&token), None).await,
            (200, thirty.clone()),
            "{user}"
        );
    }
    // The bounds themselves are allowed; an empty body changes nothing.
    assert_eq!(put_days(&app, &admin, json!(1)).await.0, 200);
    assert_eq!(put_days(&app, &admin, json!(365)).await.0, 200);
    assert_eq!(
        call(
            &app,
            Method::PUT,
            ADMIN_SETTINGS,
            Some(&admin),
            Some(json!({}))
        )
        .await,
        (
            200,
            json!({"tip_off_deadline_days": 365, "lock_after_minutes": 10})
        )
    );
}

async fn only_admins_change_settings(backend: Backend) {
    let app = demo_app(backend).await;
    for (user, password) in [("huyen", "demo-huyen"), ("binhlu", "demo-binhlu")] {
        let token = app.token(user, password).await;
        let (status, body) = put_days(&app, &token, json!(5)).await;
        assert_eq!(status, 403, "{user}");
        assert_eq!(body["error"]["code"], "forbidden");
        let (status, _) = call(&app, Method::GET, ADMIN_SETTINGS, Some(&token), None).await;
        assert_eq!(status, 403, "{user}");
    }
    for (method, path) in [
        (Method::GET, ADMIN_SETTINGS),
        (Method::PUT, ADMIN_SETTINGS),
        (Method::GET, SETTINGS),
    ] {
        let body = (method == Method::PUT).then(|| json!({"tip_off_deadline_days": 5}));
        let (status, answer) = call(&app, method.clone(), path, None, body).await;
        assert_eq!(status, 401, "{method} {path}");
        assert_eq!(answer["error"]["code"], "unauthenticated");
    }
    let admin = app.token("admin", "demo-admin").await;
    assert_eq!(
        call(&app, Method::GET, ADMIN_SETTINGS, Some(&admin), None).await,
        (
            200,
            json!({"tip_off_deadline_days": 20, "lock_after_minutes": 10})
        ),
        "unchanged"
    );
}

async fn impossible_deadlines_are_refused_and_change_nothing(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    for days in [
        json!(0),
        json!(-3),
        json!(366),
        json!(2.5),
        json!("20"),
        json!(null),
    ] {
        let (status, body) = put_days(&app, &admin, days.clone()).await;
        if days.is_null() {
            // Null is "not sent", like an absent field.
            assert_eq!(status, 200);
            continue;
        }
        assert_eq!(status, 422, "{days}");
        assert_eq!(body["error"]["code"], "invalid", "{days}");
        assert_eq!(
            body["error"]["errors"][0]["field"], "tip_off_deadline_days",
            "{days}"
        );
    }
    let (status, body) = call(
        &app,
        Method::PUT,
        ADMIN_SETTINGS,
        Some(&admin),
        Some(json!({"tip_off_deadline": 10})),
    )
    .await;
    assert!(matches!(status, 400 | 422), "unknown field: {status}");
    assert!(body["error"]["code"].is_string());
    assert_eq!(
        call(&app, Method::GET, ADMIN_SETTINGS, Some(&admin), None).await,
        (
            200,
            json!({"tip_off_deadline_days": 20, "lock_after_minutes": 10})
        )
    );
}

/// The audit log's `setting.set` entries, newest first.
async fn settings_audit(app: &TestApp, admin: &str) -> Vec<Value> {
    let path = "/api/v1/admin/audit?action=setting.set";
    let (status, log) = call(app, Method::GET, path, Some(admin), None).await;
    assert_eq!(status, 200);
    log.as_array().unwrap().clone()
}

async fn the_change_is_audited(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    assert_eq!(put_days(&app, &admin, json!(15)).await.0, 200);
    assert_eq!(put_days(&app, &admin, json!(0)).await.0, 422);
    let log = settings_audit(&app, &admin).await;
    assert_eq!(log.len(), 1, "a refused change is not one: {log:?}");
    assert_eq!(log[0]["username"], "admin");
    assert_eq!(log[0]["target"], "tip_off_deadline_days");
    assert_eq!(log[0]["detail"], json!({"value": 15, "previous": 20}));
}

/// A tip-off received on 2 May 2023 and handled 25 days later is late at 20 days, in time at 30.
async fn the_indicator_counts_with_the_new_deadline_from_its_year_on(backend: Backend) {
    let app = demo_app(backend).await;
    app.add_officer("tinh", "province_officer", "ou-12").await;
    let officer = app.token("tinh", "demo-tinh").await;
    let year = server::clock::domain_today().year();
    // Handled after 25 days: late with 20, in time with 30; one in 2023, one this year.
    let tip_off = |unit: &str, received: String, handled: String| {
        json!({
            "id": uuid::Uuid::new_v4().to_string(), "kind": "tip_off", "org_unit_id": unit,
            "occurred_on": received, "base_version": 0, "voided": false,
            "data": {"channel": "hotline", "handled_on": handled}
        })
    };
    let records = [
        tip_off("ou-03412", "2023-05-02".into(), "2023-05-27".into()),
        tip_off(
            "ou-03390-20250701",
            format!("{year}-01-02"),
            format!("{year}-01-27"),
        ),
    ];
    let body = json!({"device_id": uuid::Uuid::new_v4().to_string(), "records": records});
    let (status, answer) = call(
        &app,
        Method::POST,
        "/api/v1/sync",
        Some(&officer),
        Some(body),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(answer["results"][0]["status"], "applied");
    assert_eq!(answer["results"][1]["status"], "applied", "{answer}");

    let this_year = format!("year={year}&org_unit=ou-03390-20250701");
    let in_2023 = "year=2023&org_unit=ou-03412";
    assert_eq!(
        handled_in_time(&app, &officer, in_2023).await,
        (json!(0), json!(1))
    );
    assert_eq!(
        handled_in_time(&app, &officer, &this_year).await,
        (json!(0), json!(1))
    );
    let admin = app.token("admin", "demo-admin").await;
    assert_eq!(put_days(&app, &admin, json!(30)).await.0, 200);
    assert_eq!(
        handled_in_time(&app, &officer, &this_year).await,
        (json!(1), json!(1)),
        "this year's figures take the new deadline"
    );
    assert_eq!(
        handled_in_time(&app, &officer, in_2023).await,
        (json!(0), json!(1)),
        "a past year keeps the deadline it had"
    );
}

/// PCMD-TG01 for `query` (`year=…&org_unit=…`): tip-offs handled in time, and judged.
async fn handled_in_time(app: &TestApp, token: &str, query: &str) -> (Value, Value) {
    let path = format!("/api/v1/indicators?{query}");
    let (status, report) = call(app, Method::GET, &path, Some(token), None).await;
    assert_eq!(status, 200, "{report}");
    let tg01 = report["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|indicator| indicator["code"] == "PCMD-TG01")
        .unwrap();
    (tg01["numerator"].clone(), tg01["denominator"].clone())
}

async fn the_lock_is_10_minutes_until_an_admin_changes_it(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    let officer = app.token("binhlu", "demo-binhlu").await;
    let (status, settings) = call(&app, Method::GET, SETTINGS, Some(&officer), None).await;
    assert_eq!((status, &settings["lock_after_minutes"]), (200, &json!(10)));

    let changed = json!({"tip_off_deadline_days": 20, "lock_after_minutes": 30});
    assert_eq!(
        put_lock(&app, &admin, json!(30)).await,
        (200, changed.clone())
    );
    assert_eq!(
        call(&app, Method::GET, ADMIN_SETTINGS, Some(&admin), None).await,
        (200, changed.clone())
    );
    // Every officer's phone reads it; a commune officer's too.
    assert_eq!(
        call(&app, Method::GET, SETTINGS, Some(&officer), None).await,
        (200, changed)
    );
    // The bounds are allowed; both settings change in one request.
    assert_eq!(put_lock(&app, &admin, json!(1)).await.0, 200);
    assert_eq!(put_lock(&app, &admin, json!(240)).await.0, 200);
    let both = json!({"tip_off_deadline_days": 25, "lock_after_minutes": 5});
    assert_eq!(
        call(
            &app,
            Method::PUT,
            ADMIN_SETTINGS,
            Some(&admin),
            Some(both.clone())
        )
        .await,
        (200, both.clone())
    );
    // Others may not change it.
    let (status, body) = put_lock(&app, &officer, json!(60)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    assert_eq!(
        call(&app, Method::GET, SETTINGS, Some(&officer), None).await,
        (200, both)
    );
}

async fn impossible_lock_times_are_refused_and_change_nothing(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    for minutes in [
        json!(0),
        json!(241),
        json!(-10),
        json!("10"),
        json!(2.5),
        json!(true),
    ] {
        let (status, body) = put_lock(&app, &admin, minutes.clone()).await;
        assert_eq!(status, 422, "{minutes}");
        assert_eq!(body["error"]["code"], "invalid", "{minutes}");
        let errors = body["error"]["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{minutes}");
        assert_eq!(errors[0]["field"], "lock_after_minutes", "{minutes}");
        assert_eq!(errors[0]["code"], "invalid", "{minutes}");
    }
    // Null is "not sent".
    assert_eq!(put_lock(&app, &admin, json!(null)).await.0, 200);
    // A refused value refuses the whole request: the good one beside it is not written either.
    let mixed = json!({"tip_off_deadline_days": 30, "lock_after_minutes": 0});
    let (status, body) = call(&app, Method::PUT, ADMIN_SETTINGS, Some(&admin), Some(mixed)).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["errors"][0]["field"], "lock_after_minutes");
    let both_wrong = json!({"tip_off_deadline_days": 0, "lock_after_minutes": 0});
    let (status, body) = call(
        &app,
        Method::PUT,
        ADMIN_SETTINGS,
        Some(&admin),
        Some(both_wrong),
    )
    .await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["error"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["tip_off_deadline_days", "lock_after_minutes"]);
    assert_eq!(
        call(&app, Method::GET, ADMIN_SETTINGS, Some(&admin), None).await,
        (
            200,
            json!({"tip_off_deadline_days": 20, "lock_after_minutes": 10})
        )
    );
}

async fn the_lock_time_change_is_audited(backend: Backend) {
    let app = demo_app(backend).await;
    let admin = app.token("admin", "demo-admin").await;
    assert_eq!(put_lock(&app, &admin, json!(30)).await.0, 200);
    assert_eq!(put_lock(&app, &admin, json!(241)).await.0, 422);
    assert_eq!(put_lock(&app, &admin, json!(45)).await.0, 200);
    let log = settings_audit(&app, &admin).await;
    assert_eq!(log.len(), 2, "a refused change is not one: {log:?}");
    for entry in &log {
        assert_eq!(entry["username"], "admin");
        assert_eq!(entry["target"], "lock_after_minutes");
    }
    assert_eq!(
        log[0]["detail"],
        json!({"value": 45, "previous": 30}),
        "newest first"
    );
    assert_eq!(log[1]["detail"], json!({"value": 30, "previous": 10}));
}
