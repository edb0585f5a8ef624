//! `[lint]`: which squawk rules `lma lint` runs, and for which PostgreSQL.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `[lint]`: which squawk rules run, keyed by squawk's rule names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LintSection {
    /// The PostgreSQL version the migrations target, as squawk's `pg_version`.
    pub pg_version: String,
    /// squawk rules switched off (each with its reason) or opt-in rules switched on.
    pub rules: BTreeMap<String, RuleSetting>,
}

impl Default for LintSection {
    fn default() -> Self {
        Self {
            pg_version: "15".to_owned(),
            rules: BTreeMap::new(),
        }
    }
}

/// One `[lint.rules]` entry: `prefer-text-field = { enabled = false, reason = "…" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetting {
    pub enabled: bool,
    /// Why a rule is off; required when `enabled = false`.
    pub reason: Option<String>,
}
