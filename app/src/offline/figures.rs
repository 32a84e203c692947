//! The last indicator figures fetched on this phone, per officer and period
//! (`pcmd.indicators.<officer>.<year>.<quarter>`), so the dashboard and the print page open
//! without signal and say how old their figures are. Aggregates only, never a record. Kept apart
//! from the outbox and few in number, so they never crowd out a record waiting to be sent.

use super::keys;
use super::outbox::{KeyValue, StoreError};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};

/// Periods kept per officer; saving another drops the oldest.
const KEPT_PERIODS: usize = 8;

/// Figures as fetched, and when (ms since 1970).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Kept<T> {
    pub at: u64,
    pub figures: T,
}

/// Keeps `figures` of `year`, `quarter` for the officer, replacing the period's older copy and
/// dropping the officer's oldest periods beyond [`KEPT_PERIODS`].
pub fn keep_figures<S: KeyValue, T: Serialize>(
    store: &S,
    officer_id: &str,
    year: i32,
    quarter: u32,
    figures: &T,
    at: u64,
) -> Result<(), StoreError> {
    let this = keys::figures(officer_id, year, quarter);
    let json = serde_json::to_string(&Kept { at, figures }).map_err(|_| StoreError::Unavailable)?;
    let mut others: Vec<(u64, String)> = store
        .keys(&keys::figures_prefix(officer_id))
        .into_iter()
        .filter(|other| *other != this)
        .map(|other| {
            let at = store
                .get(&other)
                .and_then(|text| serde_json::from_str::<Kept<IgnoredAny>>(&text).ok())
                .map_or(0, |kept| kept.at);
            (at, other)
        })
        .collect();
    others.sort();
    let excess = (others.len() + 1).saturating_sub(KEPT_PERIODS);
    for (_, old) in others.iter().take(excess) {
        store.remove(old);
    }
    store.set(&this, &json)
}

/// Removes every period the officer kept (signing out).
pub fn forget_figures<S: KeyValue>(store: &S, officer_id: &str) {
    for key in store.keys(&keys::figures_prefix(officer_id)) {
        store.remove(&key);
    }
}

/// The officer's last figures of `year`, `quarter` on this phone, if any could be read.
pub fn kept_figures<S: KeyValue, T: DeserializeOwned>(
    store: &S,
    officer_id: &str,
    year: i32,
    quarter: u32,
) -> Option<Kept<T>> {
    serde_json::from_str(&store.get(&keys::figures(officer_id, year, quarter))?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    #[derive(Default)]
    struct Memory(RefCell<BTreeMap<String, String>>);

    impl KeyValue for Memory {
        fn get(&self, key: &str) -> Option<String> {
            self.0.borrow().get(key).cloned()
        }

        fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
            self.0.borrow_mut().insert(key.into(), value.into());
            Ok(())
        }

        fn remove(&self, key: &str) {
            self.0.borrow_mut().remove(key);
        }

        fn keys(&self, prefix: &str) -> Vec<String> {
            self.0
                .borrow()
                .keys()
                .filter(|key| key.starts_with(prefix))
                .cloned()
                .collect()
        }
    }

    #[test]
    fn figures_are_kept_per_officer_and_period() {
        let memory = Memory::default();
        keep_figures(&memory, "a", 2023, 2, &vec![1, 2], 100).unwrap();
        keep_figures(&memory, "a", 2023, 2, &vec![3], 200).unwrap();
        let kept: Kept<Vec<i32>> = kept_figures(&memory, "a", 2023, 2).unwrap();
        assert_eq!(
            kept,
            Kept {
                at: 200,
                figures: vec![3]
            }
        );
        assert!(kept_figures::<_, Vec<i32>>(&memory, "a", 2023, 1).is_none());
        assert!(kept_figures::<_, Vec<i32>>(&memory, "b", 2023, 2).is_none());
        assert!(memory.get("pcmd.indicators.a.2023.2").is_some());
    }

    #[test]
    fn only_the_latest_periods_stay() {
        let memory = Memory::default();
        keep_figures(&memory, "b", 2024, 1, &0, 5).unwrap();
        for quarter in 1..=4 {
            for year in [2023, 2022] {
                keep_figures(&memory, "a", year, quarter, &quarter, 10 * quarter as u64).unwrap();
            }
        }
        keep_figures(&memory, "a", 2021, 1, &9, 50).unwrap();
        assert_eq!(memory.keys("pcmd.indicators.a.").len(), KEPT_PERIODS);
        assert!(kept_figures::<_, u32>(&memory, "a", 2021, 1).is_some());
        let dropped = kept_figures::<_, u32>(&memory, "a", 2023, 1).is_none()
            || kept_figures::<_, u32>(&memory, "a", 2022, 1).is_none();
        assert!(dropped, "one of the two oldest went");
        assert!(
            kept_figures::<_, u32>(&memory, "b", 2024, 1).is_some(),
            "another officer's figures stay"
        );
    }
}
