//! The agencies PCMD-KH02 counts (migration 0012), as the admin keeps them.

use super::{Store, StoreError};
use domain::api::Agency;

/// `name_vi` as the list compares names: lower case, spaces collapsed, so that "Phòng Tư pháp"
/// and " phòng  tư pháp" are one agency (the unique `name_key`).
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

type Row = (String, String, String, bool);

fn agency((id, name_vi, name_en, retired): Row) -> Agency {
    Agency {
        id,
        name_vi,
        name_en,
        retired,
    }
}

impl Store {
    /// Every agency, retired ones too, in the admin's order.
    pub async fn agencies(&self) -> Result<Vec<Agency>, StoreError> {
        let rows: Vec<Row> = on_db!(&self.db, pool => {
            sqlx::query_as("SELECT id, name_vi, name_en, retired FROM agencies ORDER BY sort, id")
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(agency).collect())
    }

    /// Adds an agency at the end of the list; [`StoreError::Duplicate`] for a name listed already.
    pub async fn add_agency(&self, new: &Agency) -> Result<(), StoreError> {
        on_db!(&self.db, pool => {
            sqlx::query(
                "INSERT INTO agencies (id, name_vi, name_key, name_en, sort, retired) \
                 SELECT $1, $2, $3, $4, COALESCE(MAX(sort), 0) + 1, $5 FROM agencies",
            )
            .bind(&new.id)
            .bind(&new.name_vi)
            .bind(name_key(&new.name_vi))
            .bind(&new.name_en)
            .bind(new.retired)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Renames or retires (or brings back) an agency; false when there is none of that id,
    /// [`StoreError::Duplicate`] for another agency's name.
    pub async fn change_agency(&self, changed: &Agency) -> Result<bool, StoreError> {
        let done = on_db!(&self.db, pool => {
            sqlx::query(
                "UPDATE agencies SET name_vi = $2, name_key = $3, name_en = $4, retired = $5 \
                 WHERE id = $1",
            )
                .bind(&changed.id)
                .bind(&changed.name_vi)
                .bind(name_key(&changed.name_vi))
                .bind(&changed.name_en)
                .bind(changed.retired)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(done == 1)
    }
}
