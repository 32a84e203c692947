//! The officer's app, rendered on the server and hydrated in the browser.
//! Components never touch browser APIs directly: they go through `offline`.
//!
//! Modules use only those below them: `shell` → `pages` → `sync`, `session` → `auth`, `i18n`,
//! `state` (`auth` may use `i18n` and `state`, `i18n` may use `state`, never the reverse) →
//! `offline` → `api` and `domain`. `tests/layers.rs` fails on a reference up or on a cycle.

pub mod api;
pub mod auth;
pub mod i18n;
pub mod offline;
mod pages;
mod session;
mod shell;
mod state;
mod sync;

pub use pages::routes::ROUTES;
pub use shell::{shell, App};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Asynchronous: a page's own part of the bundle (`pages::routes::PageView`) may have to load
    // before the page can be hydrated.
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document()
            .body()
            .expect("a page has a body");
        leptos::mount::hydrate_from_async(body, App).await.forget();
        offline::hydration_done();
    });
}
