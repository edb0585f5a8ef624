//! The Citus co-location rule, proven on the migrated LMA schema (docs/scaling.md): every
//! foreign key between tenant tables carries `organization_id` on both sides, and every
//! unique constraint of a tenant table leads with it, except the ones named here with their
//! reason. A new key that breaks the rule, or an exception that disappears, fails the test.

use tokio_postgres::Client;

use crate::support::TestDb;

/// Unique constraints (and primary keys) of tenant tables that do not lead with
/// `organization_id`, and why. docs/scaling.md says what each becomes on Citus.
const UNIQUE_EXCEPTIONS: &[(&str, &str)] = &[
    (
        "pk_users",
        "surrogate key; uq_users_organization_id_id is the tenant key",
    ),
    (
        "pk_leads",
        "surrogate key; uq_leads_organization_id_id is the tenant key",
    ),
    (
        "pk_campaigns",
        "surrogate key; uq_campaigns_organization_id_id is the tenant key",
    ),
    (
        "pk_workflows",
        "surrogate key; uq_workflows_organization_id_id is the tenant key",
    ),
    ("pk_communications", "surrogate key, referenced by nothing"),
    ("pk_lead_notes", "surrogate key, referenced by nothing"),
    (
        "pk_workflow_executions",
        "surrogate key, referenced by nothing",
    ),
    (
        "pk_lead_scoring_rules",
        "surrogate key, referenced by nothing",
    ),
    (
        "pk_lead_score_history",
        "surrogate key, referenced by nothing",
    ),
    ("pk_activity_logs", "surrogate key, referenced by nothing"),
    ("pk_integrations", "surrogate key, referenced by nothing"),
    (
        "pk_custom_field_definitions",
        "surrogate key, referenced by nothing",
    ),
    ("uq_users_email", "a login e-mail is unique across tenants"),
    ("uq_users_username", "a username is unique across tenants"),
    (
        "uq_workflows_n8n_workflow_id",
        "n8n's workflow ids are global",
    ),
];

/// Tenant tables: the public tables with an `organization_id` column.
const TENANT_TABLES_SQL: &str = "SELECT c.relname::text FROM pg_class AS c
    JOIN pg_namespace AS n ON n.oid = c.relnamespace
    JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1";

/// Every key constraint of a public table, with its columns in key order and, for a foreign
/// key, the referenced table and columns.
const CONSTRAINTS_SQL: &str = "SELECT c.conname::text, c.contype::text, r.relname::text,
        coalesce(f.relname::text, ''),
        ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(n, i)
              JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
        ARRAY(SELECT a.attname::text FROM unnest(coalesce(c.confkey, '{}')) WITH ORDINALITY AS k(n, i)
              JOIN pg_attribute AS a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)
    FROM pg_constraint AS c
    JOIN pg_class AS r ON r.oid = c.conrelid
    JOIN pg_namespace AS n ON n.oid = r.relnamespace
    LEFT JOIN pg_class AS f ON f.oid = c.confrelid
    WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f', 'x') ORDER BY 1";

struct Key {
    name: String,
    kind: String,
    table: String,
    referenced: String,
    columns: Vec<String>,
    referenced_columns: Vec<String>,
}

async fn keys(client: &Client) -> Vec<Key> {
    let rows = client.query(CONSTRAINTS_SQL, &[]).await.unwrap();
    rows.iter()
        .map(|row| Key {
            name: row.get(0),
            kind: row.get(1),
            table: row.get(2),
            referenced: row.get(3),
            columns: row.get(4),
            referenced_columns: row.get(5),
        })
        .collect()
}

async fn tenant_tables(client: &Client) -> Vec<String> {
    let rows = client.query(TENANT_TABLES_SQL, &[]).await.unwrap();
    rows.iter().map(|row| row.get(0)).collect()
}

#[tokio::test]
async fn every_foreign_key_between_tenant_tables_carries_organization_id_on_both_sides() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let tenant = tenant_tables(&client).await;
    assert_eq!(tenant.len(), 18, "{tenant:?}");
    assert!(!tenant.contains(&"organizations".to_owned()));
    let (mut checked, mut to_organizations) = (0, 0);
    for fk in keys(&client).await.iter().filter(|k| k.kind == "f") {
        assert!(
            tenant.contains(&fk.table),
            "{}: on a non-tenant table",
            fk.name
        );
        if fk.referenced == "organizations" {
            // The reference table: the tenant key itself, to organizations' primary key.
            assert_eq!(fk.columns, ["organization_id"], "{}", fk.name);
            assert_eq!(fk.referenced_columns, ["id"], "{}", fk.name);
            to_organizations += 1;
            continue;
        }
        assert!(tenant.contains(&fk.referenced), "{}", fk.name);
        let here = fk.columns.iter().position(|c| c == "organization_id");
        let there = fk
            .referenced_columns
            .iter()
            .position(|c| c == "organization_id");
        assert!(
            here.is_some() && here == there,
            "{} ({:?} -> {}{:?}) does not pair organization_id with organization_id",
            fk.name,
            fk.columns,
            fk.referenced,
            fk.referenced_columns
        );
        checked += 1;
    }
    assert_eq!(checked, 15, "the tenant-to-tenant foreign keys");
    assert_eq!(
        to_organizations, 17,
        "the foreign keys to the reference table"
    );
}

#[tokio::test]
async fn every_unique_key_of_a_tenant_table_leads_with_organization_id_but_the_named_exceptions() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let tenant = tenant_tables(&client).await;
    let mut exceptions = Vec::new();
    for key in keys(&client).await.iter().filter(|k| k.kind != "f") {
        if !tenant.contains(&key.table) {
            continue;
        }
        if key.columns.first().map(String::as_str) != Some("organization_id") {
            exceptions.push(key.name.clone());
        }
    }
    exceptions.sort();
    let mut named: Vec<String> = UNIQUE_EXCEPTIONS
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    named.sort();
    assert_eq!(exceptions, named);
    // Unique indexes outside constraints would escape the check above: there are none.
    let loose: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indrelid
             JOIN pg_namespace AS n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND i.indisunique
               AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = i.indexrelid)",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(loose, 0);
}
