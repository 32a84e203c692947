//! Exports of unsent records ("Xuất bản sao hồ sơ chưa gửi"): a phone about to be reset or
//! replaced saves every unsent record of its officer in a file only the server can open
//! (`domain::api::UnsentFile`, made with the browser's WebCrypto under the server's export key),
//! and an admin imports it. Its records then go through exactly the sync path, as a sync from the
//! officer's phone would: the same checks, the officer's scope, idempotent by id and base version,
//! so importing a file twice stores each record once.

use crate::store::{Store, StoreError};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use domain::api::{ExportKey, UnsentFile, UnsentRecords, WrappedKey, UNSENT_FORMAT, UNSENT_PROOF};
use hkdf::Hkdf;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sha2::{Digest, Sha256};

/// The `settings` key of the server's export key (its private scalar, base64): made once, shared
/// by every server on the store, and in its backups, so that a restored server still opens files.
pub const SETTING: &str = "export_key";

/// Why a file could not be opened.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("not an export of unsent records of this application")]
    Format,
    #[error("made for another server's key")]
    OtherKey,
    #[error("damaged, or not made for this server")]
    Damaged,
}

/// The server's export key.
pub struct ExportSecret(SecretKey);

impl ExportSecret {
    pub fn generate() -> ExportSecret {
        ExportSecret(SecretKey::random(&mut rand_core::OsRng))
    }

    /// As the `settings` table keeps it.
    pub fn stored(&self) -> String {
        STANDARD.encode(self.0.to_bytes())
    }

    pub fn from_stored(text: &str) -> Option<ExportSecret> {
        let bytes = STANDARD.decode(text).ok()?;
        SecretKey::from_slice(&bytes).ok().map(ExportSecret)
    }

    /// What the phones are given.
    pub fn public(&self) -> ExportKey {
        let point = self.0.public_key().to_encoded_point(false);
        let digest = Sha256::digest(point.as_bytes());
        ExportKey {
            key_id: digest[..8].iter().map(|b| format!("{b:02x}")).collect(),
            public_key: STANDARD.encode(point.as_bytes()),
        }
    }

    /// The records of a file made for this key.
    pub fn open(&self, file: &UnsentFile) -> Result<UnsentRecords, OpenError> {
        if file.format != UNSENT_FORMAT {
            return Err(OpenError::Format);
        }
        if file.key_id != self.public().key_id {
            return Err(OpenError::OtherKey);
        }
        let decode = |text: &str| STANDARD.decode(text).map_err(|_| OpenError::Format);
        let (ephemeral, iv, sealed) = (
            decode(&file.ephemeral_key)?,
            decode(&file.iv)?,
            decode(&file.ciphertext)?,
        );
        let ephemeral = PublicKey::from_sec1_bytes(&ephemeral).map_err(|_| OpenError::Damaged)?;
        if iv.len() != 12 {
            return Err(OpenError::Format);
        }
        let shared = p256::ecdh::diffie_hellman(self.0.to_nonzero_scalar(), ephemeral.as_affine());
        let key = file_key(shared.raw_secret_bytes());
        let plain = gcm_open(&key, &[iv, sealed].concat(), &[]).ok_or(OpenError::Damaged)?;
        serde_json::from_slice(&plain).map_err(|_| OpenError::Format)
    }
}

/// Additional data of a data key wrapped by the phone (`app/src/offline/webcrypto.rs`).
const WRAP_LABEL: &[u8] = b"pcmd-data-key";

/// The file's AES-256-GCM key from the ECDH secret: HKDF-SHA256, empty salt, the format as info
/// (as `webcrypto::seal_for` derives it).
fn file_key(shared: &[u8]) -> [u8; 32] {
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&[]), shared)
        .expand(UNSENT_FORMAT.as_bytes(), &mut key)
        .expect("32 bytes are a valid HKDF-SHA256 length");
    key
}

fn gcm_open(key: &[u8], sealed: &[u8], label: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < 12 {
        return None;
    }
    let (iv, body) = sealed.split_at(12);
    Aes256Gcm::new_from_slice(key)
        .ok()?
        .decrypt(
            Nonce::from_slice(iv),
            Payload {
                msg: body,
                aad: label,
            },
        )
        .ok()
}

fn gcm_seal(key: &[u8], plain: &[u8], label: &[u8]) -> Vec<u8> {
    let mut iv = [0u8; 12];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut iv);
    let sealed = Aes256Gcm::new_from_slice(key)
        .expect("a 256-bit key")
        .encrypt(
            Nonce::from_slice(&iv),
            Payload {
                msg: plain,
                aad: label,
            },
        )
        .expect("encrypts");
    [iv.as_slice(), &sealed].concat()
}

/// Whether the officer's own phone, open, made `unsent`: the data key it carries, unwrapped with
/// the server's copy of the officer's key on that phone (`device_key`, as `device_keys` keeps it),
/// proves its records. Someone else with the phone can read the wrapped key but not open it.
pub fn proven(unsent: &UnsentRecords, device_key: &str) -> bool {
    let opened = || -> Option<bool> {
        let device_key = URL_SAFE_NO_PAD.decode(device_key).ok()?;
        let wrapped = [
            STANDARD.decode(&unsent.data_key.iv).ok()?,
            STANDARD.decode(&unsent.data_key.key).ok()?,
        ]
        .concat();
        let data_key = gcm_open(&device_key, &wrapped, WRAP_LABEL)?;
        let proof = gcm_open(
            &data_key,
            &STANDARD.decode(&unsent.proof).ok()?,
            UNSENT_PROOF.as_bytes(),
        )?;
        Some(proof == Sha256::digest(unsent.records.as_bytes()).as_slice())
    };
    opened().unwrap_or(false)
}

/// What the officer's phone puts in a file, in Rust, for the tests: a new data key wrapped under
/// `device_key` (as the login gives it), and the proof of `records`.
pub fn made_on_phone(
    officer_id: &str,
    device_id: &str,
    records: &[serde_json::Value],
    device_key: &str,
) -> UnsentRecords {
    let mut data_key = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut data_key);
    let device_key = URL_SAFE_NO_PAD.decode(device_key).expect("a device key");
    let wrapped = gcm_seal(&device_key, &data_key, WRAP_LABEL);
    let records = serde_json::to_string(records).expect("JSON");
    let proof = gcm_seal(
        &data_key,
        &Sha256::digest(records.as_bytes()),
        UNSENT_PROOF.as_bytes(),
    );
    UnsentRecords {
        officer_id: officer_id.into(),
        device_id: device_id.into(),
        records,
        data_key: WrappedKey {
            iv: STANDARD.encode(&wrapped[..12]),
            key: STANDARD.encode(&wrapped[12..]),
        },
        proof: STANDARD.encode(proof),
    }
}

/// The store's export key, made at its first use.
pub async fn export_secret(store: &Store) -> Result<ExportSecret, StoreError> {
    let stored = match store.setting(SETTING).await? {
        Some(stored) => stored,
        None => {
            store
                .setting_once(SETTING, &ExportSecret::generate().stored())
                .await?
        }
    };
    ExportSecret::from_stored(&stored)
        .ok_or_else(|| StoreError::Seed(format!("the setting {SETTING} is not a P-256 key")))
}

/// What a phone does, in Rust: for the tests, which have no browser (the phone's own code is
/// WebCrypto, `app/src/offline/webcrypto.rs`).
pub fn seal(key: &ExportKey, records: &UnsentRecords) -> UnsentFile {
    let public = STANDARD.decode(&key.public_key).expect("base64");
    let public = PublicKey::from_sec1_bytes(&public).expect("a P-256 point");
    let ephemeral = p256::ecdh::EphemeralSecret::random(&mut rand_core::OsRng);
    let shared = ephemeral.diffie_hellman(&public);
    let plain = serde_json::to_vec(records).expect("JSON");
    let sealed = gcm_seal(&file_key(shared.raw_secret_bytes()), &plain, &[]);
    let (iv, ciphertext) = sealed.split_at(12);
    UnsentFile {
        format: UNSENT_FORMAT.into(),
        key_id: key.key_id.clone(),
        ephemeral_key: STANDARD.encode(ephemeral.public_key().to_encoded_point(false).as_bytes()),
        iv: STANDARD.encode(iv),
        ciphertext: STANDARD.encode(ciphertext),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DEVICE_KEY: &str = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80";

    fn records() -> UnsentRecords {
        made_on_phone(
            "officer-1",
            "6f1c2d3e-4b5a-4c6d-8e7f-901234567890",
            &[json!({"id": "r1", "kind": "media_post"})],
            DEVICE_KEY,
        )
    }

    #[test]
    fn only_the_officers_phone_proves_a_file() {
        let made = records();
        assert!(proven(&made, DEVICE_KEY));
        // Another phone's key (or the officer on another phone) does not open the data key.
        assert!(!proven(
            &made,
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        ));
        // Other records under the same proof.
        let changed = UnsentRecords {
            records: "[]".into(),
            ..made.clone()
        };
        assert!(!proven(&changed, DEVICE_KEY));
        // A colleague who read the wrapped key from the phone but made the proof with a key of
        // their own.
        let forged = UnsentRecords {
            proof: records().proof,
            ..made
        };
        assert!(!proven(&forged, DEVICE_KEY));
    }

    #[test]
    fn only_the_key_it_was_made_for_opens_a_file() {
        let server = ExportSecret::generate();
        let made = records();
        let file = seal(&server.public(), &made);
        assert_eq!(server.open(&file), Ok(made.clone()));
        let again = ExportSecret::from_stored(&server.stored()).unwrap();
        assert_eq!(again.open(&file), Ok(made));

        let other = ExportSecret::generate();
        assert_eq!(other.open(&file), Err(OpenError::OtherKey));
        // Even claiming the right key id, another key cannot open it.
        let claimed = UnsentFile {
            key_id: other.public().key_id,
            ..file.clone()
        };
        assert_eq!(other.open(&claimed), Err(OpenError::Damaged));
    }

    #[test]
    fn a_changed_or_foreign_file_is_refused() {
        let server = ExportSecret::generate();
        let file = seal(&server.public(), &records());
        let mut sealed = STANDARD.decode(&file.ciphertext).unwrap();
        sealed[0] ^= 1;
        let changed = UnsentFile {
            ciphertext: STANDARD.encode(&sealed),
            ..file.clone()
        };
        assert_eq!(server.open(&changed), Err(OpenError::Damaged));
        let foreign = UnsentFile {
            format: "something-else".into(),
            ..file.clone()
        };
        assert_eq!(server.open(&foreign), Err(OpenError::Format));
        let broken = UnsentFile {
            ephemeral_key: "AAAA".into(),
            ..file
        };
        assert_eq!(server.open(&broken), Err(OpenError::Damaged));
    }
}
