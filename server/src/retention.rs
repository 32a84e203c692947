//! Retention: what the store forgets, and when. Sessions go once expired (a revoked one when it
//! would have expired, so that until then its phone still learns why it ended); failed sign-ins
//! once they are out of the throttle's window; audit lines after `AUDIT_RETENTION_DAYS` (five
//! years unless configured). Pruned at start-up and every hour, by time on indexed columns, a
//! batch at a time.

use crate::model::{PruneBefore, Pruned};
use crate::store::{Store, StoreError};
use std::sync::Arc;
use std::time::Duration;

pub const EVERY: Duration = Duration::from_secs(3600);
const DAY_MS: i64 = 24 * 3600 * 1000;

/// Deletes what is no longer kept at `now` (epoch milliseconds).
pub async fn prune(store: &Store, now: i64, audit_days: u32) -> Result<Pruned, StoreError> {
    let before = PruneBefore {
        sessions: now,
        login_failures: now - crate::throttle::FAILURE_WINDOW_MS,
        audit: now - i64::from(audit_days) * DAY_MS,
    };
    store.prune(&before).await
}

/// Prunes now and then every [`EVERY`], in the background, for as long as the server runs.
pub fn spawn(store: Arc<Store>, audit_days: u32) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match prune(store.as_ref(), crate::clock::now_ms(), audit_days).await {
                Ok(pruned) if pruned != Pruned::default() => tracing::info!(
                    sessions = pruned.sessions,
                    login_failures = pruned.login_failures,
                    audit_lines = pruned.audit_lines,
                    "pruned"
                ),
                Ok(_) => {}
                // Tried again at the next tick; nothing depends on it in between.
                Err(error) => tracing::warn!(%error, "pruning failed"),
            }
        }
    });
}
