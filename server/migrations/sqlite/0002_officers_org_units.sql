-- Org units as an effective-dated tree, officers and their sessions, sign-in throttling, the
-- audit log, indicators with yearly targets, baselines, and settings. Times are epoch
-- milliseconds; dates are 'YYYY-MM-DD' text; validity dates are inclusive.
CREATE TABLE org_units (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune', 'ward', 'village')),
    parent_id TEXT REFERENCES org_units (id),
    valid_from TEXT,
    valid_to TEXT
);
CREATE INDEX org_units_parent ON org_units (parent_id);

CREATE TABLE org_unit_successors (
    unit_id TEXT NOT NULL REFERENCES org_units (id),
    successor_id TEXT NOT NULL REFERENCES org_units (id),
    PRIMARY KEY (unit_id, successor_id)
);

CREATE TABLE officers (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    org_unit_id TEXT NOT NULL REFERENCES org_units (id),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    officer_id TEXT NOT NULL REFERENCES officers (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_officer ON sessions (officer_id);

CREATE TABLE login_failures (
    username TEXT NOT NULL,
    ip TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    officer_id TEXT,
    username TEXT,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT,
    ip TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE indicators (
    code TEXT PRIMARY KEY,
    label_vi TEXT NOT NULL,
    label_en TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('ratio', 'count')),
    sort INTEGER NOT NULL
);

CREATE TABLE targets (
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    year INTEGER NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('>=', '<=', '=')),
    value REAL NOT NULL,
    PRIMARY KEY (indicator_code, year)
);

CREATE TABLE baselines (
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    org_unit_id TEXT NOT NULL REFERENCES org_units (id),
    value BIGINT NOT NULL,
    PRIMARY KEY (name, year, org_unit_id)
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('tip_off_deadline_days', '20');
