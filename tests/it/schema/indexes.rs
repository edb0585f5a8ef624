//! Every FK column is covered by an index and no index is redundant, at the baseline and on the
//! whole schema: catalog queries (docs/schema-notes.md), so future migrations stay honest.

use tokio_postgres::Client;

use super::{execute, BASELINE};
use crate::support::TestDb;

/// FKs not covered by a valid, non-partial B-tree index whose leading key columns are exactly
/// the FK's columns, in any order (docs/schema-notes.md, query 1).
pub const UNCOVERED_FKS: &str = "
SELECT c.conname::text
FROM pg_constraint AS c
WHERE c.contype = 'f'
  AND c.connamespace = 'public'::regnamespace
  AND NOT EXISTS (
      SELECT 1
      FROM pg_index AS i
      JOIN pg_class AS ic ON ic.oid = i.indexrelid
      JOIN pg_am AS am ON am.oid = ic.relam
      WHERE i.indrelid = c.conrelid
        AND i.indisvalid
        AND i.indpred IS NULL
        AND am.amname = 'btree'
        AND i.indnkeyatts >= cardinality(c.conkey)
        AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey
        AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] <@ c.conkey
  )
ORDER BY 1";

/// Indexes made redundant by another: same table, access method, expressions and predicate,
/// and key columns (with opclass, collation and order options) a leading prefix of the other's
/// (docs/schema-notes.md, query 2). One row per redundant index, `redundant <= covered_by`.
const REDUNDANT_INDEXES: &str = "
WITH ix AS (
    SELECT i.indexrelid, i.indrelid, i.indnkeyatts AS nkeys, am.amname,
           (string_to_array(i.indkey::text, ' ')::int2[])[1:i.indnkeyatts]      AS keys,
           (string_to_array(i.indclass::text, ' ')::oid[])[1:i.indnkeyatts]     AS opclasses,
           (string_to_array(i.indcollation::text, ' ')::oid[])[1:i.indnkeyatts] AS collations,
           (string_to_array(i.indoption::text, ' ')::int2[])[1:i.indnkeyatts]   AS options,
           pg_get_expr(i.indexprs, i.indrelid) AS exprs,
           pg_get_expr(i.indpred, i.indrelid)  AS pred
    FROM pg_index AS i
    JOIN pg_class AS c ON c.oid = i.indexrelid
    JOIN pg_am AS am ON am.oid = c.relam
    WHERE c.relnamespace = 'public'::regnamespace
)
SELECT format('%s <= %s', a.indexrelid::regclass, b.indexrelid::regclass)
FROM ix AS a
JOIN ix AS b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid
WHERE a.amname = b.amname
  AND a.nkeys <= b.nkeys
  AND a.keys       = b.keys[1:a.nkeys]
  AND a.opclasses  = b.opclasses[1:a.nkeys]
  AND a.collations = b.collations[1:a.nkeys]
  AND a.options    = b.options[1:a.nkeys]
  AND a.exprs IS NOT DISTINCT FROM b.exprs
  AND a.pred  IS NOT DISTINCT FROM b.pred
  AND (a.nkeys < b.nkeys OR a.indexrelid > b.indexrelid)
ORDER BY 1";

/// The rows of a one-column catalog query.
pub async fn findings(client: &Client, sql: &str) -> Vec<String> {
    super::strings(client, sql).await
}

async fn fk_count(client: &Client) -> i64 {
    super::count(
        client,
        "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace",
    )
    .await
}

#[tokio::test]
async fn every_foreign_key_is_covered_by_an_index_on_the_whole_schema() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    // The baseline's 27, the four of V21's summary tables and V25's lead_tags.
    assert_eq!(fk_count(&client).await, 32);
    assert_eq!(findings(&client, UNCOVERED_FKS).await, Vec::<String>::new());
}

#[tokio::test]
async fn every_foreign_key_is_covered_by_an_index_at_the_baseline() {
    let db = TestDb::migrated_to(Some(BASELINE)).await;
    let client = db.client().await;
    assert_eq!(fk_count(&client).await, 27);
    assert_eq!(findings(&client, UNCOVERED_FKS).await, Vec::<String>::new());
}

#[tokio::test]
async fn the_coverage_query_finds_a_foreign_key_whose_index_is_gone_or_partial() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    // ix_lead_notes_user_id is the only index leading with (organization_id, user_id).
    execute(&client, "DROP INDEX ix_lead_notes_user_id", &[]).await;
    assert_eq!(
        findings(&client, UNCOVERED_FKS).await,
        ["fk_lead_notes_user"]
    );
    // A partial index cannot serve the FK's lookups for every row.
    execute(
        &client,
        "CREATE INDEX partial_notes_user ON lead_notes (user_id, organization_id) WHERE user_id > 0",
        &[],
    )
    .await;
    assert_eq!(
        findings(&client, UNCOVERED_FKS).await,
        ["fk_lead_notes_user"]
    );
    // The FK's columns in the other order are fine.
    execute(
        &client,
        "CREATE INDEX notes_user_org ON lead_notes (user_id, organization_id, created_at)",
        &[],
    )
    .await;
    assert_eq!(findings(&client, UNCOVERED_FKS).await, Vec::<String>::new());
}

#[tokio::test]
async fn no_index_is_redundant_on_the_whole_schema() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    assert_eq!(
        findings(&client, REDUNDANT_INDEXES).await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn no_index_is_redundant_at_the_baseline() {
    let db = TestDb::migrated_to(Some(BASELINE)).await;
    let client = db.client().await;
    assert_eq!(
        findings(&client, REDUNDANT_INDEXES).await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn the_redundancy_query_finds_prefixes_and_duplicates_but_not_other_orders() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    for sql in [
        // A prefix of idx_leads_rep_pipeline (organization_id, assigned_to_id, status, ...).
        "CREATE INDEX prefix_org_assigned ON leads (organization_id, assigned_to_id)",
        // A prefix of score_asc below.
        "CREATE INDEX prefix_org_status ON leads (organization_id, status)",
        // Same keys, other order of score: not redundant.
        "CREATE INDEX score_asc ON leads (organization_id, status, score)",
        // An exact duplicate of ix_lead_notes_user_id.
        "CREATE INDEX dup_notes_user ON lead_notes (organization_id, user_id)",
        // Same keys as ix_lead_notes_user_id but partial: another predicate, not redundant.
        "CREATE INDEX partial_notes_user ON lead_notes (organization_id, user_id) WHERE user_id IS NOT NULL",
    ] {
        execute(&client, sql, &[]).await;
    }
    assert_eq!(
        findings(&client, REDUNDANT_INDEXES).await,
        [
            "dup_notes_user <= ix_lead_notes_user_id",
            "prefix_org_assigned <= idx_leads_rep_pipeline",
            "prefix_org_status <= score_asc",
        ]
    );
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
