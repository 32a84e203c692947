//! `server bench-sync`: records per second ingested through the real sync path (body parsing,
//! validation, scope, decision, one transaction per batch of 500), beside a raw multi-row insert
//! of the same rows into the same schema, also one transaction per 500. The ratio is the figure
//! (goal ≥ 0.5). On SQLite in a scratch folder, and on PostgreSQL in fresh scratch databases when
//! `TEST_POSTGRES_URL` (or a `postgres://` `DATABASE_URL`) names a server; SQLite's raw connection
//! is opened exactly as the store opens its own (WAL, synchronous FULL). Nothing else is touched.

use crate::accounts::{self, NewOfficer};
use crate::model::{ChangedRecord, Level, Officer, RecordFilter};
use crate::scope::Scope;
use crate::store::{self, Store};
use crate::sync::{sync, Sender};
use anyhow::{ensure, Context};
use domain::sync::{SyncRequest, SyncStatus, MAX_BATCH};
use domain::{Coded, Lang};
use serde_json::{json, Value};
use sqlx::Connection;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const DEVICE: &str = "00000000-0000-4000-8000-00000000be4c";
/// The raw store needs the officer the rows name, not their password.
const UNUSED_HASH: &str = "-";

/// Each store is measured on fresh databases this many times and the fastest round of each path
/// counts, which keeps whatever else the machine is doing out of the figures.
const ROUNDS: usize = 5;

pub async fn run(records: usize) -> anyhow::Result<()> {
    println!(
        "Sync ingest: {records} records (outreach sessions and referrals), batches of {MAX_BATCH}, \
         one transaction each; best of {ROUNDS} rounds"
    );
    println!(
        "{:<12} {:>16} {:>16} {:>7}",
        "store", "sync path", "raw insert", "ratio"
    );
    let dir = std::env::temp_dir().join(format!("pcmd-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let sqlite = best_of(|round| sqlite_round(&dir, round, records)).await;
    std::fs::remove_dir_all(&dir)?;
    report("SQLite", records, sqlite?);
    if let Some(server) = postgres_server() {
        let postgres = best_of(|_| postgres_round(&server, records)).await?;
        report("PostgreSQL", records, postgres);
    }
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

/// The fastest sync path and the fastest raw insert over the rounds.
async fn best_of<F, R>(mut round: F) -> anyhow::Result<(Duration, Duration)>
where
    F: FnMut(usize) -> R,
    R: std::future::Future<Output = anyhow::Result<(Duration, Duration)>>,
{
    let mut best = (Duration::MAX, Duration::MAX);
    for n in 0..ROUNDS {
        let (sync_path, raw) = round(n).await?;
        best = (best.0.min(sync_path), best.1.min(raw));
    }
    Ok(best)
}

fn report(store: &str, records: usize, (sync_path, raw): (Duration, Duration)) {
    let per_second = |took: Duration| records as f64 / took.as_secs_f64();
    println!(
        "{store:<12} {:>11.0} rec/s {:>11.0} rec/s {:>7.2}",
        per_second(sync_path),
        per_second(raw),
        raw.as_secs_f64() / sync_path.as_secs_f64()
    );
}

async fn sqlite_round(
    dir: &Path,
    round: usize,
    records: usize,
) -> anyhow::Result<(Duration, Duration)> {
    let url = |name: &str| {
        format!(
            "sqlite://{}",
            dir.join(format!("{name}-{round}.sqlite3")).display()
        )
    };
    let (rows, sync_path) = ingest(&url("sync"), records).await?;
    let raw_url = url("raw");
    let raw_store = store::open(&raw_url).await?;
    raw_store.insert_officer(&rows.officer, UNUSED_HASH).await?;
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(store::sqlite_connect_options(&raw_url)?)
        .await?;
    let raw = raw_insert_sqlite(&pool, &rows.records).await?;
    pool.close().await;
    Ok((sync_path, raw))
}

async fn postgres_round(server: &str, records: usize) -> anyhow::Result<(Duration, Duration)> {
    let mut admin = sqlx::PgConnection::connect(server)
        .await
        .with_context(|| "connecting to the PostgreSQL server of TEST_POSTGRES_URL")?;
    let name = format!("pcmd_bench_{}", uuid::Uuid::new_v4().simple());
    let (sync_db, raw_db) = (format!("{name}_sync"), format!("{name}_raw"));
    for db in [&sync_db, &raw_db] {
        sqlx::query(&format!("CREATE DATABASE {db}"))
            .execute(&mut admin)
            .await?;
    }
    let result = async {
        let (rows, sync_path) = ingest(&database_url(server, &sync_db), records).await?;
        let raw_url = database_url(server, &raw_db);
        let raw_store = store::open(&raw_url).await?;
        raw_store.insert_officer(&rows.officer, UNUSED_HASH).await?;
        let pool = sqlx::PgPool::connect(&raw_url).await?;
        let raw = raw_insert_postgres(&pool, &rows.records).await?;
        pool.close().await;
        anyhow::Ok((sync_path, raw))
    }
    .await;
    for db in [&sync_db, &raw_db] {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
            .execute(&mut admin)
            .await?;
    }
    result
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

/// What the sync path stored, for the raw insert to store again.
struct Ingested {
    officer: Officer,
    records: Vec<ChangedRecord>,
}

/// Syncs `count` generated records into a new store at `url`, timing the sync path only.
async fn ingest(url: &str, count: usize) -> anyhow::Result<(Ingested, Duration)> {
    let store: Arc<Store> = store::open(url).await?;
    let new = NewOfficer {
        username: "bench".into(),
        display_name: None,
        role: "district_officer".into(),
        org_unit_id: "ou-106".into(),
        password: "bench-sync-password".into(),
    };
    let officer = accounts::create(store.as_ref(), new, &Default::default()).await?;
    let units = store.org_units().await?;
    let scope = Scope::new(officer.role, &officer.org_unit.id, &units);
    let communes: Vec<&str> = units
        .iter()
        .filter(|unit| unit.level == Level::Commune && unit.parent_id.as_deref() == Some("ou-106"))
        .filter(|unit| unit.valid_during("2023-01-01", "2023-12-31"))
        .map(|unit| unit.id.as_str())
        .collect();
    let bodies: Vec<String> = (0..count)
        .map(|n| generated_record(n, communes[n % communes.len()]))
        .collect::<Vec<_>>()
        .chunks(MAX_BATCH)
        .map(|records| json!({"device_id": DEVICE, "records": records}).to_string())
        .collect();
    let sender = Sender {
        officer: &officer,
        scope: &scope,
        ip: "127.0.0.1",
        device_id: DEVICE,
    };
    let started = Instant::now();
    for body in &bodies {
        let request: SyncRequest = serde_json::from_str(body)?;
        let results = sync(store.as_ref(), &sender, &request.records, Lang::En).await?;
        let applied = results
            .iter()
            .filter(|result| result.status == SyncStatus::Applied)
            .count();
        ensure!(
            applied == request.records.len(),
            "every generated record is applied"
        );
    }
    let took = started.elapsed();
    let unit_ids = scope.unit_ids();
    let kinds: Vec<&str> = scope.record_kinds().iter().map(|k| k.as_str()).collect();
    let filter = RecordFilter {
        after: 0,
        units: Some(&unit_ids),
        kinds: &kinds,
        tip_offs_of: None,
        limit: count as i64,
    };
    let records = store.changed_records(&filter).await?;
    ensure!(records.len() == count, "every generated record is stored");
    Ok((Ingested { officer, records }, took))
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

/// The floor the sync path is measured against: the rows it stored, written again with nothing
/// but multi-row `INSERT`s, one transaction per batch. The same text for both databases.
macro_rules! raw_insert {
    ($name:ident, $db:ty) => {
        async fn $name(pool: &sqlx::Pool<$db>, rows: &[ChangedRecord]) -> anyhow::Result<Duration> {
            let started = Instant::now();
            for batch in rows.chunks(MAX_BATCH) {
                let mut tx = pool.begin().await?;
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO records (id, kind, org_unit_id, occurred_on, voided, data, \
                     version, updated_at, updated_by, change_seq) ",
                );
                query.push_values(batch, |mut values, changed| {
                    let row = &changed.row;
                    values
                        .push_bind(&row.id)
                        .push_bind(&row.kind)
                        .push_bind(&row.org_unit_id)
                        .push_bind(&row.occurred_on)
                        .push_bind(row.voided)
                        .push_bind(&row.data)
                        .push_bind(row.version)
                        .push_bind(row.updated_at)
                        .push_bind(&row.updated_by)
                        .push_bind(changed.change_seq);
                });
                query.build().execute(&mut *tx).await?;
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO record_versions (id, kind, org_unit_id, occurred_on, voided, \
                     data, version, updated_at, updated_by, device_id) ",
                );
                query.push_values(batch, |mut values, changed| {
                    let row = &changed.row;
                    values
                        .push_bind(&row.id)
                        .push_bind(&row.kind)
                        .push_bind(&row.org_unit_id)
                        .push_bind(&row.occurred_on)
                        .push_bind(row.voided)
                        .push_bind(&row.data)
                        .push_bind(row.version)
                        .push_bind(row.updated_at)
                        .push_bind(&row.updated_by)
                        .push_bind(DEVICE);
                });
                query.build().execute(&mut *tx).await?;
                tx.commit().await?;
            }
            Ok(started.elapsed())
        }
    };
}

raw_insert!(raw_insert_sqlite, sqlx::Sqlite);
raw_insert!(raw_insert_postgres, sqlx::Postgres);

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
