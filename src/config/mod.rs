//! Configuration: `config/lma.toml` (serde, unknown keys rejected) merged with the environment and flags.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context as _};
use serde::Deserialize;

mod check;
mod drift;
mod fleet;
mod indexes;
mod lint;
mod migrate;
pub mod number;

pub use check::CheckSection;
pub use drift::{DriftSection, IgnoreEntry as DriftIgnore};
pub use fleet::{FleetSection, TargetEntry};
pub use indexes::{IgnoreEntry, IndexesSection};
pub use lint::{LintSection, RuleSetting};
pub use migrate::MigrateSection;

/// The file read when `--config` is not given, if it exists.
pub const DEFAULT_PATH: &str = "config/lma.toml";

/// The contents of the configuration file. Every section and key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    #[serde(default)]
    pub database: DatabaseSection,
    #[serde(default)]
    pub migrate: MigrateSection,
    #[serde(default)]
    pub indexes: IndexesSection,
    #[serde(default)]
    pub check: CheckSection,
    #[serde(default)]
    pub lint: LintSection,
    #[serde(default)]
    pub drift: DriftSection,
    #[serde(default)]
    pub fleet: FleetSection,
}

/// `[database]`: where to connect.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSection {
    /// A PostgreSQL URL or key=value string.
    pub url: Option<String>,
    /// How long to wait for a connection, e.g. "10s".
    #[serde(default, with = "humantime_serde")]
    pub connect_timeout: Option<Duration>,
}

/// Parses a size as PostgreSQL writes them: a number of bytes, or a number with B, kB, MB, GB
/// or TB (powers of 1024).
pub fn parse_size(text: &str) -> anyhow::Result<i64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: i64 = number
        .parse()
        .with_context(|| format!("invalid size {text:?}: expected e.g. 8kB, 10MB or 1GB"))?;
    let shift = match unit.trim() {
        "" | "B" => 0,
        "kB" => 10,
        "MB" => 20,
        "GB" => 30,
        "TB" => 40,
        other => bail!("invalid size unit {other:?} in {text:?}: use B, kB, MB, GB or TB"),
    };
    number
        .checked_mul(1 << shift)
        .with_context(|| format!("size {text:?} is too large"))
}

fn deserialize_size<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_size(&text).map_err(|err| serde::de::Error::custom(format!("{err:#}")))
}

/// Reads the configuration: the explicit path (which must exist), else the default path when it
/// exists, else the defaults.
pub fn load(explicit: Option<&Path>) -> anyhow::Result<FileConfig> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None if Path::new(DEFAULT_PATH).is_file() => PathBuf::from(DEFAULT_PATH),
        None => return Ok(FileConfig::default()),
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    parse(&text).with_context(|| format!("invalid config file {}", path.display()))
}

/// Parses configuration text; the error names the line and the offending key.
pub fn parse(text: &str) -> anyhow::Result<FileConfig> {
    from_toml(text)
}

/// Parses a TOML file of lma's (the configuration, a targets file); the error names the line
/// and the offending key.
pub fn from_toml<T: serde::de::DeserializeOwned>(text: &str) -> anyhow::Result<T> {
    toml::from_str(text).or_else(|err: toml::de::Error| {
        let line = err
            .span()
            .map(|span| text[..span.start].matches('\n').count() + 1);
        let message = err.message().trim();
        match line {
            Some(line) => bail!("line {line}{}: {message}", key_on(text, line)),
            None => bail!("{message}"),
        }
    })
}

/// `, key` for the bare key a line sets, so that a refused value is named (never the value:
/// it may be a URL with a password).
fn key_on(text: &str, line: usize) -> String {
    let key = text
        .lines()
        .nth(line - 1)
        .and_then(|l| l.split_once('='))
        .map(|(key, _)| key.trim())
        .filter(|key| {
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    key.map(|key| format!(", {key}")).unwrap_or_default()
}

/// The database URL by precedence: the flag, `DATABASE_URL`, then the config file.
/// `None` means "use the libpq environment and defaults".
#[must_use]
pub fn database_url(
    flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    file: &FileConfig,
) -> Option<String> {
    flag.map(str::to_owned)
        .or_else(|| env("DATABASE_URL").filter(|url| !url.is_empty()))
        .or_else(|| file.database.url.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_committed_config_file_parses() {
        let text = include_str!("../../config/lma.toml");
        parse(text).unwrap();
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let err = parse("[database]\nurl = \"x\"\nbogus = 1\n").unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("line 3"), "{text}");
        assert!(text.contains("bogus"), "{text}");
    }

    #[test]
    fn malformed_toml_is_an_error_with_a_line() {
        let err = parse("[database\n").unwrap_err();
        assert!(format!("{err:#}").starts_with("line 1"), "{err:#}");
    }

    #[test]
    fn the_migrate_section_is_read() {
        let config = parse("[migrate]\nlock_timeout = \"2s\"\nlock_retries = 5\n").unwrap();
        assert_eq!(config.migrate.lock_timeout, Some(Duration::from_secs(2)));
        assert_eq!(config.migrate.lock_retries, Some(5));
    }

    #[test]
    fn the_check_section_has_defaults_and_takes_settings() {
        let config =
            parse("[check]\niterations = 5\n[check.settings]\nenable_indexscan = \"off\"\n")
                .unwrap();
        assert_eq!(config.check.iterations, 5);
        assert_eq!(config.check.warmup, 3);
        assert!(!config.check.jit);
        assert_eq!(config.check.settings["enable_indexscan"], "off");
    }

    #[test]
    fn durations_are_human_readable() {
        let config = parse("[database]\nconnect_timeout = \"3s\"\n").unwrap();
        assert_eq!(
            config.database.connect_timeout,
            Some(Duration::from_secs(3))
        );
    }

    #[test]
    fn indexes_thresholds_default_and_parse() {
        let config =
            parse("[indexes]\nmin_stats_age = \"1d\"\nbloat_min_size = \"8kB\"\n").unwrap();
        assert_eq!(config.indexes.min_stats_age, Duration::from_hours(24));
        assert_eq!(config.indexes.bloat_min_size, 8192);
        assert_eq!(config.indexes.unused_max_scans, 0);
        let defaults = FileConfig::default().indexes;
        assert_eq!(defaults.min_stats_age, Duration::from_hours(7 * 24));
    }

    #[test]
    fn index_ignore_entries_need_a_reason() {
        let config = parse(
            "[[indexes.ignore]]\nkind = \"unused\"\ntable = \"public.*\"\nreason = \"monthly\"\n",
        )
        .unwrap();
        let entry = &config.indexes.ignore[0];
        assert_eq!((entry.kind.as_str(), entry.index.as_str()), ("unused", "*"));
        let err = parse("[[indexes.ignore]]\nkind = \"unused\"\n").unwrap_err();
        assert!(format!("{err:#}").contains("reason"), "{err:#}");
    }

    #[test]
    fn sizes_read_like_postgresql_writes_them() {
        assert_eq!(parse_size("512").unwrap(), 512);
        assert_eq!(parse_size("10MB").unwrap(), 10 << 20);
        assert_eq!(parse_size("1 GB").unwrap(), 1 << 30);
        assert!(parse_size("10mb").is_err());
        assert!(parse_size("MB").is_err());
    }

    #[test]
    fn a_number_out_of_range_is_refused_with_its_line_and_key() {
        let err = parse("[indexes]\nbloat_min_ratio = nan\n").unwrap_err();
        assert_eq!(
            format!("{err:#}"),
            "line 2, bloat_min_ratio: NaN is not a share from 0 to 1"
        );
        let err = parse("[check]\nbuffers_tolerance = -inf\n").unwrap_err();
        assert!(format!("{err:#}").contains("buffers_tolerance"), "{err:#}");
        let err = parse("[indexes]\nunused_max_scans = -1\n").unwrap_err();
        assert!(format!("{err:#}").contains("not a count"), "{err:#}");
        let config = parse("[indexes]\nseq_scan_min_ratio = 1\n").unwrap();
        assert!((config.indexes.seq_scan_min_ratio - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn a_bad_size_in_the_file_names_its_line() {
        let err = parse("[indexes]\n\nbloat_min_size = \"ten\"\n").unwrap_err();
        let text = format!("{err:#}");
        assert!(
            text.contains("line 3") && text.contains("invalid size"),
            "{text}"
        );
    }

    #[test]
    fn the_flag_beats_the_environment_which_beats_the_file() {
        let file = parse("[database]\nurl = \"postgres://file\"\n").unwrap();
        let env = |key: &str| (key == "DATABASE_URL").then(|| "postgres://env".to_owned());
        assert_eq!(
            database_url(Some("postgres://flag"), &env, &file).as_deref(),
            Some("postgres://flag")
        );
        assert_eq!(
            database_url(None, &env, &file).as_deref(),
            Some("postgres://env")
        );
        assert_eq!(
            database_url(None, &no_env, &file).as_deref(),
            Some("postgres://file")
        );
        assert_eq!(database_url(None, &no_env, &FileConfig::default()), None);
    }
}
