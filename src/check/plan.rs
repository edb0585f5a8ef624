//! EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) output as typed nodes, and what lma reads from it:
//! exclusive buffers, rows × loops, misestimates, indexes used, spills and the plan's shape.

use std::fmt::Write as _;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

/// One EXPLAIN ANALYZE result: the plan tree and the server's timings.
#[derive(Debug, Clone, Deserialize)]
pub struct Explain {
    #[serde(rename = "Plan")]
    pub plan: Node,
    #[serde(rename = "Planning Time", default)]
    pub planning_ms: f64,
    #[serde(rename = "Execution Time", default)]
    pub execution_ms: f64,
}

/// One plan node, with the fields lma uses (PostgreSQL's JSON names).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Node {
    #[serde(rename = "Node Type")]
    pub node_type: String,
    #[serde(rename = "Parent Relationship")]
    pub parent_relationship: Option<String>,
    #[serde(rename = "Relation Name")]
    pub relation: Option<String>,
    #[serde(rename = "Index Name")]
    pub index: Option<String>,
    #[serde(rename = "Join Type")]
    pub join_type: Option<String>,
    /// `Forward`, `Backward` (an index read in reverse order) or `NoMovement`.
    #[serde(rename = "Scan Direction")]
    pub scan_direction: Option<String>,
    #[serde(rename = "Index Cond")]
    pub index_cond: Option<String>,
    #[serde(rename = "Recheck Cond")]
    pub recheck_cond: Option<String>,
    #[serde(rename = "Filter")]
    pub filter: Option<String>,
    #[serde(rename = "Join Filter")]
    pub join_filter: Option<String>,
    #[serde(rename = "Hash Cond")]
    pub hash_cond: Option<String>,
    #[serde(rename = "Merge Cond")]
    pub merge_cond: Option<String>,
    /// The relation's alias in the query, as conditions name it under VERBOSE.
    #[serde(rename = "Alias")]
    pub alias: Option<String>,
    /// The relation's schema (EXPLAIN VERBOSE only).
    #[serde(rename = "Schema")]
    pub schema: Option<String>,
    /// The node's output expressions (EXPLAIN VERBOSE only).
    #[serde(rename = "Output")]
    pub output: Vec<String>,
    #[serde(rename = "Sort Key")]
    pub sort_key: Vec<String>,
    /// The planner's estimated cost of the whole node, in its arbitrary units.
    #[serde(rename = "Total Cost")]
    pub total_cost: f64,
    #[serde(rename = "Plan Rows")]
    pub plan_rows: f64,
    #[serde(rename = "Actual Total Time")]
    pub actual_total_ms: f64,
    #[serde(rename = "Actual Rows")]
    pub actual_rows: f64,
    #[serde(rename = "Actual Loops")]
    pub loops: f64,
    #[serde(rename = "Rows Removed by Filter")]
    pub rows_removed_by_filter: Option<f64>,
    #[serde(rename = "Heap Fetches")]
    pub heap_fetches: Option<f64>,
    #[serde(rename = "Sort Method")]
    pub sort_method: Option<String>,
    #[serde(rename = "Sort Space Type")]
    pub sort_space_type: Option<String>,
    #[serde(rename = "Sort Space Used")]
    pub sort_space_kb: Option<f64>,
    #[serde(rename = "Shared Hit Blocks")]
    pub shared_hit: u64,
    #[serde(rename = "Shared Read Blocks")]
    pub shared_read: u64,
    #[serde(rename = "Local Hit Blocks")]
    pub local_hit: u64,
    #[serde(rename = "Local Read Blocks")]
    pub local_read: u64,
    #[serde(rename = "Temp Read Blocks")]
    pub temp_read: u64,
    #[serde(rename = "Temp Written Blocks")]
    pub temp_written: u64,
    #[serde(rename = "Plans")]
    pub children: Vec<Node>,
}

/// An index a plan read, and the table it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IndexUse {
    pub index: String,
    pub relation: Option<String>,
}

/// Misestimates at least this large are flagged in `lma explain`.
pub const FLAG_MISESTIMATE: f64 = 10.0;

/// Parses the JSON document EXPLAIN (FORMAT JSON) returns: an array of one result.
pub fn parse(json: &serde_json::Value) -> anyhow::Result<Explain> {
    let mut results: Vec<Explain> =
        serde_json::from_value(json.clone()).context("unexpected EXPLAIN JSON")?;
    results.pop().context("EXPLAIN returned no plan")
}

impl Explain {
    /// The server time of one execution: planning plus execution, as a custom-planned
    /// statement of the application costs.
    #[must_use]
    pub fn total_ms(&self) -> f64 {
        self.planning_ms + self.execution_ms
    }
}

impl Node {
    /// Shared buffers (hit + read) of this node and everything below it.
    #[must_use]
    pub fn buffers(&self) -> u64 {
        self.shared_hit + self.shared_read
    }

    /// Shared buffers of this node alone: PostgreSQL reports them inclusive of the children.
    #[must_use]
    pub fn exclusive_buffers(&self) -> u64 {
        let below: u64 = self.children.iter().map(Node::buffers).sum();
        self.buffers().saturating_sub(below)
    }

    /// Rows produced over all loops (PostgreSQL reports a per-loop average).
    #[must_use]
    pub fn total_rows(&self) -> f64 {
        self.actual_rows * self.loops
    }

    /// Time spent in this node and below over all loops, in milliseconds.
    #[must_use]
    pub fn total_ms(&self) -> f64 {
        self.actual_total_ms * self.loops
    }

    /// Whether the node ran at all ("never executed" nodes have no loops).
    #[must_use]
    pub fn executed(&self) -> bool {
        self.loops > 0.0
    }

    /// Whether this node wrote temporary files: a disk sort, a hash or an aggregate that spilled.
    #[must_use]
    pub fn spilled(&self) -> bool {
        self.sort_space_type.as_deref() == Some("Disk") || self.exclusive_temp_blocks() > 0
    }

    fn exclusive_temp_blocks(&self) -> u64 {
        let own = self.temp_read + self.temp_written;
        let below: u64 = self
            .children
            .iter()
            .map(|c| c.temp_read + c.temp_written)
            .sum();
        own.saturating_sub(below)
    }

    /// How far the row estimate is off, as a factor ≥ 1 (per loop, as both are reported).
    /// `None` when it cannot be judged: a node never run, or one a LIMIT stopped early.
    #[must_use]
    pub fn misestimate(&self, under_limit: bool) -> Option<f64> {
        if !self.executed() || (under_limit && self.actual_rows < self.plan_rows) {
            return None;
        }
        let actual = self.actual_rows.max(1.0);
        let planned = self.plan_rows.max(1.0);
        Some((actual / planned).max(planned / actual))
    }

    /// Every node of the tree, depth first, with whether a LIMIT is above it.
    #[must_use]
    pub fn walk(&self) -> Vec<(&Node, bool)> {
        let mut out = Vec::new();
        self.walk_into(false, &mut out);
        out
    }

    fn walk_into<'a>(&'a self, under_limit: bool, out: &mut Vec<(&'a Node, bool)>) {
        out.push((self, under_limit));
        let below = under_limit || self.node_type == "Limit";
        for child in &self.children {
            child.walk_into(below, out);
        }
    }

    /// The largest misestimate in the tree.
    #[must_use]
    pub fn worst_misestimate(&self) -> f64 {
        self.walk()
            .into_iter()
            .filter_map(|(node, under_limit)| node.misestimate(under_limit))
            .fold(1.0, f64::max)
    }

    /// Heap fetches of all index-only scans (PostgreSQL reports them over all loops already).
    #[must_use]
    pub fn heap_fetches(&self) -> f64 {
        self.walk()
            .iter()
            .filter_map(|(node, _)| node.heap_fetches)
            .sum()
    }

    /// Temporary blocks read and written by the whole tree.
    #[must_use]
    pub fn temp_blocks(&self) -> u64 {
        self.temp_read + self.temp_written
    }

    /// Whether any node spilled to disk.
    #[must_use]
    pub fn any_spill(&self) -> bool {
        self.walk().iter().any(|(node, _)| node.spilled())
    }

    /// The relations read by a Seq Scan.
    #[must_use]
    pub fn seq_scanned(&self) -> Vec<String> {
        self.walk()
            .iter()
            .filter(|(node, _)| node.node_type == "Seq Scan")
            .filter_map(|(node, _)| node.relation.clone())
            .collect()
    }

    /// The relations the plan reads or writes, each once.
    #[must_use]
    pub fn relations(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .walk()
            .iter()
            .filter_map(|(node, _)| node.relation.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The indexes read, each with its table. A Bitmap Index Scan names no table, so it takes
    /// the one of the Bitmap Heap Scan above it.
    #[must_use]
    pub fn indexes(&self) -> Vec<IndexUse> {
        let mut out = Vec::new();
        self.indexes_into(None, &mut out);
        out.sort();
        out.dedup();
        out
    }

    fn indexes_into(&self, heap: Option<&str>, out: &mut Vec<IndexUse>) {
        let heap = self.relation.as_deref().or(heap);
        if let Some(index) = &self.index {
            out.push(IndexUse {
                index: index.clone(),
                relation: heap.map(str::to_owned),
            });
        }
        for child in &self.children {
            child.indexes_into(heap, out);
        }
    }

    /// The plan's shape: node types, join types, relations and indexes, without numbers.
    /// Two runs with the same fingerprint used the same plan.
    #[must_use]
    pub fn fingerprint(&self) -> String {
        let mut out = self.node_type.clone();
        if let Some(join) = &self.join_type {
            let _ = write!(out, " {join}");
        }
        if let Some(index) = &self.index {
            let _ = write!(out, " using {index}");
        }
        if let Some(relation) = &self.relation {
            let _ = write!(out, " on {relation}");
        }
        if !self.children.is_empty() {
            let children: Vec<String> = self.children.iter().map(Node::fingerprint).collect();
            let _ = write!(out, "({})", children.join(", "));
        }
        out
    }

    /// The flat list of nodes' shapes, what a baseline compares.
    #[must_use]
    pub fn shape(&self) -> Vec<ShapeNode> {
        self.walk()
            .into_iter()
            .map(|(node, _)| ShapeNode {
                node_type: node.node_type.clone(),
                relation: node.relation.clone(),
                index: node.index.clone(),
                join_type: node.join_type.clone(),
            })
            .collect()
    }
}

/// One node of a plan's shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShapeNode {
    pub node_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_type: Option<String>,
}

impl ShapeNode {
    /// A join node: Nested Loop, Hash Join or Merge Join.
    #[must_use]
    pub fn is_join(&self) -> bool {
        matches!(
            self.node_type.as_str(),
            "Nested Loop" | "Hash Join" | "Merge Join"
        )
    }

    /// A sort node: Sort or Incremental Sort.
    #[must_use]
    pub fn is_sort(&self) -> bool {
        self.node_type.ends_with("Sort")
    }
}

#[cfg(test)]
mod tests {
    use crate::check::recorded;

    #[test]
    fn exclusive_buffers_subtract_the_children() {
        let explain = recorded("nested_loop_view");
        let root = &explain.plan;
        assert_eq!(root.node_type, "Limit");
        assert_eq!(root.buffers(), 126);
        assert_eq!(root.exclusive_buffers(), 0);
        let join = &root.children[0];
        assert_eq!(join.exclusive_buffers(), 126 - 85 - 41);
        let notes = &join.children[1].children[0];
        assert_eq!(notes.index.as_deref(), Some("ix_lead_notes_lead_id"));
        assert_eq!(notes.exclusive_buffers(), 41);
    }

    #[test]
    fn rows_are_multiplied_by_loops() {
        let explain = recorded("nested_loop_view");
        let comms = &explain.plan.children[0].children[0].children[1].children[0];
        assert_eq!(comms.node_type, "Index Only Scan");
        assert!((comms.loops - 20.0).abs() < f64::EPSILON);
        assert!((comms.total_rows() - 60.0).abs() < f64::EPSILON);
    }

    #[test]
    fn indexes_are_named_with_their_table_even_under_a_bitmap_heap_scan() {
        let indexes = recorded("bitmap_misestimate").plan.indexes();
        assert_eq!(indexes.len(), 1);
        assert_eq!(indexes[0].index, "idx_communications_upcoming");
        assert_eq!(indexes[0].relation.as_deref(), Some("communications"));
        let view = recorded("nested_loop_view").plan.indexes();
        let names: Vec<&str> = view.iter().map(|u| u.index.as_str()).collect();
        assert_eq!(
            names,
            [
                "idx_communications_lead_type_date",
                "idx_leads_org_score_temp",
                "ix_lead_notes_lead_id"
            ]
        );
    }

    #[test]
    fn misestimates_count_unless_a_limit_stopped_the_node() {
        // 857 rows against an estimate of 38: more than estimated, so the LIMIT is no excuse.
        let worst = recorded("bitmap_misestimate").plan.worst_misestimate();
        assert!((22.0..23.0).contains(&worst), "{worst}");
        // The index scan stops after 50 of an estimated 171 rows: not a misestimate.
        let limited = recorded("index_scan_under_limit").plan.worst_misestimate();
        assert!(limited < 2.0, "{limited}");
    }

    #[test]
    fn a_sort_that_went_to_disk_is_a_spill() {
        let disk = recorded("disk_sort");
        assert!(disk.plan.any_spill());
        assert!(disk.plan.temp_blocks() > 0);
        assert!(!recorded("seq_scan_sort").plan.any_spill());
        assert!(!recorded("index_only_aggregate").plan.any_spill());
    }

    #[test]
    fn heap_fetches_and_seq_scans_are_read_from_the_plan() {
        let aggregate = recorded("index_only_aggregate");
        assert!(aggregate.plan.heap_fetches().abs() < f64::EPSILON);
        assert!(aggregate.plan.seq_scanned().is_empty());
        assert_eq!(recorded("seq_scan_sort").plan.seq_scanned(), ["leads"]);
    }

    #[test]
    fn fingerprints_name_node_types_indexes_and_relations_without_numbers() {
        assert_eq!(
            recorded("index_scan_under_limit").plan.fingerprint(),
            "Limit(Index Only Scan using idx_leads_assignable on leads)"
        );
        assert_eq!(
            recorded("seq_scan_sort").plan.fingerprint(),
            "Limit(Sort(Seq Scan on leads))"
        );
        let view = recorded("nested_loop_view").plan.fingerprint();
        assert!(view.starts_with("Limit(Nested Loop Inner("), "{view}");
    }
}
