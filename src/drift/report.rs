//! The report of `lma drift`: each difference with both definitions and the fix, where simple.

use std::fmt::Write as _;

use serde::Serialize;

use super::compare::Difference;
use crate::output::{Block, Report, Table};

/// The report of `lma drift`.
#[derive(Debug, Serialize)]
pub struct DriftReport {
    pub database: String,
    /// The version the migrations were applied up to (the database's recorded version).
    pub version: Option<i64>,
    /// Objects read from the database.
    pub objects: usize,
    pub differences: Vec<Difference>,
    /// The whole run, the scratch database included.
    pub milliseconds: u64,
}

impl DriftReport {
    /// Whether any difference is not accepted by `[[drift.ignore]]`.
    #[must_use]
    pub fn has_drift(&self) -> bool {
        self.differences.iter().any(|d| d.ignored.is_none())
    }
}

impl Report for DriftReport {
    fn human(&self) -> Vec<Block> {
        let at = self.version.map_or_else(
            || "all the migrations (the database has no history)".to_owned(),
            |v| format!("the migrations up to V{v}"),
        );
        let active: Vec<&Difference> = self
            .differences
            .iter()
            .filter(|d| d.ignored.is_none())
            .collect();
        let mut blocks = Vec::new();
        if !active.is_empty() {
            let mut table =
                Table::new(&["Change", "Kind", "Object", "Database", "Migrations", "Fix"]);
            for d in &active {
                table.row([
                    d.change.label().to_owned(),
                    d.kind.clone(),
                    if d.covers.is_empty() {
                        d.name.clone()
                    } else {
                        format!("{} (and {} inside it)", d.name, d.covers.len())
                    },
                    d.database.clone().unwrap_or_else(|| "-".into()),
                    d.migrations.clone().unwrap_or_else(|| "-".into()),
                    d.fix.clone().unwrap_or_else(|| "(none simple)".into()),
                ]);
            }
            blocks.push(Block::Table(table));
        }
        let ignored = self.differences.len() - active.len();
        let mut summary = format!(
            "{}: {} object{} compared with {at}: {} difference{}",
            self.database,
            self.objects,
            if self.objects == 1 { "" } else { "s" },
            active.len(),
            if active.len() == 1 { "" } else { "s" },
        );
        if ignored > 0 {
            let _ = write!(summary, ", {ignored} ignored by [[drift.ignore]]");
        }
        blocks.push(Block::Line(summary));
        blocks
    }
}
