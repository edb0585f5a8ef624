//! Baselines: each check's plan shape and buffers saved to a JSON file, and a later run compared
//! with it. A regression is an index access turned Seq Scan, a changed join method, a new sort,
//! or buffers above the tolerance.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use super::plan::ShapeNode;
use super::report::CheckResult;

/// A buffer increase this small is never a regression, whatever the percentage: a query reading
/// 4 pages that now reads 6 has not regressed.
const BUFFER_SLACK: u64 = 8;

/// The baseline file.
#[derive(Debug, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub checks: BTreeMap<String, Entry>,
}

/// One check's recorded plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub buffers: u64,
    pub shape: Vec<ShapeNode>,
}

impl Baseline {
    /// The baseline of a run.
    #[must_use]
    pub fn of(results: &[CheckResult]) -> Self {
        let checks = results
            .iter()
            .map(|r| {
                let entry = Entry {
                    fingerprint: r.plan.clone(),
                    buffers: r.buffers,
                    shape: r.shape.clone(),
                };
                (r.name.clone(), entry)
            })
            .collect();
        Self { version: 1, checks }
    }

    /// Writes the baseline as pretty JSON.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write the baseline {}", path.display()))
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the baseline {}", path.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not an lma baseline", path.display()))
    }

    /// Adds a failure reason to every check that regressed. Checks the baseline does not
    /// know are new, not regressions.
    pub fn compare(&self, results: &mut [CheckResult], tolerance_percent: f64) {
        for result in results {
            let Some(entry) = self.checks.get(&result.name) else {
                continue;
            };
            for reason in regressions(entry, result, tolerance_percent) {
                result.fail(reason);
            }
        }
    }
}

/// The regressions of one check against its baseline entry.
#[must_use]
pub fn regressions(entry: &Entry, result: &CheckResult, tolerance_percent: f64) -> Vec<String> {
    let mut reasons = Vec::new();
    let now = &result.shape;
    for table in seq_scanned(now) {
        if !seq_scanned(&entry.shape).contains(&table) {
            reasons.push(format!(
                "plan regression: Seq Scan on {table} (baseline used an index)"
            ));
        }
    }
    let joins = |shape: &[ShapeNode]| -> Vec<String> {
        let mut joins: Vec<String> = shape
            .iter()
            .filter(|n| n.is_join())
            .map(|n| n.node_type.clone())
            .collect();
        joins.sort();
        joins
    };
    if joins(&entry.shape) != joins(now) {
        reasons.push(format!(
            "plan regression: joins {:?} (baseline {:?})",
            joins(now),
            joins(&entry.shape)
        ));
    }
    let sorts = |shape: &[ShapeNode]| shape.iter().filter(|n| n.is_sort()).count();
    if sorts(now) > sorts(&entry.shape) {
        reasons.push(format!(
            "plan regression: {} sort(s) (baseline {})",
            sorts(now),
            sorts(&entry.shape)
        ));
    }
    #[allow(clippy::cast_precision_loss)]
    let allowed = entry.buffers as f64 * (1.0 + tolerance_percent / 100.0);
    #[allow(clippy::cast_precision_loss)]
    let over = result.buffers as f64 > allowed;
    if over && result.buffers > entry.buffers + BUFFER_SLACK {
        reasons.push(format!(
            "buffers regression: {} shared buffers (baseline {}, tolerance {tolerance_percent}%)",
            result.buffers, entry.buffers
        ));
    }
    reasons
}

fn seq_scanned(shape: &[ShapeNode]) -> Vec<String> {
    shape
        .iter()
        .filter(|n| n.node_type == "Seq Scan")
        .filter_map(|n| n.relation.clone())
        .collect()
}
