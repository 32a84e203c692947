//! Yearly plans as data (`domain::plan`): which plan is in force for a unit, and creating and
//! changing plans with their rules, shared by the admin API, the older targets API and the demo
//! data. Every change is written to the audit log (`plan.create`, `plan.update`,
//! `plan.target_set`, `plan.target_delete`, `plan.confirm`).
//!
//! Rules decided here:
//! - A plan's id is `plan-<org unit id>-<year>`: one plan per unit and year, and the id says which.
//! - The plan in force for (unit, year) is the unit's own plan of that year, else its nearest
//!   ancestor's (parent links), so a commune carries out its district's or province's plan until it
//!   has its own.
//! - A copy (`copy_from`) takes the source's targets and, for every unit in the new plan's unit's
//!   subtree that exists in the new year, the source year's baselines, all marked `to_confirm`
//!   (baselines the new year already has are kept). Its header defaults to the source's, with the
//!   year in the title written as the new one.
//! - Header texts are trimmed, 1 to `MAX_TITLE` (title) or `MAX_NAME` characters, without control
//!   characters; at most `MAX_RECIPIENTS` recipient lines of 1 to `MAX_NAME` characters.

use crate::api::check_year;
use crate::error::{ApiError, FieldProblem};
use crate::model::{ancestors, subtree, Actor, Baseline, Indicator, OrgUnit, StoredPlan};
use crate::store::{Store, StoreError};
use domain::indicator::{Op, Target};
use domain::plan::{
    title_for_year, Plan, PlanHeader, PlanTarget, MAX_NAME, MAX_RECIPIENTS, MAX_TITLE,
};
use serde_json::{json, Map, Value};
use std::collections::{BTreeSet, HashMap};

pub fn plan_id(org_unit_id: &str, year: i32) -> String {
    format!("plan-{org_unit_id}-{year}")
}

/// The plan of `year` in force for the unit: its own, else its nearest ancestor's.
pub fn in_force<'a>(
    plans: &'a [StoredPlan],
    units: &[OrgUnit],
    unit_id: &str,
    year: i32,
) -> Option<&'a StoredPlan> {
    std::iter::once(unit_id)
        .chain(ancestors(units, unit_id))
        .find_map(|id| {
            plans
                .iter()
                .find(|plan| plan.header.org_unit_id == id && plan.header.year == year)
        })
}

/// The people's committee of a unit: "Huyện Tam Đường" → "UBND huyện Tam Đường".
pub fn committee_of(unit: &OrgUnit) -> String {
    let mut chars = unit.name.chars();
    let name: String = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    format!("UBND {name}")
}

/// What a plan is made from. Header fields left `None` come from `copy_from`'s plan; without one
/// they are required. `targets` are set (confirmed unless they say otherwise) over any copied.
#[derive(Clone, Debug, Default)]
pub struct NewPlan {
    pub org_unit_id: String,
    pub year: i32,
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub lead_agency: Option<String>,
    pub recipients: Option<Vec<String>>,
    /// The id of a plan to copy.
    pub copy_from: Option<String>,
    pub targets: Vec<PlanTarget>,
}

impl NewPlan {
    /// A plan with the header a unit's name gives: "Kế hoạch phòng, chống mại dâm năm <year>",
    /// issued and led by the unit's people's committee, no recipients and no targets.
    pub fn named_after(unit: &OrgUnit, year: i32) -> NewPlan {
        NewPlan {
            org_unit_id: unit.id.clone(),
            year,
            title: Some(format!("Kế hoạch phòng, chống mại dâm năm {year}")),
            issuer: Some(committee_of(unit)),
            lead_agency: Some(committee_of(unit)),
            recipients: Some(Vec::new()),
            ..NewPlan::default()
        }
    }
}

/// Changes to a plan's header; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct HeaderChange {
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub lead_agency: Option<String>,
    pub recipients: Option<Vec<String>>,
}

/// Creates the plan (422 with every field error, 409 `plan_exists`) and writes `plan.create`.
pub async fn create(store: &Store, new: NewPlan, actor: &Actor) -> Result<Plan, ApiError> {
    let units = store.org_units().await?;
    let indicators = store.indicators().await?;
    let mut errors = Vec::new();
    let year_known = match check_year(new.year) {
        Ok(_) => true,
        Err(error) => {
            errors.extend(error.errors);
            false
        }
    };
    match units.iter().find(|unit| unit.id == new.org_unit_id) {
        None => errors.push(FieldProblem::new(
            "org_unit_id",
            "unknown",
            "No org unit has this id.",
        )),
        Some(unit) if year_known && !valid_in(unit, new.year) => errors.push(FieldProblem::new(
            "org_unit_id",
            "not_valid_in_year",
            "This unit did not exist during that year.",
        )),
        Some(_) => {}
    }
    let source = match &new.copy_from {
        None => None,
        Some(id) => {
            let source = store.plan(id).await?;
            if source.is_none() {
                errors.push(FieldProblem::new(
                    "copy_from",
                    "unknown",
                    "No plan has this id.",
                ));
            }
            source
        }
    };
    let header = new_header(&new, source.as_ref().map(|plan| &plan.header));
    let targets = planned_targets(&indicators, source.as_ref(), new.targets);
    let (header, targets) = match (header, targets) {
        (Ok(header), Ok(targets)) if errors.is_empty() => (header, targets),
        (header, targets) => {
            errors.extend(header.err().into_iter().flatten());
            errors.extend(targets.err().into_iter().flatten());
            return Err(ApiError::invalid(errors));
        }
    };
    let plan = StoredPlan {
        header,
        copied_from: source.as_ref().map(|plan| plan.header.id.clone()),
        targets,
    };
    let baselines = match &source {
        Some(source) => copied_baselines(store, &units, source, &plan.header).await?,
        None => Vec::new(),
    };
    let copied = match store
        .insert_plan(&plan, &baselines, crate::clock::now_ms())
        .await
    {
        Ok(copied) => copied,
        Err(StoreError::Duplicate) => {
            return Err(ApiError::conflict(
                "plan_exists",
                "This unit already has a plan for that year.",
            ))
        }
        Err(other) => return Err(other.into()),
    };
    let detail = json!({
        "org_unit_id": plan.header.org_unit_id,
        "year": plan.header.year,
        "copied_from": plan.copied_from,
        "targets": plan.targets.len(),
        "baselines_copied": copied,
    });
    store
        .append_audit(&actor.did("plan.create", &plan.header.id, detail))
        .await?;
    shown_one(store, plan).await
}

/// Writes the changed header fields (422 with every field error) and `plan.update`.
pub async fn update(
    store: &Store,
    mut plan: StoredPlan,
    change: HeaderChange,
    actor: &Actor,
) -> Result<Plan, ApiError> {
    let mut errors = Vec::new();
    // What changed, for the audit log.
    let mut detail = Map::new();
    let header = &mut plan.header;
    for (field, value, max, slot) in [
        ("title", change.title, MAX_TITLE, &mut header.title),
        ("issuer", change.issuer, MAX_NAME, &mut header.issuer),
        (
            "lead_agency",
            change.lead_agency,
            MAX_NAME,
            &mut header.lead_agency,
        ),
    ] {
        if let Some(text) = value {
            match check_text(field, &text, max) {
                Ok(text) => {
                    detail.insert(field.into(), json!(text));
                    *slot = text;
                }
                Err(error) => errors.push(error),
            }
        }
    }
    if let Some(lines) = change.recipients {
        match check_recipients(&lines) {
            Ok(lines) => {
                detail.insert("recipients".into(), json!(lines));
                header.recipients = lines;
            }
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    store.update_plan(header, crate::clock::now_ms()).await?;
    store
        .append_audit(&actor.did("plan.update", &header.id, Value::Object(detail)))
        .await?;
    shown_one(store, plan).await
}

/// The indicator with this code, else 404: a target is set for a known indicator only.
pub async fn indicator(store: &Store, code: &str) -> Result<Indicator, ApiError> {
    store
        .indicators()
        .await?
        .into_iter()
        .find(|indicator| indicator.code == code)
        .ok_or_else(ApiError::not_found)
}

/// A target as an admin sends it: `>=`, `<=` or `=`, and a number of 0 or more (percent for
/// ratios).
pub fn parse_target(op: &str, value: f64) -> Result<Target, ApiError> {
    let op = Op::parse(op);
    let mut errors = Vec::new();
    if op.is_none() {
        errors.push(FieldProblem::new(
            "op",
            "unknown",
            "The op must be >=, <= or =.",
        ));
    }
    errors.extend(check_value(value).err());
    match op {
        Some(op) if errors.is_empty() => Ok(Target { op, value }),
        _ => Err(ApiError::invalid(errors)),
    }
}

/// Sets the target of `code` in the plan, confirmed, and writes `plan.target_set`.
pub async fn set_target(
    store: &Store,
    plan_id: &str,
    code: &str,
    target: Target,
    actor: &Actor,
) -> Result<(), ApiError> {
    let target = PlanTarget {
        indicator_code: code.to_string(),
        op: target.op,
        value: target.value,
        to_confirm: false,
    };
    store
        .set_plan_target(plan_id, &target, crate::clock::now_ms())
        .await?;
    let detail = json!({"op": target.op, "value": target.value});
    store
        .append_audit(&actor.did("plan.target_set", &format!("{plan_id}/{code}"), detail))
        .await?;
    Ok(())
}

/// Removes the target of `code` from the plan, writing `plan.target_delete` if there was one.
pub async fn delete_target(
    store: &Store,
    plan_id: &str,
    code: &str,
    actor: &Actor,
) -> Result<(), ApiError> {
    if store
        .delete_plan_target(plan_id, code, crate::clock::now_ms())
        .await?
    {
        let target = format!("{plan_id}/{code}");
        store
            .append_audit(&actor.did("plan.target_delete", &target, Value::Null))
            .await?;
    }
    Ok(())
}

/// Confirms every target of the plan and the baselines of its year of every unit in its subtree;
/// writes `plan.confirm` with how many of each it confirmed.
pub async fn confirm(store: &Store, plan: StoredPlan, actor: &Actor) -> Result<Plan, ApiError> {
    let units = store.org_units().await?;
    let below = subtree(&units, &plan.header.org_unit_id);
    let below: Vec<&str> = below.iter().map(String::as_str).collect();
    let (targets, baselines) = store
        .confirm_plan(
            &plan.header.id,
            plan.header.year,
            &below,
            crate::clock::now_ms(),
        )
        .await?;
    let detail = json!({"targets": targets, "baselines": baselines});
    store
        .append_audit(&actor.did("plan.confirm", &plan.header.id, detail))
        .await?;
    let plan = store
        .plan(&plan.header.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    shown_one(store, plan).await
}

/// The plans as the API shows them: each says whether anything of it is still to confirm.
pub async fn shown(
    store: &Store,
    units: &[OrgUnit],
    plans: Vec<StoredPlan>,
) -> Result<Vec<Plan>, StoreError> {
    let years: BTreeSet<i32> = plans.iter().map(|plan| plan.header.year).collect();
    let mut pending: HashMap<i32, Vec<String>> = HashMap::new();
    for year in years {
        let units_to_confirm = store
            .baselines(year)
            .await?
            .into_iter()
            .filter(|baseline| baseline.to_confirm)
            .map(|baseline| baseline.org_unit_id)
            .collect();
        pending.insert(year, units_to_confirm);
    }
    Ok(plans
        .into_iter()
        .map(|plan| {
            let below = subtree(units, &plan.header.org_unit_id);
            let baselines_pending = pending
                .get(&plan.header.year)
                .is_some_and(|ids| ids.iter().any(|id| below.contains(id)));
            Plan {
                to_confirm: baselines_pending || plan.targets.iter().any(|t| t.to_confirm),
                header: plan.header,
                copied_from: plan.copied_from,
                targets: plan.targets,
            }
        })
        .collect())
}

/// One plan as the API shows it.
pub async fn shown_one(store: &Store, plan: StoredPlan) -> Result<Plan, ApiError> {
    let units = store.org_units().await?;
    let mut shown = shown(store, &units, vec![plan]).await?;
    shown
        .pop()
        .ok_or_else(|| ApiError::internal("a plan shown is missing"))
}

/// The source year's baselines of the units under the new plan's unit that exist in its year, as
/// baselines of that year to confirm.
async fn copied_baselines(
    store: &Store,
    units: &[OrgUnit],
    source: &StoredPlan,
    header: &PlanHeader,
) -> Result<Vec<Baseline>, StoreError> {
    let below = subtree(units, &header.org_unit_id);
    let exists = |id: &str| {
        units
            .iter()
            .any(|unit| unit.id == id && valid_in(unit, header.year))
    };
    Ok(store
        .baselines(source.header.year)
        .await?
        .into_iter()
        .filter(|baseline| below.contains(&baseline.org_unit_id) && exists(&baseline.org_unit_id))
        .map(|baseline| Baseline {
            to_confirm: true,
            ..baseline
        })
        .collect())
}

/// The header of a new plan: each field as given, else the source's (`from`); every error at once.
fn new_header(new: &NewPlan, from: Option<&PlanHeader>) -> Result<PlanHeader, Vec<FieldProblem>> {
    let text =
        |field: &'static str, given: &Option<String>, copied: Option<String>, max| match given
            .clone()
            .or(copied)
        {
            Some(text) => check_text(field, &text, max),
            None => Err(required(field)),
        };
    let title = text(
        "title",
        &new.title,
        from.map(|h| title_for_year(&h.title, h.year, new.year)),
        MAX_TITLE,
    );
    let issuer = text(
        "issuer",
        &new.issuer,
        from.map(|h| h.issuer.clone()),
        MAX_NAME,
    );
    let lead_agency = text(
        "lead_agency",
        &new.lead_agency,
        from.map(|h| h.lead_agency.clone()),
        MAX_NAME,
    );
    let recipients = match new
        .recipients
        .clone()
        .or(from.map(|h| h.recipients.clone()))
    {
        Some(lines) => check_recipients(&lines),
        None => Err(required("recipients")),
    };
    match (title, issuer, lead_agency, recipients) {
        (Ok(title), Ok(issuer), Ok(lead_agency), Ok(recipients)) => Ok(PlanHeader {
            id: plan_id(&new.org_unit_id, new.year),
            org_unit_id: new.org_unit_id.clone(),
            year: new.year,
            title,
            issuer,
            lead_agency,
            recipients,
        }),
        (title, issuer, lead_agency, recipients) => Err([
            title.err(),
            issuer.err(),
            lead_agency.err(),
            recipients.err(),
        ]
        .into_iter()
        .flatten()
        .collect()),
    }
}

/// The source's targets to confirm, then those given over them, in report order.
fn planned_targets(
    indicators: &[Indicator],
    source: Option<&StoredPlan>,
    given: Vec<PlanTarget>,
) -> Result<Vec<PlanTarget>, Vec<FieldProblem>> {
    let mut targets: Vec<PlanTarget> = source
        .iter()
        .flat_map(|plan| &plan.targets)
        .map(|target| PlanTarget {
            to_confirm: true,
            ..target.clone()
        })
        .collect();
    let mut errors = Vec::new();
    for (n, target) in given.into_iter().enumerate() {
        if !indicators.iter().any(|i| i.code == target.indicator_code) {
            errors.push(FieldProblem::new(
                "targets",
                "unknown",
                format!("Target {}: no indicator has this code.", n + 1),
            ));
        } else if let Err(error) = check_value(target.value) {
            errors.push(error);
        }
        targets.retain(|t| t.indicator_code != target.indicator_code);
        targets.push(target);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let sort = |code: &str| indicators.iter().position(|i| i.code == code);
    targets.sort_by_key(|target| sort(&target.indicator_code));
    Ok(targets)
}

fn valid_in(unit: &OrgUnit, year: i32) -> bool {
    unit.valid_during(&format!("{year:04}-01-01"), &format!("{year:04}-12-31"))
}

fn required(field: &'static str) -> FieldProblem {
    FieldProblem::new(field, "required", "This field is required.")
}

/// Trimmed text of 1 to `max` characters without control characters.
fn check_text(field: &'static str, text: &str, max: usize) -> Result<String, FieldProblem> {
    let text = text.trim();
    let length = text.chars().count();
    if length == 0 {
        Err(required(field))
    } else if length > max {
        Err(FieldProblem::new(
            field,
            "too_long",
            format!("Use at most {max} characters."),
        ))
    } else if text.chars().any(char::is_control) {
        Err(FieldProblem::new(
            field,
            "invalid",
            "Line breaks and control characters are not allowed.",
        ))
    } else {
        Ok(text.to_string())
    }
}

fn check_recipients(lines: &[String]) -> Result<Vec<String>, FieldProblem> {
    if lines.len() > MAX_RECIPIENTS {
        return Err(FieldProblem::new(
            "recipients",
            "too_many",
            format!("Give at most {MAX_RECIPIENTS} lines."),
        ));
    }
    lines
        .iter()
        .enumerate()
        .map(|(n, line)| {
            check_text("recipients", line, MAX_NAME).map_err(|error| {
                FieldProblem::new(
                    "recipients",
                    &error.code,
                    format!("Line {}: {}", n + 1, error.message),
                )
            })
        })
        .collect()
}

fn check_value(value: f64) -> Result<(), FieldProblem> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(FieldProblem::new(
            "value",
            "invalid",
            "The value must be a number, 0 or more.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units() -> Vec<OrgUnit> {
        crate::seed::reference_data().unwrap().units
    }

    fn plan_of(unit: &str, year: i32) -> StoredPlan {
        StoredPlan {
            header: PlanHeader {
                id: plan_id(unit, year),
                org_unit_id: unit.into(),
                year,
                title: "Kế hoạch".into(),
                issuer: "UBND".into(),
                lead_agency: "Sở Y tế".into(),
                recipients: Vec::new(),
            },
            copied_from: None,
            targets: Vec::new(),
        }
    }

    #[test]
    fn the_nearest_plan_of_the_year_is_in_force() {
        let units = units();
        let plans = [
            plan_of("ou-106", 2023),
            plan_of("ou-12", 2023),
            plan_of("ou-12", 2026),
            plan_of("ou-03390-20250701", 2027),
        ];
        let id = |unit: &str, year| {
            in_force(&plans, &units, unit, year).map(|plan| plan.header.id.as_str())
        };
        assert_eq!(id("ou-106", 2023), Some("plan-ou-106-2023"));
        assert_eq!(id("ou-03412", 2023), Some("plan-ou-106-2023"));
        assert_eq!(id("ou-105", 2023), Some("plan-ou-12-2023"));
        assert_eq!(id("ou-03390-20250701", 2026), Some("plan-ou-12-2026"));
        assert_eq!(
            id("ou-03390-20250701", 2027),
            Some("plan-ou-03390-20250701-2027")
        );
        assert_eq!(id("ou-03412", 2024), None);
        assert_eq!(id("ou-unknown", 2023), None);
    }

    #[test]
    fn the_committee_is_named_after_the_unit() {
        let units = units();
        let unit = |id: &str| units.iter().find(|unit| unit.id == id).unwrap();
        assert_eq!(committee_of(unit("ou-106")), "UBND huyện Tam Đường");
        assert_eq!(committee_of(unit("ou-03390")), "UBND thị trấn Tam Đường");
        assert_eq!(committee_of(unit("ou-12")), "UBND tỉnh Lai Châu");
    }

    #[test]
    fn header_texts_are_trimmed_and_bounded() {
        assert_eq!(check_text("title", "  Kế hoạch  ", 10).unwrap(), "Kế hoạch");
        assert_eq!(check_text("title", " ", 10).unwrap_err().code, "required");
        assert_eq!(
            check_text("title", &"ạ".repeat(11), 10).unwrap_err().code,
            "too_long"
        );
        assert_eq!(
            check_text("title", &"ạ".repeat(10), 10)
                .unwrap()
                .chars()
                .count(),
            10
        );
        assert_eq!(check_text("title", "a\nb", 10).unwrap_err().code, "invalid");
        let lines = vec!["Lưu: VT".to_string(); MAX_RECIPIENTS + 1];
        assert_eq!(check_recipients(&lines).unwrap_err().code, "too_many");
        let lines = vec!["Sở Y tế".to_string(), " ".to_string()];
        let error = check_recipients(&lines).unwrap_err();
        assert!(error.message.starts_with("Line 2"), "{}", error.message);
        assert!(check_recipients(&[]).unwrap().is_empty());
    }

    #[test]
    fn targets_are_an_operator_and_a_number() {
        assert_eq!(
            parse_target("<=", 5.0).unwrap(),
            Target {
                op: Op::AtMost,
                value: 5.0
            }
        );
        assert_eq!(parse_target(">", -1.0).unwrap_err().errors.len(), 2);
        assert!(parse_target(">=", f64::NAN).is_err());
    }
}
