//! Figures that leave the district, with small counts hidden by the domain's rule
//! (`domain::report`, which says what is hidden and why). The rule is run over the whole tree of the
//! report's unit: every commune of its top unit (the province) for the year so far, quarter by
//! quarter, with a total for the top unit and for each unit between it and the communes (the
//! districts before 2025). Every report of every unit of that province and of every quarter is then
//! a part of the same sheet, so that no two of them together give back what each hides. The figures
//! of a unit that is neither a commune nor a total of the sheet (a commune of another year made of
//! the period's communes, in `units_of` or for a unit that did not exist yet) show only where every
//! commune they add up shows: then they tell nothing the sheet does not.
//!
//! Units below the commune (villages) are not reported with the rule: their figures are parts of a
//! commune's, below the level the rule protects, and are refused (`below_commune`).

use crate::indicators::{
    self, is_commune, Breakdown, CommuneFigures, IndicatorValue, PlainCount, Report,
};
use crate::model::{ancestors, Level, OrgUnit};
use crate::store::{Store, StoreError};
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
    store: &dyn Store,
    units: &[OrgUnit],
    report: &mut Report,
    unit_id: &str,
    period: Period,
) -> Result<(), StoreError> {
    let top = ancestors(units, unit_id)
        .last()
        .copied()
        .unwrap_or(unit_id)
        .to_string();
    let quarters = period.quarter().unwrap_or(4);
    let mut by_quarter: Vec<Report> = Vec::new();
    for quarter in 1..=quarters {
        let period = Period::new(period.year(), Some(quarter)).unwrap_or(period);
        let breakdown = Some(Breakdown::Period);
        by_quarter.push(indicators::report(store, units, &top, period, breakdown).await?);
    }
    let Some(last) = by_quarter.last() else {
        return Ok(());
    };
    // The communes of the last quarter: those of earlier quarters too (a period starts on 1 January).
    let communes: Vec<&str> = last
        .communes
        .iter()
        .flatten()
        .map(|c| c.org_unit_id.as_str())
        .collect();
    let totals = totals(units, &top, &communes);
    let measures = measures(&last.indicators, &last.counts);
    let values = by_quarter
        .iter()
        .map(|figures| {
            let of: HashMap<&str, &CommuneFigures> = figures
                .communes
                .iter()
                .flatten()
                .map(|c| (c.org_unit_id.as_str(), c))
                .collect();
            measures
                .iter()
                .map(|name| {
                    let commune = |id: &&str| of.get(id).map_or(0, |c| value(c, name));
                    let mut row: Vec<i64> = communes.iter().map(commune).collect();
                    // The top unit's own figure; a district's as its communes' sum, which is what
                    // the reader is given of it anyway (its own work only changes what its `x`
                    // may be).
                    let sums: Vec<i64> = (totals.iter().enumerate())
                        .map(|(t, (_, members))| match t {
                            0 => value_of(&figures.indicators, &figures.counts, name),
                            _ => members.iter().map(|&c| row[c]).sum(),
                        })
                        .collect();
                    row.extend(sums);
                    row
                })
                .collect()
        })
        .collect();
    let sheet = Sheet::new(
        measures.clone(),
        communes.len(),
        totals.iter().map(|(_, members)| members.clone()).collect(),
        values,
    );
    let cells = &suppress(&sheet).pop().unwrap_or_default();
    let row_of = |id: &str| {
        let total = totals.iter().position(|(unit, _)| *unit == id);
        communes
            .iter()
            .position(|c| *c == id)
            .or(total.map(|t| communes.len() + t))
    };
    // The cells of a row of the sheet, or of what adds up some communes of it.
    let shown = |rows: Rows| {
        move |m: usize, value: i64| match rows {
            Rows::One(row) => cells[m][row],
            Rows::Sum(ref members) => {
                if members.iter().all(|&c| cells[m][c].is_shown()) {
                    Cell::Number(value)
                } else if (1..domain::report::SMALL_COUNT).contains(&value) {
                    Cell::Small
                } else {
                    Cell::Hidden
                }
            }
        }
    };
    let index: HashMap<&str, usize> = measures
        .iter()
        .enumerate()
        .map(|(m, name)| (name.as_str(), m))
        .collect();
    let own = match row_of(unit_id) {
        Some(row) => Rows::One(row),
        None => {
            let mapped = report.mapped_from.iter().flatten().map(|u| u.id.as_str());
            let heads: Vec<&str> = std::iter::once(unit_id).chain(mapped).collect();
            Rows::Sum(under(units, &communes, &heads))
        }
    };
    hide(
        &mut report.indicators,
        &mut report.counts,
        &index,
        shown(own),
    );
    for commune in report.communes.iter_mut().flatten() {
        let rows = match (&commune.mapped_from, row_of(&commune.org_unit_id)) {
            (None, Some(row)) => Rows::One(row),
            (mapped, _) => {
                let mapped = mapped.iter().flatten().map(|u| u.id.as_str());
                let counted: Vec<&str> = std::iter::once(commune.org_unit_id.as_str())
                    .chain(mapped)
                    .collect();
                Rows::Sum(
                    (communes.iter().enumerate())
                        .filter(|(_, c)| counted.contains(c))
                        .map(|(i, _)| i)
                        .collect(),
                )
            }
        };
        hide(
            &mut commune.indicators,
            &mut commune.counts,
            &index,
            shown(rows),
        );
    }
    report.suppressed = true;
    Ok(())
}

/// Where a report's figures are in the sheet: one row, or the sum of some communes' rows.
#[derive(Clone)]
enum Rows {
    One(usize),
    Sum(Vec<usize>),
}

/// The totals of the sheet: the top unit over every commune, then each unit between the top and
/// the communes with the communes below it (none without any).
fn totals<'a>(units: &'a [OrgUnit], top: &'a str, communes: &[&str]) -> Vec<(&'a str, Vec<usize>)> {
    let mut totals = vec![(top, (0..communes.len()).collect::<Vec<usize>>())];
    for unit in units {
        if unit.id == top || is_commune(unit) || unit.level == Level::Village {
            continue;
        }
        let members = under(units, communes, &[unit.id.as_str()]);
        if !members.is_empty() {
            totals.push((unit.id.as_str(), members));
        }
    }
    totals
}

/// The communes (by index) that are one of `heads` or below one.
fn under(units: &[OrgUnit], communes: &[&str], heads: &[&str]) -> Vec<usize> {
    (communes.iter().enumerate())
        .filter(|(_, commune)| {
            heads.contains(commune) || ancestors(units, commune).iter().any(|a| heads.contains(a))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The counts of the rule in a report's figures, each once, in the report's order.
fn measures(indicators: &[IndicatorValue], counts: &[PlainCount]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let from_indicators = indicators
        .iter()
        .filter_map(|i| indicator_measures(i.code))
        .flatten();
    let from_counts = counts.iter().flat_map(|count| {
        let code = count.code;
        (count.breakdown.iter()).filter_map(move |figure| count_measure(code, figure.key))
    });
    for name in from_indicators.chain(from_counts) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn value(commune: &CommuneFigures, name: &str) -> i64 {
    value_of(&commune.indicators, &commune.counts, name)
}

/// The count of that name in some figures (0 if they have none).
fn value_of(indicators: &[IndicatorValue], counts: &[PlainCount], name: &str) -> i64 {
    for indicator in indicators {
        if let Some([numerator, denominator]) = indicator_measures(indicator.code) {
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
        .flat_map(|count| count.breakdown.iter().map(move |f| (count.code, f)))
        .find(|(code, figure)| count_measure(code, figure.key).as_deref() == Some(name))
        .map_or(0, |(_, figure)| figure.value)
}

/// Hides, in one unit's or commune's figures, what `shown` hides of each count of the rule.
fn hide(
    indicators: &mut [IndicatorValue],
    counts: &mut [PlainCount],
    index: &HashMap<&str, usize>,
    shown: impl Fn(usize, i64) -> Cell,
) {
    let cell = |name: &str, value: i64| match index.get(name) {
        Some(&m) => shown(m, value),
        None => Cell::Number(value),
    };
    for indicator in indicators {
        if let Some([numerator, denominator]) = indicator_measures(indicator.code) {
            let figure = &mut indicator.figure;
            let numerator = cell(&numerator, figure.numerator);
            let denominator = cell(&denominator, figure.denominator);
            indicator.suppressed = hide_parts(figure, numerator, denominator);
        }
    }
    for count in counts {
        for figure in &mut count.breakdown {
            if let Some(name) = count_measure(count.code, figure.key) {
                let shown = cell(&name, figure.value);
                if !shown.is_shown() {
                    figure.value = 0;
                    figure.suppressed = Some(shown);
                }
            }
        }
    }
}
