//! `lma advise` on `lma seed --scale small` (the check tests' template, copied per test) with
//! HypoPG enabled: an index dropped, the advice built as printed, and the check passing again.
//! No assertion depends on timings: the checks run with `--no-latency`.

use serde_json::Value;

use crate::check::seeded_template;
use crate::support::keys;
use crate::support::{fixture_copy, json, TestDb};

async fn seeded_with_hypopg(drop: &[&str]) -> TestDb {
    let db = TestDb::from_template(seeded_template()).await;
    let drops: Vec<String> = drop.iter().map(|i| format!("DROP INDEX {i};")).collect();
    let sql = format!("CREATE EXTENSION hypopg;{}", drops.concat());
    db.client().await.batch_execute(&sql).await.unwrap();
    db
}

fn advise(db: &TestDb, args: &[&str]) -> (i32, Value) {
    let output = db
        .lma()
        .arg("advise")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report = json(&output);
    (output.status.code().unwrap(), report)
}

fn check_passes(db: &TestDb, only: &str, extra: &[&str]) -> Value {
    let output = db
        .lma()
        .args([
            "check",
            "--format",
            "json",
            "--no-latency",
            "--iterations",
            "3",
        ])
        .args(["--only", only])
        .args(extra)
        .output()
        .unwrap();
    let report = json(&output);
    let failed: Vec<(&Value, &Value)> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] != true)
        .map(|c| (&c["name"], &c["reasons"]))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(output.status.code(), Some(0));
    report
}

async fn index_count(db: &TestDb) -> i64 {
    db.client()
        .await
        .query_one("SELECT count(*) FROM pg_index", &[])
        .await
        .unwrap()
        .get(0)
}

const DROPPED: [(&str, &str); 3] = [
    ("lead_assignment_queue", "idx_leads_assignable"),
    ("recent_leads", "idx_leads_org_created_desc"),
    (
        "workflow_execution_monitoring",
        "idx_workflow_exec_monitoring",
    ),
];

#[tokio::test]
async fn each_dropped_index_is_proposed_and_once_built_as_printed_its_check_passes_again() {
    let db = seeded_with_hypopg(&DROPPED.map(|(_, index)| index)).await;
    let names = DROPPED.map(|(check, _)| check);
    let only = names.join(",");
    let output = db
        .lma()
        .args([
            "check",
            "--no-latency",
            "--iterations",
            "1",
            "--only",
            &only,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "the drops break the checks");
    let indexes = index_count(&db).await;
    let (code, report) = advise(&db, &names);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        index_count(&db).await,
        indexes,
        "advise changed the database"
    );
    assert_eq!(
        keys(&report),
        ["checks", "database", "hypopg_version", "min_gain_percent"]
    );
    assert_eq!(
        keys(&report["checks"][0]),
        [
            "check",
            "cost_before",
            "description",
            "plan_before",
            "proposals",
            "rejected",
            "samples",
            "unvalidated",
            "verification"
        ]
    );
    assert_eq!(
        keys(&report["checks"][0]["proposals"][0]),
        [
            "cost_after",
            "gain",
            "makes_redundant",
            "method",
            "migration",
            "name",
            "plan_after",
            "rationale",
            "size_bytes",
            "statement",
            "table",
            "used_by_samples",
            "write_cost"
        ]
    );
    let client = db.client().await;
    for (advice, (check, index)) in report["checks"].as_array().unwrap().iter().zip(DROPPED) {
        assert_eq!(advice["check"], check);
        let best = &advice["proposals"][0];
        assert_eq!(best["name"], index, "{advice:#}");
        let statement = best["statement"].as_str().unwrap();
        assert!(
            statement.starts_with(&format!(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS {index} ON public."
            )),
            "{statement}"
        );
        assert_eq!(
            best["migration"].as_str().unwrap(),
            format!("-- lma:no-transaction\n{statement}")
        );
        assert!(best["gain"].as_f64().unwrap() >= 0.5, "{advice:#}");
        assert!(best["cost_after"].as_f64() < advice["cost_before"].as_f64());
        assert!(best["size_bytes"].as_i64().unwrap() > 8192, "{advice:#}");
        let write = &best["write_cost"];
        assert_eq!(
            write["indexes_after"].as_u64().unwrap(),
            write["indexes_now"].as_u64().unwrap() + 1
        );
        assert!(write["bytes_per_entry"].as_f64().unwrap() > 0.0);
        assert!(
            best["plan_after"].as_str().unwrap().contains(index),
            "{advice:#}"
        );
        client.batch_execute(statement).await.unwrap();
    }
    client.batch_execute("ANALYZE").await.unwrap();
    check_passes(&db, &only, &[]);
}

#[tokio::test]
async fn a_containment_query_gets_a_gin_candidate_that_verify_builds_on_a_copy() {
    let db = seeded_with_hypopg(&["idx_leads_custom_fields_gin"]).await;
    let indexes = index_count(&db).await;
    let (code, report) = advise(&db, &["custom_field_search", "--verify"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        index_count(&db).await,
        indexes,
        "advise changed the database"
    );
    let advice = &report["checks"][0];
    let gin = &advice["unvalidated"][0];
    let statement = gin["statement"].as_str().unwrap();
    assert!(
        statement.contains("USING gin (") && statement.contains("custom_fields jsonb_path_ops)"),
        "{advice:#}"
    );
    assert!(gin["reason"]
        .as_str()
        .unwrap()
        .contains("cannot simulate GIN"));
    let verification = &advice["verification"];
    let best = &verification["builds"][0];
    assert_eq!(best["index"], gin["name"], "{advice:#}");
    assert_eq!(best["used_by_samples"], best["samples"], "{advice:#}");
    assert!(
        best["after"]["buffers"].as_u64() < verification["before"]["buffers"].as_u64(),
        "{advice:#}"
    );
    assert_eq!(verification["copied"][0]["table"], "public.leads");
    db.client().await.batch_execute(statement).await.unwrap();
    check_passes(&db, "custom_field_search", &[]);
}

#[tokio::test]
async fn failing_advises_every_failing_check_of_a_catalog() {
    let db = seeded_with_hypopg(&["idx_leads_assignable", "idx_leads_org_created_desc"]).await;
    let dir = fixture_copy("checks_advise");
    let dir_arg = dir.path().to_str().unwrap();
    let (code, report) = advise(&db, &["--failing", "--no-latency", "--checks", dir_arg]);
    assert_eq!(code, 1, "{report:#}");
    let advised: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert_eq!(
        advised,
        ["lead_assignment_queue", "recent_leads"],
        "{report:#}"
    );
    for advice in report["checks"].as_array().unwrap() {
        assert!(
            !advice["proposals"].as_array().unwrap().is_empty(),
            "{advice:#}"
        );
    }
    // --verify builds the top B-tree on a copy and measures the check before and after.
    let (_, report) = advise(&db, &["recent_leads", "--verify"]);
    let advice = &report["checks"][0];
    let verification = &advice["verification"];
    let build = &verification["builds"][0];
    assert_eq!(build["index"], advice["proposals"][0]["name"], "{advice:#}");
    assert_eq!(build["used_by_samples"], build["samples"], "{advice:#}");
    assert!(
        build["after"]["buffers"].as_u64() < verification["before"]["buffers"].as_u64(),
        "{advice:#}"
    );
    let missing: bool = db
        .client()
        .await
        .query_one(
            "SELECT to_regclass('idx_leads_org_created_desc') IS NULL",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(missing, "--verify built on the copy only");
}

#[tokio::test]
async fn a_query_file_takes_its_parameter_values_from_the_command_line() {
    let db = seeded_with_hypopg(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("by_phone.sql");
    std::fs::write(
        &file,
        "SELECT id, email FROM leads WHERE organization_id = $1 AND phone = $2;\n",
    )
    .unwrap();
    let (code, report) = advise(
        &db,
        &[
            file.to_str().unwrap(),
            "--param",
            "1",
            "--param",
            "+1 555 0100",
        ],
    );
    assert_eq!(code, 1, "{report:#}");
    let advice = &report["checks"][0];
    assert_eq!(advice["check"], "by_phone");
    let best = advice["proposals"][0]["statement"].as_str().unwrap();
    assert!(
        best.starts_with("CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_organization_id_phone ON public.leads USING btree (organization_id, phone)"),
        "{advice:#}"
    );
    // A check file whose index exists: nothing to propose, exit 0.
    let check_file = crate::support::fixture("checks_advise").join("lead_by_email.sql");
    let (code, report) = advise(&db, &[check_file.to_str().unwrap()]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["checks"][0]["check"], "lead_by_email");
    assert_eq!(report["checks"][0]["proposals"], serde_json::json!([]));
    let output = db
        .lma()
        .args(["advise", file.to_str().unwrap(), "--param", "1"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "one value for two parameters"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr,
        "error: by_phone: 1 parameter value(s) given, the query takes 2\n"
    );
}

#[tokio::test]
async fn advise_without_hypopg_exits_2_saying_how_to_enable_it() {
    let db = TestDb::new().await;
    db.client()
        .await
        .batch_execute("CREATE TABLE t (id int); ANALYZE t;")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("q.sql");
    std::fs::write(&file, "SELECT * FROM t WHERE id = $1").unwrap();
    let output = db
        .lma()
        .args(["advise", file.to_str().unwrap(), "--param", "1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: HypoPG is installed on the server but not enabled in")
            && stderr.contains("run CREATE EXTENSION hypopg"),
        "{stderr}"
    );
    let extensions: i64 = db
        .client()
        .await
        .query_one(
            "SELECT count(*) FROM pg_extension WHERE extname = 'hypopg'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(extensions, 0, "advise never creates the extension");
}

/// The copy is written to the server's temporary space: above `--verify-max-size` nothing is
/// copied, and the error names the tables and their sizes.
#[tokio::test]
async fn verify_refuses_to_copy_more_than_its_size_limit() {
    let db = seeded_with_hypopg(&["idx_leads_custom_fields_gin"]).await;
    let output = db
        .lma()
        .args([
            "advise",
            "custom_field_search",
            "--verify",
            "--verify-max-size",
            "64kB",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let line = stderr.lines().last().unwrap_or_default();
    assert!(
        line.starts_with("error: --verify would copy ")
            && line.contains("public.leads ")
            && line.contains("more than --verify-max-size 64 kB; nothing was copied"),
        "{stderr}"
    );
    let bad = db
        .lma()
        .args(["advise", "custom_field_search", "--verify-max-size", "lots"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
