//! The store for provinces and beyond: PostgreSQL, shared by stateless servers.

use super::StoreError;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

/// The pool of the database at `url`, its schema brought up to date.
pub async fn open(url: &str) -> Result<PgPool, StoreError> {
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .connect(url)
        .await?;
    sqlx::migrate!("migrations/postgres").run(&pool).await?;
    Ok(pool)
}
