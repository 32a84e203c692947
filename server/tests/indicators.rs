//! `GET /api/v1/indicators` on both stores: the engine against an independent computation in
//! plain Rust over a generated data set synced through `POST /api/v1/sync` (all kinds, edits,
//! voids, several quarters and communes, businesses registered before and after the period), and
//! hand-checked cases: no data, no target, the `API.md` example, scope and bad parameters.

mod common;

use common::{spawn_app, Backend, TestApp};
use domain::Coded;
use reqwest::Method;
use serde_json::{json, Value};
use server::model::{Baseline, BaselineName, Level, OrgUnit};
use std::collections::{BTreeMap, BTreeSet};

on_both_stores!(
    the_engine_agrees_with_a_plain_computation_over_generated_records,
    zero_denominators_are_no_data_and_missing_targets_no_target,
    the_api_example_and_its_shape,
    records_of_a_village_count_for_its_commune,
    a_commune_officer_reads_only_their_commune_and_bad_periods_are_refused,
    migrations_0004_and_0005_backfill_the_facts_of_records_stored_before_them,
);

const DISTRICT: &str = "ou-106";
const BINH_LU: &str = "ou-03412";
const DEVICE: &str = "6f1c2d3e-4b5a-4c6d-8e7f-901234567890";
/// A few of each list, so that some keys of the breakdowns stay at zero.
const BUSINESS_TYPES: [&str; 4] = ["karaoke", "massage", "guesthouse", "bar"];
const SERVICES: [&str; 4] = ["HIV_TEST", "LEGAL", "PSYCHO", "JOB"];
const COUNT_CODES: [&str; 7] = [
    "PCMD-C01", "PCMD-C02", "PCMD-C03", "PCMD-C04", "PCMD-C05", "PCMD-C06", "PCMD-C07",
];
const CODES: [&str; 12] = [
    "PCMD-TT01",
    "PCMD-TT02",
    "PCMD-TT03",
    "PCMD-TT04",
    "PCMD-KH01",
    "PCMD-KH02",
    "PCMD-TG01",
    "PCMD-KT01",
    "PCMD-MH01",
    "PCMD-HT01",
    "PCMD-TH01",
    "PCMD-TH02",
];

async fn demo_app(backend: Backend) -> TestApp {
    spawn_app(backend).await.with_2023_accounts().await
}

/// The ids of the communes of Tam Đường valid in 2023, sorted.
async fn communes_2023(app: &TestApp) -> Vec<String> {
    let units = app.store.org_units().await.unwrap();
    let mut ids: Vec<String> = units
        .into_iter()
        .filter(|u| u.parent_id.as_deref() == Some(DISTRICT) && u.level == Level::Commune)
        .filter(|u| u.valid_during("2023-01-01", "2023-12-31"))
        .map(|u| u.id)
        .collect();
    ids.sort();
    ids
}

async fn sync(app: &TestApp, token: &str, records: &[Value]) {
    for chunk in records.chunks(500) {
        let body = json!({"device_id": DEVICE, "records": chunk});
        let response = app
            .call(Method::POST, "/api/v1/sync", Some(token), Some(body))
            .await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        for result in body["results"].as_array().unwrap() {
            // An edit that happens to change nothing is `unchanged`.
            assert!(["applied", "unchanged"].contains(&result["status"].as_str().unwrap()));
        }
    }
}

async fn indicators(app: &TestApp, token: &str, query: &str) -> reqwest::Response {
    let path = format!("/api/v1/indicators?{query}");
    app.call(Method::GET, &path, Some(token), None).await
}

async fn indicators_ok(app: &TestApp, token: &str, query: &str) -> Value {
    let response = indicators(app, token, query).await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

fn record(id: &str, kind: &str, unit: &str, date: &str, data: Value) -> Value {
    json!({"id": id, "kind": kind, "org_unit_id": unit, "occurred_on": date,
           "base_version": 0, "voided": false, "data": data})
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A day from 2022-11-01 to 2024-02-28 (days 1–28 keep every month valid).
    fn date(&mut self) -> String {
        let months = [(2022, 11), (2022, 12)]
            .into_iter()
            .chain((1..=12).map(|m| (2023, m)))
            .chain([(2024, 1), (2024, 2)])
            .collect::<Vec<_>>();
        // Most records fall in 2023.
        let (y, m) = if self.below(5) == 0 {
            *self.pick(&months)
        } else {
            (2023, self.below(12) + 1)
        };
        format!("{y}-{m:02}-{:02}", self.below(28) + 1)
    }
}

fn plus_days(date: &str, days: usize) -> String {
    let mut day = domain::Date::parse(date).unwrap();
    for _ in 0..days {
        let (y, m, d) = (day.year(), day.month(), day.day());
        day = domain::Date::from_ymd(y, m, d + 1)
            .or_else(|| domain::Date::from_ymd(y, m + 1, 1))
            .or_else(|| domain::Date::from_ymd(y + 1, 1, 1))
            .unwrap();
    }
    day.to_string()
}

/// Records of every kind; businesses first so inspections can name them.
fn generate(rng: &mut Lcg, communes: &[String], businesses: &mut Vec<String>) -> Vec<Value> {
    let mut units: Vec<&str> = communes.iter().map(String::as_str).collect();
    units.push(DISTRICT);
    let mut out = Vec::new();
    for n in 0..60 {
        let id = new_id();
        let workers = rng.below(12);
        let mut data = json!({"name": format!("Cơ sở {n}"), "type": rng.pick(&BUSINESS_TYPES),
                              "workers": workers});
        if rng.below(3) != 0 {
            data["female_workers"] = json!(rng.below(workers + 1));
        }
        let unit = *rng.pick(&units);
        out.push(record(&id, "business", unit, &rng.date(), data));
        businesses.push(id);
    }
    for _ in 0..420 {
        let unit = *rng.pick(&units);
        let date = rng.date();
        let (kind, data) = match rng.below(10) {
            0 => (
                "outreach_session",
                json!({"format": "group_talk",
                       "audience": rng.pick(&["students", "business_workers", "youth"]),
                       "reached_male": rng.below(30), "reached_female": rng.below(30)}),
            ),
            1 => {
                let accessed = rng.below(2) == 0;
                let mut data = json!({"client_code": format!("C{:03}", rng.below(15)),
                    "in_need_eligible": rng.below(4) != 0, "consent": true,
                    "service": rng.pick(&SERVICES),
                    "status": if accessed { "accessed" } else { "referred" }});
                if accessed {
                    data["accessed_on"] = json!(plus_days(&date, rng.below(100)));
                }
                ("referral", data)
            }
            2 => {
                // Some inspect a business that never reached the server.
                let business = if rng.below(8) == 0 {
                    new_id()
                } else {
                    rng.pick(businesses).clone()
                };
                let mut data = json!({"business_id": business,
                                      "violation_found": rng.below(3) == 0});
                match rng.below(4) {
                    0 => data["sanction"] = json!("Phạt tiền"),
                    1 => data["fine_vnd"] = json!(500_000 * rng.below(10)),
                    _ => {}
                }
                ("inspection", data)
            }
            3 => {
                let handled = (rng.below(4) != 0).then(|| plus_days(&date, rng.below(40)));
                (
                    "tip_off",
                    json!({"channel": "hotline", "handled_on": handled}),
                )
            }
            4 => (
                "training",
                json!({"level": rng.pick(&["district", "commune"]), "trainees": rng.below(20)}),
            ),
            5 => (
                "media_post",
                json!({"channel": rng.pick(&["portal", "radio_tv"])}),
            ),
            6 => ("commune_plan", json!({})),
            7 => ("pilot_model", json!({})),
            8 => (
                "agency_integration",
                json!({"agency": rng.pick(&["Công an", "Y tế", "Tư pháp", "Đoàn TN"])}),
            ),
            _ => (
                "outreach_session",
                json!({"format": "leaflets", "audience": "students",
                       "reached_male": rng.below(50), "reached_female": rng.below(50)}),
            ),
        };
        out.push(record(&new_id(), kind, unit, &date, data));
    }
    out
}

/// The latest content of each record, as the test itself keeps it.
type Latest = BTreeMap<String, Value>;

/// Numerator and denominator of each indicator, computed from `latest` without the server.
fn expected(
    latest: &Latest,
    units: &BTreeSet<String>,
    communes: &BTreeSet<String>,
    (start, end): (&str, &str),
    quarters: u32,
    baseline: &dyn Fn(BaselineName) -> i64,
) -> Vec<(i64, i64)> {
    let live: Vec<&Value> = latest
        .values()
        .filter(|r| r["voided"] == false && units.contains(r["org_unit_id"].as_str().unwrap()))
        .collect();
    let date = |r: &Value| r["occurred_on"].as_str().unwrap().to_string();
    let active = |kind: &str| -> Vec<&Value> {
        live.iter()
            .copied()
            .filter(|r| r["kind"] == kind)
            .filter(|r| start <= date(r).as_str() && date(r).as_str() <= end)
            .collect()
    };
    let n = |v: &Value, f: &str| v["data"][f].as_i64().unwrap();
    let communes_with = |kind: &str| {
        active(kind)
            .iter()
            .map(|r| r["org_unit_id"].as_str().unwrap())
            .filter(|u| communes.contains(*u))
            .collect::<BTreeSet<_>>()
            .len() as i64
    };
    let reached = |audience: &str| -> i64 {
        active("outreach_session")
            .iter()
            .filter(|r| r["data"]["audience"] == audience)
            .map(|r| n(r, "reached_male") + n(r, "reached_female"))
            .sum()
    };
    let register: Vec<&Value> = live
        .iter()
        .copied()
        .filter(|r| r["kind"] == "business" && date(r).as_str() <= end)
        .collect();
    let inspected: BTreeSet<&str> = active("inspection")
        .iter()
        .map(|r| r["data"]["business_id"].as_str().unwrap())
        .collect();
    let tip_offs = active("tip_off");
    let in_time = tip_offs
        .iter()
        .filter(|r| {
            r["data"]["handled_on"].as_str().is_some_and(|handled| {
                let received = domain::Date::parse(&date(r)).unwrap();
                received.days_until(domain::Date::parse(handled).unwrap()) <= 20
            })
        })
        .count() as i64;
    let eligible: Vec<&Value> = active("referral")
        .into_iter()
        .filter(|r| r["data"]["in_need_eligible"] == true)
        .collect();
    let clients = |accessed: bool| {
        eligible
            .iter()
            .filter(|r| {
                !accessed
                    || (r["data"]["status"] == "accessed"
                        && r["data"]["accessed_on"].as_str().unwrap() <= end)
            })
            .map(|r| r["data"]["client_code"].as_str().unwrap())
            .collect::<BTreeSet<_>>()
            .len() as i64
    };
    let trainees = |level: &str| -> i64 {
        active("training")
            .iter()
            .filter(|r| r["data"]["level"] == level)
            .map(|r| n(r, "trainees"))
            .sum()
    };
    let posts = active("media_post");
    let fewest_posts = ["portal", "radio_tv"]
        .iter()
        .flat_map(|channel| {
            let posts = &posts;
            (1..=quarters).map(move |q| {
                posts
                    .iter()
                    .filter(|r| r["data"]["channel"] == *channel)
                    .filter(|r| {
                        let month: u32 = date(r)[5..7].parse().unwrap();
                        month.div_ceil(3) == q
                    })
                    .count() as i64
            })
        })
        .min()
        .unwrap();
    let agencies = active("agency_integration")
        .iter()
        .map(|r| r["data"]["agency"].as_str().unwrap())
        .collect::<BTreeSet<_>>()
        .len() as i64;
    let c = communes.len() as i64;
    vec![
        (communes_with("outreach_session"), c),
        (fewest_posts, 2 * i64::from(quarters)),
        (
            reached("business_workers"),
            register.iter().map(|r| n(r, "workers")).sum(),
        ),
        (
            reached("students"),
            baseline(BaselineName::StudentsEnrolled),
        ),
        (communes_with("commune_plan"), c),
        (agencies, baseline(BaselineName::RelevantAgencies)),
        (in_time, tip_offs.len() as i64),
        (
            register
                .iter()
                .filter(|b| inspected.contains(b["id"].as_str().unwrap()))
                .count() as i64,
            register.len() as i64,
        ),
        (communes_with("pilot_model"), c),
        (clients(true), clients(false)),
        (
            trainees("district"),
            baseline(BaselineName::DistrictOfficials),
        ),
        (
            trainees("commune"),
            baseline(BaselineName::CommuneOfficials),
        ),
    ]
}

/// A plain count as `(code, [(key, value), …])`.
type PlainCounts = Vec<(String, Vec<(String, i64)>)>;

/// The plain counts PCMD-C01..C07, computed from `latest` without the server.
fn expected_counts(
    latest: &Latest,
    units: &BTreeSet<String>,
    (start, end): (&str, &str),
) -> PlainCounts {
    let live: Vec<&Value> = latest
        .values()
        .filter(|r| r["voided"] == false && units.contains(r["org_unit_id"].as_str().unwrap()))
        .collect();
    let date = |r: &Value| r["occurred_on"].as_str().unwrap().to_string();
    let active = |kind: &str| -> Vec<&Value> {
        live.iter()
            .copied()
            .filter(|r| r["kind"] == kind)
            .filter(|r| start <= date(r).as_str() && date(r).as_str() <= end)
            .collect()
    };
    let n = |v: &Value, f: &str| v["data"][f].as_i64().unwrap_or(0);
    let distinct = |records: &[&Value], field: &str| {
        records
            .iter()
            .map(|r| r["data"][field].as_str().unwrap())
            .collect::<BTreeSet<_>>()
            .len() as i64
    };
    let register: Vec<&Value> = live
        .iter()
        .copied()
        .filter(|r| r["kind"] == "business" && date(r).as_str() <= end)
        .collect();
    let inspections = active("inspection");
    let violations: Vec<&Value> = inspections
        .iter()
        .copied()
        .filter(|r| r["data"]["violation_found"] == true)
        .collect();
    let sanctioned = inspections
        .iter()
        .filter(|r| r["data"].get("sanction").is_some() || n(r, "fine_vnd") > 0)
        .count() as i64;
    let tip_offs = active("tip_off");
    let handled: Vec<&Value> = tip_offs
        .iter()
        .copied()
        .filter(|r| r["data"]["handled_on"].is_string())
        .collect();
    let in_time = handled
        .iter()
        .filter(|r| {
            let received = domain::Date::parse(&date(r)).unwrap();
            let handled = domain::Date::parse(r["data"]["handled_on"].as_str().unwrap()).unwrap();
            received.days_until(handled) <= 20
        })
        .count() as i64;
    let referrals = active("referral");
    let sessions = active("outreach_session");
    let pairs = |list: &[(&str, i64)]| -> Vec<(String, i64)> {
        list.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    let types: Vec<(String, i64)> = domain::BusinessType::ALL
        .iter()
        .map(|t| {
            let count = register
                .iter()
                .filter(|r| r["data"]["type"] == t.as_str())
                .count();
            (t.as_str().to_string(), count as i64)
        })
        .collect();
    let services: Vec<(String, i64)> = domain::ReferralService::ALL
        .iter()
        .map(|service| {
            let accessed: Vec<&Value> = referrals
                .iter()
                .copied()
                .filter(|r| r["data"]["service"] == service.as_str())
                .filter(|r| {
                    r["data"]["status"] == "accessed"
                        && r["data"]["accessed_on"].as_str().unwrap() <= end
                })
                .collect();
            (
                service.as_str().to_string(),
                distinct(&accessed, "client_code"),
            )
        })
        .collect();
    let sum = |records: &[&Value], field: &str| records.iter().map(|r| n(r, field)).sum::<i64>();
    vec![
        ("PCMD-C01".into(), types),
        (
            "PCMD-C02".into(),
            pairs(&[
                ("workers", sum(&register, "workers")),
                ("female_workers", sum(&register, "female_workers")),
            ]),
        ),
        (
            "PCMD-C03".into(),
            pairs(&[("clients", distinct(&referrals, "client_code"))]),
        ),
        (
            "PCMD-C04".into(),
            pairs(&[
                ("inspections", inspections.len() as i64),
                ("violating_businesses", distinct(&violations, "business_id")),
                ("sanctioned_inspections", sanctioned),
                ("fines_vnd", sum(&inspections, "fine_vnd")),
            ]),
        ),
        (
            "PCMD-C05".into(),
            pairs(&[
                ("received", tip_offs.len() as i64),
                ("handled", handled.len() as i64),
                ("handled_in_time", in_time),
            ]),
        ),
        ("PCMD-C06".into(), services),
        (
            "PCMD-C07".into(),
            pairs(&[
                ("sessions", sessions.len() as i64),
                ("participants_male", sum(&sessions, "reached_male")),
                ("participants_female", sum(&sessions, "reached_female")),
            ]),
        ),
    ]
}

fn plain_counts(counts: &Value) -> PlainCounts {
    let list = counts.as_array().unwrap();
    let codes: Vec<&str> = list.iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(codes, COUNT_CODES);
    list.iter()
        .map(|count| {
            let breakdown = count["breakdown"]
                .as_array()
                .unwrap()
                .iter()
                .map(|part| {
                    (
                        part["key"].as_str().unwrap().to_string(),
                        part["value"].as_i64().unwrap(),
                    )
                })
                .collect();
            (count["code"].as_str().unwrap().to_string(), breakdown)
        })
        .collect()
}

fn fractions(indicators: &Value) -> Vec<(i64, i64)> {
    let list = indicators.as_array().unwrap();
    let codes: Vec<&str> = list.iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, CODES);
    list.iter()
        .map(|i| {
            let (n, d) = (
                i["numerator"].as_i64().unwrap(),
                i["denominator"].as_i64().unwrap(),
            );
            // Value and status follow from the fraction as the domain says.
            if d == 0 {
                assert_eq!(i["value"], Value::Null);
                assert_eq!(i["status"], "no_data");
            }
            (n, d)
        })
        .collect()
}

async fn the_engine_agrees_with_a_plain_computation_over_generated_records(backend: Backend) {
    let app = demo_app(backend).await;
    let district = app.token("huyen", "demo-huyen").await;
    let communes = communes_2023(&app).await;
    let mut rng = Lcg(7);
    let mut businesses = Vec::new();
    let sent = generate(&mut rng, &communes, &mut businesses);
    sync(&app, &district, &sent).await;
    let mut latest: Latest = sent
        .iter()
        .map(|r| (r["id"].as_str().unwrap().to_string(), r.clone()))
        .collect();

    // Edits (new date, unit or content) and voids make second versions.
    let mut units: Vec<String> = communes.clone();
    units.push(DISTRICT.into());
    let mut changes = Vec::new();
    for (i, original) in sent.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        let mut changed = original.clone();
        changed["base_version"] = json!(1);
        match i % 4 {
            0 => changed["voided"] = json!(true),
            1 => changed["org_unit_id"] = json!(rng.pick(&units)),
            2 => {
                let date = rng.date();
                if changed["kind"] == "tip_off" || changed["kind"] == "referral" {
                    continue;
                }
                changed["occurred_on"] = json!(date);
            }
            _ => match changed["kind"].as_str().unwrap() {
                "outreach_session" => changed["data"]["reached_female"] = json!(rng.below(99)),
                "business" => changed["data"]["type"] = json!(rng.pick(&BUSINESS_TYPES)),
                "inspection" => {
                    changed["data"]["violation_found"] = json!(true);
                    changed["data"]["fine_vnd"] = json!(1_000_000);
                }
                "referral" => changed["data"]["service"] = json!(rng.pick(&SERVICES)),
                _ => changed["voided"] = json!(true),
            },
        }
        latest.insert(changed["id"].as_str().unwrap().to_string(), changed.clone());
        changes.push(changed);
    }
    sync(&app, &district, &changes).await;

    let baselines = [
        (BaselineName::StudentsEnrolled, DISTRICT, 900),
        (BaselineName::RelevantAgencies, DISTRICT, 6),
        (BaselineName::DistrictOfficials, DISTRICT, 40),
        (BaselineName::CommuneOfficials, communes[0].as_str(), 12),
        (BaselineName::CommuneOfficials, communes[1].as_str(), 9),
        (BaselineName::StudentsEnrolled, communes[1].as_str(), 300),
    ];
    for (name, unit, value) in baselines {
        let baseline = Baseline {
            year: 2023,
            name,
            org_unit_id: unit.into(),
            value,
            to_confirm: false,
        };
        app.store.set_baseline(&baseline).await.unwrap();
    }
    let baseline_of = |unit: &str, own_only: bool| {
        let unit = unit.to_string();
        move |name: BaselineName| {
            let matching = baselines.iter().filter(|(n, _, _)| *n == name);
            let own = matching.clone().find(|(_, u, _)| *u == unit);
            match own {
                Some((_, _, value)) => *value,
                None if own_only => 0,
                None => matching.map(|(_, _, value)| value).sum(),
            }
        }
    };

    let all_units: BTreeSet<String> = units.iter().cloned().collect();
    let all_communes: BTreeSet<String> = communes.iter().cloned().collect();
    for (quarter, end, quarters) in [
        (None, "2023-12-31", 4),
        (Some(1), "2023-03-31", 1),
        (Some(2), "2023-06-30", 2),
        (Some(3), "2023-09-30", 3),
        (Some(4), "2023-12-31", 4),
    ] {
        let query = match quarter {
            Some(q) => format!("year=2023&quarter={q}&org_unit={DISTRICT}&by=commune"),
            None => format!("year=2023&org_unit={DISTRICT}&by=commune"),
        };
        let body = indicators_ok(&app, &district, &query).await;
        let period = ("2023-01-01", end);
        let want = expected(
            &latest,
            &all_units,
            &all_communes,
            period,
            quarters,
            &baseline_of(DISTRICT, false),
        );
        assert_eq!(fractions(&body["indicators"]), want, "district, {query}");
        let want_counts = expected_counts(&latest, &all_units, period);
        assert_eq!(
            plain_counts(&body["counts"]),
            want_counts,
            "district, {query}"
        );
        if quarter.is_none() {
            let counted = want.iter().filter(|(n, d)| *n > 0 && *d > 0).count();
            assert!(
                counted >= 11,
                "the data set exercises the indicators: {want:?}"
            );
            let figures: Vec<i64> = want_counts
                .iter()
                .flat_map(|(_, breakdown)| breakdown.iter().map(|(_, value)| *value))
                .collect();
            assert!(
                figures.iter().filter(|value| **value > 0).count() >= 20,
                "the data set exercises the counts: {want_counts:?}"
            );
        }
        let rows = body["communes"].as_array().unwrap();
        assert_eq!(rows.len(), communes.len());
        for row in rows {
            let commune = row["org_unit_id"].as_str().unwrap();
            let only = BTreeSet::from([commune.to_string()]);
            let want = expected(
                &latest,
                &only,
                &only,
                period,
                quarters,
                &baseline_of(commune, true),
            );
            assert_eq!(fractions(&row["indicators"]), want, "{commune}, {query}");
            assert_eq!(
                plain_counts(&row["counts"]),
                expected_counts(&latest, &only, period),
                "{commune}, {query}"
            );
        }
    }
}

async fn zero_denominators_are_no_data_and_missing_targets_no_target(backend: Backend) {
    let app = demo_app(backend).await;
    let district = app.token("huyen", "demo-huyen").await;
    let body = indicators_ok(&app, &district, "year=2023").await;
    let tt01 = &body["indicators"][0];
    assert_eq!(
        (&tt01["numerator"], &tt01["denominator"], &tt01["value"]),
        (&json!(0), &json!(13), &json!(0.0))
    );
    assert_eq!(tt01["status"], "not_met");
    for (i, code) in CODES.iter().enumerate() {
        let indicator = &body["indicators"][i];
        if !["PCMD-TT01", "PCMD-TT02", "PCMD-KH01", "PCMD-MH01"].contains(code) {
            assert_eq!(indicator["denominator"], 0, "{code}");
            assert_eq!(indicator["value"], Value::Null, "{code}");
            assert_eq!(indicator["status"], "no_data", "{code}");
            assert!(
                indicator["target"].is_object(),
                "{code} has its 2023 target"
            );
        }
    }
    // 2024 has no targets: a figure with data says so.
    let session = record(
        &new_id(),
        "outreach_session",
        BINH_LU,
        "2024-02-01",
        json!({"format": "group_talk", "audience": "youth", "reached_male": 1, "reached_female": 1}),
    );
    sync(&app, &district, &[session]).await;
    let body = indicators_ok(&app, &district, "year=2024&quarter=1").await;
    let tt01 = &body["indicators"][0];
    assert_eq!(
        (&tt01["numerator"], &tt01["denominator"], &tt01["value"]),
        (&json!(1), &json!(13), &json!(7.7))
    );
    assert_eq!(tt01["status"], "no_target");
    assert_eq!(tt01["target"], Value::Null);
    assert_eq!(
        body["indicators"][7]["status"], "no_data",
        "KT01: no register"
    );
}

async fn the_api_example_and_its_shape(backend: Backend) {
    let app = demo_app(backend).await;
    let district = app.token("huyen", "demo-huyen").await;
    let communes = communes_2023(&app).await;
    let sessions: Vec<Value> = communes[..9]
        .iter()
        .map(|commune| {
            record(
                &new_id(),
                "outreach_session",
                commune,
                "2023-05-20",
                json!({"format": "group_talk", "audience": "youth",
                       "reached_male": 3, "reached_female": 4}),
            )
        })
        .collect();
    sync(&app, &district, &sessions).await;
    let body = indicators_ok(&app, &district, "year=2023&quarter=2").await;
    assert_eq!(body["year"], 2023);
    assert_eq!(body["quarter"], 2);
    assert_eq!(
        body["org_unit_id"], DISTRICT,
        "the caller's unit by default"
    );
    assert!(body.get("communes").is_none());
    assert_eq!(
        body["indicators"][0],
        json!({"code": "PCMD-TT01", "numerator": 9, "denominator": 13, "value": 69.2,
               "unit": "percent", "target": {"op": ">=", "value": 70.0}, "status": "not_met",
               "target_to_confirm": false})
    );
    assert_eq!(
        body["counts"][6],
        json!({"code": "PCMD-C07", "breakdown": [
            {"key": "sessions", "value": 9},
            {"key": "participants_male", "value": 27},
            {"key": "participants_female", "value": 36}]})
    );
    assert_eq!(
        body["counts"][0]["breakdown"][0],
        json!({"key": "karaoke", "value": 0})
    );
    // Dated after the first quarter: not in it.
    let q1 = indicators_ok(&app, &district, "year=2023&quarter=1").await;
    assert_eq!(q1["indicators"][0]["numerator"], 0);
    let year = indicators_ok(&app, &district, "year=2023").await;
    assert_eq!(year["quarter"], Value::Null);
    assert_eq!(year["indicators"][0]["numerator"], 9);
}

/// A unit below a commune (here a village) counts in its commune's row, distinct counts included.
async fn records_of_a_village_count_for_its_commune(backend: Backend) {
    let app = demo_app(backend).await;
    let district = app.token("huyen", "demo-huyen").await;
    let village = OrgUnit {
        id: "ou-binh-lu-ban-1".into(),
        code: "03412-01".into(),
        name: "Bản Bình Lư".into(),
        level: Level::Village,
        parent_id: Some(BINH_LU.into()),
        valid_from: None,
        valid_to: None,
        successor_ids: Vec::new(),
    };
    app.store.insert_org_unit(&village).await.unwrap();
    let business = new_id();
    let referral = |unit: &str| {
        record(
            &new_id(),
            "referral",
            unit,
            "2023-04-02",
            json!({"client_code": "AB12", "in_need_eligible": true, "consent": true,
                   "service": "LEGAL", "status": "accessed", "accessed_on": "2023-04-03"}),
        )
    };
    let records = [
        record(
            &business,
            "business",
            BINH_LU,
            "2023-01-05",
            json!({"name": "Nhà nghỉ Bình Lư", "type": "guesthouse", "workers": 3,
                   "female_workers": 2}),
        ),
        record(
            &new_id(),
            "outreach_session",
            &village.id,
            "2023-04-01",
            json!({"format": "group_talk", "audience": "business_workers",
                   "reached_male": 1, "reached_female": 2}),
        ),
        record(
            &new_id(),
            "inspection",
            &village.id,
            "2023-05-01",
            json!({"business_id": business, "violation_found": true, "sanction": "Cảnh cáo"}),
        ),
        // The same client in the commune and in its village: one client.
        referral(&village.id),
        referral(BINH_LU),
    ];
    sync(&app, &district, &records).await;
    let body = indicators_ok(&app, &district, "year=2023&by=commune").await;
    let fraction = |indicators: &Value, code: &str| {
        let value = indicators
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == code)
            .unwrap();
        (value["numerator"].clone(), value["denominator"].clone())
    };
    let row = body["communes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["org_unit_id"] == BINH_LU)
        .unwrap();
    for indicators in [&body["indicators"], &row["indicators"]] {
        assert_eq!(fraction(indicators, "PCMD-TT01").0, 1);
        assert_eq!(fraction(indicators, "PCMD-TT03"), (json!(3), json!(3)));
        assert_eq!(fraction(indicators, "PCMD-KT01"), (json!(1), json!(1)));
        assert_eq!(fraction(indicators, "PCMD-HT01"), (json!(1), json!(1)));
    }
    for counts in [&body["counts"], &row["counts"]] {
        let counts = plain_counts(counts);
        assert_eq!(counts[2].1, [("clients".to_string(), 1)]);
        assert_eq!(
            counts[3].1[..3].to_vec(),
            [
                ("inspections".to_string(), 1),
                ("violating_businesses".to_string(), 1),
                ("sanctioned_inspections".to_string(), 1),
            ]
        );
        assert!(counts[5].1.contains(&("LEGAL".to_string(), 1)));
        assert_eq!(counts[6].1[0], ("sessions".to_string(), 1));
    }
}

async fn a_commune_officer_reads_only_their_commune_and_bad_periods_are_refused(backend: Backend) {
    let app = demo_app(backend).await;
    let commune = app.token("binhlu", "demo-binhlu").await;
    let body = indicators_ok(&app, &commune, "year=2023").await;
    assert_eq!(body["org_unit_id"], BINH_LU);
    assert_eq!(
        body["indicators"][0]["denominator"], 1,
        "a commune counts itself"
    );
    let own = indicators_ok(&app, &commune, &format!("year=2023&org_unit={BINH_LU}")).await;
    assert_eq!(own, body);
    for unit in ["ou-03390", DISTRICT, "ou-nowhere"] {
        let response = indicators(&app, &commune, &format!("year=2023&org_unit={unit}")).await;
        assert_eq!(response.status(), 403, "{unit}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "forbidden");
    }
    for query in [
        "year=2023&quarter=5",
        "year=2023&quarter=x",
        "year=abc",
        "",
        "year=2023&by=x",
    ] {
        let response = indicators(&app, &commune, query).await;
        assert_eq!(response.status(), 422, "{query}");
    }
    let response = app
        .call(Method::GET, "/api/v1/indicators?year=2023", None, None)
        .await;
    assert_eq!(response.status(), 401);
}

/// The backfill `UPDATE` of a migration.
fn backfill(migration: &str) -> &str {
    let start = migration.find("UPDATE records SET").unwrap();
    &migration[start..start + migration[start..].find(';').unwrap()]
}

/// Runs the backfill `UPDATE`s of migrations 0004 and 0005 on a store whose fact columns were
/// emptied.
async fn rerun_backfill(app: &TestApp, backend: Backend) {
    let migrations = match backend {
        Backend::Sqlite => [
            include_str!("../migrations/sqlite/0004_indicator_facts.sql"),
            include_str!("../migrations/sqlite/0005_plain_counts.sql"),
        ],
        Backend::Postgres => [
            include_str!("../migrations/postgres/0004_indicator_facts.sql"),
            include_str!("../migrations/postgres/0005_plain_counts.sql"),
        ],
    };
    let empty = "UPDATE records SET created_by = NULL, fact_people = NULL, fact_category = NULL, \
                 fact_subject = NULL, fact_eligible = NULL, fact_date = NULL, fact_days = NULL, \
                 fact_female = NULL, fact_flag = NULL, fact_amount = NULL";
    let statements = [empty, backfill(migrations[0]), backfill(migrations[1])];
    match backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
            for statement in statements {
                sqlx::query(statement).execute(&pool).await.unwrap();
            }
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(&app.database_url).await.unwrap();
            for statement in statements {
                sqlx::query(statement).execute(&pool).await.unwrap();
            }
        }
    }
}

async fn migrations_0004_and_0005_backfill_the_facts_of_records_stored_before_them(
    backend: Backend,
) {
    let app = demo_app(backend).await;
    let district = app.token("huyen", "demo-huyen").await;
    let commune = app.token("binhlu", "demo-binhlu").await;
    let communes = communes_2023(&app).await;
    let sent = generate(&mut Lcg(11), &communes, &mut Vec::new());
    sync(&app, &district, &sent).await;
    let tip_off = record(
        &new_id(),
        "tip_off",
        BINH_LU,
        "2023-03-01",
        json!({"handled_on": "2023-03-05"}),
    );
    sync(&app, &commune, std::slice::from_ref(&tip_off)).await;
    let query = format!("year=2023&org_unit={DISTRICT}&by=commune");
    let before = indicators_ok(&app, &district, &query).await;
    rerun_backfill(&app, backend).await;
    assert_eq!(indicators_ok(&app, &district, &query).await, before);
    // Who recorded the tip-off is backfilled too: they still read it.
    let response = app
        .call(
            Method::GET,
            "/api/v1/records?limit=500",
            Some(&commune),
            None,
        )
        .await;
    let page: Value = response.json().await.unwrap();
    let ids: Vec<&Value> = page["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["id"])
        .collect();
    assert!(ids.contains(&&tip_off["id"]));
}
