//! The pure domain core shared by the phone (wasm) and the server: record kinds, validation,
//! client codes. No I/O, no web or database crates, so it compiles and tests in seconds.
//!
//! - [`Record`] is the sync envelope of `API.md`; [`validate`] (typed envelope) and
//!   [`validate_value`] (raw JSON) turn one into a [`ValidRecord`] holding typed [`RecordData`],
//!   or into every [`FieldError`] at once. The same code runs offline on the phone and again on
//!   the server. [`unit_date_error`] checks the record's date against the life of its org unit,
//!   which the record alone does not tell.
//! - Each record kind lives in its own module under `kinds/`: its typed data, its closed lists
//!   and its reader; `kinds/mod.rs` is the one list of kinds ([`RecordKind`], [`RecordData`]).
//! - [`ClientCode`] and [`ClientCodeRecipe`]: the pseudonymous code of a person supported, made on
//!   the phone from non-identifying answers, with a check character that catches typos.
//! - Every closed list an officer picks from implements [`Coded`]: `ALL`, the wire code, and a
//!   Vietnamese and English label.
//! - [`api`]: the wire contract, every JSON shape the server answers with; [`plan`] (a unit's
//!   yearly plan) and [`sync`] hold their parts of it.

pub mod api;
mod client_code;
mod coded;
mod date;
mod error;
pub mod follow_up;
pub mod indicator;
mod kinds;
mod personal;
pub mod plan;
mod reader;
mod record;
mod referral_types;
pub mod report;
mod slip_code;
pub mod sync;
mod unit;
mod validate;

pub use client_code::{
    ClientAnswers, ClientCode, ClientCodeError, ClientCodeRecipe, CodePart, Separator,
};
pub use coded::{Coded, UnknownCode};
pub use date::{Date, InvalidDate};
pub use error::{ErrorCode, FieldError};
// Every kind's data and lists, as `kinds/mod.rs` names them: a new kind adds nothing here.
pub use kinds::*;
pub use record::Record;
pub use referral_types::ReferralService;
pub use slip_code::{SlipCode, SlipCodeError, SLIP_CODE_LEN};
pub use unit::{unit_closed_message, unit_date_error, unit_not_yet_open_message};
pub use validate::{
    validate, validate_value, ValidRecord, MAX_COUNT, MAX_FINE_VND, MAX_LONG_TEXT, MAX_TEXT,
};

use serde::{Deserialize, Serialize};

/// The language of what users read: Vietnamese first, English second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_codes_round_trip_and_default_is_vietnamese() {
        assert_eq!(Lang::default(), Lang::Vi);
        for lang in [Lang::Vi, Lang::En] {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_eq!(serde_json::to_value(lang).unwrap(), lang.code());
        }
        assert_eq!(Lang::from_code("fr"), None);
    }
}
