//! The referral slip code (`data.slip_code`): what a person referred hands to the receiving
//! service, which confirms with it that they came. Made on the phone, offline, from the browser's
//! random generator; it says nothing about the person and is unrelated to their client code.
//!
//! Nine random symbols and a check symbol, ten in all, shown in two groups (`K7QMX-3PD9A`). The
//! symbols are `0-9A-Z` without `0 1 I L O`, which are misread and misheard; the check is the
//! client code's Damm check over `0-9A-Z` (`client_code::check_symbol`), so one wrong symbol and
//! two swapped neighbours are always caught. A body whose check would be a left-out symbol is
//! drawn again. About 44 bits: a slip cannot be guessed, and the server limits tries per account.

use std::fmt;

use serde::Serialize;

use crate::client_code::{check_symbol, running_value};

/// The symbols a slip code is written with.
const SYMBOLS: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Random symbols before the check symbol.
const BODY: usize = 9;
pub const SLIP_CODE_LEN: usize = BODY + 1;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SlipCode(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlipCodeError {
    /// Not ten symbols of the slip's alphabet, spaces and dashes aside.
    Malformed,
    /// Ten symbols, but one is wrong or two are swapped.
    CheckMismatch,
}

impl SlipCode {
    /// The code made from random bytes (the phone's `crypto.getRandomValues`): the first ones
    /// that give a body whose check symbol is readable.
    pub fn from_random(random: &[u8]) -> Option<SlipCode> {
        random.chunks_exact(8).find_map(|chunk| {
            let mut value = u64::from_le_bytes(chunk.try_into().ok()?);
            let mut code = String::with_capacity(SLIP_CODE_LEN);
            for _ in 0..BODY {
                code.push(char::from(SYMBOLS[(value % 31) as usize]));
                value /= 31;
            }
            let check = check_symbol(running_value(&code));
            SYMBOLS.contains(&(check as u8)).then(|| {
                code.push(check);
                SlipCode(code)
            })
        })
    }

    /// Reads a code as typed or scanned: any case, spaces and dashes forgiven.
    pub fn parse(text: &str) -> Result<SlipCode, SlipCodeError> {
        let code: String = text
            .chars()
            .filter(|&c| !c.is_whitespace() && c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if code.len() != SLIP_CODE_LEN || !code.bytes().all(|b| SYMBOLS.contains(&b)) {
            return Err(SlipCodeError::Malformed);
        }
        if running_value(&code) != 0 {
            return Err(SlipCodeError::CheckMismatch);
        }
        Ok(SlipCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// In two groups of five, as the slip shows it and as it is read aloud.
impl fmt::Display for SlipCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", &self.0[..5], &self.0[5..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// splitmix64: the same codes every run.
    fn random_source(seed: u64) -> impl FnMut() -> [u8; 16] {
        let mut state = seed;
        move || {
            let mut bytes = [0; 16];
            for half in bytes.chunks_exact_mut(8) {
                state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                half.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
            }
            bytes
        }
    }

    fn codes(count: usize) -> Vec<SlipCode> {
        let mut random = random_source(2025);
        (0..count)
            .map(|_| loop {
                if let Some(code) = SlipCode::from_random(&random()) {
                    break code;
                }
            })
            .collect()
    }

    #[test]
    fn a_code_is_ten_readable_symbols_that_parse_back() {
        for code in codes(1000) {
            assert_eq!(code.as_str().len(), 10);
            assert!(
                code.as_str().bytes().all(|b| SYMBOLS.contains(&b)),
                "{code}"
            );
            assert_eq!(SlipCode::parse(code.as_str()), Ok(code.clone()));
            let typed = code.to_string().to_lowercase().replace('-', " - ");
            assert_eq!(SlipCode::parse(&typed), Ok(code));
        }
    }

    #[test]
    fn every_wrong_symbol_is_caught() {
        for code in codes(200) {
            for at in 0..SLIP_CODE_LEN {
                for &symbol in SYMBOLS {
                    let mut typo = code.as_str().as_bytes().to_vec();
                    if typo[at] == symbol {
                        continue;
                    }
                    typo[at] = symbol;
                    let typo = String::from_utf8(typo).unwrap();
                    assert_eq!(
                        SlipCode::parse(&typo),
                        Err(SlipCodeError::CheckMismatch),
                        "{typo}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_swap_of_neighbours_is_caught() {
        for code in codes(2000) {
            for at in 0..SLIP_CODE_LEN - 1 {
                let mut swapped = code.as_str().as_bytes().to_vec();
                if swapped[at] == swapped[at + 1] {
                    continue;
                }
                swapped.swap(at, at + 1);
                let swapped = String::from_utf8(swapped).unwrap();
                assert_eq!(
                    SlipCode::parse(&swapped),
                    Err(SlipCodeError::CheckMismatch),
                    "{swapped}"
                );
            }
        }
    }

    #[test]
    fn no_two_slips_alike_over_a_million() {
        let made = codes(1_000_000);
        let distinct: HashSet<&str> = made.iter().map(SlipCode::as_str).collect();
        assert_eq!(distinct.len(), made.len());
    }

    #[test]
    fn misread_symbols_and_other_lengths_are_refused() {
        let code = codes(1).remove(0);
        for bad in [
            "",
            "ABC",
            "K7QMX3PD9AZ",
            "K7QMX-3PD9",
            "O7QMX3PD9A",
            "I7QMX3PD9A",
            "17QMX3PD9A",
        ] {
            assert_eq!(SlipCode::parse(bad), Err(SlipCodeError::Malformed), "{bad}");
        }
        assert_eq!(code.to_string().len(), 11);
        assert_eq!(&code.to_string()[5..6], "-");
        // Nothing readable comes out of bytes that never give a readable check symbol.
        assert_eq!(SlipCode::from_random(&[0; 7]), None);
    }
}
