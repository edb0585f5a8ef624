//! `lma drift` across targets. Each target is read on a read-only session (its recorded version,
//! roles and catalog); the migrations' schema is then built on one scratch database, read at
//! each distinct recorded version in turn (only the pending migrations run between two), since
//! the scratch cluster and the migrations are the slow part; each target is compared with the
//! schema of its version.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use super::targets::Target;
use crate::context::Context;
use crate::drift::catalog::{self, Catalog};
use crate::drift::report::DriftReport;
use crate::drift::scratch::{self, Scratch};
use crate::drift::{self as single, compare};
use crate::exit::{self, ExitStatus};
use crate::migrate::source::MigrationSet;
use crate::output::{Block, Report, Table, Tone};

/// How a target's comparison ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The schema is what the migrations make (or differs only where `[[drift.ignore]]` allows).
    Clean,
    /// The schema differs from the migrations'.
    Drifted,
    /// No connection could be made.
    Unreachable,
    /// The target was read but could not be compared: its history, its server version, or the
    /// migrations' schema at its version.
    Error,
}

impl Outcome {
    fn label(self) -> (&'static str, Tone) {
        match self {
            Self::Clean => ("clean", Tone::Good),
            Self::Drifted => ("drifted", Tone::Bad),
            Self::Unreachable => ("unreachable", Tone::Bad),
            Self::Error => ("error", Tone::Bad),
        }
    }

    fn status(self) -> ExitStatus {
        match self {
            Self::Clean => ExitStatus::Success,
            Self::Drifted | Self::Unreachable => ExitStatus::Findings,
            Self::Error => ExitStatus::Error,
        }
    }
}

/// One target's row.
#[derive(Debug, Serialize)]
pub struct TargetDrift {
    pub name: String,
    pub groups: Vec<String>,
    /// `user@host:port/dbname`, never the password.
    pub database: String,
    pub result: Outcome,
    /// The version its history records.
    pub version: Option<i64>,
    /// Objects read from the target.
    pub objects: Option<usize>,
    /// Differences not accepted by `[[drift.ignore]]`.
    pub differences: usize,
    pub error: Option<String>,
    /// The single-database report: every difference with both definitions and the fix. Its
    /// `milliseconds` is the time this target was read and compared.
    pub drift: Option<DriftReport>,
}

/// The report of `lma drift` across targets.
#[derive(Debug, Serialize)]
pub struct FleetDriftReport {
    /// The newest version in the files.
    pub latest_version: Option<i64>,
    /// The versions the migrations' schema was built at, on one scratch database.
    pub built_versions: Vec<Option<i64>>,
    pub targets: Vec<TargetDrift>,
    /// The whole run, the scratch database included.
    pub milliseconds: u64,
}

impl FleetDriftReport {
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

impl Report for FleetDriftReport {
    fn human(&self) -> Vec<Block> {
        let mut table = Table::new(&[
            "Target",
            "Version",
            "Objects",
            "Differences",
            "Result",
            "Error",
        ])
        .right_aligned(&[1, 2, 3]);
        for t in &self.targets {
            let (label, tone) = t.result.label();
            table.toned_row(vec![
                (t.name.clone(), Tone::Plain),
                (super::version(t.version), Tone::Plain),
                (
                    t.objects.map_or_else(|| "-".into(), |n| n.to_string()),
                    Tone::Plain,
                ),
                (
                    t.drift
                        .as_ref()
                        .map_or_else(|| "-".into(), |_| t.differences.to_string()),
                    Tone::Plain,
                ),
                (label.to_owned(), tone),
                (t.error.clone().unwrap_or_default(), Tone::Plain),
            ]);
        }
        let mut blocks = vec![Block::Table(table), Block::Line(self.summary())];
        for t in self.targets.iter().filter(|t| t.result == Outcome::Drifted) {
            if let Some(drift) = &t.drift {
                blocks.push(Block::Heading(format!("{}: differences", t.name)));
                blocks.extend(drift.human());
            }
        }
        blocks
    }
}

impl FleetDriftReport {
    fn summary(&self) -> String {
        let built: Vec<String> = self
            .built_versions
            .iter()
            .map(|v| super::version(*v))
            .collect();
        format!(
            "{} targets, latest {}, migrations' schema built at {}: {} clean, {} drifted, {} unreachable, {} error",
            self.targets.len(),
            super::version(self.latest_version),
            if built.is_empty() { "no version".to_owned() } else { built.join(", ") },
            self.count(Outcome::Clean),
            self.count(Outcome::Drifted),
            self.count(Outcome::Unreachable),
            self.count(Outcome::Error),
        )
    }
}

/// What was read from one target, before anything is compared.
struct Look {
    version: Option<i64>,
    major: i32,
    roles: Vec<String>,
    catalog: Catalog,
    /// How long reading it took.
    milliseconds: u64,
}

/// A target that could not be looked at: unreachable or an error, and why.
type Failure = (Outcome, String);

/// Runs `lma drift` across targets, `--parallel` reads at a time, one scratch database.
pub async fn run(
    context: &Context,
    options: &single::Options,
    fleet: &super::Options,
) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    let set = Arc::new(MigrationSet::load(
        options.migrations.as_deref(),
        &context.config.migrate.ignore,
    )?);
    // A bad [[drift.ignore]] entry is refused before any target is read or schema built.
    compare::apply_ignores(&mut [], &context.config.drift.ignore)?;
    let targets = super::resolve(context, fleet)?;
    let looks = super::each(targets.clone(), fleet.parallel, |target| {
        let set = Arc::clone(&set);
        async move { look(&target, &set).await }
    })
    .await?;
    let schemas = build(context, options, &set, &looks).await?;
    let mut rows = Vec::new();
    for (target, look) in targets.iter().zip(looks) {
        rows.push(judge(context, target, look, &schemas)?);
    }
    let report = FleetDriftReport {
        latest_version: set.latest_version(),
        built_versions: schemas.versions.keys().copied().collect(),
        targets: rows,
        milliseconds: millis(started),
    };
    context.emit(&report)?;
    Ok(report.exit_status())
}

/// Reads a target's recorded version, server version, roles and catalog, read-only.
async fn look(target: &Target, set: &MigrationSet) -> Result<Look, Failure> {
    let started = Instant::now();
    let client = target
        .database
        .connect_read_only()
        .await
        .map_err(|err| (Outcome::Unreachable, exit::one_line(&err)))?;
    let read = async {
        Ok::<_, anyhow::Error>(Look {
            version: single::recorded_version(&client, set).await?,
            major: scratch::major(&client).await?,
            roles: scratch::roles(&client).await?,
            catalog: catalog::read(&client).await?,
            milliseconds: millis(started),
        })
    };
    read.await
        .map_err(|err| (Outcome::Error, exit::one_line(&err)))
}

/// The migrations' schema at each version some target records, and the server's major version.
struct Schemas {
    major: i32,
    /// The newest version in the files: what a target without history is compared with.
    latest: Option<i64>,
    /// By the version applied up to; a target without history is compared at `latest`.
    versions: BTreeMap<Option<i64>, Result<Catalog, String>>,
}

/// Builds the schema at every recorded version on one scratch database.
async fn build(
    context: &Context,
    options: &single::Options,
    set: &MigrationSet,
    looks: &[Result<Look, Failure>],
) -> anyhow::Result<Schemas> {
    let reachable: Vec<&Look> = looks.iter().filter_map(|l| l.as_ref().ok()).collect();
    let mut schemas = Schemas {
        major: reachable.first().map_or(0, |l| l.major),
        latest: set.latest_version(),
        versions: BTreeMap::new(),
    };
    if reachable.is_empty() {
        return Ok(schemas);
    }
    // No history means every migration: the same schema as the latest version.
    let wanted: BTreeSet<Option<i64>> = reachable
        .iter()
        .map(|l| l.version.or(schemas.latest))
        .collect();
    let roles: BTreeSet<String> = reachable.iter().flat_map(|l| l.roles.clone()).collect();
    let admin = single::scratch_admin(options)?;
    let host = admin.as_ref().map_or_else(
        || "a throwaway PostgreSQL cluster".to_owned(),
        |a| format!("a scratch database on {}", a.describe()),
    );
    let note = format!(
        "building the migrations' schema at {} version(s) on {host}",
        wanted.len()
    );
    context.progress.note(None, &note);
    let roles: Vec<String> = roles.into_iter().collect();
    let scratch = Scratch::create_for(admin.as_ref(), schemas.major, &roles).await?;
    schemas.versions = at_each(context, set, wanted, &scratch).await;
    scratch.remove().await?;
    Ok(schemas)
}

/// The scratch database's catalog at each version, oldest first: only the migrations between
/// two versions run. A version the migrations fail at fails every later one too.
async fn at_each(
    context: &Context,
    set: &MigrationSet,
    wanted: BTreeSet<Option<i64>>,
    scratch: &Scratch,
) -> BTreeMap<Option<i64>, Result<Catalog, String>> {
    let mut versions = BTreeMap::new();
    let mut failed: Option<String> = None;
    for at in wanted {
        let catalog = match &failed {
            Some(err) => Err(err.clone()),
            None => single::expected_catalog(context, set, at, &scratch.database)
                .await
                .map_err(|err| format!("{} (at {})", exit::one_line(&err), super::version(at))),
        };
        if let Err(err) = &catalog {
            failed.get_or_insert_with(|| err.clone());
        }
        versions.insert(at, catalog);
    }
    versions
}

/// Compares one target with the schema of its version.
fn judge(
    context: &Context,
    target: &Target,
    look: Result<Look, Failure>,
    schemas: &Schemas,
) -> anyhow::Result<TargetDrift> {
    let mut row = TargetDrift::new(target);
    let look = match look {
        Ok(look) => look,
        Err((outcome, err)) => {
            row.result = outcome;
            row.error = Some(err);
            return Ok(row);
        }
    };
    row.version = look.version;
    row.objects = Some(look.catalog.len());
    match schemas.expected(&look) {
        Ok(expected) => {
            let started = Instant::now();
            let mut differences = compare::compare(&look.catalog, expected);
            compare::apply_ignores(&mut differences, &context.config.drift.ignore)?;
            let drift = DriftReport {
                database: row.database.clone(),
                version: look.version,
                objects: look.catalog.len(),
                differences,
                milliseconds: look.milliseconds + millis(started),
            };
            row.compared(drift);
        }
        Err(err) => row.error = Some(err),
    }
    Ok(row)
}

impl Schemas {
    /// The migrations' schema to compare `look` with, or why there is none.
    fn expected(&self, look: &Look) -> Result<&Catalog, String> {
        if look.major != self.major {
            return Err(format!(
                "the server is PostgreSQL {}, the scratch server {}: catalogs of different major versions do not compare",
                look.major, self.major
            ));
        }
        match self.versions.get(&look.version.or(self.latest)) {
            Some(Ok(catalog)) => Ok(catalog),
            Some(Err(err)) => Err(err.clone()),
            None => Err("the migrations' schema was not built at its version".to_owned()),
        }
    }
}

impl TargetDrift {
    fn new(target: &Target) -> Self {
        Self {
            name: target.name.clone(),
            groups: target.groups.clone(),
            database: target.database.describe(),
            result: Outcome::Error,
            version: None,
            objects: None,
            differences: 0,
            error: None,
            drift: None,
        }
    }

    fn compared(&mut self, drift: DriftReport) {
        self.differences = drift
            .differences
            .iter()
            .filter(|d| d.ignored.is_none())
            .count();
        self.result = if drift.has_drift() {
            Outcome::Drifted
        } else {
            Outcome::Clean
        };
        self.drift = Some(drift);
    }
}

fn millis(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
