//! What the catalog says about a table a candidate is for: its columns and types, its indexes
//! (for the write cost and for the ones a candidate makes redundant), and its row estimate.

use anyhow::Context as _;
use serde::Serialize;
use tokio_postgres::Client;

use super::candidate::{Candidate, Column, Extensions, Method};

const COLUMNS: &str = "
SELECT a.attname::text, format_type(a.atttypid, a.atttypmod)
FROM pg_attribute AS a
WHERE a.attrelid = to_regclass(format('%I.%I', $1::text, $2::text))
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum";

const INDEXES: &str = "
SELECT i.relname::text AS name, am.amname::text AS method, x.indisunique AS unique,
       EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = x.indexrelid) AS constraint_backed,
       ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true)
             FROM generate_series(1, x.indnkeyatts::int) AS k ORDER BY k) AS keys,
       ARRAY(SELECT (x.indoption[k - 1] & 1) = 1
             FROM generate_series(1, x.indnkeyatts::int) AS k ORDER BY k) AS descending,
       pg_get_expr(x.indpred, x.indrelid, true) AS predicate
FROM pg_index AS x
JOIN pg_class AS i ON i.oid = x.indexrelid
JOIN pg_am AS am ON am.oid = i.relam
WHERE x.indrelid = to_regclass(format('%I.%I', $1::text, $2::text))
ORDER BY 1";

const ROWS: &str = "
SELECT greatest(c.reltuples, 0)::float8 FROM pg_class AS c
WHERE c.oid = to_regclass(format('%I.%I', $1::text, $2::text))";

const EXTENSIONS: &str = "
SELECT coalesce(bool_or(extname = 'btree_gin'), false), coalesce(bool_or(extname = 'pg_trgm'), false)
FROM pg_extension WHERE extname IN ('btree_gin', 'pg_trgm')";

/// An existing index of the table.
#[derive(Debug, Clone, Serialize)]
pub struct ExistingIndex {
    pub name: String,
    pub method: String,
    pub unique: bool,
    pub constraint_backed: bool,
    pub keys: Vec<String>,
    pub descending: Vec<bool>,
    pub predicate: Option<String>,
}

/// A table as the catalog describes it.
#[derive(Debug, Clone)]
pub struct TableInfo {
    pub columns: Vec<Column>,
    pub indexes: Vec<ExistingIndex>,
    pub rows: f64,
}

impl TableInfo {
    /// Reads the table `schema.table`.
    pub async fn read(client: &Client, schema: &str, table: &str) -> anyhow::Result<Self> {
        let what = || format!("cannot read the catalog of {schema}.{table}");
        let mut columns = Vec::new();
        for row in client
            .query(COLUMNS, &[&schema, &table])
            .await
            .with_context(what)?
        {
            columns.push(Column {
                name: row.try_get(0)?,
                type_name: row.try_get(1)?,
            });
        }
        let mut indexes = Vec::new();
        for row in client
            .query(INDEXES, &[&schema, &table])
            .await
            .with_context(what)?
        {
            indexes.push(ExistingIndex {
                name: row.try_get("name")?,
                method: row.try_get("method")?,
                unique: row.try_get("unique")?,
                constraint_backed: row.try_get("constraint_backed")?,
                keys: row.try_get("keys")?,
                descending: row.try_get("descending")?,
                predicate: row.try_get("predicate")?,
            });
        }
        let rows = client
            .query_opt(ROWS, &[&schema, &table])
            .await
            .with_context(what)?
            .map(|row| row.try_get(0))
            .transpose()?
            .unwrap_or(0.0);
        Ok(Self {
            columns,
            indexes,
            rows,
        })
    }

    /// The existing B-trees that this candidate makes redundant: plain (no uniqueness, no
    /// constraint, no predicate) and a leading prefix of its keys, in the same directions. A
    /// partial candidate replaces none: it serves fewer rows than a full index.
    #[must_use]
    pub fn made_redundant_by(&self, candidate: &Candidate) -> Vec<String> {
        if candidate.method != Method::Btree || candidate.predicate.is_some() {
            return Vec::new();
        }
        self.indexes
            .iter()
            .filter(|i| i.method == "btree" && !i.unique && !i.constraint_backed)
            .filter(|i| i.predicate.is_none() && i.keys.len() <= candidate.keys.len())
            .filter(|i| {
                i.keys
                    .iter()
                    .zip(&i.descending)
                    .zip(&candidate.keys)
                    .all(|((expr, desc), key)| expr == &key.expr && *desc == key.desc)
            })
            .map(|i| i.name.clone())
            .collect()
    }
}

impl TableInfo {
    /// An existing GIN index that has the candidate's searched key (its last: the first may be
    /// the tenant's), compared without parentheses and spaces: the plan and pg_get_indexdef
    /// deparse expressions differently.
    #[must_use]
    pub fn gin_serving(&self, candidate: &Candidate) -> Option<String> {
        let key = normalized(&candidate.keys.last()?.expr);
        self.indexes
            .iter()
            .find(|i| i.method == "gin" && i.keys.iter().any(|k| normalized(k) == key))
            .map(|i| i.name.clone())
    }
}

fn normalized(expr: &str) -> String {
    expr.chars()
        .filter(|c| !c.is_whitespace() && *c != '(' && *c != ')')
        .collect()
}

/// Which of the extensions candidates may use the database has.
pub async fn extensions(client: &Client) -> anyhow::Result<Extensions> {
    let row = client
        .query_one(EXTENSIONS, &[])
        .await
        .context("cannot read the installed extensions")?;
    Ok(Extensions {
        btree_gin: row.try_get(0)?,
        pg_trgm: row.try_get(1)?,
    })
}

/// Whether a relation of that name exists in the schema.
pub async fn name_taken(client: &Client, schema: &str, name: &str) -> anyhow::Result<bool> {
    let row = client
        .query_one(
            "SELECT to_regclass(format('%I.%I', $1::text, $2::text)) IS NOT NULL",
            &[&schema, &name],
        )
        .await
        .context("cannot look up an index name")?;
    Ok(row.try_get(0)?)
}

/// An identifier quoted by the server only when it needs it (keywords, capitals).
pub async fn quoted(client: &Client, name: &str) -> anyhow::Result<String> {
    let row = client
        .query_one("SELECT quote_ident($1)", &[&name])
        .await
        .context("cannot quote an identifier")?;
    Ok(row.try_get(0)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::advise::candidate::Key;

    fn index(
        name: &str,
        keys: &[(&str, bool)],
        unique: bool,
        predicate: Option<&str>,
    ) -> ExistingIndex {
        ExistingIndex {
            name: name.into(),
            method: "btree".into(),
            unique,
            constraint_backed: false,
            keys: keys.iter().map(|(k, _)| (*k).to_owned()).collect(),
            descending: keys.iter().map(|(_, d)| *d).collect(),
            predicate: predicate.map(str::to_owned),
        }
    }

    fn candidate(keys: &[(&str, bool)], predicate: Option<&str>) -> Candidate {
        Candidate {
            schema: "public".into(),
            table: "leads".into(),
            method: Method::Btree,
            keys: keys
                .iter()
                .map(|(k, d)| Key {
                    expr: (*k).into(),
                    desc: *d,
                    nulls: None,
                    opclass: None,
                })
                .collect(),
            include: Vec::new(),
            predicate: predicate.map(str::to_owned),
            rationale: String::new(),
        }
    }

    #[test]
    fn a_plain_leading_prefix_in_the_same_directions_becomes_redundant() {
        let table = TableInfo {
            columns: Vec::new(),
            indexes: vec![
                index("by_org", &[("organization_id", false)], false, None),
                index(
                    "by_org_score_asc",
                    &[("organization_id", false), ("score", false)],
                    false,
                    None,
                ),
                index("unique_org", &[("organization_id", false)], true, None),
                index(
                    "partial_org",
                    &[("organization_id", false)],
                    false,
                    Some("is_active"),
                ),
            ],
            rows: 0.0,
        };
        let full = candidate(&[("organization_id", false), ("score", true)], None);
        assert_eq!(table.made_redundant_by(&full), ["by_org"]);
        let partial = candidate(
            &[("organization_id", false), ("score", true)],
            Some("is_active"),
        );
        assert!(table.made_redundant_by(&partial).is_empty());
    }

    #[test]
    fn an_existing_gin_key_is_found_whatever_the_parentheses() {
        let mut gin = index(
            "trgm",
            &[("organization_id", false), ("(a::text || b)", false)],
            false,
            None,
        );
        gin.method = "gin".into();
        let table = TableInfo {
            columns: Vec::new(),
            indexes: vec![gin],
            rows: 0.0,
        };
        let mut wanted = candidate(&[("((a)::text || b)", false)], None);
        wanted.method = Method::Gin;
        assert_eq!(table.gin_serving(&wanted).as_deref(), Some("trgm"));
    }
}
