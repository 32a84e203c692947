//! Who is signed in on this phone. The officer is remembered on the phone, so the app opens and
//! works offline; when the server asks for a new sign-in, only the password is asked again.

use crate::api::{Me, Officer, SignIn, Verb};
use crate::offline;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate};
use serde_json::json;

#[derive(Clone, Copy)]
pub struct Auth {
    pub officer: RwSignal<Option<Officer>>,
    /// False during the server render and until the phone's storage was read.
    pub loaded: RwSignal<bool>,
    /// The server refused the session: sign in again, keeping everything on the phone.
    pub expired: RwSignal<bool>,
}

impl Auth {
    pub fn provide() -> Auth {
        let auth = Auth {
            officer: RwSignal::new(None),
            loaded: RwSignal::new(false),
            expired: RwSignal::new(false),
        };
        provide_context(auth);
        auth
    }

    /// Reads the remembered officer, then asks the server whether the session still stands.
    pub fn load(self) {
        self.officer.set(offline::load_officer());
        self.loaded.set(true);
        if self.officer.get_untracked().is_some() {
            spawn_local(async move {
                match offline::api_get::<Me>("/api/v1/me").await {
                    Ok(me) => self.remember(me.officer),
                    Err(failure) => self.note(&failure),
                }
            });
        }
    }

    pub fn remember(self, officer: Officer) {
        offline::save_officer(&officer);
        self.officer.set(Some(officer));
        self.expired.set(false);
    }

    /// Every failed request passes through here, so an expired session is noticed anywhere.
    pub fn note(self, failure: &crate::api::ApiFailure) {
        if *failure == crate::api::ApiFailure::Unauthenticated {
            self.expired.set(true);
        }
    }

    pub async fn sign_in(
        self,
        username: String,
        password: String,
    ) -> Result<(), crate::api::ApiFailure> {
        let body = json!({"username": username, "password": password});
        let signed_in: SignIn = offline::api_send(Verb::Post, "/api/v1/auth/login", &body).await?;
        self.remember(signed_in.officer);
        Ok(())
    }

    pub async fn sign_out(self) {
        // Offline, the server session simply expires on its own.
        let _ = offline::api_send::<_, ()>(Verb::Post, "/api/v1/auth/logout", &json!({})).await;
        offline::forget_officer();
        self.officer.set(None);
        self.expired.set(false);
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// Sends a phone with nobody signed in to the sign-in page.
#[component]
pub fn SignInGuard() -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let navigate = use_navigate();
    Effect::new(move |_| {
        let path = location.pathname.get();
        if auth.loaded.get() && auth.officer.with(Option::is_none) && path != "/signin" {
            navigate("/signin", Default::default());
        }
    });
}
