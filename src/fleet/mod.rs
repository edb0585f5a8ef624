//! Fleets: `lma migrate`, `lma status`, `lma drift` and `lma indexes` across several databases
//! (a database per tenant group or shard), each target under the single-database safety model.
//!
//! A command becomes a fleet run when `--targets FILE` is given, when `--database-url` is given
//! more than once, or when neither is given and `[fleet]` in the configuration lists targets.

pub mod drift;
pub mod indexes;
pub mod migrate;
pub mod status;
pub mod targets;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::config::TargetEntry;
use crate::context::Context;
use crate::exit::ExitStatus;
use targets::Target;

/// Which targets a fleet run works on, and how many at once.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--targets`: a TOML file of `[[target]]` entries, added to any `--database-url`.
    pub targets_file: Option<PathBuf>,
    /// `--group`: only the targets in any of these (all when empty).
    pub groups: Vec<String>,
    /// `--parallel`: how many targets are worked on at once (at least 1).
    pub parallel: u16,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            targets_file: None,
            groups: Vec::new(),
            parallel: 4,
        }
    }
}

/// Whether the command runs across targets rather than on the one database.
#[must_use]
pub fn applies(context: &Context, options: &Options) -> bool {
    options.targets_file.is_some()
        || context.database_flags.len() > 1
        || (context.database_flags.is_empty() && !context.config.fleet.targets.is_empty())
}

/// The targets of this run: every `--database-url` and the `--targets` file's entries, else
/// `[fleet]` in the configuration; narrowed by `--group`.
pub fn resolve(context: &Context, options: &Options) -> anyhow::Result<Vec<Target>> {
    let env = |key: &str| std::env::var(key).ok();
    let mut entries: Vec<TargetEntry> = context
        .database_flags
        .iter()
        .map(|url| targets::from_url(url, &env))
        .collect::<anyhow::Result<_>>()?;
    if let Some(path) = &options.targets_file {
        entries.extend(targets::read_file(path)?);
    }
    if entries.is_empty() {
        entries.clone_from(&context.config.fleet.targets);
    }
    targets::resolve(
        entries,
        &options.groups,
        &env,
        context.config.database.connect_timeout,
    )
}

/// The exit status of a fleet run that only reads, from each target's (unreachable, status):
/// 2 when no target could be reached, since nothing was looked at; else the worst target's.
fn worst_of(results: impl IntoIterator<Item = (bool, ExitStatus)>) -> ExitStatus {
    let mut reached = false;
    let mut worst = ExitStatus::Success;
    for (unreachable, status) in results {
        reached |= !unreachable;
        if status as u8 > worst as u8 {
            worst = status;
        }
    }
    if reached {
        worst
    } else {
        ExitStatus::Error
    }
}

/// Runs `work` on every target, `parallel` at a time, and gives the results in the targets'
/// order. Each permit is taken before its task is spawned, so targets start in the order given
/// (tasks waiting for a permit would reach it in whatever order the runtime polls them).
async fn each<T, F, Fut>(targets: Vec<Target>, parallel: u16, work: F) -> anyhow::Result<Vec<T>>
where
    T: Send + 'static,
    F: Fn(Target) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(usize::from(parallel.max(1))));
    let mut tasks = JoinSet::new();
    for (index, target) in targets.into_iter().enumerate() {
        let permit = permit(&permits).await?;
        let job = work(target);
        tasks.spawn(async move {
            let _permit = permit;
            (index, job.await)
        });
    }
    let mut rows = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        rows.push(joined.map_err(|err| anyhow::anyhow!("a target's task failed: {err}"))?);
    }
    rows.sort_by_key(|(index, _)| *index);
    Ok(rows.into_iter().map(|(_, row)| row).collect())
}

/// A version as the fleet tables print it: `V12`, or `-` for none.
fn version(v: Option<i64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("V{v}"))
}

/// A slot of `permits`, held until dropped.
async fn permit(permits: &Arc<Semaphore>) -> anyhow::Result<tokio::sync::OwnedSemaphorePermit> {
    Arc::clone(permits)
        .acquire_owned()
        .await
        .map_err(|err| anyhow::anyhow!("the fleet's slots are gone: {err}"))
}
