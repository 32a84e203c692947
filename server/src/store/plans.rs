//! The yearly plans of the units, their targets, and the baselines the targets start from.

use super::{push_in, Store, StoreError, Tx, ROWS_PER_STATEMENT};
use crate::model::{Baseline, StoredPlan, UnknownValue};
use domain::indicator::Op;
use domain::plan::{PlanHeader, PlanTarget};
use domain::Coded as _;
use sqlx::QueryBuilder;

/// A row of `plans`; `recipients` is JSON text.
#[derive(sqlx::FromRow)]
struct PlanRow {
    id: String,
    org_unit_id: String,
    year: i32,
    title: String,
    issuer: String,
    lead_agency: String,
    recipients: String,
    copied_from: Option<String>,
}

/// A row of `plan_targets`.
#[derive(sqlx::FromRow)]
struct TargetRow {
    plan_id: String,
    indicator_code: String,
    op: String,
    value: f64,
    to_confirm: bool,
}

impl Store {
    /// The plans of `year` (of every year for `None`), newest year first, then by unit id; each
    /// with its targets in report order.
    pub async fn plans(&self, year: Option<i32>) -> Result<Vec<StoredPlan>, StoreError> {
        self.load_plans(year, None).await
    }

    /// The plan with this id, with its targets in report order.
    pub async fn plan(&self, id: &str) -> Result<Option<StoredPlan>, StoreError> {
        Ok(self.load_plans(None, Some(id)).await?.pop())
    }

    /// Stores a new plan with its targets, and the baselines copied for it where its year has
    /// none of that name and unit yet, at once; says how many baselines it copied.
    /// [`StoreError::Duplicate`] when the id or the (unit, year) is taken.
    pub async fn insert_plan(
        &self,
        plan: &StoredPlan,
        baselines: &[Baseline],
        now: i64,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        insert_plan_rows(&mut tx, plan, now, false).await?;
        let mut copied = 0;
        for baseline in baselines {
            copied += on_conn!(tx.conn(), conn => {
                sqlx::query(
                    "INSERT INTO baselines (name, year, org_unit_id, value, to_confirm) \
                     VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (name, year, org_unit_id) DO NOTHING",
                )
                .bind(baseline.name.as_str())
                .bind(plan.header.year)
                .bind(&baseline.org_unit_id)
                .bind(baseline.value)
                .bind(baseline.to_confirm)
                .execute(conn)
                .await?
                .rows_affected()
            });
        }
        tx.commit().await?;
        Ok(copied)
    }

    /// Writes the title, issuer, lead agency and recipients of an existing plan.
    pub async fn update_plan(&self, header: &PlanHeader, now: i64) -> Result<(), StoreError> {
        let recipients = serde_json::to_string(&header.recipients)
            .map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
        on_db!(&self.db, pool => {
            sqlx::query(
                "UPDATE plans SET title = $2, issuer = $3, lead_agency = $4, \
                 recipients = $5, updated_at = $6 WHERE id = $1",
            )
            .bind(&header.id)
            .bind(&header.title)
            .bind(&header.issuer)
            .bind(&header.lead_agency)
            .bind(&recipients)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Creates or replaces one target of an existing plan.
    pub async fn set_plan_target(
        &self,
        plan_id: &str,
        target: &PlanTarget,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        upsert_plan_target(&mut tx, plan_id, target).await?;
        touch_plan(&mut tx, plan_id, now).await?;
        tx.commit().await
    }

    /// Removes one target; says whether there was one.
    pub async fn delete_plan_target(
        &self,
        plan_id: &str,
        code: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let deleted = on_conn!(tx.conn(), conn => {
            sqlx::query("DELETE FROM plan_targets WHERE plan_id = $1 AND indicator_code = $2")
                .bind(plan_id)
                .bind(code)
                .execute(conn)
                .await?
                .rows_affected()
        });
        touch_plan(&mut tx, plan_id, now).await?;
        tx.commit().await?;
        Ok(deleted > 0)
    }

    /// Marks every target of the plan, and the baselines of `year` of `units`, confirmed, at
    /// once; says how many targets and baselines that changed.
    pub async fn confirm_plan(
        &self,
        plan_id: &str,
        year: i32,
        units: &[&str],
        now: i64,
    ) -> Result<(u64, u64), StoreError> {
        let mut tx = self.begin().await?;
        let targets = on_conn!(tx.conn(), conn => {
            sqlx::query("UPDATE plan_targets SET to_confirm = FALSE WHERE plan_id = $1 AND to_confirm")
                .bind(plan_id)
                .execute(conn)
                .await?
                .rows_affected()
        });
        let mut baselines = 0;
        for chunk in units.chunks(ROWS_PER_STATEMENT) {
            baselines += on_conn!(tx.conn(), conn => {
                let mut query = QueryBuilder::new(
                    "UPDATE baselines SET to_confirm = FALSE WHERE to_confirm AND year = ",
                );
                query.push_bind(year).push(" AND ");
                push_in(&mut query, "org_unit_id", chunk);
                query.build().execute(conn).await?.rows_affected()
            });
        }
        touch_plan(&mut tx, plan_id, now).await?;
        tx.commit().await?;
        Ok((targets, baselines))
    }

    /// The baselines of `year`, by unit id and name.
    pub async fn baselines(&self, year: i32) -> Result<Vec<Baseline>, StoreError> {
        let rows: Vec<(String, String, i64, bool)> = on_db!(&self.db, pool => {
            sqlx::query_as(
                "SELECT name, org_unit_id, value, to_confirm FROM baselines \
                 WHERE year = $1 ORDER BY org_unit_id, name",
            )
            .bind(year)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(name, org_unit_id, value, to_confirm)| {
                Ok(Baseline {
                    name: super::code(name)?,
                    org_unit_id,
                    value,
                    to_confirm,
                })
            })
            .collect()
    }

    /// Creates or replaces the value (and `to_confirm`) of (name, year, unit).
    pub async fn set_baseline(&self, year: i32, baseline: &Baseline) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
            sqlx::query(
                "INSERT INTO baselines (name, year, org_unit_id, value, to_confirm) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name, year, org_unit_id) \
                 DO UPDATE SET value = excluded.value, to_confirm = excluded.to_confirm",
            )
            .bind(baseline.name.as_str())
            .bind(year)
            .bind(&baseline.org_unit_id)
            .bind(baseline.value)
            .bind(baseline.to_confirm)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The plans of `year` (any when `None`), or the one with `id`, newest year first.
    async fn load_plans(
        &self,
        year: Option<i32>,
        id: Option<&str>,
    ) -> Result<Vec<StoredPlan>, StoreError> {
        let decode = |error: Box<dyn std::error::Error + Send + Sync>| {
            StoreError::Database(sqlx::Error::Decode(error))
        };
        let (rows, targets): (Vec<PlanRow>, Vec<TargetRow>) = on_db!(&self.db, pool => {
            let rows = sqlx::query_as(
                "SELECT id, org_unit_id, year, title, issuer, lead_agency, recipients, \
                 copied_from FROM plans WHERE ($1 IS NULL OR year = $1) \
                 AND ($2 IS NULL OR id = $2) ORDER BY year DESC, org_unit_id",
            )
            .bind(year)
            .bind(id)
            .fetch_all(pool)
            .await?;
            let targets = sqlx::query_as(
                "SELECT t.plan_id, t.indicator_code, t.op, t.value, t.to_confirm \
                 FROM plan_targets t JOIN plans p ON p.id = t.plan_id \
                 JOIN indicators i ON i.code = t.indicator_code \
                 WHERE ($1 IS NULL OR p.year = $1) AND ($2 IS NULL OR p.id = $2) \
                 ORDER BY i.sort, i.code",
            )
            .bind(year)
            .bind(id)
            .fetch_all(pool)
            .await?;
            (rows, targets)
        });
        let mut plans = Vec::with_capacity(rows.len());
        for row in rows {
            plans.push(StoredPlan {
                header: PlanHeader {
                    id: row.id,
                    org_unit_id: row.org_unit_id,
                    year: row.year,
                    title: row.title,
                    issuer: row.issuer,
                    lead_agency: row.lead_agency,
                    recipients: serde_json::from_str(&row.recipients)
                        .map_err(|error| decode(Box::new(error)))?,
                },
                copied_from: row.copied_from,
                targets: Vec::new(),
            });
        }
        for row in targets {
            let target = PlanTarget {
                indicator_code: row.indicator_code,
                op: Op::parse(&row.op).ok_or_else(|| decode(Box::new(UnknownValue(row.op))))?,
                value: row.value,
                to_confirm: row.to_confirm,
            };
            if let Some(plan) = plans.iter_mut().find(|plan| plan.header.id == row.plan_id) {
                plan.targets.push(target);
            }
        }
        Ok(plans)
    }
}

/// A plan's row and its targets; with `ignore_existing`, a plan already there is kept as it is
/// (two servers seeding one new database).
pub(super) async fn insert_plan_rows(
    tx: &mut Tx,
    plan: &StoredPlan,
    now: i64,
    ignore_existing: bool,
) -> Result<(), StoreError> {
    let header = &plan.header;
    let recipients = serde_json::to_string(&header.recipients)
        .map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    let sql = if ignore_existing {
        "INSERT INTO plans (id, org_unit_id, year, title, issuer, lead_agency, recipients, \
         copied_from, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT DO NOTHING"
    } else {
        "INSERT INTO plans (id, org_unit_id, year, title, issuer, lead_agency, recipients, \
         copied_from, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
    };
    let inserted = on_conn!(tx.conn(), conn => {
        sqlx::query(sql)
            .bind(&header.id)
            .bind(&header.org_unit_id)
            .bind(header.year)
            .bind(&header.title)
            .bind(&header.issuer)
            .bind(&header.lead_agency)
            .bind(&recipients)
            .bind(&plan.copied_from)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected()
    });
    if inserted == 0 {
        return Ok(());
    }
    for target in &plan.targets {
        upsert_plan_target(tx, &header.id, target).await?;
    }
    Ok(())
}

async fn upsert_plan_target(
    tx: &mut Tx,
    plan_id: &str,
    target: &PlanTarget,
) -> Result<(), StoreError> {
    on_conn!(tx.conn(), conn => {
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
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Sets the plan's `updated_at`: a change to its targets changes the plan.
async fn touch_plan(tx: &mut Tx, plan_id: &str, now: i64) -> Result<(), StoreError> {
    on_conn!(tx.conn(), conn => {
        sqlx::query("UPDATE plans SET updated_at = $2 WHERE id = $1")
            .bind(plan_id)
            .bind(now)
            .execute(conn)
            .await?;
    });
    Ok(())
}
