//! `server bench-load`: many devices send a batch each at the same moment, as after a flood when a
//! district's phones find the signal together. The server runs in its own process (this binary's
//! `serve`) on a fresh store, SQLite and then PostgreSQL; this process is the phones, over real
//! HTTP on loopback. Prints the answers' p50, p99 and slowest, the errors, and checks that every
//! record was stored exactly once. Budget: p99 ≤ 1 s, no error.

use crate::auth;
use crate::bench::{database_url, generated_record, postgres_server};
use crate::clock::now_ms;
use crate::model::{Officer, RecordFilter, Role, Session, UnitRef};
use crate::store::{self, Store};
use anyhow::{ensure, Context};
use domain::sync::{SyncResponse, SyncStatus};
use domain::{Coded, RecordKind};
use serde_json::json;
use sqlx::Connection;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Barrier;

/// Bursts per store; the first meets a cold server, the others a warm one.
const BURSTS: usize = 3;
const BUDGET: Duration = Duration::from_secs(1);

pub async fn run(devices: usize, records: usize) -> anyhow::Result<()> {
    println!(
        "Sync load: {devices} devices send {records} records each at the same moment, {BURSTS} \
         bursts, server in its own process"
    );
    println!(
        "{:<12} {:>9} {:>9} {:>9} {:>7} {:>9}",
        "store", "p50", "p99", "slowest", "errors", "stored"
    );
    let dir = std::env::temp_dir().join(format!("pcmd-load-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}", dir.join("load.sqlite3").display());
    let sqlite = round("SQLite", &url, devices, records).await;
    std::fs::remove_dir_all(&dir)?;
    sqlite?;
    if let Some(server) = postgres_server() {
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .context("connecting to the PostgreSQL server of TEST_POSTGRES_URL")?;
        let name = format!("pcmd_load_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await?;
        let result = round(
            "PostgreSQL",
            &database_url(&server, &name),
            devices,
            records,
        )
        .await;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await?;
        result?;
    }
    println!(
        "budget: p99 <= {} s, 0 errors, every record stored once",
        BUDGET.as_secs()
    );
    Ok(())
}

/// One district officer's account and session per device, made in the store directly (no
/// password hashing: sign-in is not what is measured).
async fn devices_of(store: &Store, devices: usize) -> anyhow::Result<Vec<(String, String)>> {
    let now = now_ms();
    let unit = store
        .org_units()
        .await?
        .into_iter()
        .find(|unit| unit.id == "ou-106")
        .context("the seed's district")?;
    let mut phones = Vec::with_capacity(devices);
    for n in 0..devices {
        let officer = Officer {
            id: uuid::Uuid::new_v4().to_string(),
            username: format!("load{n}"),
            display_name: format!("Load {n}"),
            role: Role::DistrictOfficer,
            org_unit: UnitRef {
                id: unit.id.clone(),
                code: unit.code.clone(),
                name: unit.name.clone(),
            },
            receiving_service: None,
            disabled: false,
            created_at: now,
            updated_at: now,
        };
        store.insert_officer(&officer, "-").await?;
        let token = auth::new_token();
        store
            .insert_session(&Session {
                token_hash: auth::token_hash(&token),
                officer_id: officer.id,
                created_at: now,
                expires_at: now + 3_600_000,
                ip: None,
                user_agent: None,
            })
            .await?;
        phones.push((token, uuid::Uuid::new_v4().to_string()));
    }
    Ok(phones)
}

async fn round(name: &str, url: &str, devices: usize, records: usize) -> anyhow::Result<()> {
    let store: Arc<Store> = store::open(url).await?;
    let phones = devices_of(store.as_ref(), devices).await?;
    let communes: Vec<String> = store
        .org_units()
        .await?
        .into_iter()
        .filter(|unit| unit.parent_id.as_deref() == Some("ou-106"))
        .filter(|unit| unit.valid_during("2023-01-01", "2023-12-31"))
        .map(|unit| unit.id)
        .collect();
    let server = Server::start(&std::env::current_exe()?, url).await?;
    let client = reqwest::Client::new();
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut next = 0;
    for _ in 0..BURSTS {
        let barrier = Arc::new(Barrier::new(devices));
        let mut phones_sending = Vec::with_capacity(devices);
        for (token, device_id) in &phones {
            let batch: Vec<_> = (next..next + records)
                .map(|n| generated_record(n, &communes[n % communes.len()]))
                .collect();
            next += records;
            let body = json!({"device_id": device_id, "records": batch}).to_string();
            let request = client
                .post(format!("{}/api/v1/sync", server.address))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body);
            let barrier = barrier.clone();
            phones_sending.push(tokio::spawn(async move {
                barrier.wait().await;
                let started = Instant::now();
                let applied = send(request, records).await;
                (started.elapsed(), applied)
            }));
        }
        for phone in phones_sending {
            let (took, applied) = phone.await?;
            latencies.push(took);
            if !applied {
                errors += 1;
            }
        }
    }
    server.stop().await;
    let stored = stored_once(store.as_ref(), next).await?;
    drop(store);
    latencies.sort();
    let at = |share: f64| latencies[((latencies.len() as f64 * share).ceil() as usize).max(1) - 1];
    println!(
        "{name:<12} {:>7.0}ms {:>7.0}ms {:>7.0}ms {errors:>7} {:>9}",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        if stored { "once" } else { "WRONG" },
    );
    ensure!(stored, "{name}: every record is stored exactly once");
    Ok(())
}

/// Whether the batch was answered 200 with every record applied.
async fn send(request: reqwest::RequestBuilder, records: usize) -> bool {
    let Ok(response) = request.send().await else {
        return false;
    };
    if !response.status().is_success() {
        return false;
    }
    response.json::<SyncResponse>().await.is_ok_and(|answer| {
        answer.results.len() == records
            && answer
                .results
                .iter()
                .all(|result| result.status == SyncStatus::Applied)
    })
}

/// Whether the store holds exactly `count` records, each in its first version.
async fn stored_once(store: &Store, count: usize) -> anyhow::Result<bool> {
    let kinds: Vec<&str> = RecordKind::ALL.iter().map(|kind| kind.as_str()).collect();
    let filter = RecordFilter {
        after: 0,
        units: None,
        kinds: &kinds,
        tip_offs_of: None,
        kept_by: None,
        limit: count as i64 + 1,
    };
    let rows = store.changed_records(&filter).await?;
    let ids: std::collections::HashSet<&str> = rows.iter().map(|r| r.row.id.as_str()).collect();
    Ok(rows.len() == count && ids.len() == count && rows.iter().all(|r| r.row.version == 1))
}

/// `server serve` of `binary` on the store, in a child process (killed if this is dropped before
/// `stop`).
pub(crate) struct Server {
    pub(crate) address: String,
    child: tokio::process::Child,
}

impl Server {
    pub(crate) async fn start(binary: &Path, database_url: &str) -> anyhow::Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let address = format!("http://127.0.0.1:{port}");
        let child = tokio::process::Command::new(binary)
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "error")
            .env_remove("PCMD_DEMO")
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("starting the server")?;
        let client = reqwest::Client::new();
        for _ in 0..100 {
            let health = client.get(format!("{address}/api/v1/health")).send().await;
            if health.is_ok_and(|answer| answer.status().is_success()) {
                return Ok(Server { address, child });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("the server did not answer its health check")
    }

    /// Ends the server and waits for it, so that its connections are closed.
    pub(crate) async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}
