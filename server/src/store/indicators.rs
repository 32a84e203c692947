//! The indicators, the settings, and what the indicators count over the records.

use super::{push_in, Store, StoreError};
use crate::model::{
    CountQuery, Counts, DistinctCount, DistinctMeasure, Indicator, UnitCount, UnitMeasure, UnitSums,
};
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

/// The settings key of the tip-off deadline (with `:YYYY`, from that year on).
pub const DEADLINE_KEY: &str = "tip_off_deadline_days";

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

    /// The value of `key`, which is `value` if the table had none: of two servers that give
    /// different values at once, both read the first one stored.
    pub async fn setting_once(&self, key: &str, value: &str) -> Result<String, StoreError> {
        Ok(on_db!(&self.db, pool => {
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                .bind(key)
                .bind(value)
                .execute(pool)
                .await?;
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_one(pool)
                .await?
        }))
    }

    /// The tip-off deadline in force in `year`: the value set in that year or the latest year
    /// before it (`tip_off_deadline_days:YYYY`), else the one set before deadlines were kept per
    /// year (`tip_off_deadline_days`), so that a change never rewrites a past year's PCMD-TG01.
    pub async fn tip_off_deadline(&self, year: i32) -> Result<Option<i64>, StoreError> {
        let rows: Vec<(String, String)> = on_db!(&self.db, pool => {
            sqlx::query_as("SELECT key, value FROM settings WHERE key LIKE 'tip_off_deadline_days%'")
                .fetch_all(pool)
                .await?
        });
        let mut in_force: Option<(i32, i64)> = None;
        for (key, value) in rows {
            let from = match key.strip_prefix(DEADLINE_KEY) {
                Some("") => i32::MIN,
                Some(rest) => match rest.strip_prefix(':').and_then(|y| y.parse().ok()) {
                    Some(from) => from,
                    None => continue,
                },
                None => continue,
            };
            let Ok(days) = value.trim().parse::<i64>() else {
                continue;
            };
            if from <= year && in_force.is_none_or(|(latest, _)| from > latest) {
                in_force = Some((from, days));
            }
        }
        Ok(in_force.map(|(_, days)| days))
    }

    /// Sets the tip-off deadline from `year` on.
    pub async fn set_tip_off_deadline(&self, year: i32, days: i64) -> Result<(), StoreError> {
        self.set_setting(&format!("{DEADLINE_KEY}:{year}"), &days.to_string())
            .await
    }

    /// What the indicators count over `query`'s units and period, in a few SQL aggregates.
    pub async fn indicator_counts(&self, q: &CountQuery<'_>) -> Result<Counts, StoreError> {
        if q.units.is_empty() {
            return Ok(Counts::default());
        }
        // The queries run at once, each on its own connection.
        let grouped = async {
            match q.groups {
                Some(groups) => self.distinct_counts(q, Some(groups)).await,
                None => Ok(Vec::new()),
            }
        };
        let (sums, unit_counts, mut distinct, grouped) = tokio::try_join!(
            self.unit_sums(q),
            self.unit_counts(q),
            self.distinct_counts(q, None),
            grouped
        )?;
        distinct.extend(grouped);
        Ok(Counts {
            sums,
            unit_counts,
            distinct,
        })
    }

    /// The [`UnitMeasure`]s per unit, from the records of the few kinds they read.
    async fn unit_counts(&self, q: &CountQuery<'_>) -> Result<Vec<UnitCount>, StoreError> {
        use UnitMeasure as M;
        Ok(on_db!(&self.db, pool => {
            let mut query = QueryBuilder::new("");
            // TG01: not handled in time (as `unit_sums`' in_time), and due before the day judged.
            push_unit_select(&mut query, M::LateTipOffs, "COUNT(*)", q.units);
            query
                .push(" AND kind = 'tip_off' AND fact_category IS NULL AND occurred_on >= ")
                .push_bind(q.start)
                .push(" AND occurred_on <= ")
                .push_bind(q.end)
                .push(" AND occurred_on < ")
                .push_bind(q.late_before)
                .push(" AND (fact_days IS NULL OR fact_days < 0 OR fact_days > ")
                .push_bind(q.deadline_days)
                .push(") GROUP BY org_unit_id");
            // KH01 by the adoption date, whatever the record's date.
            push_unit_select(&mut query, M::PlansAdopted, "COUNT(*)", q.units);
            query
                .push(" AND kind = 'commune_plan' AND fact_category IS NULL AND fact_date >= ")
                .push_bind(q.start)
                .push(" AND fact_date <= ")
                .push_bind(q.end)
                .push(" GROUP BY org_unit_id");
            // MH01: started by the period's end, not ended before it began.
            push_unit_select(&mut query, M::PilotsRunning, "COUNT(*)", q.units);
            query
                .push(" AND kind = 'pilot_model' AND fact_category IS NULL AND occurred_on <= ")
                .push_bind(q.end)
                .push(" AND (fact_date IS NULL OR fact_date >= ")
                .push_bind(q.start)
                .push(") GROUP BY org_unit_id");
            query.build_query_as().fetch_all(pool).await?
        }))
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
                 CAST(SUM(first_time) AS BIGINT) AS first_time, \
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

/// The query of [`Store::distinct_counts`] over `units`. Referrals and inspections are first
/// reduced to one row per (group, client or business) with flags, which the measures then count.
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
    // Referrals of the period, and earlier ones whose access falls in it (PCMD-HT01's cohort):
    // `referred` in the period, `eligible` in the cohort, `accessed` in the period. Two ranges,
    // each read from an index: referrals by their day, accessed referrals by their day of access.
    query.push(
        "WITH clients AS (SELECT group_id, fact_subject, MAX(referred) AS referred, \
         MAX(eligible) AS eligible, MAX(accessed) AS accessed FROM (",
    );
    push_select(query, "", groups);
    query
        .push(
            "fact_subject, 1 AS referred, CASE WHEN fact_eligible THEN 1 ELSE 0 END AS eligible, \
             CASE WHEN fact_eligible AND fact_date >= ",
        )
        .push_bind(q.start)
        .push(" AND fact_date <= ")
        .push_bind(q.end)
        .push(" THEN 1 ELSE 0 END AS accessed FROM records WHERE ");
    push_kind(query, "", K::Referral, q);
    push_in(query, "org_unit_id", units);
    query.push(" UNION ALL ");
    push_select(query, "", groups);
    // Those referred in the period come again here, with the flags they have above.
    query.push("fact_subject, 0, 1, 1 FROM records WHERE ");
    push_accessed(query, q, units);
    query.push(" AND fact_eligible) cohort GROUP BY 1, 2), businesses AS (");
    push_select(query, "", groups);
    query.push(
        "fact_subject, MAX(CASE WHEN fact_flag THEN 1 ELSE 0 END) AS violation \
         FROM records WHERE ",
    );
    push_kind(query, "", K::Inspection, q);
    push_in(query, "org_unit_id", units);
    query.push(" GROUP BY 1, 2)");
    for (measure, counted, from) in [
        (M::Clients, "CASE WHEN referred = 1 THEN 1 END", "clients"),
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
    // C06: clients whose access to each service falls in the period; KH02: agencies.
    for (measure, kind, key) in [
        (M::ServiceClients, K::Referral, "fact_category"),
        (M::Agencies, K::AgencyIntegration, "CAST(NULL AS TEXT)"),
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
        if measure == M::ServiceClients {
            push_accessed(query, q, units);
        } else {
            push_kind(query, "", kind, q);
            push_in(query, "org_unit_id", units);
        }
        query.push(") s GROUP BY 1, 3");
    }
    // TT03: per business of the register (same group), the workers reached, at most its
    // workers; sessions naming no business of the register count in full.
    query.push(" UNION ALL SELECT w.group_id, '").push(M::ReachedWorkers.as_str()).push(
        "', NULL, CAST(SUM(CASE WHEN r.workers IS NULL OR w.reached < r.workers THEN w.reached \
         ELSE r.workers END) AS BIGINT) FROM (",
    );
    push_select(query, "", groups);
    query.push("fact_subject, SUM(fact_people) AS reached FROM records WHERE ");
    push_kind(query, "", K::OutreachSession, q);
    query.push("fact_category = 'business_workers' AND ");
    push_in(query, "org_unit_id", units);
    query.push(" GROUP BY 1, 2) w LEFT JOIN (");
    push_select(query, "b.", groups);
    query.push("b.id, b.fact_people AS workers FROM records b WHERE ");
    push_kind(query, "b.", K::Business, q);
    push_in(query, "b.org_unit_id", units);
    query.push(
        ") r ON r.id = w.fact_subject AND COALESCE(r.group_id, '') = COALESCE(w.group_id, '') \
         GROUP BY 1",
    );
}

/// `SELECT org_unit_id, '<measure>', <value> FROM records WHERE NOT voided AND <units>` (after a
/// `UNION ALL` but for the first measure).
fn push_unit_select<'a, DB: Database>(
    query: &mut QueryBuilder<'a, DB>,
    measure: UnitMeasure,
    value: &str,
    units: &'a [&'a str],
) where
    &'a str: Encode<'a, DB> + Type<DB>,
{
    if measure != UnitMeasure::LateTipOffs {
        query.push(" UNION ALL ");
    }
    query
        .push("SELECT org_unit_id, '")
        .push(measure.as_str())
        .push("' AS measure, CAST(")
        .push(value)
        .push(" AS BIGINT) AS value FROM records WHERE NOT voided AND ");
    push_in(query, "org_unit_id", units);
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
        .push("' AND ");
    push_categories(query, prefix, kind);
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

/// Referrals of `units` accessed in the period (from the index `records_access`). Each was
/// recorded by then: a referral's `accessed_on` is never before its `occurred_on` (the domain
/// refuses it), and a bound on `occurred_on` here would lead SQLite's planner to read every
/// earlier referral by `records_kind_date` instead.
fn push_accessed<'a, DB: Database>(
    query: &mut QueryBuilder<'a, DB>,
    q: &CountQuery<'a>,
    units: &'a [&'a str],
) where
    &'a str: Encode<'a, DB> + Type<DB>,
{
    query.push("kind = 'referral' AND ");
    push_categories(query, "", RecordKind::Referral);
    query
        .push(" AND fact_date >= ")
        .push_bind(q.start)
        .push(" AND fact_date <= ")
        .push_bind(q.end)
        .push(" AND NOT voided AND ");
    push_in(query, "org_unit_id", units);
}

/// `[prefix]fact_category IN (…)` of `kind`'s categories, or `IS NULL` for a kind without.
fn push_categories<DB: Database>(query: &mut QueryBuilder<'_, DB>, prefix: &str, kind: RecordKind) {
    query.push(prefix).push("fact_category");
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
