//! Dropping a query index fails a check: the one a check requires names it, and at `small`
//! every query index is guarded by some check, but those that only serve a foreign key or sit on
//! a table read whole.

use super::{run, seeded, seeded_template};
use crate::support::TestDb;

/// The query indexes whose drop fails no check at `small`, each with its measurement in
/// docs/checks.md ("Dropping an index"). These three only serve a foreign key's referential
/// actions, which no check runs.
const FK_ONLY: &[&str] = &[
    "ix_communications_user_id",
    "ix_lead_notes_user_id",
    "ix_workflows_created_by",
];

/// ...and these are on tables below min_table_pages at `small` (2 to 12 pages), where the plan
/// without them reads as few buffers and is not judged by shape; their checks fail without them
/// at `large` (docs/checks.md).
const ON_SMALL_TABLES: &[&str] = &[
    "idx_campaigns_active_type_name",
    "idx_lead_scoring_rules_active_priority",
    "idx_user_stats_won",
    "idx_users_org_login",
    "idx_users_verified_active",
    "idx_workflows_org_active",
    "ix_campaigns_created_by",
];

/// Of the given indexes, those whose table has 16 pages or more.
const ON_LARGER_TABLES: &str = "
SELECT i.relname::text
FROM pg_index AS x
JOIN pg_class AS i ON i.oid = x.indexrelid
JOIN pg_class AS t ON t.oid = x.indrelid
WHERE i.relname = ANY($1) AND t.relpages >= 16";

#[tokio::test]
async fn dropping_any_query_index_at_small_fails_a_check() {
    let template = seeded_template();
    let probe = TestDb::from_template(template).await;
    let (_, report, stderr) = run(
        &probe,
        &[
            "check",
            "--format",
            "json",
            "--no-latency",
            "--only",
            "lead_summary",
        ],
    );
    // Without --no-latency the p95 budget made this probe fail on a loaded machine.
    assert!(
        report["checks"][0]["passed"] == true,
        "{report:#}\n{stderr}"
    );
    let indexes: Vec<String> = probe
        .client()
        .await
        .query(QUERY_INDEX_NAMES, &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(indexes.len(), 33, "{indexes:?}");
    let larger = probe
        .client()
        .await
        .query(ON_LARGER_TABLES, &[&ON_SMALL_TABLES])
        .await
        .unwrap();
    assert!(
        larger.is_empty(),
        "not on small tables: {:?}",
        larger
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect::<Vec<_>>()
    );
    drop(probe);
    let mut unguarded = Vec::new();
    for index in indexes
        .iter()
        .filter(|i| ![FK_ONLY, ON_SMALL_TABLES].concat().contains(&i.as_str()))
    {
        let db = TestDb::from_template(template).await;
        let drop_index = format!("DROP INDEX {}", quote(index));
        db.client().await.batch_execute(&drop_index).await.unwrap();
        let quick = [
            "check",
            "--format",
            "json",
            "--no-latency",
            "--iterations",
            "1",
        ];
        let (code, report, stderr) = run(&db, &[&quick[..], &["--warmup", "0"]].concat());
        assert!(code < 2, "{index}: {stderr}");
        if report["failed"] == 0 {
            unguarded.push(index.clone());
        }
    }
    assert!(unguarded.is_empty(), "no check fails without {unguarded:?}");
}

/// The indexes that exist only to serve queries, as `lma check`'s coverage lists them.
const QUERY_INDEX_NAMES: &str = "
SELECT i.relname::text
FROM pg_index AS x
JOIN pg_class AS i ON i.oid = x.indexrelid
JOIN pg_namespace AS n ON n.oid = i.relnamespace
WHERE n.nspname = 'public'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c
                  WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))
ORDER BY 1";

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

#[tokio::test]
async fn dropping_the_index_a_check_requires_fails_that_check_naming_the_index() {
    let db = seeded().await;
    db.client()
        .await
        .batch_execute("DROP INDEX idx_leads_assignable")
        .await
        .unwrap();
    let output = db
        .lma()
        .args(["check", "--no-latency", "--iterations", "2"])
        .args(["--only", "lead_assignment_queue,recent_leads"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("FAIL lead_assignment_queue: index idx_leads_assignable on leads not used"),
        "{stdout}"
    );
    assert!(!stdout.contains("FAIL recent_leads"), "{stdout}");
    assert!(stdout.contains("1 passed, 1 failed"), "{stdout}");
}
