//! `lma seed` is deterministic: the same seed and anchor give the same rows, another seed other
//! rows, and another anchor the same history moved in time.

use lma::seed;
use tokio_postgres::Client;

use super::{content_hashes, count, date, seed_db_at};
use crate::support::{json, TestDb};

#[tokio::test]
async fn the_same_seed_and_anchor_give_identical_tables_and_another_seed_does_not() {
    let (first, second, other) =
        tokio::join!(TestDb::migrated(), TestDb::migrated(), TestDb::migrated());
    let anchor = date("2026-01-01");
    tokio::join!(
        seed_db_at(&first, 2_000, 7, anchor),
        seed_db_at(&second, 2_000, 7, anchor),
        seed_db_at(&other, 2_000, 8, anchor)
    );
    let first = content_hashes(&first.client().await).await;
    assert_eq!(first, content_hashes(&second.client().await).await);
    let other = content_hashes(&other.client().await).await;
    for ((table, a), (_, b)) in first.iter().zip(&other) {
        assert_ne!(a, b, "{table} is the same under another seed");
    }
}

/// Timestamps relative to the anchor's midnight (`$1`), which another anchor must not change.
const RELATIVE_TIMES: [&str; 3] = [
    "SELECT md5(string_agg(concat_ws(' ', id, created_at - $1, updated_at - $1,
         last_contacted_at - $1, expected_close_date - ($1 AT TIME ZONE 'UTC')::date),
         '|' ORDER BY id)) FROM leads",
    "SELECT md5(string_agg(concat_ws(' ', id, created_at - $1, scheduled_at - $1), '|' ORDER BY id))
     FROM communications",
    "SELECT md5(string_agg(concat_ws(' ', id, last_login - $1), '|' ORDER BY id)) FROM users",
];

async fn relative_times(client: &Client, anchor: time::Date) -> Vec<String> {
    let midnight = anchor.midnight().assume_utc();
    let mut hashes = Vec::new();
    for sql in RELATIVE_TIMES {
        let row = client.query_one(sql, &[&midnight]).await;
        hashes.push(row.unwrap_or_else(|err| panic!("{sql}: {err}")).get(0));
    }
    hashes
}

async fn newest_lead(client: &Client) -> time::OffsetDateTime {
    let sql = "SELECT max(created_at) FROM leads";
    client.query_one(sql, &[]).await.unwrap().get(0)
}

/// The same seed on another anchor is the same history, moved: every table differs, and
/// every timestamp by exactly the anchors' difference.
#[tokio::test]
async fn another_anchor_shifts_the_data_by_the_difference() {
    let (early, late) = tokio::join!(TestDb::migrated(), TestDb::migrated());
    let (first, second) = (date("2026-01-01"), date("2026-11-22"));
    tokio::join!(
        seed_db_at(&early, 2_000, 7, first),
        seed_db_at(&late, 2_000, 7, second)
    );
    let (early, late) = (early.client().await, late.client().await);
    assert_eq!(
        relative_times(&early, first).await,
        relative_times(&late, second).await
    );
    let shift = newest_lead(&late).await - newest_lead(&early).await;
    assert_eq!(shift, time::Duration::days(325));
    let (before, after) = (content_hashes(&early).await, content_hashes(&late).await);
    for ((table, a), (_, b)) in before.iter().zip(&after) {
        assert_ne!(a, b, "{table} is the same under another anchor");
    }
}

/// `lma seed` without --anchor ends the history today, so the application's recent time
/// windows (last 30 days, last 7, upcoming) have rows to find in the largest tenant.
#[tokio::test]
async fn by_default_the_history_ends_today_and_recent_windows_have_rows() {
    let db = TestDb::migrated().await;
    let output = db
        .lma()
        .args(["seed", "--leads", "2000", "--format", "json", "-q"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let today = seed::world::today().to_string();
    assert_eq!(json(&output)["anchor"], today.as_str());
    let client = db.client().await;
    let windows = [
        "leads WHERE created_at >= now() - interval '30 days'",
        "communications WHERE created_at >= now() - interval '30 days'",
        "communications WHERE status = 'scheduled' AND scheduled_at >= now()",
        "workflow_executions WHERE started_at >= now() - interval '30 days'",
        "activity_logs WHERE created_at >= now() - interval '7 days'",
        "lead_score_history WHERE changed_at >= now() - interval '30 days'",
    ];
    for window in windows {
        let sql = format!(
            "SELECT count(*) FROM {window} AND organization_id =
               (SELECT organization_id FROM leads GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)"
        );
        assert!(count(&client, &sql).await > 0, "no rows in {window}");
    }
    let logins = "SELECT count(*) FROM users WHERE last_login >= now() - interval '30 days'";
    assert!(count(&client, logins).await > 0, "no recent logins");
    let future = "SELECT count(*) FROM leads WHERE created_at > now()";
    assert_eq!(
        count(&client, future).await,
        0,
        "leads created in the future"
    );
}

#[test]
fn a_malformed_anchor_is_a_usage_error() {
    let output = crate::support::lma_binary()
        .args(["seed", "--anchor", "2026-02-30"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty());
    assert_eq!(
        stderr.lines().next(),
        Some("error: invalid value '2026-02-30' for '--anchor <YYYY-MM-DD>': not a calendar date as YYYY-MM-DD (day was not in range)"),
    );
}
