//! The district server: the officers' app (SSR), the JSON API of `API.md`, and the store.

// The app's deepest views (the dashboard) have types nested beyond the default limit of 128.
#![recursion_limit = "256"]

pub mod accounts;
pub mod api;
pub mod auth;
pub mod backup;
pub mod bench;
pub mod bench_indicators;
pub mod bench_load;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod devices;
mod dice;
pub mod error;
pub mod facts;
pub mod fuzz;
pub mod indicators;
pub mod model;
pub mod password;
pub mod plans;
pub mod report;
pub mod retention;
pub mod scope;
pub mod seed;
pub mod store;
pub mod suppression;
pub mod sync;
pub mod telemetry;
pub mod throttle;
pub mod unsent;
pub mod web;

use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Everything a request handler may need, cloned cheaply into each one.
#[derive(Clone)]
pub struct ApiContext {
    pub store: Arc<store::Store>,
    pub leptos: LeptosOptions,
    pub service_worker: Arc<web::ServiceWorker>,
    pub security: config::Security,
    /// Every password check of the server's requests runs through here, a few at a time.
    pub passwords: Arc<password::Checks>,
}

impl axum::extract::FromRef<ApiContext> for LeptosOptions {
    fn from_ref(ctx: &ApiContext) -> Self {
        ctx.leptos.clone()
    }
}
