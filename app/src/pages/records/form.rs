//! A record's form as plain data: which fields each kind has, a draft (the text as typed) turned
//! into a record and checked by the domain's own validation, and a saved record turned back into a
//! draft. No components here, so it is tested natively.

use domain::{
    validate_value, ClientCode, ClientCodeError, Coded, Date, ErrorCode, Lang, Record, RecordKind,
};
use serde_json::{json, Map, Value};

use crate::offline::outbox::{Draft, WireFieldError};

/// How a field's text travels in the record's JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Input {
    Text,
    /// A whole number; anything else is sent as text for the domain to refuse.
    Count,
    /// A checkbox: `"true"` or not.
    Flag,
}

const SESSION: &[(&str, Input)] = &[
    ("village", Input::Text),
    ("format", Input::Text),
    ("audience", Input::Text),
    ("reached_male", Input::Count),
    ("reached_female", Input::Count),
    ("language", Input::Text),
    ("organising_unit", Input::Text),
    ("notes", Input::Text),
];

const REFERRAL: &[(&str, Input)] = &[
    ("client_code", Input::Text),
    ("age_band", Input::Text),
    ("sex", Input::Text),
    ("in_need_eligible", Input::Flag),
    ("consent", Input::Flag),
    ("consent_on", Input::Text),
    ("service", Input::Text),
    ("receiving_org", Input::Text),
    ("status", Input::Text),
    ("accessed_on", Input::Text),
    ("follow_up_on", Input::Text),
];

/// The `data` fields of a kind's form; kinds without a phone form yet have none.
fn data_fields(kind: RecordKind) -> &'static [(&'static str, Input)] {
    match kind {
        RecordKind::OutreachSession => SESSION,
        RecordKind::Referral => REFERRAL,
        _ => &[],
    }
}

/// Whether the phone has a form for this kind.
pub fn has_form(kind: RecordKind) -> bool {
    !data_fields(kind).is_empty()
}

pub const OCCURRED_ON: &str = "occurred_on";
pub const ORG_UNIT: &str = "org_unit_id";
pub const CLIENT_CODE: &str = "data.client_code";

/// Whether a form shows this field (so its error goes beside it); errors on the rest of the
/// envelope (`id`, `base_version`…) are shown above the form.
pub fn is_form_field(field: &str) -> bool {
    field == OCCURRED_ON || field == ORG_UNIT || field.starts_with("data.")
}

/// Why a field is refused.
#[derive(Clone, Debug, PartialEq)]
pub enum Why {
    Invalid(ErrorCode),
    ClientCode(ClientCodeError),
    /// A code the server sent that this version does not know: its own message.
    Server(String),
}

/// A refused field and why, shown beside the field.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    /// The field's path, as the domain names it: `occurred_on`, `data.reached_male`…
    pub field: String,
    pub why: Why,
}

impl Issue {
    pub fn message(&self, lang: Lang) -> String {
        match &self.why {
            Why::Invalid(code) => code.message(lang).to_string(),
            Why::ClientCode(error) => error.message(lang).to_string(),
            Why::Server(message) => message.clone(),
        }
    }

    /// A field the server refused, in the officer's language when the code is a known one.
    pub fn from_problem(problem: &WireFieldError) -> Issue {
        Issue {
            field: problem.field.clone(),
            why: ErrorCode::parse(&problem.code)
                .map(Why::Invalid)
                .unwrap_or_else(|| Why::Server(problem.message.clone())),
        }
    }
}

fn text<'a>(draft: &'a Draft, path: &str) -> &'a str {
    draft.get(path).map_or("", |text| text.trim())
}

/// The record JSON a draft describes. Blank fields are left out, so the domain calls them
/// `required` where they are.
fn record_json(kind: RecordKind, id: &str, draft: &Draft) -> Value {
    let mut data = Map::new();
    for &(name, input) in data_fields(kind) {
        let value = text(draft, &format!("data.{name}"));
        let value = match input {
            Input::Flag => Value::Bool(value == "true"),
            _ if value.is_empty() => continue,
            Input::Count => value
                .parse::<i64>()
                .map_or_else(|_| Value::from(value), Value::from),
            Input::Text => Value::from(value),
        };
        data.insert(name.to_string(), value);
    }
    json!({
        "id": id,
        "kind": kind,
        "org_unit_id": text(draft, ORG_UNIT),
        "occurred_on": text(draft, OCCURRED_ON),
        "base_version": 0,
        "voided": false,
        "data": data,
    })
}

/// The valid record a draft describes, or every issue (one per field). The outbox sets
/// `base_version` and keeps `voided` when it saves.
///
/// A typed client code must pass the check character, which catches typos. `known_code` is the
/// code already saved on the record: left as it is, it stays accepted even if another scheme made it.
pub fn check(
    kind: RecordKind,
    id: &str,
    draft: &Draft,
    today: Date,
    known_code: Option<&str>,
) -> Result<Record, Vec<Issue>> {
    let mut value = record_json(kind, id, draft);
    let mut issues = Vec::new();
    let typed = text(draft, CLIENT_CODE);
    if kind == RecordKind::Referral && !typed.is_empty() && Some(typed) != known_code {
        match ClientCode::parse(typed) {
            Ok(code) => value["data"]["client_code"] = Value::from(code.as_str()),
            Err(error) => issues.push(Issue {
                field: CLIENT_CODE.into(),
                why: Why::ClientCode(error),
            }),
        }
    }
    let errors = match validate_value(&value, today) {
        Ok(valid) if issues.is_empty() => {
            // A valid record serialises as the canonical envelope, which always reads back.
            return serde_json::to_value(&valid)
                .and_then(serde_json::from_value)
                .map_err(|_| {
                    vec![Issue {
                        field: String::new(),
                        why: Why::Invalid(ErrorCode::InvalidFormat),
                    }]
                });
        }
        Ok(_) => Vec::new(),
        Err(errors) => errors,
    };
    for error in errors {
        if !issues.iter().any(|issue| issue.field == error.field) {
            issues.push(Issue {
                field: error.field,
                why: Why::Invalid(error.code),
            });
        }
    }
    Err(issues)
}

/// The form of a saved record, to edit it.
pub fn draft_of(record: &Record) -> Draft {
    let mut draft = Draft::new();
    draft.insert(OCCURRED_ON.into(), record.occurred_on.to_string());
    draft.insert(ORG_UNIT.into(), record.org_unit_id.clone());
    for &(name, _) in data_fields(record.kind) {
        let text = match record.data.get(name) {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Number(number)) => number.to_string(),
            Some(Value::Bool(flag)) => flag.to_string(),
            _ => continue,
        };
        draft.insert(format!("data.{name}"), text);
    }
    draft
}

/// A new form: dated today, for the officer's own unit when they record for one commune.
pub fn new_draft(kind: RecordKind, unit: Option<&str>, today: Date) -> Draft {
    let mut draft = Draft::new();
    draft.insert(OCCURRED_ON.into(), today.to_string());
    if let Some(unit) = unit {
        draft.insert(ORG_UNIT.into(), unit.to_string());
    }
    if kind == RecordKind::Referral {
        draft.insert("data.consent_on".into(), today.to_string());
        draft.insert("data.status".into(), "referred".into());
    }
    draft
}

/// The `data` of a draft as text, so that a draft is summed up like a record.
pub fn draft_data(draft: &Draft) -> Value {
    let data: Map<String, Value> = draft
        .iter()
        .filter_map(|(path, text)| {
            Some((
                path.strip_prefix("data.")?.to_string(),
                text.as_str().into(),
            ))
        })
        .collect();
    Value::Object(data)
}

fn label<T: Coded>(data: &Value, name: &str, lang: Lang) -> Option<&'static str> {
    T::parse(data.get(name)?.as_str()?).map(|value| value.label(lang))
}

fn count(data: &Value, name: &str) -> Option<u64> {
    match data.get(name)? {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// The key values of a record for one line of the list, in `lang`; `people`, `men` and `women`
/// are the words for them.
pub fn summary(kind: RecordKind, data: &Value, lang: Lang, words: [&str; 3]) -> String {
    let [people, men, women] = words;
    let mut parts: Vec<String> = Vec::new();
    let mut text = |value: Option<&str>| {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            parts.push(value.trim().to_string());
        }
    };
    match kind {
        RecordKind::OutreachSession => {
            text(data.get("village").and_then(Value::as_str));
            text(label::<domain::OutreachFormat>(data, "format", lang));
            text(label::<domain::Audience>(data, "audience", lang));
            if let (Some(male), Some(female)) =
                (count(data, "reached_male"), count(data, "reached_female"))
            {
                let reached = format!(
                    "{} {people} ({men} {male}, {women} {female})",
                    male + female
                );
                text(Some(&reached));
            }
        }
        RecordKind::Referral => {
            text(data.get("client_code").and_then(Value::as_str));
            text(label::<domain::ReferralService>(data, "service", lang));
            text(label::<domain::ReferralStatus>(data, "status", lang));
        }
        _ => {}
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0b8e3c1e-8a4e-4b8a-9f1e-2d3c4b5a6978";

    fn today() -> Date {
        Date::from_ymd(2023, 3, 20).unwrap()
    }

    fn draft(pairs: &[(&str, &str)]) -> Draft {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn session() -> Draft {
        draft(&[
            ("occurred_on", "2023-03-14"),
            ("org_unit_id", "u-03412"),
            ("data.village", " Bản Nà Khum "),
            ("data.format", "group_talk"),
            ("data.audience", "women"),
            ("data.reached_male", "12"),
            ("data.reached_female", "30"),
            ("data.language", "hmong"),
            ("data.notes", ""),
        ])
    }

    fn referral() -> Draft {
        draft(&[
            ("occurred_on", "2023-03-14"),
            ("org_unit_id", "u-03412"),
            ("data.client_code", "mt-1990-f7"),
            ("data.age_band", "25_34"),
            ("data.in_need_eligible", "true"),
            ("data.consent", "true"),
            ("data.consent_on", "2023-03-14"),
            ("data.service", "HIV_TEST"),
            ("data.status", "referred"),
        ])
    }

    fn fields(result: Result<Record, Vec<Issue>>) -> Vec<(String, Why)> {
        result
            .unwrap_err()
            .into_iter()
            .map(|issue| (issue.field, issue.why))
            .collect()
    }

    #[test]
    fn a_filled_session_becomes_a_canonical_record() {
        let record = check(RecordKind::OutreachSession, ID, &session(), today(), None).unwrap();
        assert_eq!(record.id, ID);
        assert_eq!(record.occurred_on, Date::from_ymd(2023, 3, 14).unwrap());
        assert_eq!(
            record.data,
            json!({"village": "Bản Nà Khum", "format": "group_talk", "audience": "women",
                "reached_male": 12, "reached_female": 30, "language": "hmong"})
        );
        // Back to a form and again to the same record.
        let again = check(
            RecordKind::OutreachSession,
            ID,
            &draft_of(&record),
            today(),
            None,
        );
        assert_eq!(again.unwrap(), record);
    }

    #[test]
    fn a_negative_number_a_future_date_and_a_word_for_a_number_are_refused() {
        let mut form = session();
        form.insert("data.reached_male".into(), "-3".into());
        form.insert("data.reached_female".into(), "nhiều".into());
        form.insert("occurred_on".into(), "2023-03-21".into());
        assert_eq!(
            fields(check(RecordKind::OutreachSession, ID, &form, today(), None)),
            [
                ("occurred_on".into(), Why::Invalid(ErrorCode::InFuture)),
                (
                    "data.reached_male".into(),
                    Why::Invalid(ErrorCode::Negative)
                ),
                (
                    "data.reached_female".into(),
                    Why::Invalid(ErrorCode::InvalidFormat)
                ),
            ]
        );
    }

    #[test]
    fn an_empty_form_names_every_required_field() {
        let found = fields(check(
            RecordKind::OutreachSession,
            ID,
            &Draft::new(),
            today(),
            None,
        ));
        let names: Vec<&str> = found.iter().map(|(field, _)| field.as_str()).collect();
        assert_eq!(
            names,
            [
                "org_unit_id",
                "occurred_on",
                "data.format",
                "data.audience",
                "data.reached_male",
                "data.reached_female"
            ]
        );
        assert!(found
            .iter()
            .all(|(_, why)| *why == Why::Invalid(ErrorCode::Required)));
    }

    #[test]
    fn a_referral_needs_consent() {
        let record = check(RecordKind::Referral, ID, &referral(), today(), None).unwrap();
        assert_eq!(record.data["client_code"], "MT1990F7");
        assert_eq!(record.data["consent"], true);
        let mut form = referral();
        form.remove("data.consent");
        assert_eq!(
            fields(check(RecordKind::Referral, ID, &form, today(), None)),
            [(
                "data.consent".into(),
                Why::Invalid(ErrorCode::ConsentRequired)
            )]
        );
    }

    #[test]
    fn a_typo_in_a_typed_code_is_caught_but_a_known_code_is_kept() {
        let mut form = referral();
        form.insert(CLIENT_CODE.into(), "MT1909F7".into());
        assert_eq!(
            fields(check(RecordKind::Referral, ID, &form, today(), None)),
            [(
                CLIENT_CODE.into(),
                Why::ClientCode(ClientCodeError::CheckMismatch)
            )]
        );
        // A code of the province's own scheme, restored from the server, is left alone.
        form.insert(CLIENT_CODE.into(), "LC_2023_0042".into());
        let record = check(
            RecordKind::Referral,
            ID,
            &form,
            today(),
            Some("LC_2023_0042"),
        );
        assert_eq!(record.unwrap().data["client_code"], "LC_2023_0042");
    }

    #[test]
    fn new_drafts_start_today_for_the_officer_s_unit() {
        let form = new_draft(RecordKind::Referral, Some("u-03412"), today());
        assert_eq!(text(&form, OCCURRED_ON), "2023-03-20");
        assert_eq!(text(&form, ORG_UNIT), "u-03412");
        assert_eq!(text(&form, "data.consent_on"), "2023-03-20");
        assert_eq!(text(&form, "data.status"), "referred");
        let form = new_draft(RecordKind::OutreachSession, None, today());
        assert_eq!(form.len(), 1);
    }

    #[test]
    fn summaries_show_the_key_values_in_each_language() {
        let words = ["người", "nam", "nữ"];
        let record = check(RecordKind::OutreachSession, ID, &session(), today(), None).unwrap();
        assert_eq!(
            summary(record.kind, &record.data, Lang::Vi, words),
            "Bản Nà Khum · Nói chuyện chuyên đề, thảo luận nhóm · Phụ nữ · 42 người (nam 12, nữ 30)"
        );
        let record = check(RecordKind::Referral, ID, &referral(), today(), None).unwrap();
        assert_eq!(
            summary(
                record.kind,
                &record.data,
                Lang::En,
                ["people", "men", "women"]
            ),
            "MT1990F7 · HIV testing incl. self-test · Referred"
        );
        // A draft reads the same from its text.
        assert_eq!(
            summary(RecordKind::OutreachSession, &draft_data(&session()), Lang::Vi, words),
            "Bản Nà Khum · Nói chuyện chuyên đề, thảo luận nhóm · Phụ nữ · 42 người (nam 12, nữ 30)"
        );
        assert!(has_form(RecordKind::Referral));
        assert!(is_form_field("data.reached_male") && is_form_field(ORG_UNIT));
        assert!(!is_form_field("base_version") && !is_form_field("id"));
        assert!(!has_form(RecordKind::Business));
    }
}
