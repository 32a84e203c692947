//! The one storage trait, with an SQLite and a PostgreSQL implementation picked by the URL. Both
//! run the same SQL (`sql.rs`); each backend keeps only its connection set-up and migrations.

mod postgres;
mod sql;
mod sqlite;

pub use sqlite::connect_options as sqlite_connect_options;

use crate::model::{
    AuditEntry, AuditFilter, Baseline, ChangedRecord, CountQuery, Counts, FailureBucket,
    HeldRecord, Indicator, LoggedAudit, LoginAttempt, Officer, OrgUnit, PruneBefore, Pruned,
    RecordFilter, RecordVersion, Seed, Session, StoredPlan,
};
use async_trait::async_trait;
use domain::plan::{PlanHeader, PlanTarget};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(sqlx::Error),
    /// A unique key (username, org unit id, …) is already taken.
    #[error("duplicate key")]
    Duplicate,
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("reference data: {0}")]
    Seed(String),
    #[error("unsupported DATABASE_URL (want sqlite:// or postgres://): {0}")]
    UnsupportedUrl(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate,
            _ => StoreError::Database(error),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    Sqlite,
    Postgres,
}

impl StoreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Sqlite => "sqlite",
            StoreKind::Postgres => "postgres",
        }
    }
}

/// Times are epoch milliseconds; `now` is passed in so callers decide what "now" is.
#[async_trait]
pub trait Store: Send + Sync {
    fn kind(&self) -> StoreKind;

    /// Answers when the database does; used by the health check.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Loads the reference data when the store has no org units yet; says whether it did.
    async fn seed(&self, seed: &Seed) -> Result<bool, StoreError>;

    /// Every unit ever, with its successor links; the tree is small.
    async fn org_units(&self) -> Result<Vec<OrgUnit>, StoreError>;
    async fn insert_org_unit(&self, unit: &OrgUnit) -> Result<(), StoreError>;
    /// Writes the name, `valid_to` and successor links of an existing unit.
    async fn update_org_unit(&self, unit: &OrgUnit) -> Result<(), StoreError>;

    async fn officers(&self) -> Result<Vec<Officer>, StoreError>;
    async fn officer(&self, id: &str) -> Result<Option<Officer>, StoreError>;
    /// The officer with this username and their password hash, disabled or not.
    async fn credentials(&self, username: &str) -> Result<Option<(Officer, String)>, StoreError>;
    async fn insert_officer(
        &self,
        officer: &Officer,
        password_hash: &str,
    ) -> Result<(), StoreError>;
    /// Writes display name, role, unit, `disabled` and `updated_at`; the password hash if given.
    async fn update_officer(
        &self,
        officer: &Officer,
        password_hash: Option<&str>,
    ) -> Result<(), StoreError>;
    /// Moves every officer of unit `from`, disabled or not, to unit `to` at `now`, and appends the
    /// audit line that `audit` makes of their usernames, in one transaction; gives the usernames,
    /// sorted. Sessions are left as they are. (`for<'u>` spelled out: `async_trait` would bind
    /// an elided lifetime in `Fn(&[String])` to the call, outliving the usernames.)
    async fn move_officers(
        &self,
        from: &str,
        to: &str,
        now: i64,
        audit: &(dyn for<'u> Fn(&'u [String]) -> AuditEntry + Sync),
    ) -> Result<Vec<String>, StoreError>;

    async fn insert_session(&self, session: &Session) -> Result<(), StoreError>;
    /// The enabled officer behind a live (unexpired, unrevoked) session.
    async fn session_officer(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<Officer>, StoreError>;
    async fn revoke_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError>;
    async fn revoke_sessions_of(&self, officer_id: &str, now: i64) -> Result<(), StoreError>;
    /// Whether a session with this hash exists, revoked, expired or not, whose officer is
    /// disabled: asked only when [`Store::session_officer`] finds none, so that the phone can
    /// tell a disabled account from a session that merely ended.
    async fn session_of_disabled(&self, token_hash: &str) -> Result<bool, StoreError>;

    /// The officer's key on this device: `new_key` stored at `now` if there was none, else the
    /// stored one. Of two first sign-ins at once, the first insert wins and both read its key.
    async fn device_key(
        &self,
        officer_id: &str,
        device_id: &str,
        new_key: &str,
        now: i64,
    ) -> Result<String, StoreError>;

    /// Whether the device has a key for the officer with this username: it signed in as them.
    async fn knows_device(&self, username: &str, device_id: &str) -> Result<bool, StoreError>;
    /// Stores a sign-in attempt before its password is checked, so that attempts at the same
    /// moment count each other; gives its id. It counts until withdrawn, cleared or pruned.
    async fn claim_login_attempt(&self, attempt: &LoginAttempt) -> Result<i64, StoreError>;
    /// Removes one attempt whose password was never checked.
    async fn withdraw_login_attempt(&self, id: i64) -> Result<(), StoreError>;
    /// Marks an attempt as checked: its password was wrong.
    async fn confirm_login_failure(&self, id: i64) -> Result<(), StoreError>;
    /// The newest attempts in the bucket after `since`, but `except`: their times and whether
    /// they are checked failures (else still under way), newest first, at most `limit`.
    async fn login_failures(
        &self,
        bucket: FailureBucket<'_>,
        since: i64,
        except: i64,
        limit: i64,
    ) -> Result<Vec<(i64, bool)>, StoreError>;
    /// Forgets the failed attempts of the bucket (a right password came from there).
    async fn clear_login_failures(&self, bucket: FailureBucket<'_>) -> Result<(), StoreError>;

    /// Sets an officer's password hash (their own change) and `updated_at`.
    async fn set_password_hash(
        &self,
        officer_id: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<(), StoreError>;
    /// Revokes every live session of the officer but the one with hash `keep`; says how many.
    async fn revoke_other_sessions(
        &self,
        officer_id: &str,
        keep: &str,
        now: i64,
    ) -> Result<u64, StoreError>;

    /// Deletes what retention no longer keeps, a batch at a time so that writers never wait long.
    async fn prune(&self, before: &PruneBefore) -> Result<Pruned, StoreError>;

    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<LoggedAudit>, StoreError>;

    /// Every indicator in report order.
    async fn indicators(&self) -> Result<Vec<Indicator>, StoreError>;

    /// The plans of `year` (of every year for `None`), newest year first, then by unit id; each
    /// with its targets in report order.
    async fn plans(&self, year: Option<i32>) -> Result<Vec<StoredPlan>, StoreError>;
    async fn plan(&self, id: &str) -> Result<Option<StoredPlan>, StoreError>;
    /// Stores a new plan with its targets, and the baselines copied for it where its year has
    /// none of that name and unit yet, at once; says how many baselines it copied.
    /// [`StoreError::Duplicate`] when the id or the (unit, year) is taken.
    async fn insert_plan(
        &self,
        plan: &StoredPlan,
        baselines: &[Baseline],
        now: i64,
    ) -> Result<u64, StoreError>;
    /// Writes the title, issuer, lead agency and recipients of an existing plan.
    async fn update_plan(&self, header: &PlanHeader, now: i64) -> Result<(), StoreError>;
    /// Creates or replaces one target of an existing plan.
    async fn set_plan_target(
        &self,
        plan_id: &str,
        target: &PlanTarget,
        now: i64,
    ) -> Result<(), StoreError>;
    /// Removes one target; says whether there was one.
    async fn delete_plan_target(
        &self,
        plan_id: &str,
        code: &str,
        now: i64,
    ) -> Result<bool, StoreError>;
    /// Marks every target of the plan, and the baselines of `year` of `units`, confirmed, at
    /// once; says how many targets and baselines that changed.
    async fn confirm_plan(
        &self,
        plan_id: &str,
        year: i32,
        units: &[&str],
        now: i64,
    ) -> Result<(u64, u64), StoreError>;

    async fn baselines(&self, year: i32) -> Result<Vec<Baseline>, StoreError>;
    /// Creates or replaces the value (and `to_confirm`) of (name, year, unit).
    async fn set_baseline(&self, baseline: &Baseline) -> Result<(), StoreError>;

    /// A value of the `settings` table.
    async fn setting(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Creates or replaces a value of the `settings` table.
    async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError>;

    /// What the indicators count over `query`'s units and period, in a few SQL aggregates.
    async fn indicator_counts(&self, query: &CountQuery<'_>) -> Result<Counts, StoreError>;

    /// Starts the write transaction of one sync batch. Writers take turns (the change counter is
    /// locked first, and SQLite starts `IMMEDIATE`), so change numbers commit in order.
    async fn begin_sync(&self) -> Result<Box<dyn SyncTx>, StoreError>;
    /// Up to `filter.limit` records changed after `filter.after`, oldest change first.
    async fn changed_records(
        &self,
        filter: &RecordFilter<'_>,
    ) -> Result<Vec<ChangedRecord>, StoreError>;
    /// The newest change number given; 0 before any record.
    async fn last_change(&self) -> Result<i64, StoreError>;
}

/// The write transaction of one sync batch; dropped without [`SyncTx::commit`], it rolls back.
#[async_trait]
pub trait SyncTx: Send {
    /// The stored records with these ids.
    async fn records(&mut self, ids: &[&str]) -> Result<Vec<HeldRecord>, StoreError>;
    /// Stores the versions in order, each with the next change number (a record may change more
    /// than once in a batch; its row keeps the last), appends the audit line, and commits.
    async fn commit(
        self: Box<Self>,
        versions: &[RecordVersion],
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
}

/// Opens the store named by `url`, brings its schema up to date and loads the reference data into
/// a new one; fails loudly if it cannot.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    let store: Arc<dyn Store> = if url.starts_with("sqlite:") {
        Arc::new(sqlite::SqliteStore::open(url).await?)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Arc::new(postgres::PostgresStore::open(url).await?)
    } else {
        return Err(StoreError::UnsupportedUrl(
            url.split('@').next_back().unwrap_or_default().into(),
        ));
    };
    if store.seed(&crate::seed::reference_data()?).await? {
        tracing::info!("loaded the reference org units, indicators and the 2023 plan");
    }
    Ok(store)
}
