//! The twelve indicators as the plan's sentences (section I.3 of the plan, `DOMAIN.md`) define
//! them, in plain Rust over records: what the phone computes offline and what the server's SQL
//! engine is tested against. Each rule is written beside its sentence, with why.
//!
//! Every rule reads the latest version of each record of the units counted (voided ones count
//! nowhere), year to date: activity dated in the period, the business register as it stood at
//! the period's end.

use std::collections::{HashMap, HashSet};

use super::{IndicatorCode, Period};
use crate::{Audience, Date, RecordData, ReferralStatus, TrainingLevel, ValidRecord};

/// The tip-off deadline of a year for which none is kept.
pub const DEFAULT_DEADLINE_DAYS: i64 = 20;

/// A record as the definitions count it, with the commune it belongs to (the commune itself or
/// the commune above its unit; none for a record of the district's own units).
#[derive(Clone, Copy)]
pub struct Counted<'a> {
    pub record: &'a ValidRecord,
    pub commune: Option<&'a str>,
}

/// The denominators no record gives, entered per year and unit (summed over the units counted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Baselines {
    pub students_enrolled: i64,
    pub relevant_agencies: i64,
    pub district_officials: i64,
    pub commune_officials: i64,
}

/// What one set of figures is made over.
pub struct Counting<'a> {
    pub period: Period,
    /// The day the figures are made: quarters not begun by then count nowhere, and a tip-off is
    /// judged as it stood on the earlier of this day and the period's end.
    pub today: Date,
    /// The records of the units counted, any date, voided ones included (they are left out).
    pub records: &'a [Counted<'a>],
    /// The communes the figures are over (a commune: 1; a commune of a later map: the communes
    /// that became it).
    pub communes: i64,
    /// The figures are a commune's: the indicators of the district's own work do not apply.
    pub of_commune: bool,
    pub baselines: Baselines,
    /// The tip-off deadline in force for the period's year, in days.
    pub deadline_days: i64,
}

/// One indicator's numbers, or why there are none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    Of {
        numerator: i64,
        denominator: i64,
    },
    /// The indicator is of the district's own work (its portal, agencies, officials, pilot), not
    /// a commune's.
    NotApplicable,
}

impl IndicatorCode {
    /// Whether the plan measures this at district (since July 2025: province) level only.
    pub fn district_only(self) -> bool {
        use IndicatorCode as I;
        matches!(self, I::Tt02 | I::Kh02 | I::Mh01 | I::Th01)
    }
}

/// How a tip-off stood on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TipOffState {
    /// Handled within the deadline (counted, and met).
    InTime,
    /// Handled after the deadline, or not handled and the deadline passed (counted, not met).
    Late,
    /// Not handled and not yet due: in neither numerator nor denominator.
    Pending,
}

/// A tip-off received on `received`, handled on `handled` (if at all), judged on `as_of` with a
/// deadline of `deadline_days` (inclusive: handled on the last day is in time).
pub fn tip_off_state(
    received: Date,
    handled: Option<Date>,
    as_of: Date,
    deadline_days: i64,
) -> TipOffState {
    if handled.is_some_and(|handled| received.days_until(handled) <= deadline_days) {
        return TipOffState::InTime;
    }
    // Due on `received + deadline`; late once a day after that has begun by `as_of`.
    if received.days_until(as_of) > deadline_days {
        TipOffState::Late
    } else {
        TipOffState::Pending
    }
}

/// The first day of quarter `q` (1–4) of `year`.
fn quarter_start(year: i32, q: u32) -> Option<Date> {
    Date::from_ymd(year, 3 * q - 2, 1)
}

/// The quarters of the period begun by `today`, in order.
pub fn quarters_so_far(period: Period, today: Date) -> Vec<u32> {
    (1..=period.quarter().unwrap_or(4))
        .filter(|&q| quarter_start(period.year(), q).is_some_and(|start| start <= today))
        .collect()
}

/// The twelve indicators in report order.
pub fn measures(c: &Counting) -> Vec<(IndicatorCode, Measure)> {
    let period = c.period;
    let live: Vec<(&ValidRecord, Option<&str>)> = c
        .records
        .iter()
        .filter(|counted| !counted.record.voided())
        .map(|counted| (counted.record, counted.commune))
        .collect();
    let in_period = || {
        live.iter()
            .copied()
            .filter(move |(record, _)| period.contains(record.occurred_on()))
    };
    let of = |numerator: i64, denominator: i64| Measure::Of {
        numerator,
        denominator,
    };

    // The business register at the period's end: id → workers.
    let register: HashMap<&str, i64> = live
        .iter()
        .filter(|(record, _)| record.occurred_on() <= period.end())
        .filter_map(|(record, _)| match record.data() {
            RecordData::Business(business) => Some((record.id(), i64::from(business.workers))),
            _ => None,
        })
        .collect();
    let workers: i64 = register.values().sum();

    // TT01 "at least 70 % of communes hold at least one form of awareness activity": communes
    // with a session in the period, over the communes.
    let tt01: HashSet<&str> = in_period()
        .filter(|(record, _)| matches!(record.data(), RecordData::OutreachSession(_)))
        .filter_map(|(_, commune)| commune)
        .collect();

    // TT02 "news on the district portal and radio/TV at least once a quarter": the quarters so
    // far in which each channel had a post, over the quarters so far. A quarter not begun yet
    // is not a failure.
    let quarters = quarters_so_far(period, c.today);
    let mut posted: HashSet<(u32, crate::MediaChannel)> = HashSet::new();
    for (record, _) in in_period() {
        if let RecordData::MediaPost(post) = record.data() {
            posted.insert((record.occurred_on().quarter(), post.channel));
        }
    }
    let covered = quarters.iter().filter(|&&q| {
        <crate::MediaChannel as crate::Coded>::ALL
            .iter()
            .all(|channel| posted.contains(&(q, *channel)))
    });
    let tt02 = of(covered.count() as i64, quarters.len() as i64);

    // TT03 "60 % of workers at at-risk businesses reached": a worker is reached once, however
    // many sessions were held at the business, so each business adds at most its workers. A
    // session that names no business of the register (records made before the field was asked)
    // still counts, and the whole never passes the register's workers.
    let mut at_business: HashMap<&str, i64> = HashMap::new();
    let mut unattributed = 0i64;
    for (record, _) in in_period() {
        let RecordData::OutreachSession(session) = record.data() else {
            continue;
        };
        if session.audience != Audience::BusinessWorkers {
            continue;
        }
        let reached = i64::try_from(session.reached()).unwrap_or(i64::MAX);
        match session.business_id.as_deref() {
            Some(id) if register.contains_key(id) => *at_business.entry(id).or_default() += reached,
            _ => unattributed += reached,
        }
    }
    let capped: i64 = at_business
        .iter()
        .map(|(id, reached)| (*reached).min(register[id]))
        .sum();
    let tt03 = of((capped + unattributed).min(workers), workers);

    // TT04 "100 % of upper-secondary and vocational students": students reached for the first
    // time this year, so a class met twice counts once.
    let students: i64 = in_period()
        .filter_map(|(record, _)| match record.data() {
            RecordData::OutreachSession(s) if s.audience == Audience::Students => {
                Some(i64::try_from(s.reached_first_time()).unwrap_or(i64::MAX))
            }
            _ => None,
        })
        .sum();

    // KH01 "100 % of communes build a plan": communes whose plan was adopted in the period (the
    // adoption date, else the record's), over the communes.
    let kh01: HashSet<&str> = live
        .iter()
        .filter(|(record, _)| match record.data() {
            RecordData::CommunePlan(plan) => {
                period.contains(plan.adopted_on.unwrap_or(record.occurred_on()))
            }
            _ => false,
        })
        .filter_map(|(_, commune)| *commune)
        .collect();

    // KH02 "at least 50 % of relevant agencies integrate the task": distinct agencies with an
    // integration in the period, over the relevant agencies; an agency of the admin's list by
    // its id, so spellings of one name do not count twice.
    let agencies: HashSet<&str> = in_period()
        .filter_map(|(record, _)| match record.data() {
            RecordData::AgencyIntegration(integration) => Some(integration.counted_as()),
            _ => None,
        })
        .collect();

    // TG01 "100 % of tip-offs received, verified and handled in time": tip-offs received in the
    // period, judged on the earlier of today and the period's end; one not handled and not yet
    // due is pending, neither a success nor a failure.
    let as_of = period.end().min(c.today);
    let (mut in_time, mut judged) = (0, 0);
    for (record, _) in in_period() {
        if let RecordData::TipOff(tip_off) = record.data() {
            match tip_off_state(
                record.occurred_on(),
                tip_off.handled_on,
                as_of,
                c.deadline_days,
            ) {
                TipOffState::InTime => (in_time, judged) = (in_time + 1, judged + 1),
                TipOffState::Late => judged += 1,
                TipOffState::Pending => {}
            }
        }
    }

    // KT01 "inspect at least 70 % of at-risk businesses": businesses of the register with an
    // inspection in the period, each once, over the register.
    let inspected: HashSet<&str> = in_period()
        .filter_map(|(record, _)| match record.data() {
            RecordData::Inspection(inspection) => Some(inspection.business_id.as_str()),
            _ => None,
        })
        .filter(|id| register.contains_key(id))
        .collect();

    // MH01 "at least 1 commune runs a pilot model": communes with a model running at some time
    // in the period, started then or before and not ended before it began.
    let mh01: HashSet<&str> = live
        .iter()
        .filter(|(record, _)| match record.data() {
            RecordData::PilotModel(model) => {
                record.occurred_on() <= period.end()
                    && model.ended_on.is_none_or(|ended| ended >= period.start())
            }
            _ => false,
        })
        .filter_map(|(_, commune)| *commune)
        .collect();

    // HT01 "60 % of people selling sex, in need and eligible, reach support services": the
    // people (client codes) in need and eligible referred in the period or whose access falls
    // in it (referred earlier), over whom those whose access falls in the period.
    let mut cohort: HashSet<&str> = HashSet::new();
    let mut accessed: HashSet<&str> = HashSet::new();
    for (record, _) in &live {
        let RecordData::Referral(referral) = record.data() else {
            continue;
        };
        if !referral.in_need_eligible || record.occurred_on() > period.end() {
            continue;
        }
        let code = referral.client_code.as_str();
        let access = (referral.status == ReferralStatus::Accessed)
            .then_some(referral.accessed_on)
            .flatten();
        if access.is_some_and(|day| period.contains(day)) {
            accessed.insert(code);
            cohort.insert(code);
        }
        if period.contains(record.occurred_on()) {
            cohort.insert(code);
        }
    }

    // TH01, TH02 "65 % of district and 50 % of commune officials in the field trained":
    // officials trained for the first time this year, so a course repeated for the same people
    // counts them once.
    let trained = |level: TrainingLevel| -> i64 {
        in_period()
            .filter_map(|(record, _)| match record.data() {
                RecordData::Training(t) if t.level == level => {
                    Some(i64::from(t.trainees_first_time()))
                }
                _ => None,
            })
            .sum()
    };

    let b = c.baselines;
    use IndicatorCode as I;
    let all = [
        (I::Tt01, of(tt01.len() as i64, c.communes)),
        (I::Tt02, tt02),
        (I::Tt03, tt03),
        (I::Tt04, of(students, b.students_enrolled)),
        (I::Kh01, of(kh01.len() as i64, c.communes)),
        (I::Kh02, of(agencies.len() as i64, b.relevant_agencies)),
        (I::Tg01, of(in_time, judged)),
        (I::Kt01, of(inspected.len() as i64, register.len() as i64)),
        (I::Mh01, of(mh01.len() as i64, c.communes)),
        (I::Ht01, of(accessed.len() as i64, cohort.len() as i64)),
        (
            I::Th01,
            of(trained(TrainingLevel::District), b.district_officials),
        ),
        (
            I::Th02,
            of(trained(TrainingLevel::Commune), b.commune_officials),
        ),
    ];
    all.into_iter()
        .map(
            |(code, measure)| match c.of_commune && code.district_only() {
                true => (code, Measure::NotApplicable),
                false => (code, measure),
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::indicator::{evaluate, Op, Status, Target};
    use crate::validate_value;

    const BUSINESS: &str = "6f1d2c3b-4a59-4e68-b7c6-d5e4f3a2b1c0";

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    /// A record of `kind` in commune `ou-c1` on `date`, numbered `n` for its id.
    fn record(n: u32, kind: &str, date: &str, data: Value) -> ValidRecord {
        let raw = json!({"id": format!("00000000-0000-4000-8000-{n:012}"), "kind": kind,
                         "org_unit_id": "ou-c1", "occurred_on": date, "base_version": 0,
                         "voided": false, "data": data});
        validate_value(&raw, day("2024-12-31")).expect("valid")
    }

    fn business(workers: u32) -> ValidRecord {
        let raw = json!({"id": BUSINESS, "kind": "business", "org_unit_id": "ou-c1",
                         "occurred_on": "2023-01-02", "base_version": 0, "voided": false,
                         "data": {"name": "Karaoke A", "type": "karaoke", "workers": workers}});
        validate_value(&raw, day("2024-12-31")).unwrap()
    }

    /// The measures over `records` (all in commune `ou-c1`) for `quarter` of 2023, made on
    /// `today`, of the district or (`of_commune`) of the commune.
    fn measures_on(
        records: &[ValidRecord],
        quarter: Option<u32>,
        today: &str,
        of_commune: bool,
    ) -> Vec<(IndicatorCode, Measure)> {
        let counted: Vec<Counted> = records
            .iter()
            .map(|record| Counted {
                record,
                commune: Some("ou-c1"),
            })
            .collect();
        measures(&Counting {
            period: Period::new(2023, quarter).unwrap(),
            today: day(today),
            records: &counted,
            communes: 1,
            of_commune,
            baselines: Baselines {
                students_enrolled: 100,
                relevant_agencies: 4,
                district_officials: 10,
                commune_officials: 20,
            },
            deadline_days: DEFAULT_DEADLINE_DAYS,
        })
    }

    /// The measure of `code` over `records` for `quarter` of 2023, made on `today`.
    fn measure_on(
        code: IndicatorCode,
        records: &[ValidRecord],
        quarter: Option<u32>,
        today: &str,
    ) -> Measure {
        let all = measures_on(records, quarter, today, false);
        all.into_iter().find(|(c, _)| *c == code).unwrap().1
    }

    fn measure(code: IndicatorCode, records: &[ValidRecord], quarter: Option<u32>) -> Measure {
        measure_on(code, records, quarter, "2024-06-01")
    }

    fn of(numerator: i64, denominator: i64) -> Measure {
        Measure::Of {
            numerator,
            denominator,
        }
    }

    fn workplace_session(n: u32, date: &str, reached: u32, business: Option<&str>) -> ValidRecord {
        let mut data = json!({"format": "workplace_session", "audience": "business_workers",
                              "reached_male": 0, "reached_female": reached});
        if let Some(id) = business {
            data["business_id"] = id.into();
        }
        record(n, "outreach_session", date, data)
    }

    #[test]
    fn repeated_sessions_at_a_business_never_pass_its_workers() {
        // "60 % of workers at the businesses": the same 8 workers met three times are 8 people.
        let mut records = vec![business(8)];
        for n in 0..3 {
            records.push(workplace_session(n, "2023-02-01", 8, Some(BUSINESS)));
        }
        assert_eq!(measure(IndicatorCode::Tt03, &records, Some(1)), of(8, 8));
        // A session that names no business (an older record) counts, within the register.
        records.push(workplace_session(9, "2023-02-02", 5, None));
        assert_eq!(measure(IndicatorCode::Tt03, &records, Some(1)), of(8, 8));
        let figure = evaluate(
            IndicatorCode::Tt03,
            measure(IndicatorCode::Tt03, &records, None),
            None,
        );
        assert_eq!(figure.value, Some(100.0));
        let fewer = [
            business(8),
            workplace_session(1, "2023-02-01", 3, Some(BUSINESS)),
        ];
        assert_eq!(measure(IndicatorCode::Tt03, &fewer, None), of(3, 8));
    }

    #[test]
    fn a_tip_off_of_25_march_not_handled_is_pending_in_q1_and_late_in_q2() {
        let tip_off = [record(1, "tip_off", "2023-03-25", json!({}))];
        assert_eq!(measure(IndicatorCode::Tg01, &tip_off, Some(1)), of(0, 0));
        assert_eq!(measure(IndicatorCode::Tg01, &tip_off, Some(2)), of(0, 1));
        // Handled on the 20th day: in time, whenever asked.
        let handled = [record(
            1,
            "tip_off",
            "2023-03-25",
            json!({"handled_on": "2023-04-14"}),
        )];
        assert_eq!(measure(IndicatorCode::Tg01, &handled, Some(1)), of(1, 1));
        assert_eq!(measure(IndicatorCode::Tg01, &handled, Some(2)), of(1, 1));
        // In the quarter still running, one received yesterday is not a failure yet.
        let recent = [record(1, "tip_off", "2023-05-10", json!({}))];
        assert_eq!(
            measure_on(IndicatorCode::Tg01, &recent, Some(2), "2023-05-11"),
            of(0, 0)
        );
        assert_eq!(
            tip_off_state(day("2023-03-25"), None, day("2023-04-14"), 20),
            TipOffState::Pending,
            "the 20th day is still in time"
        );
        assert_eq!(
            tip_off_state(day("2023-03-25"), None, day("2023-04-15"), 20),
            TipOffState::Late
        );
        assert_eq!(
            tip_off_state(
                day("2023-03-25"),
                Some(day("2023-04-15")),
                day("2023-12-31"),
                20
            ),
            TipOffState::Late
        );
    }

    #[test]
    fn a_training_repeated_for_the_same_officials_counts_them_once() {
        let first = json!({"level": "district", "trainees": 6, "trainees_first_time": 6});
        let again = json!({"level": "district", "trainees": 6, "trainees_first_time": 0});
        let records = [
            record(1, "training", "2023-02-01", first),
            record(2, "training", "2023-05-01", again),
        ];
        assert_eq!(measure(IndicatorCode::Th01, &records, None), of(6, 10));
        assert_eq!(measure(IndicatorCode::Th02, &records, None), of(0, 20));
        // Students met twice: the second session reached no one for the first time.
        let students = |n, first: u32| {
            record(
                n,
                "outreach_session",
                "2023-03-01",
                json!({"format": "school_session", "audience": "students", "reached_male": 20,
                       "reached_female": 20, "reached_first_time": first}),
            )
        };
        let sessions = [students(1, 40), students(2, 0)];
        assert_eq!(measure(IndicatorCode::Tt04, &sessions, None), of(40, 100));
    }

    fn post(n: u32, date: &str, channel: &str) -> ValidRecord {
        record(n, "media_post", date, json!({"channel": channel}))
    }

    #[test]
    fn tt02_counts_the_quarters_so_far_with_a_post_on_each_channel() {
        let posts = [
            post(1, "2023-01-10", "portal"),
            post(2, "2023-02-10", "radio_tv"),
            post(3, "2023-04-10", "portal"),
        ];
        assert_eq!(measure(IndicatorCode::Tt02, &posts, Some(2)), of(1, 2));
        assert_eq!(measure(IndicatorCode::Tt02, &posts, Some(1)), of(1, 1));
        // Asked for the year in May, two quarters have begun.
        assert_eq!(
            measure_on(IndicatorCode::Tt02, &posts, None, "2023-05-01"),
            of(1, 2)
        );
        assert_eq!(measure(IndicatorCode::Tt02, &posts, None), of(1, 4));
        let target = Some(Target {
            op: Op::AtLeast,
            value: 1.0,
        });
        let at_q1 = evaluate(IndicatorCode::Tt02, of(1, 1), target);
        assert_eq!(at_q1.status, Status::Met);
        let at_q2 = evaluate(IndicatorCode::Tt02, of(1, 2), target);
        assert_eq!(at_q2.status, Status::NotMet);
    }

    #[test]
    fn district_indicators_do_not_apply_to_a_commune() {
        let records = [post(1, "2023-01-10", "portal")];
        let not_applicable: Vec<IndicatorCode> = measures_on(&records, None, "2024-01-01", true)
            .into_iter()
            .filter(|(_, m)| *m == Measure::NotApplicable)
            .map(|(code, _)| code)
            .collect();
        use IndicatorCode as I;
        assert_eq!(not_applicable, [I::Tt02, I::Kh02, I::Mh01, I::Th01]);
        let figure = evaluate(I::Mh01, Measure::NotApplicable, None);
        assert_eq!((figure.value, figure.status), (None, Status::NotApplicable));
    }

    #[test]
    fn commune_plans_count_by_adoption_and_pilot_models_while_they_run() {
        let plan = [record(
            1,
            "commune_plan",
            "2023-01-05",
            json!({"adopted_on": "2022-12-20"}),
        )];
        assert_eq!(measure(IndicatorCode::Kh01, &plan, None), of(0, 1));
        let late = [record(
            1,
            "commune_plan",
            "2022-11-05",
            json!({"adopted_on": "2023-02-01"}),
        )];
        assert_eq!(measure(IndicatorCode::Kh01, &late, Some(1)), of(1, 1));
        let started_before = |ended: Value| {
            let mut data = json!({"name": "Mô hình A"});
            if !ended.is_null() {
                data["ended_on"] = ended;
            }
            [record(1, "pilot_model", "2021-06-01", data)]
        };
        let running = started_before(Value::Null);
        assert_eq!(measure(IndicatorCode::Mh01, &running, None), of(1, 1));
        let ended = started_before("2022-12-31".into());
        assert_eq!(measure(IndicatorCode::Mh01, &ended, None), of(0, 1));
        let ended_in_2023 = started_before("2023-03-31".into());
        assert_eq!(measure(IndicatorCode::Mh01, &ended_in_2023, None), of(1, 1));
    }

    fn referral(n: u32, date: &str, code: &str, accessed_on: Option<&str>) -> ValidRecord {
        let mut data = json!({"client_code": code, "in_need_eligible": true, "consent": true,
                              "service": "LEGAL", "status": "referred"});
        if let Some(day) = accessed_on {
            data["status"] = "accessed".into();
            data["accessed_on"] = day.into();
        }
        record(n, "referral", date, data)
    }

    #[test]
    fn ht01_takes_in_people_referred_last_year_who_reach_the_service_this_year() {
        let records = [
            referral(1, "2022-11-20", "AB12CD", Some("2023-01-15")),
            referral(2, "2023-02-01", "AB12CE", None),
            referral(3, "2022-05-01", "AB12CF", Some("2022-06-01")),
        ];
        // The first reached the service in 2023: in the cohort and counted; the third reached
        // it in 2022 and is not referred again.
        assert_eq!(measure(IndicatorCode::Ht01, &records, None), of(1, 2));
    }

    #[test]
    fn voided_records_count_nowhere() {
        let raw = json!({"id": "00000000-0000-4000-8000-000000000001", "kind": "media_post",
                         "org_unit_id": "ou-c1", "occurred_on": "2023-01-10", "base_version": 1,
                         "voided": true, "data": {"channel": "portal"}});
        let voided = [
            validate_value(&raw, day("2024-01-01")).unwrap(),
            post(2, "2023-01-11", "radio_tv"),
        ];
        assert_eq!(measure(IndicatorCode::Tt02, &voided, Some(1)), of(0, 1));
    }
}
