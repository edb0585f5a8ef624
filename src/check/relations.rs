//! What the checks know about the database's tables and indexes: each table's estimated rows,
//! and the partition tree (pg_inherits), so that a rule naming a table or an index also matches
//! its partitions and the partitions' indexes attached to it.

use std::collections::{BTreeSet, HashMap};

use anyhow::Context as _;
use tokio_postgres::Client;

/// The planner's row estimate and page count of every table, as VACUUM and ANALYZE left them.
/// Of tables of one name in several schemas, the one the search path finds comes last and so
/// wins the name: it is the one the checks' unqualified queries read.
const TABLE_SIZES: &str = "
SELECT c.relname::text, c.reltuples::float8, c.relpages::int8
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY pg_table_is_visible(c.oid), n.nspname";

/// Every relation's ancestors, recursively: a partition's parent tables (and inheritance
/// parents), and a partition's index's parent indexes (ALTER INDEX … ATTACH PARTITION, or an
/// index created on the partitioned table). EXPLAIN names the leaves only.
const ANCESTORS: &str = "
WITH RECURSIVE up(child, parent) AS (
    SELECT inhrelid, inhparent FROM pg_inherits
    UNION
    SELECT up.child, i.inhparent FROM up JOIN pg_inherits AS i ON i.inhrelid = up.parent
)
SELECT c.relname::text, p.relname::text
FROM up
JOIN pg_class AS c ON c.oid = up.child
JOIN pg_class AS p ON p.oid = up.parent
ORDER BY 1, 2";

/// The table of every index (a partitioned index's is the partitioned table); the visible one
/// last, as for the sizes.
const INDEX_TABLES: &str = "
SELECT i.relname::text, t.relname::text
FROM pg_index AS x
JOIN pg_class AS i ON i.oid = x.indexrelid
JOIN pg_class AS t ON t.oid = x.indrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
ORDER BY pg_table_is_visible(i.oid), n.nspname";

/// Table sizes and the partition tree, by relation name (EXPLAIN's JSON names relations without
/// their schema).
#[derive(Debug, Clone, Default)]
pub struct Relations {
    /// Estimated rows per table (pg_class.reltuples).
    pub rows: HashMap<String, f64>,
    /// Pages per table (pg_class.relpages): what a Seq Scan of the whole table reads.
    pub pages: HashMap<String, i64>,
    /// The table of each index, for a `uses_index` that names no table.
    pub index_tables: HashMap<String, String>,
    ancestors: HashMap<String, Vec<String>>,
}

impl Relations {
    /// Reads the sizes and the partition tree.
    pub async fn load(client: &Client) -> anyhow::Result<Self> {
        let mut rows = HashMap::new();
        let mut pages = HashMap::new();
        for row in client
            .query(TABLE_SIZES, &[])
            .await
            .context("cannot read the table sizes")?
        {
            rows.insert(row.try_get(0)?, row.try_get(1)?);
            pages.insert(row.try_get(0)?, row.try_get(2)?);
        }
        let mut ancestors: HashMap<String, Vec<String>> = HashMap::new();
        for row in client
            .query(ANCESTORS, &[])
            .await
            .context("cannot read the partitions")?
        {
            ancestors
                .entry(row.try_get(0)?)
                .or_default()
                .push(row.try_get(1)?);
        }
        let mut index_tables = HashMap::new();
        for row in client
            .query(INDEX_TABLES, &[])
            .await
            .context("cannot read the indexes' tables")?
        {
            index_tables.insert(row.try_get(0)?, row.try_get(1)?);
        }
        Ok(Self {
            rows,
            pages,
            index_tables,
            ancestors,
        })
    }

    /// Sizes and `(child, ancestor)` pairs given directly, for tests.
    #[must_use]
    pub fn new(
        rows: HashMap<String, f64>,
        pages: HashMap<String, i64>,
        pairs: &[(&str, &str)],
    ) -> Self {
        let mut ancestors: HashMap<String, Vec<String>> = HashMap::new();
        for (child, parent) in pairs {
            ancestors
                .entry((*child).to_owned())
                .or_default()
                .push((*parent).to_owned());
        }
        Self {
            rows,
            pages,
            index_tables: HashMap::new(),
            ancestors,
        }
    }

    /// The tables or indexes `name` is a partition of, at any depth; empty for the others.
    #[must_use]
    pub fn ancestors(&self, name: &str) -> &[String] {
        self.ancestors.get(name).map_or(&[], Vec::as_slice)
    }

    /// The pages of a table with all its partitions (a partitioned table has none of its own);
    /// `None` for a name not known as a table, so that a misspelt rule is still judged.
    #[must_use]
    pub fn pages_of(&self, table: &str) -> Option<u64> {
        let mut parts = self
            .pages
            .iter()
            .filter(|(name, _)| self.is_part_of(name, table))
            .peekable();
        parts.peek()?;
        Some(
            parts
                .map(|(_, &pages)| u64::try_from(pages).unwrap_or(0))
                .sum(),
        )
    }

    /// The tables (a partitioned one with its partitions) of fewer pages than `floor`.
    #[must_use]
    pub fn small_tables(&self, floor: u64) -> BTreeSet<String> {
        self.pages
            .keys()
            .filter(|t| self.pages_of(t).is_some_and(|pages| pages < floor))
            .cloned()
            .collect()
    }

    /// The table an index is on, when the index is known.
    #[must_use]
    pub fn table_of(&self, index: &str) -> Option<&str> {
        self.index_tables.get(index).map(String::as_str)
    }

    /// Whether `name` is `target` or one of its partitions (or a partition's attached index).
    #[must_use]
    pub fn is_part_of(&self, name: &str, target: &str) -> bool {
        name == target || self.ancestors(name).iter().any(|a| a == target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partition_at_any_depth_is_part_of_its_ancestors_only() {
        let relations = Relations::new(
            HashMap::new(),
            HashMap::new(),
            &[
                ("payment_p2022_06a", "payment_p2022_06"),
                ("payment_p2022_06a", "payment"),
                ("payment_p2022_06", "payment"),
            ],
        );
        assert!(relations.is_part_of("payment", "payment"));
        assert!(relations.is_part_of("payment_p2022_06a", "payment"));
        assert!(relations.is_part_of("payment_p2022_06a", "payment_p2022_06"));
        assert!(!relations.is_part_of("payment", "payment_p2022_06"));
        assert!(!relations.is_part_of("payment_p2022_06a", "payment_p2022_06b"));
        assert!(relations.ancestors("customer").is_empty());
    }
}
