//! The translation layer: every visible string is a `Key`, with Vietnamese first and English second.
//! A missing translation is a compile error, since each key carries both texts.

use crate::api::{ApiFailure, Level, Role};
use crate::offline;
use domain::Coded;
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
    LastExchange => "Lần gửi gần nhất", "Last sent";
    ExchangeSent => "đã gửi", "sent";
    ExchangeRecords => "hồ sơ", "records";
    ExchangeStored => "máy chủ đã lưu", "the server stored";
    ExchangeRefused => "bị từ chối", "refused";
    ExchangeConflicts => "xung đột", "in conflict";
    Receipt => "Máy chủ đã lưu phiên bản", "The server stored version";
    ConfirmedReceived => "đã xác nhận tiếp nhận người được giới thiệu ngày", "confirmed receiving the person on";
    ConfirmedNoShow => "báo người được giới thiệu không đến, ngày", "reported that the person did not come, on";
    SlipTitle => "Phiếu giới thiệu", "Referral slip";
    SlipHint => "Đưa phiếu cho người được giới thiệu hoặc để họ chụp lại; cơ sở tiếp nhận nhập mã này để xác nhận.", "Hand the slip to the person or let them photograph it; the receiving service types this code to confirm.";
    SlipShow => "Hiện phiếu", "Show the slip";
    SlipDate => "Ngày giới thiệu:", "Referred on:";
    SlipNothingPersonal => "Phiếu không ghi tên hay thông tin cá nhân.", "The slip carries no name or personal data.";
    Close => "Đóng", "Close";
    FollowUpTitle => "Theo dõi giới thiệu (trên máy này)", "Referral follow-up (on this phone)";
    FollowUpSent => "Đã giới thiệu", "Sent";
    FollowUpConfirmed => "Cơ sở xác nhận", "Confirmed";
    FollowUpOpen => "Chưa có kết quả", "Open";
    FollowUpDue => "Giới thiệu từ 30 ngày trở lên chưa có kết quả", "Open referrals 30 days old or more";
    FollowUpNone => "Chưa có giới thiệu nào trong kỳ này.", "No referrals in this period.";
    FollowUpNoneDue => "Không có giới thiệu nào cần theo dõi.", "No referrals to follow up.";
    Days => "ngày", "days";
    SlipDone => "Xong, về danh sách", "Done, back to the list";
    NavService => "Tiếp nhận", "Receive";
    ServiceTitle => "Xác nhận phiếu giới thiệu", "Confirm a referral slip";
    ServiceIntro => "Nhập mã trên phiếu người được giới thiệu mang đến (10 ký tự).", "Type the code on the slip the person brought (10 characters).";
    SlipCodeLabel => "Mã phiếu", "Slip code";
    SlipLookUp => "Tra cứu", "Look up";
    SlipService => "Dịch vụ được giới thiệu", "Service asked for";
    SlipReferredOn => "Ngày giới thiệu", "Referred on";
    SlipState => "Tình trạng", "State";
    SlipOpen => "Chưa xác nhận", "Not confirmed yet";
    SlipReceivedOn => "Ngày tiếp nhận", "Received on";
    SlipSaved => "Đã ghi xác nhận.", "Confirmation recorded.";
    SlipNotFound => "Không có giới thiệu nào tới cơ sở này mang mã phiếu này. Hãy kiểm tra lại mã.", "No referral to this service has this slip code. Check the code.";
    SlipTypo => "Mã phiếu không đúng hoặc bị đọc sai: hãy kiểm tra từng ký tự.", "Not a slip code, or misread: check each character.";
    SlipTooMany => "Đã nhập nhiều mã không khớp liên tiếp. Hãy đợi một lát rồi thử lại.", "Too many codes that matched nothing. Wait a moment, then try again.";
    SlipTooEarly => "Chỉ báo “không đến” sau 14 ngày kể từ ngày giới thiệu.", "Report “did not come” only 14 days after the referral.";
    SlipAlreadyReceived => "Phiếu này đã được xác nhận tiếp nhận.", "This slip is confirmed as received already.";
    SlipAmbiguous => "Nhiều giới thiệu mang cùng mã này: hãy liên hệ cán bộ đã giới thiệu.", "Several referrals carry this code: contact the referring officer.";
    SlipDayInvalid => "Ngày phải từ ngày giới thiệu đến hôm nay.", "The day must be between the referral's day and today.";
    ServiceOnly => "Trang này dành cho tài khoản của cơ sở tiếp nhận.", "This page is for receiving services' accounts.";
    ReceiptAt => "lúc", "at";
    NeverSynced => "Chưa đồng bộ lần nào trên máy này.", "Never synced on this phone.";
    SyncFailed => "Chưa đồng bộ được (không có mạng hoặc máy chủ bận). Ứng dụng sẽ tự thử lại; hồ sơ vẫn được giữ trên máy.", "Could not sync (no signal or the server is busy). The app will try again by itself; records stay on this phone.";
    SyncStorageFull => "Bộ nhớ trên máy đã đầy nên chưa tải về hết hồ sơ từ máy chủ. Các hồ sơ đã có trên máy vẫn còn nguyên. Hãy giải phóng bộ nhớ rồi bấm Đồng bộ ngay.", "This phone's storage is full, so not all records could be downloaded from the server. Records already on the phone are intact. Free some space, then tap Sync now.";
    RecordTooLarge => "Hồ sơ quá lớn để gửi lên máy chủ. Hãy rút gọn ghi chú rồi lưu lại.", "The record is too large to send. Shorten the notes and save again.";
    SyncRecordsHeld => "Máy chủ gặp lỗi với một số hồ sơ nên chưa nhận; các hồ sơ khác đã được gửi. Ứng dụng sẽ tự gửi lại sau; hồ sơ vẫn được giữ trên máy.", "The server failed on some records and has not taken them; the others were sent. The app will send them again by itself; they stay on this phone.";
    RecordServerFailed => "Máy chủ gặp lỗi khi lưu hồ sơ này. Hồ sơ vẫn chờ gửi và sẽ được tự gửi lại sau.", "The server failed while storing this record. It is still waiting and will be sent again by itself.";
    RecordAnswerUnreadable => "Không đọc được trả lời của máy chủ cho hồ sơ này. Hồ sơ vẫn chờ gửi và sẽ được tự gửi lại sau.", "The server's answer for this record could not be read. It is still waiting and will be sent again by itself.";
    ConflictsTitle => "Hồ sơ bị xung đột", "Records in conflict";
    NoConflicts => "Không có hồ sơ nào bị xung đột.", "No records in conflict.";
    ConflictExplain => "Người khác đã sửa hồ sơ này trên máy chủ sau lần bạn tải về. Hãy chọn bản được giữ.", "Someone changed this record on the server after you got it. Choose the version to keep.";
    ConflictMine => "Bản của bạn", "Your version";
    ConflictServer => "Bản trên máy chủ", "Server's version";
    KeepMine => "Giữ bản của tôi", "Keep mine";
    TakeServer => "Lấy bản trên máy chủ", "Take the server's";
    SettingsLanguage => "Ngôn ngữ", "Language";
    LangVi => "Tiếng Việt", "Tiếng Việt";
    LangEn => "English", "English";
    UpdateReady => "Đã có phiên bản mới.", "A new version is ready.";
    UpdateReload => "Tải lại để cập nhật", "Reload to update";
    NotFound => "Không tìm thấy trang này.", "This page was not found.";
    PageMissingTitle => "Trang này chưa có trên máy", "This page is not on the phone yet";
    PageMissing => "Ứng dụng chưa tải xong trang này trước khi mất mạng. Hồ sơ đã ghi vẫn an toàn. Khi có mạng, hãy thử lại; sau đó mọi trang đều mở được khi không có mạng.", "The app had not finished downloading this page when the signal was lost. Records already saved are safe. When there is signal, try again; from then on every page opens without signal.";
    Retry => "Thử lại", "Try again";
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
    SignInTooMany => "Nhập sai quá nhiều lần nên cần đợi một lúc, mỗi lần sai lại lâu hơn. Hãy thử lại sau.", "Too many wrong attempts, so there is a wait, longer after each wrong one. Try again later.";
    ServerBusy => "Máy chủ đang bận. Hãy thử lại sau vài giây.", "The server is busy. Try again in a few seconds.";
    SignInOffline => "Cần có mạng để đăng nhập. Hồ sơ trên máy vẫn được giữ nguyên.", "Signing in needs a network. Records on this phone are kept.";
    SignInOtherHint => "Mỗi cán bộ dùng chung máy này có mã PIN và hồ sơ riêng, được mã hoá riêng.", "Each officer sharing this phone has their own PIN and their own records, encrypted apart.";
    LockTitle => "Mở ứng dụng", "Open the app";
    LockIntro => "Hồ sơ trên máy này được mã hoá. Nhập mã PIN để mở, kể cả khi không có mạng.", "Records on this phone are encrypted. Enter your PIN to open them, even without signal.";
    LockOfficer => "Cán bộ", "Officer";
    Pin => "Mã PIN (6 chữ số)", "PIN (6 digits)";
    Unlock => "Mở khoá", "Unlock";
    PinWrong => "Mã PIN không đúng. Số lần thử còn lại:", "Wrong PIN. Tries left:";
    PinGone => "Cần đăng nhập bằng mật khẩu (khi có mạng) để mở hồ sơ của cán bộ này. Hồ sơ vẫn còn trên máy, đã mã hoá, và sẽ mở lại được.", "Sign in with the password (online) to open this officer's records. They are still on this phone, encrypted, and will open again.";
    UsePassword => "Đăng nhập bằng mật khẩu", "Sign in with the password";
    UsePin => "Mở bằng mã PIN", "Open with a PIN";
    ChoosePinTitle => "Đặt mã PIN", "Choose a PIN";
    ChoosePinIntro => "Mã PIN mở ứng dụng trên máy này, kể cả khi không có mạng. Nếu quên mã PIN, chỉ cần đăng nhập lại bằng mật khẩu: không mất hồ sơ nào.", "The PIN opens the app on this phone, even without signal. If you forget it, sign in with your password again: no record is lost.";
    PinNew => "Mã PIN mới (6 chữ số)", "New PIN (6 digits)";
    PinRepeat => "Nhập lại mã PIN", "Repeat the PIN";
    PinInvalid => "Mã PIN phải gồm đúng 6 chữ số.", "The PIN must be exactly 6 digits.";
    PinMismatch => "Hai mã PIN không giống nhau.", "The two PINs differ.";
    SavePin => "Lưu mã PIN", "Save the PIN";
    LockedElsewhere => "Ứng dụng vừa được mở ở một cửa sổ khác nên cửa sổ này đã khoá.", "The app was opened in another window, so this one locked.";
    LockedIdle => "Ứng dụng đã tự khoá vì lâu không dùng.", "The app locked itself after a while unused.";
    AccountDisabled => "Tài khoản này đã bị vô hiệu hoá; hãy liên hệ quản trị viên. Hồ sơ chưa gửi vẫn còn trên máy, đã mã hoá.", "This account is disabled; contact the admin. Unsent records are still on this phone, encrypted.";
    NoCrypto => "Trình duyệt không mã hoá được dữ liệu ở địa chỉ này. Hãy mở ứng dụng qua địa chỉ https://.", "The browser cannot encrypt data at this address. Open the app over https://.";
    LockUnreadable => "Hồ sơ trên máy này được khoá bằng mã PIN của bạn: hãy mở bằng mã PIN, rồi đăng nhập lại.", "Your records on this phone are locked with your PIN: open them with the PIN, then sign in again.";
    LockNow => "Khoá ngay", "Lock now";
    ChangePassword => "Đổi mật khẩu", "Change password";
    CurrentPassword => "Mật khẩu hiện tại", "Current password";
    NewOwnPassword => "Mật khẩu mới (ít nhất 8 ký tự)", "New password (at least 8 characters)";
    RepeatPassword => "Nhập lại mật khẩu mới", "Repeat the new password";
    PasswordMissing => "Hãy nhập mật khẩu hiện tại và mật khẩu mới.", "Enter the current and the new password.";
    PasswordMismatch => "Hai mật khẩu mới không giống nhau.", "The two new passwords differ.";
    PasswordRules => "Mật khẩu mới cần từ 8 đến 256 ký tự.", "The new password needs 8 to 256 characters.";
    PasswordWrong => "Mật khẩu hiện tại không đúng.", "The current password is wrong.";
    PasswordChanged => "Đã đổi mật khẩu. Các thiết bị khác phải đăng nhập lại bằng mật khẩu mới; hồ sơ trên máy này vẫn giữ nguyên.", "Password changed. Other devices must sign in again with the new password; records on this phone are kept.";
    SignOutOthers => "Đăng xuất các thiết bị khác", "Sign out other devices";
    SignOutOthersHint => "Kết thúc mọi phiên đăng nhập của bạn trên điện thoại và máy tính khác; máy này vẫn đăng nhập.", "Ends your sessions on every other phone and computer; this one stays signed in.";
    SignedOutOthers => "Số phiên đăng nhập khác đã kết thúc:", "Other sessions ended:";
    AccountNeedsSignal => "Cần có mạng để đổi mật khẩu hoặc đăng xuất các thiết bị khác.", "Changing the password or signing out other devices needs signal.";
    SignOutUnsent => "hồ sơ chưa gửi được giữ lại trên máy này (đã mã hoá) và sẽ được gửi sau lần đăng nhập tới.", "records not sent yet stay on this phone (encrypted) and are sent after your next sign-in.";
    SignOutSynced => "Các hồ sơ đã gửi sẽ được xoá khỏi máy này; máy chủ vẫn giữ chúng.", "Records already sent are removed from this phone; the server keeps them.";
    SignOutAnyway => "Vẫn đăng xuất", "Sign out anyway";
    Cancel => "Huỷ", "Cancel";
    LockAfterMinutes => "Tự khoá điện thoại sau (số phút không dùng)", "Lock the phone after (idle minutes)";
    LockAfterHint => "Từ 1 đến 240 phút; mặc định 10.", "1 to 240 minutes; 10 by default.";
    LockAfterRange => "Hãy nhập số phút từ 1 đến 240.", "Enter a number of minutes from 1 to 240.";
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
    InstallWhy => "Cài ứng dụng lên màn hình chính để mở nhanh và dùng cả khi không có mạng.", "Install the app to the home screen to open it quickly, even without signal.";
    Install => "Cài ứng dụng", "Install the app";
    InstallIphone => "Để cài lên iPhone: bấm Chia sẻ → Thêm vào MH chính.", "To install on an iPhone: tap Share → Add to Home Screen.";
    Search => "Tìm (thôn bản, tên cơ sở, mã khách hàng, tiêu đề, ghi chú)", "Search (village, business name, client code, title, notes)";
    AdminTitle => "Quản trị", "Administration";
    AdminUsers => "Tài khoản cán bộ", "Officer accounts";
    AdminUnits => "Đơn vị hành chính", "Administrative units";
    AdminTargets => "Kế hoạch và chỉ tiêu", "Plans and targets";
    AdminAudit => "Nhật ký truy cập", "Audit log";
    NewUser => "Tạo tài khoản", "New account";
    DisplayName => "Họ và tên cán bộ", "Officer's full name";
    Role => "Vai trò", "Role";
    OrgUnit => "Đơn vị", "Unit";
    NewPassword => "Mật khẩu mới (để trống nếu không đổi)", "New password (leave empty to keep)";
    Disabled => "Đã khoá", "Disabled";
    Disable => "Khoá tài khoản", "Disable";
    Enable => "Mở khoá", "Enable";
    NewUnit => "Thêm đơn vị", "New unit";
    Code => "Mã", "Code";
    Name => "Tên", "Name";
    Level => "Cấp", "Level";
    Parent => "Trực thuộc", "Part of";
    ValidFrom => "Hiệu lực từ ngày", "Valid from";
    ValidTo => "Hiệu lực đến ngày", "Valid until";
    Successor => "Đơn vị kế thừa", "Successor unit";
    Year => "Năm", "Year";
    Baselines => "Số liệu nền", "Baselines";
    Baseline => "Số liệu", "Figure";
    Value => "Giá trị", "Value";
    Action => "Hành động", "Action";
    Since => "Từ ngày", "From";
    Until => "Đến ngày", "To";
    StorageAsk => "Xin trình duyệt giữ dữ liệu lâu dài", "Ask the browser to keep the data";
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
    FieldCommune => "Xã, phường", "Commune or ward";
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
    // The other field records: businesses, inspections, tip-offs, trainings, media posts, plans
    NewOtherRecord => "Ghi hồ sơ khác", "Other records";
    FieldUnit => "Đơn vị (cấp tỉnh, hoặc xã, phường)", "Unit (the province, or a commune or ward)";
    FieldRegisteredOn => "Ngày đưa vào danh sách theo dõi", "Date added to the register";
    FieldBusinessName => "Tên cơ sở kinh doanh", "Name of the business";
    FieldBusinessType => "Loại hình kinh doanh", "Type of business";
    FieldWorkers => "Số người lao động", "Workers";
    FieldFemaleWorkers => "Trong đó nữ", "Of whom women";
    BusinessSavedNote => "Đã lưu cơ sở vào danh sách trên máy. Có thể kiểm tra cơ sở này ngay, kể cả khi không có mạng.", "The business is saved on this phone. You can inspect it now, even without signal.";
    InspectThisBusiness => "Kiểm tra cơ sở này", "Inspect this business";
    FieldInspectionDate => "Ngày kiểm tra", "Date of the inspection";
    FieldBusiness => "Cơ sở được kiểm tra", "Business inspected";
    NoBusinesses => "Chưa có cơ sở nào trên máy. Hãy ghi cơ sở trước, kể cả khi không có mạng.", "No business on this phone yet. Record the business first, even without signal.";
    NewBusiness => "Ghi cơ sở mới", "New business";
    FieldTeam => "Đoàn, đội kiểm tra", "Inspection team";
    FieldFindings => "Kết quả kiểm tra", "Findings";
    FieldViolationFound => "Phát hiện vi phạm", "A violation was found";
    FieldSanction => "Hình thức xử lý", "Sanction";
    FieldFineVnd => "Số tiền phạt (đồng)", "Fine (đồng)";
    ViolationFound => "Có vi phạm", "Violation found";
    NoViolation => "Không vi phạm", "No violation";
    FieldReceivedOn => "Ngày tiếp nhận", "Date received";
    FieldChannel => "Hình thức tiếp nhận", "Received through";
    FieldClassification => "Phân loại", "Classification";
    FieldVerification => "Kết quả xác minh", "Verification";
    FieldOutcome => "Kết quả xử lý", "Outcome";
    FieldHandledOn => "Ngày xử lý xong", "Date handled";
    HandleBy => "Hạn xử lý", "Handle by";
    DaysAfterReceipt => "ngày kể từ ngày tiếp nhận", "days after receipt";
    HandledOn => "Đã xử lý", "Handled";
    NotHandled => "Chưa xử lý", "Not handled yet";
    FieldTrainingDate => "Ngày tập huấn", "Date of the training";
    FieldCourse => "Tên lớp, nội dung tập huấn", "Course";
    FieldTrainingLevel => "Cán bộ được tập huấn thuộc cấp", "Level of the officials trained";
    FieldTraineesMale => "Số người được tập huấn: nam", "Trainees: men";
    FieldTraineesFemale => "Số người được tập huấn: nữ", "Trainees: women";
    FieldPostDate => "Ngày đăng, phát sóng", "Date published";
    FieldMediaChannel => "Kênh đăng tải", "Channel";
    FieldTitle => "Tiêu đề", "Title";
    FieldPlanDate => "Ngày ban hành", "Date issued";
    FieldPlanTitle => "Tên kế hoạch", "Title of the plan";
    FieldAdoptedOn => "Ngày thông qua", "Date adopted";
    AdoptedOn => "Thông qua", "Adopted";
    FieldModelDate => "Ngày triển khai", "Date started";
    FieldModelName => "Tên mô hình", "Name of the model";
    FieldIntegrationDate => "Ngày ghi nhận", "Date recorded";
    FieldAgency => "Cơ quan, đơn vị", "Agency";
    AdminAgencies => "Cơ quan, đơn vị lồng ghép (PCMD-KH02)", "Agencies integrating the task (PCMD-KH02)";
    AdminAgenciesHint => "Cán bộ chọn cơ quan trong danh sách này khi ghi lồng ghép nhiệm vụ. Cơ quan thôi theo dõi không còn để chọn nhưng vẫn được tính cho các bản ghi đã có.", "Officers choose from this list when they record an integration. A retired agency is no longer offered, and still counts for the records that name it.";
    AddAgency => "Thêm cơ quan", "Add an agency";
    AgencyNameVi => "Tên (tiếng Việt)", "Name (Vietnamese)";
    AgencyNameEn => "Tên (tiếng Anh)", "Name (English)";
    AgencyRetired => "Đã thôi theo dõi", "Retired";
    RetireAgency => "Thôi theo dõi", "Retire";
    AdminDevices => "Máy cần kiểm tra", "Phones to check";
    AdminDevicesHint => "Mỗi lần đồng bộ, máy báo số hồ sơ đang chờ gửi. Ở đây là các máy có hồ sơ chờ quá 7 ngày mà chưa về máy chủ, và các máy quay lại không còn các hồ sơ đang chờ (dữ liệu trên máy bị xoá, hoặc cán bộ đã chuyển sang máy khác).", "Every sync, each phone says how many records wait to be sent. Listed here: phones whose waiting records have not reached the server after 7 days, and phones that came back without the records that were waiting on them (the phone's data was wiped, or the officer moved to another phone).";
    DevicesNone => "Không có máy nào cần kiểm tra.", "No phone to check.";
    DevicesAll => "Các máy đã báo", "Phones that reported";
    DevicePhone => "Máy", "Phone";
    DeviceReported => "báo lần cuối", "last report";
    DeviceOldest => "hồ sơ chờ lâu nhất ghi ngày", "longest-waiting record saved on";
    DeviceSince => "từ ngày", "since";
    DeviceRecords => "số hồ sơ", "records";
    DevicePersistent => "Trình duyệt giữ dữ liệu lâu dài.", "The browser keeps the data permanently.";
    DeviceNotPersistent => "Trình duyệt có thể xoá dữ liệu khi máy đầy bộ nhớ.", "The browser may clear the data when the phone runs out of space.";
    DeviceHandled => "Đã xử lý", "Mark as handled";
    OlderTitle => "Hồ sơ các năm trước", "Records of earlier years";
    OlderHint => "Máy chỉ giữ hồ sơ của năm nay và năm trước; hồ sơ cũ hơn vẫn được lưu trên máy chủ. Khi có mạng, xem lại tại đây.", "The phone keeps this year's and last year's records; earlier ones stay on the server. With signal, look at them here.";
    OlderYear => "Năm", "Year";
    OlderFetch => "Xem trên máy chủ", "Look on the server";
    OlderFirst => "Chỉ hiện các hồ sơ đầu tiên, tối đa", "Showing only the first records, at most";
    OlderNone => "Không có hồ sơ nào của năm này.", "No record of that year.";
    ExportUnsent => "Xuất bản sao hồ sơ chưa gửi", "Save a copy of unsent records";
    ExportUnsentHint => "Trước khi cài lại hoặc đổi máy: lưu một tệp chứa mọi hồ sơ chưa gửi được lên máy chủ. Tệp được mã hoá, chỉ máy chủ đọc được; gửi tệp cho quản trị viên để nhập vào hệ thống. Làm được cả khi không có mạng.", "Before this phone is reset or replaced: save a file with every record not yet on the server. The file is encrypted so that only the server can read it; give it to the administrator to import. Works without signal.";
    ExportSaved => "hồ sơ đã được lưu vào tệp trong thư mục Tải xuống. Gửi tệp cho quản trị viên.", "records were saved to a file in Downloads. Give the file to the administrator.";
    ExportNoKey => "Máy chưa có khoá của máy chủ: hãy đăng nhập bằng mật khẩu một lần khi có mạng.", "This phone does not have the server's key yet: sign in with the password once while online.";
    ExportNothing => "Không có hồ sơ nào chưa gửi.", "There is no unsent record.";
    ExportFailed => "Không tạo được tệp trên trình duyệt này. Hồ sơ vẫn còn trên máy.", "The file could not be made in this browser. The records are still on the phone.";
    ImportUnsent => "Nhập bản sao hồ sơ chưa gửi", "Import a copy of unsent records";
    ImportUnsentHint => "Chọn tệp mà máy của cán bộ đã lưu (Xuất bản sao hồ sơ chưa gửi). Hồ sơ được nhận như khi máy đó đồng bộ; nhập lại cùng một tệp không tạo hồ sơ trùng.", "Choose the file an officer's phone saved (Save a copy of unsent records). Its records are taken as that phone's sync would take them; importing the same file again makes no duplicate.";
    ImportChoose => "Tệp bản sao", "The file";
    ImportAlready => "đã có từ trước", "already held";
    ImportKeepFile => "Các hồ sơ sau chưa được lưu (xung đột với bản mới hơn trên máy chủ, hoặc bị từ chối). Hãy giữ lại tệp cho đến khi cán bộ xử lý xong:", "These records were not stored (in conflict with a newer version on the server, or refused). Keep the file until the officer has settled them:";
    ImportNotAnExport => "Tệp này không phải bản sao hồ sơ chưa gửi của ứng dụng.", "This file is not a copy of unsent records of this application.";
    ImportOtherServer => "Tệp này được tạo cho máy chủ khác: hãy nhập ở máy chủ đó.", "This file was made for another server: import it there.";
    ImportDamaged => "Tệp bị hỏng, hoặc không được tạo cho máy chủ này.", "The file is damaged, or was not made for this server.";
    ImportNotTheOfficers => "Tệp không phải do máy của chính cán bộ này tạo ra: không nhập.", "The file was not made by this officer's own phone: not imported.";
    ImportUnknownDevice => "Tệp ghi một máy mà cán bộ chưa từng đăng nhập: không nhập.", "The file names a phone the officer never signed in on: not imported.";
    AdminServices => "Cơ sở tiếp nhận", "Receiving services";
    AdminServicesHint => "Các cơ sở nhận người được giới thiệu (trung tâm y tế, trợ giúp pháp lý, dạy nghề…). Tài khoản của cơ sở (vai trò Cơ sở tiếp nhận) nhập mã phiếu để xác nhận người đã đến.", "The services that receive referred people (health centres, legal aid, vocational training…). Their accounts (role Receiving service) type a slip's code to confirm the person came.";
    AddService => "Thêm cơ sở tiếp nhận", "Add a receiving service";
    ServiceName => "Tên cơ sở", "Name";
    ServiceProvides => "Dịch vụ cơ sở cung cấp", "Services it provides";
    ServiceRetired => "Đã thôi theo dõi: không nhận xác nhận mới.", "Retired: takes no new confirmations.";
    ReceivingService => "Cơ sở tiếp nhận", "Receiving service";
    RestoreAgency => "Theo dõi lại", "Bring back";
    AgencyExists => "Đã có cơ quan tên này trong danh sách.", "An agency of that name is on the list already.";
    FieldProgramme => "Chương trình, kế hoạch được lồng ghép", "Programme it was integrated into";
    // The fields the indicators' definitions read (issue 16): the business of a workplace
    // session, first-time counts, a pilot model's end, a plan's adoption
    FieldSessionBusiness => "Cơ sở kinh doanh nơi tuyên truyền", "Business where the session was held";
    SessionBusinessHint => "Không bắt buộc. Khi chọn cơ sở, chỉ tiêu PCMD-TT03 không tính quá số người lao động của cơ sở đó.", "Optional. With the business named, PCMD-TT03 never counts more than its workers.";
    FieldReachedFirstTime => "Số người được tuyên truyền lần đầu trong năm", "People reached for the first time this year";
    ReachedFirstTimeHint => "Người đã được tuyên truyền trước đó trong năm không tính lại: một lớp được tuyên truyền hai lần chỉ tính một lần. Để trống nếu tất cả là lần đầu.", "People already reached earlier this year are not counted again: a class met twice counts once. Leave empty if all were reached for the first time.";
    FieldTraineesFirstTime => "Số người được tập huấn lần đầu trong năm", "Officials trained for the first time this year";
    TraineesFirstTimeHint => "Cán bộ đã được tập huấn trước đó trong năm không tính lại: một lớp tập huấn lại cho cùng cán bộ chỉ tính một lần. Để trống nếu tất cả là lần đầu.", "Officials already trained earlier this year are not counted again: a course repeated for the same officials counts them once. Leave empty if all were trained for the first time.";
    FieldModelEndedOn => "Ngày kết thúc (để trống nếu còn hoạt động)", "Date ended (leave empty while it runs)";
    ModelEndedOnHint => "Chỉ tiêu PCMD-MH01 tính mô hình trong mọi kỳ mô hình hoạt động, từ ngày triển khai đến ngày kết thúc.", "PCMD-MH01 counts the model in every period it runs, from the day it started to the day it ended.";
    AdoptedOnHint => "Chỉ tiêu PCMD-KH01 tính kế hoạch theo ngày thông qua, không theo ngày ban hành. Để trống nếu chưa thông qua.", "PCMD-KH01 counts a plan by the date it was adopted, not the date issued. Leave empty until it is adopted.";
    AdminSettings => "Cài đặt chung", "General settings";
    TipOffDeadlineDays => "Thời hạn xử lý tin tố giác, tin báo (ngày)", "Deadline for handling a tip-off (days)";
    TipOffDeadlineHint => "Từ 1 đến 365 ngày, tính từ ngày tiếp nhận; dùng cho chỉ tiêu PCMD-TG01.", "1 to 365 days after receipt; used by indicator PCMD-TG01.";
    DeadlineRange => "Hãy nhập số ngày từ 1 đến 365.", "Enter a number of days from 1 to 365.";
    // Dashboard and quarterly report (issue 7)
    StatusMet => "Đạt", "Met";
    StatusNotMet => "Chưa đạt", "Not met";
    StatusNoData => "Chưa có số liệu", "No data";
    StatusNoTarget => "Chưa có mục tiêu", "No target";
    StatusNotApplicable => "Không áp dụng cho cấp xã", "Not applicable to a commune";
    Quarter => "Quý", "Quarter";
    IndicatorTarget => "Mục tiêu", "Target";
    DashboardIntro => "Số liệu lũy kế từ đầu năm đến hết quý đã chọn, tính từ các hồ sơ đã đồng bộ lên máy chủ.", "Year-to-date figures to the end of the chosen quarter, from the records synced to the server.";
    ProgressByQuarter => "Lũy kế theo quý", "Year to date by quarter";
    ByCommuneTitle => "Kết quả theo xã, phường", "Results by commune or ward";
    ByCommuneHint => "Vuốt ngang để xem hết các chỉ tiêu.", "Swipe sideways to see every indicator.";
    LegendMet => "Đạt mục tiêu", "Target met";
    LegendNear => "Đạt từ một nửa mục tiêu", "At least half the target";
    LegendFar => "Dưới một nửa mục tiêu", "Under half the target";
    LegendNone => "Chưa có số liệu hoặc mục tiêu", "No data or no target";
    FiguresAsOf => "Số liệu lúc", "Figures as of";
    FiguresKeptNote => "Chưa kết nối được máy chủ: đang hiển thị số liệu đã lưu trên máy.", "Cannot reach the server: showing the figures saved on this phone.";
    FiguresNeverFetched => "Chưa có số liệu của quý này trên máy. Hãy mở trang này khi có mạng để tải về.", "No figures for this quarter on this phone yet. Open this page with signal to download them.";
    ReportDownloads => "Báo cáo quý", "Quarterly report";
    SuppressSmall => "Báo cáo gửi ra ngoài đơn vị: ẩn số nhỏ hơn 5", "Report leaving the unit: hide numbers under 5";
    SuppressedAlways => "Số liệu gửi cho vai trò của bạn luôn ẩn số nhỏ hơn 5.", "Figures for your role always have numbers under 5 hidden.";
    FiguresSuppressed => "Số nhỏ được ẩn: số từ 1 đến 4 ở cấp xã ghi “<5”; “x” là ô ẩn thêm để không suy ra được số nhỏ.", "Small numbers are hidden: commune figures from 1 to 4 show as “<5”; “x” is hidden as well so that a small number cannot be worked out.";
    HiddenSmall => "(dưới 5, được ẩn)", "(under 5, hidden)";
    HiddenCell => "(được ẩn)", "(hidden)";
    StatusHidden => "Được ẩn", "Hidden";
    DownloadCsv => "Tải tệp CSV", "Download CSV";
    DownloadXlsx => "Tải tệp Excel (XLSX)", "Download Excel (XLSX)";
    OpenPrint => "Xem bản in báo cáo", "Open the printable report";
    DownloadsNeedSignal => "Cần có mạng để tải tệp báo cáo.", "Downloading the report files needs signal.";
    PrintReport => "In báo cáo", "Print the report";
    BackToDashboard => "Về trang chỉ tiêu", "Back to the indicators";
    RptCommittee => "ỦY BAN NHÂN DÂN {unit}", "PEOPLE'S COMMITTEE OF {unit}";
    RptCommitteeShort => "ỦY BAN NHÂN DÂN", "PEOPLE'S COMMITTEE";
    RptNation => "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM";
    RptMotto => "Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness";
    RptNumber => "Số: …/BC-{agency}", "No.: …/BC-{agency}";
    RptPlaceDate => "{place}, ngày {d} tháng {m} năm {y}", "{place}, {d}/{m}/{y}";
    RptTitle => "BÁO CÁO", "REPORT";
    RptSubtitle => "Kết quả thực hiện Kế hoạch phòng, chống mại dâm", "Results of the plan for the prevention of prostitution";
    RptPeriod => "Quý {q} năm {y}", "Quarter {q} of {y}";
    RptYearToDate => "(Số liệu lũy kế từ ngày 01/01 đến hết quý)", "(Figures accumulated from 1 January to the end of the quarter)";
    RptSection1 => "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", "I. RESULTS AGAINST THE INDICATORS";
    RptSection2 => "II. KẾT QUẢ THEO XÃ, PHƯỜNG", "II. RESULTS BY COMMUNE OR WARD";
    RptSection3 => "III. SỐ LIỆU THỐNG KÊ", "III. STATISTICS";
    RptColNo => "STT", "No.";
    RptColIndicator => "Chỉ tiêu", "Indicator";
    RptColResult => "Kết quả", "Result";
    RptColValue => "Tỷ lệ, giá trị", "Rate or value";
    RptColAssessment => "Đánh giá", "Assessment";
    RptColFigure => "Số liệu", "Figure";
    RptWholeUnit => "Toàn đơn vị", "Whole unit";
    RptCommuneNote => "Mỗi ô ghi tử số/mẫu số và tỷ lệ của chỉ tiêu tại xã, phường.", "Each cell gives the indicator's numerator/denominator and rate in the commune or ward.";
    RptSuppressedNote => "Số từ 1 đến 4 ở cấp xã được ghi là “<5”; ô “x” được ẩn thêm để không suy ra được số nhỏ. Tỷ lệ có tử số hoặc mẫu số bị ẩn cũng được ẩn.", "Commune figures from 1 to 4 are shown as “<5”; cells marked “x” are hidden as well so that a small number cannot be worked out. A rate whose numerator or denominator is hidden is hidden too.";
    RptRecipients => "Nơi nhận:", "Recipients:";
    RptSignerDistrict => "TRƯỞNG PHÒNG", "HEAD OF OFFICE";
    RptSignerCommuneFor => "TM. ỦY BAN NHÂN DÂN", "ON BEHALF OF THE PEOPLE'S COMMITTEE";
    RptSignerCommune => "CHỦ TỊCH", "CHAIR";
    CountWorkers => "Người lao động", "Workers";
    CountFemaleWorkers => "Trong đó: nữ", "Of whom women";
    CountClients => "Người có hồ sơ hỗ trợ (mã ẩn danh)", "People on file (pseudonymous codes)";
    CountInspections => "Lượt kiểm tra", "Inspections";
    CountViolating => "Cơ sở vi phạm", "Businesses in violation";
    CountSanctioned => "Lượt kiểm tra có xử phạt", "Inspections with a sanction";
    CountFines => "Tiền phạt (đồng)", "Fines (VND)";
    CountReceived => "Tin tiếp nhận", "Received";
    CountHandled => "Đã xử lý", "Handled";
    CountHandledInTime => "Xử lý đúng hạn", "Handled in time";
    CountSessions => "Số cuộc tuyên truyền", "Sessions";
    CountParticipantsMale => "Lượt người tham gia: nam", "Participants: men";
    CountParticipantsFemale => "Lượt người tham gia: nữ", "Participants: women";
    RptNoFigures => "Chưa có số liệu để lập báo cáo. Hãy mở trang này khi có mạng.", "No figures to make the report from. Open this page with signal.";
    RptSignerDirector => "GIÁM ĐỐC", "DIRECTOR";
    RptSignerHead => "THỦ TRƯỞNG CƠ QUAN", "HEAD OF AGENCY";
    RptArchive => "Lưu: VT.", "Archive.";
    UnitClosed => "{unit} đã ngừng hoạt động sau ngày {date}.", "{unit} ceased to exist after {date}.";
    UnitSuccessors => "Đơn vị kế tiếp: {units}. Hồ sơ mới ghi cho đơn vị kế tiếp; hồ sơ đã ghi vẫn được giữ. Hãy nhờ quản trị viên chuyển tài khoản của bạn sang đơn vị mới.", "Its successor: {units}. New records go to the successor; records already made are kept. Ask your administrator to move your account to the new unit.";
    UnitNoSuccessor => "Hãy nhờ quản trị viên chuyển tài khoản của bạn sang đơn vị đang hoạt động; hồ sơ đã ghi vẫn được giữ.", "Ask your administrator to move your account to a unit that exists today; records already made are kept.";
    PlanInForce => "Kế hoạch", "Plan";
    PlanIssuedBy => "Ban hành", "Issued by";
    PlanLeadAgency => "Cơ quan thường trực", "Standing agency";
    PlanNone => "Chưa có kế hoạch năm {y} áp dụng cho đơn vị này, nên các chỉ tiêu chưa có mục tiêu. Quản trị viên lập kế hoạch ở mục Quản trị → Kế hoạch và chỉ tiêu.", "No plan for {y} covers this unit, so the indicators have no targets. An administrator makes one under Administration → Plans and targets.";
    TargetToConfirm => "mục tiêu chép từ năm trước, chưa xác nhận", "target copied from last year, not yet confirmed";
    PlansOfYear => "Kế hoạch năm {y}", "Plans for {y}";
    NoPlansOfYear => "Chưa có kế hoạch nào cho năm này.", "No plan for this year yet.";
    PlanCopyNext => "Lập kế hoạch năm {y} từ kế hoạch này", "Start the {y} plan from this one";
    PlanConfirm => "Xác nhận mục tiêu và số liệu nền", "Confirm the targets and baselines";
    PlanToConfirm => "Chờ xác nhận", "To confirm";
    PlanConfirmed => "Đã xác nhận", "Confirmed";
    PlanNew => "Lập kế hoạch mới", "New plan";
    PlanTitle => "Tên kế hoạch", "Plan title";
    PlanRecipients => "Nơi nhận báo cáo (mỗi dòng một nơi)", "Report recipients (one per line)";
    PlanCreate => "Lập kế hoạch", "Create the plan";
    PlanTargetFor => "Mục tiêu của {code}", "Target of {code}";
    PlanOperator => "Phép so sánh của {code}", "Comparison of {code}";
    MoveOfficers => "Chuyển cán bộ của đơn vị này sang", "Move this unit's officers to";
    MoveOfficersGo => "Chuyển tài khoản", "Move the accounts";
    MovedOfficers => "Đã chuyển tài khoản:", "Accounts moved:";
    TodayUnits => "Xem theo các xã, phường của năm {y} (sau sáp nhập)", "Show by the communes and wards of {y} (after the mergers)";
    MappedFrom => "Đơn vị này chưa có trong năm {y}: đây là số liệu của các đơn vị đã hợp nhất thành nó: {units}.", "This unit did not exist in {y}: these are the figures of the units merged into it: {units}.";
    Unmapped => "Số liệu của các đơn vị sau có trong tổng nhưng không thuộc xã, phường nào của năm đã chọn: {units}.", "The figures of these units are in the total but belong to no commune of the year chosen: {units}.";
    Including => "gồm {units}", "made of {units}";
    MovedNone => "Đơn vị này không còn tài khoản nào.", "This unit has no accounts left.";
    QuartersTitle => "Duyệt quý", "Quarters";
    QuartersIntroCommune => "Gửi số liệu từng quý của xã lên cấp trên duyệt. Quý đã duyệt được khoá; hồ sơ gửi lên sau đó vẫn được lưu, và cấp trên duyệt lại để tính vào.", "Send each quarter of your commune for approval. An approved quarter is locked; records sent after that are still stored, and the approver approves again to take them in.";
    QuartersIntroLead => "Duyệt số liệu quý các xã gửi lên, hoặc trả lại kèm lý do. Hồ sơ đến sau khi duyệt được liệt kê để duyệt lại.", "Approve the quarters the communes send, or return them with a comment. Records that arrive after approval are listed so that you approve again.";
    QuartersNotForRole => "Trang này dành cho cán bộ xã và cán bộ cấp trên duyệt số liệu quý.", "This page is for commune officers and the officers who approve their quarters.";
    QuartersNeedNetwork => "Cần có mạng để xem, gửi, duyệt hay mở lại quý. Hãy thử lại khi có mạng; hồ sơ trên máy vẫn được giữ.", "Seeing, submitting, approving or reopening a quarter needs a network. Try again when there is signal; records on this phone are kept.";
    QuartersYear => "Năm", "Year";
    QuartersNone => "Chưa có xã nào gửi quý của năm này.", "No commune has submitted a quarter of this year.";
    QuartersUntouched => "Số xã chưa gửi quý nào:", "Communes that have sent no quarter:";
    QuarterName => "Quý {q}/{y}", "Quarter {q} of {y}";
    QuarterSubmit => "Gửi duyệt", "Submit";
    QuarterApprove => "Duyệt", "Approve";
    QuarterReturn => "Trả lại", "Return";
    QuarterReturnWhy => "Lý do trả lại", "Why it goes back";
    QuarterRequestReopen => "Xin mở lại", "Ask to reopen";
    QuarterReopenWhy => "Lý do xin mở lại", "Why it should be reopened";
    QuarterReopen => "Mở lại", "Reopen";
    QuarterReapprove => "Duyệt lại", "Approve again";
    QuarterLate => "Hồ sơ đến sau khi duyệt", "Records that arrived after approval";
    QuarterLateCount => "hồ sơ đến sau khi duyệt", "records arrived after approval";
    QuarterApprovedBy => "Đã duyệt bởi {name} ngày {date}", "Approved by {name} on {date}";
    QuarterSubmittedBy => "Gửi bởi {name} ngày {date}", "Submitted by {name} on {date}";
    QuarterOccurredOn => "ngày {date}", "dated {date}";
    QuarterWhyNeeded => "Hãy ghi lý do.", "Write the reason.";
    QuarterWrongState => "Quý này vừa được người khác xử lý; danh sách đã được tải lại.", "Someone has just acted on this quarter; the list has been reloaded.";
    QuarterDone => "Đã cập nhật quý.", "The quarter was updated.";
    // Dashboard: a commune's figures made on the phone, and the figures counted anew (issue 16)
    FiguresOnPhone => "Tính trên máy này", "From this phone";
    FiguresOnPhoneRecords => "Tính từ {n} hồ sơ của xã có trên máy này ({w} hồ sơ chưa gửi lên máy chủ), theo đúng cách tính của máy chủ.", "Counted from the commune's {n} records on this phone ({w} not yet sent to the server), the same way the server counts.";
    FiguresOnPhoneSince => "Chưa gồm hồ sơ cán bộ khác ghi sau lần đồng bộ gần nhất ({t}).", "Records other officers made after the last sync ({t}) are not included.";
    FiguresOnPhoneNeverSynced => "Máy này chưa đồng bộ lần nào: chưa gồm hồ sơ của cán bộ khác.", "This phone has never synced: other officers' records are not included.";
    FiguresOnPhoneBasis => "Mục tiêu và mẫu số (số học sinh, số cán bộ) lấy từ số liệu máy chủ lúc {t}.", "Targets and denominators (students, officials) are from the server's figures of {t}.";
    FiguresOnPhoneNoBasis => "Máy chưa có mục tiêu và mẫu số của năm này: hãy mở trang này khi có mạng để tải về.", "This phone has no targets or denominators for this year yet: open this page with signal to download them.";
    FiguresOnPhoneLoading => "Đang tải số liệu của máy chủ…", "Loading the server's figures…";
    NotApplicableColumns => "{codes}: không áp dụng cho cấp xã.", "{codes}: not applicable to a commune.";
    CountingChangedTitle => "Cách tính đã thay đổi", "How some figures are counted changed";
    CountingChangedIntro => "Các chỉ tiêu sau nay được tính đúng theo câu chữ của kế hoạch, nên số liệu có thể khác trước:", "These indicators are now counted as the plan's sentences say, so their figures may differ from before:";
    ChangedTt02 => "TT02: số quý đến nay có tin bài trên cả hai kênh, trên số quý đến nay; quý chưa đến không tính.", "TT02: quarters so far with a post on both channels, over the quarters so far; quarters not begun do not count.";
    ChangedTt03 => "TT03: mỗi cơ sở tính tối đa bằng số người lao động của cơ sở, nên không bao giờ quá 100 %.", "TT03: each business counts at most its workers, so it never passes 100 %.";
    ChangedTt04 => "TT04: học sinh được tuyên truyền lần đầu trong năm, nên buổi lặp lại chỉ tính một lần.", "TT04: students reached for the first time this year, so a repeated session counts them once.";
    ChangedKh01 => "KH01: theo ngày ban hành kế hoạch, không theo ngày ghi hồ sơ.", "KH01: by the plan's adoption date, not the record's date.";
    ChangedKh02 => "KH02: cơ quan chọn trong danh sách do quản trị viên quản lý, nên một cơ quan viết khác nhau chỉ tính một lần.", "KH02: agencies chosen from the list the admin keeps, so one agency written two ways counts once.";
    ChangedMh01 => "MH01: các mô hình thí điểm đang hoạt động trong kỳ, kể cả mô hình bắt đầu từ năm trước.", "MH01: pilot models running in the period, including those started in earlier years.";
    ChangedTg01 => "TG01: tin chưa xử lý và chưa đến hạn là “đang chờ”, không tính vào tử số và mẫu số; thời hạn xử lý giữ theo từng năm.", "TG01: tip-offs not handled and not yet due are pending, in neither numerator nor denominator; the deadline is kept per year.";
    ChangedHt01 => "HT01: gồm cả người được chuyển gửi từ trước mà tiếp cận dịch vụ trong kỳ.", "HT01: includes people referred earlier whose access falls in the period.";
    ChangedTh => "TH01, TH02: cán bộ được tập huấn lần đầu trong năm, nên lớp lặp lại chỉ tính một lần.", "TH01, TH02: officials trained for the first time this year, so a repeated course counts them once.";
    CountingNoteClose => "Đã hiểu, ẩn ghi chú này", "Got it, hide this note";
}

/// The role as users name it, by the level of the officer's unit: the lead officer of a province
/// is a province officer whichever of the two role words their account has.
pub fn role_shown(role: Role, level: Option<Level>) -> Role {
    match (role, level) {
        (Role::DistrictOfficer, Some(Level::Province)) => Role::ProvinceOfficer,
        _ => role,
    }
}

/// What to tell the officer when the server could not do what was asked.
pub fn failure_text(i18n: I18n, failure: &ApiFailure) -> String {
    let key = match failure {
        ApiFailure::Offline => Key::ErrorOffline,
        ApiFailure::Unauthenticated => Key::SessionExpired,
        ApiFailure::Disabled => Key::AccountDisabled,
        ApiFailure::Rejected { code, .. } => match code.as_str() {
            "forbidden" => Key::ErrorForbidden,
            "username_taken" => Key::UsernameTaken,
            "agency_exists" => Key::AgencyExists,
            "negative" => Key::ErrorNegativeNumber,
            "invalid_value" => Key::ErrorNumber,
            "invalid" => Key::ErrorInvalid,
            "too_many_attempts" => Key::SignInTooMany,
            "busy" => Key::ServerBusy,
            "storage_full" => Key::StorageFull,
            "not_an_export" => Key::ImportNotAnExport,
            "other_server" => Key::ImportOtherServer,
            "export_damaged" => Key::ImportDamaged,
            "unknown_device" => Key::ImportUnknownDevice,
            "not_the_officers" => Key::ImportNotTheOfficers,
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

    /// The label of a value of a closed list (`domain::Coded`: roles, levels, kinds, …).
    pub fn label<T: Coded>(self, value: T) -> &'static str {
        value.label(self.lang.get())
    }

    /// Sets and remembers the language; used by the settings page.
    pub fn choose(self, lang: Lang) {
        self.lang.set(lang);
        offline::save_lang(lang);
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
