//! What a caller may read and write: the one place that decides, used by every endpoint.
//!
//! Commune and health officers: their unit and the units below it. District and province officers
//! (the lead agency of a plan): their unit and every unit that was ever below it. Every officer
//! also reaches the predecessors of those units (the units whose successor links lead to one,
//! transitively) and the units below them: an officer of a commune made by a merger keeps the
//! records of the communes merged into it. Admins: the administration endpoints over their unit and
//! the units below it, like everyone's reach (a province runs several districts on one server: a
//! district's admin manages that district's accounts, units, plans, baselines and audit entries,
//! never another's); of field records, which are for the commune's officers and the district's
//! lead agency, they read only tip-offs. Health officers read and write referrals only (they follow
//! up the people referred to them), never the other kinds of record. Receiving services'
//! accounts (`service_provider`) read no records and no figures: one referral at a time, by the
//! code on its slip, if it asks for their service from a unit at or below theirs (`api::slips`).
//! Tip-offs come from police work: a commune officer reads only the tip-offs they recorded, district and province officers
//! and admins those of their units. Indicators are aggregates: anyone reads those of their unit and
//! the units below it, with small counts shown only to the unit's own (`reads_full_figures`).
//! Plans are public documents within the programme: anyone reads the plans of their unit, of the
//! units above it (the plans they carry out) and of the units below it.

use crate::model::{ancestors, OrgUnit, Role};
use domain::{Coded, RecordKind};
use std::collections::{BTreeSet, HashMap};

#[derive(Clone, Debug)]
pub struct Scope {
    role: Role,
    /// The officer's unit and every unit below it, at any date (parent links never change: a
    /// reorganisation creates new units, so this also covers records of closed units), with the
    /// predecessors of each and the units below those.
    subtree: BTreeSet<String>,
    /// The units above the officer's.
    ancestors: BTreeSet<String>,
}

impl Scope {
    pub fn new(role: Role, unit_id: &str, units: &[OrgUnit]) -> Scope {
        // Both links point back in the tree's history: to the units below, and to the units merged
        // into this one. Never forward to a successor, which is another officer's.
        let mut reached_from: HashMap<&str, Vec<&str>> = HashMap::new();
        for unit in units {
            if let Some(parent) = unit.parent_id.as_deref() {
                reached_from.entry(parent).or_default().push(&unit.id);
            }
            for successor in &unit.successor_ids {
                reached_from.entry(successor).or_default().push(&unit.id);
            }
        }
        let mut subtree = BTreeSet::new();
        let mut pending = vec![unit_id];
        while let Some(id) = pending.pop() {
            if subtree.insert(id.to_string()) {
                pending.extend(reached_from.get(id).into_iter().flatten());
            }
        }
        Scope {
            role,
            subtree,
            ancestors: ancestors(units, unit_id)
                .into_iter()
                .map(String::from)
                .collect(),
        }
    }

    /// Whether the caller reaches the administration endpoints at all.
    pub fn can_administer(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the caller administers this unit: its accounts, the unit itself, its plans and
    /// baselines. An admin, for a unit of their tree.
    pub fn administers(&self, unit_id: &str) -> bool {
        self.can_administer() && self.subtree.contains(unit_id)
    }

    /// The units an admin administers, sorted; none for others.
    pub fn administered_units(&self) -> Vec<&str> {
        match self.can_administer() {
            true => self.subtree.iter().map(String::as_str).collect(),
            false => Vec::new(),
        }
    }

    /// Whether the caller's tree is the whole of theirs: no unit above it. What belongs to no unit
    /// (sign-ins under a name nobody has) is for the admins of such a unit.
    pub fn is_at_top(&self) -> bool {
        self.ancestors.is_empty()
    }

    /// Whether the unit appears in the caller's org-unit tree.
    pub fn can_see_unit(&self, unit_id: &str) -> bool {
        self.subtree.contains(unit_id)
    }

    /// Records are read and written alike: whoever may read one may also correct it.
    pub fn can_write_record(&self, kind: RecordKind, unit_id: &str) -> bool {
        self.record_kinds().contains(&kind) && self.subtree.contains(unit_id)
    }

    /// The kinds of record the caller may read and write; none for an admin.
    pub fn record_kinds(&self) -> &'static [RecordKind] {
        match self.role {
            Role::CommuneOfficer | Role::DistrictOfficer | Role::ProvinceOfficer => RecordKind::ALL,
            Role::HealthOfficer => &[RecordKind::Referral],
            // A receiving service reads one referral at a time, by its slip (`api::slips`).
            Role::Admin | Role::ServiceProvider => &[],
        }
    }

    /// The units whose records the caller may read, sorted.
    pub fn unit_ids(&self) -> Vec<&str> {
        if self.readable_kinds().is_empty() {
            Vec::new()
        } else {
            self.subtree.iter().map(String::as_str).collect()
        }
    }

    /// Whether the unit is the caller's or below it: whose aggregate figures they may read.
    pub fn covers_unit(&self, unit_id: &str) -> bool {
        self.role != Role::ServiceProvider && self.subtree.contains(unit_id)
    }

    /// Whether a referral from this unit may reach a receiving service of the caller's unit: a
    /// unit at or below it. A receiving service's reach, kept apart from every other.
    pub fn receives_from(&self, unit_id: &str) -> bool {
        self.role == Role::ServiceProvider && self.subtree.contains(unit_id)
    }

    /// Whether the caller is of the unit's own, who may have its figures with small counts shown
    /// (`crate::suppression`): the officers who record for the unit and read its records
    /// themselves, those of the unit and of the units above it that lead it (commune, district and
    /// province officers; since 2025 the province leads its communes). Health officers (referrals
    /// only) and admins (no field records) are outside: figures reach them with small counts hidden.
    pub fn reads_full_figures(&self, unit_id: &str) -> bool {
        self.record_kinds() == RecordKind::ALL && self.covers_unit(unit_id)
    }

    /// Whether the caller may read the plans issued by this unit.
    pub fn can_read_plans_of(&self, unit_id: &str) -> bool {
        self.subtree.contains(unit_id) || self.ancestors.contains(unit_id)
    }

    /// The kinds of record the caller may read: what they write, and tip-offs for an admin.
    pub fn readable_kinds(&self) -> &'static [RecordKind] {
        match self.role {
            Role::Admin => &[RecordKind::TipOff],
            _ => self.record_kinds(),
        }
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
    fn the_officer_of_a_merged_commune_reaches_the_communes_merged_into_it() {
        let scope = Scope::new(Role::CommuneOfficer, "ou-03390-20250701", &units());
        assert_eq!(
            scope.unit_ids(),
            ["ou-03390", "ou-03390-20250701", "ou-03412", "ou-03413"],
            "Thị trấn Tam Đường, Bình Lư and Sơn Bình became the new Bình Lư"
        );
        for unit in ["ou-03412", "ou-03390"] {
            assert!(reaches(&scope, unit) && scope.covers_unit(unit), "{unit}");
        }
        // Neither the district above the old communes nor their neighbours.
        for unit in ["ou-106", "ou-12", "ou-03394", "ou-03405-20250701"] {
            assert!(!reaches(&scope, unit), "{unit}");
            assert!(!scope.can_see_unit(unit), "{unit}");
        }
        let ward = Scope::new(Role::CommuneOfficer, "ou-03408-20250701", &units());
        assert_eq!(
            ward.unit_ids(),
            ["ou-03408-20250701", "ou-03415", "ou-03418"]
        );
    }

    /// A unit for a made-up tree.
    fn unit(id: &str, parent: Option<&str>, successors: &[&str]) -> OrgUnit {
        OrgUnit {
            id: id.into(),
            code: id.into(),
            name: id.into(),
            level: crate::model::Level::Commune,
            parent_id: parent.map(String::from),
            valid_from: None,
            valid_to: None,
            successor_ids: successors.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn predecessors_count_transitively_with_the_units_below_them() {
        // A (with village a1) became B, B became C; village y1 of Y became c1 of C; D is apart.
        let units = [
            unit("A", None, &["B"]),
            unit("a1", Some("A"), &[]),
            unit("B", None, &["C"]),
            unit("C", None, &[]),
            unit("c1", Some("C"), &[]),
            unit("Y", None, &[]),
            unit("y1", Some("Y"), &["c1"]),
            unit("D", None, &["E"]),
        ];
        let scope = Scope::new(Role::CommuneOfficer, "C", &units);
        assert_eq!(scope.unit_ids(), ["A", "B", "C", "a1", "c1", "y1"]);
        // Links lead back only: B's officer does not reach C, nor the village's old commune Y.
        let earlier = Scope::new(Role::CommuneOfficer, "B", &units);
        assert_eq!(earlier.unit_ids(), ["A", "B", "a1"]);
        assert!(!scope.covers_unit("Y") && !scope.covers_unit("D"));
    }

    #[test]
    fn a_province_officer_reaches_every_unit_below_the_province_ever() {
        let units = units();
        let scope = Scope::new(Role::ProvinceOfficer, "ou-12", &units);
        assert_eq!(scope.unit_ids().len(), units.len());
        for unit in ["ou-106", "ou-03412", "ou-03390-20250701", "ou-03397"] {
            assert!(reaches(&scope, unit) && scope.covers_unit(unit), "{unit}");
        }
        assert_eq!(scope.record_kinds(), RecordKind::ALL);
        assert!(!scope.reads_only_own_tip_offs());
        assert!(!scope.can_administer() && !scope.administers("ou-106"));
        assert!(scope.is_at_top() && scope.reads_full_figures("ou-03412"));
        assert!(!reaches(&scope, "ou-unknown"));
    }

    #[test]
    fn a_health_officer_reaches_only_the_referrals_of_their_subtree() {
        let scope = Scope::new(Role::HealthOfficer, "ou-106", &units());
        assert_eq!(scope.record_kinds(), [RecordKind::Referral]);
        assert!(scope.can_write_record(RecordKind::Referral, "ou-03430"));
        assert!(!scope.can_write_record(RecordKind::Referral, "ou-107"));
        assert!(!scope.can_write_record(RecordKind::OutreachSession, "ou-03430"));
        assert!(!scope.can_administer());
        assert!(
            !scope.reads_full_figures("ou-03430"),
            "outside the district's own"
        );
    }

    #[test]
    fn an_admin_administers_their_subtree_and_reads_only_its_tip_offs() {
        let units = units();
        let scope = Scope::new(Role::Admin, "ou-106", &units);
        assert!(scope.can_administer() && !scope.is_at_top());
        for unit in ["ou-106", "ou-03412", "ou-03397"] {
            assert!(
                scope.administers(unit) && scope.can_see_unit(unit),
                "{unit}"
            );
        }
        // Another district, the province, the communes made in 2025 under the province.
        for unit in ["ou-107", "ou-12", "ou-03390-20250701"] {
            assert!(
                !scope.administers(unit) && !scope.can_see_unit(unit),
                "{unit}"
            );
        }
        assert!(scope.can_read_plans_of("ou-12") && !scope.can_read_plans_of("ou-105"));
        assert_eq!(scope.unit_ids().len(), 15, "its tree, for tip-offs");
        assert!(scope.record_kinds().is_empty());
        assert_eq!(scope.readable_kinds(), [RecordKind::TipOff]);
        for unit in ["ou-106", "ou-03412"] {
            assert!(
                !scope.can_write_record(RecordKind::Referral, unit),
                "{unit}"
            );
            assert!(!scope.reads_full_figures(unit), "{unit}");
        }
        let province = Scope::new(Role::Admin, "ou-12", &units);
        assert!(province.is_at_top());
        assert_eq!(province.unit_ids().len(), units.len());
        for unit in ["ou-107", "ou-106", "ou-03390-20250701"] {
            assert!(province.administers(unit), "{unit}");
        }
    }
}
