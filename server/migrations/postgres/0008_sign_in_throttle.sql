-- Sign-in under attack, and retention. A sign-in now writes its row here before its password is
-- checked, so that attempts at the same moment count each other (see `throttle`): a refused
-- attempt removes its own row, a right password the rows of its bucket, and a wrong one stays as
-- the failure, `checked`. `device_id` is set only for a device that has a key for the officer (it
-- signed in as them before). The old rows only counted for 15 minutes, so they are not kept.
-- Expired sessions and old failures are deleted by time, hence the indexes on it.
DROP TABLE login_failures;
CREATE TABLE login_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL,
    ip TEXT NOT NULL,
    device_id TEXT,
    at BIGINT NOT NULL,
    checked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);
CREATE INDEX login_failures_at ON login_failures (at);
CREATE INDEX sessions_expires ON sessions (expires_at);
