//! How `lma migrate` behaves on a live database: lock and statement timeouts, retries, and how
//! long to wait for another migration run to finish.

use std::time::Duration;

use anyhow::bail;

use crate::config::MigrateSection;

/// The settings given as flags; what one leaves `None`, `[migrate]` and then the default decide.
#[derive(Debug, Default, Clone, Copy)]
pub struct Overrides {
    pub lock_timeout: Option<Duration>,
    pub lock_retries: Option<u32>,
    pub wait_timeout: Option<Duration>,
    pub statement_timeout: Option<Duration>,
}

/// PostgreSQL's largest timeout: its timeouts are int4 milliseconds.
const MAX_TIMEOUT: Duration = Duration::from_millis(i32::MAX as u64);

/// The resolved safety settings of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub lock_timeout: Duration,
    pub lock_retries: u32,
    pub wait_timeout: Duration,
    pub statement_timeout: Option<Duration>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            lock_timeout: Duration::from_secs(5),
            lock_retries: 3,
            wait_timeout: Duration::from_mins(5),
            statement_timeout: None,
        }
    }
}

impl Policy {
    /// Flags win over the configuration, which wins over the defaults. Timeouts below 1 ms
    /// (which PostgreSQL would round to 0, "no limit") or above its int4 milliseconds are refused.
    pub fn resolve(flags: &Overrides, file: &MigrateSection) -> anyhow::Result<Self> {
        let default = Self::default();
        let policy = Self {
            lock_timeout: flags
                .lock_timeout
                .or(file.lock_timeout)
                .unwrap_or(default.lock_timeout),
            lock_retries: flags
                .lock_retries
                .or(file.lock_retries)
                .unwrap_or(default.lock_retries),
            wait_timeout: flags
                .wait_timeout
                .or(file.wait_timeout)
                .unwrap_or(default.wait_timeout),
            statement_timeout: flags.statement_timeout.or(file.statement_timeout),
        };
        timeout(
            "lock timeout",
            policy.lock_timeout,
            Duration::from_millis(1),
        )?;
        timeout("wait timeout", policy.wait_timeout, Duration::ZERO)?;
        if let Some(statement) = policy.statement_timeout {
            timeout("statement timeout", statement, Duration::from_millis(1))?;
        }
        Ok(policy)
    }

    /// The pause before retry `attempt` (1-based): doubling from half a second, at most 8 s, so
    /// a brief lock holder is outwaited without hammering a busy table.
    #[must_use]
    pub fn backoff(attempt: u32) -> Duration {
        Duration::from_millis(500 * 2u64.pow(attempt.saturating_sub(1).min(4)))
    }

    /// The session settings every migration runs under.
    #[must_use]
    pub fn session_sql(&self) -> String {
        let statement = self.statement_timeout.map_or(0, |t| t.as_millis());
        format!(
            "SET lock_timeout = '{}ms'; SET statement_timeout = '{statement}ms';",
            self.lock_timeout.as_millis()
        )
    }
}

fn timeout(what: &str, value: Duration, min: Duration) -> anyhow::Result<()> {
    if value < min {
        bail!("the {what} must be at least {min:?} (got {value:?}); PostgreSQL would take it as no limit");
    }
    if value > MAX_TIMEOUT {
        bail!("the {what} must be at most {MAX_TIMEOUT:?} (got {value:?})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_the_file_which_beats_the_defaults() {
        let file = MigrateSection {
            lock_timeout: Some(Duration::from_secs(2)),
            lock_retries: Some(7),
            ..MigrateSection::default()
        };
        let flags = Overrides {
            lock_retries: Some(1),
            ..Overrides::default()
        };
        let policy = Policy::resolve(&flags, &file).unwrap();
        assert_eq!(policy.lock_timeout, Duration::from_secs(2));
        assert_eq!(policy.lock_retries, 1);
        assert_eq!(policy.wait_timeout, Policy::default().wait_timeout);
        assert_eq!(policy.statement_timeout, None);
    }

    #[test]
    fn timeouts_below_a_millisecond_or_past_int4_are_refused() {
        let file = MigrateSection::default();
        let with = |flags: Overrides| Policy::resolve(&flags, &file).map_err(|e| e.to_string());
        for lock in [
            Duration::from_micros(900),
            Duration::ZERO,
            Duration::from_hours(30 * 24),
        ] {
            let flags = Overrides {
                lock_timeout: Some(lock),
                ..Overrides::default()
            };
            assert!(with(flags).is_err(), "{lock:?}");
        }
        let huge = Overrides {
            wait_timeout: Some(Duration::from_hours(5_124_095_576_030_431)),
            ..Overrides::default()
        };
        assert!(with(huge).unwrap_err().contains("wait timeout"));
        let from_file = MigrateSection {
            statement_timeout: Some(Duration::from_micros(10)),
            ..MigrateSection::default()
        };
        assert!(Policy::resolve(&Overrides::default(), &from_file).is_err());
        let ok = Overrides {
            lock_timeout: Some(Duration::from_millis(1)),
            ..Overrides::default()
        };
        assert!(with(ok).is_ok());
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let waits: Vec<Duration> = (1..=7).map(Policy::backoff).collect();
        let expected = [500, 1000, 2000, 4000, 8000, 8000, 8000].map(Duration::from_millis);
        assert_eq!(waits, expected);
    }

    #[test]
    fn session_settings_are_in_milliseconds() {
        let policy = Policy {
            statement_timeout: Some(Duration::from_mins(1)),
            ..Policy::default()
        };
        assert_eq!(
            policy.session_sql(),
            "SET lock_timeout = '5000ms'; SET statement_timeout = '60000ms';"
        );
    }
}
