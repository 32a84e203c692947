-- The monthly sums (`indicator_sums`) are kept by the sync transaction, once per batch from the
-- batch's own rows (`store/records.rs`), instead of by statement triggers on `records`: the same
-- sums, in one place for both stores.
DROP TRIGGER indicator_sums_insert ON records;
DROP TRIGGER indicator_sums_update ON records;
DROP FUNCTION indicator_sums_write();
