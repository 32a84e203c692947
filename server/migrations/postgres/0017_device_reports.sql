-- What each officer's phone last said of its waiting records (`POST /api/v1/sync/report`), so
-- that records that never arrive, and phones that lost them, are seen within the week
-- (`GET /api/v1/admin/devices`). Times are epoch milliseconds by the server's clock.
-- `waiting_since`: the first report of the current run of reports with records waiting (null
-- when the last report had none). `received`: records that arrived from the device since its last
-- report (kept by the sync path, in the batch's transaction). `missing`/`emptied_at`: waiting
-- records that left the phone without arriving, and when that was seen. `handled_at`: when an
-- admin last marked the phone's problem as dealt with.
CREATE TABLE device_reports (
    officer_id TEXT NOT NULL REFERENCES officers (id),
    device_id TEXT NOT NULL,
    first_seen_at BIGINT NOT NULL,
    reported_at BIGINT NOT NULL,
    waiting BIGINT NOT NULL,
    oldest_waiting_on TEXT,
    persistent BOOLEAN,
    waiting_since BIGINT,
    received BIGINT NOT NULL DEFAULT 0,
    missing BIGINT NOT NULL DEFAULT 0,
    emptied_at BIGINT,
    handled_at BIGINT,
    PRIMARY KEY (officer_id, device_id)
);
