//! The `outreach_session` record kind: its data, the closed lists its form offers, and its reader.

use serde::Serialize;

use crate::coded::coded;
use crate::reader::{coded, text, uuid, Reader};
use crate::validate::{count, MAX_LONG_TEXT, MAX_TEXT};
use crate::ErrorCode;

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

/// An awareness session (buổi tuyên truyền).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutreachSession {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub village: Option<String>,
    pub format: OutreachFormat,
    pub audience: Audience,
    pub reached_male: u32,
    pub reached_female: u32,
    /// Of those reached, how many for the first time this year (PCMD-TT04 counts people, not
    /// attendances). Absent in records made before it was asked: then all of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reached_first_time: Option<u32>,
    /// The `business` record a session for its workers was held at (PCMD-TT03 counts, per
    /// business, at most its workers). Absent in records made before it was asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_id: Option<String>,
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

    /// People reached for the first time this year.
    pub fn reached_first_time(&self) -> u64 {
        self.reached_first_time.map_or(self.reached(), u64::from)
    }
}

pub(super) fn read(r: &mut Reader) -> Option<OutreachSession> {
    let village = r.optional("village", text(MAX_TEXT));
    let format = r.required("format", coded);
    let audience = r.required("audience", coded);
    let reached_male = r.required("reached_male", count);
    let reached_female = r.required("reached_female", count);
    let first_time = r.optional("reached_first_time", count);
    let business_id = r.optional("business_id", uuid);
    let language = r.optional("language", coded);
    let organising_unit = r.optional("organising_unit", text(MAX_TEXT));
    let notes = r.optional("notes", text(MAX_LONG_TEXT));
    if let (Some(male), Some(female), Some(Some(first))) =
        (reached_male, reached_female, first_time)
    {
        if u64::from(first) > u64::from(male) + u64::from(female) {
            r.report("reached_first_time", ErrorCode::ExceedsTotal);
            return None;
        }
    }
    Some(OutreachSession {
        village: village?,
        format: format?,
        audience: audience?,
        reached_male: reached_male?,
        reached_female: reached_female?,
        reached_first_time: first_time?,
        business_id: business_id?,
        language: language?,
        organising_unit: organising_unit?,
        notes: notes?,
    })
}

#[cfg(test)]
pub(super) fn example() -> serde_json::Value {
    serde_json::json!({
        "village": "Bản Nà Đông", "format": "group_talk", "audience": "women",
        "reached_male": 12, "reached_female": 30, "language": "hmong",
        "organising_unit": "Hội Phụ nữ xã", "notes": "Chiếu phim, phát tờ rơi"
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::{assert_coded_list, codes};
    use crate::kinds::valid_data;
    use crate::validate::testing::{error, errors, record, today, BUSINESS_ID};
    use crate::{validate, Coded, ErrorCode, Lang, RecordData, RecordKind};

    #[test]
    fn lists_are_those_of_the_api() {
        assert_coded_list::<OutreachFormat>();
        assert_coded_list::<Audience>();
        assert_coded_list::<Language>();
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
            codes::<Language>(),
            ["vi", "hmong", "dao", "thai", "giay", "lu", "other"]
        );
        assert_eq!(Language::Hmong.label(Lang::En), "Hmong");
    }

    #[test]
    fn typed_data_holds_the_values_sent() {
        let RecordData::OutreachSession(session) = valid_data(RecordKind::OutreachSession) else {
            panic!("wrong kind");
        };
        assert_eq!(session.format, OutreachFormat::GroupTalk);
        assert_eq!(session.audience, Audience::Women);
        assert_eq!(session.language, Some(Language::Hmong));
        assert_eq!(session.reached(), 42);
    }

    #[test]
    fn first_time_counts_are_at_most_those_reached_and_default_to_all() {
        let mut data = example();
        data["reached_first_time"] = 43.into();
        assert_eq!(
            errors(RecordKind::OutreachSession, data.clone()),
            [error("data.reached_first_time", ErrorCode::ExceedsTotal)]
        );
        data["reached_first_time"] = 40.into();
        data["business_id"] = BUSINESS_ID.into();
        let valid = validate(&record(RecordKind::OutreachSession, data), today()).unwrap();
        let RecordData::OutreachSession(session) = valid.data() else {
            panic!("wrong kind");
        };
        assert_eq!(session.reached_first_time(), 40);
        assert_eq!(session.business_id.as_deref(), Some(BUSINESS_ID));
        let RecordData::OutreachSession(old) = valid_data(RecordKind::OutreachSession) else {
            panic!("wrong kind");
        };
        assert_eq!(
            old.reached_first_time(),
            42,
            "a record from before counts all"
        );
        let mut bad = example();
        bad["business_id"] = "Karaoke A".into();
        assert_eq!(
            errors(RecordKind::OutreachSession, bad),
            [error("data.business_id", ErrorCode::InvalidFormat)]
        );
    }

    #[test]
    fn reached_adds_both_sexes_without_overflow() {
        let session = OutreachSession {
            village: None,
            format: OutreachFormat::GroupTalk,
            audience: Audience::Women,
            reached_male: u32::MAX,
            reached_female: 2,
            reached_first_time: None,
            business_id: None,
            language: None,
            organising_unit: None,
            notes: None,
        };
        assert_eq!(session.reached(), u64::from(u32::MAX) + 2);
    }
}
