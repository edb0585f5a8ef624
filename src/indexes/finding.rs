//! A finding of `lma indexes` and the facts findings are decided from: its kind (what
//! `--fail-on` names), the table and index or constraint, the reason, and the fix.

use clap::ValueEnum;
use serde::Serialize;

use super::catalog::{BloatRow, Checks, ForeignKeyRow, IndexRow, TableRow};
use super::naming::Names;
use super::usage::Usage;
use crate::config::IndexesSection;

/// What a finding is about; `--fail-on` takes these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Few or no scans since the statistics were reset.
    Unused,
    /// Another index serves the same queries and enforces as much.
    Redundant,
    /// A foreign key whose referential-integrity lookup would read a table without an index.
    MissingFk,
    /// An index left invalid by a failed concurrent build.
    Invalid,
    /// A B-tree estimated to be much larger than a fresh build.
    Bloat,
    /// A large table read mostly by sequential scans.
    SeqScan,
    /// A sequence feeding a column has used much of its range (or its column type's).
    Overflow,
    /// A CHECK or foreign-key constraint added NOT VALID and never validated.
    NotValid,
    /// A foreign key whose columns' types differ from the referenced key's.
    FkType,
    /// A foreign key another one duplicates or overlaps.
    DuplicateFk,
    /// A table without a primary key.
    NoPrimaryKey,
    /// A B-tree led by a column that is mostly NULL.
    MostlyNull,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 12] = [
        Kind::Invalid,
        Kind::MissingFk,
        Kind::Redundant,
        Kind::Unused,
        Kind::Bloat,
        Kind::SeqScan,
        Kind::Overflow,
        Kind::NotValid,
        Kind::FkType,
        Kind::DuplicateFk,
        Kind::NoPrimaryKey,
        Kind::MostlyNull,
    ];

    /// The name users type and read.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Kind::Unused => "unused",
            Kind::Redundant => "redundant",
            Kind::MissingFk => "missing-fk",
            Kind::Invalid => "invalid",
            Kind::Bloat => "bloat",
            Kind::SeqScan => "seq-scan",
            Kind::Overflow => "overflow",
            Kind::NotValid => "not-valid",
            Kind::FkType => "fk-type",
            Kind::DuplicateFk => "duplicate-fk",
            Kind::NoPrimaryKey => "no-primary-key",
            Kind::MostlyNull => "mostly-null",
        }
    }
}

/// One problem, with its fix.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub kind: Kind,
    /// The table, schema-qualified and quoted as SQL needs it.
    pub table: String,
    /// The index, schema-qualified and quoted; null for missing-fk and seq-scan.
    pub index: Option<String>,
    /// The constraint, for missing-fk.
    pub constraint: Option<String>,
    pub reason: String,
    /// The statement that fixes it; null when the fix is not one statement (seq-scan).
    pub sql: Option<String>,
    /// False for "unused" verdicts on statistics younger than the configured minimum age.
    pub reliable: bool,
    /// Whether this finding makes the exit status 1, given --fail-on.
    pub fails: bool,
    /// Why it is accepted, when an `[[indexes.ignore]]` entry matches it; it then never fails.
    pub ignored: Option<String>,
    /// What it costs, to sort the table output: the index's size for an index finding, else
    /// the table's (what every write maintains, or every unindexed lookup scans).
    #[serde(skip)]
    pub cost_bytes: i64,
}

impl Finding {
    pub(super) fn new(kind: Kind, table: &str, reason: String, sql: Option<String>) -> Self {
        Self {
            kind,
            table: table.to_owned(),
            index: None,
            constraint: None,
            reason,
            sql,
            reliable: true,
            fails: false,
            ignored: None,
            cost_bytes: 0,
        }
    }

    pub(super) fn on_index(kind: Kind, index: &IndexRow, reason: String, sql: String) -> Self {
        Self {
            index: Some(index.index_sql.clone()),
            ..Self::new(kind, &index.table_sql, reason, Some(sql))
        }
    }
}

/// Everything the findings are decided from.
#[derive(Debug)]
pub struct Facts<'a> {
    pub indexes: &'a [IndexRow],
    /// Each index's counters summed over the servers, in the order of `indexes`.
    pub usage: &'a [Usage],
    pub foreign_keys: &'a [ForeignKeyRow],
    pub tables: &'a [TableRow],
    pub bloat: &'a [BloatRow],
    pub checks: &'a Checks,
    /// The relation names of the schemas, which the indexes fixes create must not take.
    pub names: &'a Names,
    pub thresholds: &'a IndexesSection,
    /// Whether the statistics are old enough for "unused" verdicts.
    pub stats_reliable: bool,
    /// How the statistics' age reads, for reasons: e.g. "2days 3h, primary and 1 replica".
    pub stats_note: &'a str,
}
