//! The indicator definitions as the plan's sentences mean them (issue 16), each case built from
//! its sentence, over real HTTP on both stores: `domain::indicator::definitions` says the rule,
//! these check the server's engine keeps it.

use crate::common::api::{get_ok, sync};
use crate::common::{demo_app, Backend, TestApp, BINH_LU, DISTRICT};
use serde_json::{json, Value};
use server::model::{Baseline, BaselineName};

on_both_stores!(
    repeated_sessions_at_a_business_never_push_tt03_over_100_percent,
    a_tip_off_of_25_march_not_handled_is_pending_in_q1_and_late_in_q2,
    a_training_repeated_for_the_same_officials_does_not_double_th01,
    tt02_at_q2_counts_only_q1_and_q2_and_does_not_apply_to_a_commune,
    plans_count_by_adoption_and_pilot_models_while_they_run,
    ht01_takes_in_people_referred_last_year_who_reach_a_service_this_year,
);

const BUSINESS: &str = "6f1d2c3b-4a59-4e68-b7c6-d5e4f3a2b1c0";

fn record(kind: &str, unit: &str, date: &str, data: Value) -> Value {
    json!({"id": uuid::Uuid::new_v4().to_string(), "kind": kind, "org_unit_id": unit,
           "occurred_on": date, "base_version": 0, "voided": false, "data": data})
}

async fn store(app: &TestApp, token: &str, records: &[Value]) {
    for result in sync(app, token, records).await {
        assert_eq!(result["status"], "applied", "{result}");
    }
}

/// `(numerator, denominator, status)` of `code` for `unit` over `period` (`year=…&quarter=…`).
async fn figure(
    app: &TestApp,
    token: &str,
    unit: &str,
    period: &str,
    code: &str,
) -> (i64, i64, String) {
    let path = format!("/api/v1/indicators?{period}&org_unit={unit}");
    let body = get_ok(app, &path, token).await;
    let found = body["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|value| value["code"] == code)
        .unwrap()
        .clone();
    (
        found["numerator"].as_i64().unwrap(),
        found["denominator"].as_i64().unwrap(),
        found["status"].as_str().unwrap().to_string(),
    )
}

fn fraction((numerator, denominator, _): (i64, i64, String)) -> (i64, i64) {
    (numerator, denominator)
}

async fn repeated_sessions_at_a_business_never_push_tt03_over_100_percent(backend: Backend) {
    // "60 % of workers at the at-risk businesses reached": people, not attendances.
    let app = demo_app(backend).await;
    let token = app.token("huyen", "demo-huyen").await;
    let mut business = record(
        "business",
        BINH_LU,
        "2023-01-05",
        json!({"name": "Karaoke Hoa", "type": "karaoke", "workers": 8}),
    );
    business["id"] = json!(BUSINESS);
    let at_business = |date: &str| {
        record(
            "outreach_session",
            BINH_LU,
            date,
            json!({"format": "workplace_session", "audience": "business_workers",
                   "reached_male": 2, "reached_female": 6, "business_id": BUSINESS}),
        )
    };
    let records = [
        business,
        at_business("2023-02-01"),
        at_business("2023-05-01"),
        at_business("2023-09-01"),
    ];
    store(&app, &token, &records).await;
    let tt03 = figure(&app, &token, BINH_LU, "year=2023", "PCMD-TT03").await;
    assert_eq!(fraction(tt03), (8, 8), "the same 8 workers met three times");
    // An older session that names no business counts, and still not past the register.
    let unnamed = record(
        "outreach_session",
        BINH_LU,
        "2023-03-01",
        json!({"format": "group_talk", "audience": "business_workers",
               "reached_male": 3, "reached_female": 3}),
    );
    store(&app, &token, &[unnamed]).await;
    assert_eq!(
        fraction(figure(&app, &token, BINH_LU, "year=2023", "PCMD-TT03").await),
        (8, 8)
    );
    let other = record(
        "business",
        BINH_LU,
        "2023-01-06",
        json!({"name": "Nhà nghỉ Sơn", "type": "guesthouse", "workers": 12}),
    );
    store(&app, &token, &[other]).await;
    assert_eq!(
        fraction(figure(&app, &token, BINH_LU, "year=2023", "PCMD-TT03").await),
        (14, 20),
        "8 at the karaoke bar, 6 at no named business"
    );
}

async fn a_tip_off_of_25_march_not_handled_is_pending_in_q1_and_late_in_q2(backend: Backend) {
    // "100 % of tip-offs handled in time", with the default deadline of 20 days.
    let app = demo_app(backend).await;
    let token = app.token("huyen", "demo-huyen").await;
    let open = record(
        "tip_off",
        BINH_LU,
        "2023-03-25",
        json!({"channel": "hotline"}),
    );
    store(&app, &token, &[open]).await;
    let q1 = figure(&app, &token, BINH_LU, "year=2023&quarter=1", "PCMD-TG01").await;
    assert_eq!(
        q1,
        (0, 0, "no_data".into()),
        "not yet due on 31 March: pending"
    );
    let q2 = figure(&app, &token, BINH_LU, "year=2023&quarter=2", "PCMD-TG01").await;
    assert_eq!(fraction(q2), (0, 1), "due on 14 April, not handled: late");
    // One handled on its 20th day is in time in both.
    let handled = record(
        "tip_off",
        BINH_LU,
        "2023-03-26",
        json!({"channel": "hotline", "handled_on": "2023-04-15"}),
    );
    store(&app, &token, &[handled]).await;
    let q1 = figure(&app, &token, BINH_LU, "year=2023&quarter=1", "PCMD-TG01").await;
    assert_eq!(fraction(q1), (1, 1));
    let q2 = figure(&app, &token, BINH_LU, "year=2023&quarter=2", "PCMD-TG01").await;
    assert_eq!(fraction(q2), (1, 2));
}

async fn baseline(app: &TestApp, name: BaselineName, unit: &str, value: i64) {
    let baseline = Baseline {
        name,
        org_unit_id: unit.into(),
        value,
        to_confirm: false,
    };
    app.store.set_baseline(2023, &baseline).await.unwrap();
}

async fn a_training_repeated_for_the_same_officials_does_not_double_th01(backend: Backend) {
    // "65 % of district officials in the field trained": officials, not course places.
    let app = demo_app(backend).await;
    let token = app.token("huyen", "demo-huyen").await;
    baseline(&app, BaselineName::DistrictOfficials, DISTRICT, 10).await;
    baseline(&app, BaselineName::StudentsEnrolled, DISTRICT, 100).await;
    let training = |date: &str, first: u32| {
        record(
            "training",
            DISTRICT,
            date,
            json!({"level": "district", "trainees": 6, "trainees_first_time": first}),
        )
    };
    let school = |date: &str, first: u32| {
        record(
            "outreach_session",
            BINH_LU,
            date,
            json!({"format": "school_session", "audience": "students", "reached_male": 20,
                   "reached_female": 20, "reached_first_time": first}),
        )
    };
    let records = [
        training("2023-02-01", 6),
        training("2023-08-01", 0),
        school("2023-03-01", 40),
        school("2023-10-01", 0),
    ];
    store(&app, &token, &records).await;
    let th01 = figure(&app, &token, DISTRICT, "year=2023", "PCMD-TH01").await;
    assert_eq!(fraction(th01), (6, 10));
    let tt04 = figure(&app, &token, DISTRICT, "year=2023", "PCMD-TT04").await;
    assert_eq!(fraction(tt04), (40, 100), "the same class met twice");
    // A training recorded before the field was asked counts all its trainees, as it did.
    let old = record(
        "training",
        DISTRICT,
        "2023-09-01",
        json!({"level": "district", "trainees": 3}),
    );
    store(&app, &token, &[old]).await;
    let th01 = figure(&app, &token, DISTRICT, "year=2023", "PCMD-TH01").await;
    assert_eq!(fraction(th01), (9, 10));
}

async fn tt02_at_q2_counts_only_q1_and_q2_and_does_not_apply_to_a_commune(backend: Backend) {
    // "news on the district portal and radio/TV at least once a quarter".
    let app = demo_app(backend).await;
    let token = app.token("huyen", "demo-huyen").await;
    let post = |date: &str, channel: &str| {
        record("media_post", DISTRICT, date, json!({"channel": channel}))
    };
    let records = [
        post("2023-01-10", "portal"),
        post("2023-02-10", "radio_tv"),
        post("2023-04-10", "portal"),
        post("2023-07-10", "portal"),
        post("2023-08-10", "radio_tv"),
    ];
    store(&app, &token, &records).await;
    let q1 = figure(&app, &token, DISTRICT, "year=2023&quarter=1", "PCMD-TT02").await;
    assert_eq!(q1, (1, 1, "met".into()));
    let q2 = figure(&app, &token, DISTRICT, "year=2023&quarter=2", "PCMD-TT02").await;
    assert_eq!(q2, (1, 2, "not_met".into()), "no radio post in Q2");
    let q3 = figure(&app, &token, DISTRICT, "year=2023&quarter=3", "PCMD-TT02").await;
    assert_eq!(fraction(q3), (2, 3));
    // The current year counts only the quarters begun.
    let year = server::clock::domain_today().year();
    let begun = server::clock::domain_today().quarter() as i64;
    app.add_officer("tinh", "province_officer", "ou-12").await;
    let province = app.token("tinh", "demo-tinh").await;
    let now = figure(
        &app,
        &province,
        "ou-12",
        &format!("year={year}"),
        "PCMD-TT02",
    )
    .await;
    assert_eq!(fraction(now), (0, begun));
    // A district's indicator is not a commune's.
    for code in ["PCMD-TT02", "PCMD-KH02", "PCMD-MH01", "PCMD-TH01"] {
        let at_commune = figure(&app, &token, BINH_LU, "year=2023", code).await;
        assert_eq!(at_commune, (0, 0, "not_applicable".into()), "{code}");
    }
    let tt01 = figure(&app, &token, BINH_LU, "year=2023", "PCMD-TT01").await;
    assert_eq!(
        fraction(tt01),
        (0, 1),
        "a commune's own indicator still applies"
    );
}

async fn plans_count_by_adoption_and_pilot_models_while_they_run(backend: Backend) {
    // "100 % of communes build a plan"; "at least one commune runs a pilot model".
    let app = demo_app(backend).await;
    let token = app.token("huyen", "demo-huyen").await;
    let records = [
        // Recorded in 2023, adopted in December 2022: the plan of 2022.
        record(
            "commune_plan",
            BINH_LU,
            "2023-01-05",
            json!({"adopted_on": "2022-12-20"}),
        ),
        // Recorded late, adopted in March 2023.
        record(
            "commune_plan",
            "ou-03413",
            "2023-05-05",
            json!({"adopted_on": "2023-03-01"}),
        ),
        // Started in 2021 and still running.
        record(
            "pilot_model",
            "ou-03394",
            "2021-06-01",
            json!({"name": "Mô hình A"}),
        ),
        // Started in 2021, ended in 2022.
        record(
            "pilot_model",
            "ou-03400",
            "2021-06-01",
            json!({"name": "Mô hình B", "ended_on": "2022-12-31"}),
        ),
    ];
    store(&app, &token, &records).await;
    let kh01 = figure(&app, &token, DISTRICT, "year=2023", "PCMD-KH01").await;
    assert_eq!(fraction(kh01), (1, 13));
    let q1 = figure(&app, &token, DISTRICT, "year=2023&quarter=1", "PCMD-KH01").await;
    assert_eq!(fraction(q1), (1, 13), "adopted on 1 March, recorded in May");
    let kh01_2022 = figure(&app, &token, DISTRICT, "year=2022", "PCMD-KH01").await;
    assert_eq!(kh01_2022.0, 1);
    let mh01 = figure(&app, &token, DISTRICT, "year=2023", "PCMD-MH01").await;
    assert_eq!(fraction(mh01), (1, 13), "only the model still running");
    let mh01_2022 = figure(&app, &token, DISTRICT, "year=2022", "PCMD-MH01").await;
    assert_eq!(mh01_2022.0, 2);
}

async fn ht01_takes_in_people_referred_last_year_who_reach_a_service_this_year(backend: Backend) {
    // "60 % of people selling sex in need and eligible reach support services".
    let app = demo_app(backend).await;
    let token = app.token("huyen", "demo-huyen").await;
    let referral = |date: &str, code: &str, accessed: Option<&str>| {
        let mut data = json!({"client_code": code, "in_need_eligible": true, "consent": true,
                              "service": "LEGAL", "status": "referred"});
        if let Some(day) = accessed {
            data["status"] = json!("accessed");
            data["accessed_on"] = json!(day);
        }
        record("referral", BINH_LU, date, data)
    };
    let records = [
        referral("2022-11-20", "AB12CD", Some("2023-01-15")),
        referral("2023-02-01", "AB12CE", None),
        referral("2022-05-01", "AB12CF", Some("2022-06-01")),
        referral("2022-12-10", "AB12CG", Some("2023-08-01")),
    ];
    store(&app, &token, &records).await;
    let ht01 = figure(&app, &token, BINH_LU, "year=2023", "PCMD-HT01").await;
    assert_eq!(
        fraction(ht01),
        (2, 3),
        "two referred in 2022 reached the service in 2023"
    );
    let q2 = figure(&app, &token, BINH_LU, "year=2023&quarter=2", "PCMD-HT01").await;
    assert_eq!(
        fraction(q2),
        (1, 2),
        "to June: the one who reached it in August is not yet of the cohort"
    );
    let ht01_2022 = figure(&app, &token, BINH_LU, "year=2022", "PCMD-HT01").await;
    assert_eq!(
        fraction(ht01_2022),
        (1, 3),
        "in 2022 only the third had reached it"
    );
}
