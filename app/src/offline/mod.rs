//! The only code that touches browser storage, the service worker and the network.
//! Both sides expose the same functions; on the server they do nothing, so components need no `cfg`.

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
