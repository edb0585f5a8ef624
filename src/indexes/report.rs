//! The report of `lma indexes`: what users read as tables and programs read as JSON.
//!
//! Its shape is a promise (a test pins the JSON), so it is built from the catalog rows here
//! rather than serializing them.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::catalog::{IndexRow, TableRow};
use super::findings::{Finding, Kind};
use super::size::human_size;
use super::usage::Usage;

/// How the table output is laid out (not part of the JSON).
#[derive(Debug, Clone, Copy)]
pub struct View {
    /// Print the inventory of indexes and tables too.
    pub list: bool,
    /// List unused verdicts on young statistics one by one instead of counting them.
    pub all: bool,
    /// The terminal's width in columns.
    pub width: usize,
}

impl Default for View {
    fn default() -> Self {
        Self {
            list: false,
            all: false,
            width: 100,
        }
    }
}

/// The report of `lma indexes`.
#[derive(Debug, Serialize)]
pub struct IndexesReport {
    /// `user@host:port/database` of the primary.
    pub database: String,
    pub server_version: String,
    /// The schemas reported on.
    pub schemas: Vec<String>,
    pub statistics: Statistics,
    /// The finding kinds that make the exit status 1.
    pub fail_on: Vec<Kind>,
    pub findings: Vec<Finding>,
    pub indexes: Vec<IndexEntry>,
    pub tables: Vec<TableEntry>,
    /// How the table output is laid out.
    #[serde(skip)]
    pub view: View,
}

/// How old the usage counters are, which decides whether "unused" can be trusted.
#[derive(Debug, Serialize)]
pub struct Statistics {
    /// The youngest server's start of counting (RFC 3339).
    pub since: String,
    pub age_seconds: u64,
    /// `[indexes] min_stats_age`, in seconds.
    pub min_age_seconds: u64,
    /// Whether "unused" verdicts are reliable: age at least the minimum.
    pub reliable: bool,
    pub servers: Vec<ServerStatistics>,
}

/// One server whose counters were read.
#[derive(Debug, Serialize)]
pub struct ServerStatistics {
    pub server: String,
    /// "primary" or "replica".
    pub role: &'static str,
    pub since: String,
    pub age_seconds: u64,
}

/// One index.
#[derive(Debug, Serialize)]
pub struct IndexEntry {
    pub schema: String,
    pub table: String,
    pub name: String,
    pub access_method: String,
    pub key_columns: Vec<String>,
    pub include_columns: Vec<String>,
    pub predicate: Option<String>,
    pub size_bytes: i64,
    pub size: String,
    /// Summed over the primary and the replicas.
    pub idx_scan: i64,
    pub idx_tup_read: i64,
    pub idx_tup_fetch: i64,
    /// PostgreSQL 16 and later; null before.
    pub last_idx_scan: Option<String>,
    pub flags: Flags,
    /// Why an index the counters call unused is kept anyway.
    pub note: Option<String>,
}

/// What an index is, beyond its columns.
#[derive(Debug, Serialize)]
#[allow(clippy::struct_excessive_bools)] // these are the flags users asked for, one per field
pub struct Flags {
    pub primary: bool,
    pub unique: bool,
    /// Backs a primary key, unique or exclusion constraint.
    pub constraint: bool,
    /// Serves a foreign key's lookups.
    pub foreign_key: bool,
    pub replica_identity: bool,
    pub valid: bool,
}

/// One table.
#[derive(Debug, Serialize)]
pub struct TableEntry {
    pub schema: String,
    pub name: String,
    pub rows: i64,
    pub table_bytes: i64,
    pub table_size: String,
    pub index_count: i64,
    pub index_bytes: i64,
    pub index_size: String,
    pub seq_scan: i64,
    pub seq_tup_read: i64,
}

impl IndexesReport {
    /// Whether any finding makes the exit status 1.
    #[must_use]
    pub fn fails(&self) -> bool {
        self.findings.iter().any(|finding| finding.fails)
    }
}

impl IndexEntry {
    /// The entry of one index, with its summed counters, FK support and keep-note.
    #[must_use]
    pub fn new(index: &IndexRow, usage: &Usage, foreign_key: bool, note: Option<String>) -> Self {
        Self {
            schema: index.schema.clone(),
            table: index.table_name.clone(),
            name: index.index_name.clone(),
            access_method: index.access_method.clone(),
            key_columns: index.key_columns.clone(),
            include_columns: index.include_columns.clone(),
            predicate: index.predicate.clone(),
            size_bytes: index.size_bytes,
            size: human_size(index.size_bytes),
            idx_scan: usage.idx_scan,
            idx_tup_read: usage.idx_tup_read,
            idx_tup_fetch: usage.idx_tup_fetch,
            last_idx_scan: usage.last_idx_scan.map(rfc3339),
            flags: Flags {
                primary: index.is_primary,
                unique: index.is_unique,
                constraint: index.constraint_name.is_some(),
                foreign_key,
                replica_identity: index.is_replica_identity,
                valid: index.is_valid,
            },
            note,
        }
    }
}

impl From<&TableRow> for TableEntry {
    fn from(table: &TableRow) -> Self {
        Self {
            schema: table.schema.clone(),
            name: table.table_name.clone(),
            rows: table.row_estimate,
            table_bytes: table.table_bytes,
            table_size: human_size(table.table_bytes),
            index_count: table.index_count,
            index_bytes: table.index_bytes,
            index_size: human_size(table.index_bytes),
            seq_scan: table.seq_scan,
            seq_tup_read: table.seq_tup_read,
        }
    }
}

/// A timestamp as RFC 3339, or its debug form if it cannot be one.
#[must_use]
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| format!("{at}"))
}

/// Seconds as people read an age, e.g. "3days 4h 5m".
#[must_use]
pub fn human_age(seconds: u64) -> String {
    let rounded = if seconds >= 3600 {
        seconds - seconds % 60
    } else {
        seconds
    };
    humantime_serde::re::humantime::format_duration(std::time::Duration::from_secs(rounded))
        .to_string()
}

impl IndexesReport {
    /// How old the statistics are and what that makes of unused verdicts.
    #[must_use]
    pub fn statistics_line(&self) -> String {
        let stats = &self.statistics;
        let verdict = if stats.reliable {
            "unused verdicts are reliable"
        } else {
            "unused verdicts are UNRELIABLE and never fail the run"
        };
        format!(
            "Statistics since {} ({} ago, youngest of {} server(s)); minimum age {}: {verdict}.",
            stats.since,
            human_age(stats.age_seconds),
            stats.servers.len(),
            human_age(stats.min_age_seconds)
        )
    }
}

impl Flags {
    /// The flags that are set, as words.
    #[must_use]
    pub fn describe(&self) -> String {
        let flags = [
            (self.primary, "primary"),
            (self.unique, "unique"),
            (self.constraint, "constraint"),
            (self.foreign_key, "fk"),
            (self.replica_identity, "replica identity"),
            (!self.valid, "INVALID"),
        ];
        flags
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, name)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}
