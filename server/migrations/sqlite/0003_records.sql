-- Field records from officers' devices. `records` holds each record's newest version and its
-- place in the change sequence that `GET /records` pages on; `record_versions` keeps every version
-- with who stored it, when and from which device. Nothing is ever deleted (a record is voided).
-- Dates are 'YYYY-MM-DD' text, times epoch milliseconds, `data` the canonical JSON of the record's
-- data as the domain code writes it.

-- One row. Each sync transaction updates it first, which makes writers take turns: change numbers
-- then become visible in the order they were given, so a reader paging on them misses nothing.
CREATE TABLE change_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT NOT NULL
);
INSERT INTO change_counter (id, last_seq) VALUES (1, 0);

CREATE TABLE records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    org_unit_id TEXT NOT NULL REFERENCES org_units (id),
    occurred_on TEXT NOT NULL,
    voided BOOLEAN NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES officers (id),
    change_seq BIGINT NOT NULL UNIQUE
);
CREATE INDEX records_unit_change ON records (org_unit_id, change_seq);

CREATE TABLE record_versions (
    id TEXT NOT NULL REFERENCES records (id),
    version BIGINT NOT NULL,
    kind TEXT NOT NULL,
    org_unit_id TEXT NOT NULL REFERENCES org_units (id),
    occurred_on TEXT NOT NULL,
    voided BOOLEAN NOT NULL,
    data TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES officers (id),
    device_id TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
