//! The officer's app, rendered on the server and hydrated in the browser.
//! Components never touch browser APIs directly: they go through `offline`.

pub mod api;
pub mod auth;
pub mod i18n;
pub mod offline;
mod pages;
mod session;
mod shell;
mod state;
pub mod sync;

pub use shell::{shell, App, ROUTES};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
