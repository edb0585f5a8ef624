//! Two schemas with a table of the same name: EXPLAIN names relations without their schema, so
//! a rule on `t` is judged on the `t` the query's search path finds, not on any table called t
//! (`tests/fixtures/checks_schemas/`).

use crate::support::{fixture, TestDb};

#[tokio::test]
async fn a_rule_on_a_table_is_judged_on_the_one_the_search_path_finds() {
    let db = TestDb::new().await;
    let client = db.client().await;
    client
        .batch_execute(
            "CREATE TABLE t (id int);
             INSERT INTO t SELECT g FROM generate_series(1, 10) AS g;
             CREATE SCHEMA archive;
             CREATE TABLE archive.t (id int, pad text);
             INSERT INTO archive.t SELECT g, repeat('x', 200) FROM generate_series(1, 20000) AS g;",
        )
        .await
        .unwrap();
    client.batch_execute("VACUUM ANALYZE").await.unwrap();
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
        .arg(fixture("checks_schemas"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("stdout is not JSON ({err}): {stderr}"));
    let check = &report["checks"][0];
    assert_eq!(check["name"], "small_scan", "{report:#}");
    assert_eq!(check["passed"], true, "{check:#}");
}
