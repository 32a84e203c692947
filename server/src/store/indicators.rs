//! The indicators, the settings, and what the indicators count over the records.

use super::{push_in, Store, StoreError};
use crate::model::{CountQuery, Counts, DistinctCount, DistinctMeasure, Indicator, UnitSums};
use domain::{Coded, RecordKind};
use sqlx::{Database, Encode, QueryBuilder, Type};

/// The kinds whose records the indicators sum (the others they only count distinctly).
const SUMMED_KINDS: [RecordKind; 8] = [
    RecordKind::OutreachSession,
    RecordKind::Training,
    RecordKind::MediaPost,
    RecordKind::Inspection,
    RecordKind::TipOff,
    RecordKind::CommunePlan,
    RecordKind::PilotModel,
    RecordKind::Business,
];

impl Store {
    /// Every indicator in report order.
    pub async fn indicators(&self) -> Result<Vec<Indicator>, StoreError> {
        let rows: Vec<(String, String, String, String)> = on_db!(&self.db, pool => {
            sqlx::query_as(
                "SELECT code, label_vi, label_en, kind FROM indicators ORDER BY sort, code",
            )
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(code, label_vi, label_en, kind)| {
                Ok(Indicator {
                    code,
                    label_vi,
                    label_en,
                    kind: super::code(kind)?,
                })
            })
            .collect()
    }

    /// A value of the `settings` table.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(on_db!(&self.db, pool => {
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Creates or replaces a value of the `settings` table.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key)
            .bind(value)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// What the indicators count over `query`'s units and period, in a few SQL aggregates.
    pub async fn indicator_counts(&self, q: &CountQuery<'_>) -> Result<Counts, StoreError> {
        if q.units.is_empty() {
            return Ok(Counts::default());
        }
        // The three queries run at once, each on its own connection.
        let grouped = async {
            match q.groups {
                Some(groups) => self.distinct_counts(q, Some(groups)).await,
                None => Ok(Vec::new()),
            }
        };
        let (sums, mut distinct, grouped) =
            tokio::try_join!(self.unit_sums(q), self.distinct_counts(q, None), grouped)?;
        distinct.extend(grouped);
        Ok(Counts { sums, distinct })
    }

    /// Sums per unit, kind and category (and quarter, for media posts) from the monthly sums that
    /// triggers keep (migration 0005): the period is whole months.
    async fn unit_sums(&self, q: &CountQuery<'_>) -> Result<Vec<UnitSums>, StoreError> {
        Ok(on_db!(&self.db, pool => {
            let mut query = QueryBuilder::new(
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
            query.push_bind(q.deadline_days).push(
                " THEN records ELSE 0 END) AS BIGINT) AS in_time \
                 FROM indicator_sums WHERE kind IN (",
            );
            for (n, kind) in SUMMED_KINDS.iter().enumerate() {
                query
                    .push(if n == 0 { "'" } else { ", '" })
                    .push(kind.as_str())
                    .push("'");
            }
            query
                .push(") AND month <= ")
                .push_bind(q.end.get(..7).unwrap_or(q.end))
                .push(" AND (month >= ")
                .push_bind(q.start.get(..7).unwrap_or(q.start))
                .push(" OR kind = 'business') AND ");
            push_in(&mut query, "org_unit_id", q.units);
            query.push(" GROUP BY 1, 2, 3, 4 HAVING SUM(records) > 0");
            query.build_query_as().fetch_all(pool).await?
        }))
    }

    /// The distinct counts of `q` over all its units, or per group with `groups`.
    async fn distinct_counts(
        &self,
        q: &CountQuery<'_>,
        groups: Option<&[(&str, &str)]>,
    ) -> Result<Vec<DistinctCount>, StoreError> {
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
        Ok(on_db!(&self.db, pool => {
            let mut query = QueryBuilder::new("");
            push_distinct_counts(&mut query, q, units, groups);
            query.build_query_as().fetch_all(pool).await?
        }))
    }
}

/// The query of [`Store::distinct_counts`] over `units`. Each kind is read once: referrals and
/// inspections are first reduced to one row per (group, client or business) with flags, which
/// the measures then count.
fn push_distinct_counts<'a, DB: Database>(
    query: &mut QueryBuilder<'a, DB>,
    q: &CountQuery<'a>,
    units: &'a [&'a str],
    groups: Option<&'a [(&'a str, &'a str)]>,
) where
    &'a str: Encode<'a, DB> + Type<DB>,
{
    use DistinctMeasure as M;
    use RecordKind as K;
    query.push("WITH clients AS (");
    push_select(query, "", groups);
    query
        .push(
            "fact_subject, MAX(CASE WHEN fact_eligible THEN 1 ELSE 0 END) AS eligible, \
             MAX(CASE WHEN fact_eligible AND fact_date <= ",
        )
        .push_bind(q.end)
        .push(" THEN 1 ELSE 0 END) AS accessed FROM records WHERE ");
    push_kind(query, "", K::Referral, q);
    push_in(query, "org_unit_id", units);
    query.push(" GROUP BY 1, 2), businesses AS (");
    push_select(query, "", groups);
    query.push(
        "fact_subject, MAX(CASE WHEN fact_flag THEN 1 ELSE 0 END) AS violation \
         FROM records WHERE ",
    );
    push_kind(query, "", K::Inspection, q);
    push_in(query, "org_unit_id", units);
    query.push(" GROUP BY 1, 2)");
    for (measure, counted, from) in [
        (M::Clients, "*", "clients"),
        (
            M::EligibleClients,
            "CASE WHEN eligible = 1 THEN 1 END",
            "clients",
        ),
        (
            M::AccessedClients,
            "CASE WHEN accessed = 1 THEN 1 END",
            "clients",
        ),
        (
            M::ViolatingBusinesses,
            "CASE WHEN violation = 1 THEN 1 END",
            "businesses",
        ),
    ] {
        query
            .push(if measure == M::Clients {
                " SELECT"
            } else {
                " UNION ALL SELECT"
            })
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
            push_group(query, "b.", groups);
            query.push(", b.id");
        }
        None => {
            query.push("fact_subject IN (SELECT b.id");
        }
    }
    query.push(" FROM records b WHERE ");
    push_kind(query, "b.", K::Business, q);
    push_in(query, "b.org_unit_id", units);
    query.push(") GROUP BY 1");
    // C06: clients who accessed each service; KH02: agencies.
    for (measure, kind, key, condition) in [
        (
            M::ServiceClients,
            K::Referral,
            "fact_category",
            " AND fact_date <= ",
        ),
        (M::Agencies, K::AgencyIntegration, "CAST(NULL AS TEXT)", ""),
    ] {
        query
            .push(" UNION ALL SELECT group_id, '")
            .push(measure.as_str())
            .push("', key, COUNT(*) FROM (SELECT DISTINCT ");
        match groups {
            Some(groups) => push_group(query, "", groups),
            None => {
                query.push("CAST(NULL AS TEXT)");
            }
        }
        query
            .push(" AS group_id, ")
            .push(key)
            .push(" AS key, fact_subject FROM records WHERE ");
        push_kind(query, "", kind, q);
        push_in(query, "org_unit_id", units);
        if !condition.is_empty() {
            query.push(condition).push_bind(q.end);
        }
        query.push(") s GROUP BY 1, 3");
    }
}

/// `[prefix]kind = '…' AND [prefix]fact_category IN (…)` (or `IS NULL`), the period (for
/// businesses: its end only) and `NOT voided`, then ` AND `.
fn push_kind<'a, DB: Database>(
    query: &mut QueryBuilder<'a, DB>,
    prefix: &str,
    kind: RecordKind,
    q: &CountQuery<'a>,
) where
    &'a str: Encode<'a, DB> + Type<DB>,
{
    query
        .push(prefix)
        .push("kind = '")
        .push(kind.as_str())
        .push("' AND ")
        .push(prefix)
        .push("fact_category");
    let categories = crate::facts::categories(kind);
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
    if kind != RecordKind::Business {
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
fn push_group<'a, DB: Database>(
    query: &mut QueryBuilder<'a, DB>,
    prefix: &str,
    groups: &'a [(&'a str, &'a str)],
) where
    &'a str: Encode<'a, DB> + Type<DB>,
{
    let mapped: Vec<_> = groups
        .iter()
        .filter(|(unit, group)| unit != group)
        .collect();
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
fn push_select<'a, DB: Database>(
    query: &mut QueryBuilder<'a, DB>,
    prefix: &str,
    groups: Option<&'a [(&'a str, &'a str)]>,
) where
    &'a str: Encode<'a, DB> + Type<DB>,
{
    query.push("SELECT ");
    match groups {
        Some(groups) => push_group(query, prefix, groups),
        None => {
            query.push("CAST(NULL AS TEXT)");
        }
    }
    query.push(" AS group_id, ");
}
