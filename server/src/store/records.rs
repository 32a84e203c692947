//! Field records: the write transaction of a sync batch, and the changes phones pull.

use super::{audit, Db, Store, StoreError, Tx, ROWS_PER_STATEMENT};
use crate::model::{AuditEntry, ChangedRecord, HeldRecord, RecordFilter, RecordVersion};
use sqlx::QueryBuilder;
use std::collections::HashMap;

/// The columns of a `model::RecordRow`, in `records` and `record_versions` alike.
const RECORD_COLUMNS: &str =
    "id, kind, org_unit_id, occurred_on, voided, data, version, updated_at, updated_by";

/// The write transaction of one sync batch; dropped without [`SyncTx::commit`], it rolls back.
pub struct SyncTx {
    tx: Tx,
    /// The change counter as this transaction found it.
    last_seq: i64,
}

impl Store {
    /// Starts the write transaction of one sync batch. Writers take turns (the change counter is
    /// locked first, and SQLite starts `IMMEDIATE`), so change numbers commit in order.
    pub async fn begin_sync(&self) -> Result<SyncTx, StoreError> {
        // SQLite must take the write lock at `BEGIN`, else two writers that both read first
        // deadlock when they upgrade.
        let mut tx = match &self.db {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        };
        // In PostgreSQL this row lock is held until commit: the next writer waits here.
        let last_seq = on_conn!(tx.conn(), conn => {
            sqlx::query_scalar(
                "UPDATE change_counter SET last_seq = last_seq WHERE id = 1 RETURNING last_seq",
            )
            .fetch_one(conn)
            .await?
        });
        Ok(SyncTx { tx, last_seq })
    }

    /// Up to `filter.limit` records changed after `filter.after`, oldest change first.
    pub async fn changed_records(
        &self,
        filter: &RecordFilter<'_>,
    ) -> Result<Vec<ChangedRecord>, StoreError> {
        if filter.units.is_some_and(|units| units.is_empty()) || filter.kinds.is_empty() {
            return Ok(Vec::new());
        }
        Ok(on_db!(&self.db, pool => {
            let mut query = QueryBuilder::new(format!(
                "SELECT change_seq, {RECORD_COLUMNS} FROM records WHERE change_seq > "
            ));
            query.push_bind(filter.after);
            if let Some(units) = filter.units {
                query.push(" AND org_unit_id IN (");
                let mut list = query.separated(", ");
                for unit in units {
                    list.push_bind(*unit);
                }
                query.push(")");
            }
            query.push(" AND kind IN (");
            let mut kinds = query.separated(", ");
            for kind in filter.kinds {
                kinds.push_bind(*kind);
            }
            query.push(")");
            if let Some(officer_id) = filter.tip_offs_of {
                query
                    .push(" AND (kind <> 'tip_off' OR created_by = ")
                    .push_bind(officer_id)
                    .push(")");
            }
            query.push(" ORDER BY change_seq LIMIT ").push_bind(filter.limit);
            query.build_query_as().fetch_all(pool).await?
        }))
    }

    /// The newest change number given; 0 before any record.
    pub async fn last_change(&self) -> Result<i64, StoreError> {
        Ok(on_db!(&self.db, pool => {
            sqlx::query_scalar("SELECT last_seq FROM change_counter WHERE id = 1")
                .fetch_one(pool)
                .await?
        }))
    }
}

impl SyncTx {
    /// The stored records with these ids.
    pub async fn records(&mut self, ids: &[&str]) -> Result<Vec<HeldRecord>, StoreError> {
        let mut rows = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let found: Vec<HeldRecord> = on_conn!(self.tx.conn(), conn => {
                let mut query = QueryBuilder::new(format!(
                    "SELECT {RECORD_COLUMNS}, created_by FROM records WHERE id IN ("
                ));
                let mut list = query.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                query.push(")");
                query.build_query_as().fetch_all(conn).await?
            });
            rows.extend(found);
        }
        Ok(rows)
    }

    /// Stores the versions in order, each with the next change number (a record may change more
    /// than once in a batch; its row keeps the last), appends the audit line, and commits.
    pub async fn commit(
        mut self,
        versions: &[RecordVersion],
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let numbered: Vec<(i64, &RecordVersion)> = (self.last_seq + 1..).zip(versions).collect();
        // The record row takes each record's last version in the batch.
        let mut newest = HashMap::new();
        for (seq, version) in &numbered {
            newest.insert(version.row.id.as_str(), (*seq, *version));
        }
        let mut newest: Vec<_> = newest.into_values().collect();
        newest.sort_by_key(|(seq, _)| *seq);
        for chunk in newest.chunks(ROWS_PER_STATEMENT) {
            on_conn!(self.tx.conn(), conn => {
                // A new row's creator is this batch's sender; an existing row keeps its own.
                let mut query = QueryBuilder::new(format!(
                    "INSERT INTO records ({RECORD_COLUMNS}, change_seq, created_by, fact_people, \
                     fact_category, fact_subject, fact_eligible, fact_date, fact_days, \
                     fact_female, fact_flag, fact_amount, fact_first) "
                ));
                query.push_values(chunk, |mut row, (seq, version)| {
                    let record = &version.row;
                    let facts = &version.facts;
                    row.push_bind(&record.id)
                        .push_bind(&record.kind)
                        .push_bind(&record.org_unit_id)
                        .push_bind(&record.occurred_on)
                        .push_bind(record.voided)
                        .push_bind(&record.data)
                        .push_bind(record.version)
                        .push_bind(record.updated_at)
                        .push_bind(&record.updated_by)
                        .push_bind(*seq)
                        .push_bind(&record.updated_by)
                        .push_bind(facts.people)
                        .push_bind(&facts.category)
                        .push_bind(&facts.subject)
                        .push_bind(facts.eligible)
                        .push_bind(&facts.date)
                        .push_bind(facts.days)
                        .push_bind(facts.female)
                        .push_bind(facts.flag)
                        .push_bind(facts.amount)
                        .push_bind(facts.first);
                });
                query.push(
                    " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, \
                     org_unit_id = excluded.org_unit_id, occurred_on = excluded.occurred_on, \
                     voided = excluded.voided, data = excluded.data, \
                     version = excluded.version, updated_at = excluded.updated_at, \
                     updated_by = excluded.updated_by, change_seq = excluded.change_seq, \
                     fact_people = excluded.fact_people, \
                     fact_category = excluded.fact_category, \
                     fact_subject = excluded.fact_subject, \
                     fact_eligible = excluded.fact_eligible, \
                     fact_date = excluded.fact_date, fact_days = excluded.fact_days, \
                     fact_female = excluded.fact_female, fact_flag = excluded.fact_flag, \
                     fact_amount = excluded.fact_amount, fact_first = excluded.fact_first",
                );
                query.build().execute(conn).await?;
            });
        }
        // The primary key (id, version) is what refuses a version stored twice.
        for chunk in versions.chunks(ROWS_PER_STATEMENT) {
            on_conn!(self.tx.conn(), conn => {
                let mut query = QueryBuilder::new(format!(
                    "INSERT INTO record_versions ({RECORD_COLUMNS}, device_id) "
                ));
                query.push_values(chunk, |mut row, version| {
                    let record = &version.row;
                    row.push_bind(&record.id)
                        .push_bind(&record.kind)
                        .push_bind(&record.org_unit_id)
                        .push_bind(&record.occurred_on)
                        .push_bind(record.voided)
                        .push_bind(&record.data)
                        .push_bind(record.version)
                        .push_bind(record.updated_at)
                        .push_bind(&record.updated_by)
                        .push_bind(&version.device_id);
                });
                query.build().execute(conn).await?;
            });
        }
        if let Some((last_seq, _)) = numbered.last() {
            on_conn!(self.tx.conn(), conn => {
                sqlx::query("UPDATE change_counter SET last_seq = $1 WHERE id = 1")
                    .bind(*last_seq)
                    .execute(conn)
                    .await?;
            });
        }
        audit::insert_audit(self.tx.conn(), audit).await?;
        self.tx.commit().await
    }
}
