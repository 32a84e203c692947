//! The translation layer: every visible string is a `Key`, with Vietnamese first and English second.
//! A missing translation is a compile error, since each key carries both texts.

use crate::api::{ApiFailure, Role};
use leptos::prelude::*;

/// The domain's language, so its labels (`Coded::label`) and validation messages need no copy here.
pub use domain::Lang;

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
    SyncIntro => "Hồ sơ được gửi lên máy chủ khi có mạng, và hồ sơ của đồng nghiệp được tải về máy.", "Records are sent to the server when there is signal, and colleagues' records come down to this phone.";
    SyncNow => "Đồng bộ ngay", "Sync now";
    Syncing => "Đang đồng bộ…", "Syncing…";
    LastSynced => "Lần đồng bộ gần nhất", "Last synced";
    NeverSynced => "Chưa đồng bộ lần nào trên máy này.", "Never synced on this phone.";
    SyncFailed => "Chưa đồng bộ được (không có mạng hoặc máy chủ bận). Ứng dụng sẽ tự thử lại; hồ sơ vẫn được giữ trên máy.", "Could not sync (no signal or the server is busy). The app will try again by itself; records stay on this phone.";
    SyncStorageFull => "Bộ nhớ trên máy đã đầy nên chưa tải về hết hồ sơ từ máy chủ. Các hồ sơ đã có trên máy vẫn còn nguyên. Hãy giải phóng bộ nhớ rồi bấm Đồng bộ ngay.", "This phone's storage is full, so not all records could be downloaded from the server. Records already on the phone are intact. Free some space, then tap Sync now.";
    RecordTooLarge => "Hồ sơ quá lớn để gửi lên máy chủ. Hãy rút gọn ghi chú rồi lưu lại.", "The record is too large to send. Shorten the notes and save again.";
    ConflictsTitle => "Hồ sơ bị xung đột", "Records in conflict";
    NoConflicts => "Không có hồ sơ nào bị xung đột.", "No records in conflict.";
    ConflictExplain => "Người khác đã sửa hồ sơ này trên máy chủ sau lần bạn tải về. Hãy chọn bản được giữ.", "Someone changed this record on the server after you got it. Choose the version to keep.";
    ConflictMine => "Bản của bạn", "Your version";
    ConflictServer => "Bản trên máy chủ", "Server's version";
    KeepMine => "Giữ bản của tôi", "Keep mine";
    TakeServer => "Lấy bản trên máy chủ", "Take the server's";
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
    SignInTitle => "Đăng nhập", "Sign in";
    SignIn => "Đăng nhập", "Sign in";
    SignInAgain => "Đăng nhập lại", "Sign in again";
    SignOut => "Đăng xuất", "Sign out";
    SignedInAs => "Tài khoản đang dùng", "Signed in as";
    Username => "Tên đăng nhập", "Username";
    Password => "Mật khẩu", "Password";
    SignInMissing => "Hãy nhập tên đăng nhập và mật khẩu.", "Enter your username and password.";
    SignInInvalid => "Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password.";
    SignInTooMany => "Nhập sai quá nhiều lần. Hãy thử lại sau 15 phút.", "Too many wrong attempts. Try again in 15 minutes.";
    SignInOffline => "Cần có mạng để đăng nhập. Hồ sơ trên máy vẫn được giữ nguyên.", "Signing in needs a network. Records on this phone are kept.";
    SignInOtherHint => "Người khác dùng máy này? Hãy đăng xuất trong Cài đặt trước; hồ sơ chưa gửi của bạn vẫn được giữ riêng.", "Someone else using this phone? Sign out in Settings first; your unsent records stay kept apart.";
    SessionExpired => "Phiên đăng nhập đã hết hạn. Hãy nhập lại mật khẩu; hồ sơ trên máy vẫn được giữ nguyên.", "Your session has expired. Enter your password again; records on this phone are kept.";
    ErrorUnexpected => "Đã có lỗi. Hãy thử lại.", "Something went wrong. Please try again.";
    ErrorOffline => "Không kết nối được máy chủ. Hãy thử lại khi có mạng.", "Cannot reach the server. Try again when there is signal.";
    ErrorForbidden => "Bạn không có quyền làm việc này.", "You are not allowed to do this.";
    ErrorInvalid => "Thông tin chưa hợp lệ", "Some information is not valid";
    ErrorNumber => "Hãy nhập một số hợp lệ.", "Enter a valid number.";
    ErrorNegativeNumber => "Số không được âm.", "The number cannot be negative.";
    UsernameTaken => "Tên đăng nhập này đã có người dùng.", "This username is already taken.";
    Loading => "Đang tải…", "Loading…";
    Saved => "Đã lưu.", "Saved.";
    Save => "Lưu", "Save";
    Create => "Tạo mới", "Create";
    Filter => "Lọc", "Filter";
    AdminTitle => "Quản trị", "Administration";
    AdminUsers => "Tài khoản cán bộ", "Officer accounts";
    AdminUnits => "Đơn vị hành chính", "Administrative units";
    AdminTargets => "Chỉ tiêu và số liệu nền", "Targets and baselines";
    AdminAudit => "Nhật ký truy cập", "Audit log";
    NewUser => "Tạo tài khoản", "New account";
    DisplayName => "Họ và tên cán bộ", "Officer's full name";
    Role => "Vai trò", "Role";
    OrgUnit => "Đơn vị", "Unit";
    NewPassword => "Mật khẩu mới (để trống nếu không đổi)", "New password (leave empty to keep)";
    Disabled => "Đã khoá", "Disabled";
    Disable => "Khoá tài khoản", "Disable";
    Enable => "Mở khoá", "Enable";
    RoleCommune => "Cán bộ xã", "Commune officer";
    RoleDistrict => "Cán bộ huyện", "District officer";
    RoleHealth => "Cán bộ y tế", "Health officer";
    RoleAdmin => "Quản trị viên", "Administrator";
    NewUnit => "Thêm đơn vị", "New unit";
    Code => "Mã", "Code";
    Name => "Tên", "Name";
    Level => "Cấp", "Level";
    Parent => "Trực thuộc", "Part of";
    ValidFrom => "Hiệu lực từ ngày", "Valid from";
    ValidTo => "Hiệu lực đến ngày", "Valid until";
    Successor => "Đơn vị kế thừa", "Successor unit";
    LevelProvince => "Tỉnh", "Province";
    LevelDistrict => "Huyện", "District";
    LevelCommune => "Xã, thị trấn", "Commune";
    LevelWard => "Phường", "Ward";
    LevelVillage => "Bản, tổ dân phố", "Village";
    Year => "Năm", "Year";
    Baselines => "Số liệu nền", "Baselines";
    Baseline => "Số liệu", "Figure";
    Value => "Giá trị", "Value";
    BaselineStudents => "Học sinh THPT, GDNN đang học", "Enrolled upper-secondary and vocational students";
    BaselineAgencies => "Cơ quan, đơn vị liên quan", "Relevant agencies";
    BaselineDistrictOfficials => "Cán bộ cấp huyện làm công tác PCMD", "District officials in the field";
    BaselineCommuneOfficials => "Cán bộ cấp xã làm công tác PCMD", "Commune officials in the field";
    Action => "Hành động", "Action";
    Since => "Từ ngày", "From";
    Until => "Đến ngày", "To";
    StorageUnknown => "Chưa rõ trình duyệt có giữ dữ liệu lâu dài không.", "Not yet known whether the browser keeps data permanently.";
    StorageFull => "Bộ nhớ trên máy đã đầy nên chưa lưu được. Các hồ sơ đã lưu vẫn còn nguyên và nội dung đang nhập vẫn ở trên màn hình. Hãy đồng bộ khi có mạng hoặc giải phóng bộ nhớ của máy, rồi bấm Lưu lại.", "This phone's storage is full, so nothing was saved. Records already saved are intact and what you typed is still on the screen. Sync when there is signal or free some space on the phone, then tap Save again.";
    StorageUnavailable => "Trình duyệt không cho lưu dữ liệu trên máy (có thể đang ở chế độ ẩn danh). Chưa lưu được.", "The browser does not allow storing data on this phone (private mode?). Nothing was saved.";
    NewSession => "Ghi buổi tuyên truyền", "New outreach session";
    NewReferral => "Ghi hỗ trợ, giới thiệu", "New referral";
    RecordsNoMatch => "Không có hồ sơ nào phù hợp với bộ lọc.", "No record matches the filter.";
    ShowMore => "Xem thêm", "Show more";
    AllKinds => "Mọi loại hồ sơ", "All kinds";
    AllStates => "Mọi trạng thái", "All states";
    StateDraft => "Nháp", "Draft";
    StateWaiting => "Chờ gửi", "Waiting";
    StateSynced => "Đã gửi", "Sent";
    StateConflict => "Xung đột", "Conflict";
    StateRejected => "Bị từ chối", "Rejected";
    Voided => "Đã huỷ bỏ", "Voided";
    UnsavedEdit => "Có sửa đổi chưa lưu", "Unsaved changes";
    People => "người", "people";
    Men => "nam", "men";
    Women => "nữ", "women";
    FieldSessionDate => "Ngày tuyên truyền", "Date of the session";
    FieldReferralDate => "Ngày hỗ trợ, giới thiệu", "Date of the referral";
    FieldCommune => "Xã, thị trấn", "Commune";
    FieldVillage => "Bản, tổ dân phố", "Village";
    FieldFormat => "Hình thức tuyên truyền", "Format";
    FieldAudience => "Đối tượng", "Audience";
    FieldReachedMale => "Số người được tuyên truyền: nam", "People reached: men";
    FieldReachedFemale => "Số người được tuyên truyền: nữ", "People reached: women";
    FieldLanguage => "Ngôn ngữ sử dụng", "Language used";
    FieldOrganisingUnit => "Đơn vị tổ chức", "Organising unit";
    FieldNotes => "Ghi chú", "Notes";
    FieldClientCode => "Mã khách hàng", "Client code";
    FieldAgeBand => "Nhóm tuổi", "Age band";
    FieldSex => "Giới tính", "Sex";
    FieldInNeedEligible => "Có nhu cầu và đủ điều kiện được hỗ trợ", "In need of support and eligible";
    FieldConsent => "Người được hỗ trợ đồng ý (bắt buộc)", "The person consents (required)";
    FieldConsentOn => "Ngày đồng ý", "Date of consent";
    FieldService => "Dịch vụ giới thiệu đến", "Service referred to";
    FieldReceivingOrg => "Nơi tiếp nhận", "Receiving organisation";
    FieldStatus => "Tình trạng", "Status";
    FieldAccessedOn => "Ngày tiếp cận dịch vụ", "Date the service was reached";
    FieldFollowUpOn => "Ngày theo dõi tiếp", "Follow-up date";
    Choose => "— Chọn —", "— Choose —";
    UnitUntil => "đến", "until";
    NoCommunes => "Chưa có danh sách xã trên máy. Hãy mở trang này một lần khi có mạng.", "No commune list on this phone yet. Open this page once with signal.";
    ClientCodeHint => "Nhập mã đã có của người này, hoặc tạo mã mới. Không ghi tên.", "Type this person's existing code, or make a new one. Never a name.";
    MakeCode => "Tạo mã mới", "Make a new code";
    MakeCodeHint => "Chỉ dùng để tạo mã: các câu trả lời không được lưu và bị xoá ngay sau khi tạo mã.", "Only used to make the code: the answers are not kept and are cleared as soon as the code is made.";
    MotherGivenName => "Tên của mẹ (chỉ tên, không cần họ)", "Mother's given name";
    FatherGivenName => "Tên của bố (chỉ tên, không cần họ)", "Father's given name";
    BirthYear => "Năm sinh", "Birth year";
    UseThisCode => "Tạo mã", "Make the code";
    CodeMade => "Đã tạo mã; các câu trả lời đã được xoá.", "Code made; the answers were cleared.";
    DraftNote => "Nội dung đang nhập được tự động lưu nháp trên máy.", "What you type is kept as a draft on this phone.";
    FixMarked => "Chưa lưu: hãy sửa các ô được đánh dấu.", "Not saved: fix the marked fields.";
    VoidRecord => "Huỷ bỏ hồ sơ", "Void this record";
    VoidConfirm => "Huỷ bỏ hồ sơ này? Hồ sơ không bị xoá: nó được giữ lại, gửi lên máy chủ với dấu đã huỷ bỏ và không được tính vào chỉ tiêu.", "Void this record? It is not deleted: it is kept, sent to the server marked void, and counts in no indicator.";
    VoidYes => "Đồng ý huỷ bỏ", "Yes, void it";
    No => "Không", "No";
    DiscardDraft => "Bỏ bản nháp", "Discard draft";
    DiscardEdit => "Bỏ sửa đổi chưa lưu", "Discard unsaved changes";
    VoidedNote => "Hồ sơ này đã bị huỷ bỏ và không thể sửa.", "This record was voided and cannot be edited.";
    RejectedNote => "Máy chủ đã từ chối hồ sơ này. Hãy sửa các ô được đánh dấu rồi lưu lại.", "The server refused this record. Fix the marked fields and save again.";
    ConflictNote => "Người khác đã sửa hồ sơ này trên máy chủ. Sửa đổi của bạn vẫn được giữ; hãy chọn phiên bản ở trang Đồng bộ.", "Someone changed this record on the server. Your changes are kept; choose a version on the Sync page.";
    RecordNotFound => "Không tìm thấy hồ sơ này trên máy.", "This record is not on this phone.";
    BackToList => "Về danh sách hồ sơ", "Back to the records";
}

pub fn role_key(role: Role) -> Key {
    match role {
        Role::CommuneOfficer => Key::RoleCommune,
        Role::DistrictOfficer => Key::RoleDistrict,
        Role::HealthOfficer => Key::RoleHealth,
        Role::Admin => Key::RoleAdmin,
    }
}

pub fn level_key(level: &str) -> Key {
    match level {
        "province" => Key::LevelProvince,
        "district" => Key::LevelDistrict,
        "ward" => Key::LevelWard,
        "village" => Key::LevelVillage,
        _ => Key::LevelCommune,
    }
}

/// What to tell the officer when the server could not do what was asked.
pub fn failure_text(i18n: I18n, failure: &ApiFailure) -> String {
    let key = match failure {
        ApiFailure::Offline => Key::ErrorOffline,
        ApiFailure::Unauthenticated => Key::SessionExpired,
        ApiFailure::Rejected { code, .. } => match code.as_str() {
            "forbidden" => Key::ErrorForbidden,
            "username_taken" => Key::UsernameTaken,
            "negative" => Key::ErrorNegativeNumber,
            "invalid_value" => Key::ErrorNumber,
            "invalid" => Key::ErrorInvalid,
            _ => Key::ErrorUnexpected,
        },
    };
    let mut text = i18n.t(key).to_string();
    if let ApiFailure::Rejected { errors, .. } = failure {
        if !errors.is_empty() {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            text = format!("{text}: {}", fields.join(", "));
        }
    }
    text
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
