//! One sync batch (`API.md`, "Sync"): each record checked by the domain's validation, then against
//! the caller's scope and the life of its unit, then decided against what the store holds by
//! `domain::sync::decide`, the whole batch in one write transaction (which the batches arriving
//! meanwhile share: `Store::sync_turn`). The API handler and the benchmark both run [`sync`].

use crate::clock::{domain_today, now_ms, to_rfc3339};
use crate::facts::facts_of;
use crate::model::{Actor, AuditEntry, HeldRecord, Officer, OrgUnit, RecordRow, RecordVersion};
use crate::scope::Scope;
use crate::store::{Grouping, Store, StoreError};
use domain::api::FieldProblem;
use domain::sync::{content_of, decide, Decision, StoredRecord, SyncResult, SyncStatus};
use domain::{
    unit_closed_message, unit_date_error, unit_not_yet_open_message, validate_value, Coded, Date,
    ErrorCode, Lang, RecordKind, ValidRecord,
};
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Who sends the batch, from where and which device (a normalised UUID).
pub struct Sender<'a> {
    pub officer: &'a Officer,
    pub scope: &'a Scope,
    pub ip: &'a str,
    pub device_id: &'a str,
    /// Whether the phone itself sends (what arrives counts against its waiting reports), rather
    /// than an admin importing its file of unsent records.
    pub by_phone: bool,
}

/// Syncs `records` (raw JSON, as sent) and gives one result per record, in order, once the batch
/// is committed; `units` is the unit tree the sender's scope was made from.
pub async fn sync(
    store: &Store,
    sender: &Sender<'_>,
    units: &[OrgUnit],
    records: &[Value],
    lang: Lang,
) -> Result<Vec<SyncResult>, StoreError> {
    let units: HashMap<String, OrgUnit> = units
        .iter()
        .map(|unit| (unit.id.clone(), unit.clone()))
        .collect();
    let today = domain_today();
    let checked = check_all(records, today, &units, sender.scope, lang);
    let ids: Vec<&str> = checked
        .iter()
        .filter_map(|item| match item {
            Checked::Valid { record, .. } => Some(record.id()),
            Checked::Rejected(_) => None,
        })
        .collect();
    // Should the group the batch is decided in fail to commit (a write it breaks, or a version
    // stored meanwhile), the batch is decided again from what is stored, in a transaction alone.
    let mut grouping = Grouping::Shared;
    loop {
        let mut turn = store.sync_turn(grouping).await?;
        let stored = turn.records(&ids).await?;
        let plan = plan(&checked, stored, sender, now_ms(), lang)?;
        let audit = audit_entry(sender, &plan.results);
        let detail = audit.detail.clone();
        if sender.by_phone {
            turn.arrived(&sender.officer.id, sender.device_id, records.len());
        }
        turn.add(plan.versions, audit);
        match turn.finish().await {
            Ok(()) => {
                tracing::info!(
                    officer = %sender.officer.username,
                    device = sender.device_id,
                    detail = detail.as_deref(),
                    "sync"
                );
                return Ok(plan.results);
            }
            Err(error) if grouping == Grouping::Shared => {
                tracing::warn!(%error, "a sync batch's group did not commit; deciding it alone");
                grouping = Grouping::Alone;
            }
            Err(error) => return Err(error),
        }
    }
}

/// What [`sync`] decides for `records` when the store holds `stored` for their ids, without a
/// store: the fuzzer's way through the checks and decisions.
pub fn decide_offline(
    records: &[Value],
    stored: Vec<HeldRecord>,
    sender: &Sender<'_>,
    units: &HashMap<String, OrgUnit>,
    today: Date,
    now: i64,
    lang: Lang,
) -> Result<(Vec<SyncResult>, Vec<RecordVersion>, AuditEntry), StoreError> {
    let checked = check_all(records, today, units, sender.scope, lang);
    let plan = plan(&checked, stored, sender, now, lang)?;
    let audit = audit_entry(sender, &plan.results);
    Ok((plan.results, plan.versions, audit))
}

fn check_all(
    records: &[Value],
    today: Date,
    units: &HashMap<String, OrgUnit>,
    scope: &Scope,
    lang: Lang,
) -> Vec<Checked> {
    records
        .iter()
        .map(|raw| check(raw, today, units, scope, lang))
        .collect()
}

/// A record after the checks that need no stored data.
enum Checked {
    Rejected(SyncResult),
    Valid {
        /// The id as the device wrote it, which its result carries back.
        sent_id: String,
        record: ValidRecord,
        content: Value,
        /// Why its date is outside the life of its unit, if it is: decided once the stored record
        /// is known (see [`passes_outside_unit_life`]).
        outside_unit_life: Option<FieldProblem>,
    },
}

fn check(
    raw: &Value,
    today: Date,
    units: &HashMap<String, OrgUnit>,
    scope: &Scope,
    lang: Lang,
) -> Checked {
    let sent_id = raw
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let record = match validate_value(&nfc(raw), today) {
        Ok(record) => record,
        Err(errors) => {
            let errors = errors
                .into_iter()
                .map(|error| FieldProblem::coded(error.field, error.code, lang))
                .collect();
            return Checked::Rejected(rejected(sent_id, errors));
        }
    };
    let Some(unit) = units.get(record.org_unit_id()) else {
        let error = FieldProblem::coded("org_unit_id", ErrorCode::InvalidValue, lang);
        return Checked::Rejected(rejected(sent_id, vec![error]));
    };
    if let Some(error) = refusal(scope, Some(record.kind()), record.org_unit_id(), lang) {
        return Checked::Rejected(rejected(sent_id, vec![error]));
    }
    let outside_unit_life = unit_life_refusal(unit, units, record.occurred_on(), lang);
    let content = content_of(&record);
    Checked::Valid {
        sent_id,
        record,
        content,
        outside_unit_life,
    }
}

/// The record with every text in Unicode NFC (composed): some keyboards type Vietnamese
/// decomposed, and `Nguyễn` must be one stored text however it was typed, for comparisons,
/// `unchanged` retries and the personal-data checks. (The phone composes typed text too, with the
/// browser's tables.) Nearly every record already is, and is then read as sent, without a copy.
fn nfc(value: &Value) -> Cow<'_, Value> {
    if is_nfc_throughout(value) {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(composed(value))
    }
}

fn is_nfc_throughout(value: &Value) -> bool {
    match value {
        Value::String(text) => is_nfc_quick(text.chars()) == IsNormalized::Yes,
        Value::Array(items) => items.iter().all(is_nfc_throughout),
        Value::Object(fields) => fields.values().all(is_nfc_throughout),
        _ => true,
    }
}

fn composed(value: &Value) -> Value {
    match value {
        Value::String(text) if is_nfc_quick(text.chars()) != IsNormalized::Yes => {
            Value::String(text.nfc().collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(composed).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(name, value)| (name.clone(), composed(value)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Why a record dated `day` cannot belong to `unit`, if it cannot: closed by then (the message
/// names the units that took over), or not yet made.
fn unit_life_refusal(
    unit: &OrgUnit,
    units: &HashMap<String, OrgUnit>,
    day: Date,
    lang: Lang,
) -> Option<FieldProblem> {
    let (valid_from, valid_to) = unit.life();
    let code = unit_date_error(valid_from, valid_to, day)?;
    let message = match code {
        ErrorCode::UnitClosed => valid_to.map(|end| {
            let successors: Vec<(&str, &str)> = unit
                .successor_ids
                .iter()
                .filter_map(|id| units.get(id))
                .map(|successor| (successor.name.as_str(), successor.code.as_str()))
                .collect();
            unit_closed_message(&unit.name, end, &successors, lang)
        }),
        _ => valid_from.map(|start| unit_not_yet_open_message(&unit.name, start, lang)),
    };
    Some(FieldProblem {
        field: "occurred_on".into(),
        code: code.as_str().into(),
        message: message.unwrap_or_else(|| code.message(lang).into()),
    })
}

/// Whether a record dated outside its unit's life passes all the same: a retry of what is stored
/// (`unchanged`), or the voiding of a stored record where it stands. Voided records count
/// nowhere, and a record stored before its unit was closed must still be withdrawn.
fn passes_outside_unit_life(
    record: &ValidRecord,
    content: &Value,
    stored: Option<&StoredRecord>,
) -> bool {
    stored.is_some_and(|stored| {
        stored_content(stored) == *content
            || (record.voided()
                && stored.org_unit_id == record.org_unit_id()
                && stored.occurred_on == record.occurred_on().to_string())
    })
}

/// Why the caller may not write a record of this kind (`None`: unknown) for this unit, if not.
fn refusal(
    scope: &Scope,
    kind: Option<RecordKind>,
    unit_id: &str,
    lang: Lang,
) -> Option<FieldProblem> {
    let allowed = kind.is_some_and(|kind| scope.can_write_record(kind, unit_id));
    let field = match kind {
        Some(kind) if scope.record_kinds().contains(&kind) => "org_unit_id",
        _ => "kind",
    };
    (!allowed).then(|| FieldProblem::coded(field, ErrorCode::Forbidden, lang))
}

/// A stored tip-off that the caller may neither read nor correct: another officer's, for a
/// commune officer. Refused like a foreign unit's record, so its content never leaks.
fn tip_off_refusal(
    sender: &Sender<'_>,
    stored: &StoredRecord,
    creator: Option<&str>,
    lang: Lang,
) -> Option<FieldProblem> {
    let foreign = stored.kind == RecordKind::TipOff.as_str()
        && sender.scope.reads_only_own_tip_offs()
        && creator != Some(sender.officer.id.as_str());
    foreign.then(|| FieldProblem::coded("id", ErrorCode::Forbidden, lang))
}

fn rejected(id: String, errors: Vec<FieldProblem>) -> SyncResult {
    SyncResult {
        id,
        status: SyncStatus::Rejected,
        version: None,
        errors: Some(errors),
        current: None,
    }
}

fn result(id: &str, status: SyncStatus, version: Option<i64>) -> SyncResult {
    SyncResult {
        id: id.to_string(),
        status,
        version,
        errors: None,
        current: None,
    }
}

/// What `unchanged` compares for a stored record: the same fields as [`content_of`].
fn stored_content(stored: &StoredRecord) -> Value {
    json!({
        "kind": stored.kind,
        "org_unit_id": stored.org_unit_id,
        "occurred_on": stored.occurred_on,
        "voided": stored.voided,
        "data": stored.data,
    })
}

/// The batch decided: the results, and the versions to store.
struct Plan {
    results: Vec<SyncResult>,
    versions: Vec<RecordVersion>,
}

/// Decides each record in order against what is stored, counting the versions this batch stores
/// as stored: a record sent twice in one batch is decided the second time against the first.
fn plan(
    checked: &[Checked],
    stored: Vec<HeldRecord>,
    sender: &Sender<'_>,
    now: i64,
    lang: Lang,
) -> Result<Plan, StoreError> {
    let mut held = HashMap::with_capacity(stored.len());
    let mut creators = HashMap::with_capacity(stored.len());
    for record in stored {
        held.insert(record.row.id.clone(), record.row.to_stored()?);
        creators.insert(record.row.id, record.created_by);
    }
    let mut plan = Plan {
        results: Vec::with_capacity(checked.len()),
        versions: Vec::new(),
    };
    for item in checked {
        let (sent_id, record, content, outside_unit_life) = match item {
            Checked::Rejected(result) => {
                plan.results.push(result.clone());
                continue;
            }
            Checked::Valid {
                sent_id,
                record,
                content,
                outside_unit_life,
            } => (sent_id, record, content, outside_unit_life),
        };
        let stored = held.get(record.id());
        let refused = stored.and_then(|stored| {
            refusal(
                sender.scope,
                RecordKind::parse(&stored.kind),
                &stored.org_unit_id,
                lang,
            )
            .or_else(|| {
                let creator = creators.get(&stored.id).map(String::as_str);
                tip_off_refusal(sender, stored, creator, lang)
            })
        });
        if let Some(error) = refused {
            plan.results.push(rejected(sent_id.clone(), vec![error]));
            continue;
        }
        if let Some(error) = outside_unit_life {
            if !passes_outside_unit_life(record, content, stored) {
                plan.results
                    .push(rejected(sent_id.clone(), vec![error.clone()]));
                continue;
            }
        }
        let stored_content = stored.map(stored_content);
        let stored_version = stored.map(|stored| stored.version);
        let decision = decide(
            record.base_version(),
            content,
            stored_version.zip(stored_content.as_ref()),
        );
        let result = match decision {
            Decision::Reject(code) => {
                let error = FieldProblem::coded("base_version", code, lang);
                rejected(sent_id.clone(), vec![error])
            }
            Decision::Unchanged(version) => result(sent_id, SyncStatus::Unchanged, Some(version)),
            Decision::Conflict => SyncResult {
                current: stored.cloned(),
                ..result(sent_id, SyncStatus::Conflict, stored_version)
            },
            Decision::Apply(_) if changes_confirmation(content, stored) => {
                let error =
                    FieldProblem::coded("data.confirmation", ErrorCode::ConfirmedByService, lang);
                rejected(sent_id.clone(), vec![error])
            }
            Decision::Apply(version) => {
                let (wire, row) = new_version(record, content, version, sender.officer, now);
                plan.versions.push(RecordVersion {
                    row,
                    device_id: sender.device_id.to_string(),
                    facts: facts_of(record),
                });
                creators
                    .entry(wire.id.clone())
                    .or_insert_with(|| sender.officer.id.clone());
                held.insert(wire.id.clone(), wire);
                result(sent_id, SyncStatus::Applied, Some(version))
            }
        };
        plan.results.push(result);
    }
    Ok(plan)
}

/// Whether a version from a phone would write a referral's confirmation, which only the receiving
/// service gives (`api::slips`): make one, change or drop it, or change the slip it answers.
fn changes_confirmation(content: &Value, stored: Option<&StoredRecord>) -> bool {
    let sent = &content["data"];
    let kept = stored.map(|stored| &stored.data);
    let confirmation =
        |data: Option<&Value>| data.and_then(|data| data.get("confirmation")).cloned();
    let slip = |data: Option<&Value>| data.and_then(|data| data.get("slip_code")).cloned();
    match confirmation(kept) {
        None => confirmation(Some(sent)).is_some(),
        Some(stored) => confirmation(Some(sent)) != Some(stored) || slip(Some(sent)) != slip(kept),
    }
}

/// Writes one new version of the stored record `id` by `officer` (not a phone's sync: the server's
/// own change, such as a receiving service's confirmation), in a sync turn of its own so that it
/// is decided against the latest version. `change` makes the new record envelope from the stored
/// record, or `None` when nothing is to change; the envelope is validated like any record. Gives
/// the record as stored after.
pub async fn write_one<E: From<StoreError>>(
    store: &Store,
    officer: &Officer,
    device_id: &str,
    id: &str,
    change: impl Fn(&StoredRecord) -> Result<Option<Value>, E>,
    audit: impl Fn(&StoredRecord) -> AuditEntry,
) -> Result<StoredRecord, E> {
    let mut turn = store.sync_turn(Grouping::Alone).await?;
    let held = turn.records(&[id]).await?;
    let stored = match held.first() {
        Some(held) => held.row.to_stored()?,
        None => return Err(StoreError::OwnVersion(format!("record {id} is not stored")).into()),
    };
    let Some(envelope) = change(&stored)? else {
        return Ok(stored);
    };
    let record = validate_value(&envelope, domain_today())
        .map_err(|errors| StoreError::OwnVersion(format!("{id} is invalid: {errors:?}")))?;
    let content = content_of(&record);
    let (wire, row) = new_version(&record, &content, stored.version + 1, officer, now_ms());
    let version = RecordVersion {
        row,
        device_id: device_id.to_string(),
        facts: facts_of(&record),
    };
    turn.add(vec![version], audit(&wire));
    turn.finish().await?;
    Ok(wire)
}

/// The stored form of a new version, as the API shows it and as the store writes it.
fn new_version(
    record: &ValidRecord,
    content: &Value,
    version: i64,
    officer: &Officer,
    now: i64,
) -> (StoredRecord, RecordRow) {
    let row = RecordRow {
        id: record.id().to_string(),
        kind: record.kind().as_str().to_string(),
        org_unit_id: record.org_unit_id().to_string(),
        occurred_on: record.occurred_on().to_string(),
        voided: record.voided(),
        data: content["data"].to_string(),
        version,
        updated_at: now,
        updated_by: officer.id.clone(),
    };
    let wire = StoredRecord {
        id: row.id.clone(),
        kind: row.kind.clone(),
        org_unit_id: row.org_unit_id.clone(),
        occurred_on: row.occurred_on.clone(),
        voided: row.voided,
        data: content["data"].clone(),
        version,
        updated_at: to_rfc3339(now),
        updated_by: row.updated_by.clone(),
    };
    (wire, row)
}

/// Who synced what from which device: counts per status, never a record's content, and the ids of
/// tip-offs sent back as `current` (every tip-off read is logged).
fn audit_entry(sender: &Sender<'_>, results: &[SyncResult]) -> AuditEntry {
    let count = |status| results.iter().filter(|r| r.status == status).count();
    let tip_offs_read: Vec<&str> = results
        .iter()
        .filter_map(|result| result.current.as_ref())
        .filter(|current| current.kind == RecordKind::TipOff.as_str())
        .map(|current| current.id.as_str())
        .collect();
    let mut detail = json!({
        "records": results.len(),
        "applied": count(SyncStatus::Applied),
        "unchanged": count(SyncStatus::Unchanged),
        "conflict": count(SyncStatus::Conflict),
        "rejected": count(SyncStatus::Rejected),
    });
    if !tip_offs_read.is_empty() {
        detail["tip_offs_read"] = json!(tip_offs_read);
    }
    Actor::officer(sender.officer, sender.ip).did("sync", sender.device_id, detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Role, UnitRef};

    const ID: &str = "0b8e3c1e-8a4e-4b8a-9f1e-2d3c4b5a6978";

    fn officer() -> Officer {
        Officer {
            id: "officer-1".into(),
            username: "binhlu".into(),
            display_name: "Cán bộ".into(),
            role: Role::CommuneOfficer,
            org_unit: UnitRef {
                id: "ou-03412".into(),
                code: "03412".into(),
                name: "Xã Bình Lư".into(),
            },
            receiving_service: None,
            disabled: false,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn test_today() -> Date {
        Date::from_ymd(2026, 12, 1).unwrap()
    }

    fn session(base_version: i64, reached_male: u32, unit: &str) -> Value {
        json!({
            "id": ID, "kind": "outreach_session", "org_unit_id": unit,
            "occurred_on": "2023-03-14", "base_version": base_version, "voided": false,
            "data": {"format": "group_talk", "audience": "youth",
                     "reached_male": reached_male, "reached_female": 4}
        })
    }

    /// Plans `records` as the commune officer of Bình Lư against `stored`.
    fn plan_of(records: &[Value], stored: Vec<HeldRecord>) -> Plan {
        let units = crate::seed::reference_data().unwrap().units;
        let scope = Scope::new(Role::CommuneOfficer, "ou-03412", &units);
        let units = units
            .into_iter()
            .map(|unit| (unit.id.clone(), unit))
            .collect();
        let checked: Vec<Checked> = records
            .iter()
            .map(|raw| check(raw, test_today(), &units, &scope, Lang::En))
            .collect();
        let officer = officer();
        let sender = Sender {
            officer: &officer,
            scope: &scope,
            ip: "127.0.0.1",
            device_id: "device",
            by_phone: true,
        };
        plan(&checked, stored, &sender, 1_700_000_000_000, Lang::En).unwrap()
    }

    fn statuses(plan: &Plan) -> Vec<(SyncStatus, Option<i64>)> {
        plan.results
            .iter()
            .map(|result| (result.status, result.version))
            .collect()
    }

    fn codes(result: &SyncResult) -> Vec<(&str, &str)> {
        let errors = result.errors.as_deref().unwrap_or_default();
        errors
            .iter()
            .map(|error| (error.field.as_str(), error.code.as_str()))
            .collect()
    }

    #[test]
    fn a_stored_record_compares_equal_to_the_record_it_was_made_from() {
        let record = validate_value(&session(0, 3, "ou-03412"), test_today()).unwrap();
        let content = content_of(&record);
        let (wire, row) = new_version(&record, &content, 1, &officer(), 0);
        assert_eq!(stored_content(&wire), content);
        assert_eq!(row.to_stored().unwrap(), wire);
    }

    #[test]
    fn records_are_decided_in_order_counting_the_batch_s_own_versions() {
        let plan = plan_of(
            &[
                session(0, 3, "ou-03412"),
                session(0, 3, "ou-03412"),
                session(1, 5, "ou-03412"),
                session(1, 6, "ou-03412"),
                session(3, 6, "ou-03412"),
            ],
            Vec::new(),
        );
        assert_eq!(
            statuses(&plan),
            [
                (SyncStatus::Applied, Some(1)),
                (SyncStatus::Unchanged, Some(1)),
                (SyncStatus::Applied, Some(2)),
                (SyncStatus::Conflict, Some(2)),
                (SyncStatus::Rejected, None),
            ]
        );
        let current = plan.results[3].current.as_ref().unwrap();
        assert_eq!(current.data["reached_male"], 5);
        assert_eq!(
            codes(&plan.results[4]),
            [("base_version", "unknown_base_version")]
        );
        let versions: Vec<i64> = plan.versions.iter().map(|v| v.row.version).collect();
        assert_eq!(versions, [1, 2]);
        assert!(plan.versions.iter().all(|v| v.device_id == "device"));
    }

    #[test]
    fn another_commune_s_record_is_refused_whether_sent_or_stored() {
        let theirs = session(0, 3, "ou-03390");
        let plan = plan_of(std::slice::from_ref(&theirs), Vec::new());
        assert_eq!(codes(&plan.results[0]), [("org_unit_id", "forbidden")]);
        // Moving their stored record into our commune is refused too.
        let record = validate_value(&theirs, test_today()).unwrap();
        let content = content_of(&record);
        let (_, row) = new_version(&record, &content, 1, &officer(), 0);
        let held = HeldRecord {
            created_by: row.updated_by.clone(),
            row,
        };
        let plan = plan_of(&[session(1, 3, "ou-03412")], vec![held]);
        assert_eq!(codes(&plan.results[0]), [("org_unit_id", "forbidden")]);
        assert!(plan.versions.is_empty());
    }

    /// A stored version of `record`, as if it had reached the store before its unit closed.
    fn held(record: &Value) -> HeldRecord {
        let record = validate_value(record, test_today()).unwrap();
        let content = content_of(&record);
        let (_, row) = new_version(&record, &content, 1, &officer(), 0);
        HeldRecord {
            created_by: row.updated_by.clone(),
            row,
        }
    }

    #[test]
    fn a_date_after_the_unit_closed_is_refused_naming_the_successor() {
        let mut late = session(0, 3, "ou-03412");
        late["occurred_on"] = json!("2025-07-01");
        let mut last_day = session(0, 3, "ou-03412");
        last_day["occurred_on"] = json!("2025-06-30");
        last_day["id"] = json!("1b8e3c1e-8a4e-4b8a-9f1e-2d3c4b5a6978");
        let plan = plan_of(&[late, last_day], Vec::new());
        assert_eq!(codes(&plan.results[0]), [("occurred_on", "unit_closed")]);
        assert_eq!(
            plan.results[0].errors.as_ref().unwrap()[0].message,
            "Xã Bình Lư was dissolved as of 01/07/2025; successor unit: Xã Bình Lư (03390)."
        );
        assert_eq!(plan.results[1].status, SyncStatus::Applied);
        assert_eq!(plan.versions.len(), 1);
    }

    #[test]
    fn a_record_stored_before_its_unit_closed_may_be_retried_and_voided_where_it_stands() {
        let mut stored = session(0, 3, "ou-03412");
        stored["occurred_on"] = json!("2026-01-15");
        let mut voided = stored.clone();
        voided["base_version"] = json!(1);
        voided["voided"] = json!(true);
        let mut edited = stored.clone();
        edited["base_version"] = json!(1);
        edited["data"]["reached_male"] = json!(9);
        let mut voided_elsewhen = voided.clone();
        voided_elsewhen["occurred_on"] = json!("2026-01-16");
        for (sent, status, code) in [
            (&stored, SyncStatus::Unchanged, None),
            (&voided, SyncStatus::Applied, None),
            (&edited, SyncStatus::Rejected, Some("unit_closed")),
            (&voided_elsewhen, SyncStatus::Rejected, Some("unit_closed")),
        ] {
            let plan = plan_of(std::slice::from_ref(sent), vec![held(&stored)]);
            assert_eq!(plan.results[0].status, status, "{sent}");
            if let Some(code) = code {
                assert_eq!(codes(&plan.results[0]), [("occurred_on", code)]);
            }
        }
        // Sent for the first time, it is refused like any other.
        let plan = plan_of(&[stored], Vec::new());
        assert_eq!(codes(&plan.results[0]), [("occurred_on", "unit_closed")]);
    }

    #[test]
    fn unknown_units_and_invalid_fields_are_rejected_with_their_codes() {
        let mut negative = session(0, 3, "ou-03412");
        negative["data"]["reached_male"] = json!(-1);
        let plan = plan_of(&[session(0, 3, "ou-nowhere"), negative], Vec::new());
        assert_eq!(codes(&plan.results[0]), [("org_unit_id", "invalid_value")]);
        assert_eq!(codes(&plan.results[1]), [("data.reached_male", "negative")]);
        assert_eq!(plan.results[1].id, ID);
        assert_eq!(
            plan.results[1].errors.as_ref().unwrap()[0].message,
            "Must not be negative"
        );
    }
}
