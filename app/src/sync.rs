//! The sync engine: sends the outbox to `POST /api/v1/sync` and pulls `GET /api/v1/records` into
//! it, as `API.md` ("Sync") describes.
//!
//! It runs after hydration once an officer is known, when the browser comes online, when the
//! officer signs in again, on "Sync now", and every few minutes while records wait. Batches of at
//! most [`MAX_BATCH`] go oldest first; each record leaves "waiting" only on its own answer
//! (`Outbox::apply_results`). A failure (offline, the server down) retries after an exponential
//! backoff with jitter; 401 flags the expired session and touches nothing; 413 splits the batch.
//! A batch the server fails on (a server error, or an answer that cannot be read) is split in
//! halves down to single records, so that one record that breaks the server never holds back the
//! others: that record stays waiting with the failure shown, goes after the others from then on,
//! and is sent again on a later sync (`Outbox::hold`). Records are sent again only whole and with
//! the same id and base version, which the server answers once (`API.md`: a retry is
//! `unchanged`), so splitting never loses or doubles one. Only one sync runs at a time: a request
//! during one runs again right after it. Before a sync sends records and after it, the phone
//! reports what waits on it (`report`).

use domain::api::WaitingReport;
use domain::sync::{RecordsPage, SyncRequest, SyncResponse, MAX_BATCH};
use domain::Record;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{ApiFailure, Verb};
use crate::auth::Auth;
use crate::i18n::{I18n, Key};
use crate::offline;
use crate::offline::outbox::{
    Exchange, FieldProblem, KeyValue, Outbox, SendFailure, StateTag, StoreError, SyncResult,
    SyncStatus,
};
use crate::state::AppState;

/// While records wait, the next attempt at the latest this long after the last one.
const PERIOD_MS: u32 = 3 * 60_000;
/// The first retry after a failure; each further failure doubles it, up to [`BACKOFF_MAX_MS`].
const BACKOFF_BASE_MS: u64 = 5_000;
const BACKOFF_MAX_MS: u64 = 15 * 60_000;
/// Server failures in a row after which a sync stops: halving a full batch down to the one record
/// the server cannot take fails 10 times (500, 250, … 1 records), so this many say that the
/// server fails on whatever it is sent, and a down server gets a few requests, not a thousand.
const MAX_FAILURES_IN_A_ROW: u32 = 16;

/// How long to wait after `failures` failures in a row, given a random `unit` in `[0, 1)`: a
/// random time in the upper half of the doubled delay, so phones that lost the same network do not
/// all come back at the same moment.
pub fn backoff_ms(failures: u32, unit: f64) -> u64 {
    let full = BACKOFF_BASE_MS
        .saturating_mul(1 << failures.saturating_sub(1).min(20))
        .min(BACKOFF_MAX_MS);
    full / 2 + (full as f64 / 2.0 * unit.clamp(0.0, 1.0)) as u64
}

/// `text` as a URL query value.
pub fn query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Why a sync stopped before its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// No network, or the server failed: try again later.
    Retry,
    /// The session expired: the officer signs in again, then it goes on.
    Expired,
    /// The account is disabled: nothing more is sent in its name.
    Disabled,
    /// The phone's storage refused a write; what was stored before is intact.
    Storage(StoreError),
    /// Everything went but records the server failed on: they are sent again later.
    Held,
}

fn stop_of(failure: ApiFailure) -> Stop {
    match failure {
        ApiFailure::Unauthenticated => Stop::Expired,
        ApiFailure::Disabled => Stop::Disabled,
        _ => Stop::Retry,
    }
}

/// Whether the server failed on what it was sent, so that the records may be why, rather than
/// being unreachable or refusing the officer: a server error, an answer that cannot be read, or
/// one that does not answer each record of `batch` in order. 502–504 say that the server itself
/// is down or busy, whatever it is sent.
fn failed_on(batch: &[Record], answer: &Result<SyncResponse, ApiFailure>) -> Option<SendFailure> {
    let status = match answer {
        Ok(response) => {
            let each = response.results.len() == batch.len()
                && batch
                    .iter()
                    .zip(&response.results)
                    .all(|(sent, result)| sent.id == result.id);
            if each {
                return None;
            }
            200
        }
        Err(ApiFailure::Rejected { status, code, .. }) if code == "bad_response" => *status,
        Err(ApiFailure::Rejected { status, .. })
            if *status >= 500 && !(502..=504).contains(status) =>
        {
            *status
        }
        Err(_) => return None,
    };
    Some(SendFailure { status })
}

/// Puts the two halves of `batch` on the stack of batches to send, the first half on top: the
/// oldest records still go first.
fn halve(pending: &mut Vec<Vec<Record>>, mut batch: Vec<Record>) {
    let second = batch.split_off(batch.len() / 2);
    pending.push(second);
    pending.push(batch);
}

/// Requests carry the open officer's token: a sync stops as soon as its officer is no longer the
/// one open (locked, or another officer unlocked), so nothing goes out in someone else's name.
/// Checked right before each request, in the same turn that reads the token.
fn still_open(officer_id: &str) -> Result<(), Stop> {
    match offline::open_officer() {
        Some(open) if open == officer_id => Ok(()),
        _ => Err(Stop::Retry),
    }
}

/// The engine's state, shown by the header and the sync page.
#[derive(Clone, Copy)]
pub struct SyncEngine {
    pub running: RwSignal<bool>,
    /// Records answered and records to send, during a sync.
    pub progress: RwSignal<(usize, usize)>,
    pub last_synced: RwSignal<Option<u64>>,
    /// What the last sync that sent records sent, and what the server made of them.
    pub last_exchange: RwSignal<Option<Exchange>>,
    /// Why the last sync stopped, when it did.
    pub problem: RwSignal<Option<Key>>,
    /// Bumped whenever a sync changed the outbox, so that lists read it again.
    pub revision: RwSignal<u64>,
    /// Failures in a row, the earliest time of the next automatic attempt, and whether another
    /// sync was asked for during this one.
    failures: StoredValue<u32>,
    retry_at: StoredValue<u64>,
    again: StoredValue<bool>,
    auth: Auth,
    app: AppState,
    i18n: I18n,
}

impl SyncEngine {
    /// Made once by the app; it starts itself once the phone's storage was read.
    pub fn provide(auth: Auth, app: AppState, i18n: I18n) -> SyncEngine {
        let engine = SyncEngine {
            running: RwSignal::new(false),
            progress: RwSignal::new((0, 0)),
            last_synced: RwSignal::new(None),
            last_exchange: RwSignal::new(None),
            problem: RwSignal::new(None),
            revision: RwSignal::new(0),
            failures: StoredValue::new(0),
            retry_at: StoredValue::new(0),
            again: StoredValue::new(false),
            auth,
            app,
            i18n,
        };
        provide_context(engine);
        // A new officer, or the same one signed in again: sync, which restores a new phone.
        let signed_in = Memo::new(move |_| {
            let expired = auth.expired.get();
            auth.officer
                .with(|o| o.as_ref().map(|o| o.id.clone()))
                .filter(|_| !expired)
        });
        Effect::new(move |_| {
            if let Some(officer_id) = signed_in.get() {
                let outbox = offline::outbox(&officer_id);
                engine.last_synced.set(outbox.last_synced());
                engine.last_exchange.set(outbox.last_exchange());
                engine.problem.set(None);
                engine.sync_now();
            }
        });
        engine
    }

    /// Hooks the engine to the browser's triggers; called once, after hydration.
    pub fn start(self) {
        offline::on_connectivity_change(move |online| {
            if online {
                self.sync_now();
            }
        });
        self.tick();
    }

    /// The periodic check: a sync when records wait and no backoff holds it back.
    fn tick(self) {
        offline::after(PERIOD_MS, move || {
            let waiting = self.app.waiting().get_untracked() > 0;
            if waiting && offline::now_ms() >= self.retry_at.get_value() {
                self.sync_now();
            }
            self.tick();
        });
    }

    /// Starts a sync now, or right after the one under way.
    pub fn sync_now(self) {
        if self.running.get_untracked() {
            self.again.set_value(true);
            return;
        }
        let Some(officer) = self.auth.officer.get_untracked() else {
            return;
        };
        if self.auth.expired.get_untracked() || !offline::is_online() {
            return;
        }
        self.running.set(true);
        self.again.set_value(false);
        spawn_local(async move {
            let outbox = offline::outbox(&officer.id);
            if outbox.counts().get(StateTag::Waiting) > 0 {
                report(&officer.id, &outbox).await;
            }
            let outcome = match self.push(&officer.id, &outbox).await {
                Ok(held) => match self.pull(&officer.id, &outbox).await {
                    Ok(()) if held > 0 => Err(Stop::Held),
                    pulled => pulled,
                },
                Err(stop) => Err(stop),
            };
            if !matches!(outcome, Err(Stop::Expired | Stop::Disabled)) {
                report(&officer.id, &outbox).await;
            }
            // Locked or another officer opened meanwhile: nothing of theirs to report or note.
            let outcome = match still_open(&officer.id) {
                Ok(()) => outcome,
                Err(_) => Err(Stop::Retry),
            };
            self.finish(&officer.id, &outbox, outcome);
        });
    }

    fn finish<S: KeyValue>(self, officer_id: &str, outbox: &Outbox<S>, outcome: Result<(), Stop>) {
        self.running.set(false);
        self.app.count_waiting(Some(officer_id));
        if matches!(outcome, Ok(()) | Err(Stop::Held)) {
            let now = offline::now_ms();
            // Shown even if it cannot be kept; only the next start forgets it.
            let _ = outbox.keep_last_synced(now);
            self.last_synced.set(Some(now));
        }
        match outcome {
            Ok(()) => {
                self.problem.set(None);
                self.failures.set_value(0);
                self.retry_at.set_value(0);
            }
            Err(Stop::Expired) => {
                self.auth.note(&ApiFailure::Unauthenticated);
                self.problem.set(Some(Key::SessionExpired));
            }
            Err(Stop::Disabled) => {
                self.auth.note(&ApiFailure::Disabled);
                self.problem.set(Some(Key::AccountDisabled));
            }
            Err(stop) => {
                self.problem.set(Some(match stop {
                    Stop::Storage(StoreError::Full) => Key::SyncStorageFull,
                    Stop::Storage(StoreError::Unavailable) => Key::StorageUnavailable,
                    Stop::Held => Key::SyncRecordsHeld,
                    _ => Key::SyncFailed,
                }));
                let failures = self.failures.get_value().saturating_add(1);
                self.failures.set_value(failures);
                let unit = f64::from(offline::random_bytes()[0]) / 256.0;
                let delay = backoff_ms(failures, unit);
                self.retry_at.set_value(offline::now_ms() + delay);
                offline::after(delay as u32, move || {
                    if offline::now_ms() >= self.retry_at.get_value()
                        && self.retry_at.get_value() != 0
                    {
                        self.sync_now();
                    }
                });
            }
        }
        if self.again.get_value() {
            self.sync_now();
        }
    }

    /// Tells the lists that the outbox changed.
    pub fn changed(self) {
        self.revision.update(|n| *n += 1);
    }

    /// Sends every waiting record, oldest first, in batches the server takes, and keeps what the
    /// server made of them for the Sync page. Gives how many records the server failed on, which
    /// wait for a later sync.
    async fn push<S: KeyValue>(self, officer_id: &str, outbox: &Outbox<S>) -> Result<usize, Stop> {
        let mut exchange = Exchange::default();
        let sent = self.send_waiting(officer_id, outbox, &mut exchange).await;
        if exchange.sent > 0 {
            exchange.at = offline::now_ms();
            // Shown even if it cannot be kept.
            let _ = outbox.keep_exchange(&exchange);
            self.last_exchange.set(Some(exchange));
        }
        sent
    }

    async fn send_waiting<S: KeyValue>(
        self,
        officer_id: &str,
        outbox: &Outbox<S>,
        exchange: &mut Exchange,
    ) -> Result<usize, Stop> {
        let total = outbox.counts().get(StateTag::Waiting);
        let mut done = 0;
        self.progress.set((0, total));
        let device_id = offline::device_id();
        // Records the server failed on alone, not sent again in this sync.
        let mut held: Vec<String> = Vec::new();
        let mut failures = 0;
        loop {
            let first: Vec<_> = outbox
                .oldest_waiting(MAX_BATCH + held.len())
                .into_iter()
                .filter(|record| !held.contains(&record.id))
                .take(MAX_BATCH)
                .collect();
            if first.is_empty() {
                return Ok(held.len());
            }
            let (mut changed, held_before) = (0, held.len());
            let mut pending = vec![first];
            while let Some(batch) = pending.pop() {
                let request = SyncRequest {
                    device_id: device_id.clone(),
                    records: batch
                        .iter()
                        .filter_map(|record| serde_json::to_value(record).ok())
                        .collect(),
                };
                still_open(officer_id)?;
                let answer: Result<SyncResponse, ApiFailure> =
                    offline::api_send(Verb::Post, "/api/v1/sync", &request).await;
                match failed_on(&batch, &answer) {
                    Some(failure) => {
                        failures += 1;
                        if failures >= MAX_FAILURES_IN_A_ROW {
                            return Err(Stop::Retry);
                        }
                        if batch.len() > 1 {
                            halve(&mut pending, batch);
                            continue;
                        }
                        outbox.hold(&batch[0], failure).map_err(Stop::Storage)?;
                        held.push(batch[0].id.clone());
                    }
                    None => {
                        failures = 0;
                        let (results, server_time) = match answer {
                            Ok(response) => (response.results, response.server_time),
                            Err(ApiFailure::Rejected { status: 413, .. }) if batch.len() > 1 => {
                                halve(&mut pending, batch);
                                continue;
                            }
                            // One record too large for any request: refused on its own, never
                            // retried.
                            Err(ApiFailure::Rejected { status: 413, .. }) => {
                                (vec![self.too_large(&batch[0].id)], String::new())
                            }
                            Err(failure) => return Err(stop_of(failure)),
                        };
                        exchange.count(&results);
                        changed += outbox
                            .apply_results(&batch, &results, &server_time, offline::now_ms())
                            .map_err(Stop::Storage)?;
                        done += batch.len();
                    }
                }
                offline::flush().await.map_err(Stop::Storage)?;
                self.progress.set((done, total.max(done)));
                self.app.count_waiting(Some(officer_id));
                self.changed();
            }
            // Answers that moved nothing (malformed ones) are not sent again in a loop.
            if changed == 0 && held.len() == held_before {
                return Ok(held.len());
            }
        }
    }

    fn too_large(self, id: &str) -> SyncResult {
        SyncResult {
            id: id.to_string(),
            status: SyncStatus::Rejected,
            version: None,
            errors: Some(vec![FieldProblem {
                field: "data".into(),
                code: "record_too_large".into(),
                message: self
                    .i18n
                    .lang
                    .with_untracked(|&lang| Key::RecordTooLarge.text(lang))
                    .into(),
            }]),
            current: None,
        }
    }

    /// Pulls what changed on the server since this officer's cursor, page by page: only what the
    /// phone keeps (`for=phone`: the records of this year and the last the officer made, or for a
    /// commune's officer the commune's, and the business register), so that it stays within its
    /// storage. The cursor moves only after its
    /// page is stored, so a page that did not fit is pulled again. A cursor the server no longer
    /// knows (a store restored from a backup) means pulling from the start. At the end, synced
    /// records of before last year leave the phone (the server keeps them); the first time, so do
    /// those an earlier build pulled that the phone no longer keeps (colleagues').
    async fn pull<S: KeyValue>(self, officer_id: &str, outbox: &Outbox<S>) -> Result<(), Stop> {
        // Once a pull: a server that refuses its own cursors is retried later, not looped on.
        let mut restarted = false;
        // Until the outbox holds only what the phone keeps: every id pulled from the start.
        let mut seen: Option<std::collections::HashSet<String>> = None;
        if !outbox.kept_for_phone() {
            outbox.forget_cursor();
            seen = Some(Default::default());
        }
        loop {
            let since = outbox
                .cursor()
                .map(|cursor| format!("&since={}", query_value(&cursor)))
                .unwrap_or_default();
            let path = format!("/api/v1/records?for=phone&limit={MAX_BATCH}{since}");
            still_open(officer_id)?;
            let page: RecordsPage = match offline::api_get(&path).await {
                Ok(page) => page,
                Err(failure) if failure.code() == "invalid_cursor" && !since.is_empty() => {
                    if restarted {
                        return Err(Stop::Retry);
                    }
                    restarted = true;
                    outbox.forget_cursor();
                    continue;
                }
                Err(failure) => return Err(stop_of(failure)),
            };
            if let Some(seen) = seen.as_mut() {
                seen.extend(page.records.iter().map(|record| record.id.clone()));
            }
            if page.records.is_empty() {
                return self.keep_only_kept(outbox, seen.as_ref()).await;
            }
            let restored = outbox
                .restore(&page.records, offline::now_ms())
                .map_err(Stop::Storage)?;
            outbox
                .keep_cursor(&page.next_cursor)
                .map_err(Stop::Storage)?;
            // Stored in order: if the records did not fit, the cursor after them is undone too.
            offline::flush().await.map_err(Stop::Storage)?;
            if restored > 0 {
                self.changed();
            }
            if page.records.len() < MAX_BATCH {
                return self.keep_only_kept(outbox, seen.as_ref()).await;
            }
        }
    }

    /// After a whole pull: removes the synced records the phone no longer keeps (dated before
    /// last year, but the business register; and, once, those not pulled from the start).
    async fn keep_only_kept<S: KeyValue>(
        self,
        outbox: &Outbox<S>,
        seen: Option<&std::collections::HashSet<String>>,
    ) -> Result<(), Stop> {
        let from = domain::Date::from_ymd(offline::clock::today().year() - 1, 1, 1);
        let removed = outbox.keep_only(|entry| {
            let recent = entry.kind == domain::RecordKind::Business
                || entry
                    .occurred_on()
                    .zip(from)
                    .is_some_and(|(on, from)| on >= from);
            recent && seen.is_none_or(|seen| seen.contains(&entry.id))
        });
        if seen.is_some() {
            outbox.mark_kept_for_phone().map_err(Stop::Storage)?;
        }
        offline::flush().await.map_err(Stop::Storage)?;
        if removed > 0 {
            self.changed();
        }
        Ok(())
    }
}

/// Tells the server what waits on this phone for the officer (`POST /api/v1/sync/report`), before
/// a sync sends anything and after it: records that never arrive, and a phone that lost them, are
/// seen on the admin page. Its failure is no sync failure: the next sync reports again.
async fn report<S: KeyValue>(officer_id: &str, outbox: &Outbox<S>) {
    // Locked, the outbox reads as empty: that is no report.
    if still_open(officer_id).is_err() {
        return;
    }
    // Phones signed in before exports existed get the server's key here.
    if offline::export_key().is_none() {
        offline::keep_export_key().await;
    }
    let (waiting, oldest) = outbox.waiting();
    let persistent = match offline::storage_persistence(false).await {
        offline::StoragePersistence::Granted => Some(true),
        offline::StoragePersistence::Denied => Some(false),
        offline::StoragePersistence::Unknown => None,
    };
    let report = WaitingReport {
        device_id: offline::device_id(),
        waiting: u32::try_from(waiting).unwrap_or(u32::MAX),
        oldest_waiting_on: oldest.map(offline::clock::vietnam_date),
        persistent,
    };
    if still_open(officer_id).is_ok() {
        let _: Result<serde_json::Value, ApiFailure> =
            offline::api_send(Verb::Post, "/api/v1/sync/report", &report).await;
    }
}

pub fn use_sync() -> SyncEngine {
    expect_context::<SyncEngine>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_cap_and_stays_in_the_upper_half() {
        assert_eq!(backoff_ms(1, 0.0), 2_500);
        assert_eq!(backoff_ms(1, 0.999), 4_997);
        assert_eq!(backoff_ms(2, 0.0), 5_000);
        assert_eq!(backoff_ms(3, 0.0), 10_000);
        assert_eq!(backoff_ms(30, 0.0), BACKOFF_MAX_MS / 2);
        assert!(backoff_ms(u32::MAX, 1.0) <= BACKOFF_MAX_MS);
    }

    #[test]
    fn a_batch_is_split_when_the_server_fails_on_it_not_when_it_is_away() {
        let record = |n: u8| Record {
            id: format!("00000000-0000-4000-8000-00000000000{n}"),
            kind: domain::RecordKind::MediaPost,
            org_unit_id: "ou-106".into(),
            occurred_on: domain::Date::from_ymd(2023, 3, 1).unwrap(),
            base_version: 0,
            voided: false,
            data: serde_json::json!({"channel": "portal"}),
        };
        let batch = [record(1), record(2)];
        let answer = |ids: &[&str]| {
            let results = ids
                .iter()
                .map(|id| serde_json::json!({"id": id, "status": "applied", "version": 1}));
            let body =
                serde_json::json!({"server_time": "", "results": results.collect::<Vec<_>>()});
            Ok(serde_json::from_value::<SyncResponse>(body).unwrap())
        };
        let rejected = |status: u16, code: &str| {
            Err(ApiFailure::Rejected {
                status,
                code: code.into(),
                errors: Vec::new(),
            })
        };
        let failed = |answer: Result<SyncResponse, ApiFailure>| {
            failed_on(&batch, &answer).map(|failure| failure.status)
        };
        assert_eq!(failed(answer(&[&batch[0].id, &batch[1].id])), None);
        // Broken answers: one result missing, or another record's.
        assert_eq!(failed(answer(&[&batch[0].id])), Some(200));
        assert_eq!(failed(answer(&[&batch[1].id, &batch[0].id])), Some(200));
        assert_eq!(failed(rejected(200, "bad_response")), Some(200));
        assert_eq!(failed(rejected(500, "internal")), Some(500));
        // Away, busy, or refusing the officer: the whole batch waits.
        for status in [502, 503, 504] {
            assert_eq!(failed(rejected(status, "unavailable")), None);
        }
        assert_eq!(failed(rejected(413, "too_large")), None);
        assert_eq!(failed(rejected(429, "too_many")), None);
        assert_eq!(failed(Err(ApiFailure::Offline)), None);
        assert_eq!(failed(Err(ApiFailure::Unauthenticated)), None);
    }

    #[test]
    fn cursors_are_url_encoded() {
        assert_eq!(query_value("12:ab/c+d=="), "12%3Aab%2Fc%2Bd%3D%3D");
        assert_eq!(query_value("plain-1.2_3~"), "plain-1.2_3~");
    }
}
