//! The `commune_plan` record kind: its data and its reader.

use serde::Serialize;

use crate::reader::{text, Reader};
use crate::validate::{Dates, MAX_TEXT};
use crate::Date;

/// A commune's own prevention plan, adopted.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CommunePlan {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adopted_on: Option<Date>,
}

pub(super) fn read(r: &mut Reader, dates: Dates) -> Option<CommunePlan> {
    let title = r.optional("title", text(MAX_TEXT));
    let adopted_on = r.optional("adopted_on", |value| dates.past(value));
    Some(CommunePlan {
        title: title?,
        adopted_on: adopted_on?,
    })
}

#[cfg(test)]
pub(super) fn example() -> serde_json::Value {
    serde_json::json!({"title": "Kế hoạch PCMD xã Bình Lư", "adopted_on": "2023-03-01"})
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::validate::testing::{error, errors};
    use crate::{ErrorCode, RecordKind};

    #[test]
    fn a_plan_is_not_adopted_in_the_future() {
        assert_eq!(
            errors(RecordKind::CommunePlan, json!({"adopted_on": "2024-03-01"})),
            [error("data.adopted_on", ErrorCode::InFuture)]
        );
    }

    #[test]
    fn a_plan_is_not_adopted_before_2000_nor_written_the_vietnamese_way() {
        assert_eq!(
            errors(RecordKind::CommunePlan, json!({"adopted_on": "01/03/2023"})),
            [error("data.adopted_on", ErrorCode::InvalidFormat)]
        );
        assert_eq!(
            errors(RecordKind::CommunePlan, json!({"adopted_on": "1999-12-31"})),
            [error("data.adopted_on", ErrorCode::TooEarly)]
        );
    }
}
