//! `lma demo`: the whole product on a throwaway PostgreSQL, started and removed by lma itself.

use anyhow::Context as _;
use serde::Serialize;

use crate::cli::DemoArgs;
use crate::context::Context;
use crate::db::Database;
use crate::exit::ExitStatus;
use crate::migrate::source::MigrationSet;
use crate::migrate::status::StatusReport;
use crate::migrate::{self, MigrateReport};
use crate::output::{Block, Report};
use crate::sandbox::Sandbox;
use crate::seed::plan::Scale;
use crate::seed::report::SeedReport;
use crate::seed::{self, Options};

/// The throwaway server the demo ran on.
#[derive(Debug, Serialize)]
pub struct Server {
    pub version: String,
    pub port: u16,
    pub bin_dir: String,
}

/// The report of `lma demo`: each step's own report, in order.
#[derive(Debug, Serialize)]
pub struct DemoReport {
    pub server: Server,
    pub migrate: MigrateReport,
    pub status: StatusReport,
    /// `lma seed --scale small` on the freshly migrated database.
    pub seed: SeedReport,
}

impl Report for DemoReport {
    fn human(&self) -> Vec<Block> {
        let mut blocks = vec![Block::Line(format!(
            "PostgreSQL {} on port {} (binaries in {})",
            self.server.version, self.server.port, self.server.bin_dir
        ))];
        blocks.push(Block::Heading("== lma migrate".into()));
        blocks.extend(self.migrate.human());
        blocks.push(Block::Heading("== lma status".into()));
        blocks.extend(self.status.human());
        blocks.push(Block::Heading("== lma seed --scale small".into()));
        blocks.extend(self.seed.human());
        blocks
    }
}

/// Runs `lma demo`.
pub async fn run(context: &Context, args: &DemoArgs) -> anyhow::Result<ExitStatus> {
    context
        .progress
        .note(None, "starting a throwaway PostgreSQL cluster");
    let mut sandbox = tokio::task::spawn_blocking(Sandbox::start)
        .await
        .context("the cluster start-up task failed")??;
    if args.keep {
        sandbox.keep()?;
        context.progress.note(
            None,
            &format!("the cluster will be kept in {}", sandbox.dir().display()),
        );
    }
    let report = run_steps(context, &sandbox).await;
    tokio::task::spawn_blocking(move || sandbox.stop())
        .await
        .context("the cluster shut-down task failed")??;
    let report = report?;
    context.emit(&report)?;
    Ok(ExitStatus::findings_if(report.status.has_findings()))
}

async fn run_steps(context: &Context, sandbox: &Sandbox) -> anyhow::Result<DemoReport> {
    // The sandbox URL says everything; the caller's PG* variables must not leak into it.
    let no_env = |_: &str| None;
    let admin = Database::resolve(Some(&sandbox.url("postgres")), &no_env, None)?;
    let client = admin.connect().await?;
    client
        .batch_execute("CREATE DATABASE lma")
        .await
        .context("cannot create the demo database")?;
    let version: String = client
        .query_one("SHOW server_version", &[])
        .await?
        .try_get(0)?;
    let database = admin.with_dbname("lma");
    let mut client = database.connect().await?;
    let set = MigrationSet::embedded();
    let migrate = migrate::apply(
        &mut client,
        &set,
        None,
        &context.progress,
        database.describe(),
    )
    .await?;
    let status = StatusReport::read(&mut client, &set, database.describe()).await?;
    let options = Options {
        scale: Some(Scale::Small),
        leads: Scale::Small.leads(),
        seed: seed::DEFAULT_SEED,
        truncate: false,
    };
    let seed = seed::seed(&database, &options, &context.progress).await?;
    let server = Server {
        version,
        port: sandbox.port(),
        bin_dir: sandbox.bin_dir().display().to_string(),
    };
    Ok(DemoReport {
        server,
        migrate,
        status,
        seed,
    })
}
