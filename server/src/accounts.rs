//! Officer accounts: the rules for usernames, display names, roles, units and passwords, and
//! creating an account, shared by the command line, the demo data and the admin API.

use crate::clock::now_ms;
use crate::error::{ApiError, FieldProblem};
use crate::model::{Actor, Officer, OrgUnit, ReceivingService, Role, ServiceRef, UnitRef};
use crate::password;
use crate::store::{Store, StoreError};
use domain::Coded;
use serde_json::json;

/// What an account is made from, as typed by an administrator.
pub struct NewOfficer {
    pub username: String,
    pub display_name: Option<String>,
    pub role: String,
    pub org_unit_id: String,
    /// A `service_provider`'s receiving service; left out, the one service of the unit.
    pub receiving_service_id: Option<String>,
    pub password: String,
}

/// Creates the account and writes `user.create` to the audit log.
pub async fn create(store: &Store, new: NewOfficer, actor: &Actor) -> Result<Officer, ApiError> {
    let units = store.org_units().await?;
    let mut errors = Vec::new();
    errors.extend(check_username(&new.username));
    let display_name = new.display_name.unwrap_or_else(|| new.username.clone());
    errors.extend(check_display_name(&display_name));
    let role = parse_role(&new.role)
        .map_err(|error| errors.push(error))
        .ok();
    let unit = find_unit(&units, &new.org_unit_id)
        .map_err(|error| errors.push(error))
        .ok();
    errors.extend(check_password(&new.password));
    let services = store.receiving_services().await?;
    let receiving_service = match (role, &unit) {
        (Some(role), Some(unit)) => receiving_service_of(
            role,
            &unit.id,
            new.receiving_service_id.as_deref(),
            &services,
        )
        .map_err(|error| errors.push(error))
        .ok()
        .flatten(),
        _ => None,
    };
    let (Some(role), Some(unit), true) = (role, unit, errors.is_empty()) else {
        return Err(ApiError::invalid(errors));
    };
    let hash = password::hash(new.password).await?;
    let now = now_ms();
    let officer = Officer {
        id: uuid::Uuid::new_v4().to_string(),
        username: new.username,
        display_name: display_name.trim().to_string(),
        role,
        org_unit: unit,
        receiving_service,
        disabled: false,
        created_at: now,
        updated_at: now,
    };
    match store.insert_officer(&officer, &hash).await {
        Ok(()) => {}
        Err(StoreError::Duplicate) => {
            return Err(ApiError::conflict(
                "username_taken",
                "An officer with this username already exists.",
            ))
        }
        Err(other) => return Err(other.into()),
    }
    let detail = json!({
        "username": officer.username,
        "display_name": officer.display_name,
        "role": officer.role,
        "org_unit_id": officer.org_unit.id,
        "receiving_service_id": officer.receiving_service.as_ref().map(|service| &service.id),
    });
    store
        .append_audit(&actor.did("user.create", &officer.id, detail))
        .await?;
    Ok(officer)
}

/// 3 to 32 of `a-z 0-9 . _ -`: typed on phones, compared exactly.
pub fn check_username(username: &str) -> Option<FieldProblem> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c);
    let fits = (3..=32).contains(&username.len()) && username.chars().all(allowed);
    (!fits).then(|| {
        FieldProblem::new(
            "username",
            "invalid",
            "Use 3 to 32 lowercase letters, digits, '.', '_' or '-'.",
        )
    })
}

pub fn check_display_name(name: &str) -> Option<FieldProblem> {
    let length = name.trim().chars().count();
    (length == 0 || length > 100).then(|| {
        FieldProblem::new(
            "display_name",
            "invalid",
            "Give a name of 1 to 100 characters.",
        )
    })
}

pub fn check_password(password: &str) -> Option<FieldProblem> {
    let length = password.chars().count();
    if length < password::MIN_LENGTH {
        Some(FieldProblem::new(
            "password",
            "too_short",
            format!("Use at least {} characters.", password::MIN_LENGTH),
        ))
    } else if length > password::MAX_LENGTH {
        Some(FieldProblem::new(
            "password",
            "too_long",
            format!("Use at most {} characters.", password::MAX_LENGTH),
        ))
    } else {
        None
    }
}

pub fn parse_role(role: &str) -> Result<Role, FieldProblem> {
    Role::parse(role).ok_or_else(|| {
        let known: Vec<&str> = Role::ALL.iter().map(|role| role.as_str()).collect();
        FieldProblem::new(
            "role",
            "unknown",
            format!("The role must be one of {}.", known.join(", ")),
        )
    })
}

/// The receiving service of an account of `role` at `unit_id`: a `service_provider` belongs to a
/// live service of its own unit (`wanted`, or the unit's only one); no other role has one.
pub fn receiving_service_of(
    role: Role,
    unit_id: &str,
    wanted: Option<&str>,
    services: &[ReceivingService],
) -> Result<Option<ServiceRef>, FieldProblem> {
    let problem = |message: &str| FieldProblem::new("receiving_service_id", "invalid", message);
    if role != Role::ServiceProvider {
        return match wanted {
            Some(_) => Err(problem(
                "Only a service_provider account belongs to a receiving service.",
            )),
            None => Ok(None),
        };
    }
    let of_unit: Vec<&ReceivingService> = services
        .iter()
        .filter(|service| service.org_unit_id == unit_id && !service.retired)
        .collect();
    let found = match wanted {
        Some(id) => of_unit.iter().find(|service| service.id == id),
        None if of_unit.len() == 1 => of_unit.first(),
        None => None,
    };
    match found {
        Some(service) => Ok(Some(ServiceRef {
            id: service.id.clone(),
            name: service.name.clone(),
        })),
        None if of_unit.is_empty() => Err(problem(
            "This unit has no receiving service: an admin adds one first.",
        )),
        None => {
            let ids: Vec<&str> = of_unit.iter().map(|service| service.id.as_str()).collect();
            Err(problem(&format!(
                "Name one of this unit's receiving services: {}.",
                ids.join(", ")
            )))
        }
    }
}

/// The unit an account belongs to, by internal id.
pub fn find_unit(units: &[OrgUnit], id: &str) -> Result<UnitRef, FieldProblem> {
    units
        .iter()
        .find(|unit| unit.id == id)
        .map(UnitRef::from)
        .ok_or_else(|| FieldProblem::new("org_unit_id", "unknown", "No org unit has this id."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_short_plain_words() {
        for good in ["huyen", "binh.lu", "can_bo-01", "abc"] {
            assert_eq!(check_username(good), None, "{good}");
        }
        for bad in ["ab", "Huyen", "cán bộ", "a b c", "", &"x".repeat(33)] {
            assert!(check_username(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert_eq!(check_password("12345678"), None);
        assert_eq!(check_password("mật khẩu"), None, "characters, not bytes");
        assert_eq!(check_password("1234567").unwrap().code, "too_short");
        assert_eq!(check_password(&"x".repeat(257)).unwrap().code, "too_long");
    }

    #[test]
    fn roles_and_units_must_exist() {
        assert_eq!(parse_role("district_officer"), Ok(Role::DistrictOfficer));
        assert_eq!(parse_role("province_officer"), Ok(Role::ProvinceOfficer));
        assert_eq!(parse_role("boss").unwrap_err().field, "role");
        let units = crate::seed::reference_data().unwrap().units;
        assert_eq!(find_unit(&units, "ou-03412").unwrap().name, "Xã Bình Lư");
        assert_eq!(find_unit(&units, "03412").unwrap_err().field, "org_unit_id");
    }
}
