//! The org unit tree, with the successor links of merged and split units.

use super::{Store, StoreError, Tx};
use crate::model::OrgUnit;
use domain::Coded as _;
use std::collections::HashMap;

impl Store {
    /// Every unit ever, with its successor links; the tree is small.
    pub async fn org_units(&self) -> Result<Vec<OrgUnit>, StoreError> {
        type Row = (
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let (rows, links): (Vec<Row>, Vec<(String, String)>) = on_db!(&self.db, pool => {
            let units = sqlx::query_as(
                "SELECT id, code, name, level, parent_id, valid_from, valid_to \
                 FROM org_units ORDER BY id",
            )
            .fetch_all(pool)
            .await?;
            let links = sqlx::query_as(
                "SELECT unit_id, successor_id FROM org_unit_successors \
                 ORDER BY unit_id, successor_id",
            )
            .fetch_all(pool)
            .await?;
            (units, links)
        });
        let mut successors = HashMap::<String, Vec<String>>::new();
        for (unit_id, successor_id) in links {
            successors.entry(unit_id).or_default().push(successor_id);
        }
        rows.into_iter()
            .map(|(id, code, name, level, parent_id, valid_from, valid_to)| {
                Ok(OrgUnit {
                    successor_ids: successors.remove(&id).unwrap_or_default(),
                    id,
                    code,
                    name,
                    level: super::code(level)?,
                    parent_id,
                    valid_from,
                    valid_to,
                })
            })
            .collect()
    }

    /// Stores a new unit with its successor links; [`StoreError::Duplicate`] when the id is taken.
    pub async fn insert_org_unit(&self, unit: &OrgUnit) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        insert_unit(&mut tx, unit, false).await?;
        insert_successors(&mut tx, unit).await?;
        tx.commit().await
    }

    /// Writes the name, `valid_to` and successor links of an existing unit.
    pub async fn update_org_unit(&self, unit: &OrgUnit) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        on_conn!(tx.conn(), conn => {
            sqlx::query("UPDATE org_units SET name = $2, valid_to = $3 WHERE id = $1")
                .bind(&unit.id)
                .bind(&unit.name)
                .bind(&unit.valid_to)
                .execute(&mut *conn)
                .await?;
            sqlx::query("DELETE FROM org_unit_successors WHERE unit_id = $1")
                .bind(&unit.id)
                .execute(conn)
                .await?;
        });
        insert_successors(&mut tx, unit).await?;
        tx.commit().await
    }
}

/// The unit's row; with `ignore_existing`, a unit already there is kept as it is (two servers
/// seeding one new database).
pub(super) async fn insert_unit(
    tx: &mut Tx,
    unit: &OrgUnit,
    ignore_existing: bool,
) -> Result<(), StoreError> {
    let sql = if ignore_existing {
        "INSERT INTO org_units (id, code, name, level, parent_id, valid_from, valid_to) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING"
    } else {
        "INSERT INTO org_units (id, code, name, level, parent_id, valid_from, valid_to) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    };
    on_conn!(tx.conn(), conn => {
        sqlx::query(sql)
            .bind(&unit.id)
            .bind(&unit.code)
            .bind(&unit.name)
            .bind(unit.level.as_str())
            .bind(&unit.parent_id)
            .bind(&unit.valid_from)
            .bind(&unit.valid_to)
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// The unit's links to its successors; a link already there is kept.
pub(super) async fn insert_successors(tx: &mut Tx, unit: &OrgUnit) -> Result<(), StoreError> {
    for successor in &unit.successor_ids {
        on_conn!(tx.conn(), conn => {
            sqlx::query(
                "INSERT INTO org_unit_successors (unit_id, successor_id) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(&unit.id)
            .bind(successor)
            .execute(conn)
            .await?;
        });
    }
    Ok(())
}
