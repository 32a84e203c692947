//! `GET /api/v1/reports/quarterly.xlsx` and `.csv` on both stores: a small known data set synced
//! through `POST /api/v1/sync`, each file downloaded over HTTP and read back (calamine, csv), every
//! indicator row and every commune cell checked against `GET /api/v1/indicators` for the same
//! query, with small counts shown and hidden; scope and bad parameters.

use crate::common::{audit_entries, demo_app, Backend, TestApp, BINH_LU, DISTRICT, THI_TRAN};
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(
    the_xlsx_report_matches_the_indicators_with_and_without_suppression,
    the_csv_report_matches_the_indicators_with_and_without_suppression,
    a_communes_own_report_hides_its_small_counts_and_scope_holds,
);

const DEVICE: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
/// Breakdown keys of the plain counts that are not counts of people or cases: never suppressed.
const NOT_PEOPLE_KEYS: [&str; 2] = ["fines_vnd", "sessions"];
/// Indicators that count communes, posts or agencies: never suppressed.
const NOT_PEOPLE: [&str; 5] = [
    "PCMD-TT01",
    "PCMD-TT02",
    "PCMD-KH01",
    "PCMD-KH02",
    "PCMD-MH01",
];
const QUERY: &str = "year=2023&quarter=2";

/// One cell as read back from either format.
#[derive(Clone, Debug, PartialEq)]
enum Got {
    Num(f64),
    Text(String),
    Empty,
}

impl Got {
    fn text(&self) -> &str {
        match self {
            Got::Text(text) => text,
            _ => "",
        }
    }
}

type Sheet = Vec<Vec<Got>>;

fn record(kind: &str, unit: &str, date: &str, data: Value) -> Value {
    json!({"id": uuid::Uuid::new_v4().to_string(), "kind": kind, "org_unit_id": unit,
           "occurred_on": date, "base_version": 0, "voided": false, "data": data})
}

/// Eligible clients of one commune, the first `accessed` of them having reached a service.
fn clients(unit: &str, prefix: char, eligible: usize, accessed: usize) -> Vec<Value> {
    (0..eligible)
        .map(|n| {
            let mut data = json!({"client_code": format!("{prefix}{n:03}"),
                "in_need_eligible": true, "consent": true, "service": "HIV_TEST",
                "status": "referred"});
            if n < accessed {
                data["status"] = json!("accessed");
                data["accessed_on"] = json!("2023-03-01");
            }
            record("referral", unit, "2023-02-10", data)
        })
        .collect()
}

fn business_and_session(unit: &str, workers: i64, reached: i64) -> Vec<Value> {
    vec![
        record(
            "business",
            unit,
            "2023-01-10",
            json!({"name": "Karaoke", "type": "karaoke", "workers": workers}),
        ),
        record(
            "outreach_session",
            unit,
            "2023-04-05",
            json!({"format": "workplace_session", "audience": "business_workers",
                   "reached_male": reached / 2, "reached_female": reached - reached / 2}),
        ),
    ]
}

/// The three communes the data set uses besides Bình Lư and Thị trấn Tam Đường.
async fn other_communes(app: &TestApp) -> Vec<String> {
    let mut ids: Vec<String> = app
        .store
        .org_units()
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.parent_id.as_deref() == Some(DISTRICT))
        .filter(|u| u.valid_during("2023-01-01", "2023-12-31"))
        .map(|u| u.id)
        .filter(|id| id != BINH_LU && id != THI_TRAN)
        .collect();
    ids.sort();
    ids.truncate(2);
    ids
}

/// PCMD-HT01 by commune: Bình Lư 2 of 3, Thị trấn 7 of 7, the next 6 of 9 and 1 of 4 (two small
/// cells in each column, so none needs a partner). PCMD-TT03: workers 3, 20 and 8 (one small
/// cell: the 8 is hidden with it), reached 0, 15 and 8.
async fn sync_data_set(app: &TestApp) -> (String, String) {
    let others = other_communes(app).await;
    let (third, fourth) = (others[0].clone(), others[1].clone());
    let mut records = Vec::new();
    records.extend(clients(BINH_LU, 'A', 3, 2));
    records.extend(clients(THI_TRAN, 'B', 7, 7));
    records.extend(clients(&third, 'C', 9, 6));
    records.extend(clients(&fourth, 'D', 4, 1));
    records.extend(business_and_session(BINH_LU, 3, 0));
    records.extend(business_and_session(THI_TRAN, 20, 15));
    records.extend(business_and_session(&third, 8, 8));
    // The district's only hotel: a lone small cell with nothing to pair, so the total goes too.
    records.push(record(
        "business",
        &fourth,
        "2023-01-12",
        json!({"name": "Khách sạn", "type": "hotel", "workers": 0}),
    ));
    records.push(record(
        "media_post",
        DISTRICT,
        "2023-05-02",
        json!({"channel": "portal"}),
    ));
    records.push(record("commune_plan", BINH_LU, "2023-01-20", json!({})));
    let token = app.token("huyen", "demo-huyen").await;
    let body = json!({"device_id": DEVICE, "records": records});
    let response = app
        .call(Method::POST, "/api/v1/sync", Some(&token), Some(body))
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    for result in body["results"].as_array().unwrap() {
        assert_eq!(result["status"], "applied", "{result}");
    }
    (third, fourth)
}

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.call(Method::GET, path, Some(token), None).await
}

/// The indicators of the same query with each commune's figures.
async fn indicators(app: &TestApp, token: &str, query: &str) -> Value {
    let response = get(
        app,
        token,
        &format!("/api/v1/indicators?{query}&by=commune"),
    )
    .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn download(app: &TestApp, token: &str, file: &str, query: &str) -> (Vec<u8>, String) {
    let response = get(app, token, &format!("/api/v1/reports/{file}?{query}")).await;
    assert_eq!(response.status(), 200, "{file}?{query}");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    (response.bytes().await.unwrap().to_vec(), disposition)
}

fn read_xlsx(bytes: Vec<u8>) -> (Vec<String>, Vec<Sheet>) {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let names = workbook.sheet_names();
    let sheets = names
        .iter()
        .map(|name| {
            let range = workbook.worksheet_range(name).unwrap();
            // Rows and columns from A1, whatever the first used cell.
            let (rows, cols) = range.end().map_or((0, 0), |(r, c)| (r + 1, c + 1));
            (0..rows)
                .map(|r| {
                    (0..cols)
                        .map(|c| match range.get_value((r, c)) {
                            Some(Data::Float(f)) => Got::Num(*f),
                            Some(Data::Int(n)) => Got::Num(*n as f64),
                            Some(Data::String(s)) => Got::Text(s.clone()),
                            Some(Data::Empty) | None => Got::Empty,
                            Some(other) => panic!("unexpected cell {other:?}"),
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    (names, sheets)
}

/// The CSV file's sections (separated by a blank line): the title, then each table under its name.
fn read_csv(bytes: Vec<u8>) -> (Vec<String>, Vec<Sheet>) {
    let text = String::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    assert!(text.ends_with("\r\n") && !text.contains("\r\n\r\n\r\n"));
    let sections: Vec<Sheet> = text
        .split("\r\n\r\n")
        .map(|section| {
            csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(section.as_bytes())
                .records()
                .map(|row| {
                    row.unwrap()
                        .iter()
                        .map(|field| match field.parse::<f64>() {
                            _ if field.is_empty() => Got::Empty,
                            Ok(n) => Got::Num(n),
                            Err(_) => Got::Text(field.to_string()),
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let title = sections[0].iter().map(|row| row[0].text().to_string());
    let names = sections[1..].iter().map(|s| s[0][0].text().to_string());
    // Each table under the title lines and a blank line, as on an XLSX sheet.
    let sheets = sections[1..]
        .iter()
        .map(|section| {
            let mut sheet: Sheet = title.clone().map(|t| vec![Got::Text(t)]).collect();
            sheet.push(vec![]);
            sheet.extend(section[1..].iter().cloned());
            sheet
        })
        .collect();
    (names.collect(), sheets)
}

fn status_vi(status: &Value) -> &'static str {
    match status.as_str().unwrap() {
        "met" => "Đạt",
        "not_met" => "Chưa đạt",
        "no_data" => "Chưa có số liệu",
        "no_target" => "Chưa có mục tiêu",
        other => panic!("status {other}"),
    }
}

fn num(value: &Value) -> Got {
    match value.as_f64() {
        Some(n) => Got::Num(n),
        None => Got::Empty,
    }
}

/// The row index of the first row whose first cell is `text`.
fn row_of(sheet: &Sheet, text: &str) -> usize {
    sheet
        .iter()
        .position(|row| row.first().map(Got::text) == Some(text))
        .unwrap_or_else(|| panic!("no row {text}"))
}

fn cell(row: &[Got], col: usize) -> Got {
    row.get(col).cloned().unwrap_or(Got::Empty)
}

/// A commune cell against its count `n`: equal when shown; `<5` only for 1 to 4 under the rule;
/// `x` only for a partner (5 or more) under the rule; every 1 to 4 hidden under the rule. True when
/// hidden.
fn check_commune_cell(got: Got, n: i64, rule: bool, at: &str) -> bool {
    match got {
        Got::Num(shown) => {
            assert_eq!(shown, n as f64, "{at}");
            assert!(!rule || !(1..5).contains(&n), "{at} must be hidden");
            false
        }
        Got::Text(text) if text == "<5" => {
            assert!(rule && (1..5).contains(&n), "{at}");
            true
        }
        Got::Text(text) if text == "x" => {
            assert!(rule && n >= 5, "{at}: x only hides a partner of a <5");
            true
        }
        other => panic!("{at}: {other:?}"),
    }
}

/// One line of commune cells (an indicator's numerators, or its denominators, or one figure of a
/// count) and the unit's figure beside it, their total. With the total shown, a single hidden
/// commune cell could be worked out as the total less the others: so the total is hidden when
/// one commune cell of its line is. Under the rule the total is as the JSON of the same query
/// with `suppress=true` gives it (the rule hides more than lone cells: `domain::report`).
#[derive(Default)]
struct Line {
    hidden: usize,
}

impl Line {
    /// Checks the total against its count `n` and, under the rule, what the JSON shows of it;
    /// true when it is hidden.
    fn check_total(&self, got: Got, n: i64, rule: Option<Got>, at: &str) -> bool {
        let Some(shown) = rule else {
            assert_eq!(got, Got::Num(n as f64), "{at}");
            return false;
        };
        assert_eq!(got, shown, "{at}: as the JSON shows it");
        if self.hidden == 1 {
            assert_eq!(
                got,
                Got::Text("x".into()),
                "{at}: it would give back a lone hidden cell"
            );
        }
        got == Got::Text("x".into())
    }
}

/// A count as the JSON with `suppress=true` shows it: its mark, else its number.
fn json_cell(number: &Value, mark: &Value) -> Got {
    match mark.as_str() {
        Some("small") => Got::Text("<5".into()),
        Some("hidden") => Got::Text("x".into()),
        _ => Got::Num(number.as_f64().unwrap()),
    }
}

/// The title lines, then against the JSON of the same query: the "Theo xã" sheet (each commune's
/// cells), the "Chỉ tiêu" sheet (the unit's figures, totals of those lines) and the "Số liệu"
/// sheet (the plain counts: the unit's, then each commune's). `marked` is the JSON with
/// `suppress=true` when the file was asked with the rule.
fn check_report(
    sheets: &[Sheet],
    json: &Value,
    labels: &[(String, String)],
    marked: Option<&Value>,
) {
    let suppress = marked.is_some();
    let [main, by_commune, counts] = &sheets[..3] else {
        panic!("three tables")
    };
    assert_eq!(main[0][0], Got::Text("UBND huyện Tam Đường".into()));
    assert_eq!(
        main[1][0],
        Got::Text("Báo cáo kết quả thực hiện Kế hoạch phòng, chống mại dâm năm 2023".into())
    );
    assert_eq!(
        main[2][0],
        Got::Text("Quý 2 năm 2023 (lũy kế từ đầu năm)".into())
    );
    let label = |code: &str| labels.iter().find(|(c, _)| c == code).unwrap().1.clone();

    let header = row_of(by_commune, "Mã xã");
    assert_eq!(by_commune[header][2], Got::Text("PCMD-TT01 tử số".into()));
    let communes = json["communes"].as_array().unwrap();
    assert!(communes.len() >= 12, "the communes of 2023");
    // Lines 2i and 2i + 1: numerators and denominators of indicator i.
    let mut lines: Vec<Line> = (0..24).map(|_| Line::default()).collect();
    for (r, commune) in communes.iter().enumerate() {
        let row = &by_commune[header + 1 + r];
        assert_eq!(row[1], Got::Text(commune["name"].as_str().unwrap().into()));
        for (i, indicator) in commune["indicators"].as_array().unwrap().iter().enumerate() {
            let code = indicator["code"].as_str().unwrap();
            let rule = suppress && !NOT_PEOPLE.contains(&code);
            let mut hidden = false;
            for (p, part) in ["numerator", "denominator"].into_iter().enumerate() {
                let n = indicator[part].as_i64().unwrap();
                let at = format!("{} {code} {part} = {n}", commune["name"]);
                let got = cell(row, 2 + 3 * i + p);
                if let Some(json) = marked {
                    let shown = &json["communes"][r]["indicators"][i];
                    let marked = json_cell(&shown[part], &shown["suppressed"][part]);
                    assert_eq!(got, marked, "{at}: as the JSON shows it");
                }
                let hides = check_commune_cell(got, n, rule, &at);
                lines[2 * i + p].hidden += usize::from(hides);
                hidden |= hides;
            }
            let value = cell(row, 4 + 3 * i);
            if hidden {
                assert_eq!(value, Got::Text("x".into()));
            } else {
                assert_eq!(value, num(&indicator["value"]), "{code}");
            }
        }
    }

    let header = row_of(main, "Mã");
    assert_eq!(main[header][1], Got::Text("Chỉ tiêu".into()));
    let indicators = json["indicators"].as_array().unwrap();
    assert_eq!(indicators.len(), 12);
    for (i, indicator) in indicators.iter().enumerate() {
        let row = &main[header + 1 + i];
        let code = indicator["code"].as_str().unwrap();
        assert_eq!(row[0], Got::Text(code.into()));
        assert_eq!(row[1], Got::Text(label(code)), "{code}");
        let mut hidden_part = false;
        for (p, part) in ["numerator", "denominator"].into_iter().enumerate() {
            let n = indicator[part].as_i64().unwrap();
            let at = format!("the unit's {code} {part} = {n}");
            let rule = marked.map(|json| {
                let shown = &json["indicators"][i];
                json_cell(&shown[part], &shown["suppressed"][part])
            });
            hidden_part |= lines[2 * i + p].check_total(row[2 + p].clone(), n, rule, &at);
        }
        let unit = if indicator["unit"] == "percent" {
            "%"
        } else {
            "số lượng"
        };
        assert_eq!(row[5], Got::Text(unit.into()));
        if hidden_part {
            assert_eq!(
                (row[4].clone(), row[7].clone()),
                (Got::Text("x".into()), Got::Text("x".into()))
            );
        } else {
            assert_eq!(cell(row, 4), num(&indicator["value"]), "{code}");
            assert_eq!(row[7], Got::Text(status_vi(&indicator["status"]).into()));
        }
    }
    assert_eq!(
        main[row_of(main, "PCMD-TT01")][6],
        Got::Text("≥ 70%".into())
    );

    let header = row_of(counts, "Mã");
    let names: Vec<&str> = counts[header].iter().map(Got::text).collect();
    assert_eq!(names[3], "Huyện Tam Đường");
    let mut r = header + 1;
    for (c, count) in json["counts"].as_array().unwrap().iter().enumerate() {
        let code = count["code"].as_str().unwrap();
        for (k, figure) in count["breakdown"].as_array().unwrap().iter().enumerate() {
            let row = &counts[r];
            r += 1;
            let key = figure["key"].as_str().unwrap();
            assert_eq!(row[0], Got::Text(code.into()));
            assert_eq!(row[1], Got::Text(label(code)));
            assert!(
                !["", key].contains(&row[2].text()),
                "{code} {key} has a label"
            );
            let rule = suppress && !NOT_PEOPLE_KEYS.contains(&key);
            let mut line = Line::default();
            for (i, commune) in communes.iter().enumerate() {
                assert_eq!(names[4 + i], commune["name"].as_str().unwrap());
                let n = commune["counts"][c]["breakdown"][k]["value"]
                    .as_i64()
                    .unwrap();
                let at = format!("{} {code} {key} = {n}", commune["name"]);
                let got = cell(row, 4 + i);
                if let Some(json) = marked {
                    let shown = &json["communes"][i]["counts"][c]["breakdown"][k];
                    let marked = json_cell(&shown["value"], &shown["suppressed"]);
                    assert_eq!(got, marked, "{at}: as the JSON shows it");
                }
                line.hidden += usize::from(check_commune_cell(got, n, rule, &at));
            }
            let n = figure["value"].as_i64().unwrap();
            let rule = marked.map(|json| {
                let shown = &json["counts"][c]["breakdown"][k];
                json_cell(&shown["value"], &shown["suppressed"])
            });
            line.check_total(
                row[3].clone(),
                n,
                rule,
                &format!("the unit's {code} {key} = {n}"),
            );
        }
    }
    assert_eq!(r, counts.len(), "one row per figure");
}

async fn labels(app: &TestApp) -> Vec<(String, String)> {
    app.store
        .indicators()
        .await
        .unwrap()
        .into_iter()
        .map(|indicator| (indicator.code, indicator.label_vi))
        .collect()
}

/// The cell of `code`'s `part` (0 numerator, 1 denominator, 2 value) for the commune `name`.
fn commune_cell(sheet: &Sheet, name: &str, code: &str, part: usize) -> Got {
    let header = row_of(sheet, "Mã xã");
    let col = sheet[header]
        .iter()
        .position(|h| h.text().starts_with(code))
        .unwrap();
    let row = sheet
        .iter()
        .find(|row| row.get(1).map(Got::text) == Some(name))
        .unwrap();
    cell(row, col + part)
}

async fn unit_name(app: &TestApp, id: &str) -> String {
    let units = app.store.org_units().await.unwrap();
    units.into_iter().find(|u| u.id == id).unwrap().name
}

async fn the_xlsx_report_matches_the_indicators_with_and_without_suppression(backend: Backend) {
    let app = demo_app(backend).await;
    let (third, fourth) = sync_data_set(&app).await;
    let token = app.token("huyen", "demo-huyen").await;
    let json = indicators(&app, &token, QUERY).await;
    let hidden = indicators(&app, &token, &format!("{QUERY}&suppress=true")).await;
    let labels = labels(&app).await;
    let response = get(
        &app,
        &token,
        &format!("/api/v1/reports/quarterly.xlsx?{QUERY}"),
    )
    .await;
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    for suppress in [false, true] {
        let query = format!("{QUERY}&suppress={suppress}");
        let (bytes, disposition) = download(&app, &token, "quarterly.xlsx", &query).await;
        assert_eq!(
            disposition,
            "attachment; filename=\"bao-cao-pcmd-106-2023-Q2.xlsx\""
        );
        let (names, sheets) = read_xlsx(bytes);
        assert_eq!(names[..2], ["Chỉ tiêu", "Theo xã"]);
        check_report(&sheets, &json, &labels, suppress.then_some(&hidden));
        let by_commune = &sheets[1];
        let (binh_lu, thi_tran) = ("Xã Bình Lư", &unit_name(&app, THI_TRAN).await);
        let third = &unit_name(&app, &third).await;
        let fourth = &unit_name(&app, &fourth).await;
        let shown = |name, code, part| commune_cell(by_commune, name, code, part);
        // 7 of 7 clients: shown either way.
        assert_eq!(shown(thi_tran, "PCMD-HT01", 0), Got::Num(7.0));
        assert_eq!(shown(thi_tran, "PCMD-HT01", 2), Got::Num(100.0));
        if suppress {
            assert_eq!(shown(binh_lu, "PCMD-HT01", 0), Got::Text("<5".into()));
            assert_eq!(shown(binh_lu, "PCMD-HT01", 1), Got::Text("<5".into()));
            assert_eq!(shown(binh_lu, "PCMD-HT01", 2), Got::Text("x".into()));
            // Bình Lư's 3 workers alone are small: the next smallest, 8, goes with them.
            assert_eq!(shown(binh_lu, "PCMD-TT03", 1), Got::Text("<5".into()));
            assert_eq!(shown(third, "PCMD-TT03", 1), Got::Text("x".into()));
            assert_eq!(shown(thi_tran, "PCMD-TT03", 1), Got::Num(20.0));
            // Bình Lư's plan counts a commune, not people.
            assert_eq!(shown(binh_lu, "PCMD-KH01", 0), Got::Num(1.0));
        } else {
            assert_eq!(shown(binh_lu, "PCMD-HT01", 0), Got::Num(2.0));
            assert_eq!(shown(binh_lu, "PCMD-HT01", 2), Got::Num(66.7));
            assert_eq!(shown(third, "PCMD-TT03", 1), Got::Num(8.0));
        }
        // PCMD-C03, clients on file: Bình Lư 3, Thị trấn 7, the others 9 and 4.
        let counts = &sheets[2];
        let header = &counts[row_of(counts, "Mã")];
        let col = |name: &str| header.iter().position(|h| h.text() == name).unwrap();
        let c03 = &counts[row_of(counts, "PCMD-C03")];
        let small = if suppress {
            Got::Text("<5".into())
        } else {
            Got::Num(3.0)
        };
        assert_eq!(c03[col(binh_lu)], small);
        assert_eq!(c03[col(thi_tran)], Got::Num(7.0));
        assert_eq!(c03[3], Got::Num(23.0));
        let hotels = &counts[counts
            .iter()
            .position(|row| cell(row, 2) == Got::Text("Khách sạn".into()))
            .unwrap()];
        let (total, fourth) = (hotels[3].clone(), hotels[col(fourth)].clone());
        if suppress {
            // A hidden total is `x` whatever it is (`<5` would tell that its communes hold few).
            assert_eq!(
                (total, fourth),
                (Got::Text("x".into()), Got::Text("<5".into()))
            );
        } else {
            assert_eq!((total, fourth), (Got::Num(1.0), Got::Num(1.0)));
        }
        // The district's own figures are not commune level: never hidden.
        let main = &sheets[0];
        let ht01 = &main[row_of(main, "PCMD-HT01")];
        assert_eq!(
            (ht01[2].clone(), ht01[3].clone()),
            (Got::Num(16.0), Got::Num(23.0))
        );
    }
    let (bytes, _) = download(&app, &token, "quarterly.xlsx", "year=2023&lang=en").await;
    let (names, sheets) = read_xlsx(bytes);
    assert_eq!(names[..2], ["Indicators", "By commune"]);
    assert_eq!(sheets[0][2][0], Got::Text("The whole year 2023".into()));
}

async fn the_csv_report_matches_the_indicators_with_and_without_suppression(backend: Backend) {
    let app = demo_app(backend).await;
    sync_data_set(&app).await;
    let token = app.token("huyen", "demo-huyen").await;
    let json = indicators(&app, &token, QUERY).await;
    let hidden = indicators(&app, &token, &format!("{QUERY}&suppress=true")).await;
    let labels = labels(&app).await;
    let response = get(
        &app,
        &token,
        &format!("/api/v1/reports/quarterly.csv?{QUERY}"),
    )
    .await;
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    for suppress in [false, true] {
        let query = format!("{QUERY}&suppress={suppress}");
        let (bytes, disposition) = download(&app, &token, "quarterly.csv", &query).await;
        assert_eq!(
            disposition,
            "attachment; filename=\"bao-cao-pcmd-106-2023-Q2.csv\""
        );
        let (names, sheets) = read_csv(bytes);
        assert_eq!(names[..2], ["Chỉ tiêu", "Theo xã"]);
        check_report(&sheets, &json, &labels, suppress.then_some(&hidden));
        let binh_lu = commune_cell(&sheets[1], "Xã Bình Lư", "PCMD-HT01", 0);
        let expected = if suppress {
            Got::Text("<5".into())
        } else {
            Got::Num(2.0)
        };
        assert_eq!(binh_lu, expected);
    }
    // Suppression is the default.
    let (default, _) = download(&app, &token, "quarterly.csv", QUERY).await;
    let (_, sheets) = read_csv(default);
    assert_eq!(
        commune_cell(&sheets[1], "Xã Bình Lư", "PCMD-HT01", 0),
        Got::Text("<5".into())
    );
}

async fn a_communes_own_report_hides_its_small_counts_and_scope_holds(backend: Backend) {
    let app = demo_app(backend).await;
    sync_data_set(&app).await;
    let commune = app.token("binhlu", "demo-binhlu").await;
    for file in ["quarterly.xlsx", "quarterly.csv"] {
        let (bytes, disposition) = download(&app, &commune, file, QUERY).await;
        assert!(
            disposition.contains("bao-cao-pcmd-03412-2023-Q2."),
            "{disposition}"
        );
        let (_, sheets) = if file.ends_with("xlsx") {
            read_xlsx(bytes)
        } else {
            read_csv(bytes)
        };
        let main = &sheets[0];
        assert_eq!(main[0][0], Got::Text("UBND xã Bình Lư".into()));
        let ht01 = &main[row_of(main, "PCMD-HT01")];
        assert_eq!(
            ht01[2..5],
            [
                Got::Text("<5".into()),
                Got::Text("<5".into()),
                Got::Text("x".into())
            ]
        );
        assert_eq!(ht01[7], Got::Text("x".into()), "the status would tell");
        let c03 = &sheets[2][row_of(&sheets[2], "PCMD-C03")];
        assert_eq!(c03[3], Got::Text("<5".into()), "a commune's own count");
        let (bytes, _) = download(&app, &commune, file, &format!("{QUERY}&suppress=false")).await;
        let (_, sheets) = if file.ends_with("xlsx") {
            read_xlsx(bytes)
        } else {
            read_csv(bytes)
        };
        let ht01 = &sheets[0][row_of(&sheets[0], "PCMD-HT01")];
        assert_eq!(ht01[2..5], [Got::Num(2.0), Got::Num(3.0), Got::Num(66.7)]);
        assert_eq!(sheets[2][row_of(&sheets[2], "PCMD-C03")][3], Got::Num(3.0));

        for unit in [THI_TRAN, DISTRICT, "ou-nowhere"] {
            let path = format!("/api/v1/reports/{file}?{QUERY}&org_unit={unit}");
            let response = get(&app, &commune, &path).await;
            assert_eq!(response.status(), 403, "{unit}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "forbidden");
        }
        for query in [
            "year=2023&quarter=5",
            "year=2023&quarter=x",
            "year=abc",
            "",
            "year=2023&suppress=maybe",
            "year=2023&lang=fr",
        ] {
            let response = get(&app, &commune, &format!("/api/v1/reports/{file}?{query}")).await;
            assert_eq!(response.status(), 422, "{query}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "invalid", "{query}");
        }
        let response = app
            .call(
                Method::GET,
                &format!("/api/v1/reports/{file}?year=2023"),
                None,
                None,
            )
            .await;
        assert_eq!(response.status(), 401);
    }
    let openapi: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    for path in ["/reports/quarterly.csv", "/reports/quarterly.xlsx"] {
        assert!(
            openapi["paths"][path]["get"]["responses"]["200"].is_object(),
            "{path}"
        );
    }
    // Each download is in the audit log.
    let log = audit_entries(&app, "report.export").await;
    assert_eq!(log.len(), 4);
    assert_eq!(log[0].username.as_deref(), Some("binhlu"));
}
