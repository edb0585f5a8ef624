//! `lma migrate`: apply pending migrations through refinery, one at a time, recording each in
//! refinery's own history table.

pub mod history;
pub mod source;
pub mod statements;
pub mod status;

use std::time::Instant;

use anyhow::bail;
use refinery::{Migration, Runner, Target};
use serde::Serialize;
use tokio_postgres::error::ErrorPosition;
use tokio_postgres::Client;

use crate::cli::MigrateArgs;
use crate::context::Context;
use crate::exit::ExitStatus;
use crate::output::{Block, Report, Table};
use crate::progress::Progress;
use source::MigrationSet;
use status::{State, StatusReport};

/// One migration that was applied by this run.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub version: i32,
    pub name: String,
    pub milliseconds: u64,
}

/// The report of `lma migrate`.
#[derive(Debug, Serialize)]
pub struct MigrateReport {
    pub database: String,
    pub applied: Vec<Applied>,
    /// The newest applied version after this run.
    pub current_version: Option<i32>,
    /// The `--target` version, if one was given.
    pub target: Option<i32>,
}

impl Report for MigrateReport {
    fn human(&self) -> Vec<Block> {
        let at = self
            .current_version
            .map_or_else(|| "no version".to_owned(), |v| format!("V{v}"));
        if self.applied.is_empty() {
            return vec![Block::Line(format!(
                "{}: nothing to apply, at {at}",
                self.database
            ))];
        }
        let mut table = Table::new(&["Version", "Name", "ms"]).right_aligned(&[0, 2]);
        for migration in &self.applied {
            table.row([
                migration.version.to_string(),
                migration.name.clone(),
                migration.milliseconds.to_string(),
            ]);
        }
        let summary = format!(
            "{}: applied {}, now at {at}",
            self.database,
            self.applied.len()
        );
        vec![Block::Table(table), Block::Line(summary)]
    }
}

/// Runs `lma migrate`.
pub async fn run(context: &Context, args: &MigrateArgs) -> anyhow::Result<ExitStatus> {
    let set = MigrationSet::load(args.source.migrations.as_deref())?;
    let database = context.database()?;
    let mut client = database.connect().await?;
    let report = apply(
        &mut client,
        &set,
        args.target,
        &context.progress,
        database.describe(),
    )
    .await?;
    context.emit(&report)?;
    Ok(ExitStatus::Success)
}

/// Applies the pending migrations up to `target`, each in its own transaction.
///
/// Refuses to start when the history does not match the files (divergent, missing or out of
/// order), because applying more on top of an unknown state is how schemas drift.
pub async fn apply(
    client: &mut Client,
    set: &MigrationSet,
    target: Option<i32>,
    progress: &Progress,
    database: String,
) -> anyhow::Result<MigrateReport> {
    let status = StatusReport::read(client, set, database.clone()).await?;
    if status.has_findings() {
        bail!(
            "the history does not match the migrations ({}); run `lma status`",
            status.findings().join(", ")
        );
    }
    let pending = pending_up_to(set, &status, target)?;
    let bar = progress.bar(pending.len() as u64, "migrate");
    let mut applied = Vec::new();
    for migration in pending {
        bar.set_message(format!("V{} {}", migration.version(), migration.name()));
        let started = Instant::now();
        apply_one(client, set, migration).await?;
        let milliseconds = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        progress.note(
            Some(&bar),
            &format!(
                "applied V{} {} in {milliseconds} ms",
                migration.version(),
                migration.name()
            ),
        );
        applied.push(Applied {
            version: migration.version(),
            name: migration.name().to_owned(),
            milliseconds,
        });
        bar.inc(1);
    }
    bar.finish_and_clear();
    let current_version = applied.last().map(|m| m.version).or(status.current_version);
    Ok(MigrateReport {
        database,
        applied,
        current_version,
        target,
    })
}

fn pending_up_to<'a>(
    set: &'a MigrationSet,
    status: &StatusReport,
    target: Option<i32>,
) -> anyhow::Result<Vec<&'a Migration>> {
    if let Some(target) = target {
        if !set.migrations().iter().any(|m| m.version() == target) {
            bail!("--target {target}: no migration has that version");
        }
    }
    let pending: Vec<i32> = status
        .migrations
        .iter()
        .filter(|entry| entry.state == State::Pending)
        .map(|entry| entry.version)
        .collect();
    Ok(set
        .migrations()
        .iter()
        .filter(|m| pending.contains(&m.version()))
        .filter(|m| target.is_none_or(|target| m.version() <= target))
        .collect())
}

async fn apply_one(
    client: &mut Client,
    set: &MigrationSet,
    migration: &Migration,
) -> anyhow::Result<()> {
    let runner = Runner::new(set.migrations())
        .set_target(Target::Version(migration.version()))
        .set_abort_divergent(true)
        .set_abort_missing(true);
    match runner.run_async(client).await {
        Ok(_) => Ok(()),
        Err(err) => Err(failure(set, migration, &err)),
    }
}

/// Names the file and, for a database error, its SQLSTATE, message and line.
fn failure(set: &MigrationSet, migration: &Migration, err: &refinery::Error) -> anyhow::Error {
    let file = set
        .file(migration.version())
        .map_or_else(|| migration.to_string(), |path| path.display().to_string());
    let Some(db) = find_db_error(err) else {
        return anyhow::anyhow!(
            "migration {file} failed: {}",
            crate::exit::one_line(&anyhow::anyhow!("{err}"))
        );
    };
    let line = match (db.position(), migration.sql()) {
        (Some(ErrorPosition::Original(at)), Some(sql)) => format!(" at line {}", line_of(sql, *at)),
        _ => String::new(),
    };
    anyhow::anyhow!(
        "migration {file} failed{line}: {} (SQLSTATE {})",
        db.message(),
        db.code().code()
    )
}

fn find_db_error<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a tokio_postgres::error::DbError> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = cause {
        if let Some(db) = current.downcast_ref::<tokio_postgres::error::DbError>() {
            return Some(db);
        }
        cause = current.source();
    }
    None
}

/// The 1-based line of a 1-based character position, as PostgreSQL reports positions.
fn line_of(sql: &str, position: u32) -> usize {
    let before = usize::try_from(position.saturating_sub(1)).unwrap_or(usize::MAX);
    sql.chars().take(before).filter(|&c| c == '\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_map_to_lines() {
        let sql = "SELECT 1;\nSELEC 2;\n";
        assert_eq!(line_of(sql, 1), 1);
        assert_eq!(line_of(sql, 11), 2);
        assert_eq!(line_of("é\nx", 3), 2);
    }
}
