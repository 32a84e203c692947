//! `server backup FILE` and `server restore FILE`: a consistent copy of the store taken while the
//! server runs, and that copy put back into a new store. SQLite copies itself (`VACUUM INTO`, one
//! read transaction); PostgreSQL's copy is `pg_dump`'s custom archive, put back by `pg_restore`.
//! A restore never overwrites a store that holds records, checks the copy before it is used, and
//! gives the store a new epoch, so phones' cursors from before are refused and they pull again from
//! the start (records are keyed by id: nothing doubles on the phone).

use crate::model::Actor;
use crate::store::{self, sqlite_connect_options};
use anyhow::{bail, ensure, Context};
use serde_json::json;
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::process::Command;

pub async fn backup(database_url: &str, file: &Path) -> anyhow::Result<()> {
    ensure!(
        !file.exists(),
        "{} exists already: a backup never overwrites a file",
        file.display()
    );
    // Written beside the file under another name, then renamed: a half-written copy never has
    // the backup's name.
    let partial = partial_of(file);
    let _ = std::fs::remove_file(&partial);
    let written = if is_sqlite(database_url) {
        sqlite_backup(database_url, &partial).await
    } else {
        pg_dump(database_url, &partial)
    };
    if let Err(error) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(error);
    }
    std::fs::rename(&partial, file)?;
    let size = std::fs::metadata(file)?.len();
    println!("backup written: {} ({size} bytes)", file.display());
    Ok(())
}

pub async fn restore(database_url: &str, file: &Path) -> anyhow::Result<()> {
    ensure!(file.is_file(), "no backup at {}", file.display());
    if is_sqlite(database_url) {
        sqlite_restore(database_url, file).await
    } else {
        pg_restore(database_url, file).await
    }
}

fn is_sqlite(database_url: &str) -> bool {
    database_url.starts_with("sqlite:")
}

fn partial_of(file: &Path) -> PathBuf {
    with_suffix(file, ".partial")
}

async fn sqlite_backup(database_url: &str, partial: &Path) -> anyhow::Result<()> {
    let mut conn = sqlite_connect_options(database_url)?
        .create_if_missing(false)
        .connect()
        .await
        .context("opening the SQLite store")?;
    let path = partial.to_str().context("the backup's path is not UTF-8")?;
    sqlx::query("VACUUM INTO ?")
        .bind(path)
        .execute(&mut conn)
        .await
        .context("copying the SQLite store")?;
    conn.close().await?;
    Ok(())
}

fn pg_dump(database_url: &str, partial: &Path) -> anyhow::Result<()> {
    let status = Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
        .arg(partial)
        .arg(database_url)
        .status()
        .context("running pg_dump (Debian: postgresql-client)")?;
    ensure!(status.success(), "pg_dump failed ({status})");
    Ok(())
}

/// Checks the copy in a scratch file beside the store, brings its schema up to date and gives it
/// a new epoch there; only then does it take the store's name.
async fn sqlite_restore(database_url: &str, file: &Path) -> anyhow::Result<()> {
    let target = sqlite_path(database_url)?;
    if target.exists() {
        let records = sqlite_records(database_url).await?;
        ensure!(
            records == 0,
            "the store at {} holds {records} records: restore into a new store (stop the server \
             and move the file away first)",
            target.display()
        );
    }
    let scratch = partial_of(&target);
    remove_sqlite_files(&scratch);
    std::fs::copy(file, &scratch).with_context(|| format!("copying {}", file.display()))?;
    let scratch_url = format!("sqlite://{}", scratch.display());
    let checked = async {
        let mut conn = sqlite_connect_options(&scratch_url)?
            .create_if_missing(false)
            .connect()
            .await?;
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await?;
        conn.close().await?;
        ensure!(integrity == "ok", "integrity check: {integrity}");
        finish_restore(&scratch_url, file).await
    }
    .await;
    if let Err(error) = checked {
        remove_sqlite_files(&scratch);
        return Err(error.context(format!("{} is not a usable backup", file.display())));
    }
    remove_sqlite_files(&target);
    for suffix in SQLITE_FILES {
        let (from, to) = (with_suffix(&scratch, suffix), with_suffix(&target, suffix));
        if from.exists() {
            std::fs::rename(from, to)?;
        }
    }
    Ok(())
}

fn sqlite_path(database_url: &str) -> anyhow::Result<PathBuf> {
    let options = sqlite_connect_options(database_url)?;
    Ok(options.get_filename().to_path_buf())
}

async fn sqlite_records(database_url: &str) -> anyhow::Result<i64> {
    let mut conn = sqlite_connect_options(database_url)?
        .create_if_missing(false)
        .read_only(true)
        .connect()
        .await?;
    let has_records: bool = sqlx::query_scalar(
        "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'records'",
    )
    .fetch_one(&mut conn)
    .await?;
    let records = if has_records {
        sqlx::query_scalar("SELECT COUNT(*) FROM records")
            .fetch_one(&mut conn)
            .await?
    } else {
        0
    };
    conn.close().await?;
    Ok(records)
}

/// A SQLite store's files: the database, and its write-ahead log and index while open.
const SQLITE_FILES: [&str; 3] = ["", "-wal", "-shm"];

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_sqlite_files(path: &Path) {
    for suffix in SQLITE_FILES {
        let _ = std::fs::remove_file(with_suffix(path, suffix));
    }
}

/// Into a database without tables (`createdb`), in one transaction: a damaged archive leaves it
/// as it was.
async fn pg_restore(database_url: &str, file: &Path) -> anyhow::Result<()> {
    let mut conn = sqlx::PgConnection::connect(database_url)
        .await
        .context("connecting to the PostgreSQL store")?;
    let tables: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")
            .fetch_one(&mut conn)
            .await?;
    if tables > 0 {
        let records: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM records")
            .fetch_one(&mut conn)
            .await
            .unwrap_or_default();
        bail!(
            "the database holds {tables} tables and {records} records: restore into a new, empty \
             database (createdb)"
        );
    }
    conn.close().await?;
    let output = Command::new("pg_restore")
        .args([
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
        ])
        .arg(database_url)
        .arg(file)
        .output()
        .context("running pg_restore (Debian: postgresql-client)")?;
    ensure!(
        output.status.success(),
        "{} is not a usable backup: pg_restore: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr).trim()
    );
    finish_restore(database_url, file).await
}

/// Opens the restored store (its migrations run; a copy from a newer version is refused), gives
/// it a new epoch and logs the restore.
async fn finish_restore(database_url: &str, file: &Path) -> anyhow::Result<()> {
    let store = store::open(database_url).await?;
    let records = store.record_count().await?;
    let changes = store.begin_epoch().await?;
    let detail = json!({"file": file.display().to_string(), "records": records,
                        "last_seq": changes.last_seq, "epoch": changes.epoch});
    store
        .append_audit(&Actor::default().did("store.restored", "store", detail))
        .await?;
    store.close().await;
    println!(
        "restored {records} records (last change {}) from {}; phones will pull again from the \
         start at their next sync",
        changes.last_seq,
        file.display()
    );
    Ok(())
}
