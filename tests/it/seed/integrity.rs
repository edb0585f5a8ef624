//! What a seed leaves behind: every constraint holds, the indexes are as migrated, and every
//! table is analyzed and all-visible.

use lma::seed::{self, tables::Table};
use tokio_postgres::Client;

use super::{count, seed_db};
use crate::schema::summaries::assert_summaries_exact;
use crate::support::TestDb;

/// A seeded database is ready to be measured: every table analyzed and every page all-visible,
/// so index-only scans (and the plans `lma check` expects) are what production would get. A
/// VACUUM that runs while the rows' commits are unflushed or still concurrent marks nothing.
#[tokio::test]
async fn seeding_leaves_every_table_analyzed_and_all_visible() {
    let db = TestDb::migrated().await;
    seed_db(&db, 20_000, seed::DEFAULT_SEED).await;
    let rows = db
        .client()
        .await
        .query(
            "SELECT c.relname::text, c.relpages, c.relallvisible, s.last_analyze IS NOT NULL
             FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
             WHERE c.relname <> 'refinery_schema_history' ORDER BY 1",
            &[],
        )
        .await
        .unwrap();
    // The 14 tables lma seed loads and the five summaries (V21, V25) it rebuilds from them.
    assert_eq!(rows.len(), Table::ALL.len() + 5);
    for row in rows {
        let (table, pages, visible, analyzed): (String, i32, i32, bool) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        assert!(analyzed, "{table} was not analyzed");
        assert_eq!(
            visible, pages,
            "{table}: {visible} of {pages} pages all-visible"
        );
    }
    assert_summaries_exact(&db.client().await, "lma seed").await;
}

#[tokio::test]
async fn every_foreign_key_and_check_constraint_holds() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let indexes_before = index_definitions(&client).await;
    seed_db(&db, 3_000, 42).await;
    let fks = client
        .query(
            "SELECT conname, conrelid::regclass::text, confrelid::regclass::text,
                    ARRAY(SELECT quote_ident(attname) FROM unnest(conkey) WITH ORDINALITY AS k(n, i)
                          JOIN pg_attribute ON attrelid = conrelid AND attnum = k.n ORDER BY k.i),
                    ARRAY(SELECT quote_ident(attname) FROM unnest(confkey) WITH ORDINALITY AS k(n, i)
                          JOIN pg_attribute ON attrelid = confrelid AND attnum = k.n ORDER BY k.i)
             FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        fks.len(),
        32,
        "the schema has 32 foreign keys (27, V21's four and V25's)"
    );
    for fk in &fks {
        let (name, child, parent): (&str, &str, &str) = (fk.get(0), fk.get(1), fk.get(2));
        let (from, to): (Vec<String>, Vec<String>) = (fk.get(3), fk.get(4));
        let not_null: Vec<String> = from.iter().map(|c| format!("c.{c} IS NOT NULL")).collect();
        let matches: Vec<String> = from
            .iter()
            .zip(&to)
            .map(|(f, t)| format!("p.{t} = c.{f}"))
            .collect();
        let sql = format!(
            "SELECT count(*) FROM {child} AS c WHERE {} AND NOT EXISTS (SELECT 1 FROM {parent} AS p WHERE {})",
            not_null.join(" AND "),
            matches.join(" AND ")
        );
        assert_eq!(count(&client, &sql).await, 0, "orphans of {name}");
    }
    let checks = client
        .query(
            "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid)
             FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(checks.len(), 42, "the schema has 42 CHECK constraints");
    for check in &checks {
        let (name, table, def): (&str, &str, &str) = (check.get(0), check.get(1), check.get(2));
        let expr = def
            .trim_start_matches("CHECK ")
            .trim_end_matches(" NOT VALID");
        let sql = format!("SELECT count(*) FROM {table} WHERE NOT {expr}");
        assert_eq!(count(&client, &sql).await, 0, "rows violating {name}");
    }
    assert_eq!(
        index_definitions(&client).await,
        indexes_before,
        "the indexes are as migrated"
    );
    assert_domain_facts(&client).await;
}

async fn assert_domain_facts(client: &Client) {
    let facts = [
        "SELECT count(*) - count(DISTINCT email) FROM users",
        "SELECT count(*) FROM communications WHERE status = 'scheduled' AND scheduled_at <= now()",
        "SELECT count(*) FROM workflow_executions WHERE status = 'error' AND error IS NULL",
        "SELECT count(*) FROM leads WHERE status = 'NEW' AND first_contacted_at IS NOT NULL",
        "SELECT count(*) FROM leads WHERE jsonb_typeof(tags) <> 'array'
             OR EXISTS (SELECT 1 FROM jsonb_array_elements(tags) AS e WHERE jsonb_typeof(e) <> 'string')",
        // The identity sequences follow the loaded ids.
        "SELECT nextval(pg_get_serial_sequence('leads', 'id')) - 1 - max(id) FROM leads",
        "SELECT nextval(pg_get_serial_sequence('activity_logs', 'id')) - 1 - max(id) FROM activity_logs",
    ];
    for sql in facts {
        assert_eq!(count(client, sql).await, 0, "{sql}");
    }
}

async fn index_definitions(client: &Client) -> Vec<(String, String, Option<String>)> {
    let rows = client
        .query(
            "SELECT indexname::text, indexdef, obj_description(format('%I.%I', schemaname, indexname)::regclass, 'pg_class')
             FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
            &[],
        )
        .await
        .unwrap();
    rows.iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}
