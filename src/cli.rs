//! The command line: clap derive types for every `lma` command and the options they share.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::indexes::findings::Kind;
use crate::output::Format;
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
    /// `migrate` and `status` take it repeated, one target each.
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

/// The `--color` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
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
}

/// Where the migrations come from; shared by `migrate` and `status`.
#[derive(Debug, Clone, Args)]
pub struct SourceArgs {
    /// Load V{n}__{name}.sql migrations from this directory instead of the embedded LMA schema.
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

/// Several databases at once: `migrate` and `status` across a fleet (src/fleet/).
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

    #[test]
    fn an_unknown_format_is_a_usage_error() {
        let err = Cli::try_parse_from(["lma", "--format", "xml", "status"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }
}
