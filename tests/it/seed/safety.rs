//! `lma seed` on a live database: one seed at a time, no lock request left queued by a killed
//! seed, and a rerun after an interrupted seed that says what happened.

use std::process::{Command, Output, Stdio};

use crate::support::{lma_binary, wait_until, TestDb};

/// A seed session of this database is waiting for a lock.
const SEED_WAITS: &str = "SELECT EXISTS (SELECT FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = 'lma' AND wait_event_type = 'Lock')";

fn seed_in_background(db: &TestDb, args: &[&str]) -> std::process::Child {
    Command::new(lma_binary().get_program())
        .arg("--database-url")
        .arg(&db.url)
        .env_remove("DATABASE_URL")
        .args(["seed", "--scale", "tiny"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// A reader that holds ACCESS SHARE on leads in an open transaction, as an application's long
/// query would, and a second session to watch pg_stat_activity from: inside a transaction
/// pg_stat_activity is a snapshot taken once.
async fn reading_leads(db: &TestDb) -> (tokio_postgres::Client, tokio_postgres::Client) {
    let reader = db.client().await;
    reader
        .batch_execute("BEGIN; LOCK TABLE leads IN ACCESS SHARE MODE")
        .await
        .unwrap();
    (reader, db.client().await)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn a_second_seed_is_refused_with_one_line_while_the_first_runs() {
    let db = TestDb::migrated().await;
    let (reader, watcher) = reading_leads(&db).await;
    let first = seed_in_background(&db, &[]);
    wait_until(&watcher, SEED_WAITS).await;
    let second = db.lma().args(["seed", "--scale", "tiny"]).output().unwrap();
    assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
    let err = stderr(&second);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("another lma seed is running"),
        "{err}"
    );
    reader.batch_execute("COMMIT").await.unwrap();
    let first = first.wait_with_output().unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
}

#[tokio::test]
async fn a_killed_seed_leaves_no_truncate_queued_in_front_of_the_application() {
    let db = TestDb::migrated().await;
    let (reader, watcher) = reading_leads(&db).await;
    let mut seed = seed_in_background(&db, &["--truncate"]);
    wait_until(&watcher, SEED_WAITS).await;
    seed.kill().unwrap();
    seed.wait().unwrap();
    // The reader still holds its lock: only the server noticing the dead client (or the lock
    // timeout) can take the TRUNCATE out of the queue.
    wait_until(
        &watcher,
        &format!("SELECT NOT {}", SEED_WAITS.trim_start_matches("SELECT ")),
    )
    .await;
    reader.batch_execute("COMMIT").await.unwrap();
}

#[tokio::test]
async fn a_rerun_after_an_interrupted_seed_says_so_and_suggests_truncate() {
    let db = TestDb::migrated().await;
    db.lma()
        .args(["seed", "--scale", "tiny"])
        .assert()
        .success();
    // As if the seed had died before activity_logs committed: each table loads in its own
    // transaction, parents first.
    db.client()
        .await
        .batch_execute("DELETE FROM activity_logs")
        .await
        .unwrap();
    let output = db.lma().args(["seed", "--scale", "tiny"]).output().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("a seed that did not finish") && err.contains("activity_logs"),
        "{err}"
    );
    assert!(err.contains("--truncate"), "{err}");
}
