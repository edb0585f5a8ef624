//! What keeps a seed safe on a live database, as the migration runner is: one seed at a time
//! (an advisory lock of its own), bounded lock waits retried with backoff, and server-side
//! detection of a killed lma, so a seed never leaves a TRUNCATE queued in front of the
//! application's queries.

use anyhow::bail;
use tokio_postgres::Client;

use crate::migrate::contention::is_lock_timeout;
use crate::migrate::lock::holder;
use crate::migrate::policy::Policy;
use crate::migrate::session::CHECK_INTERVAL_SQL;
use crate::progress::Progress;

/// The advisory lock key: "lma_seed" in ASCII.
pub const KEY: i64 = 0x6c6d_615f_7365_6564;

/// The settings of every seed session: the migration policy's default lock_timeout, and
/// `client_connection_check_interval` (PostgreSQL 14+).
#[must_use]
pub fn session_sql() -> String {
    let policy = Policy::default();
    format!(
        "SET lock_timeout = '{}ms'; {CHECK_INTERVAL_SQL}",
        policy.lock_timeout.as_millis()
    )
}

/// Takes the seed lock on the seed's main session, which holds it until the seed ends; refuses
/// with one line when another seed holds it.
pub async fn lock(client: &Client, target: &str) -> anyhow::Result<()> {
    let granted: bool = client
        .query_one("SELECT pg_try_advisory_lock($1)", &[&KEY])
        .await?
        .try_get(0)?;
    if granted {
        return Ok(());
    }
    let who = holder(client, KEY).await?;
    bail!("refusing to seed {target}: another lma seed is running on it ({who}); wait for it to finish")
}

/// Releases the seed lock now: a dropped connection releases it too, but only once the server
/// has seen the connection close, which a caller in the same process may outrun.
pub async fn unlock(client: &Client) -> anyhow::Result<()> {
    client
        .query_one("SELECT pg_advisory_unlock($1)", &[&KEY])
        .await?;
    Ok(())
}

/// Whether to run a failed attempt again: after a lock timeout, with the migration runner's
/// backoff (slept here), up to its default number of retries. Each attempt must be one
/// transaction, rolled back whole by its failure.
pub async fn retry(err: &anyhow::Error, attempt: u32, what: &str, progress: &Progress) -> bool {
    let retries = Policy::default().lock_retries;
    if attempt > retries || !is_lock_timeout(err.as_ref()) {
        return false;
    }
    let wait = Policy::backoff(attempt);
    progress.note(
        None,
        &format!("{what}: lock timeout, retry {attempt}/{retries} in {wait:?}"),
    );
    tokio::time::sleep(wait).await;
    true
}
