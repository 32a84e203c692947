//! What the plan's indicators are measured over and against: reporting periods (year to date by
//! quarter), targets, and how a numerator and denominator become a value and a status. What
//! each indicator counts is in [`definitions`], shared by the phone and the server.

pub mod definitions;

use serde::{Deserialize, Serialize};

use crate::coded::coded;
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
    /// A district's indicator asked of a commune.
    NotApplicable,
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

/// The figure of `code` from its measure and target. PCMD-TT02's target ("at least once a
/// quarter") is met when every quarter so far had its posts, whatever number the plan writes.
pub fn evaluate(
    code: IndicatorCode,
    measure: definitions::Measure,
    target: Option<Target>,
) -> Figure {
    let unit = code.unit();
    let definitions::Measure::Of {
        numerator,
        denominator,
    } = measure
    else {
        return Figure {
            numerator: 0,
            denominator: 0,
            value: None,
            unit,
            status: Status::NotApplicable,
        };
    };
    let mut figure = figure(unit, numerator, denominator, target);
    if code == IndicatorCode::Tt02 && matches!(figure.status, Status::Met | Status::NotMet) {
        figure.status = match numerator >= denominator {
            true => Status::Met,
            false => Status::NotMet,
        };
    }
    figure
}

/// One decimal, halves away from zero (69.25 → 69.3), as a report by hand would.
pub fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

coded! {
    /// The plan's twelve indicators, in report order (the seed's order): the one list of their
    /// codes; the label is the dashboard's short name.
    pub enum IndicatorCode {
        Tt01 = "PCMD-TT01", "Xã, thị trấn tổ chức ít nhất một hình thức tuyên truyền", "Communes holding at least one form of awareness activity";
        Tt02 = "PCMD-TT02", "Tin bài trên Cổng thông tin, Truyền thanh - Truyền hình", "Posts on the district portal and radio/TV";
        Tt03 = "PCMD-TT03", "Người lao động tại cơ sở kinh doanh dịch vụ được tuyên truyền", "Workers at at-risk businesses reached";
        Tt04 = "PCMD-TT04", "Học sinh THPT, cơ sở GDNN được tuyên truyền", "Upper-secondary and vocational students reached";
        Kh01 = "PCMD-KH01", "Xã, thị trấn xây dựng kế hoạch", "Communes with a plan";
        Kh02 = "PCMD-KH02", "Cơ quan, đơn vị lồng ghép nhiệm vụ", "Agencies integrating the task";
        Tg01 = "PCMD-TG01", "Tin tố giác, tin báo được xử lý kịp thời", "Tip-offs handled in time";
        Kt01 = "PCMD-KT01", "Cơ sở kinh doanh dịch vụ được kiểm tra", "At-risk businesses inspected";
        Mh01 = "PCMD-MH01", "Xã triển khai mô hình thí điểm", "Communes piloting a model";
        Ht01 = "PCMD-HT01", "Người bán dâm có nhu cầu, đủ điều kiện được tiếp cận dịch vụ hỗ trợ", "People selling sex, in need and eligible, who reached a support service";
        Th01 = "PCMD-TH01", "Cán bộ cấp huyện được tập huấn", "District officials trained";
        Th02 = "PCMD-TH02", "Cán bộ cấp xã được tập huấn", "Commune officials trained";
    }
}

coded! {
    /// What an indicator's numerator and denominator count, as the dashboard says it after a
    /// number.
    pub enum Counted {
        Communes = "communes", "xã", "communes";
        QuartersPosted = "quarters_posted", "quý có tin trên cả hai kênh", "quarters with a post on both channels";
        Workers = "workers", "người lao động", "workers";
        Students = "students", "học sinh", "students";
        Agencies = "agencies", "cơ quan", "agencies";
        TipOffs = "tip_offs", "tin", "tip-offs";
        Businesses = "businesses", "cơ sở", "businesses";
        Clients = "clients", "người", "people";
        Officials = "officials", "cán bộ", "officials";
    }
}

impl IndicatorCode {
    /// A share of a denominator, or a plain number (TT02's quarters, MH01's communes).
    pub fn unit(self) -> Unit {
        match self {
            IndicatorCode::Tt02 | IndicatorCode::Mh01 => Unit::Count,
            _ => Unit::Percent,
        }
    }

    pub fn counted(self) -> Counted {
        use IndicatorCode as I;
        match self {
            I::Tt01 | I::Kh01 | I::Mh01 => Counted::Communes,
            I::Tt02 => Counted::QuartersPosted,
            I::Tt03 => Counted::Workers,
            I::Tt04 => Counted::Students,
            I::Kh02 => Counted::Agencies,
            I::Tg01 => Counted::TipOffs,
            I::Kt01 => Counted::Businesses,
            I::Ht01 => Counted::Clients,
            I::Th01 | I::Th02 => Counted::Officials,
        }
    }
}

impl Counted {
    /// People, tip-offs or businesses, whose small counts could point at someone; not communes,
    /// media posts or agencies.
    pub fn could_name_someone(self) -> bool {
        !matches!(
            self,
            Counted::Communes | Counted::QuartersPosted | Counted::Agencies
        )
    }
}

coded! {
    /// The plain counts of the province's report forms, PCMD-C01..C07, in report order.
    pub enum CountCode {
        C01 = "PCMD-C01", "Cơ sở kinh doanh dịch vụ dễ phát sinh tệ nạn mại dâm", "At-risk businesses";
        C02 = "PCMD-C02", "Nhân viên tại các cơ sở", "Staff at at-risk businesses";
        C03 = "PCMD-C03", "Người bán dâm có hồ sơ quản lý (chỉ số tổng hợp)", "People selling sex on file (aggregate only)";
        C04 = "PCMD-C04", "Kiểm tra, vi phạm và xử phạt", "Inspections, violations and sanctions";
        C05 = "PCMD-C05", "Vụ việc, đối tượng bị xử lý", "Cases and persons handled";
        C06 = "PCMD-C06", "Lượt người được hỗ trợ theo loại dịch vụ", "People supported by service type";
        C07 = "PCMD-C07", "Cuộc tuyên truyền và lượt người tham gia", "Awareness events and participants";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::assert_coded_list;
    use crate::Coded;

    #[test]
    fn the_plan_s_codes_are_coded_lists() {
        assert_coded_list::<IndicatorCode>();
        assert_coded_list::<Counted>();
        assert_coded_list::<CountCode>();
        assert_eq!(IndicatorCode::ALL.len(), 12);
        assert!(IndicatorCode::Ht01.counted().could_name_someone());
        assert!(!IndicatorCode::Tt02.counted().could_name_someone());
    }

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
