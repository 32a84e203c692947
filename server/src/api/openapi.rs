//! `GET /api/v1/openapi.json`: the hand-written OpenAPI 3.1 description of this API.

use crate::ApiContext;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

const DOCUMENT: &str = include_str!("../../openapi.json");

pub fn router() -> Router<ApiContext> {
    Router::new().route("/openapi.json", get(document))
}

async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}

/// `openapi.json` cannot drift from the wire types: each of its components has the properties,
/// the required names and the closed values of the `domain` type it describes.
#[cfg(test)]
mod tests {
    use domain::api;
    use schemars::JsonSchema;
    use serde_json::Value;
    use std::collections::BTreeSet;

    /// Where a schema's `$ref`s point: the document's components, or the generated `$defs`.
    fn resolve<'a>(schema: &'a Value, root: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(path) => {
                let pointer = path.trim_start_matches('#');
                let target = root.pointer(pointer).unwrap_or_else(|| panic!("no {path}"));
                resolve(target, root)
            }
            None => schema,
        }
    }

    #[derive(Debug, Default, PartialEq)]
    struct Shape {
        properties: BTreeSet<String>,
        required: BTreeSet<String>,
        values: BTreeSet<String>,
    }

    /// The object's properties through `allOf` (and serde's `flatten`), and the string values of
    /// a closed list through `oneOf`/`anyOf`.
    fn shape(schema: &Value, root: &Value, shape: &mut Shape, values_only: bool) {
        let schema = resolve(schema, root);
        let strings = |key: &str| -> Vec<String> {
            let list = schema.get(key).and_then(Value::as_array).cloned();
            let list = list.unwrap_or_default();
            list.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        };
        shape.values.extend(strings("enum"));
        if let Some(value) = schema.get("const").and_then(Value::as_str) {
            shape.values.insert(value.to_string());
        }
        for key in ["oneOf", "anyOf"] {
            for part in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self::shape(part, root, shape, true);
            }
        }
        if values_only {
            return;
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self::shape(part, root, shape, false);
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            shape.properties.extend(properties.keys().cloned());
        }
        shape.required.extend(strings("required"));
    }

    fn generated<T: JsonSchema>() -> Shape {
        let schema = schemars::generate::SchemaSettings::draft2020_12()
            .into_generator()
            .into_root_schema_for::<T>();
        let root = schema.as_value();
        let mut found = Shape::default();
        shape(root, root, &mut found, false);
        found
    }

    fn documented(document: &Value, pointer: &str) -> Shape {
        let schema = document
            .pointer(pointer)
            .unwrap_or_else(|| panic!("openapi.json has no {pointer}"));
        let mut found = Shape::default();
        shape(schema, document, &mut found, false);
        found
    }

    /// Request bodies the server reads with its own checks (field by field, so that each wrong
    /// field is reported); `tests/` sends each of them.
    const REQUESTS: &[&str] = &[
        "LoginRequest",
        "PasswordChange",
        "NewUser",
        "UserChange",
        "NewOrgUnit",
        "OrgUnitChange",
        "OfficersMove",
        "BaselineBody",
        "SettingsChange",
        "AgencyChange",
        "ReceivingServiceChange",
        "NewPlan",
        "PlanChange",
        "QuarterStepBody",
    ];

    #[test]
    fn every_component_matches_its_type() {
        let document: Value = serde_json::from_str(super::DOCUMENT).unwrap();
        let at = |name: &str| format!("/components/schemas/{name}");
        let typed: Vec<(String, Shape)> = vec![
            (at("Error"), generated::<api::ErrorBody>()),
            (
                at("Error") + "/properties/error",
                generated::<api::ErrorDetail>(),
            ),
            (at("FieldError"), generated::<api::FieldProblem>()),
            (at("Role"), generated::<api::Role>()),
            (at("Level"), generated::<api::Level>()),
            (at("Date"), generated::<domain::Date>()),
            (at("UnitRef"), generated::<api::UnitRef>()),
            (at("OfficerUnit"), generated::<api::OfficerUnit>()),
            (at("Officer"), generated::<api::Officer>()),
            (at("User"), generated::<api::User>()),
            (at("LoginResponse"), generated::<api::LoginResponse>()),
            (at("SessionsRevoked"), generated::<api::SessionsRevoked>()),
            (at("OrgUnit"), generated::<api::OrgUnit>()),
            (at("OfficersMoved"), generated::<api::OfficersMoved>()),
            (at("Target"), generated::<api::Target>()),
            (at("IndicatorTarget"), generated::<api::IndicatorTarget>()),
            (at("BaselineName"), generated::<api::BaselineName>()),
            (at("Baseline"), generated::<api::Baseline>()),
            (at("Settings"), generated::<api::Settings>()),
            (at("Agency"), generated::<api::Agency>()),
            (at("ServiceRef"), generated::<api::ServiceRef>()),
            (
                at("ReferralService"),
                generated::<domain::ReferralService>(),
            ),
            (at("ReceivingService"), generated::<api::ReceivingService>()),
            (at("SlipOutcome"), generated::<domain::SlipOutcome>()),
            (at("Confirmation"), generated::<domain::Confirmation>()),
            (at("Slip"), generated::<api::Slip>()),
            (at("SlipAnswer"), generated::<api::SlipAnswer>()),
            (at("WaitingReport"), generated::<api::WaitingReport>()),
            (at("DeviceProblem"), generated::<api::DeviceProblem>()),
            (at("Device"), generated::<api::Device>()),
            (at("DeviceHandled"), generated::<api::DeviceHandled>()),
            (at("ExportKey"), generated::<api::ExportKey>()),
            (at("UnsentFile"), generated::<api::UnsentFile>()),
            (at("UnsentRecords"), generated::<api::UnsentRecords>()),
            (at("WrappedKey"), generated::<api::WrappedKey>()),
            (at("UnsentImport"), generated::<api::UnsentImport>()),
            (at("AuditEntry"), generated::<api::AuditLine>()),
            (at("RecordKind"), generated::<domain::RecordKind>()),
            (at("Record"), generated::<domain::Record>()),
            (at("StoredRecord"), generated::<api::StoredRecord>()),
            (at("SyncRequest"), generated::<api::SyncRequest>()),
            (at("SyncResult"), generated::<api::SyncResult>()),
            (at("SyncResponse"), generated::<api::SyncResponse>()),
            (at("RecordsPage"), generated::<api::RecordsPage>()),
            (at("IndicatorValue"), generated::<api::IndicatorValue>()),
            (at("PlainCount"), generated::<api::PlainCount>()),
            (at("CountValue"), generated::<api::CountValue>()),
            (at("IndicatorReport"), generated::<api::IndicatorReport>()),
            (
                at("IndicatorReport") + "/properties/communes/items",
                generated::<api::CommuneFigures>(),
            ),
            (at("PlanHeader"), generated::<api::PlanHeader>()),
            (at("PlanTarget"), generated::<api::PlanTarget>()),
            (at("Plan"), generated::<api::Plan>()),
            (at("HiddenMark"), generated::<api::Cell>()),
            (at("QuarterState"), generated::<api::QuarterState>()),
            (at("QuarterApproval"), generated::<api::QuarterApproval>()),
            (at("IndicatorAnswer"), generated::<api::IndicatorAnswer>()),
            (at("Quarter"), generated::<api::Quarter>()),
            (at("LateRecord"), generated::<api::LateRecord>()),
            (at("HiddenParts"), generated::<api::HiddenParts>()),
            (
                "/paths/~1health/get/responses/200/content/application~1json/schema".into(),
                generated::<api::Health>(),
            ),
        ];
        let mut drift = Vec::new();
        for (pointer, generated) in &typed {
            let documented = documented(&document, pointer);
            if documented.properties != generated.properties {
                drift.push(format!(
                    "{pointer}: properties {:?}, the type has {:?}",
                    documented.properties, generated.properties
                ));
            }
            // What the type cannot do without, the document must promise.
            let missing: Vec<_> = generated
                .required
                .difference(&documented.required)
                .collect();
            if !missing.is_empty() {
                drift.push(format!(
                    "{pointer}: {missing:?} required by the type, optional here"
                ));
            }
            if !documented.values.is_empty() && documented.values != generated.values {
                drift.push(format!(
                    "{pointer}: values {:?}, the type has {:?}",
                    documented.values, generated.values
                ));
            }
        }
        let components = document["components"]["schemas"].as_object().unwrap();
        for name in components.keys() {
            let pointer = at(name);
            if !typed.iter().any(|(p, _)| *p == pointer) && !REQUESTS.contains(&name.as_str()) {
                drift.push(format!("{pointer}: no type says what it is"));
            }
        }
        assert!(
            drift.is_empty(),
            "openapi.json drifted:\n{}",
            drift.join("\n")
        );
    }
}
