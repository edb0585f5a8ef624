//! `lma migrate` on a live database: concurrent runners, lock contention, migrations outside a
//! transaction, the dry run, and processes or connections that die midway.
//!
//! Nothing here asserts on time. Where a test must act while lma is in the middle of a
//! migration, it waits for an event it can see: a line on lma's stderr, or lma's session in
//! `pg_stat_activity` or `pg_stat_progress_create_index`.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};

use lma::migrate::source::MigrationSet;
use serde_json::Value;

use tokio_postgres::Client;

use crate::support::{exists, fixture, history, json, lma_binary, wait_until, TestDb};

/// An `lma` process running in the background, its stderr readable line by line.
struct Running {
    child: Child,
    stderr: Receiver<String>,
}

impl Running {
    fn start(db: &TestDb, args: &[&str]) -> Self {
        let mut command = Command::new(lma_binary().get_program());
        command.arg("--database-url").arg(&db.url).args(args);
        command
            .env_remove("DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("lma starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = send.send(line);
            }
        });
        Self {
            child,
            stderr: lines,
        }
    }

    /// Blocks until lma prints a stderr line containing `needle`; panics if lma exits first.
    fn wait_for_line(&self, needle: &str) {
        for line in &self.stderr {
            if line.contains(needle) {
                return;
            }
        }
        panic!("lma exited without printing {needle:?}");
    }

    /// Waits for lma to exit; the output's stderr holds the lines not yet read.
    fn finish(self) -> Output {
        let mut output = self.child.wait_with_output().expect("lma runs to the end");
        let rest: Vec<String> = self.stderr.iter().collect();
        output.stderr = rest
            .iter()
            .flat_map(|line| [line.as_str(), "\n"])
            .collect::<String>()
            .into_bytes();
        output
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const LMA_WAITS_AT_THE_GATE: &str = "SELECT EXISTS (SELECT FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = 'lma'
      AND wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock(4242)%')";

// The test's own connections say application_name=lma too, as lma's library connects them.
const NO_LMA_SESSION_LEFT: &str = "SELECT NOT EXISTS (SELECT FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = 'lma' AND pid <> pg_backend_pid())";

#[tokio::test]
async fn eight_concurrent_migrations_apply_each_version_once() {
    let db = TestDb::new().await;
    let runs: Vec<Running> = (0..8)
        .map(|_| Running::start(&db, &["migrate", "--format", "json"]))
        .collect();
    let mut applied: Vec<i64> = Vec::new();
    for run in runs {
        let output = run.finish();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let report = json(&output);
        applied.extend(
            report["applied"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["version"].as_i64().unwrap()),
        );
    }
    applied.sort_unstable();
    let expected: Vec<i64> = MigrationSet::embedded()
        .migrations()
        .iter()
        .map(refinery::Migration::version)
        .collect();
    assert_eq!(
        applied, expected,
        "every version applied by exactly one process"
    );
    assert_eq!(history(&db.client().await).await.len(), expected.len());
}

#[tokio::test]
async fn a_lock_timeout_gives_up_naming_the_blocker_and_keeps_the_previous_boundary() {
    let db = TestDb::new().await;
    let dir = fixture("migrations_basic");
    db.migrate_dir(&dir, Some(1));
    let holder = db.client().await;
    let holder_pid: i32 = holder
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .unwrap()
        .get(0);
    holder
        .batch_execute("BEGIN; LOCK TABLE widgets IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();

    let output = db
        .lma()
        .arg("migrate")
        .arg("--migrations")
        .arg(&dir)
        .args(["--lock-timeout", "500ms", "--lock-retries", "2", "-q"])
        .output()
        .unwrap();
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("V2__add_widget_color.sql"), "{message}");
    assert!(
        message.contains("SQLSTATE 55P03") && message.contains("gave up after 3 attempts"),
        "{message}"
    );
    assert!(
        message.contains(&format!("pid {holder_pid} (idle in transaction")),
        "{message}"
    );
    assert!(
        message.contains("LOCK TABLE widgets IN ACCESS EXCLUSIVE MODE"),
        "{message}"
    );

    holder.batch_execute("ROLLBACK").await.unwrap();
    let client = db.client().await;
    assert_eq!(history(&client).await, [1]);
    let color: bool = client.query_one("SELECT EXISTS (SELECT FROM information_schema.columns WHERE table_name = 'widgets' AND column_name = 'color')", &[]).await.unwrap().get(0);
    assert!(!color, "V2 left nothing behind");
}

#[tokio::test]
async fn a_lock_released_between_retries_lets_the_migration_through() {
    let db = TestDb::new().await;
    let path = fixture("migrations_basic");
    db.migrate_dir(&path, Some(1));
    let dir = path.to_str().unwrap();
    let holder = db.client().await;
    holder
        .batch_execute("BEGIN; LOCK TABLE widgets IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();

    let run = Running::start(
        &db,
        &[
            "migrate",
            "--migrations",
            dir,
            "--lock-timeout",
            "200ms",
            "--lock-retries",
            "20",
            "--format",
            "json",
        ],
    );
    run.wait_for_line("lock timeout, retry 1/20");
    holder.batch_execute("COMMIT").await.unwrap();
    let output = run.finish();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let first = &json(&output)["applied"][0];
    assert_eq!(first["version"], 2);
    assert!(first["attempts"].as_u64().unwrap() >= 2, "{first}");
    assert_eq!(history(&db.client().await).await, [1, 2, 3]);
}

#[tokio::test]
async fn no_transaction_migrations_write_history_last_and_rebuild_invalid_indexes() {
    let db = TestDb::new().await;
    let dir = fixture("migrations_concurrent");
    db.migrate_dir(&dir, Some(1));
    let client = db.client().await;
    client
        .batch_execute("INSERT INTO items VALUES (1001, 1)")
        .await
        .unwrap();

    let failed = db
        .lma()
        .arg("migrate")
        .arg("--migrations")
        .arg(&dir)
        .arg("-q")
        .output()
        .unwrap();
    let message = stderr(&failed);
    assert_eq!(failed.status.code(), Some(2), "{message}");
    assert!(
        message.contains("V2__index_items.sql failed in the statement at line 3")
            && message.contains("SQLSTATE 23505"),
        "{message}"
    );
    assert_eq!(
        history(&client).await,
        [1],
        "no history row for a half-run migration"
    );
    let valid: bool = client
        .query_one(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_code_key'::regclass",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(!valid, "the failed concurrent build left an invalid index");
    assert!(
        !exists(&client, "items_id_idx").await,
        "statements after the failure did not run"
    );

    client
        .batch_execute("DELETE FROM items WHERE id = 1001")
        .await
        .unwrap();
    let output = db
        .lma()
        .arg("migrate")
        .arg("--migrations")
        .arg(&dir)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let second = &json(&output)["applied"][0];
    assert_eq!(second["transactional"], false);
    assert_eq!(
        second["rebuilt_indexes"],
        serde_json::json!(["public.items_code_key"])
    );
    let invalid: i64 = client
        .query_one("SELECT count(*) FROM pg_index WHERE NOT indisvalid", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(invalid, 0);
    assert!(exists(&client, "items_id_idx").await);
    assert_eq!(history(&client).await, [1, 2]);
}

const SEED_LEADS: &str = "
    INSERT INTO organizations (id, name, slug) VALUES (1, 'Acme', 'acme');
    INSERT INTO leads (email, first_name, last_name, company, organization_id, score, status, tags, custom_fields, created_at)
    SELECT 'lead' || g || '@example.com', 'First' || g, 'Last' || g, 'Company ' || (g % 997), 1, g % 101,
           (enum_range(NULL::lead_status_enum))[1 + g % 7], jsonb_build_array('tag' || (g % 50)),
           jsonb_build_object('region', g % 9), now() - g * interval '1 minute'
    FROM generate_series(1, 300000) AS g;";

const BUILDING_THE_SEARCH_INDEX: &str = "SELECT EXISTS (SELECT FROM pg_stat_progress_create_index
    WHERE relid = 'leads'::regclass AND index_relid = to_regclass('idx_leads_search_trgm'))";

#[tokio::test]
async fn building_the_optimization_indexes_does_not_block_writes_to_leads() {
    let db = TestDb::migrated_to(Some(13)).await;
    let client = db.client().await;
    client.batch_execute(SEED_LEADS).await.unwrap();

    let run = Running::start(&db, &["migrate"]);
    wait_until(&client, BUILDING_THE_SEARCH_INDEX).await;
    let writer = db.client().await;
    writer
        .batch_execute("INSERT INTO leads (email, first_name, last_name, organization_id) VALUES ('new@example.com', 'New', 'Lead', 1)")
        .await
        .unwrap();
    let still_building: bool = client
        .query_one(BUILDING_THE_SEARCH_INDEX, &[])
        .await
        .unwrap()
        .get(0);
    assert!(still_building, "the INSERT had to wait for the index build");

    let output = run.finish();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let invalid: i64 = client
        .query_one("SELECT count(*) FROM pg_index WHERE NOT indisvalid", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(invalid, 0);
    let latest = MigrationSet::embedded().latest_version().unwrap();
    assert_eq!(history(&client).await.last(), Some(&latest));
}

#[tokio::test]
async fn a_dry_run_reports_each_migration_and_changes_nothing() {
    let db = TestDb::new().await;
    let output = db
        .lma()
        .arg("migrate")
        .arg("--migrations")
        .arg(fixture("migrations_basic"))
        .args(["--dry-run", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outcomes: Vec<Value> = json(&output)["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["outcome"].clone())
        .collect();
    assert_eq!(outcomes, ["ok", "ok", "ok"]);
    let client = db.client().await;
    assert!(
        !exists(&client, "widgets").await && !exists(&client, "refinery_schema_history").await,
        "nothing changed"
    );

    let broken = db
        .lma()
        .arg("migrate")
        .arg("--migrations")
        .arg(fixture("migrations_broken"))
        .args(["--dry-run", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        broken.status.code(),
        Some(1),
        "a failing migration is a finding"
    );
    let report = json(&broken);
    assert_eq!(report["migrations"][0]["outcome"], "ok");
    assert_eq!(report["migrations"][1]["outcome"], "failed");
    assert!(report["migrations"][1]["error"]
        .as_str()
        .unwrap()
        .contains("V2__broken.sql failed at line 3"));
    assert!(!exists(&client, "widgets").await);
}

#[tokio::test]
async fn a_dry_run_does_not_verify_no_transaction_migrations_or_what_follows() {
    let db = TestDb::migrated_to(Some(12)).await;
    let output = db
        .lma()
        .args(["migrate", "--dry-run", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outcomes: Vec<(i64, String)> = json(&output)["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["version"].as_i64().unwrap(),
                m["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(outcomes[0], (13, "ok".to_owned()));
    assert_eq!(outcomes[1], (14, "not_verifiable".to_owned()));
    assert!(
        outcomes[2..]
            .iter()
            .all(|(_, outcome)| outcome == "not_reached"),
        "{outcomes:?}"
    );
    assert_eq!(history(&db.client().await).await.last(), Some(&12));
}

/// A database with the gate fixture and an `lma migrate` stopped in the middle of V2, waiting
/// for advisory lock 4242, which the returned connection holds.
async fn lma_at_the_gate() -> (TestDb, Client, Running) {
    let db = TestDb::new().await;
    let gate = db.client().await;
    gate.batch_execute("SELECT pg_advisory_lock(4242)")
        .await
        .unwrap();
    let dir = fixture("migrations_gate");
    let args = [
        "migrate",
        "--migrations",
        dir.to_str().unwrap(),
        "--lock-timeout",
        "10min",
        "-q",
    ];
    let run = Running::start(&db, &args);
    wait_until(&gate, LMA_WAITS_AT_THE_GATE).await;
    (db, gate, run)
}

/// Checks that the database sits at the V1 boundary, opens the gate, and reruns to the end.
async fn rerun_after_the_gate(db: &TestDb, gate: &Client) {
    assert_eq!(history(gate).await, [1]);
    assert!(
        exists(gate, "widgets").await && !exists(gate, "gated").await,
        "the schema matches the history"
    );
    gate.batch_execute("SELECT pg_advisory_unlock(4242)")
        .await
        .unwrap();
    let rerun = db
        .lma()
        .arg("migrate")
        .arg("--migrations")
        .arg(fixture("migrations_gate"))
        .output()
        .unwrap();
    assert_eq!(rerun.status.code(), Some(0), "{}", stderr(&rerun));
    assert_eq!(history(gate).await, [1, 2, 3]);
}

#[tokio::test]
async fn a_killed_migrate_leaves_a_migration_boundary_and_a_rerun_completes() {
    let (db, gate, mut run) = lma_at_the_gate().await;
    run.child.kill().unwrap();
    run.child.wait().unwrap();
    // client_connection_check_interval makes the orphaned backend notice and roll back.
    wait_until(&gate, NO_LMA_SESSION_LEFT).await;
    rerun_after_the_gate(&db, &gate).await;
}

#[tokio::test]
async fn a_terminated_connection_is_a_clear_error_and_a_rerun_completes() {
    let (db, gate, run) = lma_at_the_gate().await;
    let terminate = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'lma' AND wait_event_type = 'Lock'";
    gate.batch_execute(terminate).await.unwrap();
    let output = run.finish();
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("V2__wait_at_the_gate.sql") && message.contains("SQLSTATE 57P01"),
        "{message}"
    );
    rerun_after_the_gate(&db, &gate).await;
}
