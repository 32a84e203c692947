//! What a caller may read and write: the one place that decides, used by every endpoint.
//!
//! Commune and health officers: their unit and the units below it. District officers: their unit
//! and every unit that was ever below it. Admins: the administration endpoints and the whole tree,
//! but of field records, which are for the commune's officers and the district's lead agency, only
//! tip-offs. Health officers read and write referrals only (they follow up the people referred to
//! them), never the other kinds of record. Tip-offs come from police work: a commune officer reads
//! only the tip-offs they recorded, district officers those of their units, and admins every
//! unit's. Indicators are aggregates: anyone reads those of their unit and the units below it.
//! Plans are public documents within the programme: anyone reads the plans of their unit, of the
//! units above it (the plans they carry out) and of the units below it; admins read them all.

use crate::model::{ancestors, subtree, OrgUnit, Role};
use domain::{Coded, RecordKind};
use std::collections::BTreeSet;

#[derive(Clone, Debug)]
pub struct Scope {
    role: Role,
    /// The officer's unit and every unit below it, at any date: parent links never change (a
    /// reorganisation creates new units), so this also covers records of closed units.
    subtree: BTreeSet<String>,
    /// The units above the officer's.
    ancestors: BTreeSet<String>,
}

impl Scope {
    pub fn new(role: Role, unit_id: &str, units: &[OrgUnit]) -> Scope {
        Scope {
            role,
            subtree: subtree(units, unit_id),
            ancestors: ancestors(units, unit_id)
                .into_iter()
                .map(String::from)
                .collect(),
        }
    }

    pub fn can_administer(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the unit appears in the caller's org-unit tree.
    pub fn can_see_unit(&self, unit_id: &str) -> bool {
        self.can_administer() || self.subtree.contains(unit_id)
    }

    /// Records are read and written alike: whoever may read one may also correct it.
    pub fn can_write_record(&self, kind: RecordKind, unit_id: &str) -> bool {
        self.record_kinds().contains(&kind) && self.subtree.contains(unit_id)
    }

    /// The kinds of record the caller may read and write; none for an admin.
    pub fn record_kinds(&self) -> &'static [RecordKind] {
        match self.role {
            Role::CommuneOfficer | Role::DistrictOfficer => RecordKind::ALL,
            Role::HealthOfficer => &[RecordKind::Referral],
            Role::Admin => &[],
        }
    }

    /// The units whose records the caller may read, sorted; none for an admin.
    pub fn unit_ids(&self) -> Vec<&str> {
        if self.record_kinds().is_empty() {
            Vec::new()
        } else {
            self.subtree.iter().map(String::as_str).collect()
        }
    }

    /// Whether the unit is the caller's or below it: whose aggregate figures they may read.
    pub fn covers_unit(&self, unit_id: &str) -> bool {
        self.subtree.contains(unit_id)
    }

    /// Whether the caller may read the plans issued by this unit.
    pub fn can_read_plans_of(&self, unit_id: &str) -> bool {
        self.can_administer() || self.subtree.contains(unit_id) || self.ancestors.contains(unit_id)
    }

    /// The kinds of record the caller may read: what they write, and tip-offs for an admin.
    pub fn readable_kinds(&self) -> &'static [RecordKind] {
        match self.role {
            Role::Admin => &[RecordKind::TipOff],
            _ => self.record_kinds(),
        }
    }

    /// Whether the caller reads records of every unit (an admin, who reads tip-offs only).
    pub fn reads_every_unit(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the caller reads, and corrects, only the tip-offs they recorded themselves.
    pub fn reads_only_own_tip_offs(&self) -> bool {
        self.role == Role::CommuneOfficer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units() -> Vec<OrgUnit> {
        crate::seed::reference_data().unwrap().units
    }

    fn reaches(scope: &Scope, unit: &str) -> bool {
        scope.can_write_record(RecordKind::OutreachSession, unit)
    }

    #[test]
    fn a_district_officer_reaches_every_commune_ever_below_the_district() {
        let scope = Scope::new(Role::DistrictOfficer, "ou-106", &units());
        for unit in ["ou-106", "ou-03412", "ou-03390", "ou-03397"] {
            assert!(reaches(&scope, unit), "{unit}");
            assert!(scope.can_see_unit(unit), "{unit}");
        }
        for unit in ["ou-12", "ou-105", "ou-03390-20250701", "ou-unknown"] {
            assert!(!reaches(&scope, unit), "{unit}");
            assert!(!scope.can_see_unit(unit), "{unit}");
        }
        assert_eq!(scope.unit_ids().len(), 15);
        assert_eq!(scope.record_kinds(), RecordKind::ALL);
        assert!(!scope.can_administer());
    }

    #[test]
    fn a_commune_officer_reaches_only_their_commune() {
        let scope = Scope::new(Role::CommuneOfficer, "ou-03412", &units());
        assert_eq!(scope.unit_ids(), ["ou-03412"]);
        assert!(scope.reads_only_own_tip_offs());
        assert!(scope.covers_unit("ou-03412") && !scope.covers_unit("ou-106"));
        for unit in ["ou-03412", "ou-106", "ou-12"] {
            assert!(scope.can_read_plans_of(unit), "{unit}");
        }
        for unit in ["ou-03413", "ou-105", "ou-03390-20250701"] {
            assert!(!scope.can_read_plans_of(unit), "{unit}");
        }
        for kind in RecordKind::ALL {
            assert!(scope.can_write_record(*kind, "ou-03412"), "{kind:?}");
        }
        for unit in ["ou-03413", "ou-106", "ou-03390-20250701"] {
            assert!(!reaches(&scope, unit), "{unit}");
        }
    }

    #[test]
    fn a_health_officer_reaches_only_the_referrals_of_their_subtree() {
        let scope = Scope::new(Role::HealthOfficer, "ou-106", &units());
        assert_eq!(scope.record_kinds(), [RecordKind::Referral]);
        assert!(scope.can_write_record(RecordKind::Referral, "ou-03430"));
        assert!(!scope.can_write_record(RecordKind::Referral, "ou-107"));
        assert!(!scope.can_write_record(RecordKind::OutreachSession, "ou-03430"));
        assert!(!scope.can_administer());
    }

    #[test]
    fn an_admin_sees_the_whole_tree_but_no_records() {
        let scope = Scope::new(Role::Admin, "ou-106", &units());
        assert!(scope.can_administer());
        assert!(scope.can_see_unit("ou-107"));
        assert!(scope.can_see_unit("ou-03390-20250701"));
        assert!(scope.can_read_plans_of("ou-105"));
        assert!(scope.unit_ids().is_empty());
        assert!(scope.record_kinds().is_empty());
        assert_eq!(scope.readable_kinds(), [RecordKind::TipOff]);
        assert!(scope.reads_every_unit());
        for unit in ["ou-106", "ou-03412"] {
            assert!(
                !scope.can_write_record(RecordKind::Referral, unit),
                "{unit}"
            );
        }
    }
}
