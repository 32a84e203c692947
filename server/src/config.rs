//! Configuration from the environment, with defaults that let `server` run with nothing set.

use leptos::config::LeptosOptions;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://…` or `postgres://…`; unset means an SQLite file in `data_dir`.
    pub database_url: String,
    pub leptos: LeptosOptions,
    pub security: Security,
}

/// How the server sits on the network.
#[derive(Clone, Copy, Debug, Default)]
pub struct Security {
    /// `SECURE_COOKIES=true`: the session cookie is sent over HTTPS only.
    pub secure_cookies: bool,
    /// `TRUST_PROXY=true`: the client address is the first `X-Forwarded-For` entry, as set by the
    /// load balancer in front; otherwise that header could be forged and the TCP peer is used.
    pub trust_proxy: bool,
}

impl Security {
    pub fn from_env() -> Security {
        let flag = |name| std::env::var(name).is_ok_and(|value| value.trim() == "true");
        Security {
            secure_cookies: flag("SECURE_COOKIES"),
            trust_proxy: flag("TRUST_PROXY"),
        }
    }
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
            security: Security::from_env(),
        })
    }
}
