//! Runs one migration's statements on the migration session, one statement per request.
//!
//! A transactional migration runs in one transaction with its history row. Each statement goes
//! alone through the extended protocol, where PostgreSQL itself refuses a string holding more
//! than one command, so the statements lma checked (script.rs) are exactly the ones that run,
//! and every error names its statement's line. The session's default is read-only and the
//! migration's transaction explicitly READ WRITE, so a statement after a transaction that ended
//! anyway fails at once; before the history row the transaction id is compared with BEGIN's.
//!
//! A `-- lma:no-transaction` migration runs statement by statement outside a transaction; its
//! history row is written after the last one succeeded and no transaction was left open. Before
//! each `CREATE INDEX CONCURRENTLY`, an INVALID index of the same name (left by an earlier failed
//! build) is dropped, so a rerun converges.

use bytes::Bytes;
use futures_util::SinkExt as _;
use refinery::Migration;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::Type;
use tokio_postgres::Client;

use super::history::History;
use super::lock::MigrationLock;
use super::script::{concurrent_index_name, Script};
use super::statements::Statement;

const INVALID_INDEX_SQL: &str = "SELECT format('%I.%I', n.nspname, c.relname)
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relname = $1 AND n.nspname = ANY (current_schemas(false)) AND NOT i.indisvalid";

/// Why a migration failed.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// A statement of the migration failed. `line` is where it starts in the file; `statement`
    /// is its text, since PostgreSQL's error position counts from its start.
    #[error("{source}")]
    Sql {
        source: tokio_postgres::Error,
        line: usize,
        statement: String,
    },
    /// One of lma's own statements around the migration (BEGIN, the history row, COMMIT).
    #[error("{what}: {source}")]
    Runner {
        what: &'static str,
        #[source]
        source: tokio_postgres::Error,
    },
    /// The safety model stopped the migration at run time; the text says why.
    #[error("{0}")]
    Unsafe(String),
}

fn runner(what: &'static str) -> impl Fn(tokio_postgres::Error) -> ExecError {
    move |source| ExecError::Runner { what, source }
}

/// The error of one statement, at its line.
pub fn at(statement: &Statement) -> impl Fn(tokio_postgres::Error) -> ExecError + '_ {
    move |source| ExecError::Sql {
        source,
        line: statement.line,
        statement: statement.text.clone(),
    }
}

/// Runs migrations on the session's client, guarded by the migration lock.
pub struct Executor<'a> {
    client: &'a Client,
    history: &'a History,
    lock: &'a MigrationLock,
    /// The session's reset, sent in the migration's first request.
    prelude: String,
    /// Invalid indexes dropped before being rebuilt, as schema-qualified names.
    pub rebuilt: Vec<String>,
}

impl<'a> Executor<'a> {
    #[must_use]
    pub fn new(
        client: &'a Client,
        history: &'a History,
        lock: &'a MigrationLock,
        prelude: String,
    ) -> Self {
        Self {
            client,
            history,
            lock,
            prelude,
            rebuilt: Vec::new(),
        }
    }

    /// Applies one migration and records it.
    pub async fn apply(&mut self, migration: &Migration, script: &Script) -> Result<(), ExecError> {
        if script.transactional {
            self.in_transaction(migration, script).await
        } else {
            self.outside_transaction(migration, script).await
        }
    }

    async fn in_transaction(
        &mut self,
        migration: &Migration,
        script: &Script,
    ) -> Result<(), ExecError> {
        let client = self.client;
        // BEGIN first: the read-write mode must be set before any other statement. The reset
        // inside the transaction is rolled back with a failed attempt; the next one resets again.
        // The lock is checked on its own connection while this one begins.
        let opening = format!("BEGIN READ WRITE; {}", self.prelude);
        let (begun, locked) = tokio::join!(client.batch_execute(&opening), self.still_locked());
        let outcome = match (begun, locked) {
            (Err(err), _) => Err(runner("cannot reset the session and BEGIN")(err)),
            (Ok(()), Err(err)) => Err(err),
            (Ok(()), Ok(())) => self.body(migration, script).await,
        };
        if outcome.is_err() {
            // The transaction may already be aborted or gone; the error that matters is the first.
            let _ = client.batch_execute("ROLLBACK").await;
            return outcome;
        }
        client
            .batch_execute("COMMIT")
            .await
            .map_err(runner("COMMIT"))
    }

    async fn body(&self, migration: &Migration, script: &Script) -> Result<(), ExecError> {
        let mut xid = None;
        for statement in &script.statements {
            if xid.is_some() {
                run_statement(self.client, statement)
                    .await
                    .map_err(at(statement))?;
                continue;
            }
            // The id is read after the first statement, which may be `SET TRANSACTION …` (it
            // must come before any query), in the same round trip: tokio-postgres pipelines
            // requests that are queued before their answers are read.
            let (ran, id) = tokio::join!(
                run_statement(self.client, statement),
                transaction_id(self.client)
            );
            ran.map_err(at(statement))?;
            xid = Some(id?);
        }
        // Pipelined too: had the transaction ended, the INSERT would run read-only and fail.
        let check = async {
            match xid {
                Some(xid) => still_in(self.client, xid).await,
                None => Ok(()),
            }
        };
        let record = self.history.record(self.client, migration);
        let (checked, recorded, locked) = tokio::join!(check, record, self.still_locked());
        checked?;
        recorded.map_err(runner("cannot record the migration in the history"))?;
        locked
    }

    async fn outside_transaction(
        &mut self,
        migration: &Migration,
        script: &Script,
    ) -> Result<(), ExecError> {
        let (reset, locked) = tokio::join!(
            self.client.batch_execute(&self.prelude),
            self.still_locked()
        );
        reset.map_err(runner("cannot reset the session"))?;
        locked?;
        for statement in &script.statements {
            if let Some(name) = concurrent_index_name(&statement.text) {
                self.drop_if_invalid(&name).await.map_err(at(statement))?;
            }
            run_statement(self.client, statement)
                .await
                .map_err(at(statement))?;
        }
        if in_transaction(self.client).await? {
            let _ = self.client.batch_execute("ROLLBACK").await;
            return Err(ExecError::Unsafe(
                "it left a transaction open, so its work would roll back when lma disconnects; rolled back, and not recorded".to_owned(),
            ));
        }
        self.still_locked().await?;
        // The history row comes last: a run that dies midway is retried from the start.
        self.history
            .record(self.client, migration)
            .await
            .map_err(runner("cannot record the migration in the history"))
    }

    async fn still_locked(&self) -> Result<(), ExecError> {
        self.lock
            .verify()
            .await
            .map_err(|err| ExecError::Unsafe(format!("{err:#}; not committed")))
    }

    async fn drop_if_invalid(&mut self, name: &str) -> Result<(), tokio_postgres::Error> {
        let invalid = self
            .client
            .query_typed(INVALID_INDEX_SQL, &[(&name, Type::TEXT)])
            .await?;
        if let Some(row) = invalid.first() {
            let qualified: String = row.try_get(0)?;
            self.client
                .batch_execute(&format!("DROP INDEX CONCURRENTLY IF EXISTS {qualified}"))
                .await?;
            self.rebuilt.push(qualified);
        }
        Ok(())
    }
}

/// Sends one statement alone through the extended protocol (one command per request, as
/// PostgreSQL enforces there); a `COPY … FROM STDIN` is sent its data.
pub async fn run_statement(
    client: &Client,
    statement: &Statement,
) -> Result<(), tokio_postgres::Error> {
    let Some(data) = &statement.copy_data else {
        client.query_typed(&statement.text, &[]).await?;
        return Ok(());
    };
    let sink = client.copy_in::<_, Bytes>(statement.text.as_str()).await?;
    futures_util::pin_mut!(sink);
    sink.send(Bytes::from(data.clone())).await?;
    sink.finish().await?;
    Ok(())
}

/// Fails unless the session is still in the transaction that began with id `xid`. Each
/// statement ran alone and none was transaction control (script.rs); should one have ended the
/// transaction anyway, what followed ran read-only and failed, and this keeps the history row
/// out of whatever transaction the session is in now.
pub async fn still_in(client: &Client, xid: i64) -> Result<(), ExecError> {
    if transaction_id(client).await? == xid {
        Ok(())
    } else {
        Err(ExecError::Unsafe(
            "a statement ended lma's transaction, so the migration is no longer atomic; stopped before recording it".to_owned(),
        ))
    }
}

/// The current transaction's id, assigning one if needed (DDL assigns one anyway).
pub async fn transaction_id(client: &Client) -> Result<i64, ExecError> {
    let rows = client
        .query_typed("SELECT txid_current()", &[])
        .await
        .map_err(runner("cannot read the transaction id"))?;
    rows.first()
        .and_then(|row| row.try_get(0).ok())
        .ok_or_else(|| ExecError::Unsafe("cannot read the transaction id".to_owned()))
}

/// Whether the session is inside a transaction block: `SAVEPOINT` only works there.
async fn in_transaction(client: &Client) -> Result<bool, ExecError> {
    match client.batch_execute("SAVEPOINT lma_probe").await {
        Ok(()) => Ok(true),
        Err(err) if err.code() == Some(&SqlState::NO_ACTIVE_SQL_TRANSACTION) => Ok(false),
        Err(err) => Err(runner("cannot tell whether a transaction is open")(err)),
    }
}
