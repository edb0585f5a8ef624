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
    /// At most `plus` shared buffers plus `per_row` for each row the execution returned: work
    /// in proportion to the answer, whatever plan finds it (a scan that stops early under a
    /// LIMIT passes, one that reads a tenant's range to return nothing does not).
    MaxBuffersPerRow { per_row: f64, plus: u64 },
    /// A p95 latency budget in milliseconds (planning + execution).
    P95Ms(f64),
    /// No node's row estimate off by more than this factor.
    MaxMisestimate(f64),
    /// No temporary files: no disk sort, hash or aggregate spill.
    NoTempSpill,
    /// At most this many heap fetches in index-only scans per execution.
    MaxHeapFetches(u64),
}

/// What a run judges beyond each check's declared rules (flags and `[check]`).
#[derive(Debug, Clone, Copy)]
pub struct Judging {
    /// Whether `p95_ms` budgets are judged (not with `--no-latency`).
    pub latency: bool,
    /// `uses_index` and `no_seq_scan` are not judged on a table of fewer pages than this.
    pub min_table_pages: u64,
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
    /// `uses_index` and `no_seq_scan` are not judged on a table of fewer pages than this.
    pub min_table_pages: u64,
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
            "max_buffers_per_row" => match args {
                [per_row] => Self::MaxBuffersPerRow {
                    per_row: positive(per_row)?,
                    plus: 0,
                },
                [per_row, "+", plus] => Self::MaxBuffersPerRow {
                    per_row: positive(per_row)?,
                    plus: number(plus)?,
                },
                _ => bail!("max_buffers_per_row takes PER_ROW [+ CONSTANT]"),
            },
            "p95_ms" => Self::P95Ms(positive(one()?)?),
            "max_misestimate" => Self::MaxMisestimate(positive(one()?)?),
            "no_temp_spill" if args.is_empty() => Self::NoTempSpill,
            "no_temp_spill" => bail!("no_temp_spill takes no value"),
            "max_heap_fetches" => Self::MaxHeapFetches(number(one()?)?),
            other => bail!(
                "unknown expectation {other:?} (known: uses_index, no_seq_scan, \
                 no_seq_scan_above, no_seq_scan_above_pages, max_buffers, max_buffers_per_row, p95_ms, max_misestimate, no_temp_spill, \
                 max_heap_fetches)"
            ),
        })
    }

    /// Why this expectation is not judged on this evidence, `None` when it is: a latency budget
    /// without latency, or a plan-shape rule whose tables are all too small for the plan to
    /// matter. A Seq Scan of a table of a few pages reads no more than an index would (the
    /// index's own pages plus the heap's), and it is what the planner rightly picks there.
    #[must_use]
    pub fn not_judged(&self, evidence: &Evidence) -> Option<String> {
        let small = |tables: &[&str]| {
            let floor = evidence.min_table_pages;
            let pages: Vec<String> = tables
                .iter()
                .map_while(|t| {
                    let pages = evidence.relations.pages_of(t)?;
                    (pages < floor).then_some((t, pages))
                })
                .map(|(t, pages)| format!("{t} {pages}"))
                .collect();
            (pages.len() == tables.len()).then(|| {
                format!(
                    "{self} (pages: {} < min_table_pages {floor})",
                    pages.join(", ")
                )
            })
        };
        match self {
            Self::P95Ms(_) if evidence.p95_ms.is_none() => Some(self.to_string()),
            Self::UsesIndex { index, relation } => {
                let table = relation
                    .as_deref()
                    .or_else(|| evidence.relations.table_of(index))?;
                small(&[table])
            }
            Self::NoSeqScan(tables) => {
                small(&tables.iter().map(String::as_str).collect::<Vec<_>>())
            }
            _ => None,
        }
    }

    /// `None` when the evidence satisfies the expectation, else the reason it failed.
    #[must_use]
    pub fn judge(&self, evidence: &Evidence) -> Option<String> {
        match self {
            Self::UsesIndex { index, relation } => uses_index(evidence, index, relation.as_ref()),
            Self::NoSeqScan(tables) => seq_scans(evidence, |t| {
                tables.iter().any(|x| evidence.relations.is_part_of(t, x))
                    && evidence
                        .relations
                        .pages_of(t)
                        .is_none_or(|pages| pages >= evidence.min_table_pages)
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
            Self::MaxBuffersPerRow { per_row, plus } => buffers_per_row(evidence, *per_row, *plus),
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

fn buffers_per_row(evidence: &Evidence, per_row: f64, plus: u64) -> Option<String> {
    evidence.plans.iter().find_map(|e| {
        let rows = e.plan.total_rows();
        // Buffer counts and row totals are whole numbers well inside f64's exact range.
        #[allow(clippy::cast_precision_loss)]
        let (buffers, allowed) = (e.plan.buffers() as f64, plus as f64 + per_row * rows);
        (buffers > allowed).then(|| {
            format!(
                "{buffers:.0} shared buffers for {rows:.0} rows > max_buffers_per_row \
                 {per_row} + {plus} ({allowed:.0})"
            )
        })
    })
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
            Self::MaxBuffersPerRow { per_row, plus } => {
                write!(f, "max_buffers_per_row {per_row} + {plus}")
            }
            Self::P95Ms(ms) => write!(f, "p95_ms {ms}"),
            Self::MaxMisestimate(x) => write!(f, "max_misestimate {x}"),
            Self::NoTempSpill => f.write_str("no_temp_spill"),
            Self::MaxHeapFetches(n) => write!(f, "max_heap_fetches {n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::check::recorded;

    /// `Limit(Sort(Seq Scan on leads))`: 50 rows, 508 shared buffers.
    fn seq_scan_sort() -> Explain {
        recorded("seq_scan_sort")
    }

    fn pages(pairs: &[(&str, i64)]) -> HashMap<String, i64> {
        pairs.iter().map(|(t, p)| ((*t).to_owned(), *p)).collect()
    }

    fn verdict(text: &str, relations: &Relations) -> (Option<String>, Option<String>) {
        let plans = [seq_scan_sort()];
        let evidence = Evidence {
            plans: &plans,
            p95_ms: None,
            relations,
            min_table_pages: 16,
        };
        let expectation = Expectation::parse(text).unwrap();
        (
            expectation.not_judged(&evidence),
            expectation.judge(&evidence),
        )
    }

    #[test]
    fn plan_shape_rules_are_not_judged_on_a_table_below_the_floor() {
        let tiny = Relations::new(HashMap::new(), pages(&[("leads", 5)]), &[]);
        let (skipped, _) = verdict("no_seq_scan leads", &tiny);
        assert_eq!(
            skipped.as_deref(),
            Some("no_seq_scan leads (pages: leads 5 < min_table_pages 16)")
        );
        let (skipped, _) = verdict("uses_index idx_leads_assignable on leads", &tiny);
        assert!(skipped.unwrap().contains("leads 5 < min_table_pages 16"));

        let small = Relations::new(HashMap::new(), pages(&[("leads", 16)]), &[]);
        assert_eq!(
            verdict("no_seq_scan leads", &small),
            (None, Some("Seq Scan on leads".to_owned()))
        );
    }

    #[test]
    fn a_rule_naming_an_unknown_table_or_one_large_table_is_judged() {
        let relations = Relations::new(HashMap::new(), pages(&[("leads", 5), ("users", 900)]), &[]);
        assert_eq!(verdict("no_seq_scan leadz", &relations).0, None);
        assert_eq!(verdict("no_seq_scan leads, users", &relations).0, None);
        // The small table of the two still may be read whole.
        let plans = [seq_scan_sort()];
        let evidence = Evidence {
            plans: &plans,
            p95_ms: None,
            relations: &relations,
            min_table_pages: 16,
        };
        let rule = Expectation::parse("no_seq_scan leads, users").unwrap();
        assert_eq!(rule.judge(&evidence), None);
    }

    #[test]
    fn uses_index_without_a_table_is_judged_by_its_index_table() {
        let mut relations = Relations::new(HashMap::new(), pages(&[("leads", 5)]), &[]);
        assert_eq!(
            verdict("uses_index idx_leads_assignable", &relations).0,
            None
        );
        relations
            .index_tables
            .insert("idx_leads_assignable".to_owned(), "leads".to_owned());
        assert!(verdict("uses_index idx_leads_assignable", &relations)
            .0
            .is_some());
    }

    #[test]
    fn a_partitioned_table_counts_the_pages_of_its_partitions() {
        let relations = Relations::new(
            HashMap::new(),
            pages(&[("payment", 0), ("payment_p1", 10), ("payment_p2", 10)]),
            &[("payment_p1", "payment"), ("payment_p2", "payment")],
        );
        assert_eq!(relations.pages_of("payment"), Some(20));
        assert_eq!(verdict("no_seq_scan payment", &relations).0, None);
    }

    #[test]
    fn max_buffers_per_row_allows_a_constant_plus_each_returned_row() {
        let relations = Relations::default();
        // 508 buffers for 50 rows: 10 per row + 8 allows exactly 508.
        assert_eq!(verdict("max_buffers_per_row 10 + 8", &relations).1, None);
        assert_eq!(
            verdict("max_buffers_per_row 10 + 7", &relations)
                .1
                .as_deref(),
            Some("508 shared buffers for 50 rows > max_buffers_per_row 10 + 7 (507)")
        );
        assert!(verdict("max_buffers_per_row 10", &relations).1.is_some());
        for bad in [
            "max_buffers_per_row",
            "max_buffers_per_row 0 + 1",
            "max_buffers_per_row 2 - 3",
            "max_buffers_per_row 2 + x",
        ] {
            assert!(Expectation::parse(bad).is_err(), "{bad}");
        }
        let rule = Expectation::parse("max_buffers_per_row 1.5 + 20").unwrap();
        assert_eq!(rule.to_string(), "max_buffers_per_row 1.5 + 20");
    }

    #[test]
    fn expectations_are_judged_on_every_sample_plan() {
        let plans = [recorded("index_scan_under_limit"), seq_scan_sort()];
        let rows = HashMap::from([("leads".to_owned(), 20_000.0)]);
        let evidence = Evidence {
            plans: &plans,
            p95_ms: Some(7.0),
            relations: &Relations::new(rows, HashMap::from([("leads".to_owned(), 940)]), &[]),
            min_table_pages: 16,
        };
        let judge = |text: &str| Expectation::parse(text).unwrap().judge(&evidence);
        assert_eq!(
            judge("uses_index idx_leads_assignable on leads").as_deref(),
            Some("index idx_leads_assignable on leads not used")
        );
        assert_eq!(
            judge("no_seq_scan leads").as_deref(),
            Some("Seq Scan on leads")
        );
        assert!(judge("no_seq_scan_above 20000").is_none());
        assert!(judge("no_seq_scan_above 1000").is_some());
        assert!(judge("no_seq_scan_above_pages 940").is_none());
        assert_eq!(
            judge("no_seq_scan_above_pages 939").as_deref(),
            Some("Seq Scan on leads")
        );
        assert!(judge("max_buffers 10000").is_none());
        assert!(judge("max_buffers 1").unwrap().contains("> max_buffers 1"));
        assert!(judge("p95_ms 5").unwrap().contains("p95 7.00 ms"));
        assert!(judge("no_temp_spill").is_none());
        assert!(judge("max_heap_fetches 0").is_none());
    }
}
