//! The indicator engine (`API.md`, "Indicators"): the twelve indicators of the plan for one unit
//! and one period (year to date by quarter), from SQL aggregates (`Store::indicator_counts`),
//! baselines and targets per year, and optionally each commune's own figures.
//!
//! Where `API.md` is silent:
//! - The units counted are the unit and those below it valid during the period (the tree of that
//!   year); communes are the `commune` and `ward` units among them.
//! - PCMD-TT02 (≥ 1 post per channel each quarter) is a count: the fewest posts of any
//!   (channel, quarter) slot of the period, over the number of slots (2 channels × quarters), so
//!   the target `>= 1` is met when every channel had a post in every quarter so far.
//! - PCMD-MH01 is a count of communes with a pilot model, over the communes.
//! - PCMD-HT01 counts a client as having accessed a service when a referral says `accessed` with
//!   `accessed_on` on or before the end of the period.
//! - PCMD-KH02 counts distinct `agency` names; PCMD-TH01/TH02 sum `trainees` of trainings at that
//!   level; PCMD-TT04 sums people reached by sessions for `students`.
//! - A baseline is the unit's own for the year, else the sum of those of the units below it.

use crate::model::{
    Baseline, BaselineName, CountQuery, Counts, Level, OrgUnit, Target as StoredTarget, TargetOp,
};
use crate::store::{Store, StoreError};
use domain::indicator::{figure, Figure, Op, Period, Target, Unit};
use serde::Serialize;
use std::collections::HashMap;

/// The tip-off deadline when the `settings` table has none.
const DEFAULT_DEADLINE_DAYS: i64 = 20;
const MEDIA_CHANNELS: [&str; 2] = ["portal", "radio_tv"];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorValue {
    pub code: &'static str,
    #[serde(flatten)]
    pub figure: Figure,
    pub target: Option<Target>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CommuneFigures {
    pub org_unit_id: String,
    pub name: String,
    pub indicators: Vec<IndicatorValue>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub year: i32,
    pub quarter: Option<u32>,
    pub org_unit_id: String,
    pub indicators: Vec<IndicatorValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub communes: Option<Vec<CommuneFigures>>,
}

/// What stays the same for every unit of one report.
struct Context<'a> {
    units: &'a [OrgUnit],
    period: Period,
    targets: HashMap<String, Target>,
    baselines: Vec<Baseline>,
    deadline_days: i64,
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
    let targets = store
        .indicator_targets(year)
        .await?
        .into_iter()
        .filter_map(|(indicator, target)| Some((indicator.code, target.map(domain_target)?)))
        .collect();
    let deadline_days = store
        .setting("tip_off_deadline_days")
        .await?
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(DEFAULT_DEADLINE_DAYS);
    let context = Context {
        units,
        period,
        targets,
        baselines: store.baselines(year).await?,
        deadline_days,
    };
    let tree = context.tree(unit_id);
    let indicators = context.figures(store, unit_id, &tree).await?;
    let communes = if by_commune {
        let mut list = Vec::new();
        for commune in tree.iter().filter(|unit| is_commune(unit)) {
            let tree = context.tree(&commune.id);
            list.push(CommuneFigures {
                org_unit_id: commune.id.clone(),
                name: commune.name.clone(),
                indicators: context.figures(store, &commune.id, &tree).await?,
            });
        }
        Some(list)
    } else {
        None
    };
    Ok(Report {
        year,
        quarter: period.quarter(),
        org_unit_id: unit_id.to_string(),
        indicators,
        communes,
    })
}

fn domain_target(target: StoredTarget) -> Target {
    let op = match target.op {
        TargetOp::AtLeast => Op::AtLeast,
        TargetOp::AtMost => Op::AtMost,
        TargetOp::Equal => Op::Exactly,
    };
    Target {
        op,
        value: target.value,
    }
}

fn is_commune(unit: &OrgUnit) -> bool {
    matches!(unit.level, Level::Commune | Level::Ward)
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

    async fn figures(
        &self,
        store: &dyn Store,
        unit_id: &str,
        tree: &[&OrgUnit],
    ) -> Result<Vec<IndicatorValue>, StoreError> {
        let (start, end) = self.dates();
        let unit_ids: Vec<&str> = tree.iter().map(|unit| unit.id.as_str()).collect();
        let commune_ids: Vec<&str> = tree
            .iter()
            .filter(|unit| is_commune(unit))
            .map(|unit| unit.id.as_str())
            .collect();
        let counts = store
            .indicator_counts(&CountQuery {
                units: &unit_ids,
                communes: &commune_ids,
                start: &start,
                end: &end,
                deadline_days: self.deadline_days,
            })
            .await?;
        let communes = commune_ids.len() as i64;
        let baseline = |name| self.baseline(name, unit_id, tree);
        let (posts, slots) = media_slots(&counts, self.period.quarter().unwrap_or(4));
        let c = &counts;
        let rows: [(&'static str, Unit, i64, i64); 12] = [
            (
                "PCMD-TT01",
                Unit::Percent,
                c.communes_with_outreach,
                communes,
            ),
            ("PCMD-TT02", Unit::Count, posts, slots),
            (
                "PCMD-TT03",
                Unit::Percent,
                c.workers_reached,
                c.business_workers,
            ),
            (
                "PCMD-TT04",
                Unit::Percent,
                c.students_reached,
                baseline(BaselineName::StudentsEnrolled),
            ),
            ("PCMD-KH01", Unit::Percent, c.communes_with_plan, communes),
            (
                "PCMD-KH02",
                Unit::Percent,
                c.agencies_integrating,
                baseline(BaselineName::RelevantAgencies),
            ),
            ("PCMD-TG01", Unit::Percent, c.tip_offs_in_time, c.tip_offs),
            (
                "PCMD-KT01",
                Unit::Percent,
                c.businesses_inspected,
                c.businesses,
            ),
            ("PCMD-MH01", Unit::Count, c.communes_with_pilot, communes),
            (
                "PCMD-HT01",
                Unit::Percent,
                c.clients_accessed,
                c.clients_eligible,
            ),
            (
                "PCMD-TH01",
                Unit::Percent,
                c.district_trainees,
                baseline(BaselineName::DistrictOfficials),
            ),
            (
                "PCMD-TH02",
                Unit::Percent,
                c.commune_trainees,
                baseline(BaselineName::CommuneOfficials),
            ),
        ];
        Ok(rows
            .into_iter()
            .map(|(code, unit, numerator, denominator)| {
                let target = self.targets.get(code).copied();
                IndicatorValue {
                    code,
                    figure: figure(unit, numerator, denominator, target),
                    target,
                }
            })
            .collect())
    }
}

/// PCMD-TT02: the fewest posts of any (channel, quarter) slot up to `quarters`, and the slots.
fn media_slots(counts: &Counts, quarters: u32) -> (i64, i64) {
    let posts = |channel: &str, quarter: u32| {
        counts
            .media_posts
            .iter()
            .filter(|(c, q, _)| c == channel && u32::try_from(*q) == Ok(quarter))
            .map(|(_, _, posts)| posts)
            .sum::<i64>()
    };
    let fewest = MEDIA_CHANNELS
        .iter()
        .flat_map(|channel| (1..=quarters).map(move |quarter| posts(channel, quarter)))
        .min()
        .unwrap_or(0);
    (fewest, MEDIA_CHANNELS.len() as i64 * i64::from(quarters))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tt02_is_the_emptiest_channel_quarter() {
        let counts = Counts {
            media_posts: vec![
                ("portal".into(), 1, 2),
                ("radio_tv".into(), 1, 1),
                ("portal".into(), 2, 3),
            ],
            ..Counts::default()
        };
        assert_eq!(media_slots(&counts, 1), (1, 2));
        assert_eq!(media_slots(&counts, 2), (0, 4), "no radio post in Q2");
        assert_eq!(media_slots(&Counts::default(), 4), (0, 8));
    }
}
