//! The typed `data` of each record kind, and the closed lists its forms offer. Values of these
//! types come out of [`crate::validate`]; serialising one gives the canonical `data` JSON
//! (trimmed text, normalised codes, absent optional fields left out).
//!
//! Only the fields that `API.md` names for a kind are required, so that any client keeping to the
//! contract is accepted; the other fields are optional but checked when present. Unknown fields
//! are always rejected, which is what keeps names, phone numbers and the like out of the store.

use serde::Serialize;

use crate::coded::coded;
use crate::{ClientCode, Date, RecordKind, ReferralService};

coded! {
    /// How an awareness session was held.
    pub enum OutreachFormat {
        GroupTalk = "group_talk", "Nói chuyện chuyên đề, thảo luận nhóm", "Group talk";
        IndividualCounselling = "individual_counselling", "Tư vấn cá nhân", "Individual counselling";
        Loudspeaker = "loudspeaker", "Loa truyền thanh", "Loudspeaker broadcast";
        Leaflets = "leaflets", "Phát tờ rơi", "Leaflets";
        CulturalEvent = "cultural_event", "Hội diễn, hội thi", "Cultural event or contest";
        SchoolSession = "school_session", "Tuyên truyền tại trường học", "School session";
        WorkplaceSession = "workplace_session", "Tuyên truyền tại cơ sở kinh doanh", "Session at a business";
        Other = "other", "Hình thức khác", "Other";
    }
}

coded! {
    /// Who an awareness session was for.
    pub enum Audience {
        Students = "students", "Học sinh THPT, học viên GDNN", "Upper-secondary and vocational students";
        BusinessWorkers = "business_workers", "Người lao động tại cơ sở kinh doanh dịch vụ", "Workers at at-risk businesses";
        Women = "women", "Phụ nữ", "Women";
        Youth = "youth", "Thanh, thiếu niên", "Youth";
        MigrantWorkers = "migrant_workers", "Lao động di cư, tìm việc làm", "Migrant and job-seeking workers";
        EthnicMinorityCommunity = "ethnic_minority_community", "Đồng bào dân tộc thiểu số", "Ethnic minority community";
        GeneralPublic = "general_public", "Người dân", "General public";
    }
}

coded! {
    /// The language a session was held in: Vietnamese and the main languages of Lai Châu.
    pub enum Language {
        Vi = "vi", "Tiếng Việt", "Vietnamese";
        Hmong = "hmong", "Tiếng Mông", "Hmong";
        Dao = "dao", "Tiếng Dao", "Dao";
        Thai = "thai", "Tiếng Thái", "Thai";
        Giay = "giay", "Tiếng Giáy", "Giay";
        Lu = "lu", "Tiếng Lự", "Lu";
        Other = "other", "Tiếng khác", "Other";
    }
}

coded! {
    /// Age band of a person supported: never a birth date.
    pub enum AgeBand {
        Under18 = "under_18", "Dưới 18 tuổi", "Under 18";
        From18To24 = "18_24", "18–24 tuổi", "18–24";
        From25To34 = "25_34", "25–34 tuổi", "25–34";
        From35To49 = "35_49", "35–49 tuổi", "35–49";
        From50 = "50_plus", "Từ 50 tuổi trở lên", "50 and over";
    }
}

coded! {
    pub enum Sex {
        Female = "female", "Nữ", "Female";
        Male = "male", "Nam", "Male";
        Other = "other", "Khác", "Other";
    }
}

coded! {
    /// Where a referral stands; updated after the first sync when the person reaches the service.
    pub enum ReferralStatus {
        Referred = "referred", "Đã giới thiệu", "Referred";
        Accessed = "accessed", "Đã tiếp cận dịch vụ", "Accessed the service";
        Declined = "declined", "Từ chối", "Declined";
        Lost = "lost", "Mất dấu", "Lost to follow-up";
    }
}

coded! {
    /// Kinds of service business at risk of being used for prostitution.
    pub enum BusinessType {
        Karaoke = "karaoke", "Karaoke", "Karaoke";
        Massage = "massage", "Massage, xoa bóp", "Massage";
        Hotel = "hotel", "Khách sạn", "Hotel";
        Guesthouse = "guesthouse", "Nhà nghỉ", "Guesthouse";
        Inn = "inn", "Nhà trọ", "Inn";
        Bar = "bar", "Quán bar", "Bar";
        Other = "other", "Loại khác", "Other";
    }
}

coded! {
    /// How a tip-off, report or complaint was received.
    pub enum TipOffChannel {
        Hotline = "hotline", "Đường dây nóng", "Hotline";
        InPerson = "in_person", "Trực tiếp", "In person";
        Letter = "letter", "Đơn, thư", "Letter";
        Online = "online", "Qua mạng", "Online";
        Police = "police", "Công an chuyển đến", "From the police";
        Other = "other", "Kênh khác", "Other";
    }
}

coded! {
    /// What a tip-off is about.
    pub enum TipOffClass {
        Prostitution = "prostitution", "Hoạt động mại dâm", "Prostitution";
        Trafficking = "trafficking", "Mua bán người", "Human trafficking";
        Brokering = "brokering", "Môi giới, chứa chấp mại dâm", "Brokering or harbouring";
        Other = "other", "Khác", "Other";
    }
}

coded! {
    /// Outcome of verifying a tip-off.
    pub enum Verification {
        Pending = "pending", "Đang xác minh", "Being verified";
        Confirmed = "confirmed", "Có căn cứ", "Confirmed";
        Unfounded = "unfounded", "Không có căn cứ", "Unfounded";
    }
}

coded! {
    /// Level of the officials trained.
    pub enum TrainingLevel {
        District = "district", "Cấp huyện", "District";
        Commune = "commune", "Cấp xã", "Commune";
    }
}

coded! {
    /// Where a media post appeared.
    pub enum MediaChannel {
        Portal = "portal", "Cổng thông tin điện tử", "Web portal";
        RadioTv = "radio_tv", "Truyền thanh - Truyền hình", "Radio/TV";
    }
}

/// An awareness session (buổi tuyên truyền).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutreachSession {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub village: Option<String>,
    pub format: OutreachFormat,
    pub audience: Audience,
    pub reached_male: u32,
    pub reached_female: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organising_unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl OutreachSession {
    /// People reached, both sexes.
    pub fn reached(&self) -> u64 {
        u64::from(self.reached_male) + u64::from(self.reached_female)
    }
}

/// Harm-reduction support and referral of one person to one service. Identifies the person only
/// by a pseudonymous client code.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Referral {
    pub client_code: ClientCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_band: Option<AgeBand>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// The person has a need and is eligible (the denominator of PCMD-HT01).
    pub in_need_eligible: bool,
    /// Always true once validated: a referral without consent is rejected.
    pub consent: bool,
    /// When consent was given; absent means on the record's `occurred_on`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent_on: Option<Date>,
    pub service: ReferralService,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receiving_org: Option<String>,
    pub status: ReferralStatus,
    /// Present whenever `status` is `accessed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accessed_on: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up_on: Option<Date>,
}

/// An entry of the register of at-risk service businesses.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Business {
    pub name: String,
    #[serde(rename = "type")]
    pub business_type: BusinessType,
    pub workers: u32,
    /// At most `workers`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub female_workers: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub village: Option<String>,
}

/// An inspection of a registered business (team 178).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Inspection {
    /// Id of a `business` record, which may not have reached the server yet.
    pub business_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<String>,
    pub violation_found: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sanction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fine_vnd: Option<u64>,
}

/// A tip-off, report or complaint; the record's `occurred_on` is the day it was received.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TipOff {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<TipOffChannel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<TipOffClass>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Absent while not handled yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handled_on: Option<Date>,
}

/// A training of officials. Devices send the trainees by sex; `API.md` clients may send only the
/// total `trainees`. Either way `trainees` is always set, and equals the sum when both sexes are
/// given, so indicators read one field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Training {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub course: Option<String>,
    pub level: TrainingLevel,
    pub trainees: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trainees_male: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trainees_female: Option<u32>,
}

/// A news item on the district portal or radio/TV.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MediaPost {
    pub channel: MediaChannel,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// A commune's own prevention plan, adopted.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CommunePlan {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adopted_on: Option<Date>,
}

/// A pilot model (mô hình thí điểm) started in a commune.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PilotModel {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// An agency integrating prostitution prevention into another programme.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AgencyIntegration {
    pub agency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub programme: Option<String>,
}

/// The typed `data` of a record; serialises as the bare `data` object (the kind travels in the
/// envelope).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RecordData {
    OutreachSession(OutreachSession),
    Referral(Referral),
    Business(Business),
    Inspection(Inspection),
    TipOff(TipOff),
    Training(Training),
    MediaPost(MediaPost),
    CommunePlan(CommunePlan),
    PilotModel(PilotModel),
    AgencyIntegration(AgencyIntegration),
}

impl RecordData {
    pub fn kind(&self) -> RecordKind {
        match self {
            RecordData::OutreachSession(_) => RecordKind::OutreachSession,
            RecordData::Referral(_) => RecordKind::Referral,
            RecordData::Business(_) => RecordKind::Business,
            RecordData::Inspection(_) => RecordKind::Inspection,
            RecordData::TipOff(_) => RecordKind::TipOff,
            RecordData::Training(_) => RecordKind::Training,
            RecordData::MediaPost(_) => RecordKind::MediaPost,
            RecordData::CommunePlan(_) => RecordKind::CommunePlan,
            RecordData::PilotModel(_) => RecordKind::PilotModel,
            RecordData::AgencyIntegration(_) => RecordKind::AgencyIntegration,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::coded::assert_coded_list;
    use crate::{Coded, Lang};

    fn codes<T: Coded>() -> Vec<&'static str> {
        T::ALL.iter().map(|value| value.as_str()).collect()
    }

    #[test]
    fn every_form_list_is_consistent() {
        assert_coded_list::<OutreachFormat>();
        assert_coded_list::<Audience>();
        assert_coded_list::<Language>();
        assert_coded_list::<AgeBand>();
        assert_coded_list::<Sex>();
        assert_coded_list::<ReferralStatus>();
        assert_coded_list::<BusinessType>();
        assert_coded_list::<TipOffChannel>();
        assert_coded_list::<TipOffClass>();
        assert_coded_list::<Verification>();
        assert_coded_list::<TrainingLevel>();
        assert_coded_list::<MediaChannel>();
    }

    #[test]
    fn codes_are_exactly_those_of_the_api() {
        assert_eq!(
            codes::<OutreachFormat>(),
            [
                "group_talk",
                "individual_counselling",
                "loudspeaker",
                "leaflets",
                "cultural_event",
                "school_session",
                "workplace_session",
                "other",
            ]
        );
        assert_eq!(
            codes::<Audience>(),
            [
                "students",
                "business_workers",
                "women",
                "youth",
                "migrant_workers",
                "ethnic_minority_community",
                "general_public",
            ]
        );
        assert_eq!(
            codes::<AgeBand>(),
            ["under_18", "18_24", "25_34", "35_49", "50_plus"]
        );
        assert_eq!(codes::<Sex>(), ["female", "male", "other"]);
        assert_eq!(
            codes::<ReferralStatus>(),
            ["referred", "accessed", "declined", "lost"]
        );
        assert_eq!(
            codes::<BusinessType>(),
            [
                "karaoke",
                "massage",
                "hotel",
                "guesthouse",
                "inn",
                "bar",
                "other"
            ]
        );
        assert_eq!(codes::<TrainingLevel>(), ["district", "commune"]);
        assert_eq!(codes::<MediaChannel>(), ["portal", "radio_tv"]);
        assert_eq!(
            codes::<Language>(),
            ["vi", "hmong", "dao", "thai", "giay", "lu", "other"]
        );
    }

    #[test]
    fn vietnamese_labels_use_the_plan_s_terms() {
        assert_eq!(
            MediaChannel::RadioTv.label(Lang::Vi),
            "Truyền thanh - Truyền hình"
        );
        assert_eq!(ReferralStatus::Lost.label(Lang::Vi), "Mất dấu");
        assert_eq!(TrainingLevel::Commune.label(Lang::Vi), "Cấp xã");
        assert_eq!(Language::Hmong.label(Lang::En), "Hmong");
    }

    #[test]
    fn business_type_travels_as_type() {
        let business = Business {
            name: "Karaoke Hoa Mai".into(),
            business_type: BusinessType::Karaoke,
            workers: 6,
            female_workers: None,
            village: None,
        };
        assert_eq!(
            serde_json::to_value(&business).unwrap(),
            json!({"name": "Karaoke Hoa Mai", "type": "karaoke", "workers": 6})
        );
    }

    #[test]
    fn record_data_serialises_as_the_bare_object_and_knows_its_kind() {
        let data = RecordData::MediaPost(MediaPost {
            channel: MediaChannel::Portal,
            title: None,
        });
        assert_eq!(
            serde_json::to_value(&data).unwrap(),
            json!({"channel": "portal"})
        );
        assert_eq!(data.kind(), RecordKind::MediaPost);
    }

    #[test]
    fn reached_adds_both_sexes_without_overflow() {
        let session = OutreachSession {
            village: None,
            format: OutreachFormat::GroupTalk,
            audience: Audience::Women,
            reached_male: u32::MAX,
            reached_female: 2,
            language: None,
            organising_unit: None,
            notes: None,
        };
        assert_eq!(session.reached(), u64::from(u32::MAX) + 2);
    }
}
