//! Foreign-key lookups as the planner plans them: whether the referential-integrity query that
//! a `DELETE` or key `UPDATE` on the referenced table runs would read an index.
//!
//! The query is the one ri_triggers.c builds (see sql/reports/foreign_keys.sql), planned as a
//! generic plan because that is how the trigger caches it: its parameter is never a constant.
//! See docs/indexes.md for the plans this is based on.

use serde_json::Value;
use tokio_postgres::{Client, SimpleQueryMessage};

use super::catalog::ForeignKeyRow;

/// What the planner said about one foreign key's lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The generic plan: the indexes it scans, and the tables it reads without one.
    Planned {
        indexes: Vec<String>,
        unindexed: Vec<String>,
    },
    /// The planner could not be asked (e.g. `FOR KEY SHARE` needs the UPDATE privilege, or a
    /// lock was held); the catalog rule decides instead.
    Unplanned { why: String },
}

/// Settings for the lookup's transaction. The trigger's cached plan is generic. Sequential
/// scans are priced out so that a tiny table, which the planner would rightly read whole,
/// still shows whether an index could serve the lookup; pruning is off because a generic plan
/// of the parameter NULL would otherwise prune every partition at executor start. The lock
/// timeout keeps lma from queueing behind a migration's ACCESS EXCLUSIVE lock.
const SETTINGS: &str = "BEGIN READ ONLY; \
    SET LOCAL plan_cache_mode = force_generic_plan; \
    SET LOCAL enable_seqscan = off; \
    SET LOCAL enable_partition_pruning = off; \
    SET LOCAL lock_timeout = '2s'";

const STATEMENT: &str = "lma_fk_lookup";

/// Asks the planner about each foreign key's lookup, one short read-only transaction each
/// (`FOR KEY SHARE` takes a ROW SHARE lock at planning, held only until that rollback).
pub async fn plan_all(client: &Client, foreign_keys: &[ForeignKeyRow]) -> Vec<Lookup> {
    let mut lookups = Vec::with_capacity(foreign_keys.len());
    for fk in foreign_keys {
        lookups.push(plan(client, fk).await);
    }
    lookups
}

async fn plan(client: &Client, fk: &ForeignKeyRow) -> Lookup {
    let outcome = explain(client, fk).await;
    // Prepared statements outlive transactions, so DEALLOCATE comes after the rollback.
    let _ = client.batch_execute("ROLLBACK").await;
    let _ = client
        .batch_execute(&format!("DEALLOCATE {STATEMENT}"))
        .await;
    match outcome {
        Ok(plan) => parse(&plan),
        Err(err) => Lookup::Unplanned {
            why: err
                .as_db_error()
                .map_or_else(|| err.to_string(), |db| db.message().to_owned()),
        },
    }
}

/// The generic plan of the lookup, as EXPLAIN's JSON.
async fn explain(client: &Client, fk: &ForeignKeyRow) -> Result<Value, tokio_postgres::Error> {
    client.batch_execute(SETTINGS).await?;
    // The query and types come from the catalog, quoted there with format('%I').
    client
        .batch_execute(&format!(
            "PREPARE {STATEMENT} ({}) AS {}",
            fk.lookup_types, fk.lookup_query
        ))
        .await?;
    let nulls = vec!["NULL"; fk.columns.len()].join(", ");
    let messages = client
        .simple_query(&format!(
            "EXPLAIN (FORMAT JSON) EXECUTE {STATEMENT} ({nulls})"
        ))
        .await?;
    let text = messages
        .iter()
        .find_map(|message| match message {
            SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        })
        .unwrap_or_default();
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The indexes a plan scans and the relations it reads without an index.
#[must_use]
pub fn parse(plan: &Value) -> Lookup {
    let mut indexes = Vec::new();
    let mut unindexed = Vec::new();
    let Some(root) = plan.get(0).and_then(|p| p.get("Plan")) else {
        return Lookup::Unplanned {
            why: "EXPLAIN returned no plan".to_owned(),
        };
    };
    walk(root, &mut indexes, &mut unindexed);
    Lookup::Planned { indexes, unindexed }
}

fn walk(node: &Value, indexes: &mut Vec<String>, unindexed: &mut Vec<String>) {
    let text = |key: &str| node.get(key).and_then(Value::as_str);
    if let Some(index) = text("Index Name") {
        indexes.push(index.to_owned());
    }
    let reads_by_index = matches!(
        text("Node Type"),
        Some("Index Scan" | "Index Only Scan" | "Bitmap Heap Scan")
    );
    if let (Some(relation), false) = (text("Relation Name"), reads_by_index) {
        unindexed.push(relation.to_owned());
    }
    for child in node
        .get("Plans")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        walk(child, indexes, unindexed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bitmap_scan_names_its_index_and_a_seq_scan_its_table() {
        let plan: Value = serde_json::from_str(
            r#"[{"Plan": {"Node Type": "LockRows", "Plans": [
                {"Node Type": "Append", "Plans": [
                    {"Node Type": "Bitmap Heap Scan", "Relation Name": "events_2025", "Plans": [
                        {"Node Type": "Bitmap Index Scan", "Index Name": "events_2025_pid_idx"}]},
                    {"Node Type": "Seq Scan", "Relation Name": "events_2026"}]}]}}]"#,
        )
        .unwrap();
        assert_eq!(
            parse(&plan),
            Lookup::Planned {
                indexes: vec!["events_2025_pid_idx".into()],
                unindexed: vec!["events_2026".into()],
            }
        );
        assert!(matches!(parse(&Value::Null), Lookup::Unplanned { .. }));
    }
}
