//! What follows a change of the officer on screen: their waiting count in the header, and the
//! settings and units the forms need offline, fetched while there is signal.

use leptos::task::spawn_local;

use crate::api::{Agency, Officer, OrgUnit, Settings};
use crate::offline;
use crate::state::use_app_state;

/// When the signed-in officer changes (or is first known): their waiting count in the header,
/// and their settings and units fetched while there is signal.
pub fn officer_changed(officer: Option<Officer>) {
    use_app_state().count_waiting(officer.as_ref().map(|o| o.id.as_str()));
    let Some(officer) = officer else {
        return;
    };
    spawn_local(async move {
        fetch_settings(&officer.id).await;
        fetch_agencies(&officer.id).await;
        fetch_org_units(officer.id).await;
    });
}

/// Fetches the units this officer may see and keeps them for choosing a commune offline.
pub async fn fetch_org_units(officer_id: String) -> Option<Vec<OrgUnit>> {
    let units: Vec<OrgUnit> = offline::api_list("/api/v1/org-units").await.ok()?;
    // Without the copy the officer keeps the last list; nothing else depends on it.
    let _ = offline::outbox(&officer_id).keep_org_units(&units);
    Some(units)
}

/// Fetches the admin's list of agencies and keeps it for the agency integration form offline.
pub async fn fetch_agencies(officer_id: &str) {
    if let Ok(agencies) = offline::api_list::<Agency>("/api/v1/agencies").await {
        // Without the copy the phone keeps the last list; nothing else depends on it.
        let _ = offline::outbox(officer_id).keep_agencies(&agencies);
    }
}

/// Fetches the settings every officer reads and keeps them (see `auth::kept_settings`).
pub async fn fetch_settings(officer_id: &str) {
    if let Ok(settings) = offline::api_get::<Settings>("/api/v1/settings").await {
        if let Ok(json) = serde_json::to_string(&settings) {
            // Without the copy the phone keeps the last values; nothing else depends on them.
            let _ = offline::outbox(officer_id).keep_settings(&json);
        }
    }
}
