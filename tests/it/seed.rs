//! `lma seed` against real databases: determinism, row counts, constraints, refusals and the
//! shape of the data.

use lma::db::Database;
use lma::progress::Progress;
use lma::seed::plan::{Plan, Scale, LARGEST_TENANT_SHARE};
use lma::seed::tables::Table;
use lma::seed::{self, Options};
use tokio_postgres::Client;

use crate::schema::summaries::assert_summaries_exact;
use crate::support::{json, TestDb, TestRole};

/// Seeds through the library, quietly, with the history ending today (as `lma seed` does).
async fn seed_db(db: &TestDb, leads: u32, seed: u64) {
    seed_db_at(db, leads, seed, seed::world::today()).await;
}

/// Seeds through the library, quietly, with the history ending at `anchor`.
async fn seed_db_at(db: &TestDb, leads: u32, seed: u64, anchor: time::Date) {
    let no_env = |_: &str| None;
    let database = Database::resolve(Some(&db.url), &no_env, None).unwrap();
    let options = Options {
        scale: None,
        leads,
        seed,
        anchor,
        truncate: false,
        allow_pending: false,
    };
    seed::seed(&database, &options, &Progress::new(true, 0))
        .await
        .unwrap_or_else(|err| panic!("seeding {} failed: {err:#}", db.name));
}

fn primary_key(table: Table) -> &'static str {
    match table {
        Table::CampaignLeads => "organization_id, lead_id, campaign_id",
        _ => "id",
    }
}

/// The md5 of every row's text, in primary-key order, per table.
async fn content_hashes(client: &Client) -> Vec<(String, String)> {
    let mut hashes = Vec::new();
    for table in Table::ALL {
        let sql = format!(
            "SELECT md5(string_agg(t::text, '|' ORDER BY {})) FROM {} AS t",
            primary_key(table),
            table.name()
        );
        let hash: String = client.query_one(&sql, &[]).await.unwrap().get(0);
        hashes.push((table.name().to_owned(), hash));
    }
    hashes
}

async fn count(client: &Client, sql: &str) -> i64 {
    client
        .query_one(sql, &[])
        .await
        .unwrap_or_else(|err| panic!("{sql}: {err}"))
        .get(0)
}

async fn row_counts(client: &Client) -> Vec<(Table, u64)> {
    let mut counts = Vec::new();
    for table in Table::ALL {
        let n = count(client, &format!("SELECT count(*) FROM {}", table.name())).await;
        counts.push((table, u64::try_from(n).unwrap()));
    }
    counts
}

fn assert_counts_follow(plan: &Plan, counts: &[(Table, u64)]) {
    for &(table, rows) in counts {
        assert_eq!(rows, plan.rows(table), "{}", table.name());
        assert!(rows > 0, "{} is empty", table.name());
    }
}

/// Runs lma and expects exit 2 with one `error:` line; returns it.
fn refused(command: &mut assert_cmd::Command) -> String {
    let output = command.output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: refusing to seed"), "{stderr}");
    stderr
}

fn date(text: &str) -> time::Date {
    seed::world::parse_date(text).unwrap()
}

#[tokio::test]
async fn the_same_seed_and_anchor_give_identical_tables_and_another_seed_does_not() {
    let (first, second, other) =
        tokio::join!(TestDb::migrated(), TestDb::migrated(), TestDb::migrated());
    let anchor = date("2026-01-01");
    tokio::join!(
        seed_db_at(&first, 2_000, 7, anchor),
        seed_db_at(&second, 2_000, 7, anchor),
        seed_db_at(&other, 2_000, 8, anchor)
    );
    let first = content_hashes(&first.client().await).await;
    assert_eq!(first, content_hashes(&second.client().await).await);
    let other = content_hashes(&other.client().await).await;
    for ((table, a), (_, b)) in first.iter().zip(&other) {
        assert_ne!(a, b, "{table} is the same under another seed");
    }
}

/// Timestamps relative to the anchor's midnight (`$1`), which another anchor must not change.
const RELATIVE_TIMES: [&str; 3] = [
    "SELECT md5(string_agg(concat_ws(' ', id, created_at - $1, updated_at - $1,
         last_contacted_at - $1, expected_close_date - ($1 AT TIME ZONE 'UTC')::date),
         '|' ORDER BY id)) FROM leads",
    "SELECT md5(string_agg(concat_ws(' ', id, created_at - $1, scheduled_at - $1), '|' ORDER BY id))
     FROM communications",
    "SELECT md5(string_agg(concat_ws(' ', id, last_login - $1), '|' ORDER BY id)) FROM users",
];

async fn relative_times(client: &Client, anchor: time::Date) -> Vec<String> {
    let midnight = anchor.midnight().assume_utc();
    let mut hashes = Vec::new();
    for sql in RELATIVE_TIMES {
        let row = client.query_one(sql, &[&midnight]).await;
        hashes.push(row.unwrap_or_else(|err| panic!("{sql}: {err}")).get(0));
    }
    hashes
}

async fn newest_lead(client: &Client) -> time::OffsetDateTime {
    let sql = "SELECT max(created_at) FROM leads";
    client.query_one(sql, &[]).await.unwrap().get(0)
}

/// The same seed on another anchor is the same history, moved: every table differs, and
/// every timestamp by exactly the anchors' difference.
#[tokio::test]
async fn another_anchor_shifts_the_data_by_the_difference() {
    let (early, late) = tokio::join!(TestDb::migrated(), TestDb::migrated());
    let (first, second) = (date("2026-01-01"), date("2026-11-22"));
    tokio::join!(
        seed_db_at(&early, 2_000, 7, first),
        seed_db_at(&late, 2_000, 7, second)
    );
    let (early, late) = (early.client().await, late.client().await);
    assert_eq!(
        relative_times(&early, first).await,
        relative_times(&late, second).await
    );
    let shift = newest_lead(&late).await - newest_lead(&early).await;
    assert_eq!(shift, time::Duration::days(325));
    let (before, after) = (content_hashes(&early).await, content_hashes(&late).await);
    for ((table, a), (_, b)) in before.iter().zip(&after) {
        assert_ne!(a, b, "{table} is the same under another anchor");
    }
}

/// `lma seed` without --anchor ends the history today, so the application's recent time
/// windows (last 30 days, last 7, upcoming) have rows to find in the largest tenant.
#[tokio::test]
async fn by_default_the_history_ends_today_and_recent_windows_have_rows() {
    let db = TestDb::migrated().await;
    let output = db
        .lma()
        .args(["seed", "--leads", "2000", "--format", "json", "-q"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let today = seed::world::today().to_string();
    assert_eq!(json(&output)["anchor"], today.as_str());
    let client = db.client().await;
    let windows = [
        "leads WHERE created_at >= now() - interval '30 days'",
        "communications WHERE created_at >= now() - interval '30 days'",
        "communications WHERE status = 'scheduled' AND scheduled_at >= now()",
        "workflow_executions WHERE started_at >= now() - interval '30 days'",
        "activity_logs WHERE created_at >= now() - interval '7 days'",
        "lead_score_history WHERE changed_at >= now() - interval '30 days'",
    ];
    for window in windows {
        let sql = format!(
            "SELECT count(*) FROM {window} AND organization_id =
               (SELECT organization_id FROM leads GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)"
        );
        assert!(count(&client, &sql).await > 0, "no rows in {window}");
    }
    let logins = "SELECT count(*) FROM users WHERE last_login >= now() - interval '30 days'";
    assert!(count(&client, logins).await > 0, "no recent logins");
    let future = "SELECT count(*) FROM leads WHERE created_at > now()";
    assert_eq!(
        count(&client, future).await,
        0,
        "leads created in the future"
    );
}

#[test]
fn a_malformed_anchor_is_a_usage_error() {
    let output = crate::support::lma_binary()
        .args(["seed", "--anchor", "2026-02-30"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty());
    assert_eq!(
        stderr.lines().next(),
        Some("error: invalid value '2026-02-30' for '--anchor <YYYY-MM-DD>': not a calendar date as YYYY-MM-DD (day was not in range)"),
    );
}

/// A seeded database is ready to be measured: every table analyzed and every page all-visible,
/// so index-only scans (and the plans `lma check` expects) are what production would get. A
/// VACUUM that runs while the rows' commits are unflushed or still concurrent marks nothing.
#[tokio::test]
async fn seeding_leaves_every_table_analyzed_and_all_visible() {
    let db = TestDb::migrated().await;
    seed_db(&db, 20_000, seed::DEFAULT_SEED).await;
    let rows = db
        .client()
        .await
        .query(
            "SELECT c.relname::text, c.relpages, c.relallvisible, s.last_analyze IS NOT NULL
             FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
             WHERE c.relname <> 'refinery_schema_history' ORDER BY 1",
            &[],
        )
        .await
        .unwrap();
    // The 14 tables lma seed loads and the five summaries (V21, V25) it rebuilds from them.
    assert_eq!(rows.len(), Table::ALL.len() + 5);
    for row in rows {
        let (table, pages, visible, analyzed): (String, i32, i32, bool) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        assert!(analyzed, "{table} was not analyzed");
        assert_eq!(
            visible, pages,
            "{table}: {visible} of {pages} pages all-visible"
        );
    }
    assert_summaries_exact(&db.client().await, "lma seed").await;
}

/// The owner of the database who is not a superuser (a managed server's usual migration
/// role): COPY checks each foreign key and fires every trigger it is allowed to, so the load
/// must disable the summaries' triggers itself. Concurrent loads deadlocked on them before.
#[tokio::test]
async fn an_owner_who_is_not_a_superuser_seeds_the_same_data() {
    let role = TestRole::create("CREATEROLE").await;
    let (owned, reference) = tokio::join!(TestDb::new(), TestDb::migrated());
    let give = format!("ALTER DATABASE \"{}\" OWNER TO {}", owned.name, role.name);
    owned.client().await.batch_execute(&give).await.unwrap();
    owned
        .lma_as(&role)
        .args(["migrate", "-q"])
        .assert()
        .success();
    let output = owned
        .lma_as(&role)
        .args([
            "seed",
            "--leads",
            "500",
            "--seed",
            "5",
            "--anchor",
            "2026-01-01",
        ])
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(json(&output)["fk_triggers_skipped"], false);
    seed_db_at(&reference, 500, 5, date("2026-01-01")).await;
    let (client, expected) = (owned.client().await, reference.client().await);
    assert_eq!(
        content_hashes(&client).await,
        content_hashes(&expected).await
    );
    assert_summaries_exact(&client, "a non-superuser's seed").await;
    let triggers = "SELECT string_agg(tgname || ' ' || tgenabled::text, ', ' ORDER BY tgname)
                    FROM pg_trigger WHERE NOT tgisinternal";
    let enabled: String = client.query_one(triggers, &[]).await.unwrap().get(0);
    let as_migrated: String = expected.query_one(triggers, &[]).await.unwrap().get(0);
    assert_eq!(enabled, as_migrated);
    assert!(!enabled.contains(" D"), "{enabled}");
}

/// A role with every privilege on the tables but not their ownership cannot rebuild their
/// indexes: refused before anything is loaded.
#[tokio::test]
async fn a_role_that_does_not_own_the_tables_is_refused() {
    let role = TestRole::create("BYPASSRLS").await;
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let grants = format!(
        "GRANT ALL ON ALL TABLES IN SCHEMA public TO {0};
         GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {0}",
        role.name
    );
    client.batch_execute(&grants).await.unwrap();
    let stderr = refused(db.lma_as(&role).args(["seed", "--scale", "tiny"]));
    let expected = format!(
        "the role {} does not own activity_logs, campaign_leads,",
        role.name
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert_eq!(
        count(&client, "SELECT count(*) FROM organizations").await,
        0
    );
}

#[tokio::test]
async fn tiny_loads_exactly_the_planned_rows() {
    let db = TestDb::migrated().await;
    let output = db
        .lma()
        .args(["seed", "--scale", "tiny", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&output);
    assert_eq!(output.status.code(), Some(0));
    let plan = Plan::new(Scale::Tiny.leads());
    let counts = row_counts(&db.client().await).await;
    assert_counts_follow(&plan, &counts);
    assert_eq!(report["total"]["rows"].as_u64(), Some(plan.total_rows()));
    assert_eq!(report["scale"], "tiny");
}

#[tokio::test]
async fn leads_scale_the_other_tables_as_the_plan_says() {
    let db = TestDb::migrated().await;
    let output = db
        .lma()
        .args(["seed", "--leads", "3000", "-q"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let plan = Plan::new(3_000);
    let counts = row_counts(&db.client().await).await;
    assert_counts_follow(&plan, &counts);
    let rows = |table: Table| counts.iter().find(|(t, _)| *t == table).unwrap().1;
    assert_eq!(rows(Table::Leads), 3_000);
    assert_eq!(rows(Table::Communications), 3 * rows(Table::Leads));
    assert!(rows(Table::ActivityLogs) >= 2 * rows(Table::Leads));
    assert!(rows(Table::Users) * 20 < rows(Table::Leads));
    assert!(rows(Table::CampaignLeads) <= rows(Table::Leads) / 2);
    assert!(rows(Table::Organizations) >= 3);
}

#[tokio::test]
async fn every_foreign_key_and_check_constraint_holds() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let indexes_before = index_definitions(&client).await;
    seed_db(&db, 3_000, 42).await;
    let fks = client
        .query(
            "SELECT conname, conrelid::regclass::text, confrelid::regclass::text,
                    ARRAY(SELECT quote_ident(attname) FROM unnest(conkey) WITH ORDINALITY AS k(n, i)
                          JOIN pg_attribute ON attrelid = conrelid AND attnum = k.n ORDER BY k.i),
                    ARRAY(SELECT quote_ident(attname) FROM unnest(confkey) WITH ORDINALITY AS k(n, i)
                          JOIN pg_attribute ON attrelid = confrelid AND attnum = k.n ORDER BY k.i)
             FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        fks.len(),
        32,
        "the schema has 32 foreign keys (27, V21's four and V25's)"
    );
    for fk in &fks {
        let (name, child, parent): (&str, &str, &str) = (fk.get(0), fk.get(1), fk.get(2));
        let (from, to): (Vec<String>, Vec<String>) = (fk.get(3), fk.get(4));
        let not_null: Vec<String> = from.iter().map(|c| format!("c.{c} IS NOT NULL")).collect();
        let matches: Vec<String> = from
            .iter()
            .zip(&to)
            .map(|(f, t)| format!("p.{t} = c.{f}"))
            .collect();
        let sql = format!(
            "SELECT count(*) FROM {child} AS c WHERE {} AND NOT EXISTS (SELECT 1 FROM {parent} AS p WHERE {})",
            not_null.join(" AND "),
            matches.join(" AND ")
        );
        assert_eq!(count(&client, &sql).await, 0, "orphans of {name}");
    }
    let checks = client
        .query(
            "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid)
             FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(checks.len(), 42, "the schema has 42 CHECK constraints");
    for check in &checks {
        let (name, table, def): (&str, &str, &str) = (check.get(0), check.get(1), check.get(2));
        let expr = def
            .trim_start_matches("CHECK ")
            .trim_end_matches(" NOT VALID");
        let sql = format!("SELECT count(*) FROM {table} WHERE NOT {expr}");
        assert_eq!(count(&client, &sql).await, 0, "rows violating {name}");
    }
    assert_eq!(
        index_definitions(&client).await,
        indexes_before,
        "the indexes are as migrated"
    );
    assert_domain_facts(&client).await;
}

async fn assert_domain_facts(client: &Client) {
    let facts = [
        "SELECT count(*) - count(DISTINCT email) FROM users",
        "SELECT count(*) FROM communications WHERE status = 'scheduled' AND scheduled_at <= now()",
        "SELECT count(*) FROM workflow_executions WHERE status = 'error' AND error IS NULL",
        "SELECT count(*) FROM leads WHERE status = 'NEW' AND first_contacted_at IS NOT NULL",
        "SELECT count(*) FROM leads WHERE jsonb_typeof(tags) <> 'array'
             OR EXISTS (SELECT 1 FROM jsonb_array_elements(tags) AS e WHERE jsonb_typeof(e) <> 'string')",
        // The identity sequences follow the loaded ids.
        "SELECT nextval(pg_get_serial_sequence('leads', 'id')) - 1 - max(id) FROM leads",
        "SELECT nextval(pg_get_serial_sequence('activity_logs', 'id')) - 1 - max(id) FROM activity_logs",
    ];
    for sql in facts {
        assert_eq!(count(client, sql).await, 0, "{sql}");
    }
}

async fn index_definitions(client: &Client) -> Vec<(String, String, Option<String>)> {
    let rows = client
        .query(
            "SELECT indexname::text, indexdef, obj_description(format('%I.%I', schemaname, indexname)::regclass, 'pg_class')
             FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
            &[],
        )
        .await
        .unwrap();
    rows.iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

#[tokio::test]
async fn a_database_with_tenant_data_is_refused_unless_truncating() {
    let db = TestDb::migrated().await;
    seed_db(&db, 100, 1).await;
    let line = refused(db.lma().args(["seed", "--scale", "tiny"]));
    assert!(
        line.contains("already holds tenant data") && line.contains("--truncate"),
        "{line}"
    );
    let client = db.client().await;
    let before = content_hashes(&client).await;
    let output = db
        .lma()
        .args(["seed", "--leads", "150", "--seed", "2", "--truncate", "-q"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_counts_follow(&Plan::new(150), &row_counts(&client).await);
    assert_ne!(content_hashes(&client).await, before);
}

#[tokio::test]
async fn a_database_not_migrated_to_the_latest_version_is_refused() {
    let baseline = TestDb::migrated_to(Some(10)).await;
    let line = refused(baseline.lma().args(["seed", "--scale", "tiny"]));
    let latest = lma::migrate::source::MigrationSet::embedded()
        .latest_version()
        .unwrap();
    assert!(
        line.contains(&format!(
            "not migrated to the latest version (at V10, latest V{latest})"
        )) && line.contains("--allow-pending"),
        "{line}"
    );
    let empty = TestDb::new().await;
    let line = refused(empty.lma().args(["seed"]));
    assert!(line.contains("run `lma migrate` first"), "{line}");
    let early = TestDb::migrated_to(Some(seed::FIRST_COMPLETE_VERSION - 1)).await;
    let line = refused(early.lma().args(["seed", "--allow-pending"]));
    assert!(
        line.contains("--allow-pending needs V10 or later"),
        "{line}"
    );
    let organizations = "SELECT count(*) FROM organizations";
    assert_eq!(count(&early.client().await, organizations).await, 0);
}

/// A history that does not match the files is refused as such, not as "behind", even with
/// --allow-pending: lma cannot know what such a schema holds.
#[tokio::test]
async fn a_divergent_history_is_refused_even_with_allow_pending() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let tamper = "UPDATE refinery_schema_history SET checksum = '1' WHERE version = 3";
    client.batch_execute(tamper).await.unwrap();
    let line = refused(
        db.lma()
            .args(["seed", "--scale", "tiny", "--allow-pending"]),
    );
    assert!(
        line.contains("its migration history does not match lma's migrations (V3 leads is "),
        "{line}"
    );
    assert!(line.contains("see `lma status`"), "{line}");
}

/// The baseline of docs/benchmarks.md: a V10 schema seeded with --allow-pending (at a size where
/// every params query finds samples), then the check
/// catalog with docs/bench/checks-v10 laid over it. Every check must run (findings, exit 1, are
/// the point of a baseline); an operational error (exit 2) would make the benchmark impossible.
#[tokio::test]
async fn the_baseline_schema_is_seeded_with_allow_pending_and_its_catalog_runs() {
    let db = TestDb::migrated_to(Some(seed::FIRST_COMPLETE_VERSION)).await;
    let output = db
        .lma()
        .args(["seed", "--leads", "5000", "--allow-pending", "-q"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let client = db.client().await;
    assert_counts_follow(&Plan::new(5_000), &row_counts(&client).await);
    assert_eq!(crate::support::history(&client).await.last(), Some(&10));
    let catalog = baseline_catalog();
    let output = db
        .lma()
        .args(["check", "--checks", catalog.path().to_str().unwrap()])
        .args([
            "--format",
            "json",
            "--no-latency",
            "--iterations",
            "1",
            "--warmup",
            "0",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(matches!(output.status.code(), Some(0 | 1)), "{stderr}");
    let checks = json(&output)["checks"].as_array().unwrap().len();
    let files = std::fs::read_dir("sql/checks").unwrap().count();
    assert_eq!(checks, files, "{stderr}");
}

/// `sql/checks/` with `docs/bench/checks-v10/*.sql` copied over it, as that README says.
fn baseline_catalog() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for source in ["sql/checks", "docs/bench/checks-v10"] {
        for entry in std::fs::read_dir(source).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "sql") {
                std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    dir
}

#[tokio::test]
async fn the_data_has_the_planned_shape() {
    let db = TestDb::migrated().await;
    seed_db(&db, 5_000, 42).await;
    let client = db.client().await;
    let share = |sql: &'static str| {
        let client = &client;
        async move { client.query_one(sql, &[]).await.unwrap().get::<_, f64>(0) }
    };
    let largest = share("SELECT max(n)::float8 / sum(n) FROM (SELECT count(*) AS n FROM leads GROUP BY organization_id) AS t").await;
    assert!(
        largest >= LARGEST_TENANT_SHARE - 0.01,
        "largest tenant holds {largest}"
    );
    let unassigned = share("SELECT avg((assigned_to_id IS NULL)::int)::float8 FROM leads").await;
    assert!(
        (0.17..0.23).contains(&unassigned),
        "unassigned {unassigned}"
    );
    let failed =
        share("SELECT avg((status = 'error')::int)::float8 FROM workflow_executions").await;
    assert!((0.04..0.12).contains(&failed), "failed executions {failed}");
    let tag_skew = share(
        "SELECT max(n)::float8 / percentile_disc(0.5) WITHIN GROUP (ORDER BY n)
         FROM (SELECT count(*) AS n FROM leads, jsonb_array_elements_text(tags) AS tag GROUP BY tag) AS t",
    )
    .await;
    assert!(tag_skew > 10.0, "most common tag / median tag = {tag_skew}");
    let comm_skew = share(
        "SELECT max(n)::float8 / avg(n) FROM (SELECT count(*) AS n FROM communications GROUP BY lead_id) AS t",
    )
    .await;
    assert!(comm_skew > 10.0, "busiest lead / average = {comm_skew}");
    let facts = [
        // Upcoming communications exist (scheduled_at >= now()).
        "SELECT (count(*) = 0)::int::int8 FROM communications WHERE status = 'scheduled' AND scheduled_at >= now()",
        // custom_fields keys are a subset of the tenant's definitions ...
        "SELECT count(*) FROM leads AS l, jsonb_object_keys(l.custom_fields) AS k
         WHERE NOT EXISTS (SELECT 1 FROM custom_field_definitions AS d
                           WHERE d.organization_id = l.organization_id AND d.field_key = k)",
        // ... and every required field is filled in.
        "SELECT count(*) FROM leads AS l JOIN custom_field_definitions AS d
           ON d.organization_id = l.organization_id AND d.is_required
         WHERE NOT l.custom_fields ? d.field_key",
        // Every status and source occurs; activity spans the two years.
        "SELECT 7 - count(DISTINCT status) FROM leads",
        "SELECT 8 - count(DISTINCT source) FROM leads",
        "SELECT (max(created_at) - min(created_at) < interval '700 days')::int::int8 FROM activity_logs",
    ];
    for sql in facts {
        assert_eq!(count(&client, sql).await, 0, "{sql}");
    }
}

#[tokio::test]
async fn seed_json_has_a_stable_shape() {
    let db = TestDb::migrated().await;
    let output = db
        .lma()
        .args([
            "seed",
            "--scale",
            "tiny",
            "--anchor",
            "2026-01-01",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    insta::assert_json_snapshot!(json(&output), {
        ".database" => "[database]",
        ".tables[].bytes" => "[bytes]",
        ".tables[].size" => "[size]",
        ".tables[].seconds" => "[seconds]",
        ".tables[].copy_seconds" => "[seconds]",
        ".tables[].index_seconds" => "[seconds]",
        ".tables[].vacuum_seconds" => "[seconds]",
        ".tables[].rows_per_second" => "[rate]",
        ".tables[].mb_per_second" => "[rate]",
        ".total.bytes" => "[bytes]",
        ".total.size" => "[size]",
        ".total.seconds" => "[seconds]",
        ".total.rows_per_second" => "[rate]",
        ".total.mb_per_second" => "[rate]",
    });
}
