//! The services that receive referred people (migration 0016), the referrals found by their slip
//! code, and the slip codes a service account typed that matched none of its referrals.

use super::records::RECORD_COLUMNS;
use super::{Db, Store, StoreError};
use crate::model::{ReceivingService, RecordRow};
use domain::{Coded, ReferralService, SlipCode};

type Row = (String, String, String, String, bool);

fn service((id, name, org_unit_id, services, retired): Row) -> ReceivingService {
    ReceivingService {
        id,
        name,
        org_unit_id,
        // Written by `services_text` from the closed list; a code a later build dropped is skipped.
        services: services
            .split_whitespace()
            .filter_map(ReferralService::parse)
            .collect(),
        retired,
    }
}

fn services_text(service: &ReceivingService) -> String {
    let codes: Vec<&str> = service.services.iter().map(|s| s.as_str()).collect();
    codes.join(" ")
}

impl Store {
    /// Every receiving service, retired ones too, by name.
    pub async fn receiving_services(&self) -> Result<Vec<ReceivingService>, StoreError> {
        let rows: Vec<Row> = on_db!(&self.db, pool => {
            sqlx::query_as(
                "SELECT id, name, org_unit_id, services, retired FROM receiving_services \
                 ORDER BY name, id",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(service).collect())
    }

    pub async fn add_receiving_service(
        &self,
        new: &ReceivingService,
        now: i64,
    ) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
            sqlx::query(
                "INSERT INTO receiving_services (id, name, org_unit_id, services, retired, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&new.id)
            .bind(&new.name)
            .bind(&new.org_unit_id)
            .bind(services_text(new))
            .bind(new.retired)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Writes name, unit, services and `retired`; false when there is no service of that id.
    pub async fn change_receiving_service(
        &self,
        changed: &ReceivingService,
    ) -> Result<bool, StoreError> {
        let done = on_db!(&self.db, pool => {
            sqlx::query(
                "UPDATE receiving_services SET name = $2, org_unit_id = $3, services = $4, \
                 retired = $5 WHERE id = $1",
            )
            .bind(&changed.id)
            .bind(&changed.name)
            .bind(&changed.org_unit_id)
            .bind(services_text(changed))
            .bind(changed.retired)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// The referrals whose latest version carries this slip code (one, unless a code was copied).
    pub async fn referrals_with_slip(&self, code: &SlipCode) -> Result<Vec<RecordRow>, StoreError> {
        // Each database's expression of its index `records_slip_code`.
        let slip = match self.db {
            Db::Sqlite(_) => "json_extract(data, '$.slip_code')",
            Db::Postgres(_) => "((data::jsonb) ->> 'slip_code')",
        };
        let sql =
            format!("SELECT {RECORD_COLUMNS} FROM records WHERE kind = 'referral' AND {slip} = $1");
        let rows: Vec<RecordRow> = on_db!(&self.db, pool => {
            sqlx::query_as(&sql).bind(code.as_str()).fetch_all(pool).await?
        });
        Ok(rows)
    }

    /// The times of this account's slip misses since `since`, newest first.
    pub async fn slip_misses(&self, officer_id: &str, since: i64) -> Result<Vec<i64>, StoreError> {
        let times: Vec<i64> = on_db!(&self.db, pool => {
            sqlx::query_scalar(
                "SELECT at FROM slip_misses WHERE officer_id = $1 AND at >= $2 ORDER BY at DESC",
            )
            .bind(officer_id)
            .bind(since)
            .fetch_all(pool)
            .await?
        });
        Ok(times)
    }

    pub async fn add_slip_miss(&self, officer_id: &str, at: i64) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
            sqlx::query("INSERT INTO slip_misses (officer_id, at) VALUES ($1, $2)")
                .bind(officer_id)
                .bind(at)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// A slip found ends the account's run of misses.
    pub async fn clear_slip_misses(&self, officer_id: &str) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
            sqlx::query("DELETE FROM slip_misses WHERE officer_id = $1")
                .bind(officer_id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}
