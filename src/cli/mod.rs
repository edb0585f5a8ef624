//! The command line: clap derive types for every `lma` command and the options they share,
//! one file per family of commands; each `XArgs::options` resolves flag > config > default.

mod check;
mod migrate;
mod schema;
mod seed;

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

pub use check::{AdviseArgs, CatalogArgs, CheckArgs, ExplainArgs, QueriesArgs};
pub use migrate::{BaselineArgs, FleetArgs, MigrateArgs, PolicyArgs, StatusArgs};
pub use schema::{DriftArgs, IndexesArgs, LintArgs, VerifyArgs};
pub use seed::{DemoArgs, SeedArgs};

use crate::context::Globals;
use crate::output::{ColorChoice, Format};

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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    use crate::indexes::findings::Kind;

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
