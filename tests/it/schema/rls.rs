//! Row-level security: as `lma_app` with organization A set, every table and every view (found
//! in the catalog, so new ones are covered) shows all of A's rows and none of B's; without the
//! setting it shows nothing; writes into B are rejected; the owner sees everything.

use tokio_postgres::Client;

use super::{count, server_error, strings, tables, tenant, views, Tenant};
use crate::support::TestDb;

/// SQLSTATE of "new row violates row-level security policy" (insufficient_privilege).
const RLS_VIOLATION: &str = "42501";

/// Relations whose rows are organizations: their tenant column is `id`.
const ORGANIZATION_ROWS: &[&str] = &[
    "organizations",
    "v_organization_metrics",
    "v_organization_health",
];

/// Every table and view of the schema with the column that names its tenant.
async fn relations(client: &Client) -> Vec<(String, &'static str)> {
    let mut relations = tables(client).await;
    relations.extend(views(client).await);
    let mut with_tenant = Vec::new();
    for relation in relations {
        if ORGANIZATION_ROWS.contains(&relation.as_str()) {
            with_tenant.push((relation, "id"));
            continue;
        }
        let sql = format!(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = '{relation}'::regclass \
             AND attname = 'organization_id' AND NOT attisdropped"
        );
        assert_eq!(
            count(client, &sql).await,
            1,
            "{relation} has no organization_id: how is it isolated?"
        );
        with_tenant.push((relation, "organization_id"));
    }
    assert!(
        with_tenant.len() >= 20,
        "14 tables and 6 views: {with_tenant:?}"
    );
    with_tenant
}

/// Rows of `relation` per tenant: (of A, not of A).
async fn split(client: &Client, relation: &str, column: &str, a: i32) -> (i64, i64) {
    let row = client
        .query_one(
            &format!(
                "SELECT count(*) FILTER (WHERE {column} = $1), count(*) FILTER (WHERE {column} IS DISTINCT FROM $1) \
                 FROM {relation}"
            ),
            &[&a],
        )
        .await
        .unwrap_or_else(|err| panic!("{relation}: {}", super::explain(&err)));
    (row.get(0), row.get(1))
}

async fn two_tenants(db: &TestDb) -> (Client, Tenant, Tenant) {
    let client = db.client().await;
    let a = tenant(&client, "alpha").await;
    let b = tenant(&client, "beta").await;
    (client, a, b)
}

#[tokio::test]
async fn lma_app_with_a_tenant_set_sees_all_of_its_rows_and_none_of_another_tenant() {
    let db = TestDb::migrated().await;
    let (client, a, _) = two_tenants(&db).await;
    let relations = relations(&client).await;
    let mut as_owner = Vec::new();
    for (relation, column) in &relations {
        as_owner.push(split(&client, relation, column, a.org).await);
    }
    client
        .batch_execute(&format!(
            "SET ROLE lma_app; SET lma.organization_id = '{}'",
            a.org
        ))
        .await
        .unwrap();
    for ((relation, column), (owner_a, _)) in relations.iter().zip(as_owner) {
        let (of_a, of_others) = split(&client, relation, column, a.org).await;
        assert_eq!(
            of_others, 0,
            "{relation}: lma_app for tenant A sees other tenants' rows"
        );
        assert!(owner_a > 0, "{relation}: the fixture gives tenant A rows");
        assert_eq!(
            of_a, owner_a,
            "{relation}: lma_app sees all of tenant A's rows"
        );
    }
}

#[tokio::test]
async fn lma_app_without_a_tenant_or_with_an_empty_one_sees_no_rows() {
    let db = TestDb::migrated().await;
    let (client, ..) = two_tenants(&db).await;
    let relations = relations(&client).await;
    client.batch_execute("SET ROLE lma_app").await.unwrap();
    let unset = client
        .query_one("SELECT current_setting('lma.organization_id', true)", &[])
        .await
        .unwrap();
    assert_eq!(
        unset.get::<_, Option<String>>(0),
        None,
        "never set in this session"
    );
    for setting in [
        "never set",
        "SET lma.organization_id = ''",
        "RESET lma.organization_id",
    ] {
        if setting.starts_with("SET") || setting.starts_with("RESET") {
            client.batch_execute(setting).await.unwrap();
        }
        for (relation, _) in &relations {
            let rows = count(&client, &format!("SELECT count(*) FROM {relation}")).await;
            assert_eq!(rows, 0, "{relation} with the tenant {setting}");
        }
    }
}

#[tokio::test]
async fn lma_app_cannot_insert_a_row_of_another_tenant_into_any_table() {
    let db = TestDb::migrated().await;
    let (client, a, b) = two_tenants(&db).await;
    // A copy of one of tenant B's rows of each table, read as the owner.
    let mut copies = Vec::new();
    for table in tables(&client).await {
        let column = if table == "organizations" {
            "id"
        } else {
            "organization_id"
        };
        let row = client
            .query_one(
                &format!("SELECT to_jsonb(t)::text FROM {table} AS t WHERE {column} = $1 LIMIT 1"),
                &[&b.org],
            )
            .await
            .unwrap();
        let writable = count(
            &client,
            &format!("SELECT has_table_privilege('lma_app', '{table}', 'INSERT')::int::bigint"),
        )
        .await
            == 1;
        copies.push((table, row.get::<_, String>(0), writable));
    }
    client
        .batch_execute(&format!(
            "SET ROLE lma_app; SET lma.organization_id = '{}'",
            a.org
        ))
        .await
        .unwrap();
    for (table, json, writable) in copies {
        // The policy's WITH CHECK runs before the unique and FK checks, so the copy (same keys)
        // fails on the policy, not on a duplicate key. The summaries (V21) are read-only to
        // lma_app: the privilege check fails first.
        let sql = format!(
            "INSERT INTO {table} SELECT * FROM jsonb_populate_record(NULL::{table}, '{}'::jsonb)",
            json.replace('\'', "''")
        );
        let err = server_error(&client, &sql).await;
        assert_eq!(err.code().code(), RLS_VIOLATION, "{table}: {err}");
        let reason = if writable {
            "row-level security"
        } else {
            "permission denied"
        };
        assert!(err.message().contains(reason), "{table}: {err}");
    }
}

#[tokio::test]
async fn lma_app_cannot_move_its_rows_to_another_tenant_or_touch_that_tenants_rows() {
    let db = TestDb::migrated().await;
    let (client, a, b) = two_tenants(&db).await;
    client
        .batch_execute(&format!(
            "SET ROLE lma_app; SET lma.organization_id = '{}'",
            a.org
        ))
        .await
        .unwrap();
    let err = server_error(
        &client,
        &format!("UPDATE lead_notes SET organization_id = {}", b.org),
    )
    .await;
    assert_eq!(err.code().code(), RLS_VIOLATION, "{err}");
    let touched = client
        .execute(
            "UPDATE leads SET score = 99 WHERE organization_id = $1",
            &[&b.org],
        )
        .await
        .unwrap();
    assert_eq!(touched, 0, "B's leads are invisible to UPDATE");
    let deleted = client
        .execute(
            "DELETE FROM lead_notes WHERE organization_id = $1",
            &[&b.org],
        )
        .await
        .unwrap();
    assert_eq!(deleted, 0, "B's notes are invisible to DELETE");
    client.batch_execute("RESET ROLE").await.unwrap();
    let unchanged = count(
        &client,
        &format!(
            "SELECT count(*) FROM lead_notes WHERE organization_id = {}",
            b.org
        ),
    )
    .await;
    assert_eq!(unchanged, 1);
}

#[tokio::test]
async fn the_owner_sees_every_tenants_rows_in_every_table_and_view() {
    let db = TestDb::migrated().await;
    let (client, a, _) = two_tenants(&db).await;
    client
        .batch_execute(&format!("SET lma.organization_id = '{}'", a.org))
        .await
        .unwrap();
    let owner = strings(
        &client,
        "SELECT DISTINCT (pg_get_userbyid(relowner) = current_user)::text FROM pg_class \
         WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'v')",
    )
    .await;
    assert_eq!(
        owner,
        ["true"],
        "the test connection is the owner of every relation"
    );
    for (relation, column) in relations(&client).await {
        let (of_a, of_others) = split(&client, &relation, column, a.org).await;
        assert!(
            of_a > 0 && of_others > 0,
            "{relation}: the owner sees A {of_a}, others {of_others}"
        );
    }
}

#[tokio::test]
async fn every_table_has_row_level_security_enabled_with_a_policy_for_lma_app() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let unprotected = strings(
        &client,
        "SELECT c.relname::text FROM pg_class AS c \
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') \
           AND c.relname <> 'refinery_schema_history' \
           AND (NOT c.relrowsecurity OR NOT EXISTS (SELECT 1 FROM pg_policies AS p \
                WHERE p.schemaname = 'public' AND p.tablename = c.relname AND 'lma_app' = ANY (p.roles))) \
         ORDER BY 1",
    )
    .await;
    assert_eq!(unprotected, Vec::<String>::new());
    let definer_views = strings(
        &client,
        "SELECT relname::text FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'v' \
           AND NOT coalesce('security_invoker=true' = ANY (reloptions), false) ORDER BY 1",
    )
    .await;
    assert_eq!(
        definer_views,
        Vec::<String>::new(),
        "views must not bypass RLS"
    );
}
