//! `server backup` while a phone syncs 20,000 records, and `server restore` of the copy into a new
//! store: the real binary's commands, on both stores. The copy holds every record acknowledged
//! before the backup began, each batch whole; the restored store refuses the cursors phones had,
//! so they pull again from the start; a damaged copy or a store that holds records is refused.

use crate::common::api::{json_of, new_sessions};
use crate::common::{demo_app, fresh_database_url, scratch_dir, spawn_app_on, Backend, DEVICE};
use reqwest::Method;
use serde_json::{json, Value};
use server::config::Security;
use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

on_both_stores!(a_backup_during_a_sync_holds_every_record_acknowledged_before_it);

const BATCHES: usize = 40;
const BATCH: usize = 500;

fn batch() -> Vec<Value> {
    new_sessions(BATCH)
}

/// Runs `server <args>` on the store at `database_url`.
fn server(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .env_remove("PCMD_DEMO")
        .output()
        .expect("run the server binary")
}

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

async fn a_backup_during_a_sync_holds_every_record_acknowledged_before_it(backend: Backend) {
    let app = Arc::new(demo_app(backend).await);
    let token = app.token("binhlu", "demo-binhlu").await;
    // A cursor a phone holds from before the backup.
    let first: Vec<Value> = batch();
    let body = json!({"device_id": DEVICE, "records": first});
    let response = app
        .call(Method::POST, "/api/v1/sync", Some(&token), Some(body))
        .await;
    assert_eq!(response.status(), 200);
    let page = json_of(
        app.call(Method::GET, "/api/v1/records?limit=10", Some(&token), None)
            .await,
    )
    .await;
    let old_cursor = page["next_cursor"].as_str().unwrap().to_string();
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(
        first
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect(),
    ));

    let sender = {
        let (app, token, acknowledged) = (app.clone(), token.clone(), acknowledged.clone());
        tokio::spawn(async move {
            for _ in 1..BATCHES {
                let records = batch();
                let body = json!({"device_id": DEVICE, "records": records});
                let response = app
                    .call(Method::POST, "/api/v1/sync", Some(&token), Some(body))
                    .await;
                assert_eq!(response.status(), 200);
                let answer = json_of(response).await;
                let results = answer["results"].as_array().unwrap();
                assert!(results.iter().all(|r| r["status"] == "applied"), "{answer}");
                let ids = records
                    .iter()
                    .map(|r| r["id"].as_str().unwrap().to_string());
                acknowledged.lock().unwrap().extend(ids);
            }
        })
    };
    while acknowledged.lock().unwrap().len() < 10 * BATCH {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let file = scratch_dir().join("pcmd.backup");
    let file_arg = file.to_str().unwrap();
    let database_url = app.database_url.clone();
    let backup = tokio::task::spawn_blocking({
        let file_arg = file_arg.to_string();
        move || server(&database_url, &["backup", &file_arg])
    })
    .await
    .unwrap();
    assert!(backup.status.success(), "backup: {}", said(&backup));
    let still_sending = !sender.is_finished();
    sender.await.unwrap();
    assert!(
        still_sending,
        "the backup ran while the phone was still sending"
    );
    assert_eq!(acknowledged.lock().unwrap().len(), BATCHES * BATCH);

    // A second backup to the same file would overwrite the first: refused.
    let again = server(&app.database_url, &["backup", file_arg]);
    assert!(!again.status.success(), "{}", said(&again));

    // A damaged copy is refused and the target store is left as it was.
    let damaged = scratch_dir().join("damaged.backup");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&damaged, &bytes).unwrap();
    let target = fresh_database_url(backend).await;
    let refused = server(&target, &["restore", damaged.to_str().unwrap()]);
    assert!(!refused.status.success(), "{}", said(&refused));
    // The store with records is not overwritten.
    let over = server(&app.database_url, &["restore", file_arg]);
    assert!(!over.status.success(), "{}", said(&over));
    assert!(said(&over).contains("records"), "{}", said(&over));

    let restore = server(&target, &["restore", file_arg]);
    assert!(restore.status.success(), "restore: {}", said(&restore));
    let restored = spawn_app_on(&target, Security::default()).await;
    let stored = stored_ids(&restored.database_url).await;
    let missing: Vec<&String> = before.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged records missing",
        missing.len()
    );
    assert_eq!(
        stored.len() % BATCH,
        0,
        "each batch whole: {}",
        stored.len()
    );
    assert!(stored.len() < BATCHES * BATCH, "the backup began mid-sync");

    // The phone's cursor from before is refused; from the start it gets every record once.
    let token = restored.token("binhlu", "demo-binhlu").await;
    let path = format!("/api/v1/records?limit=500&since={old_cursor}");
    let response = restored.call(Method::GET, &path, Some(&token), None).await;
    assert_eq!(response.status(), 400);
    assert_eq!(json_of(response).await["error"]["code"], "invalid_cursor");
    let mut pulled = HashSet::new();
    let mut since = String::new();
    loop {
        let path = format!("/api/v1/records?limit=500&since={since}");
        let page = json_of(restored.call(Method::GET, &path, Some(&token), None).await).await;
        let records = page["records"].as_array().unwrap();
        for record in records {
            assert!(pulled.insert(record["id"].as_str().unwrap().to_string()));
        }
        since = page["next_cursor"].as_str().unwrap().to_string();
        if records.len() < 500 {
            break;
        }
    }
    assert_eq!(pulled, stored);
    // The restored store goes on: a new batch is stored and pulled after the new cursor.
    let next = batch();
    let body = json!({"device_id": DEVICE, "records": next});
    let response = restored
        .call(Method::POST, "/api/v1/sync", Some(&token), Some(body))
        .await;
    assert_eq!(response.status(), 200);
    let path = format!("/api/v1/records?limit=500&since={since}");
    let page = json_of(restored.call(Method::GET, &path, Some(&token), None).await).await;
    assert_eq!(page["records"].as_array().unwrap().len(), BATCH);
    remove(&file);
}

async fn stored_ids(database_url: &str) -> HashSet<String> {
    let sql = "SELECT id FROM records";
    let ids: Vec<String> = if database_url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(database_url).await.unwrap();
        sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap()
    } else {
        let pool = sqlx::PgPool::connect(database_url).await.unwrap();
        sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap()
    };
    ids.into_iter().collect()
}

fn remove(file: &Path) {
    let _ = std::fs::remove_file(file);
}
