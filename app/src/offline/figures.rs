//! The last indicator figures fetched on this phone, per officer and period
//! (`pcmd.indicators.<officer>.<year>.<quarter>`), so the dashboard and the print page open
//! without signal and say how old their figures are. Aggregates only, never a record. Kept apart
//! from the outbox and few in number, so they never crowd out a record waiting to be sent.
//!
//! And a commune's own figures made on the phone from the records in its outbox, by the domain's
//! definitions (`domain::indicator::definitions`, the same the server's engine is tested equal
//! to): what a commune officer sees offline or before the server answers ([`phone_figures`]).

use std::collections::HashSet;

use super::keys;
use super::outbox::{Entry, KeyValue, LocalState, StoreError};
use crate::api::{IndicatorReport, IndicatorValue, OrgUnit};
use domain::indicator::definitions::{measures, Baselines, Counted, Counting};
use domain::indicator::{evaluate, IndicatorCode, Period, Target};
use domain::{Coded as _, Date, ValidRecord};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};

/// Periods kept per officer; saving another drops the oldest.
const KEPT_PERIODS: usize = 8;

/// Figures as fetched, and when (ms since 1970).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Kept<T> {
    pub at: u64,
    pub figures: T,
}

/// Keeps `figures` of `year`, `quarter` for the officer, replacing the period's older copy and
/// dropping the officer's oldest periods beyond [`KEPT_PERIODS`].
pub fn keep_figures<S: KeyValue, T: Serialize>(
    store: &S,
    officer_id: &str,
    year: i32,
    quarter: u32,
    figures: &T,
    at: u64,
) -> Result<(), StoreError> {
    let this = keys::figures(officer_id, year, quarter);
    let json = serde_json::to_string(&Kept { at, figures }).map_err(|_| StoreError::Unavailable)?;
    let mut others: Vec<(u64, String)> = store
        .keys(&keys::figures_prefix(officer_id))
        .into_iter()
        .filter(|other| *other != this)
        .map(|other| {
            let at = store
                .get(&other)
                .and_then(|text| serde_json::from_str::<Kept<IgnoredAny>>(&text).ok())
                .map_or(0, |kept| kept.at);
            (at, other)
        })
        .collect();
    others.sort();
    let excess = (others.len() + 1).saturating_sub(KEPT_PERIODS);
    for (_, old) in others.iter().take(excess) {
        store.remove(old);
    }
    store.set(&this, &json)
}

/// Removes every period the officer kept (signing out).
pub fn forget_figures<S: KeyValue>(store: &S, officer_id: &str) {
    for key in store.keys(&keys::figures_prefix(officer_id)) {
        store.remove(&key);
    }
}

/// The officer's last figures of `year`, `quarter` on this phone, if any could be read.
pub fn kept_figures<S: KeyValue, T: DeserializeOwned>(
    store: &S,
    officer_id: &str,
    year: i32,
    quarter: u32,
) -> Option<Kept<T>> {
    serde_json::from_str(&store.get(&keys::figures(officer_id, year, quarter))?).ok()
}

/// What a commune's figures need besides its records: the year's targets, the denominators no
/// record gives, how many communes the figures are over, and the tip-off deadline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Basis {
    /// Each indicator's target of the year and whether it is still to confirm.
    pub targets: Vec<(IndicatorCode, Option<Target>, bool)>,
    pub baselines: Baselines,
    pub communes: i64,
    pub deadline_days: i64,
}

impl Basis {
    /// From a server answer for the same unit and year (any quarter: targets, baselines and the
    /// communes are the year's). No answer lists the baselines, and an officer of a commune may
    /// not read them elsewhere, so they are the denominators the server put under TT04, KH02,
    /// TH01 and TH02 (0 where it did not apply them, as the phone's figures then do not either).
    /// The communes are TT01's denominator.
    pub fn from_report(report: &IndicatorReport, deadline_days: i64) -> Basis {
        let indicator =
            |code: IndicatorCode| report.indicators.iter().find(|i| i.code == code.as_str());
        let denominator = |code| indicator(code).map_or(0, |i| i.figure.denominator);
        Basis {
            targets: IndicatorCode::ALL
                .iter()
                .map(|&code| {
                    let found = indicator(code);
                    (
                        code,
                        found.and_then(|i| i.target),
                        found.is_some_and(|i| i.target_to_confirm),
                    )
                })
                .collect(),
            baselines: Baselines {
                students_enrolled: denominator(IndicatorCode::Tt04),
                relevant_agencies: denominator(IndicatorCode::Kh02),
                district_officials: denominator(IndicatorCode::Th01),
                commune_officials: denominator(IndicatorCode::Th02),
            },
            communes: indicator(IndicatorCode::Tt01).map_or(1, |i| i.figure.denominator.max(1)),
            deadline_days,
        }
    }

    /// Without any server answer of the year: no targets, no baselines, one commune.
    pub fn unknown(deadline_days: i64) -> Basis {
        Basis {
            communes: 1,
            deadline_days,
            ..Basis::default()
        }
    }
}

/// A commune's records as the phone holds them, read once for all the periods figured.
pub struct PhoneRecords {
    /// The latest version of each, voided ones included (the definitions leave them out).
    pub records: Vec<ValidRecord>,
    /// Of those, saved on the phone and not yet on the server.
    pub unsent: usize,
}

/// The units whose records are the commune's: `commune` and the units below it among `units`.
pub fn units_under<'a>(commune: &'a str, units: &'a [OrgUnit]) -> HashSet<&'a str> {
    let mut under: HashSet<&str> = HashSet::from([commune]);
    loop {
        let before = under.len();
        for unit in units {
            if unit.parent_id.as_deref().is_some_and(|p| under.contains(p)) {
                under.insert(unit.id.as_str());
            }
        }
        if under.len() == before {
            return under;
        }
    }
}

/// The records of `units` (a commune and the units below it) on the phone. A record counts as
/// the phone holds it: synced, or saved and waiting (a conflict: the officer's version, which is
/// the one to be sent). A draft was never saved and a rejected record was refused by the server,
/// so neither counts.
pub fn phone_records(entries: &[Entry], units: &HashSet<&str>, today: Date) -> PhoneRecords {
    let mut unsent = 0;
    let records: Vec<ValidRecord> = entries
        .iter()
        .filter(|entry| {
            matches!(
                entry.state,
                LocalState::Synced { .. } | LocalState::Waiting | LocalState::Conflict { .. }
            )
        })
        .filter_map(|entry| {
            let record = entry.record.as_ref()?;
            if !units.contains(record.org_unit_id.as_str()) {
                return None;
            }
            // Saved records passed this check when saved; one that no longer does is one this
            // build cannot read, and the server's figures would not count it as it stands here.
            let valid = domain::validate(record, today).ok()?;
            if !matches!(entry.state, LocalState::Synced { .. }) {
                unsent += 1;
            }
            Some(valid)
        })
        .collect();
    PhoneRecords { records, unsent }
}

/// The figures of `commune` for `period` from its records on the phone, judged on `today`, in
/// report order.
pub fn phone_figures(
    records: &PhoneRecords,
    commune: &str,
    period: Period,
    today: Date,
    basis: &Basis,
) -> Vec<IndicatorValue> {
    let counted: Vec<Counted> = records
        .records
        .iter()
        .map(|record| Counted {
            record,
            commune: Some(commune),
        })
        .collect();
    let counting = Counting {
        period,
        today,
        records: &counted,
        communes: basis.communes,
        of_commune: true,
        baselines: basis.baselines,
        deadline_days: basis.deadline_days,
    };
    measures(&counting)
        .into_iter()
        .map(|(code, measure)| {
            let (target, to_confirm) = basis
                .targets
                .iter()
                .find(|(c, _, _)| *c == code)
                .map_or((None, false), |(_, target, to_confirm)| {
                    (*target, *to_confirm)
                });
            IndicatorValue {
                code: code.as_str().to_string(),
                figure: evaluate(code, measure, target),
                target,
                target_to_confirm: to_confirm,
                suppressed: None,
            }
        })
        .collect()
}

/// Whether the officer closed the note on the figures whose counting changed.
pub fn counting_note_closed<S: KeyValue>(store: &S) -> bool {
    store.get(keys::COUNTING_NOTE_CLOSED).is_some()
}

/// Closes that note for good on this phone.
pub fn close_counting_note<S: KeyValue>(store: &S) {
    // Only a convenience: a full phone shows the note again.
    let _ = store.set(keys::COUNTING_NOTE_CLOSED, "1");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    #[derive(Default)]
    pub(super) struct Memory(RefCell<BTreeMap<String, String>>);

    impl KeyValue for Memory {
        fn get(&self, key: &str) -> Option<String> {
            self.0.borrow().get(key).cloned()
        }

        fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
            self.0.borrow_mut().insert(key.into(), value.into());
            Ok(())
        }

        fn remove(&self, key: &str) {
            self.0.borrow_mut().remove(key);
        }

        fn keys(&self, prefix: &str) -> Vec<String> {
            self.0
                .borrow()
                .keys()
                .filter(|key| key.starts_with(prefix))
                .cloned()
                .collect()
        }
    }

    #[test]
    fn figures_are_kept_per_officer_and_period() {
        let memory = Memory::default();
        keep_figures(&memory, "a", 2023, 2, &vec![1, 2], 100).unwrap();
        keep_figures(&memory, "a", 2023, 2, &vec![3], 200).unwrap();
        let kept: Kept<Vec<i32>> = kept_figures(&memory, "a", 2023, 2).unwrap();
        assert_eq!(
            kept,
            Kept {
                at: 200,
                figures: vec![3]
            }
        );
        assert!(kept_figures::<_, Vec<i32>>(&memory, "a", 2023, 1).is_none());
        assert!(kept_figures::<_, Vec<i32>>(&memory, "b", 2023, 2).is_none());
        assert!(memory.get("pcmd.indicators.a.2023.2").is_some());
    }

    #[test]
    fn only_the_latest_periods_stay() {
        let memory = Memory::default();
        keep_figures(&memory, "b", 2024, 1, &0, 5).unwrap();
        for quarter in 1..=4 {
            for year in [2023, 2022] {
                keep_figures(&memory, "a", year, quarter, &quarter, 10 * quarter as u64).unwrap();
            }
        }
        keep_figures(&memory, "a", 2021, 1, &9, 50).unwrap();
        assert_eq!(memory.keys("pcmd.indicators.a.").len(), KEPT_PERIODS);
        assert!(kept_figures::<_, u32>(&memory, "a", 2021, 1).is_some());
        let dropped = kept_figures::<_, u32>(&memory, "a", 2023, 1).is_none()
            || kept_figures::<_, u32>(&memory, "a", 2022, 1).is_none();
        assert!(dropped, "one of the two oldest went");
        assert!(
            kept_figures::<_, u32>(&memory, "b", 2024, 1).is_some(),
            "another officer's figures stay"
        );
    }
}

#[cfg(test)]
mod phone_tests {
    use super::*;
    use crate::api::{Figure, Op, Status, Unit};
    use domain::{Record, RecordKind};
    use serde_json::{json, Value};

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn entry(n: u32, state: LocalState, kind: &str, unit: &str, date: &str, data: Value) -> Entry {
        let id = format!("00000000-0000-4000-8000-{n:012}");
        let record = Record {
            id: id.clone(),
            kind: RecordKind::parse(kind).unwrap(),
            org_unit_id: unit.into(),
            occurred_on: day(date),
            base_version: 0,
            voided: false,
            data,
        };
        Entry {
            id,
            kind: record.kind,
            state,
            record: Some(record),
            draft: None,
            failed: None,
            stored_at: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn session(reached: u32, first_time: u32) -> Value {
        json!({"format": "leaflets", "audience": "students", "reached_male": reached,
               "reached_female": 0, "reached_first_time": first_time})
    }

    fn value(code: IndicatorCode, numerator: i64, denominator: i64) -> IndicatorValue {
        IndicatorValue {
            code: code.as_str().into(),
            figure: Figure {
                numerator,
                denominator,
                value: None,
                unit: code.unit(),
                status: Status::NoData,
            },
            target: Some(Target {
                op: Op::AtLeast,
                value: 70.0,
            }),
            target_to_confirm: code == IndicatorCode::Tt04,
            suppressed: None,
        }
    }

    fn report(indicators: Vec<IndicatorValue>) -> IndicatorReport {
        IndicatorReport {
            year: 2023,
            quarter: Some(2),
            org_unit_id: "ou-c1".into(),
            plan: None,
            indicators,
            counts: Vec::new(),
            communes: None,
            mapped_from: None,
            unmapped: None,
            suppressed: false,
        }
    }

    fn find(figures: &[IndicatorValue], code: IndicatorCode) -> &IndicatorValue {
        figures.iter().find(|i| i.code == code.as_str()).unwrap()
    }

    #[test]
    fn the_basis_is_the_answers_targets_and_denominators() {
        use IndicatorCode as I;
        let answer = report(vec![
            value(I::Tt01, 1, 1),
            value(I::Tt04, 40, 120),
            value(I::Th02, 3, 18),
        ]);
        let basis = Basis::from_report(&answer, 15);
        assert_eq!(
            basis.baselines,
            Baselines {
                students_enrolled: 120,
                relevant_agencies: 0,
                district_officials: 0,
                commune_officials: 18,
            }
        );
        assert_eq!((basis.communes, basis.deadline_days), (1, 15));
        assert_eq!(basis.targets.len(), I::ALL.len());
        let tt04 = basis
            .targets
            .iter()
            .find(|(c, _, _)| *c == I::Tt04)
            .unwrap();
        assert_eq!(tt04.1.map(|t| t.value), Some(70.0));
        assert!(tt04.2, "still to confirm");
        let kt01 = basis
            .targets
            .iter()
            .find(|(c, _, _)| *c == I::Kt01)
            .unwrap();
        assert_eq!((kt01.1, kt01.2), (None, false));
    }

    #[test]
    fn the_phone_counts_its_communes_saved_records_by_the_definitions() {
        use IndicatorCode as I;
        let synced = LocalState::Synced { version: 1 };
        let entries = vec![
            entry(
                1,
                synced.clone(),
                "outreach_session",
                "ou-c1",
                "2023-04-03",
                session(30, 30),
            ),
            // A village of the commune, saved and not yet sent; the class met again counts once.
            entry(
                2,
                LocalState::Waiting,
                "outreach_session",
                "ou-v1",
                "2023-05-03",
                session(30, 0),
            ),
            // Another commune's, a refused record and next quarter's do not count.
            entry(
                3,
                synced.clone(),
                "outreach_session",
                "ou-c2",
                "2023-04-03",
                session(9, 9),
            ),
            entry(
                4,
                LocalState::Rejected { errors: Vec::new() },
                "outreach_session",
                "ou-c1",
                "2023-04-04",
                session(7, 7),
            ),
            entry(
                5,
                synced,
                "outreach_session",
                "ou-c1",
                "2023-07-03",
                session(5, 5),
            ),
        ];
        let mut draft = entry(
            6,
            LocalState::Draft,
            "outreach_session",
            "ou-c1",
            "2023-04-05",
            session(4, 4),
        );
        draft.record = None;
        let entries: Vec<Entry> = entries.into_iter().chain([draft]).collect();
        let units =
            [("ou-c1", None), ("ou-v1", Some("ou-c1")), ("ou-c2", None)].map(|(id, parent)| {
                OrgUnit {
                    id: id.into(),
                    code: id.into(),
                    name: id.into(),
                    level: crate::api::Level::Commune,
                    parent_id: parent.map(String::from),
                    valid_from: None,
                    valid_to: None,
                    successor_ids: Vec::new(),
                }
            });
        let under = units_under("ou-c1", &units);
        assert_eq!(under, HashSet::from(["ou-c1", "ou-v1"]));
        let basis = Basis::from_report(
            &report(vec![value(I::Tt01, 0, 1), value(I::Tt04, 0, 60)]),
            20,
        );
        let period = Period::new(2023, Some(2)).unwrap();
        let today = day("2023-12-31");
        let records = phone_records(&entries, &under, today);
        assert_eq!((records.records.len(), records.unsent), (3, 1));
        let figures = phone_figures(&records, "ou-c1", period, today, &basis);

        let tt04 = find(&figures, I::Tt04);
        assert_eq!((tt04.figure.numerator, tt04.figure.denominator), (30, 60));
        assert_eq!(tt04.figure.value, Some(50.0));
        assert_eq!(tt04.figure.status, Status::NotMet);
        assert!(tt04.target_to_confirm);
        let tt01 = find(&figures, I::Tt01);
        assert_eq!((tt01.figure.numerator, tt01.figure.denominator), (1, 1));
        assert_eq!(tt01.figure.status, Status::Met);
        for code in [I::Tt02, I::Kh02, I::Mh01, I::Th01] {
            assert_eq!(
                find(&figures, code).figure.status,
                Status::NotApplicable,
                "{code:?}"
            );
        }
        assert_eq!(find(&figures, I::Kt01).figure.unit, Unit::Percent);
        let codes: Vec<&str> = figures.iter().map(|i| i.code.as_str()).collect();
        let all: Vec<&str> = I::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes, all, "report order");
    }

    #[test]
    fn without_an_answer_there_is_no_target_and_no_baseline() {
        let basis = Basis::unknown(20);
        let period = Period::new(2023, Some(1)).unwrap();
        let today = day("2023-03-31");
        let records = phone_records(&[], &HashSet::from(["ou-c1"]), today);
        let figures = phone_figures(&records, "ou-c1", period, today, &basis);
        let tt04 = find(&figures, IndicatorCode::Tt04);
        assert_eq!(tt04.figure.status, Status::NoData);
        let tt01 = find(&figures, IndicatorCode::Tt01);
        assert_eq!(
            (tt01.figure.denominator, tt01.figure.status),
            (1, Status::NoTarget)
        );
    }

    #[test]
    fn the_counting_note_stays_closed() {
        let memory = tests::Memory::default();
        assert!(!counting_note_closed(&memory));
        close_counting_note(&memory);
        assert!(counting_note_closed(&memory));
    }
}
