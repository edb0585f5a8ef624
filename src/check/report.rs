//! The report of `lma check`: one result per check, the session's settings, coverage and the
//! baseline comparison. Its JSON shape is pinned by a test.

use std::collections::BTreeSet;

use serde::Serialize;

use super::catalog::Check;
use super::coverage::Coverage;
use super::expectation::{Evidence, Judging};
use super::plan::IndexUse;
use super::relations::Relations;
use super::runner::{percentile, Measurement, Setting};
use crate::output::{Block, Report, Table, Tone};

/// The whole `lma check` report.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// `user@host:port/dbname`.
    pub database: String,
    /// `owner` (explicit tenant filters) or `app_role` (SET ROLE lma_app, under RLS).
    pub mode: &'static str,
    pub settings: Vec<Setting>,
    pub warmup: u32,
    pub iterations: u32,
    /// Whether p95 budgets were judged (`--no-latency` turns them off).
    pub latency_judged: bool,
    /// Plan-shape rules were not judged on tables of fewer pages (`--min-table-pages`).
    pub min_table_pages: u64,
    /// Tables without statistics when the run started: plans on them prove nothing.
    pub unanalyzed_tables: Vec<String>,
    pub checks: Vec<CheckResult>,
    /// `None` when `--only` ran a subset: coverage is only meaningful for the whole catalog.
    pub coverage: Option<Coverage>,
    /// The baseline file compared against, if any.
    pub baseline: Option<String>,
    pub passed: usize,
    pub failed: usize,
}

/// One check's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub name: String,
    pub description: String,
    pub passed: bool,
    /// Why it failed: one line per failed expectation or baseline regression.
    pub reasons: Vec<String>,
    /// The check's `-- note:` lines, joined: why its rules are what they are.
    pub note: Option<String>,
    /// Expectations not judged: latency budgets under `--no-latency`, plan-shape rules on tables
    /// below `min_table_pages` (with their pages).
    pub skipped: Vec<String>,
    pub samples: usize,
    pub runs: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
    /// The most shared buffers (hit + read) one execution used, over the samples.
    pub buffers: u64,
    /// The most rows one execution returned.
    pub rows: f64,
    pub heap_fetches: f64,
    pub temp_blocks: u64,
    /// The worst row-estimate factor over the samples' plans.
    pub misestimate: f64,
    pub indexes: Vec<IndexUse>,
    /// The plan shape of the first sample (the largest tenant, by the params query's order).
    pub plan: String,
    /// How many different plan shapes the samples got.
    pub distinct_plans: usize,
    #[serde(skip)]
    pub shape: Vec<super::plan::ShapeNode>,
    /// The relations any sample's plan read, what coverage under `--checks DIR` is limited to.
    #[serde(skip)]
    pub tables: BTreeSet<String>,
}

impl CheckResult {
    /// Judges a check's expectations on its measured runs.
    #[must_use]
    pub fn judge(
        check: &Check,
        measurement: &Measurement,
        relations: &Relations,
        judging: Judging,
    ) -> Self {
        let plans = &measurement.plans;
        let times = &measurement.times_ms;
        let p95_ms = percentile(times, 0.95);
        let evidence = Evidence {
            plans,
            p95_ms: judging.latency.then_some(p95_ms),
            relations,
            min_table_pages: judging.min_table_pages,
        };
        let mut reasons = Vec::new();
        let mut skipped = Vec::new();
        for expectation in &check.expectations {
            match expectation.not_judged(&evidence) {
                Some(why) => skipped.push(why),
                None => reasons.extend(expectation.judge(&evidence)),
            }
        }
        let fingerprints: BTreeSet<String> = plans.iter().map(|e| e.plan.fingerprint()).collect();
        let mut indexes: Vec<IndexUse> = plans.iter().flat_map(|e| e.plan.indexes()).collect();
        indexes.sort();
        indexes.dedup();
        let first = plans.first().map(|e| &e.plan);
        Self {
            name: check.name.clone(),
            description: check.description.clone(),
            passed: reasons.is_empty(),
            reasons,
            note: check.note.clone(),
            skipped,
            samples: measurement.samples.len(),
            runs: times.len(),
            p50_ms: round(percentile(times, 0.5)),
            p95_ms: round(p95_ms),
            max_ms: round(times.iter().copied().fold(0.0, f64::max)),
            buffers: plans.iter().map(|e| e.plan.buffers()).max().unwrap_or(0),
            rows: plans
                .iter()
                .map(|e| e.plan.total_rows())
                .fold(0.0, f64::max),
            heap_fetches: plans
                .iter()
                .map(|e| e.plan.heap_fetches())
                .fold(0.0, f64::max),
            temp_blocks: plans
                .iter()
                .map(|e| e.plan.temp_blocks())
                .max()
                .unwrap_or(0),
            misestimate: round(
                plans
                    .iter()
                    .map(|e| e.plan.worst_misestimate())
                    .fold(1.0, f64::max),
            ),
            indexes,
            plan: first
                .map(super::plan::Node::fingerprint)
                .unwrap_or_default(),
            distinct_plans: fingerprints.len(),
            shape: first.map(super::plan::Node::shape).unwrap_or_default(),
            tables: plans.iter().flat_map(|e| e.plan.relations()).collect(),
        }
    }

    /// Adds a failure found outside the expectations (a baseline regression).
    pub fn fail(&mut self, reason: String) {
        self.passed = false;
        self.reasons.push(reason);
    }
}

fn round(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

impl CheckReport {
    /// Whether the report holds findings: a failing check, or uncovered indexes when required.
    #[must_use]
    pub fn has_findings(&self) -> bool {
        self.failed > 0
            || self
                .coverage
                .as_ref()
                .is_some_and(|c| c.required && !c.uncovered.is_empty())
    }

    fn results_table(&self) -> Table {
        let mut table = Table::new(&[
            "Check", "Result", "p50 ms", "p95 ms", "max ms", "Buffers", "Rows", "Indexes",
        ])
        .right_aligned(&[2, 3, 4, 5, 6]);
        for check in &self.checks {
            let (result, tone) = if check.passed {
                ("pass", Tone::Good)
            } else {
                ("FAIL", Tone::Bad)
            };
            let indexes: Vec<&str> = check.indexes.iter().map(|i| i.index.as_str()).collect();
            table.toned_row(vec![
                (check.name.clone(), Tone::Plain),
                (result.to_owned(), tone),
                (format!("{:.2}", check.p50_ms), Tone::Plain),
                (format!("{:.2}", check.p95_ms), Tone::Plain),
                (format!("{:.2}", check.max_ms), Tone::Plain),
                (check.buffers.to_string(), Tone::Plain),
                (format!("{:.0}", check.rows), Tone::Plain),
                (indexes.join(", "), Tone::Plain),
            ]);
        }
        table
    }

    fn coverage_blocks(&self) -> Vec<Block> {
        let Some(coverage) = &self.coverage else {
            return vec![Block::Line(
                "Coverage: not computed for a subset of the checks (--only).".into(),
            )];
        };
        let of_tables = coverage
            .tables
            .as_ref()
            .map(|t| format!(" on the {} tables the checks read", t.len()))
            .unwrap_or_default();
        let small = (!coverage.small_tables.is_empty()).then(|| {
            let names: Vec<&str> = coverage
                .small_tables
                .iter()
                .map(|i| i.index.as_str())
                .collect();
            Block::Line(format!(
                "Not required, on tables below min_table_pages {} (read whole, rightly): {}.",
                self.min_table_pages,
                names.join(", ")
            ))
        });
        if coverage.uncovered.is_empty() {
            let but = if small.is_some() {
                ", but those below"
            } else {
                ""
            };
            let line = Block::Line(format!(
                "Coverage: all {} query indexes{of_tables} are used by a check{but}.",
                coverage.indexes
            ));
            return std::iter::once(line).chain(small).collect();
        }
        let mut table = Table::new(&["Index", "Table"]);
        for index in &coverage.uncovered {
            table.row([index.index.clone(), index.table.clone()]);
        }
        let verdict = if coverage.required {
            "finding"
        } else {
            "listed"
        };
        vec![
            Block::Heading(format!(
                "Indexes no check used ({} of {}{of_tables}, {verdict}):",
                coverage.uncovered.len(),
                coverage.indexes
            )),
            Block::Table(table),
        ]
        .into_iter()
        .chain(small)
        .collect()
    }
}

impl Report for CheckReport {
    fn human(&self) -> Vec<Block> {
        let settings: Vec<String> = self
            .settings
            .iter()
            .map(|s| format!("{}={}", s.name, s.value))
            .collect();
        let mut blocks = vec![
            Block::Line(format!(
                "{} as {}; {} warm-up + {} measured runs per check; {}",
                self.database,
                self.mode,
                self.warmup,
                self.iterations,
                settings.join(" ")
            )),
            Block::Table(self.results_table()),
        ];
        for check in self.checks.iter().filter(|c| !c.passed) {
            for reason in &check.reasons {
                blocks.push(Block::Line(format!("FAIL {}: {reason}", check.name)));
            }
            // The reader of a failure needs the reasons behind the rule as much as the rule.
            if let Some(note) = &check.note {
                blocks.push(Block::Line(format!("  note: {note}")));
            }
        }
        if !self.latency_judged {
            blocks.push(Block::Line("Latency budgets (p95_ms) not judged.".into()));
        }
        blocks.extend(self.coverage_blocks());
        blocks.push(Block::Line(format!(
            "{} passed, {} failed{}",
            self.passed,
            self.failed,
            self.baseline
                .as_ref()
                .map(|b| format!(" (baseline {b})"))
                .unwrap_or_default()
        )));
        blocks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::coverage::IndexRef;
    use crate::output::plain_text;

    fn result(name: &str, reasons: &[&str], note: Option<&str>) -> CheckResult {
        CheckResult {
            name: name.to_owned(),
            description: format!("The {name} query."),
            passed: reasons.is_empty(),
            reasons: reasons.iter().map(|&r| r.to_owned()).collect(),
            note: note.map(str::to_owned),
            skipped: vec!["p95_ms 5".into()],
            samples: 3,
            runs: 6,
            p50_ms: 0.412,
            p95_ms: 1.25,
            max_ms: 1.5,
            buffers: 38,
            rows: 50.0,
            heap_fetches: 0.0,
            temp_blocks: 0,
            misestimate: 1.2,
            indexes: vec![IndexUse {
                index: "idx_leads_assignable".into(),
                relation: Some("leads".into()),
            }],
            plan: "Limit(Index Scan using idx_leads_assignable on leads)".into(),
            distinct_plans: 1,
            shape: Vec::new(),
            tables: BTreeSet::new(),
        }
    }

    fn report(coverage: Option<Coverage>) -> CheckReport {
        let failing = CheckResult {
            buffers: 812,
            rows: 0.0,
            indexes: Vec::new(),
            plan: "Limit(Seq Scan on leads)".into(),
            ..result(
                "custom_field_search",
                &["Seq Scan on leads", "812 shared buffers > max_buffers 300"],
                Some("\"any 100 matches\", unordered."),
            )
        };
        CheckReport {
            database: "lma@localhost:5432/lma".into(),
            mode: "owner",
            settings: vec![
                Setting {
                    name: "jit".into(),
                    value: "off".into(),
                },
                Setting {
                    name: "max_parallel_workers_per_gather".into(),
                    value: "0".into(),
                },
            ],
            warmup: 1,
            iterations: 2,
            latency_judged: false,
            min_table_pages: 16,
            unanalyzed_tables: Vec::new(),
            checks: vec![result("lead_assignment_queue", &[], None), failing],
            coverage,
            baseline: Some("baseline.json".into()),
            passed: 1,
            failed: 1,
        }
    }

    fn index(index: &str, table: &str) -> IndexRef {
        IndexRef {
            index: index.into(),
            table: table.into(),
        }
    }

    #[test]
    fn the_table_lists_results_then_failures_with_notes_then_coverage() {
        let coverage = Coverage {
            indexes: 33,
            tables: None,
            uncovered: vec![index("idx_leads_spare", "leads")],
            small_tables: vec![index("idx_users_org_login", "users")],
            required: true,
        };
        let text = plain_text(&report(Some(coverage)));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn a_subset_or_a_covered_catalog_is_one_line_on_coverage() {
        let covered = |small_tables: Vec<IndexRef>| Coverage {
            indexes: 33,
            tables: Some(vec!["leads".into(), "users".into()]),
            uncovered: Vec::new(),
            small_tables,
            required: false,
        };
        let small = vec![index("idx_users_org_login", "users")];
        let lines: Vec<String> = [None, Some(covered(Vec::new())), Some(covered(small))]
            .into_iter()
            .map(|coverage| {
                let text = plain_text(&report(coverage));
                let start = text.find("Coverage").expect("a coverage line");
                let end = text.rfind("\n1 passed").expect("the summary");
                text[start..end].to_owned()
            })
            .collect();
        insta::assert_snapshot!(lines.join("\n"));
    }
}
