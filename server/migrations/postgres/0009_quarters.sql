-- A commune's quarter on its way to approval: submitted by the commune, approved or returned (with
-- a comment) by the lead officer, asked to reopen (with a reason, the figures staying approved),
-- reopened. No row is an open quarter that nobody has touched yet; a reopened one keeps its row as
-- `open`. Approval freezes the figures: `figures` is the commune's indicator report of the year to
-- the quarter's end (`domain::api::IndicatorReport`, JSON) as the engine gave it at approval, and
-- `figures_suppressed` the same with small counts hidden, for the callers and files that get them
-- so. `approved_seq` is the change counter read before those figures: a record whose latest version
-- has a higher change number arrived after approval. Times epoch milliseconds.
CREATE TABLE quarters (
    org_unit_id TEXT NOT NULL REFERENCES org_units (id),
    year INTEGER NOT NULL,
    quarter INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    state TEXT NOT NULL
        CHECK (state IN ('open', 'submitted', 'returned', 'approved', 'reopen_requested')),
    -- The return's comment, or the reason a reopening was asked.
    comment TEXT,
    submitted_by TEXT REFERENCES officers (id),
    submitted_at BIGINT,
    approved_by TEXT REFERENCES officers (id),
    approved_at BIGINT,
    approved_seq BIGINT,
    figures TEXT,
    figures_suppressed TEXT,
    updated_by TEXT NOT NULL REFERENCES officers (id),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_unit_id, year, quarter)
);
CREATE INDEX quarters_year ON quarters (year);
