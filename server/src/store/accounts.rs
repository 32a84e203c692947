//! Officers and how they sign in: sessions, device keys, sign-in attempts (the throttle's), and
//! passwords.

use super::{audit, Store, StoreError};
use crate::model::{
    AuditEntry, FailureBucket, LoginAttempt, Officer, Role, ServiceRef, Session, UnitRef,
};
use domain::Coded as _;
use sqlx::{Database, Encode, QueryBuilder, Type};

/// The columns `model::Officer` reads: an officer with their unit's code and name...
const OFFICER_COLUMNS: &str = "o.id, o.username, o.display_name, o.role, o.disabled, \
     o.created_at, o.updated_at, u.id AS unit_id, u.code AS unit_code, u.name AS unit_name, \
     rs.id AS service_id, rs.name AS service_name";
/// ... from these tables.
const OFFICER_TABLES: &str = "officers o JOIN org_units u ON u.id = o.org_unit_id \
     LEFT JOIN receiving_services rs ON rs.id = o.receiving_service_id";

/// An officer as [`OFFICER_COLUMNS`] gives them.
#[derive(sqlx::FromRow)]
struct OfficerRow {
    id: String,
    username: String,
    display_name: String,
    #[sqlx(try_from = "String")]
    role: Role,
    disabled: bool,
    created_at: i64,
    updated_at: i64,
    unit_id: String,
    unit_code: String,
    unit_name: String,
    service_id: Option<String>,
    service_name: Option<String>,
}

impl From<OfficerRow> for Officer {
    fn from(row: OfficerRow) -> Officer {
        Officer {
            id: row.id,
            username: row.username,
            display_name: row.display_name,
            role: row.role,
            org_unit: UnitRef {
                id: row.unit_id,
                code: row.unit_code,
                name: row.unit_name,
            },
            receiving_service: row
                .service_id
                .zip(row.service_name)
                .map(|(id, name)| ServiceRef { id, name }),
            disabled: row.disabled,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// An officer and their password hash, as [`Store::credentials`] reads them.
#[derive(sqlx::FromRow)]
struct Credentials {
    #[sqlx(flatten)]
    officer: OfficerRow,
    password_hash: String,
}

impl Store {
    /// Every officer, disabled or not, by username.
    pub async fn officers(&self) -> Result<Vec<Officer>, StoreError> {
        let sql = format!("SELECT {OFFICER_COLUMNS} FROM {OFFICER_TABLES} ORDER BY o.username");
        let rows: Vec<OfficerRow> =
            on_db!(&self.db, pool => sqlx::query_as(&sql).fetch_all(pool).await?);
        Ok(rows.into_iter().map(Officer::from).collect())
    }

    /// The officer with this id, disabled or not.
    pub async fn officer(&self, id: &str) -> Result<Option<Officer>, StoreError> {
        let sql = format!("SELECT {OFFICER_COLUMNS} FROM {OFFICER_TABLES} WHERE o.id = $1");
        let row: Option<OfficerRow> = on_db!(&self.db, pool => {
            sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?
        });
        Ok(row.map(Officer::from))
    }

    /// The officer with this username and their password hash, disabled or not.
    pub async fn credentials(
        &self,
        username: &str,
    ) -> Result<Option<(Officer, String)>, StoreError> {
        let sql = format!(
            "SELECT {OFFICER_COLUMNS}, o.password_hash FROM {OFFICER_TABLES} \
             WHERE o.username = $1"
        );
        let found: Option<Credentials> = on_db!(&self.db, pool => {
            sqlx::query_as(&sql).bind(username).fetch_optional(pool).await?
        });
        Ok(found.map(|found| (found.officer.into(), found.password_hash)))
    }

    /// Stores a new officer; [`StoreError::Duplicate`] when the id or username is taken.
    pub async fn insert_officer(
        &self,
        officer: &Officer,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
            sqlx::query(
                "INSERT INTO officers (id, username, display_name, password_hash, role, \
                 org_unit_id, disabled, created_at, updated_at, receiving_service_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
            .bind(officer.receiving_service.as_ref().map(|service| &service.id))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Writes display name, role, unit, `disabled` and `updated_at`; the password hash if given.
    pub async fn update_officer(
        &self,
        officer: &Officer,
        password_hash: Option<&str>,
    ) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
            sqlx::query(
                "UPDATE officers SET display_name = $2, role = $3, org_unit_id = $4, \
                 disabled = $5, updated_at = $6, password_hash = COALESCE($7, password_hash), \
                 receiving_service_id = $8 WHERE id = $1",
            )
            .bind(&officer.id)
            .bind(&officer.display_name)
            .bind(officer.role.as_str())
            .bind(&officer.org_unit.id)
            .bind(officer.disabled)
            .bind(officer.updated_at)
            .bind(password_hash)
            .bind(officer.receiving_service.as_ref().map(|service| &service.id))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Moves every officer of unit `from`, disabled or not, to unit `to` at `now`, and appends the
    /// audit line that `audit` makes of their usernames, in one transaction; gives the usernames,
    /// sorted. Sessions are left as they are.
    pub async fn move_officers(
        &self,
        from: &str,
        to: &str,
        now: i64,
        audit: impl FnOnce(&[String]) -> AuditEntry,
    ) -> Result<Vec<String>, StoreError> {
        let mut tx = self.begin().await?;
        // The rows the UPDATE changed name themselves: an officer added to `from` at the same
        // moment is either moved and named, or neither.
        let mut moved: Vec<String> = on_conn!(tx.conn(), conn => {
            sqlx::query_scalar(
                "UPDATE officers SET org_unit_id = $2, updated_at = $3 \
                 WHERE org_unit_id = $1 RETURNING username",
            )
            .bind(from)
            .bind(to)
            .bind(now)
            .fetch_all(conn)
            .await?
        });
        moved.sort();
        audit::insert_audit(tx.conn(), &audit(&moved)).await?;
        tx.commit().await?;
        Ok(moved)
    }

    /// Stores a new session.
    pub async fn insert_session(&self, session: &Session) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
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
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The enabled officer behind a live (unexpired, unrevoked) session.
    pub async fn session_officer(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<Officer>, StoreError> {
        let sql = format!(
            "SELECT {OFFICER_COLUMNS} FROM {OFFICER_TABLES} \
             JOIN sessions s ON s.officer_id = o.id WHERE s.token_hash = $1 \
             AND s.revoked_at IS NULL AND s.expires_at > $2 AND NOT o.disabled"
        );
        let row: Option<OfficerRow> = on_db!(&self.db, pool => {
            sqlx::query_as(&sql)
                .bind(token_hash)
                .bind(now)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(Officer::from))
    }

    /// Ends the session with this hash at `now`, unless it was revoked before.
    pub async fn revoke_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
            sqlx::query(
                "UPDATE sessions SET revoked_at = $2 \
                 WHERE token_hash = $1 AND revoked_at IS NULL",
            )
            .bind(token_hash)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Ends every session of the officer at `now` but those revoked before.
    pub async fn revoke_sessions_of(&self, officer_id: &str, now: i64) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
            sqlx::query(
                "UPDATE sessions SET revoked_at = $2 \
                 WHERE officer_id = $1 AND revoked_at IS NULL",
            )
            .bind(officer_id)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Whether a session with this hash exists, revoked, expired or not, whose officer is
    /// disabled: asked only when [`Store::session_officer`] finds none, so that the phone can
    /// tell a disabled account from a session that merely ended.
    pub async fn session_of_disabled(&self, token_hash: &str) -> Result<bool, StoreError> {
        let found: Option<i32> = on_db!(&self.db, pool => {
            sqlx::query_scalar(
                "SELECT 1 FROM sessions s JOIN officers o ON o.id = s.officer_id \
                 WHERE s.token_hash = $1 AND o.disabled",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        });
        Ok(found.is_some())
    }

    /// The officer's key on this device: `new_key` stored at `now` if there was none, else the
    /// stored one. Of two first sign-ins at once, the first insert wins and both read its key.
    pub async fn device_key(
        &self,
        officer_id: &str,
        device_id: &str,
        new_key: &str,
        now: i64,
    ) -> Result<String, StoreError> {
        on_db!(&self.db, pool => {
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
            .execute(pool)
            .await?;
        });
        self.stored_device_key(officer_id, device_id)
            .await?
            .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
    }

    /// The officer's key on this device, if they ever signed in on it.
    pub async fn stored_device_key(
        &self,
        officer_id: &str,
        device_id: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(on_db!(&self.db, pool => {
            sqlx::query_scalar(
                "SELECT key FROM device_keys WHERE officer_id = $1 AND device_id = $2",
            )
            .bind(officer_id)
            .bind(device_id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Whether the device has a key for the officer with this username: it signed in as them.
    pub async fn knows_device(&self, username: &str, device_id: &str) -> Result<bool, StoreError> {
        let found: Option<i32> = on_db!(&self.db, pool => {
            sqlx::query_scalar(
                "SELECT 1 FROM device_keys d JOIN officers o ON o.id = d.officer_id \
                 WHERE o.username = $1 AND d.device_id = $2",
            )
            .bind(username)
            .bind(device_id)
            .fetch_optional(pool)
            .await?
        });
        Ok(found.is_some())
    }

    /// Stores a sign-in attempt before its password is checked, so that attempts at the same
    /// moment count each other; gives its id. It counts until withdrawn, cleared or pruned.
    pub async fn claim_login_attempt(&self, attempt: &LoginAttempt) -> Result<i64, StoreError> {
        // Committed on its own before the caller counts: whoever counts after sees it.
        Ok(on_db!(&self.db, pool => {
            sqlx::query_scalar(
                "INSERT INTO login_failures (username, ip, device_id, at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(&attempt.username)
            .bind(&attempt.ip)
            .bind(&attempt.known_device)
            .bind(attempt.at)
            .fetch_one(pool)
            .await?
        }))
    }

    /// Removes one attempt whose password was never checked.
    pub async fn withdraw_login_attempt(&self, id: i64) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
            sqlx::query("DELETE FROM login_failures WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Marks an attempt as checked: its password was wrong.
    pub async fn confirm_login_failure(&self, id: i64) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
            sqlx::query("UPDATE login_failures SET checked = TRUE WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The newest attempts in the bucket after `since`, but `except`: their times and whether
    /// they are checked failures (else still under way), newest first, at most `limit`.
    pub async fn login_failures(
        &self,
        bucket: FailureBucket<'_>,
        since: i64,
        except: i64,
        limit: i64,
    ) -> Result<Vec<(i64, bool)>, StoreError> {
        Ok(on_db!(&self.db, pool => {
            let mut query = QueryBuilder::new("SELECT at, checked FROM login_failures WHERE ");
            push_bucket(&mut query, bucket);
            query
                .push(" AND at > ")
                .push_bind(since)
                .push(" AND id <> ")
                .push_bind(except)
                .push(" ORDER BY at DESC LIMIT ")
                .push_bind(limit);
            query.build_query_as().fetch_all(pool).await?
        }))
    }

    /// Forgets the failed attempts of the bucket (a right password came from there).
    pub async fn clear_login_failures(&self, bucket: FailureBucket<'_>) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
            let mut query = QueryBuilder::new("DELETE FROM login_failures WHERE ");
            push_bucket(&mut query, bucket);
            query.build().execute(pool).await?;
        });
        Ok(())
    }

    /// Sets an officer's password hash (their own change) and `updated_at`.
    pub async fn set_password_hash(
        &self,
        officer_id: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
            sqlx::query("UPDATE officers SET password_hash = $2, updated_at = $3 WHERE id = $1")
                .bind(officer_id)
                .bind(password_hash)
                .bind(now)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Revokes every live session of the officer but the one with hash `keep`; says how many.
    pub async fn revoke_other_sessions(
        &self,
        officer_id: &str,
        keep: &str,
        now: i64,
    ) -> Result<u64, StoreError> {
        Ok(on_db!(&self.db, pool => {
            sqlx::query(
                "UPDATE sessions SET revoked_at = $3 WHERE officer_id = $1 \
                 AND token_hash <> $2 AND revoked_at IS NULL AND expires_at > $3",
            )
            .bind(officer_id)
            .bind(keep)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        }))
    }
}

/// The condition that picks a bucket's rows of `login_failures` (see `throttle`).
fn push_bucket<'a, DB: Database>(query: &mut QueryBuilder<'a, DB>, bucket: FailureBucket<'a>)
where
    &'a str: Encode<'a, DB> + Type<DB>,
{
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
        // Only checked failures: officers signing in at once from one office must not stand
        // in each other's way while their passwords are checked.
        FailureBucket::Address(ip) => {
            query.push("ip = ").push_bind(ip);
            query.push(" AND checked");
        }
    }
}
