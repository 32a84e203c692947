//! The outbox: every record an officer entered on this phone, with where it stands (draft,
//! waiting, synced, conflict, rejected), kept in the phone's storage until the server has it, and
//! kept after that so the officer can still see and edit it offline.
//!
//! Layout, under `pcmd.outbox.<officer id>.` so that officers sharing a phone never see each
//! other's records: one item per record (`rec.<record id>`, the JSON of an [`Entry`]) and an
//! `index` listing every record id with a one-letter state, waiting records in the order they
//! became waiting. Typing into a form rewrites only the record's item; the index (about 40 bytes a
//! record) is rewritten only when a record is added or changes state.
//!
//! The items are the truth and the index is a cache of them, rebuilt when lost and repaired when
//! stale. Writes are ordered so that the index never misses a waiting record: an id enters the
//! index before its item is first written, and a record becomes waiting in the index before its
//! item says so, and stops being waiting in its item before the index says so. A crash or a full
//! storage between the two writes can only make the index claim too much, which readers check.
//!
//! This is plain Rust over [`KeyValue`]: the browser's localStorage implements it, the server's
//! render an empty stand-in, and the tests a map.

use std::collections::BTreeMap;

pub use domain::api::FieldProblem;
pub use domain::sync::{StoredRecord, SyncResult, SyncStatus};
use domain::{Coded, Date, Record, RecordKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::keys;
use crate::api::{Agency, OrgUnit};

/// A string store with the semantics of localStorage.
pub trait KeyValue {
    fn get(&self, key: &str) -> Option<String>;
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError>;
    fn remove(&self, key: &str);
    /// Every key starting with `prefix`; only used to rebuild a lost index.
    fn keys(&self, prefix: &str) -> Vec<String>;
}

/// Why something could not be written. What was stored before stays as it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// The browser's storage quota is used up (`QuotaExceededError`).
    Full,
    /// No storage at all (private mode, storage disabled) or another browser error.
    Unavailable,
}

/// What the form holds, as typed: field path (`occurred_on`, `data.reached_male`…) to text.
/// Kept as text because a form being filled in is not a valid record yet.
pub type Draft = BTreeMap<String, String>;

/// Where a record stands between the phone and the server. (Serde's default enum form: the
/// internally tagged one would pull a buffering deserialiser into the phone's bundle.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalState {
    /// Never saved: only a draft, nothing to send.
    Draft,
    /// Saved and valid, to be sent.
    Waiting,
    /// The server holds this content as `version`.
    Synced { version: i64 },
    /// The server holds another version, changed by someone else; the officer decides.
    Conflict { current: StoredRecord },
    /// The server refused the record; the officer fixes it and saves again.
    Rejected { errors: Vec<FieldProblem> },
}

impl LocalState {
    pub fn tag(&self) -> StateTag {
        match self {
            LocalState::Draft => StateTag::Draft,
            LocalState::Waiting => StateTag::Waiting,
            LocalState::Synced { .. } => StateTag::Synced,
            LocalState::Conflict { .. } => StateTag::Conflict,
            LocalState::Rejected { .. } => StateTag::Rejected,
        }
    }
}

/// The states without their details: for filters, counts and the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StateTag {
    Draft,
    Waiting,
    Synced,
    Conflict,
    Rejected,
}

impl StateTag {
    pub const ALL: [StateTag; 5] = [
        StateTag::Draft,
        StateTag::Waiting,
        StateTag::Synced,
        StateTag::Conflict,
        StateTag::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StateTag::Draft => "draft",
            StateTag::Waiting => "waiting",
            StateTag::Synced => "synced",
            StateTag::Conflict => "conflict",
            StateTag::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<StateTag> {
        StateTag::ALL.into_iter().find(|tag| tag.as_str() == text)
    }

    fn letter(self) -> char {
        match self {
            StateTag::Draft => 'd',
            StateTag::Waiting => 'w',
            StateTag::Synced => 's',
            StateTag::Conflict => 'c',
            StateTag::Rejected => 'r',
        }
    }

    fn from_letter(letter: char) -> Option<StateTag> {
        StateTag::ALL.into_iter().find(|tag| tag.letter() == letter)
    }
}

/// A record as the server holds it (`current` of a conflict, a pulled record) as the phone's own
/// typed record starting from that version; `None` for what this phone's code cannot read.
pub fn record_of(stored: &StoredRecord) -> Option<Record> {
    Some(Record {
        id: stored.id.clone(),
        kind: RecordKind::parse(&stored.kind)?,
        org_unit_id: stored.org_unit_id.clone(),
        occurred_on: stored.occurred_on.parse().ok()?,
        base_version: stored.version,
        voided: stored.voided,
        data: stored.data.clone(),
    })
}

/// How the officer settles a conflict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Send my version again, on top of the server's.
    KeepMine,
    /// Drop my version and take the server's.
    TakeServer,
}

/// One record of the outbox with its local state. Times are milliseconds since 1970 on the phone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub kind: RecordKind,
    pub state: LocalState,
    /// The record as last saved; `None` exactly while the state is [`LocalState::Draft`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<Record>,
    /// What the form holds and was not saved yet: a new record, or an edit under way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<Draft>,
    /// Why the server could not take this waiting record when it was sent on its own; it is sent
    /// again later, after the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<SendFailure>,
    /// While synced: when the server stored the version this phone holds (RFC 3339, the server's
    /// clock), the officer's receipt. Absent on records synced before receipts were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored_at: Option<String>,
    pub created_at: u64,
    pub updated_at: u64,
}

/// A record the server failed on, sent alone: one that breaks the server must not hold back the
/// records behind it (`sync`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendFailure {
    /// The HTTP status of the answer: a server error (5xx), or 200 for an answer that could not
    /// be read.
    pub status: u16,
}

impl Entry {
    pub fn new_draft(id: &str, kind: RecordKind, draft: Draft, now: u64) -> Entry {
        Entry {
            id: id.to_string(),
            kind,
            state: LocalState::Draft,
            record: None,
            draft: Some(draft),
            failed: None,
            stored_at: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// The record's date, or the draft's while it is one.
    pub fn occurred_on(&self) -> Option<Date> {
        match &self.record {
            Some(record) => Some(record.occurred_on),
            None => self.draft.as_ref()?.get("occurred_on")?.parse().ok(),
        }
    }

    pub fn voided(&self) -> bool {
        self.record.as_ref().is_some_and(|record| record.voided)
    }

    /// Keeps a validated record from the form, which becomes waiting (a conflict stays one, with
    /// the officer's edit kept). The version it starts from is the server's last known one.
    pub fn save(&mut self, mut record: Record, now: u64) {
        record.base_version = match (&self.state, &self.record) {
            (LocalState::Synced { version }, _) => *version,
            (_, Some(previous)) => previous.base_version,
            (_, None) => 0,
        };
        // Voiding is for good: an edit never brings a record back.
        record.voided |= self.voided();
        // Saved without a change, a synced record has nothing new to send. (A rejected one is sent
        // again: the officer may know the refusal no longer holds.)
        let unchanged = self.record.as_ref() == Some(&record);
        match self.state {
            LocalState::Synced { .. } if unchanged => {}
            LocalState::Conflict { .. } => {}
            _ => self.state = LocalState::Waiting,
        }
        self.record = Some(record);
        self.draft = None;
        // The edit may be what the server can take.
        self.failed = None;
        self.updated_at = now;
    }

    /// Marks the record void, to be sent like any change; false for a draft, which has nothing to
    /// void.
    pub fn void(&mut self, now: u64) -> bool {
        let Some(mut record) = self.record.clone() else {
            return false;
        };
        record.voided = true;
        self.save(record, now);
        true
    }

    /// Takes the server's answer for `sent`, the content sent, given at `server_time`. When the
    /// officer changed the record since, their change stays waiting, now on top of the server's
    /// version.
    pub fn apply(
        &mut self,
        sent: &Record,
        result: &SyncResult,
        server_time: &str,
        now: u64,
    ) -> bool {
        if self.state != LocalState::Waiting {
            return false;
        }
        let Some(record) = &mut self.record else {
            return false;
        };
        let untouched = *record == *sent;
        match (result.status, result.version, &result.current) {
            (SyncStatus::Applied | SyncStatus::Unchanged, Some(version), _) => {
                record.base_version = version;
                if untouched {
                    self.state = LocalState::Synced { version };
                    // The answer comes after the commit; a retry (unchanged) was stored earlier.
                    if result.status == SyncStatus::Applied || self.stored_at.is_none() {
                        self.stored_at = Some(server_time.to_string());
                    }
                }
            }
            (SyncStatus::Conflict, _, Some(current)) => {
                self.state = LocalState::Conflict {
                    current: current.clone(),
                };
            }
            (SyncStatus::Rejected, _, _) if untouched => {
                self.state = LocalState::Rejected {
                    errors: result.errors.clone().unwrap_or_default(),
                };
            }
            // A newer edit may be fine, and a malformed answer proves nothing: send again.
            _ => return false,
        }
        self.failed = None;
        self.updated_at = now;
        true
    }

    /// Settles a conflict; false when there is none.
    pub fn resolve(&mut self, resolution: Resolution, now: u64) -> bool {
        let LocalState::Conflict { current } = &self.state else {
            return false;
        };
        let current = current.clone();
        match resolution {
            Resolution::KeepMine => {
                if let Some(record) = &mut self.record {
                    record.base_version = current.version;
                    keep_confirmation(&mut record.data, &current.data);
                }
                self.state = LocalState::Waiting;
            }
            Resolution::TakeServer => {
                let Some(record) = record_of(&current) else {
                    return false;
                };
                self.record = Some(record);
                self.state = LocalState::Synced {
                    version: current.version,
                };
                self.stored_at = Some(current.updated_at.clone());
                self.draft = None;
            }
        }
        self.updated_at = now;
        true
    }

    /// The entry after a record pulled from the server, or `None` when nothing changes: a newer
    /// version replaces a synced record; a record with local changes keeps them (sync settles it).
    pub fn restored(existing: Option<&Entry>, pulled: &StoredRecord, now: u64) -> Option<Entry> {
        let record = record_of(pulled)?;
        let Some(existing) = existing else {
            return Some(Entry {
                id: record.id.clone(),
                kind: record.kind,
                state: LocalState::Synced {
                    version: pulled.version,
                },
                record: Some(record),
                draft: None,
                failed: None,
                stored_at: Some(pulled.updated_at.clone()),
                created_at: now,
                updated_at: now,
            });
        };
        let mut entry = existing.clone();
        match &existing.state {
            LocalState::Synced { version } if pulled.version > *version => {
                entry.state = LocalState::Synced {
                    version: pulled.version,
                };
                entry.record = Some(record);
                entry.stored_at = Some(pulled.updated_at.clone());
            }
            LocalState::Conflict { current } if pulled.version > current.version => {
                entry.state = LocalState::Conflict {
                    current: pulled.clone(),
                };
            }
            _ => return None,
        }
        entry.updated_at = now;
        Some(entry)
    }
}

/// One sync's sending, in the server's answers: records sent, stored (applied, or already there),
/// refused, and found changed by someone else.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    pub at: u64,
    pub sent: usize,
    pub stored: usize,
    pub refused: usize,
    pub conflicts: usize,
}

impl Exchange {
    pub fn count(&mut self, results: &[SyncResult]) {
        for result in results {
            self.sent += 1;
            match result.status {
                SyncStatus::Applied | SyncStatus::Unchanged => self.stored += 1,
                SyncStatus::Rejected => self.refused += 1,
                SyncStatus::Conflict => self.conflicts += 1,
            }
        }
    }
}

/// How many records are in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts([usize; 5]);

impl Counts {
    pub fn of(tags: impl IntoIterator<Item = StateTag>) -> Counts {
        let mut counts = Counts::default();
        for tag in tags {
            counts.0[tag as usize] += 1;
        }
        counts
    }

    pub fn get(self, tag: StateTag) -> usize {
        self.0[tag as usize]
    }

    pub fn total(self) -> usize {
        self.0.iter().sum()
    }
}

/// What the records list shows; `None` (or no words) lets everything through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub kind: Option<RecordKind>,
    pub state: Option<StateTag>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Typed words, folded (see [`fold`]): each must be in one of the record's texts.
    pub words: Vec<String>,
}

impl Filter {
    pub fn matches(&self, entry: &Entry) -> bool {
        let date = entry.occurred_on();
        self.kind.is_none_or(|kind| kind == entry.kind)
            && self.state.is_none_or(|state| state == entry.state.tag())
            && self.from.is_none_or(|from| date.is_some_and(|d| d >= from))
            && self.to.is_none_or(|to| date.is_some_and(|d| d <= to))
            && (self.words.is_empty() || {
                let text = searchable_text(entry);
                self.words.iter().all(|word| text.contains(word.as_str()))
            })
    }

    /// What the officer typed in the search box, as words to look for.
    pub fn search(&mut self, typed: &str) {
        self.words = fold(typed).split_whitespace().map(str::to_string).collect();
    }
}

/// Every text the officer typed into the record (village, business name, client code, title,
/// notes, findings, …), as saved and as in an unsaved edit, folded and joined.
fn searchable_text(entry: &Entry) -> String {
    let mut text = String::new();
    let mut add = |value: &str| {
        text.push_str(&fold(value));
        text.push('\n');
    };
    if let Some(Value::Object(data)) = entry.record.as_ref().map(|record| &record.data) {
        for value in data.values() {
            if let Value::String(value) = value {
                add(value);
            }
        }
    }
    for (path, value) in entry.draft.iter().flatten() {
        if path.starts_with("data.") {
            add(value);
        }
    }
    text
}

/// Lower case without Vietnamese tone and vowel marks, so that "ban moi" finds "Bản Mới": officers
/// often type without them on a phone keyboard. Decomposed input (a base letter, then combining
/// marks) folds the same.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            '\u{0300}'..='\u{036f}' => None,
            'à' | 'á' | 'ả' | 'ã' | 'ạ' | 'ă' | 'ằ' | 'ắ' | 'ẳ' | 'ẵ' | 'ặ' | 'â' | 'ầ' | 'ấ'
            | 'ẩ' | 'ẫ' | 'ậ' => Some('a'),
            'è' | 'é' | 'ẻ' | 'ẽ' | 'ẹ' | 'ê' | 'ề' | 'ế' | 'ể' | 'ễ' | 'ệ' => {
                Some('e')
            }
            'ì' | 'í' | 'ỉ' | 'ĩ' | 'ị' => Some('i'),
            'ò' | 'ó' | 'ỏ' | 'õ' | 'ọ' | 'ô' | 'ồ' | 'ố' | 'ổ' | 'ỗ' | 'ộ' | 'ơ' | 'ờ' | 'ớ'
            | 'ở' | 'ỡ' | 'ợ' => Some('o'),
            'ù' | 'ú' | 'ủ' | 'ũ' | 'ụ' | 'ư' | 'ừ' | 'ứ' | 'ử' | 'ữ' | 'ự' => {
                Some('u')
            }
            'ỳ' | 'ý' | 'ỷ' | 'ỹ' | 'ỵ' => Some('y'),
            'đ' => Some('d'),
            c => Some(c),
        })
        .collect()
}

/// Newest first: by the record's date, then by the last change on the phone.
pub fn sort_for_list(entries: &mut [Entry]) {
    entries.sort_by_key(|entry| std::cmp::Reverse((entry.occurred_on(), entry.updated_at)));
}

/// The officer's version keeps what a receiving service confirmed meanwhile on the server (the
/// confirmation decides the status; the server refuses a version without it).
fn keep_confirmation(mine: &mut Value, server: &Value) {
    let Some(confirmation) = server.get("confirmation") else {
        return;
    };
    for field in ["confirmation", "status", "accessed_on", "slip_code"] {
        match server.get(field) {
            Some(value) => mine[field] = value.clone(),
            None => {
                mine.as_object_mut().map(|data| data.remove(field));
            }
        }
    }
    debug_assert!(mine.get("confirmation") == Some(confirmation));
}

/// A random (version 4) UUID in canonical form from 16 random bytes.
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut text = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

const INDEX_HEADER: &str = "pcmd-outbox-index 1";

/// Record ids with their state, waiting ones in the order they became waiting. Stored as text, a
/// header line then one `<state letter><id>` line per record: quicker to read and write than JSON
/// at thousands of records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Index(Vec<(String, StateTag)>);

impl Index {
    fn parse(text: &str) -> Option<Index> {
        let mut lines = text.lines();
        if lines.next()? != INDEX_HEADER {
            return None;
        }
        lines
            .map(|line| {
                let mut chars = line.chars();
                let tag = StateTag::from_letter(chars.next()?)?;
                Some((chars.as_str().to_string(), tag))
            })
            .collect::<Option<Vec<_>>>()
            .map(Index)
    }

    fn render(&self) -> String {
        let mut text = String::with_capacity(INDEX_HEADER.len() + 40 * self.0.len());
        text.push_str(INDEX_HEADER);
        for (id, tag) in &self.0 {
            text.push('\n');
            text.push(tag.letter());
            text.push_str(id);
        }
        text
    }

    /// Records `id` as `tag`; a record becoming waiting goes to the back of the queue (an edit of
    /// one already waiting keeps its place). Says
    /// whether anything changed.
    fn set(&mut self, id: &str, tag: StateTag) -> bool {
        match self.0.iter().position(|(known, _)| known == id) {
            Some(i) if self.0[i].1 == tag => false,
            Some(i) if tag == StateTag::Waiting => {
                self.0.remove(i);
                self.0.push((id.to_string(), tag));
                true
            }
            Some(i) => {
                self.0[i].1 = tag;
                true
            }
            None => {
                self.0.push((id.to_string(), tag));
                true
            }
        }
    }

    fn remove(&mut self, id: &str) {
        self.0.retain(|(known, _)| known != id);
    }

    fn counts(&self) -> Counts {
        Counts::of(self.0.iter().map(|&(_, tag)| tag))
    }
}

/// One officer's outbox in a [`KeyValue`] store.
pub struct Outbox<S> {
    store: S,
    prefix: String,
}

impl<S: KeyValue> Outbox<S> {
    pub fn new(store: S, officer_id: &str) -> Outbox<S> {
        Outbox {
            store,
            prefix: keys::outbox_prefix(officer_id),
        }
    }

    /// The item `name` of this outbox (a name from `keys`).
    fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    fn index_key(&self) -> String {
        self.key(keys::OUTBOX_INDEX)
    }

    fn item_key(&self, id: &str) -> String {
        format!("{}{}{id}", self.prefix, keys::OUTBOX_RECORD)
    }

    fn units_key(&self) -> String {
        self.key(keys::OUTBOX_UNITS)
    }

    fn index(&self) -> Index {
        match self.store.get(&self.index_key()) {
            Some(text) => Index::parse(&text).unwrap_or_else(|| self.rebuild_index()),
            None => self.rebuild_index(),
        }
    }

    /// The index made again from the items themselves, oldest change first.
    fn rebuild_index(&self) -> Index {
        let item_prefix = self.item_key("");
        let mut entries: Vec<Entry> = self
            .store
            .keys(&item_prefix)
            .iter()
            .filter_map(|key| self.read(&key[item_prefix.len()..]))
            .collect();
        entries.sort_by_key(|entry| entry.updated_at);
        let index = Index(
            entries
                .into_iter()
                .map(|entry| (entry.id, entry.state.tag()))
                .collect(),
        );
        // Written when possible; if not, it is rebuilt again next time.
        if !index.0.is_empty() {
            let _ = self.store.set(&self.index_key(), &index.render());
        }
        index
    }

    fn write_index(&self, index: &Index) -> Result<(), StoreError> {
        self.store.set(&self.index_key(), &index.render())
    }

    fn read(&self, id: &str) -> Option<Entry> {
        serde_json::from_str(&self.store.get(&self.item_key(id))?).ok()
    }

    fn write(&self, entry: &Entry) -> Result<(), StoreError> {
        let json = serde_json::to_string(entry).map_err(|_| StoreError::Unavailable)?;
        self.store.set(&self.item_key(&entry.id), &json)
    }

    /// Writes `entry` (which was `had` before) and its line of the index, in the order that keeps
    /// the index from ever missing a waiting record (see the module docs).
    fn put(&self, had: Option<StateTag>, entry: &Entry) -> Result<(), StoreError> {
        let tag = entry.state.tag();
        let mut index = self.index();
        let before = index.clone();
        if !index.set(&entry.id, tag) {
            return self.write(entry);
        }
        if had.is_none() || tag == StateTag::Waiting {
            self.write_index(&index)?;
            if let Err(error) = self.write(entry) {
                // A smaller index fits back; if not, readers skip the line without an item.
                let _ = self.write_index(&before);
                return Err(error);
            }
            Ok(())
        } else {
            self.write(entry)?;
            // The item is saved; a stale line here only claims too much and is repaired later.
            let _ = self.write_index(&index);
            Ok(())
        }
    }

    /// Records in each state, from the index: cheap enough for the header on every page.
    pub fn counts(&self) -> Counts {
        self.index().counts()
    }

    /// Every record, in index order. Repairs the index if it disagrees with the items.
    pub fn entries(&self) -> Vec<Entry> {
        let index = self.index();
        let entries: Vec<Entry> = index.0.iter().filter_map(|(id, _)| self.read(id)).collect();
        let actual = Index(
            entries
                .iter()
                .map(|entry| (entry.id.clone(), entry.state.tag()))
                .collect(),
        );
        if actual != index {
            let _ = self.write_index(&actual);
        }
        entries
    }

    pub fn entry(&self, id: &str) -> Option<Entry> {
        self.read(id)
    }

    /// Keeps the form as typed, creating the draft on the first keystroke.
    pub fn keep_draft(
        &self,
        id: &str,
        kind: RecordKind,
        draft: Draft,
        now: u64,
    ) -> Result<(), StoreError> {
        match self.read(id) {
            Some(mut entry) => {
                entry.draft = Some(draft);
                entry.updated_at = now;
                self.write(&entry)
            }
            None => self.put(None, &Entry::new_draft(id, kind, draft, now)),
        }
    }

    /// Forgets unsaved input: a new record's draft goes entirely, an edit's draft leaves the
    /// saved record as it was.
    pub fn discard_draft(&self, id: &str) -> Result<(), StoreError> {
        let Some(mut entry) = self.read(id) else {
            return Ok(());
        };
        if entry.state == LocalState::Draft {
            let mut index = self.index();
            self.store.remove(&self.item_key(id));
            index.remove(id);
            // A leftover line without an item is skipped and dropped by the next repair.
            let _ = self.write_index(&index);
            Ok(())
        } else {
            entry.draft = None;
            self.write(&entry)
        }
    }

    /// Keeps a record the form validated; it waits to be sent.
    pub fn save(&self, record: Record, now: u64) -> Result<Entry, StoreError> {
        let had = self.read(&record.id);
        let mut entry = had.clone().unwrap_or_else(|| Entry {
            draft: None,
            ..Entry::new_draft(&record.id, record.kind, Draft::new(), now)
        });
        entry.save(record, now);
        self.put(had.map(|had| had.state.tag()), &entry)?;
        Ok(entry)
    }

    /// Voids a saved record (it is kept and sent with `voided: true`); drafts are discarded instead.
    pub fn void(&self, id: &str, now: u64) -> Result<(), StoreError> {
        let Some(mut entry) = self.read(id) else {
            return Ok(());
        };
        let had = entry.state.tag();
        if entry.void(now) {
            self.put(Some(had), &entry)?;
        }
        Ok(())
    }

    /// For the sync engine: up to `limit` records to send, those waiting longest first, each as it
    /// should travel (its `base_version` is the server's version it changes). Records the server
    /// failed on come after all the others, so that they never hold them back.
    pub fn oldest_waiting(&self, limit: usize) -> Vec<Record> {
        let mut failed = Vec::new();
        let mut first: Vec<Record> = self
            .index()
            .0
            .iter()
            .filter(|(_, tag)| *tag == StateTag::Waiting)
            .filter_map(|(id, _)| self.read(id))
            .filter(|entry| entry.state == LocalState::Waiting)
            .filter_map(|entry| match entry.failed {
                Some(_) => {
                    failed.extend(entry.record);
                    None
                }
                None => entry.record,
            })
            .take(limit)
            .collect();
        let room = limit - first.len();
        first.extend(failed.into_iter().take(room));
        first
    }

    /// For the sync engine: the server failed on `sent` alone (a server error, or an answer it
    /// could not read). The record stays waiting, with the failure to show, and goes after the
    /// others from now on; if the officer changed it meanwhile, the change is sent as it is.
    pub fn hold(&self, sent: &Record, failure: SendFailure) -> Result<(), StoreError> {
        let Some(mut entry) = self.read(&sent.id) else {
            return Ok(());
        };
        if entry.state != LocalState::Waiting || entry.record.as_ref() != Some(sent) {
            return Ok(());
        }
        entry.failed = Some(failure);
        // Only the item changes: the record stays waiting in the index.
        self.write(&entry)
    }

    /// For the sync engine: the server's answers, `results[i]` for `sent[i]` as `API.md` orders
    /// them. Each record takes its own answer; a record edited while the request was under way
    /// keeps waiting with its edit. Gives how many records changed state or version.
    pub fn apply_results(
        &self,
        sent: &[Record],
        results: &[SyncResult],
        server_time: &str,
        now: u64,
    ) -> Result<usize, StoreError> {
        let mut index = self.index();
        let mut changed = 0;
        let mut outcome = Ok(());
        for (record, result) in sent.iter().zip(results) {
            if record.id != result.id {
                continue;
            }
            let Some(mut entry) = self.read(&record.id) else {
                continue;
            };
            if !entry.apply(record, result, server_time, now) {
                continue;
            }
            // Item first: these changes only take records out of the waiting queue.
            if let Err(error) = self.write(&entry) {
                outcome = Err(error);
                break;
            }
            index.set(&entry.id, entry.state.tag());
            changed += 1;
        }
        if changed > 0 {
            let _ = self.write_index(&index);
        }
        outcome.map(|()| changed)
    }

    /// For the sync engine: records pulled from `GET /api/v1/records` (a new phone, or colleagues'
    /// changes). Local changes are never overwritten. Gives how many records were added or updated.
    pub fn restore(&self, pulled: &[StoredRecord], now: u64) -> Result<usize, StoreError> {
        let mut index = self.index();
        let before = index.clone();
        let mut changes = Vec::new();
        for stored in pulled {
            let existing = self.read(&stored.id);
            if let Some(entry) = Entry::restored(existing.as_ref(), stored, now) {
                index.set(&entry.id, entry.state.tag());
                changes.push(entry);
            }
        }
        if changes.is_empty() {
            return Ok(0);
        }
        // New ids enter the index before their items (none of these changes makes a record wait).
        if index != before {
            self.write_index(&index)?;
        }
        for (written, entry) in changes.iter().enumerate() {
            if let Err(error) = self.write(entry) {
                if written == 0 {
                    let _ = self.write_index(&before);
                }
                return Err(error);
            }
        }
        Ok(changes.len())
    }

    /// Settles a conflict the way the officer chose.
    pub fn resolve_conflict(
        &self,
        id: &str,
        resolution: Resolution,
        now: u64,
    ) -> Result<(), StoreError> {
        let Some(mut entry) = self.read(id) else {
            return Ok(());
        };
        let had = entry.state.tag();
        if entry.resolve(resolution, now) {
            self.put(Some(had), &entry)?;
        }
        Ok(())
    }

    /// The org units this officer may record for, as last fetched; for choosing a commune offline.
    pub fn org_units(&self) -> Vec<OrgUnit> {
        self.store
            .get(&self.units_key())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    pub fn keep_org_units(&self, units: &[OrgUnit]) -> Result<(), StoreError> {
        let json = serde_json::to_string(units).map_err(|_| StoreError::Unavailable)?;
        self.store.set(&self.units_key(), &json)
    }

    /// Where pulling `GET /api/v1/records` goes on from; `None` on a new or wiped phone.
    pub fn cursor(&self) -> Option<String> {
        self.store.get(&self.key(keys::OUTBOX_CURSOR))
    }

    /// Kept only after the page it follows is stored, so a failed page is pulled again.
    pub fn keep_cursor(&self, cursor: &str) -> Result<(), StoreError> {
        self.store.set(&self.key(keys::OUTBOX_CURSOR), cursor)
    }

    /// The officer's unit changed (an admin moved them after a merger): the records now in reach
    /// carry older changes than the cursor, so the next pull starts from the beginning, and the
    /// units are fetched again. Records already on the phone are pulled over, not duplicated.
    pub fn unit_changed(&self) {
        for name in [keys::OUTBOX_CURSOR, keys::OUTBOX_UNITS] {
            self.store.remove(&self.key(name));
        }
    }

    /// The server refused the cursor (restored from a backup, or another server): the next pull
    /// starts from the beginning, over the records already here.
    pub fn forget_cursor(&self) {
        self.store.remove(&self.key(keys::OUTBOX_CURSOR));
    }

    /// When the server last acknowledged a sync from this phone (ms since 1970).
    pub fn last_synced(&self) -> Option<u64> {
        self.store
            .get(&self.key(keys::OUTBOX_SYNCED_AT))?
            .parse()
            .ok()
    }

    pub fn keep_last_synced(&self, at: u64) -> Result<(), StoreError> {
        self.store
            .set(&self.key(keys::OUTBOX_SYNCED_AT), &at.to_string())
    }

    /// What the last sync that sent records sent, and what the server made of them.
    pub fn last_exchange(&self) -> Option<Exchange> {
        serde_json::from_str(&self.store.get(&self.key(keys::OUTBOX_EXCHANGE))?).ok()
    }

    pub fn keep_exchange(&self, exchange: &Exchange) -> Result<(), StoreError> {
        let text = serde_json::to_string(exchange).map_err(|_| StoreError::Unavailable)?;
        self.store.set(&self.key(keys::OUTBOX_EXCHANGE), &text)
    }

    /// The officer's server session token, sent as `Authorization: Bearer`, so that officers
    /// sharing a phone each sync as themselves.
    pub fn session_token(&self) -> Option<String> {
        self.store.get(&self.key(keys::OUTBOX_SESSION))
    }

    pub fn keep_session_token(&self, token: &str) -> Result<(), StoreError> {
        self.store.set(&self.key(keys::OUTBOX_SESSION), token)
    }

    /// The settings every officer reads (`GET /api/v1/settings`), as last fetched, as JSON.
    pub fn settings(&self) -> Option<String> {
        self.store.get(&self.key(keys::OUTBOX_SETTINGS))
    }

    pub fn keep_settings(&self, json: &str) -> Result<(), StoreError> {
        self.store.set(&self.key(keys::OUTBOX_SETTINGS), json)
    }

    /// The agencies of the admin's list (`GET /api/v1/agencies`), as last fetched.
    pub fn agencies(&self) -> Vec<Agency> {
        self.store
            .get(&self.key(keys::OUTBOX_AGENCIES))
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    pub fn keep_agencies(&self, agencies: &[Agency]) -> Result<(), StoreError> {
        let json = serde_json::to_string(agencies).map_err(|_| StoreError::Unavailable)?;
        self.store.set(&self.key(keys::OUTBOX_AGENCIES), &json)
    }

    /// For the server's waiting report: how many records wait to be sent, and when the one waiting
    /// longest was saved (the index keeps them in the order they became waiting).
    /// Counted from the items, which are the truth: a stale index line must not look like a
    /// record that left the phone.
    pub fn waiting(&self) -> (usize, Option<u64>) {
        let waiting: Vec<Entry> = self
            .index()
            .0
            .iter()
            .filter(|(_, tag)| *tag == StateTag::Waiting)
            .filter_map(|(id, _)| self.read(id))
            .filter(|entry| entry.state == LocalState::Waiting)
            .collect();
        (waiting.len(), waiting.first().map(|entry| entry.updated_at))
    }

    /// Every saved record the server does not hold as saved here: waiting, in conflict (the
    /// officer's version), rejected. For an export of unsent records.
    pub fn unsent_records(&self) -> Vec<Record> {
        self.index()
            .0
            .iter()
            .filter(|(_, tag)| {
                matches!(
                    tag,
                    StateTag::Waiting | StateTag::Conflict | StateTag::Rejected
                )
            })
            .filter_map(|(id, _)| self.read(id))
            .filter(|entry| entry.state.tag() != StateTag::Synced)
            .filter_map(|entry| entry.record)
            .collect()
    }

    /// Whether the outbox holds only what a phone keeps (see [`Outbox::keep_only`]).
    pub fn kept_for_phone(&self) -> bool {
        self.store.get(&self.key(keys::OUTBOX_KEPT)).is_some()
    }

    pub fn mark_kept_for_phone(&self) -> Result<(), StoreError> {
        self.store.set(&self.key(keys::OUTBOX_KEPT), "1")
    }

    /// Removes the synced records `keep` refuses (the server holds them); a record not sent, in
    /// conflict, refused or being edited always stays. Gives how many went.
    pub fn keep_only(&self, keep: impl Fn(&Entry) -> bool) -> usize {
        let mut index = self.index();
        let gone: Vec<String> = index
            .0
            .iter()
            .filter(|(_, tag)| *tag == StateTag::Synced)
            .filter_map(|(id, _)| self.read(id))
            // An edit under way is the officer's: it stays with its record.
            .filter(|entry| {
                matches!(entry.state, LocalState::Synced { .. }) && entry.draft.is_none()
            })
            .filter(|entry| !keep(entry))
            .map(|entry| entry.id)
            .collect();
        if gone.is_empty() {
            return 0;
        }
        for id in &gone {
            self.store.remove(&self.item_key(id));
            index.remove(id);
        }
        // Unwritten, the index is rebuilt from the items that stayed.
        let _ = self.write_index(&index);
        gone.len()
    }

    /// Records the server does not have yet: drafts, waiting, in conflict, rejected.
    pub fn unsent(&self) -> usize {
        let counts = self.counts();
        counts.total() - counts.get(StateTag::Synced)
    }

    /// For signing out: removes every synced record and what the officer fetched (the server keeps
    /// all of it), and the pull cursor so that the next sign-in brings the records back. Records
    /// not sent stay. Gives how many stayed.
    pub fn forget_synced(&self) -> usize {
        let mut index = self.index();
        for (id, _) in index.0.iter().filter(|(_, tag)| *tag == StateTag::Synced) {
            self.store.remove(&self.item_key(id));
        }
        index.0.retain(|(_, tag)| *tag != StateTag::Synced);
        for name in [
            keys::OUTBOX_CURSOR,
            keys::OUTBOX_SYNCED_AT,
            keys::OUTBOX_SESSION,
            keys::OUTBOX_UNITS,
            keys::OUTBOX_SETTINGS,
            keys::OUTBOX_AGENCIES,
            keys::OUTBOX_EXCHANGE,
            keys::OUTBOX_KEPT,
        ] {
            self.store.remove(&self.key(name));
        }
        if index.0.is_empty() {
            self.store.remove(&self.index_key());
        } else {
            // Unwritten, the index is rebuilt from the items that stayed.
            let _ = self.write_index(&index);
        }
        index.0.len()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::cell::RefCell;
    use std::collections::BTreeMap;
    use std::rc::Rc;

    use serde_json::json;

    use super::*;

    /// When the tests' server answers.
    const AT: &str = "2023-03-05T02:00:00.000Z";

    /// localStorage in memory, with an optional quota in characters (keys and values).
    #[derive(Clone, Default)]
    pub(crate) struct Memory {
        items: Rc<RefCell<BTreeMap<String, String>>>,
        quota: Rc<RefCell<Option<usize>>>,
    }

    impl Memory {
        fn used(&self) -> usize {
            self.items
                .borrow()
                .iter()
                .map(|(k, v)| k.len() + v.len())
                .sum()
        }

        /// Leaves room for `spare` more characters.
        fn fill_up(&self, spare: usize) {
            *self.quota.borrow_mut() = Some(self.used() + spare);
        }

        fn snapshot(&self) -> BTreeMap<String, String> {
            self.items.borrow().clone()
        }
    }

    impl KeyValue for Memory {
        fn get(&self, key: &str) -> Option<String> {
            self.items.borrow().get(key).cloned()
        }

        fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
            let old = self
                .items
                .borrow()
                .get(key)
                .map_or(0, |v| key.len() + v.len());
            if let Some(quota) = *self.quota.borrow() {
                if self.used() - old + key.len() + value.len() > quota {
                    return Err(StoreError::Full);
                }
            }
            self.items.borrow_mut().insert(key.into(), value.into());
            Ok(())
        }

        fn remove(&self, key: &str) {
            self.items.borrow_mut().remove(key);
        }

        fn keys(&self, prefix: &str) -> Vec<String> {
            self.items
                .borrow()
                .keys()
                .filter(|key| key.starts_with(prefix))
                .cloned()
                .collect()
        }
    }

    fn outbox() -> (Memory, Outbox<Memory>) {
        let memory = Memory::default();
        (memory.clone(), Outbox::new(memory, "officer-1"))
    }

    fn id(n: u8) -> String {
        uuid_v4([n; 16])
    }

    fn session(n: u8, reached: u32) -> Record {
        Record {
            id: id(n),
            kind: RecordKind::OutreachSession,
            org_unit_id: "u-03412".into(),
            occurred_on: Date::from_ymd(2023, 3, n.into()).unwrap(),
            base_version: 0,
            voided: false,
            data: json!({"format": "group_talk", "audience": "women",
                "reached_male": reached, "reached_female": 3}),
        }
    }

    fn result(record: &Record, status: &str, version: Option<i64>) -> SyncResult {
        serde_json::from_value(json!({"id": record.id, "status": status, "version": version}))
            .unwrap()
    }

    fn stored(record: &Record, version: i64) -> StoredRecord {
        StoredRecord {
            id: record.id.clone(),
            kind: record.kind.as_str().into(),
            org_unit_id: record.org_unit_id.clone(),
            occurred_on: record.occurred_on.to_string(),
            voided: record.voided,
            data: record.data.clone(),
            version,
            updated_at: "2023-03-04T01:02:03Z".into(),
            updated_by: "officer-2".into(),
        }
    }

    fn draft(pairs: &[(&str, &str)]) -> Draft {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn tags(outbox: &Outbox<Memory>) -> Vec<(String, StateTag)> {
        outbox.index().0
    }

    #[test]
    fn uuids_are_version_4_and_lower_case() {
        let uuid = uuid_v4([0xff; 16]);
        assert_eq!(uuid, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
        let record = Record {
            id: uuid_v4([0xab; 16]),
            ..session(1, 1)
        };
        assert!(domain::validate(&record, Date::from_ymd(2024, 1, 1).unwrap()).is_ok());
    }

    #[test]
    fn a_draft_becomes_waiting_when_saved_and_then_synced() {
        let (_, outbox) = outbox();
        let record = session(1, 5);
        outbox
            .keep_draft(
                &record.id,
                record.kind,
                draft(&[("data.reached_male", "5")]),
                10,
            )
            .unwrap();
        assert_eq!(outbox.counts().get(StateTag::Draft), 1);
        assert_eq!(outbox.oldest_waiting(10), Vec::<Record>::new());

        let entry = outbox.save(record.clone(), 20).unwrap();
        assert_eq!(entry.state, LocalState::Waiting);
        assert_eq!(entry.draft, None);
        assert_eq!((entry.created_at, entry.updated_at), (10, 20));
        assert_eq!(outbox.counts().get(StateTag::Waiting), 1);
        assert_eq!(outbox.counts().get(StateTag::Draft), 0);
        assert_eq!(outbox.oldest_waiting(10), vec![record.clone()]);

        let changed = outbox
            .apply_results(
                std::slice::from_ref(&record),
                &[result(&record, "applied", Some(1))],
                AT,
                30,
            )
            .unwrap();
        assert_eq!(changed, 1);
        let entry = outbox.entry(&record.id).unwrap();
        assert_eq!(entry.state, LocalState::Synced { version: 1 });
        assert_eq!(entry.stored_at.as_deref(), Some(AT), "the receipt");
        assert_eq!(entry.record.unwrap().base_version, 1);
        assert_eq!(outbox.counts().get(StateTag::Synced), 1);
        assert!(outbox.oldest_waiting(10).is_empty());
    }

    #[test]
    fn the_waiting_report_counts_waiting_records_and_dates_the_longest_waiting() {
        let (_, outbox) = outbox();
        assert_eq!(outbox.waiting(), (0, None));
        let (first, second) = (session(1, 5), session(2, 6));
        outbox.save(first.clone(), 20).unwrap();
        outbox.save(second.clone(), 30).unwrap();
        assert_eq!(outbox.waiting(), (2, Some(20)));
        outbox
            .apply_results(
                std::slice::from_ref(&first),
                &[result(&first, "applied", Some(1))],
                AT,
                40,
            )
            .unwrap();
        assert_eq!(outbox.waiting(), (1, Some(30)));
        // A draft is not waiting.
        outbox
            .keep_draft(
                &session(3, 1).id,
                RecordKind::OutreachSession,
                draft(&[]),
                50,
            )
            .unwrap();
        assert_eq!(outbox.waiting(), (1, Some(30)));
    }

    #[test]
    fn unsent_records_are_the_saved_ones_the_server_does_not_hold() {
        let (_, outbox) = outbox();
        let (waiting, synced, refused) = (session(1, 5), session(2, 6), session(3, 7));
        for record in [&waiting, &synced, &refused] {
            outbox.save(record.clone(), 20).unwrap();
        }
        outbox
            .keep_draft(
                &session(4, 1).id,
                RecordKind::OutreachSession,
                draft(&[]),
                30,
            )
            .unwrap();
        let mut problem = result(&refused, "rejected", None);
        problem.errors = Some(vec![FieldProblem {
            field: "data.notes".into(),
            code: "personal_data".into(),
            message: "…".into(),
        }]);
        outbox
            .apply_results(
                &[synced.clone(), refused.clone()],
                &[result(&synced, "applied", Some(1)), problem],
                AT,
                40,
            )
            .unwrap();
        let mut unsent: Vec<String> = outbox
            .unsent_records()
            .into_iter()
            .map(|record| record.id)
            .collect();
        unsent.sort();
        assert_eq!(unsent, vec![waiting.id, refused.id]);
    }

    #[test]
    fn only_synced_records_leave_the_phone_and_never_one_being_edited() {
        let (memory, outbox) = outbox();
        let records: Vec<Record> = (1..=4).map(|n| session(n, n.into())).collect();
        for record in &records {
            outbox.save(record.clone(), 20).unwrap();
        }
        let synced: Vec<SyncResult> = records[..3]
            .iter()
            .map(|record| result(record, "applied", Some(1)))
            .collect();
        outbox
            .apply_results(&records[..3], &synced, AT, 30)
            .unwrap();
        // The second is being edited; the fourth still waits.
        outbox
            .keep_draft(
                &records[1].id,
                RecordKind::OutreachSession,
                draft(&[("data.reached_male", "9")]),
                40,
            )
            .unwrap();
        assert_eq!(outbox.keep_only(|entry| entry.id == records[2].id), 1);
        let left: Vec<String> = outbox.entries().into_iter().map(|e| e.id).collect();
        assert_eq!(left.len(), 3);
        assert!(!left.contains(&records[0].id), "synced and refused by keep");
        for kept in &records[1..] {
            assert!(left.contains(&kept.id));
        }
        assert!(memory
            .snapshot()
            .keys()
            .all(|key| !key.ends_with(&records[0].id)));
        // Refusing everything, only the third goes: the others are being edited or unsent.
        assert_eq!(outbox.keep_only(|_| false), 1);
        let left: Vec<String> = outbox.entries().into_iter().map(|e| e.id).collect();
        assert_eq!(left, vec![records[1].id.clone(), records[3].id.clone()]);
        assert_eq!(outbox.counts().get(StateTag::Waiting), 1);
    }

    #[test]
    fn a_receipt_says_when_the_server_stored_the_version_the_phone_holds() {
        let (_, outbox) = outbox();
        let record = session(1, 5);
        outbox.save(record.clone(), 1).unwrap();
        // A retry the server had already stored keeps the first receipt.
        let answer = [result(&record, "applied", Some(1))];
        outbox
            .apply_results(std::slice::from_ref(&record), &answer, AT, 2)
            .unwrap();
        let again = [result(&record, "unchanged", Some(1))];
        let mut entry = outbox.entry(&record.id).unwrap();
        entry.state = LocalState::Waiting;
        assert!(entry.apply(&record, &again[0], "2023-03-06T00:00:00.000Z", 3));
        assert_eq!(entry.stored_at.as_deref(), Some(AT));
        // A newer version pulled from the server brings its own time.
        let mut pulled: StoredRecord = serde_json::from_value(json!({
            "id": record.id, "kind": "outreach_session", "org_unit_id": record.org_unit_id,
            "occurred_on": "2023-03-01", "voided": false, "data": record.data, "version": 2,
            "updated_at": "2023-03-07T01:02:03.000Z", "updated_by": "o-2"
        }))
        .unwrap();
        let restored = Entry::restored(Some(&entry), &pulled, 4);
        assert_eq!(restored, None, "a waiting record keeps its change");
        entry.state = LocalState::Synced { version: 1 };
        let restored = Entry::restored(Some(&entry), &pulled, 4).unwrap();
        assert_eq!(restored.state, LocalState::Synced { version: 2 });
        assert_eq!(
            restored.stored_at.as_deref(),
            Some("2023-03-07T01:02:03.000Z")
        );
        pulled.version = 1;
        assert_eq!(Entry::restored(Some(&restored), &pulled, 5), None);
    }

    #[test]
    fn an_edit_of_a_synced_record_waits_on_its_version() {
        let (_, outbox) = outbox();
        let record = session(1, 5);
        outbox.save(record.clone(), 1).unwrap();
        outbox
            .apply_results(
                std::slice::from_ref(&record),
                &[result(&record, "applied", Some(3))],
                AT,
                2,
            )
            .unwrap();
        outbox
            .keep_draft(
                &record.id,
                record.kind,
                draft(&[("data.reached_male", "7")]),
                3,
            )
            .unwrap();
        // An edit under way leaves the synced record as it is.
        let entry = outbox.entry(&record.id).unwrap();
        assert_eq!(entry.state, LocalState::Synced { version: 3 });
        assert!(entry.draft.is_some());

        // Saved as it was, it stays synced; changed, it waits.
        let entry = outbox.save(session(1, 5), 4).unwrap();
        assert_eq!(entry.state, LocalState::Synced { version: 3 });
        assert_eq!(entry.draft, None);
        let entry = outbox.save(session(1, 7), 4).unwrap();
        assert_eq!(entry.state, LocalState::Waiting);
        let sent = outbox.oldest_waiting(10);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].base_version, 3);
        assert_eq!(sent[0].data["reached_male"], 7);
    }

    #[test]
    fn discarding_a_draft_removes_a_new_record_but_keeps_a_saved_one() {
        let (memory, outbox) = outbox();
        let record = session(1, 5);
        outbox
            .keep_draft(&record.id, record.kind, draft(&[("x", "1")]), 1)
            .unwrap();
        outbox.discard_draft(&record.id).unwrap();
        assert!(outbox.entries().is_empty());
        assert!(memory.keys("pcmd.outbox.officer-1.rec.").is_empty());

        outbox.save(record.clone(), 2).unwrap();
        outbox
            .keep_draft(&record.id, record.kind, draft(&[("x", "2")]), 3)
            .unwrap();
        outbox.discard_draft(&record.id).unwrap();
        let entry = outbox.entry(&record.id).unwrap();
        assert_eq!((entry.state, entry.draft), (LocalState::Waiting, None));
        assert_eq!(entry.record, Some(record));
    }

    #[test]
    fn voiding_keeps_the_record_and_sends_it_again() {
        let (_, outbox) = outbox();
        let record = session(1, 5);
        outbox.save(record.clone(), 1).unwrap();
        outbox
            .apply_results(
                std::slice::from_ref(&record),
                &[result(&record, "applied", Some(1))],
                AT,
                2,
            )
            .unwrap();
        outbox.void(&record.id, 3).unwrap();
        let entry = outbox.entry(&record.id).unwrap();
        assert_eq!(entry.state, LocalState::Waiting);
        assert!(entry.voided());
        let sent = outbox.oldest_waiting(10);
        assert!(sent[0].voided);
        assert_eq!(sent[0].base_version, 1);
        // An edit afterwards cannot bring it back.
        let entry = outbox.save(session(1, 9), 4).unwrap();
        assert!(entry.voided());
        // A draft has nothing to void.
        let other = session(2, 1);
        outbox
            .keep_draft(&other.id, other.kind, Draft::new(), 5)
            .unwrap();
        outbox.void(&other.id, 6).unwrap();
        assert_eq!(outbox.entry(&other.id).unwrap().state, LocalState::Draft);
    }

    #[test]
    fn the_oldest_waiting_go_first_and_at_most_the_limit() {
        let (_, outbox) = outbox();
        for n in 1..=5 {
            outbox.save(session(n, n.into()), n.into()).unwrap();
        }
        // An edit while waiting keeps the record's place in the queue…
        outbox.save(session(2, 20), 10).unwrap();
        // …while a synced record edited again joins the back.
        let first = outbox.oldest_waiting(1);
        outbox
            .apply_results(&first, &[result(&first[0], "applied", Some(1))], AT, 11)
            .unwrap();
        outbox.save(session(1, 10), 12).unwrap();
        let ids: Vec<String> = outbox.oldest_waiting(3).into_iter().map(|r| r.id).collect();
        assert_eq!(ids, [id(2), id(3), id(4)]);
        let last = outbox.oldest_waiting(500).pop().unwrap();
        assert_eq!((last.id, last.base_version), (id(1), 1));
        assert_eq!(outbox.oldest_waiting(500).len(), 5);
    }

    #[test]
    fn each_record_takes_its_own_result() {
        let (_, outbox) = outbox();
        let records: Vec<Record> = (1..=4).map(|n| session(n, 1)).collect();
        for record in &records {
            outbox.save(record.clone(), 1).unwrap();
        }
        let server_version = session(3, 99);
        let results: Vec<SyncResult> = vec![
            result(&records[0], "applied", Some(1)),
            result(&records[1], "unchanged", Some(4)),
            serde_json::from_value(json!({"id": records[2].id, "status": "conflict",
                "version": 2, "current": {"version": 2, "updated_at": "2023-03-04T01:02:03Z",
                "updated_by": "officer-2",
                "id": server_version.id, "kind": "outreach_session",
                "org_unit_id": server_version.org_unit_id, "occurred_on": "2023-03-03",
                "voided": false, "data": server_version.data}}))
            .unwrap(),
            serde_json::from_value(json!({"id": records[3].id, "status": "rejected",
                "errors": [{"field": "org_unit_id", "code": "forbidden", "message": "no"}]}))
            .unwrap(),
        ];
        assert_eq!(outbox.apply_results(&records, &results, AT, 2).unwrap(), 4);
        let states: Vec<LocalState> = records
            .iter()
            .map(|r| outbox.entry(&r.id).unwrap().state)
            .collect();
        assert_eq!(states[0], LocalState::Synced { version: 1 });
        assert_eq!(states[1], LocalState::Synced { version: 4 });
        let LocalState::Conflict { current } = &states[2] else {
            panic!("{:?}", states[2]);
        };
        assert_eq!(current.version, 2);
        assert_eq!(current.data["reached_male"], 99);
        assert_eq!(
            states[3],
            LocalState::Rejected {
                errors: vec![FieldProblem {
                    field: "org_unit_id".into(),
                    code: "forbidden".into(),
                    message: "no".into()
                }]
            }
        );
        let counts = outbox.counts();
        assert_eq!(StateTag::ALL.map(|tag| counts.get(tag)), [0, 0, 2, 1, 1]);
        // The officer's own version stays on the phone while in conflict.
        assert_eq!(
            outbox.entry(&records[2].id).unwrap().record,
            Some(records[2].clone())
        );
    }

    #[test]
    fn an_edit_made_while_sending_stays_waiting_on_the_new_version() {
        let (_, outbox) = outbox();
        let record = session(1, 5);
        outbox.save(record.clone(), 1).unwrap();
        let sent = outbox.oldest_waiting(500);
        outbox.save(session(1, 6), 2).unwrap();
        outbox
            .apply_results(&sent, &[result(&record, "applied", Some(1))], AT, 3)
            .unwrap();
        let entry = outbox.entry(&record.id).unwrap();
        assert_eq!(entry.state, LocalState::Waiting);
        let again = outbox.oldest_waiting(500);
        assert_eq!(again[0].base_version, 1);
        assert_eq!(again[0].data["reached_male"], 6);
        // A rejection of the old content does not stick to the new one either.
        outbox
            .apply_results(&sent, &[result(&record, "rejected", None)], AT, 4)
            .unwrap();
        assert_eq!(outbox.entry(&record.id).unwrap().state, LocalState::Waiting);
    }

    #[test]
    fn malformed_or_mismatched_results_change_nothing() {
        let (_, outbox) = outbox();
        let (a, b) = (session(1, 1), session(2, 1));
        outbox.save(a.clone(), 1).unwrap();
        outbox.save(b.clone(), 1).unwrap();
        let results = [result(&b, "applied", Some(1)), result(&b, "applied", None)];
        assert_eq!(
            outbox
                .apply_results(&[a.clone(), b.clone()], &results, AT, 2)
                .unwrap(),
            0
        );
        let conflict_without_current = result(&a, "conflict", Some(2));
        assert_eq!(
            outbox
                .apply_results(&[a], &[conflict_without_current], AT, 2)
                .unwrap(),
            0
        );
        assert_eq!(outbox.counts().get(StateTag::Waiting), 2);
    }

    #[test]
    fn conflicts_are_settled_either_way() {
        let (mine, theirs, edited) = (session(1, 5), session(1, 8), session(1, 6));
        for resolution in [Resolution::KeepMine, Resolution::TakeServer] {
            let (_, outbox) = outbox();
            outbox.save(mine.clone(), 1).unwrap();
            let conflict = SyncResult {
                current: Some(stored(&theirs, 4)),
                ..result(&mine, "conflict", Some(4))
            };
            outbox
                .apply_results(std::slice::from_ref(&mine), &[conflict], AT, 2)
                .unwrap();
            // An edit in conflict stays in conflict, keeping the edit.
            let entry = outbox.save(edited.clone(), 3).unwrap();
            assert_eq!(entry.state.tag(), StateTag::Conflict);
            assert!(outbox.oldest_waiting(10).is_empty());

            outbox.resolve_conflict(&mine.id, resolution, 4).unwrap();
            let entry = outbox.entry(&mine.id).unwrap();
            let record = entry.record.unwrap();
            assert_eq!(record.base_version, 4);
            if resolution == Resolution::KeepMine {
                assert_eq!(entry.state, LocalState::Waiting);
                assert_eq!(record.data, edited.data);
                assert_eq!(outbox.oldest_waiting(10), vec![record]);
            } else {
                assert_eq!(entry.state, LocalState::Synced { version: 4 });
                assert_eq!(record.data, theirs.data);
                assert!(outbox.oldest_waiting(10).is_empty());
            }
        }
    }

    #[test]
    fn keeping_mine_keeps_the_receiving_service_s_confirmation() {
        let (_, outbox) = outbox();
        let mut mine = session(1, 5);
        mine.data = serde_json::json!({"status": "lost", "follow_up_on": "2023-04-01",
                                       "slip_code": "K7QMX3PD9A"});
        let mut theirs = mine.clone();
        theirs.data = serde_json::json!({"status": "accessed", "accessed_on": "2023-03-10",
            "slip_code": "K7QMX3PD9A", "follow_up_on": "2023-03-15",
            "confirmation": {"service_id": "rs-1", "service_name": "TTYT", "outcome": "received",
                             "on": "2023-03-10"}});
        outbox.save(mine.clone(), 1).unwrap();
        let conflict = SyncResult {
            current: Some(stored(&theirs, 2)),
            ..result(&mine, "conflict", Some(2))
        };
        outbox
            .apply_results(std::slice::from_ref(&mine), &[conflict], AT, 2)
            .unwrap();
        outbox
            .resolve_conflict(&mine.id, Resolution::KeepMine, 3)
            .unwrap();
        let record = outbox.entry(&mine.id).unwrap().record.unwrap();
        // The officer's follow-up stays; what the service confirmed comes with it.
        assert_eq!(record.data["follow_up_on"], "2023-04-01");
        assert_eq!(record.data["status"], "accessed");
        assert_eq!(record.data["accessed_on"], "2023-03-10");
        assert_eq!(record.data["confirmation"], theirs.data["confirmation"]);
    }

    #[test]
    fn pulled_records_are_added_and_updated_but_never_overwrite_local_changes() {
        let (_, outbox) = outbox();
        let (a, b, c) = (session(1, 1), session(2, 2), session(3, 3));
        outbox.save(c.clone(), 1).unwrap();
        let pulled = [stored(&a, 1), stored(&b, 2), stored(&session(3, 30), 7)];
        assert_eq!(outbox.restore(&pulled, 5).unwrap(), 2);
        assert_eq!(
            outbox.entry(&a.id).unwrap().state,
            LocalState::Synced { version: 1 }
        );
        assert_eq!(outbox.entry(&b.id).unwrap().record.unwrap().base_version, 2);
        // The local waiting edit of c stays; sync will meet the server's version 7.
        let local_c = outbox.entry(&c.id).unwrap();
        assert_eq!(local_c.state, LocalState::Waiting);
        assert_eq!(local_c.record, Some(c));

        // A newer version updates, an older or equal one does nothing.
        assert_eq!(outbox.restore(&[stored(&session(1, 10), 2)], 6).unwrap(), 1);
        assert_eq!(
            outbox.entry(&a.id).unwrap().record.unwrap().data["reached_male"],
            10
        );
        assert_eq!(
            outbox.restore(&[stored(&a, 1), stored(&b, 2)], 7).unwrap(),
            0
        );
        assert_eq!(outbox.counts().get(StateTag::Synced), 2);
        assert_eq!(outbox.entries().len(), 3);
    }

    #[test]
    fn officers_sharing_a_phone_never_see_each_other_s_records() {
        let memory = Memory::default();
        let first = Outbox::new(memory.clone(), "officer-1");
        let second = Outbox::new(memory.clone(), "officer-2");
        first.save(session(1, 1), 1).unwrap();
        first.keep_org_units(&[]).unwrap();
        assert!(second.entries().is_empty());
        assert_eq!(second.counts().total(), 0);
        assert!(second.entry(&id(1)).is_none());
        assert_eq!(first.entries().len(), 1);
    }

    #[test]
    fn a_full_storage_fails_the_save_and_keeps_everything_stored() {
        let (memory, outbox) = outbox();
        outbox.save(session(1, 1), 1).unwrap();
        outbox
            .keep_draft(&id(2), RecordKind::OutreachSession, draft(&[("a", "b")]), 2)
            .unwrap();
        memory.fill_up(0);
        let before = memory.snapshot();

        assert_eq!(outbox.save(session(3, 1), 3), Err(StoreError::Full));
        assert_eq!(
            outbox.keep_draft(&id(4), RecordKind::Referral, Draft::new(), 3),
            Err(StoreError::Full)
        );
        assert_eq!(outbox.save(session(2, 1), 3), Err(StoreError::Full));
        assert_eq!(memory.snapshot(), before);
        assert_eq!(outbox.entries().len(), 2);

        // Room for the index line but not the item: the index is put back as it was.
        memory.fill_up(60);
        assert_eq!(outbox.save(session(5, 1), 4), Err(StoreError::Full));
        assert_eq!(memory.snapshot(), before);
    }

    #[test]
    fn a_lost_or_broken_index_is_rebuilt_from_the_items() {
        let (memory, outbox) = outbox();
        outbox.save(session(1, 1), 1).unwrap();
        outbox
            .keep_draft(&id(2), RecordKind::Referral, Draft::new(), 2)
            .unwrap();
        outbox.save(session(3, 1), 3).unwrap();
        let expected = tags(&outbox);
        for broken in [
            None,
            Some("not an index"),
            Some("pcmd-outbox-index 1\nxabc"),
        ] {
            match broken {
                None => memory.remove("pcmd.outbox.officer-1.index"),
                Some(text) => memory.set("pcmd.outbox.officer-1.index", text).unwrap(),
            }
            assert_eq!(tags(&outbox), expected);
            assert_eq!(outbox.counts().get(StateTag::Waiting), 2);
            assert_eq!(outbox.entries().len(), 3);
        }
    }

    #[test]
    fn a_record_the_server_failed_on_waits_behind_the_others_with_why() {
        let (_, outbox) = outbox();
        let records: Vec<Record> = (1..=3).map(|n| session(n, 1)).collect();
        for record in &records {
            outbox.save(record.clone(), 1).unwrap();
        }
        let failure = SendFailure { status: 500 };
        outbox.hold(&records[0], failure).unwrap();
        let entry = outbox.entry(&records[0].id).unwrap();
        assert_eq!(
            (entry.state, entry.failed),
            (LocalState::Waiting, Some(failure))
        );
        assert_eq!(outbox.counts().get(StateTag::Waiting), 3);
        let ids = |sent: Vec<Record>| sent.into_iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(ids(outbox.oldest_waiting(10)), [id(2), id(3), id(1)]);
        assert_eq!(ids(outbox.oldest_waiting(2)), [id(2), id(3)]);

        // Its own answer, when it comes, settles it like any other.
        outbox
            .apply_results(
                &records[..1],
                &[result(&records[0], "applied", Some(1))],
                AT,
                2,
            )
            .unwrap();
        let entry = outbox.entry(&records[0].id).unwrap();
        assert_eq!(
            (entry.state, entry.failed),
            (LocalState::Synced { version: 1 }, None)
        );

        // An edit is sent with the others again; an edit made while sending is not held.
        outbox.hold(&records[1], failure).unwrap();
        outbox.save(session(2, 5), 3).unwrap();
        assert_eq!(outbox.entry(&records[1].id).unwrap().failed, None);
        outbox.hold(&records[1], failure).unwrap();
        assert_eq!(outbox.entry(&records[1].id).unwrap().failed, None);
        assert_eq!(ids(outbox.oldest_waiting(10)), [id(2), id(3)]);
    }

    #[test]
    fn a_stale_index_is_repaired_and_never_sends_a_record_twice() {
        let (memory, outbox) = outbox();
        let record = session(1, 1);
        outbox.save(record.clone(), 1).unwrap();
        let waiting_index = memory.get("pcmd.outbox.officer-1.index").unwrap();
        outbox
            .apply_results(
                std::slice::from_ref(&record),
                &[result(&record, "applied", Some(1))],
                AT,
                2,
            )
            .unwrap();
        // As if the index write after the item had failed: it still claims "waiting".
        memory
            .set("pcmd.outbox.officer-1.index", &waiting_index)
            .unwrap();
        // Plus a line whose item was never written.
        let dangling = format!("{waiting_index}\nw{}", id(9));
        memory
            .set("pcmd.outbox.officer-1.index", &dangling)
            .unwrap();
        assert!(outbox.oldest_waiting(10).is_empty());
        assert_eq!(outbox.entries().len(), 1);
        assert_eq!(tags(&outbox), vec![(record.id, StateTag::Synced)]);
    }

    #[test]
    fn search_finds_typed_words_in_any_text_with_or_without_marks() {
        let mut saved = Entry::new_draft(&id(1), RecordKind::OutreachSession, Draft::new(), 1);
        let mut record = session(1, 2);
        record.data["village"] = json!("Bản Nà Khum");
        record.data["notes"] = json!("Phát tờ rơi ở chợ phiên");
        saved.save(record, 1);
        let typing = Entry::new_draft(
            &id(2),
            RecordKind::Business,
            draft(&[
                ("data.name", "Karaoke Hoa Mai"),
                ("occurred_on", "2023-03-02"),
            ]),
            2,
        );
        let entries = [saved, typing];
        let found = |typed: &str| {
            let mut filter = Filter::default();
            filter.search(typed);
            entries
                .iter()
                .filter(|e| filter.matches(e))
                .map(|e| e.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(found("  "), [id(1), id(2)]);
        assert_eq!(found("chợ"), [id(1)]);
        assert_eq!(found("CHO PHIEN"), [id(1)]);
        assert_eq!(found("na khum"), [id(1)]);
        // Decomposed marks (some keyboards) fold the same.
        assert_eq!(found("Ba\u{0309}n"), [id(1)]);
        assert_eq!(found("hoa mai"), [id(2)]);
        assert_eq!(found("hoa khum"), Vec::<String>::new());
        assert_eq!(fold("Đường ĐỒNG"), "duong dong");
    }

    #[test]
    fn filters_and_counts() {
        let mut entries = vec![
            Entry::new_draft(
                &id(1),
                RecordKind::Referral,
                draft(&[("occurred_on", "2023-03-02")]),
                1,
            ),
            Entry::new_draft(&id(2), RecordKind::OutreachSession, Draft::new(), 2),
        ];
        for n in 3..=5 {
            let mut entry = Entry::new_draft(&id(n), RecordKind::OutreachSession, Draft::new(), 3);
            entry.save(session(n, 1), n.into());
            entries.push(entry);
        }
        let count = |filter: Filter| entries.iter().filter(|e| filter.matches(e)).count();
        let day = |d| Date::from_ymd(2023, 3, d);
        assert_eq!(count(Filter::default()), 5);
        assert_eq!(
            count(Filter {
                kind: Some(RecordKind::OutreachSession),
                ..Filter::default()
            }),
            4
        );
        assert_eq!(
            count(Filter {
                state: Some(StateTag::Draft),
                ..Filter::default()
            }),
            2
        );
        // A draft without a date is left out once a date bound is set.
        assert_eq!(
            count(Filter {
                from: day(2),
                ..Filter::default()
            }),
            4
        );
        assert_eq!(
            count(Filter {
                from: day(3),
                to: day(4),
                ..Filter::default()
            }),
            2
        );
        assert_eq!(
            count(Filter {
                to: day(2),
                ..Filter::default()
            }),
            1
        );

        let counts = Counts::of(entries.iter().map(|e| e.state.tag()));
        assert_eq!(
            (counts.get(StateTag::Draft), counts.get(StateTag::Waiting)),
            (2, 3)
        );
        assert_eq!(counts.total(), 5);

        sort_for_list(&mut entries);
        let order: Vec<String> = entries.iter().map(|e| e.id.clone()).collect();
        assert_eq!(order, [id(5), id(4), id(3), id(1), id(2)]);
    }

    #[test]
    fn entries_round_trip_through_json() {
        let mut entry = Entry::new_draft(&id(1), RecordKind::OutreachSession, Draft::new(), 1);
        entry.save(session(1, 4), 2);
        entry.state = LocalState::Conflict {
            current: stored(&session(1, 8), 3),
        };
        let json = serde_json::to_string(&entry).unwrap();
        assert_eq!(serde_json::from_str::<Entry>(&json).unwrap(), entry);
        assert!(json.contains(r#""state":{"conflict":{"current":{"#));
        for tag in StateTag::ALL {
            assert_eq!(StateTag::parse(tag.as_str()), Some(tag));
            assert_eq!(StateTag::from_letter(tag.letter()), Some(tag));
        }
    }

    #[test]
    fn org_units_are_kept_per_officer() {
        let (memory, outbox) = outbox();
        assert!(outbox.org_units().is_empty());
        let unit: OrgUnit = serde_json::from_value(json!({"id": "u1", "code": "03412",
            "name": "Xã Bình Lư", "level": "commune", "parent_id": "u0"}))
        .unwrap();
        outbox.keep_org_units(std::slice::from_ref(&unit)).unwrap();
        assert_eq!(outbox.org_units(), vec![unit]);
        assert!(Outbox::new(memory, "officer-2").org_units().is_empty());
    }

    #[test]
    fn records_come_back_from_the_server_s_json() {
        let (_, outbox) = outbox();
        let record = session(1, 7);
        let page: domain::sync::RecordsPage = serde_json::from_value(json!({
            "records": [{"id": record.id, "kind": "outreach_session", "org_unit_id": "u-03412",
                "occurred_on": "2023-03-01", "voided": false, "data": record.data, "version": 3,
                "updated_at": "2023-03-04T01:02:03Z", "updated_by": "officer-2"}],
            "next_cursor": "c1"}))
        .unwrap();
        assert_eq!(outbox.restore(&page.records, 1).unwrap(), 1);
        let entry = outbox.entry(&record.id).unwrap();
        assert_eq!(entry.state, LocalState::Synced { version: 3 });
        assert_eq!(
            entry.record,
            Some(Record {
                base_version: 3,
                ..record
            })
        );
        outbox.keep_cursor(&page.next_cursor).unwrap();
        assert_eq!(outbox.cursor().as_deref(), Some("c1"));
    }

    #[test]
    fn a_moved_officer_pulls_again_from_the_start_and_keeps_every_record() {
        let (_, outbox) = outbox();
        let waiting = session(1, 1);
        outbox.save(waiting.clone(), 1).unwrap();
        outbox.restore(&[stored(&session(2, 2), 2)], 2).unwrap();
        outbox.keep_cursor("c9").unwrap();
        outbox.keep_org_units(&[]).unwrap();
        outbox.unit_changed();
        assert_eq!(outbox.cursor(), None);
        assert_eq!(outbox.entries().len(), 2);
        assert_eq!(outbox.unsent(), 1);
        // The same record pulled again is the same entry, not a second one.
        outbox.restore(&[stored(&session(2, 2), 2)], 3).unwrap();
        assert_eq!(outbox.entries().len(), 2);
    }

    #[test]
    fn signing_out_keeps_only_what_the_server_does_not_have() {
        let (memory, outbox) = outbox();
        let (a, b) = (session(1, 1), session(2, 2));
        outbox.save(a.clone(), 1).unwrap();
        outbox.save(b.clone(), 1).unwrap();
        outbox
            .apply_results(
                std::slice::from_ref(&a),
                &[result(&a, "applied", Some(1))],
                AT,
                2,
            )
            .unwrap();
        outbox
            .keep_draft(&id(3), RecordKind::Referral, draft(&[("a", "b")]), 3)
            .unwrap();
        outbox.restore(&[stored(&session(4, 4), 2)], 4).unwrap();
        outbox.keep_cursor("c9").unwrap();
        outbox.keep_session_token("tok").unwrap();
        outbox.keep_org_units(&[]).unwrap();
        assert_eq!(outbox.unsent(), 2);

        assert_eq!(outbox.forget_synced(), 2);
        let ids: Vec<String> = outbox.entries().into_iter().map(|e| e.id).collect();
        assert_eq!(ids, [b.id.clone(), id(3)]);
        assert_eq!(outbox.cursor(), None);
        assert_eq!(outbox.session_token(), None);
        assert_eq!(outbox.oldest_waiting(10), vec![b]);
        let left: Vec<String> = memory.keys("pcmd.outbox.officer-1.");
        assert_eq!(left.len(), 3, "{left:?}");

        // With nothing unsent, nothing of the officer stays.
        let (memory, outbox) = self::outbox();
        outbox.save(a.clone(), 1).unwrap();
        outbox
            .apply_results(
                std::slice::from_ref(&a),
                &[result(&a, "applied", Some(1))],
                AT,
                2,
            )
            .unwrap();
        assert_eq!(outbox.forget_synced(), 0);
        assert!(memory.keys("pcmd.outbox.officer-1.").is_empty());
    }
}
