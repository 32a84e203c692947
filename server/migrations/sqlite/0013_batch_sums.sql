-- The monthly sums (`indicator_sums`) are kept by the sync transaction, once per batch from the
-- batch's own rows (`store/records.rs`), instead of by a trigger for every row written: the same
-- sums, without a second write per record.
DROP TRIGGER indicator_sums_insert;
DROP TRIGGER indicator_sums_update_old;
DROP TRIGGER indicator_sums_update_new;
