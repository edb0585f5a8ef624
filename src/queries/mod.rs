//! `lma queries`: the live workload as `pg_stat_statements` counts it, the statements whose mean
//! time is above a threshold (design doc 004: 200 ms), busiest first, each of which can be
//! written out as a check file (`--save-check DIR`) to join the CI gate of `lma check`.
//!
//! It reads only: the session is read-only, and it never creates the extension. Without it, or
//! without the library in `shared_preload_libraries`, the error says what to add.

pub mod extension;
pub mod report;
pub mod save;

use std::path::PathBuf;

use anyhow::Context as _;
use tokio_postgres::Client;

use crate::context::Context;
use crate::exit::ExitStatus;
use extension::Extension;
use report::{QueriesReport, Statement, StatsInfo};

const STATEMENTS: &str = include_str!("../../sql/reports/statements.sql");
const STATEMENTS_COUNT: &str = include_str!("../../sql/reports/statements_count.sql");
const STATEMENTS_INFO: &str = include_str!("../../sql/reports/statements_info.sql");

/// Statistics younger than this are said to be young: a day does not show a daily peak.
pub const YOUNG_SECONDS: f64 = 86_400.0;

/// What `lma queries` lists.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only statements whose mean execution time is at least this, in milliseconds.
    pub min_mean_ms: f64,
    /// At most this many, by total time.
    pub top: u32,
    /// Write each listed statement as a check file into this directory.
    pub save_check: Option<PathBuf>,
}

/// Runs `lma queries`: exit 1 when a statement is at or above the threshold.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<ExitStatus> {
    let database = context.database()?;
    let client = database.connect_read_only().await?;
    let mut report = read(&client, options).await?;
    report.database = database.describe();
    warn_about(context, &report);
    if let Some(dir) = &options.save_check {
        report.saved_checks = save::save_all(&client, &report, dir, &context.progress).await?;
        for path in &report.saved_checks {
            context.progress.note(None, &format!("wrote {path}"));
        }
    }
    context.emit(&report)?;
    Ok(ExitStatus::findings_if(!report.statements.is_empty()))
}

/// Reads the statements and the statistics' age; the extension must be usable.
pub async fn read(client: &Client, options: &Options) -> anyhow::Result<QueriesReport> {
    let extension = Extension::read(client).await?;
    let schema = extension.usable()?;
    let sql = STATEMENTS.replace("{schema}", &quote_ident(schema));
    let top = i64::from(options.top);
    let rows = client
        .query(&sql, &[&options.min_mean_ms, &top])
        .await
        .context("cannot read pg_stat_statements")?;
    let mut statements = Vec::with_capacity(rows.len());
    let mut above = 0;
    for row in &rows {
        above = row
            .try_get::<_, i64>("above")
            .context("pg_stat_statements")?;
        statements.push(Statement::of(row)?);
    }
    let tracked = tracked_count(client, schema).await?;
    Ok(QueriesReport {
        database: String::new(),
        extension_version: extension.version.clone().unwrap_or_default(),
        min_mean_ms: options.min_mean_ms,
        top: options.top,
        statistics: stats_info(client, schema).await?,
        tracked,
        above,
        statements,
        saved_checks: Vec::new(),
    })
}

async fn tracked_count(client: &Client, schema: &str) -> anyhow::Result<i64> {
    let sql = STATEMENTS_COUNT.replace("{schema}", &quote_ident(schema));
    let row = client
        .query_one(&sql, &[])
        .await
        .context("cannot count the statements of pg_stat_statements")?;
    Ok(row.try_get(0)?)
}

/// The statistics' age from `pg_stat_statements_info`, which versions before 1.9 lack.
async fn stats_info(client: &Client, schema: &str) -> anyhow::Result<StatsInfo> {
    let sql = STATEMENTS_INFO.replace("{schema}", &quote_ident(schema));
    let Ok(row) = client.query_one(&sql, &[]).await else {
        return Ok(StatsInfo::default());
    };
    let since: Option<time::OffsetDateTime> = row.try_get("stats_reset")?;
    let age: Option<f64> = row.try_get("age_seconds")?;
    Ok(StatsInfo {
        since: since.map(crate::indexes::report::rfc3339),
        age_seconds: age,
        young: age.is_some_and(|a| a < YOUNG_SECONDS),
        deallocations: row.try_get("dealloc")?,
    })
}

fn warn_about(context: &Context, report: &QueriesReport) {
    if report.statistics.young {
        context.progress.warn(&format!(
            "pg_stat_statements was reset {} ago: less than a day of workload",
            report.statistics.age_human()
        ));
    }
    let hidden = report.statements.iter().filter(|s| s.hidden()).count();
    if hidden > 0 {
        context.progress.warn(&format!(
            "{hidden} statement(s) of other roles show no text: grant pg_read_all_stats to see them"
        ));
    }
}

/// Quotes an identifier, always, as `format('%I')` would when it must.
#[must_use]
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
