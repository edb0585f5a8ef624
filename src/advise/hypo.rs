//! HypoPG: hypothetical indexes that exist only in this session's planner, nowhere on disk and
//! for no other session. lma never creates the extension: without it, the error says how to
//! install and enable it.
//!
//! Tried on PostgreSQL 15 with HypoPG 1.3.1: `hypopg_create_index` works in a READ ONLY
//! transaction and under `default_transaction_read_only`, and its indexes outlive a ROLLBACK
//! (they are not transactional), so lma drops each one itself and resets at the end. 1.3 does
//! not simulate GIN ("access method gin is not supported") and has no `hypopg_hide_index`
//! (1.4+).

use anyhow::{bail, Context as _};
use tokio_postgres::Client;

use crate::queries::quote_ident;

const STATE: &str = "
SELECT n.nspname::text AS schema, e.extversion::text AS version,
       (SELECT count(*) > 0 FROM pg_available_extensions WHERE name = 'hypopg') AS available,
       current_setting('server_version_num')::int / 10000 AS major
FROM (SELECT 1) AS one
LEFT JOIN pg_extension AS e ON e.extname = 'hypopg'
LEFT JOIN pg_namespace AS n ON n.oid = e.extnamespace";

/// The HypoPG functions of one database, schema-qualified.
#[derive(Debug, Clone)]
pub struct HypoPg {
    schema: String,
    pub version: String,
}

/// A hypothetical index while it exists.
#[derive(Debug, Clone)]
pub struct Hypothetical {
    pub oid: u32,
    /// The name plans show, e.g. `<13556>btree_leads_organization_id`.
    pub name: String,
}

impl HypoPg {
    /// HypoPG as the database has it, or the one-line error saying how to get it.
    pub async fn find(client: &Client, database: &str) -> anyhow::Result<Self> {
        let row = client
            .query_one(STATE, &[])
            .await
            .context("cannot read whether HypoPG is installed")?;
        let schema: Option<String> = row.try_get("schema")?;
        let available: bool = row.try_get("available")?;
        let major: i32 = row.try_get("major")?;
        match schema {
            Some(schema) => Ok(Self {
                schema,
                version: row
                    .try_get::<_, Option<String>>("version")?
                    .unwrap_or_default(),
            }),
            None if available => bail!(
                "HypoPG is installed on the server but not enabled in {database}: run CREATE \
                 EXTENSION hypopg there (lma advise then creates only session-local hypothetical \
                 indexes; it never creates the extension itself)"
            ),
            None => bail!(
                "HypoPG is not installed on the server: install it (Debian: apt-get install \
                 postgresql-{major}-hypopg), then run CREATE EXTENSION hypopg in {database}"
            ),
        }
    }

    fn function(&self, name: &str) -> String {
        format!("{}.{name}", quote_ident(&self.schema))
    }

    /// Creates a hypothetical index from a `CREATE INDEX` statement.
    pub async fn create(&self, client: &Client, statement: &str) -> anyhow::Result<Hypothetical> {
        let sql = format!(
            "SELECT indexrelid, indexname FROM {}($1)",
            self.function("hypopg_create_index")
        );
        let row = client
            .query_one(&sql, &[&statement])
            .await
            .with_context(|| format!("HypoPG cannot simulate {statement}"))?;
        Ok(Hypothetical {
            oid: row.try_get(0)?,
            name: row.try_get(1)?,
        })
    }

    /// HypoPG's estimate of the index's size on disk, in bytes.
    pub async fn size(&self, client: &Client, index: &Hypothetical) -> anyhow::Result<i64> {
        let sql = format!("SELECT {}($1)", self.function("hypopg_relation_size"));
        let row = client
            .query_one(&sql, &[&index.oid])
            .await
            .context("HypoPG cannot estimate the index size")?;
        Ok(row.try_get(0)?)
    }

    /// Removes one hypothetical index.
    pub async fn drop_index(&self, client: &Client, index: &Hypothetical) -> anyhow::Result<()> {
        let sql = format!("SELECT {}($1)", self.function("hypopg_drop_index"));
        client
            .query_one(&sql, &[&index.oid])
            .await
            .context("HypoPG cannot drop a hypothetical index")?;
        Ok(())
    }

    /// Removes every hypothetical index of this session.
    pub async fn reset(&self, client: &Client) -> anyhow::Result<()> {
        let sql = format!("SELECT {}()", self.function("hypopg_reset"));
        client
            .query_one(&sql, &[])
            .await
            .context("HypoPG cannot reset")?;
        Ok(())
    }
}
