-- What the definitions of migration 0010 read, kept where the indicators read it fast:
--   indicator_sums.first_time  the sums of fact_first (PCMD-TT04, TH01, TH02), as the trigger
--                              keeps the other sums;
--   records_indicator          covers fact_people (PCMD-TT03 per business) and fact_days
--                              (PCMD-TG01's late tip-offs) too;
--   records_access             accessed referrals by their day of access (PCMD-HT01's earlier
--                              referrals accessed in the period, PCMD-C06).
ALTER TABLE indicator_sums ADD COLUMN first_time BIGINT NOT NULL DEFAULT 0;

DELETE FROM indicator_sums;
INSERT INTO indicator_sums (kind, org_unit_id, category, month, days, records, people, female,
    amount, dated, first_time)
SELECT kind, org_unit_id, COALESCE(fact_category, ''), SUBSTR(occurred_on, 1, 7),
    COALESCE(fact_days, -1), COUNT(*), COALESCE(SUM(fact_people), 0),
    COALESCE(SUM(fact_female), 0), COALESCE(SUM(fact_amount), 0), COUNT(fact_date),
    COALESCE(SUM(fact_first), 0)
FROM records WHERE NOT voided GROUP BY 1, 2, 3, 4, 5;

CREATE OR REPLACE FUNCTION indicator_sums_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO indicator_sums (kind, org_unit_id, category, month, days, records, people,
            female, amount, dated, first_time)
        SELECT kind, org_unit_id, COALESCE(fact_category, ''), SUBSTR(occurred_on, 1, 7),
            COALESCE(fact_days, -1), COUNT(*), COALESCE(SUM(fact_people), 0),
            COALESCE(SUM(fact_female), 0), COALESCE(SUM(fact_amount), 0), COUNT(fact_date),
            COALESCE(SUM(fact_first), 0)
        FROM new_rows WHERE NOT voided GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (kind, org_unit_id, category, month, days) DO UPDATE SET
            records = indicator_sums.records + excluded.records,
            people = indicator_sums.people + excluded.people,
            female = indicator_sums.female + excluded.female,
            amount = indicator_sums.amount + excluded.amount,
            dated = indicator_sums.dated + excluded.dated,
            first_time = indicator_sums.first_time + excluded.first_time;
    ELSE
        INSERT INTO indicator_sums (kind, org_unit_id, category, month, days, records, people,
            female, amount, dated, first_time)
        SELECT kind, org_unit_id, COALESCE(fact_category, ''), SUBSTR(occurred_on, 1, 7),
            COALESCE(fact_days, -1), SUM(sign), COALESCE(SUM(sign * fact_people), 0),
            COALESCE(SUM(sign * fact_female), 0), COALESCE(SUM(sign * fact_amount), 0),
            COALESCE(SUM(CASE WHEN fact_date IS NULL THEN 0 ELSE sign END), 0),
            COALESCE(SUM(sign * fact_first), 0)
        FROM (SELECT -1 AS sign, * FROM old_rows WHERE NOT voided
              UNION ALL SELECT 1 AS sign, * FROM new_rows WHERE NOT voided) AS changes
        GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (kind, org_unit_id, category, month, days) DO UPDATE SET
            records = indicator_sums.records + excluded.records,
            people = indicator_sums.people + excluded.people,
            female = indicator_sums.female + excluded.female,
            amount = indicator_sums.amount + excluded.amount,
            dated = indicator_sums.dated + excluded.dated,
            first_time = indicator_sums.first_time + excluded.first_time;
    END IF;
    RETURN NULL;
END
$$;

DROP INDEX records_indicator;
CREATE INDEX records_indicator ON records (kind, org_unit_id, fact_category, occurred_on, voided,
    fact_subject, fact_eligible, fact_flag, fact_date, fact_people, fact_days, id);
CREATE INDEX records_access ON records (kind, org_unit_id, fact_date, fact_category, voided,
    fact_eligible, fact_subject) WHERE kind = 'referral' AND fact_date IS NOT NULL;
