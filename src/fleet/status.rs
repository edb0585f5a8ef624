//! `lma status` across targets: one table of targets against versions. Behind, divergent and
//! unreachable targets are findings (exit 1); when every target is unreachable, exit 2.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::targets::Target;
use crate::context::Context;
use crate::exit::{self, ExitStatus};
use crate::migrate::source::MigrationSet;
use crate::migrate::status::{State, StatusReport};
use crate::output::{Block, Report, Table, Tone};

/// Where a target stands against the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Every migration applied, the history matching the files.
    Current,
    /// Migrations pending.
    Behind,
    /// The history does not match the files: divergent, missing or out of order.
    Divergent,
    /// No connection, or the history could not be read.
    Unreachable,
}

impl Standing {
    fn label(self) -> (&'static str, Tone) {
        match self {
            Self::Current => ("current", Tone::Good),
            Self::Behind => ("behind", Tone::Warn),
            Self::Divergent => ("divergent", Tone::Bad),
            Self::Unreachable => ("unreachable", Tone::Bad),
        }
    }
}

/// One target's row.
#[derive(Debug, Clone, Serialize)]
pub struct TargetStatus {
    pub name: String,
    pub groups: Vec<String>,
    /// `user@host:port/dbname`, never the password.
    pub database: String,
    pub standing: Standing,
    /// The newest applied version.
    pub current_version: Option<i64>,
    /// How many migrations of the files are not applied.
    pub pending: usize,
    /// Divergent, missing or out-of-order migrations, one phrase each.
    pub findings: Vec<String>,
    pub error: Option<String>,
}

/// The report of `lma status` across targets.
#[derive(Debug, Serialize)]
pub struct FleetStatusReport {
    /// The newest version in the files.
    pub latest_version: Option<i64>,
    pub targets: Vec<TargetStatus>,
}

impl FleetStatusReport {
    /// 2 when no target could be read, 1 when any is not current, else 0.
    #[must_use]
    pub fn exit_status(&self) -> ExitStatus {
        if self
            .targets
            .iter()
            .all(|t| t.standing == Standing::Unreachable)
        {
            return ExitStatus::Error;
        }
        ExitStatus::findings_if(self.targets.iter().any(|t| t.standing != Standing::Current))
    }
}

impl Report for FleetStatusReport {
    fn human(&self) -> Vec<Block> {
        let mut table = Table::new(&["Target", "Groups", "Version", "Pending", "State", "Detail"])
            .right_aligned(&[2, 3]);
        for t in &self.targets {
            let (label, tone) = t.standing.label();
            let detail = t.error.clone().unwrap_or_else(|| t.findings.join("; "));
            table.toned_row(vec![
                (t.name.clone(), Tone::Plain),
                (t.groups.join(","), Tone::Plain),
                (super::version(t.current_version), Tone::Plain),
                (t.pending.to_string(), Tone::Plain),
                (label.to_owned(), tone),
                (detail, Tone::Plain),
            ]);
        }
        let count = |s: Standing| self.targets.iter().filter(|t| t.standing == s).count();
        let latest = self
            .latest_version
            .map_or_else(|| "none".to_owned(), |v| format!("V{v}"));
        let summary = format!(
            "{} targets, latest {latest}: {} current, {} behind, {} divergent, {} unreachable",
            self.targets.len(),
            count(Standing::Current),
            count(Standing::Behind),
            count(Standing::Divergent),
            count(Standing::Unreachable),
        );
        vec![Block::Table(table), Block::Line(summary)]
    }
}

/// Runs `lma status` across targets, `--parallel` at a time, each on a read-only session.
pub async fn run(
    context: &Context,
    migrations: Option<&Path>,
    fleet: &super::Options,
) -> anyhow::Result<ExitStatus> {
    let set = Arc::new(MigrationSet::load(
        migrations,
        &context.config.migrate.ignore,
    )?);
    let targets = super::resolve(context, fleet)?;
    let rows = super::each(targets, fleet.parallel, |target| {
        let set = Arc::clone(&set);
        async move { status_of(&target, &set).await }
    })
    .await?;
    let report = FleetStatusReport {
        latest_version: set.latest_version(),
        targets: rows,
    };
    context.emit(&report)?;
    Ok(report.exit_status())
}

async fn status_of(target: &Target, set: &MigrationSet) -> TargetStatus {
    let mut row = TargetStatus {
        name: target.name.clone(),
        groups: target.groups.clone(),
        database: target.database.describe(),
        standing: Standing::Unreachable,
        current_version: None,
        pending: 0,
        findings: Vec::new(),
        error: None,
    };
    let read = async {
        let client = target.database.connect_read_only().await?;
        StatusReport::of(&client, set, target.database.describe()).await
    };
    match read.await {
        Ok(report) => {
            row.current_version = report.current_version;
            row.pending = report.count(State::Pending);
            row.findings = report.findings();
            row.standing = if report.has_findings() {
                Standing::Divergent
            } else if row.pending > 0 {
                Standing::Behind
            } else {
                Standing::Current
            };
        }
        Err(err) => row.error = Some(exit::one_line(&err)),
    }
    row
}
