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
    /// Its backend, whose blockers the lock-timeout watcher looks for.
    pub pid: i32,
    settings: String,
}

impl Session {
    /// Connects and applies lma's settings.
    pub async fn open(database: &Database, policy: &Policy) -> anyhow::Result<Self> {
        let client = database.connect().await?;
        let settings = format!(
            "{} SET application_name = 'lma'; {CHECK_INTERVAL_SQL}",
            policy.session_sql()
        );
        let pid = client
            .query_one("SELECT pg_backend_pid()", &[])
            .await
            .context("cannot read the migration session's backend pid")?
            .try_get(0)?;
        let session = Self {
            client,
            pid,
            settings,
        };
        session.reset().await?;
        Ok(session)
    }

    /// Back to the connection's defaults, then lma's settings again.
    pub async fn reset(&self) -> anyhow::Result<()> {
        self.client
            .batch_execute(&format!("{RESET_SQL} {}", self.settings))
            .await
            .context("cannot reset the migration session's settings")
    }
}
