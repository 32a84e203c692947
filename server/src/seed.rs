//! The reference data a new store starts with: the project's own copies of the Lai Châu org units
//! and the 2023 indicators with their targets (`server/seed/`), compiled into the binary, and the
//! 2023 plan of Tam Đường district that sets those targets (`shared/seeds/000_…`). Migration 0007
//! writes the same header for the targets of stores made before plans were data.

use crate::model::{Indicator, IndicatorKind, Level, OrgUnit, Seed, StoredPlan};
use crate::store::StoreError;
use domain::indicator::{Op, Target};
use domain::plan::{PlanHeader, PlanTarget};
use domain::Coded;
use serde::Deserialize;

const ORG_UNITS_CSV: &str = include_str!("../seed/org_units_lai_chau.csv");
const INDICATORS_CSV: &str = include_str!("../seed/indicators_pcmd_2023.csv");
const PLAN_YEAR: i32 = 2023;
const PLAN_UNIT: &str = "ou-106";
const PLAN_TITLE: &str = "Kế hoạch phòng, chống mại dâm năm 2023";
const PLAN_ISSUER: &str = "UBND huyện Tam Đường";
const PLAN_LEAD_AGENCY: &str = "Phòng Lao động - Thương binh và Xã hội huyện Tam Đường";
/// "Nơi nhận" of the signed plan, abbreviations written out where the plan abbreviates them.
const PLAN_RECIPIENTS: [&str; 6] = [
    "Sở Lao động - Thương binh và Xã hội tỉnh Lai Châu",
    "TT. Huyện ủy, TT. HĐND huyện",
    "Chủ tịch, Phó chủ tịch UBND huyện",
    "Các cơ quan, ban, ngành, đoàn thể huyện",
    "UBND các xã, thị trấn",
    "Lưu: VT",
];

#[derive(Deserialize)]
struct UnitRow {
    code: String,
    name_vi: String,
    level: String,
    parent_code: String,
    valid_from: String,
    valid_to: String,
    successor_code: String,
}

#[derive(Deserialize)]
struct IndicatorRow {
    code: String,
    label_vi: String,
    label_en: String,
    #[serde(rename = "type")]
    kind: String,
    target_2023: String,
}

pub fn reference_data() -> Result<Seed, StoreError> {
    let units = org_units()?;
    let (indicators, targets) = indicators_and_targets()?;
    let plan = StoredPlan {
        header: PlanHeader {
            id: crate::plans::plan_id(PLAN_UNIT, PLAN_YEAR),
            org_unit_id: PLAN_UNIT.into(),
            year: PLAN_YEAR,
            title: PLAN_TITLE.into(),
            issuer: PLAN_ISSUER.into(),
            lead_agency: PLAN_LEAD_AGENCY.into(),
            recipients: PLAN_RECIPIENTS.map(String::from).to_vec(),
        },
        copied_from: None,
        targets,
    };
    Ok(Seed {
        units,
        indicators,
        plans: vec![plan],
    })
}

/// The internal id for a key of the file: `106` → `ou-106`; a reused code keyed with the date it
/// took effect, `03390@2025-07-01` → `ou-03390-20250701`.
pub fn unit_id(key: &str) -> String {
    match key.split_once('@') {
        Some((code, date)) => format!("ou-{code}-{}", date.replace('-', "")),
        None => format!("ou-{key}"),
    }
}

fn org_units() -> Result<Vec<OrgUnit>, StoreError> {
    let rows: Vec<UnitRow> = read_csv(ORG_UNITS_CSV)?;
    let known: std::collections::HashSet<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    let optional = |text: &str| (!text.is_empty()).then(|| text.to_string());
    rows.iter()
        .map(|row| {
            let level = Level::parse(&row.level)
                .ok_or_else(|| StoreError::Seed(format!("unknown level {:?}", row.level)))?;
            Ok(OrgUnit {
                id: unit_id(&row.code),
                code: row.code.split('@').next().unwrap_or_default().to_string(),
                name: row.name_vi.clone(),
                level,
                parent_id: optional(&row.parent_code).map(|code| unit_id(&code)),
                valid_from: optional(&row.valid_from),
                valid_to: optional(&row.valid_to),
                // A successor outside this file (03403, in another district) is not linked.
                successor_ids: optional(&row.successor_code)
                    .filter(|code| known.contains(code.as_str()))
                    .map(|code| unit_id(&code))
                    .into_iter()
                    .collect(),
            })
        })
        .collect()
}

/// The indicators in the file's order, and their 2023 targets where the plan sets one.
fn indicators_and_targets() -> Result<(Vec<Indicator>, Vec<PlanTarget>), StoreError> {
    let rows: Vec<IndicatorRow> = read_csv(INDICATORS_CSV)?;
    let mut indicators = Vec::new();
    let mut targets = Vec::new();
    for row in rows {
        if !row.target_2023.is_empty() {
            let target = parse_target(&row.target_2023).ok_or_else(|| {
                StoreError::Seed(format!("unreadable target {:?}", row.target_2023))
            })?;
            targets.push(PlanTarget {
                indicator_code: row.code.clone(),
                op: target.op,
                value: target.value,
                to_confirm: false,
            });
        }
        indicators.push(Indicator {
            // `count+flag` (posts per quarter) is a count too.
            kind: if row.kind == "ratio" {
                IndicatorKind::Ratio
            } else {
                IndicatorKind::Count
            },
            code: row.code,
            label_vi: row.label_vi,
            label_en: row.label_en,
        });
    }
    Ok((indicators, targets))
}

/// `>=70%`, `100%`, `>=1 per quarter`: an operator (at least, when none is written) and the first
/// number.
fn parse_target(text: &str) -> Option<Target> {
    let text = text.trim();
    let (op, rest) = [Op::AtLeast, Op::AtMost, Op::Exactly]
        .into_iter()
        .find_map(|op| text.strip_prefix(op.as_str()).map(|rest| (op, rest)))
        .unwrap_or((Op::AtLeast, text));
    let number: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    Some(Target {
        op,
        value: number.parse().ok()?,
    })
}

fn read_csv<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>, StoreError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .map_err(|error| StoreError::Seed(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_has_the_domain_s_indicators_and_counts_in_report_order() {
        use domain::indicator::{CountCode, IndicatorCode};
        use domain::Coded;
        let seed = reference_data().unwrap();
        let codes: Vec<&str> = seed.indicators.iter().map(|i| i.code.as_str()).collect();
        let indicators = IndicatorCode::ALL.iter().map(|code| code.as_str());
        let counts = CountCode::ALL.iter().map(|code| code.as_str());
        assert_eq!(codes, indicators.chain(counts).collect::<Vec<_>>());
    }

    #[test]
    fn targets_read_as_the_plan_writes_them() {
        let at_least = |value| {
            Some(Target {
                op: Op::AtLeast,
                value,
            })
        };
        assert_eq!(parse_target(">=70%"), at_least(70.0));
        assert_eq!(parse_target("100%"), at_least(100.0));
        assert_eq!(parse_target("60%"), at_least(60.0));
        assert_eq!(parse_target(">=1 per quarter"), at_least(1.0));
        assert_eq!(parse_target(">=1"), at_least(1.0));
        assert_eq!(
            parse_target("<=5"),
            Some(Target {
                op: Op::AtMost,
                value: 5.0
            })
        );
        assert_eq!(parse_target("some"), None);
    }

    #[test]
    fn reference_data_loads_the_district_and_its_history() {
        let seed = reference_data().unwrap();
        let unit = |id: &str| seed.units.iter().find(|u| u.id == id).unwrap();
        assert_eq!(unit("ou-106").name, "Huyện Tam Đường");
        assert_eq!(unit("ou-106").parent_id.as_deref(), Some("ou-12"));
        let new_binh_lu = unit("ou-03390-20250701");
        assert_eq!(new_binh_lu.code, "03390");
        assert_eq!(new_binh_lu.valid_from.as_deref(), Some("2025-07-01"));
        assert_eq!(unit("ou-03412").successor_ids, ["ou-03390-20250701"]);
        assert!(
            unit("ou-03397").successor_ids.is_empty(),
            "03403 is not ours"
        );
        assert_eq!(unit("ou-03397").valid_to.as_deref(), Some("2020-02-29"));
        assert_eq!(unit("ou-105").valid_from, None);
        let communes_of_106 = seed
            .units
            .iter()
            .filter(|u| u.parent_id.as_deref() == Some("ou-106"))
            .count();
        assert_eq!(communes_of_106, 14, "13 of 2023 and Sùng Phài");

        assert_eq!(seed.indicators.len(), 19);
        let ratios = seed
            .indicators
            .iter()
            .filter(|i| i.kind == IndicatorKind::Ratio)
            .count();
        assert_eq!(ratios, 10);
        assert_eq!(seed.indicators[0].code, "PCMD-TT01");
        let [plan] = &seed.plans[..] else {
            panic!("one plan")
        };
        assert_eq!(plan.header.id, "plan-ou-106-2023");
        assert_eq!(
            (plan.header.org_unit_id.as_str(), plan.header.year),
            ("ou-106", 2023)
        );
        assert_eq!(plan.header.recipients.len(), 6);
        assert_eq!(plan.targets.len(), 12);
        assert!(plan
            .targets
            .iter()
            .all(|t| !t.to_confirm && !t.indicator_code.starts_with("PCMD-C")));
    }
}
