//! What the server keeps: org units, officers and their roles, sessions, the audit log, indicators,
//! plans with their targets, baselines, and the rows of field records.

use crate::store::StoreError;
use domain::plan::{PlanHeader, PlanTarget};
use domain::sync::StoredRecord;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

pub use domain::api::{
    Baseline, BaselineName, Indicator, IndicatorKind, Level, OrgUnit, ReceivingService, Role,
    ServiceRef, UnitRef,
};

/// A stored or requested value that is not one of the known words.
#[derive(Debug, thiserror::Error)]
#[error("unknown value {0:?}")]
pub struct UnknownValue(pub String);

/// Closed vocabularies of the server's own, stored as TEXT: the wire word is the stored word.
/// (Those of the wire contract are `domain::api`'s.)
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident {
        $($(#[$variant_meta:meta])* $variant:ident => $word:literal),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$variant_meta])* #[serde(rename = $word)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            pub fn parse(word: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == word)
            }
        }

        impl TryFrom<String> for $name {
            type Error = UnknownValue;
            fn try_from(word: String) -> Result<Self, UnknownValue> {
                $name::parse(&word).ok_or(UnknownValue(word))
            }
        }
    };
}

/// The unit and every unit ever below it (parent links never change: a reorganisation creates new
/// units, so this also holds the closed units of past years).
pub fn subtree(units: &[OrgUnit], unit_id: &str) -> BTreeSet<String> {
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for unit in units {
        if let Some(parent) = unit.parent_id.as_deref() {
            children.entry(parent).or_default().push(&unit.id);
        }
    }
    let mut subtree = BTreeSet::new();
    let mut pending = vec![unit_id];
    while let Some(id) = pending.pop() {
        if subtree.insert(id.to_string()) {
            pending.extend(children.get(id).into_iter().flatten());
        }
    }
    subtree
}

/// The unit's parent, its parent's parent, and so on up to the top, nearest first.
pub fn ancestors<'a>(units: &'a [OrgUnit], unit_id: &str) -> Vec<&'a str> {
    let parent_of = |id: &str| {
        units
            .iter()
            .find(|unit| unit.id == id)
            .and_then(|unit| unit.parent_id.as_deref())
    };
    let mut found: Vec<&str> = Vec::new();
    let mut next = parent_of(unit_id);
    // A cycle in bad data must not hang the server.
    while let Some(id) = next.filter(|id| *id != unit_id && !found.contains(id)) {
        found.push(id);
        next = parent_of(id);
    }
    found
}

/// The unit an official code names: codes are reused after mergers, so the one valid on `today`,
/// else the one valid most recently.
pub fn unit_by_code<'a>(units: &'a [OrgUnit], code: &str, today: &str) -> Option<&'a OrgUnit> {
    let candidates = units.iter().filter(|unit| unit.code == code);
    candidates
        .clone()
        .find(|unit| unit.valid_during(today, today))
        .or_else(|| {
            candidates.max_by_key(|unit| {
                (
                    unit.valid_to.as_deref().unwrap_or("9999-12-31"),
                    &unit.valid_from,
                )
            })
        })
}

/// An officer's account as the store keeps it; the answers show it as `domain::api::Officer` and
/// `domain::api::User`.
#[derive(Clone, Debug, PartialEq)]
pub struct Officer {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_unit: UnitRef,
    /// A `service_provider` account's receiving service.
    pub receiving_service: Option<ServiceRef>,
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A server-side session; only the SHA-256 of its token is kept.
#[derive(Clone, Debug)]
pub struct Session {
    pub token_hash: String,
    pub officer_id: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A sign-in attempt as the throttle stores it (`login_failures`): the username tried, from
/// where, and the device only when it has a key for that officer (see `throttle`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginAttempt {
    pub username: String,
    pub ip: String,
    pub known_device: Option<String>,
    pub at: i64,
}

/// Whose failed sign-ins slow an attempt down (see `throttle`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureBucket<'a> {
    /// This username from this device, which has a key for them.
    Device {
        username: &'a str,
        device_id: &'a str,
    },
    /// This username from this address, on devices not known for them.
    UsernameAddress { username: &'a str, ip: &'a str },
    /// This username from anywhere, on devices not known for them.
    Username(&'a str),
    /// Every username from this address; only failures whose password was checked count.
    Address(&'a str),
}

/// What retention removes: sessions expired before `sessions`, failed sign-ins from before
/// `login_failures`, audit lines from before `audit` (epoch milliseconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PruneBefore {
    pub sessions: i64,
    pub login_failures: i64,
    pub audit: i64,
}

/// How many rows retention removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub sessions: u64,
    pub login_failures: u64,
    pub audit_lines: u64,
}

/// One line of the audit log: who (`officer_id`, `username`; for sign-ins the attempted name),
/// did what to what, from where. `detail` is JSON text.
#[derive(Clone, Debug, Default, PartialEq, sqlx::FromRow)]
pub struct AuditEntry {
    pub at: i64,
    pub officer_id: Option<String>,
    pub username: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub detail: Option<String>,
    pub ip: Option<String>,
}

/// Who is acting, for the audit log: a signed-in officer from an address, or (all `None`) the
/// server's command line.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub officer_id: Option<String>,
    pub username: Option<String>,
    pub ip: Option<String>,
}

impl Actor {
    pub fn officer(officer: &Officer, ip: &str) -> Actor {
        Actor {
            officer_id: Some(officer.id.clone()),
            username: Some(officer.username.clone()),
            ip: Some(ip.to_string()),
        }
    }

    /// An audit line for `action` on `target` now; `detail` says what changed.
    pub fn did(&self, action: &str, target: &str, detail: serde_json::Value) -> AuditEntry {
        AuditEntry {
            at: crate::clock::now_ms(),
            officer_id: self.officer_id.clone(),
            username: self.username.clone(),
            action: action.to_string(),
            target: Some(target.to_string()),
            detail: (!detail.is_null()).then(|| detail.to_string()),
            ip: self.ip.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct LoggedAudit {
    pub id: i64,
    #[sqlx(flatten)]
    pub entry: AuditEntry,
}

/// Which audit lines to read, newest first; `until` is exclusive.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub username: Option<String>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// Only lines of officers whose unit is one of these (an admin's subtree); `None`: every line.
    pub units: Option<Vec<String>>,
    pub limit: i64,
}

/// A plan as the store keeps it; `crate::plans` adds whether anything is still to confirm.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredPlan {
    pub header: PlanHeader,
    pub copied_from: Option<String>,
    /// In report order of the indicators.
    pub targets: Vec<PlanTarget>,
}

/// The reference data a new store starts with.
#[derive(Clone, Debug)]
pub struct Seed {
    pub units: Vec<OrgUnit>,
    pub indicators: Vec<Indicator>,
    pub plans: Vec<StoredPlan>,
}

/// A field record as the store keeps it: the newest version in `records`, every version in
/// `record_versions`. `data` is canonical JSON text; times are epoch milliseconds.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct RecordRow {
    pub id: String,
    pub kind: String,
    pub org_unit_id: String,
    pub occurred_on: String,
    pub voided: bool,
    pub data: String,
    pub version: i64,
    pub updated_at: i64,
    pub updated_by: String,
}

impl RecordRow {
    /// As the API shows it.
    pub fn to_stored(&self) -> Result<StoredRecord, StoreError> {
        let data = serde_json::from_str(&self.data)
            .map_err(|error| StoreError::Database(sqlx::Error::Decode(Box::new(error))))?;
        Ok(StoredRecord {
            id: self.id.clone(),
            kind: self.kind.clone(),
            org_unit_id: self.org_unit_id.clone(),
            occurred_on: self.occurred_on.clone(),
            voided: self.voided,
            data,
            version: self.version,
            updated_at: crate::clock::to_rfc3339(self.updated_at),
            updated_by: self.updated_by.clone(),
        })
    }
}

/// A new version to store, the device it came from, and the fields indicators count.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordVersion {
    pub row: RecordRow,
    pub device_id: String,
    pub facts: RecordFacts,
}

/// The typed `fact_*` columns of `records` (migrations 0004 and 0005 say which kind fills which).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordFacts {
    pub people: Option<i64>,
    pub female: Option<i64>,
    pub category: Option<String>,
    pub subject: Option<String>,
    pub eligible: Option<bool>,
    pub flag: Option<bool>,
    pub amount: Option<i64>,
    pub date: Option<String>,
    pub days: Option<i64>,
    pub first: Option<i64>,
}

/// A stored record as a sync batch finds it, with who stored its first version.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct HeldRecord {
    #[sqlx(flatten)]
    pub row: RecordRow,
    pub created_by: String,
}

/// A stored record and its place in the change sequence.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ChangedRecord {
    pub change_seq: i64,
    #[sqlx(flatten)]
    pub row: RecordRow,
}

/// Which changed records to read: after change number `after`, of these units (`None`: every
/// unit) and kinds; tip-offs only those first stored by `tip_offs_of` when it is set.
#[derive(Clone, Debug)]
pub struct RecordFilter<'a> {
    pub after: i64,
    pub units: Option<&'a [&'a str]>,
    pub kinds: &'a [&'a str],
    pub tip_offs_of: Option<&'a str>,
    /// Only what a phone keeps (`?for=phone`): the business register, and the records dated from
    /// `from` on that this officer made, or all of them for a commune's officer.
    pub kept_by: Option<KeptBy<'a>>,
    pub limit: i64,
}

/// What a phone keeps offline (`GET /api/v1/records?for=phone`).
#[derive(Clone, Copy, Debug)]
pub struct KeptBy<'a> {
    pub officer_id: &'a str,
    /// The first day kept (1 January of last year), and with `to` one past year on demand
    /// (`&year=`, without the register, which the phone keeps anyway).
    pub from: &'a str,
    pub to: Option<&'a str>,
    /// A commune's officer keeps the commune's records, whoever made them: the commune's figures
    /// are made from them on the phone. Others, only their own (a district's are too many).
    pub whole_scope: bool,
}

/// What the indicators count over one unit's subtree and one period (`YYYY-MM-DD`, inclusive).
#[derive(Clone, Debug)]
pub struct CountQuery<'a> {
    /// The units whose records count: a unit and those below it valid during the period.
    pub units: &'a [&'a str],
    /// For a breakdown: `(unit, group)` for each unit counted in a group (a commune and the units
    /// below it). The distinct counts are then given per group too; the sums always per unit.
    pub groups: Option<&'a [(&'a str, &'a str)]>,
    /// The first and last day of whole months: the sums are kept per month.
    pub start: &'a str,
    pub end: &'a str,
    /// A tip-off is handled in time within this many days of receipt (the deadline of the
    /// period's year)...
    pub deadline_days: i64,
    /// ... and, when not, is late if received before this day (the day the figures are judged
    /// on, less the deadline), else pending.
    pub late_before: &'a str,
}

/// Sums over the non-voided records of one unit, kind and `fact_category` (and quarter, for media
/// posts): activities dated in the period, businesses (a register) dated on or before its end.
#[derive(Clone, Debug, Default, PartialEq, sqlx::FromRow)]
pub struct UnitSums {
    pub org_unit_id: String,
    pub kind: String,
    pub category: Option<String>,
    /// The quarter of the date, for media posts only (PCMD-TT02 counts posts per quarter).
    pub quarter: Option<i32>,
    pub records: i64,
    /// The sums of `fact_people`, `fact_female` and `fact_amount`.
    pub people: i64,
    pub female: i64,
    pub amount: i64,
    /// Records with a `fact_date` (handled tip-offs), and with `fact_days` within the deadline.
    pub dated: i64,
    pub in_time: i64,
    /// The sum of `fact_first` (people reached or trained for the first time).
    pub first_time: i64,
}

vocabulary!(
    /// What a distinct count counts, among the non-voided records dated in the period.
    DistinctMeasure {
        /// Client codes of referrals (PCMD-C03).
        Clients => "clients",
        /// Client codes of referrals of eligible people in need (PCMD-HT01 denominator)...
        EligibleClients => "eligible_clients",
        /// ... of those who accessed a service by the end of the period (its numerator).
        AccessedClients => "accessed_clients",
        /// Clients who accessed the service `key` by the end of the period (PCMD-C06).
        ServiceClients => "service_clients",
        /// Agencies integrating prevention (PCMD-KH02).
        Agencies => "agencies",
        /// Businesses named by an inspection that found a violation (PCMD-C04).
        ViolatingBusinesses => "violating_businesses",
        /// Registered businesses of the units with an inspection by the units (PCMD-KT01).
        InspectedBusinesses => "inspected_businesses",
        /// Workers reached by sessions for business workers, each business at most its workers;
        /// sessions naming no business of the register in full (PCMD-TT03).
        ReachedWorkers => "reached_workers",
    }
);

vocabulary!(
    /// What a per-unit count read from the records themselves counts: the rules that need a
    /// record's own dates, which the monthly sums do not keep.
    UnitMeasure {
        /// Tip-offs of the period not handled in time and received before `late_before`
        /// (PCMD-TG01: with those in time, the denominator).
        LateTipOffs => "late_tip_offs",
        /// Commune plans adopted in the period (PCMD-KH01).
        PlansAdopted => "plans_adopted",
        /// Pilot models running during the period (PCMD-MH01).
        PilotsRunning => "pilots_running",
    }
);

/// One per-unit count of a [`UnitMeasure`].
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct UnitCount {
    pub org_unit_id: String,
    #[sqlx(try_from = "String")]
    pub measure: UnitMeasure,
    pub value: i64,
}

/// One distinct count, over all the query's units (`group_id` none) or over one group.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct DistinctCount {
    pub group_id: Option<String>,
    #[sqlx(try_from = "String")]
    pub measure: DistinctMeasure,
    /// The category counted, for [`DistinctMeasure::ServiceClients`].
    pub key: Option<String>,
    pub value: i64,
}

/// What the indicators and the plain counts are computed from, for one [`CountQuery`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counts {
    pub sums: Vec<UnitSums>,
    pub unit_counts: Vec<UnitCount>,
    pub distinct: Vec<DistinctCount>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reused_code_names_the_unit_valid_on_the_day() {
        let units = crate::seed::reference_data().unwrap().units;
        let id = |code, today| unit_by_code(&units, code, today).map(|unit| unit.id.as_str());
        assert_eq!(id("03390", "2023-05-01"), Some("ou-03390"));
        assert_eq!(id("03390", "2026-11-28"), Some("ou-03390-20250701"));
        // Closed and never replaced under its code: the last one valid.
        assert_eq!(id("106", "2026-11-28"), Some("ou-106"));
        assert_eq!(id("03397", "2026-11-28"), Some("ou-03397"));
        assert_eq!(id("99999", "2026-11-28"), None);
    }

    #[test]
    fn a_commune_of_2023_hangs_below_its_district_and_province() {
        let units = crate::seed::reference_data().unwrap().units;
        assert_eq!(ancestors(&units, "ou-03412"), ["ou-106", "ou-12"]);
        assert_eq!(ancestors(&units, "ou-03390-20250701"), ["ou-12"]);
        assert!(ancestors(&units, "ou-12").is_empty());
        assert!(ancestors(&units, "ou-unknown").is_empty());
        let district = subtree(&units, "ou-106");
        assert_eq!(
            district.len(),
            15,
            "the district, 13 communes and Sùng Phài"
        );
        assert!(!district.contains("ou-03390-20250701"));
        assert_eq!(subtree(&units, "ou-12").len(), units.len());
    }

    #[test]
    fn validity_is_inclusive_at_both_ends() {
        let mut unit = crate::seed::reference_data().unwrap().units.remove(0);
        unit.valid_from = Some("2020-03-01".into());
        unit.valid_to = Some("2025-06-30".into());
        assert!(unit.valid_during("2025-06-30", "2025-12-31"));
        assert!(unit.valid_during("2019-01-01", "2020-03-01"));
        assert!(!unit.valid_during("2025-07-01", "2025-12-31"));
        assert!(!unit.valid_during("2019-01-01", "2020-02-29"));
    }
}
