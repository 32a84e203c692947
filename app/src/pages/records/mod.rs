//! The officer's records on this phone: the list at `/`, and a form per kind of record
//! (`/records/session`, `/records/referral`, `/records/business`, …), opened with `?id=` to edit.
//! Everything is read from and written to the outbox, so it all works offline. Each kind's file
//! holds all the app knows of that kind (its page, fields and line in the list) as its `FORM`,
//! listed in [`FORMS`] here, which `pages::routes` reads.

pub(super) mod agency;
pub(super) mod business;
mod business_field;
mod client_code;
mod commune;
mod editor;
mod fields;
pub(super) mod form;
pub(super) mod inspection;
mod list;
pub(super) mod media_post;
pub(super) mod pilot_model;
pub(super) mod plan;
pub(super) mod referral;
pub(super) mod session;
pub(super) mod tip_off;
pub(super) mod training;

pub(crate) use form::summary;

pub use list::RecordsPage;

use super::routes::KindForm;
use crate::i18n::{Key, Lang};
use crate::offline::outbox::{SendFailure, StateTag, StoreError};

/// One of each kind, in the order of `RecordKind::ALL`.
pub const FORMS: [KindForm; 10] = [
    session::FORM,
    referral::FORM,
    business::FORM,
    inspection::FORM,
    tip_off::FORM,
    training::FORM,
    media_post::FORM,
    plan::FORM,
    pilot_model::FORM,
    agency::FORM,
];

pub(crate) fn state_key(tag: StateTag) -> Key {
    match tag {
        StateTag::Draft => Key::StateDraft,
        StateTag::Waiting => Key::StateWaiting,
        StateTag::Synced => Key::StateSynced,
        StateTag::Conflict => Key::StateConflict,
        StateTag::Rejected => Key::StateRejected,
    }
}

/// Why the server has not taken a waiting record yet, as the officer reads it.
pub(crate) fn failure_text(failure: SendFailure, lang: Lang) -> String {
    let key = if failure.status >= 500 {
        Key::RecordServerFailed
    } else {
        Key::RecordAnswerUnreadable
    };
    format!("{} (HTTP {})", key.text(lang), failure.status)
}

pub(crate) fn storage_key(error: StoreError) -> Key {
    match error {
        StoreError::Full => Key::StorageFull,
        StoreError::Unavailable => Key::StorageUnavailable,
    }
}
