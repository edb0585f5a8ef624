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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::compare::Change;

    fn difference(change: Change, kind: &str, name: &str) -> Difference {
        Difference {
            change,
            kind: kind.to_owned(),
            name: name.to_owned(),
            database: None,
            migrations: None,
            fix: None,
            covers: Vec::new(),
            ignored: None,
        }
    }

    #[test]
    fn the_table_shows_both_definitions_and_the_fix_and_counts_the_ignored() {
        let hotfix = Difference {
            database: Some("CREATE INDEX idx_leads_hot ON public.leads USING btree (score)".into()),
            fix: Some("DROP INDEX CONCURRENTLY public.idx_leads_hot;".into()),
            ..difference(Change::Added, "index", "public.idx_leads_hot")
        };
        let dropped = Difference {
            migrations: Some("CREATE TABLE public.notes (…)".into()),
            covers: vec![
                "column public.notes.body".into(),
                "index public.notes_pkey".into(),
            ],
            ..difference(Change::Missing, "table", "public.notes")
        };
        let accepted = Difference {
            ignored: Some("managed by the DBA".into()),
            ..difference(Change::Changed, "role", "lma_app")
        };
        let report = DriftReport {
            database: "lma@localhost:5432/lma".into(),
            version: Some(28),
            objects: 412,
            differences: vec![hotfix, dropped, accepted],
            milliseconds: 900,
        };
        insta::assert_snapshot!(crate::output::plain_text(&report));
    }

    #[test]
    fn without_differences_the_report_is_one_line() {
        let report = DriftReport {
            database: "lma@localhost:5432/lma".into(),
            version: None,
            objects: 1,
            differences: Vec::new(),
            milliseconds: 900,
        };
        insta::assert_snapshot!(crate::output::plain_text(&report));
    }
}
