//! The phones' reports of their waiting records (migration 0017, `crate::devices`).

use super::{Conn, Store, StoreError};
use crate::devices::{reported, DeviceRow, Report};

const COLUMNS: &str = "officer_id, device_id, first_seen_at, reported_at, waiting, \
     oldest_waiting_on, persistent, waiting_since, received, missing, emptied_at, handled_at";

impl Store {
    /// Keeps a phone's report, from what it reported before and what arrived since; gives the row
    /// as kept. One transaction, so that a batch's arrivals are counted before or after it.
    pub async fn report_waiting(&self, report: &Report, now: i64) -> Result<DeviceRow, StoreError> {
        let mut tx = self.begin_write().await?;
        // The row stays locked to the commit: a sync group that counts arrivals meanwhile waits,
        // so none is lost between the read and the write (SQLite's `BEGIN IMMEDIATE` does this).
        let select = format!(
            "SELECT {COLUMNS} FROM device_reports WHERE officer_id = $1 AND device_id = $2"
        );
        let before: Option<DeviceRow> = match tx.conn() {
            Conn::Sqlite(conn) => {
                sqlx::query_as(&select)
                    .bind(&report.officer_id)
                    .bind(&report.device_id)
                    .fetch_optional(conn)
                    .await?
            }
            Conn::Postgres(conn) => {
                sqlx::query_as(&format!("{select} FOR UPDATE"))
                    .bind(&report.officer_id)
                    .bind(&report.device_id)
                    .fetch_optional(conn)
                    .await?
            }
        };
        let row = reported(before.as_ref(), report, now);
        on_conn!(tx.conn(), conn => {
            sqlx::query(&format!(
                "INSERT INTO device_reports ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
                 $9, $10, $11, $12) ON CONFLICT (officer_id, device_id) DO UPDATE SET \
                 reported_at = excluded.reported_at, waiting = excluded.waiting, \
                 oldest_waiting_on = excluded.oldest_waiting_on, \
                 persistent = excluded.persistent, waiting_since = excluded.waiting_since, \
                 received = excluded.received, missing = excluded.missing, \
                 emptied_at = excluded.emptied_at"
            ))
            .bind(&row.officer_id)
            .bind(&row.device_id)
            .bind(row.first_seen_at)
            .bind(row.reported_at)
            .bind(row.waiting)
            .bind(&row.oldest_waiting_on)
            .bind(row.persistent)
            .bind(row.waiting_since)
            .bind(row.received)
            .bind(row.missing)
            .bind(row.emptied_at)
            .bind(row.handled_at)
            .execute(conn)
            .await?;
        });
        tx.commit().await?;
        Ok(row)
    }

    /// Every phone's last report, by officer.
    pub async fn device_reports(&self) -> Result<Vec<DeviceRow>, StoreError> {
        Ok(on_db!(&self.db, pool => {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM device_reports ORDER BY officer_id, first_seen_at"
            ))
            .fetch_all(pool)
            .await?
        }))
    }

    /// The admin dealt with the phone's problem at `now`; false when no such phone reported.
    pub async fn handle_device(
        &self,
        officer_id: &str,
        device_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = on_db!(&self.db, pool => {
            sqlx::query(
                "UPDATE device_reports SET handled_at = $3 WHERE officer_id = $1 AND device_id = $2",
            )
            .bind(officer_id)
            .bind(device_id)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }
}
