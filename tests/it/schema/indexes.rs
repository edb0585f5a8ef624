//! The schema passes the gate users get: `lma indexes` (uncovered foreign keys, redundant and
//! duplicate indexes, and the rest of its kinds) finds nothing at the baseline and on the whole
//! schema, so future migrations stay honest. The rules themselves are tested in tests/it/indexes/.

use serde_json::Value;
use tokio_postgres::Client;

use super::BASELINE;
use crate::support::TestDb;

/// Every finding of `lma indexes` on the database, as `kind name`, but "unused": a fresh
/// database has no scans to judge it by (the report marks it unreliable).
pub fn index_findings(db: &TestDb) -> Vec<String> {
    let output = crate::indexes::run(db.lma(), "", &[]);
    let report: Value = crate::indexes::parse(&output);
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] != "unused")
        .map(|f| {
            let subject = if f["index"].is_null() {
                &f["constraint"]
            } else {
                &f["index"]
            };
            format!("{} {subject}", f["kind"])
        })
        .collect()
}

/// The rows of a one-column catalog query.
pub async fn findings(client: &Client, sql: &str) -> Vec<String> {
    super::strings(client, sql).await
}

#[tokio::test]
async fn lma_indexes_finds_nothing_on_the_whole_schema() {
    let db = TestDb::migrated().await;
    assert_eq!(index_findings(&db), Vec::<String>::new());
}

#[tokio::test]
async fn lma_indexes_finds_nothing_at_the_baseline() {
    let db = TestDb::migrated_to(Some(BASELINE)).await;
    assert_eq!(index_findings(&db), Vec::<String>::new());
}

#[tokio::test]
async fn every_index_that_backs_no_constraint_says_which_query_it_serves() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let silent = findings(
        &client,
        "SELECT c.relname::text FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid \
         WHERE c.relnamespace = 'public'::regnamespace \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint AS k WHERE k.conindid = i.indexrelid) \
           AND coalesce(obj_description(c.oid, 'pg_class'), '') = '' ORDER BY 1",
    )
    .await;
    assert_eq!(silent, Vec::<String>::new());
}
