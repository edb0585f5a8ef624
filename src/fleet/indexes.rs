//! `lma indexes` across targets: each target's index report, read on a read-only session, in
//! one table of targets and their findings, then each target's findings as `lma indexes` words
//! them.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::bail;
use serde::Serialize;

use super::targets::Target;
use crate::context::Context;
use crate::exit::{self, ExitStatus};
use crate::indexes::report::IndexesReport;
use crate::indexes::{self as single, render, Request, Server};
use crate::output::{Block, Report, Table, Tone};
use crate::progress::Progress;

/// How a target's report ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// No finding of a `--fail-on` kind.
    Clean,
    /// A finding of a `--fail-on` kind.
    Findings,
    /// No connection could be made.
    Unreachable,
    /// Connected, but the catalog or the counters could not be read.
    Error,
}

impl Outcome {
    fn label(self) -> (&'static str, Tone) {
        match self {
            Self::Clean => ("clean", Tone::Good),
            Self::Findings => ("findings", Tone::Bad),
            Self::Unreachable => ("unreachable", Tone::Bad),
            Self::Error => ("error", Tone::Bad),
        }
    }

    fn status(self) -> ExitStatus {
        match self {
            Self::Clean => ExitStatus::Success,
            Self::Findings | Self::Unreachable => ExitStatus::Findings,
            Self::Error => ExitStatus::Error,
        }
    }
}

/// One target's row.
#[derive(Debug, Serialize)]
pub struct TargetIndexes {
    pub name: String,
    pub groups: Vec<String>,
    /// `user@host:port/dbname`, never the password.
    pub database: String,
    pub result: Outcome,
    /// Findings by kind, but those `[[indexes.ignore]]` accepts and unused verdicts on
    /// statistics younger than `[indexes] min_stats_age`.
    pub findings: BTreeMap<&'static str, usize>,
    /// How many of them fail the run (`--fail-on`, reliable statistics).
    pub failing: usize,
    pub error: Option<String>,
    /// The single-database report; null unless the target was read.
    pub indexes: Option<IndexesReport>,
}

/// The report of `lma indexes` across targets.
#[derive(Debug, Serialize)]
pub struct FleetIndexesReport {
    pub targets: Vec<TargetIndexes>,
}

impl FleetIndexesReport {
    /// 2 when no target could be reached, else the worst target's status.
    #[must_use]
    pub fn exit_status(&self) -> ExitStatus {
        super::worst_of(
            self.targets
                .iter()
                .map(|t| (t.result == Outcome::Unreachable, t.result.status())),
        )
    }

    fn count(&self, outcome: Outcome) -> usize {
        self.targets.iter().filter(|t| t.result == outcome).count()
    }
}

impl Report for FleetIndexesReport {
    fn human(&self) -> Vec<Block> {
        let mut table =
            Table::new(&["Target", "Findings", "Failing", "Result", "Detail"]).right_aligned(&[2]);
        for t in &self.targets {
            let (label, tone) = t.result.label();
            table.toned_row(vec![
                (t.name.clone(), Tone::Plain),
                (t.kinds(), Tone::Plain),
                (t.failing.to_string(), Tone::Plain),
                (label.to_owned(), tone),
                (t.error.clone().unwrap_or_default(), Tone::Plain),
            ]);
        }
        let summary = format!(
            "{} targets: {} clean, {} with findings, {} unreachable, {} error",
            self.targets.len(),
            self.count(Outcome::Clean),
            self.count(Outcome::Findings),
            self.count(Outcome::Unreachable),
            self.count(Outcome::Error),
        );
        let mut blocks = vec![Block::Table(table), Block::Line(summary)];
        for (t, report) in self
            .targets
            .iter()
            .filter_map(|t| t.indexes.as_ref().map(|r| (t, r)))
        {
            let (_, shown) = render::listed(report);
            if shown.is_empty() {
                continue;
            }
            blocks.push(Block::Heading(format!("{}: findings", t.name)));
            for finding in shown {
                let lines = render::finding_lines(finding, report.view.width);
                blocks.extend(lines.into_iter().map(Block::Line));
            }
        }
        blocks
    }
}

/// Runs `lma indexes` across targets, `--parallel` at a time.
pub async fn run(
    context: &Context,
    request: &Request,
    fleet: &super::Options,
) -> anyhow::Result<ExitStatus> {
    if !request.replicas.is_empty() {
        bail!("--replica works on one database at a time; give a single --database-url");
    }
    let targets = super::resolve(context, fleet)?;
    let request = Arc::new(request.clone());
    let rows = super::each(targets, fleet.parallel, |target| {
        let request = Arc::clone(&request);
        async move { report_of(&target, &request).await }
    })
    .await?;
    let report = FleetIndexesReport { targets: rows };
    context.emit(&report)?;
    Ok(report.exit_status())
}

async fn report_of(target: &Target, request: &Request) -> TargetIndexes {
    let mut row = TargetIndexes {
        name: target.name.clone(),
        groups: target.groups.clone(),
        database: target.database.describe(),
        result: Outcome::Unreachable,
        findings: BTreeMap::new(),
        failing: 0,
        error: None,
        indexes: None,
    };
    let client = match target.database.connect_read_only().await {
        Ok(client) => client,
        Err(err) => {
            row.error = Some(exit::one_line(&err));
            return row;
        }
    };
    let primary = Server {
        name: row.database.clone(),
        client,
    };
    // Each target's notes would interleave with the others'; the table reports instead.
    let quiet = Progress::new(true, 0);
    match single::read(&primary, &[], &request.options, &quiet).await {
        Ok(mut report) => {
            report.view = request.view;
            row.read(report);
        }
        Err(err) => {
            row.result = Outcome::Error;
            row.error = Some(exit::one_line(&err));
        }
    }
    row
}

impl TargetIndexes {
    /// The findings by kind as the table shows them: "-" when the target was not read.
    fn kinds(&self) -> String {
        if self.indexes.is_none() {
            return "-".to_owned();
        }
        if self.findings.is_empty() {
            return "none".to_owned();
        }
        let kinds: Vec<String> = self
            .findings
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        kinds.join(", ")
    }

    fn read(&mut self, report: IndexesReport) {
        // An unused verdict on young statistics is not a judgement yet: `lma indexes` only
        // counts those, and so does the table here.
        let judged = report
            .findings
            .iter()
            .filter(|f| f.ignored.is_none() && f.reliable);
        for finding in judged {
            *self.findings.entry(finding.kind.name()).or_default() += 1;
        }
        self.failing = report.findings.iter().filter(|f| f.fails).count();
        self.result = if report.fails() {
            Outcome::Findings
        } else {
            Outcome::Clean
        };
        self.indexes = Some(report);
    }
}
