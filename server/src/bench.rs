//! `server bench-sync`: records per second through `POST /api/v1/sync` over real HTTP, beside a
//! plain bulk insert of the same rows. The sync path: `server serve` in its own process on a fresh
//! store (this build's, and with `--baseline` another build's too), this process the phone sending
//! batches of 500 one after the other. The plain insert: the same rows, with their facts, into
//! `records` and `record_versions` of another fresh store with nothing but multi-row `INSERT`s,
//! one transaction per 500, from this process (no sums, no audit, no checks): the storage's limit.
//! The ratio is the figure (goal ≥ 0.5). On SQLite in a scratch folder (the plain insert's
//! connection opened as the store opens its own: WAL, synchronous FULL), and on PostgreSQL in
//! fresh scratch databases when `TEST_POSTGRES_URL` (or a `postgres://` `DATABASE_URL`) names a
//! server. Nothing else is touched.

use crate::bench_load::Server;
use crate::clock::now_ms;
use crate::facts::facts_of;
use crate::model::{Level, Officer, RecordFacts, Role, UnitRef};
use crate::store;
use anyhow::{ensure, Context};
use domain::sync::{content_of, SyncResponse, SyncStatus, MAX_BATCH};
use domain::{Coded, Date};
use serde_json::{json, Value};
use sqlx::Connection;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const DEVICE: &str = "00000000-0000-4000-8000-00000000be4c";
const DISTRICT: &str = "ou-106";
const USERNAME: &str = "bench";
const PASSWORD: &str = "bench-sync-password";

/// Each path is measured on fresh stores this many times and its fastest round counts, which
/// keeps whatever else the machine is doing out of the figures.
const ROUNDS: usize = 5;

pub async fn run(records: usize, baseline: Option<PathBuf>) -> anyhow::Result<()> {
    println!(
        "Sync ingest: {records} records (outreach sessions and referrals) over HTTP in batches of \
         {MAX_BATCH}, one after the other, beside a plain bulk insert of the same rows; best of \
         {ROUNDS} rounds"
    );
    println!(
        "{:<12} {:<11} {:>16} {:>16} {:>7}",
        "store", "server", "sync over HTTP", "plain insert", "ratio"
    );
    let mut builds = vec![("this build", std::env::current_exe()?)];
    if let Some(baseline) = baseline {
        builds.push(("baseline", baseline));
    }
    let batches = batches(records)?;
    let dir = std::env::temp_dir().join(format!("pcmd-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let mut stores = vec![("SQLite", Scratch::Sqlite(dir.clone()))];
    if let Some(server) = postgres_server() {
        stores.push(("PostgreSQL", Scratch::Postgres(server)));
    }
    let result = async {
        for (name, scratch) in &stores {
            let plain = best_of(|| plain_round(scratch, &batches)).await?;
            for (build, binary) in &builds {
                let sync_path = best_of(|| sync_round(scratch, binary, &batches)).await?;
                let per_second = |took: Duration| records as f64 / took.as_secs_f64();
                println!(
                    "{name:<12} {build:<11} {:>10.0} rec/s {:>10.0} rec/s {:>7.2}",
                    per_second(sync_path),
                    per_second(plain),
                    plain.as_secs_f64() / sync_path.as_secs_f64()
                );
            }
        }
        anyhow::Ok(())
    }
    .await;
    std::fs::remove_dir_all(&dir)?;
    result?;
    println!("goal: ratio >= 0.5");
    Ok(())
}

pub(crate) fn postgres_server() -> Option<String> {
    let test = std::env::var("TEST_POSTGRES_URL").ok();
    let database = std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres://") || url.starts_with("postgresql://"));
    test.filter(|url| !url.trim().is_empty()).or(database)
}

/// The fastest of [`ROUNDS`] rounds.
async fn best_of<F, R>(mut round: F) -> anyhow::Result<Duration>
where
    F: FnMut() -> R,
    R: std::future::Future<Output = anyhow::Result<Duration>>,
{
    let mut best = Duration::MAX;
    for _ in 0..ROUNDS {
        best = best.min(round().await?);
    }
    Ok(best)
}

/// Where a round's fresh stores are made.
enum Scratch {
    Sqlite(PathBuf),
    /// The URL of a PostgreSQL server, where fresh databases are made and dropped.
    Postgres(String),
}

impl Scratch {
    /// Runs `round` on the URL of a fresh, empty store, and removes that store after.
    async fn with_fresh<F, R>(&self, round: F) -> anyhow::Result<Duration>
    where
        F: FnOnce(String) -> R,
        R: std::future::Future<Output = anyhow::Result<Duration>>,
    {
        let name = format!("pcmd_bench_{}", uuid::Uuid::new_v4().simple());
        match self {
            Scratch::Sqlite(dir) => {
                let file = dir.join(format!("{name}.sqlite3"));
                let result = round(format!("sqlite://{}", file.display())).await;
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
                }
                result
            }
            Scratch::Postgres(server) => {
                let mut admin = sqlx::PgConnection::connect(server)
                    .await
                    .context("connecting to the PostgreSQL server of TEST_POSTGRES_URL")?;
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await?;
                let result = round(database_url(server, &name)).await;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await?;
                result
            }
        }
    }
}

/// The URL of database `name` on the server of `server_url`.
pub(crate) fn database_url(server_url: &str, name: &str) -> String {
    let (base, query) = server_url
        .split_once('?')
        .map_or((server_url, None), |(base, query)| (base, Some(query)));
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

/// The generated records in batches of [`MAX_BATCH`], for the district's communes of 2023.
fn batches(count: usize) -> anyhow::Result<Vec<Vec<Value>>> {
    let units = crate::seed::reference_data()?.units;
    let communes: Vec<&str> = units
        .iter()
        .filter(|unit| unit.level == Level::Commune && unit.parent_id.as_deref() == Some(DISTRICT))
        .filter(|unit| unit.valid_during("2023-01-01", "2023-12-31"))
        .map(|unit| unit.id.as_str())
        .collect();
    let records: Vec<Value> = (0..count)
        .map(|n| generated_record(n, communes[n % communes.len()]))
        .collect();
    Ok(records.chunks(MAX_BATCH).map(<[Value]>::to_vec).collect())
}

/// The district officer's account made by `binary user add` (as an admin would), the server
/// started, one sign-in, then the batches timed from the first request to the last answer. The
/// answers are checked after the clock stops: every record applied.
async fn sync_round(
    scratch: &Scratch,
    binary: &Path,
    batches: &[Vec<Value>],
) -> anyhow::Result<Duration> {
    scratch
        .with_fresh(|url| async move {
            add_officer(binary, &url).await?;
            let server = Server::start(binary, &url).await?;
            let result = send_batches(&server.address, batches).await;
            server.stop().await;
            result
        })
        .await
}

async fn add_officer(binary: &Path, url: &str) -> anyhow::Result<()> {
    use tokio::io::AsyncWriteExt as _;
    let mut child = tokio::process::Command::new(binary)
        .args(["user", "add", "--username", USERNAME])
        .args(["--role", "district_officer", "--org-unit", "106"])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "error")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("starting `server user add`")?;
    let mut stdin = child.stdin.take().context("its standard input")?;
    stdin.write_all(format!("{PASSWORD}\n").as_bytes()).await?;
    drop(stdin);
    ensure!(child.wait().await?.success(), "`server user add` failed");
    Ok(())
}

async fn send_batches(address: &str, batches: &[Vec<Value>]) -> anyhow::Result<Duration> {
    let client = reqwest::Client::new();
    let signed_in: Value = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&json!({"username": USERNAME, "password": PASSWORD}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = signed_in["token"].as_str().context("a session token")?;
    let bodies: Vec<String> = batches
        .iter()
        .map(|records| json!({"device_id": DEVICE, "records": records}).to_string())
        .collect();
    let mut answers = Vec::with_capacity(bodies.len());
    let started = Instant::now();
    for body in bodies {
        let answer = client
            .post(format!("{address}/api/v1/sync"))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        answers.push(answer);
    }
    let took = started.elapsed();
    for (answer, batch) in answers.iter().zip(batches) {
        let answer: SyncResponse = serde_json::from_slice(answer)?;
        let applied = answer
            .results
            .iter()
            .filter(|result| result.status == SyncStatus::Applied)
            .count();
        ensure!(applied == batch.len(), "every generated record is applied");
    }
    Ok(took)
}

/// A row as the sync path stores it.
struct Row {
    id: String,
    kind: String,
    org_unit_id: String,
    occurred_on: String,
    data: String,
    facts: RecordFacts,
}

/// The batches' rows written plainly into a fresh store, timed from the first `BEGIN` to the
/// last commit.
async fn plain_round(scratch: &Scratch, batches: &[Vec<Value>]) -> anyhow::Result<Duration> {
    let today = Date::from_ymd(2024, 1, 1).context("a date")?;
    let mut rows = Vec::with_capacity(batches.len());
    for batch in batches {
        let mut batch_rows = Vec::with_capacity(batch.len());
        for raw in batch {
            let record = domain::validate_value(raw, today)
                .map_err(|errors| anyhow::anyhow!("a generated record is invalid: {errors:?}"))?;
            batch_rows.push(Row {
                id: record.id().to_string(),
                kind: record.kind().as_str().to_string(),
                org_unit_id: record.org_unit_id().to_string(),
                occurred_on: record.occurred_on().to_string(),
                data: content_of(&record)["data"].to_string(),
                facts: facts_of(&record),
            });
        }
        rows.push(batch_rows);
    }
    scratch
        .with_fresh(|url| async move {
            let officer = officer();
            // The schema and the officer the rows name, made by the store; then the store's own
            // pool is closed and the plain insert has the database to itself.
            let store = store::open(&url).await?;
            store.insert_officer(&officer, "-").await?;
            drop(store);
            if url.starts_with("sqlite:") {
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(store::sqlite_connect_options(&url)?)
                    .await?;
                let took = plain_insert_sqlite(&pool, &rows, &officer.id).await;
                pool.close().await;
                took
            } else {
                let pool = sqlx::PgPool::connect(&url).await?;
                let took = plain_insert_postgres(&pool, &rows, &officer.id).await;
                pool.close().await;
                took
            }
        })
        .await
}

fn officer() -> Officer {
    let now = now_ms();
    Officer {
        id: uuid::Uuid::new_v4().to_string(),
        username: USERNAME.into(),
        display_name: USERNAME.into(),
        role: Role::DistrictOfficer,
        org_unit: UnitRef {
            id: DISTRICT.into(),
            code: "106".into(),
            name: "Huyện Tam Đường".into(),
        },
        receiving_service: None,
        disabled: false,
        created_at: now,
        updated_at: now,
    }
}

/// Seven outreach sessions to three referrals, spread over the communes and the year.
pub(crate) fn generated_record(n: usize, unit: &str) -> Value {
    let occurred_on = format!("2023-{:02}-{:02}", 1 + n % 12, 1 + n % 28);
    let data = if n % 10 < 7 {
        let formats = ["group_talk", "leaflets", "loudspeaker", "school_session"];
        let audiences = ["youth", "women", "business_workers", "students"];
        json!({
            "format": formats[n % formats.len()], "audience": audiences[n / 7 % audiences.len()],
            "reached_male": n % 40, "reached_female": n % 35, "language": "vi",
            "village": format!("Bản {}", n % 17)
        })
    } else {
        let services = ["HIV_TEST", "STI", "LEGAL", "PSYCHO", "JOB"];
        json!({
            "client_code": format!("KH{:05}", n % 4000), "in_need_eligible": !n.is_multiple_of(3),
            "consent": true, "service": services[n % services.len()], "status": "referred"
        })
    };
    let kind = if n % 10 < 7 {
        "outreach_session"
    } else {
        "referral"
    };
    json!({
        "id": uuid::Uuid::new_v4().to_string(), "kind": kind, "org_unit_id": unit,
        "occurred_on": occurred_on, "base_version": 0, "voided": false, "data": data
    })
}

/// The floor the sync path is measured against, the same text for both databases.
macro_rules! plain_insert {
    ($name:ident, $db:ty) => {
        async fn $name(
            pool: &sqlx::Pool<$db>,
            batches: &[Vec<Row>],
            officer: &str,
        ) -> anyhow::Result<Duration> {
            let now = now_ms();
            let started = Instant::now();
            let mut seq = 0_i64;
            for batch in batches {
                let mut tx = pool.begin().await?;
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO records (id, kind, org_unit_id, occurred_on, voided, data, \
                     version, updated_at, updated_by, change_seq, created_by, fact_people, \
                     fact_category, fact_subject, fact_eligible, fact_date, fact_days, \
                     fact_female, fact_flag, fact_amount, fact_first) ",
                );
                query.push_values(batch, |mut values, row| {
                    seq += 1;
                    values
                        .push_bind(&row.id)
                        .push_bind(&row.kind)
                        .push_bind(&row.org_unit_id)
                        .push_bind(&row.occurred_on)
                        .push_bind(false)
                        .push_bind(&row.data)
                        .push_bind(1_i64)
                        .push_bind(now)
                        .push_bind(officer)
                        .push_bind(seq)
                        .push_bind(officer)
                        .push_bind(row.facts.people)
                        .push_bind(&row.facts.category)
                        .push_bind(&row.facts.subject)
                        .push_bind(row.facts.eligible)
                        .push_bind(&row.facts.date)
                        .push_bind(row.facts.days)
                        .push_bind(row.facts.female)
                        .push_bind(row.facts.flag)
                        .push_bind(row.facts.amount)
                        .push_bind(row.facts.first);
                });
                query.build().execute(&mut *tx).await?;
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO record_versions (id, kind, org_unit_id, occurred_on, voided, \
                     data, version, updated_at, updated_by, device_id) ",
                );
                query.push_values(batch, |mut values, row| {
                    values
                        .push_bind(&row.id)
                        .push_bind(&row.kind)
                        .push_bind(&row.org_unit_id)
                        .push_bind(&row.occurred_on)
                        .push_bind(false)
                        .push_bind(&row.data)
                        .push_bind(1_i64)
                        .push_bind(now)
                        .push_bind(officer)
                        .push_bind(DEVICE);
                });
                query.build().execute(&mut *tx).await?;
                tx.commit().await?;
            }
            Ok(started.elapsed())
        }
    };
}

plain_insert!(plain_insert_sqlite, sqlx::Sqlite);
plain_insert!(plain_insert_postgres, sqlx::Postgres);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_databases_live_on_the_given_server() {
        assert_eq!(
            database_url("postgres://postgres@127.0.0.1:5432/postgres", "b"),
            "postgres://postgres@127.0.0.1:5432/b"
        );
        assert_eq!(
            database_url("postgres://u:p@db/main?sslmode=require", "b"),
            "postgres://u:p@db/b?sslmode=require"
        );
    }

    #[test]
    fn generated_records_are_valid() {
        let today = domain::Date::from_ymd(2024, 1, 1).unwrap();
        for n in 0..40 {
            let record = generated_record(n, "ou-03412");
            assert!(domain::validate_value(&record, today).is_ok(), "{record}");
        }
    }
}
