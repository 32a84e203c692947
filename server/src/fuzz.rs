//! `server fuzz-sync`: hostile sync bodies through everything a batch meets before the store: the
//! body decoder (axum's `Json`, as the handler), the batch limits, the domain's validation, scope
//! and unit life, the decision against what is held, and the answer's encoding. A panic anywhere
//! there would be a 500 for every phone that sends such a body, so the run counts panics and keeps
//! the first bodies that caused one.
//!
//! Bodies start from the demo's records (every kind), then get one of: mutated fields (deleted,
//! retyped, extreme numbers, hostile text: control, bidi, zero-width, combining, huge, NUL), random
//! JSON of any shape, or bytes cut, flipped or spliced (lone surrogates, invalid UTF-8). What the
//! batch applies is held for the next bodies, so updates, conflicts and retries are decided too.

use crate::dice::Dice;
use crate::model::{HeldRecord, Officer, OrgUnit, Role, UnitRef};
use crate::scope::Scope;
use crate::sync::{decide_offline, Sender};
use axum::Json;
use domain::sync::{SyncRequest, SyncResponse, MAX_BATCH, MAX_BATCH_BYTES};
use domain::Coded;
use domain::{Date, Lang};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What a run found.
#[derive(Debug, Default)]
pub struct Findings {
    pub inputs: u64,
    /// Bodies the decoder accepted as a sync request.
    pub decoded: u64,
    /// Records of decoded bodies that reached the checks, and of them, those applied.
    pub records: u64,
    pub applied: u64,
    pub panics: u64,
    /// The first bodies that panicked (at most [`KEPT`]), with the panic's message.
    pub first_panics: Vec<(String, Vec<u8>)>,
}

const KEPT: usize = 5;
/// Held records are forgotten past this many, to keep a long run's memory flat.
const HELD_MAX: usize = 20_000;

/// Runs `inputs` bodies made from `seed`; the same seed gives the same bodies.
pub fn run(inputs: u64, seed: u64) -> Findings {
    let mut world = World::new(seed);
    let mut findings = Findings::default();
    for _ in 0..inputs {
        let body = world.body();
        findings.inputs += 1;
        match catch_unwind(AssertUnwindSafe(|| world.exercise(&body))) {
            Ok(Some((records, applied))) => {
                findings.decoded += 1;
                findings.records += records;
                findings.applied += applied;
            }
            Ok(None) => {}
            Err(payload) => {
                findings.panics += 1;
                if findings.first_panics.len() < KEPT {
                    let message = payload
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    findings.first_panics.push((message, body));
                }
            }
        }
    }
    findings
}

struct World {
    dice: Dice,
    corpus: Vec<Value>,
    units: HashMap<String, OrgUnit>,
    senders: Vec<(Officer, Scope)>,
    held: HashMap<String, HeldRecord>,
    today: Date,
}

impl World {
    fn new(seed: u64) -> World {
        let today = Date::from_ymd(2026, 12, 1).expect("a date");
        let units = crate::seed::reference_data()
            .expect("the reference data")
            .units;
        let senders = [
            (Role::ProvinceOfficer, "ou-12"),
            (Role::CommuneOfficer, "ou-03390-20250701"),
            (Role::DistrictOfficer, "ou-106"),
            (Role::HealthOfficer, "ou-12"),
        ]
        .map(|(role, unit)| (officer(role, unit), Scope::new(role, unit, &units)))
        .to_vec();
        World {
            dice: Dice(seed),
            corpus: crate::demo::generated(today),
            units: units
                .into_iter()
                .map(|unit| (unit.id.clone(), unit))
                .collect(),
            senders,
            held: HashMap::new(),
            today,
        }
    }

    /// The records and applied records of a body the decoder took, or none.
    fn exercise(&mut self, body: &[u8]) -> Option<(u64, u64)> {
        // The handler's body limit refuses these before the decoder.
        if body.len() > MAX_BATCH_BYTES {
            return None;
        }
        let Json(request) = Json::<SyncRequest>::from_bytes(body).ok()?;
        if request.records.len() > MAX_BATCH || uuid::Uuid::try_parse(&request.device_id).is_err() {
            return Some((0, 0));
        }
        let (officer, scope) = &self.senders[self.dice.between(0, 3) as usize];
        let sender = Sender {
            officer,
            scope,
            ip: "127.0.0.1",
            device_id: &request.device_id,
            by_phone: true,
        };
        let stored = request
            .records
            .iter()
            .filter_map(|raw| raw.get("id")?.as_str())
            .filter_map(|id| self.held.get(id).cloned())
            .collect();
        let lang = if self.dice.chance(50) {
            Lang::Vi
        } else {
            Lang::En
        };
        let (results, versions, _audit) = decide_offline(
            &request.records,
            stored,
            &sender,
            &self.units,
            self.today,
            0,
            lang,
        )
        .ok()?;
        assert_eq!(
            results.len(),
            request.records.len(),
            "one result per record"
        );
        serde_json::to_vec(&SyncResponse {
            server_time: "2026-12-01T00:00:00Z".into(),
            results,
        })
        .expect("the answer encodes");
        let applied = versions.len() as u64;
        if self.held.len() > HELD_MAX {
            self.held.clear();
        }
        for version in versions {
            let created_by = self
                .held
                .get(&version.row.id)
                .map_or_else(|| officer.id.clone(), |held| held.created_by.clone());
            let id = version.row.id.clone();
            self.held.insert(
                id,
                HeldRecord {
                    row: version.row,
                    created_by,
                },
            );
        }
        Some((request.records.len() as u64, applied))
    }

    fn body(&mut self) -> Vec<u8> {
        match self.dice.between(0, 9) {
            0 => serde_json::to_vec(&self.random_value(0)).expect("JSON"),
            1..=2 => {
                let mut bytes = serde_json::to_vec(&self.batch()).expect("JSON");
                self.damage(&mut bytes);
                bytes
            }
            _ => serde_json::to_vec(&self.batch()).expect("JSON"),
        }
    }

    /// A batch of demo records, some sent again as updates of what is held, each maybe mutated.
    fn batch(&mut self) -> Value {
        let count = match self.dice.between(0, 99) {
            0 => MAX_BATCH as i64 + self.dice.between(-1, 1),
            1..=10 => 0,
            _ => self.dice.between(1, 8),
        };
        let mut records = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let mut record = self.dice.pick(&self.corpus).clone();
            if self.dice.chance(50) {
                record["id"] = json!(self.dice.id());
            }
            if let Some(held) = self.held.get(record["id"].as_str().unwrap_or_default()) {
                if self.dice.chance(70) {
                    record["base_version"] = json!(held.row.version);
                }
            }
            // Some go through whole, so that updates, retries and conflicts are decided too.
            let mutations = if self.dice.chance(40) {
                0
            } else {
                self.dice.between(1, 4)
            };
            for _ in 0..mutations {
                self.mutate(&mut record, 0);
            }
            records.push(record);
        }
        let device_id = if self.dice.chance(95) {
            json!(self.dice.id())
        } else {
            self.random_value(2)
        };
        let mut body = json!({"device_id": device_id, "records": records});
        if self.dice.chance(5) {
            self.mutate(&mut body, 0);
        }
        body
    }

    /// Changes one place somewhere inside `value`.
    fn mutate(&mut self, value: &mut Value, depth: usize) {
        match value {
            Value::Object(map) if !map.is_empty() && depth < 6 => {
                let keys: Vec<String> = map.keys().cloned().collect();
                let key = self.dice.pick(&keys).clone();
                match self.dice.between(0, 9) {
                    0 => {
                        map.remove(&key);
                    }
                    1 => {
                        let text = self.text();
                        let unknown = self.random_value(1);
                        map.insert(text, unknown);
                    }
                    2..=4 => {
                        let replacement = self.random_value(2);
                        map.insert(key, replacement);
                    }
                    _ => self.mutate(map.get_mut(&key).expect("a key of the map"), depth + 1),
                }
            }
            Value::Array(items) if !items.is_empty() && depth < 6 => {
                let at = self.dice.between(0, items.len() as i64 - 1) as usize;
                match self.dice.between(0, 3) {
                    0 => {
                        items.remove(at);
                    }
                    1 => items.push(self.random_value(1)),
                    _ => self.mutate(&mut items[at], depth + 1),
                }
            }
            Value::String(_) if self.dice.chance(70) => *value = Value::String(self.text()),
            Value::Number(_) if self.dice.chance(70) => *value = self.number(),
            _ => *value = self.random_value(2),
        }
    }

    fn random_value(&mut self, depth: usize) -> Value {
        let deep = depth > 4;
        match self.dice.between(0, if deep { 3 } else { 5 }) {
            0 => Value::Null,
            1 => Value::Bool(self.dice.chance(50)),
            2 => self.number(),
            3 => Value::String(self.text()),
            4 => {
                let items = self.dice.between(0, 4);
                (0..items).map(|_| self.random_value(depth + 1)).collect()
            }
            _ => {
                let mut map = Map::new();
                for _ in 0..self.dice.between(0, 4) {
                    let key = if self.dice.chance(60) {
                        self.dice.pick(&FIELD_NAMES).to_string()
                    } else {
                        self.text()
                    };
                    map.insert(key, self.random_value(depth + 1));
                }
                Value::Object(map)
            }
        }
    }

    fn number(&mut self) -> Value {
        match self.dice.between(0, 9) {
            0 => json!(i64::MAX),
            1 => json!(i64::MIN),
            2 => json!(u64::MAX),
            3 => json!(f64::MAX),
            4 => json!(-0.0),
            5 => json!(0.5),
            6 => json!(self.dice.between(-3, 3)),
            7 => json!(i32::MAX as i64 + 1),
            _ => json!(self.dice.between(0, 100_000)),
        }
    }

    /// Text an officer, a broken phone or an attacker might send.
    fn text(&mut self) -> String {
        let pieces = self.dice.between(0, 6);
        let mut text = String::new();
        for _ in 0..pieces {
            match self.dice.between(0, 9) {
                0 => text.push_str(&"ạ".repeat(self.dice.between(1, 40_000) as usize)),
                1 => text.push(char::from_u32(self.dice.between(0, 0x1f) as u32).unwrap_or('x')),
                2 => {
                    let code = self.dice.between(0, 0x10ffff) as u32;
                    text.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                _ => {
                    let piece: &&str = self.dice.pick(&HOSTILE_TEXT);
                    text.push_str(piece);
                }
            }
        }
        text
    }

    /// Cuts, flips or splices the encoded body.
    fn damage(&mut self, bytes: &mut Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        let at = self.dice.between(0, bytes.len() as i64 - 1) as usize;
        match self.dice.between(0, 4) {
            0 => bytes.truncate(at),
            1 => bytes[at] ^= 1 << self.dice.between(0, 7),
            2 => bytes[at] = self.dice.between(0x80, 0xff) as u8,
            3 => {
                let splice = self.dice.pick(&RAW_SPLICES).as_bytes();
                bytes.splice(at..at, splice.iter().copied());
            }
            _ => {
                let end = self.dice.between(at as i64, bytes.len() as i64) as usize;
                bytes.drain(at..end);
            }
        }
    }
}

fn officer(role: Role, unit: &str) -> Officer {
    Officer {
        id: format!("fuzz-{}", role.as_str()),
        username: role.as_str().replace('_', ""),
        display_name: "Fuzz".into(),
        role,
        org_unit: UnitRef {
            id: unit.into(),
            code: unit.trim_start_matches("ou-").into(),
            name: unit.into(),
        },
        receiving_service: None,
        disabled: false,
        created_at: 0,
        updated_at: 0,
    }
}

const FIELD_NAMES: [&str; 16] = [
    "id",
    "kind",
    "org_unit_id",
    "occurred_on",
    "base_version",
    "voided",
    "data",
    "client_code",
    "notes",
    "business_id",
    "consent",
    "referral_type",
    "reached_male",
    "reached_female",
    "status",
    "__proto__",
];

const HOSTILE_TEXT: [&str; 24] = [
    "",
    " ",
    "\u{0}",
    "\u{202e}evil",
    "\u{200b}",
    "\u{feff}",
    "e\u{301}",
    "Nguyễn Thị Lan",
    "Nguye\u{302}\u{303}n",
    "👩‍👩‍👧",
    "0912 345 678",
    "+84912345678",
    "001234567890",
    "a@b.vn",
    "2023-02-30",
    "9999-12-31",
    "0000-01-01",
    "2025-07-01",
    "ou-12",
    "ou-03390-20250701",
    "ou-../../etc",
    "00000000-0000-0000-0000-000000000000",
    "outreach_session",
    "'; DROP TABLE records; --",
];

const RAW_SPLICES: [&str; 8] = [
    "\"\\ud800\"",
    "\\udfff",
    "\"\\u0000\"",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "1e99999",
    ",,",
    "{\"id\":1,\"id\":2}",
    "\u{fffd}",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// A short run in every test pass; `scripts/fuzz` runs a million.
    #[test]
    fn hostile_sync_bodies_never_panic() {
        let findings = run(1_500, 0x5eed);
        assert_eq!(findings.panics, 0, "{:?}", findings.first_panics);
        // The generator reaches the decisions, not only the decoder's refusals.
        assert!(findings.decoded > 700, "{findings:?}");
        assert!(findings.applied > 100, "{findings:?}");
        assert!(findings.records > findings.applied, "{findings:?}");
    }

    #[test]
    fn a_seed_gives_the_same_bodies() {
        let mut one = World::new(7);
        let mut two = World::new(7);
        for _ in 0..50 {
            assert_eq!(one.body(), two.body());
        }
    }
}
