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
        WHEN 'outreach_session' THEN json_extract(data, '$.reached_female')
        WHEN 'business' THEN json_extract(data, '$.female_workers') END,
    fact_category = CASE kind
        WHEN 'business' THEN json_extract(data, '$.type')
        WHEN 'referral' THEN json_extract(data, '$.service')
        WHEN 'inspection' THEN CASE
            WHEN json_extract(data, '$.sanction') IS NOT NULL
                OR COALESCE(json_extract(data, '$.fine_vnd'), 0) > 0 THEN 'sanctioned'
            ELSE 'not_sanctioned' END
        ELSE fact_category END,
    fact_flag = CASE WHEN kind = 'inspection' THEN json_extract(data, '$.violation_found') END,
    fact_amount = CASE WHEN kind = 'inspection' THEN json_extract(data, '$.fine_vnd') END;

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

CREATE TRIGGER indicator_sums_insert AFTER INSERT ON records WHEN NOT NEW.voided
BEGIN
    INSERT INTO indicator_sums VALUES (NEW.kind, NEW.org_unit_id, COALESCE(NEW.fact_category, ''),
        SUBSTR(NEW.occurred_on, 1, 7), COALESCE(NEW.fact_days, -1), 1,
        COALESCE(NEW.fact_people, 0), COALESCE(NEW.fact_female, 0),
        COALESCE(NEW.fact_amount, 0), NEW.fact_date IS NOT NULL)
    ON CONFLICT (kind, org_unit_id, category, month, days) DO UPDATE SET
        records = records + 1, people = people + excluded.people,
        female = female + excluded.female, amount = amount + excluded.amount,
        dated = dated + excluded.dated;
END;

-- An update takes the old version out of its sums, and puts the new one in.
CREATE TRIGGER indicator_sums_update_old AFTER UPDATE OF kind, org_unit_id, occurred_on, voided,
    fact_category, fact_people, fact_female, fact_amount, fact_date, fact_days ON records
    WHEN NOT OLD.voided
BEGIN
    UPDATE indicator_sums SET records = records - 1,
        people = people - COALESCE(OLD.fact_people, 0),
        female = female - COALESCE(OLD.fact_female, 0),
        amount = amount - COALESCE(OLD.fact_amount, 0),
        dated = dated - (OLD.fact_date IS NOT NULL)
    WHERE kind = OLD.kind AND org_unit_id = OLD.org_unit_id
        AND category = COALESCE(OLD.fact_category, '')
        AND month = SUBSTR(OLD.occurred_on, 1, 7) AND days = COALESCE(OLD.fact_days, -1);
END;

CREATE TRIGGER indicator_sums_update_new AFTER UPDATE OF kind, org_unit_id, occurred_on, voided,
    fact_category, fact_people, fact_female, fact_amount, fact_date, fact_days ON records
    WHEN NOT NEW.voided
BEGIN
    INSERT INTO indicator_sums VALUES (NEW.kind, NEW.org_unit_id, COALESCE(NEW.fact_category, ''),
        SUBSTR(NEW.occurred_on, 1, 7), COALESCE(NEW.fact_days, -1), 1,
        COALESCE(NEW.fact_people, 0), COALESCE(NEW.fact_female, 0),
        COALESCE(NEW.fact_amount, 0), NEW.fact_date IS NOT NULL)
    ON CONFLICT (kind, org_unit_id, category, month, days) DO UPDATE SET
        records = records + 1, people = people + excluded.people,
        female = female + excluded.female, amount = amount + excluded.amount,
        dated = dated + excluded.dated;
END;
