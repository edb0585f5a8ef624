//! The executor refinery drives: its public async traits implemented on a wrapper around the
//! tokio-postgres client, so lma keeps refinery's history table and checksums while deciding
//! itself how each migration runs.
//!
//! A migration runs in one transaction with its history row, as refinery does; a migration
//! marked `-- lma:no-transaction` runs statement by statement outside a transaction, and its
//! history row is written only after every statement succeeded. Before each
//! `CREATE INDEX CONCURRENTLY`, an INVALID index of the same name (left by an earlier failed
//! build) is dropped, so a rerun converges.

use refinery::{AsyncMigrate, Migration};
use refinery_core::traits::r#async::{AsyncQuery, AsyncTransaction};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio_postgres::{Client, Row};

use super::statements;

const INVALID_INDEX_SQL: &str = "SELECT format('%I.%I', n.nspname, c.relname)
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relname = $1 AND n.nspname = ANY (current_schemas(false)) AND NOT i.indisvalid";

/// Why the executor failed.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// A statement failed. `line` is where it starts in the migration file; `statement` is its
    /// text when it ran alone, since PostgreSQL's error position counts from its start.
    #[error("{source}")]
    Sql {
        source: tokio_postgres::Error,
        line: usize,
        statement: Option<String>,
    },
    /// The migration text or the history table could not be read.
    #[error("{0}")]
    Invalid(String),
}

impl ExecError {
    fn whole(source: tokio_postgres::Error) -> Self {
        Self::Sql {
            source,
            line: 1,
            statement: None,
        }
    }

    fn alone(statement: &statements::Statement) -> impl Fn(tokio_postgres::Error) -> Self + '_ {
        move |source| Self::Sql {
            source,
            line: statement.line,
            statement: Some(statement.text.clone()),
        }
    }
}

/// Runs migrations for refinery on a borrowed client.
pub struct Executor<'c> {
    client: &'c mut Client,
    /// Invalid indexes dropped before being rebuilt, as schema-qualified names.
    pub rebuilt: Vec<String>,
}

impl<'c> Executor<'c> {
    #[must_use]
    pub fn new(client: &'c mut Client) -> Self {
        Self {
            client,
            rebuilt: Vec::new(),
        }
    }

    async fn in_transaction(&mut self, queries: &[&str]) -> Result<usize, ExecError> {
        let transaction = self.client.transaction().await.map_err(ExecError::whole)?;
        for query in queries {
            transaction
                .batch_execute(query)
                .await
                .map_err(ExecError::whole)?;
        }
        transaction.commit().await.map_err(ExecError::whole)?;
        Ok(queries.len())
    }

    async fn outside_transaction(
        &mut self,
        script: &str,
        then: &[&str],
    ) -> Result<usize, ExecError> {
        let parts =
            statements::split(script).map_err(|err| ExecError::Invalid(format!("{err:#}")))?;
        for statement in &parts {
            if let Some(name) = statements::concurrent_index_name(&statement.text) {
                self.drop_if_invalid(&name)
                    .await
                    .map_err(ExecError::alone(statement))?;
            }
            self.client
                .batch_execute(&statement.text)
                .await
                .map_err(ExecError::alone(statement))?;
        }
        // The history row comes last: a run that dies midway is retried from the start.
        for query in then {
            self.client
                .batch_execute(query)
                .await
                .map_err(ExecError::whole)?;
        }
        Ok(parts.len() + then.len())
    }

    async fn drop_if_invalid(&mut self, name: &str) -> Result<(), tokio_postgres::Error> {
        let invalid = self.client.query_opt(INVALID_INDEX_SQL, &[&name]).await?;
        if let Some(row) = invalid {
            let qualified: String = row.try_get(0)?;
            self.client
                .batch_execute(&format!("DROP INDEX CONCURRENTLY IF EXISTS {qualified}"))
                .await?;
            self.rebuilt.push(qualified);
        }
        Ok(())
    }
}

impl AsyncTransaction for Executor<'_> {
    type Error = ExecError;

    async fn execute<'a, T: Iterator<Item = &'a str> + Send + 'a>(
        &mut self,
        queries: T,
    ) -> Result<usize, Self::Error> {
        let queries: Vec<&str> = queries.collect();
        match queries.split_first() {
            Some((script, then)) if statements::is_no_transaction(script) => {
                self.outside_transaction(script, then).await
            }
            _ => self.in_transaction(&queries).await,
        }
    }
}

impl AsyncQuery<Vec<Migration>> for Executor<'_> {
    async fn query(&mut self, query: &str) -> Result<Vec<Migration>, Self::Error> {
        let rows = Client::query(self.client, query, &[])
            .await
            .map_err(ExecError::whole)?;
        rows.iter().map(applied_migration).collect()
    }
}

impl AsyncMigrate for Executor<'_> {}

/// A history row as refinery wrote it: version, name, applied_on (RFC 3339), checksum.
fn applied_migration(row: &Row) -> Result<Migration, ExecError> {
    let invalid = |what: &str| ExecError::Invalid(format!("history row with an invalid {what}"));
    let version: i32 = row.try_get(0).map_err(|_| invalid("version"))?;
    let name: String = row.try_get(1).map_err(|_| invalid("name"))?;
    let applied_on: String = row.try_get(2).map_err(|_| invalid("applied_on"))?;
    let applied_on =
        OffsetDateTime::parse(&applied_on, &Rfc3339).map_err(|_| invalid("applied_on"))?;
    let checksum: String = row.try_get(3).map_err(|_| invalid("checksum"))?;
    let checksum = checksum.parse::<u64>().map_err(|_| invalid("checksum"))?;
    Ok(Migration::applied(version, name, applied_on, checksum))
}
