//! The form of a training of officials (đào tạo, tập huấn, bồi dưỡng): trainees by sex, their
//! level, and the unit: a commune, or the district for the district's own officials.

use domain::{Coded, RecordKind, TrainingLevel};
use leptos::prelude::*;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{choices, ChoiceField, DateField, TextField};
use crate::i18n::Key;

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
    }
    .into_any();
    view! { <RecordForm editor>{fields}</RecordForm> }
}
