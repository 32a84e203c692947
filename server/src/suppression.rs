//! Figures that leave the district, with small counts hidden by the domain's rule
//! (`domain::report`, which says what is hidden and why). The rule is run over the whole tree of the
//! report's unit: every commune of its top unit (the province) for the year so far, quarter by
//! quarter, with a total for the top unit and for each unit between it and the communes (the
//! districts before 2025). Every report of every unit of that province and of every quarter is then
//! a part of the same sheet, so that no two of them together give back what each hides. The figures
//! of a unit that is neither a commune nor a total of the sheet (a commune of another year made of
//! the period's communes, in `units_of` or for a unit that did not exist yet) show only where every
//! commune they add up shows: then they tell nothing the sheet does not; a figure made of communes
//! the sheet does not have is hidden.
//!
//! Units below the commune (villages) are not reported with the rule: their figures are parts of a
//! commune's, below the level the rule protects, and are refused (`below_commune`).

use crate::indicators::{
    self, is_commune, Breakdown, CommuneFigures, IndicatorValue, PlainCount, Report,
};
use crate::model::{ancestors, Level, OrgUnit};
use crate::store::{Store, StoreError};
use domain::api::UnitRef;
use domain::indicator::Period;
use domain::report::{count_measure, hide_parts, indicator_measures, suppress, Cell, Sheet};
use std::collections::HashMap;

/// Whether the unit lies below the commune level, where figures never leave with the rule.
pub fn below_commune(units: &[OrgUnit], unit_id: &str) -> bool {
    units
        .iter()
        .any(|unit| unit.id == unit_id && unit.level == Level::Village)
}

/// Hides in `report` (of `unit_id` for `period`) what the small-count rule hides.
pub async fn apply(
    store: &Store,
    units: &[OrgUnit],
    report: &mut Report,
    unit_id: &str,
    period: Period,
) -> Result<(), StoreError> {
    let top = ancestors(units, unit_id).last().copied().unwrap_or(unit_id);
    let province = Province::read(store, units, top, period).await?;
    let cells = suppress(&province.sheet).pop().unwrap_or_default();
    let shown = Shown {
        province: &province,
        cells: &cells,
    };
    let own = match province.row(unit_id) {
        Some(row) => Place::Row(row),
        None => {
            let predecessors = report.mapped_from.iter().flatten();
            let heads: Vec<&str> = std::iter::once(unit_id)
                .chain(predecessors.map(|u| u.id.as_str()))
                .collect();
            // A predecessor outside the province is not in the sheet.
            let known = report
                .mapped_from
                .iter()
                .flatten()
                .all(|u| province.row(&u.id).is_some());
            let communes = under(units, &province.communes, &heads);
            Place::Sum(known.then_some(communes))
        }
    };
    hide(&mut report.indicators, &mut report.counts, &shown, &own);
    for commune in report.communes.iter_mut().flatten() {
        let place = match (&commune.mapped_from, province.row(&commune.org_unit_id)) {
            (None, Some(row)) => Place::Row(row),
            (None, None) => Place::Sum(None),
            (Some(mapped), itself) => {
                let counted: Option<Vec<usize>> = mapped
                    .iter()
                    .map(|u: &UnitRef| province.row(&u.id))
                    .collect();
                Place::Sum(counted.map(|rows| rows.into_iter().chain(itself).collect()))
            }
        };
        hide(&mut commune.indicators, &mut commune.counts, &shown, &place);
    }
    report.suppressed = true;
    Ok(())
}

/// The rule's sheet of a top unit for the quarters of a year up to a period's.
struct Province {
    /// The communes of the top unit in the period, in the sheet's order (its first rows).
    communes: Vec<String>,
    /// The units whose totals follow them: the top unit, then those between it and the communes.
    totals: Vec<String>,
    sheet: Sheet,
}

impl Province {
    async fn read(
        store: &Store,
        units: &[OrgUnit],
        top: &str,
        period: Period,
    ) -> Result<Province, StoreError> {
        let mut by_quarter: Vec<Report> = Vec::new();
        for quarter in 1..=period.quarter().unwrap_or(4) {
            let period = Period::new(period.year(), Some(quarter)).unwrap_or(period);
            let breakdown = Some(Breakdown::Period);
            by_quarter.push(indicators::report(store, units, top, period, breakdown).await?);
        }
        // The communes of the last quarter: those of the earlier ones too (a period starts on
        // 1 January); in a quarter before a commune was made, it counts 0.
        let last = by_quarter.last();
        let communes: Vec<String> = (last.and_then(|r| r.communes.as_ref()).into_iter().flatten())
            .map(|c| c.org_unit_id.clone())
            .collect();
        let mut totals = vec![(top.to_string(), (0..communes.len()).collect::<Vec<usize>>())];
        for unit in units {
            if unit.id == top || is_commune(unit) || unit.level == Level::Village {
                continue;
            }
            let members = under(units, &communes, &[unit.id.as_str()]);
            if !members.is_empty() {
                totals.push((unit.id.clone(), members));
            }
        }
        let measures = last.map_or_else(Vec::new, |r| measures(&r.indicators, &r.counts));
        let values = by_quarter
            .iter()
            .map(|report| {
                let of: HashMap<&str, &CommuneFigures> = (report.communes.iter().flatten())
                    .map(|c| (c.org_unit_id.as_str(), c))
                    .collect();
                (measures.iter())
                    .map(|name| {
                        let commune = |id: &String| {
                            of.get(id.as_str())
                                .map_or(0, |c| value_of(&c.indicators, &c.counts, name))
                        };
                        let mut row: Vec<i64> = communes.iter().map(commune).collect();
                        // The top unit's own figure; a district's as its communes' sum, which is
                        // what the reader is given of it anyway (its own work beside them only
                        // changes what its `x` may be).
                        let sums: Vec<i64> = (totals.iter().enumerate())
                            .map(|(t, (_, members))| match t {
                                0 => value_of(&report.indicators, &report.counts, name),
                                _ => members.iter().map(|&c| row[c]).sum(),
                            })
                            .collect();
                        row.extend(sums);
                        row
                    })
                    .collect()
            })
            .collect();
        let members = totals.iter().map(|(_, members)| members.clone()).collect();
        Ok(Province {
            sheet: Sheet::new(measures, communes.len(), members, values),
            totals: totals.into_iter().map(|(unit, _)| unit).collect(),
            communes,
        })
    }

    /// The sheet's row of a commune or of a unit with a total.
    fn row(&self, unit_id: &str) -> Option<usize> {
        let commune = self.communes.iter().position(|c| c == unit_id);
        let total = self.totals.iter().position(|t| t == unit_id);
        commune.or(total.map(|t| self.communes.len() + t))
    }
}

/// Where a report's figures are in the sheet: one row, or the sum of some communes' rows (`None`:
/// of communes the sheet does not have).
enum Place {
    Row(usize),
    Sum(Option<Vec<usize>>),
}

/// What the rule shows of each count of the sheet's last quarter.
struct Shown<'a> {
    province: &'a Province,
    cells: &'a [Vec<Cell>],
}

impl Shown<'_> {
    /// The cell of a count (by name) of `value` at `place`; counts outside the rule show.
    fn cell(&self, name: &str, value: i64, place: &Place) -> Cell {
        let measures = &self.province.sheet.measures;
        let Some(m) = measures.iter().position(|measure| measure == name) else {
            return Cell::Number(value);
        };
        let hidden = || match value {
            0 => Cell::Number(0),
            1..domain::report::SMALL_COUNT => Cell::Small,
            _ => Cell::Hidden,
        };
        match place {
            Place::Row(row) => self.cells[m][*row],
            Place::Sum(Some(rows)) if rows.iter().all(|&c| self.cells[m][c].is_shown()) => {
                Cell::Number(value)
            }
            Place::Sum(_) => hidden(),
        }
    }
}

/// The communes (by index) that are one of `heads` or below one.
fn under(units: &[OrgUnit], communes: &[String], heads: &[&str]) -> Vec<usize> {
    (communes.iter().enumerate())
        .filter(|(_, commune)| {
            heads.contains(&commune.as_str())
                || ancestors(units, commune).iter().any(|a| heads.contains(a))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The counts of the rule in a report's figures, each once, in the report's order.
fn measures(indicators: &[IndicatorValue], counts: &[PlainCount]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let from_indicators = indicators
        .iter()
        .filter_map(|i| indicator_measures(&i.code))
        .flatten();
    let from_counts = counts.iter().flat_map(|count| {
        let code = count.code.as_str();
        (count.breakdown.iter()).filter_map(move |figure| count_measure(code, &figure.key))
    });
    for name in from_indicators.chain(from_counts) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The count of that name in some figures (0 if they have none).
fn value_of(indicators: &[IndicatorValue], counts: &[PlainCount], name: &str) -> i64 {
    for indicator in indicators {
        if let Some([numerator, denominator]) = indicator_measures(&indicator.code) {
            if numerator == name {
                return indicator.figure.numerator;
            }
            if denominator == name {
                return indicator.figure.denominator;
            }
        }
    }
    counts
        .iter()
        .flat_map(|count| {
            count
                .breakdown
                .iter()
                .map(move |f| (count.code.as_str(), f))
        })
        .find(|(code, figure)| count_measure(code, &figure.key).as_deref() == Some(name))
        .map_or(0, |(_, figure)| figure.value)
}

/// Hides, in one unit's or commune's figures, what the rule hides of them at `place`.
fn hide(
    indicators: &mut [IndicatorValue],
    counts: &mut [PlainCount],
    shown: &Shown,
    place: &Place,
) {
    for indicator in indicators {
        if let Some([numerator, denominator]) = indicator_measures(&indicator.code) {
            let figure = &mut indicator.figure;
            let numerator = shown.cell(&numerator, figure.numerator, place);
            let denominator = shown.cell(&denominator, figure.denominator, place);
            indicator.suppressed = hide_parts(figure, numerator, denominator);
        }
    }
    for count in counts {
        for figure in &mut count.breakdown {
            if let Some(name) = count_measure(&count.code, &figure.key) {
                let cell = shown.cell(&name, figure.value, place);
                if !cell.is_shown() {
                    figure.value = 0;
                    figure.suppressed = Some(cell);
                }
            }
        }
    }
}
