//! `lma check` and `lma explain`: recorded plans, the header parser and expectations (pure), and
//! runs against a seeded database (real PostgreSQL).
//!
//! The seeded database is `lma seed --scale small` (10 tenants, 20k leads, tenant 1 the largest
//! with 8,000), built once per run as a template and copied for each test. No assertion depends on timings: every run
//! passes `--no-latency`.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::OnceLock;

use lma::check::catalog;
use lma::check::expectation::{Evidence, Expectation};
use lma::check::plan::{self, Explain};
use lma::check::relations::Relations;
use lma::seed::plan::Scale;
use serde_json::Value;

use crate::support::{connect, fixture, keys, server, TestDb};

mod foreign;
mod params;
mod partitions;
mod writes;

// ---------------------------------------------------------------- recorded plans

fn recorded(name: &str) -> Explain {
    let path = fixture("plans").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    plan::parse(&serde_json::from_str(&text).unwrap()).unwrap()
}

#[test]
fn exclusive_buffers_subtract_the_children() {
    let explain = recorded("nested_loop_view");
    let root = &explain.plan;
    assert_eq!(root.node_type, "Limit");
    assert_eq!(root.buffers(), 126);
    assert_eq!(root.exclusive_buffers(), 0);
    let join = &root.children[0];
    assert_eq!(join.exclusive_buffers(), 126 - 85 - 41);
    let notes = &join.children[1].children[0];
    assert_eq!(notes.index.as_deref(), Some("ix_lead_notes_lead_id"));
    assert_eq!(notes.exclusive_buffers(), 41);
}

#[test]
fn rows_are_multiplied_by_loops() {
    let explain = recorded("nested_loop_view");
    let comms = &explain.plan.children[0].children[0].children[1].children[0];
    assert_eq!(comms.node_type, "Index Only Scan");
    assert!((comms.loops - 20.0).abs() < f64::EPSILON);
    assert!((comms.total_rows() - 60.0).abs() < f64::EPSILON);
}

#[test]
fn indexes_are_named_with_their_table_even_under_a_bitmap_heap_scan() {
    let indexes = recorded("bitmap_misestimate").plan.indexes();
    assert_eq!(indexes.len(), 1);
    assert_eq!(indexes[0].index, "idx_communications_upcoming");
    assert_eq!(indexes[0].relation.as_deref(), Some("communications"));
    let view = recorded("nested_loop_view").plan.indexes();
    let names: Vec<&str> = view.iter().map(|u| u.index.as_str()).collect();
    assert_eq!(
        names,
        [
            "idx_communications_lead_type_date",
            "idx_leads_org_score_temp",
            "ix_lead_notes_lead_id"
        ]
    );
}

#[test]
fn misestimates_count_unless_a_limit_stopped_the_node() {
    // 857 rows against an estimate of 38: more than estimated, so the LIMIT is no excuse.
    let worst = recorded("bitmap_misestimate").plan.worst_misestimate();
    assert!((22.0..23.0).contains(&worst), "{worst}");
    // The index scan stops after 50 of an estimated 171 rows: not a misestimate.
    let limited = recorded("index_scan_under_limit").plan.worst_misestimate();
    assert!(limited < 2.0, "{limited}");
}

#[test]
fn a_sort_that_went_to_disk_is_a_spill() {
    let disk = recorded("disk_sort");
    assert!(disk.plan.any_spill());
    assert!(disk.plan.temp_blocks() > 0);
    assert!(!recorded("seq_scan_sort").plan.any_spill());
    assert!(!recorded("index_only_aggregate").plan.any_spill());
}

#[test]
fn heap_fetches_and_seq_scans_are_read_from_the_plan() {
    let aggregate = recorded("index_only_aggregate");
    assert!(aggregate.plan.heap_fetches().abs() < f64::EPSILON);
    assert!(aggregate.plan.seq_scanned().is_empty());
    assert_eq!(recorded("seq_scan_sort").plan.seq_scanned(), ["leads"]);
}

#[test]
fn fingerprints_name_node_types_indexes_and_relations_without_numbers() {
    assert_eq!(
        recorded("index_scan_under_limit").plan.fingerprint(),
        "Limit(Index Only Scan using idx_leads_assignable on leads)"
    );
    assert_eq!(
        recorded("seq_scan_sort").plan.fingerprint(),
        "Limit(Sort(Seq Scan on leads))"
    );
    let view = recorded("nested_loop_view").plan.fingerprint();
    assert!(view.starts_with("Limit(Nested Loop Inner("), "{view}");
}

// ---------------------------------------------------------------- headers and expectations

const GOOD: &str = "-- name: sample
-- description: A sample.
-- params: SELECT 1
-- expect: uses_index idx_x on t
-- expect: no_seq_scan t, u
-- expect: max_buffers 10
--
SELECT * FROM t WHERE organization_id = $1;
";

#[test]
fn a_header_is_parsed_into_name_params_expectations_and_query() {
    let check = catalog::parse("sample.sql", GOOD).unwrap();
    assert_eq!(check.name, "sample");
    assert_eq!(check.params.as_deref(), Some("SELECT 1"));
    assert_eq!(check.sql, "SELECT * FROM t WHERE organization_id = $1");
    assert_eq!(
        check.expectations,
        [
            Expectation::UsesIndex {
                index: "idx_x".into(),
                relation: Some("t".into())
            },
            Expectation::NoSeqScan(vec!["t".into(), "u".into()]),
            Expectation::MaxBuffers(10),
        ]
    );
    assert!(!check.writes);
    assert_eq!(check.note, None);
    let noted = GOOD.replace("--\n", "-- note: one line,\n-- note: and the next.\n");
    let noted = catalog::parse("sample.sql", &noted).unwrap();
    assert_eq!(noted.note.as_deref(), Some("one line, and the next."));
    let writer = catalog::parse("sample.sql", &GOOD.replace("--\n", "-- writes: true\n")).unwrap();
    assert!(writer.writes);
    let bad = parse_error(&GOOD.replace("--\n", "-- writes: yes\n"));
    assert!(bad.contains("writes takes true or false"), "{bad}");
}

fn parse_error(text: &str) -> String {
    format!("{:#}", catalog::parse("sample.sql", text).unwrap_err())
}

#[test]
fn header_errors_name_the_file_and_line() {
    let unknown = parse_error(&GOOD.replace("-- params:", "-- parameters:"));
    assert!(unknown.starts_with("sample.sql:3"), "{unknown}");
    assert!(unknown.contains("unknown header key"), "{unknown}");
    let malformed = parse_error(&GOOD.replace("max_buffers 10", "max_buffers ten"));
    assert!(malformed.starts_with("sample.sql:6"), "{malformed}");
    let expectation = parse_error(&GOOD.replace("max_buffers 10", "fast_please"));
    assert!(expectation.contains("unknown expectation"), "{expectation}");
    let colonless = parse_error(&GOOD.replace("--\n", "-- expect max_buffers 5\n"));
    assert!(colonless.starts_with("sample.sql:7"), "{colonless}");
    assert!(
        colonless.contains("write `-- expect: max_buffers 5`"),
        "{colonless}"
    );
    let capital =
        parse_error(&GOOD.replace("-- expect: max_buffers 10", "-- Expect: max_buffers 10"));
    assert!(capital.starts_with("sample.sql:6"), "{capital}");
    assert!(capital.contains("write `-- expect:`"), "{capital}");
    let capital = parse_error(&GOOD.replace("--\n", "-- EXPECT max_buffers 5\n"));
    assert!(
        capital.contains("write `-- expect: max_buffers 5`"),
        "{capital}"
    );
    let renamed = parse_error(&GOOD.replace("name: sample", "name: other"));
    assert!(renamed.contains("differs from the file name"), "{renamed}");
}

#[test]
fn plain_comment_lines_are_allowed_in_a_header() {
    let commented = GOOD.replace(
        "--\n",
        "-- Why no index on u: it has a few pages.\n-- Note: capitalised, still a note.\n-- TODO: revisit at 1M leads\n-- expect the planner to change its mind later\n--\n",
    );
    let check = catalog::parse("sample.sql", &commented).unwrap();
    assert_eq!(check.expectations.len(), 3);
    assert_eq!(check.sql, "SELECT * FROM t WHERE organization_id = $1");
}

#[test]
fn the_embedded_catalog_parses_and_its_names_are_unique() {
    let checks = catalog::embedded().unwrap();
    assert!(checks.len() >= 12, "{}", checks.len());
    let names: BTreeSet<&str> = checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), checks.len());
    for name in [
        "lead_assignment_queue",
        "lead_scoring_analysis",
        "json_tag_search",
        "communication_history",
        "user_activity_summary",
        "organization_health",
    ] {
        assert!(names.contains(name), "{name}");
    }
}

#[test]
fn expectations_are_judged_on_every_sample_plan() {
    let plans = [
        recorded("index_scan_under_limit"),
        recorded("seq_scan_sort"),
    ];
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

// ---------------------------------------------------------------- against PostgreSQL

/// The seeded template database, built once per run.
pub(crate) fn seeded_template() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| template_of(Scale::Small.leads(), lma::seed::DEFAULT_SEED))
}

/// `lma seed --scale small --seed 3`: the same sizes with other data, built once per run.
fn seed_3_template() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| template_of(Scale::Small.leads(), 3))
}

fn template_of(leads: u32, seed: u64) -> String {
    let name = format!("t_check_template_{}_{leads}_{seed}", std::process::id());
    let thread_name = name.clone();
    // Built on a runtime of its own: the first test's runtime may end before the others.
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(build_template(&thread_name, leads, seed));
    })
    .join()
    .expect("building the seeded template failed");
    name
}

async fn build_template(name: &str, leads: u32, seed: u64) {
    let server = server();
    connect(&server.url("postgres"))
        .await
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap();
    let set = lma::migrate::source::MigrationSet::embedded();
    let quiet = lma::progress::Progress::new(true, 0);
    let database = lma::db::Database::resolve(Some(&server.url(name)), &|_| None, None).unwrap();
    lma::migrate::Migrator::new(&set, lma::migrate::policy::Policy::default(), &quiet)
        .apply(&database, None)
        .await
        .unwrap();
    // `lma seed --scale small` is the data the catalog is tuned to (docs/checks.md), about 5 s
    // in a debug build.
    let options = lma::seed::Options {
        scale: [Scale::Tiny, Scale::Small, Scale::Medium, Scale::Large]
            .into_iter()
            .find(|s| s.leads() == leads),
        leads,
        seed,
        anchor: lma::seed::world::today(),
        truncate: false,
        allow_pending: false,
    };
    // No VACUUM here: `lma seed` itself must leave the tables analyzed and all-visible, and these
    // tests are what proves it (the plans and buffer budgets depend on index-only scans).
    lma::seed::seed(&database, &options, &quiet).await.unwrap();
}

async fn seeded() -> TestDb {
    let template = seeded_template();
    TestDb::from_template(template).await
}

fn run(db: &TestDb, args: &[&str]) -> (i32, Value, String) {
    let output = db.lma().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}\n{stderr}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (output.status.code().unwrap(), json, stderr)
}

const QUICK: &[&str] = &[
    "check",
    "--format",
    "json",
    "--no-latency",
    "--iterations",
    "2",
    "--warmup",
    "1",
];

#[tokio::test]
async fn every_check_passes_on_a_seeded_database_and_the_reports_have_a_stable_shape() {
    let db = seeded().await;
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let mut args = QUICK.to_vec();
    args.extend(["--junit", junit.to_str().unwrap()]);
    let (code, report, stderr) = run(&db, &args);
    let failed: Vec<&Value> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] != true)
        .collect();
    assert!(failed.is_empty(), "{failed:#?}\n{stderr}");
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("NO STATISTICS"), "{stderr}");
    assert_report_shape(&report);
    let uncovered: Vec<&str> = report["coverage"]["uncovered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["index"].as_str().unwrap())
        .collect();
    // Every query index is used by a check, or only serves a foreign key (docs/checks.md).
    assert!(uncovered.is_empty(), "{uncovered:?}");
    assert_junit(&std::fs::read_to_string(&junit).unwrap(), &report);
}

fn assert_report_shape(report: &Value) {
    assert_eq!(
        keys(report),
        [
            "baseline",
            "checks",
            "coverage",
            "database",
            "failed",
            "iterations",
            "latency_judged",
            "min_table_pages",
            "mode",
            "passed",
            "settings",
            "unanalyzed_tables",
            "warmup"
        ]
    );
    assert_eq!(report["mode"], "owner");
    assert_eq!(report["latency_judged"], false);
    let settings: Vec<(&str, &str)> = report["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["value"].as_str().unwrap()))
        .collect();
    assert!(settings.contains(&("jit", "off")), "{settings:?}");
    assert!(settings.contains(&("max_parallel_workers_per_gather", "0")));
    let check = &report["checks"][0];
    assert_eq!(
        keys(check),
        [
            "buffers",
            "description",
            "distinct_plans",
            "heap_fetches",
            "indexes",
            "max_ms",
            "misestimate",
            "name",
            "note",
            "p50_ms",
            "p95_ms",
            "passed",
            "plan",
            "reasons",
            "rows",
            "runs",
            "samples",
            "skipped",
            "temp_blocks"
        ]
    );
    assert_eq!(keys(&check["indexes"][0]), ["index", "relation"]);
    assert_eq!(
        keys(&report["coverage"]),
        ["indexes", "required", "small_tables", "tables", "uncovered"]
    );
    assert_eq!(report["coverage"]["indexes"], 33);
    assert_eq!(report["coverage"]["tables"], Value::Null);
}

fn assert_junit(xml: &str, report: &Value) {
    let checks = report["checks"].as_array().unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
    assert!(xml.contains(&format!(
        "<testsuite name=\"lma check\" tests=\"{}\" failures=\"0\"",
        checks.len()
    )));
    assert_eq!(xml.matches("<testcase ").count(), checks.len());
    assert!(xml.contains("name=\"lead_assignment_queue\""));
    assert!(!xml.contains("<failure"));
}

#[tokio::test]
async fn every_check_passes_on_small_data_of_another_seed() {
    // Seed 3's busiest lead and user are busier than seed 42's: without V28's statistics the
    // planner underestimated them and read 151 and 400 buffers (docs/checks.md).
    let db = TestDb::from_template(seed_3_template()).await;
    let (code, report, stderr) = run(&db, QUICK);
    assert!(
        failing(&report).is_empty(),
        "{:#?}\n{stderr}",
        failing(&report)
    );
    assert_eq!(code, 0, "{stderr}");
}

/// The failing checks of a report, with their reasons.
fn failing(report: &Value) -> Vec<(&Value, &Value)> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] != true)
        .map(|c| (&c["name"], &c["reasons"]))
        .collect()
}

#[tokio::test]
async fn every_check_passes_on_tiny_data_whose_tables_are_read_whole() {
    // `lma seed --scale tiny`: 100 leads, every table under 16 pages (communications 14), where
    // a Seq Scan is the right plan. Before min_table_pages every plan-shape rule failed there, and
    // a params query that wants an active campaign found none.
    let db = TestDb::from_template(&template_of(Scale::Tiny.leads(), 42)).await;
    let args = [QUICK, &["--require-coverage"]].concat();
    let (code, report, stderr) = run(&db, &args);
    assert!(
        failing(&report).is_empty(),
        "{:#?}\n{stderr}",
        failing(&report)
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["min_table_pages"], 16);
    let queue = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "lead_assignment_queue")
        .unwrap();
    let skipped = queue["skipped"].to_string();
    assert!(
        skipped.contains("no_seq_scan leads (pages: leads 5 < min_table_pages 16)"),
        "{skipped}"
    );
    let small = report["coverage"]["small_tables"].to_string();
    assert!(small.contains("idx_leads_assignable"), "{small}");
    assert_eq!(report["coverage"]["uncovered"], serde_json::json!([]));

    // Judged on every table, the same data fails: the floor is what passes it.
    let all = [QUICK, &["--min-table-pages", "0"]].concat();
    let (code, report, _) = run(&db, &all);
    assert_eq!(code, 1);
    assert!(failing(&report).len() > 10, "{:#?}", failing(&report));
}

#[tokio::test]
async fn every_check_passes_at_150000_leads() {
    // Between small and medium, where a row-count rule failed campaigns_by_segment's right Seq
    // Scan and custom_field_search's early-stopping one (docs/checks.md).
    let db = TestDb::from_template(&template_of(150_000, 42)).await;
    let (code, report, stderr) = run(&db, QUICK);
    assert!(
        failing(&report).is_empty(),
        "{:#?}\n{stderr}",
        failing(&report)
    );
    assert_eq!(code, 0, "{stderr}");
}

/// The query indexes whose drop fails no check at `small`, each with its measurement in
/// docs/checks.md ("Dropping an index"). These three only serve a foreign key's referential
/// actions, which no check runs.
const FK_ONLY: &[&str] = &[
    "ix_communications_user_id",
    "ix_lead_notes_user_id",
    "ix_workflows_created_by",
];

/// ...and these are on tables below min_table_pages at `small` (2 to 12 pages), where the plan
/// without them reads as few buffers and is not judged by shape; their checks fail without them
/// at `large` (docs/checks.md).
const ON_SMALL_TABLES: &[&str] = &[
    "idx_campaigns_active_type_name",
    "idx_lead_scoring_rules_active_priority",
    "idx_user_stats_won",
    "idx_users_org_login",
    "idx_users_verified_active",
    "idx_workflows_org_active",
    "ix_campaigns_created_by",
];

/// Of the given indexes, those whose table has 16 pages or more.
const ON_LARGER_TABLES: &str = "
SELECT i.relname::text
FROM pg_index AS x
JOIN pg_class AS i ON i.oid = x.indexrelid
JOIN pg_class AS t ON t.oid = x.indrelid
WHERE i.relname = ANY($1) AND t.relpages >= 16";

#[tokio::test]
async fn dropping_any_query_index_at_small_fails_a_check() {
    let template = seeded_template();
    let probe = TestDb::from_template(template).await;
    let (_, report, stderr) = run(
        &probe,
        &["check", "--format", "json", "--only", "lead_summary"],
    );
    assert!(report["checks"][0]["passed"] == true, "{stderr}");
    let indexes: Vec<String> = probe
        .client()
        .await
        .query(QUERY_INDEX_NAMES, &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(indexes.len(), 33, "{indexes:?}");
    let larger = probe
        .client()
        .await
        .query(ON_LARGER_TABLES, &[&ON_SMALL_TABLES])
        .await
        .unwrap();
    assert!(
        larger.is_empty(),
        "not on small tables: {:?}",
        larger
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect::<Vec<_>>()
    );
    drop(probe);
    let mut unguarded = Vec::new();
    for index in indexes
        .iter()
        .filter(|i| ![FK_ONLY, ON_SMALL_TABLES].concat().contains(&i.as_str()))
    {
        let db = TestDb::from_template(template).await;
        let drop_index = format!("DROP INDEX {}", quote(index));
        db.client().await.batch_execute(&drop_index).await.unwrap();
        let quick = [
            "check",
            "--format",
            "json",
            "--no-latency",
            "--iterations",
            "1",
        ];
        let (code, report, stderr) = run(&db, &[&quick[..], &["--warmup", "0"]].concat());
        assert!(code < 2, "{index}: {stderr}");
        if report["failed"] == 0 {
            unguarded.push(index.clone());
        }
    }
    assert!(unguarded.is_empty(), "no check fails without {unguarded:?}");
}

/// The indexes that exist only to serve queries, as `lma check`'s coverage lists them.
const QUERY_INDEX_NAMES: &str = "
SELECT i.relname::text
FROM pg_index AS x
JOIN pg_class AS i ON i.oid = x.indexrelid
JOIN pg_namespace AS n ON n.oid = i.relnamespace
WHERE n.nspname = 'public'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c
                  WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))
ORDER BY 1";

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

#[tokio::test]
async fn dropping_the_index_a_check_requires_fails_that_check_naming_the_index() {
    let db = seeded().await;
    db.client()
        .await
        .batch_execute("DROP INDEX idx_leads_assignable")
        .await
        .unwrap();
    let output = db
        .lma()
        .args(["check", "--no-latency", "--iterations", "2"])
        .args(["--only", "lead_assignment_queue,recent_leads"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("FAIL lead_assignment_queue: index idx_leads_assignable on leads not used"),
        "{stdout}"
    );
    assert!(!stdout.contains("FAIL recent_leads"), "{stdout}");
    assert!(stdout.contains("1 passed, 1 failed"), "{stdout}");
}

#[tokio::test]
async fn a_baseline_round_trip_detects_a_forced_plan_change() {
    let db = seeded().await;
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    let only = ["--only", "lead_assignment_queue,recent_leads"];
    let mut save = QUICK.to_vec();
    save.extend(only);
    save.extend(["--save-baseline", baseline]);
    let (code, _, stderr) = run(&db, &save);
    assert_eq!(code, 0, "{stderr}");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(baseline).unwrap()).unwrap();
    assert_eq!(
        saved["checks"]["lead_assignment_queue"]["fingerprint"],
        "Limit(Index Scan using idx_leads_assignable on leads)"
    );

    let mut unchanged = QUICK.to_vec();
    unchanged.extend(only);
    unchanged.extend(["--baseline", baseline]);
    let (code, _, stderr) = run(&db, &unchanged);
    assert_eq!(code, 0, "an unchanged plan is no regression: {stderr}");

    let mut forced = unchanged.clone();
    forced.extend([
        "--set",
        "enable_indexscan=off",
        "--set",
        "enable_bitmapscan=off",
    ]);
    let (code, report, _) = run(&db, &forced);
    assert_eq!(code, 1);
    let reasons = report["checks"][0]["reasons"].to_string();
    assert!(
        reasons.contains("plan regression: Seq Scan on leads (baseline used an index)"),
        "{reasons}"
    );
    assert!(
        reasons.contains("plan regression: 1 sort(s) (baseline 0)"),
        "{reasons}"
    );
}

#[tokio::test]
async fn explain_prints_the_annotated_plan_of_the_largest_tenant() {
    let db = seeded().await;
    let (code, report, stderr) = run(
        &db,
        &["explain", "lead_assignment_queue", "--format", "json"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["params"], serde_json::json!(["1"]));
    let plan = &report["plan"];
    assert_eq!(plan["node_type"], "Limit");
    let scan = &plan["children"][0];
    assert_eq!(scan["index"], "idx_leads_assignable");
    assert_eq!(scan["rows"], 50.0);
    assert_eq!(scan["flagged"], false);
    assert!(scan["buffers"].as_u64().unwrap() > 0);
    let output = db
        .lma()
        .args(["explain", "lead_assignment_queue"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("└─ Index Scan using idx_leads_assignable on leads"),
        "{text}"
    );
}

#[tokio::test]
async fn as_the_app_role_the_checks_run_under_row_level_security() {
    let db = seeded().await;
    let mut args = QUICK.to_vec();
    args.extend(["--only", "lead_assignment_queue", "--as-app-role"]);
    let (code, report, stderr) = run(&db, &args);
    assert!(code < 2, "{stderr}");
    assert_eq!(report["mode"], "app_role");
    // RLS adds organization_id = <the session's tenant>: the plan still reads only tenant 1.
    assert_eq!(report["checks"][0]["rows"], 50.0);
}

#[tokio::test]
async fn an_empty_database_is_warned_about_and_its_checks_cannot_sample() {
    let db = TestDb::migrated().await;
    let output = db
        .lma()
        .args(["check", "--only", "lead_assignment_queue"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("warning: NO STATISTICS for"), "{stderr}");
    assert!(stderr.contains("lma seed"), "{stderr}");
    assert!(stderr.contains("params query returned no rows"), "{stderr}");
}

#[tokio::test]
async fn a_broken_check_file_is_an_error_naming_the_file_and_line() {
    let db = seeded().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.sql");
    std::fs::write(
        &file,
        "-- name: broken\n-- expect: max_buffers lots\nSELECT 1;\n",
    )
    .unwrap();
    let output = db
        .lma()
        .arg("check")
        .arg("--checks")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected = format!("{}:2", Path::new(&file).display());
    assert!(stderr.contains(&expected), "{stderr}");
}

#[tokio::test]
async fn a_check_s_notes_are_shown_next_to_its_failure_and_by_explain() {
    let db = seeded().await;
    // Without index scans the rare value reads the tenant's leads to return nothing.
    let forced = [
        "--only",
        "custom_field_search",
        "--no-latency",
        "--set",
        "enable_indexscan=off",
        "--set",
        "enable_bitmapscan=off",
    ];
    let output = db.lma().arg("check").args(forced).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let fail = stdout
        .find("FAIL custom_field_search: ")
        .expect("a failure");
    let note = stdout
        .find("  note: \"any 100 matches\", unordered")
        .expect("its note");
    assert!(note > fail, "{stdout}");
    let (_, report, _) = run(&db, &[&["check", "--format", "json"][..], &forced].concat());
    let joined = report["checks"][0]["note"].as_str().unwrap();
    // The note's lines are joined with spaces.
    assert!(joined.contains("is the better plan"), "{joined}");

    let output = db
        .lma()
        .args(["explain", "custom_field_search"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("note: \"any 100 matches\""), "{text}");
}
