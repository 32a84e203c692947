//! The store for provinces and beyond: PostgreSQL, shared by stateless servers.

use super::sql::{officer_select, record_columns, sql_store};
use super::{StoreError, StoreKind};
use domain::Coded as _;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(PostgresStore { pool })
    }
}

sql_store!(PostgresStore, sqlx::Postgres, StoreKind::Postgres, "BEGIN");
