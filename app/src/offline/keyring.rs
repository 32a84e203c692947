//! The officers who use this phone and their wrapped data keys (`pcmd.officers`), the only
//! officer data readable without a PIN: who they are (for the sign-in page) and their data key,
//! each copy encrypted under a key this phone does not keep (see `docs/phone-security.md`).
//!
//! Plain Rust over [`KeyValue`]; the browser side does the cryptography.

use serde::{Deserialize, Serialize};

use super::keys;
use super::outbox::{KeyValue, StoreError};
use crate::api::Officer;

/// Wrong PINs in a row after which the PIN-wrapped key is deleted.
pub const PIN_TRIES: u32 = 5;
pub const PIN_LENGTH: usize = 6;

/// A data key encrypted (AES-GCM) under another key; the server opens the one under its key.
pub use domain::api::WrappedKey as Wrapped;

/// The data key under a key derived from the PIN (PBKDF2-SHA256).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinWrapped {
    pub salt: String,
    pub iterations: u32,
    #[serde(flatten)]
    pub wrapped: Wrapped,
}

/// One officer known on this phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneOfficer {
    pub officer: Officer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<PinWrapped>,
    /// Under the key the server keeps for this officer and device, handed out at a password
    /// sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<Wrapped>,
    #[serde(default)]
    pub wrong_pins: u32,
    /// When this officer last opened the app here, to offer them first.
    #[serde(default)]
    pub last_used: u64,
}

/// Every officer known on this phone, the last one to use it first; unreadable (damaged) reads
/// as none.
pub fn officers<S: KeyValue>(store: &S) -> Vec<PhoneOfficer> {
    read_all(store).unwrap_or_default()
}

/// `Err` when the list is there but unreadable: then nothing may write over it, or every
/// officer's wrapped keys would be gone.
fn read_all<S: KeyValue>(store: &S) -> Result<Vec<PhoneOfficer>, StoreError> {
    let mut officers: Vec<PhoneOfficer> = match store.get(keys::OFFICERS) {
        Some(text) => serde_json::from_str(&text).map_err(|_| StoreError::Unavailable)?,
        None => Vec::new(),
    };
    officers.sort_by_key(|known| std::cmp::Reverse(known.last_used));
    Ok(officers)
}

pub fn officer<S: KeyValue>(store: &S, id: &str) -> Option<PhoneOfficer> {
    officers(store)
        .into_iter()
        .find(|known| known.officer.id == id)
}

fn save_all<S: KeyValue>(store: &S, officers: &[PhoneOfficer]) -> Result<(), StoreError> {
    let text = serde_json::to_string(officers).map_err(|_| StoreError::Unavailable)?;
    store.set(keys::OFFICERS, &text)
}

/// Adds or replaces the officer's entry.
pub fn keep<S: KeyValue>(store: &S, known: &PhoneOfficer) -> Result<(), StoreError> {
    let mut all = read_all(store)?;
    all.retain(|other| other.officer.id != known.officer.id);
    all.push(known.clone());
    save_all(store, &all)
}

pub fn forget<S: KeyValue>(store: &S, id: &str) -> Result<(), StoreError> {
    let mut all = read_all(store)?;
    all.retain(|other| other.officer.id != id);
    save_all(store, &all)
}

/// Counts a wrong PIN; at the [`PIN_TRIES`]th in a row the PIN-wrapped key goes, so that only a
/// password sign-in opens the records again. Gives the tries left.
pub fn wrong_pin<S: KeyValue>(store: &S, id: &str) -> Result<u32, StoreError> {
    let Some(mut known) = officer(store, id) else {
        return Ok(0);
    };
    known.wrong_pins = known.wrong_pins.saturating_add(1);
    if known.wrong_pins >= PIN_TRIES {
        known.pin = None;
        known.wrong_pins = 0;
        keep(store, &known)?;
        return Ok(0);
    }
    keep(store, &known)?;
    Ok(PIN_TRIES - known.wrong_pins)
}

/// Six digits, nothing else.
pub fn valid_pin(pin: &str) -> bool {
    pin.len() == PIN_LENGTH && pin.bytes().all(|b| b.is_ascii_digit())
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding, for binary data in string storage.
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes of standard or URL-safe base64, padded or not; `None` for anything else.
pub fn unbase64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut n = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        n = (n << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((n >> bits) as u8);
            n &= (1 << bits) - 1;
        }
    }
    (bits < 6).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offline::outbox::tests::Memory;
    use serde_json::json;

    fn an_officer(id: &str) -> Officer {
        serde_json::from_value(json!({"id": id, "username": id, "display_name": id,
            "role": "commune_officer", "org_unit": {"id": "u", "code": "1", "name": "X"}}))
        .unwrap()
    }

    fn known(id: &str, last_used: u64) -> PhoneOfficer {
        PhoneOfficer {
            officer: an_officer(id),
            pin: Some(PinWrapped {
                salt: "s".into(),
                iterations: 1,
                wrapped: Wrapped {
                    iv: "i".into(),
                    key: "k".into(),
                },
            }),
            server: None,
            wrong_pins: 0,
            last_used,
        }
    }

    #[test]
    fn officers_are_kept_last_used_first_and_replaced_by_id() {
        let memory = Memory::default();
        assert!(officers(&memory).is_empty());
        keep(&memory, &known("a", 1)).unwrap();
        keep(&memory, &known("b", 2)).unwrap();
        keep(&memory, &known("a", 3)).unwrap();
        let ids: Vec<String> = officers(&memory)
            .into_iter()
            .map(|k| k.officer.id)
            .collect();
        assert_eq!(ids, ["a", "b"]);
        forget(&memory, "a").unwrap();
        assert_eq!(officers(&memory).len(), 1);
        assert!(officer(&memory, "a").is_none());
        // A damaged list is never written over.
        memory.set(keys::OFFICERS, "[{not json").unwrap();
        assert!(officers(&memory).is_empty());
        assert_eq!(keep(&memory, &known("c", 4)), Err(StoreError::Unavailable));
        assert_eq!(forget(&memory, "b"), Err(StoreError::Unavailable));
        assert_eq!(memory.get(keys::OFFICERS).as_deref(), Some("[{not json"));
    }

    #[test]
    fn the_fifth_wrong_pin_in_a_row_deletes_the_pin_copy_only() {
        let memory = Memory::default();
        let mut entry = known("a", 1);
        entry.server = Some(Wrapped {
            iv: "i".into(),
            key: "server".into(),
        });
        keep(&memory, &entry).unwrap();
        for left in (1..PIN_TRIES).rev() {
            assert_eq!(wrong_pin(&memory, "a").unwrap(), left);
            assert!(officer(&memory, "a").unwrap().pin.is_some());
        }
        assert_eq!(wrong_pin(&memory, "a").unwrap(), 0);
        let after = officer(&memory, "a").unwrap();
        assert_eq!(after.pin, None);
        assert_eq!(after.server, entry.server, "the server's copy stays");
        assert_eq!(wrong_pin(&memory, "nobody").unwrap(), 0);
    }

    #[test]
    fn pins_are_six_digits() {
        assert!(valid_pin("012345"));
        for bad in ["12345", "1234567", "12345a", "١٢٣٤٥٦", "12 345", ""] {
            assert!(!valid_pin(bad), "{bad}");
        }
    }

    #[test]
    fn base64_round_trips_and_refuses_junk() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(unbase64(&base64(&bytes)).unwrap(), bytes);
        }
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(unbase64("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(unbase64("ab$d"), None);
        assert_eq!(unbase64("a"), None);
    }
}
