//! The report of `lma queries`: one row per statement, its text whole in JSON and normalized and
//! truncated in the table.

use anyhow::Context as _;
use serde::Serialize;
use tokio_postgres::Row;

use crate::indexes::report::human_age;
use crate::output::{Block, Report, Table, Tone};

/// The query text of a statement of another role, without pg_read_all_stats.
const HIDDEN: &str = "<insufficient privilege>";

/// Characters of query text in the table.
const TABLE_QUERY_CHARS: usize = 70;

/// What `lma queries` prints.
#[derive(Debug, Serialize)]
pub struct QueriesReport {
    pub database: String,
    pub extension_version: String,
    pub min_mean_ms: f64,
    pub top: u32,
    pub statistics: StatsInfo,
    /// Statements of this database that pg_stat_statements tracks.
    pub tracked: i64,
    /// Of those, statements whose mean is at or above the threshold (more than `top` may be).
    pub above: i64,
    pub statements: Vec<Statement>,
    /// The check files written by `--save-check`.
    pub saved_checks: Vec<String>,
}

/// Since when pg_stat_statements has counted.
#[derive(Debug, Default, Serialize)]
pub struct StatsInfo {
    /// `stats_reset` of pg_stat_statements_info (PostgreSQL 14+), RFC 3339.
    pub since: Option<String>,
    pub age_seconds: Option<f64>,
    /// Younger than a day.
    pub young: bool,
    /// Statements evicted to make room (`pg_stat_statements.max`).
    pub deallocations: Option<i64>,
}

impl StatsInfo {
    /// The age as people read it, or "an unknown time".
    #[must_use]
    pub fn age_human(&self) -> String {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        self.age_seconds.map_or_else(
            || "an unknown time".to_owned(),
            |s| human_age(s.max(0.0) as u64),
        )
    }
}

/// One statement, as pg_stat_statements aggregates it (constants replaced by `$n`).
#[derive(Debug, Serialize)]
pub struct Statement {
    /// pg_stat_statements' queryid; `None` for a statement hidden from this role.
    pub queryid: Option<i64>,
    pub role: String,
    pub calls: i64,
    pub mean_ms: f64,
    pub stddev_ms: f64,
    pub max_ms: f64,
    pub total_ms: f64,
    /// This statement's share of the database's total execution time, 0 to 1.
    pub share: f64,
    pub rows_per_call: f64,
    pub shared_hit_per_call: f64,
    pub shared_read_per_call: f64,
    /// Temporary blocks read and written, over all calls.
    pub temp_blocks: i64,
    pub query: String,
}

impl Statement {
    /// Reads one row of `sql/reports/statements.sql`.
    pub fn of(row: &Row) -> anyhow::Result<Self> {
        let get = |column: &str| -> anyhow::Result<f64> {
            let value: Option<f64> = row
                .try_get(column)
                .with_context(|| format!("pg_stat_statements: {column}"))?;
            Ok(value.unwrap_or(0.0))
        };
        Ok(Self {
            queryid: row
                .try_get("queryid")
                .context("pg_stat_statements: queryid")?,
            role: row
                .try_get::<_, Option<String>>("role")?
                .unwrap_or_default(),
            calls: row.try_get("calls").context("pg_stat_statements: calls")?,
            mean_ms: get("mean_exec_time")?,
            stddev_ms: get("stddev_exec_time")?,
            max_ms: get("max_exec_time")?,
            total_ms: get("total_exec_time")?,
            share: get("share")?,
            rows_per_call: get("rows_per_call")?,
            shared_hit_per_call: get("hit_per_call")?,
            shared_read_per_call: get("read_per_call")?,
            temp_blocks: row
                .try_get("temp_blocks")
                .context("pg_stat_statements: temp")?,
            query: row
                .try_get::<_, Option<String>>("query")?
                .unwrap_or_default(),
        })
    }

    /// The statement's text is hidden from this role.
    #[must_use]
    pub fn hidden(&self) -> bool {
        self.query == HIDDEN || self.queryid.is_none()
    }

    /// The check name `--save-check` gives it: `query_` and the queryid in hex.
    #[must_use]
    pub fn check_name(&self) -> Option<String> {
        self.queryid.map(|id| format!("query_{id:016x}"))
    }
}

/// The text on one line, whitespace collapsed, cut to `max` characters with an ellipsis.
#[must_use]
pub fn one_line(text: &str, max: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let cut: String = line.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

impl Report for QueriesReport {
    fn human(&self) -> Vec<Block> {
        let mut blocks = vec![Block::Heading(format!(
            "{}: {} of {} statement(s) with a mean of {} ms or more, busiest first (top {})",
            self.database,
            self.statements.len(),
            self.tracked,
            self.min_mean_ms,
            self.top
        ))];
        blocks.push(Block::Line(self.statistics_line()));
        if self.statements.is_empty() {
            blocks.push(Block::Line("No statement is above the threshold.".into()));
            return blocks;
        }
        blocks.push(Block::Table(self.table()));
        if self.above > i64::try_from(self.statements.len()).unwrap_or(i64::MAX) {
            blocks.push(Block::Line(format!(
                "{} statement(s) are above the threshold; --top shows more.",
                self.above
            )));
        }
        for path in &self.saved_checks {
            blocks.push(Block::Line(format!("saved check {path}")));
        }
        blocks
    }
}

impl QueriesReport {
    fn statistics_line(&self) -> String {
        let since = self.statistics.since.as_deref().unwrap_or("unknown");
        let young = if self.statistics.young {
            " YOUNG: less than a day of workload, peaks may be missing"
        } else {
            ""
        };
        format!(
            "pg_stat_statements {}: counting since {since} ({}){young}",
            self.extension_version,
            self.statistics.age_human()
        )
    }

    fn table(&self) -> Table {
        let mut table = Table::new(&[
            "Queryid",
            "Calls",
            "Mean ms",
            "Stddev",
            "Max ms",
            "Total s",
            "Share",
            "Rows/call",
            "Hit/call",
            "Read/call",
            "Temp blks",
            "Query",
        ])
        .right_aligned(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        for s in &self.statements {
            let temp_tone = if s.temp_blocks > 0 {
                Tone::Warn
            } else {
                Tone::Plain
            };
            table.toned_row(vec![
                (
                    s.queryid.map(|q| q.to_string()).unwrap_or_default(),
                    Tone::Plain,
                ),
                (s.calls.to_string(), Tone::Plain),
                (format!("{:.1}", s.mean_ms), Tone::Bad),
                (format!("{:.1}", s.stddev_ms), Tone::Plain),
                (format!("{:.1}", s.max_ms), Tone::Plain),
                (format!("{:.1}", s.total_ms / 1000.0), Tone::Plain),
                (format!("{:.1}%", s.share * 100.0), Tone::Plain),
                (format!("{:.1}", s.rows_per_call), Tone::Plain),
                (format!("{:.0}", s.shared_hit_per_call), Tone::Plain),
                (format!("{:.0}", s.shared_read_per_call), Tone::Plain),
                (s.temp_blocks.to_string(), temp_tone),
                (one_line(&s.query, TABLE_QUERY_CHARS), Tone::Plain),
            ]);
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_text_is_put_on_one_line_and_cut_with_an_ellipsis() {
        assert_eq!(one_line("SELECT 1\n  FROM t", 70), "SELECT 1 FROM t");
        assert_eq!(one_line("SELECT abcdef", 8), "SELECT …");
    }

    fn statement(queryid: Option<i64>, query: &str) -> Statement {
        Statement {
            queryid,
            role: String::new(),
            calls: 1,
            mean_ms: 0.0,
            stddev_ms: 0.0,
            max_ms: 0.0,
            total_ms: 0.0,
            share: 0.0,
            rows_per_call: 0.0,
            shared_hit_per_call: 0.0,
            shared_read_per_call: 0.0,
            temp_blocks: 0,
            query: query.into(),
        }
    }

    #[test]
    fn a_check_is_named_after_the_queryid_in_hex() {
        let statement = statement(Some(-1), "SELECT 1");
        assert_eq!(
            statement.check_name().as_deref(),
            Some("query_ffffffffffffffff")
        );
        assert!(!statement.hidden());
    }

    #[test]
    fn the_table_shows_the_busiest_statements_on_one_line_each() {
        let busy = Statement {
            role: "lma_app".into(),
            calls: 1200,
            mean_ms: 42.25,
            stddev_ms: 3.5,
            max_ms: 80.0,
            total_ms: 50_700.0,
            share: 0.625,
            rows_per_call: 50.0,
            shared_hit_per_call: 508.0,
            shared_read_per_call: 12.0,
            temp_blocks: 64,
            ..statement(
                Some(7_301_442),
                "SELECT id, name\n  FROM leads\n WHERE organization_id = $1 AND status = $2 ORDER BY score DESC LIMIT $3",
            )
        };
        let report = QueriesReport {
            database: "lma@localhost:5432/lma".into(),
            extension_version: "1.10".into(),
            min_mean_ms: 5.0,
            top: 1,
            statistics: StatsInfo {
                since: Some("2026-01-01T00:00:00Z".into()),
                age_seconds: Some(3600.0),
                young: true,
                deallocations: Some(0),
            },
            tracked: 40,
            above: 2,
            statements: vec![busy],
            saved_checks: vec!["sql/checks/query_00000000006f6842.sql".into()],
        };
        insta::assert_snapshot!(crate::output::plain_text(&report));
    }
}
