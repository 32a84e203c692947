//! Exports of unsent records (issue 15): the file a phone saves opens only with the server's key,
//! and an admin's import sends its records through the sync path as the officer's phone would
//! have: the same checks and scope, and importing twice (or twice at once) stores each record once.

use crate::common::api::{json_of, new_sessions};
use crate::common::{audit_entries, spawn_app, stored_versions, Backend, TestApp};
use domain::api::{ExportKey, UnsentFile, UnsentRecords};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(
    an_imported_export_stores_each_record_once_however_often_it_is_imported,
    only_this_server_opens_an_export_and_only_for_a_phone_its_officer_used,
);

const PATH: &str = "/api/v1/admin/unsent-imports";

/// An officer signed in on a phone, as the phone knows them.
struct OnPhone {
    token: String,
    device: String,
    officer: String,
    /// The key the server keeps for the officer on this phone.
    device_key: String,
}

/// Signs `username` in on the phone `device`.
async fn sign_in_on(app: &TestApp, username: &str, device: &str) -> OnPhone {
    let password = format!("demo-{username}");
    let body = json!({"username": username, "password": password, "device_id": device});
    let answer = app
        .call(Method::POST, "/api/v1/auth/login", None, Some(body))
        .await;
    assert_eq!(answer.status(), 200);
    let answer = json_of(answer).await;
    let text = |value: &Value| value.as_str().unwrap().to_string();
    OnPhone {
        token: text(&answer["token"]),
        device: device.to_string(),
        officer: text(&answer["officer"]["id"]),
        device_key: text(&answer["device_key"]),
    }
}

/// `binhlu` on a new phone.
async fn officer_on_a_phone(app: &TestApp) -> OnPhone {
    sign_in_on(app, "binhlu", &uuid::Uuid::new_v4().to_string()).await
}

async fn export_key(app: &TestApp, token: &str) -> ExportKey {
    let answer = app
        .call(Method::GET, "/api/v1/export-key", Some(token), None)
        .await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

async fn import(app: &TestApp, token: &str, file: &UnsentFile) -> reqwest::Response {
    let body = serde_json::to_value(file).unwrap();
    app.call(Method::POST, PATH, Some(token), Some(body)).await
}

/// The records as the officer's phone puts them in a file.
fn unsent(phone: &OnPhone, records: &[Value]) -> UnsentRecords {
    server::unsent::made_on_phone(&phone.officer, &phone.device, records, &phone.device_key)
}

async fn an_imported_export_stores_each_record_once_however_often_it_is_imported(backend: Backend) {
    let app = spawn_app(backend)
        .await
        .with_2023_accounts()
        .await
        .with_another_district()
        .await;
    let phone = officer_on_a_phone(&app).await;
    let (token, device, officer) = (
        phone.token.clone(),
        phone.device.clone(),
        phone.officer.clone(),
    );
    let key = export_key(&app, &token).await;
    let mut records = new_sessions(3);
    records[0]["data"]["village"] = json!("Bản Xuất Bản Sao");
    // A record the phone kept although the server refuses it (a phone number in the notes).
    let mut refused = new_sessions(1).remove(0);
    refused["data"]["notes"] = json!("gọi 0912 345 678");
    records.push(refused);
    let file = server::unsent::seal(&key, &unsent(&phone, &records));
    // Nothing of the records can be read in the file.
    let text = serde_json::to_string(&file).unwrap();
    for record in &records {
        assert!(!text.contains(record["id"].as_str().unwrap()));
    }
    assert!(!text.contains("Xuất") && !text.contains("0912"));

    assert_eq!(
        import(&app, &token, &file).await.status(),
        403,
        "an officer"
    );
    let other = app.token("admin_mt", "demo-admin_mt").await;
    assert_eq!(
        import(&app, &other, &file).await.status(),
        403,
        "another district's admin"
    );

    let admin = app.token("admin", "demo-admin").await;
    let first = import(&app, &admin, &file).await;
    assert_eq!(first.status(), 200);
    let first = json_of(first).await;
    assert_eq!(
        (
            first["records"].clone(),
            first["applied"].clone(),
            first["rejected"].clone()
        ),
        (json!(4), json!(3), json!(1)),
        "{first}"
    );
    assert_eq!(first["username"], "binhlu");
    // The refused one is named, so that the file is kept until it is settled.
    assert_eq!(first["not_stored"].as_array().unwrap().len(), 1);
    assert_eq!(first["not_stored"][0]["id"], records[3]["id"]);
    assert_eq!(first["not_stored"][0]["status"], "rejected");
    assert_eq!(first["not_stored"][0]["errors"][0]["code"], "personal_data");
    let again = json_of(import(&app, &admin, &file).await).await;
    assert_eq!(
        (
            again["applied"].clone(),
            again["unchanged"].clone(),
            again["rejected"].clone()
        ),
        (json!(0), json!(3), json!(1)),
        "{again}"
    );
    // Twice more at the same moment.
    let both = futures_of(&app, &admin, &file).await;
    assert!(both.iter().all(|answer| answer["applied"] == 0));

    let versions = stored_versions(&app.database_url).await;
    for record in &records[..3] {
        let id = record["id"].as_str().unwrap();
        let of_it: Vec<_> = versions.iter().filter(|v| v.0 == id).collect();
        assert_eq!(of_it.len(), 1, "one version of {id}");
        assert_eq!(of_it[0].2, device, "from the phone that made it");
        assert_eq!(of_it[0].3, officer, "by the officer who made it");
    }
    // As the officer's own records: they pull them.
    let page = json_of(
        app.call(Method::GET, "/api/v1/records?limit=500", Some(&token), None)
            .await,
    )
    .await;
    let pulled: Vec<&Value> = page["records"].as_array().unwrap().iter().collect();
    let found = pulled
        .iter()
        .find(|r| r["id"] == records[0]["id"])
        .expect("pulled");
    assert_eq!(found["data"]["village"], "Bản Xuất Bản Sao");
    assert_eq!(found["updated_by"], officer.as_str());
    let lines = audit_entries(&app, "unsent.import").await;
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0].target.as_deref(), Some(officer.as_str()));
}

/// Two imports of `file` at once.
async fn futures_of(app: &TestApp, admin: &str, file: &UnsentFile) -> Vec<Value> {
    let sends: Vec<_> = (0..2)
        .map(|_| {
            let request = app.client.post(app.url(PATH)).bearer_auth(admin).json(file);
            tokio::spawn(async move {
                let answer = request.send().await.unwrap();
                assert_eq!(answer.status(), 200);
                answer.json::<Value>().await.unwrap()
            })
        })
        .collect();
    let mut answers = Vec::new();
    for send in sends {
        answers.push(send.await.unwrap());
    }
    answers
}

async fn only_this_server_opens_an_export_and_only_for_a_phone_its_officer_used(backend: Backend) {
    let app = spawn_app(backend).await.with_2023_accounts().await;
    let phone = officer_on_a_phone(&app).await;
    let (token, device, officer) = (
        phone.token.clone(),
        phone.device.clone(),
        phone.officer.clone(),
    );
    let admin = app.token("admin", "demo-admin").await;
    let key = export_key(&app, &token).await;
    assert_eq!(export_key(&app, &admin).await, key, "one key for the store");
    let answer = app
        .call(Method::GET, "/api/v1/export-key", None, None)
        .await;
    assert_eq!(answer.status(), 401);
    let records = new_sessions(2);
    let code = |answer: Value| answer["error"]["code"].clone();

    // Made for another server.
    let elsewhere = server::unsent::ExportSecret::generate().public();
    let file = server::unsent::seal(&elsewhere, &unsent(&phone, &records));
    let answer = import(&app, &admin, &file).await;
    assert_eq!(answer.status(), 422);
    assert_eq!(code(json_of(answer).await), "other_server");
    // Another key claiming this server's id.
    let file = UnsentFile {
        key_id: key.key_id.clone(),
        ..file
    };
    assert_eq!(
        code(json_of(import(&app, &admin, &file).await).await),
        "export_damaged"
    );
    // Changed on the way.
    let mut file = server::unsent::seal(&key, &unsent(&phone, &records));
    let mut sealed: Vec<char> = file.ciphertext.chars().collect();
    sealed[10] = if sealed[10] == 'A' { 'B' } else { 'A' };
    file.ciphertext = sealed.into_iter().collect();
    assert_eq!(
        code(json_of(import(&app, &admin, &file).await).await),
        "export_damaged"
    );
    // Not an export at all.
    let body = json!({"hello": "world"});
    let answer = app.call(Method::POST, PATH, Some(&admin), Some(body)).await;
    assert_eq!(answer.status(), 422);
    // Claiming the officer's records from a phone they never signed in on.
    let elsewhere = OnPhone {
        device: uuid::Uuid::new_v4().to_string(),
        ..officer_on_a_phone(&app).await
    };
    let file = server::unsent::seal(&key, &unsent(&elsewhere, &records));
    let answer = import(&app, &admin, &file).await;
    assert_eq!(answer.status(), 422);
    assert_eq!(code(json_of(answer).await), "unknown_device");
    // A colleague on the officer's own phone: they know its id and the officer's, and have a key
    // of their own for it, but cannot open the officer's data key.
    let colleague = sign_in_on(&app, "thitran", &device).await;
    let forged = OnPhone {
        officer: officer.clone(),
        ..colleague
    };
    let file = server::unsent::seal(&key, &unsent(&forged, &records));
    let answer = import(&app, &admin, &file).await;
    assert_eq!(answer.status(), 422);
    assert_eq!(code(json_of(answer).await), "not_the_officers");
    assert!(stored_versions(&app.database_url).await.is_empty());
}
