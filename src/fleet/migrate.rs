//! `lma migrate` across targets: bounded parallelism, an optional canary, and a summary.
//!
//! Each target runs the single-database [`Migrator`] unchanged: its own advisory lock, history
//! check, clean sessions, lock timeouts and retries. A failure (without `--keep-going`) sets a
//! shared stop flag: targets not yet started are skipped, and running ones end at their next
//! migration boundary, so every target is left where a second run resumes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::bail;
use indicatif::{MultiProgress, ProgressBar};
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::targets::Target;
use crate::context::Context;
use crate::exit::{self, ExitStatus};
use crate::migrate::history::History;
use crate::migrate::policy::Policy;
use crate::migrate::source::MigrationSet;
use crate::migrate::Migrator;
use crate::output::{Block, Report, Table, Tone};
use crate::progress::Progress;

/// What `lma migrate` does across targets.
#[derive(Debug, Clone)]
pub struct Options {
    /// What each target's run does, as on one database.
    pub migrate: crate::migrate::Options,
    pub fleet: super::Options,
    /// `--canary`: the target migrated first, alone; its failure stops everything.
    pub canary: Option<String>,
    /// `--keep-going`: start the other targets after one failed.
    pub keep_going: bool,
}

/// Whether `lma migrate` runs across targets.
#[must_use]
pub fn applies(context: &Context, options: &Options) -> bool {
    super::applies(context, &options.fleet) || options.canary.is_some()
}

/// How one target's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Migrations were applied, up to the end (or `--target`).
    Migrated,
    /// Nothing was pending.
    UpToDate,
    /// Another target failed; this one stopped at a migration boundary.
    Stopped,
    /// Another target (or the canary) failed before this one started.
    Skipped,
    /// A migration, the lock or the history check failed; the target is at a boundary.
    Failed,
    /// No connection could be made.
    Unreachable,
}

impl Outcome {
    fn label(self) -> (&'static str, Tone) {
        match self {
            Self::Migrated => ("migrated", Tone::Good),
            Self::UpToDate => ("up to date", Tone::Good),
            Self::Stopped => ("stopped", Tone::Warn),
            Self::Skipped => ("skipped", Tone::Warn),
            Self::Failed => ("failed", Tone::Bad),
            Self::Unreachable => ("unreachable", Tone::Bad),
        }
    }

    /// Anything but migrated or up to date leaves work undone: an error (exit 2).
    fn status(self) -> ExitStatus {
        match self {
            Self::Migrated | Self::UpToDate => ExitStatus::Success,
            _ => ExitStatus::Error,
        }
    }
}

/// One target's line of the summary.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRun {
    pub name: String,
    pub groups: Vec<String>,
    /// `user@host:port/dbname`, never the password.
    pub database: String,
    /// The newest applied version before the run.
    pub from_version: Option<i64>,
    /// The newest applied version after it.
    pub to_version: Option<i64>,
    /// The versions this run applied.
    pub applied: Vec<i64>,
    pub seconds: f64,
    pub result: Outcome,
    pub error: Option<String>,
}

/// The report of `lma migrate` across targets.
#[derive(Debug, Serialize)]
pub struct FleetMigrateReport {
    /// The newest version in the files.
    pub latest_version: Option<i64>,
    pub canary: Option<String>,
    pub targets: Vec<TargetRun>,
}

impl FleetMigrateReport {
    /// The worst target's status.
    #[must_use]
    pub fn exit_status(&self) -> ExitStatus {
        let worst = self.targets.iter().map(|t| t.result.status() as u8).max();
        match worst {
            Some(0) | None => ExitStatus::Success,
            Some(1) => ExitStatus::Findings,
            Some(_) => ExitStatus::Error,
        }
    }

    fn count(&self, outcome: Outcome) -> usize {
        self.targets.iter().filter(|t| t.result == outcome).count()
    }
}

impl Report for FleetMigrateReport {
    fn human(&self) -> Vec<Block> {
        let mut table = Table::new(&["Target", "From", "To", "Applied", "Time", "Result", "Error"])
            .right_aligned(&[1, 2, 3, 4]);
        for t in &self.targets {
            let (label, tone) = t.result.label();
            table.toned_row(vec![
                (t.name.clone(), Tone::Plain),
                (super::version(t.from_version), Tone::Plain),
                (super::version(t.to_version), Tone::Plain),
                (t.applied.len().to_string(), Tone::Plain),
                (format!("{:.1}s", t.seconds), Tone::Plain),
                (label.to_owned(), tone),
                (t.error.clone().unwrap_or_default(), Tone::Plain),
            ]);
        }
        let counts: Vec<String> = [
            Outcome::Migrated,
            Outcome::UpToDate,
            Outcome::Failed,
            Outcome::Unreachable,
            Outcome::Stopped,
            Outcome::Skipped,
        ]
        .into_iter()
        .filter(|&o| self.count(o) > 0)
        .map(|o| format!("{} {}", self.count(o), o.label().0))
        .collect();
        let summary = format!(
            "{} targets, latest {}: {}",
            self.targets.len(),
            super::version(self.latest_version),
            counts.join(", ")
        );
        vec![Block::Table(table), Block::Line(summary)]
    }
}

/// Runs `lma migrate` across targets; the exit status is the worst target's.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<ExitStatus> {
    let run = &options.migrate;
    if run.dry_run {
        bail!("--dry-run works on one database at a time; give a single --database-url");
    }
    let set = MigrationSet::load(run.migrations.as_deref(), &context.config.migrate.ignore)?;
    if let Some(wanted) = run.up_to {
        if !set.migrations().iter().any(|m| m.version() == wanted) {
            bail!("--target {wanted}: no migration has that version");
        }
    }
    let targets = super::resolve(context, &options.fleet)?;
    if let Some(canary) = &options.canary {
        if !targets.iter().any(|t| &t.name == canary) {
            bail!("--canary {canary}: no target has that name");
        }
    }
    let latest_version = set.latest_version();
    let rollout = Arc::new(Rollout {
        set,
        policy: run.policy,
        up_to: run.up_to,
        keep_going: options.keep_going,
        progress: context.progress,
        multi: context.progress.multi(),
        stop: Arc::new(AtomicBool::new(false)),
    });
    let targets = rollout
        .run(targets, options.canary.as_deref(), options.fleet.parallel)
        .await?;
    let report = FleetMigrateReport {
        latest_version,
        canary: options.canary.clone(),
        targets,
    };
    context.emit(&report)?;
    Ok(report.exit_status())
}

/// One fleet run's shared settings and stop flag.
struct Rollout {
    set: MigrationSet,
    policy: Policy,
    up_to: Option<i64>,
    keep_going: bool,
    progress: Progress,
    multi: MultiProgress,
    stop: Arc<AtomicBool>,
}

impl Rollout {
    /// The canary alone first, then the others `parallel` at a time, in the order given.
    async fn run(
        self: &Arc<Self>,
        targets: Vec<Target>,
        canary: Option<&str>,
        parallel: u16,
    ) -> anyhow::Result<Vec<TargetRun>> {
        let mut results: Vec<Option<TargetRun>> = vec![None; targets.len()];
        let (first, rest): (Vec<_>, Vec<_>) = targets
            .into_iter()
            .enumerate()
            .partition(|(_, t)| Some(t.name.as_str()) == canary);
        let mut rest = Some(rest);
        for (index, target) in first {
            let run = self.one(target).await;
            if !run.succeeded() {
                self.progress
                    .note(None, "the canary failed: no other target is started");
                for (index, target) in rest.take().unwrap_or_default() {
                    results[index] = Some(TargetRun::skipped(&target, "the canary failed"));
                }
            }
            results[index] = Some(run);
        }
        for (index, run) in self.in_parallel(rest.unwrap_or_default(), parallel).await? {
            results[index] = Some(run);
        }
        Ok(results.into_iter().flatten().collect())
    }

    /// Runs the targets `parallel` at a time; the semaphore is fair, so they start in order.
    /// Without `--keep-going`, the first failure sets the stop flag.
    async fn in_parallel(
        self: &Arc<Self>,
        targets: Vec<(usize, Target)>,
        parallel: u16,
    ) -> anyhow::Result<Vec<(usize, TargetRun)>> {
        let permits = Arc::new(Semaphore::new(usize::from(parallel)));
        let mut tasks = JoinSet::new();
        for (index, target) in targets {
            // Taken before the spawn, so that targets start in the order given.
            let permit = super::permit(&permits).await?;
            let this = Arc::clone(self);
            tasks.spawn(async move {
                let _permit = permit;
                if this.stop.load(Ordering::SeqCst) {
                    return (index, TargetRun::skipped(&target, "another target failed"));
                }
                let run = this.one(target).await;
                if !run.succeeded() && !this.keep_going {
                    this.stop.store(true, Ordering::SeqCst);
                }
                (index, run)
            });
        }
        let mut done = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            done.push(joined.map_err(|err| anyhow::anyhow!("a target's run failed: {err}"))?);
        }
        Ok(done)
    }

    /// Migrates one target with the single-database runner, and reads where it ended.
    async fn one(&self, target: Target) -> TargetRun {
        let started = Instant::now();
        let bar = self.progress.item_bar(&self.multi, &target.name);
        let mut run = TargetRun::new(&target, Outcome::Failed);
        match versions(&target).await {
            Ok(before) => self.apply(&target, &bar, before, &mut run).await,
            Err((outcome, err)) => {
                run.result = outcome;
                run.error = Some(err);
            }
        }
        self.finish(run, &bar, started)
    }

    async fn apply(
        &self,
        target: &Target,
        bar: &ProgressBar,
        before: Vec<i64>,
        run: &mut TargetRun,
    ) {
        run.from_version = before.iter().copied().max();
        // The runner's own notes would interleave across targets; the fleet reports instead.
        let quiet = Progress::new(true, 0);
        let migrator = Migrator::new(&self.set, self.policy, &quiet)
            .with_stop(Arc::clone(&self.stop))
            .with_bar(bar.clone());
        match migrator.apply(&target.database, self.up_to).await {
            Ok(report) => {
                run.applied = report.applied.iter().map(|a| a.version).collect();
                run.to_version = report.current_version;
                run.result = match (report.stopped, run.applied.is_empty()) {
                    (true, _) => Outcome::Stopped,
                    (false, true) => Outcome::UpToDate,
                    (false, false) => Outcome::Migrated,
                };
            }
            Err(err) => {
                run.error = Some(exit::one_line(&err));
                // Each migration commits with its history row, so the history says how far
                // this run got.
                let after = versions(target).await.unwrap_or_else(|_| before.clone());
                run.applied = after
                    .iter()
                    .copied()
                    .filter(|v| !before.contains(v))
                    .collect();
                run.to_version = after.iter().copied().max();
            }
        }
    }

    fn finish(&self, mut run: TargetRun, bar: &ProgressBar, started: Instant) -> TargetRun {
        run.seconds = (started.elapsed().as_secs_f64() * 10.0).round() / 10.0;
        bar.finish_and_clear();
        let (label, _) = run.result.label();
        let news = match &run.error {
            Some(error) => format!("{}: {label}: {error}", run.name),
            None => format!(
                "{}: {label}, {} applied, at {}",
                run.name,
                run.applied.len(),
                super::version(run.to_version)
            ),
        };
        self.progress.note(Some(bar), &news);
        run
    }
}

/// The applied versions of a target, on a read-only session: unreachable when no connection
/// could be made, failed when the history could not be read.
async fn versions(target: &Target) -> Result<Vec<i64>, (Outcome, String)> {
    let client = target
        .database
        .connect_read_only()
        .await
        .map_err(|err| (Outcome::Unreachable, exit::one_line(&err)))?;
    let read = async {
        let history = History::locate(&client).await?;
        history.applied(&client).await
    };
    let applied = read
        .await
        .map_err(|err| (Outcome::Failed, exit::one_line(&err)))?;
    Ok(applied.iter().map(refinery::Migration::version).collect())
}

impl TargetRun {
    fn new(target: &Target, result: Outcome) -> Self {
        Self {
            name: target.name.clone(),
            groups: target.groups.clone(),
            database: target.database.describe(),
            from_version: None,
            to_version: None,
            applied: Vec::new(),
            seconds: 0.0,
            result,
            error: None,
        }
    }

    fn skipped(target: &Target, why: &str) -> Self {
        let mut run = Self::new(target, Outcome::Skipped);
        run.error = Some(format!("not started: {why}"));
        run
    }

    fn succeeded(&self) -> bool {
        self.result.status() == ExitStatus::Success
    }
}
