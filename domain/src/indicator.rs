//! What the plan's indicators are measured over and against: reporting periods (year to date by
//! quarter), targets, and how a numerator and denominator become a value and a status. The
//! counting itself is the server's; this is the part every report must agree on.

use serde::{Deserialize, Serialize};

use crate::Date;

/// A reporting period: a whole year, or the year up to the end of a quarter (targets accumulate).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    year: i32,
    quarter: Option<u32>,
    start: Date,
    end: Date,
}

impl Period {
    /// `None` for a year outside the calendar the app knows or a quarter outside 1–4.
    pub fn new(year: i32, quarter: Option<u32>) -> Option<Period> {
        let (month, day) = match quarter {
            None | Some(4) => (12, 31),
            Some(1) => (3, 31),
            Some(2) => (6, 30),
            Some(3) => (9, 30),
            Some(_) => return None,
        };
        Some(Period {
            year,
            quarter,
            start: Date::from_ymd(year, 1, 1)?,
            end: Date::from_ymd(year, month, day)?,
        })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn quarter(self) -> Option<u32> {
        self.quarter
    }

    pub fn start(self) -> Date {
        self.start
    }

    /// The last day counted, inclusive.
    pub fn end(self) -> Date {
        self.end
    }

    pub fn contains(self, date: Date) -> bool {
        self.start() <= date && date <= self.end()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Op {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = "=")]
    Exactly,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::AtLeast => ">=",
            Op::AtMost => "<=",
            Op::Exactly => "=",
        }
    }

    pub fn parse(text: &str) -> Option<Op> {
        [Op::AtLeast, Op::AtMost, Op::Exactly]
            .into_iter()
            .find(|op| op.as_str() == text)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Target {
    pub op: Op,
    pub value: f64,
}

impl Target {
    pub fn is_met_by(self, value: f64) -> bool {
        match self.op {
            Op::AtLeast => value >= self.value,
            Op::AtMost => value <= self.value,
            Op::Exactly => (value - self.value).abs() < 1e-9,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Percent,
    Count,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    NotMet,
    NoData,
    NoTarget,
}

/// One indicator's result for one unit and period.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Figure {
    pub numerator: i64,
    pub denominator: i64,
    /// Rounded to one decimal; `None` when the denominator is zero.
    pub value: Option<f64>,
    pub unit: Unit,
    pub status: Status,
}

/// A percentage is `100 × numerator / denominator`; a count is the numerator itself, reported
/// only where something could be counted (its denominator says how many places could count).
/// A zero denominator is "no data", target or not; no target for the year is "no target".
pub fn figure(unit: Unit, numerator: i64, denominator: i64, target: Option<Target>) -> Figure {
    let value = match (denominator, unit) {
        (0, _) => None,
        (_, Unit::Percent) => Some(round1(100.0 * numerator as f64 / denominator as f64)),
        (_, Unit::Count) => Some(numerator as f64),
    };
    let status = match (value, target) {
        (None, _) => Status::NoData,
        (Some(_), None) => Status::NoTarget,
        (Some(v), Some(t)) if t.is_met_by(v) => Status::Met,
        (Some(_), Some(_)) => Status::NotMet,
    };
    Figure {
        numerator,
        denominator,
        value,
        unit,
        status,
    }
}

/// One decimal, halves away from zero (69.25 → 69.3), as a report by hand would.
pub fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn quarters_run_from_the_first_of_january() {
        let q2 = Period::new(2023, Some(2)).unwrap();
        assert_eq!(q2.start(), date("2023-01-01"));
        assert_eq!(q2.end(), date("2023-06-30"));
        assert!(q2.contains(date("2023-06-30")));
        assert!(!q2.contains(date("2023-07-01")));
        assert!(!q2.contains(date("2022-12-31")));
        assert_eq!(Period::new(2024, None).unwrap().end(), date("2024-12-31"));
        assert_eq!(Period::new(2023, Some(5)), None);
        assert_eq!(Period::new(2023, Some(0)), None);
    }

    #[test]
    fn the_api_example_is_not_met() {
        let target = Target {
            op: Op::AtLeast,
            value: 70.0,
        };
        let f = figure(Unit::Percent, 9, 13, Some(target));
        assert_eq!(f.value, Some(69.2));
        assert_eq!(f.status, Status::NotMet);
        assert_eq!(
            figure(Unit::Percent, 10, 13, Some(target)).status,
            Status::Met
        );
    }

    #[test]
    fn a_zero_denominator_is_no_data_with_or_without_a_target() {
        let target = Target {
            op: Op::AtLeast,
            value: 60.0,
        };
        assert_eq!(
            figure(Unit::Percent, 0, 0, Some(target)).status,
            Status::NoData
        );
        assert_eq!(figure(Unit::Percent, 0, 0, None).value, None);
        assert_eq!(figure(Unit::Percent, 3, 4, None).status, Status::NoTarget);
    }

    #[test]
    fn counts_are_their_numerator() {
        let at_least_one = Target {
            op: Op::AtLeast,
            value: 1.0,
        };
        assert_eq!(
            figure(Unit::Count, 0, 1, Some(at_least_one)).status,
            Status::NotMet
        );
        let f = figure(Unit::Count, 2, 1, Some(at_least_one));
        assert_eq!((f.value, f.status), (Some(2.0), Status::Met));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round1(69.25), 69.3);
        assert_eq!(round1(100.0 * 2.0 / 3.0), 66.7);
        assert_eq!(round1(100.0), 100.0);
    }

    #[test]
    fn operators_round_trip() {
        for op in [Op::AtLeast, Op::AtMost, Op::Exactly] {
            assert_eq!(Op::parse(op.as_str()), Some(op));
            assert_eq!(serde_json::to_value(op).unwrap(), op.as_str());
        }
        assert!(Target {
            op: Op::AtMost,
            value: 5.0
        }
        .is_met_by(5.0));
        assert!(!Target {
            op: Op::Exactly,
            value: 5.0
        }
        .is_met_by(5.1));
    }
}
