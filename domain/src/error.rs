//! Validation errors: which field, what is wrong, and a message for the officer in each language.

use serde::Serialize;

use crate::coded::coded;
use crate::{Coded, Lang};

coded! {
    /// Why a field was refused; the code is what the API sends, the label is the message.
    pub enum ErrorCode {
        Required = "required", "Bắt buộc nhập", "Required";
        InvalidFormat = "invalid_format", "Sai định dạng", "Wrong format";
        InvalidValue = "invalid_value", "Giá trị không hợp lệ", "Not an allowed value";
        Negative = "negative", "Không được là số âm", "Must not be negative";
        TooLarge = "too_large", "Số quá lớn", "Number too large";
        TooLong = "too_long", "Quá dài", "Too long";
        InvalidCharacters = "invalid_characters", "Có ký tự ẩn hoặc ký tự điều khiển không được phép", "Contains hidden or control characters that are not allowed";
        InFuture = "in_future", "Không được sau ngày hôm nay", "Must not be in the future";
        TooEarly = "too_early", "Không được trước ngày 01/01/2000", "Must not be before 01/01/2000";
        BeforeOccurredOn = "before_occurred_on", "Không được trước ngày diễn ra", "Must not be before the record's date";
        ConsentRequired = "consent_required", "Cần có sự đồng ý của người được hỗ trợ", "The person's consent is required";
        PersonalDataForbidden = "personal_data_forbidden", "Không được lưu thông tin cá nhân (tên, số điện thoại, địa chỉ, số giấy tờ, ảnh)", "Personal data (name, phone, address, ID number, photo) must not be stored";
        PersonalData = "personal_data", "Có số điện thoại, số CMND/CCCD, e-mail hoặc họ tên: đây là thông tin cá nhân, không được ghi vào hồ sơ", "This looks like a phone number, an ID number (CMND/CCCD), an e-mail address or a name: personal data must not be written in a record";
        UnknownField = "unknown_field", "Trường không được phép", "Unknown field";
        InvalidClientCode = "invalid_client_code", "Mã khách hàng không hợp lệ hoặc bị gõ sai", "Invalid client code, or a typo";
        InvalidSlipCode = "invalid_slip_code", "Mã phiếu giới thiệu không hợp lệ hoặc bị gõ sai", "Invalid slip code, or a typo";
        ConfirmedByService = "confirmed_by_service", "Cơ sở tiếp nhận đã xác nhận giới thiệu này: không sửa được tình trạng hay xác nhận", "The receiving service has confirmed this referral: its status and confirmation cannot be changed";
        ExceedsTotal = "exceeds_total", "Không được lớn hơn tổng số", "Must not exceed the total";
        SumMismatch = "sum_mismatch", "Không khớp với tổng số nam và nữ", "Does not match men plus women";
        Forbidden = "forbidden", "Không có quyền với đơn vị này", "Not allowed for this unit";
        UnknownBaseVersion = "unknown_base_version", "Phiên bản gốc không tồn tại", "Unknown base version";
        UnitClosed = "unit_closed", "Đơn vị đã giải thể trước ngày này", "The unit had closed by this date";
        UnitNotYetOpen = "unit_not_yet_open", "Đơn vị chưa được thành lập vào ngày này", "The unit did not exist yet on this date";
    }
}

impl ErrorCode {
    /// What the officer reads. (`forbidden` and `unknown_base_version` come from the server's sync,
    /// `unit_closed` and `unit_not_yet_open` from [`crate::unit_date_error`], not from
    /// [`crate::validate`]; they live here so every error message has one home.)
    pub fn message(self, lang: Lang) -> &'static str {
        self.label(lang)
    }
}

/// One refused field: `field` is a JSON path such as `"occurred_on"` or `"data.reached_male"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: ErrorCode) -> FieldError {
        FieldError {
            field: field.into(),
            code,
        }
    }

    pub fn message(&self, lang: Lang) -> &'static str {
        self.code.message(lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::assert_coded_list;

    #[test]
    fn every_code_has_a_distinct_message_in_both_languages() {
        assert_coded_list::<ErrorCode>();
        for lang in [Lang::Vi, Lang::En] {
            for (i, code) in ErrorCode::ALL.iter().enumerate() {
                let message = code.message(lang);
                assert!(
                    ErrorCode::ALL[i + 1..]
                        .iter()
                        .all(|other| other.message(lang) != message),
                    "{message}"
                );
            }
        }
    }

    #[test]
    fn vietnamese_messages_are_vietnamese() {
        // Every Vietnamese message carries at least one letter outside ASCII (a tone or vowel
        // mark), which catches a message left in English or typed without diacritics.
        for code in ErrorCode::ALL {
            let message = code.message(Lang::Vi);
            assert!(!message.is_ascii(), "{message}");
            assert_ne!(message, code.message(Lang::En));
        }
    }

    #[test]
    fn field_errors_serialise_as_the_api_shows() {
        let error = FieldError::new("data.reached_male", ErrorCode::Negative);
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({"field": "data.reached_male", "code": "negative"})
        );
        assert_eq!(error.message(Lang::Vi), "Không được là số âm");
    }
}
