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
//! - A unit that did not exist during the period (a commune made by a later merger) counts instead
//!   its predecessors valid during it (every unit whose successor links lead to it, transitively),
//!   each with the units below it, against the plan in force for their lead unit (the lowest unit
//!   with all of them at or below it; one predecessor: itself). A unit with no such predecessor
//!   (one closed before the period) counts its own tree as any other.
//! - By the units of a year (`Breakdown::UnitsOf`): the units of a year are those valid on its last
//!   day (the map as the year ended, so 2025's are the communes made on 1 July). Each commune of
//!   the period becomes the communes of that year found by following its successor links, stopping
//!   at a unit of that year (itself if it is one). The rows are the communes of that year that the
//!   caller reaches, below the unit or become from one of its communes, each over the communes of
//!   the period that became it: it counts as that many communes in TT01, KH01 and MH01, its
//!   distinct counts are the union over them, its baselines the sum of theirs, and it is measured
//!   against its own plan in force when it is one of them (or none is), else as a mapped unit.
//!   A commune split between several counts in each; the communes that became none listed are
//!   `unmapped`.
//! - What each indicator counts is `domain::indicator::definitions` (the plan's sentences); this
//!   engine computes the same numbers in SQL (`Store::indicator_counts`), and the integration
//!   tests hold the two equal over generated records. The tip-off deadline is the one in force
//!   for the period's year (`Store::tip_off_deadline`), and the day figures are judged on is the
//!   earlier of today and the period's end.
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
//!   PCMD-TG01 numerator; pending ones are received, not handled). The form's split of cases into administrative and criminal handling is
//!   not in the data (a tip-off records no such outcome), so it is not given.
//! - PCMD-C06: per referral `service` code, every code: distinct clients whose access to it falls
//!   in the period (as PCMD-HT01, eligible or not, referred in the period or before).
//! - PCMD-C07: outreach `sessions`, `participants_male`, `participants_female`.

use crate::facts::SANCTIONED;
use crate::model::{
    ancestors, subtree, Baseline, BaselineName, CountQuery, Counts, DistinctMeasure, Level,
    OrgUnit, StoredPlan, UnitCount, UnitMeasure, UnitSums,
};
use crate::plans::in_force;
use crate::scope::Scope;
use crate::store::{Store, StoreError};
use domain::indicator::definitions::{quarters_so_far, Measure, DEFAULT_DEADLINE_DAYS};
use domain::indicator::{evaluate, CountCode, IndicatorCode, Period};
use domain::{
    Audience, BusinessType, Coded, Date, MediaChannel, RecordKind, ReferralService, TrainingLevel,
};
use std::collections::{HashMap, HashSet};

use domain::api::UnitRef;
pub use domain::api::{
    CommuneFigures, CountValue, IndicatorReport as Report, IndicatorValue, PlainCount,
};

/// Which communes a report breaks its figures down by.
#[derive(Clone, Copy)]
pub enum Breakdown<'a> {
    /// The communes of the period, each with its own figures.
    Period,
    /// The communes of the last day of `year` that the caller reaches, each over the communes of
    /// the period that became it.
    UnitsOf { year: i32, scope: &'a Scope },
}

/// What stays the same for every unit of one report.
struct Context<'a> {
    units: &'a [OrgUnit],
    by_id: HashMap<&'a str, &'a OrgUnit>,
    period: Period,
    today: Date,
    /// The plans of the year.
    plans: Vec<StoredPlan>,
    baselines: Vec<Baseline>,
}

/// What one set of figures counts: units, each with the units below it valid during the period,
/// and whose plan gives the targets.
struct Measured<'a> {
    roots: Vec<(&'a str, Vec<&'a OrgUnit>)>,
    plan_unit: Option<&'a str>,
}

impl<'a> Measured<'a> {
    /// Every unit counted, once, sorted by code.
    fn units(&self) -> Vec<&'a OrgUnit> {
        let mut units: Vec<&OrgUnit> = self
            .roots
            .iter()
            .flat_map(|(_, tree)| tree.iter().copied())
            .collect();
        units.sort_by(|a, b| a.code.cmp(&b.code).then(a.id.cmp(&b.id)));
        units.dedup_by(|a, b| a.id == b.id);
        units
    }
}

/// One row of a breakdown: a commune and the communes of the period whose figures it shows.
struct Row<'a> {
    unit: &'a OrgUnit,
    counted: Vec<&'a OrgUnit>,
}

impl Row<'_> {
    /// The communes counted other than the row's own, in order.
    fn mapped_from(&self) -> Vec<UnitRef> {
        let others = self.counted.iter().filter(|c| c.id != self.unit.id);
        others.map(|c| UnitRef::from(*c)).collect()
    }
}

/// The figures of `unit_id` for `period`, with the breakdown asked for.
pub async fn report<'a>(
    store: &Store,
    units: &'a [OrgUnit],
    unit_id: &'a str,
    period: Period,
    breakdown: Option<Breakdown<'_>>,
) -> Result<Report, StoreError> {
    let year = period.year();
    let deadline_days = store
        .tip_off_deadline(year)
        .await?
        .unwrap_or(DEFAULT_DEADLINE_DAYS);
    let today = crate::clock::domain_today();
    let late_before = period
        .end()
        .min(today)
        .plus_days(-deadline_days)
        .to_string();
    let context = Context {
        units,
        by_id: units.iter().map(|unit| (unit.id.as_str(), unit)).collect(),
        period,
        today,
        plans: store.plans(Some(year)).await?,
        baselines: store.baselines(year).await?,
    };
    let (measured, mapped_from) = context.of_unit(unit_id);
    let tree = measured.units();
    let communes: Vec<&OrgUnit> = tree.iter().copied().filter(|u| is_commune(u)).collect();
    // Each unit of a commune's subtree belongs to that commune (the commune too), the first one
    // if several.
    let mut commune_of: HashMap<&str, &str> = HashMap::new();
    let mut members: Vec<(&str, &str)> = Vec::new();
    for commune in &communes {
        for unit in context.tree(&commune.id) {
            if !commune_of.contains_key(unit.id.as_str()) {
                commune_of.insert(&unit.id, &commune.id);
                members.push((&unit.id, &commune.id));
            }
        }
    }
    let (rows, unmapped) = match breakdown {
        None => (None, None),
        Some(Breakdown::Period) => {
            let rows = communes.iter().map(|commune| Row {
                unit: commune,
                counted: vec![commune],
            });
            (Some(rows.collect()), None)
        }
        Some(Breakdown::UnitsOf { year, scope }) => {
            let (rows, unmapped) = context.rows_of_year(unit_id, &communes, year, scope);
            (Some(rows), Some(unmapped))
        }
    };
    // The units of each row, under the row's commune.
    let grouped: Vec<(&str, Vec<&str>)> = rows
        .iter()
        .flatten()
        .map(|row: &Row| {
            let units = members
                .iter()
                .filter(|(_, commune)| row.counted.iter().any(|c| c.id == *commune))
                .map(|(unit, _)| *unit)
                .collect();
            (row.unit.id.as_str(), units)
        })
        .collect();

    let (start, end) = context.dates();
    let unit_ids: Vec<&str> = tree.iter().map(|unit| unit.id.as_str()).collect();
    let query = CountQuery {
        units: &unit_ids,
        groups: None,
        start: &start,
        end: &end,
        deadline_days,
        late_before: &late_before,
    };
    let counts = counts(store, &query, &layers(&grouped)).await?;

    let all = Tally::new(&counts, None, |_| true, &commune_of);
    let of_commune = context
        .by_id
        .get(unit_id)
        .is_some_and(|unit| is_commune(unit));
    let indicators = context.figures(&all, communes.len() as i64, of_commune, &measured);
    let by_year = unmapped.is_some();
    let communes = rows.as_ref().map(|rows| {
        rows.iter()
            .zip(&grouped)
            .map(|(row, (id, units))| {
                let own = |unit: &str| units.contains(&unit);
                let tally = Tally::new(&counts, Some(id), own, &commune_of);
                let counted: Vec<&str> = row.counted.iter().map(|c| c.id.as_str()).collect();
                let measured = context.measured(&row.unit.id, &counted);
                CommuneFigures {
                    org_unit_id: row.unit.id.clone(),
                    name: row.unit.name.clone(),
                    indicators: context.figures(&tally, counted.len() as i64, true, &measured),
                    counts: tally.plain_counts(),
                    mapped_from: by_year.then(|| row.mapped_from()),
                }
            })
            .collect()
    });
    Ok(Report {
        year,
        quarter: period.quarter(),
        org_unit_id: unit_id.to_string(),
        plan: measured
            .plan_unit
            .and_then(|unit| context.plan(unit))
            .map(|plan| plan.header.clone()),
        indicators,
        counts: all.plain_counts(),
        communes,
        mapped_from: mapped_from.map(|units| units.into_iter().map(UnitRef::from).collect()),
        unmapped: unmapped.map(|units| units.into_iter().map(UnitRef::from).collect()),
        suppressed: false,
    })
}

/// The `(unit, group)` pairs of the groups, in as few lists as keep each unit in one group per
/// list: a query gives each unit one group, and a commune split between several counts in each.
fn layers<'a>(groups: &[(&'a str, Vec<&'a str>)]) -> Vec<Vec<(&'a str, &'a str)>> {
    let mut layers: Vec<Vec<(&str, &str)>> = Vec::new();
    let mut taken: Vec<HashSet<&str>> = Vec::new();
    for (group, units) in groups {
        let free = taken
            .iter()
            .position(|taken| units.iter().all(|unit| !taken.contains(unit)));
        let index = free.unwrap_or_else(|| {
            layers.push(Vec::new());
            taken.push(HashSet::new());
            layers.len() - 1
        });
        taken[index].extend(units.iter().copied());
        layers[index].extend(units.iter().map(|unit| (*unit, *group)));
    }
    layers
}

/// The store's counts for `query` with the groups of `layers`: one query per layer, of which the
/// later ones add only their groups' distinct counts.
async fn counts<'q>(
    store: &Store,
    query: &CountQuery<'q>,
    layers: &'q [Vec<(&'q str, &'q str)>],
) -> Result<Counts, StoreError> {
    let Some((first, rest)) = layers.split_first() else {
        return store.indicator_counts(query).await;
    };
    let grouped = |layer: &'q [(&'q str, &'q str)]| CountQuery {
        groups: Some(layer),
        ..query.clone()
    };
    let mut counts = store.indicator_counts(&grouped(first)).await?;
    for layer in rest {
        let more = store.indicator_counts(&grouped(layer)).await?;
        let distinct = more.distinct.into_iter().filter(|d| d.group_id.is_some());
        counts.distinct.extend(distinct);
    }
    Ok(counts)
}

pub(crate) fn is_commune(unit: &OrgUnit) -> bool {
    matches!(unit.level, Level::Commune | Level::Ward)
}

/// The lowest unit with all of `ids` at or below it (one unit: itself), if any.
fn lead_unit<'a>(units: &'a [OrgUnit], ids: &[&'a str]) -> Option<&'a str> {
    let lines: Vec<Vec<&str>> = ids
        .iter()
        .map(|id| std::iter::once(*id).chain(ancestors(units, id)).collect())
        .collect();
    let first = lines.first()?;
    first
        .iter()
        .copied()
        .find(|candidate| lines.iter().all(|line| line.contains(candidate)))
}

/// The store's counts for one unit (all the query's units) or one commune.
struct Tally<'a> {
    sums: Vec<&'a UnitSums>,
    unit_counts: Vec<&'a UnitCount>,
    /// The communes whose subtree has records of a kind.
    communes_with: HashMap<&'a str, HashSet<&'a str>>,
    /// The communes whose subtree has a count of a measure above 0.
    communes_counting: HashMap<UnitMeasure, HashSet<&'a str>>,
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
        let unit_counts: Vec<&UnitCount> = counts
            .unit_counts
            .iter()
            .filter(|row| own(&row.org_unit_id))
            .collect();
        let mut communes_counting: HashMap<UnitMeasure, HashSet<&str>> = HashMap::new();
        for row in unit_counts.iter().filter(|row| row.value > 0) {
            if let Some(commune) = commune_of.get(row.org_unit_id.as_str()) {
                communes_counting
                    .entry(row.measure)
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
            unit_counts,
            communes_with,
            communes_counting,
            distinct,
        }
    }

    fn unit_count(&self, measure: UnitMeasure) -> i64 {
        let rows = self.unit_counts.iter().filter(|row| row.measure == measure);
        rows.map(|row| row.value).sum()
    }

    fn communes_counting(&self, measure: UnitMeasure) -> i64 {
        self.communes_counting
            .get(&measure)
            .map_or(0, |communes| communes.len() as i64)
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

    fn first_time(&self, kind: RecordKind, category: Option<&str>) -> i64 {
        self.rows(kind, category).map(|row| row.first_time).sum()
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

    /// PCMD-TT02: of `quarters`, those in which every channel had a post.
    fn quarters_posted(&self, quarters: &[u32]) -> i64 {
        let posted = |channel: MediaChannel, quarter: u32| {
            self.rows(RecordKind::MediaPost, Some(channel.as_str()))
                .any(|row| row.quarter.and_then(|q| u32::try_from(q).ok()) == Some(quarter))
        };
        let covered = quarters.iter().filter(|&&quarter| {
            MediaChannel::ALL
                .iter()
                .all(|channel| posted(*channel, quarter))
        });
        covered.count() as i64
    }

    /// PCMD-C01..C07 (see the module's comment).
    fn plain_counts(&self) -> Vec<PlainCount> {
        use DistinctMeasure as D;
        use RecordKind as K;
        let values = |pairs: Vec<(&'static str, i64)>| {
            pairs
                .into_iter()
                .map(|(key, value)| CountValue {
                    key: key.to_string(),
                    value,
                    suppressed: None,
                })
                .collect()
        };
        let tip_offs = self.records(K::TipOff, None);
        let counts = [
            (
                CountCode::C01,
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
                CountCode::C02,
                vec![
                    ("workers", self.people(K::Business, None)),
                    ("female_workers", self.sum(K::Business, |row| row.female)),
                ],
            ),
            (CountCode::C03, vec![("clients", self.distinct(D::Clients))]),
            (
                CountCode::C04,
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
                CountCode::C05,
                vec![
                    ("received", tip_offs),
                    ("handled", self.sum(K::TipOff, |row| row.dated)),
                    ("handled_in_time", self.sum(K::TipOff, |row| row.in_time)),
                ],
            ),
            (
                CountCode::C06,
                ReferralService::ALL
                    .iter()
                    .map(|service| {
                        let key = service.as_str();
                        (key, self.distinct_of(D::ServiceClients, Some(key)))
                    })
                    .collect(),
            ),
            (
                CountCode::C07,
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
                code: code.as_str().to_string(),
                breakdown: values(pairs),
            })
            .collect()
    }
}

impl<'a> Context<'a> {
    /// The unit and those below it that were valid during the period, sorted by code.
    fn tree(&self, unit_id: &str) -> Vec<&'a OrgUnit> {
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

    fn valid(&self, unit: &OrgUnit) -> bool {
        let (start, end) = self.dates();
        unit.valid_during(&start, &end)
    }

    /// What the figures of the unit count, and for a unit that did not exist during the period,
    /// the predecessors counted instead (none: nothing to map, as for a closed unit).
    fn of_unit(&self, unit_id: &'a str) -> (Measured<'a>, Option<Vec<&'a OrgUnit>>) {
        let exists = self.by_id.get(unit_id).is_some_and(|unit| self.valid(unit));
        let predecessors = self.predecessors_during(unit_id);
        if exists || predecessors.is_empty() {
            return (self.measured(unit_id, &[unit_id]), None);
        }
        let ids: Vec<&str> = predecessors.iter().map(|unit| unit.id.as_str()).collect();
        (self.measured(unit_id, &ids), Some(predecessors))
    }

    /// The units whose successor links lead to the unit, transitively, that were valid during
    /// the period, sorted by code.
    fn predecessors_during(&self, unit_id: &'a str) -> Vec<&'a OrgUnit> {
        let mut found = Vec::new();
        let mut seen = HashSet::from([unit_id]);
        let mut pending = vec![unit_id];
        while let Some(id) = pending.pop() {
            for unit in self.units {
                if unit.successor_ids.iter().any(|s| s == id) && seen.insert(&unit.id) {
                    if self.valid(unit) {
                        found.push(unit);
                    }
                    pending.push(&unit.id);
                }
            }
        }
        found.sort_by(|a, b| a.code.cmp(&b.code).then(a.id.cmp(&b.id)));
        found
    }

    /// The figures of `unit_id` over the trees of the `counted` units: measured against the plan
    /// in force for the unit when it is among them (or nothing is), else for their lead unit.
    fn measured(&self, unit_id: &'a str, counted: &[&'a str]) -> Measured<'a> {
        let plan_unit = if counted.is_empty() || counted.contains(&unit_id) {
            Some(unit_id)
        } else {
            lead_unit(self.units, counted)
        };
        Measured {
            roots: counted.iter().map(|id| (*id, self.tree(id))).collect(),
            plan_unit,
        }
    }

    /// The communes of the last day of `year` that the caller reaches, below the unit or become
    /// from one of the period's `communes`, sorted by code, each with the communes that became
    /// it; and the period's communes that became none of them.
    fn rows_of_year(
        &self,
        unit_id: &str,
        communes: &[&'a OrgUnit],
        year: i32,
        scope: &Scope,
    ) -> (Vec<Row<'a>>, Vec<&'a OrgUnit>) {
        // The map as the year ended: the units of a year of mergers are the new ones.
        let day = format!("{year:04}-12-31");
        let of_year = |unit: &OrgUnit| is_commune(unit) && unit.valid_during(&day, &day);
        let became: Vec<(&OrgUnit, Vec<&OrgUnit>)> = communes
            .iter()
            .map(|commune| (*commune, self.successors_on(commune, &day)))
            .collect();
        let below = subtree(self.units, unit_id);
        let mut listed: Vec<&OrgUnit> = below
            .iter()
            .filter_map(|id| self.by_id.get(id.as_str()).copied())
            .filter(|unit| of_year(unit))
            .chain(became.iter().flat_map(|(_, units)| units.iter().copied()))
            .filter(|unit| scope.covers_unit(&unit.id))
            .collect();
        listed.sort_by(|a, b| a.code.cmp(&b.code).then(a.id.cmp(&b.id)));
        listed.dedup_by(|a, b| a.id == b.id);
        let rows = listed
            .iter()
            .map(|unit| Row {
                unit,
                counted: became
                    .iter()
                    .filter(|(_, units)| units.iter().any(|u| u.id == unit.id))
                    .map(|(commune, _)| *commune)
                    .collect(),
            })
            .collect();
        let unmapped = became
            .iter()
            .filter(|(_, units)| !units.iter().any(|u| listed.iter().any(|l| l.id == u.id)))
            .map(|(commune, _)| *commune)
            .collect();
        (rows, unmapped)
    }

    /// The communes valid on `day` that the unit is or became, following its successor links no
    /// further than a unit valid on that day.
    fn successors_on(&self, unit: &'a OrgUnit, day: &str) -> Vec<&'a OrgUnit> {
        let mut found = Vec::new();
        let mut seen = HashSet::new();
        let mut pending = vec![unit];
        while let Some(unit) = pending.pop() {
            if !seen.insert(unit.id.as_str()) {
                continue;
            }
            if unit.valid_during(day, day) {
                if is_commune(unit) {
                    found.push(unit);
                }
                continue;
            }
            let successors = unit.successor_ids.iter();
            pending.extend(successors.filter_map(|id| self.by_id.get(id.as_str()).copied()));
        }
        found
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

    /// The twelve indicators of what `m` counts, with `communes` communes (a commune counts
    /// itself; a commune by the units of another year, the communes that became it), as
    /// `domain::indicator::definitions` defines them; a commune's (`of_commune`) without the
    /// district's own.
    fn figures(
        &self,
        c: &Tally,
        communes: i64,
        of_commune: bool,
        m: &Measured,
    ) -> Vec<IndicatorValue> {
        use DistinctMeasure as D;
        use IndicatorCode as I;
        use RecordKind as K;
        use UnitMeasure as U;
        let baseline = |name| {
            m.roots
                .iter()
                .map(|(unit_id, tree)| self.baseline(name, unit_id, tree))
                .sum::<i64>()
        };
        let quarters = quarters_so_far(self.period, self.today);
        let workers = c.people(K::Business, None);
        let in_time = c.sum(K::TipOff, |row| row.in_time);
        let rows: [(IndicatorCode, i64, i64); 12] = [
            (I::Tt01, c.communes_with(K::OutreachSession), communes),
            (I::Tt02, c.quarters_posted(&quarters), quarters.len() as i64),
            (I::Tt03, c.distinct(D::ReachedWorkers).min(workers), workers),
            (
                I::Tt04,
                c.first_time(K::OutreachSession, Some(Audience::Students.as_str())),
                baseline(BaselineName::StudentsEnrolled),
            ),
            (I::Kh01, c.communes_counting(U::PlansAdopted), communes),
            (
                I::Kh02,
                c.distinct(D::Agencies),
                baseline(BaselineName::RelevantAgencies),
            ),
            (I::Tg01, in_time, in_time + c.unit_count(U::LateTipOffs)),
            (
                I::Kt01,
                c.distinct(D::InspectedBusinesses),
                c.records(K::Business, None),
            ),
            (I::Mh01, c.communes_counting(U::PilotsRunning), communes),
            (
                I::Ht01,
                c.distinct(D::AccessedClients),
                c.distinct(D::EligibleClients),
            ),
            (
                I::Th01,
                c.first_time(K::Training, Some(TrainingLevel::District.as_str())),
                baseline(BaselineName::DistrictOfficials),
            ),
            (
                I::Th02,
                c.first_time(K::Training, Some(TrainingLevel::Commune.as_str())),
                baseline(BaselineName::CommuneOfficials),
            ),
        ];
        let plan = m.plan_unit.and_then(|unit| self.plan(unit));
        let targets = plan.map(|plan| &plan.targets[..]);
        rows.into_iter()
            .map(|(code, numerator, denominator)| {
                let planned = targets
                    .unwrap_or_default()
                    .iter()
                    .find(|target| target.indicator_code == code.as_str());
                let target = planned.map(|planned| planned.target());
                let measure = match of_commune && code.district_only() {
                    true => Measure::NotApplicable,
                    false => Measure::Of {
                        numerator,
                        denominator,
                    },
                };
                IndicatorValue {
                    code: code.as_str().to_string(),
                    figure: evaluate(code, measure, target),
                    target,
                    target_to_confirm: planned.is_some_and(|planned| planned.to_confirm),
                    suppressed: None,
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
    fn tt02_counts_the_quarters_with_a_post_on_every_channel() {
        let counts = Counts {
            sums: vec![
                media("portal", 1, 2),
                media("radio_tv", 1, 1),
                media("portal", 2, 3),
            ],
            ..Counts::default()
        };
        let tally = Tally::new(&counts, None, |_| true, &HashMap::new());
        assert_eq!(tally.quarters_posted(&[1]), 1);
        assert_eq!(tally.quarters_posted(&[1, 2]), 1, "no radio post in Q2");
        let empty = Counts::default();
        let tally = Tally::new(&empty, None, |_| true, &HashMap::new());
        assert_eq!(tally.quarters_posted(&[1, 2, 3, 4]), 0);
    }

    #[test]
    fn the_lead_unit_is_the_lowest_with_all_at_or_below_it() {
        let units = crate::seed::reference_data().unwrap().units;
        let old_binh_lu = ["ou-03390", "ou-03412", "ou-03413"];
        assert_eq!(lead_unit(&units, &old_binh_lu), Some("ou-106"));
        assert_eq!(lead_unit(&units, &["ou-03394"]), Some("ou-03394"));
        let across = ["ou-03412", "ou-03390-20250701"];
        assert_eq!(lead_unit(&units, &across), Some("ou-12"));
        assert_eq!(lead_unit(&units, &["ou-12", "ou-unknown"]), None);
    }

    #[test]
    fn a_unit_in_two_groups_goes_to_a_second_layer_with_its_whole_group() {
        let groups = [
            ("new-a", vec!["a1", "split"]),
            ("new-b", vec!["split", "b1"]),
            ("new-c", vec!["c1"]),
        ];
        assert_eq!(
            layers(&groups),
            [
                vec![("a1", "new-a"), ("split", "new-a"), ("c1", "new-c")],
                vec![("split", "new-b"), ("b1", "new-b")],
            ]
        );
        assert!(layers(&[]).is_empty());
    }

    #[test]
    fn plain_counts_list_every_key_even_without_data() {
        let empty = Counts::default();
        let counts = Tally::new(&empty, None, |_| true, &HashMap::new()).plain_counts();
        let codes: Vec<&str> = counts.iter().map(|count| count.code.as_str()).collect();
        let all: Vec<&str> = CountCode::ALL.iter().map(|code| code.as_str()).collect();
        assert_eq!(codes, all);
        assert_eq!(counts[0].breakdown.len(), BusinessType::ALL.len());
        assert_eq!(counts[5].breakdown.len(), ReferralService::ALL.len());
        assert!(counts
            .iter()
            .flat_map(|count| &count.breakdown)
            .all(|value| value.value == 0));
    }
}
