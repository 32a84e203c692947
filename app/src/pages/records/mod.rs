//! The officer's records on this phone: the list at `/`, and a form per kind of record
//! (`/records/session`, `/records/referral`, `/records/business`, …), opened with `?id=` to edit.
//! Everything is read from and written to the outbox, so it all works offline.

mod agency;
mod business;
mod client_code;
mod commune;
mod editor;
mod fields;
mod form;
mod inspection;
mod list;
mod media_post;
mod pilot_model;
mod plan;
mod referral;
mod session;
mod tip_off;
mod training;

pub use agency::AgencyIntegrationPage;
pub use business::BusinessPage;
pub(crate) use form::summary;
pub use inspection::InspectionPage;
pub use list::RecordsPage;
pub use media_post::MediaPostPage;
pub use pilot_model::PilotModelPage;
pub use plan::CommunePlanPage;
pub use referral::ReferralPage;
pub use session::SessionPage;
pub use tip_off::TipOffPage;
pub use training::TrainingPage;

use domain::RecordKind;

use crate::i18n::{Key, Lang};
use crate::offline::outbox::{SendFailure, StateTag, StoreError};

/// The page of a kind's form.
fn form_path(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::OutreachSession => "/records/session",
        RecordKind::Referral => "/records/referral",
        RecordKind::Business => "/records/business",
        RecordKind::Inspection => "/records/inspection",
        RecordKind::TipOff => "/records/tip-off",
        RecordKind::Training => "/records/training",
        RecordKind::MediaPost => "/records/media-post",
        RecordKind::CommunePlan => "/records/commune-plan",
        RecordKind::PilotModel => "/records/pilot-model",
        RecordKind::AgencyIntegration => "/records/agency-integration",
    }
}

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
