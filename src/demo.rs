//! `lma demo`: the whole product on a throwaway PostgreSQL, started and removed by lma itself:
//! migrate, status, seed, the plan checks, and the index health report last.

use anyhow::Context as _;
use serde::Serialize;

use crate::check;
use crate::check::report::CheckReport;
use crate::context::Context;
use crate::db::Database;
use crate::exit::ExitStatus;
use crate::indexes;
use crate::indexes::findings::Kind;
use crate::indexes::report::IndexesReport;
use crate::migrate::policy::Policy;
use crate::migrate::source::MigrationSet;
use crate::migrate::status::StatusReport;
use crate::migrate::{MigrateReport, Migrator};
use crate::output::{Block, Report};
use crate::sandbox::Sandbox;
use crate::seed;
use crate::seed::plan::Scale;
use crate::seed::report::SeedReport;

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
    /// `lma check --no-latency --require-coverage` with few runs, on the seeded database.
    pub check: CheckReport,
    pub indexes: IndexesReport,
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
        blocks.push(Block::Heading(format!(
            "== lma check --no-latency --require-coverage --warmup {} --iterations {}",
            self.check.warmup, self.check.iterations
        )));
        blocks.push(Block::Line(
            "Latency budgets are not judged in the demo: on a shared machine p95 is noise; \
             run `lma check` on a quiet one."
                .into(),
        ));
        blocks.extend(self.check.human());
        blocks.push(Block::Heading("== lma indexes".into()));
        blocks.extend(self.indexes.human());
        blocks
    }
}

/// Runs `lma demo`; `keep` keeps the cluster's directory for inspection.
pub async fn run(context: &Context, keep: bool) -> anyhow::Result<ExitStatus> {
    context
        .progress
        .note(None, "starting a throwaway PostgreSQL cluster");
    let mut sandbox = tokio::task::spawn_blocking(Sandbox::start)
        .await
        .context("the cluster start-up task failed")??;
    if keep {
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
    Ok(ExitStatus::findings_if(
        report.status.has_findings() || report.check.has_findings() || report.indexes.fails(),
    ))
}

async fn run_steps(context: &Context, sandbox: &Sandbox) -> anyhow::Result<DemoReport> {
    let (database, version) = create_database(sandbox).await?;
    let set = MigrationSet::embedded();
    let migrator = Migrator::new(&set, Policy::default(), &context.progress);
    let migrate = migrator.apply(&database, None).await?;
    let client = database.connect().await?;
    let status = StatusReport::of(&client, &set, database.describe()).await?;
    let options = seed::Options {
        scale: Some(Scale::Small),
        leads: Scale::Small.leads(),
        seed: seed::DEFAULT_SEED,
        // Today, as `lma seed` defaults to: the checks' recent time windows need rows.
        anchor: seed::world::today(),
        truncate: false,
        allow_pending: false,
    };
    let seed = seed::seed(&database, &options, &context.progress).await?;
    let check = check::demo(context, &database).await?;
    let indexes = index_report(context, &database, client).await?;
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
        check,
        indexes,
    })
}

/// Creates the demo database; returns it and the server's version.
async fn create_database(sandbox: &Sandbox) -> anyhow::Result<(Database, String)> {
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
    Ok((admin.with_dbname("lma"), version))
}

async fn index_report(
    context: &Context,
    database: &Database,
    client: tokio_postgres::Client,
) -> anyhow::Result<IndexesReport> {
    let options = indexes::Options {
        schemas: Vec::new(),
        fail_on: Kind::ALL.to_vec(),
        thresholds: context.config.indexes.clone(),
    };
    let primary = indexes::Server {
        name: database.describe(),
        client,
    };
    indexes::read(&primary, &[], &options, &context.progress).await
}
