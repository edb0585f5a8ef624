//! `[drift]`: the differences `lma drift` accepts, each with its reason.

use serde::Deserialize;

/// `[[drift.ignore]]`: a glob pattern on `kind name` (e.g. `index public.leads *`) and why.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreEntry {
    pub object: String,
    pub reason: String,
}

/// `[drift]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DriftSection {
    pub ignore: Vec<IgnoreEntry>,
}
