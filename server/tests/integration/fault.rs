//! Faults at the worst moments, on both stores: the real server binary dying between the commit
//! and the answer, then restarted on the same store; and a sync cut off halfway through its body.
//! Either way the retry leaves every record stored exactly once.

use crate::common::api::new_sessions;
use crate::common::{demo_app, fake_site, fresh_database_url, stored_versions, Backend, DEVICE};
use serde_json::{json, Value};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::io::AsyncWriteExt;

on_both_stores!(
    a_server_killed_after_commit_loses_and_doubles_nothing,
    a_sync_cut_off_mid_request_stores_nothing,
);

fn batch(n: usize) -> Value {
    json!({"device_id": DEVICE, "records": new_sessions(n)})
}

fn statuses(answer: &Value) -> Vec<(&str, i64)> {
    answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            let status = result["status"].as_str().unwrap();
            (status, result["version"].as_i64().unwrap())
        })
        .collect()
}

/// The server binary as a child process, killed when dropped so that a failing test leaves none.
struct ServerProcess(Child);

impl ServerProcess {
    fn start(database_url: &str, site_root: &Path, port: u16, fault: Option<&str>) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", site_root)
            .env("LEPTOS_OUTPUT_NAME", "pcmd")
            .env("RUST_LOG", "warn")
            .env_remove("PCMD_DEMO")
            .env_remove("PCMD_FAULT_AFTER_COMMIT")
            .stdout(Stdio::null());
        if let Some(fault) = fault {
            command.env("PCMD_FAULT_AFTER_COMMIT", fault);
        }
        ServerProcess(command.spawn().expect("start the server binary"))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

async fn wait_until_up(client: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        let health = client.get(format!("{base}/api/v1/health")).send().await;
        if health.is_ok_and(|response| response.status() == 200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

async fn a_server_killed_after_commit_loses_and_doubles_nothing(backend: Backend) {
    let database_url = fresh_database_url(backend).await;
    let store = server::store::open(&database_url).await.unwrap();
    server::demo::ensure_accounts(store.as_ref()).await.unwrap();
    let site_root = fake_site();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let body = batch(40);

    let mut dying = ServerProcess::start(&database_url, &site_root, port, Some("abort"));
    wait_until_up(&client, &base).await;
    let login = json!({"username": "binhlu", "password": "demo-binhlu"});
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&login)
        .send()
        .await
        .unwrap();
    let session: Value = response.json().await.unwrap();
    let token = session["token"].as_str().unwrap().to_string();
    let sync = || {
        client
            .post(format!("{base}/api/v1/sync"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    assert!(sync().await.is_err(), "the server died without answering");
    let status = dying.0.wait().unwrap();
    assert_eq!(status.signal(), Some(6), "killed by SIGABRT: {status:?}");
    assert_eq!(
        stored_versions(&database_url).await.len(),
        40,
        "committed before dying"
    );

    let _restarted = ServerProcess::start(&database_url, &site_root, port, None);
    wait_until_up(&client, &base).await;
    let response = sync().await.unwrap();
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(statuses(&answer), vec![("unchanged", 1); 40]);

    let response = client
        .get(format!("{base}/api/v1/records?limit=500"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let page: Value = response.json().await.unwrap();
    let mut stored: Vec<&str> = page["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| record["id"].as_str().unwrap())
        .collect();
    let mut sent: Vec<&str> = body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| record["id"].as_str().unwrap())
        .collect();
    stored.sort();
    sent.sort();
    assert_eq!(stored, sent);
    assert_eq!(stored_versions(&database_url).await.len(), 40);
}

async fn a_sync_cut_off_mid_request_stores_nothing(backend: Backend) {
    let app = demo_app(backend).await;
    let token = app.token("binhlu", "demo-binhlu").await;
    let body = batch(200);
    let bytes = body.to_string().into_bytes();
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/v1/sync HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        bytes.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&bytes[..bytes.len() / 2]).await.unwrap();
    stream.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(stream);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(stored_versions(&app.database_url).await.is_empty());

    let sync = || {
        app.client
            .post(app.url("/api/v1/sync"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let answer: Value = sync().await.unwrap().json().await.unwrap();
    assert_eq!(statuses(&answer), vec![("applied", 1); 200]);
    let answer: Value = sync().await.unwrap().json().await.unwrap();
    assert_eq!(statuses(&answer), vec![("unchanged", 1); 200]);
    assert_eq!(stored_versions(&app.database_url).await.len(), 200);
}
