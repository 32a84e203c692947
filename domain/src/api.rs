//! The wire contract (`API.md`): every JSON shape the server answers with and every closed list
//! in it, as types. The server serializes them, the phone deserializes them; `server/openapi.json`
//! is checked against them (`server/src/api/openapi.rs`), so neither side can drift.
//!
//! Old phones meet newer servers: a list in an answer skips the items this build cannot read
//! (say, a unit of a level it does not know) rather than failing the whole answer ([`readable`]).

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::coded::coded;
use crate::Coded;

pub use crate::indicator::{Figure, Op, Status, Target, Unit};
pub use crate::plan::{Plan, PlanHeader, PlanTarget};
pub use crate::report::{Cell, HiddenParts};
pub use crate::sync::{
    RecordsPage, StoredRecord, SyncRequest, SyncResponse, SyncResult, SyncStatus,
};

coded! {
    /// What an officer is for; the server's `scope` turns it into what they may read and write.
    pub enum Role {
        CommuneOfficer = "commune_officer", "Cán bộ cấp xã", "Commune officer";
        ProvinceOfficer = "province_officer", "Cán bộ cấp tỉnh", "Province officer";
        DistrictOfficer = "district_officer", "Cán bộ cấp huyện (đến 30/6/2025)", "District officer (until 30 June 2025)";
        HealthOfficer = "health_officer", "Cán bộ y tế", "Health officer";
        ServiceProvider = "service_provider", "Cơ sở tiếp nhận", "Receiving service";
        Admin = "admin", "Quản trị viên", "Administrator";
    }
}

impl Role {
    /// The officer of a plan's lead unit (a province since July 2025, a district before), who
    /// records for, sees and aggregates every unit below it.
    pub fn leads(self) -> bool {
        matches!(self, Role::ProvinceOfficer | Role::DistrictOfficer)
    }

    /// Whether the server gives this role its unit's figures with small counts (the officers
    /// who record for the unit); health officers and admins get them hidden.
    pub fn reads_full_figures(self) -> bool {
        !matches!(self, Role::HealthOfficer | Role::Admin)
    }
}

coded! {
    /// Administrative levels, from the top.
    pub enum Level {
        Province = "province", "Tỉnh", "Province";
        District = "district", "Huyện", "District";
        Commune = "commune", "Xã", "Commune";
        Ward = "ward", "Phường", "Ward";
        Village = "village", "Bản, tổ dân phố", "Village";
    }
}

coded! {
    /// Whether an indicator is a share of a denominator or a plain count.
    pub enum IndicatorKind {
        Ratio = "ratio", "Tỉ lệ", "Ratio";
        Count = "count", "Số lượng", "Count";
    }
}

coded! {
    /// Denominators that no record gives; the lead agency enters them per year and unit.
    pub enum BaselineName {
        StudentsEnrolled = "students_enrolled", "Học sinh THPT, GDNN đang học", "Enrolled upper-secondary and vocational students";
        RelevantAgencies = "relevant_agencies", "Cơ quan, đơn vị liên quan", "Relevant agencies";
        DistrictOfficials = "district_officials", "Cán bộ cấp tỉnh (trước 7/2025: cấp huyện) làm công tác PCMD", "Province officials in the field (district officials before July 2025)";
        CommuneOfficials = "commune_officials", "Cán bộ cấp xã làm công tác PCMD", "Commune officials in the field";
    }
}

/// The items of a JSON list this build can read; the others are left out (see the module).
pub fn readable<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let items = Vec::<Value>::deserialize(deserializer)?;
    Ok(items
        .into_iter()
        .filter_map(|item| serde_json::from_value(item).ok())
        .collect())
}

/// A JSON list answer (`GET /api/v1/org-units`, `/admin/users`, …) read as [`readable`] reads a
/// list field.
pub fn readable_list<T: serde::de::DeserializeOwned>(json: Value) -> Result<Vec<T>, String> {
    readable(json).map_err(|error: serde_json::Error| error.to_string())
}

/// One problem with one field of a request, or of a record in a sync answer. `field` is a JSON
/// path such as `"occurred_on"` or `"data.reached_male"`; `code` a stable word
/// ([`crate::ErrorCode`] for records); `message` is for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    #[serde(default)]
    pub message: String,
}

impl FieldProblem {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> FieldProblem {
        FieldProblem {
            field: field.to_string(),
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// A record's refused field, with the message in the officer's language.
    pub fn coded(
        field: impl Into<String>,
        code: crate::ErrorCode,
        lang: crate::Lang,
    ) -> FieldProblem {
        FieldProblem {
            field: field.into(),
            code: code.as_str().to_string(),
            message: code.message(lang).to_string(),
        }
    }
}

/// The body of every error answer: `{"error": {"code", "message", "errors"?}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorDetail {
    pub code: String,
    #[serde(default)]
    pub message: String,
    /// Which fields were wrong, for 422 answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

/// `GET /api/v1/health`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Health {
    /// Always `ok`: an unhealthy server answers 503 with an error body.
    pub status: String,
    pub version: String,
    /// `sqlite` or `postgres`.
    pub store: String,
    /// The build of the app this server serves (the service worker's version).
    pub app_version: String,
}

/// How a unit appears beside an officer, among a unit's successors, and in reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnitRef {
    pub id: String,
    pub code: String,
    pub name: String,
}

/// An officer's unit, with what the phone needs when it has closed: its last day and the units
/// that took over from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OfficerUnit {
    pub id: String,
    pub code: String,
    pub name: String,
    /// Absent from answers of older servers.
    #[serde(default)]
    pub level: Option<Level>,
    /// `YYYY-MM-DD`, once the unit has closed.
    #[serde(default)]
    pub valid_to: Option<String>,
    #[serde(default)]
    pub successors: Vec<UnitRef>,
}

/// An officer as sign-in and `GET /api/v1/me` show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Officer {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_unit: OfficerUnit,
    /// A `service_provider` account's receiving service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiving_service: Option<ServiceRef>,
}

/// A receiving service by its id and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ServiceRef {
    pub id: String,
    pub name: String,
}

/// A service that receives the people officers refer (a health centre, a legal-aid office, a
/// vocational centre), as the admin keeps them (`/api/v1/admin/receiving-services`). Its accounts
/// (role `service_provider`) confirm the slips of referrals to one of its `services` from a unit
/// at or below its `org_unit_id`. Retired, never deleted: its confirmations keep its name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReceivingService {
    pub id: String,
    pub name: String,
    pub org_unit_id: String,
    pub services: Vec<crate::ReferralService>,
    pub retired: bool,
}

/// What a receiving service sees of a referral by its slip code (`GET /api/v1/slips/{code}`):
/// the service asked for and the day of the referral, never the person, the commune or the
/// officer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Slip {
    /// As printed on the slip, in two groups.
    pub slip_code: String,
    pub service: crate::ReferralService,
    pub referred_on: crate::Date,
    /// The service's answer, once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<crate::Confirmation>,
}

/// `POST /api/v1/slips/{code}/confirmation`: the service's answer for a slip.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SlipAnswer {
    pub outcome: crate::SlipOutcome,
    pub on: crate::Date,
}

/// `POST /api/v1/sync/report`: what waits on the phone for this officer, sent at the start and
/// the end of every sync, so that the server sees records that never arrive and phones that lost
/// them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WaitingReport {
    pub device_id: String,
    /// Records saved and not yet answered by the server.
    pub waiting: u32,
    /// The day (in Vietnam) the longest-waiting of them was saved; null when none waits.
    #[serde(default)]
    pub oldest_waiting_on: Option<crate::Date>,
    /// Whether the browser promised to keep the phone's data (null when it cannot say).
    #[serde(default)]
    pub persistent: Option<bool>,
}

coded! {
    /// Why a phone is on the admin's list of phones to check.
    pub enum DeviceProblem {
        NotArrived = "not_arrived", "Hồ sơ chưa về sau 7 ngày", "Records not arrived after 7 days";
        CameBackEmpty = "came_back_empty", "Máy quay lại không còn hồ sơ", "Came back empty";
    }
}

/// A phone as `GET /api/v1/admin/devices` shows it: an officer on a device, with what it last
/// reported, and what is wrong, if anything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Device {
    pub officer_id: String,
    pub username: String,
    pub display_name: String,
    pub org_unit: UnitRef,
    pub device_id: String,
    /// RFC 3339: the first report, and the last.
    pub first_seen_at: String,
    pub reported_at: String,
    pub waiting: u32,
    pub oldest_waiting_on: Option<crate::Date>,
    pub persistent: Option<bool>,
    pub problem: Option<DeviceProblem>,
    /// With a problem: the records it is about (still waiting, or gone from the phone unsent).
    pub records: u32,
    /// RFC 3339, with a problem: since when records have waited without arriving, or when the
    /// phone was seen empty.
    pub since: Option<String>,
}

/// `POST /api/v1/admin/devices/handled`: the admin dealt with a phone's problem; it leaves the
/// list until a new one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DeviceHandled {
    pub officer_id: String,
    pub device_id: String,
}

/// `GET /api/v1/export-key`: the server's public key for exports of unsent records, which the
/// phone fetches at sign-in and keeps: ECDH P-256, the uncompressed point in base64.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ExportKey {
    pub key_id: String,
    pub public_key: String,
}

/// The file "Xuất bản sao hồ sơ chưa gửi" saves, which only the server can open: [`UnsentRecords`]
/// as JSON, encrypted with AES-256-GCM under a key derived (HKDF-SHA256, info = `format`) from
/// ECDH between a one-time key of the phone and the server's export key. Base64 fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnsentFile {
    /// [`UNSENT_FORMAT`].
    pub format: String,
    pub key_id: String,
    /// The phone's one-time public key, uncompressed.
    pub ephemeral_key: String,
    /// 12 bytes.
    pub iv: String,
    /// With the 16-byte tag at its end.
    pub ciphertext: String,
}

pub const UNSENT_FORMAT: &str = "pcmd-unsent-v1";

/// What an [`UnsentFile`] holds: every unsent record of an officer on a phone, and the proof that
/// the officer's own phone, open, made it (the server's export key is public: anyone can seal a
/// file for it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnsentRecords {
    pub officer_id: String,
    pub device_id: String,
    /// The records as a JSON array, each as the phone sends it to `POST /api/v1/sync`: text, so
    /// that `proof` covers exactly these bytes.
    pub records: String,
    /// The officer's data key on this phone, wrapped under the key the server keeps for the
    /// officer and this phone, as the phone keeps it.
    pub data_key: WrappedKey,
    /// Base64 of a 12-byte IV and the AES-256-GCM encryption, under the data key with additional
    /// data [`UNSENT_PROOF`], of the SHA-256 of `records`.
    pub proof: String,
}

pub const UNSENT_PROOF: &str = "pcmd-unsent-proof";

/// A data key encrypted (AES-256-GCM, additional data `pcmd-data-key`) under another key: base64
/// of the 12-byte IV and of the ciphertext with its tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WrappedKey {
    pub iv: String,
    pub key: String,
}

/// `POST /api/v1/admin/unsent-imports`: what the import of a file made of its records, each taken
/// as a sync from the officer's phone would have been.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnsentImport {
    pub officer_id: String,
    pub username: String,
    pub device_id: String,
    pub records: u32,
    pub applied: u32,
    pub unchanged: u32,
    pub conflict: u32,
    pub rejected: u32,
    /// The records of the file that were not stored (in conflict with a newer version, or
    /// refused), each as the sync answered it, without the server's version: the file must be
    /// kept until they are settled.
    pub not_stored: Vec<crate::sync::SyncResult>,
}

/// An officer as the admin pages show them (`/api/v1/admin/users`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct User {
    #[serde(flatten)]
    pub officer: Officer,
    pub disabled: bool,
    /// RFC 3339.
    pub created_at: String,
}

/// `POST /api/v1/auth/login`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LoginResponse {
    pub token: String,
    /// RFC 3339.
    pub expires_at: String,
    pub officer: Officer,
    /// The key the server keeps for this officer on this phone, when a `device_id` was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_key: Option<String>,
}

/// `GET /api/v1/me`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Me {
    pub officer: Officer,
}

/// `POST /api/v1/me/password` and `/api/v1/me/sessions/revoke-others`: other sessions ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SessionsRevoked {
    pub revoked: u64,
}

/// A unit of the administrative tree. Codes are reused after mergers, so the key is `id`; dates
/// are `YYYY-MM-DD` (which compare correctly as text) and both ends are inclusive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OrgUnit {
    pub id: String,
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent_id: Option<String>,
    #[serde(default)]
    pub valid_from: Option<String>,
    #[serde(default)]
    pub valid_to: Option<String>,
    /// The units that replaced a closed one.
    #[serde(default)]
    pub successor_ids: Vec<String>,
}

impl OrgUnit {
    /// Whether the unit existed on some day from `from` to `to` (inclusive, `YYYY-MM-DD`).
    pub fn valid_during(&self, from: &str, to: &str) -> bool {
        self.valid_from.as_deref().is_none_or(|start| start <= to)
            && self.valid_to.as_deref().is_none_or(|end| end >= from)
    }

    /// `valid_from` and `valid_to` as the domain's checks take them. The seed and the admin API
    /// store only real dates; anything else would count as open-ended.
    pub fn life(&self) -> (Option<crate::Date>, Option<crate::Date>) {
        let date = |text: &Option<String>| {
            text.as_deref()
                .and_then(|text| crate::Date::parse(text).ok())
        };
        (date(&self.valid_from), date(&self.valid_to))
    }
}

impl From<&OrgUnit> for UnitRef {
    fn from(unit: &OrgUnit) -> UnitRef {
        UnitRef {
            id: unit.id.clone(),
            code: unit.code.clone(),
            name: unit.name.clone(),
        }
    }
}

/// `POST /api/v1/admin/org-units/{id}/move-officers`: the usernames moved, sorted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OfficersMoved {
    pub moved: Vec<String>,
}

/// `GET /api/v1/settings` (every officer) and `/api/v1/admin/settings`; the phone keeps a copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Settings {
    pub tip_off_deadline_days: u32,
    /// Idle minutes after which the phone locks itself; absent from copies older phones kept.
    #[serde(default = "default_lock_minutes")]
    pub lock_after_minutes: u32,
}

fn default_lock_minutes() -> u32 {
    10
}

/// An agency PCMD-KH02 counts, from the admin's list (`GET /api/v1/agencies`); the phone keeps a
/// copy for the agency integration form. A retired agency is no longer offered, and still counts
/// for the records that name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Agency {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    pub retired: bool,
}

impl Agency {
    pub fn name(&self, lang: crate::Lang) -> &str {
        match lang {
            crate::Lang::Vi => &self.name_vi,
            crate::Lang::En => &self.name_en,
        }
    }
}

/// One of the plan's indicators, as the store lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Indicator {
    pub code: String,
    pub label_vi: String,
    pub label_en: String,
    pub kind: IndicatorKind,
}

/// An indicator and the target of the plan in force (`/api/v1/admin/targets`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IndicatorTarget {
    #[serde(flatten)]
    pub indicator: Indicator,
    pub target: Option<Target>,
}

/// A denominator entered for a year and unit (`/api/v1/admin/baselines`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Baseline {
    pub name: BaselineName,
    pub org_unit_id: String,
    pub value: i64,
    /// Copied from an earlier year's plan and not yet confirmed; setting it confirms it.
    #[serde(default)]
    pub to_confirm: bool,
}

/// One line of the audit log as `GET /api/v1/admin/audit` shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditLine {
    pub id: i64,
    /// RFC 3339.
    pub at: String,
    pub officer_id: Option<String>,
    /// For sign-ins, the name tried.
    pub username: Option<String>,
    pub action: String,
    pub target: Option<String>,
    /// What changed, as JSON (null when nothing is said).
    pub detail: Value,
    pub ip: Option<String>,
}

/// One indicator of `GET /api/v1/indicators`: its code, figure (numerator, denominator, value,
/// unit, status) and the year's target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IndicatorValue {
    pub code: String,
    #[serde(flatten)]
    pub figure: Figure,
    pub target: Option<Target>,
    /// The target was copied from another plan and is not yet confirmed.
    #[serde(default)]
    pub target_to_confirm: bool,
    /// The parts the small-count rule hid (their numbers go as 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<HiddenParts>,
}

/// One figure of a plain count: a stable key that the app translates (a code of the data such as
/// a business `type` or a referral `service`, or a word such as `inspections`) and its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CountValue {
    pub key: String,
    pub value: i64,
    /// `small` (`<5`) or `hidden` (`x`) when the small-count rule hid it; `value` is then 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Cell>,
}

/// One of the plain counts PCMD-C01..C07 of the province's report forms: every key of its
/// breakdown always present (zero included), in a fixed order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlainCount {
    pub code: String,
    pub breakdown: Vec<CountValue>,
}

/// One commune's own figures, when the report was asked `by=commune`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CommuneFigures {
    pub org_unit_id: String,
    pub name: String,
    #[serde(deserialize_with = "readable")]
    pub indicators: Vec<IndicatorValue>,
    #[serde(default, deserialize_with = "readable")]
    pub counts: Vec<PlainCount>,
    /// By the units of another year: the communes of the period counted for this one, other
    /// than itself, sorted by code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapped_from: Option<Vec<UnitRef>>,
}

/// `GET /api/v1/indicators`: a unit's figures for a year, or the year to the end of a quarter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IndicatorReport {
    pub year: i32,
    pub quarter: Option<u32>,
    pub org_unit_id: String,
    /// The plan in force for the unit that year (`null` when none); for a unit mapped to its
    /// predecessors, the plan in force for their lead unit.
    #[serde(default)]
    pub plan: Option<PlanHeader>,
    #[serde(deserialize_with = "readable")]
    pub indicators: Vec<IndicatorValue>,
    #[serde(default, deserialize_with = "readable")]
    pub counts: Vec<PlainCount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communes: Option<Vec<CommuneFigures>>,
    /// For a unit that did not exist yet during the period: the predecessors whose figures these
    /// are, sorted by code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapped_from: Option<Vec<UnitRef>>,
    /// By the units of another year: the communes of the period that became none of those listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unmapped: Option<Vec<UnitRef>>,
    /// Whether the small-count rule was applied.
    #[serde(default)]
    pub suppressed: bool,
}

coded! {
    /// Where a commune's quarter stands on its way to approval (`/api/v1/quarters`). A reopened
    /// quarter is `open` again.
    pub enum QuarterState {
        Open = "open", "Chưa gửi duyệt", "Not submitted";
        Submitted = "submitted", "Đã gửi, chờ duyệt", "Submitted, awaiting approval";
        Returned = "returned", "Bị trả lại", "Returned";
        Approved = "approved", "Đã duyệt", "Approved";
        ReopenRequested = "reopen_requested", "Đang xin mở lại", "Reopening requested";
    }
}

/// The approval of a commune's quarter, beside its figures in `GET /api/v1/indicators`: the
/// figures are then those frozen when it was approved (`approved`, or `reopen_requested` until it
/// is reopened).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QuarterApproval {
    pub state: QuarterState,
    /// The approver's display name.
    pub approved_by: String,
    /// RFC 3339.
    pub approved_at: String,
}

/// `GET /api/v1/indicators`: the report, and for an approved quarter of a commune its approval
/// (absent otherwise, so older phones read it as a plain report).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IndicatorAnswer {
    #[serde(flatten)]
    pub report: IndicatorReport,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub approval: Option<QuarterApproval>,
}

/// One commune's quarter as `GET /api/v1/quarters` lists it and each step answers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Quarter {
    pub org_unit: UnitRef,
    pub year: i32,
    pub quarter: u32,
    pub state: QuarterState,
    /// The comment it was returned with, or the reason its reopening was asked for.
    #[serde(default)]
    pub comment: Option<String>,
    /// Display name and RFC 3339 time of the last submission (while submitted or later).
    #[serde(default)]
    pub submitted_by: Option<String>,
    #[serde(default)]
    pub submitted_at: Option<String>,
    /// Display name and RFC 3339 time of the approval whose figures stand.
    #[serde(default)]
    pub approved_by: Option<String>,
    #[serde(default)]
    pub approved_at: Option<String>,
    /// Records of the quarter stored after its approval, which its approved figures leave out
    /// (`GET …/late` lists them); 0 when not approved.
    #[serde(default)]
    pub late_records: u64,
}

/// A record that arrived after its quarter was approved, as the approver sees it: what and when,
/// nothing of its content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LateRecord {
    pub kind: crate::RecordKind,
    /// `YYYY-MM-DD`.
    pub occurred_on: String,
    /// RFC 3339: when its latest version was stored.
    pub arrived_at: String,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::coded::assert_coded_list;

    #[test]
    fn closed_lists_are_coded() {
        assert_coded_list::<Role>();
        assert_coded_list::<Level>();
        assert_coded_list::<IndicatorKind>();
        assert_coded_list::<BaselineName>();
        assert_coded_list::<QuarterState>();
        assert_eq!(Level::try_from("ward".to_string()), Ok(Level::Ward));
        assert_eq!(
            Role::try_from("superuser".to_string()),
            Err(crate::UnknownCode("superuser".into()))
        );
    }

    #[test]
    fn a_list_skips_what_this_build_cannot_read() {
        let units = json!([
            {"id": "a", "code": "1", "name": "A", "level": "commune", "parent_id": null},
            {"id": "b", "code": "2", "name": "B", "level": "hamlet_of_2030", "parent_id": null},
        ]);
        let read: Vec<OrgUnit> = readable_list(units).unwrap();
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].id, "a");
        assert!(readable_list::<OrgUnit>(json!({"not": "a list"})).is_err());
    }

    #[test]
    fn an_approved_report_is_a_report_to_older_phones() {
        let report = IndicatorReport {
            year: 2023,
            quarter: Some(1),
            org_unit_id: "ou-1".into(),
            plan: None,
            indicators: Vec::new(),
            counts: Vec::new(),
            communes: None,
            mapped_from: None,
            unmapped: None,
            suppressed: false,
        };
        let approval = QuarterApproval {
            state: QuarterState::Approved,
            approved_by: "Cán bộ tỉnh".into(),
            approved_at: "2023-04-03T02:00:00.000Z".into(),
        };
        let answer = IndicatorAnswer {
            report: report.clone(),
            approval: Some(approval),
        };
        let json = serde_json::to_value(&answer).unwrap();
        assert_eq!(json["year"], 2023, "flat, as a report");
        assert_eq!(json["approval"]["state"], "approved");
        assert_eq!(
            serde_json::from_value::<IndicatorReport>(json.clone()).unwrap(),
            report
        );
        assert_eq!(
            serde_json::from_value::<IndicatorAnswer>(json).unwrap(),
            answer
        );
        let live = serde_json::to_value(IndicatorAnswer {
            report,
            approval: None,
        })
        .unwrap();
        assert!(live.get("approval").is_none());
    }

    #[test]
    fn an_officer_reads_as_the_server_writes_it() {
        let officer = Officer {
            id: "o1".into(),
            username: "binhlu".into(),
            display_name: "Cán bộ".into(),
            role: Role::CommuneOfficer,
            org_unit: OfficerUnit {
                id: "ou-1".into(),
                code: "03390".into(),
                name: "Xã Bình Lư".into(),
                level: Some(Level::Commune),
                valid_to: None,
                successors: Vec::new(),
            },
            receiving_service: None,
        };
        let json = serde_json::to_value(&officer).unwrap();
        assert!(
            json.get("receiving_service").is_none(),
            "only a service's account has one"
        );
        assert_eq!(
            json["org_unit"],
            json!({"id": "ou-1", "code": "03390", "name": "Xã Bình Lư", "level": "commune",
                   "valid_to": null, "successors": []})
        );
        assert_eq!(serde_json::from_value::<Officer>(json).unwrap(), officer);
    }
}
