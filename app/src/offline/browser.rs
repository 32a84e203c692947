//! Browser side: localStorage through gloo-storage, the service worker life cycle, connectivity.

use super::outbox::{KeyValue, StoreError};
use super::{keys, StoragePersistence};
use crate::api::{ApiFailure, ErrorBody, Verb};
use domain::Lang;
use gloo_net::http::{Request, RequestBuilder, Response};
use gloo_storage::{LocalStorage, Storage};
use serde::{de::DeserializeOwned, Serialize};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{ServiceWorkerRegistration, ServiceWorkerState};

thread_local! {
    /// Set when the officer asked for the new version: only then may a controller change reload.
    static UPDATE_REQUESTED: Cell<bool> = const { Cell::new(false) };
}

pub fn load_lang() -> Option<Lang> {
    LocalStorage::get::<String>(keys::LANG)
        .ok()
        .and_then(|code| Lang::from_code(&code))
}

pub fn save_lang(lang: Lang) {
    // A preference that fails to save only costs the officer one more tap later.
    let _ = LocalStorage::set(keys::LANG, lang.code());
}

fn document_root() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

pub fn set_document_lang(lang: Lang) {
    if let Some(root) = document_root() {
        let _ = root.set_attribute("lang", lang.code());
    }
}

type Waiting = Vec<Box<dyn FnOnce()>>;

thread_local! {
    /// What waits for the page to be hydrated ([`after_hydration`]); `None` once it is.
    static HYDRATING: RefCell<Option<Waiting>> = RefCell::new(Some(Vec::new()));
}

/// Runs `f` once the whole page is hydrated, its lazily loaded part included: browser state read
/// before then could make the first render differ from the server's.
pub fn after_hydration(f: impl FnOnce() + 'static) {
    let mut f = Some(Box::new(f) as Box<dyn FnOnce()>);
    HYDRATING.with_borrow_mut(|waiting| {
        if let Some(waiting) = waiting {
            waiting.extend(f.take());
        }
    });
    if let Some(f) = f {
        f();
    }
}

/// Called once the page is hydrated: runs what waited for it, then marks the page interactive,
/// for styles, for tests that must not click too early, and for `scripts/bench` (a performance
/// mark).
pub fn hydration_done() {
    for f in HYDRATING.with_borrow_mut(Option::take).unwrap_or_default() {
        f();
    }
    if let Some(root) = document_root() {
        let _ = root.set_attribute("data-hydrated", "");
    }
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("pcmd.hydrated");
    }
}

pub fn is_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

pub fn on_connectivity_change(on_change: impl Fn(bool) + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_change = Rc::new(on_change);
    for (event, online) in [("online", true), ("offline", false)] {
        let on_change = on_change.clone();
        let listener = Closure::<dyn Fn()>::new(move || on_change(online));
        let _ = window.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
        listener.forget();
    }
}

thread_local! {
    /// The browser's `beforeinstallprompt` event, kept until the officer taps "install".
    static INSTALL_OFFER: std::cell::RefCell<Option<web_sys::Event>> = const { std::cell::RefCell::new(None) };
}

/// Whether the app runs from the home screen (installed), not in a browser tab.
pub fn installed() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let standalone = window
        .match_media("(display-mode: standalone)")
        .ok()
        .flatten()
        .is_some_and(|query| query.matches());
    // Safari on iOS says it its own way.
    let ios = js_sys::Reflect::get(&window.navigator(), &"standalone".into())
        .ok()
        .and_then(|value| value.as_bool())
        .unwrap_or(false);
    standalone || ios
}

/// An iPhone or iPad: no browser there offers to install; the officer adds the app from Share.
pub fn adds_from_share_menu() -> bool {
    web_sys::window()
        .and_then(|window| window.navigator().user_agent().ok())
        .is_some_and(|agent| ["iPhone", "iPad", "iPod"].iter().any(|d| agent.contains(d)))
}

/// Calls `on_offer(true)` when the browser offers to install the app, `on_offer(false)` once it
/// is installed.
pub fn on_install_offer(on_offer: impl Fn(bool) + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_offer = Rc::new(on_offer);
    let offered = on_offer.clone();
    let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
        // Ours to show when the officer asks, not the browser's own bar.
        event.prevent_default();
        INSTALL_OFFER.with(|offer| *offer.borrow_mut() = Some(event));
        offered(true);
    });
    let _ = window
        .add_event_listener_with_callback("beforeinstallprompt", listener.as_ref().unchecked_ref());
    listener.forget();
    let listener = Closure::<dyn Fn()>::new(move || {
        INSTALL_OFFER.with(|offer| *offer.borrow_mut() = None);
        on_offer(false);
    });
    let _ =
        window.add_event_listener_with_callback("appinstalled", listener.as_ref().unchecked_ref());
    listener.forget();
}

/// Shows the browser's install dialog, once per offer.
pub fn install() {
    let Some(event) = INSTALL_OFFER.with(|offer| offer.borrow_mut().take()) else {
        return;
    };
    if let Ok(prompt) = js_sys::Reflect::get(&event, &"prompt".into()) {
        if let Some(prompt) = prompt.dyn_ref::<js_sys::Function>() {
            let _ = prompt.call0(&event);
        }
    }
}

/// Calls `on_activity` on every tap or key press, for the idle lock.
pub fn on_activity(on_activity: impl Fn() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = Closure::<dyn Fn()>::new(on_activity);
    for event in ["pointerdown", "keydown"] {
        let _ = window.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
    }
    listener.forget();
}

/// Calls `on_shown` when the page comes back from the background.
pub fn on_shown(on_shown: impl Fn() + 'static) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let watched = document.clone();
    let listener = Closure::<dyn Fn()>::new(move || {
        if watched.visibility_state() == web_sys::VisibilityState::Visible {
            on_shown();
        }
    });
    let _ = document
        .add_event_listener_with_callback("visibilitychange", listener.as_ref().unchecked_ref());
    listener.forget();
}

fn has_controller() -> bool {
    web_sys::window().is_some_and(|w| w.navigator().service_worker().controller().is_some())
}

/// Registers `/sw.js`. A new version never replaces the running one by itself: it waits, and
/// `on_update_ready` lets the app offer a reload, so no code changes under an officer mid-entry.
pub fn register_service_worker(on_update_ready: impl Fn() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    let reload = Closure::<dyn Fn()>::new(|| {
        if UPDATE_REQUESTED.get() {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
    });
    container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
    reload.forget();

    let on_update_ready = Rc::new(on_update_ready);
    spawn_local(async move {
        let Ok(registration) = JsFuture::from(container.register("/sw.js")).await else {
            return;
        };
        let registration: ServiceWorkerRegistration = registration.unchecked_into();
        if registration.waiting().is_some() && has_controller() {
            on_update_ready();
        }
        let watched = registration.clone();
        let on_update_found = Closure::<dyn Fn()>::new(move || {
            let Some(installing) = watched.installing() else {
                return;
            };
            let worker = installing.clone();
            let on_update_ready = on_update_ready.clone();
            let on_state = Closure::<dyn Fn()>::new(move || {
                if worker.state() == ServiceWorkerState::Installed && has_controller() {
                    on_update_ready();
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
        on_update_found.forget();
    });
}

/// Lets the waiting version take over; the page reloads when it has.
pub fn apply_update() {
    UPDATE_REQUESTED.set(true);
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    spawn_local(async move {
        let waiting = JsFuture::from(container.get_registration())
            .await
            .ok()
            .and_then(|r| r.dyn_into::<ServiceWorkerRegistration>().ok())
            .and_then(|r| r.waiting());
        match waiting {
            Some(worker) => {
                let _ = worker.post_message(&JsValue::from_str("SKIP_WAITING"));
            }
            None => {
                let _ = window.location().reload();
            }
        }
    });
}

/// Whether the browser promised not to clear this site's data under storage pressure; with
/// `ask`, asks for that promise first when it was not given (at a password sign-in: the browser
/// decides, most without asking the officer).
pub async fn storage_persistence(ask: bool) -> StoragePersistence {
    let Some(window) = web_sys::window() else {
        return StoragePersistence::Unknown;
    };
    let storage = window.navigator().storage();
    let answer = |promise: Result<js_sys::Promise, JsValue>| async move {
        match promise {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_bool()),
            Err(_) => None,
        }
    };
    let persisted = match answer(storage.persisted()).await {
        Some(false) if ask => answer(storage.persist()).await,
        persisted => persisted,
    };
    match persisted {
        Some(true) => StoragePersistence::Granted,
        Some(false) => StoragePersistence::Denied,
        None => StoragePersistence::Unknown,
    }
}

/// How a request proves who sends it: the open officer's own session token, so that officers
/// sharing a phone each act as themselves, and never a cookie. Locked, or opened with the PIN
/// after signing out (no token), nothing is sent until a password sign-in.
fn authorized(request: RequestBuilder) -> Result<RequestBuilder, ApiFailure> {
    // Locked, nothing goes out: signing in has its own request.
    let officer_id = super::open_officer().ok_or(ApiFailure::Unauthenticated)?;
    let token = super::outbox(&officer_id)
        .session_token()
        .ok_or(ApiFailure::Unauthenticated)?;
    Ok(request
        .credentials(web_sys::RequestCredentials::Omit)
        .header("Authorization", &format!("Bearer {token}")))
}

pub async fn api_get<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    let response = authorized(Request::get(path))?
        .send()
        .await
        .map_err(|_| ApiFailure::Offline)?;
    read(response).await
}

pub async fn api_send<B: Serialize, T: DeserializeOwned>(
    verb: Verb,
    path: &str,
    body: &B,
) -> Result<T, ApiFailure> {
    let request = match verb {
        Verb::Post => Request::post(path),
        Verb::Put => Request::put(path),
        Verb::Patch => Request::patch(path),
        Verb::Delete => Request::delete(path),
    };
    let request = authorized(request)?;
    let request = RequestBuilder::json(request, body).map_err(|_| ApiFailure::Offline)?;
    let response = request.send().await.map_err(|_| ApiFailure::Offline)?;
    read(response).await
}

/// Downloads a file of the API (a report) as the open officer, and hands it to the browser to save.
pub async fn download(path: &str) -> Result<(), ApiFailure> {
    let response = authorized(Request::get(path))?
        .send()
        .await
        .map_err(|_| ApiFailure::Offline)?;
    if !(200..300).contains(&response.status()) {
        return read::<()>(response).await;
    }
    let name = response
        .headers()
        .get("content-disposition")
        .and_then(|value| {
            let (_, rest) = value.split_once("filename=\"")?;
            Some(rest.split('"').next()?.to_string())
        })
        .unwrap_or_else(|| "bao-cao".into());
    let bytes = response.binary().await.map_err(|_| ApiFailure::Offline)?;
    save_file(&name, &bytes).map_err(|_| ApiFailure::Offline)
}

/// Saves `bytes` as a file named `name`, as the browser saves downloads.
fn save_file(name: &str, bytes: &[u8]) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(link) = link {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    // Revoked later: the browser may still be reading it when `click` returns.
    after(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    Ok(())
}

/// "Xuất bản sao hồ sơ chưa gửi": saves every unsent record of the open officer in a file only
/// the server can open (`domain::api::UnsentFile`), offline; gives how many records it holds.
pub async fn export_unsent(
    officer_id: &str,
    username: &str,
) -> Result<usize, super::ExportFailure> {
    use super::keyring::{base64, unbase64};
    use super::ExportFailure;
    use domain::api::{UnsentFile, UnsentRecords, UNSENT_FORMAT};
    let key = super::export_key().ok_or(ExportFailure::NoKey)?;
    let public = unbase64(&key.public_key).ok_or(ExportFailure::NoKey)?;
    let records = super::outbox(officer_id).unsent_records();
    if records.is_empty() {
        return Err(ExportFailure::Nothing);
    }
    let count = records.len();
    let records = serde_json::to_string(&records).map_err(|_| ExportFailure::NoCrypto)?;
    let (data_key, proof) = super::unsent_proof(officer_id, records.as_bytes())
        .await
        .ok_or(ExportFailure::NoKey)?;
    let unsent = UnsentRecords {
        officer_id: officer_id.to_string(),
        device_id: super::device_id(),
        records,
        data_key,
        proof: base64(&proof),
    };
    let plain = serde_json::to_vec(&unsent).map_err(|_| ExportFailure::NoCrypto)?;
    let (ephemeral, iv, sealed) =
        super::webcrypto::seal_for(&public, UNSENT_FORMAT.as_bytes(), &plain)
            .await
            .map_err(|_| ExportFailure::NoCrypto)?;
    let file = UnsentFile {
        format: UNSENT_FORMAT.to_string(),
        key_id: key.key_id,
        ephemeral_key: base64(&ephemeral),
        iv: base64(&iv),
        ciphertext: base64(&sealed),
    };
    let json = serde_json::to_string(&file).map_err(|_| ExportFailure::NoCrypto)?;
    let name = format!("ho-so-chua-gui-{username}-{}.json", super::clock::today());
    save_file(&name, json.as_bytes()).map_err(|_| ExportFailure::NoCrypto)?;
    Ok(count)
}

/// The text of the file chosen in the `<input type="file">` that fired `event`.
pub async fn chosen_file_text(event: leptos::ev::Event) -> Option<String> {
    let input: web_sys::HtmlInputElement = event.target()?.dyn_into().ok()?;
    let file = input.files()?.get(0)?;
    let text = JsFuture::from(file.text()).await.ok()?;
    text.as_string()
}

/// Signing in with the password: a plain request, whoever's records are open.
pub async fn api_sign_in<B: Serialize, T: DeserializeOwned>(body: &B) -> Result<T, ApiFailure> {
    let request = RequestBuilder::json(Request::post("/api/v1/auth/login"), body)
        .map_err(|_| ApiFailure::Offline)?;
    let response = request.send().await.map_err(|_| ApiFailure::Offline)?;
    read(response).await
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiFailure> {
    let status = response.status();
    let text = response.text().await.map_err(|_| ApiFailure::Offline)?;
    if (200..300).contains(&status) {
        let text = if text.is_empty() { "null" } else { &text };
        return serde_json::from_str(text).map_err(|_| ApiFailure::Rejected {
            status,
            code: "bad_response".into(),
            errors: Vec::new(),
        });
    }
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => Err(ApiFailure::of(body, status)),
        // Not our server's JSON: a proxy or captive portal stands between, so treat it as no network.
        Err(_) => Err(ApiFailure::Offline),
    }
}

/// This phone's localStorage, as the outbox's store.
pub struct PhoneStorage;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

impl KeyValue for PhoneStorage {
    fn get(&self, key: &str) -> Option<String> {
        local_storage()?.get_item(key).ok()?
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let storage = local_storage().ok_or(StoreError::Unavailable)?;
        storage.set_item(key, value).map_err(|error| {
            let name = error.dyn_ref::<web_sys::DomException>().map(|e| e.name());
            match name.as_deref() {
                // The second is Firefox's older name for the same thing.
                Some("QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED") => StoreError::Full,
                _ => StoreError::Unavailable,
            }
        })
    }

    fn remove(&self, key: &str) {
        if let Some(storage) = local_storage() {
            let _ = storage.remove_item(key);
        }
    }

    fn keys(&self, prefix: &str) -> Vec<String> {
        let Some(storage) = local_storage() else {
            return Vec::new();
        };
        let count = storage.length().unwrap_or(0);
        (0..count)
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter(|key| key.starts_with(prefix))
            .collect()
    }
}

/// Runs `work` once, `ms` milliseconds from now.
pub fn after(ms: u32, work: impl FnOnce() + 'static) {
    if let Some(window) = web_sys::window() {
        let callback = Closure::once_into_js(work);
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            callback.unchecked_ref(),
            i32::try_from(ms).unwrap_or(i32::MAX),
        );
    }
}

pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Where the app is served from (`https://pcmd.example.vn`), for links that leave the phone.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// 16 bytes from the browser's cryptographic generator (`Math.random` if it is missing), for ids.
pub fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

/// `text` in Unicode NFC (composed), as the server stores records: some keyboards type Vietnamese
/// decomposed (`e` and its marks apart). The browser's own tables do it
/// (`String.prototype.normalize`), so the bundle carries none.
pub fn nfc(text: &str) -> String {
    js_sys::JsString::from(text).normalize("NFC").into()
}

/// The browser's print dialog. From the app's own handler: the page's policy refuses inline
/// `onclick` attributes.
pub fn print_page() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

pub fn reload_page() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// Changes the address without a navigation, so a reload reopens the same draft.
pub fn replace_url(url: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(url));
    }
}

/// Starts a User Timing measure named `name` that [`measure`] ends, for work that awaits.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(&format!("{name}.start"));
    }
}

pub fn measure(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let start = format!("{name}.start");
        let _ = performance.measure_with_start_mark(name, &start);
        performance.clear_marks_with_mark_name(&start);
    }
}

/// Runs `work` under a User Timing measure named `name`, which the benchmark reads.
pub fn timed<T>(name: &str, work: impl FnOnce() -> T) -> T {
    let performance = web_sys::window().and_then(|w| w.performance());
    let start = format!("{name}.start");
    if let Some(performance) = &performance {
        let _ = performance.mark(&start);
    }
    let result = work();
    if let Some(performance) = &performance {
        let _ = performance.measure_with_start_mark(name, &start);
        performance.clear_marks_with_mark_name(&start);
    }
    result
}
