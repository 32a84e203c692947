//! The only code that touches browser storage, the service worker and the network.
//! Both sides expose the same functions; on the server they do nothing, so components need no `cfg`.
//! `outbox`, `figures`, `keyring`, `vault` and `clock` are plain Rust over that boundary, tested
//! natively. An officer's items are only readable through [`OfficerStorage`] while unlocked
//! (`lock`, browser side).

pub mod clock;
pub mod figures;
pub mod keyring;
pub mod keys;
pub mod outbox;
pub mod vault;

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "hydrate")]
pub use browser::*;
#[cfg(feature = "hydrate")]
mod lock;
#[cfg(feature = "hydrate")]
pub use lock::*;
#[cfg(feature = "hydrate")]
mod webcrypto;

#[cfg(not(feature = "hydrate"))]
mod server;
#[cfg(not(feature = "hydrate"))]
pub use server::*;

/// Whether the browser promised not to evict this site's data under storage pressure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoragePersistence {
    Unknown,
    Granted,
    Denied,
}

/// Why an officer's records could not be opened or locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockError {
    /// The browser has no WebCrypto here (it needs HTTPS), or it failed.
    NoCrypto,
    Storage(outbox::StoreError),
    WrongPin {
        left: u32,
    },
    /// No PIN to open with (never set, five wrong ones, or the account was disabled): only a
    /// password sign-in opens the records.
    PinGone,
    /// The records on the phone are under a key the server does not hold: open them with the PIN.
    Unreadable,
}

/// A list answer (`GET /api/v1/org-units`, `/admin/users`, …) with the items this build cannot
/// read left out (`domain::api::readable`): a newer server's unit level or role does not empty
/// the whole list.
pub async fn api_list<T: serde::de::DeserializeOwned>(
    path: &str,
) -> Result<Vec<T>, crate::api::ApiFailure> {
    let answer = api_get::<serde_json::Value>(path).await?;
    domain::api::readable_list(answer).map_err(|_| crate::api::ApiFailure::Rejected {
        status: 200,
        code: "bad_response".into(),
        errors: Vec::new(),
    })
}

/// Why an export of unsent records was not saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFailure {
    /// The phone never fetched the server's export key: sign in once online.
    NoKey,
    /// Nothing unsent to save.
    Nothing,
    /// WebCrypto failed or is missing, or the browser refused the file.
    NoCrypto,
}

/// Fetches the server's export key and keeps it on the phone (at sign-in), so that an export of
/// unsent records needs no network.
pub async fn keep_export_key() {
    use outbox::KeyValue;
    if let Ok(key) = api_get::<crate::api::ExportKey>("/api/v1/export-key").await {
        if let Ok(json) = serde_json::to_string(&key) {
            let _ = PhoneStorage.set(keys::EXPORT_KEY, &json);
        }
    }
}

/// The server's export key as kept on the phone.
pub fn export_key() -> Option<crate::api::ExportKey> {
    use outbox::KeyValue;
    serde_json::from_str(&PhoneStorage.get(keys::EXPORT_KEY)?).ok()
}

/// The unlocked officer's outbox on this phone (empty and unwritable while locked).
pub fn outbox(officer_id: &str) -> outbox::Outbox<OfficerStorage> {
    outbox::Outbox::new(OfficerStorage, officer_id)
}

/// The officers who used this phone, the last one first.
pub fn phone_officers() -> Vec<keyring::PhoneOfficer> {
    keyring::officers(&PhoneStorage)
}

/// A new record id, made on the phone.
pub fn new_record_id() -> String {
    outbox::uuid_v4(random_bytes())
}

/// This phone's id for the server's records of who sent what: made once, kept in localStorage.
pub fn device_id() -> String {
    use outbox::KeyValue;
    if let Some(id) = PhoneStorage.get(keys::DEVICE) {
        return id;
    }
    let id = new_record_id();
    // Unsaved, the next sync sends another id: the server only records it.
    let _ = PhoneStorage.set(keys::DEVICE, &id);
    id
}
