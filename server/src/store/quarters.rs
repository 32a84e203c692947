//! Communes' quarters on their way to approval (migration 0009): each step as one conditional
//! change with its audit line in one transaction, the frozen figures of an approved quarter, and
//! the records that arrived after its approval.

use super::{audit, push_in, Store, StoreError};
use crate::model::AuditEntry;
use domain::api::QuarterState;
use domain::Coded as _;
use sqlx::QueryBuilder;

/// A commune's quarter as `quarters` keeps it, the frozen figures aside.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredQuarter {
    pub org_unit_id: String,
    pub year: i32,
    pub quarter: u32,
    pub state: QuarterState,
    pub comment: Option<String>,
    /// Officer ids and times of the submission and the approval that stand.
    pub submitted_by: Option<String>,
    pub submitted_at: Option<i64>,
    pub approved_by: Option<String>,
    pub approved_at: Option<i64>,
    /// The change counter read before the approved figures were counted.
    pub approved_seq: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct QuarterRow {
    org_unit_id: String,
    year: i32,
    quarter: i32,
    state: String,
    comment: Option<String>,
    submitted_by: Option<String>,
    submitted_at: Option<i64>,
    approved_by: Option<String>,
    approved_at: Option<i64>,
    approved_seq: Option<i64>,
}

impl TryFrom<QuarterRow> for StoredQuarter {
    type Error = StoreError;
    fn try_from(row: QuarterRow) -> Result<StoredQuarter, StoreError> {
        Ok(StoredQuarter {
            org_unit_id: row.org_unit_id,
            year: row.year,
            quarter: row.quarter as u32,
            state: super::code(row.state)?,
            comment: row.comment,
            submitted_by: row.submitted_by,
            submitted_at: row.submitted_at,
            approved_by: row.approved_by,
            approved_at: row.approved_at,
            approved_seq: row.approved_seq,
        })
    }
}

const QUARTER_COLUMNS: &str = "org_unit_id, year, quarter, state, comment, submitted_by, \
     submitted_at, approved_by, approved_at, approved_seq";

/// One quarter: the commune's id, the year and the quarter (1–4).
#[derive(Clone, Copy, Debug)]
pub struct QuarterKey<'a> {
    pub org_unit_id: &'a str,
    pub year: i32,
    pub quarter: u32,
}

/// A step of a quarter, with what it writes.
pub enum QuarterStep<'a> {
    Submit,
    /// Back to the commune, with the approver's comment.
    Return {
        comment: &'a str,
    },
    /// Approval, or approval again of an approved quarter: the figures counted after reading the
    /// change counter at `seq`, in full and with small counts hidden (JSON).
    Approve {
        seq: i64,
        figures: &'a str,
        figures_suppressed: &'a str,
    },
    RequestReopen {
        reason: &'a str,
    },
    /// Open again, the approval and its figures gone; `comment` is the approver's, if any.
    Reopen {
        comment: Option<&'a str>,
    },
}

impl QuarterStep<'_> {
    /// The states the step may start from; a quarter without a row is `open`.
    pub fn from_states(&self) -> &'static [QuarterState] {
        use QuarterState::*;
        match self {
            QuarterStep::Submit => &[Open, Returned],
            QuarterStep::Return { .. } => &[Submitted],
            QuarterStep::Approve { .. } => &[Submitted, Approved],
            QuarterStep::RequestReopen { .. } => &[Approved],
            QuarterStep::Reopen { .. } => &[ReopenRequested, Approved],
        }
    }

    /// The change of the row: `$1…$3` the key, `$4` the officer, `$5` the time, then the step's.
    fn update(&self) -> &'static str {
        match self {
            QuarterStep::Submit => {
                "UPDATE quarters SET state = 'submitted', comment = NULL, submitted_by = $4, \
                 submitted_at = $5, updated_by = $4, updated_at = $5"
            }
            QuarterStep::Return { .. } => {
                "UPDATE quarters SET state = 'returned', comment = $6, updated_by = $4, \
                 updated_at = $5"
            }
            QuarterStep::Approve { .. } => {
                "UPDATE quarters SET state = 'approved', comment = NULL, approved_by = $4, \
                 approved_at = $5, approved_seq = $6, figures = $7, figures_suppressed = $8, \
                 updated_by = $4, updated_at = $5"
            }
            QuarterStep::RequestReopen { .. } => {
                "UPDATE quarters SET state = 'reopen_requested', comment = $6, updated_by = $4, \
                 updated_at = $5"
            }
            QuarterStep::Reopen { .. } => {
                "UPDATE quarters SET state = 'open', comment = $6, submitted_by = NULL, \
                 submitted_at = NULL, approved_by = NULL, approved_at = NULL, \
                 approved_seq = NULL, figures = NULL, figures_suppressed = NULL, \
                 updated_by = $4, updated_at = $5"
            }
        }
    }
}

impl Store {
    /// The quarters of `year` of these communes that have a row, by commune id and quarter.
    pub async fn quarters(
        &self,
        year: i32,
        units: &[&str],
    ) -> Result<Vec<StoredQuarter>, StoreError> {
        let rows: Vec<QuarterRow> = on_db!(&self.db, pool => {
            let mut query = QueryBuilder::new(format!(
                "SELECT {QUARTER_COLUMNS} FROM quarters WHERE year = "
            ));
            query.push_bind(year).push(" AND ");
            push_in(&mut query, "org_unit_id", units);
            query.push(" ORDER BY org_unit_id, quarter");
            query.build_query_as().fetch_all(pool).await?
        });
        rows.into_iter().map(StoredQuarter::try_from).collect()
    }

    /// One quarter's row, if it has one.
    pub async fn quarter(&self, key: QuarterKey<'_>) -> Result<Option<StoredQuarter>, StoreError> {
        let row: Option<QuarterRow> = on_db!(&self.db, pool => {
            sqlx::query_as(&format!(
                "SELECT {QUARTER_COLUMNS} FROM quarters \
                 WHERE org_unit_id = $1 AND year = $2 AND quarter = $3"
            ))
            .bind(key.org_unit_id)
            .bind(key.year)
            .bind(key.quarter as i32)
            .fetch_optional(pool)
            .await?
        });
        row.map(StoredQuarter::try_from).transpose()
    }

    /// The figures frozen at the quarter's approval (JSON), in full or with small counts hidden,
    /// while it stands (`approved`, `reopen_requested`), with the quarter.
    pub async fn approved_figures(
        &self,
        key: QuarterKey<'_>,
        suppressed: bool,
    ) -> Result<Option<(StoredQuarter, String)>, StoreError> {
        let column = if suppressed {
            "figures_suppressed"
        } else {
            "figures"
        };
        let sql = format!(
            "SELECT {QUARTER_COLUMNS}, {column} AS frozen FROM quarters \
             WHERE org_unit_id = $1 AND year = $2 AND quarter = $3 \
             AND state IN ('approved', 'reopen_requested') AND {column} IS NOT NULL"
        );
        let found: Option<(QuarterRow, String)> = on_db!(&self.db, pool => {
            use sqlx::{FromRow, Row};
            let row = sqlx::query(&sql)
                .bind(key.org_unit_id)
                .bind(key.year)
                .bind(key.quarter as i32)
                .fetch_optional(pool)
                .await?;
            match row {
                Some(row) => Some((QuarterRow::from_row(&row)?, row.try_get("frozen")?)),
                None => None,
            }
        });
        found
            .map(|(row, figures)| Ok((StoredQuarter::try_from(row)?, figures)))
            .transpose()
    }

    /// Takes the step if the quarter is in one of its starting states, with `audit` in the same
    /// transaction; otherwise changes nothing and gives the state the quarter is in.
    pub async fn quarter_step(
        &self,
        key: QuarterKey<'_>,
        step: &QuarterStep<'_>,
        officer_id: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> Result<Result<StoredQuarter, QuarterState>, StoreError> {
        let mut tx = self.begin().await?;
        // A quarter nobody has touched has no row yet; rolled back with the step if refused.
        on_conn!(tx.conn(), conn => {
            sqlx::query(
                "INSERT INTO quarters (org_unit_id, year, quarter, state, updated_by, updated_at) \
                 VALUES ($1, $2, $3, 'open', $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(key.org_unit_id)
            .bind(key.year)
            .bind(key.quarter as i32)
            .bind(officer_id)
            .bind(now)
            .execute(conn)
            .await?;
        });
        // The states are the enum's own codes, never a caller's text.
        let states: Vec<String> = step
            .from_states()
            .iter()
            .map(|state| format!("'{}'", state.as_str()))
            .collect();
        let sql = format!(
            "{} WHERE org_unit_id = $1 AND year = $2 AND quarter = $3 AND state IN ({})",
            step.update(),
            states.join(", ")
        );
        let changed = on_conn!(tx.conn(), conn => {
            let query = sqlx::query(&sql)
                .bind(key.org_unit_id)
                .bind(key.year)
                .bind(key.quarter as i32)
                .bind(officer_id)
                .bind(now);
            let query = match step {
                QuarterStep::Submit => query,
                QuarterStep::Return { comment } => query.bind(*comment),
                QuarterStep::RequestReopen { reason } => query.bind(*reason),
                QuarterStep::Reopen { comment } => query.bind(*comment),
                QuarterStep::Approve { seq, figures, figures_suppressed } => {
                    query.bind(*seq).bind(*figures).bind(*figures_suppressed)
                }
            };
            query.execute(conn).await?.rows_affected()
        });
        let row: QuarterRow = on_conn!(tx.conn(), conn => {
            sqlx::query_as(&format!(
                "SELECT {QUARTER_COLUMNS} FROM quarters \
                 WHERE org_unit_id = $1 AND year = $2 AND quarter = $3"
            ))
            .bind(key.org_unit_id)
            .bind(key.year)
            .bind(key.quarter as i32)
            .fetch_one(conn)
            .await?
        });
        let quarter = StoredQuarter::try_from(row)?;
        if changed == 0 {
            return Ok(Err(quarter.state));
        }
        audit::insert_audit(tx.conn(), audit).await?;
        tx.commit().await?;
        Ok(Ok(quarter))
    }

    /// The records of `units` that count in the period `from` to `to` (inclusive, `YYYY-MM-DD`)
    /// whose latest version has a change number above `after_seq`: those dated in it, `business`
    /// records (a register) dated up to `to`, and referrals accessed and commune plans adopted in
    /// it whatever their date (PCMD-HT01, KH01). `(kind, occurred_on, updated_at)`, by date and
    /// kind.
    pub async fn records_changed_after(
        &self,
        units: &[&str],
        from: &str,
        to: &str,
        after_seq: i64,
    ) -> Result<Vec<(String, String, i64)>, StoreError> {
        Ok(on_db!(&self.db, pool => {
            let mut query = QueryBuilder::new(
                "SELECT kind, occurred_on, updated_at FROM records WHERE change_seq > ",
            );
            query
                .push_bind(after_seq)
                .push(" AND ((occurred_on >= ")
                .push_bind(from)
                .push(" OR kind = 'business') AND occurred_on <= ")
                .push_bind(to)
                .push(" OR kind IN ('referral', 'commune_plan') AND fact_date >= ")
                .push_bind(from)
                .push(" AND fact_date <= ")
                .push_bind(to)
                .push(") AND ");
            push_in(&mut query, "org_unit_id", units);
            query.push(" ORDER BY occurred_on, kind, id");
            query.build_query_as().fetch_all(pool).await?
        }))
    }
}
