//! What the frame shows on every page: records waiting to be sent, whether the phone is online,
//! and whether a new version is ready. Made once by the app and shared as context.

use leptos::prelude::*;

use crate::offline;
use crate::offline::outbox::StateTag;

#[derive(Clone, Copy)]
pub struct AppState {
    /// Records in the open officer's outbox not yet acknowledged by the server; written only by
    /// [`AppState::count_waiting`], so the header always shows what the outbox holds.
    waiting: RwSignal<usize>,
    pub online: RwSignal<bool>,
    pub update_ready: RwSignal<bool>,
    /// The browser offers to install the app (until it is installed).
    pub install_offered: RwSignal<bool>,
}

impl AppState {
    pub fn provide() -> AppState {
        let state = AppState {
            waiting: RwSignal::new(0),
            online: RwSignal::new(true),
            update_ready: RwSignal::new(false),
            install_offered: RwSignal::new(false),
        };
        provide_context(state);
        state
    }

    pub fn waiting(self) -> ReadSignal<usize> {
        self.waiting.read_only()
    }

    /// Counts again the records waiting in this officer's outbox (none without an officer); called
    /// after every change to the outbox.
    pub fn count_waiting(self, officer_id: Option<&str>) {
        let waiting =
            officer_id.map_or(0, |id| offline::outbox(id).counts().get(StateTag::Waiting));
        self.waiting.set(waiting);
    }
}

pub fn use_app_state() -> AppState {
    expect_context::<AppState>()
}
