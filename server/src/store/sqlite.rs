//! The embedded store: one SQLite file, WAL mode, every commit durable before it is acknowledged.

use super::sql::{officer_select, record_columns, sql_store};
use super::{StoreError, StoreKind};
use domain::Coded as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    pool: SqlitePool,
}

/// How every connection to the file is opened (the benchmark's raw inserts too).
pub fn connect_options(url: &str) -> Result<SqliteConnectOptions, StoreError> {
    Ok(SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10)))
}

impl SqliteStore {
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(connect_options(url)?)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }
}

sql_store!(
    SqliteStore,
    sqlx::Sqlite,
    StoreKind::Sqlite,
    "BEGIN IMMEDIATE"
);
