//! The report of `lma advise`: per check, the estimated cost now, the proposals the planner
//! accepted (with the statement to run, cost and plan after, size and write cost), the
//! candidates HypoPG cannot simulate, and why the others were dropped.

use serde::Serialize;

use crate::output::{Block, Report, Table, Tone};

/// What `lma advise` prints.
#[derive(Debug, Serialize)]
pub struct AdviseReport {
    pub database: String,
    pub hypopg_version: String,
    /// Proposals cut the estimated cost by at least this percentage.
    pub min_gain_percent: f64,
    pub checks: Vec<CheckAdvice>,
}

/// The advice for one check or query.
#[derive(Debug, Serialize)]
pub struct CheckAdvice {
    pub check: String,
    pub description: String,
    /// The parameter samples costed.
    pub samples: usize,
    /// The mean estimated cost over the samples, as the database stands.
    pub cost_before: f64,
    pub plan_before: String,
    /// Best first.
    pub proposals: Vec<Proposal>,
    /// Candidates HypoPG cannot simulate (GIN): proposed without a cost, for `--verify` or
    /// a test build.
    pub unvalidated: Vec<Unvalidated>,
    pub rejected: Vec<Rejected>,
    pub verification: Option<Verification>,
    /// The tables the query reads, as `(schema, table)`: what `--verify` copies.
    #[serde(skip)]
    pub tables: Vec<(String, String)>,
    /// What `--verify` builds, named: the first proposal, else every candidate not costed.
    #[serde(skip)]
    pub to_verify: Vec<(String, super::candidate::Candidate)>,
}

/// One index the planner would use, and what it costs.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub name: String,
    /// `schema.table`.
    pub table: String,
    pub method: super::candidate::Method,
    /// `CREATE INDEX CONCURRENTLY IF NOT EXISTS …;`, to run as printed.
    pub statement: String,
    /// A migration file that runs it: the no-transaction marker, then the statement.
    pub migration: String,
    pub rationale: String,
    pub cost_after: f64,
    /// The share of the cost it removes, 0 to 1.
    pub gain: f64,
    pub plan_after: String,
    /// How many samples' plans use it.
    pub used_by_samples: usize,
    /// HypoPG's estimate of its size, in bytes.
    pub size_bytes: i64,
    pub write_cost: WriteCost,
    /// Existing indexes that are a leading prefix of this one and could then be dropped.
    pub makes_redundant: Vec<String>,
}

/// What the index adds to every write of the table.
#[derive(Debug, Clone, Serialize)]
pub struct WriteCost {
    pub indexes_now: usize,
    pub indexes_after: usize,
    /// Rows the index would hold (the planner's estimate; fewer for a partial index).
    pub rows_indexed: f64,
    /// Bytes per index entry (size / rows): what an INSERT, or an UPDATE that cannot be HOT,
    /// of a row it covers, adds to write.
    pub bytes_per_entry: f64,
}

/// A candidate that could not be costed.
#[derive(Debug, Clone, Serialize)]
pub struct Unvalidated {
    pub name: String,
    pub statement: String,
    pub rationale: String,
    pub reason: String,
}

/// A candidate that was dropped, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Rejected {
    pub definition: String,
    pub reason: String,
}

impl AdviseReport {
    /// Whether any check got a proposal (a finding: an index the planner would use is missing).
    #[must_use]
    pub fn has_proposals(&self) -> bool {
        self.checks
            .iter()
            .any(|c| !c.proposals.is_empty() || !c.unvalidated.is_empty())
    }
}

impl Report for AdviseReport {
    fn human(&self) -> Vec<Block> {
        let mut blocks = vec![Block::Line(format!(
            "{}: HypoPG {}, proposals cut the estimated cost by {}% or more",
            self.database, self.hypopg_version, self.min_gain_percent
        ))];
        for check in &self.checks {
            check.blocks(&mut blocks);
        }
        blocks
    }
}

impl CheckAdvice {
    fn blocks(&self, blocks: &mut Vec<Block>) {
        blocks.push(Block::Heading(format!(
            "{}: {}",
            self.check, self.description
        )));
        blocks.push(Block::Line(format!(
            "now: estimated cost {:.1} (mean of {} sample(s)), {}",
            self.cost_before, self.samples, self.plan_before
        )));
        if self.proposals.is_empty() && self.unvalidated.is_empty() {
            blocks.push(Block::Line(format!(
                "No index the planner would use cuts the cost enough ({} candidate(s) tried).",
                self.rejected.len()
            )));
        }
        if !self.proposals.is_empty() {
            blocks.push(Block::Table(self.table()));
        }
        for (rank, p) in self.proposals.iter().enumerate() {
            blocks.push(Block::Line(format!(
                "{}. {} ({}){}",
                rank + 1,
                p.name,
                p.rationale,
                redundant_note(&p.makes_redundant)
            )));
            blocks.push(Block::Line(format!("   plan after: {}", p.plan_after)));
            for line in p.migration.lines() {
                blocks.push(Block::Line(format!("   {line}")));
            }
        }
        for u in &self.unvalidated {
            blocks.push(Block::Line(format!(
                "not costed ({}): {}",
                u.reason, u.name
            )));
            blocks.push(Block::Line(format!("   {}", u.statement)));
        }
        if let Some(verification) = &self.verification {
            verification.blocks(blocks);
        }
    }

    fn table(&self) -> Table {
        let mut table = Table::new(&[
            "#",
            "Index",
            "Cost after",
            "Gain",
            "Size",
            "Samples",
            "Indexes",
            "B/entry",
        ])
        .right_aligned(&[0, 2, 3, 4, 5, 6, 7]);
        for (rank, p) in self.proposals.iter().enumerate() {
            table.toned_row(vec![
                ((rank + 1).to_string(), Tone::Plain),
                (p.name.clone(), Tone::Plain),
                (format!("{:.1}", p.cost_after), Tone::Plain),
                (format!("{:.0}%", p.gain * 100.0), Tone::Good),
                (human_bytes(p.size_bytes), Tone::Plain),
                (
                    format!("{}/{}", p.used_by_samples, self.samples),
                    Tone::Plain,
                ),
                (
                    format!(
                        "{} → {}",
                        p.write_cost.indexes_now, p.write_cost.indexes_after
                    ),
                    Tone::Plain,
                ),
                (format!("{:.0}", p.write_cost.bytes_per_entry), Tone::Plain),
            ]);
        }
        table
    }
}

fn redundant_note(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!("; then redundant: {}", names.join(", "))
    }
}

/// Bytes as kB, MB or GB.
#[must_use]
pub fn human_bytes(bytes: i64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let b = bytes as f64;
    match b {
        b if b >= 1e9 => format!("{:.1} GB", b / 1e9),
        b if b >= 1e6 => format!("{:.1} MB", b / 1e6),
        b => format!("{:.0} kB", b / 1e3),
    }
}

/// What the builds on the copy measured.
#[derive(Debug, Serialize)]
pub struct Verification {
    /// The tables copied, with their rows.
    pub copied: Vec<Copied>,
    /// The check on the copy as the database stands.
    pub before: Measured,
    /// Each candidate built (the first proposal, else each one HypoPG could not cost), the
    /// best first: used by the most samples, then the fewest buffers.
    pub builds: Vec<Build>,
}

/// One candidate built on the copy, measured, and dropped again.
#[derive(Debug, Serialize)]
pub struct Build {
    pub index: String,
    /// The statement run on the copy (`pg_temp`).
    pub statement: String,
    pub after: Measured,
    /// How many samples' plans read it.
    pub used_by_samples: usize,
    pub samples: usize,
}

/// One table copied.
#[derive(Debug, Serialize)]
pub struct Copied {
    pub table: String,
    pub rows: u64,
}

/// The check's runs on the copy.
#[derive(Debug, Serialize)]
pub struct Measured {
    pub p50_ms: f64,
    pub max_ms: f64,
    /// The most buffers (shared + local, hit + read) of one execution over the samples.
    pub buffers: u64,
    pub plan: String,
}

impl Verification {
    pub(super) fn blocks(&self, blocks: &mut Vec<Block>) {
        let tables: Vec<String> = self
            .copied
            .iter()
            .map(|c| format!("{} ({} rows)", c.table, c.rows))
            .collect();
        blocks.push(Block::Line(format!(
            "verify, on a temporary copy of {}:",
            tables.join(", ")
        )));
        blocks.push(Block::Line(measured_line("now", &self.before)));
        for build in &self.builds {
            let label = format!(
                "with {} (used by {}/{} samples)",
                build.index, build.used_by_samples, build.samples
            );
            blocks.push(Block::Line(measured_line(&label, &build.after)));
        }
    }
}

fn measured_line(label: &str, m: &Measured) -> String {
    format!(
        "   {label}: p50 {:.3} ms, max {:.3} ms, {} buffers, {}",
        m.p50_ms, m.max_ms, m.buffers, m.plan
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::advise::candidate::Method;

    fn proposal() -> Proposal {
        let statement =
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS lma_leads_org_status ON public.leads \
                         (organization_id, status);";
        Proposal {
            name: "lma_leads_org_status".into(),
            table: "public.leads".into(),
            method: Method::Btree,
            statement: statement.into(),
            migration: format!("-- lma:no-transaction\n{statement}"),
            rationale: "equality on organization_id, status".into(),
            cost_after: 12.5,
            gain: 0.92,
            plan_after: "Index Scan using lma_leads_org_status on leads".into(),
            used_by_samples: 3,
            size_bytes: 2_400_000,
            write_cost: WriteCost {
                indexes_now: 6,
                indexes_after: 7,
                rows_indexed: 20_000.0,
                bytes_per_entry: 120.0,
            },
            makes_redundant: vec!["idx_leads_org".into()],
        }
    }

    fn advice(check: &str) -> CheckAdvice {
        CheckAdvice {
            check: check.to_owned(),
            description: format!("The {check} query."),
            samples: 3,
            cost_before: 160.25,
            plan_before: "Seq Scan on leads".into(),
            proposals: Vec::new(),
            unvalidated: Vec::new(),
            rejected: Vec::new(),
            verification: None,
            tables: Vec::new(),
            to_verify: Vec::new(),
        }
    }

    fn measured(p50_ms: f64, buffers: u64, plan: &str) -> Measured {
        Measured {
            p50_ms,
            max_ms: p50_ms * 2.0,
            buffers,
            plan: plan.into(),
        }
    }

    #[test]
    fn each_check_shows_its_proposals_the_uncosted_and_the_verification() {
        let verification = Verification {
            copied: vec![Copied {
                table: "public.leads".into(),
                rows: 20_000,
            }],
            before: measured(4.5, 508, "Seq Scan on leads"),
            builds: vec![Build {
                index: "lma_leads_org_status".into(),
                statement: "CREATE INDEX lma_leads_org_status ON pg_temp.leads …".into(),
                after: measured(0.25, 12, "Index Scan using lma_leads_org_status on leads"),
                used_by_samples: 3,
                samples: 3,
            }],
        };
        let tags = CheckAdvice {
            unvalidated: vec![Unvalidated {
                name: "lma_leads_tags".into(),
                statement:
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS lma_leads_tags ON public.leads \
                            USING gin (tags);"
                        .into(),
                rationale: "containment on tags".into(),
                reason: "HypoPG cannot simulate GIN".into(),
            }],
            ..advice("json_tag_search")
        };
        let fine = CheckAdvice {
            rejected: vec![Rejected {
                definition: "(organization_id)".into(),
                reason: "cuts the cost by 2%".into(),
            }],
            ..advice("recent_leads")
        };
        let report = AdviseReport {
            database: "lma@localhost:5432/lma".into(),
            hypopg_version: "1.4.1".into(),
            min_gain_percent: 20.0,
            checks: vec![
                CheckAdvice {
                    proposals: vec![proposal()],
                    verification: Some(verification),
                    ..advice("lead_assignment_queue")
                },
                tags,
                fine,
            ],
        };
        insta::assert_snapshot!(crate::output::plain_text(&report));
    }
}
