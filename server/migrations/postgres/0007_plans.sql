-- Yearly plans as data. Since 2025-07-01 there is no district level: provinces and the new
-- communes make yearly plans, so a plan belongs to any org unit, one per unit and year, and the
-- plan in force for a unit is its own or its nearest ancestor's of that year. `recipients` is a
-- JSON array of the lines of "Nơi nhận". A target or baseline copied from an earlier year is
-- `to_confirm` until the lead agency confirms or sets it.
CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    org_unit_id TEXT NOT NULL REFERENCES org_units (id),
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    issuer TEXT NOT NULL,
    lead_agency TEXT NOT NULL,
    recipients TEXT NOT NULL,
    copied_from TEXT REFERENCES plans (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (org_unit_id, year)
);
CREATE INDEX plans_year ON plans (year);

CREATE TABLE plan_targets (
    plan_id TEXT NOT NULL REFERENCES plans (id),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    op TEXT NOT NULL CHECK (op IN ('>=', '<=', '=')),
    value DOUBLE PRECISION NOT NULL,
    to_confirm BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (plan_id, indicator_code)
);

ALTER TABLE baselines ADD COLUMN to_confirm BOOLEAN NOT NULL DEFAULT FALSE;

-- The yearly targets so far were the Tam Đường district's: each year's become its plan, with the
-- header of its 2023 plan. A new store has no targets yet (the seed writes its plan after this).
INSERT INTO plans (id, org_unit_id, year, title, issuer, lead_agency, recipients, copied_from,
                   created_at, updated_at)
SELECT DISTINCT 'plan-ou-106-' || CAST(t.year AS TEXT), 'ou-106', t.year,
       'Kế hoạch phòng, chống mại dâm năm ' || CAST(t.year AS TEXT),
       'UBND huyện Tam Đường',
       'Phòng Lao động - Thương binh và Xã hội huyện Tam Đường',
       '["Sở Lao động - Thương binh và Xã hội tỉnh Lai Châu","TT. Huyện ủy, TT. HĐND huyện","Chủ tịch, Phó chủ tịch UBND huyện","Các cơ quan, ban, ngành, đoàn thể huyện","UBND các xã, thị trấn","Lưu: VT"]',
       NULL, CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT), CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)
FROM targets t
WHERE EXISTS (SELECT 1 FROM org_units WHERE id = 'ou-106');

INSERT INTO plan_targets (plan_id, indicator_code, op, value, to_confirm)
SELECT 'plan-ou-106-' || CAST(t.year AS TEXT), t.indicator_code, t.op, t.value, FALSE
FROM targets t
WHERE EXISTS (SELECT 1 FROM org_units WHERE id = 'ou-106');

DROP TABLE targets;
