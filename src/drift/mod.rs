//! `lma drift`: is the database's schema still what its migrations say? The migrations, up to
//! the version the database's history records, are applied to a scratch database (on a
//! throwaway cluster of the same major version, or `--scratch-url`); the two catalogs are then
//! compared object by object. The target is only read, in a READ ONLY transaction.

pub mod catalog;
pub mod compare;
pub mod report;
pub mod scratch;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use refinery::Migration;

use crate::context::Context;
use crate::db::Database;
use crate::exit::ExitStatus;
use crate::migrate::history::History;
use crate::migrate::policy::Policy;
use crate::migrate::source::MigrationSet;
use crate::migrate::Migrator;
use report::DriftReport;
use scratch::Scratch;

/// What `lma drift` compares with.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A `--migrations` directory instead of the embedded schema.
    pub migrations: Option<PathBuf>,
    /// A server where lma may create (and drop) the scratch database, instead of a throwaway
    /// cluster.
    pub scratch_url: Option<String>,
}

/// Runs `lma drift`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<ExitStatus> {
    let database = context.database()?;
    let report = drift(context, options, &database).await?;
    context.emit(&report)?;
    Ok(ExitStatus::findings_if(report.has_drift()))
}

/// Compares `database` with the schema its migrations make.
pub async fn drift(
    context: &Context,
    options: &Options,
    database: &Database,
) -> anyhow::Result<DriftReport> {
    let started = Instant::now();
    let set = MigrationSet::load(
        options.migrations.as_deref(),
        &context.config.migrate.ignore,
    )?;
    let target = database.connect_read_only().await?;
    let version = recorded_version(&target, &set).await?;
    let scratch_admin = scratch_admin(options)?;
    context.progress.note(
        None,
        &match &scratch_admin {
            Some(admin) => format!(
                "applying the migrations to a scratch database on {}",
                admin.describe()
            ),
            None => "starting a throwaway PostgreSQL cluster for the migrations".to_owned(),
        },
    );
    let scratch = Scratch::create(scratch_admin.as_ref(), &target).await?;
    let expected = expected_catalog(context, &set, version, &scratch.database).await;
    let removed = scratch.remove().await;
    let expected = expected?;
    removed?;
    let actual = catalog::read(&target).await?;
    let mut differences = compare::compare(&actual, &expected);
    compare::apply_ignores(&mut differences, &context.config.drift.ignore)?;
    Ok(DriftReport {
        database: database.describe(),
        version,
        objects: actual.len(),
        differences,
        milliseconds: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}

/// The server of `--scratch-url`, when given.
pub fn scratch_admin(options: &Options) -> anyhow::Result<Option<Database>> {
    options
        .scratch_url
        .as_deref()
        .map(|url| Database::resolve(Some(url), &|key| std::env::var(key).ok(), None))
        .transpose()
}

/// The newest version the database's history records; none (apply everything) without one.
pub async fn recorded_version(
    client: &tokio_postgres::Client,
    set: &MigrationSet,
) -> anyhow::Result<Option<i64>> {
    let history = History::locate(client).await?;
    let applied = history.applied(client).await?;
    let version = applied.iter().map(Migration::version).max();
    if let Some(version) = version {
        if !set.migrations().iter().any(|m| m.version() == version) {
            anyhow::bail!(
                "the database's history records V{version}, which no migration has: compare with the migrations it was built from (--migrations DIR)"
            );
        }
    }
    Ok(version)
}

/// The catalog of `scratch` once the migrations up to `version` are applied to it. Only the
/// pending ones run, so a scratch database can be read at one version after another.
pub async fn expected_catalog(
    context: &Context,
    set: &MigrationSet,
    version: Option<i64>,
    scratch: &Database,
) -> anyhow::Result<catalog::Catalog> {
    let quiet = crate::progress::Progress::new(true, 0);
    let progress = if context.progress.is_verbose() {
        &context.progress
    } else {
        &quiet
    };
    Migrator::new(set, Policy::default(), progress)
        .apply(scratch, version)
        .await
        .context("cannot apply the migrations to the scratch database")?;
    let client = scratch.connect().await?;
    catalog::read(&client).await
}
