//! The unlocked officer's storage: every item of theirs (outbox, cached figures, session) held
//! decrypted in memory while the app is unlocked, and written through to the phone's storage
//! encrypted, one write after another in the order they were made.
//!
//! Reads and writes are synchronous, as the outbox expects; encryption (WebCrypto) is not, so each
//! write waits in a queue until the browser side has encrypted and stored it. Because the queue
//! keeps the order, the stored items go through the same states as the memory does, and the
//! outbox's ordering rules (see `outbox`) still hold after a crash. When storing fails (quota), the
//! failed write and every write queued after it are undone in memory, so memory equals storage
//! again and the caller waiting on the flush learns it; nothing stored before is touched.
//!
//! Plain Rust: the browser side drives the queue, the tests drive it by hand.

use std::collections::{BTreeMap, VecDeque};

use super::keys;
use super::outbox::StoreError;

/// Where an officer's items live in the phone's storage.
pub fn prefixes(officer_id: &str) -> [String; 2] {
    [
        keys::outbox_prefix(officer_id),
        keys::figures_prefix(officer_id),
    ]
}

/// A write on its way to storage, with what memory held before it, to undo it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Write {
    pub key: String,
    /// `None` removes the item.
    pub value: Option<String>,
    before: Option<String>,
}

#[derive(Debug, Default)]
pub struct Vault {
    officer_id: String,
    items: BTreeMap<String, String>,
    queue: VecDeque<Write>,
}

impl Vault {
    /// The officer's items as decrypted from storage.
    pub fn new(officer_id: &str, items: BTreeMap<String, String>) -> Vault {
        Vault {
            officer_id: officer_id.to_string(),
            items,
            queue: VecDeque::new(),
        }
    }

    pub fn officer_id(&self) -> &str {
        &self.officer_id
    }

    /// Whether `key` is one of this officer's: a vault never writes anyone else's items.
    pub fn owns(&self, key: &str) -> bool {
        prefixes(&self.officer_id)
            .iter()
            .any(|prefix| key.starts_with(prefix.as_str()))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.items.get(key).map(String::as_str)
    }

    pub fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        if !self.owns(key) {
            return Err(StoreError::Unavailable);
        }
        let before = self.items.insert(key.to_string(), value.to_string());
        self.queue.push_back(Write {
            key: key.to_string(),
            value: Some(value.to_string()),
            before,
        });
        Ok(())
    }

    pub fn remove(&mut self, key: &str) {
        if !self.owns(key) {
            return;
        }
        if let Some(before) = self.items.remove(key) {
            self.queue.push_back(Write {
                key: key.to_string(),
                value: None,
                before: Some(before),
            });
        }
    }

    pub fn keys(&self, prefix: &str) -> Vec<String> {
        self.items
            .range(prefix.to_string()..)
            .take_while(|(key, _)| key.starts_with(prefix))
            .map(|(key, _)| key.clone())
            .collect()
    }

    /// The oldest write not stored yet.
    pub fn next_write(&self) -> Option<&Write> {
        self.queue.front()
    }

    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// The oldest write is stored.
    pub fn written(&mut self) {
        self.queue.pop_front();
    }

    /// The oldest write could not be stored: it and every later one are undone, newest first.
    pub fn write_failed(&mut self) {
        while let Some(write) = self.queue.pop_back() {
            match write.before {
                Some(before) => self.items.insert(write.key, before),
                None => self.items.remove(&write.key),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> Vault {
        let mut items = BTreeMap::new();
        items.insert("pcmd.outbox.a.index".to_string(), "i0".to_string());
        Vault::new("a", items)
    }

    #[test]
    fn writes_wait_in_order_and_reads_see_them_at_once() {
        let mut vault = vault();
        vault.set("pcmd.outbox.a.rec.1", "r1").unwrap();
        vault.set("pcmd.outbox.a.index", "i1").unwrap();
        vault.remove("pcmd.outbox.a.rec.1");
        assert_eq!(vault.get("pcmd.outbox.a.index"), Some("i1"));
        assert_eq!(vault.get("pcmd.outbox.a.rec.1"), None);
        let mut order = Vec::new();
        while let Some(write) = vault.next_write() {
            order.push((write.key.clone(), write.value.clone()));
            vault.written();
        }
        assert_eq!(
            order,
            [
                ("pcmd.outbox.a.rec.1".to_string(), Some("r1".to_string())),
                ("pcmd.outbox.a.index".to_string(), Some("i1".to_string())),
                ("pcmd.outbox.a.rec.1".to_string(), None),
            ]
        );
    }

    #[test]
    fn a_failed_write_undoes_it_and_everything_after_it() {
        let mut vault = vault();
        vault.set("pcmd.outbox.a.rec.1", "r1").unwrap();
        vault.written();
        vault.set("pcmd.outbox.a.index", "i1").unwrap();
        vault.set("pcmd.outbox.a.rec.2", "r2").unwrap();
        vault.set("pcmd.outbox.a.rec.1", "r1b").unwrap();
        vault.remove("pcmd.outbox.a.rec.1");
        vault.write_failed();
        assert_eq!(vault.pending(), 0);
        assert_eq!(vault.get("pcmd.outbox.a.index"), Some("i0"));
        assert_eq!(vault.get("pcmd.outbox.a.rec.1"), Some("r1"));
        assert_eq!(vault.get("pcmd.outbox.a.rec.2"), None);
        assert_eq!(vault.keys("pcmd.outbox.a.").len(), 2);
    }

    #[test]
    fn only_the_officer_s_own_keys_are_written() {
        let mut vault = vault();
        assert_eq!(
            vault.set("pcmd.outbox.b.rec.1", "x"),
            Err(StoreError::Unavailable)
        );
        assert_eq!(
            vault.set("pcmd.officers", "x"),
            Err(StoreError::Unavailable)
        );
        vault.remove("pcmd.outbox.ab.rec.1");
        assert_eq!(vault.pending(), 0);
        vault.set("pcmd.indicators.a.2023.1", "f").unwrap();
        assert_eq!(
            vault.keys("pcmd.indicators.a."),
            ["pcmd.indicators.a.2023.1"]
        );
        assert_eq!(vault.keys("pcmd.outbox.a.rec."), Vec::<String>::new());
    }
}
