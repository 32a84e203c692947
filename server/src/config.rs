//! Configuration from the environment, with defaults that let `server` run with nothing set.

use leptos::config::LeptosOptions;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://…` or `postgres://…`; unset means an SQLite file in `data_dir`.
    pub database_url: String,
    pub leptos: LeptosOptions,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let mut leptos = leptos::config::get_configuration(None)?.leptos_options;
        // cargo-leptos sets this when it runs the server; a release binary started by hand finds
        // the hash file the build left beside it.
        if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
            leptos.hash_files = crate::web::hash_file_path(&leptos).exists();
        }
        let database_url = match std::env::var("DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => {
                let dir =
                    PathBuf::from(std::env::var("DATA_DIR").unwrap_or_else(|_| "data".into()));
                std::fs::create_dir_all(&dir)?;
                format!("sqlite://{}", dir.join("pcmd.sqlite3").display())
            }
        };
        Ok(Config {
            database_url,
            leptos,
        })
    }
}
