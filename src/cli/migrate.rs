//! The options of `migrate`, `baseline` and `status`, the lock policy, and the fleet's targets.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::SourceArgs;
use crate::config::FileConfig;
use crate::migrate::policy::{Overrides, Policy};

/// Options of `lma migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    /// Stop after this version instead of applying everything.
    #[arg(long, value_name = "VERSION",
          value_parser = |text: &str| crate::config::number::VERSION.parse_integer(text))]
    pub target: Option<i64>,

    /// Apply the pending migrations in one transaction, report each, and roll back.
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub policy: PolicyArgs,

    #[command(flatten)]
    pub fleet: FleetArgs,

    /// With several targets: migrate this one first, alone, and stop everything if it fails.
    #[arg(long, value_name = "NAME")]
    pub canary: Option<String>,

    /// With several targets: go on starting targets after one failed.
    #[arg(long)]
    pub keep_going: bool,
}

/// Several databases at once: `migrate`, `status`, `drift` and `indexes` across a fleet
/// (src/fleet/).
#[derive(Debug, Default, Clone, Args)]
pub struct FleetArgs {
    /// A TOML file of named targets ([[target]] with name, url and optional groups); adds to
    /// any --database-url. Without either, [fleet] targets in the config are used.
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,

    /// Only the targets in this group (repeatable: any of them).
    #[arg(long = "group", value_name = "NAME")]
    pub groups: Vec<String>,

    /// How many targets are worked on at once.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..))]
    pub parallel: u16,
}

impl FleetArgs {
    /// The plain options of a fleet run.
    #[must_use]
    pub fn options(&self) -> crate::fleet::Options {
        crate::fleet::Options {
            targets_file: self.targets.clone(),
            groups: self.groups.clone(),
            parallel: self.parallel,
        }
    }
}

impl MigrateArgs {
    /// The plain options of `migrate` across targets, each target's run as on one database.
    pub fn fleet_options(
        &self,
        config: &FileConfig,
    ) -> anyhow::Result<crate::fleet::migrate::Options> {
        Ok(crate::fleet::migrate::Options {
            migrate: self.options(config)?,
            fleet: self.fleet.options(),
            canary: self.canary.clone(),
            keep_going: self.keep_going,
        })
    }

    /// The plain options of a single-database `migrate`: flags over `[migrate]` over defaults.
    pub fn options(&self, config: &FileConfig) -> anyhow::Result<crate::migrate::Options> {
        Ok(crate::migrate::Options {
            migrations: self.source.migrations.clone(),
            up_to: self.target,
            dry_run: self.dry_run,
            policy: Policy::resolve(&self.policy.overrides(), &config.migrate)?,
        })
    }
}

/// Options of `lma baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The newest version the database already has.
    #[arg(value_name = "VERSION",
          value_parser = |text: &str| crate::config::number::VERSION.parse_integer(text))]
    pub up_to: i64,

    #[command(flatten)]
    pub source: SourceArgs,

    #[command(flatten)]
    pub policy: PolicyArgs,
}

impl BaselineArgs {
    /// The plain options of `baseline`.
    pub fn options(
        &self,
        config: &FileConfig,
    ) -> anyhow::Result<crate::migrate::baseline::Options> {
        Ok(crate::migrate::baseline::Options {
            up_to: self.up_to,
            migrations: self.source.migrations.clone(),
            policy: Policy::resolve(&self.policy.overrides(), &config.migrate)?,
        })
    }
}

/// How `migrate` treats a busy database; each flag overrides its `[migrate]` config key.
#[derive(Debug, Default, Clone, Args)]
pub struct PolicyArgs {
    /// lock_timeout for every migration statement [default: 5s].
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub lock_timeout: Option<Duration>,

    /// Retries of a migration that hit the lock timeout, with backoff [default: 3].
    #[arg(long, value_name = "N")]
    pub lock_retries: Option<u32>,

    /// How long to wait for another `lma migrate` on the same database [default: 5m].
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub wait_timeout: Option<Duration>,

    /// statement_timeout for every migration statement [default: none].
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub statement_timeout: Option<Duration>,
}

impl PolicyArgs {
    /// The flags given, for `Policy::resolve` to put over `[migrate]`.
    #[must_use]
    pub fn overrides(&self) -> Overrides {
        Overrides {
            lock_timeout: self.lock_timeout,
            lock_retries: self.lock_retries,
            wait_timeout: self.wait_timeout,
            statement_timeout: self.statement_timeout,
        }
    }
}

/// Options of `lma status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    #[command(flatten)]
    pub fleet: FleetArgs,
}
