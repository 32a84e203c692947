//! The browser's WebCrypto (SubtleCrypto) for the phone's store: AES-GCM 256 data keys, keys
//! derived from a PIN with PBKDF2-SHA256, wrapped keys, the stored form of an encrypted item, and
//! files sealed for the server (exports of unsent records).
//! Every cryptographic operation is the browser's own; this module only calls it.

use js_sys::{Array, ArrayBuffer, Object, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AesDerivedKeyParams, AesGcmParams, AesKeyGenParams, CryptoKey, Pbkdf2Params, SubtleCrypto,
};

use super::keyring::{base64, unbase64, Wrapped};

/// PBKDF2-SHA256 iterations for a new PIN (kept with each wrapped key, so it can change): OWASP's
/// 2023 figure, about 1 s on a low-end phone (see `docs/phone-security.md`).
pub const PBKDF2_ITERATIONS: u32 = 600_000;
/// An encrypted item: this, then base64 of the 12-byte IV and the ciphertext with its tag.
pub const SEALED: &str = "e1:";
const IV_LEN: usize = 12;
/// Bound into every wrapped key, so that a wrapped key cannot pass for an item or the reverse.
const WRAP_LABEL: &[u8] = b"pcmd-data-key";

/// WebCrypto failed or is missing (it exists only over HTTPS or on localhost).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CryptoError;

impl From<JsValue> for CryptoError {
    fn from(_: JsValue) -> CryptoError {
        CryptoError
    }
}

fn subtle() -> Result<SubtleCrypto, CryptoError> {
    let crypto = web_sys::window().ok_or(CryptoError)?.crypto()?;
    // `crypto.subtle` is undefined outside a secure context.
    let subtle = js_sys::Reflect::get(&crypto, &JsValue::from_str("subtle"))?;
    if subtle.is_undefined() {
        return Err(CryptoError);
    }
    Ok(crypto.subtle())
}

/// Cryptographically random bytes, or an error: never a weaker fallback.
pub fn random<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut bytes = [0u8; N];
    web_sys::window()
        .ok_or(CryptoError)?
        .crypto()?
        .get_random_values_with_u8_array(&mut bytes)?;
    Ok(bytes)
}

fn usages(list: &[&str]) -> JsValue {
    list.iter()
        .map(|usage| JsValue::from_str(usage))
        .collect::<Array>()
        .into()
}

async fn resolve(promise: Result<Promise, JsValue>) -> Result<JsValue, CryptoError> {
    Ok(JsFuture::from(promise?).await?)
}

fn bytes_of(value: JsValue) -> Vec<u8> {
    Uint8Array::new(&value.unchecked_into::<ArrayBuffer>()).to_vec()
}

fn gcm(iv: &[u8], additional: &[u8]) -> AesGcmParams {
    let params = AesGcmParams::new("AES-GCM", &Uint8Array::from(iv));
    params.set_additional_data(&Uint8Array::from(additional));
    params
}

/// A new random data key; extractable so that it can be wrapped under a new PIN later.
pub async fn new_data_key() -> Result<CryptoKey, CryptoError> {
    let params = AesKeyGenParams::new("AES-GCM", 256);
    let key = resolve(subtle()?.generate_key_with_object(
        &params,
        true,
        &usages(&["encrypt", "decrypt"]),
    ))
    .await?;
    Ok(key.unchecked_into())
}

/// A key given as raw bytes (the server's key for this officer and device).
pub async fn import_key(raw: &[u8], extractable: bool) -> Result<CryptoKey, CryptoError> {
    let algorithm = Object::new();
    js_sys::Reflect::set(&algorithm, &"name".into(), &"AES-GCM".into())?;
    let key = resolve(subtle()?.import_key_with_object(
        "raw",
        &Uint8Array::from(raw),
        &algorithm,
        extractable,
        &usages(&["encrypt", "decrypt"]),
    ))
    .await?;
    Ok(key.unchecked_into())
}

/// The key a PIN stands for: PBKDF2-SHA256 over the PIN with this salt and iteration count.
pub async fn pin_key(pin: &str, salt: &[u8], iterations: u32) -> Result<CryptoKey, CryptoError> {
    let subtle = subtle()?;
    let algorithm = Object::new();
    js_sys::Reflect::set(&algorithm, &"name".into(), &"PBKDF2".into())?;
    let base = resolve(subtle.import_key_with_object(
        "raw",
        &Uint8Array::from(pin.as_bytes()),
        &algorithm,
        false,
        &usages(&["deriveKey"]),
    ))
    .await?;
    let params = Pbkdf2Params::new(
        "PBKDF2",
        &JsValue::from_str("SHA-256"),
        iterations,
        &Uint8Array::from(salt),
    );
    let key = resolve(subtle.derive_key_with_object_and_object(
        &params,
        &base.unchecked_into(),
        &AesDerivedKeyParams::new("AES-GCM", 256),
        false,
        &usages(&["encrypt", "decrypt"]),
    ))
    .await?;
    Ok(key.unchecked_into())
}

async fn encrypt(key: &CryptoKey, plain: &[u8], additional: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let iv = random::<IV_LEN>()?;
    let sealed =
        resolve(subtle()?.encrypt_with_object_and_u8_array(&gcm(&iv, additional), key, plain))
            .await?;
    let mut out = iv.to_vec();
    out.extend(bytes_of(sealed));
    Ok(out)
}

/// Starts decrypting `iv ‖ ciphertext`; many run at once when their promises are made first.
fn start_decrypt(
    key: &CryptoKey,
    sealed: &[u8],
    additional: &[u8],
) -> Result<Promise, CryptoError> {
    if sealed.len() < IV_LEN {
        return Err(CryptoError);
    }
    let (iv, body) = sealed.split_at(IV_LEN);
    Ok(subtle()?.decrypt_with_object_and_u8_array(&gcm(iv, additional), key, body)?)
}

/// `plain` sealed for the holder of the ECDH P-256 private key whose public key is `public` (an
/// uncompressed point): a one-time key pair, ECDH, HKDF-SHA256 (empty salt, `info`), AES-256-GCM.
/// Gives the one-time public key, the IV, and the ciphertext with its tag.
pub async fn seal_for(
    public: &[u8],
    info: &[u8],
    plain: &[u8],
) -> Result<(Vec<u8>, Vec<u8>, Vec<u8>), CryptoError> {
    let subtle = subtle()?;
    let object = |pairs: &[(&str, &JsValue)]| -> Result<Object, CryptoError> {
        let object = Object::new();
        for (name, value) in pairs {
            js_sys::Reflect::set(&object, &JsValue::from_str(name), value)?;
        }
        Ok(object)
    };
    let curve = object(&[("name", &"ECDH".into()), ("namedCurve", &"P-256".into())])?;
    let server = resolve(subtle.import_key_with_object(
        "raw",
        &Uint8Array::from(public),
        &curve,
        false,
        &usages(&[]),
    ))
    .await?;
    let pair =
        resolve(subtle.generate_key_with_object(&curve, true, &usages(&["deriveBits"]))).await?;
    let own_private: CryptoKey =
        js_sys::Reflect::get(&pair, &"privateKey".into())?.unchecked_into();
    let own_public: CryptoKey = js_sys::Reflect::get(&pair, &"publicKey".into())?.unchecked_into();
    let exchange = object(&[("name", &"ECDH".into()), ("public", &server)])?;
    let shared = resolve(subtle.derive_bits_with_object(&exchange, &own_private, 256)).await?;
    let hkdf = object(&[("name", &"HKDF".into())])?;
    let base = resolve(subtle.import_key_with_object(
        "raw",
        &Uint8Array::new(&shared),
        &hkdf,
        false,
        &usages(&["deriveKey"]),
    ))
    .await?;
    let params = object(&[
        ("name", &"HKDF".into()),
        ("hash", &"SHA-256".into()),
        ("salt", &Uint8Array::new_with_length(0).into()),
        ("info", &Uint8Array::from(info).into()),
    ])?;
    let key = resolve(subtle.derive_key_with_object_and_object(
        &params,
        &base.unchecked_into(),
        &AesDerivedKeyParams::new("AES-GCM", 256),
        false,
        &usages(&["encrypt"]),
    ))
    .await?;
    let iv = random::<IV_LEN>()?;
    let sealed = resolve(subtle.encrypt_with_object_and_u8_array(
        &gcm(&iv, &[]),
        &key.unchecked_into(),
        plain,
    ))
    .await?;
    let own_public = bytes_of(resolve(subtle.export_key("raw", &own_public)).await?);
    Ok((own_public, iv.to_vec(), bytes_of(sealed)))
}

/// What only the holder of `data_key` can make of `bytes`: their SHA-256 encrypted under it with
/// `label` as additional data, as `iv ‖ ciphertext`. The server checks it with the data key it
/// unwraps through its own copy of the device key.
pub async fn prove(
    data_key: &CryptoKey,
    bytes: &[u8],
    label: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let digest = bytes_of(resolve(subtle()?.digest_with_str_and_u8_array("SHA-256", bytes)).await?);
    encrypt(data_key, &digest, label).await
}

/// `data_key` encrypted under `wrapping`.
pub async fn wrap(data_key: &CryptoKey, wrapping: &CryptoKey) -> Result<Wrapped, CryptoError> {
    let raw = bytes_of(resolve(subtle()?.export_key("raw", data_key)).await?);
    let sealed = encrypt(wrapping, &raw, WRAP_LABEL).await?;
    let (iv, key) = sealed.split_at(IV_LEN);
    Ok(Wrapped {
        iv: base64(iv),
        key: base64(key),
    })
}

/// The data key back from under `wrapping`; an error for the wrong wrapping key (a wrong PIN).
pub async fn unwrap(wrapped: &Wrapped, wrapping: &CryptoKey) -> Result<CryptoKey, CryptoError> {
    let mut sealed = unbase64(&wrapped.iv).ok_or(CryptoError)?;
    sealed.extend(unbase64(&wrapped.key).ok_or(CryptoError)?);
    let opening = start_decrypt(wrapping, &sealed, WRAP_LABEL)?;
    let raw = bytes_of(JsFuture::from(opening).await?);
    import_key(&raw, true).await
}

/// An item as stored: encrypted, and bound to its storage key so that items cannot be swapped.
pub async fn seal_item(key: &CryptoKey, name: &str, value: &str) -> Result<String, CryptoError> {
    let sealed = encrypt(key, value.as_bytes(), name.as_bytes()).await?;
    Ok(format!("{SEALED}{}", base64(&sealed)))
}

/// Starts opening a stored item; `None` when it is not an encrypted item.
pub fn start_open_item(
    key: &CryptoKey,
    name: &str,
    stored: &str,
) -> Option<Result<Promise, CryptoError>> {
    let body = stored.strip_prefix(SEALED)?;
    Some(
        unbase64(body)
            .ok_or(CryptoError)
            .and_then(|sealed| start_decrypt(key, &sealed, name.as_bytes())),
    )
}

/// The texts of items whose opening was started, in order (`None` where one did not decrypt),
/// awaited together: one wait for thousands of items instead of one each.
pub async fn finish_open_items(openings: &[Promise]) -> Vec<Option<String>> {
    let all: Array = openings.iter().collect();
    let Ok(settled) = JsFuture::from(Promise::all_settled(&all)).await else {
        return vec![None; openings.len()];
    };
    let settled: Array = settled.unchecked_into();
    settled
        .iter()
        .map(|outcome| {
            let status = js_sys::Reflect::get(&outcome, &"status".into()).ok()?;
            if status.as_string()? != "fulfilled" {
                return None;
            }
            let value = js_sys::Reflect::get(&outcome, &"value".into()).ok()?;
            String::from_utf8(bytes_of(value)).ok()
        })
        .collect()
}
