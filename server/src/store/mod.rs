//! The store: SQLite or PostgreSQL, picked by the URL at [`open`]. sqlx binds `$1, $2, …` by
//! number on both, so each operation is one SQL text, which `on_db!` (on the pool) or
//! `on_conn!` (on a transaction's connection) compiles for both databases and runs on the live
//! one. The operations are methods of [`Store`], one file a resource:
//! - `records.rs`: the transaction sync batches share ([`SyncTurn`]), changed records, the change
//!   counter;
//! - `accounts.rs`: officers, sessions, device keys, sign-in attempts, passwords;
//! - `org_units.rs`: the unit tree and its successor links;
//! - `plans.rs`: the units' yearly plans, their targets, and baselines;
//! - `indicators.rs`: indicators, settings, and what the indicators count over the records;
//! - `quarters.rs`: communes' quarters on their way to approval, their frozen figures, and the
//!   records that arrived after an approval;
//! - `receiving_services.rs`: the services that receive referred people, referrals by slip code,
//!   and slip codes that matched nothing;
//! - `devices.rs`: what the phones report of their waiting records;
//! - `audit.rs`: the audit log, and retention's pruning.
//!
//! `sqlite.rs` and `postgres.rs` keep only each database's connection set-up and migrations.

use crate::model::Seed;
use domain::Coded as _;
use sqlx::{
    Database, Encode, PgConnection, PgPool, Postgres, QueryBuilder, Sqlite, SqliteConnection,
    SqlitePool, Transaction, Type,
};
use std::sync::Arc;

/// Runs `$run` with `$pool` bound to the live pool: one expression, compiled for each database.
/// Both arms must give one type, so `$run` unwraps its result with `?` (a query's result type is
/// each database's own).
macro_rules! on_db {
    ($db:expr, $pool:ident => $run:expr) => {
        match $db {
            $crate::store::Db::Sqlite($pool) => $run,
            $crate::store::Db::Postgres($pool) => $run,
        }
    };
}

/// Runs `$run` with `$c` bound to the connection of `$conn` (a [`Conn`]), as `on_db!` does a pool.
macro_rules! on_conn {
    ($conn:expr, $c:ident => $run:expr) => {
        match $conn {
            $crate::store::Conn::Sqlite($c) => $run,
            $crate::store::Conn::Postgres($c) => $run,
        }
    };
}

mod accounts;
mod agencies;
mod audit;
mod devices;
mod indicators;
mod org_units;
mod plans;
mod postgres;
mod quarters;
mod receiving_services;
mod records;
mod sqlite;

pub use agencies::name_key;
pub use indicators::DEADLINE_KEY;
pub use quarters::{QuarterKey, QuarterStep, StoredQuarter};
pub use records::{ChangePoint, Grouping, SyncTurn};
pub use sqlite::connect_options as sqlite_connect_options;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(sqlx::Error),
    /// A unique key (username, org unit id, …) is already taken.
    #[error("duplicate key")]
    Duplicate,
    /// The transaction a sync batch was decided in did not commit: nothing of it is stored.
    #[error("commit: {0}")]
    Commit(String),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("reference data: {0}")]
    Seed(String),
    /// A version the server makes itself (`sync::write_one`) could not be made: a bug.
    #[error("server's own version: {0}")]
    OwnVersion(String),
    #[error("unsupported DATABASE_URL (want sqlite:// or postgres://): {0}")]
    UnsupportedUrl(String),
}

/// A closed list's value from the code a table keeps as text (`domain::api`'s lists).
fn code<T: TryFrom<String, Error = domain::UnknownCode>>(text: String) -> Result<T, StoreError> {
    T::try_from(text)
        .map_err(|unknown| StoreError::Database(sqlx::Error::Decode(Box::new(unknown))))
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate,
            _ => StoreError::Database(error),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    Sqlite,
    Postgres,
}

impl StoreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Sqlite => "sqlite",
            StoreKind::Postgres => "postgres",
        }
    }
}

/// Most rows in one multi-row statement: 20 binds a row stays far below both databases' limits.
const ROWS_PER_STATEMENT: usize = 500;

/// Appends `column IN (values…)`, or a false condition for no values.
fn push_in<'a, DB: Database>(query: &mut QueryBuilder<'a, DB>, column: &str, values: &'a [&'a str])
where
    &'a str: Encode<'a, DB> + Type<DB>,
{
    if values.is_empty() {
        query.push("1 = 0");
        return;
    }
    query.push(column).push(" IN (");
    let mut list = query.separated(", ");
    for value in values {
        list.push_bind(*value);
    }
    query.push(")");
}

/// The database behind the server. Times are epoch milliseconds; `now` is passed in so callers
/// decide what "now" is.
pub struct Store {
    db: Db,
    sync_groups: records::SyncGroups,
}

/// The pool of the database the URL named.
enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A transaction; dropped without [`Tx::commit`], it rolls back.
enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A connection for a few statements: a transaction's, or one taken from the pool.
enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl Conn<'_> {
    /// The same connection for one more statement.
    fn reborrow(&mut self) -> Conn<'_> {
        match self {
            Conn::Sqlite(conn) => Conn::Sqlite(conn),
            Conn::Postgres(conn) => Conn::Postgres(conn),
        }
    }
}

impl Tx {
    fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(tx) => Conn::Sqlite(tx),
            Tx::Postgres(tx) => Conn::Postgres(tx),
        }
    }

    async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// Opens the store named by `url`, brings its schema up to date and loads the reference data into
/// a new one; fails loudly if it cannot.
pub async fn open(url: &str) -> Result<Arc<Store>, StoreError> {
    let db = if url.starts_with("sqlite:") {
        Db::Sqlite(sqlite::open(url).await?)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Db::Postgres(postgres::open(url).await?)
    } else {
        return Err(StoreError::UnsupportedUrl(
            url.split('@').next_back().unwrap_or_default().into(),
        ));
    };
    let store = Store {
        db,
        sync_groups: Default::default(),
    };
    if store.seed(&crate::seed::reference_data()?).await? {
        tracing::info!("loaded the reference org units, indicators and the 2023 plan");
    }
    Ok(Arc::new(store))
}

impl Store {
    pub fn kind(&self) -> StoreKind {
        match self.db {
            Db::Sqlite(_) => StoreKind::Sqlite,
            Db::Postgres(_) => StoreKind::Postgres,
        }
    }

    /// Closes every connection (SQLite folds its write-ahead log into the file).
    pub async fn close(&self) {
        on_db!(&self.db, pool => pool.close().await);
    }

    /// Answers when the database does; used by the health check.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// A transaction as both databases begin it by default (`BEGIN`).
    async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match &self.db {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// A transaction that reads and then writes: SQLite takes the write lock at `BEGIN`, else two
    /// such writers that both read first deadlock when they upgrade.
    async fn begin_write(&self) -> Result<Tx, StoreError> {
        Ok(match &self.db {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Loads the reference data when the store has no org units yet; says whether it did.
    async fn seed(&self, seed: &Seed) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let units: i64 = on_conn!(tx.conn(), conn => {
            sqlx::query_scalar("SELECT COUNT(*) FROM org_units").fetch_one(conn).await?
        });
        if units > 0 {
            return Ok(false);
        }
        // Two servers starting on one new database may both get here.
        for unit in &seed.units {
            org_units::insert_unit(&mut tx, unit, true).await?;
        }
        for unit in &seed.units {
            org_units::insert_successors(&mut tx, unit).await?;
        }
        // Report order is the seed's order.
        for (indicator, sort) in seed.indicators.iter().zip(1i32..) {
            on_conn!(tx.conn(), conn => {
                sqlx::query(
                    "INSERT INTO indicators (code, label_vi, label_en, kind, sort) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                )
                .bind(&indicator.code)
                .bind(&indicator.label_vi)
                .bind(&indicator.label_en)
                .bind(indicator.kind.as_str())
                .bind(sort)
                .execute(conn)
                .await?;
            });
        }
        let now = crate::clock::now_ms();
        for plan in &seed.plans {
            plans::insert_plan_rows(&mut tx, plan, now, true).await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}
