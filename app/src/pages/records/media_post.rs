//! The form of a media post (tin bài) on the district portal or radio/TV, usually the district's.

use domain::{Coded, MediaChannel, RecordKind};
use leptos::prelude::*;

use super::commune::CommuneField;
use super::editor::{Editor, RecordForm};
use super::fields::{choices, ChoiceField, DateField, TextField};
use super::form::{Input, Line};
use crate::i18n::Key;
use crate::pages::routes::{lazy_page, KindForm};

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

/// The kind's form, in the app's catalogue (`pages::routes`).
pub const FORM: KindForm = KindForm {
    kind: RecordKind::MediaPost,
    path: "/records/media-post",
    page: lazy_page!(media_post_page, MediaPostPage),
    fields: &[("channel", Input::Text), ("title", Input::Text)],
    // Recorded for the district itself too (`API.md`).
    district: true,
    summary,
};

/// Its line in the lists.
fn summary(line: &mut Line) {
    line.text(line.label::<MediaChannel>("channel"));
    line.text(line.string("title"));
}
