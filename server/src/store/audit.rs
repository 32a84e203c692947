//! The audit log, and what retention deletes.

use super::{Conn, Db, Store, StoreError};
use crate::model::{AuditEntry, AuditFilter, LoggedAudit, PruneBefore, Pruned};
use sqlx::QueryBuilder;

impl Store {
    /// Appends one line to the audit log.
    pub async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        match &self.db {
            Db::Sqlite(pool) => {
                insert_audit(Conn::Sqlite(&mut *pool.acquire().await?), entry).await
            }
            Db::Postgres(pool) => {
                insert_audit(Conn::Postgres(&mut *pool.acquire().await?), entry).await
            }
        }
    }

    /// The lines `filter` picks, newest first.
    pub async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<LoggedAudit>, StoreError> {
        if filter.units.as_ref().is_some_and(|units| units.is_empty()) {
            return Ok(Vec::new());
        }
        Ok(on_db!(&self.db, pool => {
            let mut query = QueryBuilder::new(
                "SELECT id, at, officer_id, username, action, target, detail, ip \
                 FROM audit_log WHERE TRUE",
            );
            if let Some(action) = &filter.action {
                query.push(" AND action = ").push_bind(action);
            }
            if let Some(username) = &filter.username {
                query.push(" AND username = ").push_bind(username);
            }
            if let Some(since) = filter.since {
                query.push(" AND at >= ").push_bind(since);
            }
            if let Some(until) = filter.until {
                query.push(" AND at < ").push_bind(until);
            }
            if let Some(units) = &filter.units {
                query.push(" AND officer_id IN (SELECT id FROM officers WHERE org_unit_id IN (");
                let mut list = query.separated(", ");
                for unit in units {
                    list.push_bind(unit);
                }
                query.push("))");
            }
            query
                .push(" ORDER BY at DESC, id DESC LIMIT ")
                .push_bind(filter.limit);
            query.build_query_as().fetch_all(pool).await?
        }))
    }

    /// Deletes what retention no longer keeps, a batch at a time so that writers never wait long.
    pub async fn prune(&self, before: &PruneBefore) -> Result<Pruned, StoreError> {
        // A revoked session stays until it would have expired: until then its token still tells
        // a disabled officer's phone why it ended (`session_of_disabled`).
        let sessions = self
            .delete_batches(
                "DELETE FROM sessions WHERE token_hash IN (SELECT token_hash \
                 FROM sessions WHERE expires_at < $1 LIMIT $2)",
                before.sessions,
            )
            .await?;
        let login_failures = self
            .delete_batches(
                "DELETE FROM login_failures WHERE id IN (SELECT id \
                 FROM login_failures WHERE at < $1 LIMIT $2)",
                before.login_failures,
            )
            .await?;
        let audit_lines = self
            .delete_batches(
                "DELETE FROM audit_log WHERE id IN (SELECT id \
                 FROM audit_log WHERE at < $1 LIMIT $2)",
                before.audit,
            )
            .await?;
        Ok(Pruned {
            sessions,
            login_failures,
            audit_lines,
        })
    }

    /// Runs `sql` (a `DELETE` of at most `$2` rows older than `$1`) until it deletes fewer than a
    /// batch; gives how many rows went.
    async fn delete_batches(&self, sql: &'static str, before: i64) -> Result<u64, StoreError> {
        const BATCH: i64 = 5_000;
        let mut deleted = 0;
        loop {
            let done = on_db!(&self.db, pool => {
                sqlx::query(sql)
                    .bind(before)
                    .bind(BATCH)
                    .execute(pool)
                    .await?
                    .rows_affected()
            });
            deleted += done;
            if done < BATCH as u64 {
                return Ok(deleted);
            }
        }
    }
}

/// Appends `entry` to the audit log on `conn`: in the caller's transaction, or on its own.
pub(super) async fn insert_audit(conn: Conn<'_>, entry: &AuditEntry) -> Result<(), StoreError> {
    insert_audits(conn, std::slice::from_ref(entry)).await
}

/// Appends the lines in order, a few hundred a statement.
pub(super) async fn insert_audits(
    mut conn: Conn<'_>,
    entries: &[AuditEntry],
) -> Result<(), StoreError> {
    for chunk in entries.chunks(super::ROWS_PER_STATEMENT) {
        on_conn!(conn.reborrow(), conn => {
            let mut query = QueryBuilder::new(
                "INSERT INTO audit_log (at, officer_id, username, action, target, detail, ip) ",
            );
            query.push_values(chunk, |mut row, entry| {
                row.push_bind(entry.at)
                    .push_bind(&entry.officer_id)
                    .push_bind(&entry.username)
                    .push_bind(&entry.action)
                    .push_bind(&entry.target)
                    .push_bind(&entry.detail)
                    .push_bind(&entry.ip);
            });
            query.build().execute(conn).await?;
        });
    }
    Ok(())
}
