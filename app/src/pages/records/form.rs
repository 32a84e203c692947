//! A record's form as plain data: which fields each kind has, a draft (the text as typed) turned
//! into a record and checked by the domain's own validation, and a saved record turned back into a
//! draft. No components here, so it is tested natively.

use domain::{
    unit_closed_message, unit_date_error, unit_not_yet_open_message, validate_value, ClientCode,
    ClientCodeError, Coded, Date, ErrorCode, Lang, Record, RecordKind, SlipCode,
};
use serde_json::{json, Map, Value};

use crate::api::OrgUnit;
use crate::offline;
use crate::offline::outbox::{Draft, FieldProblem};
use crate::pages::routes::form_of;

/// How a field's text travels in the record's JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Text,
    /// A whole number; anything else is sent as text for the domain to refuse.
    Count,
    /// A checkbox: `"true"` or not.
    Flag,
    /// An amount of money: a whole number, perhaps written with `.`, `,` or spaces between
    /// thousands (`7.500.000`).
    Amount,
    /// What the server wrote and the phone keeps as it is (a receiving service's confirmation):
    /// JSON text in the draft, never typed.
    Kept,
    /// A field the form asks only while another field has one value (`audience` is `students`),
    /// travelling as the inner input. Otherwise it is hidden and not sent, even if the draft still
    /// holds what was typed before the other field changed: a record never carries an answer its
    /// officer could not see. The draft keeps it, so changing the other field back restores it.
    Only {
        field: &'static str,
        value: &'static str,
        input: &'static Input,
    },
}

impl Input {
    /// How the field travels with this draft; `None` while the form hides it.
    fn with(self, draft: &Draft) -> Option<Input> {
        match self {
            Input::Only {
                field,
                value,
                input,
            } => (text(draft, &format!("data.{field}")) == value)
                .then_some(*input)?
                .with(draft),
            input => Some(input),
        }
    }
}

/// The `data` fields of a kind's form, and how each travels.
pub type Fields = &'static [(&'static str, Input)];

/// The `data` fields of a kind's form.
fn data_fields(kind: RecordKind) -> Fields {
    form_of(kind).fields
}

/// Whether the form asks `data.{name}` of this draft (see [`Input::Only`]).
pub fn asks(fields: Fields, name: &str, draft: &Draft) -> bool {
    fields
        .iter()
        .find(|&&(field, _)| field == name)
        .is_some_and(|&(_, input)| input.with(draft).is_some())
}

/// Whether `name` is a `data` field of this kind's form (a link may fill it in a new form).
pub fn is_data_field(kind: RecordKind, name: &str) -> bool {
    data_fields(kind).iter().any(|&(field, _)| field == name)
}

/// Kinds a district officer may record for the district itself (`API.md`: media posts, agency
/// integration, trainings of district officials); the others belong to a commune.
pub fn district_level(kind: RecordKind) -> bool {
    form_of(kind).district
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
    /// A code the server sent that this version does not know, or a message it made with what
    /// only it knows (the unit that replaced a closed one): its own message.
    Server(String),
    /// The record's date falls after its unit closed (`unit_closed`), or before it opened.
    UnitLife {
        code: ErrorCode,
        unit: String,
        bound: Date,
        successors: Vec<(String, String)>,
    },
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
            Why::UnitLife {
                code,
                unit,
                bound,
                successors,
            } => match code {
                ErrorCode::UnitClosed => {
                    let successors: Vec<(&str, &str)> = successors
                        .iter()
                        .map(|(name, code)| (name.as_str(), code.as_str()))
                        .collect();
                    unit_closed_message(unit, *bound, &successors, lang)
                }
                _ => unit_not_yet_open_message(unit, *bound, lang),
            },
        }
    }

    /// A field the server refused, in the officer's language when the code is a known one; a
    /// closed unit with the server's message, which names the unit that replaced it.
    pub fn from_problem(problem: &FieldProblem) -> Issue {
        let why = match ErrorCode::parse(&problem.code) {
            Some(ErrorCode::UnitClosed) if !problem.message.is_empty() => {
                Why::Server(problem.message.clone())
            }
            Some(code) => Why::Invalid(code),
            None => Why::Server(problem.message.clone()),
        };
        Issue {
            field: problem.field.clone(),
            why,
        }
    }

    /// The record's date against the life of its unit, as the phone last fetched the units (the
    /// server checks again): a unit the phone does not know passes.
    pub fn unit_life(units: &[OrgUnit], unit_id: &str, day: Date) -> Option<Issue> {
        let unit = units.iter().find(|unit| unit.id == unit_id)?;
        let date = |text: &Option<String>| text.as_deref().and_then(|t| t.parse::<Date>().ok());
        let (from, to) = (date(&unit.valid_from), date(&unit.valid_to));
        let code = unit_date_error(from, to, day)?;
        let successors = unit
            .successor_ids
            .iter()
            .filter_map(|id| units.iter().find(|u| &u.id == id))
            .map(|u| (u.name.clone(), u.code.clone()))
            .collect();
        let bound = if code == ErrorCode::UnitClosed {
            to
        } else {
            from
        }?;
        Some(Issue {
            field: "occurred_on".into(),
            why: Why::UnitLife {
                code,
                unit: unit.name.clone(),
                bound,
                successors,
            },
        })
    }
}

fn text<'a>(draft: &'a Draft, path: &str) -> &'a str {
    draft.get(path).map_or("", |text| text.trim())
}

/// A whole number as JSON; anything else as the text, for the domain to refuse.
fn number(text: &str) -> Value {
    text.parse::<i64>()
        .map_or_else(|_| Value::from(text), Value::from)
}

/// An amount as typed: plain digits, or groups of three digits after the first separated by `.`,
/// `,` or spaces. Anything else is sent as the text for the domain to refuse.
fn amount(text: &str) -> Value {
    let mut groups = text.split(['.', ',', ' ']);
    let first = groups.next().unwrap_or_default();
    let rest: Vec<&str> = groups.collect();
    let grouped = rest
        .iter()
        .all(|group| group.len() == 3 && group.bytes().all(|b| b.is_ascii_digit()));
    if grouped {
        number(&format!("{first}{}", rest.concat()))
    } else {
        Value::from(text)
    }
}

/// The record JSON a draft describes. Blank fields are left out, so the domain calls them
/// `required` where they are.
fn record_json(kind: RecordKind, id: &str, draft: &Draft) -> Value {
    let mut data = Map::new();
    for &(name, input) in data_fields(kind) {
        let Some(input) = input.with(draft) else {
            continue;
        };
        let value = text(draft, &format!("data.{name}"));
        let value = match input {
            Input::Flag => Value::Bool(value == "true"),
            _ if value.is_empty() => continue,
            Input::Count => number(value),
            Input::Amount => amount(value),
            Input::Kept => serde_json::from_str(value).unwrap_or_else(|_| Value::from(value)),
            // `with` has resolved `Only` to its inner input.
            Input::Text | Input::Only { .. } => Value::from(value),
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
    // Where typed text enters a record: composed (NFC), as the server stores it, so that a word
    // typed decomposed on some keyboards is the same text as everywhere else.
    let draft: Draft = draft
        .iter()
        .map(|(path, typed)| (path.clone(), offline::nfc(typed)))
        .collect();
    let draft = &draft;
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
            Some(kept @ Value::Object(_)) => kept.to_string(),
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
        if let Some(code) = new_slip_code() {
            draft.insert("data.slip_code".into(), code.as_str().into());
        }
    }
    draft
}

/// A referral's slip code, from the browser's random generator (offline). Each draw of 16 bytes
/// fails with odds of about 1 in 50; none on the server render, which has no generator.
fn new_slip_code() -> Option<SlipCode> {
    (0..8).find_map(|_| SlipCode::from_random(&offline::random_bytes()))
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

/// A record's key values for its one line in the lists, in the officer's language; each kind's
/// `summary` adds its values in turn.
pub struct Line<'a> {
    data: &'a Value,
    pub lang: Lang,
    /// The words for people, men and women.
    pub words: [&'a str; 3],
    parts: Vec<String>,
}

impl<'a> Line<'a> {
    /// Adds a value; a missing or blank one is left out.
    pub fn text(&mut self, value: Option<&str>) {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            self.parts.push(value.trim().to_string());
        }
    }

    pub fn string(&self, name: &str) -> Option<&'a str> {
        self.data.get(name)?.as_str()
    }

    /// The label of a coded value (`karaoke` → "Karaoke").
    pub fn label<T: Coded>(&self, name: &str) -> Option<&'static str> {
        T::parse(self.data.get(name)?.as_str()?).map(|value| value.label(self.lang))
    }

    pub fn count(&self, name: &str) -> Option<u64> {
        match self.data.get(name)? {
            Value::Number(number) => number.as_u64(),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    /// A checkbox's value, from a record (`true`) or a draft (`"true"`).
    pub fn flag(&self, name: &str) -> Option<bool> {
        match self.data.get(name)? {
            Value::Bool(flag) => Some(*flag),
            Value::String(text) => Some(text == "true"),
            _ => None,
        }
    }

    pub fn day(&self, name: &str) -> Option<Date> {
        self.data.get(name)?.as_str()?.trim().parse().ok()
    }

    /// An amount of money, saved or as typed.
    pub fn amount(&self, name: &str) -> Option<u64> {
        match self.data.get(name)? {
            Value::String(typed) => amount(typed.trim()).as_u64(),
            value => value.as_u64(),
        }
    }
}

/// The key values of a record for one line of the list, in `lang`; `people`, `men` and `women`
/// are the words for them.
pub fn summary(kind: RecordKind, data: &Value, lang: Lang, words: [&str; 3]) -> String {
    let mut line = Line {
        data,
        lang,
        words,
        parts: Vec::new(),
    };
    (form_of(kind).summary)(&mut line);
    line.parts.join(" · ")
}

/// `7500000` as Vietnamese write it: `7.500.000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(digit);
    }
    out
}

/// The day `days` after `day`: when a tip-off received on `day` must be handled by.
pub fn days_after(day: Date, days: u32) -> Option<Date> {
    let mut day = day;
    for _ in 0..days {
        day = Date::from_ymd(day.year(), day.month(), day.day() + 1)
            .or_else(|| Date::from_ymd(day.year(), day.month() + 1, 1))
            .or_else(|| Date::from_ymd(day.year() + 1, 1, 1))?;
    }
    Some(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0b8e3c1e-8a4e-4b8a-9f1e-2d3c4b5a6978";

    fn today() -> Date {
        Date::from_ymd(2023, 3, 20).unwrap()
    }

    fn unit(id: &str, name: &str, from: Option<&str>, to: Option<&str>, next: &[&str]) -> OrgUnit {
        OrgUnit {
            id: id.into(),
            code: "03390".into(),
            name: name.into(),
            level: crate::api::Level::Commune,
            parent_id: None,
            valid_from: from.map(Into::into),
            valid_to: to.map(Into::into),
            successor_ids: next.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_date_outside_the_unit_s_life_names_the_unit_that_replaced_it() {
        let units = [
            unit("old", "Xã Bình Lư", None, Some("2025-06-30"), &["new"]),
            unit("new", "Xã Bình Lư", Some("2025-07-01"), None, &[]),
        ];
        let day = |text: &str| text.parse::<Date>().unwrap();
        assert_eq!(Issue::unit_life(&units, "old", day("2025-06-30")), None);
        assert_eq!(Issue::unit_life(&units, "new", day("2025-07-01")), None);
        assert_eq!(Issue::unit_life(&units, "unknown", day("2026-01-01")), None);
        let closed = Issue::unit_life(&units, "old", day("2026-01-05")).unwrap();
        assert_eq!(closed.field, "occurred_on");
        let message = closed.message(Lang::Vi);
        assert!(message.contains("Xã Bình Lư (03390)"), "{message}");
        assert!(message.contains("01/07/2025"), "{message}");
        let early = Issue::unit_life(&units, "new", day("2025-06-30")).unwrap();
        assert!(early.message(Lang::En).contains("01/07/2025"));
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

    /// A session for `audience`, with a business and a first-time count typed in.
    fn session_for(audience: &str) -> Draft {
        let mut form = session();
        form.insert("data.audience".into(), audience.into());
        form.insert("data.business_id".into(), BUSINESS_ID.into());
        form.insert("data.reached_first_time".into(), "40".into());
        form
    }

    fn session_data(form: &Draft) -> Value {
        check(RecordKind::OutreachSession, ID, form, today(), None)
            .unwrap()
            .data
    }

    #[test]
    fn a_workplace_session_names_its_business_and_a_school_session_its_first_timers() {
        let workplace = session_data(&session_for("business_workers"));
        assert_eq!(workplace["business_id"], BUSINESS_ID);
        assert_eq!(workplace.get("reached_first_time"), None);
        let school = session_data(&session_for("students"));
        assert_eq!(school["reached_first_time"], 40);
        assert_eq!(school.get("business_id"), None);
        // Saved and opened again, each comes back to its field.
        let record = check(
            RecordKind::OutreachSession,
            ID,
            &session_for("students"),
            today(),
            None,
        )
        .unwrap();
        assert_eq!(text(&draft_of(&record), "data.reached_first_time"), "40");
        let fields = form_of(RecordKind::OutreachSession).fields;
        assert!(asks(fields, "reached_first_time", &draft_of(&record)));
        assert!(!asks(fields, "business_id", &draft_of(&record)));
        // Not given, both are left out: an old phone's record and a new one read alike.
        let form = draft_without(session_for("students"), "data.reached_first_time");
        assert_eq!(session_data(&form).get("reached_first_time"), None);
    }

    #[test]
    fn a_field_hidden_by_the_audience_does_not_travel_but_comes_back_with_it() {
        let fields = form_of(RecordKind::OutreachSession).fields;
        // A business picked, then the audience changed: the business is not sent.
        let mut form = session_for("business_workers");
        form.insert("data.audience".into(), "women".into());
        assert!(!asks(fields, "business_id", &form) && !asks(fields, "reached_first_time", &form));
        let data = session_data(&form);
        assert_eq!(data.get("business_id"), None);
        assert_eq!(data.get("reached_first_time"), None);
        // Even a value the domain would refuse: the officer cannot see it to fix it.
        form.insert("data.reached_first_time".into(), "999".into());
        form.insert("data.business_id".into(), "Karaoke Hoa Mai".into());
        assert!(check(RecordKind::OutreachSession, ID, &form, today(), None).is_ok());
        // No audience chosen yet: neither is asked.
        form.remove("data.audience");
        assert!(!asks(fields, "business_id", &form));
        // The draft still holds the choice: changing the audience back shows and sends it.
        form.insert("data.audience".into(), "business_workers".into());
        form.insert("data.business_id".into(), BUSINESS_ID.into());
        assert!(asks(fields, "business_id", &form));
        assert_eq!(session_data(&form)["business_id"], BUSINESS_ID);
        // Fields without a condition are always asked; unknown ones never.
        assert!(asks(fields, "village", &Draft::new()));
        assert!(!asks(fields, "client_code", &form));
    }

    #[test]
    fn a_first_time_count_above_those_reached_is_refused_at_its_field() {
        let mut form = session_for("students");
        form.insert("data.reached_first_time".into(), "43".into());
        let found = check(RecordKind::OutreachSession, ID, &form, today(), None).unwrap_err();
        assert_eq!(
            found,
            [Issue {
                field: "data.reached_first_time".into(),
                why: Why::Invalid(ErrorCode::ExceedsTotal),
            }]
        );
        assert!(is_form_field(&found[0].field));
        assert_eq!(found[0].message(Lang::Vi), "Không được lớn hơn tổng số");
        assert_eq!(found[0].message(Lang::En), "Must not exceed the total");
        // All 42 for the first time is fine; the business's id is checked as the inspection's.
        form.insert("data.reached_first_time".into(), "42".into());
        assert_eq!(session_data(&form)["reached_first_time"], 42);
        let mut form = session_for("business_workers");
        form.insert("data.business_id".into(), "Karaoke Hoa Mai".into());
        assert_eq!(
            fields(check(RecordKind::OutreachSession, ID, &form, today(), None)),
            [(
                "data.business_id".into(),
                Why::Invalid(ErrorCode::InvalidFormat)
            )]
        );
    }

    #[test]
    fn the_audiences_that_ask_more_are_codes_of_the_list() {
        for &(_, input) in form_of(RecordKind::OutreachSession).fields {
            if let Input::Only { field, value, .. } = input {
                assert_eq!(field, "audience");
                assert!(domain::Audience::parse(value).is_some(), "{value}");
            }
        }
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
        assert!(is_form_field("data.reached_male") && is_form_field(ORG_UNIT));
        assert!(!is_form_field("base_version") && !is_form_field("id"));
    }

    const BUSINESS_ID: &str = "6f1d2c3b-4a59-4e68-b7c6-d5e4f3a2b1c0";

    /// A form of `kind` filled as an officer would, and the canonical `data` it must give.
    fn filled(kind: RecordKind) -> (Draft, Value) {
        let (fields, data): (&[(&str, &str)], Value) = match kind {
            RecordKind::Business => (
                &[
                    ("data.name", " Karaoke Hoa Mai "),
                    ("data.type", "karaoke"),
                    ("data.workers", "8"),
                    ("data.female_workers", "5"),
                    ("data.village", "Tổ dân phố số 1"),
                ],
                json!({"name": "Karaoke Hoa Mai", "type": "karaoke", "workers": 8,
                    "female_workers": 5, "village": "Tổ dân phố số 1"}),
            ),
            RecordKind::Inspection => (
                &[
                    ("data.business_id", BUSINESS_ID),
                    ("data.team", "Đội 178 huyện"),
                    ("data.findings", "Không đăng ký lưu trú"),
                    ("data.violation_found", "true"),
                    ("data.sanction", "Phạt tiền"),
                    ("data.fine_vnd", "7.500.000"),
                ],
                json!({"business_id": BUSINESS_ID, "team": "Đội 178 huyện",
                    "findings": "Không đăng ký lưu trú", "violation_found": true,
                    "sanction": "Phạt tiền", "fine_vnd": 7_500_000}),
            ),
            RecordKind::TipOff => (
                &[
                    ("data.channel", "hotline"),
                    ("data.classification", "brokering"),
                    ("data.verification", "confirmed"),
                    ("data.outcome", "Chuyển Công an huyện"),
                    ("data.handled_on", "2023-03-18"),
                ],
                json!({"channel": "hotline", "classification": "brokering",
                    "verification": "confirmed", "outcome": "Chuyển Công an huyện",
                    "handled_on": "2023-03-18"}),
            ),
            RecordKind::Training => (
                &[
                    ("data.course", "Kỹ năng hỗ trợ giảm hại"),
                    ("data.level", "district"),
                    ("data.trainees_male", "9"),
                    ("data.trainees_female", "14"),
                    ("data.trainees_first_time", "20"),
                ],
                json!({"course": "Kỹ năng hỗ trợ giảm hại", "level": "district",
                    "trainees": 23, "trainees_male": 9, "trainees_female": 14,
                    "trainees_first_time": 20}),
            ),
            RecordKind::MediaPost => (
                &[
                    ("data.channel", "radio_tv"),
                    ("data.title", "Phòng, chống mại dâm"),
                ],
                json!({"channel": "radio_tv", "title": "Phòng, chống mại dâm"}),
            ),
            RecordKind::CommunePlan => (
                &[
                    ("data.title", "Kế hoạch PCMD xã Bình Lư"),
                    ("data.adopted_on", "2023-03-15"),
                ],
                json!({"title": "Kế hoạch PCMD xã Bình Lư", "adopted_on": "2023-03-15"}),
            ),
            RecordKind::PilotModel => (
                &[
                    ("data.name", "Mô hình hỗ trợ giảm hại"),
                    ("data.ended_on", "2023-03-18"),
                ],
                json!({"name": "Mô hình hỗ trợ giảm hại", "ended_on": "2023-03-18"}),
            ),
            RecordKind::AgencyIntegration => (
                &[
                    ("data.agency", "Phòng Tư pháp"),
                    ("data.programme", "Phổ biến pháp luật"),
                ],
                json!({"agency": "Phòng Tư pháp", "programme": "Phổ biến pháp luật"}),
            ),
            // The session and the referral are tested above; a new kind brings its own tests.
            other => unreachable!("{other:?}"),
        };
        let mut form = draft(&[("occurred_on", "2023-03-14"), ("org_unit_id", "u-03412")]);
        form.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        (form, data)
    }

    const OTHER_KINDS: [RecordKind; 8] = [
        RecordKind::Business,
        RecordKind::Inspection,
        RecordKind::TipOff,
        RecordKind::Training,
        RecordKind::MediaPost,
        RecordKind::CommunePlan,
        RecordKind::PilotModel,
        RecordKind::AgencyIntegration,
    ];

    /// The issues of `kind`'s filled form with these fields changed (`""` empties one).
    fn refused(kind: RecordKind, changes: &[(&str, &str)]) -> Vec<(String, Why)> {
        let (mut form, _) = filled(kind);
        for (path, value) in changes {
            if value.is_empty() {
                form.remove(*path);
            } else {
                form.insert(path.to_string(), value.to_string());
            }
        }
        fields(check(kind, ID, &form, today(), None))
    }

    fn invalid(field: &str, code: ErrorCode) -> (String, Why) {
        (field.to_string(), Why::Invalid(code))
    }

    #[test]
    fn a_filled_form_of_every_other_kind_becomes_a_canonical_record() {
        for kind in OTHER_KINDS {
            let (form, data) = filled(kind);
            let record = check(kind, ID, &form, today(), None)
                .unwrap_or_else(|issues| panic!("{kind:?}: {issues:?}"));
            assert_eq!(record.kind, kind);
            assert_eq!(record.org_unit_id, "u-03412");
            assert_eq!(record.occurred_on, Date::from_ymd(2023, 3, 14).unwrap());
            assert_eq!(record.data, data, "{kind:?}");
            // Back to a form and again to the same record.
            let again = check(kind, ID, &draft_of(&record), today(), None);
            assert_eq!(again.unwrap(), record, "{kind:?}");
        }
    }

    #[test]
    fn the_fewest_fields_of_the_api_are_enough() {
        let base = [("occurred_on", "2023-03-14"), ("org_unit_id", "u-03412")];
        for (kind, fields) in [
            (RecordKind::TipOff, vec![]),
            (RecordKind::CommunePlan, vec![]),
            (RecordKind::PilotModel, vec![]),
            (
                RecordKind::Inspection,
                vec![("data.business_id", BUSINESS_ID)],
            ),
        ] {
            let form = draft(&[&base[..], &fields[..]].concat());
            let record = check(kind, ID, &form, today(), None);
            assert!(record.is_ok(), "{kind:?}: {record:?}");
        }
        // An unticked box is a "no", not a missing answer.
        let form = draft(&[&base[..], &[("data.business_id", BUSINESS_ID)]].concat());
        let record = check(RecordKind::Inspection, ID, &form, today(), None).unwrap();
        assert_eq!(record.data["violation_found"], false);
    }

    #[test]
    fn impossible_businesses_are_refused() {
        assert_eq!(
            refused(
                RecordKind::Business,
                &[("data.workers", "-2"), ("data.type", "casino")]
            ),
            [
                invalid("data.type", ErrorCode::InvalidValue),
                invalid("data.workers", ErrorCode::Negative),
            ]
        );
        assert_eq!(
            refused(RecordKind::Business, &[("data.female_workers", "9")]),
            [invalid("data.female_workers", ErrorCode::ExceedsTotal)]
        );
        assert_eq!(
            refused(
                RecordKind::Business,
                &[("data.name", "  "), ("data.workers", "tám")]
            ),
            [
                invalid("data.name", ErrorCode::Required),
                invalid("data.workers", ErrorCode::InvalidFormat),
            ]
        );
    }

    #[test]
    fn an_inspection_needs_a_business_and_a_sensible_fine() {
        assert_eq!(
            refused(
                RecordKind::Inspection,
                &[("data.business_id", ""), ("data.fine_vnd", "-500")]
            ),
            [
                invalid("data.business_id", ErrorCode::Required),
                invalid("data.fine_vnd", ErrorCode::Negative),
            ]
        );
        assert_eq!(
            refused(
                RecordKind::Inspection,
                &[("data.business_id", "Karaoke Hoa Mai")]
            ),
            [invalid("data.business_id", ErrorCode::InvalidFormat)]
        );
        // Thousands may be grouped, but a decimal part is not money in đồng.
        for typed in ["7.50", "7.500.00", "bảy triệu"] {
            assert_eq!(
                refused(RecordKind::Inspection, &[("data.fine_vnd", typed)]),
                [invalid("data.fine_vnd", ErrorCode::InvalidFormat)],
                "{typed}"
            );
        }
        for (typed, fine) in [
            ("7500000", 7_500_000),
            ("7,500,000", 7_500_000),
            ("750 000", 750_000),
        ] {
            let (mut form, _) = filled(RecordKind::Inspection);
            form.insert("data.fine_vnd".into(), typed.into());
            let record = check(RecordKind::Inspection, ID, &form, today(), None).unwrap();
            assert_eq!(record.data["fine_vnd"], fine, "{typed}");
        }
    }

    #[test]
    fn a_tip_off_is_not_handled_before_it_was_received() {
        assert_eq!(
            refused(RecordKind::TipOff, &[("data.handled_on", "2023-03-13")]),
            [invalid("data.handled_on", ErrorCode::BeforeOccurredOn)]
        );
        assert_eq!(
            refused(RecordKind::TipOff, &[("data.handled_on", "2023-03-21")]),
            [invalid("data.handled_on", ErrorCode::InFuture)]
        );
        assert_eq!(
            refused(
                RecordKind::TipOff,
                &[("data.channel", "fax"), ("data.verification", "maybe")]
            ),
            [
                invalid("data.channel", ErrorCode::InvalidValue),
                invalid("data.verification", ErrorCode::InvalidValue),
            ]
        );
        // Not handled yet is fine.
        let (mut form, _) = filled(RecordKind::TipOff);
        form.remove("data.handled_on");
        assert!(check(RecordKind::TipOff, ID, &form, today(), None).is_ok());
    }

    #[test]
    fn impossible_trainings_are_refused() {
        assert_eq!(
            refused(
                RecordKind::Training,
                &[("data.level", "province"), ("data.trainees_male", "-1")]
            ),
            [
                invalid("data.level", ErrorCode::InvalidValue),
                invalid("data.trainees_male", ErrorCode::Negative),
            ]
        );
        assert_eq!(
            refused(RecordKind::Training, &[("data.trainees_female", "")]),
            [invalid("data.trainees_female", ErrorCode::Required)]
        );
        assert_eq!(
            refused(RecordKind::Training, &[("data.trainees_first_time", "24")]),
            [invalid("data.trainees_first_time", ErrorCode::ExceedsTotal)]
        );
        // Left empty, all were trained for the first time: nothing is sent.
        let record = check(
            RecordKind::Training,
            ID,
            &draft_without(filled(RecordKind::Training).0, "data.trainees_first_time"),
            today(),
            None,
        )
        .unwrap();
        assert_eq!(record.data.get("trainees_first_time"), None);
    }

    fn draft_without(mut form: Draft, path: &str) -> Draft {
        form.remove(path);
        form
    }

    #[test]
    fn a_pilot_model_ends_after_it_started_or_runs_on() {
        assert_eq!(
            refused(RecordKind::PilotModel, &[("data.ended_on", "2023-03-13")]),
            [invalid("data.ended_on", ErrorCode::BeforeOccurredOn)]
        );
        assert_eq!(
            refused(RecordKind::PilotModel, &[("data.ended_on", "2023-03-21")]),
            [invalid("data.ended_on", ErrorCode::InFuture)]
        );
        let running = draft_without(filled(RecordKind::PilotModel).0, "data.ended_on");
        let record = check(RecordKind::PilotModel, ID, &running, today(), None).unwrap();
        assert_eq!(record.data, json!({"name": "Mô hình hỗ trợ giảm hại"}));
    }

    #[test]
    fn the_short_kinds_check_their_fields() {
        assert_eq!(
            refused(RecordKind::MediaPost, &[("data.channel", "newspaper")]),
            [invalid("data.channel", ErrorCode::InvalidValue)]
        );
        assert_eq!(
            refused(RecordKind::MediaPost, &[("data.channel", "")]),
            [invalid("data.channel", ErrorCode::Required)]
        );
        assert_eq!(
            refused(
                RecordKind::CommunePlan,
                &[("data.adopted_on", "2023-03-21")]
            ),
            [invalid("data.adopted_on", ErrorCode::InFuture)]
        );
        let long = "x".repeat(201);
        assert_eq!(
            refused(RecordKind::PilotModel, &[("data.name", &long)]),
            [invalid("data.name", ErrorCode::TooLong)]
        );
        assert_eq!(
            refused(RecordKind::AgencyIntegration, &[("data.agency", "")]),
            [invalid("data.agency", ErrorCode::Required)]
        );
    }

    #[test]
    fn links_fill_only_fields_of_the_kind_and_district_work_is_known() {
        assert!(is_data_field(RecordKind::Inspection, "business_id"));
        assert!(!is_data_field(RecordKind::Inspection, "id"));
        assert!(!is_data_field(RecordKind::Business, "business_id"));
        let district: Vec<RecordKind> = RecordKind::ALL
            .iter()
            .copied()
            .filter(|k| district_level(*k))
            .collect();
        assert_eq!(
            district,
            [
                RecordKind::Training,
                RecordKind::MediaPost,
                RecordKind::AgencyIntegration
            ]
        );
    }

    #[test]
    fn the_tip_off_deadline_counts_calendar_days() {
        let day = |y, m, d| Date::from_ymd(y, m, d).unwrap();
        assert_eq!(days_after(day(2023, 3, 14), 20), Some(day(2023, 4, 3)));
        assert_eq!(days_after(day(2023, 12, 25), 20), Some(day(2024, 1, 14)));
        assert_eq!(days_after(day(2024, 2, 20), 10), Some(day(2024, 3, 1)));
        assert_eq!(days_after(day(2023, 2, 20), 10), Some(day(2023, 3, 2)));
        assert_eq!(days_after(day(2023, 3, 14), 0), Some(day(2023, 3, 14)));
    }

    #[test]
    fn summaries_of_the_other_kinds() {
        let words = ["người", "nam", "nữ"];
        let line = |kind| {
            let (form, _) = filled(kind);
            let record = check(kind, ID, &form, today(), None).unwrap();
            let saved = summary(kind, &record.data, Lang::Vi, words);
            // A draft reads the same from its text.
            assert_eq!(
                summary(kind, &draft_data(&form), Lang::Vi, words),
                saved,
                "{kind:?}"
            );
            saved
        };
        assert_eq!(
            line(RecordKind::Business),
            "Karaoke Hoa Mai · Karaoke · Tổ dân phố số 1 · 8 người (nữ 5)"
        );
        assert_eq!(
            line(RecordKind::Inspection),
            "Đội 178 huyện · Có vi phạm · Phạt tiền · 7.500.000 đ"
        );
        assert_eq!(
            line(RecordKind::TipOff),
            "Đường dây nóng · Môi giới, chứa chấp mại dâm · Có căn cứ · Đã xử lý 18/03/2023"
        );
        assert_eq!(
            line(RecordKind::Training),
            "Kỹ năng hỗ trợ giảm hại · Cấp huyện · 23 người (nam 9, nữ 14)"
        );
        assert_eq!(
            line(RecordKind::MediaPost),
            "Truyền thanh - Truyền hình · Phòng, chống mại dâm"
        );
        assert_eq!(
            line(RecordKind::CommunePlan),
            "Kế hoạch PCMD xã Bình Lư · Thông qua 15/03/2023"
        );
        assert_eq!(line(RecordKind::PilotModel), "Mô hình hỗ trợ giảm hại");
        assert_eq!(
            line(RecordKind::AgencyIntegration),
            "Phòng Tư pháp · Phổ biến pháp luật"
        );
        assert_eq!(
            summary(RecordKind::TipOff, &json!({}), Lang::En, words),
            "Not handled yet"
        );
    }
}
