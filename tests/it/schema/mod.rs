//! The LMA schema (migrations V1..V18) proven on fresh databases: enums, constraints, foreign
//! keys, indexes, views, row-level security and the baseline (issue 3's "Done when").
//!
//! Helpers shared by the files of this module live here: the fixture that builds one row in
//! every table for a tenant, and small accessors for server errors and catalog lists.

mod baseline;
mod constraints;
mod dump;
mod enums;
mod foreign_keys;
mod indexes;
mod rls;
pub mod summaries;
mod views;

use tokio_postgres::error::DbError;
use tokio_postgres::Client;

/// The last version of the baseline schema (README, docs/schema.md).
pub const BASELINE: i64 = 10;

/// The ids of a tenant built by [`tenant`]: one row in every table of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Tenant {
    pub org: i32,
    pub user: i32,
    pub lead: i32,
    pub workflow: i32,
}

/// Inserts one organization and one row of every tenant table for it, every nullable FK
/// column filled, so each of the schema's foreign keys has a referencing row. `key` makes the
/// globally unique values (slug, e-mail, username, n8n id) unique across tenants.
pub async fn tenant(client: &Client, key: &str) -> Tenant {
    let name = format!("Org {key}");
    let org = insert_id(
        client,
        "INSERT INTO organizations (name, slug, size, settings) VALUES ($1, $2, 'small', '{}') RETURNING id",
        &[&name, &key],
    )
    .await;
    let email = format!("rep@{key}.example");
    let user = insert_id(
        client,
        "INSERT INTO users (organization_id, email, username, first_name, last_name, hashed_password) \
         VALUES ($1, $2, $3, 'Rita', 'Rep', 'x') RETURNING id",
        &[&org, &email, &key],
    )
    .await;
    let lead = insert_id(
        client,
        "INSERT INTO leads (organization_id, assigned_to_id, email, first_name, last_name, score, value, tags, custom_fields) \
         VALUES ($1, $2, 'lead@customer.example', 'Lee', 'Lead', 50, 1000, '[\"vip\"]', '{}') RETURNING id",
        &[&org, &user],
    )
    .await;
    let campaign = insert_id(
        client,
        "INSERT INTO campaigns (organization_id, created_by, name, budget_allocated, budget_spent, start_date, end_date) \
         VALUES ($1, $2, 'Spring', 1000, 100, '2025-03-01', '2025-05-31') RETURNING id",
        &[&org, &user],
    )
    .await;
    let n8n = format!("n8n-{key}");
    let workflow = insert_id(
        client,
        "INSERT INTO workflows (organization_id, created_by, n8n_workflow_id, name) \
         VALUES ($1, $2, $3, 'Welcome') RETURNING id",
        &[&org, &user, &n8n],
    )
    .await;
    let children = [
        "INSERT INTO communications (organization_id, lead_id, user_id, communication_type, direction) \
         VALUES ($1, $2, $3, 'email', 'outbound')",
        "INSERT INTO lead_notes (organization_id, lead_id, user_id, content) VALUES ($1, $2, $3, 'Called back')",
        "INSERT INTO activity_logs (organization_id, lead_id, user_id, activity_type) VALUES ($1, $2, $3, 'email_sent')",
    ];
    for sql in children {
        execute(client, sql, &[&org, &lead, &user]).await;
    }
    execute(
        client,
        "INSERT INTO campaign_leads (organization_id, campaign_id, lead_id) VALUES ($1, $2, $3)",
        &[&org, &campaign, &lead],
    )
    .await;
    execute(
        client,
        "INSERT INTO workflow_executions (organization_id, workflow_id, lead_id) VALUES ($1, $2, $3)",
        &[&org, &workflow, &lead],
    )
    .await;
    execute(
        client,
        "INSERT INTO lead_score_history (organization_id, lead_id, old_score, new_score) VALUES ($1, $2, 40, 50)",
        &[&org, &lead],
    )
    .await;
    for sql in [
        "INSERT INTO lead_scoring_rules (organization_id, name, points) VALUES ($1, 'Opened email', 5)",
        "INSERT INTO integrations (organization_id, provider, name) VALUES ($1, 'hubspot', 'HubSpot')",
        "INSERT INTO custom_field_definitions (organization_id, field_key, label) VALUES ($1, 'industry', 'Industry')",
    ] {
        execute(client, sql, &[&org]).await;
    }
    Tenant {
        org,
        user,
        lead,
        workflow,
    }
}

/// Runs an INSERT ... RETURNING id that must succeed.
async fn insert_id(
    client: &Client,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> i32 {
    client
        .query_one(sql, params)
        .await
        .unwrap_or_else(|err| panic!("fixture: {sql}: {}", explain(&err)))
        .get(0)
}

/// A client error with the server's message, for panics (`Display` says only "db error").
pub fn explain(err: &tokio_postgres::Error) -> String {
    err.as_db_error()
        .map_or_else(|| err.to_string(), ToString::to_string)
}

/// Runs a statement that must succeed.
pub async fn execute(
    client: &Client,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> u64 {
    client
        .execute(sql, params)
        .await
        .unwrap_or_else(|err| panic!("{sql}: {}", explain(&err)))
}

/// Runs a statement that must fail on the server, and returns the server's error.
pub async fn server_error(client: &Client, sql: &str) -> DbError {
    match client.batch_execute(sql).await {
        Ok(()) => panic!("expected an error, but it succeeded: {sql}"),
        Err(err) => err
            .as_db_error()
            .unwrap_or_else(|| panic!("not a server error ({err}): {sql}"))
            .clone(),
    }
}

/// The first column of every row, as strings.
pub async fn strings(client: &Client, sql: &str) -> Vec<String> {
    client
        .query(sql, &[])
        .await
        .unwrap_or_else(|err| panic!("{sql}: {}", explain(&err)))
        .iter()
        .map(|row| row.get(0))
        .collect()
}

/// A single count.
pub async fn count(client: &Client, sql: &str) -> i64 {
    client
        .query_one(sql, &[])
        .await
        .unwrap_or_else(|err| panic!("{sql}: {}", explain(&err)))
        .get(0)
}

/// The tables of the schema (every table in `public` but refinery's history), as regclass text.
pub async fn tables(client: &Client) -> Vec<String> {
    strings(
        client,
        "SELECT c.oid::regclass::text FROM pg_class AS c \
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') \
           AND c.relname <> 'refinery_schema_history' ORDER BY c.relname::text COLLATE \"C\"",
    )
    .await
}

/// The views of the schema, as regclass text.
pub async fn views(client: &Client) -> Vec<String> {
    strings(
        client,
        "SELECT c.oid::regclass::text FROM pg_class AS c \
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm') ORDER BY c.relname::text COLLATE \"C\"",
    )
    .await
}

/// Sorted, for comparing a catalog list with a list written in a test.
pub fn sorted<S: AsRef<str>>(items: &[S]) -> Vec<String> {
    let mut items: Vec<String> = items.iter().map(|s| s.as_ref().to_owned()).collect();
    items.sort();
    items
}
