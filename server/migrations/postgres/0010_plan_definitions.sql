-- The facts of the indicators as the plan defines them (domain::indicator::definitions):
--   fact_first    outreach_session: reached_first_time; training: trainees_first_time (records
--                 from before these were asked: everyone reached or trained, as they counted)
--   fact_subject  (added) outreach_session: business_id (absent before it was asked)
--   fact_date     (added) commune_plan: adopted_on, else occurred_on; pilot_model: ended_on
ALTER TABLE records ADD COLUMN fact_first BIGINT;

UPDATE records SET fact_first = CASE kind
        WHEN 'outreach_session' THEN COALESCE((data::jsonb ->> 'reached_first_time')::bigint,
                                              fact_people)
        WHEN 'training' THEN COALESCE((data::jsonb ->> 'trainees_first_time')::bigint,
                                      fact_people)
        END,
    fact_subject = CASE WHEN kind = 'outreach_session'
        THEN data::jsonb ->> 'business_id' ELSE fact_subject END,
    fact_date = CASE kind
        WHEN 'commune_plan' THEN COALESCE(data::jsonb ->> 'adopted_on', occurred_on)
        WHEN 'pilot_model' THEN data::jsonb ->> 'ended_on'
        ELSE fact_date END
WHERE kind IN ('outreach_session', 'training', 'commune_plan', 'pilot_model');
