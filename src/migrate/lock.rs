//! The migration lock: a session-level advisory lock on a connection of its own, so that only
//! one `lma migrate` works on a database at a time.
//!
//! The lock lives on a dedicated, otherwise idle connection: an idle session holds no snapshot,
//! so `CREATE INDEX CONCURRENTLY` on the migration connection never waits for it.

use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use tokio_postgres::types::Type;
use tokio_postgres::Client;

use crate::db::Database;
use crate::progress::Progress;

/// The advisory lock key: "lma_migr" in ASCII, unlikely to collide with an application's keys.
pub const KEY: i64 = 0x6c6d_615f_6d69_6772;

const POLL: Duration = Duration::from_millis(200);

const HOLDER_SQL: &str = "SELECT pid FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND objsubid = 1
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND classid = ($1::bigint >> 32)::oid AND objid = ($1::bigint & 4294967295)::oid";

const HELD_SQL: &str = "SELECT EXISTS (SELECT FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND pid = pg_backend_pid()
      AND classid = ($1::bigint >> 32)::oid AND objid = ($1::bigint & 4294967295)::oid)";

/// A held migration lock; released when dropped (its connection closes) or by `release`.
pub struct MigrationLock {
    client: Client,
}

impl MigrationLock {
    /// Polls `pg_try_advisory_lock` until it is granted or `wait` has passed.
    pub async fn acquire(
        database: &Database,
        wait: Duration,
        progress: &Progress,
    ) -> anyhow::Result<Self> {
        let client = database.connect().await?;
        let deadline = Instant::now() + wait;
        let mut announced = false;
        loop {
            let row = client
                .query_one("SELECT pg_try_advisory_lock($1)", &[&KEY])
                .await;
            if row
                .context("cannot take the migration lock")?
                .try_get::<_, bool>(0)
                .context("cannot read pg_try_advisory_lock's answer")?
            {
                return Ok(Self { client });
            }
            let holder = holder(&client, KEY).await?;
            if Instant::now() >= deadline {
                bail!(
                    "gave up after {}s waiting for the migration lock, held by {holder}",
                    wait.as_secs()
                );
            }
            if !announced {
                progress.note(
                    None,
                    &format!("waiting for the migration lock, held by {holder}"),
                );
                announced = true;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The lock's connection, idle between polls: used to watch for blockers.
    #[must_use]
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Fails unless the lock's session is alive and still holds the lock: a terminated session
    /// (`pg_terminate_backend`, a failover, a network cut) frees the lock for another runner.
    pub async fn verify(&self) -> anyhow::Result<()> {
        let rows = self
            .client
            .query_typed(HELD_SQL, &[(&KEY, Type::INT8)])
            .await
            .map_err(|err| anyhow::anyhow!("lost the migration lock: its session ended ({err})"))?;
        let held = rows
            .first()
            .map(|row| row.try_get::<_, bool>(0))
            .transpose()
            .context("cannot read whether the lock's session still holds the migration lock")?;
        if held != Some(true) {
            bail!("lost the migration lock: its session no longer holds it");
        }
        Ok(())
    }

    /// Releases the lock now rather than when the connection closes.
    pub async fn release(self) -> anyhow::Result<()> {
        self.client
            .query_one("SELECT pg_advisory_unlock($1)", &[&KEY])
            .await
            .context("cannot release the migration lock")?;
        Ok(())
    }
}

/// Who holds the advisory lock `key` on this database, for messages.
pub async fn holder(client: &Client, key: i64) -> anyhow::Result<String> {
    let row = client
        .query_opt(HOLDER_SQL, &[&key])
        .await
        .context("cannot see who holds the lock")?;
    Ok(match row {
        Some(row) => {
            let pid = row
                .try_get::<_, i32>(0)
                .context("cannot read the lock holder's pid")?;
            format!("pid {pid}")
        }
        None => "a session that just released it".to_owned(),
    })
}
