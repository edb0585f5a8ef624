//! `lma explain NAME`: one check's plan for its first parameter sample (the largest tenant), as
//! an annotated tree: the scan direction, index and filter conditions, time, rows against the
//! estimate, loops, the node's own buffers, flagged misestimates, rows removed by filters, heap
//! fetches, and sorts that went to disk.

use std::fmt::Write as _;

use serde::Serialize;

use super::plan::{Node, FLAG_MISESTIMATE};
use super::runner::{self, Runs, Setting};
use super::{catalog, load, CatalogOptions, Session};
use crate::context::Context;
use crate::exit::ExitStatus;
use crate::output::{Block, Report, Table, Tone};

/// The report of `lma explain`.
#[derive(Debug, Serialize)]
pub struct ExplainReport {
    pub check: String,
    pub description: String,
    /// The check's `-- note:` lines, joined.
    pub note: Option<String>,
    pub mode: &'static str,
    /// The sample's parameters, as text.
    pub params: Vec<Option<String>>,
    pub settings: Vec<Setting>,
    pub planning_ms: f64,
    pub execution_ms: f64,
    /// Shared buffers (hit + read) of the whole execution.
    pub buffers: u64,
    pub plan: PlanNode,
}

/// One node of the annotated tree.
#[derive(Debug, Serialize)]
pub struct PlanNode {
    pub node_type: String,
    pub join_type: Option<String>,
    /// `Backward` for an index read in reverse order (`Index Scan Backward`); `Forward`, or
    /// `None` for nodes that are not scans.
    pub scan_direction: Option<String>,
    pub relation: Option<String>,
    pub index: Option<String>,
    /// The conditions PostgreSQL prints under the node, as it prints them.
    pub index_cond: Option<String>,
    pub recheck_cond: Option<String>,
    pub filter: Option<String>,
    pub join_filter: Option<String>,
    pub hash_cond: Option<String>,
    /// Time in this node and below, over all loops.
    pub time_ms: f64,
    /// Actual rows over all loops.
    pub rows: f64,
    /// Estimated rows over all loops.
    pub estimated_rows: f64,
    pub loops: f64,
    /// The estimate's error factor; `None` when not judged (never run, or stopped by a LIMIT).
    pub misestimate: Option<f64>,
    /// Misestimated by 10× or more.
    pub flagged: bool,
    /// Shared buffers of this node alone (its children's subtracted).
    pub buffers: u64,
    pub rows_removed_by_filter: Option<f64>,
    pub heap_fetches: Option<f64>,
    pub sort_method: Option<String>,
    pub sort_space_kb: Option<f64>,
    /// Wrote temporary files (a disk sort or a spilled hash or aggregate).
    pub spilled: bool,
    pub children: Vec<PlanNode>,
}

impl PlanNode {
    fn of(node: &Node, under_limit: bool) -> Self {
        let misestimate = node
            .misestimate(under_limit)
            .map(|f| (f * 10.0).round() / 10.0);
        let below = under_limit || node.node_type == "Limit";
        Self {
            node_type: node.node_type.clone(),
            join_type: node.join_type.clone(),
            scan_direction: node.scan_direction.clone(),
            relation: node.relation.clone(),
            index: node.index.clone(),
            index_cond: node.index_cond.clone(),
            recheck_cond: node.recheck_cond.clone(),
            filter: node.filter.clone(),
            join_filter: node.join_filter.clone(),
            hash_cond: node.hash_cond.clone(),
            time_ms: (node.total_ms() * 1000.0).round() / 1000.0,
            rows: node.total_rows(),
            estimated_rows: node.plan_rows * node.loops.max(1.0),
            loops: node.loops,
            misestimate,
            flagged: misestimate.is_some_and(|f| f >= FLAG_MISESTIMATE),
            buffers: node.exclusive_buffers(),
            rows_removed_by_filter: node.rows_removed_by_filter.map(|r| r * node.loops.max(1.0)),
            heap_fetches: node.heap_fetches,
            sort_method: node.sort_method.clone(),
            sort_space_kb: node.sort_space_kb,
            spilled: node.spilled(),
            children: node.children.iter().map(|c| Self::of(c, below)).collect(),
        }
    }

    fn label(&self) -> String {
        let mut label = self.node_type.clone();
        if self.scan_direction.as_deref() == Some("Backward") {
            label.push_str(" Backward");
        }
        if let Some(join) = &self.join_type {
            label = format!("{label} ({join})");
        }
        if let Some(index) = &self.index {
            let _ = write!(label, " using {index}");
        }
        if let Some(relation) = &self.relation {
            let _ = write!(label, " on {relation}");
        }
        label
    }

    fn conditions(&self) -> Vec<(&'static str, &str)> {
        [
            ("Index Cond", &self.index_cond),
            ("Recheck Cond", &self.recheck_cond),
            ("Hash Cond", &self.hash_cond),
            ("Join Filter", &self.join_filter),
            ("Filter", &self.filter),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_deref().map(|v| (name, v)))
        .collect()
    }

    fn notes(&self) -> (String, Tone) {
        let mut notes = Vec::new();
        let mut tone = Tone::Plain;
        if self.flagged {
            notes.push(format!(
                "MISESTIMATE {:.0}x",
                self.misestimate.unwrap_or(0.0)
            ));
            tone = Tone::Warn;
        }
        // As PostgreSQL's text format: a filter that removed nothing says nothing.
        if let Some(removed) = self.rows_removed_by_filter.filter(|&r| r > 0.0) {
            notes.push(format!("{removed:.0} removed by filter"));
        }
        if let Some(fetches) = self.heap_fetches {
            notes.push(format!("{fetches:.0} heap fetches"));
        }
        if let Some(method) = &self.sort_method {
            let kb = self.sort_space_kb.unwrap_or(0.0);
            notes.push(format!("sort {method}, {kb:.0} kB"));
        }
        if self.spilled {
            notes.push("SPILLED TO DISK".to_owned());
            tone = Tone::Bad;
        }
        if self.loops == 0.0 {
            notes.push("never executed".to_owned());
        }
        (notes.join("; "), tone)
    }

    fn rows_into(&self, prefix: &str, last: bool, root: bool, table: &mut Table) {
        let branch = match (root, last) {
            (true, _) => String::new(),
            (false, true) => format!("{prefix}└─ "),
            (false, false) => format!("{prefix}├─ "),
        };
        let (notes, tone) = self.notes();
        table.toned_row(vec![
            (format!("{branch}{}", self.label()), Tone::Plain),
            (format!("{:.3}", self.time_ms), Tone::Plain),
            (format!("{:.0}", self.rows), Tone::Plain),
            (format!("{:.0}", self.estimated_rows), tone),
            (format!("{:.0}", self.loops), Tone::Plain),
            (self.buffers.to_string(), Tone::Plain),
            (notes, tone),
        ]);
        let child_prefix = match (root, last) {
            (true, _) => String::new(),
            (false, true) => format!("{prefix}   "),
            (false, false) => format!("{prefix}│  "),
        };
        // Under the node, as in PostgreSQL's text format, with the line down to its children.
        let down = if self.children.is_empty() {
            "  "
        } else {
            "│ "
        };
        for (name, condition) in self.conditions() {
            let mut row = vec![(
                format!("{child_prefix}{down} {name}: {condition}"),
                Tone::Plain,
            )];
            row.extend(std::iter::repeat_with(|| (String::new(), Tone::Plain)).take(6));
            table.toned_row(row);
        }
        for (i, child) in self.children.iter().enumerate() {
            child.rows_into(&child_prefix, i + 1 == self.children.len(), false, table);
        }
    }
}

impl Report for ExplainReport {
    fn human(&self) -> Vec<Block> {
        let params: Vec<&str> = self
            .params
            .iter()
            .map(|p| p.as_deref().unwrap_or("NULL"))
            .collect();
        let settings: Vec<String> = self
            .settings
            .iter()
            .map(|s| format!("{}={}", s.name, s.value))
            .collect();
        let mut table = Table::new(&[
            "Node", "ms", "Rows", "Estimate", "Loops", "Buffers", "Notes",
        ])
        .right_aligned(&[1, 2, 3, 4, 5]);
        self.plan.rows_into("", true, true, &mut table);
        let mut blocks = vec![
            Block::Heading(format!("{}: {}", self.check, self.description)),
            Block::Line(format!(
                "params ({}) as {}; {}",
                params.join(", "),
                self.mode,
                settings.join(" ")
            )),
            Block::Line(format!(
                "planning {:.3} ms, execution {:.3} ms, {} shared buffers",
                self.planning_ms, self.execution_ms, self.buffers
            )),
            Block::Table(table),
            Block::Line(
                "ms and rows are over all loops; buffers are the node's own (children subtracted)."
                    .into(),
            ),
        ];
        // The note follows the heading: why the check's rules are what they are.
        if let Some(note) = &self.note {
            blocks.insert(1, Block::Line(format!("note: {note}")));
        }
        blocks
    }
}

/// Runs `lma explain NAME`.
pub async fn run(
    context: &Context,
    name: &str,
    catalog_options: &CatalogOptions,
) -> anyhow::Result<ExitStatus> {
    let checks = catalog::select(load(catalog_options)?, &[name.to_owned()])?;
    let check = &checks[0];
    let session = Session::open(context, catalog_options).await?;
    let samples = session.samples(check).await?;
    let first = samples.into_iter().take(1).collect();
    let runs = Runs {
        warmup: 1,
        iterations: 1,
    };
    let as_app_role = session.options.as_app_role;
    let measurement = runner::measure(&session.client, check, first, runs, as_app_role).await?;
    let explain = &measurement.plans[0];
    let report = ExplainReport {
        check: check.name.clone(),
        description: check.description.clone(),
        note: check.note.clone(),
        mode: session.mode(),
        params: measurement.samples[0].clone(),
        settings: session.settings.clone(),
        planning_ms: explain.planning_ms,
        execution_ms: explain.execution_ms,
        buffers: explain.plan.buffers(),
        plan: PlanNode::of(&explain.plan, false),
    };
    context.emit(&report)?;
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq_scan(removed: u32) -> PlanNode {
        let json = serde_json::json!([{
            "Plan": {
                "Node Type": "Seq Scan", "Relation Name": "t", "Filter": "(x = 1)",
                "Rows Removed by Filter": removed, "Plan Rows": 1, "Actual Rows": 1,
                "Actual Loops": 1, "Actual Total Time": 0.01, "Shared Hit Blocks": 1
            },
            "Planning Time": 0.01, "Execution Time": 0.01
        }]);
        PlanNode::of(&crate::check::plan::parse(&json).unwrap().plan, false)
    }

    #[test]
    fn a_filter_that_removed_no_rows_has_no_note_as_in_postgresql_text_format() {
        assert!(!seq_scan(0).notes().0.contains("removed"));
        assert!(seq_scan(3).notes().0.contains("3 removed by filter"));
        assert_eq!(seq_scan(0).rows_removed_by_filter, Some(0.0));
    }

    #[test]
    fn the_tree_draws_branches_conditions_and_notes() {
        let explain = crate::check::recorded("nested_loop_view");
        let report = ExplainReport {
            check: "lead_summary".into(),
            description: "A tenant's leads with their latest notes.".into(),
            note: Some("reads the view, as the application does.".into()),
            mode: "owner",
            params: vec![Some("1".into()), None],
            settings: vec![Setting {
                name: "jit".into(),
                value: "off".into(),
            }],
            planning_ms: explain.planning_ms,
            execution_ms: explain.execution_ms,
            buffers: explain.plan.buffers(),
            plan: PlanNode::of(&explain.plan, false),
        };
        insta::assert_snapshot!(crate::output::plain_text(&report));
    }
}
