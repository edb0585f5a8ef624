//! The command line: clap derive types for every `lma` command and the options they share.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand};

use crate::check::expectation::Judging;
use crate::check::runner::Runs;
use crate::check::CatalogOptions;
use crate::config::{CheckSection, FileConfig};
use crate::context::Globals;
use crate::indexes::findings::Kind;
use crate::migrate::policy::{Overrides, Policy};
use crate::output::{ColorChoice, Format};
use crate::seed::plan::Scale;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  findings: the report lists problems (divergent or missing migrations, failing checks)
  2  error: bad input, unreachable database, broken migration file";

/// Migrations, seeding, plan checks and index health for the LMA PostgreSQL database.
#[derive(Debug, Parser)]
#[command(name = "lma", version, after_help = EXIT_CODES, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts, before or after the subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// PostgreSQL URL or key=value string. Falls back to DATABASE_URL, then [database] url in the
    /// config, then the libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE.
    /// `migrate`, `status`, `drift` and `indexes` take it repeated, one target each.
    #[arg(long, global = true, value_name = "URL", action = ArgAction::Append)]
    pub database_url: Vec<String>,

    /// Configuration file [default: config/lma.toml when it exists].
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// How the report is printed on stdout.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// When to colour the table output; NO_COLOR in the environment means never for auto.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print nothing on stderr but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more on stderr (repeat for more).
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
}

impl GlobalArgs {
    /// The plain global options.
    #[must_use]
    pub fn globals(&self) -> Globals {
        Globals {
            database_urls: self.database_url.clone(),
            config: self.config.clone(),
            format: self.format,
            color: self.color,
            quiet: self.quiet,
            verbose: self.verbose,
        }
    }
}

/// The `lma` commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply the pending schema migrations, one at a time.
    Migrate(MigrateArgs),
    /// List every migration with its state: applied, pending, divergent or missing.
    Status(StatusArgs),
    /// Record the migrations up to VERSION as applied without running them, to adopt a
    /// database built another way. Refused when the history already has rows.
    Baseline(BaselineArgs),
    /// Report index health: every index and table, and findings (unused, redundant, missing FK
    /// index, invalid, bloat, heavy sequential scans) with the SQL that fixes each.
    Indexes(IndexesArgs),
    /// Fill a migrated, empty database with deterministic, realistic data through binary COPY.
    Seed(SeedArgs),
    /// Run the business-critical queries under EXPLAIN (ANALYZE, BUFFERS) and judge their plans.
    Check(CheckArgs),
    /// Print the annotated plan of one check.
    Explain(ExplainArgs),
    /// Start a throwaway PostgreSQL, run the whole product against it, and remove it.
    Demo(DemoArgs),
    /// List the slow statements of the live workload (pg_stat_statements), busiest first.
    Queries(QueriesArgs),
    /// Propose indexes for a check or a query, validated by the planner through HypoPG.
    Advise(AdviseArgs),
    /// Lint migrations with squawk's rules, as lma's runner will run them, and lma's own:
    /// the pending ones of the database when one is given, else all (--format junit|github
    /// for CI).
    Lint(LintArgs),
    /// Compare the database's schema, object by object, with the schema its migrations make
    /// on a throwaway cluster; report what was added, is missing or changed, and the fix.
    Drift(DriftArgs),
    /// The CI pipeline as one report: lint, migrate --dry-run, drift, check and indexes; the
    /// exit status is the worst step's.
    Verify(VerifyArgs),
    /// Print the shell completion script for SHELL on stdout, e.g. `lma completions bash >
    /// /etc/bash_completion.d/lma`.
    Completions(CompletionsArgs),
    /// Print lma's man page (roff) on stdout, or write one page per command into --dir.
    Man(ManArgs),
}

/// Options of `lma completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Options of `lma man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write lma.1 and a page per command (lma-migrate.1, …) into this directory instead.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Where the migrations come from; shared by `migrate` and `status`.
#[derive(Debug, Clone, Args)]
pub struct SourceArgs {
    /// Load V<N>__<NAME>.sql migrations from this directory instead of the embedded LMA schema.
    #[arg(long, value_name = "DIR")]
    pub migrations: Option<PathBuf>,
}

impl Command {
    /// Commands whose time is round trips to one server, not work on the client: on one thread
    /// no answer waits for a wake-up across threads (`lma migrate` of the LMA schema: 1.39 to
    /// 1.20 times psql's time, docs/benchmarks.md). The others generate rows or run several
    /// connections' work at once, and get every core.
    #[must_use]
    pub fn is_round_trip_bound(&self) -> bool {
        matches!(self, Self::Migrate(_) | Self::Status(_) | Self::Baseline(_))
    }

    /// Whether the command's report can be printed in `format` (every report has table and
    /// JSON; a completion script or a man page has one form only).
    #[must_use]
    pub fn accepts(&self, format: Format) -> bool {
        if matches!(self, Self::Completions(_) | Self::Man(_)) {
            return format == Format::Table;
        }
        format.is_universal()
            || matches!(self, Self::Lint(_))
            || (format == Format::Junit && matches!(self, Self::Verify(_)))
    }
}

/// Options of `lma drift`.
#[derive(Debug, Args)]
pub struct DriftArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    /// Build the migrations' schema in a scratch database on this server (lma creates and
    /// drops it) instead of on a throwaway cluster from the local PostgreSQL binaries.
    #[arg(long, value_name = "URL")]
    pub scratch_url: Option<String>,

    #[command(flatten)]
    pub fleet: FleetArgs,
}

impl DriftArgs {
    /// The plain options of `drift`.
    #[must_use]
    pub fn options(&self) -> crate::drift::Options {
        crate::drift::Options {
            migrations: self.source.migrations.clone(),
            scratch_url: self.scratch_url.clone(),
        }
    }
}

/// Options of `lma verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    /// Run only these steps [default: lint,migrate,drift,check,indexes].
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STEP[,STEP...]")]
    pub steps: Vec<crate::verify::Step>,

    /// Build scratch databases (drift; check of a database without data) on this server
    /// instead of on a throwaway cluster.
    #[arg(long, value_name = "URL")]
    pub scratch_url: Option<String>,

    /// Write a JUnit XML report here, a testsuite per step.
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,

    /// Append a Markdown summary here [default: $GITHUB_STEP_SUMMARY when it is set].
    #[arg(long, value_name = "PATH")]
    pub summary: Option<PathBuf>,
}

impl VerifyArgs {
    /// The plain options of `verify`.
    #[must_use]
    pub fn options(&self) -> crate::verify::Options {
        crate::verify::Options {
            steps: self.steps.clone(),
            migrations: self.source.migrations.clone(),
            scratch_url: self.scratch_url.clone(),
            junit: self.junit.clone(),
            summary: self.summary.clone(),
        }
    }
}

/// Options of `lma lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    /// Lint every migration, not only those the database has not applied.
    #[arg(long)]
    pub all: bool,

    /// Lint these SQL files instead of a migration set.
    #[arg(value_name = "FILE", conflicts_with_all = ["migrations", "all"])]
    pub files: Vec<PathBuf>,
}

impl LintArgs {
    /// The plain options of `lint`.
    #[must_use]
    pub fn options(&self) -> crate::lint::Options {
        crate::lint::Options {
            migrations: self.source.migrations.clone(),
            files: self.files.clone(),
            all: self.all,
        }
    }
}

/// Options of `lma migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    /// Stop after this version instead of applying everything.
    #[arg(long, value_name = "VERSION")]
    pub target: Option<i64>,

    /// Apply the pending migrations in one transaction, report each, and roll back.
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub policy: PolicyArgs,

    #[command(flatten)]
    pub fleet: FleetArgs,

    /// With several targets: migrate this one first, alone, and stop everything if it fails.
    #[arg(long, value_name = "NAME")]
    pub canary: Option<String>,

    /// With several targets: go on starting targets after one failed.
    #[arg(long)]
    pub keep_going: bool,
}

/// Several databases at once: `migrate`, `status`, `drift` and `indexes` across a fleet
/// (src/fleet/).
#[derive(Debug, Default, Clone, Args)]
pub struct FleetArgs {
    /// A TOML file of named targets ([[target]] with name, url and optional groups); adds to
    /// any --database-url. Without either, [fleet] targets in the config are used.
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,

    /// Only the targets in this group (repeatable: any of them).
    #[arg(long = "group", value_name = "NAME")]
    pub groups: Vec<String>,

    /// How many targets are worked on at once.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..))]
    pub parallel: u16,
}

impl FleetArgs {
    /// The plain options of a fleet run.
    #[must_use]
    pub fn options(&self) -> crate::fleet::Options {
        crate::fleet::Options {
            targets_file: self.targets.clone(),
            groups: self.groups.clone(),
            parallel: self.parallel,
        }
    }
}

impl MigrateArgs {
    /// The plain options of `migrate` across targets, each target's run as on one database.
    pub fn fleet_options(
        &self,
        config: &FileConfig,
    ) -> anyhow::Result<crate::fleet::migrate::Options> {
        Ok(crate::fleet::migrate::Options {
            migrate: self.options(config)?,
            fleet: self.fleet.options(),
            canary: self.canary.clone(),
            keep_going: self.keep_going,
        })
    }

    /// The plain options of a single-database `migrate`: flags over `[migrate]` over defaults.
    pub fn options(&self, config: &FileConfig) -> anyhow::Result<crate::migrate::Options> {
        Ok(crate::migrate::Options {
            migrations: self.source.migrations.clone(),
            up_to: self.target,
            dry_run: self.dry_run,
            policy: Policy::resolve(&self.policy.overrides(), &config.migrate)?,
        })
    }
}

/// Options of `lma baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The newest version the database already has.
    #[arg(value_name = "VERSION")]
    pub up_to: i64,

    #[command(flatten)]
    pub source: SourceArgs,

    #[command(flatten)]
    pub policy: PolicyArgs,
}

impl BaselineArgs {
    /// The plain options of `baseline`.
    pub fn options(
        &self,
        config: &FileConfig,
    ) -> anyhow::Result<crate::migrate::baseline::Options> {
        Ok(crate::migrate::baseline::Options {
            up_to: self.up_to,
            migrations: self.source.migrations.clone(),
            policy: Policy::resolve(&self.policy.overrides(), &config.migrate)?,
        })
    }
}

/// How `migrate` treats a busy database; each flag overrides its `[migrate]` config key.
#[derive(Debug, Default, Clone, Args)]
pub struct PolicyArgs {
    /// lock_timeout for every migration statement [default: 5s].
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub lock_timeout: Option<Duration>,

    /// Retries of a migration that hit the lock timeout, with backoff [default: 3].
    #[arg(long, value_name = "N")]
    pub lock_retries: Option<u32>,

    /// How long to wait for another `lma migrate` on the same database [default: 5m].
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub wait_timeout: Option<Duration>,

    /// statement_timeout for every migration statement [default: none].
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub statement_timeout: Option<Duration>,
}

impl PolicyArgs {
    /// The flags given, for `Policy::resolve` to put over `[migrate]`.
    #[must_use]
    pub fn overrides(&self) -> Overrides {
        Overrides {
            lock_timeout: self.lock_timeout,
            lock_retries: self.lock_retries,
            wait_timeout: self.wait_timeout,
            statement_timeout: self.statement_timeout,
        }
    }
}

/// Options of `lma status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    #[command(flatten)]
    pub fleet: FleetArgs,
}

/// Options of `lma indexes`.
#[derive(Debug, Args)]
pub struct IndexesArgs {
    /// Report on this schema (repeatable) [default: every schema but pg_catalog,
    /// information_schema and the pg_toast and pg_temp ones].
    #[arg(long = "schema", value_name = "NAME")]
    pub schemas: Vec<String>,

    /// A streaming replica of the database (repeatable). Index usage counters are per server,
    /// so the replicas' scans are added to the primary's before anything is called unused. A
    /// URL that names no database uses the primary's.
    #[arg(long = "replica", value_name = "URL")]
    pub replicas: Vec<String>,

    /// Exit 1 only for findings of these kinds [default: every kind]. Every finding is
    /// reported either way; unused verdicts on statistics younger than [indexes] min_stats_age
    /// never count.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KIND[,KIND...]")]
    pub fail_on: Vec<Kind>,

    /// Print the full inventory of indexes and tables after the findings, narrowed to --width.
    #[arg(long)]
    pub list: bool,

    /// List each unused verdict on statistics younger than [indexes] min_stats_age, instead of
    /// one line counting them (as -v does).
    #[arg(long)]
    pub all: bool,

    /// The width in columns that the table output fits [default: the terminal's when stdout is
    /// one, else 100].
    #[arg(long, env = "COLUMNS", value_name = "N",
          value_parser = clap::value_parser!(u16).range(40..))]
    pub width: Option<u16>,

    #[command(flatten)]
    pub fleet: FleetArgs,
}

impl IndexesArgs {
    /// The plain request of `indexes`: thresholds from `[indexes]`, every kind failing unless
    /// --fail-on names some, the width from the flag, the terminal, else 100.
    #[must_use]
    pub fn request(&self, config: &FileConfig, verbose: bool) -> crate::indexes::Request {
        crate::indexes::Request {
            options: crate::indexes::Options {
                schemas: self.schemas.clone(),
                fail_on: if self.fail_on.is_empty() {
                    Kind::ALL.to_vec()
                } else {
                    self.fail_on.clone()
                },
                thresholds: config.indexes.clone(),
            },
            replicas: self.replicas.clone(),
            view: crate::indexes::report::View {
                list: self.list,
                all: self.all || verbose,
                width: usize::from(
                    self.width
                        .or_else(crate::output::terminal_width)
                        .unwrap_or(100)
                        .max(40),
                ),
            },
        }
    }
}

/// Options of `lma seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// How much data: tiny (100 leads), small (20,000), medium (200,000), large (1,000,000).
    #[arg(long, value_enum, default_value_t = Scale::Small)]
    pub scale: Scale,

    /// Any number of leads instead of the scale's; the other tables scale with it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=50_000_000))]
    pub leads: Option<u32>,

    /// The random seed: the same seed and anchor give the same data, byte for byte.
    #[arg(long, value_name = "S", default_value_t = crate::seed::DEFAULT_SEED)]
    pub seed: u64,

    /// The date whose midnight (UTC) ends the generated history [default: today, in UTC]. The
    /// history spans the two years before it and scheduled communications the half year after,
    /// so queries on recent time windows find rows; pass a fixed date to reproduce a seed.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::seed::world::parse_date)]
    pub anchor: Option<time::Date>,

    /// Empty all 14 tenant tables first (TRUNCATE ... RESTART IDENTITY CASCADE); without it, a
    /// database that already has tenant data is refused.
    #[arg(long)]
    pub truncate: bool,

    /// Accept a database with pending migrations, if its history matches the files and it is at
    /// V10 or later (where all 14 tables exist): to measure an older schema, as the baseline of
    /// docs/benchmarks.md does. Later objects that are absent are simply not filled.
    #[arg(long)]
    pub allow_pending: bool,
}

impl SeedArgs {
    /// The plain options of `seed`: --leads over the scale's, the anchor today unless given.
    #[must_use]
    pub fn options(&self) -> crate::seed::Options {
        crate::seed::Options {
            scale: self.leads.is_none().then_some(self.scale),
            leads: self.leads.unwrap_or_else(|| self.scale.leads()),
            seed: self.seed,
            anchor: self.anchor.unwrap_or_else(crate::seed::world::today),
            truncate: self.truncate,
            allow_pending: self.allow_pending,
        }
    }
}

/// Where the checks come from and how their session is set up; shared by `check` and `explain`.
#[derive(Debug, Clone, Args)]
pub struct CatalogArgs {
    /// Load the checks (*.sql) from this directory instead of the catalog built into lma;
    /// coverage then counts only the indexes of the tables its checks read.
    #[arg(long, value_name = "DIR")]
    pub checks: Option<PathBuf>,

    /// Run as the LMA schema's application role: SET ROLE lma_app and lma.organization_id = the
    /// first parameter, so the plans are those under row-level security.
    #[arg(long)]
    pub as_app_role: bool,

    /// Pin a planner setting for the session, e.g. --set enable_indexscan=off (repeatable;
    /// adds to [check.settings]).
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_setting)]
    pub settings: Vec<(String, String)>,
}

impl CatalogArgs {
    /// The plain catalog options.
    #[must_use]
    pub fn options(&self) -> CatalogOptions {
        CatalogOptions {
            checks: self.checks.clone(),
            as_app_role: self.as_app_role,
            settings: self.settings.clone(),
        }
    }
}

fn parse_setting(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, found {text:?}"))?;
    let name = name.trim();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return Err(format!("{name:?} is not a setting name"));
    }
    Ok((name.to_owned(), value.trim().to_owned()))
}

/// Options of `lma check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub catalog: CatalogArgs,

    /// Run only these checks (repeatable, or a comma-separated list).
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub only: Vec<String>,

    /// Measured runs per check, across the parameter samples [default: [check] iterations, 20].
    #[arg(long, value_name = "N")]
    pub iterations: Option<u32>,

    /// Unmeasured warm-up runs per check [default: [check] warmup, 3].
    #[arg(long, value_name = "N")]
    pub warmup: Option<u32>,

    /// Do not judge p95_ms latency budgets (they are listed as skipped).
    #[arg(long)]
    pub no_latency: bool,

    /// Do not judge uses_index and no_seq_scan on tables of fewer pages than this (0: judge
    /// every table) [default: [check] min_table_pages, 16].
    #[arg(long, value_name = "PAGES")]
    pub min_table_pages: Option<u64>,

    /// Write a JUnit XML report here, one testcase per check.
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,

    /// Save each check's plan shape and buffers as a baseline (JSON).
    #[arg(long, value_name = "PATH")]
    pub save_baseline: Option<PathBuf>,

    /// Fail checks whose plan regressed against this baseline, or whose buffers grew too much.
    #[arg(long, value_name = "PATH")]
    pub baseline: Option<PathBuf>,

    /// Allowed buffer growth over the baseline, in percent [default: [check] buffers_tolerance, 20].
    #[arg(long, value_name = "PERCENT")]
    pub buffers_tolerance: Option<f64>,

    /// Make an index that no check used a finding (exit 1), not just a listed note.
    #[arg(long)]
    pub require_coverage: bool,
}

impl CheckArgs {
    /// The plain options of `check`: each flag over its `[check]` key.
    #[must_use]
    pub fn options(&self, config: &FileConfig) -> crate::check::Options {
        let check = &config.check;
        crate::check::Options {
            catalog: self.catalog.options(),
            only: self.only.clone(),
            runs: Runs {
                warmup: self.warmup.unwrap_or(check.warmup),
                iterations: self.iterations.unwrap_or(check.iterations),
            },
            judging: judging(check, self.no_latency, self.min_table_pages),
            junit: self.junit.clone(),
            save_baseline: self.save_baseline.clone(),
            baseline: self.baseline.clone(),
            buffers_tolerance: self.buffers_tolerance.unwrap_or(check.buffers_tolerance),
            require_coverage: self.require_coverage,
        }
    }
}

/// How failing checks are judged, for `check` and `advise --failing`.
fn judging(check: &CheckSection, no_latency: bool, min_table_pages: Option<u64>) -> Judging {
    Judging {
        latency: check.latency && !no_latency,
        min_table_pages: min_table_pages.unwrap_or(check.min_table_pages),
    }
}

/// Options of `lma explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The check whose plan to show (its first parameter sample, the largest tenant).
    pub name: String,

    #[command(flatten)]
    pub catalog: CatalogArgs,
}

/// Options of `lma demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the throwaway cluster's directory after the demo, for inspection.
    #[arg(long)]
    pub keep: bool,
}

/// Options of `lma queries`.
#[derive(Debug, Args)]
pub struct QueriesArgs {
    /// List statements whose mean execution time is at least this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 200.0, value_parser = parse_non_negative)]
    pub min_mean_ms: f64,

    /// At most this many statements, by total execution time.
    #[arg(long, value_name = "N", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub top: u32,

    /// Write each listed statement as a check file (sql/checks format) into this directory,
    /// with a params query to fill in; existing files are kept.
    #[arg(long, value_name = "DIR")]
    pub save_check: Option<PathBuf>,
}

impl QueriesArgs {
    /// The plain options of `lma queries`.
    #[must_use]
    pub fn options(&self) -> crate::queries::Options {
        crate::queries::Options {
            min_mean_ms: self.min_mean_ms,
            top: self.top,
            save_check: self.save_check.clone(),
        }
    }
}

fn parse_non_negative(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value >= 0.0 && value.is_finite() => Ok(value),
        _ => Err(format!("{text:?} is not a number of 0 or more")),
    }
}

fn parse_percent(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..100.0).contains(&value) => Ok(value),
        _ => Err(format!("{text:?} is not a percentage from 0 to below 100")),
    }
}

/// Options of `lma advise`.
#[derive(Debug, Args)]
pub struct AdviseArgs {
    /// What to advise on: a check's name (of the catalog, or of --checks DIR), a check file, or
    /// a query file whose $1, $2… take the --param values (repeatable).
    #[arg(value_name = "CHECK|FILE", required_unless_present = "failing")]
    pub targets: Vec<String>,

    /// A value of the query file's next parameter, as text (repeatable, in order).
    #[arg(long = "param", value_name = "VALUE")]
    pub params: Vec<String>,

    /// Advise on every check that `lma check` fails (latency budgets judged unless
    /// --no-latency).
    #[arg(long, conflicts_with = "targets")]
    pub failing: bool,

    /// Keep only candidates that cut the estimated cost by at least this percentage.
    #[arg(long, value_name = "PERCENT", default_value_t = 50.0, value_parser = parse_percent)]
    pub min_gain: f64,

    /// Build the best candidate for real on a throwaway copy of the tables it reads (temporary
    /// tables of lma's own session, dropped after) and measure the check before and after.
    #[arg(long)]
    pub verify: bool,

    /// With --verify: refuse to copy tables larger than this in all (the copy is written to
    /// the server's temporary space).
    #[arg(long, value_name = "SIZE", default_value = "1GB", value_parser = parse_size_flag)]
    pub verify_max_size: i64,

    /// With --failing: do not judge p95_ms latency budgets.
    #[arg(long)]
    pub no_latency: bool,

    #[command(flatten)]
    pub catalog: CatalogArgs,
}

/// clap's message for a command line it refused, with the whole message on the first line:
/// `error: …` and what it names (clap puts the missing arguments and the possible values on
/// lines of their own), then clap's usage and tips as they are.
#[must_use]
pub fn usage_error(err: &clap::Error) -> String {
    let text = err.render().to_string();
    let (message, rest) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = message.lines().map(str::trim);
    let mut first = lines.next().unwrap_or_default().to_owned();
    for line in lines.filter(|line| !line.is_empty()) {
        first.push(' ');
        first.push_str(line);
    }
    if !first.starts_with("error:") {
        first = format!("error: {first}");
    }
    let rest = rest.trim_end();
    if rest.is_empty() {
        first
    } else {
        format!("{first}\n\n{rest}")
    }
}

/// A size flag, as the configuration's sizes are written (8kB, 10MB, 1GB).
fn parse_size_flag(text: &str) -> Result<i64, String> {
    crate::config::parse_size(text).map_err(|err| err.to_string())
}

impl AdviseArgs {
    /// The plain options of `advise`.
    #[must_use]
    pub fn options(&self, config: &FileConfig) -> crate::advise::Options {
        crate::advise::Options {
            targets: self.targets.clone(),
            params: self.params.clone(),
            failing: self.failing,
            min_gain: self.min_gain,
            verify: self.verify,
            verify_max_bytes: self.verify_max_size,
            judging: judging(&config.check, self.no_latency, None),
            catalog: self.catalog.options(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_are_accepted_after_the_subcommand() {
        let cli = Cli::try_parse_from(["lma", "status", "--format", "json", "-q"]).unwrap();
        assert_eq!(cli.global.format, Format::Json);
        assert!(cli.global.quiet);
    }

    #[test]
    fn fail_on_takes_a_comma_separated_list_of_kinds() {
        let cli =
            Cli::try_parse_from(["lma", "indexes", "--fail-on", "missing-fk,seq-scan"]).unwrap();
        let Command::Indexes(args) = cli.command else {
            panic!("not the indexes command");
        };
        assert_eq!(args.fail_on, [Kind::MissingFk, Kind::SeqScan]);
        let err = Cli::try_parse_from(["lma", "indexes", "--fail-on", "bogus"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn the_seed_anchor_is_a_date_and_anything_else_a_usage_error() {
        let cli = Cli::try_parse_from(["lma", "seed", "--anchor", "2026-11-22"]).unwrap();
        let Command::Seed(args) = cli.command else {
            panic!("not the seed command");
        };
        assert_eq!(
            args.anchor.map(|d| d.to_string()),
            Some("2026-11-22".into())
        );
        let err = Cli::try_parse_from(["lma", "seed", "--anchor", "22.11.2026"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }

    fn refused(args: &[&str]) -> String {
        usage_error(&Cli::try_parse_from(args).unwrap_err())
    }

    #[test]
    fn a_refused_command_line_names_everything_on_its_first_line() {
        let missing = refused(&["lma", "baseline"]);
        let first = missing.lines().next().unwrap();
        assert_eq!(
            first,
            "error: the following required arguments were not provided: <VERSION>"
        );
        assert!(
            missing.contains("Usage: lma baseline <VERSION>"),
            "{missing}"
        );
        let bad = refused(&["lma", "seed", "--scale", "huge"]);
        assert_eq!(
            bad.lines().next().unwrap(),
            "error: invalid value 'huge' for '--scale <SCALE>' \
             [possible values: tiny, small, medium, large]"
        );
        assert!(
            bad.ends_with("For more information, try '--help'."),
            "{bad}"
        );
    }

    #[test]
    fn an_unknown_format_is_a_usage_error() {
        let err = Cli::try_parse_from(["lma", "--format", "xml", "status"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }
}
