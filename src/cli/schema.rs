//! The options of the commands that read a schema: `drift`, `lint`, `verify` and `indexes`.

use std::path::PathBuf;

use clap::Args;

use super::{FleetArgs, SourceArgs};
use crate::config::FileConfig;
use crate::indexes::findings::Kind;

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
