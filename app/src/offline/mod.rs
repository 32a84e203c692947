//! The only code that touches browser storage, the service worker and the network.
//! Both sides expose the same functions; on the server they do nothing, so components need no `cfg`.
//! `outbox`, `figures` and `clock` are plain Rust over that boundary, tested natively.

pub mod clock;
pub mod figures;
pub mod outbox;
pub mod sync;

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "hydrate")]
pub use browser::*;

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

/// The signed-in officer's outbox on this phone.
pub fn outbox(officer_id: &str) -> outbox::Outbox<PhoneStorage> {
    outbox::Outbox::new(PhoneStorage, officer_id)
}

/// A new record id, made on the phone.
pub fn new_record_id() -> String {
    outbox::uuid_v4(random_bytes())
}

/// This phone's id for the server's records of who sent what: made once, kept in localStorage.
pub fn device_id() -> String {
    use outbox::KeyValue;
    const DEVICE_KEY: &str = "pcmd.device";
    if let Some(id) = PhoneStorage.get(DEVICE_KEY) {
        return id;
    }
    let id = new_record_id();
    // Unsaved, the next sync sends another id: the server only records it.
    let _ = PhoneStorage.set(DEVICE_KEY, &id);
    id
}
