//! `lma migrate --dry-run`: apply the pending migrations inside one transaction and roll back.
//! PostgreSQL's DDL is transactional, so this proves they would apply, and changes nothing.
//!
//! Why it cannot commit: lma never sends COMMIT; the migrations were refused up front if they
//! hold any transaction control (script.rs); each statement goes alone through the extended
//! protocol, where the server refuses a second command in one request; inside a transaction
//! block neither DO nor CALL may commit; and, should the transaction end anyway, the session's
//! default is read-only, so nothing after it could write, and the transaction-id check after
//! each migration stops the run.

use serde::Serialize;
use tokio_postgres::Client;

use super::executor::{at, run_statement, still_in, transaction_id, ExecError};
use super::failure;
use super::session::Session;
use super::source::MigrationSet;
use super::statements::{leading_words, Statement};
use super::Planned;
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
    pub version: i64,
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
    session: &Session,
    set: &MigrationSet,
    pending: &[Planned<'_>],
    database: String,
) -> anyhow::Result<DryRunReport> {
    let client = &session.client;
    client.batch_execute("BEGIN READ WRITE").await?;
    let xid = transaction_id(client).await?;
    let mut migrations = Vec::new();
    let mut stopped = false;
    for planned in pending {
        let (outcome, error) = if stopped {
            (Outcome::NotReached, None)
        } else if planned.script.transactional {
            try_one(session, set, planned, xid).await?
        } else {
            (Outcome::NotVerifiable, None)
        };
        stopped |= outcome != Outcome::Ok;
        migrations.push(Entry {
            version: planned.migration.version(),
            name: planned.migration.name().to_owned(),
            outcome,
            error,
        });
    }
    if transaction_id(client).await? != xid {
        anyhow::bail!("the dry run's transaction ended before its rollback; run `lma status`");
    }
    client.batch_execute("ROLLBACK").await?;
    Ok(DryRunReport {
        database,
        migrations,
    })
}

async fn try_one(
    session: &Session,
    set: &MigrationSet,
    planned: &Planned<'_>,
    xid: i64,
) -> anyhow::Result<(Outcome, Option<String>)> {
    let client = &session.client;
    client.batch_execute("SAVEPOINT lma_dry_run").await?;
    // Each migration starts from lma's settings, as in a real run; the read-only default makes
    // anything after an escaped COMMIT fail instead of writing.
    session.reset(true).await?;
    match statements(client, &planned.script.statements, xid).await {
        Ok(()) => Ok((Outcome::Ok, None)),
        Err(err) => {
            client
                .batch_execute("ROLLBACK TO SAVEPOINT lma_dry_run")
                .await?;
            let error = failure::describe(set, planned.migration, &err);
            Ok((Outcome::Failed, Some(error)))
        }
    }
}

async fn statements(client: &Client, list: &[Statement], xid: i64) -> Result<(), ExecError> {
    for statement in list {
        // The dry run's one transaction has run queries already, so PostgreSQL would refuse a
        // migration's opening `SET TRANSACTION …`; its isolation level changes no DDL's outcome.
        if leading_words(&statement.text).starts_with(&["SET".to_owned(), "TRANSACTION".to_owned()])
        {
            continue;
        }
        run_statement(client, statement)
            .await
            .map_err(at(statement))?;
    }
    still_in(client, xid).await
}
