-- The services that receive referred people (`/api/v1/admin/receiving-services`): a service
-- confirms the slip of a referral to one of `services` (referral type codes, space-separated)
-- from a unit at or below `org_unit_id`. A `service_provider` account belongs to one service.
-- Retired, never deleted: its confirmations keep naming it.
CREATE TABLE receiving_services (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    org_unit_id TEXT NOT NULL REFERENCES org_units (id),
    services TEXT NOT NULL,
    retired BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
ALTER TABLE officers ADD COLUMN receiving_service_id TEXT REFERENCES receiving_services (id);

-- A referral found by the code on its slip; only referrals are in the index.
CREATE INDEX records_slip_code ON records ((json_extract(data, '$.slip_code'))) WHERE kind = 'referral';

-- Slip codes a service account typed that matched none of its referrals: the lookups of an
-- account with many of them are slowed down (`api::slips`).
CREATE TABLE slip_misses (
    officer_id TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX slip_misses_officer ON slip_misses (officer_id, at);
