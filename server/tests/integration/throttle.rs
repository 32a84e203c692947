//! Sign-in under attack, over real HTTP on both stores: guesses sent at once are counted before
//! any is checked, password checks run a few at a time (beyond that: 503 `busy`), and the real
//! officer keeps signing in from their phone while their username is attacked.

use crate::common::{spawn_app_on, spawn_app_with, Backend, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use server::config::Security;
use std::time::Duration;

on_both_stores!(
    a_hundred_guesses_at_once_from_one_address_check_at_most_a_few,
    thirty_officers_signing_in_at_once_from_one_office_all_get_in,
    a_hundred_guesses_at_once_from_a_hundred_addresses_check_at_most_ten,
    the_real_officer_still_signs_in_during_an_attack_on_their_username,
    a_known_device_guessing_slows_only_itself,
    checks_beyond_the_bound_answer_busy_and_count_nothing,
);

const PHONE: &str = "6f1c2d3e-4b5a-4c6d-8e7f-901234567890";
const TABLET: &str = "0b7e8c9d-1a2b-4c3d-9e8f-7a6b5c4d3e2f";

/// Behind one proxy of ours, so that each request can come from its own address.
fn behind_a_proxy() -> Security {
    Security {
        secure_cookies: false,
        trusted_proxies: 1,
    }
}

async fn app_behind_a_proxy(backend: Backend) -> TestApp {
    let url = crate::common::fresh_database_url(backend).await;
    spawn_app_on(&url, behind_a_proxy())
        .await
        .with_2023_accounts()
        .await
}

/// A sign-in from `address` (as our proxy tells it), from `device` if any: status and body.
async fn sign_in(
    app: &TestApp,
    address: &str,
    username: &str,
    password: &str,
    device: Option<&str>,
) -> (u16, Value, Option<u64>) {
    let body = json!({"username": username, "password": password, "device_id": device});
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", format!("198.51.100.77, {address}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|value| value.to_str().unwrap().parse().unwrap());
    (
        status,
        response.json().await.unwrap_or(Value::Null),
        retry_after,
    )
}

/// `n` wrong passwords for `username` sent at once, the i-th from `address(i)`: the statuses.
async fn guesses_at_once(
    app: &TestApp,
    username: &str,
    n: usize,
    address: impl Fn(usize) -> String,
) -> Vec<u16> {
    let requests: Vec<_> = (0..n)
        .map(|i| {
            let body = json!({"username": username, "password": format!("guess-{i}")});
            let request = app
                .client
                .post(app.url("/api/v1/auth/login"))
                .header("x-forwarded-for", address(i))
                .json(&body);
            tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.unwrap());
    }
    statuses
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

async fn a_hundred_guesses_at_once_from_one_address_check_at_most_a_few(backend: Backend) {
    let app = app_behind_a_proxy(backend).await;
    let before = app.passwords.runs();
    let statuses = guesses_at_once(&app, "binhlu", 100, |_| "203.0.113.9".into()).await;
    let checks = app.passwords.runs() - before;
    assert!(checks <= 10, "{checks} passwords checked");
    // Every guess that was checked failed, every other one was told to wait; none was busy.
    assert_eq!(count(&statuses, 401) as u64, checks, "{statuses:?}");
    assert_eq!(count(&statuses, 429), 100 - checks as usize, "{statuses:?}");
    // Only the checked ones count as failures: the refused ones left no row.
    let failures = "SELECT COUNT(*) FROM login_failures WHERE username = 'binhlu'";
    assert_eq!(app.scalar(failures).await, checks as i64);
    // One by one, the address has its free failures, and not one more.
    let more = guess_until_told_to_wait(&app, "binhlu", |_| "203.0.113.9".into()).await;
    assert_eq!(checks as usize + more, (checks as usize).max(5));
}

async fn thirty_officers_signing_in_at_once_from_one_office_all_get_in(backend: Backend) {
    // However loaded the machine running the tests, every check gets its turn: this is about
    // the throttle, not the bound on checks.
    let url = crate::common::fresh_database_url(backend).await;
    let passwords = server::password::Checks::new(2, Duration::from_secs(120)).unwrap();
    let app = spawn_app_with(&url, behind_a_proxy(), passwords).await;
    for n in 0..30 {
        app.add_officer(&format!("hocvien{n}"), "commune_officer", "ou-03412")
            .await;
    }
    let requests: Vec<_> = (0..30)
        .map(|n| {
            let body = json!({"username": format!("hocvien{n}"),
                              "password": format!("demo-hocvien{n}")});
            let request = app
                .client
                .post(app.url("/api/v1/auth/login"))
                .header("x-forwarded-for", "203.0.113.20")
                .json(&body);
            tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.unwrap());
    }
    assert_eq!(statuses, vec![200; 30]);
}

/// Wrong passwords for `username`, one at a time, the i-th from `address(i)`, until one is told
/// to wait: how many were checked.
async fn guess_until_told_to_wait(
    app: &TestApp,
    username: &str,
    address: impl Fn(usize) -> String,
) -> usize {
    for i in 0..30 {
        let (status, body, _) = sign_in(app, &address(i), username, "guess", None).await;
        match status {
            401 => continue,
            429 => return i,
            _ => panic!("{status}: {body}"),
        }
    }
    panic!("never told to wait")
}

async fn a_hundred_guesses_at_once_from_a_hundred_addresses_check_at_most_ten(backend: Backend) {
    let app = app_behind_a_proxy(backend).await;
    let before = app.passwords.runs();
    let statuses = guesses_at_once(&app, "binhlu", 100, |i| format!("203.0.113.{i}")).await;
    let checks = app.passwords.runs() - before;
    assert!(checks <= 10, "{checks} passwords checked");
    assert_eq!(count(&statuses, 401) as u64, checks, "{statuses:?}");
    assert_eq!(count(&statuses, 401) + count(&statuses, 429), 100);
}

async fn the_real_officer_still_signs_in_during_an_attack_on_their_username(backend: Backend) {
    let app = app_behind_a_proxy(backend).await;
    // The officer's phone signed in before: it has a key for them.
    let (status, first, _) =
        sign_in(&app, "203.0.113.50", "binhlu", "demo-binhlu", Some(PHONE)).await;
    assert_eq!(status, 200);
    // An attacker of another commune signs in on their own phone, which is known for them only.
    let (status, _, _) = sign_in(
        &app,
        "198.51.100.1",
        "thitran",
        "demo-thitran",
        Some(TABLET),
    )
    .await;
    assert_eq!(status, 200);
    // Then guesses binhlu's password, at once and one by one, from one address and from many,
    // with no device, a made-up one, and their own phone's.
    let at_once = guesses_at_once(&app, "binhlu", 100, |_| "198.51.100.1".into()).await;
    let more = guess_until_told_to_wait(&app, "binhlu", |_| "198.51.100.1".into()).await;
    let from_one = count(&at_once, 401) + more;
    assert!(
        (5..=10).contains(&from_one),
        "then that address waits: {from_one}"
    );
    let at_once = guesses_at_once(&app, "binhlu", 100, |i| format!("192.0.2.{i}")).await;
    let more = guess_until_told_to_wait(&app, "binhlu", |i| format!("192.0.2.{}", 100 + i)).await;
    let all = from_one + count(&at_once, 401) + more;
    assert!(
        (10..=20).contains(&all),
        "then every new address waits: {all}"
    );
    for device in [
        None,
        Some("00000000-0000-4000-8000-000000000000"),
        Some(TABLET),
    ] {
        let (status, body, _) = sign_in(&app, "198.51.100.1", "binhlu", "guess", device).await;
        assert_eq!(status, 429, "{device:?}: {body}");
    }
    // Even the right password does not get the attacker in from a device unknown for binhlu.
    let (status, _, wait) =
        sign_in(&app, "198.51.100.1", "binhlu", "demo-binhlu", Some(TABLET)).await;
    assert_eq!(status, 429);
    assert!(wait.is_some_and(|seconds| seconds > 0));
    // The officer on their phone signs in, from the attacker's address as well as from their
    // own, and gets the same key for it (their records open).
    for address in ["203.0.113.50", "198.51.100.1"] {
        let (status, body, _) = sign_in(&app, address, "binhlu", "demo-binhlu", Some(PHONE)).await;
        assert_eq!(status, 200, "from {address}: {body}");
        assert_eq!(body["device_key"], first["device_key"]);
        assert_eq!(body["officer"]["username"], "binhlu");
    }
    // Signing in on a new phone waits while the attack lasts: the cost of the attack.
    let new_phone = "11111111-2222-4333-8444-555555555555";
    let (status, _, _) = sign_in(
        &app,
        "203.0.113.50",
        "binhlu",
        "demo-binhlu",
        Some(new_phone),
    )
    .await;
    assert_eq!(status, 429);
    // The officer's sign-ins did not clear the attacker's failures.
    let (status, _, _) = sign_in(&app, "198.51.100.1", "binhlu", "guess", None).await;
    assert_eq!(status, 429);
    // Officers of the attacked commune on other usernames are not slowed.
    let (status, _, _) = sign_in(&app, "203.0.113.50", "huyen", "demo-huyen", None).await;
    assert_eq!(status, 200);
}

async fn a_known_device_guessing_slows_only_itself(backend: Backend) {
    let app = app_behind_a_proxy(backend).await;
    for device in [PHONE, TABLET] {
        let (status, _, _) =
            sign_in(&app, "203.0.113.50", "binhlu", "demo-binhlu", Some(device)).await;
        assert_eq!(status, 200);
    }
    // Someone holding the phone guesses: five tries, then the phone waits, from any address.
    for _ in 0..5 {
        let (status, _, _) = sign_in(&app, "203.0.113.50", "binhlu", "guess", Some(PHONE)).await;
        assert_eq!(status, 401);
    }
    for address in ["203.0.113.50", "192.0.2.1"] {
        let (status, _, wait) = sign_in(&app, address, "binhlu", "demo-binhlu", Some(PHONE)).await;
        assert_eq!(
            (status, wait.is_some_and(|s| (25..=30).contains(&s))),
            (429, true)
        );
    }
    // The officer's other phone, and sign-ins without a device, are not slowed by it.
    let (status, _, _) = sign_in(&app, "203.0.113.50", "binhlu", "demo-binhlu", Some(TABLET)).await;
    assert_eq!(status, 200);
    let (status, _, _) = sign_in(&app, "203.0.113.50", "binhlu", "demo-binhlu", None).await;
    assert_eq!(status, 200);
}

async fn checks_beyond_the_bound_answer_busy_and_count_nothing(backend: Backend) {
    let url = crate::common::fresh_database_url(backend).await;
    // One check at a time, and no waiting for a turn.
    let passwords = server::password::Checks::new(1, Duration::ZERO).unwrap();
    let app = spawn_app_with(&url, behind_a_proxy(), passwords)
        .await
        .with_2023_accounts()
        .await;
    // Thirty officers of thirty places at once: not one throttle applies.
    let requests: Vec<_> = (0..30)
        .map(|i| {
            let body = json!({"username": format!("officer{i}"), "password": "guess-guess"});
            let request = app
                .client
                .post(app.url("/api/v1/auth/login"))
                .header("x-forwarded-for", format!("203.0.113.{i}"))
                .json(&body);
            tokio::spawn(async move {
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .map(|v| v.to_str().unwrap().to_string());
                let body: Value = response.json().await.unwrap();
                (status, retry_after, body)
            })
        })
        .collect();
    let mut answers = Vec::new();
    for request in requests {
        answers.push(request.await.unwrap());
    }
    let busy: Vec<_> = answers
        .iter()
        .filter(|(status, ..)| *status == 503)
        .collect();
    let checked = answers.iter().filter(|(status, ..)| *status == 401).count();
    assert!(!busy.is_empty(), "one check at a time: some must be busy");
    assert!(checked >= 1);
    assert_eq!(busy.len() + checked, 30, "{answers:?}");
    for (_, retry_after, body) in &busy {
        assert_eq!(retry_after.as_deref(), Some("2"));
        assert_eq!(body["error"]["code"], "busy");
        assert!(body["error"]["message"].is_string());
    }
    assert_eq!(app.passwords.runs(), checked as u64);
    // A busy answer is not a failed sign-in: only the checked ones were counted.
    let failures = app.scalar("SELECT COUNT(*) FROM login_failures").await;
    assert_eq!(failures, checked as i64);
    // With the server free again, a sign-in goes through.
    let response = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "binhlu", "password": "demo-binhlu"})),
        )
        .await;
    assert_eq!(response.status(), 200);
}
