//! Server-side stand-ins: rendering on the server has no browser state.

use super::StoragePersistence;
use crate::i18n::Lang;

pub fn load_lang() -> Option<Lang> {
    None
}

pub fn save_lang(_lang: Lang) {}

pub fn set_document_lang(_lang: Lang) {}

pub fn mark_hydrated() {}

pub fn is_online() -> bool {
    true
}

pub fn on_connectivity_change(_on_change: impl Fn(bool) + 'static) {}

pub fn register_service_worker(_on_update_ready: impl Fn() + 'static) {}

pub fn apply_update() {}

pub fn request_persistent_storage(_on_answer: impl FnOnce(StoragePersistence) + 'static) {}
