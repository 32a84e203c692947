//! A yearly plan against prostitution as data: the unit that issues it for a year, its header as
//! the signed document prints it, and its targets. Since 1 July 2025 provinces and the new communes
//! make these plans (there is no district level any more), so a plan belongs to any unit of the
//! tree, and the plan in force for a unit is its own or its nearest ancestor's of that year.
//!
//! These are the wire shapes of `/api/v1/plans` and of the `plan` of `/api/v1/indicators`: the
//! server serialises them, the phone reads them. The length limits are here so that the admin
//! pages can hold a form to the same ones the server enforces.

use crate::indicator::{Op, Target};
use serde::{Deserialize, Serialize};

/// Longest title, in characters ("Kế hoạch triển khai công tác phòng, chống mại dâm trên địa bàn
/// huyện Tam Đường năm 2023" is 86).
pub const MAX_TITLE: usize = 300;
/// Longest issuer, lead agency or recipient line, in characters.
pub const MAX_NAME: usize = 200;
/// Most lines of "Nơi nhận" (the 2023 plan has 6).
pub const MAX_RECIPIENTS: usize = 50;

/// Who issued which plan for which unit and year, as the document's header says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanHeader {
    pub id: String,
    pub org_unit_id: String,
    pub year: i32,
    /// "Kế hoạch phòng, chống mại dâm năm 2023".
    pub title: String,
    /// "UBND huyện Tam Đường": the heading of the reports on the plan.
    pub issuer: String,
    /// The standing agency that owns the targets and baselines and reports on them.
    pub lead_agency: String,
    /// The lines of "Nơi nhận", in order.
    pub recipients: Vec<String>,
}

/// One indicator's target in a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanTarget {
    pub indicator_code: String,
    pub op: Op,
    pub value: f64,
    /// Copied from another plan and not yet confirmed.
    pub to_confirm: bool,
}

impl PlanTarget {
    pub fn target(&self) -> Target {
        Target {
            op: self.op,
            value: self.value,
        }
    }
}

/// A plan as `GET /api/v1/plans` lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Plan {
    #[serde(flatten)]
    pub header: PlanHeader,
    /// The plan this one was copied from, if any.
    pub copied_from: Option<String>,
    /// Whether any of its targets, or any baseline of its year of a unit in its unit's subtree,
    /// is still to confirm.
    pub to_confirm: bool,
    /// In report order of the indicators.
    pub targets: Vec<PlanTarget>,
}

/// The title of a copy for `year`: the source's, with its year written as the new one.
pub fn title_for_year(title: &str, from_year: i32, year: i32) -> String {
    title.replace(&from_year.to_string(), &year.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_names_its_own_year() {
        assert_eq!(
            title_for_year("Kế hoạch phòng, chống mại dâm năm 2026", 2026, 2027),
            "Kế hoạch phòng, chống mại dâm năm 2027"
        );
        assert_eq!(title_for_year("Kế hoạch PCMD", 2026, 2027), "Kế hoạch PCMD");
    }

    #[test]
    fn a_plan_travels_flat() {
        let plan = Plan {
            header: PlanHeader {
                id: "plan-ou-12-2026".into(),
                org_unit_id: "ou-12".into(),
                year: 2026,
                title: "Kế hoạch phòng, chống mại dâm năm 2026".into(),
                issuer: "UBND tỉnh Lai Châu".into(),
                lead_agency: "Sở Y tế tỉnh Lai Châu".into(),
                recipients: vec!["Bộ Y tế".into(), "Lưu: VT".into()],
            },
            copied_from: None,
            to_confirm: true,
            targets: vec![PlanTarget {
                indicator_code: "PCMD-TT01".into(),
                op: Op::AtLeast,
                value: 70.0,
                to_confirm: true,
            }],
        };
        let json = serde_json::to_value(&plan).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"id": "plan-ou-12-2026", "org_unit_id": "ou-12", "year": 2026,
                "title": "Kế hoạch phòng, chống mại dâm năm 2026", "issuer": "UBND tỉnh Lai Châu",
                "lead_agency": "Sở Y tế tỉnh Lai Châu", "recipients": ["Bộ Y tế", "Lưu: VT"],
                "copied_from": null, "to_confirm": true,
                "targets": [{"indicator_code": "PCMD-TT01", "op": ">=", "value": 70.0,
                             "to_confirm": true}]})
        );
        assert_eq!(serde_json::from_value::<Plan>(json).unwrap(), plan);
    }
}
