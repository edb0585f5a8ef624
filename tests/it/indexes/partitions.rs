//! Partitioned tables: findings on the parent's index or foreign key, once, with a fix
//! PostgreSQL accepts, judged over every partition.

use super::{database_with, finding, findings, report, run, RELIABLE};
use crate::support::wait_until;

#[tokio::test]
async fn duplicates_on_a_partitioned_table_are_one_finding_on_the_parent_index_and_its_fix_runs() {
    let db = database_with("partitioned").await;
    let before = report(&run(db.lma(), "", &["--fail-on", "redundant"]), 1);
    assert_eq!(findings(&before, "redundant"), ["public.b"], "{before:#}");
    let redundant = finding(&before, "redundant", "public.b");
    assert_eq!(redundant["sql"], "DROP INDEX IF EXISTS public.b;");
    let reason = redundant["reason"].as_str().unwrap();
    assert!(
        reason.contains("ACCESS EXCLUSIVE lock on the table and every partition"),
        "{reason}"
    );
    db.client()
        .await
        .batch_execute(redundant["sql"].as_str().unwrap())
        .await
        .expect("the suggested statement runs as printed");
    let after = report(&run(db.lma(), "", &["--fail-on", "redundant"]), 0);
    assert!(findings(&after, "redundant").is_empty(), "{after:#}");
}

#[tokio::test]
async fn an_index_unused_on_every_partition_is_one_finding_and_one_used_on_a_partition_is_kept() {
    let db = database_with("partitioned").await;
    let client = db.client().await;
    client.batch_execute("DROP INDEX b").await.unwrap();
    let unused = report(&run(db.lma(), RELIABLE, &[]), 1);
    assert_eq!(findings(&unused, "unused"), ["public.a"]);
    assert_eq!(
        finding(&unused, "unused", "public.a")["sql"],
        "DROP INDEX IF EXISTS public.a;"
    );
    client
        .batch_execute("SET enable_seqscan = off; SELECT count(*) FROM events_2025 WHERE deleted")
        .await
        .unwrap();
    drop(client);
    wait_until(
        &db.client().await,
        "SELECT idx_scan > 0 FROM pg_stat_user_indexes WHERE indexrelname = 'events_2025_deleted_idx'",
    )
    .await;
    let used = report(&run(db.lma(), RELIABLE, &[]), 0);
    assert!(findings(&used, "unused").is_empty(), "{used:#}");
    assert_eq!(super::index(&used, "a")["idx_scan"], 1);
}

#[tokio::test]
async fn a_partitioned_foreign_key_is_one_lookup_over_every_partition() {
    let db = database_with("partitioned").await;
    let covered = report(&run(db.lma(), "", &["--fail-on", "missing-fk"]), 0);
    assert!(findings(&covered, "missing-fk").is_empty(), "{covered:#}");
    let client = db.client().await;
    client
        .batch_execute(
            "DROP INDEX events_account; \
             CREATE INDEX events_2025_account ON events_2025 (account_id)",
        )
        .await
        .unwrap();
    let missing = report(&run(db.lma(), "", &["--fail-on", "missing-fk"]), 1);
    assert_eq!(findings(&missing, "missing-fk"), ["events_account_id_fkey"]);
    let fk = finding(&missing, "missing-fk", "events_account_id_fkey");
    assert_eq!(fk["table"], "public.events");
    assert!(
        fk["reason"]
            .as_str()
            .unwrap()
            .contains("reads events_2026 without an index"),
        "{fk}"
    );
    assert_eq!(
        fk["sql"],
        "CREATE INDEX IF NOT EXISTS events_account_id_idx ON public.events (account_id);"
    );
    client
        .batch_execute(fk["sql"].as_str().unwrap())
        .await
        .expect("the suggested statement runs as printed");
    let fixed = report(&run(db.lma(), "", &["--fail-on", "missing-fk"]), 0);
    assert!(findings(&fixed, "missing-fk").is_empty(), "{fixed:#}");
}
