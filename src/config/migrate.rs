//! `[migrate]`: the safety settings of `lma migrate` (flags override each).

use std::time::Duration;

use serde::Deserialize;

/// `[migrate]` in the configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigrateSection {
    /// `lock_timeout` for every migration statement.
    #[serde(default, with = "humantime_serde")]
    pub lock_timeout: Option<Duration>,
    /// How many times a migration that hit the lock timeout is retried.
    pub lock_retries: Option<u32>,
    /// How long to wait for another `lma migrate` to release the migration lock.
    #[serde(default, with = "humantime_serde")]
    pub wait_timeout: Option<Duration>,
    /// `statement_timeout` for every migration statement; none by default.
    #[serde(default, with = "humantime_serde")]
    pub statement_timeout: Option<Duration>,
    /// Files in a `--migrations` directory that look like migrations but are not (glob patterns).
    #[serde(default)]
    pub ignore: Vec<String>,
}
