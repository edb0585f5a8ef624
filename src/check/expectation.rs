//! The rules a check's plan must obey, as declared in its header (`-- expect: …`), and how
//! each is judged against the measured runs.

use std::fmt;

use anyhow::{bail, Context as _};

use super::plan::Explain;
use super::relations::Relations;

/// One declared expectation.
#[derive(Debug, Clone, PartialEq)]
pub enum Expectation {
    /// Every sample's plan reads this index (on this table, when given), or, on a partitioned
    /// table, an index of a partition attached to it.
    UsesIndex {
        index: String,
        relation: Option<String>,
    },
    /// No Seq Scan on these tables, nor on their partitions.
    NoSeqScan(Vec<String>),
    /// No Seq Scan on any table estimated above this many rows.
    NoSeqScanAbove(u64),
    /// No Seq Scan on any table of more than this many pages (pg_class.relpages): a whole
    /// small table read is allowed, whatever its row count, while it stays that small.
    NoSeqScanAbovePages(u64),
    /// At most this many shared buffers (hit + read) per execution.
    MaxBuffers(u64),
    /// A p95 latency budget in milliseconds (planning + execution).
    P95Ms(f64),
    /// No node's row estimate off by more than this factor.
    MaxMisestimate(f64),
    /// No temporary files: no disk sort, hash or aggregate spill.
    NoTempSpill,
    /// At most this many heap fetches in index-only scans per execution.
    MaxHeapFetches(u64),
}

/// What the expectations are judged on: one check's runs.
#[derive(Debug)]
pub struct Evidence<'a> {
    /// One plan per parameter sample.
    pub plans: &'a [Explain],
    /// The p95 of the measured runs, `None` when latency budgets are not judged.
    pub p95_ms: Option<f64>,
    /// Estimated rows of each table (for `no_seq_scan_above`) and the partition tree.
    pub relations: &'a Relations,
}

impl Expectation {
    /// Parses the text after `-- expect:`.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let words: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .collect();
        let Some((&kind, args)) = words.split_first() else {
            bail!("empty expectation");
        };
        let one = || match args {
            [value] => Ok(*value),
            _ => Err(anyhow::anyhow!("{kind} takes one value")),
        };
        Ok(match kind {
            "uses_index" => match args {
                [index] => Self::UsesIndex {
                    index: (*index).to_owned(),
                    relation: None,
                },
                [index, "on", relation] => Self::UsesIndex {
                    index: (*index).to_owned(),
                    relation: Some((*relation).to_owned()),
                },
                _ => bail!("uses_index takes INDEX [on TABLE]"),
            },
            "no_seq_scan" if args.is_empty() => bail!("no_seq_scan takes one or more tables"),
            "no_seq_scan" => Self::NoSeqScan(args.iter().map(|&t| t.to_owned()).collect()),
            "no_seq_scan_above" => Self::NoSeqScanAbove(number(one()?)?),
            "no_seq_scan_above_pages" => Self::NoSeqScanAbovePages(number(one()?)?),
            "max_buffers" => Self::MaxBuffers(number(one()?)?),
            "p95_ms" => Self::P95Ms(positive(one()?)?),
            "max_misestimate" => Self::MaxMisestimate(positive(one()?)?),
            "no_temp_spill" if args.is_empty() => Self::NoTempSpill,
            "no_temp_spill" => bail!("no_temp_spill takes no value"),
            "max_heap_fetches" => Self::MaxHeapFetches(number(one()?)?),
            other => bail!(
                "unknown expectation {other:?} (known: uses_index, no_seq_scan, \
                 no_seq_scan_above, no_seq_scan_above_pages, max_buffers, p95_ms, max_misestimate, no_temp_spill, \
                 max_heap_fetches)"
            ),
        })
    }

    /// Whether this is a latency budget (skipped with `--no-latency`).
    #[must_use]
    pub fn is_latency(&self) -> bool {
        matches!(self, Self::P95Ms(_))
    }

    /// `None` when the evidence satisfies the expectation, else the reason it failed.
    #[must_use]
    pub fn judge(&self, evidence: &Evidence) -> Option<String> {
        match self {
            Self::UsesIndex { index, relation } => uses_index(evidence, index, relation.as_ref()),
            Self::NoSeqScan(tables) => seq_scans(evidence, |t| {
                tables.iter().any(|x| evidence.relations.is_part_of(t, x))
            }),
            Self::NoSeqScanAbove(limit) => seq_scans(evidence, |t| {
                // Estimates are whole numbers well inside f64's exact range.
                #[allow(clippy::cast_precision_loss)]
                let limit = *limit as f64;
                evidence
                    .relations
                    .rows
                    .get(t)
                    .is_some_and(|&rows| rows > limit)
            }),
            Self::NoSeqScanAbovePages(limit) => seq_scans(evidence, |t| {
                evidence
                    .relations
                    .pages
                    .get(t)
                    .is_some_and(|&pages| u64::try_from(pages).is_ok_and(|p| p > *limit))
            }),
            Self::MaxBuffers(limit) => worst(evidence, |e| e.plan.buffers())
                .filter(|&b| b > *limit)
                .map(|b| format!("{b} shared buffers > max_buffers {limit}")),
            Self::P95Ms(budget) => evidence
                .p95_ms
                .filter(|p95| p95 > budget)
                .map(|p95| format!("p95 {p95:.2} ms > budget {budget} ms")),
            Self::MaxMisestimate(limit) => {
                let worst = evidence
                    .plans
                    .iter()
                    .map(|e| e.plan.worst_misestimate())
                    .fold(1.0, f64::max);
                (worst > *limit)
                    .then(|| format!("row estimate off by {worst:.0}x > max_misestimate {limit}"))
            }
            Self::NoTempSpill => evidence
                .plans
                .iter()
                .any(|e| e.plan.any_spill())
                .then(|| "spilled to disk (temp blocks written)".to_owned()),
            Self::MaxHeapFetches(limit) => {
                let fetches = evidence
                    .plans
                    .iter()
                    .map(|e| e.plan.heap_fetches())
                    .fold(0.0, f64::max);
                #[allow(clippy::cast_precision_loss)]
                let over = fetches > *limit as f64;
                over.then(|| format!("{fetches:.0} heap fetches > max_heap_fetches {limit}"))
            }
        }
    }
}

fn number(text: &str) -> anyhow::Result<u64> {
    text.parse()
        .with_context(|| format!("{text:?} is not a whole number"))
}

fn positive(text: &str) -> anyhow::Result<f64> {
    match text.parse::<f64>() {
        Ok(value) if value > 0.0 && value.is_finite() => Ok(value),
        _ => bail!("{text:?} is not a positive number"),
    }
}

fn worst(evidence: &Evidence, measure: impl Fn(&Explain) -> u64) -> Option<u64> {
    evidence.plans.iter().map(measure).max()
}

fn uses_index(evidence: &Evidence, index: &str, relation: Option<&String>) -> Option<String> {
    let relations = evidence.relations;
    let on_relation = |used: Option<&String>| match (relation, used) {
        (None, _) => true,
        (Some(want), Some(used)) => relations.is_part_of(used, want),
        (Some(_), None) => false,
    };
    let missing = evidence.plans.iter().any(|e| {
        !e.plan
            .indexes()
            .iter()
            .any(|u| relations.is_part_of(&u.index, index) && on_relation(u.relation.as_ref()))
    });
    let on = relation.map(|r| format!(" on {r}")).unwrap_or_default();
    missing.then(|| format!("index {index}{on} not used"))
}

fn seq_scans(evidence: &Evidence, forbidden: impl Fn(&str) -> bool) -> Option<String> {
    let mut tables: Vec<String> = evidence
        .plans
        .iter()
        .flat_map(|e| e.plan.seq_scanned())
        .filter(|t| forbidden(t))
        .collect();
    tables.sort();
    tables.dedup();
    let named: Vec<String> = tables
        .iter()
        .map(|t| match evidence.relations.ancestors(t) {
            [] => t.clone(),
            parents => format!("{t} (a partition of {})", parents.join(", ")),
        })
        .collect();
    (!named.is_empty()).then(|| format!("Seq Scan on {}", named.join(", ")))
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UsesIndex {
                index,
                relation: None,
            } => write!(f, "uses_index {index}"),
            Self::UsesIndex {
                index,
                relation: Some(r),
            } => write!(f, "uses_index {index} on {r}"),
            Self::NoSeqScan(tables) => write!(f, "no_seq_scan {}", tables.join(", ")),
            Self::NoSeqScanAbove(n) => write!(f, "no_seq_scan_above {n}"),
            Self::NoSeqScanAbovePages(n) => write!(f, "no_seq_scan_above_pages {n}"),
            Self::MaxBuffers(n) => write!(f, "max_buffers {n}"),
            Self::P95Ms(ms) => write!(f, "p95_ms {ms}"),
            Self::MaxMisestimate(x) => write!(f, "max_misestimate {x}"),
            Self::NoTempSpill => f.write_str("no_temp_spill"),
            Self::MaxHeapFetches(n) => write!(f, "max_heap_fetches {n}"),
        }
    }
}
