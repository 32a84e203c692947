//! The labels of the plain counts PCMD-C01..C07 of the province's report forms: a count's
//! name, and each key of its breakdown (a business type, a referral service, or a word such as
//! `inspections`) in the current language.

use domain::indicator::CountCode;
use domain::{BusinessType, Coded, Lang, ReferralService};

use crate::i18n::Key;

/// Breakdown keys that are words rather than codes of the data (`server/src/indicators.rs`).
const WORDS: [(&str, Key); 13] = [
    ("workers", Key::CountWorkers),
    ("female_workers", Key::CountFemaleWorkers),
    ("clients", Key::CountClients),
    ("inspections", Key::CountInspections),
    ("violating_businesses", Key::CountViolating),
    ("sanctioned_inspections", Key::CountSanctioned),
    ("fines_vnd", Key::CountFines),
    ("received", Key::CountReceived),
    ("handled", Key::CountHandled),
    ("handled_in_time", Key::CountHandledInTime),
    ("sessions", Key::CountSessions),
    ("participants_male", Key::CountParticipantsMale),
    ("participants_female", Key::CountParticipantsFemale),
];

/// The count's name, e.g. "Lượt kiểm tra" for `inspections`.
pub(super) fn code_label(code: &str, lang: Lang) -> String {
    CountCode::parse(code).map_or_else(|| code.to_string(), |code| code.label(lang).into())
}

/// One figure of a breakdown by its key: a business type, a referral service or a word.
pub(super) fn key_label(key: &str, lang: Lang) -> String {
    if let Some((_, word)) = WORDS.iter().find(|(known, _)| *known == key) {
        return word.text(lang).into();
    }
    if let Some(kind) = BusinessType::parse(key) {
        return kind.label(lang).into();
    }
    if let Some(service) = ReferralService::parse(key) {
        return service.label(lang).into();
    }
    key.to_string()
}
