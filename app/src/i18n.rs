//! The translation layer: every visible string is a `Key`, with Vietnamese first and English second.
//! A missing translation is a compile error, since each key carries both texts.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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

macro_rules! messages {
    ($($key:ident => $vi:literal, $en:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Key { $($key),* }

        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$key),*];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Key::$key, Lang::Vi) => $vi, (Key::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

messages! {
    AppName => "Phòng, chống mại dâm", "Prostitution prevention";
    AppPlace => "Huyện Tam Đường", "Tam Đường district";
    Waiting => "chờ gửi", "waiting";
    NavRecords => "Hồ sơ", "Records";
    NavSync => "Đồng bộ", "Sync";
    NavIndicators => "Chỉ tiêu", "Indicators";
    NavSettings => "Cài đặt", "Settings";
    RecordsIntro => "Các hồ sơ bạn ghi trên máy này sẽ hiện ở đây, kể cả khi không có mạng.", "Records you enter on this phone will be listed here, even without signal.";
    SyncIntro => "Hồ sơ được gửi lên máy chủ khi có mạng. Chưa có gì chờ gửi.", "Records are sent to the server when there is signal. Nothing is waiting.";
    IndicatorsIntro => "Kết quả các chỉ tiêu của kế hoạch so với mục tiêu sẽ hiện ở đây.", "The plan's indicators against their targets will be shown here.";
    SettingsLanguage => "Ngôn ngữ", "Language";
    LangVi => "Tiếng Việt", "Tiếng Việt";
    LangEn => "English", "English";
    UpdateReady => "Đã có phiên bản mới.", "A new version is ready.";
    UpdateReload => "Tải lại để cập nhật", "Reload to update";
    NotFound => "Không tìm thấy trang này.", "This page was not found.";
    Offline => "Không có mạng", "Offline";
    Online => "Có mạng", "Online";
    StorageTitle => "Lưu trữ trên máy", "Storage on this phone";
    StoragePersisted => "Dữ liệu được giữ lâu dài trên máy này.", "Data is kept permanently on this phone.";
    StorageNotPersisted => "Trình duyệt có thể xoá dữ liệu khi máy đầy bộ nhớ.", "The browser may clear data when the phone runs out of space.";
    StorageUnknown => "Chưa rõ trình duyệt có giữ dữ liệu lâu dài không.", "Not yet known whether the browser keeps data permanently.";
}

/// The current language, shared by every component through context.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    pub fn t(self, key: Key) -> &'static str {
        key.text(self.lang.get())
    }
}

pub fn provide_i18n() -> I18n {
    let i18n = I18n {
        lang: RwSignal::new(Lang::default()),
    };
    provide_context(i18n);
    i18n
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// A reactive text for a key, for use directly in `view!`.
pub fn tr(key: Key) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.t(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages() {
        for key in Key::ALL {
            assert!(
                !key.text(Lang::Vi).trim().is_empty(),
                "{key:?} has no Vietnamese"
            );
            assert!(
                !key.text(Lang::En).trim().is_empty(),
                "{key:?} has no English"
            );
        }
    }

    #[test]
    fn language_codes_round_trip() {
        for lang in [Lang::Vi, Lang::En] {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("fr"), None);
    }
}
