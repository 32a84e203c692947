//! Field records: the write transaction sync batches share (group commit), with the monthly sums
//! they change, and the changes phones pull.

use super::{audit, Conn, Store, StoreError, Tx, ROWS_PER_STATEMENT};
use crate::model::{
    AuditEntry, ChangedRecord, HeldRecord, RecordFacts, RecordFilter, RecordRow, RecordVersion,
};
use sqlx::QueryBuilder;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tokio::sync::{watch, Mutex, OwnedMutexGuard};

/// The columns of a `model::RecordRow`, in `records` and `record_versions` alike.
pub(super) const RECORD_COLUMNS: &str =
    "id, kind, org_unit_id, occurred_on, voided, data, version, updated_at, updated_by";

/// The columns `records` has beyond a version's, in the order the writes bind them.
const FACT_COLUMNS: &str = "change_seq, created_by, fact_people, fact_category, fact_subject, \
     fact_eligible, fact_date, fact_days, fact_female, fact_flag, fact_amount, fact_first";

/// A new row's creator is its first version's sender; an existing row keeps its own.
const RECORD_UPSERT: &str = " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, \
     org_unit_id = excluded.org_unit_id, occurred_on = excluded.occurred_on, \
     voided = excluded.voided, data = excluded.data, version = excluded.version, \
     updated_at = excluded.updated_at, updated_by = excluded.updated_by, \
     change_seq = excluded.change_seq, fact_people = excluded.fact_people, \
     fact_category = excluded.fact_category, fact_subject = excluded.fact_subject, \
     fact_eligible = excluded.fact_eligible, fact_date = excluded.fact_date, \
     fact_days = excluded.fact_days, fact_female = excluded.fact_female, \
     fact_flag = excluded.fact_flag, fact_amount = excluded.fact_amount, \
     fact_first = excluded.fact_first";

/// `RECORD_COLUMNS` as PostgreSQL arrays, bound by [`RowArrays::bind`] as `$1` to `$9`.
const ROW_ARRAYS: &str = "$1::text[], $2::text[], $3::text[], $4::text[], $5::bool[], \
     $6::text[], $7::int8[], $8::int8[], $9::text[]";

/// A group is written and committed once it holds this many versions.
const GROUP_VERSIONS: usize = 5_000;

/// The open write transaction of sync batches. The batches that arrive while one is decided take
/// their turns in it one after another, each decided against the store and everything the group
/// holds before it; the group's versions are then written together and committed once, so a
/// burst of phones pays one write and one commit, not one each. A batch's versions join the group
/// whole (in one step, after every read), and its answer waits for the group's commit.
pub(super) struct SyncGroup {
    tx: Tx,
    /// The last change number given, in the store or in the group.
    last_seq: i64,
    /// The versions of the group's batches, in order, each with its change number.
    versions: Vec<(i64, RecordVersion)>,
    audits: Vec<AuditEntry>,
    /// Records that arrived from each phone (officer id, device id), for its next waiting report.
    arrivals: HashMap<(String, String), i64>,
    /// Each record the group writes: where its newest version is in `versions`, and its creator.
    written: HashMap<String, (usize, String)>,
    /// Each stored record the group read: its creator, and what it adds to the monthly sums.
    stored: HashMap<String, (String, Option<(SumKey, Sums)>)>,
    /// Tells the group's batches the outcome of its commit.
    outcome: watch::Sender<Option<Result<(), String>>>,
    /// Full after this many versions: written and committed without waiting for more.
    capacity: usize,
}

/// Where the open group waits for its next batch; the lock is a batch's turn, granted in order.
pub(super) type SyncGroups = Arc<Mutex<Option<SyncGroup>>>;

/// Whether a batch may share its transaction with others, or takes one of its own (after the
/// group it was in failed to commit: a batch that breaks a write breaks only its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    Shared,
    Alone,
}

/// One batch's turn in the open group: read, then [`SyncTurn::add`] the versions. Dropped before
/// `add`, the batch leaves nothing in the group.
pub struct SyncTurn {
    group: OwnedMutexGuard<Option<SyncGroup>>,
}

impl Store {
    /// The next turn to decide a sync batch: in the open group, else in a new one, which is
    /// written and committed behind every batch already waiting. One group at a time writes (the
    /// change counter's row is locked first, and SQLite starts `IMMEDIATE`), so change numbers
    /// commit in order.
    pub async fn sync_turn(&self, grouping: Grouping) -> Result<SyncTurn, StoreError> {
        let (groups, capacity) = match grouping {
            Grouping::Shared => (self.sync_groups.clone(), GROUP_VERSIONS),
            Grouping::Alone => (SyncGroups::default(), 0),
        };
        let mut slot = groups.clone().lock_owned().await;
        if slot.is_none() {
            *slot = Some(self.begin_group(capacity).await?);
            if grouping == Grouping::Shared {
                tokio::spawn(async move { commit_group(groups.lock_owned().await).await });
            }
        }
        Ok(SyncTurn { group: slot })
    }

    async fn begin_group(&self, capacity: usize) -> Result<SyncGroup, StoreError> {
        let mut tx = self.begin_write().await?;
        // In PostgreSQL this row lock is held until commit: another server's group waits here.
        let last_seq = on_conn!(tx.conn(), conn => {
            sqlx::query_scalar(
                "UPDATE change_counter SET last_seq = last_seq WHERE id = 1 RETURNING last_seq",
            )
            .fetch_one(conn)
            .await?
        });
        Ok(SyncGroup {
            tx,
            last_seq,
            versions: Vec::new(),
            audits: Vec::new(),
            arrivals: HashMap::new(),
            written: HashMap::new(),
            stored: HashMap::new(),
            outcome: watch::channel(None).0,
            capacity,
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
            if let Some(kept) = filter.kept_by {
                query.push(" AND ((occurred_on >= ").push_bind(kept.from);
                if !kept.whole_scope {
                    query.push(" AND created_by = ").push_bind(kept.officer_id);
                }
                match kept.to {
                    Some(to) => query
                        .push(" AND occurred_on <= ")
                        .push_bind(to)
                        .push(") AND kind <> 'business')"),
                    None => query.push(") OR kind = 'business')"),
                };
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

    /// Where the change sequence stands, for the cursors of a pull.
    pub async fn change_point(&self) -> Result<ChangePoint, StoreError> {
        Ok(on_db!(&self.db, pool => {
            sqlx::query_as("SELECT last_seq, epoch FROM change_counter WHERE id = 1")
                .fetch_one(pool)
                .await?
        }))
    }

    /// Gives the store a new epoch (after a restore): every cursor given before is refused.
    pub async fn begin_epoch(&self) -> Result<ChangePoint, StoreError> {
        let epoch = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
        Ok(on_db!(&self.db, pool => {
            sqlx::query_as(
                "UPDATE change_counter SET epoch = $1 WHERE id = 1 RETURNING last_seq, epoch",
            )
            .bind(epoch)
            .fetch_one(pool)
            .await?
        }))
    }

    /// How many records the store holds, voided ones included.
    pub async fn record_count(&self) -> Result<i64, StoreError> {
        Ok(on_db!(&self.db, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM records")
                .fetch_one(pool)
                .await?
        }))
    }

    /// The newest change number given; 0 before any record.
    pub async fn last_change(&self) -> Result<i64, StoreError> {
        Ok(self.change_point().await?.last_seq)
    }
}

/// The store's place in its change sequence: the last number given, and its epoch (empty until a
/// restore; migration 0014).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ChangePoint {
    pub last_seq: i64,
    pub epoch: String,
}

impl SyncTurn {
    fn group(&mut self) -> &mut SyncGroup {
        self.group.as_mut().expect("a turn is in an open group")
    }

    /// The records with these ids as the group holds them: stored, or as an earlier batch of the
    /// group left them.
    pub async fn records(&mut self, ids: &[&str]) -> Result<Vec<HeldRecord>, StoreError> {
        let group = self.group();
        let mut rows = Vec::with_capacity(ids.len());
        let mut unread = Vec::new();
        for id in ids {
            match group.written.get(*id) {
                Some((at, created_by)) => rows.push(HeldRecord {
                    row: group.versions[*at].1.row.clone(),
                    created_by: created_by.clone(),
                }),
                None => unread.push(*id),
            }
        }
        for chunk in unread.chunks(ROWS_PER_STATEMENT) {
            let select = format!(
                "SELECT {RECORD_COLUMNS}, created_by, fact_category, fact_days, fact_people, \
                 fact_female, fact_amount, fact_date, fact_first FROM records WHERE id "
            );
            let found: Vec<Held> = match group.tx.conn() {
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
                let creator = held.record.created_by.clone();
                group
                    .stored
                    .insert(held.record.row.id.clone(), (creator, sums));
                rows.push(held.record);
            }
        }
        Ok(rows)
    }

    /// Adds the batch's versions, in order, each with the next change number, and its audit line
    /// to the group: at once, so that the batch is in the group whole or not at all.
    pub fn add(&mut self, versions: Vec<RecordVersion>, audit: AuditEntry) {
        let group = self.group();
        for version in versions {
            // A new record's creator is its first sender; a stored one keeps its own.
            let id = &version.row.id;
            let created_by = match (group.written.get(id), group.stored.get(id)) {
                (Some((_, creator)), _) | (None, Some((creator, _))) => creator.clone(),
                (None, None) => version.row.updated_by.clone(),
            };
            group
                .written
                .insert(id.clone(), (group.versions.len(), created_by));
            group.last_seq += 1;
            group.versions.push((group.last_seq, version));
        }
        group.audits.push(audit);
    }

    /// Counts the batch's records as arrived from the officer's phone (`crate::devices`); called
    /// right before [`SyncTurn::add`], in the same step.
    pub fn arrived(&mut self, officer_id: &str, device_id: &str, records: usize) {
        *self
            .group()
            .arrivals
            .entry((officer_id.to_string(), device_id.to_string()))
            .or_default() += records as i64;
    }

    /// Ends the turn, and waits until the group holding the batch has committed.
    pub async fn finish(mut self) -> Result<(), StoreError> {
        let group = self.group();
        let mut outcome = group.outcome.subscribe();
        if group.versions.len() >= group.capacity {
            tokio::spawn(commit_group(self.group));
        } else {
            drop(self);
        }
        let outcome = outcome
            .wait_for(Option::is_some)
            .await
            .map_err(|_| StoreError::Commit("the group ended without committing".into()))?;
        match outcome.as_ref().expect("waited for an outcome") {
            Ok(()) => Ok(()),
            Err(error) => Err(StoreError::Commit(error.clone())),
        }
    }
}

/// Writes and commits the open group once it is this task's turn, and tells its batches the
/// outcome. Its own task, so that a batch whose request ends cannot leave the others waiting; the
/// turn is held until the commit, so the next group begins after it.
async fn commit_group(mut slot: OwnedMutexGuard<Option<SyncGroup>>) {
    let Some(mut group) = slot.take() else {
        return;
    };
    let committed = match group.write().await {
        Ok(()) => group.tx.commit().await,
        Err(error) => Err(error),
    };
    if let Err(error) = &committed {
        tracing::error!(%error, "a group of sync batches did not commit");
    }
    group
        .outcome
        .send_replace(Some(committed.map_err(|error| error.to_string())));
}

impl SyncGroup {
    /// Stores the group's versions (a record may change more than once; its row keeps the last),
    /// the change counter, the sums and the audit lines.
    async fn write(&mut self) -> Result<(), StoreError> {
        let numbered = std::mem::take(&mut self.versions);
        let versions: Vec<&RecordVersion> = numbered.iter().map(|(_, version)| version).collect();
        // The record row takes each record's last version in the group.
        let mut newest: Vec<(i64, &RecordVersion)> = self
            .written
            .values()
            .map(|(at, _)| (numbered[*at].0, &numbered[*at].1))
            .collect();
        newest.sort_by_key(|(seq, _)| *seq);
        match self.tx.conn() {
            Conn::Sqlite(conn) => {
                for chunk in newest.chunks(ROWS_PER_STATEMENT) {
                    let mut query = QueryBuilder::new(format!(
                        "INSERT INTO records ({RECORD_COLUMNS}, {FACT_COLUMNS}) "
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
                    query.push(RECORD_UPSERT);
                    query.build().execute(&mut *conn).await?;
                }
                // The primary key (id, version) is what refuses a version stored twice.
                for chunk in versions.chunks(ROWS_PER_STATEMENT) {
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
                    query.build().execute(&mut *conn).await?;
                }
            }
            // One statement per table whatever the group's size, each column one array: thousands
            // of bound values cost PostgreSQL more to parse and plan than the rows cost to write.
            Conn::Postgres(conn) => {
                let rows = newest.iter().map(|(_, version)| &version.row);
                let facts: Vec<&RecordFacts> =
                    newest.iter().map(|(_, version)| &version.facts).collect();
                let query = format!(
                    "INSERT INTO records ({RECORD_COLUMNS}, {FACT_COLUMNS}) SELECT * FROM \
                     UNNEST({ROW_ARRAYS}, $10::int8[], $11::text[], $12::int8[], $13::text[], \
                     $14::text[], $15::bool[], $16::text[], $17::int8[], $18::int8[], \
                     $19::bool[], $20::int8[], $21::int8[]){RECORD_UPSERT}"
                );
                RowArrays::of(rows)
                    .bind(sqlx::query(&query))
                    .bind(newest.iter().map(|(seq, _)| *seq).collect::<Vec<_>>())
                    .bind(
                        newest
                            .iter()
                            .map(|(_, v)| v.row.updated_by.as_str())
                            .collect::<Vec<_>>(),
                    )
                    .bind(facts.iter().map(|f| f.people).collect::<Vec<_>>())
                    .bind(
                        facts
                            .iter()
                            .map(|f| f.category.as_deref())
                            .collect::<Vec<_>>(),
                    )
                    .bind(
                        facts
                            .iter()
                            .map(|f| f.subject.as_deref())
                            .collect::<Vec<_>>(),
                    )
                    .bind(facts.iter().map(|f| f.eligible).collect::<Vec<_>>())
                    .bind(facts.iter().map(|f| f.date.as_deref()).collect::<Vec<_>>())
                    .bind(facts.iter().map(|f| f.days).collect::<Vec<_>>())
                    .bind(facts.iter().map(|f| f.female).collect::<Vec<_>>())
                    .bind(facts.iter().map(|f| f.flag).collect::<Vec<_>>())
                    .bind(facts.iter().map(|f| f.amount).collect::<Vec<_>>())
                    .bind(facts.iter().map(|f| f.first).collect::<Vec<_>>())
                    .execute(&mut *conn)
                    .await?;
                let query = format!(
                    "INSERT INTO record_versions ({RECORD_COLUMNS}, device_id) SELECT * FROM \
                     UNNEST({ROW_ARRAYS}, $10::text[])"
                );
                RowArrays::of(versions.iter().map(|version| &version.row))
                    .bind(sqlx::query(&query))
                    .bind(
                        versions
                            .iter()
                            .map(|v| v.device_id.as_str())
                            .collect::<Vec<_>>(),
                    )
                    .execute(&mut *conn)
                    .await?;
            }
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
        self.count_arrivals().await?;
        let audits = std::mem::take(&mut self.audits);
        audit::insert_audits(self.tx.conn(), &audits).await
    }

    /// Adds what arrived to each phone's count since its last report (phones that never reported
    /// have no row, and nothing to count against).
    async fn count_arrivals(&mut self) -> Result<(), StoreError> {
        let arrivals = std::mem::take(&mut self.arrivals);
        const ADD: &str = "UPDATE device_reports SET received = received + $3 \
                           WHERE officer_id = $1 AND device_id = $2";
        match self.tx.conn() {
            Conn::Sqlite(conn) => {
                for ((officer_id, device_id), records) in &arrivals {
                    sqlx::query(ADD)
                        .bind(officer_id)
                        .bind(device_id)
                        .bind(records)
                        .execute(&mut *conn)
                        .await?;
                }
            }
            Conn::Postgres(conn) if !arrivals.is_empty() => {
                let (mut officers, mut devices, mut counts) = (Vec::new(), Vec::new(), Vec::new());
                for ((officer_id, device_id), records) in &arrivals {
                    officers.push(officer_id.as_str());
                    devices.push(device_id.as_str());
                    counts.push(*records);
                }
                sqlx::query(
                    "UPDATE device_reports AS d SET received = d.received + a.records \
                     FROM UNNEST($1::text[], $2::text[], $3::int8[]) AS a(officer_id, device_id, \
                     records) WHERE d.officer_id = a.officer_id AND d.device_id = a.device_id",
                )
                .bind(officers)
                .bind(devices)
                .bind(counts)
                .execute(&mut *conn)
                .await?;
            }
            Conn::Postgres(_) => {}
        }
        Ok(())
    }

    /// Changes the monthly sums by what the group changed: each written record's stored row taken
    /// out, its newest row put in. One statement for the batch's few keys, not a write per record.
    async fn add_to_sums(&mut self, newest: &[(i64, &RecordVersion)]) -> Result<(), StoreError> {
        let mut changes: BTreeMap<SumKey, Sums> = BTreeMap::new();
        for (_, version) in newest {
            if let Some((_, Some((key, sums)))) = self.stored.get(&version.row.id) {
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

/// Rows as one array per column of `RECORD_COLUMNS`, for PostgreSQL's `UNNEST`.
struct RowArrays<'a> {
    id: Vec<&'a str>,
    kind: Vec<&'a str>,
    org_unit_id: Vec<&'a str>,
    occurred_on: Vec<&'a str>,
    voided: Vec<bool>,
    data: Vec<&'a str>,
    version: Vec<i64>,
    updated_at: Vec<i64>,
    updated_by: Vec<&'a str>,
}

impl<'a> RowArrays<'a> {
    fn of(rows: impl Iterator<Item = &'a RecordRow>) -> Self {
        let mut arrays = RowArrays {
            id: Vec::new(),
            kind: Vec::new(),
            org_unit_id: Vec::new(),
            occurred_on: Vec::new(),
            voided: Vec::new(),
            data: Vec::new(),
            version: Vec::new(),
            updated_at: Vec::new(),
            updated_by: Vec::new(),
        };
        for row in rows {
            arrays.id.push(&row.id);
            arrays.kind.push(&row.kind);
            arrays.org_unit_id.push(&row.org_unit_id);
            arrays.occurred_on.push(&row.occurred_on);
            arrays.voided.push(row.voided);
            arrays.data.push(&row.data);
            arrays.version.push(row.version);
            arrays.updated_at.push(row.updated_at);
            arrays.updated_by.push(&row.updated_by);
        }
        arrays
    }

    fn bind(self, query: PgQuery<'a>) -> PgQuery<'a> {
        query
            .bind(self.id)
            .bind(self.kind)
            .bind(self.org_unit_id)
            .bind(self.occurred_on)
            .bind(self.voided)
            .bind(self.data)
            .bind(self.version)
            .bind(self.updated_at)
            .bind(self.updated_by)
    }
}

type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

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
