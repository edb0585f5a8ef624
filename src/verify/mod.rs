//! `lma verify`: the whole CI pipeline as one report: `lint` of the pending migrations,
//! `migrate --dry-run`, `drift`, `check` (on a seeded throwaway database when the target holds
//! no data) and `indexes`. A step that fails to run is an error in the report, and the others
//! still run; the exit status is the worst step's.

pub mod report;

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use clap::ValueEnum;
use serde::Serialize;

use crate::context::Context;
use crate::db::Database;
use crate::exit::ExitStatus;
use crate::indexes::findings::Kind;
use crate::migrate::dry_run::Outcome;
use crate::migrate::policy::{Overrides, Policy};
use crate::migrate::source::MigrationSet;
use crate::migrate::Migrator;
use report::{Case, Status, StepOutcome, VerifyReport};

/// The steps, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Step {
    Lint,
    Migrate,
    Drift,
    Check,
    Indexes,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Self::Lint,
        Self::Migrate,
        Self::Drift,
        Self::Check,
        Self::Indexes,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Lint => "lint",
            Self::Migrate => "migrate",
            Self::Drift => "drift",
            Self::Check => "check",
            Self::Indexes => "indexes",
        }
    }
}

/// What `lma verify` runs and where it writes.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The steps to run; empty means all.
    pub steps: Vec<Step>,
    pub migrations: Option<PathBuf>,
    pub scratch_url: Option<String>,
    pub junit: Option<PathBuf>,
    /// The Markdown summary's file; `GITHUB_STEP_SUMMARY` when not given (appended to).
    pub summary: Option<PathBuf>,
}

/// What a step found.
struct Found {
    status: Status,
    summary: String,
    report: serde_json::Value,
    cases: Vec<Case>,
}

/// Runs `lma verify`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<ExitStatus> {
    let database = context.database()?;
    let mut steps = Vec::new();
    for step in Step::ALL {
        let started = Instant::now();
        let chosen = options.steps.is_empty() || options.steps.contains(&step);
        let outcome = if chosen {
            context
                .progress
                .note(None, &format!("verify: {}", step.name()));
            run_step(context, options, &database, step).await
        } else {
            Ok(skipped("not in --steps"))
        };
        let found = outcome.unwrap_or_else(|err| Found {
            status: Status::Error,
            summary: crate::exit::one_line(&err),
            report: serde_json::Value::Null,
            cases: Vec::new(),
        });
        steps.push(StepOutcome {
            step: step.name(),
            status: found.status,
            summary: found.summary,
            milliseconds: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            report: (!found.report.is_null()).then_some(found.report),
            cases: found.cases,
        });
    }
    let report = VerifyReport {
        database: database.describe(),
        status: VerifyReport::worst(&steps),
        steps,
    };
    write_files(&report, options)?;
    context.emit(&report)?;
    Ok(report.status.exit())
}

fn write_files(report: &VerifyReport, options: &Options) -> anyhow::Result<()> {
    if let Some(path) = &options.junit {
        let xml = crate::output::Report::junit(report).unwrap_or_default();
        std::fs::write(path, xml)
            .with_context(|| format!("cannot write the JUnit report {}", path.display()))?;
    }
    let summary = options.summary.clone().or_else(|| {
        std::env::var_os("GITHUB_STEP_SUMMARY")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    if let Some(path) = summary {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot open the summary file {}", path.display()))?;
        file.write_all(report.markdown().as_bytes())
            .with_context(|| format!("cannot write the summary file {}", path.display()))?;
    }
    Ok(())
}

fn skipped(why: &str) -> Found {
    Found {
        status: Status::Skipped,
        summary: why.to_owned(),
        report: serde_json::Value::Null,
        cases: Vec::new(),
    }
}

fn found<R: Serialize>(
    failed: bool,
    summary: String,
    report: &R,
    cases: Vec<Case>,
) -> anyhow::Result<Found> {
    Ok(Found {
        status: if failed {
            Status::Findings
        } else {
            Status::Passed
        },
        summary,
        report: serde_json::to_value(report).context("cannot serialize the step's report")?,
        cases,
    })
}

async fn run_step(
    context: &Context,
    options: &Options,
    database: &Database,
    step: Step,
) -> anyhow::Result<Found> {
    match step {
        Step::Lint => lint(context, options, database).await,
        Step::Migrate => migrate(context, options, database).await,
        Step::Drift => drift(context, options, database).await,
        Step::Check => check(context, options, database).await,
        Step::Indexes => indexes(context, database).await,
    }
}

async fn lint(context: &Context, options: &Options, database: &Database) -> anyhow::Result<Found> {
    let lint_options = crate::lint::Options {
        migrations: options.migrations.clone(),
        files: Vec::new(),
        all: false,
    };
    let report = crate::lint::lint(context, &lint_options, Some(database)).await?;
    let cases = report
        .findings
        .iter()
        .filter(|f| f.ignored.is_none())
        .map(|f| Case {
            name: format!("{}:{} {}", f.file, f.line, f.rule),
            failure: Some(f.message.clone()),
        })
        .collect::<Vec<_>>();
    let summary = format!(
        "{} pending file(s), {} finding(s)",
        report.files.len(),
        cases.len()
    );
    found(report.has_findings(), summary, &report, cases)
}

async fn migrate(
    context: &Context,
    options: &Options,
    database: &Database,
) -> anyhow::Result<Found> {
    let set = MigrationSet::load(
        options.migrations.as_deref(),
        &context.config.migrate.ignore,
    )?;
    let policy = Policy::resolve(&Overrides::default(), &context.config.migrate)?;
    let report = Migrator::new(&set, policy, &context.progress)
        .dry_run(database, None)
        .await?;
    let cases: Vec<Case> = report
        .migrations
        .iter()
        .map(|m| Case {
            name: format!("V{} {}", m.version, m.name),
            failure: (m.outcome == Outcome::Failed).then(|| m.error.clone().unwrap_or_default()),
        })
        .collect();
    let unverified = report
        .migrations
        .iter()
        .filter(|m| m.outcome != Outcome::Ok && m.outcome != Outcome::Failed)
        .count();
    let summary = format!(
        "dry run of {} pending migration(s): {} failed, {unverified} not verifiable or not reached",
        report.migrations.len(),
        cases.iter().filter(|c| c.failure.is_some()).count()
    );
    found(report.has_failures(), summary, &report, cases)
}

async fn drift(context: &Context, options: &Options, database: &Database) -> anyhow::Result<Found> {
    let drift_options = crate::drift::Options {
        migrations: options.migrations.clone(),
        scratch_url: options.scratch_url.clone(),
    };
    let report = crate::drift::drift(context, &drift_options, database).await?;
    let cases: Vec<Case> = report
        .differences
        .iter()
        .filter(|d| d.ignored.is_none())
        .map(|d| Case {
            name: format!("{} {}", d.kind, d.name),
            failure: Some(format!(
                "{}: database {:?}, migrations {:?}",
                d.change.label(),
                d.database,
                d.migrations
            )),
        })
        .collect();
    let summary = format!(
        "{} objects compared, {} difference(s)",
        report.objects,
        cases.len()
    );
    found(report.has_drift(), summary, &report, cases)
}

async fn check(context: &Context, options: &Options, database: &Database) -> anyhow::Result<Found> {
    if options.migrations.is_some() {
        return Ok(skipped(
            "the checks are the LMA schema's; not run with --migrations",
        ));
    }
    let client = database.connect().await?;
    let has_data: bool = client
        .query_one(
            "SELECT to_regclass('leads') IS NOT NULL AND EXISTS (SELECT FROM leads)",
            &[],
        )
        .await
        .context("cannot tell whether the database holds data")?
        .try_get(0)?;
    let report = if has_data {
        crate::check::demo(context, database).await?
    } else {
        seeded_check(context, options, &client).await?
    };
    let cases: Vec<Case> = report
        .checks
        .iter()
        .map(|c| Case {
            name: c.name.clone(),
            failure: (!c.passed).then(|| c.reasons.join("; ")),
        })
        .collect();
    let place = if has_data {
        "the database"
    } else {
        "a seeded throwaway database (the database holds no data)"
    };
    let summary = format!(
        "{} check(s) on {place}, {} failed",
        cases.len(),
        report.failed
    );
    found(report.has_findings(), summary, &report, cases)
}

/// `check` on a scratch database with the whole schema and a tiny seed.
async fn seeded_check(
    context: &Context,
    options: &Options,
    target: &tokio_postgres::Client,
) -> anyhow::Result<crate::check::report::CheckReport> {
    let admin = options
        .scratch_url
        .as_deref()
        .map(|url| Database::resolve(Some(url), &|key| std::env::var(key).ok(), None))
        .transpose()?;
    let scratch = crate::drift::scratch::Scratch::create(admin.as_ref(), target).await?;
    let quiet = crate::progress::Progress::new(true, 0);
    let outcome = async {
        let set = MigrationSet::embedded();
        Migrator::new(&set, Policy::default(), &quiet)
            .apply(&scratch.database, None)
            .await?;
        let seed = crate::seed::Options {
            // As `lma demo` seeds: every check's parameter query finds rows at this scale.
            scale: Some(crate::seed::plan::Scale::Small),
            leads: crate::seed::plan::Scale::Small.leads(),
            seed: crate::seed::DEFAULT_SEED,
            anchor: crate::seed::world::today(),
            truncate: false,
            allow_pending: false,
        };
        crate::seed::seed(&scratch.database, &seed, &quiet).await?;
        crate::check::demo(context, &scratch.database).await
    }
    .await;
    scratch.remove().await?;
    outcome
}

async fn indexes(context: &Context, database: &Database) -> anyhow::Result<Found> {
    let options = crate::indexes::Options {
        schemas: Vec::new(),
        fail_on: Kind::ALL.to_vec(),
        thresholds: context.config.indexes.clone(),
    };
    let primary = crate::indexes::Server {
        name: database.describe(),
        client: database.connect().await?,
    };
    let report = crate::indexes::read(&primary, &[], &options, &context.progress).await?;
    let cases: Vec<Case> = report
        .findings
        .iter()
        .filter(|f| f.fails)
        .map(|f| Case {
            name: format!(
                "{} {}",
                f.kind.name(),
                f.index.as_deref().unwrap_or(&f.table)
            ),
            failure: Some(f.reason.clone()),
        })
        .collect();
    let summary = format!("{} finding(s) that fail", cases.len());
    found(report.fails(), summary, &report, cases)
}
