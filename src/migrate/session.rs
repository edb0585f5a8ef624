//! The migration connection: its settings are lma's before every migration, whatever the one
//! before it left behind (a pg_dump preamble's `SET`s, `SET ROLE`, `set_config(…, false)`).

use anyhow::Context as _;
use tokio_postgres::Client;

use super::policy::Policy;
use crate::db::Database;

/// Undoes what a migration may have set for the session. `RESET ALL` leaves the role and the
/// session user alone (PostgreSQL marks them GUC_NO_RESET_ALL), so they are reset by name.
const RESET_SQL: &str = "RESET ALL; RESET SESSION AUTHORIZATION; RESET ROLE;";

/// Stops the server-side work of a killed `lma` quickly (PostgreSQL 14+), instead of letting an
/// orphaned migration run on holding its locks.
pub const CHECK_INTERVAL_SQL: &str =
    "SELECT set_config('client_connection_check_interval', '1s', false)
    WHERE current_setting('server_version_num')::int >= 140000";

/// A connection that runs migrations under a policy.
pub struct Session {
    pub client: Client,
    /// The database's (or role's) `default_transaction_read_only`: lma's own transactions say
    /// READ WRITE, so it refuses such a database itself rather than override its DBA.
    pub read_only: bool,
    /// Its backend, whose blockers the lock-timeout watcher looks for.
    pub pid: i32,
    settings: String,
}

/// What the session's first query asks, for its errors.
const ASKED: &str =
    "cannot read the migration session's backend pid, server version and read-only default";

impl Session {
    /// Connects and applies lma's settings.
    pub async fn open(database: &Database, policy: &Policy) -> anyhow::Result<Self> {
        let client = database.connect().await?;
        let row = client
            .query_one(
                // Before any SET: the database's or role's own read-only default.
                "SELECT pg_backend_pid(), current_setting('server_version_num')::int,
                    current_setting('default_transaction_read_only') = 'on'",
                &[],
            )
            .await
            .context(ASKED)?;
        let pid: i32 = row.try_get(0).context(ASKED)?;
        let version: i32 = row.try_get(1).context(ASKED)?;
        let read_only: bool = row.try_get(2).context(ASKED)?;
        // Only SETs: they take no snapshot, so a migration may still open with `SET TRANSACTION
        // ISOLATION LEVEL …`, which must come before any query of its transaction.
        let check = if version >= 140_000 {
            " SET client_connection_check_interval = '1s';"
        } else {
            ""
        };
        let settings = format!(
            "{} SET application_name = 'lma';{check}",
            policy.session_sql()
        );
        let session = Self {
            client,
            read_only,
            pid,
            settings,
        };
        session.reset(false).await?;
        Ok(session)
    }

    /// Back to the connection's defaults, then lma's settings again. With `read_only_default`
    /// (before a transactional migration, which lma runs in `BEGIN READ WRITE`), anything that
    /// ran after the transaction had somehow ended would be in a read-only transaction of its
    /// own and fail at once instead of committing: a backstop that costs no round trip.
    pub async fn reset(&self, read_only_default: bool) -> anyhow::Result<()> {
        self.client
            .batch_execute(&self.reset_sql(read_only_default))
            .await
            .context("cannot reset the migration session's settings")
    }

    /// What `reset` sends, for a caller that sends it together with its own first statement.
    #[must_use]
    pub fn reset_sql(&self, read_only_default: bool) -> String {
        // Never `off`: RESET ALL has restored the database's or role's own default, and a
        // database its DBA made read-only must stay so.
        let read_only = if read_only_default {
            " SET default_transaction_read_only = on;"
        } else {
            ""
        };
        format!("{RESET_SQL} {}{read_only}", self.settings)
    }
}
