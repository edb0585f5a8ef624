//! `[indexes]`: the thresholds of `lma indexes` and the findings it accepts.

use std::time::Duration;

use serde::Deserialize;

use super::deserialize_size;

/// `[indexes]`: the thresholds of `lma indexes`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IndexesSection {
    /// Statistics younger than this make "unused" verdicts unreliable, e.g. "7d".
    #[serde(with = "humantime_serde")]
    pub min_stats_age: Duration,
    /// An index scanned at most this many times (all servers together) may be unused.
    #[serde(deserialize_with = "super::number::count")]
    pub unused_max_scans: i64,
    /// ...and only if its scans returned at most this many index entries.
    #[serde(deserialize_with = "super::number::count")]
    pub unused_max_tuples_read: i64,
    /// Bloat is reported only for indexes at least this large, e.g. "10MB".
    #[serde(deserialize_with = "deserialize_size")]
    pub bloat_min_size: i64,
    /// ...and only when the estimated bloat is at least this share of the index, 0 to 1.
    #[serde(deserialize_with = "super::number::share")]
    pub bloat_min_ratio: f64,
    /// Sequential scans are reported only on tables with at least this many rows.
    #[serde(deserialize_with = "super::number::count")]
    pub seq_scan_min_rows: i64,
    /// ...that were scanned sequentially at least this many times.
    #[serde(deserialize_with = "super::number::count")]
    pub seq_scan_min_scans: i64,
    /// ...where sequential scans read at least this share of the rows read, 0 to 1.
    #[serde(deserialize_with = "super::number::share")]
    pub seq_scan_min_ratio: f64,
    /// A sequence feeding a column is near overflow past this share of its range, 0 to 1.
    #[serde(deserialize_with = "super::number::share")]
    pub overflow_min_share: f64,
    /// A B-tree led by a nullable column is reported when at least this share of rows is NULL...
    #[serde(deserialize_with = "super::number::share")]
    pub mostly_null_min_share: f64,
    /// ...and the index is at least this large, e.g. "1MB".
    #[serde(deserialize_with = "deserialize_size")]
    pub mostly_null_min_size: i64,
    /// `[[indexes.ignore]]`: findings accepted, each with its reason.
    pub ignore: Vec<IgnoreEntry>,
}

/// One `[[indexes.ignore]]` entry: glob patterns (`*`, `?`) on a finding's kind, table and index
/// (or constraint); an omitted pattern matches anything. The reason is required.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreEntry {
    #[serde(default = "any")]
    pub kind: String,
    #[serde(default = "any")]
    pub table: String,
    #[serde(default = "any")]
    pub index: String,
    pub reason: String,
}

fn any() -> String {
    "*".to_owned()
}

impl Default for IndexesSection {
    fn default() -> Self {
        Self {
            min_stats_age: Duration::from_hours(7 * 24),
            unused_max_scans: 0,
            unused_max_tuples_read: 0,
            bloat_min_size: 10 * 1024 * 1024,
            bloat_min_ratio: 0.3,
            seq_scan_min_rows: 10_000,
            seq_scan_min_scans: 100,
            seq_scan_min_ratio: 0.9,
            overflow_min_share: 0.75,
            mostly_null_min_share: 0.5,
            mostly_null_min_size: 1024 * 1024,
            ignore: Vec::new(),
        }
    }
}
