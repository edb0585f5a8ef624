//! Lock contention: while a migration runs, watch (from the lock's idle connection) which
//! sessions block it, so that a lock timeout can name the blocker instead of just failing.

use std::future::Future;
use std::time::Duration;

use serde::Serialize;
use tokio_postgres::error::SqlState;
use tokio_postgres::Client;

const BLOCKERS_SQL: &str =
    "SELECT pid, coalesce(state, ''), left(regexp_replace(query, '\\s+', ' ', 'g'), 200),
        coalesce(extract(epoch FROM now() - xact_start)::float8, 0)
    FROM pg_stat_activity WHERE pid = ANY (pg_blocking_pids($1)) ORDER BY pid";

/// A session that held a lock the migration waited for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Blocker {
    pub pid: i32,
    pub state: String,
    pub query: String,
    pub transaction_seconds: f64,
}

impl std::fmt::Display for Blocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pid {} ({}, in a transaction for {:.0}s): {}",
            self.pid, self.state, self.transaction_seconds, self.query
        )
    }
}

/// How often to look for blockers: several times within one lock_timeout, so that a wait that
/// ends in a timeout is seen while it lasts, but never more often than every 10 ms.
#[must_use]
pub fn poll_interval(lock_timeout: Duration) -> Duration {
    (lock_timeout / 5).clamp(Duration::from_millis(10), Duration::from_millis(200))
}

/// Runs `work`, polling the sessions that block backend `pid` meanwhile; returns the work's
/// outcome and the last non-empty set of blockers seen.
pub async fn watch<F: Future>(
    observer: &Client,
    pid: i32,
    poll: Duration,
    work: F,
) -> (F::Output, Vec<Blocker>) {
    let mut seen = Vec::new();
    // The first look comes after one poll interval: most migrations never wait for a lock.
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + poll, poll);
    tokio::pin!(work);
    loop {
        tokio::select! {
            outcome = &mut work => return (outcome, seen),
            _ = tick.tick() => {
                // A failed poll only loses diagnostics, never the migration.
                if let Ok(found) = blockers(observer, pid).await {
                    if !found.is_empty() {
                        seen = found;
                    }
                }
            }
        }
    }
}

async fn blockers(observer: &Client, pid: i32) -> Result<Vec<Blocker>, tokio_postgres::Error> {
    let rows = observer.query(BLOCKERS_SQL, &[&pid]).await?;
    rows.iter()
        .map(|row| {
            Ok(Blocker {
                pid: row.try_get(0)?,
                state: row.try_get(1)?,
                query: row.try_get(2)?,
                transaction_seconds: row.try_get(3)?,
            })
        })
        .collect()
}

/// Whether an error chain holds PostgreSQL's lock_timeout error (SQLSTATE 55P03).
#[must_use]
pub fn is_lock_timeout(err: &(dyn std::error::Error + 'static)) -> bool {
    crate::db::find_db_error(err).is_some_and(|db| *db.code() == SqlState::LOCK_NOT_AVAILABLE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_fit_several_times_into_the_lock_timeout() {
        assert_eq!(
            poll_interval(Duration::from_millis(100)),
            Duration::from_millis(20)
        );
        assert_eq!(
            poll_interval(Duration::from_secs(5)),
            Duration::from_millis(200)
        );
        assert_eq!(
            poll_interval(Duration::from_millis(10)),
            Duration::from_millis(10)
        );
    }
}
