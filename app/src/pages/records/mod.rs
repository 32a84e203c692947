//! The officer's records on this phone: the list at `/`, and the forms of an outreach session
//! (`/records/session`) and a referral (`/records/referral`), opened with `?id=` to edit. Everything
//! is read from and written to the outbox, so it all works offline.

mod client_code;
mod commune;
mod editor;
mod fields;
mod form;
mod list;
mod referral;
mod session;

pub(crate) use form::summary;
pub use list::RecordsPage;
pub use referral::ReferralPage;
pub use session::SessionPage;

use domain::RecordKind;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{Officer, OrgUnit};
use crate::i18n::Key;
use crate::offline;
use crate::offline::outbox::{KeyValue, Outbox, StateTag, StoreError};
use crate::shell::AppState;

/// The page of a kind's form; `None` for kinds the phone cannot edit yet.
fn form_path(kind: RecordKind) -> Option<&'static str> {
    match kind {
        RecordKind::OutreachSession => Some("/records/session"),
        RecordKind::Referral => Some("/records/referral"),
        _ => None,
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

fn storage_key(error: StoreError) -> Key {
    match error {
        StoreError::Full => Key::StorageFull,
        StoreError::Unavailable => Key::StorageUnavailable,
    }
}

/// Updates the header's count of records waiting to be sent.
fn show_waiting<S: KeyValue>(app: AppState, outbox: &Outbox<S>) {
    app.waiting.set(outbox.counts().get(StateTag::Waiting));
}

/// The communes (and wards) among the units an officer may see, by name.
fn communes(mut units: Vec<OrgUnit>) -> Vec<OrgUnit> {
    units.retain(|unit| matches!(unit.level.as_str(), "commune" | "ward"));
    units.sort_by(|a, b| (&a.name, &a.valid_from).cmp(&(&b.name, &b.valid_from)));
    units
}

/// Fetches the units this officer may see and keeps them for choosing a commune offline.
async fn fetch_org_units(officer_id: String) -> Option<Vec<OrgUnit>> {
    let units: Vec<OrgUnit> = offline::api_get("/api/v1/org-units").await.ok()?;
    // Without the copy the officer keeps the last list; nothing else depends on it.
    let _ = offline::outbox(&officer_id).keep_org_units(&units);
    Some(units)
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
        fetch_org_units(officer.id).await;
    });
}
