//! A real streaming replica: scans made only there keep an index from being called unused.
//!
//! This test starts its own primary and replica with lma's sandbox, so it never depends on the
//! shared server (which may be a remote LMA_TEST_DATABASE_URL with nothing to replicate).

use lma::sandbox::Sandbox;
use tokio_postgres::Client;

use super::{findings, fixture_sql, index, report, run, RELIABLE};
use crate::support::{connect, lma_binary, wait_until};

#[tokio::test]
async fn scans_on_a_replica_keep_an_index_from_being_unused() {
    let primary = Sandbox::start().expect("a primary cluster");
    let replica = primary.start_replica().expect("a streaming replica");
    let admin = connect(&primary.url("postgres")).await;
    admin.batch_execute("CREATE DATABASE shop").await.unwrap();
    let writer = connect(&primary.url("shop")).await;
    writer.batch_execute(&fixture_sql("scanned")).await.unwrap();
    wait_for_replay(&admin, &replica).await;
    scan_on_replica(&replica.url("shop"), 3).await;
    let primary_url = primary.url("shop");

    let alone = report(&run(lma(&primary_url), RELIABLE, &[]), 1);
    assert_eq!(findings(&alone, "unused"), ["public.events_kind"]);
    assert_eq!(index(&alone, "events_kind")["idx_scan"], 0);

    let replica_url = replica.url("shop");
    let with_replica = report(
        &run(lma(&primary_url), RELIABLE, &["--replica", &replica_url]),
        0,
    );
    assert!(
        findings(&with_replica, "unused").is_empty(),
        "{with_replica:#}"
    );
    assert!(index(&with_replica, "events_kind")["idx_scan"].as_i64() >= Some(3));
    let servers = with_replica["statistics"]["servers"].as_array().unwrap();
    let roles: Vec<&str> = servers
        .iter()
        .map(|s| s["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["primary", "replica"]);
}

#[test]
fn an_unreachable_replica_is_an_error() {
    let output = lma_binary()
        .args([
            "indexes",
            "--database-url",
            &crate::support::server().url("postgres"),
        ])
        .args(["--replica", "postgres://watcher:Pw0rd@127.0.0.1:1/shop"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(
        stderr.starts_with("error: --replica: cannot connect to watcher@127.0.0.1:1/shop"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("Pw0rd") && stderr.lines().count() == 1,
        "{stderr}"
    );
}

fn lma(url: &str) -> assert_cmd::Command {
    let mut command = lma_binary();
    command.arg("--database-url").arg(url);
    command
}

/// Polls until the replica has replayed everything the primary has written so far. The insert
/// position, not the write position: with synchronous_commit off (as the sandbox runs), the
/// fixture's commit record may still sit in the WAL buffers, past the write position.
async fn wait_for_replay(primary: &Client, replica: &Sandbox) {
    let lsn: String = primary
        .query_one("SELECT pg_current_wal_insert_lsn()::text", &[])
        .await
        .unwrap()
        .get(0);
    let standby = connect(&replica.url("postgres")).await;
    let replayed = format!("SELECT coalesce(pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn, false)");
    wait_until(&standby, &replayed).await;
}

/// Scans `events_kind` on the replica `times` times, then polls until its statistics show it
/// (a backend sends its counters when its connection closes).
async fn scan_on_replica(url: &str, times: i64) {
    {
        let reader = connect(url).await;
        reader
            .batch_execute("SET enable_seqscan = off; SET enable_bitmapscan = off")
            .await
            .unwrap();
        for kind in 0..times {
            let rows = reader
                .query(
                    "SELECT id FROM events WHERE kind = $1::int",
                    &[&i32::try_from(kind).unwrap()],
                )
                .await
                .unwrap();
            assert!(!rows.is_empty(), "the replica has the rows");
        }
    }
    let seen = format!(
        "SELECT idx_scan >= {times} FROM pg_stat_user_indexes WHERE indexrelname = 'events_kind'"
    );
    wait_until(&connect(url).await, &seen).await;
}
