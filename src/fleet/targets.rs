//! Targets: the named databases of a fleet, from repeated `--database-url`, a `--targets`
//! file or `[fleet]` in the configuration, narrowed by `--group`.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context as _};
use serde::Deserialize;

use crate::config::TargetEntry;
use crate::db::Database;

/// A targets file: `[[target]]` entries.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsFile {
    #[serde(default, rename = "target")]
    targets: Vec<TargetEntry>,
}

/// A resolved target.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub groups: Vec<String>,
    pub database: Database,
}

/// Reads a targets file; the error names the file and the line.
pub fn read_file(path: &Path) -> anyhow::Result<Vec<TargetEntry>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read targets file {}", path.display()))?;
    parse(&text).with_context(|| format!("invalid targets file {}", path.display()))
}

/// Parses the text of a targets file.
pub fn parse(text: &str) -> anyhow::Result<Vec<TargetEntry>> {
    crate::config::from_toml::<TargetsFile>(text).map(|file| file.targets)
}

/// Resolves the entries (a `--database-url` is named by its redacted description), checks that
/// names are unique, and keeps those in any of `groups` (all when empty).
pub fn resolve(
    entries: Vec<TargetEntry>,
    groups: &[String],
    env: &dyn Fn(&str) -> Option<String>,
    connect_timeout: Option<Duration>,
) -> anyhow::Result<Vec<Target>> {
    let mut names = BTreeSet::new();
    let mut targets = Vec::new();
    for entry in entries {
        if entry.name.trim().is_empty() {
            bail!("a target has an empty name");
        }
        if !names.insert(entry.name.clone()) {
            bail!("two targets are named {:?}", entry.name);
        }
        let database = Database::resolve(Some(&entry.url), env, connect_timeout)
            .with_context(|| format!("target {}", entry.name))?;
        targets.push(Target {
            name: entry.name,
            groups: entry.groups,
            database,
        });
    }
    if let Some(unknown) = groups
        .iter()
        .find(|group| !targets.iter().any(|t| t.groups.contains(group)))
    {
        bail!("--group {unknown}: no target is in that group");
    }
    if !groups.is_empty() {
        targets.retain(|t| t.groups.iter().any(|g| groups.contains(g)));
    }
    if targets.is_empty() {
        bail!("no targets: give --database-url, --targets FILE or [fleet] targets in the config");
    }
    Ok(targets)
}

/// A `--database-url` as a target entry, named `user@host:port/dbname` (never the password).
pub fn from_url(url: &str, env: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<TargetEntry> {
    let database = Database::resolve(Some(url), env, None)?;
    Ok(TargetEntry {
        name: database.describe(),
        url: url.to_owned(),
        groups: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    const FILE: &str = r#"
[[target]]
name = "eu-1"
url = "postgres://lma:s3cret@eu1.db/lma"
groups = ["eu"]

[[target]]
name = "us-1"
url = "host=us1.db user=lma dbname=lma"
groups = ["us", "canary"]
"#;

    #[test]
    fn a_targets_file_lists_named_urls_with_groups() {
        let entries = parse(FILE).unwrap();
        let targets = resolve(entries, &[], &no_env, None).unwrap();
        let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["eu-1", "us-1"]);
        assert_eq!(targets[0].database.describe(), "lma@eu1.db:5432/lma");
        assert!(!format!("{:?}", targets[0]).contains("s3cret"));
    }

    #[test]
    fn groups_narrow_the_targets_and_an_unknown_group_is_an_error() {
        let targets = resolve(parse(FILE).unwrap(), &["us".into()], &no_env, None).unwrap();
        assert_eq!(targets.len(), 1);
        assert_eq!(targets[0].name, "us-1");
        let err = resolve(parse(FILE).unwrap(), &["asia".into()], &no_env, None).unwrap_err();
        assert!(err.to_string().contains("--group asia"), "{err}");
    }

    #[test]
    fn duplicate_names_unknown_keys_and_bad_urls_are_errors() {
        let twice = format!("{FILE}\n[[target]]\nname = \"eu-1\"\nurl = \"postgres://x/y\"\n");
        let err = resolve(parse(&twice).unwrap(), &[], &no_env, None).unwrap_err();
        assert!(err.to_string().contains("\"eu-1\""), "{err}");
        let err = parse("[[target]]\nname = \"a\"\nurl = \"x\"\ngroup = \"eu\"\n").unwrap_err();
        assert!(format!("{err:#}").contains("line 4"), "{err:#}");
        let bad = parse("[[target]]\nname = \"a\"\nurl = \"postgres://u:pw1@h:nope/d\"\n").unwrap();
        let err = format!("{:#}", resolve(bad, &[], &no_env, None).unwrap_err());
        assert!(err.starts_with("target a: invalid database URL"), "{err}");
        assert!(!err.contains("pw1"), "{err}");
    }

    #[test]
    fn a_url_target_is_named_without_its_password() {
        let entry = from_url("postgres://u:pw2@h:1/d", &no_env).unwrap();
        assert_eq!(entry.name, "u@h:1/d");
    }
}
