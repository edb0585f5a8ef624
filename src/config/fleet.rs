//! `[fleet]`: the targets of `migrate`, `status`, `drift` and `indexes` across several databases.

use serde::Deserialize;

/// One `[[target]]` of a targets file (or `[[fleet.target]]` of the configuration).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetEntry {
    /// How reports and `--canary` name the target.
    pub name: String,
    /// A PostgreSQL URL or key=value string. A password here is used, never printed; prefer
    /// PGPASSWORD or a .pgpass file.
    pub url: String,
    /// Groups that `--group` selects the target by.
    #[serde(default)]
    pub groups: Vec<String>,
}

/// `[fleet]` in the configuration: the targets the fleet commands use when neither
/// `--database-url` nor `--targets` is given.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetSection {
    #[serde(default, rename = "target")]
    pub targets: Vec<TargetEntry>,
}
