//! `[check]`: how `lma check` and `lma explain` measure.

use serde::Deserialize;

/// `[check]`: how `lma check` and `lma explain` measure.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckSection {
    /// Measured runs per check, across the parameter samples.
    pub iterations: u32,
    /// Unmeasured runs per check first, to warm the caches.
    pub warmup: u32,
    /// Whether JIT compilation may run (off: it dominates short queries and varies).
    pub jit: bool,
    /// Parallel workers per Gather (0: a plan's timing does not depend on free cores).
    #[serde(deserialize_with = "super::number::workers")]
    pub max_parallel_workers_per_gather: u32,
    /// Allowed buffer growth over a baseline, in percent.
    #[serde(deserialize_with = "super::number::percent")]
    pub buffers_tolerance: f64,
    /// Whether p95_ms latency budgets are judged.
    pub latency: bool,
    /// `uses_index` and `no_seq_scan` are not judged on tables of fewer pages than this.
    pub min_table_pages: u64,
    /// Further settings pinned for the session, e.g. `enable_indexscan = "off"`.
    pub settings: std::collections::BTreeMap<String, String>,
}

impl Default for CheckSection {
    fn default() -> Self {
        Self {
            iterations: 20,
            warmup: 3,
            jit: false,
            max_parallel_workers_per_gather: 0,
            buffers_tolerance: 20.0,
            latency: true,
            min_table_pages: 16,
            settings: std::collections::BTreeMap::new(),
        }
    }
}
