//! `lma check`: the business-critical queries of `sql/checks/` run under EXPLAIN (ANALYZE,
//! BUFFERS) with pinned settings, judged against the expectations of their headers, compared with
//! a baseline, and the query indexes that no check used listed.

pub mod baseline;
pub mod catalog;
pub mod coverage;
pub mod expectation;
pub mod explain;
pub mod junit;
pub mod plan;
pub mod relations;
pub mod report;
pub mod runner;
pub mod schema;
pub mod shared;

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{bail, Context as _};
use tokio_postgres::Client;

use crate::context::Context;
use crate::db::Database;
use crate::exit::ExitStatus;
use baseline::Baseline;
use catalog::Check;
use expectation::Judging;
use relations::Relations;
use report::{CheckReport, CheckResult};
use runner::{Runs, SessionOptions, Setting};

/// A connected, prepared session: what every check of a run shares.
pub struct Session {
    pub client: Client,
    pub database: String,
    pub settings: Vec<Setting>,
    pub options: SessionOptions,
    pub unanalyzed_tables: Vec<String>,
    pub relations: Relations,
    /// The database holds the LMA schema: advice about `lma seed` and `lma_app` applies.
    pub lma_schema: bool,
}

impl Session {
    /// Connects, warns about missing statistics, and pins the settings.
    pub async fn open(context: &Context, args: &CatalogOptions) -> anyhow::Result<Self> {
        Self::open_on(context, &context.database()?, args).await
    }

    /// [`Session::open`] on the given database instead of the configured one.
    pub async fn open_on(
        context: &Context,
        database: &Database,
        args: &CatalogOptions,
    ) -> anyhow::Result<Self> {
        let mut client = database.connect().await?;
        let lma_schema = schema::is_lma(&mut client).await?;
        if args.as_app_role && !lma_schema {
            bail!(
                "--as-app-role runs the checks as lma_app under the row-level security of the \
                 LMA schema, and {} does not hold it (its migration history does not start with \
                 LMA's V1)",
                database.describe()
            );
        }
        let unanalyzed_tables = coverage::unanalyzed_tables(&client).await?;
        if !unanalyzed_tables.is_empty() {
            let fix = if lma_schema {
                "Run `lma seed` or ANALYZE first."
            } else {
                "Load them and run ANALYZE first."
            };
            context.progress.warn(&format!(
                "NO STATISTICS for {}: the tables were never analyzed or are empty, and plans on \
                 them prove nothing. {fix}",
                unanalyzed_tables.join(", ")
            ));
        }
        let options = session_options(context, args);
        let settings = runner::prepare_session(&client, &options).await?;
        // After the settings: a search_path among them decides which table a name is.
        let relations = Relations::load(&client).await?;
        Ok(Self {
            client,
            database: database.describe(),
            settings,
            options,
            unanalyzed_tables,
            relations,
            lma_schema,
        })
    }

    /// The check's parameter samples; none is an error, with advice that fits the schema.
    pub async fn samples(&self, check: &Check) -> anyhow::Result<Vec<Vec<Option<String>>>> {
        let samples = runner::samples(&self.client, check).await?;
        if samples.is_empty() {
            let hint = if self.lma_schema {
                "is the database seeded? `lma seed`"
            } else {
                "are its tables loaded?"
            };
            bail!(
                "check {}: the params query returned no rows ({hint})",
                check.name
            );
        }
        Ok(samples)
    }

    /// `owner` or `app_role`, as the report says.
    #[must_use]
    pub fn mode(&self) -> &'static str {
        if self.options.as_app_role {
            "app_role"
        } else {
            "owner"
        }
    }
}

/// Where the checks come from and how their session is set up (`check`, `explain`, `advise`).
#[derive(Debug, Clone, Default)]
pub struct CatalogOptions {
    /// A directory of check files instead of the catalog built into lma.
    pub checks: Option<PathBuf>,
    /// Run as `lma_app` under row-level security.
    pub as_app_role: bool,
    /// Planner settings pinned on top of `[check.settings]`.
    pub settings: Vec<(String, String)>,
}

/// What `lma check` is asked to do, with flags already put over `[check]`.
#[derive(Debug, Clone)]
pub struct Options {
    pub catalog: CatalogOptions,
    /// Only these checks; empty means all, and coverage is reported.
    pub only: Vec<String>,
    pub runs: Runs,
    pub judging: Judging,
    pub junit: Option<PathBuf>,
    pub save_baseline: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    /// Allowed buffer growth over the baseline, in percent.
    pub buffers_tolerance: f64,
    pub require_coverage: bool,
}

fn session_options(context: &Context, args: &CatalogOptions) -> SessionOptions {
    let config = &context.config.check;
    let mut settings: Vec<(String, String)> = config
        .settings
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    settings.extend(args.settings.iter().cloned());
    SessionOptions {
        jit: config.jit,
        max_parallel_workers_per_gather: config.max_parallel_workers_per_gather,
        settings,
        as_app_role: args.as_app_role,
    }
}

/// The catalog: `--checks DIR`, else the one built into lma.
pub fn load(args: &CatalogOptions) -> anyhow::Result<Vec<Check>> {
    match &args.checks {
        Some(dir) => catalog::from_dir(dir),
        None => catalog::embedded(),
    }
}

/// Runs `lma check`.
pub async fn run(context: &Context, args: &Options) -> anyhow::Result<ExitStatus> {
    let checks = catalog::select(load(&args.catalog)?, &args.only)?;
    let session = Session::open(context, &args.catalog).await?;
    let (runs, judging) = (args.runs, args.judging);
    let mut results = run_checks(context, &session, &checks, runs, judging).await?;
    if let Some(path) = &args.save_baseline {
        Baseline::of(&results).save(path)?;
    }
    if let Some(path) = &args.baseline {
        Baseline::load(path)?.compare(&mut results, args.buffers_tolerance);
    }
    let coverage = if args.only.is_empty() {
        let used = used_indexes(&results, &session.relations);
        // Another catalog judges its own tables, not every index of the database.
        let scope = args
            .catalog
            .checks
            .is_some()
            .then(|| read_tables(&results, &session.relations));
        let required = args.require_coverage;
        let small = session.relations.small_tables(judging.min_table_pages);
        Some(coverage::coverage(&session.client, &used, required, scope.as_ref(), &small).await?)
    } else {
        None
    };
    let report = report_of(&session, runs, judging, results, coverage);
    let report = CheckReport {
        baseline: args.baseline.as_ref().map(|p| p.display().to_string()),
        ..report
    };
    if let Some(path) = &args.junit {
        junit::write(&report, path)?;
    }
    context.emit(&report)?;
    Ok(ExitStatus::findings_if(report.has_findings()))
}

/// The measured runs per check in `lma demo`: each of the (at most three) samples once.
pub const DEMO_RUNS: Runs = Runs {
    warmup: 1,
    iterations: 3,
};

/// `lma check` as `lma demo` runs it on its seeded database: the embedded catalog, few runs,
/// latency budgets not judged (a shared machine makes p95 noise), coverage required. Before it
/// returns, the session's index scans are flushed to the statistics, so that `lma indexes` right
/// after sees the indexes the checks used.
pub async fn demo(context: &Context, database: &Database) -> anyhow::Result<CheckReport> {
    let args = CatalogOptions::default();
    let checks = catalog::embedded()?;
    let session = Session::open_on(context, database, &args).await?;
    let judging = Judging {
        latency: false,
        min_table_pages: context.config.check.min_table_pages,
    };
    let results = run_checks(context, &session, &checks, DEMO_RUNS, judging).await?;
    let used = used_indexes(&results, &session.relations);
    let small = session.relations.small_tables(judging.min_table_pages);
    let coverage = Some(coverage::coverage(&session.client, &used, true, None, &small).await?);
    flush_statistics(&session.client).await?;
    Ok(report_of(&session, DEMO_RUNS, judging, results, coverage))
}

/// Makes this backend's pending statistics visible to other sessions now (PostgreSQL 15+; older
/// servers flush them within a second or two on their own).
async fn flush_statistics(client: &Client) -> anyhow::Result<()> {
    let version: i32 = client
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .await
        .context("cannot read the server version")?
        .try_get(0)?;
    if version >= 150_000 {
        client
            .batch_execute("SELECT pg_stat_force_next_flush()")
            .await
            .context("cannot flush the index statistics")?;
    }
    Ok(())
}

fn report_of(
    session: &Session,
    runs: Runs,
    judging: Judging,
    results: Vec<CheckResult>,
    coverage: Option<coverage::Coverage>,
) -> CheckReport {
    let failed = results.iter().filter(|r| !r.passed).count();
    CheckReport {
        database: session.database.clone(),
        mode: session.mode(),
        settings: session.settings.clone(),
        warmup: runs.warmup,
        iterations: runs.iterations,
        latency_judged: judging.latency,
        min_table_pages: judging.min_table_pages,
        unanalyzed_tables: session.unanalyzed_tables.clone(),
        passed: results.len() - failed,
        failed,
        checks: results,
        coverage,
        baseline: None,
    }
}

async fn run_checks(
    context: &Context,
    session: &Session,
    checks: &[Check],
    runs: Runs,
    judging: Judging,
) -> anyhow::Result<Vec<CheckResult>> {
    let bar = context.progress.bar(checks.len() as u64, "check");
    let mut results = Vec::with_capacity(checks.len());
    for check in checks {
        bar.set_message(check.name.clone());
        let samples = session.samples(check).await?;
        let measurement = runner::measure(
            &session.client,
            check,
            samples,
            runs,
            session.options.as_app_role,
        )
        .await?;
        let result = CheckResult::judge(check, &measurement, &session.relations, judging);
        context
            .progress
            .detail(&format!("{}: {}", result.name, result.plan));
        results.push(result);
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(results)
}

/// The tables the plans read, with the partitioned tables of the partitions they read.
fn read_tables(results: &[CheckResult], relations: &Relations) -> BTreeSet<String> {
    results
        .iter()
        .flat_map(|r| r.tables.iter())
        .flat_map(|t| std::iter::once(t).chain(relations.ancestors(t)))
        .cloned()
        .collect()
}

/// The indexes the plans read, with the partitioned indexes they are partitions of: a parent
/// index is used when one of its partitions' indexes was.
fn used_indexes(results: &[CheckResult], relations: &Relations) -> BTreeSet<String> {
    results
        .iter()
        .flat_map(|r| r.indexes.iter())
        .flat_map(|i| std::iter::once(&i.index).chain(relations.ancestors(&i.index)))
        .cloned()
        .collect()
}

/// A recorded plan of `tests/fixtures/plans/`, by file stem: real EXPLAIN (ANALYZE, BUFFERS,
/// FORMAT JSON) output, so the unit tests read what PostgreSQL prints rather than hand-made JSON.
#[cfg(test)]
pub(crate) fn recorded(name: &str) -> plan::Explain {
    macro_rules! plans {
        ($($stem:literal),*) => {
            match name {
                $($stem => include_str!(concat!("../../tests/fixtures/plans/", $stem, ".json")),)*
                other => panic!("no recorded plan {other:?}"),
            }
        };
    }
    let text = plans!(
        "bitmap_misestimate",
        "disk_sort",
        "index_only_aggregate",
        "index_scan_under_limit",
        "nested_loop_view",
        "seq_scan_sort"
    );
    plan::parse(&serde_json::from_str(text).unwrap()).unwrap()
}
