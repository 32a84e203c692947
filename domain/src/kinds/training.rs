//! The `training` record kind: its data, the closed lists its form offers, and its reader.

use serde::Serialize;

use crate::coded::coded;
use crate::reader::{coded, text, Reader};
use crate::validate::{count, MAX_TEXT};
use crate::ErrorCode;

coded! {
    /// Level of the officials trained.
    pub enum TrainingLevel {
        District = "district", "Cấp huyện", "District";
        Commune = "commune", "Cấp xã", "Commune";
    }
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
    /// Of the trainees, how many were trained for the first time this year (PCMD-TH01 and TH02
    /// count officials, not attendances). Absent in records made before it was asked: then all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trainees_first_time: Option<u32>,
}

impl Training {
    /// Officials trained for the first time this year.
    pub fn trainees_first_time(&self) -> u32 {
        self.trainees_first_time.unwrap_or(self.trainees)
    }
}

pub(super) fn read(r: &mut Reader) -> Option<Training> {
    let course = r.optional("course", text(MAX_TEXT));
    let level = r.required("level", coded);
    let trainees = r.optional("trainees", count);
    let male = r.optional("trainees_male", count);
    let female = r.optional("trainees_female", count);
    let first_time = r.optional("trainees_first_time", count);
    let total = match (trainees, male, female) {
        (Some(trainees), Some(male), Some(female)) => training_total(r, trainees, male, female),
        _ => None,
    };
    if let (Some(total), Some(Some(first))) = (total, first_time) {
        if first > total {
            r.report("trainees_first_time", ErrorCode::ExceedsTotal);
            return None;
        }
    }
    Some(Training {
        course: course?,
        level: level?,
        trainees: total?,
        trainees_male: male?,
        trainees_female: female?,
        trainees_first_time: first_time?,
    })
}

/// Trainees by sex, or the bare total of `API.md`; both must agree when both are sent.
fn training_total(
    r: &mut Reader,
    trainees: Option<u32>,
    male: Option<u32>,
    female: Option<u32>,
) -> Option<u32> {
    match (male, female) {
        (Some(male), Some(female)) => {
            // Both are at most MAX_COUNT, so the sum fits.
            let sum = male + female;
            if trainees.is_some_and(|trainees| trainees != sum) {
                r.report("trainees", ErrorCode::SumMismatch);
                return None;
            }
            Some(sum)
        }
        (None, None) if trainees.is_some() => trainees,
        (None, None) => {
            r.report("trainees_male", ErrorCode::Required);
            r.report("trainees_female", ErrorCode::Required);
            None
        }
        (Some(_), None) => {
            r.report("trainees_female", ErrorCode::Required);
            None
        }
        (None, Some(_)) => {
            r.report("trainees_male", ErrorCode::Required);
            None
        }
    }
}

#[cfg(test)]
pub(super) fn example() -> serde_json::Value {
    serde_json::json!({
        "course": "Kỹ năng hỗ trợ giảm hại", "level": "commune",
        "trainees_male": 9, "trainees_female": 14
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::coded::{assert_coded_list, codes};
    use crate::kinds::valid_data;
    use crate::validate::testing::{error, record, today};
    use crate::{validate, Coded, Lang, RecordData, RecordKind};

    #[test]
    fn lists_are_those_of_the_api() {
        assert_coded_list::<TrainingLevel>();
        assert_eq!(codes::<TrainingLevel>(), ["district", "commune"]);
        assert_eq!(TrainingLevel::Commune.label(Lang::Vi), "Cấp xã");
    }

    #[test]
    fn typed_data_holds_the_values_sent() {
        let RecordData::Training(training) = valid_data(RecordKind::Training) else {
            panic!("wrong kind");
        };
        assert_eq!(
            (training.level, training.trainees),
            (TrainingLevel::Commune, 23)
        );
    }

    #[test]
    fn first_time_trainees_are_at_most_the_trainees_and_default_to_all() {
        let first = |data: Value| match validate(&record(RecordKind::Training, data), today()) {
            Ok(valid) => match valid.data() {
                RecordData::Training(training) => Ok(training.trainees_first_time()),
                _ => panic!("wrong kind"),
            },
            Err(errors) => Err(errors),
        };
        assert_eq!(
            first(json!({"level": "district", "trainees": 7, "trainees_first_time": 3})),
            Ok(3)
        );
        assert_eq!(first(json!({"level": "district", "trainees": 7})), Ok(7));
        assert_eq!(
            first(
                json!({"level": "district", "trainees_male": 2, "trainees_female": 2,
                         "trainees_first_time": 5})
            ),
            Err(vec![error(
                "data.trainees_first_time",
                ErrorCode::ExceedsTotal
            )])
        );
    }

    #[test]
    fn trainees_come_by_sex_or_as_a_total_that_must_agree() {
        let trained = |data: Value| match validate(&record(RecordKind::Training, data), today()) {
            Ok(valid) => match valid.data() {
                RecordData::Training(training) => Ok(training.trainees),
                _ => panic!("wrong kind"),
            },
            Err(errors) => Err(errors),
        };
        assert_eq!(
            trained(json!({"level": "district", "trainees_male": 4, "trainees_female": 5})),
            Ok(9)
        );
        assert_eq!(trained(json!({"level": "district", "trainees": 7})), Ok(7));
        assert_eq!(
            trained(
                json!({"level": "district", "trainees": 9, "trainees_male": 4, "trainees_female": 5})
            ),
            Ok(9)
        );
        assert_eq!(
            trained(
                json!({"level": "district", "trainees": 8, "trainees_male": 4, "trainees_female": 5})
            ),
            Err(vec![error("data.trainees", ErrorCode::SumMismatch)])
        );
        assert_eq!(
            trained(json!({"level": "district", "trainees_male": 4})),
            Err(vec![error("data.trainees_female", ErrorCode::Required)])
        );
        assert_eq!(
            trained(json!({"level": "province"})),
            Err(vec![
                error("data.level", ErrorCode::InvalidValue),
                error("data.trainees_male", ErrorCode::Required),
                error("data.trainees_female", ErrorCode::Required),
            ])
        );
        assert_eq!(
            trained(json!({"level": "commune", "trainees": -2})),
            Err(vec![error("data.trainees", ErrorCode::Negative)])
        );
        // The total is part of the canonical data, so indicators read one field.
        let valid = validate(
            &record(
                RecordKind::Training,
                json!({"level": "commune", "trainees_male": 1, "trainees_female": 2}),
            ),
            today(),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(valid.data()).unwrap(),
            json!({"level": "commune", "trainees": 3, "trainees_male": 1, "trainees_female": 2})
        );
    }
}
