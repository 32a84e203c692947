//! Test helpers: each test gets its own store (a fresh SQLite file or a fresh PostgreSQL database)
//! and the real router on its own port, spoken to over real HTTP.

use leptos::config::LeptosOptions;
use reqwest::Method;
use serde_json::Value;
use server::config::Security;
use server::store::Store;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub mod api;

/// Huyện Tam Đường, the 2023 district the tests work in.
pub const DISTRICT: &str = "ou-106";
/// Xã Bình Lư of 2023.
pub const BINH_LU: &str = "ou-03412";
/// Thị trấn Tam Đường of 2023.
pub const THI_TRAN: &str = "ou-03390";
/// The Xã Bình Lư of 1 July 2025: Bình Lư, Sơn Bình and Thị trấn Tam Đường merged.
pub const NEW_BINH_LU: &str = "ou-03390-20250701";
/// The phone most tests sync from.
pub const DEVICE: &str = "6f1c2d3e-4b5a-4c6d-8e7f-901234567890";

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub site_root: PathBuf,
    pub database_url: String,
    pub store: Arc<Store>,
    /// The app's password checks: `runs()` counts this app's Argon2 runs only.
    pub passwords: Arc<server::password::Checks>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }

    /// A request with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request failed")
    }

    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        let body = serde_json::json!({"username": username, "password": password});
        self.call(Method::POST, "/api/v1/auth/login", None, Some(body))
            .await
    }

    /// A number read straight from the store's tables, e.g. `SELECT COUNT(*) FROM sessions`.
    pub async fn scalar(&self, sql: &str) -> i64 {
        let url = &self.database_url;
        if url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            let n = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
            pool.close().await;
            n
        } else {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let n = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
            pool.close().await;
            n
        }
    }

    /// Signs in and returns the session token.
    pub async fn token(&self, username: &str, password: &str) -> String {
        let response = self.login(username, password).await;
        assert_eq!(response.status(), 200, "sign-in of {username}");
        let body: Value = response.json().await.unwrap();
        body["token"].as_str().unwrap().to_string()
    }

    /// Creates an account with the password `demo-<username>`, unless it exists.
    pub async fn add_officer(&self, username: &str, role: &str, unit: &str) {
        let store = self.store.as_ref();
        if store.credentials(username).await.expect("read").is_some() {
            return;
        }
        let new = server::accounts::NewOfficer {
            receiving_service_id: None,
            username: username.into(),
            display_name: None,
            role: role.into(),
            org_unit_id: unit.into(),
            password: format!("demo-{username}"),
        };
        server::accounts::create(store, new, &Default::default())
            .await
            .expect("account");
    }

    /// A second district with a commune and its people, as a province running several districts
    /// on one server has them: Xã Thử Nghiệm (`ou-09001`) of Huyện Mường Tè (`ou-107`), made by the
    /// province's admin `tinh_admin` (`ou-12`), with its district's admin `admin_mt` and its
    /// commune officer `muongte` (passwords `demo-<name>`).
    pub async fn with_another_district(self) -> Self {
        self.add_officer("tinh_admin", "admin", "ou-12").await;
        let province = self.token("tinh_admin", "demo-tinh_admin").await;
        let commune = serde_json::json!({"code": "09001", "name": "Xã Thử Nghiệm",
            "level": "commune", "parent_id": "ou-107", "valid_from": "2020-01-01"});
        let path = "/api/v1/admin/org-units";
        let response = self
            .call(Method::POST, path, Some(&province), Some(commune))
            .await;
        assert_eq!(
            response.status(),
            201,
            "the province's admin adds the commune"
        );
        self.add_officer("admin_mt", "admin", "ou-107").await;
        self.add_officer("muongte", "commune_officer", "ou-09001")
            .await;
        self
    }

    /// Puts the `admin` account at the province (`ou-12`), as the demo has it since the 2025
    /// reform, and signs it in. Admins reach their unit's subtree only: the reform's work (units and
    /// plans of the province, officers moved to its communes) and what belongs to no unit (sign-ins
    /// under names nobody has, what the server does itself) are the province admin's; the
    /// district's admin of `with_2023_accounts` reaches only Tam Đường.
    pub async fn province_admin(&self) -> String {
        let store = self.store.as_ref();
        let officers = store.officers().await.expect("read");
        let mut admin = officers
            .into_iter()
            .find(|officer| officer.username == "admin")
            .expect("the admin account");
        let units = store.org_units().await.expect("read");
        admin.org_unit = server::accounts::find_unit(&units, "ou-12").expect("the province");
        store.update_officer(&admin, None).await.expect("write");
        self.token("admin", "demo-admin").await
    }

    /// Creates the accounts of the 2023 district the tests work in (password `demo-<name>`):
    /// `admin` and `huyen` (district officer) of Huyện Tam Đường, `binhlu` of Xã Bình Lư and
    /// `thitran` of Thị trấn Tam Đường, as the demo had them before the 2025 reform.
    pub async fn with_2023_accounts(self) -> Self {
        for (username, role, unit) in [
            ("admin", "admin", "ou-106"),
            ("huyen", "district_officer", "ou-106"),
            ("binhlu", "commune_officer", "ou-03412"),
            ("thitran", "commune_officer", "ou-03390"),
        ] {
            self.add_officer(username, role, unit).await;
        }
        self
    }
}

pub fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcmd-test-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// A URL to a store nobody else uses.
pub async fn fresh_database_url(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", scratch_dir().join("test.sqlite3").display()),
        Backend::Postgres => {
            use sqlx::Connection;
            let admin = postgres_server();
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default();
            let name = format!("pcmd_test_{now}_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("PostgreSQL at TEST_POSTGRES_URL");
            drop_stale_databases(&mut conn, now).await;
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create database");
            let base = admin
                .rsplit_once('/')
                .map(|(base, _)| base)
                .unwrap_or(&admin);
            format!("{base}/{name}")
        }
    }
}

/// The PostgreSQL server the tests make their databases on.
fn postgres_server() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Whether the PostgreSQL half of a test runs: the server of [`postgres_server`] answers, asked
/// once per process. When it does not, the half is skipped and one line on stderr says so (written
/// to the handle, which libtest does not capture); with `PCMD_REQUIRE_POSTGRES=1` (CI,
/// `scripts/test`) the test fails instead.
pub async fn postgres_reachable() -> bool {
    use sqlx::Connection;
    use std::io::Write;
    static REACHABLE: tokio::sync::OnceCell<bool> = tokio::sync::OnceCell::const_new();
    let required = std::env::var("PCMD_REQUIRE_POSTGRES").is_ok_and(|value| value == "1");
    let url = postgres_server();
    // The server's address only: the URL may carry a password.
    let server = url.split('@').next_back().unwrap_or_default();
    let reachable = *REACHABLE
        .get_or_init(|| async {
            let connect = sqlx::PgConnection::connect(&url);
            let error =
                match tokio::time::timeout(std::time::Duration::from_secs(10), connect).await {
                    Ok(Ok(conn)) => {
                        let _ = conn.close().await;
                        return true;
                    }
                    Ok(Err(error)) => error.to_string(),
                    Err(_) => "no answer in 10 s".to_string(),
                };
            if !required {
                let _ = writeln!(
                    std::io::stderr(),
                    "PostgreSQL not reachable at {server} ({error}): the PostgreSQL half of the \
                     storage tests was SKIPPED (set TEST_POSTGRES_URL, or PCMD_REQUIRE_POSTGRES=1 \
                     to fail instead)"
                );
            }
            false
        })
        .await;
    assert!(
        reachable || !required,
        "PostgreSQL not reachable at {server}, and PCMD_REQUIRE_POSTGRES=1 requires it"
    );
    reachable
}

/// Drops the test databases of earlier runs (older than three hours, or named before the time was
/// part of the name), once per test process, so that a machine running the tests daily stays small.
async fn drop_stale_databases(conn: &mut sqlx::PgConnection, now: u64) {
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if DONE.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'pcmd_test_%'")
            .fetch_all(&mut *conn)
            .await
            .unwrap_or_default();
    for name in names {
        let created = name
            .strip_prefix("pcmd_test_")
            .and_then(|rest| rest.split_once('_'))
            .and_then(|(secs, _)| secs.parse::<u64>().ok());
        if created.is_none_or(|secs| now.saturating_sub(secs) > 3 * 3600) {
            // A database still in use refuses; it goes next time.
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                .execute(&mut *conn)
                .await;
        }
    }
}

/// A site folder as a build leaves it: a bundle, a stylesheet, the manifest and an icon.
pub fn fake_site() -> PathBuf {
    let root = scratch_dir();
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    std::fs::create_dir_all(root.join("icons")).unwrap();
    std::fs::write(
        root.join("pkg/pcmd.js"),
        "export default function init() {}",
    )
    .unwrap();
    std::fs::write(root.join("pkg/pcmd.wasm"), [0u8, 97, 115, 109]).unwrap();
    std::fs::write(root.join("pkg/pcmd.css"), "body{}").unwrap();
    std::fs::write(root.join("manifest.webmanifest"), "{}").unwrap();
    std::fs::write(root.join("icons/icon-192.png"), [137u8, 80, 78, 71]).unwrap();
    root
}

/// A server on a fresh store with the accounts of the 2023 district (`with_2023_accounts`).
pub async fn demo_app(backend: Backend) -> TestApp {
    spawn_app(backend).await.with_2023_accounts().await
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_on(&fresh_database_url(backend).await, Security::default()).await
}

/// A server on an existing store, e.g. a second one to show that a restart keeps what was stored.
pub async fn spawn_app_on(database_url: &str, security: Security) -> TestApp {
    let passwords = server::password::Checks::for_this_machine().expect("password threads");
    spawn_app_with(database_url, security, passwords).await
}

/// A server whose password checks are bounded by `passwords` rather than by the machine.
pub async fn spawn_app_with(
    database_url: &str,
    security: Security,
    passwords: server::password::Checks,
) -> TestApp {
    let store = server::store::open(database_url).await.expect("open store");
    let site_root = fake_site();
    let leptos = LeptosOptions::builder()
        .output_name("pcmd")
        .site_root(site_root.to_string_lossy().to_string())
        .build();
    let mut ctx = server::web::context(store.clone(), leptos, security).expect("context");
    ctx.passwords = Arc::new(passwords);
    let passwords = ctx.passwords.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let service = server::web::router(ctx).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await });
    let client = reqwest::Client::builder().build().unwrap();
    TestApp {
        address,
        client,
        site_root,
        database_url: database_url.to_string(),
        store,
        passwords,
    }
}

/// The newest 100 audit lines of `action`, newest first, read from the store.
pub async fn audit_entries(app: &TestApp, action: &str) -> Vec<server::model::AuditEntry> {
    let filter = server::model::AuditFilter {
        action: Some(action.into()),
        limit: 1_000,
        ..Default::default()
    };
    let logged = app.store.audit_log(&filter).await.unwrap();
    logged.into_iter().map(|logged| logged.entry).collect()
}

/// Every stored version of every record, `(id, version, device_id, updated_by)`, read straight from
/// the store's tables.
pub async fn stored_versions(database_url: &str) -> Vec<(String, i64, String, String)> {
    let sql = "SELECT id, version, device_id, updated_by FROM record_versions \
               ORDER BY id, version";
    if database_url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(database_url).await.unwrap();
        let rows = sqlx::query_as(sql).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    } else {
        let pool = sqlx::PgPool::connect(database_url).await.unwrap();
        let rows = sqlx::query_as(sql).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    }
}

/// Runs an async test body once on SQLite and once on PostgreSQL (unless PostgreSQL is skipped:
/// see [`postgres_reachable`]).
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::common::Backend::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                if $crate::common::postgres_reachable().await {
                    super::$name($crate::common::Backend::Postgres).await
                }
            }
        }
    )*};
}
