//! Configuration from the environment, with defaults that let `server` run with nothing set.

use leptos::config::LeptosOptions;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://…` or `postgres://…`; unset means an SQLite file in `data_dir`.
    pub database_url: String,
    pub leptos: LeptosOptions,
    pub security: Security,
    /// `AUDIT_RETENTION_DAYS`: how long audit lines are kept.
    pub audit_retention_days: u32,
}

/// Five years, as long as a district keeps its other records of the programme.
pub const DEFAULT_AUDIT_RETENTION_DAYS: u32 = 1826;

/// How the server sits on the network.
#[derive(Clone, Copy, Debug, Default)]
pub struct Security {
    /// `SECURE_COOKIES=true`: the session cookie is sent over HTTPS only.
    pub secure_cookies: bool,
    /// `TRUST_PROXY`: how many proxies of ours stand in front (`true` is one). The client address
    /// is the `X-Forwarded-For` entry the outermost of them appended, counted from the right;
    /// entries further left came from the client and could be forged. With none (unset), the
    /// header is ignored and the TCP peer is the client.
    pub trusted_proxies: u8,
}

impl Security {
    pub fn from_env() -> anyhow::Result<Security> {
        let flag = |name| std::env::var(name).is_ok_and(|value| value.trim() == "true");
        let trust_proxy = std::env::var("TRUST_PROXY").ok();
        Ok(Security {
            secure_cookies: flag("SECURE_COOKIES"),
            trusted_proxies: parse_trust_proxy(trust_proxy.as_deref())?,
        })
    }
}

/// `TRUST_PROXY`: unset, empty, `false` or `0` is none, `true` one, or a number of hops up to 10.
/// Anything else stops the server, rather than guess which addresses to believe.
pub fn parse_trust_proxy(value: Option<&str>) -> anyhow::Result<u8> {
    match value.map(str::trim) {
        None | Some("" | "false") => Ok(0),
        Some("true") => Ok(1),
        Some(hops) => hops
            .parse::<u8>()
            .ok()
            .filter(|hops| *hops <= 10)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "TRUST_PROXY must be true, false or a number of proxies (0-10), not {hops:?}"
                )
            }),
    }
}

/// `AUDIT_RETENTION_DAYS`: unset or empty is the default; at least one day.
pub fn parse_audit_retention_days(value: Option<&str>) -> anyhow::Result<u32> {
    match value.map(str::trim) {
        None | Some("") => Ok(DEFAULT_AUDIT_RETENTION_DAYS),
        Some(days) => days
            .parse::<u32>()
            .ok()
            .filter(|days| *days >= 1)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "AUDIT_RETENTION_DAYS must be a number of days (1 or more), not {days:?}"
                )
            }),
    }
}

/// `DATABASE_URL`, else the SQLite file in `DATA_DIR` (the folder made if missing).
pub fn database_url() -> anyhow::Result<String> {
    Ok(match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => {
            let dir = PathBuf::from(std::env::var("DATA_DIR").unwrap_or_else(|_| "data".into()));
            std::fs::create_dir_all(&dir)?;
            format!("sqlite://{}", dir.join("pcmd.sqlite3").display())
        }
    })
}

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let mut leptos = leptos::config::get_configuration(None)?.leptos_options;
        // cargo-leptos sets this when it runs the server; a release binary started by hand finds
        // the hash file the build left beside it.
        if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
            leptos.hash_files = crate::web::hash_file_path(&leptos).exists();
        }
        let database_url = database_url()?;
        let retention = std::env::var("AUDIT_RETENTION_DAYS").ok();
        Ok(Config {
            database_url,
            leptos,
            security: Security::from_env()?,
            audit_retention_days: parse_audit_retention_days(retention.as_deref())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_proxy_is_a_number_of_hops() {
        for (value, hops) in [
            (None, 0),
            (Some(""), 0),
            (Some("false"), 0),
            (Some("0"), 0),
            (Some("true"), 1),
            (Some(" 1 "), 1),
            (Some("2"), 2),
            (Some("10"), 10),
        ] {
            assert_eq!(parse_trust_proxy(value).unwrap(), hops, "{value:?}");
        }
        for bad in ["yes", "TRUE", "-1", "11", "1.5", "256"] {
            assert!(parse_trust_proxy(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn audit_lines_are_kept_five_years_unless_configured() {
        assert_eq!(parse_audit_retention_days(None).unwrap(), 1826);
        assert_eq!(parse_audit_retention_days(Some(" ")).unwrap(), 1826);
        assert_eq!(parse_audit_retention_days(Some("365")).unwrap(), 365);
        for bad in ["0", "-5", "five", "1.5"] {
            assert!(parse_audit_retention_days(Some(bad)).is_err(), "{bad}");
        }
    }
}
