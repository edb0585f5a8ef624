//! Candidate indexes for one relation, derived from what the query asks of it:
//! equality columns first (the tenant's `organization_id` leading), then the ORDER BY keys in
//! their order and direction, or the range columns; partial on the constant conditions (and the
//! same keys with the constants as key columns instead); INCLUDE of the output columns for an
//! index-only scan; GIN with `jsonb_path_ops` for containment and `gin_trgm_ops` for LIKE.

use std::fmt::Write as _;

use serde::Serialize;

use super::conditions::{Access, Conjunct};

/// The column that names the tenant in the LMA schema and in most multi-tenant ones.
pub const TENANT_COLUMN: &str = "organization_id";

/// At most this many INCLUDE columns: more makes an index as wide as its table.
const MAX_INCLUDE: usize = 6;

/// An index access method lma proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Btree,
    Gin,
}

impl Method {
    fn sql(self) -> &'static str {
        match self {
            Self::Btree => "btree",
            Self::Gin => "gin",
        }
    }
}

/// One key of an index: a column (as PostgreSQL deparses it, quoted when needed) or an
/// expression in parentheses, with its order and operator class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub expr: String,
    pub desc: bool,
    pub nulls: Option<String>,
    pub opclass: Option<String>,
}

impl Key {
    fn column(name: &str) -> Self {
        Self {
            expr: name.to_owned(),
            desc: false,
            nulls: None,
            opclass: None,
        }
    }

    fn sql(&self) -> String {
        let mut text = self.expr.clone();
        if let Some(opclass) = &self.opclass {
            let _ = write!(text, " {opclass}");
        }
        if self.desc {
            text.push_str(" DESC");
        }
        if let Some(nulls) = &self.nulls {
            let _ = write!(text, " {nulls}");
        }
        text
    }
}

/// What the database offers beyond core PostgreSQL.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extensions {
    /// GIN operator classes for scalars: `organization_id` can lead a GIN index.
    pub btree_gin: bool,
    /// `gin_trgm_ops`, for LIKE and ILIKE on any substring.
    pub pg_trgm: bool,
}

/// A column of the table and its type as `format_type` prints it.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub type_name: String,
}

/// One proposed index, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub schema: String,
    pub table: String,
    pub method: Method,
    pub keys: Vec<Key>,
    pub include: Vec<String>,
    pub predicate: Option<String>,
    /// Why these keys, in a few words.
    pub rationale: String,
}

impl Candidate {
    /// `ON <table> USING <method> (<keys>) [INCLUDE (…)] [WHERE …]`, the table named by the
    /// caller (quoted and schema-qualified).
    #[must_use]
    pub fn body(&self, table: &str) -> String {
        let keys: Vec<String> = self.keys.iter().map(Key::sql).collect();
        let mut text = format!(
            "ON {table} USING {} ({})",
            self.method.sql(),
            keys.join(", ")
        );
        if !self.include.is_empty() {
            let _ = write!(text, " INCLUDE ({})", self.include.join(", "));
        }
        if let Some(predicate) = &self.predicate {
            let _ = write!(text, " WHERE {predicate}");
        }
        text
    }

    /// The key expressions, in order.
    #[must_use]
    pub fn key_exprs(&self) -> Vec<&str> {
        self.keys.iter().map(|k| k.expr.as_str()).collect()
    }

    /// A name in the style of the LMA schema: `idx_<table>_<key columns>`, at most 63 bytes.
    #[must_use]
    pub fn default_name(&self) -> String {
        let mut name = format!("idx_{}", plain(&self.table));
        for key in &self.keys {
            let part = plain(&key.expr);
            let part = if part.is_empty() {
                "expr".to_owned()
            } else {
                part
            };
            let _ = write!(name, "_{part}");
        }
        if self.method == Method::Gin {
            name.push_str("_gin");
        }
        if self.predicate.is_some() {
            name.push_str("_partial");
        }
        truncate(&name, 63)
    }
}

fn plain(text: &str) -> String {
    let word: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect::<String>()
        .to_ascii_lowercase();
    if text.starts_with('(') {
        String::new()
    } else {
        word
    }
}

/// The longest prefix of at most `max` bytes that ends on a character boundary.
#[must_use]
pub fn truncate(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].trim_end_matches('_').to_owned()
}

/// Every candidate for one relation, B-trees first, without duplicates.
#[must_use]
pub fn derive(access: &Access, columns: &[Column], extensions: Extensions) -> Vec<Candidate> {
    let shape = Shape::of(access, columns);
    let mut out = Vec::new();
    for (keys, rationale) in shape.bases() {
        shape.btree_variants(access, keys, rationale, &mut out);
    }
    shape.gin(access, columns, extensions, &mut out);
    let mut unique: Vec<Candidate> = Vec::new();
    for candidate in out {
        if !candidate.keys.is_empty() && !unique.contains(&candidate) {
            unique.push(candidate);
        }
    }
    unique
}

/// The conjuncts of one relation, sorted by what they can be in an index.
struct Shape {
    equal: Vec<String>,
    constants: Vec<(String, Option<String>)>,
    range: Vec<String>,
    sort: Vec<Key>,
    contains: Vec<String>,
    like: Vec<String>,
}

impl Shape {
    fn of(access: &Access, columns: &[Column]) -> Self {
        let mut shape = Self {
            equal: Vec::new(),
            constants: Vec::new(),
            range: Vec::new(),
            sort: Vec::new(),
            contains: Vec::new(),
            like: Vec::new(),
        };
        for conjunct in &access.conjuncts {
            match conjunct {
                Conjunct::Equal { column } if !shape.equal.contains(column) => {
                    shape.equal.push(column.clone());
                }
                Conjunct::Constant { text, column } => {
                    shape.constants.push((text.clone(), column.clone()));
                }
                Conjunct::Range { columns } if shape.range.is_empty() => {
                    shape.range.clone_from(columns);
                }
                Conjunct::Contains { column } => shape.contains.push(column.clone()),
                Conjunct::Like { expression } => shape.like.push(expression.clone()),
                _ => {}
            }
        }
        // The tenant leads: every query of a multi-tenant schema is inside one tenant.
        let has_tenant = columns.iter().any(|c| c.name == TENANT_COLUMN);
        if has_tenant {
            if let Some(i) = shape.equal.iter().position(|c| c == TENANT_COLUMN) {
                let tenant = shape.equal.remove(i);
                shape.equal.insert(0, tenant);
            }
        }
        // A key equal to a constant or a parameter is the same in every row read: no order.
        shape.sort = access
            .sort
            .iter()
            .filter(|k| !shape.equal.contains(&k.column))
            .map(|k| Key {
                expr: k.column.clone(),
                desc: k.desc,
                nulls: k.nulls.clone(),
                opclass: None,
            })
            .collect();
        shape
    }

    fn equal_keys(&self) -> Vec<Key> {
        self.equal.iter().map(|c| Key::column(c)).collect()
    }

    /// The key lists before constants and INCLUDE: equality then ORDER BY, equality then range,
    /// equality alone.
    fn bases(&self) -> Vec<(Vec<Key>, &'static str)> {
        let mut bases = Vec::new();
        if !self.sort.is_empty() {
            let mut keys = self.equal_keys();
            keys.extend(self.sort.iter().cloned());
            bases.push((keys, "equality columns, then the ORDER BY"));
        }
        if !self.range.is_empty() {
            let mut keys = self.equal_keys();
            let fresh = self.range.iter().filter(|c| !self.equal.contains(c));
            keys.extend(fresh.map(|c| Key::column(c)));
            bases.push((keys, "equality columns, then the range"));
        }
        if !self.equal.is_empty() {
            bases.push((self.equal_keys(), "equality columns"));
        }
        if bases.is_empty() && !self.constants.is_empty() {
            bases.push((Vec::new(), "the constant conditions"));
        }
        bases
    }

    fn btree_variants(
        &self,
        access: &Access,
        keys: Vec<Key>,
        rationale: &str,
        out: &mut Vec<Candidate>,
    ) {
        let candidate = |keys: Vec<Key>, predicate: Option<String>, rationale: String| Candidate {
            schema: access.schema.clone(),
            table: access.table.clone(),
            method: Method::Btree,
            keys,
            include: Vec::new(),
            predicate,
            rationale,
        };
        let (first, full) = if self.constants.is_empty() {
            (candidate(keys, None, rationale.to_owned()), None)
        } else {
            let texts: Vec<&str> = self.constants.iter().map(|(t, _)| t.as_str()).collect();
            let partial_keys = if keys.is_empty() {
                self.constant_keys(&[])
            } else {
                keys.clone()
            };
            let partial = candidate(
                partial_keys,
                Some(texts.join(" AND ")),
                format!("{rationale}; partial on the constant conditions"),
            );
            let mut full_keys = self.equal_keys();
            full_keys.extend(self.constant_keys(&keys));
            let rest: Vec<Key> = keys
                .into_iter()
                .filter(|k| !full_keys.contains(k))
                .collect();
            full_keys.extend(rest);
            let full = candidate(
                full_keys,
                None,
                format!("{rationale}; the constant conditions as key columns"),
            );
            (partial, Some(full))
        };
        let include: Vec<String> = access
            .output
            .iter()
            .filter(|c| !first.keys.iter().any(|k| &k.expr == *c))
            .cloned()
            .collect();
        out.push(first.clone());
        out.extend(full);
        if !include.is_empty() && include.len() <= MAX_INCLUDE {
            out.push(Candidate {
                include,
                rationale: format!(
                    "{}; INCLUDE the output for an index-only scan",
                    first.rationale
                ),
                ..first
            });
        }
    }

    /// The constant conditions' columns as keys, those not already in `keys`.
    fn constant_keys(&self, keys: &[Key]) -> Vec<Key> {
        let mut out: Vec<Key> = Vec::new();
        for column in self.constants.iter().filter_map(|(_, c)| c.as_ref()) {
            let key = Key::column(column);
            if !keys.contains(&key) && !out.contains(&key) && !self.equal.contains(column) {
                out.push(key);
            }
        }
        out
    }

    fn gin(&self, access: &Access, columns: &[Column], ext: Extensions, out: &mut Vec<Candidate>) {
        let tenant = self
            .equal
            .first()
            .filter(|c| *c == TENANT_COLUMN && ext.btree_gin);
        // Tenant-leading first: a tenant's matches are then a range of the index, not every
        // tenant's matches filtered.
        let mut push = |key: Key, rationale: &str| {
            if let Some(tenant) = tenant {
                let keys = vec![Key::column(tenant), key.clone()];
                out.push(gin(
                    access,
                    keys,
                    &format!("{rationale}, tenant-leading (btree_gin)"),
                ));
            }
            out.push(gin(access, vec![key], rationale));
        };
        for column in &self.contains {
            let type_name = columns
                .iter()
                .find(|c| &c.name == column || format!("\"{}\"", c.name) == *column)
                .map(|c| c.type_name.as_str());
            let opclass = match type_name {
                Some("jsonb") => Some("jsonb_path_ops".to_owned()),
                Some(t) if t.ends_with("[]") => None,
                _ => continue,
            };
            let key = Key {
                opclass,
                ..Key::column(column)
            };
            push(key, "containment (@>)");
        }
        if ext.pg_trgm {
            for expression in &self.like {
                let expr = if column_like(expression) {
                    expression.clone()
                } else {
                    format!("({expression})")
                };
                let key = Key {
                    opclass: Some("gin_trgm_ops".to_owned()),
                    ..Key::column(&expr)
                };
                push(key, "LIKE/ILIKE on a substring (pg_trgm)");
            }
        }
    }
}

fn column_like(text: &str) -> bool {
    super::conditions::is_identifier(text)
}

fn gin(access: &Access, keys: Vec<Key>, rationale: &str) -> Candidate {
    Candidate {
        schema: access.schema.clone(),
        table: access.table.clone(),
        method: Method::Gin,
        keys,
        include: Vec::new(),
        predicate: None,
        rationale: rationale.to_owned(),
    }
}

#[cfg(test)]
mod tests;
