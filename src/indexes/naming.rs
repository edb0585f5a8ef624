//! Names for the indexes lma's fixes create, chosen as PostgreSQL's `ChooseIndexName` chooses
//! one for `CREATE INDEX ON t (a, b)`: `t_a_b_idx`, cut to 63 bytes (the longer of the table
//! and column parts first, on a character boundary), then `t_a_b_idx1`, `t_a_b_idx2`, … past a
//! name the schema's relations already have or an earlier fix of the same report takes. A
//! named index is what `lma migrate` asks of a CREATE INDEX CONCURRENTLY (so that a rerun after
//! a failed build finds the INVALID index it left), and the same catalog gives the same name.

use std::collections::BTreeSet;

use anyhow::Context as _;
use tokio_postgres::Client;

/// Every relation name of the schemas: an index's name must differ from all of them.
const RELATION_NAMES: &str = include_str!("../../sql/reports/relation_names.sql");

/// PostgreSQL's NAMEDATALEN - 1: the longest name, in bytes.
const MAX_NAME_BYTES: usize = 63;

/// The relation names of the schemas, and those the report's fixes have taken.
#[derive(Debug, Clone, Default)]
pub struct Names {
    taken: BTreeSet<(String, String)>,
}

impl Names {
    /// The relation names of these schemas, as the database has them now.
    pub async fn read(client: &Client, schemas: &[String]) -> anyhow::Result<Self> {
        let rows = client
            .query(RELATION_NAMES, &[&schemas])
            .await
            .context("cannot read the relation names (sql/reports)")?;
        let names = rows
            .iter()
            .map(|row| Ok((row.try_get("schema")?, row.try_get("name")?)))
            .collect::<anyhow::Result<Vec<(String, String)>>>()?;
        Ok(Self::new(names))
    }

    /// No name in use (tests of findings that create no index).
    #[must_use]
    pub const fn none() -> Self {
        Self {
            taken: BTreeSet::new(),
        }
    }

    /// The names already in use: `(schema, relation name)`.
    #[must_use]
    pub fn new(existing: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            taken: existing.into_iter().collect(),
        }
    }

    /// A free name in `schema` for an index on `table`'s `columns`, taken from now on; quoted
    /// for SQL where it must be.
    pub fn index(&mut self, schema: &str, table: &str, columns: &[String]) -> String {
        let addition = column_addition(columns);
        // A schema has fewer than u32::MAX relations, so some number is free.
        let name = (0..u32::MAX)
            .map(|pass| {
                let label = if pass == 0 {
                    "idx".to_owned()
                } else {
                    format!("idx{pass}")
                };
                object_name(table, &addition, &label)
            })
            .find(|name| !self.taken.contains(&(schema.to_owned(), name.clone())))
            .expect("some numbered name is free");
        self.taken.insert((schema.to_owned(), name.clone()));
        quote(&name)
    }
}

/// `ChooseIndexNameAddition`: the column names joined with `_`, stopping once the text reaches
/// 64 bytes (each name is at most 63).
fn column_addition(columns: &[String]) -> String {
    let mut addition = String::new();
    for column in columns {
        if !addition.is_empty() {
            addition.push('_');
        }
        addition.push_str(column);
        if addition.len() > MAX_NAME_BYTES {
            break;
        }
    }
    addition
}

/// `makeObjectName`: `name1_name2_label` in at most 63 bytes, taking bytes from the longer of
/// the two names first, each then cut back to a character boundary.
fn object_name(name1: &str, name2: &str, label: &str) -> String {
    let available = MAX_NAME_BYTES - (label.len() + 2);
    let (mut keep1, mut keep2) = (name1.len(), name2.len());
    while keep1 + keep2 > available {
        if keep1 > keep2 {
            keep1 -= 1;
        } else {
            keep2 -= 1;
        }
    }
    format!("{}_{}_{label}", clip(name1, keep1), clip(name2, keep2))
}

/// The longest prefix of `text` within `bytes` that ends on a character boundary.
fn clip(text: &str, bytes: usize) -> &str {
    let end = (0..=bytes.min(text.len()))
        .rev()
        .find(|&end| text.is_char_boundary(end))
        .unwrap_or(0);
    &text[..end]
}

/// An identifier as `quote_ident` writes it: bare when it is lower-case letters, digits and
/// underscores not led by a digit (a name ending in `_idx` or `_idxN` is never a keyword),
/// else in double quotes.
fn quote(name: &str) -> String {
    let bare = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if bare {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(names: &[&str]) -> Vec<String> {
        names.iter().map(|&n| n.to_owned()).collect()
    }

    #[test]
    fn a_name_is_table_columns_idx_as_postgresql_chooses_it() {
        let mut names = Names::default();
        assert_eq!(
            names.index("public", "orders", &columns(&["customer_id"])),
            "orders_customer_id_idx"
        );
        assert_eq!(
            names.index("public", "Order Lines", &columns(&["Order", "line"])),
            "\"Order Lines_Order_line_idx\""
        );
    }

    #[test]
    fn a_taken_name_is_numbered_and_each_chosen_name_is_taken() {
        let mut names = Names::new([("s".to_owned(), "t_a_idx".to_owned())]);
        assert_eq!(names.index("s", "t", &columns(&["a"])), "t_a_idx1");
        assert_eq!(names.index("s", "t", &columns(&["a"])), "t_a_idx2");
        assert_eq!(names.index("other", "t", &columns(&["a"])), "t_a_idx");
    }

    #[test]
    fn long_names_fit_in_63_bytes_cutting_the_longer_part_on_a_character_boundary() {
        // PostgreSQL 15.18 gave exactly these names to CREATE INDEX ON … (…).
        let name = object_name(&"t".repeat(40), &"é".repeat(31), "idx");
        assert_eq!(name, format!("{}_{}_idx", "t".repeat(29), "é".repeat(14)));
        let long = object_name(&"a".repeat(63), &"b".repeat(63), "idx");
        assert_eq!(long, format!("{}_{}_idx", "a".repeat(29), "b".repeat(29)));
        let long = object_name(&"a".repeat(63), &"b".repeat(63), "idx1");
        assert_eq!(long, format!("{}_{}_idx1", "a".repeat(29), "b".repeat(28)));
        assert_eq!(long.len(), MAX_NAME_BYTES);
        let addition = column_addition(&columns(&[&"c".repeat(50), &"d".repeat(50), "e"]));
        assert_eq!(addition, format!("{}_{}", "c".repeat(50), "d".repeat(50)));
    }
}
