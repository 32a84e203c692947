-- The store's epoch: empty until `server restore` gives the restored store a new one. Every pull
-- cursor carries it (`api/records.rs`), so a cursor a phone got before the restore is refused and
-- the phone pulls again from the start, instead of skipping the change numbers given again.
ALTER TABLE change_counter ADD COLUMN epoch TEXT NOT NULL DEFAULT '';
