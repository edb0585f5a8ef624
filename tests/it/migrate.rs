//! `lma migrate` and `lma status` against a real database.

use lma::migrate::source::MigrationSet;
use serde_json::Value;

use crate::support::{exists, fixture, fixture_copy, history, json, TestDb};

fn versions(report: &Value, key: &str) -> Vec<i64> {
    report[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["version"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn migrate_on_an_empty_database_applies_every_embedded_migration() {
    let db = TestDb::new().await;
    let output = db
        .lma()
        .args(["migrate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected: Vec<i64> = MigrationSet::embedded()
        .migrations()
        .iter()
        .map(refinery::Migration::version)
        .collect();
    assert!(!expected.is_empty(), "the LMA schema has migrations");
    assert_eq!(versions(&json(&output), "applied"), expected);
    let applied: Vec<i64> = history(&db.client().await).await;
    assert_eq!(applied, expected);
}

#[tokio::test]
async fn a_second_migrate_is_a_no_op() {
    let db = TestDb::new().await;
    let dir = fixture("migrations_basic");
    db.migrate_dir(&dir, None);
    let output = db
        .lma()
        .arg("migrate")
        .arg("--migrations")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("nothing to apply, at V3"), "{stdout}");
    assert_eq!(history(&db.client().await).await, [1, 2, 3]);
}

#[tokio::test]
async fn target_stops_at_the_version_asked_for() {
    let db = TestDb::new().await;
    let dir = fixture("migrations_basic");
    let output = db
        .lma()
        .arg("migrate")
        .arg("--migrations")
        .arg(&dir)
        .args(["--target", "2", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(versions(&json(&output), "applied"), [1, 2]);
    assert_eq!(history(&db.client().await).await, [1, 2]);
    let gadgets = db
        .client()
        .await
        .query_one("SELECT to_regclass('gadgets') IS NULL", &[])
        .await
        .unwrap();
    assert!(gadgets.get::<_, bool>(0), "V3 must not have run");
}

#[tokio::test]
async fn an_unknown_target_is_an_error() {
    let db = TestDb::new().await;
    let output = db
        .lma()
        .arg("migrate")
        .arg("--migrations")
        .arg(fixture("migrations_basic"))
        .args(["--target", "7"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--target 7"));
    assert!(!exists(&db.client().await, "refinery_schema_history").await);
}

#[tokio::test]
async fn status_reports_pending_divergent_and_missing() {
    let db = TestDb::new().await;
    let dir = fixture_copy("migrations_basic");
    db.migrate_dir(dir.path(), Some(2));

    let status = |db: &TestDb| {
        db.lma()
            .arg("status")
            .arg("--migrations")
            .arg(dir.path())
            .args(["--format", "json"])
            .output()
            .unwrap()
    };
    let clean = status(&db);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(
        states(&json(&clean)),
        [(1, "applied"), (2, "applied"), (3, "pending")]
    );

    std::fs::write(
        dir.path().join("V2__add_widget_color.sql"),
        "ALTER TABLE widgets ADD COLUMN colour text;\n",
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("V1__create_widgets.sql")).unwrap();
    let drifted = status(&db);
    assert_eq!(drifted.status.code(), Some(1), "findings exit 1");
    assert_eq!(
        states(&json(&drifted)),
        [(1, "missing"), (2, "divergent"), (3, "pending")]
    );
}

fn states(report: &Value) -> Vec<(i64, &str)> {
    report["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["version"].as_i64().unwrap(), m["state"].as_str().unwrap()))
        .collect::<Vec<_>>()
}

#[tokio::test]
async fn migrate_refuses_to_run_on_a_divergent_history() {
    let db = TestDb::new().await;
    let dir = fixture_copy("migrations_basic");
    db.migrate_dir(dir.path(), Some(1));
    std::fs::write(
        dir.path().join("V1__create_widgets.sql"),
        "CREATE TABLE widgets (id bigint);\n",
    )
    .unwrap();
    let output = db
        .lma()
        .arg("migrate")
        .arg("--migrations")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("V1 create_widgets is divergent"),
        "{stderr}"
    );
    assert_eq!(
        history(&db.client().await).await,
        [1],
        "nothing more was applied"
    );
}

#[tokio::test]
async fn a_failing_migration_names_its_file_and_line_and_leaves_nothing_behind() {
    let db = TestDb::new().await;
    let output = db
        .lma()
        .args(["migrate", "-q", "--migrations"])
        .arg(fixture("migrations_broken"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("V2__broken.sql failed at line 3"),
        "{stderr}"
    );
    assert!(stderr.contains("SQLSTATE 42601"), "{stderr}");
    assert_eq!(history(&db.client().await).await, [1]);
    let half = db
        .client()
        .await
        .query_one("SELECT to_regclass('half_done') IS NULL", &[])
        .await
        .unwrap();
    assert!(
        half.get::<_, bool>(0),
        "the failed migration's first statement was rolled back"
    );
}

#[tokio::test]
async fn status_json_has_a_stable_shape() {
    let db = TestDb::new().await;
    let dir = fixture("migrations_basic");
    db.migrate_dir(&dir, Some(2));
    let output = db
        .lma()
        .arg("status")
        .arg("--migrations")
        .arg(&dir)
        .args(["--format", "json"])
        .output()
        .unwrap();
    insta::assert_json_snapshot!(json(&output), {
        ".database" => "[database]",
        ".migrations[].applied_on" => insta::dynamic_redaction(|value, _| {
            if value.as_str().is_some() { "[time]".into() } else { value }
        }),
    });
}

#[tokio::test]
async fn migrate_json_has_a_stable_shape() {
    let db = TestDb::new().await;
    let output = db
        .lma()
        .arg("migrate")
        .arg("--migrations")
        .arg(fixture("migrations_basic"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    insta::assert_json_snapshot!(json(&output), {
        ".database" => "[database]",
        ".applied[].milliseconds" => "[ms]",
    });
}

#[tokio::test]
async fn the_harness_can_stop_at_the_baseline() {
    let db = TestDb::migrated_to(Some(10)).await;
    let versions = history(&db.client().await).await;
    assert_eq!(versions.last(), Some(&10));
}

#[tokio::test]
async fn status_of_a_fully_migrated_database_has_nothing_pending() {
    let db = TestDb::migrated().await;
    let output = db
        .lma()
        .args(["status", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report = json(&output);
    assert!(states(&report).iter().all(|(_, state)| *state == "applied"));
    assert_eq!(report["current_version"], report["latest_version"]);
}
