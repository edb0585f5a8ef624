//! The options of `check`, `explain`, `queries` and `advise`, and the catalog they share.

use std::path::PathBuf;

use clap::Args;

use crate::check::expectation::Judging;
use crate::check::runner::Runs;
use crate::check::CatalogOptions;
use crate::config::{number, CheckSection, FileConfig};

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
    #[arg(long, value_name = "PERCENT", value_parser = |text: &str| number::PERCENT.parse(text))]
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

/// Options of `lma queries`.
#[derive(Debug, Args)]
pub struct QueriesArgs {
    /// List statements whose mean execution time is at least this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 200.0,
          value_parser = |text: &str| number::MILLISECONDS.parse(text))]
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
    #[arg(long, value_name = "PERCENT", default_value_t = 50.0,
          value_parser = |text: &str| number::GAIN.parse(text))]
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
