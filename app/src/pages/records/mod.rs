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
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{Officer, OrgUnit, Settings};
use crate::i18n::{Key, Lang};
use crate::offline;
use crate::offline::outbox::{KeyValue, Outbox, SendFailure, StateTag, StoreError};
use crate::shell::AppState;

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

/// Updates the header's count of records waiting to be sent.
fn show_waiting<S: KeyValue>(app: AppState, outbox: &Outbox<S>) {
    app.waiting.set(outbox.counts().get(StateTag::Waiting));
}

/// The units among those an officer may see that a record can belong to: communes (and wards),
/// and with `district` the province and districts too, first; today's units before closed ones.
fn recording_units(mut units: Vec<OrgUnit>, district: bool) -> Vec<OrgUnit> {
    units.retain(|unit| match unit.level.as_str() {
        "commune" | "ward" => true,
        "province" | "district" => district,
        _ => false,
    });
    units.sort_by(|a, b| {
        // Today's units first (the province, then its communes), then those that closed.
        let rank = |u: &OrgUnit| match u.level.as_str() {
            "province" => 0,
            "district" => 1,
            _ => 2,
        };
        let key = |u: &OrgUnit| {
            let closed = u.valid_to.is_some();
            (closed, rank(u), u.name.clone(), u.valid_from.clone())
        };
        key(a).cmp(&key(b))
    });
    units
}

/// Fetches the units this officer may see and keeps them for choosing a commune offline.
async fn fetch_org_units(officer_id: String) -> Option<Vec<OrgUnit>> {
    let units: Vec<OrgUnit> = offline::api_get("/api/v1/org-units").await.ok()?;
    // Without the copy the officer keeps the last list; nothing else depends on it.
    let _ = offline::outbox(&officer_id).keep_org_units(&units);
    Some(units)
}

/// Days to handle a tip-off in, as last fetched; `None` until the phone once had signal.
fn tip_off_deadline_days(officer_id: &str) -> Option<u32> {
    crate::auth::kept_settings(officer_id).map(|s| s.tip_off_deadline_days)
}

async fn fetch_settings(officer_id: &str) {
    if let Ok(settings) = offline::api_get::<Settings>("/api/v1/settings").await {
        if let Ok(json) = serde_json::to_string(&settings) {
            // Without the copy the phone keeps the last values; nothing else depends on them.
            let _ = offline::outbox(officer_id).keep_settings(&json);
        }
    }
}

/// When the signed-in officer changes (or is first known): their waiting count in the header,
/// and their units fetched while there is signal.
pub fn officer_changed(officer: Option<Officer>) {
    let state = expect_context::<AppState>();
    let Some(officer) = officer else {
        state.waiting.set(0);
        return;
    };
    show_waiting(state, &offline::outbox(&officer.id));
    spawn_local(async move {
        fetch_settings(&officer.id).await;
        fetch_org_units(officer.id).await;
    });
}
