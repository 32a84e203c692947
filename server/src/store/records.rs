//! Field records: the write transaction of a sync batch with the monthly sums it changes, and the
//! changes phones pull.

use super::{audit, Conn, Db, Store, StoreError, Tx, ROWS_PER_STATEMENT};
use crate::model::{
    AuditEntry, ChangedRecord, HeldRecord, RecordFacts, RecordFilter, RecordRow, RecordVersion,
};
use sqlx::QueryBuilder;
use std::collections::{BTreeMap, HashMap};

/// The columns of a `model::RecordRow`, in `records` and `record_versions` alike.
const RECORD_COLUMNS: &str =
    "id, kind, org_unit_id, occurred_on, voided, data, version, updated_at, updated_by";

/// The write transaction of one sync batch; dropped without [`SyncTx::commit`], it rolls back.
pub struct SyncTx {
    tx: Tx,
    /// The change counter as this transaction found it.
    last_seq: i64,
    /// What each stored record read by [`SyncTx::records`] adds to the monthly sums.
    stored_sums: HashMap<String, Option<(SumKey, Sums)>>,
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
        Ok(SyncTx {
            tx,
            last_seq,
            stored_sums: HashMap::new(),
        })
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

    /// Makes the monthly sums again from every record: after records were written by other means
    /// than a sync batch (a bulk load).
    pub async fn rebuild_indicator_sums(&self) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        on_conn!(tx.conn(), conn => {
            sqlx::query("DELETE FROM indicator_sums").execute(conn).await?;
        });
        on_conn!(tx.conn(), conn => {
            sqlx::query(
                "INSERT INTO indicator_sums (kind, org_unit_id, category, month, days, records, \
                 people, female, amount, dated, first_time) \
                 SELECT kind, org_unit_id, COALESCE(fact_category, ''), SUBSTR(occurred_on, 1, 7), \
                 COALESCE(fact_days, -1), COUNT(*), COALESCE(SUM(fact_people), 0), \
                 COALESCE(SUM(fact_female), 0), COALESCE(SUM(fact_amount), 0), COUNT(fact_date), \
                 COALESCE(SUM(fact_first), 0) FROM records WHERE NOT voided GROUP BY 1, 2, 3, 4, 5",
            )
            .execute(conn)
            .await?;
        });
        tx.commit().await
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
    /// The stored records with these ids: every id the batch may write, so that what their
    /// stored rows add to the monthly sums is known at [`SyncTx::commit`].
    pub async fn records(&mut self, ids: &[&str]) -> Result<Vec<HeldRecord>, StoreError> {
        let mut rows = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let select = format!(
                "SELECT {RECORD_COLUMNS}, created_by, fact_category, fact_days, fact_people, \
                 fact_female, fact_amount, fact_date, fact_first FROM records WHERE id "
            );
            let found: Vec<Held> = match self.tx.conn() {
                Conn::Sqlite(conn) => {
                    let mut query = QueryBuilder::new(select);
                    query.push("IN (");
                    let mut list = query.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    query.push(")");
                    query.build_query_as().fetch_all(conn).await?
                }
                // One array parameter: PostgreSQL plans 500 separate ones slowly.
                Conn::Postgres(conn) => {
                    let mut query = QueryBuilder::new(select);
                    query.push("= ANY(").push_bind(chunk).push(")");
                    query.build_query_as().fetch_all(conn).await?
                }
            };
            for held in found {
                let facts = RecordFacts {
                    category: held.fact_category,
                    days: held.fact_days,
                    people: held.fact_people,
                    female: held.fact_female,
                    amount: held.fact_amount,
                    date: held.fact_date,
                    first: held.fact_first,
                    ..RecordFacts::default()
                };
                let sums = sums_of(&held.record.row, &facts);
                self.stored_sums.insert(held.record.row.id.clone(), sums);
                rows.push(held.record);
            }
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
        self.add_to_sums(&newest).await?;
        audit::insert_audit(self.tx.conn(), audit).await?;
        self.tx.commit().await
    }

    /// Changes the monthly sums by what the batch changed: each written record's stored row taken
    /// out, its newest row put in. One statement for the batch's few keys, not a write per record.
    async fn add_to_sums(&mut self, newest: &[(i64, &RecordVersion)]) -> Result<(), StoreError> {
        let mut changes: BTreeMap<SumKey, Sums> = BTreeMap::new();
        for (_, version) in newest {
            if let Some(Some((key, sums))) = self.stored_sums.get(&version.row.id) {
                changes.entry(key.clone()).or_default().add(sums, -1);
            }
            if let Some((key, sums)) = sums_of(&version.row, &version.facts) {
                changes.entry(key).or_default().add(&sums, 1);
            }
        }
        changes.retain(|_, sums| *sums != Sums::default());
        let changes: Vec<(SumKey, Sums)> = changes.into_iter().collect();
        for chunk in changes.chunks(ROWS_PER_STATEMENT) {
            on_conn!(self.tx.conn(), conn => {
                let mut query = QueryBuilder::new(
                    "INSERT INTO indicator_sums (kind, org_unit_id, category, month, days, \
                     records, people, female, amount, dated, first_time) ",
                );
                query.push_values(chunk, |mut row, (key, sums)| {
                    row.push_bind(&key.kind)
                        .push_bind(&key.org_unit_id)
                        .push_bind(&key.category)
                        .push_bind(&key.month)
                        .push_bind(key.days)
                        .push_bind(sums.records)
                        .push_bind(sums.people)
                        .push_bind(sums.female)
                        .push_bind(sums.amount)
                        .push_bind(sums.dated)
                        .push_bind(sums.first_time);
                });
                query.push(
                    " ON CONFLICT (kind, org_unit_id, category, month, days) DO UPDATE SET \
                     records = indicator_sums.records + excluded.records, \
                     people = indicator_sums.people + excluded.people, \
                     female = indicator_sums.female + excluded.female, \
                     amount = indicator_sums.amount + excluded.amount, \
                     dated = indicator_sums.dated + excluded.dated, \
                     first_time = indicator_sums.first_time + excluded.first_time",
                );
                query.build().execute(conn).await?;
            });
        }
        Ok(())
    }
}

/// A stored record with the facts its sums need.
#[derive(sqlx::FromRow)]
struct Held {
    #[sqlx(flatten)]
    record: HeldRecord,
    fact_category: Option<String>,
    fact_days: Option<i64>,
    fact_people: Option<i64>,
    fact_female: Option<i64>,
    fact_amount: Option<i64>,
    fact_date: Option<String>,
    fact_first: Option<i64>,
}

/// A row of the monthly sums of the non-voided records (`indicator_sums`, migration 0005): by
/// kind, unit, category ('' for none), month ('YYYY-MM' of `occurred_on`) and handling delay
/// (-1 for none).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SumKey {
    kind: String,
    org_unit_id: String,
    category: String,
    month: String,
    days: i64,
}

/// The sums of one key: records, their people, women, amounts, dated records (handled tip-offs)
/// and people reached for the first time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Sums {
    records: i64,
    people: i64,
    female: i64,
    amount: i64,
    dated: i64,
    first_time: i64,
}

impl Sums {
    fn add(&mut self, other: &Sums, sign: i64) {
        self.records += sign * other.records;
        self.people += sign * other.people;
        self.female += sign * other.female;
        self.amount += sign * other.amount;
        self.dated += sign * other.dated;
        self.first_time += sign * other.first_time;
    }
}

/// What a record adds to the monthly sums: nothing once voided. The same rule as the rebuild in
/// [`Store::rebuild_indicator_sums`] and migration 0011 (a test holds them equal).
fn sums_of(row: &RecordRow, facts: &RecordFacts) -> Option<(SumKey, Sums)> {
    if row.voided {
        return None;
    }
    let key = SumKey {
        kind: row.kind.clone(),
        org_unit_id: row.org_unit_id.clone(),
        category: facts.category.clone().unwrap_or_default(),
        month: row
            .occurred_on
            .get(..7)
            .unwrap_or(&row.occurred_on)
            .to_string(),
        days: facts.days.unwrap_or(-1),
    };
    let sums = Sums {
        records: 1,
        people: facts.people.unwrap_or(0),
        female: facts.female.unwrap_or(0),
        amount: facts.amount.unwrap_or(0),
        dated: i64::from(facts.date.is_some()),
        first_time: facts.first.unwrap_or(0),
    };
    Some((key, sums))
}
