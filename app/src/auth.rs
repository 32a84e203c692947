//! Who has this phone open. Officers sign in online with their password once, choose a PIN, and
//! from then on open the app with the PIN (offline too); several officers can share a phone.
//! While locked no officer's records can be read (see `offline::lock` and
//! `docs/phone-security.md`). The app locks itself after the idle time the admin sets.

use crate::api::{ApiFailure, LoginResponse, Me, Officer, Settings};
use crate::offline::{self, keyring::PhoneOfficer, LockError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;

/// Idle minutes before the lock when the server's setting was never fetched.
const DEFAULT_LOCK_MINUTES: u32 = 10;
/// How often the idle time is checked while the app is in front.
const IDLE_CHECK_MS: u32 = 15_000;

#[derive(Clone, Copy)]
pub struct Auth {
    /// The officer whose records are open; `None` while locked.
    pub officer: RwSignal<Option<Officer>>,
    /// False during the server render and until the phone's storage was read.
    pub loaded: RwSignal<bool>,
    /// The server refused the session: sign in again, keeping everything on the phone.
    pub expired: RwSignal<bool>,
    /// Signed in with the password, no PIN chosen yet: the app asks for one before anything else.
    pub needs_pin: RwSignal<bool>,
    /// The officers known on this phone, for the lock screen.
    pub known: RwSignal<Vec<PhoneOfficer>>,
    /// Why the app locked itself, to say so on the lock screen.
    pub locked_because: RwSignal<Option<crate::i18n::Key>>,
    last_activity: StoredValue<u64>,
}

impl Auth {
    pub fn provide() -> Auth {
        let auth = Auth {
            officer: RwSignal::new(None),
            loaded: RwSignal::new(false),
            expired: RwSignal::new(false),
            needs_pin: RwSignal::new(false),
            known: RwSignal::new(Vec::new()),
            locked_because: RwSignal::new(None),
            last_activity: StoredValue::new(0),
        };
        provide_context(auth);
        auth
    }

    /// Reads who uses this phone; called once after hydration. The app starts locked.
    pub fn load(self) {
        self.known.set(offline::phone_officers());
        self.loaded.set(true);
        self.touch();
        offline::on_activity(move || self.touch());
        offline::on_shown(move || self.lock_if_idle());
        offline::on_opened_elsewhere(move || {
            if self.officer.with_untracked(Option::is_some) {
                self.locked_because
                    .set(Some(crate::i18n::Key::LockedElsewhere));
                spawn_local(self.lock());
            }
        });
        self.watch_idle();
    }

    fn touch(self) {
        self.last_activity.set_value(offline::now_ms());
    }

    fn watch_idle(self) {
        offline::after(IDLE_CHECK_MS, move || {
            self.lock_if_idle();
            self.watch_idle();
        });
    }

    fn lock_after_ms(self) -> u64 {
        let minutes = self
            .officer
            .with_untracked(|o| o.as_ref().and_then(|o| kept_settings(&o.id)))
            .map_or(DEFAULT_LOCK_MINUTES, |s| s.lock_after_minutes);
        u64::from(minutes.max(1)) * 60_000
    }

    fn lock_if_idle(self) {
        let open = self.officer.with_untracked(Option::is_some);
        let idle = offline::now_ms().saturating_sub(self.last_activity.get_value());
        if open && idle >= self.lock_after_ms() {
            self.locked_because.set(Some(crate::i18n::Key::LockedIdle));
            spawn_local(self.lock());
        }
    }

    /// Closes the officer's records: every write is stored first.
    pub async fn lock(self) {
        offline::close_vault().await;
        self.officer.set(None);
        self.needs_pin.set(false);
        self.known.set(offline::phone_officers());
    }

    fn opened(self, officer: Officer) {
        self.touch();
        self.locked_because.set(None);
        self.expired.set(false);
        self.officer.set(Some(officer));
        self.known.set(offline::phone_officers());
    }

    /// Every failed request passes through here, so an expired session or a disabled account is
    /// noticed anywhere.
    pub fn note(self, failure: &ApiFailure) {
        match failure {
            ApiFailure::Unauthenticated => self.expired.set(true),
            ApiFailure::Disabled => {
                let Some(officer) = self.officer.get_untracked() else {
                    return;
                };
                spawn_local(async move {
                    offline::forget_pin(&officer.id).await;
                    self.locked_because
                        .set(Some(crate::i18n::Key::AccountDisabled));
                    self.lock().await;
                });
            }
            _ => {}
        }
    }

    /// Signs in with the password (online only) and opens the officer's records with the key the
    /// server keeps for them; without a PIN yet, the app asks for one next.
    pub async fn sign_in(self, username: String, password: String) -> Result<(), SignInError> {
        let body = json!({"username": username, "password": password,
            "device_id": offline::device_id()});
        let signed_in: LoginResponse = match offline::api_sign_in(&body).await {
            Ok(signed_in) => signed_in,
            Err(failure) => {
                if failure == ApiFailure::Disabled {
                    // The right password of a disabled account: its PIN opens nothing here now.
                    let known = offline::phone_officers()
                        .into_iter()
                        .find(|k| k.officer.username == username);
                    if let Some(known) = known {
                        offline::forget_pin(&known.officer.id).await;
                        self.known.set(offline::phone_officers());
                    }
                }
                return Err(SignInError::Api(failure));
            }
        };
        let device_key = signed_in
            .device_key
            .ok_or(SignInError::Lock(LockError::NoCrypto))?;
        let has_pin =
            offline::open_with_password(&signed_in.officer, &device_key, &signed_in.token)
                .await
                .map_err(SignInError::Lock)?;
        self.needs_pin.set(!has_pin);
        self.opened(signed_in.officer);
        // So that the browser does not clear the records under storage pressure; Settings shows
        // the answer, and every sync reports it.
        spawn_local(async {
            offline::storage_persistence(true).await;
        });
        // An export of unsent records is made offline, with the key kept now.
        spawn_local(offline::keep_export_key());
        Ok(())
    }

    /// Opens an officer's records with their PIN, offline or online; online, the session is
    /// checked too.
    pub async fn unlock(self, officer_id: String, pin: String) -> Result<(), LockError> {
        offline::mark("pcmd.unlock");
        let result = offline::open_with_pin(&officer_id, &pin).await;
        offline::measure("pcmd.unlock");
        if result == Err(LockError::PinGone) {
            // The PIN screen gives way to the password form, which says why.
            self.locked_because.set(Some(crate::i18n::Key::PinGone));
        }
        self.known.set(offline::phone_officers());
        let officer = result?;
        self.needs_pin.set(false);
        self.opened(officer);
        spawn_local(async move {
            let answer = offline::api_get::<Me>("/api/v1/me").await;
            // A late answer after a lock or a switch belongs to nobody on screen.
            if offline::open_officer().as_deref() != Some(officer_id.as_str()) {
                return;
            }
            match answer {
                Ok(me) => {
                    offline::officer_refreshed(&me.officer);
                    self.officer.set(Some(me.officer));
                }
                Err(failure) => self.note(&failure),
            }
        });
        Ok(())
    }

    pub async fn choose_pin(self, pin: String) -> Result<(), LockError> {
        offline::set_pin(&pin).await?;
        self.needs_pin.set(false);
        self.known.set(offline::phone_officers());
        Ok(())
    }

    /// Records of the open officer the server does not have yet, which signing out keeps.
    pub fn unsent(self) -> usize {
        self.officer
            .with_untracked(|o| o.as_ref().map(|o| offline::outbox(&o.id).unsent()))
            .unwrap_or(0)
    }

    /// Ends the server session and removes the officer's synced records from the phone; records
    /// not sent stay, encrypted, for their next sign-in. With none, nothing of theirs stays.
    pub async fn sign_out(self) {
        let Some(officer) = self.officer.get_untracked() else {
            return;
        };
        // Offline, the server session simply expires on its own.
        let _ =
            offline::api_send::<_, ()>(crate::api::Verb::Post, "/api/v1/auth/logout", &json!({}))
                .await;
        let kept = offline::outbox(&officer.id).forget_synced();
        crate::offline::figures::forget_figures(&offline::OfficerStorage, &officer.id);
        if kept == 0 {
            offline::forget_officer(&officer.id).await;
        }
        self.lock().await;
        self.expired.set(false);
    }
}

/// Why a password sign-in did not open the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInError {
    Api(ApiFailure),
    Lock(LockError),
}

/// The settings as last fetched by this officer.
pub fn kept_settings(officer_id: &str) -> Option<Settings> {
    serde_json::from_str(&offline::outbox(officer_id).settings()?).ok()
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
