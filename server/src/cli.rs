//! The command line: `server` (or `server serve`) runs the web server; other subcommands administer.

use crate::config::Config;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "server", version, about = "PCMD district server")]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app and the API (the default).
    Serve,
    /// Create or upgrade the store's schema, then exit.
    Migrate,
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<()> {
        let config = Config::from_env()?;
        match self.command.unwrap_or(Command::Serve) {
            Command::Serve => crate::web::serve(config).await,
            Command::Migrate => {
                let store = crate::store::open(&config.database_url).await?;
                tracing::info!(store = store.kind().as_str(), "store is up to date");
                Ok(())
            }
        }
    }
}
