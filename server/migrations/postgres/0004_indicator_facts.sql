-- The few fields of a record's `data` that indicators and read rules use, as typed columns written
-- with the record, so indicators are plain SQL aggregates on both stores (no JSON in queries).
-- `created_by` is who stored version 1: tip-offs are readable only by them and the district.
--   fact_people   outreach_session: reached_male + reached_female; business: workers;
--                 training: trainees
--   fact_category outreach_session: audience; training: level; media_post: channel
--   fact_subject  inspection: business_id; referral: client_code; agency_integration: agency
--   fact_eligible referral: in_need_eligible
--   fact_date     referral: accessed_on when status is accessed; tip_off: handled_on
--   fact_days     tip_off: days from received (occurred_on) to handled_on
ALTER TABLE records ADD COLUMN created_by TEXT REFERENCES officers (id);
ALTER TABLE records ADD COLUMN fact_people BIGINT;
ALTER TABLE records ADD COLUMN fact_category TEXT;
ALTER TABLE records ADD COLUMN fact_subject TEXT;
ALTER TABLE records ADD COLUMN fact_eligible BOOLEAN;
ALTER TABLE records ADD COLUMN fact_date TEXT;
ALTER TABLE records ADD COLUMN fact_days BIGINT;

UPDATE records SET
    created_by = (SELECT v.updated_by FROM record_versions v
                  WHERE v.id = records.id AND v.version = 1),
    fact_people = CASE kind
        WHEN 'outreach_session' THEN (data::jsonb ->> 'reached_male')::bigint
                                     + (data::jsonb ->> 'reached_female')::bigint
        WHEN 'business' THEN (data::jsonb ->> 'workers')::bigint
        WHEN 'training' THEN (data::jsonb ->> 'trainees')::bigint END,
    fact_category = CASE kind
        WHEN 'outreach_session' THEN data::jsonb ->> 'audience'
        WHEN 'training' THEN data::jsonb ->> 'level'
        WHEN 'media_post' THEN data::jsonb ->> 'channel' END,
    fact_subject = CASE kind
        WHEN 'inspection' THEN data::jsonb ->> 'business_id'
        WHEN 'referral' THEN data::jsonb ->> 'client_code'
        WHEN 'agency_integration' THEN data::jsonb ->> 'agency' END,
    fact_eligible = CASE WHEN kind = 'referral'
        THEN (data::jsonb ->> 'in_need_eligible')::boolean END,
    fact_date = CASE
        WHEN kind = 'referral' AND data::jsonb ->> 'status' = 'accessed'
            THEN data::jsonb ->> 'accessed_on'
        WHEN kind = 'tip_off' THEN data::jsonb ->> 'handled_on' END,
    fact_days = CASE WHEN kind = 'tip_off' AND data::jsonb ->> 'handled_on' IS NOT NULL
        THEN (data::jsonb ->> 'handled_on')::date - occurred_on::date END;

-- The indicators' main aggregate reads only this index (units, dates, then the facts).
CREATE INDEX records_indicator ON records (org_unit_id, occurred_on, kind, voided, fact_category,
    fact_people, fact_subject, fact_eligible, fact_date, fact_days);
CREATE INDEX records_kind_date ON records (kind, occurred_on);
CREATE INDEX records_subject ON records (fact_subject);
