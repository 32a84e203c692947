//! `GET /api/v1/indicators` on both stores: the engine against an independent computation in
//! plain Rust over a generated data set synced through `POST /api/v1/sync` (all kinds, edits,
//! voids, several quarters and communes, businesses registered before and after the period), and
//! hand-checked cases: no data, no target, the `API.md` example, scope and bad parameters; and the
//! figures of a year by the units of another (`units_of`), and of a unit before it existed.

use crate::common::{audit_entries, demo_app, Backend, TestApp, BINH_LU, DISTRICT, NEW_BINH_LU};
use domain::indicator::definitions::{measures, Baselines, Counted, Counting, Measure};
use domain::indicator::Period;
use domain::sync::SyncStatus;
use domain::Coded;
use domain::RecordKind;
use reqwest::Method;
use serde_json::{json, Value};
use server::model::{Baseline, BaselineName, Level, OrgUnit, RecordFilter};
use server::scope::Scope;
use server::sync::{sync as sync_batch, Sender};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

on_both_stores!(
    the_engine_equals_the_domain_definitions_over_generated_records,
    zero_denominators_are_no_data_and_missing_targets_no_target,
    the_api_example_and_its_shape,
    records_of_a_village_count_for_its_commune,
    a_commune_officer_reads_only_their_commune_and_bad_periods_are_refused,
    migrations_backfill_the_facts_and_sums_of_records_stored_before_them,
    the_sums_kept_batch_by_batch_equal_the_sums_made_from_the_records,
    batches_sent_at_once_are_each_stored_whole_once_even_when_some_are_abandoned,
    the_communes_of_2025_show_2023_as_the_sums_of_their_predecessors,
    a_commune_made_in_2025_reports_2023_over_its_predecessors,
    units_of_is_checked_and_counts_nothing_out_of_reach,
    in_the_year_of_the_merger_the_new_communes_gather_the_old,
    a_commune_split_between_two_counts_in_each,
);

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

/// The ids of the communes of Tam Đường valid in 2023, sorted.
async fn communes_2023(app: &TestApp) -> Vec<String> {
    communes_of(app, 2023).await
}

async fn sync(app: &TestApp, token: &str, records: &[Value]) {
    for chunk in records.chunks(500) {
        for result in crate::common::api::sync(app, token, chunk).await {
            // An edit that happens to change nothing is `unchanged`.
            let status = result["status"].as_str().unwrap();
            assert!(["applied", "unchanged"].contains(&status), "{result}");
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

    /// A day from November before `year` to February after it, most in `year` (days 1–28 keep
    /// every month valid).
    fn date(&mut self, year: i32) -> String {
        let months = [(year - 1, 11), (year - 1, 12)]
            .into_iter()
            .chain((1..=12).map(|m| (year, m)))
            .chain([(year + 1, 1), (year + 1, 2)])
            .collect::<Vec<_>>();
        let (y, m) = if self.below(5) == 0 {
            *self.pick(&months)
        } else {
            (year, self.below(12) + 1)
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

/// Xã Sùng Phài, a commune of Tam Đường until it merged away on 29 February 2020.
const SUNG_PHAI: &str = "ou-03397";

/// A day of `year` (most of them) or around it on which `unit` existed.
fn day_for(rng: &mut Lcg, unit: &str, year: i32) -> String {
    let date = rng.date(year);
    if unit == SUNG_PHAI && date.as_str() > "2020-02-29" {
        return format!("2020-{:02}-{:02}", rng.below(2) + 1, rng.below(28) + 1);
    }
    date
}

/// `count` records of every kind around `year`, after a register of businesses (so that
/// inspections and workplace sessions can name them), with the fields each definition reads.
fn generate(
    rng: &mut Lcg,
    communes: &[String],
    businesses: &mut Vec<String>,
    year: i32,
    count: usize,
) -> Vec<Value> {
    let mut units: Vec<&str> = communes.iter().map(String::as_str).collect();
    units.push(DISTRICT);
    let mut out = Vec::new();
    for n in 0..count / 7 {
        let id = new_id();
        let workers = rng.below(12);
        let mut data = json!({"name": format!("Cơ sở {n}"), "type": rng.pick(&BUSINESS_TYPES),
                              "workers": workers});
        if rng.below(3) != 0 {
            data["female_workers"] = json!(rng.below(workers + 1));
        }
        let unit = *rng.pick(&units);
        let date = day_for(rng, unit, year);
        out.push(record(&id, "business", unit, &date, data));
        businesses.push(id);
    }
    for _ in 0..count {
        let unit = *rng.pick(&units);
        let date = day_for(rng, unit, year);
        let (kind, data) = match rng.below(11) {
            0 => {
                let (male, female) = (rng.below(30), rng.below(30));
                let mut data = json!({"format": "group_talk",
                       "audience": rng.pick(&["students", "business_workers", "youth"]),
                       "reached_male": male, "reached_female": female});
                // Newer records say how many were reached for the first time, and where.
                if rng.below(3) != 0 {
                    data["reached_first_time"] = json!(rng.below(male + female + 1));
                }
                if rng.below(3) != 0 {
                    data["business_id"] = json!(rng.pick(businesses));
                }
                ("outreach_session", data)
            }
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
            4 => {
                let trainees = rng.below(20);
                let mut data = json!({"level": rng.pick(&["district", "commune"]),
                                      "trainees": trainees});
                if rng.below(2) == 0 {
                    data["trainees_first_time"] = json!(rng.below(trainees + 1));
                }
                ("training", data)
            }
            5 => (
                "media_post",
                json!({"channel": rng.pick(&["portal", "radio_tv"])}),
            ),
            6 => {
                // Adopted before, on or after the day it was recorded.
                let adopted = match rng.below(3) {
                    0 => None,
                    1 => Some(date.clone()),
                    _ => Some(format!(
                        "{}-{:02}-01",
                        year - 1 + rng.below(2) as i32,
                        rng.below(12) + 1
                    )),
                };
                let adopted = adopted.filter(|day| day.as_str() <= date.as_str());
                ("commune_plan", json!({"adopted_on": adopted}))
            }
            7 => {
                let ended = (rng.below(3) == 0).then(|| plus_days(&date, rng.below(300)));
                ("pilot_model", json!({"name": "Mô hình", "ended_on": ended}))
            }
            8 => (
                "agency_integration",
                json!({"agency": rng.pick(&["Công an", "Y tế", "Tư pháp", "Đoàn TN"])}),
            ),
            _ => {
                let (male, female) = (rng.below(50), rng.below(50));
                (
                    "outreach_session",
                    json!({"format": "leaflets", "audience": "students",
                           "reached_male": male, "reached_female": female,
                           "reached_first_time": rng.below(male + female + 1)}),
                )
            }
        };
        out.push(record(&new_id(), kind, unit, &date, data));
    }
    out
}

/// The latest content of each record, as the test itself keeps it.
type Latest = BTreeMap<String, Value>;

/// The period whose last day is `end` (`YYYY-12-31`: the whole year).
fn period_ending(end: &str) -> Period {
    let day = domain::Date::parse(end).unwrap();
    let quarter = (day.month() != 12).then(|| day.quarter());
    Period::new(day.year(), quarter).unwrap()
}

/// Numerator and denominator of each indicator (0 and 0 where it does not apply), by the
/// domain's definitions over `latest`, without the server.
fn expected(
    latest: &Latest,
    units: &BTreeSet<String>,
    communes: &BTreeSet<String>,
    (_, end): (&str, &str),
    of_commune: bool,
    baseline: &dyn Fn(BaselineName) -> i64,
) -> Vec<(i64, i64)> {
    let today = server::clock::domain_today();
    let records: Vec<domain::ValidRecord> = latest
        .values()
        .filter(|r| units.contains(r["org_unit_id"].as_str().unwrap()))
        .map(|r| domain::validate_value(r, today).unwrap())
        .collect();
    let counted: Vec<Counted> = records
        .iter()
        .map(|record| Counted {
            record,
            commune: communes
                .contains(record.org_unit_id())
                .then_some(record.org_unit_id()),
        })
        .collect();
    let counting = Counting {
        period: period_ending(end),
        today,
        records: &counted,
        communes: communes.len() as i64,
        of_commune,
        baselines: Baselines {
            students_enrolled: baseline(BaselineName::StudentsEnrolled),
            relevant_agencies: baseline(BaselineName::RelevantAgencies),
            district_officials: baseline(BaselineName::DistrictOfficials),
            commune_officials: baseline(BaselineName::CommuneOfficials),
        },
        deadline_days: 20,
    };
    measures(&counting)
        .into_iter()
        .map(|(_, measure)| match measure {
            Measure::Of {
                numerator,
                denominator,
            } => (numerator, denominator),
            Measure::NotApplicable => (0, 0),
        })
        .collect()
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
    let referred_by_end: Vec<&Value> = live
        .iter()
        .copied()
        .filter(|r| r["kind"] == "referral" && date(r).as_str() <= end)
        .collect();
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
            // Access in the period, from a referral of the period or before it.
            let accessed: Vec<&Value> = referred_by_end
                .iter()
                .copied()
                .filter(|r| r["data"]["service"] == service.as_str())
                .filter(|r| {
                    r["data"]["status"] == "accessed"
                        && (start..=end).contains(&r["data"]["accessed_on"].as_str().unwrap())
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
                assert!(["no_data", "not_applicable"].contains(&i["status"].as_str().unwrap()));
            }
            (n, d)
        })
        .collect()
}

/// The ids of Tam Đường's communes valid at some time in `year`, sorted.
async fn communes_of(app: &TestApp, year: i32) -> Vec<String> {
    let units = app.store.org_units().await.unwrap();
    let (start, end) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let mut ids: Vec<String> = units
        .into_iter()
        .filter(|u| u.parent_id.as_deref() == Some(DISTRICT) && u.level == Level::Commune)
        .filter(|u| u.valid_during(&start, &end))
        .map(|u| u.id)
        .collect();
    ids.sort();
    ids
}

/// Generated records around `year` in the district and its communes of that year, synced, then
/// edited (new date, unit or content) and voided in second versions; their latest content.
async fn generated_year(
    app: &TestApp,
    token: &str,
    rng: &mut Lcg,
    year: i32,
    count: usize,
) -> Latest {
    let communes = communes_of(app, year).await;
    let mut businesses = Vec::new();
    let sent = generate(rng, &communes, &mut businesses, year, count);
    sync(app, token, &sent).await;
    let mut latest: Latest = sent
        .iter()
        .map(|r| (r["id"].as_str().unwrap().to_string(), r.clone()))
        .collect();
    let mut units: Vec<String> = communes.clone();
    units.push(DISTRICT.into());
    let mut changes = Vec::new();
    for (i, original) in sent.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        let mut changed = original.clone();
        changed["base_version"] = json!(1);
        let date = changed["occurred_on"].as_str().unwrap().to_string();
        match i % 4 {
            0 => changed["voided"] = json!(true),
            1 => {
                let unit = rng.pick(&units).clone();
                if unit == SUNG_PHAI && date.as_str() > "2020-02-29" {
                    continue;
                }
                changed["org_unit_id"] = json!(unit);
            }
            2 => {
                let unit = changed["org_unit_id"].as_str().unwrap().to_string();
                let kind = changed["kind"].as_str().unwrap();
                if ["tip_off", "referral", "commune_plan", "pilot_model"].contains(&kind) {
                    continue;
                }
                changed["occurred_on"] = json!(day_for(rng, &unit, year));
            }
            _ => match changed["kind"].as_str().unwrap() {
                "outreach_session" => {
                    changed["data"]["reached_female"] = json!(rng.below(99));
                    let data = changed["data"].as_object_mut().unwrap();
                    data.remove("reached_first_time");
                }
                "business" => changed["data"]["type"] = json!(rng.pick(&BUSINESS_TYPES)),
                "inspection" => {
                    changed["data"]["violation_found"] = json!(true);
                    changed["data"]["fine_vnd"] = json!(1_000_000);
                }
                "referral" => changed["data"]["service"] = json!(rng.pick(&SERVICES)),
                "pilot_model" => changed["data"]["ended_on"] = json!(plus_days(&date, 30)),
                _ => changed["voided"] = json!(true),
            },
        }
        latest.insert(changed["id"].as_str().unwrap().to_string(), changed.clone());
        changes.push(changed);
    }
    sync(app, token, &changes).await;
    latest
}

/// Indicator codes the plan measures at district level only.
fn district_only(code: &str) -> bool {
    domain::indicator::IndicatorCode::parse(code).is_some_and(|code| code.district_only())
}

async fn the_engine_equals_the_domain_definitions_over_generated_records(backend: Backend) {
    let app = demo_app(backend).await;
    let district = app.token("huyen", "demo-huyen").await;
    let mut rng = Lcg(7);
    // 2023, and 2020, the year Sùng Phài merged away (its records stop on 29 February).
    let mut latest = generated_year(&app, &district, &mut rng, 2023, 1400).await;
    latest.extend(generated_year(&app, &district, &mut rng, 2020, 700).await);
    assert!(latest.len() >= 2000, "{} records", latest.len());
    assert!(latest.values().any(|r| r["org_unit_id"] == SUNG_PHAI));

    let communes_2023 = communes_of(&app, 2023).await;
    let baselines = [
        (BaselineName::StudentsEnrolled, DISTRICT, 900),
        (BaselineName::RelevantAgencies, DISTRICT, 6),
        (BaselineName::DistrictOfficials, DISTRICT, 40),
        (
            BaselineName::CommuneOfficials,
            communes_2023[0].as_str(),
            12,
        ),
        (BaselineName::CommuneOfficials, communes_2023[1].as_str(), 9),
        (
            BaselineName::StudentsEnrolled,
            communes_2023[1].as_str(),
            300,
        ),
    ];
    for year in [2020, 2023] {
        for (name, unit, value) in baselines {
            let baseline = Baseline {
                name,
                org_unit_id: unit.into(),
                value,
                to_confirm: false,
            };
            app.store.set_baseline(year, &baseline).await.unwrap();
        }
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

    for year in [2023, 2020] {
        let communes = communes_of(&app, year).await;
        let all_communes: BTreeSet<String> = communes.iter().cloned().collect();
        let mut all_units = all_communes.clone();
        all_units.insert(DISTRICT.into());
        for quarter in [None, Some(1), Some(2), Some(3), Some(4)] {
            let period = Period::new(year, quarter).unwrap();
            let query = match quarter {
                Some(q) => format!("year={year}&quarter={q}&org_unit={DISTRICT}&by=commune"),
                None => format!("year={year}&org_unit={DISTRICT}&by=commune"),
            };
            let body = indicators_ok(&app, &district, &query).await;
            let (start, end) = (period.start().to_string(), period.end().to_string());
            let dates = (start.as_str(), end.as_str());
            // The communes valid during the period: Sùng Phài only until it closed.
            let valid: BTreeSet<String> = body["communes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|row| row["org_unit_id"].as_str().unwrap().to_string())
                .collect();
            assert!(valid.is_subset(&all_communes));
            let mut units = valid.clone();
            units.insert(DISTRICT.into());
            let want = expected(
                &latest,
                &units,
                &valid,
                dates,
                false,
                &baseline_of(DISTRICT, false),
            );
            assert_eq!(fractions(&body["indicators"]), want, "district, {query}");
            let want_counts = expected_counts(&latest, &units, dates);
            assert_eq!(
                plain_counts(&body["counts"]),
                want_counts,
                "district, {query}"
            );
            if quarter.is_none() && year == 2023 {
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
                let workers = want[2];
                assert!(workers.0 <= workers.1, "PCMD-TT03 never passes 100 %");
            }
            for row in body["communes"].as_array().unwrap() {
                let commune = row["org_unit_id"].as_str().unwrap();
                let only = BTreeSet::from([commune.to_string()]);
                let want = expected(
                    &latest,
                    &only,
                    &only,
                    dates,
                    true,
                    &baseline_of(commune, true),
                );
                assert_eq!(fractions(&row["indicators"]), want, "{commune}, {query}");
                for indicator in row["indicators"].as_array().unwrap() {
                    let code = indicator["code"].as_str().unwrap();
                    let applies = indicator["status"] != "not_applicable";
                    assert_eq!(applies, !district_only(code), "{commune} {code}");
                }
                assert_eq!(
                    plain_counts(&row["counts"]),
                    expected_counts(&latest, &only, dates),
                    "{commune}, {query}"
                );
            }
            if year == 2020 && quarter == Some(1) {
                assert!(
                    valid.contains(SUNG_PHAI),
                    "Sùng Phài reports its last months"
                );
            }
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

/// The `DELETE` and `INSERT` of migration 0011 that make the monthly sums anew.
fn rebuild(migration: &str) -> [&str; 2] {
    let start = migration.find("DELETE FROM indicator_sums;").unwrap();
    let mut statements = migration[start..].split(';');
    [statements.next().unwrap(), statements.next().unwrap()]
}

/// Runs the backfill `UPDATE`s of migrations 0004, 0005 and 0010 on a store whose fact columns
/// were emptied, then makes the monthly sums anew as migration 0011 does.
async fn rerun_backfill(app: &TestApp, backend: Backend) {
    let migrations = match backend {
        Backend::Sqlite => [
            include_str!("../../migrations/sqlite/0004_indicator_facts.sql"),
            include_str!("../../migrations/sqlite/0005_plain_counts.sql"),
            include_str!("../../migrations/sqlite/0010_plan_definitions.sql"),
            include_str!("../../migrations/sqlite/0011_first_time_sums.sql"),
        ],
        Backend::Postgres => [
            include_str!("../../migrations/postgres/0004_indicator_facts.sql"),
            include_str!("../../migrations/postgres/0005_plain_counts.sql"),
            include_str!("../../migrations/postgres/0010_plan_definitions.sql"),
            include_str!("../../migrations/postgres/0011_first_time_sums.sql"),
        ],
    };
    let [delete, insert] = rebuild(migrations[3]);
    let empty = "UPDATE records SET created_by = NULL, fact_people = NULL, fact_category = NULL, \
                 fact_subject = NULL, fact_eligible = NULL, fact_date = NULL, fact_days = NULL, \
                 fact_female = NULL, fact_flag = NULL, fact_amount = NULL, fact_first = NULL";
    let statements = [
        empty,
        backfill(migrations[0]),
        backfill(migrations[1]),
        backfill(migrations[2]),
        delete,
        insert,
    ];
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

async fn migrations_backfill_the_facts_and_sums_of_records_stored_before_them(backend: Backend) {
    let app = demo_app(backend).await;
    let district = app.token("huyen", "demo-huyen").await;
    let commune = app.token("binhlu", "demo-binhlu").await;
    let communes = communes_2023(&app).await;
    let sent = generate(&mut Lcg(11), &communes, &mut Vec::new(), 2023, 420);
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

/// The communes made on 2025-07-01 that Tam Đường's communes became, by code, each with the
/// communes of 2023 that became it, by code.
const COMMUNES_2025: [(&str, &[&str]); 6] = [
    ("ou-03390-20250701", &["ou-03390", "ou-03412", "ou-03413"]),
    ("ou-03394-20250701", &["ou-03394"]),
    ("ou-03405-20250701", &["ou-03400", "ou-03405", "ou-03406"]),
    ("ou-03408-20250701", &["ou-03415", "ou-03418"]),
    ("ou-03424-20250701", &["ou-03424", "ou-03427"]),
    ("ou-03430-20250701", &["ou-03421", "ou-03430"]),
];
/// Old communes of new Bình Lư and of new Tả Lèng, with 2023 records in the tests below.
const OLD_COMMUNES: [&str; 5] = ["ou-03390", "ou-03412", "ou-03413", "ou-03400", "ou-03405"];
/// Own 2023 baselines of some of them, and one of the district.
const BASELINES_2023: [(BaselineName, &str, i64); 6] = [
    (BaselineName::CommuneOfficials, "ou-03412", 12),
    (BaselineName::CommuneOfficials, "ou-03413", 9),
    (BaselineName::StudentsEnrolled, "ou-03390", 300),
    (BaselineName::StudentsEnrolled, "ou-03400", 150),
    (BaselineName::RelevantAgencies, "ou-03405", 4),
    (BaselineName::DistrictOfficials, DISTRICT, 40),
];

/// Creates an account (password `demo-<username>`) and signs it in.
/// The monthly sums as the store holds them, without the keys that add up to nothing.
async fn sums(
    app: &TestApp,
    backend: Backend,
) -> Vec<(String, String, String, String, i64, [i64; 6])> {
    let query = "SELECT kind, org_unit_id, category, month, days, records, people, female, \
                 amount, dated, first_time FROM indicator_sums \
                 ORDER BY kind, org_unit_id, category, month, days";
    type Sum = (
        String,
        String,
        String,
        String,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    );
    let rows: Vec<Sum> = match backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
            sqlx::query_as(query).fetch_all(&pool).await.unwrap()
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(&app.database_url).await.unwrap();
            sqlx::query_as(query).fetch_all(&pool).await.unwrap()
        }
    };
    rows.into_iter()
        .map(|(kind, unit, category, month, days, a, b, c, d, e, f)| {
            (kind, unit, category, month, days, [a, b, c, d, e, f])
        })
        .filter(|(.., values)| values.iter().any(|value| *value != 0))
        .collect()
}

async fn the_sums_kept_batch_by_batch_equal_the_sums_made_from_the_records(backend: Backend) {
    let app = demo_app(backend).await;
    let district = app.token("huyen", "demo-huyen").await;
    let mut rng = Lcg(5);
    // New records, then a third of them voided, moved, redated or changed.
    let latest = generated_year(&app, &district, &mut rng, 2023, 700).await;
    // One batch that changes a record twice, and makes a record and changes it.
    // One never changed (an edit that changed nothing left its version), picked the same way
    // every run.
    let first = latest
        .values()
        .filter(|r| r["kind"] == "training" && r["base_version"] == 0)
        .min_by_key(|r| r["id"].as_str().unwrap())
        .unwrap();
    // Each edit changes the record, whatever it was made with.
    let trainees = first["data"]["trainees"].as_i64().unwrap();
    let mut again = first.clone();
    again["base_version"] = json!(1);
    again["data"]["trainees"] = json!(trainees + 1);
    again["data"]["trainees_first_time"] = json!(1);
    let mut twice = again.clone();
    twice["base_version"] = json!(2);
    twice["data"]["trainees"] = json!(trainees + 2);
    let new = record(
        &new_id(),
        "training",
        BINH_LU,
        "2023-05-02",
        json!({"level": "commune", "trainees": 8, "trainees_first_time": 8}),
    );
    let mut changed = new.clone();
    changed["base_version"] = json!(1);
    changed["voided"] = json!(true);
    sync(&app, &district, &[again, twice, new, changed]).await;
    let kept = sums(&app, backend).await;
    assert!(kept.len() > 50, "{} sums", kept.len());
    app.store.rebuild_indicator_sums().await.unwrap();
    assert_eq!(sums(&app, backend).await, kept);
}

/// Forty batches sent at the same moment share their transactions (group commit), and a quarter
/// of the requests are dropped part-way. Each batch is stored whole or not at all, once, with its
/// own audit line and change numbers; the kept sums equal those made from the records; and the
/// next batch is stored as usual.
async fn batches_sent_at_once_are_each_stored_whole_once_even_when_some_are_abandoned(
    backend: Backend,
) {
    let app = demo_app(backend).await;
    let store = app.store.clone();
    let officer = store
        .officers()
        .await
        .unwrap()
        .into_iter()
        .find(|officer| officer.username == "huyen")
        .unwrap();
    let units = Arc::new(store.org_units().await.unwrap());
    let communes = communes_2023(&app).await;
    let records = generate(&mut Lcg(9), &communes, &mut Vec::new(), 2023, 800);
    let before = store.last_change().await.unwrap();
    let mut batches = Vec::new();
    for (n, batch) in records.chunks(20).enumerate() {
        let device = uuid::Uuid::new_v4().to_string();
        let ids: Vec<String> = batch
            .iter()
            .map(|r| r["id"].as_str().unwrap().into())
            .collect();
        let (store, officer, units, batch) = (
            store.clone(),
            officer.clone(),
            units.clone(),
            batch.to_vec(),
        );
        let device_id = device.clone();
        let sending = tokio::spawn(async move {
            let scope = Scope::new(officer.role, &officer.org_unit.id, &units);
            let sender = Sender {
                officer: &officer,
                scope: &scope,
                ip: "127.0.0.1",
                device_id: &device_id,
                by_phone: true,
            };
            sync_batch(store.as_ref(), &sender, &units, &batch, domain::Lang::Vi).await
        });
        batches.push((n, device, ids, sending));
    }
    for (n, .., sending) in &batches {
        if n % 4 == 3 {
            tokio::time::sleep(std::time::Duration::from_millis(*n as u64 % 5)).await;
            sending.abort();
        }
    }
    let mut answered = Vec::new();
    for (n, device, ids, sending) in batches {
        answered.push((n, device, ids, sending.await));
    }
    let logged = audit_entries(&app, "sync").await;
    let mut stored_in_all = 0;
    for (n, device, ids, answer) in answered {
        let list: Vec<String> = ids.iter().map(|id| format!("'{id}'")).collect();
        let sql = format!(
            "SELECT COUNT(*) FROM records WHERE id IN ({})",
            list.join(", ")
        );
        let stored = app.scalar(&sql).await;
        let lines = logged
            .iter()
            .filter(|entry| entry.target.as_deref() == Some(&device));
        match answer {
            Ok(results) => {
                let results = results.unwrap();
                assert!(
                    results.iter().all(|r| r.status == SyncStatus::Applied),
                    "batch {n}"
                );
                assert_eq!(stored, ids.len() as i64, "batch {n} answered, so stored");
            }
            Err(dropped) => {
                assert!(dropped.is_cancelled(), "batch {n}");
                assert!(
                    [0, ids.len() as i64].contains(&stored),
                    "batch {n}: {stored} stored"
                );
            }
        }
        assert_eq!(
            lines.count() as i64,
            stored.min(1),
            "batch {n}'s audit lines"
        );
        stored_in_all += stored;
    }
    let kinds: Vec<&str> = RecordKind::ALL.iter().map(|kind| kind.as_str()).collect();
    let filter = RecordFilter {
        after: before,
        units: None,
        kinds: &kinds,
        tip_offs_of: None,
        kept_by: None,
        limit: 10_000,
    };
    let changed = store.changed_records(&filter).await.unwrap();
    let numbers: BTreeSet<i64> = changed.iter().map(|record| record.change_seq).collect();
    assert_eq!(changed.len() as i64, stored_in_all);
    assert_eq!(
        numbers.len() as i64,
        stored_in_all,
        "each change its own number"
    );
    assert_eq!(store.last_change().await.unwrap(), before + stored_in_all);

    let kept = sums(&app, backend).await;
    app.store.rebuild_indicator_sums().await.unwrap();
    assert_eq!(sums(&app, backend).await, kept);
    let district = app.token("huyen", "demo-huyen").await;
    let next = generate(&mut Lcg(10), &communes, &mut Vec::new(), 2023, 14);
    sync(&app, &district, &next).await;
}

async fn officer(app: &TestApp, username: &str, role: &str, unit: &str) -> String {
    app.add_officer(username, role, unit).await;
    app.token(username, &format!("demo-{username}")).await
}

/// Generated records (and the district's) in each of `OLD_COMMUNES`, each commune with its own
/// clients, agencies and businesses so that no two communes share one, and `BASELINES_2023`.
async fn records_in_old_communes(app: &TestApp, token: &str) -> Latest {
    let mut sent = Vec::new();
    for (n, commune) in OLD_COMMUNES.iter().enumerate() {
        let mut businesses = Vec::new();
        let code = &commune[3..];
        for mut record in generate(
            &mut Lcg(n as u64 + 21),
            &[commune.to_string()],
            &mut businesses,
            2023,
            420,
        ) {
            let data = &mut record["data"];
            if let Some(client) = data["client_code"].as_str() {
                data["client_code"] = json!(format!("{client}_{code}"));
            }
            if let Some(agency) = data["agency"].as_str() {
                data["agency"] = json!(format!("{agency} {code}"));
            }
            sent.push(record);
        }
    }
    sync(app, token, &sent).await;
    for (name, unit, value) in BASELINES_2023 {
        let baseline = Baseline {
            name,
            org_unit_id: unit.into(),
            value,
            to_confirm: false,
        };
        app.store.set_baseline(2023, &baseline).await.unwrap();
    }
    sent.into_iter()
        .map(|r| (r["id"].as_str().unwrap().to_string(), r))
        .collect()
}

/// The own 2023 baselines of `units`, summed.
fn baselines_of(units: &BTreeSet<String>) -> impl Fn(BaselineName) -> i64 + '_ {
    move |name| {
        BASELINES_2023
            .iter()
            .filter(|(n, unit, _)| *n == name && units.contains(*unit))
            .map(|(_, _, value)| value)
            .sum()
    }
}

fn row<'a>(body: &'a Value, id: &str) -> &'a Value {
    body["communes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["org_unit_id"] == id)
        .unwrap_or_else(|| panic!("no row {id}"))
}

fn ids(units: &Value) -> Vec<&str> {
    let units = units.as_array().unwrap();
    units.iter().map(|u| u["id"].as_str().unwrap()).collect()
}

fn sum_fractions(parts: &[Vec<(i64, i64)>]) -> Vec<(i64, i64)> {
    let mut sum = vec![(0, 0); CODES.len()];
    for part in parts {
        for (total, (n, d)) in sum.iter_mut().zip(part) {
            *total = (total.0 + n, total.1 + d);
        }
    }
    sum
}

fn sum_counts(parts: &[PlainCounts]) -> PlainCounts {
    let mut sum = parts[0].clone();
    for part in &parts[1..] {
        for ((_, total), (_, breakdown)) in sum.iter_mut().zip(part) {
            for ((_, value), (_, more)) in total.iter_mut().zip(breakdown) {
                *value += more;
            }
        }
    }
    sum
}

/// The indicators' targets as the report gives them.
fn targets(indicators: &Value) -> Vec<&Value> {
    let list = indicators.as_array().unwrap();
    list.iter().map(|i| &i["target"]).collect()
}

async fn the_communes_of_2025_show_2023_as_the_sums_of_their_predecessors(backend: Backend) {
    let app = demo_app(backend).await;
    let province = officer(&app, "tinh", "province_officer", "ou-12").await;
    let latest = records_in_old_communes(&app, &province).await;
    for (period, query) in [
        (("2023-01-01", "2023-12-31"), "year=2023"),
        (("2023-01-01", "2023-06-30"), "year=2023&quarter=2"),
    ] {
        let by_old = format!("{query}&org_unit={DISTRICT}&by=commune");
        let old = indicators_ok(&app, &province, &by_old).await;
        let new = indicators_ok(&app, &province, &format!("{by_old}&units_of=2025")).await;
        // The district's own figures and plan stay; only the breakdown changes.
        for field in [
            "year",
            "quarter",
            "org_unit_id",
            "plan",
            "indicators",
            "counts",
        ] {
            assert_eq!(new[field], old[field], "{field}, {query}");
        }
        assert_eq!(new["unmapped"], json!([]), "every commune of 2023 maps");
        let listed: Vec<&str> = new["communes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["org_unit_id"].as_str().unwrap())
            .collect();
        let want: Vec<&str> = COMMUNES_2025.iter().map(|(id, _)| *id).collect();
        assert_eq!(listed, want, "{query}");
        let units = app.store.org_units().await.unwrap();
        for (id, predecessors) in COMMUNES_2025 {
            let mapped = row(&new, id);
            let named: Vec<Value> = predecessors
                .iter()
                .map(|p| {
                    let unit = units.iter().find(|u| u.id == *p).unwrap();
                    json!({"id": unit.id, "code": unit.code, "name": unit.name})
                })
                .collect();
            assert_eq!(mapped["mapped_from"], json!(named), "{id}");
            let got = fractions(&mapped["indicators"]);
            let parts: Vec<Vec<(i64, i64)>> = predecessors
                .iter()
                .map(|p| fractions(&row(&old, p)["indicators"]))
                .collect();
            let summed = sum_fractions(&parts);
            // PCMD-TT03 is not a sum: sessions count within the register of the communes
            // together (checked against the definitions below).
            for (i, code) in CODES.iter().enumerate().filter(|(_, c)| **c != "PCMD-TT03") {
                assert_eq!(got[i], summed[i], "{id} {code}, {query}");
            }
            let counts: Vec<PlainCounts> = predecessors
                .iter()
                .map(|p| plain_counts(&row(&old, p)["counts"]))
                .collect();
            assert_eq!(
                plain_counts(&mapped["counts"]),
                sum_counts(&counts),
                "{id}, {query}"
            );
            // And the plain computation over the predecessors together.
            let together: BTreeSet<String> = predecessors.iter().map(|p| p.to_string()).collect();
            let want = expected(
                &latest,
                &together,
                &together,
                period,
                true,
                &baselines_of(&together),
            );
            assert_eq!(got, want, "{id}, {query}");
            assert_eq!(
                plain_counts(&mapped["counts"]),
                expected_counts(&latest, &together, period)
            );
            // Measured against the plan in force for them: Tam Đường's of 2023.
            let first = row(&old, predecessors[0]);
            assert_eq!(
                targets(&mapped["indicators"]),
                targets(&first["indicators"])
            );
            // The same figures as the commune's own report of that period.
            let own = indicators_ok(&app, &province, &format!("{query}&org_unit={id}")).await;
            assert_eq!(own["indicators"], mapped["indicators"], "{id}, {query}");
            assert_eq!(own["counts"], mapped["counts"], "{id}, {query}");
        }
        // The data set exercises the mapped communes.
        for id in [NEW_BINH_LU, "ou-03405-20250701"] {
            let data = fractions(&row(&new, id)["indicators"]);
            // Of the eight that apply to a commune.
            assert!(data.iter().filter(|(n, _)| *n > 0).count() >= 7, "{id}");
        }

        // By the units of the period itself: today's answer, with nothing mapped.
        let mut same = indicators_ok(&app, &province, &format!("{by_old}&units_of=2023")).await;
        assert_eq!(same["unmapped"], json!([]));
        same.as_object_mut().unwrap().remove("unmapped");
        for row in same["communes"].as_array_mut().unwrap() {
            assert_eq!(row["mapped_from"], json!([]));
            row.as_object_mut().unwrap().remove("mapped_from");
        }
        assert_eq!(same, old, "{query}");
    }
}

async fn a_commune_made_in_2025_reports_2023_over_its_predecessors(backend: Backend) {
    let app = demo_app(backend).await;
    let province = officer(&app, "tinh", "province_officer", "ou-12").await;
    let binh_lu = officer(&app, "binhlu2025", "commune_officer", NEW_BINH_LU).await;
    records_in_old_communes(&app, &province).await;
    let predecessors = ["ou-03390", "ou-03412", "ou-03413"];
    for query in ["year=2023", "year=2023&quarter=3"] {
        let old = indicators_ok(&app, &province, &format!("{query}&by=commune")).await;
        let mine = indicators_ok(&app, &binh_lu, query).await;
        assert_eq!(mine["org_unit_id"], NEW_BINH_LU);
        assert_eq!(ids(&mine["mapped_from"]), predecessors);
        assert_eq!(
            mine["mapped_from"][1],
            json!({"id": "ou-03412", "code": "03412", "name": "Xã Bình Lư"})
        );
        assert_eq!(mine["plan"]["id"], "plan-ou-106-2023", "Tam Đường's plan");
        let rows: Vec<&Value> = predecessors.iter().map(|p| row(&old, p)).collect();
        let got = fractions(&mine["indicators"]);
        let summed = sum_fractions(
            &rows
                .iter()
                .map(|r| fractions(&r["indicators"]))
                .collect::<Vec<_>>(),
        );
        // PCMD-TT03 counts sessions within the register of the three together: not a sum.
        for (i, code) in CODES.iter().enumerate().filter(|(_, c)| **c != "PCMD-TT03") {
            assert_eq!(got[i], summed[i], "{code}, {query}");
        }
        assert_eq!(got[0].1, 3, "three communes of 2023");
        let counts: Vec<PlainCounts> = rows.iter().map(|r| plain_counts(&r["counts"])).collect();
        assert_eq!(plain_counts(&mine["counts"]), sum_counts(&counts));
        assert_eq!(
            targets(&mine["indicators"]),
            targets(&rows[0]["indicators"])
        );
        let asked = format!("{query}&org_unit={NEW_BINH_LU}");
        assert_eq!(indicators_ok(&app, &binh_lu, &asked).await, mine);

        // Its communes are the three of 2023, each with its own figures.
        let by_commune = indicators_ok(&app, &binh_lu, &format!("{query}&by=commune")).await;
        let listed: Vec<&Value> = by_commune["communes"].as_array().unwrap().iter().collect();
        assert_eq!(listed, rows);
        // By its own units: one row, the report's own figures.
        let by_2025 = format!("{query}&by=commune&units_of=2025");
        let by_2025 = indicators_ok(&app, &binh_lu, &by_2025).await;
        let only = by_2025["communes"].as_array().unwrap();
        assert_eq!(only.len(), 1);
        assert_eq!(only[0]["org_unit_id"], NEW_BINH_LU);
        assert_eq!(only[0]["mapped_from"], mine["mapped_from"]);
        assert_eq!(only[0]["indicators"], mine["indicators"]);
        assert_eq!(by_2025["unmapped"], json!([]));
    }
    // A year it existed: today's answer, nothing mapped.
    let session = record(
        &new_id(),
        "outreach_session",
        NEW_BINH_LU,
        "2026-03-02",
        json!({"format": "group_talk", "audience": "youth", "reached_male": 2, "reached_female": 3}),
    );
    sync(&app, &binh_lu, &[session]).await;
    let body = indicators_ok(&app, &binh_lu, "year=2026").await;
    assert!(body.get("mapped_from").is_none());
    assert_eq!(fractions(&body["indicators"])[0], (1, 1));
    assert_eq!(body["plan"], Value::Null);
}

async fn units_of_is_checked_and_counts_nothing_out_of_reach(backend: Backend) {
    let app = demo_app(backend).await;
    let province = officer(&app, "tinh", "province_officer", "ou-12").await;
    let binh_lu = officer(&app, "binhlu2025", "commune_officer", NEW_BINH_LU).await;
    let old_binh_lu = app.token("binhlu", "demo-binhlu").await;
    let district = app.token("huyen", "demo-huyen").await;
    for (query, field) in [
        ("year=2023&by=commune&units_of=abc", "units_of"),
        ("year=2023&by=commune&units_of=99999", "units_of"),
        ("year=2023&by=commune&units_of=2025.5", "units_of"),
        ("year=2023&units_of=2025", "units_of"),
        ("year=2023&by=village&units_of=2025", "by"),
    ] {
        let response = indicators(&app, &binh_lu, query).await;
        assert_eq!(response.status(), 422, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid", "{query}");
        assert_eq!(body["error"]["errors"][0]["field"], field, "{query}");
    }
    for (token, unit) in [
        (&binh_lu, "ou-03405-20250701"),
        (&binh_lu, DISTRICT),
        (&binh_lu, "ou-12"),
        (&old_binh_lu, NEW_BINH_LU),
        (&old_binh_lu, "ou-03413"),
    ] {
        let query = format!("year=2023&org_unit={unit}&by=commune&units_of=2025");
        let response = indicators(&app, token, &query).await;
        assert_eq!(response.status(), 403, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "forbidden");
    }
    let session = |unit: &str| {
        record(
            &new_id(),
            "outreach_session",
            unit,
            "2023-04-01",
            json!({"format": "group_talk", "audience": "youth",
                   "reached_male": 1, "reached_female": 1}),
        )
    };
    sync(&app, &province, &[session(BINH_LU), session("ou-03400")]).await;
    // The officer of old Bình Lư does not reach the commune it became: nothing is listed, and
    // their commune is said to map to nothing they see.
    let own = indicators_ok(&app, &old_binh_lu, "year=2023&by=commune&units_of=2025").await;
    assert_eq!(own["communes"], json!([]));
    assert_eq!(ids(&own["unmapped"]), [BINH_LU]);
    assert_eq!(
        fractions(&own["indicators"])[0],
        (1, 1),
        "its own figures stay"
    );
    // Likewise the district officer of 2023, for all thirteen communes.
    let query = "year=2023&by=commune&units_of=2025";
    let body = indicators_ok(&app, &district, query).await;
    assert_eq!(body["communes"], json!([]));
    assert_eq!(ids(&body["unmapped"]), communes_2023_by_code(&app).await);
    // New Bình Lư never counts Tả Lèng's session, whatever it asks.
    for query in ["year=2023", "year=2023&by=commune&units_of=2025"] {
        let body = indicators_ok(&app, &binh_lu, query).await;
        let c07 = &plain_counts(&body["counts"])[6].1[0];
        assert_eq!(c07, &("sessions".to_string(), 1), "{query}");
    }
    // Sùng Phài left the district in 2020 for a commune outside the seed's units: in 2019 it
    // maps to no commune of 2025.
    let query = format!("year=2019&org_unit={DISTRICT}&by=commune&units_of=2025");
    let body = indicators_ok(&app, &province, &query).await;
    assert_eq!(ids(&body["unmapped"]), ["ou-03397"]);
    assert_eq!(body["communes"].as_array().unwrap().len(), 6);
    // An empty units_of is none, as for the other parameters.
    let plain = indicators_ok(&app, &province, "year=2023&by=commune").await;
    let empty = indicators_ok(&app, &province, "year=2023&by=commune&units_of=").await;
    assert_eq!(plain, empty);
}

/// The ids of Tam Đường's communes of 2023, by code.
async fn communes_2023_by_code(app: &TestApp) -> Vec<String> {
    let units = app.store.org_units().await.unwrap();
    let mut communes: Vec<&OrgUnit> = units
        .iter()
        .filter(|u| u.parent_id.as_deref() == Some(DISTRICT))
        .filter(|u| u.valid_during("2023-01-01", "2023-12-31"))
        .collect();
    communes.sort_by(|a, b| a.code.cmp(&b.code));
    communes.into_iter().map(|u| u.id.clone()).collect()
}

/// 2025 has the old communes until 30 June and the new ones after: by the units of 2025, each new
/// commune gathers its old ones (and counts them as communes beside itself); by the period's
/// units, both are listed.
async fn in_the_year_of_the_merger_the_new_communes_gather_the_old(backend: Backend) {
    let app = demo_app(backend).await;
    let province = officer(&app, "tinh", "province_officer", "ou-12").await;
    let session = |unit: &str, date: &str| {
        record(
            &new_id(),
            "outreach_session",
            unit,
            date,
            json!({"format": "group_talk", "audience": "youth",
                   "reached_male": 1, "reached_female": 1}),
        )
    };
    let sessions = [
        session(BINH_LU, "2025-03-01"),
        session(NEW_BINH_LU, "2025-09-01"),
    ];
    sync(&app, &province, &sessions).await;
    let plain = indicators_ok(&app, &province, "year=2025&org_unit=ou-12&by=commune").await;
    assert_eq!(plain["communes"].as_array().unwrap().len(), 19);
    let query = "year=2025&org_unit=ou-12&by=commune&units_of=2025";
    let body = indicators_ok(&app, &province, query).await;
    assert_eq!(body["communes"].as_array().unwrap().len(), 6);
    let binh_lu = row(&body, NEW_BINH_LU);
    assert_eq!(
        ids(&binh_lu["mapped_from"]),
        ["ou-03390", "ou-03412", "ou-03413"]
    );
    assert_eq!(fractions(&binh_lu["indicators"])[0], (2, 4));
    assert_eq!(fractions(&body["indicators"])[0], (2, 19));
    // The new commune's own report of 2025 is its own: it existed.
    let own = indicators_ok(
        &app,
        &province,
        &format!("year=2025&org_unit={NEW_BINH_LU}"),
    )
    .await;
    assert!(own.get("mapped_from").is_none());
    assert_eq!(fractions(&own["indicators"])[0], (1, 1));
}

/// A commune whose successor links name two communes of 2025 counts in both; the distinct counts
/// of each are the union over its communes.
async fn a_commune_split_between_two_counts_in_each(backend: Backend) {
    let app = demo_app(backend).await;
    let province = officer(&app, "tinh", "province_officer", "ou-12").await;
    let mut then_sin = app
        .store
        .org_units()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.id == "ou-03394")
        .unwrap();
    then_sin.successor_ids.push("ou-03424-20250701".into());
    app.store.update_org_unit(&then_sin).await.unwrap();
    let referral = |unit: &str, client: &str| {
        record(
            &new_id(),
            "referral",
            unit,
            "2023-04-02",
            json!({"client_code": client, "in_need_eligible": true, "consent": true,
                   "service": "LEGAL", "status": "accessed", "accessed_on": "2023-04-03"}),
        )
    };
    let records = [
        referral("ou-03394", "AB12"),
        referral("ou-03424", "AB12"),
        referral("ou-03427", "CD34"),
    ];
    sync(&app, &province, &records).await;
    let query = format!("year=2023&org_unit={DISTRICT}&by=commune&units_of=2025");
    let body = indicators_ok(&app, &province, &query).await;
    let sin_suoi_ho = row(&body, "ou-03394-20250701");
    let ban_bo = row(&body, "ou-03424-20250701");
    assert_eq!(ids(&sin_suoi_ho["mapped_from"]), ["ou-03394"]);
    assert_eq!(
        ids(&ban_bo["mapped_from"]),
        ["ou-03394", "ou-03424", "ou-03427"]
    );
    let clients = |row: &Value| plain_counts(&row["counts"])[2].1[0].1;
    assert_eq!(clients(sin_suoi_ho), 1);
    assert_eq!(clients(ban_bo), 2, "AB12 twice, and CD34");
    assert_eq!(fractions(&ban_bo["indicators"])[9], (2, 2), "PCMD-HT01");
    assert_eq!(fractions(&ban_bo["indicators"])[0].1, 3);
    assert_eq!(clients(&body), 2, "the district counts each client once");
}
