//! Whether `pg_stat_statements` can be read: created in the database and loaded at server start.

use anyhow::{bail, Context as _};
use tokio_postgres::Client;

const STATE: &str = "
SELECT n.nspname::text AS schema, e.extversion::text AS version,
       current_setting('shared_preload_libraries') AS preload
FROM (SELECT 1) AS one
LEFT JOIN pg_extension AS e ON e.extname = 'pg_stat_statements'
LEFT JOIN pg_namespace AS n ON n.oid = e.extnamespace";

/// The extension as the database has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// The schema it was created in; `None` when it was not created in this database.
    pub schema: Option<String>,
    pub version: Option<String>,
    /// The library is in `shared_preload_libraries`.
    pub preloaded: bool,
}

impl Extension {
    /// Reads the extension's state.
    pub async fn read(client: &Client) -> anyhow::Result<Self> {
        let row = client
            .query_one(STATE, &[])
            .await
            .context("cannot read whether pg_stat_statements is installed")?;
        let preload: String = row.try_get("preload")?;
        Ok(Self {
            schema: row.try_get("schema")?,
            version: row.try_get("version")?,
            preloaded: is_preloaded(&preload),
        })
    }

    /// The extension's schema, or the one-line error that says what to add.
    pub fn usable(&self) -> anyhow::Result<&str> {
        match (&self.schema, self.preloaded) {
            (Some(schema), true) => Ok(schema),
            (None, true) => bail!(
                "pg_stat_statements is loaded but not created in this database: run \
                 CREATE EXTENSION pg_stat_statements (as a superuser or the database owner)"
            ),
            (_, false) => bail!(
                "pg_stat_statements is not in shared_preload_libraries: add it \
                 (shared_preload_libraries = 'pg_stat_statements' in postgresql.conf, then \
                 restart the server) and run CREATE EXTENSION pg_stat_statements"
            ),
        }
    }
}

/// Whether a `shared_preload_libraries` value names pg_stat_statements, bare or as a path.
fn is_preloaded(setting: &str) -> bool {
    setting.split(',').any(|library| {
        let library = library.trim().trim_matches('"');
        let file = library.rsplit('/').next().unwrap_or(library);
        file.trim_end_matches(".so") == "pg_stat_statements"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_is_found_in_the_preload_list_bare_or_as_a_path() {
        assert!(is_preloaded("pg_stat_statements"));
        assert!(is_preloaded(
            "auto_explain, \"$libdir/pg_stat_statements.so\""
        ));
        assert!(!is_preloaded(""));
        assert!(!is_preloaded("pg_stat_statements_extra, auto_explain"));
    }

    #[test]
    fn each_missing_piece_has_its_own_fix() {
        let state = |schema: Option<&str>, preloaded| Extension {
            schema: schema.map(str::to_owned),
            version: None,
            preloaded,
        };
        assert_eq!(state(Some("public"), true).usable().unwrap(), "public");
        let not_created = state(None, true).usable().unwrap_err().to_string();
        assert!(
            not_created.contains("CREATE EXTENSION pg_stat_statements"),
            "{not_created}"
        );
        let not_loaded = state(Some("public"), false)
            .usable()
            .unwrap_err()
            .to_string();
        assert!(
            not_loaded.contains("shared_preload_libraries"),
            "{not_loaded}"
        );
    }
}
