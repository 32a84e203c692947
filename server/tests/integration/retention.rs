//! Retention on both stores: expired sessions, failed sign-ins out of the throttle's window and
//! audit lines older than the configured days go; everything more recent stays.

use crate::common::{demo_app, Backend, TestApp};
use server::model::{AuditEntry, LoginAttempt, Pruned, Session};

on_both_stores!(
    old_rows_go_and_recent_rows_stay,
    a_shorter_audit_retention_prunes_more
);

const DAY: i64 = 24 * 3600 * 1000;

async fn session(app: &TestApp, name: &str, expires_at: i64, revoked: bool) {
    let (officer, _) = app.store.credentials("huyen").await.unwrap().unwrap();
    let session = Session {
        token_hash: name.into(),
        officer_id: officer.id.clone(),
        created_at: expires_at - 30 * DAY,
        expires_at,
        ip: None,
        user_agent: None,
    };
    app.store.insert_session(&session).await.unwrap();
    if revoked {
        app.store
            .revoke_session(name, expires_at - DAY)
            .await
            .unwrap();
    }
}

async fn failure(app: &TestApp, username: &str, at: i64) {
    let attempt = LoginAttempt {
        username: username.into(),
        ip: "203.0.113.9".into(),
        known_device: None,
        at,
    };
    app.store.claim_login_attempt(&attempt).await.unwrap();
}

async fn audit_line(app: &TestApp, action: &str, at: i64) {
    let entry = AuditEntry {
        at,
        action: action.into(),
        ..Default::default()
    };
    app.store.append_audit(&entry).await.unwrap();
}

/// What is left: session hashes, failed usernames, audit actions, each sorted.
async fn left(app: &TestApp) -> (Vec<String>, Vec<String>, Vec<String>) {
    let url = &app.database_url;
    let queries = [
        "SELECT token_hash FROM sessions ORDER BY 1",
        "SELECT username FROM login_failures ORDER BY 1",
        "SELECT action FROM audit_log WHERE action LIKE 'test.%' ORDER BY 1",
    ];
    let mut found = Vec::new();
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        for sql in queries {
            found.push(sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap());
        }
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        for sql in queries {
            found.push(sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap());
        }
        pool.close().await;
    }
    let audit = found.pop().unwrap();
    let failures = found.pop().unwrap();
    (found.pop().unwrap(), failures, audit)
}

async fn old_rows_go_and_recent_rows_stay(backend: Backend) {
    let app = demo_app(backend).await;
    // A "now" of its own, well after the rows of the accounts just made.
    let now = server::clock::now_ms() + 400 * DAY;
    session(&app, "expired-long-ago", now - 40 * DAY, false).await;
    session(&app, "expired-just-now", now - 1, true).await;
    session(&app, "live", now + DAY, false).await;
    // Revoked, not yet expired: it still tells a disabled officer's phone why it ended.
    session(&app, "revoked-live", now + DAY, true).await;
    failure(&app, "old.guess", now - DAY - 1).await;
    failure(&app, "recent.guess", now - DAY + 60_000).await;
    failure(&app, "fresh.guess", now).await;
    audit_line(&app, "test.six_years_ago", now - 6 * 365 * DAY).await;
    audit_line(&app, "test.just_over_1826_days", now - 1826 * DAY - 1).await;
    audit_line(&app, "test.just_under_1826_days", now - 1826 * DAY + 60_000).await;
    audit_line(&app, "test.last_year", now - 365 * DAY).await;

    let pruned = server::retention::prune(app.store.as_ref(), now, 1826)
        .await
        .unwrap();
    assert_eq!(
        pruned,
        Pruned {
            sessions: 2,
            login_failures: 1,
            audit_lines: 2,
        }
    );
    let (sessions, failures, audit) = left(&app).await;
    assert_eq!(sessions, ["live", "revoked-live"]);
    assert_eq!(failures, ["fresh.guess", "recent.guess"]);
    assert_eq!(audit, ["test.just_under_1826_days", "test.last_year"]);
    // The accounts' own audit lines of today stay too.
    let everything = server::model::AuditFilter {
        action: Some("user.create".into()),
        limit: 100,
        ..Default::default()
    };
    assert_eq!(app.store.audit_log(&everything).await.unwrap().len(), 4);
    // Pruning again finds nothing.
    let again = server::retention::prune(app.store.as_ref(), now, 1826)
        .await
        .unwrap();
    assert_eq!(again, Pruned::default());
}

async fn a_shorter_audit_retention_prunes_more(backend: Backend) {
    let app = demo_app(backend).await;
    let now = server::clock::now_ms();
    // More than a batch of old lines, so that pruning takes several rounds.
    let sql = "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5003) \
               INSERT INTO audit_log (at, action) SELECT $1 - i, 'test.old' FROM n";
    let old = now - 400 * DAY;
    if app.database_url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
        sqlx::query(sql).bind(old).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&app.database_url).await.unwrap();
        sqlx::query(sql).bind(old).execute(&pool).await.unwrap();
        pool.close().await;
    }
    audit_line(&app, "test.recent", now - 300 * DAY).await;
    let pruned = server::retention::prune(app.store.as_ref(), now, 365)
        .await
        .unwrap();
    assert_eq!(pruned.audit_lines, 5_003);
    let (_, _, audit) = left(&app).await;
    assert_eq!(audit, ["test.recent"]);
}
