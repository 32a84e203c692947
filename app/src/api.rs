//! The server's JSON as the app reads it (`API.md`), and what can go wrong when asking.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnitRef {
    pub id: String,
    pub code: String,
    pub name: String,
    /// `province`, `district`, `commune`, `ward`, `village`; absent from older answers.
    #[serde(default)]
    pub level: Option<String>,
    /// The unit's last day, once it has closed (`YYYY-MM-DD`).
    #[serde(default)]
    pub valid_to: Option<String>,
    /// The units that replaced a closed one.
    #[serde(default)]
    pub successors: Vec<OrgUnitRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Officer {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_unit: OrgUnitRef,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    CommuneOfficer,
    ProvinceOfficer,
    DistrictOfficer,
    HealthOfficer,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::CommuneOfficer,
        Role::ProvinceOfficer,
        Role::DistrictOfficer,
        Role::HealthOfficer,
        Role::Admin,
    ];

    /// The officer of a plan's lead unit (a province since July 2025, a district before), who
    /// records for, sees and aggregates every unit below it.
    pub fn leads(self) -> bool {
        matches!(self, Role::ProvinceOfficer | Role::DistrictOfficer)
    }

    /// Whether the server gives this role its unit's figures with small counts (the officers
    /// who record for the unit: `server::scope`); health officers and admins get them hidden, so
    /// the app does not offer them the full figures.
    pub fn reads_full_figures(self) -> bool {
        !matches!(self, Role::HealthOfficer | Role::Admin)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::CommuneOfficer => "commune_officer",
            Role::ProvinceOfficer => "province_officer",
            Role::DistrictOfficer => "district_officer",
            Role::HealthOfficer => "health_officer",
            Role::Admin => "admin",
        }
    }
}

/// `POST /api/v1/auth/login` with the phone's `device_id`.
#[derive(Clone, Debug, Deserialize)]
pub struct SignIn {
    pub token: String,
    pub officer: Officer,
    /// The key the server keeps for this officer on this phone (see `offline::lock`).
    #[serde(default)]
    pub device_key: Option<String>,
}

/// `GET /api/v1/settings`, as every officer reads it; the phone keeps the last copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub tip_off_deadline_days: u32,
    /// Idle minutes after which the phone locks itself.
    #[serde(default = "default_lock_minutes")]
    pub lock_after_minutes: u32,
}

fn default_lock_minutes() -> u32 {
    10
}

/// `POST /api/v1/me/password` and `/api/v1/me/sessions/revoke-others`: other sessions ended.
#[derive(Clone, Debug, Deserialize)]
pub struct SessionsRevoked {
    pub revoked: u64,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Me {
    pub officer: Officer,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    pub id: String,
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_id: Option<String>,
    #[serde(default)]
    pub valid_from: Option<String>,
    #[serde(default)]
    pub valid_to: Option<String>,
    #[serde(default)]
    pub successor_ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_unit: OrgUnitRef,
    pub disabled: bool,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Target {
    pub op: String,
    pub value: f64,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct IndicatorTarget {
    pub code: String,
    pub label_vi: String,
    pub label_en: String,
    pub kind: String,
    pub target: Option<Target>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Baseline {
    pub name: String,
    pub org_unit_id: String,
    pub value: i64,
    /// Copied from last year's plan and not yet confirmed.
    #[serde(default)]
    pub to_confirm: bool,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub username: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub detail: Option<String>,
    pub ip: Option<String>,
}

/// A field the server found wrong.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// The methods that send a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Post,
    Put,
    Patch,
    Delete,
}

/// Why a request did not give an answer the app can use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiFailure {
    /// No network, or the server did not answer.
    Offline,
    /// The server wants the officer to sign in again; nothing local is touched.
    Unauthenticated,
    /// The officer's account is disabled (`account_disabled`).
    Disabled,
    Rejected {
        status: u16,
        code: String,
        errors: Vec<FieldProblem>,
    },
}

impl ApiFailure {
    pub fn code(&self) -> &str {
        match self {
            ApiFailure::Offline => "offline",
            ApiFailure::Unauthenticated => "unauthenticated",
            ApiFailure::Disabled => "account_disabled",
            ApiFailure::Rejected { code, .. } => code,
        }
    }
}

/// The error body of every endpoint: `{"error": {"code", "message", "errors"?}}`.
#[derive(Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
    #[serde(default)]
    pub errors: Vec<FieldProblem>,
}

impl ErrorBody {
    pub fn into_failure(self, status: u16) -> ApiFailure {
        match self.error.code.as_str() {
            "unauthenticated" => return ApiFailure::Unauthenticated,
            "account_disabled" => return ApiFailure::Disabled,
            _ => {}
        }
        let mut errors = self.error.errors;
        errors.extend(self.errors);
        ApiFailure::Rejected {
            status,
            code: self.error.code,
            errors,
        }
    }
}

#[derive(Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    #[serde(default)]
    pub errors: Vec<FieldProblem>,
}

/// One indicator of `GET /api/v1/indicators`: its code, figure (numerator, denominator, value,
/// unit, status) and the year's target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorFigure {
    pub code: String,
    #[serde(flatten)]
    pub figure: domain::indicator::Figure,
    pub target: Option<domain::indicator::Target>,
    /// The target was copied from last year's plan and not yet confirmed.
    #[serde(default)]
    pub target_to_confirm: bool,
    /// The parts the small-count rule hid (their numbers come as 0); absent from older servers.
    #[serde(default)]
    pub suppressed: Option<domain::report::HiddenParts>,
}

/// One figure of a plain count's breakdown: a key the app translates, and its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountValue {
    pub key: String,
    pub value: i64,
    /// `<5` or `x` when the small-count rule hid it (`value` is then 0).
    #[serde(default)]
    pub suppressed: Option<domain::report::Cell>,
}

/// One of the plain counts PCMD-C01..C07 of the province's report forms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlainCount {
    pub code: String,
    pub breakdown: Vec<CountValue>,
}

/// One commune's own figures, when the report was asked `by=commune`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommuneFigures {
    pub org_unit_id: String,
    pub name: String,
    pub indicators: Vec<IndicatorFigure>,
    #[serde(default)]
    pub counts: Vec<PlainCount>,
    /// Asked by the units of another year: the period's communes counted in this one.
    #[serde(default)]
    pub mapped_from: Vec<OrgUnitRef>,
}

/// `GET /api/v1/indicators`: a unit's figures for a year, or the year to the end of a quarter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorReport {
    pub year: i32,
    pub quarter: Option<u32>,
    pub org_unit_id: String,
    pub indicators: Vec<IndicatorFigure>,
    #[serde(default)]
    pub counts: Vec<PlainCount>,
    #[serde(default)]
    pub communes: Option<Vec<CommuneFigures>>,
    /// The plan in force for the unit and year; none when no plan covers them.
    #[serde(default)]
    pub plan: Option<PlanHeader>,
    /// The unit did not exist in the period: the units that became it, whose figures these are.
    #[serde(default)]
    pub mapped_from: Vec<OrgUnitRef>,
    /// Asked by the units of another year: the period's communes that became none of them.
    #[serde(default)]
    pub unmapped: Vec<OrgUnitRef>,
    /// Small counts are hidden in these figures (`domain::report`).
    #[serde(default)]
    pub suppressed: bool,
}

/// A plan, its header and its targets: the domain's wire types (`GET /api/v1/plans`).
pub use domain::plan::{Plan, PlanHeader, PlanTarget};
