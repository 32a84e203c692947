//! The `media_post` record kind: its data, the closed lists its form offers, and its reader.

use serde::Serialize;

use crate::coded::coded;
use crate::reader::{coded, text, Reader};
use crate::validate::MAX_TEXT;

coded! {
    /// Where a media post appeared.
    pub enum MediaChannel {
        Portal = "portal", "Cổng thông tin điện tử", "Web portal";
        RadioTv = "radio_tv", "Truyền thanh - Truyền hình", "Radio/TV";
    }
}

/// A news item on the district portal or radio/TV.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MediaPost {
    pub channel: MediaChannel,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

pub(super) fn read(r: &mut Reader) -> Option<MediaPost> {
    let channel = r.required("channel", coded);
    let title = r.optional("title", text(MAX_TEXT));
    Some(MediaPost {
        channel: channel?,
        title: title?,
    })
}

#[cfg(test)]
pub(super) fn example() -> serde_json::Value {
    serde_json::json!({"channel": "radio_tv", "title": "Phòng, chống mại dâm"})
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::coded::{assert_coded_list, codes};
    use crate::kinds::valid_data;
    use crate::validate::testing::{error, errors};
    use crate::{Coded, ErrorCode, Lang, RecordData, RecordKind};

    #[test]
    fn lists_are_those_of_the_api() {
        assert_coded_list::<MediaChannel>();
        assert_eq!(codes::<MediaChannel>(), ["portal", "radio_tv"]);
        assert_eq!(
            MediaChannel::RadioTv.label(Lang::Vi),
            "Truyền thanh - Truyền hình"
        );
    }

    #[test]
    fn typed_data_holds_the_values_sent() {
        let RecordData::MediaPost(post) = valid_data(RecordKind::MediaPost) else {
            panic!("wrong kind");
        };
        assert_eq!(post.channel, MediaChannel::RadioTv);
    }

    #[test]
    fn a_media_post_has_a_known_channel() {
        assert_eq!(
            errors(RecordKind::MediaPost, json!({})),
            [error("data.channel", ErrorCode::Required)]
        );
        assert_eq!(
            errors(RecordKind::MediaPost, json!({"channel": "newspaper"})),
            [error("data.channel", ErrorCode::InvalidValue)]
        );
    }
}
