//! Fleets: `lma migrate` and `lma status` across several databases (a database per tenant
//! group or shard), each target under its own lock and the single-database safety model.
//!
//! A command becomes a fleet run when `--targets FILE` is given, when `--database-url` is given
//! more than once, or when neither is given and `[fleet]` in the configuration lists targets.

pub mod migrate;
pub mod status;
pub mod targets;

use tokio_postgres::Client;

use crate::cli::FleetArgs;
use crate::config::TargetEntry;
use crate::context::Context;
use crate::db::Database;
use targets::Target;

/// Whether the command runs across targets rather than on the one database.
#[must_use]
pub fn applies(context: &Context, args: &FleetArgs) -> bool {
    args.targets.is_some()
        || context.database_flags.len() > 1
        || (context.database_flags.is_empty() && !context.config.fleet.targets.is_empty())
}

/// The targets of this run: every `--database-url` and the `--targets` file's entries, else
/// `[fleet]` in the configuration; narrowed by `--group`.
pub fn resolve(context: &Context, args: &FleetArgs) -> anyhow::Result<Vec<Target>> {
    let env = |key: &str| std::env::var(key).ok();
    let mut entries: Vec<TargetEntry> = context
        .database_flags
        .iter()
        .map(|url| targets::from_url(url, &env))
        .collect::<anyhow::Result<_>>()?;
    if let Some(path) = &args.targets {
        entries.extend(targets::read_file(path)?);
    }
    if entries.is_empty() {
        entries.clone_from(&context.config.fleet.targets);
    }
    targets::resolve(
        entries,
        &args.groups,
        &env,
        context.config.database.connect_timeout,
    )
}

/// A connection whose transactions are read-only: looking at a target never changes it.
async fn read_only(database: &Database) -> anyhow::Result<Client> {
    let client = database.connect().await?;
    client
        .batch_execute("SET default_transaction_read_only = on")
        .await
        .map_err(|err| {
            anyhow::anyhow!(
                "{}: cannot start a read-only session: {err}",
                database.describe()
            )
        })?;
    Ok(client)
}
