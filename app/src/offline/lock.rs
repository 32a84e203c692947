//! Browser side of the lock: opening an officer's records with the password (the server's key) or
//! the PIN, writing the open [`Vault`] through to localStorage encrypted, and closing it. The
//! design and its limits are in `docs/phone-security.md`.

use std::cell::RefCell;
use std::collections::BTreeMap;

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::CryptoKey;

use super::keyring::{self, unbase64, PhoneOfficer, PinWrapped};
use super::keys;
use super::outbox::{KeyValue, StoreError};
use super::vault::{prefixes, Vault};
use super::webcrypto::{self as crypto, CryptoError, PBKDF2_ITERATIONS, SEALED};
use super::{LockError, PhoneStorage};
use crate::api::Officer;

/// The open officer's records, with their data key; `None` while locked.
struct Open {
    vault: Vault,
    key: CryptoKey,
    writing: bool,
    /// Flushes waiting for the queue to drain: each is resolved with "ok" or the failure.
    waiters: Vec<Function>,
    /// Items of the officer that did not decrypt (damaged): kept, never read, removed only when
    /// the officer leaves the phone.
    unreadable: Vec<String>,
}

thread_local! {
    static OPEN: RefCell<Option<Open>> = const { RefCell::new(None) };
    /// Tells the app's other tabs that records are being opened here.
    static TABS: Option<web_sys::BroadcastChannel> = web_sys::BroadcastChannel::new("pcmd-vault").ok();
}

/// One tab at a time holds records open: two would each write from their own copy in memory and
/// overwrite each other's index. `on_elsewhere` runs when another tab opens records; it locks.
pub fn on_opened_elsewhere(on_elsewhere: impl Fn() + 'static) {
    use wasm_bindgen::prelude::Closure;
    use wasm_bindgen::JsCast;
    TABS.with(|tabs| {
        if let Some(tabs) = tabs {
            let listener = Closure::<dyn Fn()>::new(on_elsewhere);
            tabs.set_onmessage(Some(listener.as_ref().unchecked_ref()));
            listener.forget();
        }
    });
}

/// How long other tabs get to store what they hold and lock before this one reads the storage.
const CLAIM_MS: u64 = 30;

thread_local! {
    /// When this tab last asked the others to lock.
    static CLAIMED_AT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Asks the other tabs to lock; said as soon as the opening is sure, so that the wait overlaps
/// the work before reading the storage.
fn announce_opening() {
    let asked = TABS.with(|tabs| {
        tabs.as_ref()
            .is_some_and(|tabs| tabs.post_message(&JsValue::from_str("opened")).is_ok())
    });
    CLAIMED_AT.set(if asked { super::now_ms().max(1) } else { 0 });
}

/// Waits until the other tabs had their moment since they were asked.
async fn claim_the_records() {
    if CLAIMED_AT.get() == 0 {
        announce_opening();
    }
    let waited = super::now_ms().saturating_sub(CLAIMED_AT.get());
    if CLAIMED_AT.get() != 0 && waited < CLAIM_MS {
        let rest = (CLAIM_MS - waited) as u32;
        let pause = Promise::new(&mut |resolve, _| {
            super::after(rest, move || {
                let _ = resolve.call0(&JsValue::NULL);
            })
        });
        let _ = JsFuture::from(pause).await;
    }
    CLAIMED_AT.set(0);
}

impl From<CryptoError> for LockError {
    fn from(_: CryptoError) -> LockError {
        LockError::NoCrypto
    }
}

impl From<StoreError> for LockError {
    fn from(error: StoreError) -> LockError {
        LockError::Storage(error)
    }
}

/// The officer whose records are open, if any.
pub fn open_officer() -> Option<String> {
    OPEN.with_borrow(|open| open.as_ref().map(|o| o.vault.officer_id().to_string()))
}

/// The open officer's items, as the outbox and the cached figures read and write them.
pub struct OfficerStorage;

impl KeyValue for OfficerStorage {
    fn get(&self, key: &str) -> Option<String> {
        OPEN.with_borrow(|open| open.as_ref()?.vault.get(key).map(str::to_string))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        OPEN.with_borrow_mut(|open| match open {
            Some(open) => open.vault.set(key, value),
            None => Err(StoreError::Unavailable),
        })?;
        write_behind();
        Ok(())
    }

    fn remove(&self, key: &str) {
        OPEN.with_borrow_mut(|open| {
            if let Some(open) = open {
                open.vault.remove(key);
            }
        });
        write_behind();
    }

    fn keys(&self, prefix: &str) -> Vec<String> {
        OPEN.with_borrow(|open| {
            open.as_ref()
                .map(|o| o.vault.keys(prefix))
                .unwrap_or_default()
        })
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn store_error(error: &JsValue) -> StoreError {
    use wasm_bindgen::JsCast;
    match error
        .dyn_ref::<web_sys::DomException>()
        .map(|e| e.name())
        .as_deref()
    {
        Some("QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED") => StoreError::Full,
        _ => StoreError::Unavailable,
    }
}

/// Starts the writer unless it runs already.
fn write_behind() {
    let start = OPEN.with_borrow_mut(|open| match open {
        Some(open) if !open.writing && open.vault.pending() > 0 => {
            open.writing = true;
            true
        }
        _ => false,
    });
    if start {
        spawn_local(write_queue());
    }
}

fn settle(waiters: Vec<Function>, outcome: &str) {
    for waiter in waiters {
        let _ = waiter.call1(&JsValue::NULL, &JsValue::from_str(outcome));
    }
}

/// Encrypts and stores the queued writes one after another, in order.
async fn write_queue() {
    loop {
        let next = OPEN.with_borrow(|open| {
            let open = open.as_ref()?;
            Some((open.vault.next_write()?.clone(), open.key.clone()))
        });
        let Some((write, key)) = next else {
            break;
        };
        let stored = match &write.value {
            Some(value) => match crypto::seal_item(&key, &write.key, value).await {
                Ok(sealed) => match local_storage() {
                    Some(storage) => storage
                        .set_item(&write.key, &sealed)
                        .map_err(|e| store_error(&e)),
                    None => Err(StoreError::Unavailable),
                },
                Err(_) => Err(StoreError::Unavailable),
            },
            None => {
                if let Some(storage) = local_storage() {
                    let _ = storage.remove_item(&write.key);
                }
                Ok(())
            }
        };
        let failed = OPEN.with_borrow_mut(|open| {
            let open = open.as_mut()?;
            match stored {
                Ok(()) => {
                    open.vault.written();
                    None
                }
                Err(error) => {
                    open.vault.write_failed();
                    Some((std::mem::take(&mut open.waiters), error))
                }
            }
        });
        if let Some((waiters, error)) = failed {
            settle(
                waiters,
                match error {
                    StoreError::Full => "full",
                    StoreError::Unavailable => "unavailable",
                },
            );
        }
    }
    let waiters = OPEN.with_borrow_mut(|open| match open {
        Some(open) => {
            open.writing = false;
            std::mem::take(&mut open.waiters)
        }
        None => Vec::new(),
    });
    settle(waiters, "ok");
}

/// Waits until every write made so far is stored, or says why it was not (and then memory was put
/// back as stored).
pub async fn flush() -> Result<(), StoreError> {
    let promise = OPEN.with_borrow_mut(|open| {
        let open = open.as_mut().ok_or(StoreError::Unavailable)?;
        if !open.writing && open.vault.pending() == 0 {
            return Ok(None);
        }
        Ok(Some(Promise::new(&mut |resolve, _| {
            open.waiters.push(resolve)
        })))
    })?;
    let Some(promise) = promise else {
        return Ok(());
    };
    match JsFuture::from(promise)
        .await
        .ok()
        .and_then(|v| v.as_string())
        .as_deref()
    {
        Some("ok") => Ok(()),
        Some("full") => Err(StoreError::Full),
        _ => Err(StoreError::Unavailable),
    }
}

/// Locks: every write is stored first, then the key and the decrypted items are dropped.
pub async fn close_vault() {
    // Until nothing is pending at the moment of closing: a write queued during the last flush
    // is stored too, never dropped.
    loop {
        let _ = flush().await;
        let drained = OPEN.with_borrow(|open| {
            open.as_ref()
                .is_none_or(|open| !open.writing && open.vault.pending() == 0)
        });
        if drained {
            OPEN.set(None);
            return;
        }
    }
}

/// Decrypts every item of the officer into a vault and opens it. Items stored in plain text by an
/// earlier version of the app are encrypted in place; an item that does not decrypt (damaged) is
/// left as it is, never deleted.
async fn open_vault(officer_id: &str, key: CryptoKey) -> Result<(), LockError> {
    close_vault().await;
    claim_the_records().await;
    let storage = local_storage().ok_or(LockError::Storage(StoreError::Unavailable))?;
    let prefixes = prefixes(officer_id);
    let mut openings = Vec::new();
    let mut plain = Vec::new();
    let mut unreadable = Vec::new();
    for i in 0..storage.length().unwrap_or(0) {
        let Some(name) = storage.key(i).ok().flatten() else {
            continue;
        };
        if !prefixes.iter().any(|p| name.starts_with(p.as_str())) {
            continue;
        }
        let Some(stored) = storage.get_item(&name).ok().flatten() else {
            continue;
        };
        match crypto::start_open_item(&key, &name, &stored) {
            Some(Ok(opening)) => openings.push((name, opening)),
            Some(Err(_)) => unreadable.push(name),
            None => plain.push((name, stored)),
        }
    }
    let (names, promises): (Vec<String>, Vec<Promise>) = openings.into_iter().unzip();
    let mut items = BTreeMap::new();
    for (name, text) in names
        .into_iter()
        .zip(crypto::finish_open_items(&promises).await)
    {
        match text {
            Some(text) => {
                items.insert(name, text);
            }
            None => unreadable.push(name),
        }
    }
    OPEN.set(Some(Open {
        vault: Vault::new(officer_id, items),
        key,
        writing: false,
        waiters: Vec::new(),
        unreadable,
    }));
    for (name, text) in &plain {
        OfficerStorage.set(name, text)?;
    }
    // Plain items that do not fit encrypted stay plain on disk, and the records stay closed:
    // the officer is told the phone is full, and nothing is shown half.
    if let Err(error) = flush().await {
        OPEN.set(None);
        return Err(error.into());
    }
    Ok(())
}

/// Whether any of the officer's items on this phone is encrypted (under some key).
fn has_sealed_items(officer_id: &str) -> bool {
    let Some(storage) = local_storage() else {
        return false;
    };
    let prefixes = prefixes(officer_id);
    (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|name| prefixes.iter().any(|p| name.starts_with(p.as_str())))
        .any(|name| {
            storage
                .get_item(&name)
                .ok()
                .flatten()
                .is_some_and(|v| v.starts_with(SEALED))
        })
}

/// For an export of unsent records: the open officer's data key as the server can unwrap it, and
/// the proof made of `bytes` with it. `None` when the officer is not the open one, or the phone has
/// no copy of the key under the server's (never signed in with the password here).
pub async fn unsent_proof(officer_id: &str, bytes: &[u8]) -> Option<(keyring::Wrapped, Vec<u8>)> {
    let (open, key) = open_key()?;
    if open != officer_id {
        return None;
    }
    let wrapped = keyring::officer(&PhoneStorage, officer_id)?.server?;
    let proof = crypto::prove(&key, bytes, domain::api::UNSENT_PROOF.as_bytes())
        .await
        .ok()?;
    Some((wrapped, proof))
}

fn open_key() -> Option<(String, CryptoKey)> {
    OPEN.with_borrow(|open| {
        let open = open.as_ref()?;
        Some((open.vault.officer_id().to_string(), open.key.clone()))
    })
}

/// After a password sign-in: opens the officer's records with the key the server keeps for them
/// on this phone (making their data key on a first sign-in), and keeps their session token.
/// Says whether a PIN is set.
pub async fn open_with_password(
    officer: &Officer,
    device_key: &str,
    token: &str,
) -> Result<bool, LockError> {
    let server_key =
        crypto::import_key(&unbase64(device_key).ok_or(LockError::NoCrypto)?, false).await?;
    let mut known = keyring::officer(&PhoneStorage, &officer.id).unwrap_or(PhoneOfficer {
        officer: officer.clone(),
        pin: None,
        server: None,
        wrong_pins: 0,
        last_used: 0,
    });
    let moved = known.officer.org_unit.id != officer.org_unit.id;
    known.officer = officer.clone();
    let already_open = open_key()
        .filter(|(id, _)| *id == officer.id)
        .map(|(_, key)| key);
    let from_server = match &known.server {
        Some(wrapped) => crypto::unwrap(wrapped, &server_key).await.ok(),
        None => None,
    };
    let data_key = match (already_open, from_server) {
        (Some(key), _) | (None, Some(key)) => key,
        // Records encrypted under a key neither the server nor this session has: only the PIN
        // opens them, and then the next password sign-in wraps the key for the server again.
        (None, None) if has_sealed_items(&officer.id) => return Err(LockError::Unreadable),
        (None, None) => crypto::new_data_key().await?,
    };
    known.server = Some(crypto::wrap(&data_key, &server_key).await?);
    known.wrong_pins = 0;
    known.last_used = super::now_ms();
    keyring::keep(&PhoneStorage, &known)?;
    if open_officer().as_deref() != Some(officer.id.as_str()) {
        open_vault(&officer.id, data_key).await?;
    }
    // The one officer of the earlier app version is now one of this phone's officers.
    PhoneStorage.remove(keys::LEGACY_OFFICER);
    PhoneStorage.remove(keys::LEGACY_TIP_OFF_DAYS);
    let outbox = super::outbox(&officer.id);
    if moved {
        outbox.unit_changed();
    }
    let kept = outbox.keep_session_token(token);
    if let Err(error) = kept.and(flush().await) {
        close_vault().await;
        return Err(error.into());
    }
    Ok(known.pin.is_some())
}

/// Keeps the server's latest copy of the open officer (`/api/v1/me`); when their unit changed,
/// the next pull starts again from the beginning (see `Outbox::unit_changed`).
pub fn officer_refreshed(officer: &Officer) {
    let Some(mut known) = keyring::officer(&PhoneStorage, &officer.id) else {
        return;
    };
    if known.officer == *officer {
        return;
    }
    if known.officer.org_unit.id != officer.org_unit.id {
        super::outbox(&officer.id).unit_changed();
    }
    known.officer = officer.clone();
    // Without the copy the next unlock shows the old name or unit until /me answers again.
    let _ = keyring::keep(&PhoneStorage, &known);
}

/// Opens an officer's records with their PIN. A wrong PIN counts; the fifth in a row deletes the
/// PIN's copy of the key (the server's copy stays, for the next password sign-in).
pub async fn open_with_pin(officer_id: &str, pin: &str) -> Result<Officer, LockError> {
    let mut known = keyring::officer(&PhoneStorage, officer_id).ok_or(LockError::PinGone)?;
    let wrapped = known.pin.clone().ok_or(LockError::PinGone)?;
    let salt = unbase64(&wrapped.salt).ok_or(LockError::PinGone)?;
    let pin_key = crypto::pin_key(pin, &salt, wrapped.iterations).await?;
    let Ok(data_key) = crypto::unwrap(&wrapped.wrapped, &pin_key).await else {
        let left = keyring::wrong_pin(&PhoneStorage, officer_id)?;
        return Err(if left == 0 {
            LockError::PinGone
        } else {
            LockError::WrongPin { left }
        });
    };
    // Only the right PIN asks the other tabs to lock.
    announce_opening();
    known.wrong_pins = 0;
    known.last_used = super::now_ms();
    keyring::keep(&PhoneStorage, &known)?;
    open_vault(officer_id, data_key).await?;
    Ok(known.officer)
}

/// Sets the open officer's PIN: their data key wrapped under a key derived from it.
pub async fn set_pin(pin: &str) -> Result<(), LockError> {
    let (officer_id, data_key) = open_key().ok_or(LockError::PinGone)?;
    let mut known = keyring::officer(&PhoneStorage, &officer_id).ok_or(LockError::PinGone)?;
    let salt = crypto::random::<16>()?;
    let pin_key = crypto::pin_key(pin, &salt, PBKDF2_ITERATIONS).await?;
    known.pin = Some(PinWrapped {
        salt: keyring::base64(&salt),
        iterations: PBKDF2_ITERATIONS,
        wrapped: crypto::wrap(&data_key, &pin_key).await?,
    });
    known.wrong_pins = 0;
    keyring::keep(&PhoneStorage, &known)?;
    Ok(())
}

/// The server said the account is disabled: its records can no longer be opened with the PIN here.
pub async fn forget_pin(officer_id: &str) {
    if let Some(mut known) = keyring::officer(&PhoneStorage, officer_id) {
        known.pin = None;
        let _ = keyring::keep(&PhoneStorage, &known);
    }
    if open_officer().as_deref() == Some(officer_id) {
        close_vault().await;
    }
}

/// Signing out with nothing left to send: the officer's items and keys leave the phone.
pub async fn forget_officer(officer_id: &str) {
    if open_officer().as_deref() == Some(officer_id) {
        for prefix in prefixes(officer_id) {
            for key in OfficerStorage.keys(&prefix) {
                OfficerStorage.remove(&key);
            }
        }
        let unreadable = OPEN.with_borrow(|open| {
            open.as_ref()
                .map(|open| open.unreadable.clone())
                .unwrap_or_default()
        });
        if let Some(storage) = local_storage() {
            for name in unreadable {
                let _ = storage.remove_item(&name);
            }
        }
    }
    close_vault().await;
    let _ = keyring::forget(&PhoneStorage, officer_id);
}
