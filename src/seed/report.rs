//! The report of `lma seed`: rows, size and time per table, and the totals.

use serde::Serialize;

use super::plan::Scale;
use crate::output::{Block, Report, Table};

/// One table's load.
#[derive(Debug, Clone, Serialize)]
pub struct TableReport {
    pub table: String,
    pub rows: u64,
    /// pg_total_relation_size after the load: heap, TOAST and indexes.
    pub bytes: u64,
    /// `bytes` for people, in binary units.
    pub size: String,
    /// COPY, index rebuild, commit and VACUUM (ANALYZE): the sum of the three below.
    pub seconds: f64,
    /// Generating and COPYing the rows.
    pub copy_seconds: f64,
    /// Rebuilding the plain indexes (dropped for the load) and committing.
    pub index_seconds: f64,
    pub vacuum_seconds: f64,
    pub rows_per_second: f64,
    /// Megabytes (10^6 bytes) per second.
    pub mb_per_second: f64,
}

/// Where one table's time went, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct Phases {
    pub copy: f64,
    pub index: f64,
    pub vacuum: f64,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub rows: u64,
    pub bytes: u64,
    pub size: String,
    /// Wall clock of the whole command: checks, generation, loading, VACUUM (ANALYZE).
    pub seconds: f64,
    pub rows_per_second: f64,
    pub mb_per_second: f64,
}

/// The report of `lma seed`.
#[derive(Debug, Clone, Serialize)]
pub struct SeedReport {
    pub database: String,
    /// The `--scale` preset, when `--leads` did not override it.
    pub scale: Option<Scale>,
    pub leads: u32,
    pub seed: u64,
    /// `--anchor`: the date (YYYY-MM-DD) whose UTC midnight ends the generated history. The
    /// same seed and anchor give the same data; the same seed on another anchor, the same data
    /// shifted in time.
    pub anchor: String,
    /// Whether the tenant tables were truncated first (`--truncate`).
    pub truncated: bool,
    /// Whether COPY ran with session_replication_role = replica (superuser only), which skips
    /// the foreign-key triggers; the rows satisfy every FK by construction either way.
    pub fk_triggers_skipped: bool,
    pub tables: Vec<TableReport>,
    pub total: Totals,
}

impl TableReport {
    /// A table's line from its counts.
    #[must_use]
    pub fn new(table: &str, rows: u64, bytes: u64, phases: Phases) -> Self {
        let seconds = phases.copy + phases.index + phases.vacuum;
        Self {
            table: table.to_owned(),
            rows,
            bytes,
            size: human_bytes(bytes),
            seconds: round3(seconds),
            copy_seconds: round3(phases.copy),
            index_seconds: round3(phases.index),
            vacuum_seconds: round3(phases.vacuum),
            rows_per_second: rate(rows as f64, seconds),
            mb_per_second: rate(bytes as f64 / 1e6, seconds),
        }
    }
}

impl Totals {
    /// The totals of the tables over the command's wall clock.
    #[must_use]
    pub fn new(tables: &[TableReport], seconds: f64) -> Self {
        let rows = tables.iter().map(|t| t.rows).sum();
        let bytes = tables.iter().map(|t| t.bytes).sum();
        Self {
            rows,
            bytes,
            size: human_bytes(bytes),
            seconds: round3(seconds),
            rows_per_second: rate(rows as f64, seconds),
            mb_per_second: rate(bytes as f64 / 1e6, seconds),
        }
    }
}

impl Report for SeedReport {
    fn human(&self) -> Vec<Block> {
        let mut table = Table::new(&[
            "Table", "Rows", "Size", "Bytes", "Seconds", "COPY s", "Index s", "Vacuum s", "Rows/s",
            "MB/s",
        ])
        .right_aligned(&[1, 2, 3, 4, 5, 6, 7, 8, 9]);
        for line in &self.tables {
            table.row([
                line.table.clone(),
                line.rows.to_string(),
                line.size.clone(),
                line.bytes.to_string(),
                format!("{:.2}", line.seconds),
                format!("{:.2}", line.copy_seconds),
                format!("{:.2}", line.index_seconds),
                format!("{:.2}", line.vacuum_seconds),
                format!("{:.0}", line.rows_per_second),
                format!("{:.1}", line.mb_per_second),
            ]);
        }
        let t = &self.total;
        table.row([
            "total".to_owned(),
            t.rows.to_string(),
            t.size.clone(),
            t.bytes.to_string(),
            format!("{:.2}", t.seconds),
            String::new(),
            String::new(),
            String::new(),
            format!("{:.0}", t.rows_per_second),
            format!("{:.1}", t.mb_per_second),
        ]);
        let summary = format!(
            "{}: seeded {} leads (seed {}, anchor {}) in {:.1} s: {} rows, {}, {:.0} rows/s, {:.1} MB/s",
            self.database,
            self.leads,
            self.seed,
            self.anchor,
            t.seconds,
            t.rows,
            t.size,
            t.rows_per_second,
            t.mb_per_second
        );
        vec![Block::Table(table), Block::Line(summary)]
    }
}

fn rate(amount: f64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        (amount / seconds * 10.0).round() / 10.0
    } else {
        0.0
    }
}

fn round3(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

/// Bytes in binary units: "512 B", "1.5 KiB", "230.0 MiB".
#[must_use]
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }

    #[test]
    fn rates_survive_a_zero_duration() {
        let zero = Phases {
            copy: 0.0,
            index: 0.0,
            vacuum: 0.0,
        };
        let line = TableReport::new("leads", 10, 2_000_000, zero);
        assert!(line.rows_per_second.abs() < f64::EPSILON);
        let two = Phases { copy: 1.0, ..zero };
        let line = TableReport::new("leads", 10, 2_000_000, Phases { index: 1.0, ..two });
        assert!((line.mb_per_second - 1.0).abs() < 1e-9);
        assert!((line.rows_per_second - 5.0).abs() < 1e-9);
    }

    #[test]
    fn the_table_has_a_line_per_table_and_the_totals() {
        let phases = |copy: f64| Phases {
            copy,
            index: 0.25,
            vacuum: 0.125,
        };
        let tables = vec![
            TableReport::new("organizations", 10, 16_384, phases(0.004)),
            TableReport::new("leads", 20_000, 9_437_184, phases(1.5)),
        ];
        let total = Totals::new(&tables, 2.5);
        let report = SeedReport {
            database: "lma@localhost:5432/lma".into(),
            scale: Some(Scale::Small),
            leads: 20_000,
            seed: 42,
            anchor: "2026-01-01".into(),
            truncated: false,
            fk_triggers_skipped: true,
            tables,
            total,
        };
        insta::assert_snapshot!(crate::output::plain_text(&report));
    }
}
