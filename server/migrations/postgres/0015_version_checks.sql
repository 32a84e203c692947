-- A version's record, unit and officer are checked by the sync path before it is written (scope,
-- the unit tree, the session's officer), and its record row is written in the same statement
-- group. PostgreSQL checks a foreign key with a locking read per row: for a group of 5,000
-- versions that was most of the write. The record rows keep their unit's key.
ALTER TABLE record_versions DROP CONSTRAINT record_versions_id_fkey;
ALTER TABLE record_versions DROP CONSTRAINT record_versions_org_unit_id_fkey;
ALTER TABLE record_versions DROP CONSTRAINT record_versions_updated_by_fkey;
ALTER TABLE records DROP CONSTRAINT records_updated_by_fkey;
ALTER TABLE records DROP CONSTRAINT records_created_by_fkey;
