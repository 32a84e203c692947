//! `server bench-indicators`: how long the indicator engine takes (the twelve indicators and the
//! seven plain counts) for the district's year and each quarter over generated records of every
//! kind, beside one hand-written SQL query computing PCMD-TT01, PCMD-KT01 and PCMD-HT01 alone
//! (goal: ≤ 0.3 s and ≤ 2× that query), whose figures the engine's must equal. The records are
//! written straight into `records` with the facts the sync path would write, over 2022–2024, and
//! the monthly sums are then made from them as the sync path would keep them. On SQLite in a scratch
//! folder, and on PostgreSQL in a scratch database when `TEST_POSTGRES_URL` (or a `postgres://`
//! `DATABASE_URL`) names a server.

use crate::accounts::{self, NewOfficer};
use crate::bench::{database_url, postgres_server};
use crate::facts::facts_of;
use crate::indicators::{report, Breakdown};
use crate::model::{Level, OrgUnit};
use crate::store::{self, Store};
use anyhow::Context;
use domain::indicator::Period;
use domain::Coded;
use serde_json::{json, Value};
use sqlx::Connection;
use std::sync::Arc;
use std::time::{Duration, Instant};

const DISTRICT: &str = "ou-106";
const ROWS_PER_INSERT: usize = 500;
const AUDIENCES: [&str; 3] = ["youth", "students", "business_workers"];
const LEVELS: [&str; 2] = ["district", "commune"];
const CHANNELS: [&str; 2] = ["portal", "radio_tv"];
const TYPES: [&str; 4] = ["karaoke", "massage", "guesthouse", "bar"];
const SERVICES: [&str; 3] = ["HIV_TEST", "LEGAL", "PSYCHO"];
/// Each timing is the fastest of this many runs.
const RUNS: usize = 3;

pub async fn run(records: usize) -> anyhow::Result<()> {
    println!(
        "Indicators of district 106 over {records} generated records (2022-2024); best of {RUNS}"
    );
    let dir = std::env::temp_dir().join(format!("pcmd-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}", dir.join("indicators.sqlite3").display());
    let result = measure("SQLite", &url, records).await;
    std::fs::remove_dir_all(&dir)?;
    result?;
    if let Some(server) = postgres_server() {
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .context("connecting to the PostgreSQL server of TEST_POSTGRES_URL")?;
        let name = format!("pcmd_bench_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await?;
        let result = measure("PostgreSQL", &database_url(&server, &name), records).await;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await?;
        result?;
    }
    println!("goal: each period <= 0.3 s and <= 2x the hand-written query");
    Ok(())
}

async fn measure(name: &str, url: &str, records: usize) -> anyhow::Result<()> {
    let store: Arc<Store> = store::open(url).await?;
    let new = NewOfficer {
        receiving_service_id: None,
        username: "bench".into(),
        display_name: None,
        role: "district_officer".into(),
        org_unit_id: DISTRICT.into(),
        password: "bench-indicators-password".into(),
    };
    let officer = accounts::create(store.as_ref(), new, &Default::default()).await?;
    let units = store.org_units().await?;
    let communes: Vec<&str> = units
        .iter()
        .filter(|unit| unit.level == Level::Commune && unit.parent_id.as_deref() == Some(DISTRICT))
        .filter(|unit| unit.valid_during("2023-01-01", "2023-12-31"))
        .map(|unit| unit.id.as_str())
        .collect();
    let started = Instant::now();
    let rows = generated_rows(records, &communes, &officer.id)?;
    match store.kind() {
        store::StoreKind::Sqlite => {
            let pool = sqlx::SqlitePool::connect_with(store::sqlite_connect_options(url)?).await?;
            insert_sqlite(&pool, &rows).await?;
            store.rebuild_indicator_sums().await?;
            println!(
                "{name}: {records} records written in {:.1?}",
                started.elapsed()
            );
            let query = time(|| hand_written_sqlite(&pool, &communes)).await?;
            let hand = hand_written_sqlite(&pool, &communes).await?;
            report_times(name, store.as_ref(), &units, (query, hand)).await?;
            pool.close().await;
        }
        store::StoreKind::Postgres => {
            let pool = sqlx::PgPool::connect(url).await?;
            insert_postgres(&pool, &rows).await?;
            store.rebuild_indicator_sums().await?;
            // What autovacuum does after a bulk load: statistics, and the visibility map that
            // lets index-only scans skip the table.
            sqlx::query("VACUUM ANALYZE records").execute(&pool).await?;
            println!(
                "{name}: {records} records written in {:.1?}",
                started.elapsed()
            );
            let query = time(|| hand_written_postgres(&pool, &communes)).await?;
            let hand = hand_written_postgres(&pool, &communes).await?;
            report_times(name, store.as_ref(), &units, (query, hand)).await?;
            pool.close().await;
        }
    }
    Ok(())
}

async fn report_times(
    name: &str,
    store: &Store,
    units: &[OrgUnit],
    (query, hand): (Duration, [i64; 5]),
) -> anyhow::Result<()> {
    // The engine must agree with the hand-written query on what both compute.
    let year = report(
        store,
        units,
        DISTRICT,
        Period::new(2023, None).context("2023")?,
        None,
    )
    .await?;
    let figure = |code: &str| {
        let value = year.indicators.iter().find(|value| value.code == code);
        value.map(|value| (value.figure.numerator, value.figure.denominator))
    };
    let engine = [
        figure("PCMD-TT01").map(|(n, _)| n),
        figure("PCMD-KT01").map(|(n, _)| n),
        figure("PCMD-KT01").map(|(_, d)| d),
        figure("PCMD-HT01").map(|(n, _)| n),
        figure("PCMD-HT01").map(|(_, d)| d),
    ];
    anyhow::ensure!(
        engine == hand.map(Some),
        "{name}: the engine gives {engine:?}, the hand-written query {hand:?}"
    );
    println!(
        "{name:<12} {:<22} {:>9.3} s",
        "hand-written query",
        query.as_secs_f64()
    );
    for quarter in [None, Some(1), Some(2), Some(3), Some(4)] {
        let period = Period::new(2023, quarter).context("a 2023 period")?;
        let took = time(|| report(store, units, DISTRICT, period, None)).await?;
        let label = quarter.map_or("2023".to_string(), |q| format!("2023 Q{q}"));
        println!(
            "{name:<12} {label:<22} {:>9.3} s {:>6.2}x",
            took.as_secs_f64(),
            took.as_secs_f64() / query.as_secs_f64()
        );
    }
    let period = Period::new(2023, None).context("the 2023 period")?;
    let took = time(|| report(store, units, DISTRICT, period, Some(Breakdown::Period))).await?;
    println!(
        "{name:<12} {:<22} {:>9.3} s",
        "2023 by commune",
        took.as_secs_f64()
    );
    Ok(())
}

/// The fastest of [`RUNS`] runs.
async fn time<F, R, T, E>(mut run: F) -> anyhow::Result<Duration>
where
    F: FnMut() -> R,
    R: std::future::Future<Output = Result<T, E>>,
    E: Into<anyhow::Error>,
{
    let mut best = Duration::MAX;
    for _ in 0..RUNS {
        let started = Instant::now();
        run().await.map_err(Into::into)?;
        best = best.min(started.elapsed());
    }
    Ok(best)
}

/// A generated record as the `records` row the sync path would store, facts included.
struct Row {
    id: String,
    kind: String,
    org_unit_id: String,
    occurred_on: String,
    voided: bool,
    data: String,
    updated_by: String,
    facts: crate::model::RecordFacts,
}

fn generated_rows(count: usize, communes: &[&str], officer: &str) -> anyhow::Result<Vec<Row>> {
    let today = domain::Date::from_ymd(2025, 1, 1).context("a date")?;
    let mut ids = Vec::with_capacity(count);
    let mut rows = Vec::with_capacity(count);
    for n in 0..count {
        let unit = if n % 20 == 0 {
            DISTRICT
        } else {
            communes[n % communes.len()]
        };
        let raw = generated_record(n, unit, &ids);
        let record = domain::validate_value(&raw, today)
            .map_err(|errors| anyhow::anyhow!("generated record {n} is invalid: {errors:?}"))?;
        ids.push(record.id().to_string());
        rows.push(Row {
            id: record.id().to_string(),
            kind: record.kind().as_str().to_string(),
            org_unit_id: record.org_unit_id().to_string(),
            occurred_on: record.occurred_on().to_string(),
            voided: record.voided(),
            data: raw["data"].to_string(),
            updated_by: officer.to_string(),
            facts: facts_of(&record),
        });
    }
    Ok(rows)
}

/// Record `n`: every kind, about one in twenty voided, dates over 2022–2024; inspections name
/// earlier records (businesses among them).
fn generated_record(n: usize, unit: &str, ids: &[String]) -> Value {
    let occurred_on = format!("{}-{:02}-{:02}", 2022 + n % 3, 1 + n / 3 % 12, 1 + n % 28);
    let (kind, data) = match n % 20 {
        0..=7 => {
            let mut data = json!({"format": "group_talk", "audience": AUDIENCES[n % 3],
                                  "reached_male": n % 40, "reached_female": n % 35,
                                  "reached_first_time": n % 35});
            // Sessions for business workers at a registered business, one in two.
            if let Some(business) = ids.get(20 * (n / 40) + 11).filter(|_| n.is_multiple_of(2)) {
                data["business_id"] = json!(business);
            }
            ("outreach_session", data)
        }
        8..=10 => {
            let accessed = n.is_multiple_of(2);
            let mut data = json!({
                "client_code": format!("KH{:05}", n % 20_000), "in_need_eligible": !n.is_multiple_of(3),
                "consent": true, "service": SERVICES[n / 20 % 3],
                "status": if accessed { "accessed" } else { "referred" }
            });
            // Some accessed a month or two after they were referred.
            if accessed {
                let month = (1 + n / 3 % 12 + n / 7 % 3).min(12);
                data["accessed_on"] =
                    json!(format!("{}-{month:02}-{:02}", 2022 + n % 3, 1 + n % 28));
            }
            ("referral", data)
        }
        11 => (
            "business",
            json!({"name": format!("Cơ sở {n}"), "type": TYPES[n / 20 % 4], "workers": n % 15,
                   "female_workers": n % 15 / 2}),
        ),
        12 | 13 => {
            // A business registered earlier (records 11, 31, 51, … are businesses), else none.
            let business = ids
                .get(20 * (n / 40) + 11)
                .cloned()
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            let violation = (n / 20).is_multiple_of(5);
            let mut data = json!({"business_id": business, "violation_found": violation});
            if violation {
                data["fine_vnd"] = json!(1_500_000);
            }
            ("inspection", data)
        }
        14 | 15 => (
            "tip_off",
            json!({"handled_on": (!n.is_multiple_of(4)).then_some(occurred_on.clone())}),
        ),
        16 => (
            "training",
            json!({"level": LEVELS[n % 2], "trainees": n % 25,
                   "trainees_first_time": (n % 13).min(n % 25)}),
        ),
        17 => ("media_post", json!({"channel": CHANNELS[n % 2]})),
        18 => (
            "agency_integration",
            json!({"agency": format!("Cơ quan {}", n % 12)}),
        ),
        _ if n.is_multiple_of(2) => ("commune_plan", json!({"adopted_on": occurred_on})),
        _ => ("pilot_model", json!({})),
    };
    json!({"id": uuid::Uuid::new_v4().to_string(), "kind": kind, "org_unit_id": unit,
           "occurred_on": occurred_on, "base_version": 0, "voided": n.is_multiple_of(23), "data": data})
}

/// Writes the rows as the sync path's `records` rows, 500 to a statement, in one transaction.
macro_rules! insert_rows {
    ($name:ident, $db:ty) => {
        async fn $name(pool: &sqlx::Pool<$db>, rows: &[Row]) -> anyhow::Result<()> {
            let mut tx = pool.begin().await?;
            for (chunk_no, chunk) in rows.chunks(ROWS_PER_INSERT).enumerate() {
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO records (id, kind, org_unit_id, occurred_on, voided, data, \
                     version, updated_at, updated_by, change_seq, created_by, fact_people, \
                     fact_category, fact_subject, fact_eligible, fact_date, fact_days, fact_female, \
                     fact_flag, fact_amount, fact_first) ",
                );
                let first_seq = (chunk_no * ROWS_PER_INSERT) as i64 + 1;
                query.push_values(chunk.iter().zip(first_seq..), |mut values, (row, seq)| {
                    values
                        .push_bind(&row.id)
                        .push_bind(&row.kind)
                        .push_bind(&row.org_unit_id)
                        .push_bind(&row.occurred_on)
                        .push_bind(row.voided)
                        .push_bind(&row.data)
                        .push_bind(1_i64)
                        .push_bind(0_i64)
                        .push_bind(&row.updated_by)
                        .push_bind(seq)
                        .push_bind(&row.updated_by)
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
            }
            tx.commit().await?;
            Ok(())
        }
    };
}

insert_rows!(insert_sqlite, sqlx::Sqlite);
insert_rows!(insert_postgres, sqlx::Postgres);

/// PCMD-TT01, KT01 and HT01 numerators and denominators for the district's 2023, in one query:
/// the yardstick the engine is measured against.
macro_rules! hand_written {
    ($name:ident, $db:ty) => {
        async fn $name(pool: &sqlx::Pool<$db>, communes: &[&str]) -> anyhow::Result<[i64; 5]> {
            let mut query = sqlx::QueryBuilder::<$db>::new(
                "SELECT \
                 (SELECT COUNT(DISTINCT org_unit_id) FROM records WHERE kind = 'outreach_session' \
                  AND NOT voided AND occurred_on BETWEEN '2023-01-01' AND '2023-12-31' \
                  AND org_unit_id IN (",
            );
            let mut list = query.separated(", ");
            for commune in communes {
                list.push_bind(*commune);
            }
            query.push(
                ")), \
                 (SELECT COUNT(DISTINCT b.id) FROM records b JOIN records i ON i.fact_subject = b.id \
                  WHERE b.kind = 'business' AND NOT b.voided AND b.occurred_on <= '2023-12-31' \
                  AND i.kind = 'inspection' AND NOT i.voided \
                  AND i.occurred_on BETWEEN '2023-01-01' AND '2023-12-31'), \
                 (SELECT COUNT(*) FROM records WHERE kind = 'business' AND NOT voided \
                  AND occurred_on <= '2023-12-31'), \
                 (SELECT COUNT(DISTINCT fact_subject) FROM records WHERE kind = 'referral' \
                  AND NOT voided AND fact_eligible \
                  AND fact_date BETWEEN '2023-01-01' AND '2023-12-31'), \
                 (SELECT COUNT(DISTINCT fact_subject) FROM (\
                  SELECT fact_subject FROM records WHERE kind = 'referral' AND NOT voided \
                  AND fact_eligible AND occurred_on BETWEEN '2023-01-01' AND '2023-12-31' \
                  UNION ALL SELECT fact_subject FROM records WHERE kind = 'referral' \
                  AND NOT voided AND fact_eligible \
                  AND fact_date BETWEEN '2023-01-01' AND '2023-12-31') cohort)",
            );
            let row: (i64, i64, i64, i64, i64) = query.build_query_as().fetch_one(pool).await?;
            Ok([row.0, row.1, row.2, row.3, row.4])
        }
    };
}

hand_written!(hand_written_sqlite, sqlx::Sqlite);
hand_written!(hand_written_postgres, sqlx::Postgres);
