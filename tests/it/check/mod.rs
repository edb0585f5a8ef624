//! `lma check` and `lma explain` against a seeded database (real PostgreSQL). The pure logic
//! (recorded plans, the header parser, expectations) is tested beside it, in src/check/.
//!
//! The seeded database is `lma seed --scale small` (10 tenants, 20k leads, tenant 1 the largest
//! with 8,000), built once per run as a template and copied for each test. No assertion depends on timings: every run
//! passes `--no-latency`.

use std::path::Path;
use std::sync::OnceLock;

use lma::seed::plan::Scale;
use serde_json::Value;

use crate::support::{connect, server, TestDb};

mod foreign;
mod indexes;
mod params;
mod partitions;
mod schemas;
mod writes;

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

/// Pins the report's JSON shape: every key, and the values that depend neither on timings nor
/// on ANALYZE's sample. One check stands for all (they share their keys): pinning every check
/// would tie this snapshot to each edit of sql/checks/.
fn assert_report_shape(report: &Value) {
    let queue = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "lead_assignment_queue")
        .expect("the catalog has lead_assignment_queue");
    let mut shape = report.clone();
    shape["checks"] = Value::Array(vec![queue.clone()]);
    insta::assert_json_snapshot!("check_json_has_a_stable_shape", shape, {
        ".database" => "[database]",
        ".passed" => "[checks]",
        ".checks[].description" => "[text]",
        ".checks[].p50_ms" => "[ms]",
        ".checks[].p95_ms" => "[ms]",
        ".checks[].max_ms" => "[ms]",
        ".checks[].buffers" => "[buffers]",
        ".checks[].misestimate" => "[factor]",
    });
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
