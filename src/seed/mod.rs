//! `lma seed`: fills a migrated database with deterministic, realistic multi-tenant data at
//! scale, through binary COPY.
//!
//! The [`plan`] says how many rows each table gets; the [`world`] fixes who owns what; one
//! generator module per table group (`tenants`, `leads`, `activity`, `campaigns`) makes the
//! rows from the table's own random stream ([`rng`]); [`load`] runs the tables in parallel,
//! parents first, each through [`copy`] in one transaction; the [`report`] goes to stdout.

// Ids, counts and times are bounded by the plan (at most 50 million leads, so every id fits
// i32 where the schema says integer, and every count f64's 52-bit mantissa); converting each
// one with try_from would bury the generators in error paths that cannot be taken.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss
)]

pub mod activity;
pub mod campaigns;
pub mod copy;
pub mod fakes;
pub mod fields;
pub mod guard;
pub mod json;
pub mod leads;
pub mod load;
pub mod plan;
pub mod report;
pub mod rng;
pub mod tables;
pub mod tenants;
pub mod world;

use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context as _};
use time::Date;
use tokio_postgres::Client;

use crate::context::Context;
use crate::db::Database;
use crate::exit::ExitStatus;
use crate::migrate::source::MigrationSet;
use crate::migrate::status::{State, StatusReport};
use crate::progress::Progress;
use plan::{Plan, Scale};
use report::{Phases, SeedReport, TableReport, Totals};
use tables::Table;
use world::{Clock, World};

/// The seed used when `--seed` is not given.
pub const DEFAULT_SEED: u64 = 42;

/// Tenant data exists when any organization does: every other tenant table references one.
const TENANT_ROWS: &str = "SELECT count(*) FROM organizations";

const TRUNCATE_ALL: &str = "TRUNCATE organizations, users, custom_field_definitions, \
    integrations, lead_scoring_rules, leads, campaigns, workflows, communications, lead_notes, \
    campaign_leads, workflow_executions, lead_score_history, activity_logs RESTART IDENTITY CASCADE";

const IS_SUPERUSER: &str = "SELECT rolsuper FROM pg_roles WHERE rolname = current_user";

/// The current role, and the tables among `$1` whose owner's privileges it does not have.
const NOT_OWNED: &str = "SELECT current_user::text, string_agg(c.relname::text, ', ' ORDER BY c.relname)
    FROM pg_class AS c
    WHERE c.oid = ANY($1::text[]::regclass[]) AND NOT pg_has_role(current_user, c.relowner, 'USAGE')";

/// The identity sequence follows the loaded ids: the next insert gets max(id) + 1.
const SET_SEQUENCE: &str = "SELECT setval(pg_get_serial_sequence($1, 'id'), $2, $3)";

const TABLE_BYTES: &str = "SELECT pg_total_relation_size($1::text::regclass)";

/// What to seed.
#[derive(Debug, Clone)]
pub struct Options {
    /// The preset, when the number of leads came from one.
    pub scale: Option<Scale>,
    pub leads: u32,
    pub seed: u64,
    /// The date whose UTC midnight ends the generated history (`--anchor`, default today).
    pub anchor: Date,
    pub truncate: bool,
    /// `--allow-pending`: accept a database behind the latest version, from
    /// [`FIRST_COMPLETE_VERSION`] on.
    pub allow_pending: bool,
}

/// Runs `lma seed`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<ExitStatus> {
    let database = context.database()?;
    let report = seed(&database, options, &context.progress).await?;
    context.emit(&report)?;
    Ok(ExitStatus::Success)
}

/// Seeds `database`: refuses an unmigrated or non-empty one (unless truncating), loads every
/// table, resets the identity sequences and reports.
pub async fn seed(
    database: &Database,
    options: &Options,
    progress: &Progress,
) -> anyhow::Result<SeedReport> {
    let started = Instant::now();
    let mut client = database.connect().await?;
    client.batch_execute(&guard::session_sql()).await?;
    guard::lock(&client, &database.describe()).await?;
    let outcome = seed_locked(&mut client, database, options, progress, started).await;
    // Released on every path, so the next seed never races this connection's close.
    let unlocked = guard::unlock(&client).await;
    let report = outcome?;
    unlocked?;
    Ok(report)
}

/// The seed itself, under the seed lock.
async fn seed_locked(
    client: &mut Client,
    database: &Database,
    options: &Options,
    progress: &Progress,
    started: Instant,
) -> anyhow::Result<SeedReport> {
    check_migrated(client, database, options.allow_pending).await?;
    check_owner(client, database).await?;
    make_room(client, database, options.truncate, progress).await?;
    let skip_fk_triggers = is_superuser(client).await?;
    if !skip_fk_triggers {
        progress.note(
            None,
            "not a superuser: foreign keys are checked row by row during COPY (slower)",
        );
    }
    let clock = Clock::new(options.anchor);
    let world = Arc::new(World::new(Plan::new(options.leads), options.seed, clock));
    progress.note(
        None,
        &format!(
            "seeding {} rows ({} leads, seed {}, history up to {})",
            world.plan.total_rows(),
            options.leads,
            options.seed,
            options.anchor
        ),
    );
    let loaded = load::all(database, Arc::clone(&world), skip_fk_triggers, progress).await?;
    reset_sequences(client, &world.plan).await?;
    let mut tables = Vec::new();
    for line in loaded {
        let bytes = table_bytes(client, line.table).await?;
        let phases = Phases {
            copy: line.copied.copy_seconds,
            index: line.copied.index_seconds,
            vacuum: line.vacuum_seconds,
        };
        tables.push(TableReport::new(
            line.table.name(),
            line.copied.rows,
            bytes,
            phases,
        ));
    }
    let total = Totals::new(&tables, started.elapsed().as_secs_f64());
    Ok(SeedReport {
        database: database.describe(),
        scale: options.scale,
        leads: options.leads,
        seed: options.seed,
        anchor: options.anchor.to_string(),
        truncated: options.truncate,
        fk_triggers_skipped: skip_fk_triggers,
        tables,
        total,
    })
}

/// The first migration at which all 14 tenant tables exist: `--allow-pending` seeds from it on.
pub const FIRST_COMPLETE_VERSION: i64 = 10;

/// Refuses a database whose history does not match the files, and one behind the latest
/// version (unless `allow_pending`, then one before [`FIRST_COMPLETE_VERSION`]).
async fn check_migrated(
    client: &mut Client,
    database: &Database,
    allow_pending: bool,
) -> anyhow::Result<()> {
    let set = MigrationSet::embedded();
    let status = StatusReport::of(client, &set, database.describe()).await?;
    let target = database.describe();
    if status.has_findings() {
        bail!(
            "refusing to seed {target}: its migration history does not match lma's migrations ({}); see `lma status`",
            status.findings().join(", ")
        );
    }
    let at = status.current_version;
    let complete = at.is_some_and(|v| v >= FIRST_COMPLETE_VERSION);
    let pending = status.count(State::Pending) > 0;
    if (pending && !allow_pending) || !complete {
        let version = at.map_or_else(|| "no version".to_owned(), |v| format!("V{v}"));
        let latest = status
            .latest_version
            .map_or_else(|| "none".to_owned(), |v| format!("V{v}"));
        let fix = if allow_pending {
            format!("--allow-pending needs V{FIRST_COMPLETE_VERSION} or later")
        } else {
            "run `lma migrate` first, or pass --allow-pending to seed an older schema".to_owned()
        };
        bail!("refusing to seed {target}: it is not migrated to the latest version (at {version}, latest {latest}); {fix}");
    }
    Ok(())
}

/// Refuses a role without the tables' owner's privileges before anything is loaded: the load
/// drops and rebuilds their indexes and disables their triggers, which only the owner may do,
/// and COPY refuses a table with row-level security to anyone else. Failing in the middle would
/// leave the tables that had committed loaded.
async fn check_owner(client: &Client, database: &Database) -> anyhow::Result<()> {
    let names: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
    let row = client.query_one(NOT_OWNED, &[&names]).await?;
    let (role, tables): (String, Option<String>) = (row.try_get(0)?, row.try_get(1)?);
    if let Some(tables) = tables {
        bail!(
            "refusing to seed {}: the role {role} does not own {tables}; the seed drops and rebuilds their indexes, so run it as their owner",
            database.describe()
        );
    }
    Ok(())
}

async fn make_room(
    client: &Client,
    database: &Database,
    truncate: bool,
    progress: &Progress,
) -> anyhow::Result<()> {
    if truncate {
        let mut attempt = 1;
        loop {
            let outcome = client
                .batch_execute(TRUNCATE_ALL)
                .await
                .map_err(anyhow::Error::from);
            match outcome {
                Err(err) if guard::retry(&err, attempt, "truncate", progress).await => attempt += 1,
                outcome => return outcome.context("cannot truncate the tenant tables"),
            }
        }
    }
    let organizations: i64 = client.query_one(TENANT_ROWS, &[]).await?.try_get(0)?;
    if organizations == 0 {
        return Ok(());
    }
    let target = database.describe();
    let empty = empty_tables(client).await?;
    if !empty.is_empty() {
        bail!(
            "refusing to seed {target}: it holds tenant data from a seed that did not finish ({} of {} tables are empty: {}); pass --truncate to start again",
            empty.len(),
            Table::ALL.len(),
            empty.join(", ")
        );
    }
    bail!("refusing to seed {target}: it already holds tenant data ({organizations} organizations); pass --truncate to replace it")
}

/// The tenant tables without a row: every finished seed fills all of them, so some empty beside
/// loaded ones means the last seed was interrupted.
async fn empty_tables(client: &Client) -> anyhow::Result<Vec<&'static str>> {
    let mut empty = Vec::new();
    for table in Table::ALL {
        let sql = format!("SELECT NOT EXISTS (SELECT FROM {})", table.name());
        if client.query_one(&sql, &[]).await?.try_get::<_, bool>(0)? {
            empty.push(table.name());
        }
    }
    Ok(empty)
}

async fn is_superuser(client: &Client) -> anyhow::Result<bool> {
    let context = "cannot ask whether the seeding role is a superuser";
    let row = client.query_opt(IS_SUPERUSER, &[]).await.context(context)?;
    Ok(match row {
        Some(row) => row.try_get(0).context(context)?,
        None => false,
    })
}

async fn reset_sequences(client: &Client, plan: &Plan) -> anyhow::Result<()> {
    for table in Table::ALL.into_iter().filter(|t| t.has_identity()) {
        let rows = i64::try_from(plan.rows(table)).unwrap_or(i64::MAX);
        // setval(seq, 1, false) on an empty table: the next id is 1.
        let (value, called) = if rows > 0 { (rows, true) } else { (1, false) };
        client
            .query_one(SET_SEQUENCE, &[&table.name(), &value, &called])
            .await
            .with_context(|| format!("cannot reset the identity sequence of {}", table.name()))?;
    }
    Ok(())
}

async fn table_bytes(client: &Client, table: Table) -> anyhow::Result<u64> {
    let context = || format!("cannot read the size of table {}", table.name());
    let bytes: i64 = client
        .query_one(TABLE_BYTES, &[&table.name()])
        .await
        .with_context(context)?
        .try_get(0)
        .with_context(context)?;
    Ok(u64::try_from(bytes).unwrap_or(0))
}
