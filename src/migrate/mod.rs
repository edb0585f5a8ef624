//! `lma migrate`: apply pending migrations in refinery's format, one at a time, safely on a live
//! database: one runner at a time (advisory lock), a clean session before every migration,
//! bounded lock waits with retries, statements outside a transaction where `CREATE INDEX
//! CONCURRENTLY` needs it, refusals before anything runs, and a dry run.
//!
//! refinery gives the migration files' names, versions and checksums and the history table's
//! format; lma runs the loop itself, because refinery's runner sends a migration as one string
//! and decides nothing per statement, and this module needs a say at each one.

pub mod baseline;
pub mod contention;
pub mod dry_run;
pub mod executor;
pub mod failure;
pub mod history;
pub mod lock;
pub mod policy;
pub mod script;
pub mod session;
pub mod source;
pub mod statements;
pub mod status;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{anyhow, bail};
use indicatif::ProgressBar;
use refinery::Migration;
use serde::Serialize;

use crate::context::Context;
use crate::db::Database;
use crate::exit::ExitStatus;
use crate::output::{Block, Report, Table};
use crate::progress::Progress;
use dry_run::DryRunReport;
use executor::Executor;
use history::History;
use lock::MigrationLock;
use policy::Policy;
use script::Script;
use session::Session;
use source::MigrationSet;
use status::{State, StatusReport};

/// One migration that was applied by this run.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub version: i64,
    pub name: String,
    pub milliseconds: u64,
    /// 1 unless lock timeouts made lma retry.
    pub attempts: u32,
    /// False for `-- lma:no-transaction` migrations.
    pub transactional: bool,
    /// Invalid indexes left by an earlier failed `CREATE INDEX CONCURRENTLY`, dropped and rebuilt.
    pub rebuilt_indexes: Vec<String>,
    /// What lma changed about the file's text (a dropped `BEGIN … COMMIT` wrapper).
    pub notes: Vec<String>,
}

/// A pending migration, read and accepted before anything runs.
pub struct Planned<'a> {
    pub migration: &'a Migration,
    pub script: Script,
}

/// The report of `lma migrate`.
#[derive(Debug, Serialize)]
pub struct MigrateReport {
    pub database: String,
    pub applied: Vec<Applied>,
    /// The newest applied version after this run.
    pub current_version: Option<i64>,
    /// The `--target` version, if one was given.
    pub target: Option<i64>,
    /// True when a stop request ended the run at a migration boundary before all were applied.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub stopped: bool,
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
            notes.extend(m.notes.iter().cloned());
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

/// What `lma migrate` on one database is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// A directory of `V<N>__<NAME>.sql` files instead of the embedded LMA schema.
    pub migrations: Option<PathBuf>,
    /// Stop after this version.
    pub up_to: Option<i64>,
    /// Apply in one transaction and roll back.
    pub dry_run: bool,
    pub policy: Policy,
}

/// Runs `lma migrate`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<ExitStatus> {
    let set = MigrationSet::load(
        options.migrations.as_deref(),
        &context.config.migrate.ignore,
    )?;
    let database = context.database()?;
    let migrator = Migrator::new(&set, options.policy, &context.progress);
    if options.dry_run {
        let report = migrator.dry_run(&database, options.up_to).await?;
        context.emit(&report)?;
        return Ok(ExitStatus::findings_if(report.has_failures()));
    }
    let report = migrator.apply(&database, options.up_to).await?;
    context.emit(&report)?;
    Ok(ExitStatus::Success)
}

/// Applies a migration set under a policy.
pub struct Migrator<'a> {
    set: &'a MigrationSet,
    policy: Policy,
    progress: &'a Progress,
    stop: Option<Arc<AtomicBool>>,
    bar: Option<ProgressBar>,
}

impl<'a> Migrator<'a> {
    #[must_use]
    pub fn new(set: &'a MigrationSet, policy: Policy, progress: &'a Progress) -> Self {
        Self {
            set,
            policy,
            progress,
            stop: None,
            bar: None,
        }
    }

    /// Checks `stop` before each migration: once it is set, the run ends at that boundary
    /// (the migration in flight finishes) and the report says `stopped`. The fleet uses it to
    /// stop every target when one fails.
    #[must_use]
    pub fn with_stop(mut self, stop: Arc<AtomicBool>) -> Self {
        self.stop = Some(stop);
        self
    }

    /// Draws progress on this bar (one of a set) instead of a bar of its own.
    #[must_use]
    pub fn with_bar(mut self, bar: ProgressBar) -> Self {
        self.bar = Some(bar);
        self
    }

    fn stop_requested(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|stop| stop.load(Ordering::SeqCst))
    }

    /// Takes the migration lock, then applies the pending migrations up to `target`, each in
    /// its own transaction unless marked otherwise.
    ///
    /// Refuses to start when the history does not match the files (divergent, missing or out
    /// of order), because applying more on top of an unknown state is how schemas drift, and
    /// when a pending migration holds what the safety model cannot run (script.rs).
    pub async fn apply(
        &self,
        database: &Database,
        target: Option<i64>,
    ) -> anyhow::Result<MigrateReport> {
        let lock = self.lock(database).await?;
        let session = Session::open(database, &self.policy).await?;
        let history = History::locate(&session.client).await?;
        let planned = self.plan(&session, &history, target, database).await?;
        if let Some(last) = planned.last() {
            history
                .prepare(&session.client, last.migration.version())
                .await?;
            if session.read_only {
                bail!(
                    "cannot migrate {}: it is read-only (default_transaction_read_only is on for the database or the role); nothing was applied",
                    database.describe()
                );
            }
        }
        let bar = match &self.bar {
            Some(bar) => {
                bar.set_length(planned.len() as u64);
                bar.clone()
            }
            None => self.progress.bar(planned.len() as u64, "migrate"),
        };
        let mut applied = Vec::new();
        let mut stopped = false;
        for next in &planned {
            if self.stop_requested() {
                stopped = true;
                break;
            }
            bar.set_message(format!(
                "V{} {}",
                next.migration.version(),
                next.migration.name()
            ));
            let done = self
                .apply_with_retries(&lock, &session, &history, next)
                .await
                .map_err(|err| anyhow!("{err:#}; {}", so_far(&applied)))?;
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
        let current_version = history
            .applied(&session.client)
            .await?
            .iter()
            .map(Migration::version)
            .max();
        Ok(MigrateReport {
            database: database.describe(),
            applied,
            current_version,
            target,
            stopped,
        })
    }

    /// Tries the pending migrations in one transaction and rolls back.
    pub async fn dry_run(
        &self,
        database: &Database,
        target: Option<i64>,
    ) -> anyhow::Result<DryRunReport> {
        let lock = self.lock(database).await?;
        let session = Session::open(database, &self.policy).await?;
        let history = History::locate(&session.client).await?;
        let planned = self.plan(&session, &history, target, database).await?;
        let report = dry_run::run(&session, self.set, &planned, database.describe()).await?;
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

    /// The pending migrations up to `target`, each read and accepted; the first refusal stops
    /// the run before anything has changed.
    async fn plan(
        &self,
        session: &Session,
        history: &History,
        target: Option<i64>,
        database: &Database,
    ) -> anyhow::Result<Vec<Planned<'a>>> {
        let pending = self.pending(session, history, target, database).await?;
        let mut planned = Vec::new();
        for migration in pending {
            let script = Script::parse(migration.sql().unwrap_or_default()).map_err(|refusal| {
                anyhow!(
                    "refusing {} at line {}: {}; nothing was applied",
                    self.set.label(migration),
                    refusal.line,
                    refusal.message
                )
            })?;
            for note in &script.notes {
                self.progress
                    .note(None, &format!("{}: {note}", self.set.label(migration)));
            }
            planned.push(Planned { migration, script });
        }
        Ok(planned)
    }

    async fn pending(
        &self,
        session: &Session,
        history: &History,
        target: Option<i64>,
        database: &Database,
    ) -> anyhow::Result<Vec<&'a Migration>> {
        let status =
            StatusReport::read(&session.client, history, self.set, database.describe()).await?;
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
        let pending: Vec<i64> = status
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
        session: &Session,
        history: &History,
        next: &Planned<'_>,
    ) -> anyhow::Result<Applied> {
        let started = Instant::now();
        let poll = contention::poll_interval(self.policy.lock_timeout);
        let mut blockers = Vec::new();
        let mut attempt = 1;
        loop {
            // Every attempt starts from lma's settings, whatever the last one changed.
            let prelude = session.reset_sql(next.script.transactional);
            let mut executor = Executor::new(&session.client, history, lock, prelude);
            let work = executor.apply(next.migration, &next.script);
            let (outcome, seen) = contention::watch(lock.client(), session.pid, poll, work).await;
            if !seen.is_empty() {
                blockers = seen;
            }
            match outcome {
                Ok(()) => return Ok(applied(next, started, attempt, executor.rebuilt)),
                Err(err)
                    if contention::is_lock_timeout(&err) && attempt <= self.policy.lock_retries =>
                {
                    self.pause(next.migration, attempt).await;
                    attempt += 1;
                }
                Err(err) => {
                    let message = failure::describe(self.set, next.migration, &err);
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
}

/// What an error must add about the migrations this run applied before it.
fn so_far(applied: &[Applied]) -> String {
    if applied.is_empty() {
        return "nothing was applied".to_owned();
    }
    let list: Vec<String> = applied.iter().map(|a| format!("V{}", a.version)).collect();
    format!("this run applied {} before it stopped", list.join(", "))
}

fn applied(
    next: &Planned<'_>,
    started: Instant,
    attempts: u32,
    rebuilt_indexes: Vec<String>,
) -> Applied {
    Applied {
        version: next.migration.version(),
        name: next.migration.name().to_owned(),
        milliseconds: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        attempts,
        transactional: next.script.transactional,
        rebuilt_indexes,
        notes: next.script.notes.clone(),
    }
}

#[cfg(test)]
mod tests;
