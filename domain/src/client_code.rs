//! Pseudonymous client codes: how a person supported is told apart without a name.
//!
//! The officer's phone asks non-identifying questions (the first letter of the mother's and the
//! father's given name, the birth year, the sex) and builds a short code from the answers, so the
//! same person gets the same code at every visit and in every commune, and indicator PCMD-HT01
//! can count distinct people. Only the code is stored; the answers never leave the form.
//!
//! # Recipe
//! The province sets the standard, so the recipe is data: [`ClientCodeRecipe`] lists the parts in
//! order and an optional separator for display. The default is mother's initial, father's initial,
//! birth year, sex (`F`, `M`, `X` for other), then one check character, written without
//! separators. An initial is the first letter of the last word typed, since Vietnamese and Hmong
//! names put the given name last ("Nguyễn Thị Mai" gives `M`); Vietnamese letters lose their marks
//! (`Đ` → `D`, `Ư`, `Ừ` → `U`).
//!
//! ```
//! use domain::{ClientAnswers, ClientCode, ClientCodeRecipe, Sex};
//!
//! let answers = ClientAnswers {
//!     mother_given_name: "Mai".into(),
//!     father_given_name: "Đặng Văn Tuấn".into(),
//!     birth_year: 1990,
//!     sex: Sex::Female,
//! };
//! let code = ClientCodeRecipe::default().make(&answers).unwrap();
//! assert_eq!(code.as_str(), "MT1990F7");
//! assert_eq!(ClientCode::parse("mt-1990-f7"), Ok(code));
//! assert!(ClientCode::parse("MT1909F7").is_err()); // two digits swapped
//! ```
//!
//! # Check character
//! The Damm algorithm over the 36 symbols `0-9A-Z`. Damm needs a totally anti-symmetric
//! quasigroup of order 36; it is built as the product of two small ones. A symbol `v` is split
//! into `(v mod 4, v div 4)`, and `x ∘ y = (ω·x₁ + y₁ in GF(4), 2·x₂ + y₂ mod 9)`. Starting from 0,
//! each symbol is combined into the running value; the check symbol is the one that brings the
//! value back to 0, and a code is valid when running over all of it ends at 0. Each row and column
//! of `∘` is a permutation, so every single substitution is caught; `(c∘x)∘y = (c∘y)∘x` forces
//! `(a−1)(x−y) = 0` in each component with `a−1` invertible (`ω+1`, `1`), so every adjacent
//! transposition is caught, the check character included. (Luhn mod 36 misses `0`↔`Z`, ISO 7064
//! MOD 37,36 misses some transpositions, and MOD 37-2 needs a 37th symbol.)

use std::fmt;

use serde::Serialize;

use crate::coded::coded;
use crate::{personal, Coded, Lang, Sex};

/// Shortest and longest code, check character included.
const MIN_LEN: usize = 4;
const MAX_LEN: usize = 24;
const BIRTH_YEARS: std::ops::RangeInclusive<i32> = 1900..=2099;

/// The answers a code is made from. They stay on the phone; only the code is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAnswers {
    /// Given name, or just its first letter; a full name works too (its last word is used).
    pub mother_given_name: String,
    pub father_given_name: String,
    pub birth_year: i32,
    pub sex: Sex,
}

/// One part of a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodePart {
    /// One letter.
    MotherInitial,
    /// One letter.
    FatherInitial,
    /// Four digits.
    BirthYear,
    /// `F`, `M` or `X`.
    Sex,
}

impl CodePart {
    fn width(self) -> usize {
        match self {
            CodePart::BirthYear => 4,
            _ => 1,
        }
    }
}

/// What goes between parts when a code is shown; [`ClientCode::parse`] strips both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Separator {
    Dash,
    Space,
}

/// How a province builds its client codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientCodeRecipe {
    pub parts: Vec<CodePart>,
    /// Only for display ([`ClientCodeRecipe::grouped`]): the code itself never holds separators,
    /// so `MT-1990-F-7` and `MT1990F7` are one person.
    pub separator: Option<Separator>,
}

impl Default for ClientCodeRecipe {
    fn default() -> Self {
        ClientCodeRecipe {
            parts: vec![
                CodePart::MotherInitial,
                CodePart::FatherInitial,
                CodePart::BirthYear,
                CodePart::Sex,
            ],
            separator: None,
        }
    }
}

impl ClientCodeRecipe {
    /// The code for these answers, check character appended.
    pub fn make(&self, answers: &ClientAnswers) -> Result<ClientCode, ClientCodeError> {
        let mut body = String::with_capacity(MAX_LEN);
        for part in &self.parts {
            match part {
                CodePart::MotherInitial => body.push(
                    initial(&answers.mother_given_name).ok_or(ClientCodeError::NoMotherInitial)?,
                ),
                CodePart::FatherInitial => body.push(
                    initial(&answers.father_given_name).ok_or(ClientCodeError::NoFatherInitial)?,
                ),
                CodePart::BirthYear => {
                    if !BIRTH_YEARS.contains(&answers.birth_year) {
                        return Err(ClientCodeError::InvalidBirthYear);
                    }
                    body.push_str(&answers.birth_year.to_string());
                }
                CodePart::Sex => body.push(match answers.sex {
                    Sex::Female => 'F',
                    Sex::Male => 'M',
                    Sex::Other => 'X',
                }),
            }
        }
        ClientCode::with_check(body)
    }

    /// The code with the separator between parts and before the check character, easier to read
    /// aloud or copy onto a card; the plain code when there is no separator or the code was made by
    /// another recipe.
    pub fn grouped(&self, code: &ClientCode) -> String {
        let Some(separator) = self.separator else {
            return code.0.clone();
        };
        let body_len: usize = self.parts.iter().map(|part| part.width()).sum();
        if body_len + 1 != code.0.len() {
            return code.0.clone();
        }
        let separator = match separator {
            Separator::Dash => '-',
            Separator::Space => ' ',
        };
        let mut grouped = String::with_capacity(2 * code.0.len());
        let mut rest = code.as_str();
        for part in &self.parts {
            // Codes are ASCII, so splitting at a byte count is splitting at characters.
            let (head, tail) = rest.split_at(part.width());
            grouped.push_str(head);
            grouped.push(separator);
            rest = tail;
        }
        grouped.push_str(rest);
        grouped
    }
}

/// A client code. Made on this phone (or typed and checked), it is upper-case `0-9A-Z` with a
/// correct check character last; from another scheme, see [`ClientCode::accept_recorded`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ClientCode(String);

impl ClientCode {
    /// Reads a code as an officer may type it: any case, Vietnamese marks, spaces and dashes are
    /// forgiven; a wrong character or two swapped characters are not, nor a name or a phone
    /// number typed as the code (`personal`).
    pub fn parse(text: &str) -> Result<ClientCode, ClientCodeError> {
        let code = normalised(text)?;
        if personal::in_code(text) {
            return Err(ClientCodeError::PersonalData);
        }
        checked(code)
    }

    /// Reads the code of a record arriving at the server. A code of this recipe is checked and
    /// normalised; a code of another scheme (a province may already issue its own) is kept as
    /// sent if it looks like a code: 3 to 32 letters, digits, `-` or `_`, with at least one letter
    /// and one digit, so that a name or a phone number can never be stored in its place, and
    /// neither carrying one nor reading as a name (`personal`).
    pub fn accept_recorded(text: &str) -> Result<ClientCode, ClientCodeError> {
        if let Ok(code) = normalised(text).and_then(checked) {
            if !personal::in_code(text) {
                return Ok(code);
            }
        }
        let text = text.trim();
        if !(3..=32).contains(&text.len()) {
            return Err(ClientCodeError::InvalidLength);
        }
        if !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(ClientCodeError::InvalidCharacter);
        }
        // A letter and a digit: neither a name nor a phone or ID number passes for a code.
        if !text.bytes().any(|b| b.is_ascii_digit())
            || !text.bytes().any(|b| b.is_ascii_alphabetic())
        {
            return Err(ClientCodeError::CheckMismatch);
        }
        if personal::in_code(text) {
            return Err(ClientCodeError::PersonalData);
        }
        Ok(ClientCode(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Appends the check character to a body of `0-9A-Z`.
    fn with_check(mut body: String) -> Result<ClientCode, ClientCodeError> {
        if !(MIN_LEN..=MAX_LEN).contains(&(body.len() + 1)) {
            return Err(ClientCodeError::InvalidLength);
        }
        body.push(check_symbol(running_value(&body)));
        Ok(ClientCode(body))
    }
}

/// A typed code as `0-9A-Z` only, of a code's length.
fn normalised(text: &str) -> Result<String, ClientCodeError> {
    let mut code = String::with_capacity(text.len());
    for c in text.chars().filter(|&c| !c.is_whitespace() && c != '-') {
        let symbol = if c.is_ascii_digit() {
            Some(c)
        } else {
            fold_letter(c)
        };
        code.push(symbol.ok_or(ClientCodeError::InvalidCharacter)?);
    }
    if !(MIN_LEN..=MAX_LEN).contains(&code.len()) {
        return Err(ClientCodeError::InvalidLength);
    }
    Ok(code)
}

/// A normalised code whose check character is right.
fn checked(code: String) -> Result<ClientCode, ClientCodeError> {
    if running_value(&code) != 0 {
        return Err(ClientCodeError::CheckMismatch);
    }
    Ok(ClientCode(code))
}

impl fmt::Display for ClientCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

coded! {
    /// Why answers give no code, or a typed code is refused.
    pub enum ClientCodeError {
        NoMotherInitial = "no_mother_initial", "Tên của mẹ phải bắt đầu bằng chữ cái", "The mother's given name must start with a letter";
        NoFatherInitial = "no_father_initial", "Tên của bố phải bắt đầu bằng chữ cái", "The father's given name must start with a letter";
        InvalidBirthYear = "invalid_birth_year", "Năm sinh phải từ 1900 đến 2099", "The birth year must be from 1900 to 2099";
        InvalidCharacter = "invalid_character", "Mã chỉ gồm chữ cái và chữ số", "A code has only letters and digits";
        InvalidLength = "invalid_length", "Mã quá ngắn hoặc quá dài", "The code is too short or too long";
        CheckMismatch = "check_mismatch", "Mã bị gõ sai: ký tự kiểm tra không khớp", "Typo: the check character does not match";
        PersonalData = "personal_data", "Mã không được chứa họ tên, số điện thoại hay số giấy tờ của người được hỗ trợ", "A code must not carry the person's name, phone number or ID number";
    }
}

impl ClientCodeError {
    pub fn message(self, lang: Lang) -> &'static str {
        self.label(lang)
    }
}

/// The initial of a given name: the first letter of the last word, without marks.
fn initial(name: &str) -> Option<char> {
    name.split_whitespace()
        .next_back()?
        .chars()
        .next()
        .and_then(fold_letter)
}

/// Vietnamese letters with marks, both cases, by the bare letter they fold to. Spelled out rather
/// than lower-cased first: `char::to_lowercase` would add 12 kB of Unicode tables to the bundle.
const MARKED_LETTERS: [(&str, char); 7] = [
    ("àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", 'A'),
    ("đĐ", 'D'),
    ("èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆ", 'E'),
    ("ìíỉĩịÌÍỈĨỊ", 'I'),
    ("òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", 'O'),
    ("ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰ", 'U'),
    ("ỳýỷỹỵỲÝỶỸỴ", 'Y'),
];

/// A Latin or Vietnamese letter as its bare upper-case letter `A-Z`: `đ` → `D`, `ặ` → `A`.
/// Precomposed forms only, as phone keyboards type; a decomposed letter starts with its bare
/// letter anyway, which is all an initial needs.
pub(crate) fn fold_letter(c: char) -> Option<char> {
    if c.is_ascii_alphabetic() {
        return Some(c.to_ascii_uppercase());
    }
    MARKED_LETTERS
        .iter()
        .find(|(marked, _)| marked.contains(c))
        .map(|&(_, bare)| bare)
}

const SYMBOLS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Multiplication by ω in GF(4) = {0, 1, ω, ω+1}, written 0, 1, 2, 3 (bit 1 is the ω part).
const TIMES_OMEGA: [u8; 4] = [0, 2, 3, 1];

/// The quasigroup operation `x ∘ y` on symbol values 0..36 (see the module docs).
fn combine(x: u8, y: u8) -> u8 {
    let low = TIMES_OMEGA[usize::from(x % 4)] ^ (y % 4);
    let high = (2 * (x / 4) + y / 4) % 9;
    4 * high + low
}

/// Damm's running value over a normalised code (only `0-9A-Z`); the slip code's check too.
pub(crate) fn running_value(code: &str) -> u8 {
    code.bytes().fold(0, |value, symbol| {
        let symbol = if symbol.is_ascii_digit() {
            symbol - b'0'
        } else {
            symbol - b'A' + 10
        };
        combine(value, symbol)
    })
}

/// The symbol `c` with `value ∘ c = 0`, solved per component.
pub(crate) fn check_symbol(value: u8) -> char {
    let low = TIMES_OMEGA[usize::from(value % 4)];
    let high = (9 - 2 * (value / 4) % 9) % 9;
    char::from(SYMBOLS[usize::from(4 * high + low)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::assert_coded_list;

    fn answers(mother: &str, father: &str, birth_year: i32, sex: Sex) -> ClientAnswers {
        ClientAnswers {
            mother_given_name: mother.into(),
            father_given_name: father.into(),
            birth_year,
            sex,
        }
    }

    fn make(mother: &str, father: &str, birth_year: i32, sex: Sex) -> String {
        let code = ClientCodeRecipe::default().make(&answers(mother, father, birth_year, sex));
        code.unwrap().0
    }

    #[test]
    fn default_recipe_gives_initials_year_sex_and_check() {
        assert_eq!(make("Mai", "Tuấn", 1990, Sex::Female), "MT1990F7");
        assert_eq!(&make("Ước", "Đặng", 1985, Sex::Male)[..7], "UD1985M");
        assert_eq!(make("Hoa", "Lâm", 2001, Sex::Female), "HL2001FW");
        assert!(make("Hoa", "Lâm", 2001, Sex::Other).starts_with("HL2001X"));
    }

    #[test]
    fn same_answers_same_code_different_answers_different_code() {
        let code = make("Mai", "Tuấn", 1990, Sex::Female);
        assert_eq!(make("mai", "  Tuấn ", 1990, Sex::Female), code);
        assert_eq!(
            make("Nguyễn Thị Mai", "Lò Văn Tuấn", 1990, Sex::Female),
            code
        );
        assert_eq!(make("M", "T", 1990, Sex::Female), code);
        for other in [
            make("Lan", "Tuấn", 1990, Sex::Female),
            make("Mai", "Hùng", 1990, Sex::Female),
            make("Mai", "Tuấn", 1991, Sex::Female),
            make("Mai", "Tuấn", 1990, Sex::Male),
            make("Tuấn", "Mai", 1990, Sex::Female),
        ] {
            assert_ne!(other, code);
        }
    }

    #[test]
    fn vietnamese_letters_lose_their_marks() {
        assert_eq!(initial("Đặng"), Some('D'));
        assert_eq!(initial("đào"), Some('D'));
        assert_eq!(initial("Ước"), Some('U'));
        assert_eq!(initial("Ơn"), Some('O'));
        assert_eq!(initial("Ánh"), Some('A'));
        assert_eq!(initial("Yến"), Some('Y'));
        // Decomposed Ư (U + combining horn) still starts with U.
        assert_eq!(initial("U\u{031B}\u{0301}c"), Some('U'));
        for (letters, bare) in [
            ("aàáảãạăằắẳẵặâầấẩẫậ", 'A'),
            ("dđ", 'D'),
            ("eèéẻẽẹêềếểễệ", 'E'),
            ("iìíỉĩị", 'I'),
            ("oòóỏõọôồốổỗộơờớởỡợ", 'O'),
            ("uùúủũụưừứửữự", 'U'),
            ("yỳýỷỹỵ", 'Y'),
        ] {
            for c in letters.chars().chain(letters.to_uppercase().chars()) {
                assert_eq!(fold_letter(c), Some(bare), "{c}");
            }
        }
        for c in ['1', ' ', '-', 'ß', 'ж', '中', 'ç'] {
            assert_eq!(fold_letter(c), None, "{c}");
        }
    }

    #[test]
    fn initials_come_from_the_last_word() {
        assert_eq!(initial("Nguyễn Thị Mai"), Some('M'));
        assert_eq!(initial("Giàng A Páo"), Some('P'));
        assert_eq!(initial("  lan  "), Some('L'));
        assert_eq!(initial(""), None);
        assert_eq!(initial("   "), None);
        assert_eq!(initial("Mai 2"), None);
    }

    #[test]
    fn answers_without_a_letter_or_with_an_odd_year_give_no_code() {
        let recipe = ClientCodeRecipe::default();
        let make = |mother: &str, father: &str, year| {
            recipe.make(&answers(mother, father, year, Sex::Male))
        };
        assert_eq!(
            make("", "Tuấn", 1990),
            Err(ClientCodeError::NoMotherInitial)
        );
        assert_eq!(
            make("Mai", "?", 1990),
            Err(ClientCodeError::NoFatherInitial)
        );
        assert_eq!(
            make("Mai", "Tuấn", 1899),
            Err(ClientCodeError::InvalidBirthYear)
        );
        assert_eq!(
            make("Mai", "Tuấn", 2100),
            Err(ClientCodeError::InvalidBirthYear)
        );
        assert!(make("Mai", "Tuấn", 1900).is_ok());
        assert!(make("Mai", "Tuấn", 2099).is_ok());
    }

    #[test]
    fn the_recipe_is_configurable() {
        let recipe = ClientCodeRecipe {
            parts: vec![CodePart::BirthYear, CodePart::Sex, CodePart::MotherInitial],
            separator: Some(Separator::Dash),
        };
        let code = recipe
            .make(&answers("Mai", "Tuấn", 1990, Sex::Female))
            .unwrap();
        assert!(code.as_str().starts_with("1990FM"));
        assert_eq!(code.as_str().len(), 7);
        assert_eq!(ClientCode::parse(code.as_str()), Ok(code.clone()));
        let grouped = recipe.grouped(&code);
        assert_eq!(grouped, format!("1990-F-M-{}", &code.as_str()[6..]));
        assert_eq!(ClientCode::parse(&grouped), Ok(code.clone()));

        let spaced = ClientCodeRecipe {
            separator: Some(Separator::Space),
            ..recipe.clone()
        };
        assert_eq!(ClientCode::parse(&spaced.grouped(&code)), Ok(code.clone()));

        // A code of another shape, or no separator, is shown as it is.
        let default_code = ClientCode::parse("MT1990F7").unwrap();
        assert_eq!(recipe.grouped(&default_code), "MT1990F7");
        assert_eq!(
            ClientCodeRecipe::default().grouped(&default_code),
            "MT1990F7"
        );
    }

    #[test]
    fn a_recipe_too_short_for_a_safe_code_is_refused() {
        let recipe = ClientCodeRecipe {
            parts: vec![CodePart::Sex],
            separator: None,
        };
        assert_eq!(
            recipe.make(&answers("Mai", "Tuấn", 1990, Sex::Female)),
            Err(ClientCodeError::InvalidLength)
        );
    }

    #[test]
    fn parse_forgives_case_spaces_dashes_and_marks() {
        let code = ClientCode::parse("MT1990F7").unwrap();
        for typed in ["mt1990f7", " MT-1990-F-7 ", "m t 1990 f 7", "MT1990F7\n"] {
            assert_eq!(ClientCode::parse(typed), Ok(code.clone()), "{typed:?}");
        }
        let d_code = make("Ước", "Đặng", 1985, Sex::Male);
        assert_eq!(
            ClientCode::parse(&d_code.replacen('D', "đ", 1)).unwrap().0,
            d_code
        );
    }

    #[test]
    fn parse_refuses_bad_characters_and_lengths() {
        assert_eq!(
            ClientCode::parse("MT1990F7*"),
            Err(ClientCodeError::InvalidCharacter)
        );
        assert_eq!(
            ClientCode::parse("MT_1990F7"),
            Err(ClientCodeError::InvalidCharacter)
        );
        assert_eq!(ClientCode::parse(""), Err(ClientCodeError::InvalidLength));
        assert_eq!(
            ClientCode::parse("A1B"),
            Err(ClientCodeError::InvalidLength)
        );
        assert_eq!(
            ClientCode::parse(&"A".repeat(25)),
            Err(ClientCodeError::InvalidLength)
        );
    }

    /// Codes to mutate: the default shape, with letters and digits in every position.
    fn sample_codes() -> Vec<String> {
        vec![
            make("Mai", "Tuấn", 1990, Sex::Female),
            make("Ước", "Đặng", 1985, Sex::Male),
            make("Zin", "A", 2009, Sex::Other),
            make("Yến", "Bình", 1900, Sex::Female),
            ClientCode::with_check("0Z9A8Y".into()).unwrap().0,
        ]
    }

    #[test]
    fn every_single_character_typo_is_caught() {
        for code in sample_codes() {
            assert!(ClientCode::parse(&code).is_ok());
            for position in 0..code.len() {
                for &symbol in SYMBOLS {
                    if code.as_bytes()[position] == symbol {
                        continue;
                    }
                    let mut typo = code.clone().into_bytes();
                    typo[position] = symbol;
                    let typo = String::from_utf8(typo).unwrap();
                    assert_eq!(
                        ClientCode::parse(&typo),
                        Err(ClientCodeError::CheckMismatch),
                        "{code} → {typo}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_adjacent_transposition_is_caught() {
        for code in sample_codes() {
            for position in 0..code.len() - 1 {
                let mut swapped = code.clone().into_bytes();
                if swapped[position] == swapped[position + 1] {
                    continue;
                }
                swapped.swap(position, position + 1);
                let swapped = String::from_utf8(swapped).unwrap();
                assert_eq!(
                    ClientCode::parse(&swapped),
                    Err(ClientCodeError::CheckMismatch),
                    "{code} → {swapped}"
                );
            }
        }
    }

    #[test]
    fn the_operation_is_a_totally_anti_symmetric_quasigroup() {
        for x in 0..36 {
            let mut row = [false; 36];
            let mut column = [false; 36];
            for y in 0..36 {
                row[usize::from(combine(x, y))] = true;
                column[usize::from(combine(y, x))] = true;
            }
            assert!(row.iter().all(|&seen| seen) && column.iter().all(|&seen| seen));
        }
        for c in 0..36 {
            for x in 0..36 {
                for y in (0..36).filter(|&y| y != x) {
                    assert_ne!(combine(combine(c, x), y), combine(combine(c, y), x));
                }
            }
        }
        for value in 0..36 {
            let symbol = check_symbol(value) as u8;
            let symbol = if symbol.is_ascii_digit() {
                symbol - b'0'
            } else {
                symbol - b'A' + 10
            };
            assert_eq!(combine(value, symbol), 0);
        }
    }

    #[test]
    fn codes_serialise_as_plain_text_and_errors_have_messages() {
        let code = ClientCode::parse("MT1990F7").unwrap();
        assert_eq!(serde_json::to_value(&code).unwrap(), "MT1990F7");
        assert_eq!(code.to_string(), "MT1990F7");
        assert_coded_list::<ClientCodeError>();
        assert_eq!(
            ClientCodeError::CheckMismatch.message(Lang::Vi),
            "Mã bị gõ sai: ký tự kiểm tra không khớp"
        );
    }

    #[test]
    fn records_accept_codes_of_other_schemes_but_never_a_name() {
        assert_eq!(
            ClientCode::accept_recorded("mt-1990-f-7").unwrap().as_str(),
            "MT1990F7"
        );
        assert_eq!(
            ClientCode::accept_recorded(" C001 ").unwrap().as_str(),
            "C001"
        );
        assert_eq!(
            ClientCode::accept_recorded("LC-2023_15").unwrap().as_str(),
            "LC-2023_15"
        );
        assert!(ClientCode::accept_recorded("NguyenThiMai").is_err());
        assert!(ClientCode::accept_recorded("Nguyễn Thị Mai 1990").is_err());
        assert!(ClientCode::accept_recorded("A1").is_err());
        assert!(ClientCode::accept_recorded("0912 345 678").is_err());
        assert!(ClientCode::accept_recorded("0912345678").is_err());
        assert!(ClientCode::accept_recorded("001090012345").is_err());
    }

    #[test]
    fn a_code_carrying_a_name_or_a_phone_number_says_so() {
        assert_eq!(
            ClientCode::accept_recorded("Nguyen-Thi-Lan-0912345678"),
            Err(ClientCodeError::PersonalData)
        );
        assert_eq!(
            ClientCode::accept_recorded("KH_0912_345_678"),
            Err(ClientCodeError::PersonalData)
        );
        // Typed on the phone, before the check character calls it a typo.
        assert_eq!(
            ClientCode::parse("Nguyễn Thị Lan"),
            Err(ClientCodeError::PersonalData)
        );
        assert_eq!(
            ClientCode::parse("0912 345 678"),
            Err(ClientCodeError::PersonalData)
        );
    }

    #[test]
    fn codes_made_on_the_phone_never_read_as_personal_data() {
        let recipe = ClientCodeRecipe::default();
        for mother in 'A'..='Z' {
            for father in 'A'..='Z' {
                for year in [1900, 1955, 1990, 2009, 2099] {
                    for sex in [Sex::Female, Sex::Male, Sex::Other] {
                        let answers = answers(&mother.to_string(), &father.to_string(), year, sex);
                        let code = recipe.make(&answers).unwrap();
                        assert_eq!(ClientCode::parse(code.as_str()), Ok(code.clone()));
                        assert_eq!(ClientCode::accept_recorded(code.as_str()), Ok(code));
                    }
                }
            }
        }
    }
}
