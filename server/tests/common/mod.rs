//! Test helpers: each test gets its own store (a fresh SQLite file or a fresh PostgreSQL database)
//! and the real router on its own port, spoken to over real HTTP.

use leptos::config::LeptosOptions;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub site_root: PathBuf,
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
}

fn scratch_dir() -> PathBuf {
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
            let admin = std::env::var("TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let name = format!("pcmd_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("PostgreSQL at TEST_POSTGRES_URL");
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

/// A site folder as a build leaves it: a bundle, a stylesheet, the manifest and an icon.
fn fake_site() -> PathBuf {
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

pub async fn spawn_app(backend: Backend) -> TestApp {
    let url = fresh_database_url(backend).await;
    let store = server::store::open(&url).await.expect("open store");
    let site_root = fake_site();
    let leptos = LeptosOptions::builder()
        .output_name("pcmd")
        .site_root(site_root.to_string_lossy().to_string())
        .build();
    let ctx = server::web::context(store, leptos).expect("context");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, server::web::router(ctx)).await });
    let client = reqwest::Client::builder().build().unwrap();
    TestApp {
        address,
        client,
        site_root,
    }
}

/// Runs an async test body once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::common::Backend::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$name($crate::common::Backend::Postgres).await
            }
        }
    )*};
}
