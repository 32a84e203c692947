//! Server-side stand-ins: rendering on the server has no browser state.

use super::outbox::{KeyValue, StoreError};
use super::{LockError, StoragePersistence};
use crate::api::{ApiFailure, Officer, Verb};
use domain::Lang;
use serde::{de::DeserializeOwned, Serialize};

pub fn load_lang() -> Option<Lang> {
    None
}

pub fn save_lang(_lang: Lang) {}

pub fn set_document_lang(_lang: Lang) {}

pub fn after_hydration(_f: impl FnOnce() + 'static) {}

pub fn is_online() -> bool {
    true
}

pub fn on_connectivity_change(_on_change: impl Fn(bool) + 'static) {}

pub fn on_activity(_on_activity: impl Fn() + 'static) {}

pub fn installed() -> bool {
    false
}

pub fn adds_from_share_menu() -> bool {
    false
}

pub fn on_install_offer(_on_offer: impl Fn(bool) + 'static) {}

pub fn install() {}

pub fn on_shown(_on_shown: impl Fn() + 'static) {}

pub fn register_service_worker(_on_update_ready: impl Fn() + 'static) {}

pub fn apply_update() {}

pub async fn storage_persistence(_ask: bool) -> StoragePersistence {
    StoragePersistence::Unknown
}

pub async fn api_get<T: DeserializeOwned>(_path: &str) -> Result<T, ApiFailure> {
    Err(ApiFailure::Offline)
}

pub async fn download(_path: &str) -> Result<(), ApiFailure> {
    Err(ApiFailure::Offline)
}

pub async fn export_unsent(
    _officer_id: &str,
    _username: &str,
) -> Result<usize, super::ExportFailure> {
    Err(super::ExportFailure::NoCrypto)
}

pub async fn chosen_file_text(_event: leptos::ev::Event) -> Option<String> {
    None
}

pub async fn api_sign_in<B: Serialize, T: DeserializeOwned>(_body: &B) -> Result<T, ApiFailure> {
    Err(ApiFailure::Offline)
}

pub async fn api_send<B: Serialize, T: DeserializeOwned>(
    _verb: Verb,
    _path: &str,
    _body: &B,
) -> Result<T, ApiFailure> {
    Err(ApiFailure::Offline)
}

/// The server render has no phone storage: an outbox there is always empty.
pub struct PhoneStorage;

impl KeyValue for PhoneStorage {
    fn get(&self, _key: &str) -> Option<String> {
        None
    }

    fn set(&self, _key: &str, _value: &str) -> Result<(), StoreError> {
        Err(StoreError::Unavailable)
    }

    fn remove(&self, _key: &str) {}

    fn keys(&self, _prefix: &str) -> Vec<String> {
        Vec::new()
    }
}

/// Nothing is ever unlocked on the server: an officer's storage there is as empty as the phone's.
pub use PhoneStorage as OfficerStorage;

pub fn on_opened_elsewhere(_on_elsewhere: impl Fn() + 'static) {}

pub fn open_officer() -> Option<String> {
    None
}

pub async fn flush() -> Result<(), StoreError> {
    Err(StoreError::Unavailable)
}

pub async fn close_vault() {}

pub async fn open_with_password(
    _officer: &Officer,
    _device_key: &str,
    _token: &str,
) -> Result<bool, LockError> {
    Err(LockError::NoCrypto)
}

pub async fn open_with_pin(_officer_id: &str, _pin: &str) -> Result<Officer, LockError> {
    Err(LockError::NoCrypto)
}

pub async fn set_pin(_pin: &str) -> Result<(), LockError> {
    Err(LockError::NoCrypto)
}

pub async fn forget_pin(_officer_id: &str) {}

pub fn officer_refreshed(_officer: &Officer) {}

pub async fn forget_officer(_officer_id: &str) {}

/// Timers only run in the browser.
pub fn after(_ms: u32, _work: impl FnOnce() + 'static) {}

pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// The server render links nowhere outside the page.
pub fn origin() -> String {
    String::new()
}

/// Ids are only made on the phone; the server render never stores one.
pub fn random_bytes() -> [u8; 16] {
    [0; 16]
}

/// The server render makes no records; the server normalises the records it receives
/// (`server/src/sync.rs`).
pub fn nfc(text: &str) -> String {
    text.to_string()
}

pub fn print_page() {}

pub fn reload_page() {}

pub fn replace_url(_url: &str) {}

pub fn mark(_name: &str) {}

pub fn measure(_name: &str) {}

pub fn timed<T>(_name: &str, work: impl FnOnce() -> T) -> T {
    work()
}
