//! The form of a training of officials (đào tạo, tập huấn, bồi dưỡng): trainees by sex, their
//! level, and the unit: a commune, or the district for the district's own officials. It asks how
//! many were trained for the first time this year: PCMD-TH01 and TH02 count officials, not
//! attendances, so a course repeated for the same officials counts them once.

use domain::{Coded, RecordKind, TrainingLevel};
use leptos::prelude::*;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{choices, ChoiceField, DateField, TextField};
use super::form::{Input, Line};
use crate::i18n::Key;
use crate::pages::routes::{lazy_page, KindForm};

#[component]
pub fn TrainingPage() -> impl IntoView {
    let editor = Editor::new(RecordKind::Training);
    let fields = view! {
        <DateField path="occurred_on" label=Key::FieldTrainingDate />
        <CommuneField district=true />
        <TextField path="data.course" label=Key::FieldCourse />
        <ChoiceField path="data.level" label=Key::FieldTrainingLevel options=choices(TrainingLevel::ALL) />
        <div class="pair">
            <TextField path="data.trainees_male" label=Key::FieldTraineesMale numeric=true />
            <TextField path="data.trainees_female" label=Key::FieldTraineesFemale numeric=true />
        </div>
        <TextField path="data.trainees_first_time" label=Key::FieldTraineesFirstTime numeric=true
            hint=Key::TraineesFirstTimeHint />
    }
    .into_any();
    view! { <RecordForm editor>{fields}</RecordForm> }
}

/// The kind's form, in the app's catalogue (`pages::routes`).
pub const FORM: KindForm = KindForm {
    kind: RecordKind::Training,
    path: "/records/training",
    page: lazy_page!(training_page, TrainingPage),
    fields: &[
        // `trainees` is left to the domain, which sums the two sexes.
        ("course", Input::Text),
        ("level", Input::Text),
        ("trainees_male", Input::Count),
        ("trainees_female", Input::Count),
        ("trainees_first_time", Input::Count),
    ],
    // Recorded for the district itself too (`API.md`).
    district: true,
    summary,
};

/// Its line in the lists.
fn summary(line: &mut Line) {
    let [people, men, women] = line.words;
    line.text(line.string("course"));
    line.text(line.label::<TrainingLevel>("level"));
    let trainees = match (line.count("trainees_male"), line.count("trainees_female")) {
        (Some(male), Some(female)) => Some(format!(
            "{} {people} ({men} {male}, {women} {female})",
            male + female
        )),
        _ => line.count("trainees").map(|n| format!("{n} {people}")),
    };
    line.text(trainees.as_deref());
}
