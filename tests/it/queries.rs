//! `lma queries` against the test cluster, which preloads pg_stat_statements: a slow statement
//! is listed, its check file saved, refused by `lma check` until its params are filled in, and
//! then run. Each test has its own database; pg_stat_statements is read for that database only.

use serde_json::Value;

use crate::support::{json, TestDb};

async fn with_statements() -> TestDb {
    let db = TestDb::new().await;
    db.client()
        .await
        .batch_execute(
            "CREATE EXTENSION pg_stat_statements;
             CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
             INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 1000) AS i;
             ANALYZE items;
             -- The setup's own statements (CREATE EXTENSION can take over 100 ms on a loaded
             -- machine) would be listed beside the test's: only the test's count.
             SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database
                                                 WHERE datname = current_database()), 0);",
        )
        .await
        .unwrap();
    db
}

fn listed<'a>(report: &'a Value, needle: &str) -> Vec<&'a Value> {
    report["statements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["query"].as_str().unwrap().contains(needle))
        .collect()
}

#[tokio::test]
async fn a_slow_statement_is_listed_and_its_saved_check_runs_under_lma_check_once_filled_in() {
    let db = with_statements().await;
    let client = db.client().await;
    // pg_sleep makes the mean at least 250 ms whatever the machine: a lower bound, not a timing.
    for _ in 0..2 {
        client
            .query("SELECT count(*) FROM items, pg_sleep(0.25)", &[])
            .await
            .unwrap();
    }
    for id in 1..20 {
        client
            .query("SELECT name FROM items WHERE id = $1", &[&id])
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let checks = dir.path().join("checks");
    let output = db
        .lma()
        .args([
            "queries",
            "--format",
            "json",
            "--min-mean-ms",
            "100",
            "--save-check",
        ])
        .arg(&checks)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report = json(&output);
    let slow = listed(&report, "pg_sleep");
    assert_eq!(slow.len(), 1, "{report:#}");
    assert_eq!(slow[0]["calls"], 2);
    assert!(slow[0]["mean_ms"].as_f64().unwrap() >= 250.0, "{report:#}");
    assert!(slow[0]["share"].as_f64().unwrap() > 0.5, "{report:#}");
    assert!(listed(&report, "WHERE id = $1").is_empty(), "{report:#}");
    assert_eq!(
        report["statistics"]["young"], true,
        "the cluster was just started"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("less than a day"), "{stderr}");

    let saved = report["saved_checks"].as_array().unwrap();
    assert_eq!(saved.len(), 1, "{report:#}");
    let path = std::path::PathBuf::from(saved[0].as_str().unwrap());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("-- params: SELECT NULL::double precision WHERE false"),
        "{text}"
    );

    // As saved, the params query returns nothing: lma check refuses the check.
    let unfilled = db
        .lma()
        .args(["check", "--no-latency", "--iterations", "1", "--checks"])
        .arg(&checks)
        .output()
        .unwrap();
    assert_eq!(unfilled.status.code(), Some(2), "{unfilled:?}");
    let stderr = String::from_utf8_lossy(&unfilled.stderr);
    assert!(
        stderr.contains("the params query returned no rows"),
        "{stderr}"
    );

    let filled = text.replace("SELECT NULL::double precision WHERE false", "SELECT 0.01");
    std::fs::write(&path, filled).unwrap();
    let output = db
        .lma()
        .args([
            "check",
            "--format",
            "json",
            "--no-latency",
            "--iterations",
            "1",
        ])
        .arg("--checks")
        .arg(&checks)
        .output()
        .unwrap();
    let check = json(&output);
    assert_eq!(output.status.code(), Some(0), "{check:#}");
    let name = path.file_stem().unwrap().to_str().unwrap();
    assert_eq!(check["checks"][0]["name"], name);
    assert_eq!(check["checks"][0]["passed"], true);
    assert_eq!(check["checks"][0]["skipped"][0], "p95_ms 100");
}

#[tokio::test]
async fn the_table_lists_the_slow_statement_on_one_line() {
    let db = with_statements().await;
    db.client()
        .await
        .query("SELECT pg_sleep(0.2), count(*) FROM items", &[])
        .await
        .unwrap();
    let output = db
        .lma()
        .args(["queries", "--min-mean-ms", "150", "--top", "5"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("SELECT pg_sleep($1), count(*) FROM items"),
        "{stdout}"
    );
    let none = db
        .lma()
        .args(["queries", "--min-mean-ms", "100000"])
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(0), "{none:?}");
    assert!(String::from_utf8_lossy(&none.stdout).contains("No statement is above the threshold"));
}

#[tokio::test]
async fn queries_without_the_extension_in_the_database_says_what_to_run() {
    let db = TestDb::new().await;
    let output = db.lma().arg("queries").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: pg_stat_statements is loaded but not created in this database: run CREATE EXTENSION pg_stat_statements"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}
