//! The command line: `server` (or `server serve`) runs the web server; other subcommands administer
//! or, `bench-sync`, measure.

use crate::accounts::{self, NewOfficer};
use crate::config::Config;
use crate::model::{unit_by_code, Actor, OrgUnit};
use crate::store::{self, Store};
use crate::{clock, demo};
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "server", version, about = "PCMD district server")]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app and the API (the default).
    Serve {
        /// First create the demo accounts that are missing and print their passwords.
        #[arg(long, env = "PCMD_DEMO")]
        demo: bool,
    },
    /// Create or upgrade the store's schema, then exit.
    Migrate,
    /// Write a consistent copy of the store to FILE while the server runs (SQLite: the file
    /// itself; PostgreSQL: a pg_dump custom archive).
    Backup { file: std::path::PathBuf },
    /// Check a copy made by `backup` and restore it into the store of DATABASE_URL, which must
    /// hold no records (a new SQLite file, or a new PostgreSQL database).
    Restore { file: std::path::PathBuf },
    /// Officer accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print records per second through the sync path over HTTP beside a plain bulk insert, on
    /// scratch stores: SQLite, and PostgreSQL when TEST_POSTGRES_URL (or DATABASE_URL) names a
    /// server.
    BenchSync {
        #[arg(long, default_value_t = 20_000)]
        records: usize,
        /// Another build's server binary, measured beside this one (figures before a change).
        #[arg(long)]
        baseline: Option<std::path::PathBuf>,
    },
    /// Print the time of the district's indicators for 2023 and each quarter over generated
    /// records, beside one hand-written query, on scratch stores (as bench-sync).
    BenchIndicators {
        #[arg(long, default_value_t = 1_000_000)]
        records: usize,
    },
    /// Print the answer times when DEVICES devices send RECORDS records each at the same moment,
    /// to a server in its own process on scratch stores (as bench-sync).
    BenchLoad {
        #[arg(long, default_value_t = 200)]
        devices: usize,
        #[arg(long, default_value_t = 50)]
        records: usize,
    },
    /// Send hostile sync bodies through the decoder, validation and decisions (no store), count
    /// panics and write the first bodies that caused one to the current folder.
    FuzzSync {
        #[arg(long, default_value_t = 1_000_000)]
        inputs: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is the first line of standard input. Prints the new id.
    Add {
        #[arg(long)]
        username: String,
        /// commune_officer, province_officer, health_officer, service_provider or admin
        /// (district_officer for the districts' records until 30 June 2025).
        #[arg(long)]
        role: String,
        /// The unit's official code, e.g. 106 or 03412; a reused code means the unit valid today.
        #[arg(long)]
        org_unit: String,
        /// Defaults to the username.
        #[arg(long)]
        display_name: Option<String>,
        /// A service_provider's receiving service (its id); left out, the unit's only one.
        #[arg(long)]
        service: Option<String>,
    },
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<()> {
        // A bare `server` (as cargo-leptos starts it) serves too, with demo accounts if PCMD_DEMO asks.
        let default = Command::Serve {
            demo: std::env::var("PCMD_DEMO").is_ok_and(|v| v == "true" || v == "1"),
        };
        match self.command.unwrap_or(default) {
            Command::Serve { demo } => {
                let (config, store) = open().await?;
                if demo {
                    demo::ensure_accounts(store.as_ref()).await?;
                    if demo::ensure_current_year(store.as_ref(), clock::domain_today()).await? {
                        tracing::info!("demo records generated for the year before and this year");
                    }
                    print_demo_accounts(&store.org_units().await?);
                }
                crate::web::serve(config, store).await
            }
            Command::Migrate => {
                let (_, store) = open().await?;
                tracing::info!(store = store.kind().as_str(), "store is up to date");
                Ok(())
            }
            // The store only: no site, no Leptos configuration.
            Command::Backup { file } => {
                crate::backup::backup(&crate::config::database_url()?, &file).await
            }
            Command::Restore { file } => {
                crate::backup::restore(&crate::config::database_url()?, &file).await
            }
            Command::User {
                command:
                    UserCommand::Add {
                        username,
                        role,
                        org_unit,
                        display_name,
                        service,
                    },
            } => {
                let (_, store) = open().await?;
                let units = store.org_units().await?;
                let today = clock::format_date(clock::today());
                let unit = unit_by_code(&units, &org_unit, &today)
                    .with_context(|| format!("no org unit has the code {org_unit}"))?;
                let mut password = String::new();
                std::io::stdin()
                    .read_line(&mut password)
                    .context("reading the password from standard input")?;
                let new = NewOfficer {
                    receiving_service_id: service,
                    username,
                    display_name,
                    role,
                    org_unit_id: unit.id.clone(),
                    password: password.trim_end_matches(['\r', '\n']).to_string(),
                };
                let officer = accounts::create(store.as_ref(), new, &Actor::default()).await?;
                println!("{}", officer.id);
                Ok(())
            }
            // Scratch stores of its own: the configured store is never opened.
            Command::BenchSync { records, baseline } => crate::bench::run(records, baseline).await,
            Command::BenchIndicators { records } => crate::bench_indicators::run(records).await,
            Command::BenchLoad { devices, records } => {
                crate::bench_load::run(devices, records).await
            }
            Command::FuzzSync { inputs, seed } => fuzz_sync(inputs, seed),
        }
    }
}

fn fuzz_sync(inputs: u64, seed: u64) -> anyhow::Result<()> {
    // Panics are counted and kept, not printed a million times.
    std::panic::set_hook(Box::new(|_| {}));
    let started = std::time::Instant::now();
    let findings = crate::fuzz::run(inputs, seed);
    let _ = std::panic::take_hook();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "fuzz-sync seed {seed}: {} bodies in {seconds:.1} s ({:.0}/s), {} decoded, {} records checked, \
         {} applied, {} panics",
        findings.inputs,
        findings.inputs as f64 / seconds,
        findings.decoded,
        findings.records,
        findings.applied,
        findings.panics
    );
    for (n, (message, body)) in findings.first_panics.iter().enumerate() {
        let file = format!("fuzz-panic-{seed}-{n}.json");
        std::fs::write(&file, body)?;
        println!("  panic: {message} (body in {file})");
    }
    anyhow::ensure!(findings.panics == 0, "{} bodies panicked", findings.panics);
    Ok(())
}

/// The configuration and the store it names, migrated and seeded.
async fn open() -> anyhow::Result<(Config, Arc<Store>)> {
    let config = Config::from_env()?;
    let store = store::open(&config.database_url).await?;
    Ok((config, store))
}

fn print_demo_accounts(units: &[OrgUnit]) {
    println!("Demo accounts (username, role, unit, password):");
    for account in &demo::ACCOUNTS {
        let unit = units
            .iter()
            .find(|unit| unit.id == account.org_unit_id)
            .map(|unit| format!("{} {}", unit.code, unit.name))
            .unwrap_or_default();
        println!(
            "  {:<8} {:<17} {:<28} {}",
            account.username, account.role, unit, account.password
        );
    }
}
