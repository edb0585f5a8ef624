//! The catalog rows behind `lma indexes`, read with the queries in `sql/reports/`.
//!
//! These are database shapes, not the report's: the report module turns them into what users
//! see, so a catalog change never silently changes the JSON.

use anyhow::{bail, Context as _};
use time::OffsetDateTime;
use tokio_postgres::{Client, Row};

use super::lookup::{Lookup, Query};

const SCHEMAS: &str = include_str!("../../sql/reports/schemas.sql");
const INDEXES: &str = include_str!("../../sql/reports/indexes.sql");
const FOREIGN_KEYS: &str = include_str!("../../sql/reports/foreign_keys.sql");
const TABLES: &str = include_str!("../../sql/reports/tables.sql");
const USAGE: &str = include_str!("../../sql/reports/index_usage.sql");
const STATS_AGE: &str = include_str!("../../sql/reports/stats_age.sql");
const BLOAT: &str = include_str!("../../sql/reports/index_bloat.sql");
const SEQUENCES: &str = include_str!("../../sql/reports/sequences.sql");
const NOT_VALID: &str = include_str!("../../sql/reports/not_valid_constraints.sql");
const PRIMARY_KEYS: &str = include_str!("../../sql/reports/primary_keys.sql");
const NULL_LEADING: &str = include_str!("../../sql/reports/null_leading.sql");

/// One index, as pg_index and friends describe it.
#[derive(Debug, Clone, Default)]
#[allow(clippy::struct_excessive_bools)] // pg_index's own flags, one field each
pub struct IndexRow {
    pub index_oid: u32,
    pub table_oid: u32,
    pub schema: String,
    pub table_name: String,
    pub index_name: String,
    /// The table's name, schema-qualified and quoted for SQL.
    pub table_sql: String,
    /// The index's name, schema-qualified and quoted for SQL.
    pub index_sql: String,
    pub access_method: String,
    /// How many of `columns` are key columns; the rest are INCLUDE columns.
    pub key_count: usize,
    /// pg_index.indkey: table column numbers, 0 for an expression.
    pub columns: Vec<i16>,
    /// The key columns' names, `None` for an expression. Partitions may number their columns
    /// differently from their parent, so columns are matched across partitions by name.
    pub key_names: Vec<Option<String>>,
    /// pg_index.indclass, indcollation and indoption, one per key column.
    pub opclasses: Vec<u32>,
    pub collations: Vec<u32>,
    pub options: Vec<i16>,
    /// The deparsed expressions and predicate.
    pub expressions: Option<String>,
    pub predicate: Option<String>,
    /// The key and INCLUDE columns as people read them, e.g. `created_at DESC`.
    pub key_columns: Vec<String>,
    pub include_columns: Vec<String>,
    pub is_primary: bool,
    pub is_unique: bool,
    /// False for the index of a DEFERRABLE constraint.
    pub is_immediate: bool,
    pub nulls_not_distinct: bool,
    pub is_replica_identity: bool,
    pub is_valid: bool,
    /// A CREATE INDEX or REINDEX is running on the table right now.
    pub is_building: bool,
    /// The primary key, unique or exclusion constraint this index backs.
    pub constraint_name: Option<String>,
    /// A partitioned table's index: no storage, its partitions' indexes hold the entries.
    pub is_partitioned: bool,
    /// The partitioned index this partition's index is attached to.
    pub parent_index_oid: Option<u32>,
    /// For a partitioned index, its partitions' indexes together.
    pub size_bytes: i64,
}

impl IndexRow {
    /// The key columns' table column numbers.
    #[must_use]
    pub fn keys(&self) -> &[i16] {
        &self.columns[..self.key_count.min(self.columns.len())]
    }

    /// The INCLUDE columns' table column numbers.
    #[must_use]
    pub fn includes(&self) -> &[i16] {
        &self.columns[self.key_count.min(self.columns.len())..]
    }

    fn from_row(row: &Row) -> anyhow::Result<Self> {
        Ok(Self {
            index_oid: row.try_get("index_oid")?,
            table_oid: row.try_get("table_oid")?,
            schema: row.try_get("schema")?,
            table_name: row.try_get("table_name")?,
            index_name: row.try_get("index_name")?,
            table_sql: row.try_get("table_sql")?,
            index_sql: row.try_get("index_sql")?,
            access_method: row.try_get("access_method")?,
            key_count: usize::try_from(row.try_get::<_, i32>("key_count")?)?,
            columns: row.try_get("columns")?,
            key_names: row.try_get("key_names")?,
            opclasses: row.try_get("opclasses")?,
            collations: row.try_get("collations")?,
            options: row.try_get("options")?,
            expressions: row.try_get("expressions")?,
            predicate: row.try_get("predicate")?,
            key_columns: row.try_get("key_columns")?,
            include_columns: row.try_get("include_columns")?,
            is_primary: row.try_get("is_primary")?,
            is_unique: row.try_get("is_unique")?,
            is_immediate: row.try_get("is_immediate")?,
            nulls_not_distinct: row.try_get("nulls_not_distinct")?,
            is_replica_identity: row.try_get("is_replica_identity")?,
            is_valid: row.try_get("is_valid")?,
            is_building: row.try_get("is_building")?,
            constraint_name: row.try_get("constraint_name")?,
            is_partitioned: row.try_get("is_partitioned")?,
            parent_index_oid: row.try_get("parent_index_oid")?,
            size_bytes: row.try_get("size_bytes")?,
        })
    }
}

/// One foreign key of a referencing table.
#[derive(Debug, Clone, Default)]
pub struct ForeignKeyRow {
    pub table_oid: u32,
    /// The table and, if it is partitioned, all its partitions: the lookup reads them all.
    pub table_oids: Vec<u32>,
    pub is_partitioned: bool,
    pub schema: String,
    pub table_name: String,
    pub table_sql: String,
    pub constraint_name: String,
    /// The constraint's name, quoted for SQL.
    pub constraint_sql: String,
    /// The referencing columns' numbers, in constraint order.
    pub columns: Vec<i16>,
    /// The same columns' names, as the catalog spells them.
    pub column_names: Vec<String>,
    /// The same columns, quoted for SQL.
    pub column_sql: Vec<String>,
    pub referenced_table: String,
    pub referenced_oid: u32,
    /// The referenced columns' numbers, in constraint order.
    pub referenced_columns: Vec<i16>,
    /// The referencing and referenced columns' types (format_type), in constraint order.
    pub column_types: Vec<String>,
    pub referenced_types: Vec<String>,
    /// Per column: it cannot hold every value of the key (a narrower type, a shorter length).
    pub narrower: Vec<bool>,
    /// Per column: the RI lookup casts it, so no index on it serves the lookup.
    pub casting: Vec<bool>,
    /// The referential-integrity lookup PostgreSQL runs on this table, with `$n` parameters
    /// of the `lookup_types` (comma-separated).
    pub lookup_query: String,
    pub lookup_types: String,
    /// What the planner made of that lookup; `None` until asked (lookup::plan_all).
    pub lookup: Option<Lookup>,
    /// The key's actions, MATCH rule and deferral, comparable between keys.
    pub behaviour: String,
    /// `pg_get_constraintdef`, for messages.
    pub definition: String,
}

impl ForeignKeyRow {
    /// The referential-integrity lookup, for the planner to be asked about.
    #[must_use]
    pub fn ri_query(&self) -> Query<'_> {
        Query {
            sql: &self.lookup_query,
            types: &self.lookup_types,
            params: self.columns.len(),
        }
    }

    fn from_row(row: &Row) -> anyhow::Result<Self> {
        Ok(Self {
            table_oid: row.try_get("table_oid")?,
            table_oids: row.try_get("table_oids")?,
            is_partitioned: row.try_get("is_partitioned")?,
            schema: row.try_get("schema")?,
            table_name: row.try_get("table_name")?,
            table_sql: row.try_get("table_sql")?,
            constraint_name: row.try_get("constraint_name")?,
            constraint_sql: row.try_get("constraint_sql")?,
            columns: row.try_get("columns")?,
            column_names: row.try_get("column_names")?,
            column_sql: row.try_get("column_sql")?,
            referenced_table: row.try_get("referenced_table")?,
            referenced_oid: row.try_get("referenced_oid")?,
            referenced_columns: row.try_get("referenced_columns")?,
            column_types: row.try_get("column_types")?,
            referenced_types: row.try_get("referenced_types")?,
            narrower: row.try_get("narrower")?,
            casting: row.try_get("casting")?,
            lookup_query: row.try_get("lookup_query")?,
            lookup_types: row.try_get("lookup_types")?,
            lookup: None,
            behaviour: row.try_get("behaviour")?,
            definition: row.try_get("definition")?,
        })
    }
}

/// The catalog rows behind the schema checks (checks.rs).
#[derive(Debug, Default)]
pub struct Checks {
    pub sequences: Vec<SequenceRow>,
    pub not_valid: Vec<NotValidRow>,
    pub no_primary_key: Vec<NoPrimaryKeyRow>,
    pub null_leading: Vec<NullLeadingRow>,
}

/// One table: sizes, index count and sequential-scan counters.
#[derive(Debug, Clone, Default)]
pub struct TableRow {
    pub schema: String,
    pub table_name: String,
    pub table_sql: String,
    pub row_estimate: i64,
    pub table_bytes: i64,
    pub index_bytes: i64,
    pub index_count: i64,
    pub seq_scan: i64,
    pub seq_tup_read: i64,
    pub idx_scan: i64,
    pub idx_tup_fetch: i64,
}

impl TableRow {
    fn from_row(row: &Row) -> anyhow::Result<Self> {
        Ok(Self {
            schema: row.try_get("schema")?,
            table_name: row.try_get("table_name")?,
            table_sql: row.try_get("table_sql")?,
            row_estimate: row.try_get("row_estimate")?,
            table_bytes: row.try_get("table_bytes")?,
            index_bytes: row.try_get("index_bytes")?,
            index_count: row.try_get("index_count")?,
            seq_scan: row.try_get("seq_scan")?,
            seq_tup_read: row.try_get("seq_tup_read")?,
            idx_scan: row.try_get("idx_scan")?,
            idx_tup_fetch: row.try_get("idx_tup_fetch")?,
        })
    }
}

/// One index's counters on one server.
#[derive(Debug, Clone)]
pub struct UsageRow {
    pub schema: String,
    pub index_name: String,
    pub idx_scan: i64,
    pub idx_tup_read: i64,
    pub idx_tup_fetch: i64,
    /// PostgreSQL 16 and later only.
    pub last_idx_scan: Option<OffsetDateTime>,
}

impl UsageRow {
    fn from_row(row: &Row) -> anyhow::Result<Self> {
        Ok(Self {
            schema: row.try_get("schema")?,
            index_name: row.try_get("index_name")?,
            idx_scan: row.try_get("idx_scan")?,
            idx_tup_read: row.try_get("idx_tup_read")?,
            idx_tup_fetch: row.try_get("idx_tup_fetch")?,
            last_idx_scan: row.try_get("last_idx_scan")?,
        })
    }
}

/// Since when one server has counted, for the current database.
#[derive(Debug, Clone, Copy)]
pub struct StatsAge {
    pub since: OffsetDateTime,
    pub age_seconds: f64,
    pub in_recovery: bool,
}

/// The B-tree bloat estimate of one index.
#[derive(Debug, Clone, Default)]
pub struct BloatRow {
    pub index_oid: u32,
    pub actual_bytes: i64,
    pub expected_bytes: i64,
    pub bloat_bytes: i64,
    pub bloat_ratio: f64,
}

impl BloatRow {
    fn from_row(row: &Row) -> anyhow::Result<Self> {
        Ok(Self {
            index_oid: row.try_get("index_oid")?,
            actual_bytes: row.try_get("actual_bytes")?,
            expected_bytes: row.try_get("expected_bytes")?,
            bloat_bytes: row.try_get("bloat_bytes")?,
            bloat_ratio: row.try_get("bloat_ratio")?,
        })
    }
}

/// The schemas to report on: those asked for (each must exist), else every non-system one.
pub async fn schemas(client: &Client, asked: &[String]) -> anyhow::Result<Vec<String>> {
    let rows = query(client, SCHEMAS, "schemas", &[&asked]).await?;
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for row in &rows {
        let name: String = row.try_get("name")?;
        if row.try_get("present")? {
            found.push(name);
        } else {
            missing.push(name);
        }
    }
    if !missing.is_empty() {
        bail!("--schema: no schema named {}", missing.join(", "));
    }
    Ok(found)
}

/// The indexes of the tables in these schemas.
pub async fn indexes(client: &Client, schemas: &[String]) -> anyhow::Result<Vec<IndexRow>> {
    let rows = query(client, INDEXES, "indexes", &[&schemas]).await?;
    rows.iter().map(IndexRow::from_row).collect()
}

/// The foreign keys of the tables in these schemas.
pub async fn foreign_keys(
    client: &Client,
    schemas: &[String],
) -> anyhow::Result<Vec<ForeignKeyRow>> {
    let rows = query(client, FOREIGN_KEYS, "foreign keys", &[&schemas]).await?;
    rows.iter().map(ForeignKeyRow::from_row).collect()
}

/// The tables in these schemas.
pub async fn tables(client: &Client, schemas: &[String]) -> anyhow::Result<Vec<TableRow>> {
    let rows = query(client, TABLES, "tables", &[&schemas]).await?;
    rows.iter().map(TableRow::from_row).collect()
}

/// Every user index's counters on this server.
pub async fn usage(client: &Client) -> anyhow::Result<Vec<UsageRow>> {
    let rows = query(client, USAGE, "index usage", &[]).await?;
    rows.iter().map(UsageRow::from_row).collect()
}

/// Since when this server has counted.
pub async fn stats_age(client: &Client) -> anyhow::Result<StatsAge> {
    let rows = query(client, STATS_AGE, "statistics age", &[]).await?;
    let row = rows
        .first()
        .context("pg_stat_database has no row for the current database")?;
    Ok(StatsAge {
        since: row.try_get("since")?,
        age_seconds: row.try_get("age_seconds")?,
        in_recovery: row.try_get("in_recovery")?,
    })
}

/// The bloat estimates of these indexes (those the statistics allow estimating).
pub async fn bloat(client: &Client, index_oids: &[u32]) -> anyhow::Result<Vec<BloatRow>> {
    let rows = query(client, BLOAT, "index bloat", &[&index_oids]).await?;
    rows.iter().map(BloatRow::from_row).collect()
}

/// A sequence feeding a column, and how far along its range it is.
#[derive(Debug, Clone, Default)]
pub struct SequenceRow {
    pub table_sql: String,
    pub sequence_sql: String,
    pub column_sql: String,
    pub column_type: String,
    pub sequence_type: String,
    pub is_identity: bool,
    pub last_value: f64,
    /// The narrower of the sequence's maximum and the column type's.
    pub max_value: f64,
    /// The column is smallint or integer: widening it, not only the sequence, is the fix.
    pub narrow_column: bool,
    /// Why PostgreSQL would refuse to widen the column (views reading it, a partition key).
    pub blockers: Vec<String>,
}

/// A CHECK or foreign-key constraint never validated.
#[derive(Debug, Clone, Default)]
pub struct NotValidRow {
    pub table_sql: String,
    pub constraint_name: String,
    pub constraint_sql: String,
    /// pg_constraint.contype: "c" or "f".
    pub kind: String,
}

/// A table without a primary key, and a unique index that could become one.
#[derive(Debug, Clone, Default)]
pub struct NoPrimaryKeyRow {
    pub table_sql: String,
    pub is_partitioned: bool,
    /// Quoted, unqualified (ADD PRIMARY KEY USING INDEX takes it so).
    pub candidate_index: Option<String>,
    /// A unique constraint (quoted) whose index would do but for belonging to it.
    pub constraint_candidate: Option<String>,
}

/// A B-tree whose leading key is a nullable column, with its null fraction.
#[derive(Debug, Clone, Default)]
pub struct NullLeadingRow {
    pub index_oid: u32,
    pub column_sql: String,
    pub null_frac: f64,
}

/// The sequences feeding columns of these schemas' tables.
pub async fn sequences(client: &Client, schemas: &[String]) -> anyhow::Result<Vec<SequenceRow>> {
    let rows = query(client, SEQUENCES, "sequences", &[&schemas]).await?;
    rows.iter()
        .map(|row| {
            Ok(SequenceRow {
                table_sql: row.try_get("table_sql")?,
                sequence_sql: row.try_get("sequence_sql")?,
                column_sql: row.try_get("column_sql")?,
                column_type: row.try_get("column_type")?,
                sequence_type: row.try_get("sequence_type")?,
                is_identity: row.try_get("is_identity")?,
                last_value: row.try_get("last_value")?,
                max_value: row.try_get("max_value")?,
                narrow_column: row.try_get("narrow_column")?,
                blockers: row.try_get("blockers")?,
            })
        })
        .collect()
}

/// The constraints of these schemas never validated.
pub async fn not_valid(client: &Client, schemas: &[String]) -> anyhow::Result<Vec<NotValidRow>> {
    let rows = query(client, NOT_VALID, "NOT VALID constraints", &[&schemas]).await?;
    rows.iter()
        .map(|row| {
            Ok(NotValidRow {
                table_sql: row.try_get("table_sql")?,
                constraint_name: row.try_get("constraint_name")?,
                constraint_sql: row.try_get("constraint_sql")?,
                kind: row.try_get("kind")?,
            })
        })
        .collect()
}

/// The tables of these schemas without a primary key.
pub async fn no_primary_key(
    client: &Client,
    schemas: &[String],
) -> anyhow::Result<Vec<NoPrimaryKeyRow>> {
    let rows = query(client, PRIMARY_KEYS, "primary keys", &[&schemas]).await?;
    rows.iter()
        .map(|row| {
            Ok(NoPrimaryKeyRow {
                table_sql: row.try_get("table_sql")?,
                is_partitioned: row.try_get("is_partitioned")?,
                candidate_index: row.try_get("candidate_index")?,
                constraint_candidate: row.try_get("constraint_candidate")?,
            })
        })
        .collect()
}

/// The B-trees of these schemas led by a nullable, ANALYZEd column.
pub async fn null_leading(
    client: &Client,
    schemas: &[String],
) -> anyhow::Result<Vec<NullLeadingRow>> {
    let rows = query(client, NULL_LEADING, "null fractions", &[&schemas]).await?;
    rows.iter()
        .map(|row| {
            Ok(NullLeadingRow {
                index_oid: row.try_get("index_oid")?,
                column_sql: row.try_get("column_sql")?,
                null_frac: row.try_get("null_frac")?,
            })
        })
        .collect()
}

async fn query(
    client: &Client,
    sql: &str,
    what: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> anyhow::Result<Vec<Row>> {
    client
        .query(sql, params)
        .await
        .with_context(|| format!("cannot read the {what} (sql/reports)"))
}
