//! lma: migrations, seeding, plan checks and index health for the LMA PostgreSQL database.
//!
//! The binary is a thin shell around [`run`]; tests call the modules directly.

pub mod advise;
pub mod check;
pub mod cli;
pub mod config;
pub mod context;
pub mod db;
pub mod demo;
pub mod drift;
pub mod exit;
pub mod fleet;
pub mod indexes;
pub mod lint;
pub mod manual;
pub mod migrate;
pub mod output;
pub mod pgpass;
pub mod progress;
pub mod queries;
pub mod sandbox;
pub mod seed;
pub mod tls;
pub mod url;
pub mod verify;

use cli::{Cli, Command};
use context::Context;
use exit::ExitStatus;

/// Runs one `lma` command. `Err` is an operational failure (exit 2); findings are `Ok`.
pub async fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    let context = Context::new(&cli.global.globals())?;
    if !cli.command.accepts(context.format) {
        anyhow::bail!(
            "--format {} is not available for this command (junit: lint and verify; github: lint; completions and man have one form)",
            clap::ValueEnum::to_possible_value(&context.format)
                .map_or_else(String::new, |v| v.get_name().to_owned())
        );
    }
    match cli.command {
        Command::Migrate(args) => {
            let options = args.fleet_options(&context.config)?;
            if fleet::migrate::applies(&context, &options) {
                fleet::migrate::run(&context, &options).await
            } else {
                migrate::run(&context, &options.migrate).await
            }
        }
        Command::Status(args) => {
            let (migrations, targets) = (args.source.migrations.as_deref(), args.fleet.options());
            if fleet::applies(&context, &targets) {
                fleet::status::run(&context, migrations, &targets).await
            } else {
                migrate::status::run(&context, migrations).await
            }
        }
        Command::Baseline(args) => {
            migrate::baseline::run(&context, &args.options(&context.config)?).await
        }
        Command::Indexes(args) => {
            let verbose = context.progress.is_verbose();
            let (request, targets) = (args.request(&context.config, verbose), args.fleet.options());
            if fleet::applies(&context, &targets) {
                fleet::indexes::run(&context, &request, &targets).await
            } else {
                indexes::run(&context, &request).await
            }
        }
        Command::Seed(args) => seed::run(&context, &args.options()).await,
        Command::Check(args) => check::run(&context, &args.options(&context.config)).await,
        Command::Explain(args) => {
            check::explain::run(&context, &args.name, &args.catalog.options()).await
        }
        Command::Demo(args) => demo::run(&context, args.keep).await,
        Command::Queries(args) => queries::run(&context, &args.options()).await,
        Command::Advise(args) => advise::run(&context, &args.options(&context.config)).await,
        Command::Lint(args) => lint::run(&context, &args.options()).await,
        Command::Drift(args) => {
            let (options, targets) = (args.options(), args.fleet.options());
            if fleet::applies(&context, &targets) {
                fleet::drift::run(&context, &options, &targets).await
            } else {
                drift::run(&context, &options).await
            }
        }
        Command::Verify(args) => verify::run(&context, &args.options()).await,
        Command::Completions(args) => manual::completions(args.shell),
        Command::Man(args) => manual::man(args.dir.as_deref()),
    }
}
