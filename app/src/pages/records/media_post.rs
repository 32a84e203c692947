//! The form of a media post (tin bài) on the district portal or radio/TV, usually the district's.

use domain::{Coded, MediaChannel, RecordKind};
use leptos::prelude::*;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{choices, ChoiceField, DateField, TextField};
use crate::i18n::Key;

#[component]
pub fn MediaPostPage() -> impl IntoView {
    let editor = Editor::new(RecordKind::MediaPost);
    let fields = view! {
        <DateField path="occurred_on" label=Key::FieldPostDate />
        <CommuneField district=true />
        <ChoiceField path="data.channel" label=Key::FieldMediaChannel options=choices(MediaChannel::ALL) />
        <TextField path="data.title" label=Key::FieldTitle />
    }
    .into_any();
    view! { <RecordForm editor>{fields}</RecordForm> }
}
