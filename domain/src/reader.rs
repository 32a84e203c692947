//! Reading a JSON object field by field, so that each field gets its own error code (a negative
//! count is `negative`, a string for a number `invalid_format`, a missing field `required`) and
//! every error is collected, where one serde derive would stop at the first with a generic text.

use serde_json::{Map, Value};

use crate::client_code::fold_letter;
use crate::personal;
use crate::record::normalise_uuid;
use crate::{Coded, Date, ErrorCode, FieldError};

/// Reads the fields of one object, reporting errors under `prefix` (`"data."` for a record's data).
pub(crate) struct Reader<'v, 'e> {
    object: &'v Map<String, Value>,
    prefix: &'static str,
    /// Every field name asked for, so the rest can be refused as unknown.
    known: Vec<&'static str>,
    errors: &'e mut Vec<FieldError>,
}

impl<'v, 'e> Reader<'v, 'e> {
    pub(crate) fn new(
        object: &'v Map<String, Value>,
        prefix: &'static str,
        errors: &'e mut Vec<FieldError>,
    ) -> Self {
        Reader {
            object,
            prefix,
            known: Vec::with_capacity(12),
            errors,
        }
    }

    pub(crate) fn report(&mut self, name: &str, code: ErrorCode) {
        self.errors
            .push(FieldError::new(format!("{}{name}", self.prefix), code));
    }

    /// The field's value, or `None` when it is absent, null or blank text: an empty form input
    /// means "not given" whatever its type.
    fn value(&mut self, name: &'static str) -> Option<&'v Value> {
        self.known.push(name);
        match self.object.get(name)? {
            Value::Null => None,
            Value::String(text) if text.trim().is_empty() => None,
            value => Some(value),
        }
    }

    /// A field that must be given: `None` (with the error reported) when missing or invalid.
    pub(crate) fn required<T>(
        &mut self,
        name: &'static str,
        parse: impl FnOnce(&'v Value) -> Result<T, ErrorCode>,
    ) -> Option<T> {
        let Some(value) = self.value(name) else {
            self.report(name, ErrorCode::Required);
            return None;
        };
        parse(value).map_err(|code| self.report(name, code)).ok()
    }

    /// A field that may be left out: `Some(None)` when not given, `None` when invalid.
    pub(crate) fn optional<T>(
        &mut self,
        name: &'static str,
        parse: impl FnOnce(&'v Value) -> Result<T, ErrorCode>,
    ) -> Option<Option<T>> {
        match self.value(name) {
            None => Some(None),
            Some(value) => parse(value)
                .map(Some)
                .map_err(|code| self.report(name, code))
                .ok(),
        }
    }

    /// Refuses every field that was not asked for, naming personal data as such.
    pub(crate) fn deny_unknown(mut self) {
        let object = self.object;
        for key in object.keys() {
            if !self.known.contains(&key.as_str()) {
                let code = if looks_personal(key) {
                    ErrorCode::PersonalDataForbidden
                } else {
                    ErrorCode::UnknownField
                };
                self.report(key, code);
            }
        }
    }
}

/// Whether a field name asks for identifying data: compared without case, marks or separators,
/// so `fullName`, `full_name`, `Họ tên` and `số điện thoại` are all caught.
fn looks_personal(key: &str) -> bool {
    const PARTS: &[&str] = &[
        "name",
        "hoten",
        "phone",
        "mobile",
        "dienthoai",
        "email",
        "address",
        "diachi",
        "idnumber",
        "cccd",
        "cmnd",
        "passport",
        "photo",
        "image",
        "hinhanh",
        "picture",
        "avatar",
        "birthdate",
        "dateofbirth",
        "ngaysinh",
    ];
    const WHOLE: &[&str] = &["ten", "sdt", "tel", "dob", "anh"];
    let folded: String = key
        .chars()
        .filter_map(|c| {
            if c.is_ascii_digit() {
                Some(c)
            } else {
                fold_letter(c)
            }
        })
        .map(|c| c.to_ascii_lowercase())
        .collect();
    PARTS.iter().any(|part| folded.contains(part)) || WHOLE.contains(&folded.as_str())
}

/// Text, trimmed; blank is `required`, more than `max` characters `too_long`.
pub(crate) fn trimmed(text: &str, max: usize) -> Result<String, ErrorCode> {
    let text = text.trim();
    if text.is_empty() {
        Err(ErrorCode::Required)
    } else if text.chars().nth(max).is_some() {
        Err(ErrorCode::TooLong)
    } else if text.chars().any(unwanted) {
        Err(ErrorCode::InvalidCharacters)
    } else {
        Ok(text.to_owned())
    }
}

/// Characters typed text never needs: control characters (a NUL cannot even be stored in
/// PostgreSQL), zero-width ones and bidirectional overrides (which make a text read other than it
/// is). Line breaks and tabs are text.
fn unwanted(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
        )
}

pub(crate) fn string(value: &Value) -> Result<&str, ErrorCode> {
    value.as_str().ok_or(ErrorCode::InvalidFormat)
}

/// A text field of at most `max` characters, without a phone number, ID number or e-mail
/// address in it (`personal`).
pub(crate) fn text(max: usize) -> impl Fn(&Value) -> Result<String, ErrorCode> {
    move |value| {
        let text = trimmed(string(value)?, max)?;
        if personal::in_text(&text) {
            Err(ErrorCode::PersonalData)
        } else {
            Ok(text)
        }
    }
}

/// A whole number from 0 to `max`. Integral floats (`3.0`) are accepted, fractions are not.
pub(crate) fn whole_number(value: &Value, max: u64) -> Result<u64, ErrorCode> {
    let Value::Number(number) = value else {
        return Err(ErrorCode::InvalidFormat);
    };
    if let Some(n) = number.as_u64() {
        return if n > max {
            Err(ErrorCode::TooLarge)
        } else {
            Ok(n)
        };
    }
    if number.is_i64() {
        return Err(ErrorCode::Negative);
    }
    match number.as_f64() {
        Some(n) if n < 0.0 => Err(ErrorCode::Negative),
        Some(n) if n.fract() != 0.0 => Err(ErrorCode::InvalidFormat),
        // `max` is far below 2^53, so comparing and converting as floats is exact.
        Some(n) if n <= max as f64 => Ok(n as u64),
        _ => Err(ErrorCode::TooLarge),
    }
}

/// Any integer, sign included (the caller decides what a negative one means).
pub(crate) fn integer(value: &Value) -> Result<i64, ErrorCode> {
    match value.as_i64() {
        Some(n) => Ok(n),
        None if value.is_u64() => Err(ErrorCode::TooLarge),
        None => Err(ErrorCode::InvalidFormat),
    }
}

pub(crate) fn boolean(value: &Value) -> Result<bool, ErrorCode> {
    value.as_bool().ok_or(ErrorCode::InvalidFormat)
}

pub(crate) fn date(value: &Value) -> Result<Date, ErrorCode> {
    Date::parse(string(value)?).map_err(|_| ErrorCode::InvalidFormat)
}

/// A code of a closed list: not a string is `invalid_format`, an unknown code `invalid_value`.
pub(crate) fn coded<T: Coded>(value: &Value) -> Result<T, ErrorCode> {
    T::parse(string(value)?).ok_or(ErrorCode::InvalidValue)
}

pub(crate) fn uuid(value: &Value) -> Result<String, ErrorCode> {
    normalise_uuid(string(value)?).ok_or(ErrorCode::InvalidFormat)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ReferralStatus;

    #[test]
    fn texts_refuse_hidden_and_control_characters_but_keep_lines() {
        let read = |text: &str| trimmed(text, 100);
        assert_eq!(
            read("Bản Nà Khum\nTổ 2\tghi chú"),
            Ok("Bản Nà Khum\nTổ 2\tghi chú".into())
        );
        assert_eq!(read("Hội Phụ nữ 😀"), Ok("Hội Phụ nữ 😀".into()));
        for hostile in [
            "a\u{0}b",
            "a\u{1b}[31m",
            "abc\u{202E}gpj",
            "ab\u{200B}c",
            "\u{FEFF}Bản",
            "a\u{7f}",
        ] {
            assert_eq!(
                read(hostile),
                Err(ErrorCode::InvalidCharacters),
                "{hostile:?}"
            );
        }
    }

    #[test]
    fn whole_numbers_get_precise_error_codes() {
        let read = |value: Value| whole_number(&value, 100);
        assert_eq!(read(json!(0)), Ok(0));
        assert_eq!(read(json!(100)), Ok(100));
        assert_eq!(read(json!(7.0)), Ok(7));
        assert_eq!(read(json!(101)), Err(ErrorCode::TooLarge));
        assert_eq!(read(json!(1e30)), Err(ErrorCode::TooLarge));
        assert_eq!(read(json!(u64::MAX)), Err(ErrorCode::TooLarge));
        assert_eq!(read(json!(-1)), Err(ErrorCode::Negative));
        assert_eq!(read(json!(i64::MIN)), Err(ErrorCode::Negative));
        assert_eq!(read(json!(-0.5)), Err(ErrorCode::Negative));
        assert_eq!(read(json!(-1e30)), Err(ErrorCode::Negative));
        assert_eq!(read(json!(2.5)), Err(ErrorCode::InvalidFormat));
        assert_eq!(read(json!("12")), Err(ErrorCode::InvalidFormat));
        assert_eq!(read(json!(true)), Err(ErrorCode::InvalidFormat));
        assert_eq!(read(json!([1])), Err(ErrorCode::InvalidFormat));
    }

    #[test]
    fn integers_keep_their_sign() {
        assert_eq!(integer(&json!(-3)), Ok(-3));
        assert_eq!(integer(&json!(u64::MAX)), Err(ErrorCode::TooLarge));
        assert_eq!(integer(&json!(1.5)), Err(ErrorCode::InvalidFormat));
        assert_eq!(integer(&json!("1")), Err(ErrorCode::InvalidFormat));
    }

    #[test]
    fn text_is_trimmed_and_counted_in_characters() {
        assert_eq!(trimmed("  Bản Nà Đông \n", 20), Ok("Bản Nà Đông".into()));
        assert_eq!(trimmed(" \t ", 20), Err(ErrorCode::Required));
        // Five characters but more bytes: Vietnamese text must not be cut short.
        assert_eq!(trimmed("Ước mơ", 6), Ok("Ước mơ".into()));
        assert_eq!(trimmed("Ước mơ!", 6), Err(ErrorCode::TooLong));
        assert_eq!(text(5)(&json!(5)), Err(ErrorCode::InvalidFormat));
    }

    #[test]
    fn scalars() {
        assert_eq!(boolean(&json!(true)), Ok(true));
        assert_eq!(boolean(&json!("true")), Err(ErrorCode::InvalidFormat));
        assert_eq!(boolean(&json!(1)), Err(ErrorCode::InvalidFormat));
        assert_eq!(
            date(&json!("2023-02-28")),
            Ok(Date::from_ymd(2023, 2, 28).unwrap())
        );
        assert_eq!(date(&json!("28/02/2023")), Err(ErrorCode::InvalidFormat));
        assert_eq!(date(&json!(20230228)), Err(ErrorCode::InvalidFormat));
        assert_eq!(coded(&json!("lost")), Ok(ReferralStatus::Lost));
        assert_eq!(
            coded::<ReferralStatus>(&json!("Lost")),
            Err(ErrorCode::InvalidValue)
        );
        assert_eq!(
            coded::<ReferralStatus>(&json!(2)),
            Err(ErrorCode::InvalidFormat)
        );
        assert_eq!(uuid(&json!("nope")), Err(ErrorCode::InvalidFormat));
    }

    #[test]
    fn reader_treats_null_and_blank_as_not_given_and_refuses_the_rest() {
        let object =
            json!({"a": null, "b": "  ", "c": 3, "d": "x", "extra": 1, "so_dien_thoai": "0912"});
        let object = object.as_object().unwrap();
        let mut errors = Vec::new();
        let mut reader = Reader::new(object, "data.", &mut errors);
        assert_eq!(reader.required("a", boolean), None);
        assert_eq!(reader.optional("b", boolean), Some(None));
        assert_eq!(reader.required("c", |v| whole_number(v, 10)), Some(3));
        assert_eq!(reader.optional("d", boolean), None);
        assert_eq!(reader.optional("missing", boolean), Some(None));
        reader.deny_unknown();
        assert_eq!(
            errors,
            [
                FieldError::new("data.a", ErrorCode::Required),
                FieldError::new("data.d", ErrorCode::InvalidFormat),
                FieldError::new("data.extra", ErrorCode::UnknownField),
                FieldError::new("data.so_dien_thoai", ErrorCode::PersonalDataForbidden),
            ]
        );
    }

    #[test]
    fn personal_data_keys_are_recognised() {
        for key in [
            "name",
            "full_name",
            "fullName",
            "Full Name",
            "client_name",
            "ho_ten",
            "Họ tên",
            "tên",
            "phone",
            "phone_number",
            "mobile",
            "sdt",
            "SĐT",
            "tel",
            "số điện thoại",
            "email",
            "address",
            "home_address",
            "dia_chi",
            "Địa chỉ",
            "id_number",
            "idNumber",
            "cccd",
            "CMND",
            "passport_no",
            "photo",
            "photo_url",
            "image",
            "picture",
            "ảnh",
            "dob",
            "date_of_birth",
            "ngày sinh",
            "hình ảnh",
        ] {
            assert!(looks_personal(key), "{key}");
        }
        for key in [
            "village",
            "notes",
            "hotel",
            "status",
            "channel",
            "thanh_nien",
            "business_id",
            "id",
            "workers",
            "team",
        ] {
            assert!(!looks_personal(key), "{key}");
        }
    }
}
