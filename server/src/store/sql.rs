//! The SQL both stores run. sqlx binds `$1, $2, …` by number on SQLite as on PostgreSQL, so one
//! text serves both: `sql_store!` expands the `Store` trait for a type with a `pool` field.

/// An officer with their unit's code and name, as `model::Officer` reads it, plus `$extra` columns.
macro_rules! officer_select {
    ($($extra:literal)?) => {
        concat!(
            "SELECT o.id, o.username, o.display_name, o.role, o.disabled, o.created_at, \
             o.updated_at, u.id AS unit_id, u.code AS unit_code, u.name AS unit_name",
            $($extra,)?
            " FROM officers o JOIN org_units u ON u.id = o.org_unit_id"
        )
    };
}

/// The columns of a `model::RecordRow`, in `records` and `record_versions` alike.
macro_rules! record_columns {
    () => {
        "id, kind, org_unit_id, occurred_on, voided, data, version, updated_at, updated_by"
    };
}

/// Most rows in one multi-row statement: 20 binds a row stays far below both databases' limits.
pub(super) const ROWS_PER_STATEMENT: usize = 500;

/// The kinds whose records the indicators sum (the others they only count distinctly).
pub(super) const SUMMED_KINDS: [domain::RecordKind; 8] = [
    domain::RecordKind::OutreachSession,
    domain::RecordKind::Training,
    domain::RecordKind::MediaPost,
    domain::RecordKind::Inspection,
    domain::RecordKind::TipOff,
    domain::RecordKind::CommunePlan,
    domain::RecordKind::PilotModel,
    domain::RecordKind::Business,
];

/// `$begin_write` starts a sync transaction: SQLite must take the write lock at `BEGIN`
/// (`IMMEDIATE`), else two writers that both read first deadlock when they upgrade.
macro_rules! sql_store {
    ($store:ty, $db:ty, $kind:expr, $begin_write:literal) => {
        /// See `SyncTx`; `last_seq` is the change counter as this transaction found it.
        struct SyncTransaction {
            tx: sqlx::Transaction<'static, $db>,
            last_seq: i64,
        }

        #[async_trait::async_trait]
        impl $crate::store::SyncTx for SyncTransaction {
            async fn records(
                &mut self,
                ids: &[&str],
            ) -> Result<Vec<$crate::model::HeldRecord>, $crate::store::StoreError> {
                let mut rows = Vec::with_capacity(ids.len());
                for chunk in ids.chunks($crate::store::sql::ROWS_PER_STATEMENT) {
                    let mut query = sqlx::QueryBuilder::<$db>::new(concat!(
                        "SELECT ",
                        record_columns!(),
                        ", created_by FROM records WHERE id IN ("
                    ));
                    let mut list = query.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    query.push(")");
                    rows.extend(
                        query
                            .build_query_as::<$crate::model::HeldRecord>()
                            .fetch_all(&mut *self.tx)
                            .await?,
                    );
                }
                Ok(rows)
            }

            async fn commit(
                mut self: Box<Self>,
                versions: &[$crate::model::RecordVersion],
                audit: &$crate::model::AuditEntry,
            ) -> Result<(), $crate::store::StoreError> {
                let numbered: Vec<(i64, &$crate::model::RecordVersion)> =
                    (self.last_seq + 1..).zip(versions).collect();
                // The record row takes each record's last version in the batch.
                let mut newest = std::collections::HashMap::new();
                for (seq, version) in &numbered {
                    newest.insert(version.row.id.as_str(), (*seq, *version));
                }
                let mut newest: Vec<_> = newest.into_values().collect();
                newest.sort_by_key(|(seq, _)| *seq);
                for chunk in newest.chunks($crate::store::sql::ROWS_PER_STATEMENT) {
                    // A new row's creator is this batch's sender; an existing row keeps its own.
                    let mut query = sqlx::QueryBuilder::<$db>::new(concat!(
                        "INSERT INTO records (",
                        record_columns!(),
                        ", change_seq, created_by, fact_people, fact_category, fact_subject, \
                         fact_eligible, fact_date, fact_days, fact_female, fact_flag, fact_amount) "
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
                            .push_bind(facts.amount);
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
                         fact_amount = excluded.fact_amount",
                    );
                    query.build().execute(&mut *self.tx).await?;
                }
                // The primary key (id, version) is what refuses a version stored twice.
                for chunk in versions.chunks($crate::store::sql::ROWS_PER_STATEMENT) {
                    let mut query = sqlx::QueryBuilder::<$db>::new(concat!(
                        "INSERT INTO record_versions (",
                        record_columns!(),
                        ", device_id) "
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
                    query.build().execute(&mut *self.tx).await?;
                }
                if let Some((last_seq, _)) = numbered.last() {
                    sqlx::query("UPDATE change_counter SET last_seq = $1 WHERE id = 1")
                        .bind(*last_seq)
                        .execute(&mut *self.tx)
                        .await?;
                }
                <$store>::insert_audit(&mut *self.tx, audit).await?;
                self.tx.commit().await?;
                Ok(())
            }
        }

        impl $store {
            /// Appends `column IN (values…)`, or a false condition for no values.
            fn push_in<'a>(
                query: &mut sqlx::QueryBuilder<'a, $db>,
                column: &str,
                values: &'a [&'a str],
            ) {
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

            /// `[prefix]kind = '…' AND [prefix]fact_category IN (…)` (or `IS NULL`), the period
            /// (for businesses: its end only) and `NOT voided`, then ` AND `.
            fn push_kind<'a>(
                query: &mut sqlx::QueryBuilder<'a, $db>,
                prefix: &str,
                kind: domain::RecordKind,
                q: &$crate::model::CountQuery<'a>,
            ) {
                use domain::Coded;
                query
                    .push(prefix)
                    .push("kind = '")
                    .push(kind.as_str())
                    .push("' AND ")
                    .push(prefix)
                    .push("fact_category");
                let categories = $crate::facts::categories(kind);
                if categories.is_empty() {
                    query.push(" IS NULL");
                } else {
                    query.push(" IN (");
                    for (n, category) in categories.iter().enumerate() {
                        query.push(if n == 0 { "'" } else { ", '" });
                        query.push(*category).push("'");
                    }
                    query.push(")");
                }
                if kind != domain::RecordKind::Business {
                    query
                        .push(" AND ")
                        .push(prefix)
                        .push("occurred_on >= ")
                        .push_bind(q.start);
                }
                query
                    .push(" AND ")
                    .push(prefix)
                    .push("occurred_on <= ")
                    .push_bind(q.end)
                    .push(" AND NOT ")
                    .push(prefix)
                    .push("voided AND ");
            }

            /// The group of `[prefix]org_unit_id`: the unit itself unless `groups` maps it.
            fn push_group<'a>(
                query: &mut sqlx::QueryBuilder<'a, $db>,
                prefix: &str,
                groups: &'a [(&'a str, &'a str)],
            ) {
                let mapped: Vec<_> = groups.iter().filter(|(unit, group)| unit != group).collect();
                if mapped.is_empty() {
                    query.push(prefix).push("org_unit_id");
                    return;
                }
                query.push("CASE ").push(prefix).push("org_unit_id");
                for (unit, group) in mapped {
                    query
                        .push(" WHEN ")
                        .push_bind(*unit)
                        .push(" THEN ")
                        .push_bind(*group);
                }
                query.push(" ELSE ").push(prefix).push("org_unit_id END");
            }

            /// `SELECT <group> AS group_id, `: the group, or NULL over all the units.
            fn push_select<'a>(
                query: &mut sqlx::QueryBuilder<'a, $db>,
                prefix: &str,
                groups: Option<&'a [(&'a str, &'a str)]>,
            ) {
                query.push("SELECT ");
                match groups {
                    Some(groups) => Self::push_group(query, prefix, groups),
                    None => {
                        query.push("CAST(NULL AS TEXT)");
                    }
                }
                query.push(" AS group_id, ");
            }

            /// The distinct counts of `q` over all its units, or per group with `groups`. Each
            /// kind is read once: referrals and inspections are first reduced to one row per
            /// (group, client or business) with flags, which the measures then count.
            async fn distinct_counts(
                pool: &sqlx::Pool<$db>,
                q: &$crate::model::CountQuery<'_>,
                groups: Option<&[(&str, &str)]>,
            ) -> Result<Vec<$crate::model::DistinctCount>, $crate::store::StoreError> {
                use $crate::model::DistinctMeasure as M;
                use domain::RecordKind as K;
                let grouped_units: Vec<&str>;
                let units = match groups {
                    Some(groups) => {
                        grouped_units = groups.iter().map(|(unit, _)| *unit).collect();
                        &grouped_units[..]
                    }
                    None => q.units,
                };
                if units.is_empty() {
                    return Ok(Vec::new());
                }
                let mut query = sqlx::QueryBuilder::<$db>::new("WITH clients AS (");
                Self::push_select(&mut query, "", groups);
                query
                    .push(
                        "fact_subject, MAX(CASE WHEN fact_eligible THEN 1 ELSE 0 END) AS eligible, \
                         MAX(CASE WHEN fact_eligible AND fact_date <= ",
                    )
                    .push_bind(q.end)
                    .push(" THEN 1 ELSE 0 END) AS accessed FROM records WHERE ");
                Self::push_kind(&mut query, "", K::Referral, q);
                Self::push_in(&mut query, "org_unit_id", units);
                query.push(" GROUP BY 1, 2), businesses AS (");
                Self::push_select(&mut query, "", groups);
                query.push(
                    "fact_subject, MAX(CASE WHEN fact_flag THEN 1 ELSE 0 END) AS violation \
                     FROM records WHERE ",
                );
                Self::push_kind(&mut query, "", K::Inspection, q);
                Self::push_in(&mut query, "org_unit_id", units);
                query.push(" GROUP BY 1, 2)");
                for (measure, counted, from) in [
                    (M::Clients, "*", "clients"),
                    (M::EligibleClients, "CASE WHEN eligible = 1 THEN 1 END", "clients"),
                    (M::AccessedClients, "CASE WHEN accessed = 1 THEN 1 END", "clients"),
                    (M::ViolatingBusinesses, "CASE WHEN violation = 1 THEN 1 END", "businesses"),
                ] {
                    query
                        .push(if measure == M::Clients { " SELECT" } else { " UNION ALL SELECT" })
                        .push(" group_id, '")
                        .push(measure.as_str())
                        .push("' AS measure, CAST(NULL AS TEXT) AS key, COUNT(")
                        .push(counted)
                        .push(") AS value FROM ")
                        .push(from)
                        .push(" GROUP BY 1");
                }
                // KT01: inspected businesses of the register, in the same group when grouped.
                query
                    .push(" UNION ALL SELECT group_id, '")
                    .push(M::InspectedBusinesses.as_str())
                    .push("', NULL, COUNT(*) FROM businesses WHERE ");
                match groups {
                    Some(groups) => {
                        query.push("(group_id, fact_subject) IN (SELECT ");
                        Self::push_group(&mut query, "b.", groups);
                        query.push(", b.id");
                    }
                    None => {
                        query.push("fact_subject IN (SELECT b.id");
                    }
                }
                query.push(" FROM records b WHERE ");
                Self::push_kind(&mut query, "b.", K::Business, q);
                Self::push_in(&mut query, "b.org_unit_id", units);
                query.push(") GROUP BY 1");
                // C06: clients who accessed each service; KH02: agencies.
                for (measure, kind, key, condition) in [
                    (M::ServiceClients, K::Referral, "fact_category", " AND fact_date <= "),
                    (M::Agencies, K::AgencyIntegration, "CAST(NULL AS TEXT)", ""),
                ] {
                    query
                        .push(" UNION ALL SELECT group_id, '")
                        .push(measure.as_str())
                        .push("', key, COUNT(*) FROM (SELECT DISTINCT ");
                    match groups {
                        Some(groups) => Self::push_group(&mut query, "", groups),
                        None => {
                            query.push("CAST(NULL AS TEXT)");
                        }
                    }
                    query
                        .push(" AS group_id, ")
                        .push(key)
                        .push(" AS key, fact_subject FROM records WHERE ");
                    Self::push_kind(&mut query, "", kind, q);
                    Self::push_in(&mut query, "org_unit_id", units);
                    if !condition.is_empty() {
                        query.push(condition).push_bind(q.end);
                    }
                    query.push(") s GROUP BY 1, 3");
                }
                Ok(query.build_query_as().fetch_all(pool).await?)
            }

            async fn insert_unit(
                conn: &mut <$db as sqlx::Database>::Connection,
                unit: &$crate::model::OrgUnit,
                ignore_existing: bool,
            ) -> Result<(), $crate::store::StoreError> {
                let sql = if ignore_existing {
                    "INSERT INTO org_units (id, code, name, level, parent_id, valid_from, \
                     valid_to) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING"
                } else {
                    "INSERT INTO org_units (id, code, name, level, parent_id, valid_from, \
                     valid_to) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                };
                sqlx::query(sql)
                    .bind(&unit.id)
                    .bind(&unit.code)
                    .bind(&unit.name)
                    .bind(unit.level.as_str())
                    .bind(&unit.parent_id)
                    .bind(&unit.valid_from)
                    .bind(&unit.valid_to)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }

            async fn insert_audit(
                conn: &mut <$db as sqlx::Database>::Connection,
                entry: &$crate::model::AuditEntry,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query(
                    "INSERT INTO audit_log (at, officer_id, username, action, target, detail, ip) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(entry.at)
                .bind(&entry.officer_id)
                .bind(&entry.username)
                .bind(&entry.action)
                .bind(&entry.target)
                .bind(&entry.detail)
                .bind(&entry.ip)
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            /// The condition that picks a bucket's rows of `login_failures` (see `throttle`).
            fn push_bucket<'a>(
                query: &mut sqlx::QueryBuilder<'a, $db>,
                bucket: $crate::model::FailureBucket<'a>,
            ) {
                use $crate::model::FailureBucket;
                match bucket {
                    FailureBucket::Device {
                        username,
                        device_id,
                    } => {
                        query.push("username = ").push_bind(username);
                        query.push(" AND device_id = ").push_bind(device_id);
                    }
                    FailureBucket::UsernameAddress { username, ip } => {
                        query.push("username = ").push_bind(username);
                        query.push(" AND ip = ").push_bind(ip);
                        query.push(" AND device_id IS NULL");
                    }
                    FailureBucket::Username(username) => {
                        query.push("username = ").push_bind(username);
                        query.push(" AND device_id IS NULL");
                    }
                    // Only checked failures: officers signing in at once from one office
                    // must not stand in each other's way while their passwords are checked.
                    FailureBucket::Address(ip) => {
                        query.push("ip = ").push_bind(ip);
                        query.push(" AND checked");
                    }
                }
            }

            /// Runs `sql` (a `DELETE` of at most `$2` rows older than `$1`) until it deletes
            /// fewer than a batch; gives how many rows went.
            async fn delete_batches(
                &self,
                sql: &'static str,
                before: i64,
            ) -> Result<u64, $crate::store::StoreError> {
                const BATCH: i64 = 5_000;
                let mut deleted = 0;
                loop {
                    let done = sqlx::query(sql)
                        .bind(before)
                        .bind(BATCH)
                        .execute(&self.pool)
                        .await?
                        .rows_affected();
                    deleted += done;
                    if done < BATCH as u64 {
                        return Ok(deleted);
                    }
                }
            }

            async fn insert_successors(
                conn: &mut <$db as sqlx::Database>::Connection,
                unit: &$crate::model::OrgUnit,
            ) -> Result<(), $crate::store::StoreError> {
                for successor in &unit.successor_ids {
                    sqlx::query(
                        "INSERT INTO org_unit_successors (unit_id, successor_id) VALUES ($1, $2) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(&unit.id)
                    .bind(successor)
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(())
            }

            /// A plan's row and its targets; with `ignore_existing`, a plan already there is kept
            /// as it is (two servers seeding one new database).
            async fn insert_plan_rows(
                conn: &mut <$db as sqlx::Database>::Connection,
                plan: &$crate::model::StoredPlan,
                now: i64,
                ignore_existing: bool,
            ) -> Result<(), $crate::store::StoreError> {
                let header = &plan.header;
                let recipients = serde_json::to_string(&header.recipients)
                    .map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
                let sql = if ignore_existing {
                    "INSERT INTO plans (id, org_unit_id, year, title, issuer, lead_agency, \
                     recipients, copied_from, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT DO NOTHING"
                } else {
                    "INSERT INTO plans (id, org_unit_id, year, title, issuer, lead_agency, \
                     recipients, copied_from, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
                };
                let inserted = sqlx::query(sql)
                    .bind(&header.id)
                    .bind(&header.org_unit_id)
                    .bind(header.year)
                    .bind(&header.title)
                    .bind(&header.issuer)
                    .bind(&header.lead_agency)
                    .bind(recipients)
                    .bind(&plan.copied_from)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?
                    .rows_affected();
                if inserted == 0 {
                    return Ok(());
                }
                for target in &plan.targets {
                    Self::upsert_plan_target(&mut *conn, &header.id, target).await?;
                }
                Ok(())
            }

            async fn upsert_plan_target(
                conn: &mut <$db as sqlx::Database>::Connection,
                plan_id: &str,
                target: &domain::plan::PlanTarget,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query(
                    "INSERT INTO plan_targets (plan_id, indicator_code, op, value, to_confirm) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (plan_id, indicator_code) \
                     DO UPDATE SET op = excluded.op, value = excluded.value, \
                     to_confirm = excluded.to_confirm",
                )
                .bind(plan_id)
                .bind(&target.indicator_code)
                .bind(target.op.as_str())
                .bind(target.value)
                .bind(target.to_confirm)
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            async fn touch_plan(
                conn: &mut <$db as sqlx::Database>::Connection,
                plan_id: &str,
                now: i64,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query("UPDATE plans SET updated_at = $2 WHERE id = $1")
                    .bind(plan_id)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }

            /// The plans of `year` (any when `None`), or the one with `id`, newest year first.
            async fn load_plans(
                &self,
                year: Option<i32>,
                id: Option<&str>,
            ) -> Result<Vec<$crate::model::StoredPlan>, $crate::store::StoreError> {
                use sqlx::Row;
                let decode = |error: Box<dyn std::error::Error + Send + Sync>| {
                    $crate::store::StoreError::Database(sqlx::Error::Decode(error))
                };
                let rows = sqlx::query(
                    "SELECT id, org_unit_id, year, title, issuer, lead_agency, recipients, \
                     copied_from FROM plans WHERE ($1 IS NULL OR year = $1) \
                     AND ($2 IS NULL OR id = $2) ORDER BY year DESC, org_unit_id",
                )
                .bind(year)
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                let mut plans = Vec::with_capacity(rows.len());
                for row in rows {
                    let recipients: String = row.try_get("recipients")?;
                    plans.push($crate::model::StoredPlan {
                        header: domain::plan::PlanHeader {
                            id: row.try_get("id")?,
                            org_unit_id: row.try_get("org_unit_id")?,
                            year: row.try_get("year")?,
                            title: row.try_get("title")?,
                            issuer: row.try_get("issuer")?,
                            lead_agency: row.try_get("lead_agency")?,
                            recipients: serde_json::from_str(&recipients)
                                .map_err(|error| decode(Box::new(error)))?,
                        },
                        copied_from: row.try_get("copied_from")?,
                        targets: Vec::new(),
                    });
                }
                let targets = sqlx::query(
                    "SELECT t.plan_id, t.indicator_code, t.op, t.value, t.to_confirm \
                     FROM plan_targets t JOIN plans p ON p.id = t.plan_id \
                     JOIN indicators i ON i.code = t.indicator_code \
                     WHERE ($1 IS NULL OR p.year = $1) AND ($2 IS NULL OR p.id = $2) \
                     ORDER BY i.sort, i.code",
                )
                .bind(year)
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                for row in targets {
                    let plan_id: String = row.try_get("plan_id")?;
                    let op: String = row.try_get("op")?;
                    let target = domain::plan::PlanTarget {
                        indicator_code: row.try_get("indicator_code")?,
                        op: domain::indicator::Op::parse(&op).ok_or_else(|| {
                            decode(Box::new($crate::model::UnknownValue(op.clone())))
                        })?,
                        value: row.try_get("value")?,
                        to_confirm: row.try_get("to_confirm")?,
                    };
                    if let Some(plan) = plans.iter_mut().find(|plan| plan.header.id == plan_id) {
                        plan.targets.push(target);
                    }
                }
                Ok(plans)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn kind(&self) -> $crate::store::StoreKind {
                $kind
            }

            async fn ping(&self) -> Result<(), $crate::store::StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn seed(
                &self,
                seed: &$crate::model::Seed,
            ) -> Result<bool, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let units: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units")
                    .fetch_one(&mut *tx)
                    .await?;
                if units > 0 {
                    return Ok(false);
                }
                // Two servers starting on one new database may both get here.
                for unit in &seed.units {
                    Self::insert_unit(&mut *tx, unit, true).await?;
                }
                for unit in &seed.units {
                    Self::insert_successors(&mut *tx, unit).await?;
                }
                for indicator in &seed.indicators {
                    sqlx::query(
                        "INSERT INTO indicators (code, label_vi, label_en, kind, sort) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                    )
                    .bind(&indicator.code)
                    .bind(&indicator.label_vi)
                    .bind(&indicator.label_en)
                    .bind(indicator.kind.as_str())
                    .bind(indicator.sort)
                    .execute(&mut *tx)
                    .await?;
                }
                let now = $crate::clock::now_ms();
                for plan in &seed.plans {
                    Self::insert_plan_rows(&mut *tx, plan, now, true).await?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn org_units(
                &self,
            ) -> Result<Vec<$crate::model::OrgUnit>, $crate::store::StoreError> {
                let mut units: Vec<$crate::model::OrgUnit> = sqlx::query_as(
                    "SELECT id, code, name, level, parent_id, valid_from, valid_to \
                     FROM org_units ORDER BY id",
                )
                .fetch_all(&self.pool)
                .await?;
                let links: Vec<(String, String)> = sqlx::query_as(
                    "SELECT unit_id, successor_id FROM org_unit_successors \
                     ORDER BY unit_id, successor_id",
                )
                .fetch_all(&self.pool)
                .await?;
                let mut successors = std::collections::HashMap::<String, Vec<String>>::new();
                for (unit_id, successor_id) in links {
                    successors.entry(unit_id).or_default().push(successor_id);
                }
                for unit in &mut units {
                    unit.successor_ids = successors.remove(&unit.id).unwrap_or_default();
                }
                Ok(units)
            }

            async fn insert_org_unit(
                &self,
                unit: &$crate::model::OrgUnit,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::insert_unit(&mut *tx, unit, false).await?;
                Self::insert_successors(&mut *tx, unit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn update_org_unit(
                &self,
                unit: &$crate::model::OrgUnit,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("UPDATE org_units SET name = $2, valid_to = $3 WHERE id = $1")
                    .bind(&unit.id)
                    .bind(&unit.name)
                    .bind(&unit.valid_to)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM org_unit_successors WHERE unit_id = $1")
                    .bind(&unit.id)
                    .execute(&mut *tx)
                    .await?;
                Self::insert_successors(&mut *tx, unit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn officers(
                &self,
            ) -> Result<Vec<$crate::model::Officer>, $crate::store::StoreError> {
                Ok(
                    sqlx::query_as(concat!(officer_select!(), " ORDER BY o.username"))
                        .fetch_all(&self.pool)
                        .await?,
                )
            }

            async fn officer(
                &self,
                id: &str,
            ) -> Result<Option<$crate::model::Officer>, $crate::store::StoreError> {
                Ok(sqlx::query_as(concat!(officer_select!(), " WHERE o.id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn credentials(
                &self,
                username: &str,
            ) -> Result<Option<($crate::model::Officer, String)>, $crate::store::StoreError>
            {
                use sqlx::{FromRow, Row};
                let row = sqlx::query(concat!(
                    officer_select!(", o.password_hash"),
                    " WHERE o.username = $1"
                ))
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
                match row {
                    Some(row) => Ok(Some((
                        $crate::model::Officer::from_row(&row)?,
                        row.try_get("password_hash")?,
                    ))),
                    None => Ok(None),
                }
            }

            async fn insert_officer(
                &self,
                officer: &$crate::model::Officer,
                password_hash: &str,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query(
                    "INSERT INTO officers (id, username, display_name, password_hash, role, \
                     org_unit_id, disabled, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&officer.id)
                .bind(&officer.username)
                .bind(&officer.display_name)
                .bind(password_hash)
                .bind(officer.role.as_str())
                .bind(&officer.org_unit.id)
                .bind(officer.disabled)
                .bind(officer.created_at)
                .bind(officer.updated_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn update_officer(
                &self,
                officer: &$crate::model::Officer,
                password_hash: Option<&str>,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query(
                    "UPDATE officers SET display_name = $2, role = $3, org_unit_id = $4, \
                     disabled = $5, updated_at = $6, password_hash = COALESCE($7, password_hash) \
                     WHERE id = $1",
                )
                .bind(&officer.id)
                .bind(&officer.display_name)
                .bind(officer.role.as_str())
                .bind(&officer.org_unit.id)
                .bind(officer.disabled)
                .bind(officer.updated_at)
                .bind(password_hash)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn move_officers(
                &self,
                from: &str,
                to: &str,
                now: i64,
                audit: &(dyn for<'u> Fn(&'u [String]) -> $crate::model::AuditEntry + Sync),
            ) -> Result<Vec<String>, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                // The rows the UPDATE changed name themselves: an officer added to `from` at the
                // same moment is either moved and named, or neither.
                let mut moved: Vec<String> = sqlx::query_scalar(
                    "UPDATE officers SET org_unit_id = $2, updated_at = $3 \
                     WHERE org_unit_id = $1 RETURNING username",
                )
                .bind(from)
                .bind(to)
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
                moved.sort();
                Self::insert_audit(&mut *tx, &audit(&moved)).await?;
                tx.commit().await?;
                Ok(moved)
            }

            async fn insert_session(
                &self,
                session: &$crate::model::Session,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, officer_id, created_at, expires_at, ip, \
                     user_agent) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&session.token_hash)
                .bind(&session.officer_id)
                .bind(session.created_at)
                .bind(session.expires_at)
                .bind(&session.ip)
                .bind(&session.user_agent)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session_officer(
                &self,
                token_hash: &str,
                now: i64,
            ) -> Result<Option<$crate::model::Officer>, $crate::store::StoreError> {
                Ok(sqlx::query_as(concat!(
                    officer_select!(),
                    " JOIN sessions s ON s.officer_id = o.id WHERE s.token_hash = $1 \
                     AND s.revoked_at IS NULL AND s.expires_at > $2 AND NOT o.disabled"
                ))
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn revoke_session(
                &self,
                token_hash: &str,
                now: i64,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query(
                    "UPDATE sessions SET revoked_at = $2 \
                     WHERE token_hash = $1 AND revoked_at IS NULL",
                )
                .bind(token_hash)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn revoke_sessions_of(
                &self,
                officer_id: &str,
                now: i64,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query(
                    "UPDATE sessions SET revoked_at = $2 \
                     WHERE officer_id = $1 AND revoked_at IS NULL",
                )
                .bind(officer_id)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session_of_disabled(
                &self,
                token_hash: &str,
            ) -> Result<bool, $crate::store::StoreError> {
                let found: Option<i32> = sqlx::query_scalar(
                    "SELECT 1 FROM sessions s JOIN officers o ON o.id = s.officer_id \
                     WHERE s.token_hash = $1 AND o.disabled",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                Ok(found.is_some())
            }

            async fn device_key(
                &self,
                officer_id: &str,
                device_id: &str,
                new_key: &str,
                now: i64,
            ) -> Result<String, $crate::store::StoreError> {
                // A concurrent first insert makes this one do nothing (PostgreSQL waits for it to
                // commit; SQLite writes one at a time), so the read below sees the winner's key.
                sqlx::query(
                    "INSERT INTO device_keys (officer_id, device_id, key, created_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (officer_id, device_id) DO NOTHING",
                )
                .bind(officer_id)
                .bind(device_id)
                .bind(new_key)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(sqlx::query_scalar(
                    "SELECT key FROM device_keys WHERE officer_id = $1 AND device_id = $2",
                )
                .bind(officer_id)
                .bind(device_id)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn knows_device(
                &self,
                username: &str,
                device_id: &str,
            ) -> Result<bool, $crate::store::StoreError> {
                let found: Option<i32> = sqlx::query_scalar(
                    "SELECT 1 FROM device_keys d JOIN officers o ON o.id = d.officer_id \
                     WHERE o.username = $1 AND d.device_id = $2",
                )
                .bind(username)
                .bind(device_id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(found.is_some())
            }

            async fn claim_login_attempt(
                &self,
                attempt: &$crate::model::LoginAttempt,
            ) -> Result<i64, $crate::store::StoreError> {
                // Committed on its own before the caller counts: whoever counts after sees it.
                Ok(sqlx::query_scalar(
                    "INSERT INTO login_failures (username, ip, device_id, at) \
                     VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(&attempt.username)
                .bind(&attempt.ip)
                .bind(&attempt.known_device)
                .bind(attempt.at)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn withdraw_login_attempt(
                &self,
                id: i64,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query("DELETE FROM login_failures WHERE id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn confirm_login_failure(
                &self,
                id: i64,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query("UPDATE login_failures SET checked = TRUE WHERE id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn login_failures(
                &self,
                bucket: $crate::model::FailureBucket<'_>,
                since: i64,
                except: i64,
                limit: i64,
            ) -> Result<Vec<(i64, bool)>, $crate::store::StoreError> {
                let mut query =
                    sqlx::QueryBuilder::<$db>::new("SELECT at, checked FROM login_failures WHERE ");
                Self::push_bucket(&mut query, bucket);
                query
                    .push(" AND at > ")
                    .push_bind(since)
                    .push(" AND id <> ")
                    .push_bind(except)
                    .push(" ORDER BY at DESC LIMIT ")
                    .push_bind(limit);
                Ok(query.build_query_as().fetch_all(&self.pool).await?)
            }

            async fn clear_login_failures(
                &self,
                bucket: $crate::model::FailureBucket<'_>,
            ) -> Result<(), $crate::store::StoreError> {
                let mut query = sqlx::QueryBuilder::<$db>::new("DELETE FROM login_failures WHERE ");
                Self::push_bucket(&mut query, bucket);
                query.build().execute(&self.pool).await?;
                Ok(())
            }

            async fn set_password_hash(
                &self,
                officer_id: &str,
                password_hash: &str,
                now: i64,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query("UPDATE officers SET password_hash = $2, updated_at = $3 WHERE id = $1")
                    .bind(officer_id)
                    .bind(password_hash)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn revoke_other_sessions(
                &self,
                officer_id: &str,
                keep: &str,
                now: i64,
            ) -> Result<u64, $crate::store::StoreError> {
                let done = sqlx::query(
                    "UPDATE sessions SET revoked_at = $3 WHERE officer_id = $1 \
                     AND token_hash <> $2 AND revoked_at IS NULL AND expires_at > $3",
                )
                .bind(officer_id)
                .bind(keep)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected())
            }

            async fn prune(
                &self,
                before: &$crate::model::PruneBefore,
            ) -> Result<$crate::model::Pruned, $crate::store::StoreError> {
                // A revoked session stays until it would have expired: until then its token
                // still tells a disabled officer's phone why it ended (`session_of_disabled`).
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
                Ok($crate::model::Pruned {
                    sessions,
                    login_failures,
                    audit_lines,
                })
            }

            async fn append_audit(
                &self,
                entry: &$crate::model::AuditEntry,
            ) -> Result<(), $crate::store::StoreError> {
                let mut conn = self.pool.acquire().await?;
                Self::insert_audit(&mut *conn, entry).await
            }

            async fn audit_log(
                &self,
                filter: &$crate::model::AuditFilter,
            ) -> Result<Vec<$crate::model::LoggedAudit>, $crate::store::StoreError> {
                if filter.units.as_ref().is_some_and(|units| units.is_empty()) {
                    return Ok(Vec::new());
                }
                let mut query = sqlx::QueryBuilder::<$db>::new(
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
                Ok(query
                    .build_query_as::<$crate::model::LoggedAudit>()
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn indicators(
                &self,
            ) -> Result<Vec<$crate::model::Indicator>, $crate::store::StoreError> {
                Ok(sqlx::query_as(
                    "SELECT code, label_vi, label_en, kind, sort FROM indicators \
                     ORDER BY sort, code",
                )
                .fetch_all(&self.pool)
                .await?)
            }

            async fn plans(
                &self,
                year: Option<i32>,
            ) -> Result<Vec<$crate::model::StoredPlan>, $crate::store::StoreError> {
                self.load_plans(year, None).await
            }

            async fn plan(
                &self,
                id: &str,
            ) -> Result<Option<$crate::model::StoredPlan>, $crate::store::StoreError> {
                Ok(self.load_plans(None, Some(id)).await?.pop())
            }

            async fn insert_plan(
                &self,
                plan: &$crate::model::StoredPlan,
                baselines: &[$crate::model::Baseline],
                now: i64,
            ) -> Result<u64, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::insert_plan_rows(&mut *tx, plan, now, false).await?;
                let mut copied = 0;
                for baseline in baselines {
                    copied += sqlx::query(
                        "INSERT INTO baselines (name, year, org_unit_id, value, to_confirm) \
                         VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (name, year, org_unit_id) DO NOTHING",
                    )
                    .bind(baseline.name.as_str())
                    .bind(baseline.year)
                    .bind(&baseline.org_unit_id)
                    .bind(baseline.value)
                    .bind(baseline.to_confirm)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                }
                tx.commit().await?;
                Ok(copied)
            }

            async fn update_plan(
                &self,
                header: &domain::plan::PlanHeader,
                now: i64,
            ) -> Result<(), $crate::store::StoreError> {
                let recipients = serde_json::to_string(&header.recipients)
                    .map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
                sqlx::query(
                    "UPDATE plans SET title = $2, issuer = $3, lead_agency = $4, \
                     recipients = $5, updated_at = $6 WHERE id = $1",
                )
                .bind(&header.id)
                .bind(&header.title)
                .bind(&header.issuer)
                .bind(&header.lead_agency)
                .bind(recipients)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn set_plan_target(
                &self,
                plan_id: &str,
                target: &domain::plan::PlanTarget,
                now: i64,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                Self::upsert_plan_target(&mut *tx, plan_id, target).await?;
                Self::touch_plan(&mut *tx, plan_id, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn delete_plan_target(
                &self,
                plan_id: &str,
                code: &str,
                now: i64,
            ) -> Result<bool, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let deleted = sqlx::query(
                    "DELETE FROM plan_targets WHERE plan_id = $1 AND indicator_code = $2",
                )
                .bind(plan_id)
                .bind(code)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                Self::touch_plan(&mut *tx, plan_id, now).await?;
                tx.commit().await?;
                Ok(deleted > 0)
            }

            async fn confirm_plan(
                &self,
                plan_id: &str,
                year: i32,
                units: &[&str],
                now: i64,
            ) -> Result<(u64, u64), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let targets = sqlx::query(
                    "UPDATE plan_targets SET to_confirm = FALSE \
                     WHERE plan_id = $1 AND to_confirm",
                )
                .bind(plan_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                let mut baselines = 0;
                for chunk in units.chunks($crate::store::sql::ROWS_PER_STATEMENT) {
                    let mut query = sqlx::QueryBuilder::<$db>::new(
                        "UPDATE baselines SET to_confirm = FALSE WHERE to_confirm AND year = ",
                    );
                    query.push_bind(year).push(" AND ");
                    Self::push_in(&mut query, "org_unit_id", chunk);
                    baselines += query.build().execute(&mut *tx).await?.rows_affected();
                }
                Self::touch_plan(&mut *tx, plan_id, now).await?;
                tx.commit().await?;
                Ok((targets, baselines))
            }

            async fn baselines(
                &self,
                year: i32,
            ) -> Result<Vec<$crate::model::Baseline>, $crate::store::StoreError> {
                Ok(sqlx::query_as(
                    "SELECT year, name, org_unit_id, value, to_confirm FROM baselines \
                     WHERE year = $1 ORDER BY org_unit_id, name",
                )
                .bind(year)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn set_baseline(
                &self,
                baseline: &$crate::model::Baseline,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query(
                    "INSERT INTO baselines (name, year, org_unit_id, value, to_confirm) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name, year, org_unit_id) \
                     DO UPDATE SET value = excluded.value, to_confirm = excluded.to_confirm",
                )
                .bind(baseline.name.as_str())
                .bind(baseline.year)
                .bind(&baseline.org_unit_id)
                .bind(baseline.value)
                .bind(baseline.to_confirm)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn setting(
                &self,
                key: &str,
            ) -> Result<Option<String>, $crate::store::StoreError> {
                Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn set_setting(
                &self,
                key: &str,
                value: &str,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(key)
                .bind(value)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn indicator_counts(
                &self,
                q: &$crate::model::CountQuery<'_>,
            ) -> Result<$crate::model::Counts, $crate::store::StoreError> {
                if q.units.is_empty() {
                    return Ok($crate::model::Counts::default());
                }
                // Sums per unit, kind and category (and quarter, for media posts) from the monthly
                // sums that triggers keep (migration 0005): the period is whole months.
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "SELECT org_unit_id, kind, NULLIF(category, '') AS category, \
                     CASE WHEN kind = 'media_post' \
                     THEN CAST((CAST(SUBSTR(month, 6, 2) AS INTEGER) + 2) / 3 AS INTEGER) \
                     END AS quarter, CAST(SUM(records) AS BIGINT) AS records, \
                     CAST(SUM(people) AS BIGINT) AS people, \
                     CAST(SUM(female) AS BIGINT) AS female, \
                     CAST(SUM(amount) AS BIGINT) AS amount, \
                     CAST(SUM(dated) AS BIGINT) AS dated, \
                     CAST(SUM(CASE WHEN days >= 0 AND days <= ",
                );
                query
                    .push_bind(q.deadline_days)
                    .push(
                        " THEN records ELSE 0 END) AS BIGINT) AS in_time \
                         FROM indicator_sums WHERE kind IN (",
                    );
                for (n, kind) in $crate::store::sql::SUMMED_KINDS.iter().enumerate() {
                    query
                        .push(if n == 0 { "'" } else { ", '" })
                        .push(domain::Coded::as_str(*kind))
                        .push("'");
                }
                query
                    .push(") AND month <= ")
                    .push_bind(q.end.get(..7).unwrap_or(q.end))
                    .push(" AND (month >= ")
                    .push_bind(q.start.get(..7).unwrap_or(q.start))
                    .push(" OR kind = 'business') AND ");
                Self::push_in(&mut query, "org_unit_id", q.units);
                query.push(" GROUP BY 1, 2, 3, 4 HAVING SUM(records) > 0");
                // The three queries run at once, each on its own connection.
                let grouped = async {
                    match q.groups {
                        Some(groups) => Self::distinct_counts(&self.pool, q, Some(groups)).await,
                        None => Ok(Vec::new()),
                    }
                };
                let (sums, mut distinct, grouped) = tokio::try_join!(
                    async { Ok(query.build_query_as().fetch_all(&self.pool).await?) },
                    Self::distinct_counts(&self.pool, q, None),
                    grouped,
                )?;
                distinct.extend(grouped);
                Ok($crate::model::Counts { sums, distinct })
            }

            async fn begin_sync(
                &self,
            ) -> Result<Box<dyn $crate::store::SyncTx>, $crate::store::StoreError> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                // In PostgreSQL this row lock is held until commit: the next writer waits here.
                let last_seq = sqlx::query_scalar(
                    "UPDATE change_counter SET last_seq = last_seq WHERE id = 1 \
                     RETURNING last_seq",
                )
                .fetch_one(&mut *tx)
                .await?;
                Ok(Box::new(SyncTransaction { tx, last_seq }))
            }

            async fn changed_records(
                &self,
                filter: &$crate::model::RecordFilter<'_>,
            ) -> Result<Vec<$crate::model::ChangedRecord>, $crate::store::StoreError> {
                if filter.units.is_some_and(|units| units.is_empty()) || filter.kinds.is_empty()
                {
                    return Ok(Vec::new());
                }
                let mut query = sqlx::QueryBuilder::<$db>::new(concat!(
                    "SELECT change_seq, ",
                    record_columns!(),
                    " FROM records WHERE change_seq > "
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
                Ok(query
                    .build_query_as::<$crate::model::ChangedRecord>()
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn last_change(&self) -> Result<i64, $crate::store::StoreError> {
                Ok(
                    sqlx::query_scalar("SELECT last_seq FROM change_counter WHERE id = 1")
                        .fetch_one(&self.pool)
                        .await?,
                )
            }
        }
    };
}

pub(super) use {officer_select, record_columns, sql_store};
