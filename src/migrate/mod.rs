//! `lma migrate`: apply pending migrations through refinery, one at a time, safely on a live
//! database: one runner at a time (advisory lock), bounded lock waits with retries, statements
//! outside a transaction where `CREATE INDEX CONCURRENTLY` needs it, and a dry run.

pub mod contention;
pub mod dry_run;
pub mod executor;
pub mod failure;
pub mod history;
pub mod lock;
pub mod policy;
pub mod source;
pub mod statements;
pub mod status;

use std::time::Instant;

use anyhow::{bail, Context as _};
use refinery::{Migration, Runner, Target};
use serde::Serialize;
use tokio_postgres::Client;

use crate::cli::MigrateArgs;
use crate::context::Context;
use crate::db::Database;
use crate::exit::ExitStatus;
use crate::output::{Block, Report, Table};
use crate::progress::Progress;
use dry_run::DryRunReport;
use executor::Executor;
use lock::MigrationLock;
use policy::Policy;
use source::MigrationSet;
use status::{State, StatusReport};

/// Stops the server-side work of a killed `lma` quickly (PostgreSQL 14+), instead of letting an
/// orphaned migration run on holding its locks.
const SESSION_SQL: &str = "SELECT set_config('client_connection_check_interval', '1s', false)
    WHERE current_setting('server_version_num')::int >= 140000";

/// One migration that was applied by this run.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub version: i32,
    pub name: String,
    pub milliseconds: u64,
    /// 1 unless lock timeouts made lma retry.
    pub attempts: u32,
    /// False for `-- lma:no-transaction` migrations.
    pub transactional: bool,
    /// Invalid indexes left by an earlier failed `CREATE INDEX CONCURRENTLY`, dropped and rebuilt.
    pub rebuilt_indexes: Vec<String>,
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
        let mut table =
            Table::new(&["Version", "Name", "ms", "Attempts", "Notes"]).right_aligned(&[0, 2, 3]);
        for m in &self.applied {
            let mut notes = Vec::new();
            if !m.transactional {
                notes.push("no transaction".to_owned());
            }
            notes.extend(
                m.rebuilt_indexes
                    .iter()
                    .map(|index| format!("rebuilt invalid {index}")),
            );
            table.row([
                m.version.to_string(),
                m.name.clone(),
                m.milliseconds.to_string(),
                m.attempts.to_string(),
                notes.join("; "),
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
    let policy = Policy::resolve(&args.policy, &context.config.migrate);
    let migrator = Migrator::new(&set, policy, &context.progress);
    if args.dry_run {
        let report = migrator.dry_run(&database, args.target).await?;
        context.emit(&report)?;
        return Ok(ExitStatus::findings_if(report.has_failures()));
    }
    let report = migrator.apply(&database, args.target).await?;
    context.emit(&report)?;
    Ok(ExitStatus::Success)
}

/// Applies a migration set under a policy.
pub struct Migrator<'a> {
    set: &'a MigrationSet,
    policy: Policy,
    progress: &'a Progress,
}

impl<'a> Migrator<'a> {
    #[must_use]
    pub fn new(set: &'a MigrationSet, policy: Policy, progress: &'a Progress) -> Self {
        Self {
            set,
            policy,
            progress,
        }
    }

    /// Takes the migration lock, then applies the pending migrations up to `target`, each in
    /// its own transaction unless marked otherwise.
    ///
    /// Refuses to start when the history does not match the files (divergent, missing or out
    /// of order), because applying more on top of an unknown state is how schemas drift.
    pub async fn apply(
        &self,
        database: &Database,
        target: Option<i32>,
    ) -> anyhow::Result<MigrateReport> {
        let lock = self.lock(database).await?;
        let (mut client, pid) = self.session(database).await?;
        let pending = self.pending(&mut client, target, database).await?;
        let bar = self.progress.bar(pending.len() as u64, "migrate");
        let mut applied = Vec::new();
        for migration in pending {
            bar.set_message(format!("V{} {}", migration.version(), migration.name()));
            let done = self
                .apply_with_retries(&lock, &mut client, pid, migration)
                .await?;
            let message = format!(
                "applied V{} {} in {} ms",
                done.version, done.name, done.milliseconds
            );
            self.progress.note(Some(&bar), &message);
            applied.push(done);
            bar.inc(1);
        }
        bar.finish_and_clear();
        lock.release().await?;
        let current_version = history::applied(&mut client)
            .await?
            .iter()
            .map(Migration::version)
            .max();
        Ok(MigrateReport {
            database: database.describe(),
            applied,
            current_version,
            target,
        })
    }

    /// Tries the pending migrations in one transaction and rolls back.
    pub async fn dry_run(
        &self,
        database: &Database,
        target: Option<i32>,
    ) -> anyhow::Result<DryRunReport> {
        let lock = self.lock(database).await?;
        let (mut client, _) = self.session(database).await?;
        let pending = self.pending(&mut client, target, database).await?;
        let report = dry_run::run(&mut client, self.set, &pending, database.describe()).await?;
        lock.release().await?;
        Ok(report)
    }

    async fn lock(&self, database: &Database) -> anyhow::Result<MigrationLock> {
        self.progress.detail(&format!(
            "{}: taking the migration lock",
            database.describe()
        ));
        let lock =
            MigrationLock::acquire(database, self.policy.wait_timeout, self.progress).await?;
        let policy = &self.policy;
        self.progress.detail(&format!(
            "lock held; lock_timeout {:?}, {} retries, statement_timeout {:?}",
            policy.lock_timeout, policy.lock_retries, policy.statement_timeout
        ));
        Ok(lock)
    }

    async fn session(&self, database: &Database) -> anyhow::Result<(Client, i32)> {
        let client = database.connect().await?;
        let settings = format!("{} {SESSION_SQL}", self.policy.session_sql());
        client
            .batch_execute(&settings)
            .await
            .context("cannot set the migration session's timeouts")?;
        let pid = client
            .query_one("SELECT pg_backend_pid()", &[])
            .await?
            .try_get(0)?;
        Ok((client, pid))
    }

    async fn pending(
        &self,
        client: &mut Client,
        target: Option<i32>,
        database: &Database,
    ) -> anyhow::Result<Vec<&'a Migration>> {
        let status = StatusReport::read(client, self.set, database.describe()).await?;
        if status.has_findings() {
            bail!(
                "the history does not match the migrations ({}); run `lma status`",
                status.findings().join(", ")
            );
        }
        if let Some(target) = target {
            if !self.set.migrations().iter().any(|m| m.version() == target) {
                bail!("--target {target}: no migration has that version");
            }
        }
        let pending: Vec<i32> = status
            .migrations
            .iter()
            .filter(|e| e.state == State::Pending)
            .map(|e| e.version)
            .collect();
        Ok(self
            .set
            .migrations()
            .iter()
            .filter(|m| pending.contains(&m.version()))
            .filter(|m| target.is_none_or(|target| m.version() <= target))
            .collect())
    }

    /// Applies one migration; a lock timeout rolls it back and is retried with backoff, and
    /// when retries run out the error names the sessions that held the lock.
    async fn apply_with_retries(
        &self,
        lock: &MigrationLock,
        client: &mut Client,
        pid: i32,
        migration: &Migration,
    ) -> anyhow::Result<Applied> {
        let started = Instant::now();
        let poll = contention::poll_interval(self.policy.lock_timeout);
        let mut blockers = Vec::new();
        let mut attempt = 1;
        loop {
            let work = self.apply_once(client, migration);
            let (outcome, seen) = contention::watch(lock.client(), pid, poll, work).await;
            if !seen.is_empty() {
                blockers = seen;
            }
            match outcome {
                Ok(rebuilt) => return Ok(applied(migration, started, attempt, rebuilt)),
                Err(err)
                    if contention::is_lock_timeout(&err) && attempt <= self.policy.lock_retries =>
                {
                    self.pause(migration, attempt).await;
                    attempt += 1;
                }
                Err(err) => {
                    let message = failure::describe(self.set, migration, &err);
                    if contention::is_lock_timeout(&err) {
                        bail!(failure::with_blockers(&message, attempt, &blockers));
                    }
                    bail!(message);
                }
            }
        }
    }

    async fn pause(&self, migration: &Migration, attempt: u32) {
        let wait = Policy::backoff(attempt);
        let (version, name, retries) = (
            migration.version(),
            migration.name(),
            self.policy.lock_retries,
        );
        let news =
            format!("V{version} {name}: lock timeout, retry {attempt}/{retries} in {wait:?}");
        self.progress.note(None, &news);
        tokio::time::sleep(wait).await;
    }

    async fn apply_once(
        &self,
        client: &mut Client,
        migration: &Migration,
    ) -> Result<Vec<String>, refinery::Error> {
        let mut executor = Executor::new(client);
        Runner::new(self.set.migrations())
            .set_target(Target::Version(migration.version()))
            .set_abort_divergent(true)
            .set_abort_missing(true)
            .run_async(&mut executor)
            .await?;
        Ok(executor.rebuilt)
    }
}

fn applied(
    migration: &Migration,
    started: Instant,
    attempts: u32,
    rebuilt_indexes: Vec<String>,
) -> Applied {
    Applied {
        version: migration.version(),
        name: migration.name().to_owned(),
        milliseconds: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        attempts,
        transactional: !statements::is_no_transaction(migration.sql().unwrap_or_default()),
        rebuilt_indexes,
    }
}
