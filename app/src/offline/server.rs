//! Server-side stand-ins: rendering on the server has no browser state.

use super::StoragePersistence;
use crate::api::{ApiFailure, Officer, Verb};
use crate::i18n::Lang;
use serde::{de::DeserializeOwned, Serialize};

pub fn load_lang() -> Option<Lang> {
    None
}

pub fn save_lang(_lang: Lang) {}

pub fn set_document_lang(_lang: Lang) {}

pub fn mark_hydrated() {}

pub fn is_online() -> bool {
    true
}

pub fn on_connectivity_change(_on_change: impl Fn(bool) + 'static) {}

pub fn register_service_worker(_on_update_ready: impl Fn() + 'static) {}

pub fn apply_update() {}

pub fn request_persistent_storage(_on_answer: impl FnOnce(StoragePersistence) + 'static) {}

pub fn load_officer() -> Option<Officer> {
    None
}

pub fn save_officer(_officer: &Officer) {}

pub fn forget_officer() {}

pub async fn api_get<T: DeserializeOwned>(_path: &str) -> Result<T, ApiFailure> {
    Err(ApiFailure::Offline)
}

pub async fn api_send<B: Serialize, T: DeserializeOwned>(
    _verb: Verb,
    _path: &str,
    _body: &B,
) -> Result<T, ApiFailure> {
    Err(ApiFailure::Offline)
}

pub fn current_year() -> i32 {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or_default();
    // 146_097 days make 400 Gregorian years; close enough to name the year of today.
    1970 + (days as f64 / 365.2425) as i32
}
