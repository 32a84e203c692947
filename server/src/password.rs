//! Passwords: Argon2id with the crate's default parameters, run off the async threads because a
//! hash takes tens of milliseconds on purpose. Each run also takes about 19 MiB, so the server's
//! runs go through [`Checks`]: as many at once as there are cores, each on one of that many
//! threads of its own, and "busy" for whoever waited too long for a turn, instead of running them
//! all and running out of memory. Each thread checks passwords in memory it keeps from one check
//! to the next: 19 MiB allocated and freed per check is kept by the allocator all the same
//! (measured: 100 checks two at a time left the server at 470 MiB; in kept memory, at 2 × 19).

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand_core::OsRng;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::{oneshot, Semaphore};

pub const MIN_LENGTH: usize = 8;
/// Long enough for any passphrase, short enough that hashing cannot be used to tie up the server.
pub const MAX_LENGTH: usize = 256;
/// How long a check waits for its turn before the answer is "busy".
pub const WAIT: Duration = Duration::from_secs(2);
/// What a "busy" answer asks the client to wait (`Retry-After`).
pub const BUSY_RETRY_SECS: u64 = 2;

#[derive(Debug, thiserror::Error)]
#[error("password hashing: {0}")]
pub struct HashError(String);

/// Why a bounded run did not give an answer.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// Every turn was taken for longer than [`Checks`] waits.
    #[error("too many password checks at once")]
    Busy,
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// Work for a password thread, in the Argon2 memory that thread keeps.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// The server's Argon2 runs: at most `at_once` together, on `at_once` threads of their own, each
/// waiting at most `wait` for its turn; counted, so that a test can see how many passwords an
/// attack made the server check. The threads end when it is dropped.
pub struct Checks {
    turns: Semaphore,
    wait: Duration,
    runs: AtomicU64,
    workers: mpsc::Sender<Job>,
}

impl Checks {
    pub fn new(at_once: usize, wait: Duration) -> std::io::Result<Checks> {
        let at_once = at_once.max(1);
        let (workers, jobs) = mpsc::channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        for _ in 0..at_once {
            let jobs = jobs.clone();
            std::thread::Builder::new()
                .name("password".into())
                .spawn(move || {
                    let mut memory = Vec::new();
                    loop {
                        // One thread waits for the next job while the others wait for the lock.
                        let job = match jobs.lock() {
                            Ok(jobs) => jobs.recv(),
                            Err(_) => return,
                        };
                        match job {
                            // A run that panics only loses its own answer.
                            Ok(job) => drop(catch_unwind(AssertUnwindSafe(|| job(&mut memory)))),
                            Err(_) => return,
                        }
                    }
                })?;
        }
        Ok(Checks {
            turns: Semaphore::new(at_once),
            wait,
            runs: AtomicU64::new(0),
            workers,
        })
    }

    /// One run per core at a time, waiting [`WAIT`].
    pub fn for_this_machine() -> std::io::Result<Checks> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Checks::new(cores, WAIT)
    }

    /// Whether `password` matches `hash`. Without a hash (no such user) it still spends the time
    /// of one check, so response times do not tell which usernames exist.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, CheckError> {
        self.run(move |memory| match hash {
            Some(hash) => Ok(matches(&password, &hash, memory)),
            None => {
                let _ = matches(&password, decoy()?, memory);
                Ok(false)
            }
        })
        .await
    }

    /// [`hash`], in turn.
    pub async fn hash(&self, password: String) -> Result<String, CheckError> {
        self.run(move |_| hash_now(&password)).await
    }

    /// Argon2 runs started so far.
    pub fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, CheckError> {
        let _turn = tokio::time::timeout(self.wait, self.turns.acquire())
            .await
            .map_err(|_| CheckError::Busy)?
            // The semaphore is never closed.
            .map_err(|_| CheckError::Busy)?;
        self.runs.fetch_add(1, Ordering::Relaxed);
        // With a turn, one of the threads is free for it.
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |memory| {
            let _ = answer.send(work(memory));
        });
        let lost = || HashError("the password thread stopped".into());
        self.workers.send(job).map_err(|_| lost())?;
        Ok(answered.await.map_err(|_| lost())??)
    }
}

pub async fn hash(password: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || hash_now(&password))
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

/// Whether `password` gives `hash` (a PHC string of any Argon2 variant and parameters), as
/// `PasswordVerifier` decides it, but computed in `memory`, grown as needed and kept.
fn matches(password: &str, hash: &str, memory: &mut Vec<Block>) -> bool {
    let mut check = || {
        let hash = PasswordHash::new(hash).ok()?;
        let (salt, expected) = (hash.salt?, hash.hash?);
        let algorithm = Algorithm::try_from(hash.algorithm).ok()?;
        let version = match hash.version {
            Some(version) => Version::try_from(version).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(&hash).ok()?;
        let mut salt_bytes = [0u8; 64];
        let salt = salt.decode_b64(&mut salt_bytes).ok()?;
        if memory.len() < params.block_count() {
            memory.resize(params.block_count(), Block::default());
        }
        let mut computed = vec![0u8; expected.len()];
        Argon2::new(algorithm, version, params)
            .hash_password_into_with_memory(password.as_bytes(), salt, &mut computed, &mut *memory)
            .ok()?;
        // `Output` compares in constant time.
        Some(Output::new(&computed).ok()? == expected)
    };
    check().unwrap_or(false)
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
        let checks = Checks::new(2, WAIT).unwrap();
        let hash = hash("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        let verify = |password: &str, hash: Option<&str>| {
            checks.verify(password.into(), hash.map(String::from))
        };
        assert!(verify("correct horse", Some(&hash)).await.unwrap());
        assert!(!verify("wrong horse", Some(&hash)).await.unwrap());
        assert!(!verify("correct horse", None).await.unwrap());
        assert!(!verify("x", Some("not a hash")).await.unwrap());
        let again = checks.hash("correct horse".into()).await.unwrap();
        assert_ne!(again, hash, "a salt of its own");
        assert!(verify("correct horse", Some(&again)).await.unwrap());
        assert_eq!(checks.runs(), 6);
    }

    #[test]
    fn a_check_in_kept_memory_decides_as_the_crate_does() {
        let mut memory = Vec::new();
        let hash = hash_now("correct horse").unwrap();
        for _ in 0..2 {
            assert!(matches("correct horse", &hash, &mut memory));
            assert!(!matches("correct horsf", &hash, &mut memory));
        }
        assert_eq!(memory.len(), Params::default().block_count());
        // Other variants and parameters, as stored hashes may have.
        let params = Params::new(4096, 3, 2, Some(24)).unwrap();
        for (algorithm, version) in [
            (Algorithm::Argon2i, Version::V0x13),
            (Algorithm::Argon2d, Version::V0x10),
            (Algorithm::Argon2id, Version::V0x13),
        ] {
            let salt = SaltString::generate(&mut OsRng);
            let other = Argon2::new(algorithm, version, params.clone())
                .hash_password(b"mat-khau", &salt)
                .unwrap()
                .to_string();
            assert!(matches("mat-khau", &other, &mut memory), "{other}");
            assert!(!matches("mat-khau ", &other, &mut memory), "{other}");
            let parsed = PasswordHash::new(&other).unwrap();
            assert!(argon2::PasswordVerifier::verify_password(
                &Argon2::default(),
                b"mat-khau",
                &parsed
            )
            .is_ok());
        }
        for broken in [
            "",
            "not a hash",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ",
        ] {
            assert!(!matches("x", broken, &mut memory), "{broken}");
        }
    }

    #[tokio::test]
    async fn checks_beyond_the_bound_wait_their_turn_then_answer_busy() {
        let checks = Arc::new(Checks::new(1, Duration::from_millis(50)).unwrap());
        let hash = checks.hash("correct horse".into()).await.unwrap();
        assert_eq!(checks.runs(), 1);
        // Someone holds the only turn for longer than a check waits.
        let held = checks.turns.acquire().await.unwrap();
        let busy = checks
            .verify("correct horse".into(), Some(hash.clone()))
            .await;
        assert!(matches!(busy, Err(CheckError::Busy)), "{busy:?}");
        assert_eq!(checks.runs(), 1, "a busy answer runs nothing");
        // Freed within the wait, the turn passes to the one waiting.
        let waiter = checks.clone();
        let waiting = tokio::spawn(async move {
            let result = waiter.verify("correct horse".into(), Some(hash)).await;
            (result.unwrap(), waiter.runs())
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        drop(held);
        assert_eq!(waiting.await.unwrap(), (true, 2));
    }
}
