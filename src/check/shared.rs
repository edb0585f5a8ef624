//! Shared relations of a catalog: `_NAME.sql` files holding one query that `-- params:` queries
//! name as `{{NAME}}`, so a rule such as "the tenants, largest first" is written once.
//!
//! A reference expands to `(query) AS NAME`, a derived table, so it is used like a view:
//! `FROM {{tenants_by_size}} WHERE size_rank = 1`. It is expanded as text before the params query
//! is prepared; a view would need DDL, and checks never change the database.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context as _};

/// The shared relations of one catalog, by name.
#[derive(Debug, Clone, Default)]
pub struct SharedRelations(BTreeMap<String, String>);

/// Whether a catalog file is a shared relation (`_NAME.sql`) rather than a check.
#[must_use]
pub fn is_shared(file: &str) -> bool {
    Path::new(file)
        .file_name()
        .is_some_and(|name| name.to_string_lossy().starts_with('_'))
}

impl SharedRelations {
    /// Reads the `_NAME.sql` files among `(file, text)`: `--` lines are comments, the rest is the
    /// query.
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> anyhow::Result<Self> {
        let mut relations = BTreeMap::new();
        for (file, text) in files.into_iter().filter(|(file, _)| is_shared(file)) {
            let stem = Path::new(file).file_stem().unwrap_or_default();
            let name = stem.to_string_lossy()[1..].to_owned();
            if !is_identifier(&name) {
                bail!("{file}: a shared relation's name is lowercase letters, digits and _");
            }
            let sql = query_of(text);
            if sql.is_empty() {
                bail!("{file}: no query");
            }
            relations.insert(name, sql);
        }
        Ok(Self(relations))
    }

    /// These relations, with `other`'s replacing any of the same name.
    #[must_use]
    pub fn overridden_by(mut self, other: Self) -> Self {
        self.0.extend(other.0);
        self
    }

    /// `sql` with every `{{NAME}}` replaced by the named relation, which may name others; an
    /// unknown name is an error listing the known ones.
    pub fn expand(&self, sql: &str) -> anyhow::Result<String> {
        self.expand_within(sql, 0)
    }

    fn expand_within(&self, sql: &str, depth: usize) -> anyhow::Result<String> {
        // Deeper than there are relations means one names itself, through others or directly.
        if depth > self.0.len() {
            bail!("the shared relations name each other in a circle");
        }
        let mut out = String::with_capacity(sql.len());
        let mut rest = sql;
        while let Some(start) = rest.find("{{") {
            let end = rest[start + 2..].find("}}").map(|end| start + 2 + end);
            let name = end
                .map(|end| rest[start + 2..end].trim())
                .filter(|name| is_identifier(name));
            // Only `{{name}}` is a reference: a literal such as '{{1,2},{3,4}}' stays as it is.
            let (Some(end), Some(name)) = (end, name) else {
                out.push_str(&rest[..start + 2]);
                rest = &rest[start + 2..];
                continue;
            };
            let query = self.0.get(name).with_context(|| self.unknown(name))?;
            out.push_str(&rest[..start]);
            let query = self.expand_within(query, depth + 1)?;
            // Writing to a String cannot fail.
            let _ = write!(out, "({query}) AS {name}");
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn unknown(&self, name: &str) -> String {
        let known: Vec<&str> = self.0.keys().map(String::as_str).collect();
        format!(
            "no shared relation {{{{{name}}}}} (the catalog's _NAME.sql files give: {})",
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        )
    }
}

/// The file without its comment lines and trailing semicolon.
fn query_of(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .collect();
    lines
        .join("\n")
        .trim()
        .trim_end_matches(';')
        .trim()
        .to_owned()
}

fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenants() -> SharedRelations {
        let text = "-- The tenants, largest first.\nSELECT organization_id FROM leads;\n";
        SharedRelations::from_files([("dir/_tenants.sql", text), ("dir/q.sql", "SELECT 1")])
            .unwrap()
    }

    #[test]
    fn a_reference_becomes_a_derived_table_named_after_the_file() {
        let sql = tenants()
            .expand("SELECT organization_id FROM {{ tenants }} WHERE true")
            .unwrap();
        assert_eq!(
            sql,
            "SELECT organization_id FROM (SELECT organization_id FROM leads) AS tenants WHERE true"
        );
    }

    #[test]
    fn only_underscore_files_are_shared_and_sql_without_references_is_unchanged() {
        assert!(is_shared("sql/checks/_tenants.sql"));
        assert!(!is_shared("sql/checks/lead_search.sql"));
        assert_eq!(tenants().expand("SELECT '{a}'").unwrap(), "SELECT '{a}'");
    }

    #[test]
    fn an_unknown_name_is_an_error_and_what_is_no_name_stays_as_written() {
        let err = tenants().expand("SELECT * FROM {{tenant}}").unwrap_err();
        assert_eq!(
            err.to_string(),
            "no shared relation {{tenant}} (the catalog's _NAME.sql files give: tenants)"
        );
        assert_eq!(
            tenants().expand("SELECT {{tenants").unwrap(),
            "SELECT {{tenants"
        );
        let array = "SELECT '{{1,2},{3,4}}'::int[]";
        assert_eq!(tenants().expand(array).unwrap(), array);
    }

    #[test]
    fn a_relation_may_name_another_but_not_itself() {
        let files = [
            (
                "_tenants.sql",
                "SELECT organization_id, 1 AS size_rank FROM leads",
            ),
            (
                "_largest.sql",
                "SELECT organization_id FROM {{tenants}} WHERE size_rank = 1",
            ),
            ("_loop.sql", "SELECT * FROM {{ring}}"),
            ("_ring.sql", "SELECT * FROM {{loop}}"),
        ];
        let shared = SharedRelations::from_files(files).unwrap();
        assert_eq!(
            shared.expand("FROM {{largest}}").unwrap(),
            "FROM (SELECT organization_id FROM (SELECT organization_id, 1 AS size_rank FROM leads) \
             AS tenants WHERE size_rank = 1) AS largest"
        );
        let circle = shared.expand("FROM {{loop}}").unwrap_err();
        assert_eq!(
            circle.to_string(),
            "the shared relations name each other in a circle"
        );
    }

    #[test]
    fn a_directory_s_own_relation_replaces_the_built_in_one_of_its_name() {
        let own = SharedRelations::from_files([("_tenants.sql", "SELECT 7 AS organization_id")]);
        let shared = tenants().overridden_by(own.unwrap());
        assert_eq!(
            shared.expand("FROM {{tenants}}").unwrap(),
            "FROM (SELECT 7 AS organization_id) AS tenants"
        );
    }

    #[test]
    fn a_shared_file_needs_a_query_and_a_plain_name() {
        let empty = SharedRelations::from_files([("_x.sql", "-- only a comment\n")]);
        assert_eq!(empty.unwrap_err().to_string(), "_x.sql: no query");
        assert!(SharedRelations::from_files([("_Bad-Name.sql", "SELECT 1")]).is_err());
    }
}
