//! The indicator engine (`API.md`, "Indicators"): the twelve indicators of the plan and the seven
//! plain counts of the province's report forms for one unit and one period (year to date by
//! quarter), from SQL aggregates (`Store::indicator_counts`), baselines per year, the targets of
//! the plan in force (`crate::plans::in_force`), and optionally each commune's own figures.
//!
//! Where `API.md` is silent:
//! - The targets are those of the plan of the year in force for the unit (its own, else its
//!   nearest ancestor's); with none in force every target is absent. Each commune of a breakdown
//!   is measured against the plan in force for it.
//! - The units counted are the unit and those below it valid during the period (the tree of that
//!   year); communes are the `commune` and `ward` units among them, each with the units below it.
//! - PCMD-TT01, KH01 and MH01 count the communes with such a record in the commune or below it.
//! - PCMD-TT02 (≥ 1 post per channel each quarter) is a count: the fewest posts of any
//!   (channel, quarter) slot of the period, over the number of slots (2 channels × quarters), so
//!   the target `>= 1` is met when every channel had a post in every quarter so far.
//! - PCMD-MH01 is a count of communes with a pilot model, over the communes.
//! - PCMD-HT01 counts a client as having accessed a service when a referral says `accessed` with
//!   `accessed_on` on or before the end of the period.
//! - PCMD-KH02 counts distinct `agency` names; PCMD-TH01/TH02 sum `trainees` of trainings at that
//!   level; PCMD-TT04 sums people reached by sessions for `students`.
//! - A baseline is the unit's own for the year, else the sum of those of the units below it.
//!
//! The plain counts, each a breakdown of stable keys (see [`PlainCount`]), under the same rules:
//! - PCMD-C01 (register, on or before the period's end): businesses per `type`, every type.
//! - PCMD-C02 (register): `workers` and `female_workers` of those businesses (a business that does
//!   not give its female workers adds none).
//! - PCMD-C03: `clients`, distinct client codes of referrals (any status), an aggregate only.
//! - PCMD-C04: `inspections`; `violating_businesses`, distinct businesses named by an inspection
//!   that found a violation; `sanctioned_inspections`, inspections with a `sanction` or a fine
//!   above 0; `fines_vnd`, the sum of `fine_vnd`.
//! - PCMD-C05: tip-offs `received`, `handled` (a `handled_on` given) and `handled_in_time` (the
//!   PCMD-TG01 numerator). The form's split of cases into administrative and criminal handling is
//!   not in the data (a tip-off records no such outcome), so it is not given.
//! - PCMD-C06: per referral `service` code, every code: distinct clients who accessed it by the
//!   end of the period (as PCMD-HT01, eligible or not).
//! - PCMD-C07: outreach `sessions`, `participants_male`, `participants_female`.

use crate::facts::SANCTIONED;
use crate::model::{
    Baseline, BaselineName, CountQuery, Counts, DistinctMeasure, Level, OrgUnit, StoredPlan,
    UnitSums,
};
use crate::plans::in_force;
use crate::store::{Store, StoreError};
use domain::indicator::{figure, Figure, Period, Target, Unit};
use domain::plan::PlanHeader;
use domain::{BusinessType, Coded, RecordKind, ReferralService};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The tip-off deadline when the `settings` table has none.
const DEFAULT_DEADLINE_DAYS: i64 = 20;
const MEDIA_CHANNELS: [&str; 2] = ["portal", "radio_tv"];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorValue {
    pub code: &'static str,
    #[serde(flatten)]
    pub figure: Figure,
    pub target: Option<Target>,
    /// The target was copied from another plan and is not yet confirmed.
    pub target_to_confirm: bool,
}

/// One figure of a plain count: a stable key that the UI translates (a code of the data such as
/// a business `type` or a referral `service`, or a word such as `inspections`) and its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CountValue {
    pub key: &'static str,
    pub value: i64,
}

/// One of the plain counts PCMD-C01..C07 of the province's report forms: every key of its
/// breakdown always present (zero included), in a fixed order (see the module's comment).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlainCount {
    pub code: &'static str,
    pub breakdown: Vec<CountValue>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CommuneFigures {
    pub org_unit_id: String,
    pub name: String,
    pub indicators: Vec<IndicatorValue>,
    pub counts: Vec<PlainCount>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub year: i32,
    pub quarter: Option<u32>,
    pub org_unit_id: String,
    /// The plan in force for the unit that year (`null` when none).
    pub plan: Option<PlanHeader>,
    pub indicators: Vec<IndicatorValue>,
    pub counts: Vec<PlainCount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub communes: Option<Vec<CommuneFigures>>,
}

/// What stays the same for every unit of one report.
struct Context<'a> {
    units: &'a [OrgUnit],
    period: Period,
    /// The plans of the year.
    plans: Vec<StoredPlan>,
    baselines: Vec<Baseline>,
}

/// The figures of `unit_id` for `period`; with `by_commune`, also each commune's below it.
pub async fn report(
    store: &dyn Store,
    units: &[OrgUnit],
    unit_id: &str,
    period: Period,
    by_commune: bool,
) -> Result<Report, StoreError> {
    let year = period.year();
    let deadline_days = store
        .setting("tip_off_deadline_days")
        .await?
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(DEFAULT_DEADLINE_DAYS);
    let context = Context {
        units,
        period,
        plans: store.plans(Some(year)).await?,
        baselines: store.baselines(year).await?,
    };
    let tree = context.tree(unit_id);
    let communes: Vec<(&OrgUnit, Vec<&OrgUnit>)> = tree
        .iter()
        .filter(|unit| is_commune(unit))
        .map(|commune| (*commune, context.tree(&commune.id)))
        .collect();
    // Each unit of a commune's subtree belongs to that commune (the commune too).
    let groups: Vec<(&str, &str)> = communes
        .iter()
        .flat_map(|(commune, subtree)| {
            subtree
                .iter()
                .map(|unit| (unit.id.as_str(), commune.id.as_str()))
        })
        .collect();
    let commune_of: HashMap<&str, &str> = groups.iter().rev().copied().collect();

    let (start, end) = context.dates();
    let unit_ids: Vec<&str> = tree.iter().map(|unit| unit.id.as_str()).collect();
    let counts = store
        .indicator_counts(&CountQuery {
            units: &unit_ids,
            groups: by_commune.then_some(&groups[..]),
            start: &start,
            end: &end,
            deadline_days,
        })
        .await?;

    let all = Tally::new(&counts, None, |_| true, &commune_of);
    let indicators = context.figures(&all, communes.len() as i64, unit_id, &tree);
    let communes = by_commune.then(|| {
        communes
            .iter()
            .map(|(commune, subtree)| {
                let id = commune.id.as_str();
                let own = |unit: &str| commune_of.get(unit) == Some(&id);
                let tally = Tally::new(&counts, Some(id), own, &commune_of);
                CommuneFigures {
                    org_unit_id: commune.id.clone(),
                    name: commune.name.clone(),
                    indicators: context.figures(&tally, 1, id, subtree),
                    counts: tally.plain_counts(),
                }
            })
            .collect()
    });
    Ok(Report {
        year,
        quarter: period.quarter(),
        org_unit_id: unit_id.to_string(),
        plan: context.plan(unit_id).map(|plan| plan.header.clone()),
        indicators,
        counts: all.plain_counts(),
        communes,
    })
}

fn is_commune(unit: &OrgUnit) -> bool {
    matches!(unit.level, Level::Commune | Level::Ward)
}

/// The store's counts for one unit (all the query's units) or one commune.
struct Tally<'a> {
    sums: Vec<&'a UnitSums>,
    /// The communes whose subtree has records of a kind.
    communes_with: HashMap<&'a str, HashSet<&'a str>>,
    distinct: HashMap<(DistinctMeasure, Option<&'a str>), i64>,
}

impl<'a> Tally<'a> {
    /// The sums of the units that `own` accepts, and the distinct counts of `group` (none: all).
    fn new(
        counts: &'a Counts,
        group: Option<&str>,
        own: impl Fn(&str) -> bool,
        commune_of: &HashMap<&str, &'a str>,
    ) -> Self {
        let sums: Vec<&UnitSums> = counts
            .sums
            .iter()
            .filter(|row| own(&row.org_unit_id))
            .collect();
        let mut communes_with: HashMap<&str, HashSet<&str>> = HashMap::new();
        for row in &sums {
            if let Some(commune) = commune_of.get(row.org_unit_id.as_str()) {
                communes_with
                    .entry(row.kind.as_str())
                    .or_default()
                    .insert(commune);
            }
        }
        let distinct = counts
            .distinct
            .iter()
            .filter(|count| count.group_id.as_deref() == group)
            .map(|count| ((count.measure, count.key.as_deref()), count.value))
            .collect();
        Tally {
            sums,
            communes_with,
            distinct,
        }
    }

    /// The rows of `kind`, of `category` when one is given.
    fn rows<'s>(
        &'s self,
        kind: RecordKind,
        category: Option<&'s str>,
    ) -> impl Iterator<Item = &'s UnitSums> + 's {
        self.sums.iter().copied().filter(move |row| {
            row.kind == kind.as_str()
                && category.is_none_or(|category| row.category.as_deref() == Some(category))
        })
    }

    fn records(&self, kind: RecordKind, category: Option<&str>) -> i64 {
        self.rows(kind, category).map(|row| row.records).sum()
    }

    fn people(&self, kind: RecordKind, category: Option<&str>) -> i64 {
        self.rows(kind, category).map(|row| row.people).sum()
    }

    fn sum(&self, kind: RecordKind, field: fn(&UnitSums) -> i64) -> i64 {
        self.rows(kind, None).map(field).sum()
    }

    fn communes_with(&self, kind: RecordKind) -> i64 {
        self.communes_with
            .get(kind.as_str())
            .map_or(0, |communes| communes.len() as i64)
    }

    fn distinct(&self, measure: DistinctMeasure) -> i64 {
        self.distinct_of(measure, None)
    }

    fn distinct_of(&self, measure: DistinctMeasure, key: Option<&str>) -> i64 {
        self.distinct.get(&(measure, key)).copied().unwrap_or(0)
    }

    /// PCMD-TT02: the fewest posts of any (channel, quarter) slot up to `quarters`, and the slots.
    fn media_slots(&self, quarters: u32) -> (i64, i64) {
        let posts = |channel: &str, quarter: u32| {
            self.rows(RecordKind::MediaPost, Some(channel))
                .filter(|row| row.quarter.and_then(|q| u32::try_from(q).ok()) == Some(quarter))
                .map(|row| row.records)
                .sum::<i64>()
        };
        let fewest = MEDIA_CHANNELS
            .iter()
            .flat_map(|channel| (1..=quarters).map(move |quarter| posts(channel, quarter)))
            .min()
            .unwrap_or(0);
        (fewest, MEDIA_CHANNELS.len() as i64 * i64::from(quarters))
    }

    /// PCMD-C01..C07 (see the module's comment).
    fn plain_counts(&self) -> Vec<PlainCount> {
        use DistinctMeasure as D;
        use RecordKind as K;
        let values = |pairs: Vec<(&'static str, i64)>| {
            pairs
                .into_iter()
                .map(|(key, value)| CountValue { key, value })
                .collect()
        };
        let tip_offs = self.records(K::TipOff, None);
        let counts = [
            (
                "PCMD-C01",
                BusinessType::ALL
                    .iter()
                    .map(|kind| {
                        (
                            kind.as_str(),
                            self.records(K::Business, Some(kind.as_str())),
                        )
                    })
                    .collect(),
            ),
            (
                "PCMD-C02",
                vec![
                    ("workers", self.people(K::Business, None)),
                    ("female_workers", self.sum(K::Business, |row| row.female)),
                ],
            ),
            ("PCMD-C03", vec![("clients", self.distinct(D::Clients))]),
            (
                "PCMD-C04",
                vec![
                    ("inspections", self.records(K::Inspection, None)),
                    (
                        "violating_businesses",
                        self.distinct(D::ViolatingBusinesses),
                    ),
                    (
                        "sanctioned_inspections",
                        self.records(K::Inspection, Some(SANCTIONED)),
                    ),
                    ("fines_vnd", self.sum(K::Inspection, |row| row.amount)),
                ],
            ),
            (
                "PCMD-C05",
                vec![
                    ("received", tip_offs),
                    ("handled", self.sum(K::TipOff, |row| row.dated)),
                    ("handled_in_time", self.sum(K::TipOff, |row| row.in_time)),
                ],
            ),
            (
                "PCMD-C06",
                ReferralService::ALL
                    .iter()
                    .map(|service| {
                        let key = service.as_str();
                        (key, self.distinct_of(D::ServiceClients, Some(key)))
                    })
                    .collect(),
            ),
            (
                "PCMD-C07",
                vec![
                    ("sessions", self.records(K::OutreachSession, None)),
                    (
                        "participants_male",
                        self.sum(K::OutreachSession, |row| row.people - row.female),
                    ),
                    (
                        "participants_female",
                        self.sum(K::OutreachSession, |row| row.female),
                    ),
                ],
            ),
        ];
        counts
            .into_iter()
            .map(|(code, pairs)| PlainCount {
                code,
                breakdown: values(pairs),
            })
            .collect()
    }
}

impl Context<'_> {
    /// The unit and those below it that were valid during the period, sorted by code.
    fn tree(&self, unit_id: &str) -> Vec<&OrgUnit> {
        let (start, end) = self.dates();
        let mut tree = Vec::new();
        let mut pending = vec![unit_id];
        while let Some(id) = pending.pop() {
            for unit in self.units {
                if unit.id == id && unit.valid_during(&start, &end) {
                    tree.push(unit);
                }
                if unit.parent_id.as_deref() == Some(id) {
                    pending.push(&unit.id);
                }
            }
        }
        tree.sort_by(|a, b| a.code.cmp(&b.code).then(a.id.cmp(&b.id)));
        tree
    }

    fn plan(&self, unit_id: &str) -> Option<&StoredPlan> {
        in_force(&self.plans, self.units, unit_id, self.period.year())
    }

    fn dates(&self) -> (String, String) {
        (
            self.period.start().to_string(),
            self.period.end().to_string(),
        )
    }

    /// The unit's own baseline for the year, else the sum of those of the units below it.
    fn baseline(&self, name: BaselineName, unit_id: &str, tree: &[&OrgUnit]) -> i64 {
        let of = |id: &str| {
            self.baselines
                .iter()
                .find(|baseline| baseline.name == name && baseline.org_unit_id == id)
                .map(|baseline| baseline.value)
        };
        of(unit_id).unwrap_or_else(|| {
            tree.iter()
                .filter(|unit| unit.id != unit_id)
                .filter_map(|unit| of(&unit.id))
                .sum()
        })
    }

    /// The twelve indicators of a unit with `communes` communes (a commune counts itself).
    fn figures(
        &self,
        c: &Tally,
        communes: i64,
        unit_id: &str,
        tree: &[&OrgUnit],
    ) -> Vec<IndicatorValue> {
        use DistinctMeasure as D;
        use RecordKind as K;
        let baseline = |name| self.baseline(name, unit_id, tree);
        let (posts, slots) = c.media_slots(self.period.quarter().unwrap_or(4));
        let rows: [(&'static str, Unit, i64, i64); 12] = [
            (
                "PCMD-TT01",
                Unit::Percent,
                c.communes_with(K::OutreachSession),
                communes,
            ),
            ("PCMD-TT02", Unit::Count, posts, slots),
            (
                "PCMD-TT03",
                Unit::Percent,
                c.people(K::OutreachSession, Some("business_workers")),
                c.people(K::Business, None),
            ),
            (
                "PCMD-TT04",
                Unit::Percent,
                c.people(K::OutreachSession, Some("students")),
                baseline(BaselineName::StudentsEnrolled),
            ),
            (
                "PCMD-KH01",
                Unit::Percent,
                c.communes_with(K::CommunePlan),
                communes,
            ),
            (
                "PCMD-KH02",
                Unit::Percent,
                c.distinct(D::Agencies),
                baseline(BaselineName::RelevantAgencies),
            ),
            (
                "PCMD-TG01",
                Unit::Percent,
                c.sum(K::TipOff, |row| row.in_time),
                c.records(K::TipOff, None),
            ),
            (
                "PCMD-KT01",
                Unit::Percent,
                c.distinct(D::InspectedBusinesses),
                c.records(K::Business, None),
            ),
            (
                "PCMD-MH01",
                Unit::Count,
                c.communes_with(K::PilotModel),
                communes,
            ),
            (
                "PCMD-HT01",
                Unit::Percent,
                c.distinct(D::AccessedClients),
                c.distinct(D::EligibleClients),
            ),
            (
                "PCMD-TH01",
                Unit::Percent,
                c.people(K::Training, Some("district")),
                baseline(BaselineName::DistrictOfficials),
            ),
            (
                "PCMD-TH02",
                Unit::Percent,
                c.people(K::Training, Some("commune")),
                baseline(BaselineName::CommuneOfficials),
            ),
        ];
        let targets = self.plan(unit_id).map(|plan| &plan.targets[..]);
        rows.into_iter()
            .map(|(code, unit, numerator, denominator)| {
                let planned = targets
                    .unwrap_or_default()
                    .iter()
                    .find(|target| target.indicator_code == code);
                let target = planned.map(|planned| planned.target());
                IndicatorValue {
                    code,
                    figure: figure(unit, numerator, denominator, target),
                    target,
                    target_to_confirm: planned.is_some_and(|planned| planned.to_confirm),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn media(channel: &str, quarter: i32, records: i64) -> UnitSums {
        UnitSums {
            org_unit_id: "ou-106".into(),
            kind: "media_post".into(),
            category: Some(channel.into()),
            quarter: Some(quarter),
            records,
            ..UnitSums::default()
        }
    }

    #[test]
    fn tt02_is_the_emptiest_channel_quarter() {
        let counts = Counts {
            sums: vec![
                media("portal", 1, 2),
                media("radio_tv", 1, 1),
                media("portal", 2, 3),
            ],
            distinct: Vec::new(),
        };
        let tally = Tally::new(&counts, None, |_| true, &HashMap::new());
        assert_eq!(tally.media_slots(1), (1, 2));
        assert_eq!(tally.media_slots(2), (0, 4), "no radio post in Q2");
        let empty = Counts::default();
        let tally = Tally::new(&empty, None, |_| true, &HashMap::new());
        assert_eq!(tally.media_slots(4), (0, 8));
    }

    #[test]
    fn plain_counts_list_every_key_even_without_data() {
        let empty = Counts::default();
        let counts = Tally::new(&empty, None, |_| true, &HashMap::new()).plain_counts();
        let codes: Vec<&str> = counts.iter().map(|count| count.code).collect();
        assert_eq!(
            codes,
            ["PCMD-C01", "PCMD-C02", "PCMD-C03", "PCMD-C04", "PCMD-C05", "PCMD-C06", "PCMD-C07"]
        );
        assert_eq!(counts[0].breakdown.len(), BusinessType::ALL.len());
        assert_eq!(counts[5].breakdown.len(), ReferralService::ALL.len());
        assert!(counts
            .iter()
            .flat_map(|count| &count.breakdown)
            .all(|value| value.value == 0));
    }
}
