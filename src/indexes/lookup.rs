//! Foreign-key lookups as the planner plans them: whether the referential-integrity query that
//! a `DELETE` or key `UPDATE` on the referenced table runs would read an index.
//!
//! The query is the one ri_triggers.c builds (see sql/reports/foreign_keys.sql), planned as a
//! generic plan because that is how the trigger caches it: its parameter is never a constant.
//! See docs/indexes.md for the plans this is based on.

use serde_json::Value;
use tokio_postgres::{Client, SimpleQueryMessage};

/// What the planner said about one foreign key's lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The generic plan: each table it reads, and through which index.
    Planned { scans: Vec<Scan> },
    /// The planner could not be asked (e.g. `FOR KEY SHARE` needs the UPDATE privilege, or a
    /// lock was held); the catalog rule decides instead.
    Unplanned { why: String },
}

/// One table read by the lookup's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub relation: String,
    /// The index read, `None` for a sequential scan.
    pub index: Option<String>,
}

impl Lookup {
    /// Whether the plan reads the table `relation` through the index `index`.
    #[must_use]
    pub fn scans_with(&self, relation: &str, index: &str) -> bool {
        matches!(self, Lookup::Planned { scans } if scans.iter().any(|scan| {
            scan.relation == relation && scan.index.as_deref() == Some(index)
        }))
    }
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

/// The referential-integrity lookup of one foreign key, as the catalog query wrote it.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    /// The SELECT … FOR KEY SHARE with `$n` parameters, identifiers quoted.
    pub sql: &'a str,
    /// The parameters' types, comma-separated.
    pub types: &'a str,
    pub params: usize,
}

/// Asks the planner about each foreign key's lookup, one short read-only transaction each
/// (`FOR KEY SHARE` takes a ROW SHARE lock at planning, held only until that rollback).
pub async fn plan_all(client: &Client, queries: &[Query<'_>]) -> Vec<Lookup> {
    let mut lookups = Vec::with_capacity(queries.len());
    for query in queries {
        lookups.push(plan(client, *query).await);
    }
    lookups
}

async fn plan(client: &Client, query: Query<'_>) -> Lookup {
    match explain(client, query).await {
        Ok(plan) => parse(&plan),
        Err(err) => {
            // The script stopped at the error, inside its transaction and perhaps with the
            // statement prepared: end both (prepared statements outlive transactions).
            let _ = client.batch_execute("ROLLBACK").await;
            let _ = client
                .batch_execute(&format!("DEALLOCATE {STATEMENT}"))
                .await;
            Lookup::Unplanned {
                why: err
                    .as_db_error()
                    .map_or_else(|| err.to_string(), |db| db.message().to_owned()),
            }
        }
    }
}

/// The generic plan of the lookup, as EXPLAIN's JSON: the transaction, the PREPARE, the EXPLAIN,
/// the rollback and the DEALLOCATE in one script, one round trip per foreign key.
async fn explain(client: &Client, query: Query<'_>) -> Result<Value, tokio_postgres::Error> {
    let nulls = vec!["NULL"; query.params].join(", ");
    // The query and types come from the catalog, quoted there with format('%I').
    let script = format!(
        "{SETTINGS}; PREPARE {STATEMENT} ({}) AS {}; \
         EXPLAIN (FORMAT JSON) EXECUTE {STATEMENT} ({nulls}); ROLLBACK; DEALLOCATE {STATEMENT}",
        query.types, query.sql
    );
    let messages = client.simple_query(&script).await?;
    let text = messages
        .iter()
        .find_map(|message| match message {
            SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        })
        .unwrap_or_default();
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The tables a plan reads, each with the index it reads them through.
#[must_use]
pub fn parse(plan: &Value) -> Lookup {
    let Some(root) = plan.get(0).and_then(|p| p.get("Plan")) else {
        return Lookup::Unplanned {
            why: "EXPLAIN returned no plan".to_owned(),
        };
    };
    let mut scans = Vec::new();
    walk(root, &mut scans);
    Lookup::Planned { scans }
}

fn walk(node: &Value, scans: &mut Vec<Scan>) {
    let text = |node: &Value, key: &str| node.get(key).and_then(Value::as_str).map(str::to_owned);
    let children = || {
        node.get("Plans")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    };
    if let Some(relation) = text(node, "Relation Name") {
        // A Bitmap Heap Scan names its index in the Bitmap Index Scan below it.
        let index = text(node, "Index Name").or_else(|| {
            children()
                .flat_map(|child| {
                    std::iter::once(child).chain(
                        child
                            .get("Plans")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten(),
                    )
                })
                .find_map(|below| text(below, "Index Name"))
        });
        scans.push(Scan { relation, index });
        return;
    }
    for child in children() {
        walk(child, scans);
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
        let scan = |relation: &str, index: Option<&str>| Scan {
            relation: relation.into(),
            index: index.map(Into::into),
        };
        let lookup = parse(&plan);
        assert_eq!(
            lookup,
            Lookup::Planned {
                scans: vec![
                    scan("events_2025", Some("events_2025_pid_idx")),
                    scan("events_2026", None),
                ],
            }
        );
        assert!(lookup.scans_with("events_2025", "events_2025_pid_idx"));
        assert!(matches!(parse(&Value::Null), Lookup::Unplanned { .. }));
    }
}
