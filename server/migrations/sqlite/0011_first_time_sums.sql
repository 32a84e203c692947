-- What the definitions of migration 0010 read, kept where the indicators read it fast:
--   indicator_sums.first_time  the sums of fact_first (PCMD-TT04, TH01, TH02), as the triggers
--                              keep the other sums;
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

DROP TRIGGER indicator_sums_insert;
DROP TRIGGER indicator_sums_update_old;
DROP TRIGGER indicator_sums_update_new;

CREATE TRIGGER indicator_sums_insert AFTER INSERT ON records WHEN NOT NEW.voided
BEGIN
    INSERT INTO indicator_sums (kind, org_unit_id, category, month, days, records, people,
        female, amount, dated, first_time)
    VALUES (NEW.kind, NEW.org_unit_id, COALESCE(NEW.fact_category, ''),
        SUBSTR(NEW.occurred_on, 1, 7), COALESCE(NEW.fact_days, -1), 1,
        COALESCE(NEW.fact_people, 0), COALESCE(NEW.fact_female, 0),
        COALESCE(NEW.fact_amount, 0), NEW.fact_date IS NOT NULL, COALESCE(NEW.fact_first, 0))
    ON CONFLICT (kind, org_unit_id, category, month, days) DO UPDATE SET
        records = records + 1, people = people + excluded.people,
        female = female + excluded.female, amount = amount + excluded.amount,
        dated = dated + excluded.dated, first_time = first_time + excluded.first_time;
END;

-- An update takes the old version out of its sums, and puts the new one in.
CREATE TRIGGER indicator_sums_update_old AFTER UPDATE OF kind, org_unit_id, occurred_on, voided,
    fact_category, fact_people, fact_female, fact_amount, fact_date, fact_days, fact_first
    ON records WHEN NOT OLD.voided
BEGIN
    UPDATE indicator_sums SET records = records - 1,
        people = people - COALESCE(OLD.fact_people, 0),
        female = female - COALESCE(OLD.fact_female, 0),
        amount = amount - COALESCE(OLD.fact_amount, 0),
        dated = dated - (OLD.fact_date IS NOT NULL),
        first_time = first_time - COALESCE(OLD.fact_first, 0)
    WHERE kind = OLD.kind AND org_unit_id = OLD.org_unit_id
        AND category = COALESCE(OLD.fact_category, '')
        AND month = SUBSTR(OLD.occurred_on, 1, 7) AND days = COALESCE(OLD.fact_days, -1);
END;

CREATE TRIGGER indicator_sums_update_new AFTER UPDATE OF kind, org_unit_id, occurred_on, voided,
    fact_category, fact_people, fact_female, fact_amount, fact_date, fact_days, fact_first
    ON records WHEN NOT NEW.voided
BEGIN
    INSERT INTO indicator_sums (kind, org_unit_id, category, month, days, records, people,
        female, amount, dated, first_time)
    VALUES (NEW.kind, NEW.org_unit_id, COALESCE(NEW.fact_category, ''),
        SUBSTR(NEW.occurred_on, 1, 7), COALESCE(NEW.fact_days, -1), 1,
        COALESCE(NEW.fact_people, 0), COALESCE(NEW.fact_female, 0),
        COALESCE(NEW.fact_amount, 0), NEW.fact_date IS NOT NULL, COALESCE(NEW.fact_first, 0))
    ON CONFLICT (kind, org_unit_id, category, month, days) DO UPDATE SET
        records = records + 1, people = people + excluded.people,
        female = female + excluded.female, amount = amount + excluded.amount,
        dated = dated + excluded.dated, first_time = first_time + excluded.first_time;
END;

DROP INDEX records_indicator;
CREATE INDEX records_indicator ON records (kind, org_unit_id, fact_category, occurred_on, voided,
    fact_subject, fact_eligible, fact_flag, fact_date, fact_people, fact_days, id);
CREATE INDEX records_access ON records (kind, org_unit_id, fact_date, fact_category, voided,
    fact_eligible, fact_subject) WHERE kind = 'referral' AND fact_date IS NOT NULL;
