-- The facts of the province's plain counts (PCMD-C01..C07); a covering index for the distinct
-- counts (clients, businesses, agencies), which read one kind, the units and every category of
-- the kind (NULL for kinds without one) over a date range from the index alone, in group order;
-- and monthly sums kept by triggers for everything else (at the end).
--   fact_female   outreach_session: reached_female; business: female_workers
--   fact_category (added) business: type; referral: service; inspection: 'sanctioned' when it
--                 gave a sanction (`sanction` or a fine above 0), else 'not_sanctioned'
--   fact_flag     inspection: violation_found
--   fact_amount   inspection: fine_vnd
ALTER TABLE records ADD COLUMN fact_female BIGINT;
ALTER TABLE records ADD COLUMN fact_flag BOOLEAN;
ALTER TABLE records ADD COLUMN fact_amount BIGINT;

UPDATE records SET
    fact_female = CASE kind
        WHEN 'outreach_session' THEN (data::jsonb ->> 'reached_female')::bigint
        WHEN 'business' THEN (data::jsonb ->> 'female_workers')::bigint END,
    fact_category = CASE kind
        WHEN 'business' THEN data::jsonb ->> 'type'
        WHEN 'referral' THEN data::jsonb ->> 'service'
        WHEN 'inspection' THEN CASE
            WHEN data::jsonb ->> 'sanction' IS NOT NULL
                OR COALESCE((data::jsonb ->> 'fine_vnd')::bigint, 0) > 0 THEN 'sanctioned'
            ELSE 'not_sanctioned' END
        ELSE fact_category END,
    fact_flag = CASE WHEN kind = 'inspection' THEN (data::jsonb ->> 'violation_found')::boolean END,
    fact_amount = CASE WHEN kind = 'inspection' THEN (data::jsonb ->> 'fine_vnd')::bigint END;

DROP INDEX records_indicator;
CREATE INDEX records_indicator ON records (kind, org_unit_id, fact_category, occurred_on, voided,
    fact_subject, fact_eligible, fact_flag, fact_date, id);

-- The sums of the non-voided records per kind, unit, category, month and handling delay, kept by
-- the triggers below with every write, so that the indicators add up a few hundred rows rather
-- than read every record of the period. Periods are whole months (a year up to a quarter's end).
--   category  fact_category, '' for none
--   month     'YYYY-MM' of occurred_on
--   days      fact_days (tip-offs: days to handling), -1 for none
--   dated     records with a fact_date (handled tip-offs)
CREATE TABLE indicator_sums (
    kind TEXT NOT NULL,
    org_unit_id TEXT NOT NULL,
    category TEXT NOT NULL,
    month TEXT NOT NULL,
    days BIGINT NOT NULL,
    records BIGINT NOT NULL,
    people BIGINT NOT NULL,
    female BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    dated BIGINT NOT NULL,
    PRIMARY KEY (kind, org_unit_id, category, month, days)
);

INSERT INTO indicator_sums
SELECT kind, org_unit_id, COALESCE(fact_category, ''), SUBSTR(occurred_on, 1, 7),
    COALESCE(fact_days, -1), COUNT(*), COALESCE(SUM(fact_people), 0),
    COALESCE(SUM(fact_female), 0), COALESCE(SUM(fact_amount), 0), COUNT(fact_date)
FROM records WHERE NOT voided GROUP BY 1, 2, 3, 4, 5;

-- Each writing statement adds its rows' changes to the sums at once: the new versions in, the
-- old ones (of updated records) out.
CREATE FUNCTION indicator_sums_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO indicator_sums
        SELECT kind, org_unit_id, COALESCE(fact_category, ''), SUBSTR(occurred_on, 1, 7),
            COALESCE(fact_days, -1), COUNT(*), COALESCE(SUM(fact_people), 0),
            COALESCE(SUM(fact_female), 0), COALESCE(SUM(fact_amount), 0), COUNT(fact_date)
        FROM new_rows WHERE NOT voided GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (kind, org_unit_id, category, month, days) DO UPDATE SET
            records = indicator_sums.records + excluded.records,
            people = indicator_sums.people + excluded.people,
            female = indicator_sums.female + excluded.female,
            amount = indicator_sums.amount + excluded.amount,
            dated = indicator_sums.dated + excluded.dated;
    ELSE
        INSERT INTO indicator_sums
        SELECT kind, org_unit_id, COALESCE(fact_category, ''), SUBSTR(occurred_on, 1, 7),
            COALESCE(fact_days, -1), SUM(sign), COALESCE(SUM(sign * fact_people), 0),
            COALESCE(SUM(sign * fact_female), 0), COALESCE(SUM(sign * fact_amount), 0),
            COALESCE(SUM(CASE WHEN fact_date IS NULL THEN 0 ELSE sign END), 0)
        FROM (SELECT -1 AS sign, * FROM old_rows WHERE NOT voided
              UNION ALL SELECT 1 AS sign, * FROM new_rows WHERE NOT voided) AS changes
        GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (kind, org_unit_id, category, month, days) DO UPDATE SET
            records = indicator_sums.records + excluded.records,
            people = indicator_sums.people + excluded.people,
            female = indicator_sums.female + excluded.female,
            amount = indicator_sums.amount + excluded.amount,
            dated = indicator_sums.dated + excluded.dated;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER indicator_sums_insert AFTER INSERT ON records REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION indicator_sums_write();
CREATE TRIGGER indicator_sums_update AFTER UPDATE ON records
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION indicator_sums_write();
