//! A database's schema objects, read from the catalog (sql/drift/catalog.sql): one row per
//! object, named the same way in any database that has it.

use std::collections::BTreeMap;

use anyhow::Context as _;
use tokio_postgres::Client;

const CATALOG_SQL: &str = include_str!("../../sql/drift/catalog.sql");

/// One schema object and the SQL that makes it, where that is simple.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    /// `table`, `column`, `default`, `index`, `policy`, `grant`, … (sql/drift/catalog.sql).
    pub kind: String,
    /// Schema-qualified and quoted as PostgreSQL prints it; an index is named by its
    /// definition, since two databases may name the same index differently.
    pub name: String,
    pub definition: String,
    /// Creates the object in a database that lacks it.
    pub create_sql: Option<String>,
    /// Makes another database's object of the same name this one.
    pub alter_sql: Option<String>,
    /// Removes the object.
    pub drop_sql: Option<String>,
}

/// The objects by kind and name.
pub type Catalog = BTreeMap<(String, String), Object>;

/// Reads the catalog in one READ ONLY transaction, so the database cannot be changed.
pub async fn read(client: &Client) -> anyhow::Result<Catalog> {
    client
        // One snapshot; and every name deparsed schema-qualified, whatever the role's search_path.
        .batch_execute(
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL search_path = pg_catalog",
        )
        .await
        .context("cannot start a read-only transaction")?;
    let rows = client
        .query(CATALOG_SQL, &[])
        .await
        .context("cannot read the schema catalog (sql/drift/catalog.sql)")?;
    client
        .batch_execute("COMMIT")
        .await
        .context("cannot end the read-only transaction")?;
    let mut catalog = Catalog::new();
    for row in &rows {
        let object = Object {
            kind: row.try_get("kind").context("catalog row: kind")?,
            name: row.try_get("name").context("catalog row: name")?,
            definition: row
                .try_get::<_, Option<String>>("definition")
                .context("catalog row: definition")?
                .unwrap_or_default(),
            create_sql: row
                .try_get("create_sql")
                .context("catalog row: create_sql")?,
            alter_sql: row.try_get("alter_sql").context("catalog row: alter_sql")?,
            drop_sql: row.try_get("drop_sql").context("catalog row: drop_sql")?,
        };
        insert(&mut catalog, object);
    }
    Ok(catalog)
}

/// Adds an object; a second object of the same kind and name (two identical indexes under
/// different names) gets a numbered name, so neither hides the other.
fn insert(catalog: &mut Catalog, mut object: Object) {
    let base = object.name.clone();
    let mut n = 1;
    while catalog.contains_key(&(object.kind.clone(), object.name.clone())) {
        n += 1;
        object.name = format!("{base} (#{n})");
    }
    catalog.insert((object.kind.clone(), object.name.clone()), object);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_numbered_not_lost() {
        let object = Object {
            kind: "index".into(),
            name: "public.t USING btree (a)".into(),
            definition: "CREATE INDEX a1 ON public.t USING btree (a)".into(),
            create_sql: None,
            alter_sql: None,
            drop_sql: None,
        };
        let mut catalog = Catalog::new();
        insert(&mut catalog, object.clone());
        insert(&mut catalog, object);
        let names: Vec<&str> = catalog.keys().map(|(_, n)| n.as_str()).collect();
        assert_eq!(
            names,
            ["public.t USING btree (a)", "public.t USING btree (a) (#2)"]
        );
    }
}
