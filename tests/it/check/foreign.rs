//! Catalogs for schemas that are not LMA's (`--checks DIR`): no advice about `lma seed` or
//! `lma_app` where the LMA schema is absent, and coverage limited to the tables the catalog reads.

use std::path::Path;

use serde_json::Value;

use crate::support::{fixture, TestDb};

use super::seeded;

/// The Pagila-like partitioned schema, with an extra table that was never loaded or analyzed.
async fn foreign() -> TestDb {
    let db = super::partitions::partitioned().await;
    db.client()
        .await
        .batch_execute("CREATE TABLE rental (rental_id int PRIMARY KEY)")
        .await
        .unwrap();
    db
}

fn lma(db: &TestDb, checks: &Path, args: &[&str]) -> (i32, String, String) {
    let output = db
        .lma()
        .args(args)
        .arg("--checks")
        .arg(checks)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn on_a_foreign_schema_no_message_mentions_lma_seed_or_lma_app() {
    let db = foreign().await;
    let checks = fixture("checks_partitioned").join("checks");
    let (code, stdout, stderr) = lma(&db, &checks, &["check", "--no-latency"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("warning: NO STATISTICS for rental"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Load them and run ANALYZE first"),
        "{stderr}"
    );
    assert!(!stderr.contains("lma seed"), "{stderr}");

    let (code, _, stderr) = lma(&db, &checks, &["check", "--as-app-role"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--as-app-role runs the checks as lma_app"),
        "{stderr}"
    );
    assert!(stderr.contains("does not hold it"), "{stderr}");
    assert!(!stderr.contains("does not exist"), "{stderr}");

    let empty = tempfile::tempdir().unwrap();
    std::fs::write(
        empty.path().join("no_rentals.sql"),
        "-- name: no_rentals\n-- description: Samples from an empty table.\n\
         -- params: SELECT rental_id FROM rental\nSELECT * FROM rental WHERE rental_id = $1\n",
    )
    .unwrap();
    let (code, _, stderr) = lma(&db, empty.path(), &["explain", "no_rentals"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "check no_rentals: the params query returned no rows (are its tables loaded?)"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("lma seed"), "{stderr}");
}

#[tokio::test]
async fn coverage_under_a_checks_directory_is_limited_to_the_tables_its_checks_read() {
    let db = seeded().await;
    let dir = tempfile::tempdir().unwrap();
    let name = "lead_assignment_queue.sql";
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sql/checks")
        .join(name);
    std::fs::copy(shipped, dir.path().join(name)).unwrap();
    let (code, stdout, stderr) = lma(
        &db,
        dir.path(),
        &[
            "check",
            "--no-latency",
            "--iterations",
            "2",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let coverage = &report["coverage"];
    assert_eq!(coverage["tables"], serde_json::json!(["leads"]));
    let tables: Vec<&str> = coverage["uncovered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["table"].as_str().unwrap())
        .collect();
    assert!(!tables.is_empty());
    assert!(tables.iter().all(|t| *t == "leads"), "{tables:?}");
    let indexes = coverage["indexes"].as_u64().unwrap();
    assert!((2..33).contains(&indexes), "{indexes}");
}

#[tokio::test]
async fn another_tool_s_history_that_lma_cannot_read_does_not_stop_the_checks() {
    let db = foreign().await;
    // Another tool's table of the same name, in a shape refinery never wrote.
    db.client()
        .await
        .batch_execute("CREATE TABLE refinery_schema_history (version text, name text, applied_on text, checksum text); INSERT INTO refinery_schema_history VALUES ('1.0', 'init', 'yesterday', 'abc')")
        .await
        .unwrap();
    let checks = fixture("checks_partitioned").join("checks");
    let (code, stdout, stderr) = lma(&db, &checks, &["check", "--no-latency"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
}
