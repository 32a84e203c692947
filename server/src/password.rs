//! Passwords: Argon2id with the crate's default parameters, run off the async threads because a
//! hash takes tens of milliseconds on purpose.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand_core::OsRng;
use std::sync::OnceLock;

pub const MIN_LENGTH: usize = 8;
/// Long enough for any passphrase, short enough that hashing cannot be used to tie up the server.
pub const MAX_LENGTH: usize = 256;

#[derive(Debug, thiserror::Error)]
#[error("password hashing: {0}")]
pub struct HashError(String);

pub async fn hash(password: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|error| HashError(error.to_string()))?
}

/// Whether `password` matches `hash`. Without a hash (no such user) it still spends the time of
/// one check, so response times do not tell which usernames exist.
pub async fn verify(password: String, hash: Option<String>) -> Result<bool, HashError> {
    tokio::task::spawn_blocking(move || match hash {
        Some(hash) => Ok(matches(&password, &hash)),
        None => {
            let _ = matches(&password, decoy()?);
            Ok(false)
        }
    })
    .await
    .map_err(|error| HashError(error.to_string()))?
}

fn hash_now(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| HashError(error.to_string()))
}

fn matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

fn decoy() -> Result<&'static str, HashError> {
    static DECOY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DECOY.get() {
        return Ok(hash);
    }
    let hash = hash_now("no such officer")?;
    Ok(DECOY.get_or_init(|| hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_accepts_only_its_password() {
        let hash = hash("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify("correct horse".into(), Some(hash.clone()))
            .await
            .unwrap());
        assert!(!verify("wrong horse".into(), Some(hash)).await.unwrap());
        assert!(!verify("correct horse".into(), None).await.unwrap());
        assert!(!verify("x".into(), Some("not a hash".into())).await.unwrap());
    }
}
