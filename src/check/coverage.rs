//! What the catalog knows about the database: the indexes no check used, and the tables whose
//! statistics are missing.

use std::collections::BTreeSet;

use anyhow::Context as _;
use serde::Serialize;
use tokio_postgres::Client;

/// Indexes that do not back a PRIMARY KEY, UNIQUE or EXCLUDE constraint: each exists only to
/// serve queries, so some check should use it. (A FK constraint's conindid is the referenced
/// table's unique index, hence the filter on contype.) The third column, `fk_only`, marks a plain
/// B-tree whose keys are exactly a foreign key's columns, in order: it exists for the FK's
/// referential actions (a parent's DELETE looks up its children), which no check runs, so it is
/// not uncovered when no check used it. An FK index with more keys stays required. A partition's
/// index attached to a partitioned table's index is not listed: the parent is, used when any of
/// its partitions' indexes was.
const QUERY_INDEXES: &str = "
SELECT i.relname::text AS index, t.relname::text AS table,
       (i.relam = (SELECT oid FROM pg_am WHERE amname = 'btree') AND x.indpred IS NULL
        AND x.indexprs IS NULL AND x.indnatts = x.indnkeyatts
        AND EXISTS (SELECT 1 FROM pg_constraint AS f
                    WHERE f.conrelid = x.indrelid AND f.contype = 'f'
                      AND f.conkey = string_to_array(x.indkey::text, ' ')::int2[])) AS fk_only
FROM pg_index AS x
JOIN pg_class AS i ON i.oid = x.indexrelid
JOIN pg_class AS t ON t.oid = x.indrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c
                  WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))
  AND NOT EXISTS (SELECT 1 FROM pg_inherits AS p WHERE p.inhrelid = x.indexrelid)
ORDER BY 2, 1";

/// Tables with no statistics: never analyzed (reltuples < 0), or empty with no ANALYZE on record.
const UNANALYZED_TABLES: &str = "
SELECT c.relname::text
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables AS s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%' AND c.relname <> 'refinery_schema_history'
  AND (c.reltuples < 0
       OR (c.reltuples = 0 AND coalesce(s.n_live_tup, 0) = 0
           AND s.last_analyze IS NULL AND s.last_autoanalyze IS NULL))
ORDER BY 1";

/// An index and its table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexRef {
    pub index: String,
    pub table: String,
}

/// The coverage part of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// How many query-serving (non-constraint) indexes the database has (on those tables).
    pub indexes: usize,
    /// The tables coverage is limited to, those the checks of `--checks DIR` read (with the
    /// partitioned tables of the partitions they read); `None`: every table.
    pub tables: Option<Vec<String>>,
    /// Those that no check's plan used (an index that only serves a foreign key excepted).
    pub uncovered: Vec<IndexRef>,
    /// Unused too, but on a table below `min_table_pages`, which a plan rightly reads whole:
    /// not required, listed for the reader.
    pub small_tables: Vec<IndexRef>,
    /// Whether an uncovered index is a finding (`--require-coverage`).
    pub required: bool,
}

/// Compares the query-serving indexes with the ones the checks used, on the tables of `scope`
/// (`None`: all tables); an unused index on one of `small` is not uncovered.
pub async fn coverage(
    client: &Client,
    used: &BTreeSet<String>,
    required: bool,
    scope: Option<&BTreeSet<String>>,
    small: &BTreeSet<String>,
) -> anyhow::Result<Coverage> {
    let rows = client
        .query(QUERY_INDEXES, &[])
        .await
        .context("cannot list the indexes")?;
    let mut indexes = 0;
    let mut uncovered = Vec::new();
    let mut small_tables = Vec::new();
    for row in rows {
        let table: String = row.try_get(1)?;
        if scope.is_some_and(|tables| !tables.contains(&table)) {
            continue;
        }
        indexes += 1;
        let index: String = row.try_get(0)?;
        let fk_only: bool = row.try_get(2)?;
        if fk_only || used.contains(&index) {
            continue;
        }
        if small.contains(&table) {
            small_tables.push(IndexRef { index, table });
        } else {
            uncovered.push(IndexRef { index, table });
        }
    }
    Ok(Coverage {
        indexes,
        tables: scope.map(|tables| tables.iter().cloned().collect()),
        uncovered,
        small_tables,
        required,
    })
}

/// The tables the planner has no statistics for.
pub async fn unanalyzed_tables(client: &Client) -> anyhow::Result<Vec<String>> {
    let rows = client
        .query(UNANALYZED_TABLES, &[])
        .await
        .context("cannot read the table statistics")?;
    rows.iter()
        .map(|row| row.try_get(0).map_err(Into::into))
        .collect()
}
