//! `lma indexes`: the index health report DBAs run, and its CI gate.
//!
//! It reads the catalog of any PostgreSQL database (and the usage counters of its replicas),
//! lists every index and table, and reports findings: unused, redundant, missing FK index,
//! invalid, bloat (an estimate) and heavy sequential scans, each with the SQL that fixes it.
//! Findings are data: exit 1 when one of the `--fail-on` kinds is found. See docs/indexes.md.

pub mod catalog;
pub mod checks;
pub mod finding;
pub mod findings;
pub mod ignore;
pub mod lookup;
pub mod naming;
pub mod redundancy;
pub mod render;
pub mod report;
pub mod size;
pub mod usage;

use anyhow::Context as _;
use tokio_postgres::Client;

use crate::config::IndexesSection;
use crate::context::Context;
use crate::db::Database;
use crate::exit::ExitStatus;
use crate::progress::Progress;
use catalog::Checks;
use catalog::{BloatRow, ForeignKeyRow, IndexRow, StatsAge, TableRow};
use findings::{Facts, Kind};
use report::{human_age, rfc3339, IndexEntry, IndexesReport, ServerStatistics, Statistics};
use usage::Usage;

/// What to report on and what fails the run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The schemas asked for; empty means every non-system schema.
    pub schemas: Vec<String>,
    /// The finding kinds that make the exit status 1.
    pub fail_on: Vec<Kind>,
    pub thresholds: IndexesSection,
}

/// One `lma indexes` run: what to report, the replicas whose counters add to the primary's,
/// and how the table is drawn.
#[derive(Debug, Clone)]
pub struct Request {
    pub options: Options,
    /// `--replica` URLs.
    pub replicas: Vec<String>,
    pub view: report::View,
}

/// A connected server and how to name it.
pub struct Server {
    /// `user@host:port/database`, never with a password.
    pub name: String,
    pub client: Client,
}

/// Runs `lma indexes`: exit 1 when a finding of a `--fail-on` kind is found.
pub async fn run(context: &Context, request: &Request) -> anyhow::Result<ExitStatus> {
    let database = context.database()?;
    let primary = Server {
        name: database.describe(),
        client: database.connect_read_only().await?,
    };
    let mut replicas = Vec::new();
    for url in &request.replicas {
        replicas.push(connect_replica(context, &database, url).await?);
    }
    let mut report = read(&primary, &replicas, &request.options, &context.progress).await?;
    report.view = request.view;
    context.emit(&report)?;
    Ok(ExitStatus::findings_if(report.fails()))
}

/// Connects to a `--replica` URL. A URL that names no database gets the primary's, because
/// counters are only comparable for the same database.
async fn connect_replica(
    context: &Context,
    primary: &Database,
    url: &str,
) -> anyhow::Result<Server> {
    let env = |key: &str| std::env::var(key).ok();
    let names_database = url
        .parse::<tokio_postgres::Config>()
        .is_ok_and(|config| config.get_dbname().is_some());
    let mut database = Database::resolve(Some(url), &env, context.config.database.connect_timeout)
        .context("--replica")?;
    if !names_database {
        database = database.with_dbname(primary.dbname());
    }
    let client = database.connect_read_only().await.context("--replica")?;
    Ok(Server {
        name: database.describe(),
        client,
    })
}

/// The primary's catalog rows for the chosen schemas.
struct Catalog {
    schemas: Vec<String>,
    indexes: Vec<IndexRow>,
    foreign_keys: Vec<ForeignKeyRow>,
    tables: Vec<TableRow>,
    bloat: Vec<BloatRow>,
    checks: Checks,
    names: naming::Names,
}

impl Catalog {
    async fn read(client: &Client, asked: &[String], progress: &Progress) -> anyhow::Result<Self> {
        let schemas = catalog::schemas(client, asked).await?;
        progress.detail(&format!("reading the indexes of {}", schemas.join(", ")));
        let indexes = catalog::indexes(client, &schemas).await?;
        let valid: Vec<u32> = indexes
            .iter()
            .filter(|index| index.is_valid)
            .map(|index| index.index_oid)
            .collect();
        let mut foreign_keys = catalog::foreign_keys(client, &schemas).await?;
        progress.detail("planning the foreign keys' lookups");
        let queries: Vec<_> = foreign_keys.iter().map(ForeignKeyRow::ri_query).collect();
        let lookups = lookup::plan_all(client, &queries).await;
        for (fk, planned) in foreign_keys.iter_mut().zip(lookups) {
            fk.lookup = Some(planned);
        }
        let checks = Checks {
            sequences: catalog::sequences(client, &schemas).await?,
            not_valid: catalog::not_valid(client, &schemas).await?,
            no_primary_key: catalog::no_primary_key(client, &schemas).await?,
            null_leading: catalog::null_leading(client, &schemas).await?,
        };
        Ok(Self {
            checks,
            names: naming::Names::read(client, &schemas).await?,
            foreign_keys,
            tables: catalog::tables(client, &schemas).await?,
            bloat: catalog::bloat(client, &valid).await?,
            indexes,
            schemas,
        })
    }
}

/// Reads the catalog and the counters, and decides the findings.
pub async fn read(
    primary: &Server,
    replicas: &[Server],
    options: &Options,
    progress: &Progress,
) -> anyhow::Result<IndexesReport> {
    ignore::validate(&options.thresholds.ignore)?;
    let catalog = Catalog::read(&primary.client, &options.schemas, progress).await?;
    let (usage, statistics) =
        read_usage(primary, replicas, &catalog.indexes, options, progress).await?;
    let servers = statistics.servers.len();
    let stats_note = format!(
        "{} of statistics ({servers} server{})",
        human_age(statistics.age_seconds),
        if servers == 1 { "" } else { "s" }
    );
    let facts = Facts {
        indexes: &catalog.indexes,
        usage: &usage,
        foreign_keys: &catalog.foreign_keys,
        tables: &catalog.tables,
        bloat: &catalog.bloat,
        checks: &catalog.checks,
        names: &catalog.names,
        thresholds: &options.thresholds,
        stats_reliable: statistics.reliable,
        stats_note: &stats_note,
    };
    let mut findings = findings::classify(&facts, &options.fail_on);
    ignore::apply(&mut findings, &options.thresholds.ignore);
    Ok(IndexesReport {
        database: primary.name.clone(),
        server_version: server_version(&primary.client).await?,
        findings,
        indexes: entries(&facts),
        tables: catalog.tables.iter().map(Into::into).collect(),
        schemas: catalog.schemas,
        statistics,
        fail_on: options.fail_on.clone(),
        view: report::View::default(),
    })
}

/// Every server's counters summed per index, and how old the youngest statistics are.
async fn read_usage(
    primary: &Server,
    replicas: &[Server],
    indexes: &[IndexRow],
    options: &Options,
    progress: &Progress,
) -> anyhow::Result<(Vec<Usage>, Statistics)> {
    let mut counters = Vec::new();
    let mut servers = Vec::new();
    let mut ages = Vec::new();
    for (server, role) in
        std::iter::once((primary, "primary")).chain(replicas.iter().map(|r| (r, "replica")))
    {
        let context = || format!("{role} {}", server.name);
        counters.push(catalog::usage(&server.client).await.with_context(context)?);
        let age = catalog::stats_age(&server.client)
            .await
            .with_context(context)?;
        if role == "replica" && !age.in_recovery {
            progress.warn(&format!(
                "--replica {} is not in recovery; its counters are added all the same",
                server.name
            ));
        }
        servers.push(server_statistics(&server.name, role, age));
        ages.push(age);
    }
    let youngest = usage::youngest(&ages).context("no server was read")?;
    let min_age = options.thresholds.min_stats_age.as_secs();
    let statistics = Statistics {
        since: rfc3339(youngest.since),
        age_seconds: seconds(youngest.age_seconds),
        min_age_seconds: min_age,
        reliable: seconds(youngest.age_seconds) >= min_age,
        servers,
    };
    let mut usage = usage::sum(indexes, &counters);
    usage::roll_up(indexes, &mut usage);
    Ok((usage, statistics))
}

fn server_statistics(name: &str, role: &'static str, age: StatsAge) -> ServerStatistics {
    ServerStatistics {
        server: name.to_owned(),
        role,
        since: rfc3339(age.since),
        age_seconds: seconds(age.age_seconds),
    }
}

/// The index entries, each with its FK flag and, when the counters call it unused but it must
/// stay, the reason why.
fn entries(facts: &Facts) -> Vec<IndexEntry> {
    facts
        .indexes
        .iter()
        .zip(facts.usage)
        .map(|(index, usage)| {
            let foreign_key = facts
                .foreign_keys
                .iter()
                .any(|fk| findings::supports(index, fk));
            let note = findings::looks_unused(usage, facts.thresholds)
                .then(|| findings::kept_because(index, facts.foreign_keys))
                .flatten()
                .map(|why| format!("few scans, but kept: it {why}"));
            IndexEntry::new(index, usage, foreign_key, note)
        })
        .collect()
}

async fn server_version(client: &Client) -> anyhow::Result<String> {
    let row = client
        .query_one("SHOW server_version", &[])
        .await
        .context("cannot read the server version")?;
    Ok(row.try_get(0)?)
}

/// Whole seconds of a non-negative age; clocks can disagree by a little, so below 0 is 0.
fn seconds(age: f64) -> u64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // clamped to >= 0 first
    let whole = age.max(0.0).floor() as u64;
    whole
}
