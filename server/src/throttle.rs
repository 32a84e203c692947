//! The sign-in throttle: how password guesses are slowed without locking the real officer out.
//!
//! - **Counted before the check.** Every attempt first writes its row in `login_failures` (its
//!   own statement, committed), then reads the rows of its buckets other than its own: failures
//!   (`checked`) and attempts still being checked. Attempts sent at once therefore see each other
//!   on SQLite and PostgreSQL alike: of 100 sent together, the k-th to commit sees at least k - 1.
//!   While a bucket has free failures left, an attempt goes ahead if none is under way or fewer
//!   than [`AT_ONCE`] others stand in it (failures and attempts under way together: a few
//!   sign-ins of one officer at once pass), so a burst checks at most [`AT_ONCE`] passwords;
//!   beyond the free failures, only one at a time. A refused attempt (it had to wait, or the server was busy) removes its
//!   row, a right password the rows of its bucket, and a wrong one marks its row `checked`: the
//!   row is the failure.
//! - **Growing delays, not a lock.** Within a bucket the first failures are free; after them each
//!   attempt waits [`FIRST_DELAY_MS`] from the bucket's newest failure, doubling with every
//!   further failure up to [`LONGEST_DELAY_MS`]. Failures are remembered [`FAILURE_WINDOW_MS`].
//! - **Buckets.** A device that has a key for the officer (the phone sends `device_id` at sign-in,
//!   the server keeps a key per officer and device) is *known*: its attempts count only against
//!   themselves (username + device). Any other attempt counts per username + address, per username
//!   from anywhere on unknown devices (a spread-out attack), and per address over every username
//!   (spraying many usernames from one place). The address bucket counts checked failures only, so
//!   that officers signing in together from one office (a training) never wait for each other.
//! - **What an attacker can and cannot do.** Without an account they know usernames at best, not
//!   the device ids (random UUIDs made on each phone, sent only to this server): guessing a
//!   password slows down their own address quickly and, across many addresses, sign-ins of that
//!   username on *new* devices, never the officer's own phones, which keep signing in. Someone who
//!   holds an officer's phone (or reads a shared phone's device id) guesses at that device's pace
//!   only. Known or not, a device is told nothing more than before: the answers are the same.

use crate::error::ApiError;
use crate::model::{FailureBucket, LoginAttempt};
use crate::store::{Store, StoreError};

/// How long failed sign-ins are remembered.
pub const FAILURE_WINDOW_MS: i64 = 24 * 3600 * 1000;
/// The wait after a bucket's free failures are used up; it doubles with each further failure.
pub const FIRST_DELAY_MS: i64 = 30 * 1000;
pub const LONGEST_DELAY_MS: i64 = 3600 * 1000;
/// Free failures of one username from one device or address: typing mistakes.
pub const FREE_PER_USERNAME: usize = 5;
/// Free failures of one username from everywhere (so that guesses spread over many addresses
/// are checked at most this often at once), and of everyone from one address.
pub const FREE_PER_USERNAME_ANYWHERE: usize = 10;
pub const FREE_PER_ADDRESS: usize = 20;
/// Most attempts of one bucket, failures and attempts under way together, that let another one
/// check its password at once while free failures are left.
pub const AT_ONCE: usize = 10;
/// Failures beyond the free ones after which the wait no longer grows: more need not be read.
const DOUBLINGS: usize = 7;
const _: () = assert!(
    FIRST_DELAY_MS << (DOUBLINGS - 1) < LONGEST_DELAY_MS
        && FIRST_DELAY_MS << DOUBLINGS >= LONGEST_DELAY_MS
);

/// Who is trying to sign in (or to prove their password), as the throttle counts them.
pub struct Attempt {
    id: i64,
    username: String,
    ip: String,
    known_device: Option<String>,
    wait_ms: Option<i64>,
}

impl Attempt {
    /// Stores the attempt, then counts its buckets' failures (other attempts under way
    /// included) to decide whether it may check a password.
    pub async fn claim(
        store: &Store,
        username: &str,
        ip: &str,
        device_id: Option<&str>,
        now: i64,
    ) -> Result<Attempt, StoreError> {
        let known_device = match device_id {
            Some(device_id) if store.knows_device(username, device_id).await? => {
                Some(device_id.to_string())
            }
            _ => None,
        };
        let row = LoginAttempt {
            username: username.into(),
            ip: ip.into(),
            known_device,
            at: now,
        };
        let id = store.claim_login_attempt(&row).await?;
        let mut attempt = Attempt {
            id,
            username: row.username,
            ip: row.ip,
            known_device: row.known_device,
            wait_ms: None,
        };
        let since = now - FAILURE_WINDOW_MS;
        let mut wait = None;
        for (bucket, free) in attempt.buckets() {
            let limit = (AT_ONCE + free + DOUBLINGS) as i64;
            let others = store.login_failures(bucket, since, id, limit).await?;
            wait = wait.max(wait_ms(free, &others, now));
        }
        attempt.wait_ms = wait;
        Ok(attempt)
    }

    /// The buckets this attempt counts in, with their free failures.
    fn buckets(&self) -> Vec<(FailureBucket<'_>, usize)> {
        let username = self.username.as_str();
        match &self.known_device {
            Some(device_id) => vec![(
                FailureBucket::Device {
                    username,
                    device_id,
                },
                FREE_PER_USERNAME,
            )],
            None => vec![
                (
                    FailureBucket::UsernameAddress {
                        username,
                        ip: &self.ip,
                    },
                    FREE_PER_USERNAME,
                ),
                (
                    FailureBucket::Username(username),
                    FREE_PER_USERNAME_ANYWHERE,
                ),
                (FailureBucket::Address(&self.ip), FREE_PER_ADDRESS),
            ],
        }
    }

    /// The bucket a right password clears: its own, so an officer signing in does not free an
    /// attacker elsewhere.
    fn own_bucket(&self) -> FailureBucket<'_> {
        self.buckets()[0].0
    }

    /// 429 with the seconds to wait (after removing the attempt), unless it may check a password.
    pub async fn may_check(&self, store: &Store) -> Result<(), ApiError> {
        match self.wait_ms {
            None => Ok(()),
            Some(ms) => {
                store.withdraw_login_attempt(self.id).await?;
                Err(ApiError::too_many_attempts((ms as u64).div_ceil(1000)))
            }
        }
    }

    /// The password was never checked (the server was busy): not a failure.
    pub async fn withdraw(self, store: &Store) -> Result<(), StoreError> {
        store.withdraw_login_attempt(self.id).await
    }

    /// The wrong password: the attempt stays, a failure of every bucket.
    pub async fn failed(self, store: &Store) -> Result<(), StoreError> {
        store.confirm_login_failure(self.id).await
    }

    /// The right password: forgets the failures of this attempt's own bucket, itself included.
    pub async fn passed(self, store: &Store) -> Result<(), StoreError> {
        store.clear_login_failures(self.own_bucket()).await
    }
}

/// How long an attempt must still wait, given the other attempts of its bucket (time, and
/// whether it is a checked failure; newest first) and its free failures; none if it may go ahead.
pub fn wait_ms(free: usize, others: &[(i64, bool)], now: i64) -> Option<i64> {
    let failures: Vec<i64> = others
        .iter()
        .filter(|(_, checked)| *checked)
        .map(|(at, _)| *at)
        .collect();
    let under_way = others.len() - failures.len();
    if failures.len() < free {
        if under_way == 0 || others.len() < AT_ONCE {
            return None;
        }
    } else if under_way == 0 {
        return delay_ms(free, &failures, now);
    }
    // Others are being checked: the wait if they all fail.
    let all: Vec<i64> = others.iter().map(|(at, _)| *at).collect();
    Some(delay_ms(free, &all, now).unwrap_or(1000))
}

/// What is left of the wait that `failures` (times, newest first) impose beyond the free ones.
fn delay_ms(free: usize, failures: &[i64], now: i64) -> Option<i64> {
    let newest = failures.first()?;
    let beyond = failures.len().checked_sub(free)?;
    let delay = (FIRST_DELAY_MS << beyond.min(DOUBLINGS)).min(LONGEST_DELAY_MS);
    let until = newest + delay;
    (until > now).then(|| until - now)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60 * 1000;

    fn failed(times: &[i64]) -> Vec<(i64, bool)> {
        times.iter().map(|at| (*at, true)).collect()
    }

    #[test]
    fn the_first_failures_are_free_then_the_wait_doubles_up_to_an_hour() {
        let now = 100 * 3600 * 1000;
        let just_now = |n: usize| failed(&vec![now - 1; n]);
        assert_eq!(wait_ms(5, &[], now), None);
        for n in 1..5 {
            assert_eq!(wait_ms(5, &just_now(n), now), None, "{n} failures");
        }
        // More free failures than go at once: one after another, they are all free.
        assert_eq!(wait_ms(20, &just_now(19), now), None);
        assert!(wait_ms(20, &just_now(20), now).is_some());
        let seconds = |n: usize| wait_ms(5, &just_now(n), now).map(|ms| (ms + 1) / 1000);
        assert_eq!(seconds(5), Some(30));
        assert_eq!(seconds(6), Some(60));
        assert_eq!(seconds(7), Some(120));
        assert_eq!(seconds(10), Some(960));
        assert_eq!(seconds(11), Some(1920));
        assert_eq!(seconds(12), Some(3600), "capped");
        assert_eq!(seconds(100), Some(3600), "capped, and no overflow");
        // The wait runs from the newest failure.
        let older = failed(&[
            now - 20 * 1000,
            now - 10 * MINUTE,
            now - 11 * MINUTE,
            now - 12 * MINUTE,
            now - 13 * MINUTE,
        ]);
        assert_eq!(wait_ms(5, &older, now), Some(10 * 1000));
        let over = failed(&[
            now - 31 * 1000,
            now - MINUTE,
            now - MINUTE,
            now - MINUTE,
            now - MINUTE,
        ]);
        assert_eq!(wait_ms(5, &over, now), None);
    }

    #[test]
    fn attempts_under_way_count_so_that_a_burst_checks_at_most_ten() {
        let now = 100 * 3600 * 1000;
        let under_way = |n: usize| vec![(now, false); n];
        // A few sign-ins of one officer at once go ahead, ten others in the bucket stop one.
        assert_eq!(wait_ms(5, &under_way(5), now), None);
        assert_eq!(wait_ms(5, &under_way(AT_ONCE - 1), now), None);
        assert!(wait_ms(5, &under_way(AT_ONCE), now).is_some());
        // Failures and attempts under way add up (newest first, as the store reads them).
        let mixed = [under_way(5), failed(&[now - MINUTE; 4])].concat();
        assert_eq!(wait_ms(5, &mixed, now), None);
        let mixed = [under_way(6), failed(&[now - MINUTE; 4])].concat();
        assert_eq!(
            wait_ms(5, &mixed, now).map(|ms| ms / 1000),
            Some(960),
            "as if all fail"
        );
        // Beyond the free failures, with the wait over, one at a time.
        let waited = failed(&[now - 31 * 1000; 5]);
        assert_eq!(wait_ms(5, &waited, now), None);
        let with_one = [under_way(1), waited].concat();
        assert_eq!(wait_ms(5, &with_one, now).map(|ms| ms / 1000), Some(60));
        // A burst, whatever the order its attempts count in: the k-th sees at least k - 1
        // others, so only the first ten can go ahead.
        for k in 1..=100 {
            let allowed = wait_ms(5, &under_way(k - 1), now).is_none();
            assert_eq!(allowed, k <= AT_ONCE, "{k}");
        }
    }

    #[test]
    fn reading_the_bucket_is_bounded_by_where_the_wait_stops_growing() {
        let now = 0;
        let n = FREE_PER_USERNAME + DOUBLINGS;
        let longest = wait_ms(FREE_PER_USERNAME, &failed(&vec![now; n]), now);
        assert_eq!(longest, Some(LONGEST_DELAY_MS));
    }
}
