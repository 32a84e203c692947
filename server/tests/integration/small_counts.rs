//! Small counts leaving the district (issue 13), on both stores over real HTTP: who gets figures
//! with small counts hidden (by default everywhere they leave the district; full ones only for
//! the unit's own, on request, audited), an app that does not know the marks still reading the
//! answer, and every report of the province, of each unit and quarter, hiding the same cells of a
//! generated data set full of small counts, so that none gives back what another hides.

use crate::common::{audit_entries, demo_app, Backend, TestApp};
use domain::report::{count_measure, indicator_measures};
use domain::{BusinessType, Coded};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

on_both_stores!(
    figures_leave_the_district_with_small_counts_hidden,
    an_app_that_does_not_know_the_marks_still_reads_the_answer,
    every_report_of_the_province_hides_the_same_cells,
);

const DEVICE: &str = "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e";
const QUERY: &str = "year=2023&quarter=2";

fn record(kind: &str, unit: &str, date: &str, data: Value) -> Value {
    json!({"id": uuid::Uuid::new_v4().to_string(), "kind": kind, "org_unit_id": unit,
           "occurred_on": date, "base_version": 0, "voided": false, "data": data})
}

async fn sync(app: &TestApp, token: &str, records: Vec<Value>) {
    for batch in records.chunks(500) {
        let body = json!({"device_id": DEVICE, "records": batch});
        let response = app
            .call(Method::POST, "/api/v1/sync", Some(token), Some(body))
            .await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        for result in body["results"].as_array().unwrap() {
            assert_eq!(result["status"], "applied", "{result}");
        }
    }
}

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.call(Method::GET, path, Some(token), None).await
}

async fn get_ok(app: &TestApp, token: &str, path: &str) -> Value {
    let response = get(app, token, path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

/// Three clients of Bình Lư, two of them reached a service: small counts to hide.
async fn a_few_clients(app: &TestApp) {
    let records = (0..3)
        .map(|n| {
            let mut data = json!({"client_code": format!("S{n:03}"), "in_need_eligible": true,
                                  "consent": true, "service": "HIV_TEST", "status": "referred"});
            if n < 2 {
                data["status"] = json!("accessed");
                data["accessed_on"] = json!("2023-03-01");
            }
            record("referral", "ou-03412", "2023-02-10", data)
        })
        .collect();
    let huyen = app.token("huyen", "demo-huyen").await;
    sync(app, &huyen, records).await;
}

/// PCMD-HT01 of Bình Lư in an answer by commune: its numerator and the mark beside it.
fn binh_lu_ht01(answer: &Value) -> (Value, Value) {
    let commune = answer["communes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["org_unit_id"] == "ou-03412")
        .unwrap();
    let ht01 = commune["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "PCMD-HT01")
        .unwrap();
    (ht01["numerator"].clone(), ht01["suppressed"].clone())
}

async fn figures_leave_the_district_with_small_counts_hidden(backend: Backend) {
    let app = demo_app(backend).await;
    app.add_officer("yte", "health_officer", "ou-106").await;
    a_few_clients(&app).await;
    let huyen = app.token("huyen", "demo-huyen").await;
    let outside = [
        ("admin", app.token("admin", "demo-admin").await),
        ("yte", app.token("yte", "demo-yte").await),
    ];
    let path = format!("/api/v1/indicators?{QUERY}&org_unit=ou-106&by=commune");

    // The district's own: full figures on its dashboard, hidden ones when asked.
    let full = get_ok(&app, &huyen, &path).await;
    assert_eq!(full["suppressed"], false);
    assert_eq!(binh_lu_ht01(&full), (json!(2), Value::Null));
    let hidden = get_ok(&app, &huyen, &format!("{path}&suppress=true")).await;
    assert_eq!(hidden["suppressed"], true);
    assert_eq!(
        binh_lu_ht01(&hidden),
        (
            json!(0),
            json!({"numerator": "small", "denominator": "small"})
        )
    );
    for (username, token) in &outside {
        let answer = get_ok(&app, token, &path).await;
        assert_eq!(answer, hidden, "{username}: the same cells hidden");
        for refused in [
            format!("{path}&suppress=false"),
            format!("/api/v1/reports/quarterly.csv?{QUERY}&org_unit=ou-106&suppress=false"),
            format!("/api/v1/reports/quarterly.xlsx?{QUERY}&org_unit=ou-106&suppress=false"),
        ] {
            let response = get(&app, token, &refused).await;
            assert_eq!(response.status(), 403, "{username}: {refused}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "forbidden");
        }
        let csv = get(
            &app,
            token,
            &format!("/api/v1/reports/quarterly.csv?{QUERY}"),
        )
        .await;
        assert_eq!(csv.status(), 200, "{username}");
        let text = csv.text().await.unwrap();
        let binh_lu = text.lines().find(|l| l.contains("Xã Bình Lư")).unwrap();
        assert!(binh_lu.contains("<5"), "{username}: {binh_lu}");
    }
    let response = get(&app, &huyen, &format!("{path}&suppress=maybe")).await;
    assert_eq!(response.status(), 422);

    // Full figures asked for explicitly are an export: in the audit log, with who, which unit,
    // which period and how. The dashboard's own reading is not.
    get_ok(&app, &huyen, &format!("{path}&suppress=false")).await;
    let exports = audit_entries(&app, "report.export").await;
    assert_eq!(
        exports.len(),
        3,
        "the full JSON and the two outside CSV files"
    );
    let full_export = &exports[0];
    assert_eq!(full_export.username.as_deref(), Some("huyen"));
    assert_eq!(full_export.target.as_deref(), Some("ou-106"));
    let detail: Value = serde_json::from_str(full_export.detail.as_deref().unwrap()).unwrap();
    assert_eq!(
        detail,
        json!({"year": 2023, "quarter": 2, "format": "json", "suppress": false})
    );
    let outside_file: Value = serde_json::from_str(exports[1].detail.as_deref().unwrap()).unwrap();
    assert_eq!(outside_file["suppress"], true);
}

/// The indicators answer as the app before the marks read it (`app/src/api.rs` of then): every
/// number required.
#[derive(Deserialize)]
#[allow(dead_code)]
struct OldAnswer {
    year: i32,
    quarter: Option<u32>,
    org_unit_id: String,
    indicators: Vec<OldFigure>,
    #[serde(default)]
    counts: Vec<OldCount>,
    #[serde(default)]
    communes: Option<Vec<OldCommune>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct OldFigure {
    code: String,
    #[serde(flatten)]
    figure: domain::indicator::Figure,
    target: Option<domain::indicator::Target>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct OldCount {
    code: String,
    breakdown: Vec<OldValue>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct OldValue {
    key: String,
    value: i64,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct OldCommune {
    org_unit_id: String,
    name: String,
    indicators: Vec<OldFigure>,
    #[serde(default)]
    counts: Vec<OldCount>,
}

async fn an_app_that_does_not_know_the_marks_still_reads_the_answer(backend: Backend) {
    let app = demo_app(backend).await;
    a_few_clients(&app).await;
    let admin = app.token("admin", "demo-admin").await;
    let path = format!("/api/v1/indicators?{QUERY}&org_unit=ou-106&by=commune");
    let text = get(&app, &admin, &path).await.text().await.unwrap();
    let old: OldAnswer = serde_json::from_str(&text).expect("the old app reads it");
    let binh_lu = old
        .communes
        .unwrap()
        .into_iter()
        .find(|c| c.org_unit_id == "ou-03412")
        .unwrap();
    let ht01 = binh_lu
        .indicators
        .iter()
        .find(|i| i.code == "PCMD-HT01")
        .unwrap();
    // What it shows: no data, never the hidden figure.
    assert_eq!((ht01.figure.numerator, ht01.figure.value), (0, None));
    assert_eq!(ht01.figure.status, domain::indicator::Status::NoData);

    let new: app::api::IndicatorReport = serde_json::from_str(&text).unwrap();
    assert!(new.suppressed);
    let commune = new
        .communes
        .unwrap()
        .into_iter()
        .find(|c| c.org_unit_id == "ou-03412")
        .unwrap();
    let ht01 = commune
        .indicators
        .iter()
        .find(|i| i.code == "PCMD-HT01")
        .unwrap();
    let shown = domain::report::received(&ht01.figure, ht01.suppressed.as_ref());
    assert_eq!(shown.numerator.to_string(), "<5");
    assert_eq!(shown.value, domain::report::ShownValue::Hidden);
    let c03 = commune
        .counts
        .iter()
        .find(|c| c.code == "PCMD-C03")
        .unwrap();
    assert_eq!(
        c03.breakdown[0].suppressed,
        Some(domain::report::Cell::Small)
    );
}

/// A small deterministic generator (xorshift).
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    /// Often none, often a few, sometimes more.
    fn count(&mut self) -> u64 {
        match self.below(10) {
            0..=3 => 0,
            4..=6 => 1 + self.below(4),
            _ => 5 + self.below(6),
        }
    }
}

/// Records of every commune in two quarters: clients referred (some reaching a service),
/// businesses of two types, tip-offs (some handled in time), sessions for business workers.
fn generated(communes: &[String]) -> Vec<Value> {
    let mut random = Random(0x13_5eed_c0de_2023);
    let mut records = Vec::new();
    for (c, unit) in communes.iter().enumerate() {
        for (quarter, month) in [(1, "02"), (2, "05")] {
            let date = format!("2023-{month}-1{}", c % 9);
            for n in 0..random.count() {
                let accessed = random.below(2) == 0;
                let mut data = json!({"client_code": format!("G{c:02}{quarter}{n:02}"),
                    "in_need_eligible": random.below(4) > 0, "consent": true,
                    "service": "HIV_TEST", "status": "referred"});
                if accessed {
                    data["status"] = json!("accessed");
                    data["accessed_on"] = json!(date);
                }
                records.push(record("referral", unit, &date, data));
            }
            for n in 0..random.count() {
                let kind = ["karaoke", "hotel"][n as usize % 2];
                let data = json!({"name": format!("Cơ sở {c}-{quarter}-{n}"), "type": kind,
                                  "workers": random.count()});
                records.push(record("business", unit, &date, data));
            }
            for _ in 0..random.count() {
                let handled = match random.below(3) {
                    0 => Value::Null,
                    1 => json!(date),
                    _ => json!(format!("2023-{month}-28")),
                };
                let data = json!({"channel": "hotline", "handled_on": handled});
                records.push(record("tip_off", unit, &date, data));
            }
            let reached = random.count();
            if reached > 0 {
                let data = json!({"format": "workplace_session", "audience": "business_workers",
                                  "reached_male": reached / 2, "reached_female": reached - reached / 2});
                records.push(record("outreach_session", unit, &date, data));
            }
        }
    }
    records
}

/// What some figures show of each count of the rule: its number, or `<5` / `x`.
fn cells(figures: &Value) -> BTreeMap<String, String> {
    let mut cells = BTreeMap::new();
    let mark = |mark: &Value, n: &Value| match mark.as_str() {
        Some("small") => "<5".to_string(),
        Some("hidden") => "x".to_string(),
        _ => n.to_string(),
    };
    for indicator in figures["indicators"].as_array().unwrap() {
        if let Some(names) = indicator_measures(indicator["code"].as_str().unwrap()) {
            for (name, part) in names.into_iter().zip(["numerator", "denominator"]) {
                let shown = mark(&indicator["suppressed"][part], &indicator[part]);
                cells.insert(name, shown);
            }
        }
    }
    for count in figures["counts"].as_array().unwrap() {
        for figure in count["breakdown"].as_array().unwrap() {
            let key = figure["key"].as_str().unwrap();
            if let Some(name) = count_measure(count["code"].as_str().unwrap(), key) {
                cells.insert(name, mark(&figure["suppressed"], &figure["value"]));
            }
        }
    }
    cells
}

fn shown(cell: &str) -> Option<i64> {
    cell.parse().ok()
}

async fn every_report_of_the_province_hides_the_same_cells(backend: Backend) {
    let app = demo_app(backend).await;
    let huyen = app.token("huyen", "demo-huyen").await;
    let district = get_ok(&app, &huyen, "/api/v1/indicators?year=2023&by=commune").await;
    let communes: Vec<String> = district["communes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["org_unit_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(communes.len(), 13);
    sync(&app, &huyen, generated(&communes)).await;
    let province = app.province_admin().await;

    let (mut hidden, mut seen) = (0, 0);
    // By quarter, by commune: what each report shows of it.
    let mut by_quarter: Vec<BTreeMap<String, BTreeMap<String, String>>> = Vec::new();
    for quarter in [1, 2] {
        let query = format!("year=2023&quarter={quarter}");
        let of = |unit: &str| format!("/api/v1/indicators?{query}&org_unit={unit}&by=commune");
        let whole = get_ok(&app, &province, &of("ou-12")).await;
        let tam_duong = get_ok(&app, &province, &of("ou-106")).await;
        // One rule for every reader: the district's own officer asking for it gets the same.
        let asked = get_ok(&app, &huyen, &format!("{}&suppress=true", of("ou-106"))).await;
        assert_eq!(asked, tam_duong, "Q{quarter}");
        let rows = |answer: &Value| -> BTreeMap<String, BTreeMap<String, String>> {
            (answer["communes"].as_array().unwrap().iter())
                .map(|c| (c["org_unit_id"].as_str().unwrap().to_string(), cells(c)))
                .collect()
        };
        let rows_whole = rows(&whole);
        assert_eq!(
            rows_whole,
            rows(&tam_duong),
            "Q{quarter}: the province and the district"
        );
        for commune in &communes {
            let own = get_ok(&app, &province, &of(commune)).await;
            assert_eq!(
                cells(&own),
                rows_whole[commune],
                "Q{quarter}: {commune}'s own report"
            );
        }
        // A total shown beside a single hidden commune cell of its column would give it back;
        // so would a commune's register beside all but one of its business types.
        let total = cells(&whole);
        for (name, total_cell) in &total {
            let column: Vec<&String> = rows_whole.values().map(|row| &row[name]).collect();
            let lone = column.iter().filter(|c| shown(c).is_none()).count();
            seen += column.len();
            hidden += lone;
            assert!(
                lone != 1 || shown(total_cell).is_none(),
                "Q{quarter} {name}: {column:?} = {total_cell}"
            );
        }
        for (commune, row) in &rows_whole {
            let register = 1 + BusinessType::ALL.len();
            let line: Vec<&String> = row
                .iter()
                .filter(|(name, _)| {
                    name.starts_with("PCMD-C01/") || name.as_str() == "PCMD-KT01/denominator"
                })
                .map(|(_, cell)| cell)
                .collect();
            assert_eq!(line.len(), register);
            let missing = line.iter().filter(|c| shown(c).is_none()).count();
            assert_ne!(missing, 1, "Q{quarter} {commune}: {line:?}");
            // Commune counts from 1 to 4 are never shown.
            for (name, cell) in row {
                assert!(
                    shown(cell).is_none_or(|n| !(1..5).contains(&n)),
                    "Q{quarter} {commune} {name} = {cell}"
                );
            }
        }
        by_quarter.push(rows_whole);
    }
    // Nor the count of the second quarter alone, as Q2 year to date less Q1's.
    for commune in &communes {
        for (name, q2) in &by_quarter[1][commune] {
            let q1 = &by_quarter[0][commune][name];
            if let (Some(q1), Some(q2)) = (shown(q1), shown(q2)) {
                assert!(
                    !(1..5).contains(&(q2 - q1)),
                    "{commune} {name}: {q1} then {q2}"
                );
            }
        }
    }
    assert!(
        hidden * 10 > seen,
        "the data set had small counts: {hidden} of {seen}"
    );

    // Figures made of several communes (today's communes over those of 2023, a commune of today
    // asked for 2023) show only where every commune they add up shows: they tell nothing more.
    let q2 = &by_quarter[1];
    let made_of = |figures: &Value| -> Vec<String> {
        let mapped = figures["mapped_from"].as_array().into_iter().flatten();
        let mut counted: Vec<String> = mapped
            .map(|u| u["id"].as_str().unwrap().to_string())
            .collect();
        if let Some(id) = figures["org_unit_id"]
            .as_str()
            .filter(|id| q2.contains_key(*id))
        {
            counted.push(id.to_string());
        }
        counted
    };
    let check = |figures: &Value, counted: &[String]| {
        assert!(!counted.is_empty(), "{}", figures["org_unit_id"]);
        for (name, cell) in cells(figures) {
            let every = counted.iter().all(|c| shown(&q2[c][&name]).is_some());
            assert!(
                every || shown(&cell).is_none(),
                "{name} of {counted:?} = {cell}"
            );
        }
    };
    let path = "/api/v1/indicators?year=2023&quarter=2&org_unit=ou-12&by=commune&units_of=2025";
    let today = get_ok(&app, &province, path).await;
    for row in today["communes"].as_array().unwrap() {
        check(row, &made_of(row));
    }
    let path = "/api/v1/indicators?year=2023&quarter=2&org_unit=ou-03390-20250701";
    let new_binh_lu = get_ok(&app, &province, path).await;
    assert_eq!(new_binh_lu["suppressed"], true);
    check(&new_binh_lu, &made_of(&new_binh_lu));
}
