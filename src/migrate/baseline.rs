//! `lma baseline VERSION`: adopt a database that was built another way (by hand, by another
//! tool, from a dump) by recording the migrations up to VERSION as applied without running them,
//! as Flyway's `baseline` does. Refused when the history already has rows.

use anyhow::{bail, Context as _};
use serde::Serialize;

use super::history::History;
use super::lock::MigrationLock;
use super::policy::Policy;
use super::session::Session;
use super::source::MigrationSet;
use crate::context::Context;
use crate::exit::ExitStatus;
use crate::output::{Block, Report, Table};

/// One migration recorded without being run.
#[derive(Debug, Serialize)]
pub struct Recorded {
    pub version: i64,
    pub name: String,
}

/// The report of `lma baseline`.
#[derive(Debug, Serialize)]
pub struct BaselineReport {
    pub database: String,
    pub history: String,
    pub recorded: Vec<Recorded>,
}

impl Report for BaselineReport {
    fn human(&self) -> Vec<Block> {
        let mut table = Table::new(&["Version", "Name"]).right_aligned(&[0]);
        for m in &self.recorded {
            table.row([m.version.to_string(), m.name.clone()]);
        }
        let summary = format!(
            "{}: recorded {} migrations as applied in {}, without running them",
            self.database,
            self.recorded.len(),
            self.history
        );
        vec![Block::Table(table), Block::Line(summary)]
    }
}

/// What `lma baseline` is asked to record.
#[derive(Debug, Clone)]
pub struct Options {
    /// The newest version the database already has.
    pub up_to: i64,
    pub migrations: Option<std::path::PathBuf>,
    pub policy: Policy,
}

/// Runs `lma baseline`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<ExitStatus> {
    let set = MigrationSet::load(
        options.migrations.as_deref(),
        &context.config.migrate.ignore,
    )?;
    let up_to = options.up_to;
    if !set.migrations().iter().any(|m| m.version() == up_to) {
        bail!("baseline {up_to}: no migration has that version");
    }
    let database = context.database()?;
    let policy = options.policy;
    let lock = MigrationLock::acquire(&database, policy.wait_timeout, &context.progress).await?;
    let session = Session::open(&database, &policy).await?;
    let history = History::locate(&session.client).await?;
    let recorded = record(&session, &history, &set, up_to).await?;
    lock.release().await?;
    context.emit(&BaselineReport {
        database: database.describe(),
        history: history.name(),
        recorded,
    })?;
    Ok(ExitStatus::Success)
}

async fn record(
    session: &Session,
    history: &History,
    set: &MigrationSet,
    version: i64,
) -> anyhow::Result<Vec<Recorded>> {
    let client = &session.client;
    let applied = history.applied(client).await?;
    if let Some(last) = applied.last() {
        bail!(
            "refusing to baseline: {} already records {} migrations (up to V{}); baseline is for a database with no lma history",
            history.name(),
            applied.len(),
            last.version()
        );
    }
    history.prepare(client, version).await?;
    let chosen: Vec<_> = set
        .migrations()
        .iter()
        .filter(|m| m.version() <= version)
        .collect();
    client.batch_execute("BEGIN").await?;
    for migration in &chosen {
        history
            .record(client, migration)
            .await
            .with_context(|| format!("cannot record V{}", migration.version()))?;
    }
    client.batch_execute("COMMIT").await?;
    Ok(chosen
        .iter()
        .map(|m| Recorded {
            version: m.version(),
            name: m.name().to_owned(),
        })
        .collect())
}
