//! Loading every table: each on its own connection, as soon as the tables it references have
//! committed, so independent tables load in parallel (parents before children).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use indicatif::ProgressBar;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_postgres::Client;

use super::tables::Table;
use super::world::World;
use super::{activity, campaigns, copy, guard, leads, tenants};
use crate::db::Database;
use crate::progress::Progress;

/// Every load and VACUUM session: index rebuilds get memory enough to sort in one pass, and
/// commits wait for the WAL flush even where the server says otherwise. VACUUM marks a page
/// all-visible only when its rows' commit hint bits are set, and PostgreSQL sets no hint bit
/// while the commit LSN of the row's clog group (32 neighbouring xids, asynchronous commits
/// only) is unflushed. With `synchronous_commit = off`, the VACUUM (ANALYZE) transactions of the
/// other tables, committed right after `leads`, kept its rows unhinted while its VACUUM ran and
/// left most of `leads` without all-visible pages: index-only scans, and the plans `lma check`
/// expects, went out of reach. It costs one flush per transaction.
const SESSION: &str = "SET synchronous_commit = on; SET maintenance_work_mem = '512MB'";

/// Superusers only: skip the foreign-key triggers during COPY. The generators only produce
/// rows whose references exist, and the tests check every FK afterwards.
const SKIP_FK_TRIGGERS: &str = "SET session_replication_role = replica";

/// One table, loaded.
#[derive(Debug, Clone, Copy)]
pub struct Loaded {
    pub table: Table,
    pub copied: copy::Copied,
    pub vacuum_seconds: f64,
}

/// A table could not start because a table it references failed to load.
#[derive(Debug, thiserror::Error)]
#[error("{0} was not loaded because a table it references failed")]
struct ParentFailed(&'static str);

/// Loads all tables; the first real failure (not a child giving up after it) is the error.
///
/// With the foreign-key triggers skipped nothing checks a child's rows against its parents
/// during COPY, so every table starts at once: the long index builds of `leads` (single-
/// threaded GIN) then overlap the children's COPY instead of leaving a core idle. Otherwise a
/// table waits until the tables it references have committed.
pub async fn all(
    database: &Database,
    world: Arc<World>,
    skip_fk_triggers: bool,
    progress: &Progress,
) -> anyhow::Result<Vec<Loaded>> {
    let multi = progress.multi();
    let mut bars = Vec::new();
    let mut done: HashMap<Table, watch::Receiver<bool>> = HashMap::new();
    let mut set = JoinSet::new();
    for table in Table::ALL {
        let (sender, receiver) = watch::channel(false);
        let parents = if skip_fk_triggers {
            Vec::new()
        } else {
            table.parents().iter().map(|p| done[p].clone()).collect()
        };
        done.insert(table, receiver);
        let bar = progress.rows_bar(&multi, world.plan.rows(table), table.name());
        bars.push(bar.clone());
        let job = Job {
            database: database.clone(),
            world: Arc::clone(&world),
            table,
            skip_fk_triggers,
            progress: *progress,
        };
        set.spawn(job.run(parents, sender, bar));
    }
    // A JoinSet aborts its task when dropped, so the ticker ends on every return path.
    let mut overall = JoinSet::new();
    overall.spawn(overall_bar(progress.overall_rows_bar(&multi), bars));
    let mut loaded = Vec::new();
    let mut first_error: Option<anyhow::Error> = None;
    while let Some(joined) = set.join_next().await {
        match joined.context("a load task panicked")? {
            Ok(table) => loaded.push(table),
            Err(err) if err.is::<ParentFailed>() => {
                first_error.get_or_insert(err);
            }
            Err(err) => {
                set.abort_all();
                return Err(err);
            }
        }
    }
    overall.abort_all();
    if let Some(err) = first_error {
        return Err(err);
    }
    loaded.sort_by_key(|l| Table::ALL.iter().position(|t| *t == l.table));
    let summaries = summarize(database, skip_fk_triggers).await?;
    vacuum(database, &mut loaded, summaries).await?;
    Ok(loaded)
}

/// Keeps `overall` at the sum of the tables' bars, so the whole seed has one rate and one time
/// left; the tables load at once and each moves its own bar.
async fn overall_bar(overall: ProgressBar, tables: Vec<ProgressBar>) {
    if overall.is_hidden() {
        return;
    }
    overall.set_length(tables.iter().filter_map(ProgressBar::length).sum());
    loop {
        overall.set_position(tables.iter().map(ProgressBar::position).sum());
        if tables.iter().all(ProgressBar::is_finished) {
            overall.finish_with_message("loaded");
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// `VACUUM (ANALYZE)` every table, each on its own connection, once every load has committed.
///
/// Not earlier: a load transaction still open (another table's) cannot see the rows just
/// committed, so VACUUM may not mark their pages all-visible; index-only scans would then
/// fetch the heap and the planner would cost them accordingly, and `lma check` right after a
/// seed would measure plans no production database settles into.
async fn vacuum(
    database: &Database,
    loaded: &mut [Loaded],
    summaries: Vec<String>,
) -> anyhow::Result<()> {
    let mut set = JoinSet::new();
    for (index, table) in loaded.iter().map(|l| l.table).enumerate() {
        let database = database.clone();
        set.spawn(async move {
            let client = database.connect().await?;
            client.batch_execute(SESSION).await?;
            let started = Instant::now();
            client
                .batch_execute(table.sql().vacuum)
                .await
                .with_context(|| format!("cannot VACUUM (ANALYZE) {}", table.name()))?;
            anyhow::Ok((index, started.elapsed().as_secs_f64()))
        });
    }
    while let Some(joined) = set.join_next().await {
        let (index, seconds) = joined.context("a VACUUM task panicked")??;
        loaded[index].vacuum_seconds = seconds;
    }
    vacuum_summaries(database, &summaries).await?;
    let mut tables: Vec<String> = loaded.iter().map(|l| l.table.name().to_owned()).collect();
    tables.extend(summaries);
    revacuum(database, &tables).await
}

/// The tables, among `tables`, with pages VACUUM left not all-visible.
const NOT_ALL_VISIBLE: &str = "SELECT oid::regclass::text FROM pg_class
    WHERE oid = ANY($1::text[]::regclass[]) AND relallvisible < relpages ORDER BY 1";

/// VACUUMs again, up to twice, the tables VACUUM left with pages not all-visible. VACUUM skips
/// a page it cannot lock for cleanup, and the checkpointer and the background writer pin pages
/// while they write them out, so a page or two can be left behind; each costs a heap fetch in
/// every index-only scan over it (and fails a `max_heap_fetches 0` check). A second pass finds
/// only those pages to visit.
async fn revacuum(database: &Database, tables: &[String]) -> anyhow::Result<()> {
    let client = database.connect().await?;
    client.batch_execute(SESSION).await?;
    for _ in 0..2 {
        let context = "cannot list the tables VACUUM left with pages not all-visible";
        let rows = client
            .query(NOT_ALL_VISIBLE, &[&tables])
            .await
            .context(context)?;
        if rows.is_empty() {
            break;
        }
        let names = rows
            .iter()
            .map(|row| row.try_get(0))
            .collect::<Result<Vec<String>, _>>()
            .context(context)?;
        let sql = format!("VACUUM {}", names.join(", "));
        client
            .batch_execute(&sql)
            .await
            .with_context(|| format!("cannot {sql}"))?;
    }
    Ok(())
}

/// Rebuilds the trigger-maintained summary tables (V21) from the loaded rows and returns their
/// names. The load fires no summary trigger (`copy::load` disables them, and superusers COPY
/// under `session_replication_role = replica`), so the summaries know nothing of the load
/// until `refresh_summaries()` recounts it. A schema older than V21 has no summaries: nothing
/// is done. Before the VACUUMs, not beside them: a VACUUM skips (leaves not all-visible) a page
/// it cannot lock because the rebuild's scan has it pinned.
///
/// `skip_fk_triggers` as for the load: the summaries' rows are derived from rows that satisfy
/// their foreign keys, and checking them one by one (1.2 million `lead_tags` rows alone at
/// `large`) made the rebuild take 12.9 s instead of 8.1 s.
async fn summarize(database: &Database, skip_fk_triggers: bool) -> anyhow::Result<Vec<String>> {
    let client = database.connect().await?;
    client.batch_execute(SESSION).await?;
    if skip_fk_triggers {
        client.batch_execute(SKIP_FK_TRIGGERS).await?;
    }
    let context = "cannot ask whether refresh_summaries() exists";
    let exists: bool = client
        .query_one(
            "SELECT to_regprocedure('refresh_summaries()') IS NOT NULL",
            &[],
        )
        .await
        .context(context)?
        .try_get(0)
        .context(context)?;
    if !exists {
        return Ok(Vec::new());
    }
    let context = "cannot rebuild the summary tables (refresh_summaries())";
    let tables = client
        .query("SELECT t::text FROM refresh_summaries() AS t", &[])
        .await
        .context(context)?;
    tables
        .iter()
        .map(|row| row.try_get(0).context(context))
        .collect()
}

/// `VACUUM (ANALYZE)` the summaries once no other seeding transaction is open: an ANALYZE
/// that began before the rebuild committed would keep its rows from being all-visible.
async fn vacuum_summaries(database: &Database, tables: &[String]) -> anyhow::Result<()> {
    if tables.is_empty() {
        return Ok(());
    }
    let client = database.connect().await?;
    client.batch_execute(SESSION).await?;
    let sql = format!("VACUUM (ANALYZE) {}", tables.join(", "));
    client
        .batch_execute(&sql)
        .await
        .with_context(|| format!("cannot {sql}"))
}

struct Job {
    database: Database,
    world: Arc<World>,
    table: Table,
    skip_fk_triggers: bool,
    progress: Progress,
}

impl Job {
    async fn run(
        self,
        parents: Vec<watch::Receiver<bool>>,
        done: watch::Sender<bool>,
        bar: ProgressBar,
    ) -> anyhow::Result<Loaded> {
        let name = self.table.name();
        for mut parent in parents {
            if parent.wait_for(|committed| *committed).await.is_err() {
                bar.abandon_with_message("not loaded");
                return Err(ParentFailed(name).into());
            }
        }
        let mut client = self.database.connect().await?;
        client.batch_execute(SESSION).await?;
        client.batch_execute(&guard::session_sql()).await?;
        if self.skip_fk_triggers {
            client.batch_execute(SKIP_FK_TRIGGERS).await?;
        }
        // Each attempt is the table's one transaction: a lock timeout rolls it back whole.
        let mut attempt = 1;
        let copied = loop {
            match copy_rows(&mut client, self.table, &self.world, &bar).await {
                Err(err) if guard::retry(&err, attempt, name, &self.progress).await => attempt += 1,
                outcome => break outcome.with_context(|| format!("cannot load {name}"))?,
            }
        };
        // Children may start now; the receivers may all be gone, which is fine.
        let _ = done.send(true);
        bar.finish_with_message("loaded");
        Ok(Loaded {
            table: self.table,
            copied,
            vacuum_seconds: 0.0,
        })
    }
}

async fn copy_rows(
    client: &mut Client,
    table: Table,
    world: &World,
    bar: &ProgressBar,
) -> anyhow::Result<copy::Copied> {
    let rows = world.plan.rows(table);
    match table {
        Table::Organizations => copy::load(client, table, tenants::organizations(world), bar).await,
        Table::Users => copy::load(client, table, tenants::users(world), bar).await,
        Table::CustomFieldDefinitions => {
            copy::load(client, table, tenants::custom_field_definitions(world), bar).await
        }
        Table::Integrations => copy::load(client, table, tenants::integrations(world), bar).await,
        Table::LeadScoringRules => {
            copy::load(client, table, tenants::lead_scoring_rules(world), bar).await
        }
        Table::Leads => copy::load(client, table, leads::leads(world), bar).await,
        Table::Campaigns => copy::load(client, table, campaigns::campaigns(world), bar).await,
        Table::Workflows => copy::load(client, table, campaigns::workflows(world), bar).await,
        Table::Communications => {
            copy::load(client, table, activity::communications(world, rows), bar).await
        }
        Table::LeadNotes => copy::load(client, table, leads::lead_notes(world, rows), bar).await,
        Table::CampaignLeads => {
            copy::load(client, table, campaigns::campaign_leads(world), bar).await
        }
        Table::WorkflowExecutions => {
            copy::load(
                client,
                table,
                campaigns::workflow_executions(world, rows),
                bar,
            )
            .await
        }
        Table::LeadScoreHistory => {
            copy::load(client, table, leads::lead_score_history(world, rows), bar).await
        }
        Table::ActivityLogs => {
            copy::load(client, table, activity::activity_logs(world, rows), bar).await
        }
    }
}

/// The columns `lma seed` fills in a table, as its row type declares them (`copy_row!`).
#[must_use]
pub fn columns(table: Table) -> &'static [&'static str] {
    use copy::CopyRow;
    match table {
        Table::Organizations => tenants::Organization::COLUMNS,
        Table::Users => tenants::User::COLUMNS,
        Table::CustomFieldDefinitions => tenants::FieldDefinition::COLUMNS,
        Table::Integrations => tenants::Integration::COLUMNS,
        Table::LeadScoringRules => tenants::ScoringRule::COLUMNS,
        Table::Leads => leads::Lead::COLUMNS,
        Table::Campaigns => campaigns::Campaign::COLUMNS,
        Table::Workflows => campaigns::Workflow::COLUMNS,
        Table::Communications => activity::Communication::COLUMNS,
        Table::LeadNotes => leads::Note::COLUMNS,
        Table::CampaignLeads => campaigns::Enrolment::COLUMNS,
        Table::WorkflowExecutions => campaigns::Execution::COLUMNS,
        Table::LeadScoreHistory => leads::ScoreChange::COLUMNS,
        Table::ActivityLogs => activity::Activity::COLUMNS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::copy::CopyRow;

    #[test]
    fn a_row_type_s_statements_name_its_fields_in_order() {
        assert_eq!(
            leads::Note::SQL.copy,
            "COPY lead_notes (id, organization_id, lead_id, user_id, content, created_at, \
             updated_at) FROM STDIN (FORMAT binary)"
        );
        assert!(leads::Note::SQL
            .copy_freeze
            .ends_with("(FORMAT binary, FREEZE)"));
        assert!(leads::Note::SQL
            .probe
            .starts_with("SELECT id, organization_id, lead_id,"));
        assert!(leads::Note::SQL.probe.ends_with(" FROM lead_notes LIMIT 0"));
    }

    #[test]
    fn every_row_type_loads_the_table_it_is_listed_for() {
        // columns() and copy_rows() map tables to row types by hand; the type's own TABLE and
        // its COPY statement must agree with the table it is listed for.
        assert_eq!(leads::Lead::TABLE, Table::Leads);
        for table in Table::ALL {
            assert!(!columns(table).is_empty(), "{}", table.name());
        }
        assert_eq!(columns(Table::Leads)[9], "lead_temperature");
    }
}
