//! `lma migrate --dry-run`: apply the pending migrations inside one transaction and roll back.
//! PostgreSQL's DDL is transactional, so this proves they would apply, and changes nothing.

use refinery::Migration;
use serde::Serialize;
use tokio_postgres::Client;

use super::failure;
use super::source::MigrationSet;
use super::statements;
use crate::output::{Block, Report, Table, Tone};

/// What the dry run learned about one migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It applied, and was rolled back.
    Ok,
    /// It failed; `error` says how.
    Failed,
    /// It runs outside a transaction, so it cannot be rolled back, so it was not run; nor was
    /// anything after it, which may depend on it.
    NotVerifiable,
    /// An earlier migration failed or could not be verified, so this one was not tried.
    NotReached,
}

/// One migration's line in the dry-run report.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub version: i32,
    pub name: String,
    pub outcome: Outcome,
    pub error: Option<String>,
}

/// The report of `lma migrate --dry-run`.
#[derive(Debug, Serialize)]
pub struct DryRunReport {
    pub database: String,
    pub migrations: Vec<Entry>,
}

impl DryRunReport {
    /// Whether any migration failed: exit 1.
    #[must_use]
    pub fn has_failures(&self) -> bool {
        self.migrations
            .iter()
            .any(|entry| entry.outcome == Outcome::Failed)
    }
}

impl Report for DryRunReport {
    fn human(&self) -> Vec<Block> {
        if self.migrations.is_empty() {
            return vec![Block::Line(format!(
                "{}: dry run: nothing to apply",
                self.database
            ))];
        }
        let mut table = Table::new(&["Version", "Name", "Dry run", "Error"]).right_aligned(&[0]);
        for entry in &self.migrations {
            let (label, tone) = match entry.outcome {
                Outcome::Ok => ("ok", Tone::Good),
                Outcome::Failed => ("failed", Tone::Bad),
                Outcome::NotVerifiable => ("not verifiable", Tone::Warn),
                Outcome::NotReached => ("not reached", Tone::Warn),
            };
            table.toned_row(vec![
                (entry.version.to_string(), Tone::Plain),
                (entry.name.clone(), Tone::Plain),
                (label.to_owned(), tone),
                (entry.error.clone().unwrap_or_default(), Tone::Plain),
            ]);
        }
        let summary = format!(
            "{}: dry run rolled back; the database is unchanged",
            self.database
        );
        vec![Block::Table(table), Block::Line(summary)]
    }
}

/// Tries `pending` in one transaction, each under a savepoint, and rolls everything back.
pub async fn run(
    client: &mut Client,
    set: &MigrationSet,
    pending: &[&Migration],
    database: String,
) -> anyhow::Result<DryRunReport> {
    let transaction = client.transaction().await?;
    let mut migrations = Vec::new();
    let mut stopped: Option<Outcome> = None;
    for migration in pending {
        let sql = migration.sql().unwrap_or_default();
        let (outcome, error) = match stopped {
            Some(_) => (Outcome::NotReached, None),
            None if statements::is_no_transaction(sql) => (Outcome::NotVerifiable, None),
            None => try_one(&transaction, set, migration, sql).await?,
        };
        if outcome != Outcome::Ok {
            stopped = stopped.or(Some(outcome));
        }
        migrations.push(Entry {
            version: migration.version(),
            name: migration.name().to_owned(),
            outcome,
            error,
        });
    }
    transaction.rollback().await?;
    Ok(DryRunReport {
        database,
        migrations,
    })
}

async fn try_one(
    transaction: &tokio_postgres::Transaction<'_>,
    set: &MigrationSet,
    migration: &Migration,
    sql: &str,
) -> anyhow::Result<(Outcome, Option<String>)> {
    transaction.batch_execute("SAVEPOINT lma_dry_run").await?;
    match transaction.batch_execute(sql).await {
        Ok(()) => Ok((Outcome::Ok, None)),
        Err(err) => {
            transaction
                .batch_execute("ROLLBACK TO SAVEPOINT lma_dry_run")
                .await?;
            Ok((
                Outcome::Failed,
                Some(failure::describe(set, migration, &err)),
            ))
        }
    }
}
