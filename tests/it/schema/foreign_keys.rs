//! ON DELETE behaviour of every foreign key: the expected behaviour of each of the 31 is written
//! down here, compared with pg_constraint, and then exercised, each FK on its own.

use tokio_postgres::Client;

use super::{count, execute, server_error, sorted, tables, tenant};
use crate::support::TestDb;

/// SQLSTATE of a foreign-key violation.
const FK_VIOLATION: &str = "23503";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnDelete {
    /// The referencing rows are deleted with the parent.
    Cascade,
    /// Only these columns are nulled (PG15's `SET NULL (col)`): organization_id stays.
    SetNull(&'static str),
    /// The parent cannot be deleted while referenced.
    NoAction,
}

/// Every FK of the schema: (name, table, referenced table, ON DELETE), as docs/schema.md says.
const FOREIGN_KEYS: [(&str, &str, &str, OnDelete); 32] = {
    use OnDelete::{Cascade, NoAction, SetNull};
    [
        ("fk_users_organization", "users", "organizations", NoAction),
        // V21's summaries go with what they summarize.
        (
            "fk_lead_pipeline_stats_organization",
            "lead_pipeline_stats",
            "organizations",
            Cascade,
        ),
        (
            "fk_lead_score_stats_organization",
            "lead_score_stats",
            "organizations",
            Cascade,
        ),
        (
            "fk_organization_daily_stats_organization",
            "organization_daily_stats",
            "organizations",
            Cascade,
        ),
        ("fk_user_stats_user", "user_stats", "users", Cascade),
        (
            "fk_lead_tags_organization",
            "lead_tags",
            "organizations",
            Cascade,
        ),
        ("fk_leads_organization", "leads", "organizations", NoAction),
        (
            "fk_leads_assigned_to",
            "leads",
            "users",
            SetNull("assigned_to_id"),
        ),
        (
            "fk_communications_organization",
            "communications",
            "organizations",
            Cascade,
        ),
        ("fk_communications_lead", "communications", "leads", Cascade),
        (
            "fk_communications_user",
            "communications",
            "users",
            SetNull("user_id"),
        ),
        (
            "fk_lead_notes_organization",
            "lead_notes",
            "organizations",
            Cascade,
        ),
        ("fk_lead_notes_lead", "lead_notes", "leads", Cascade),
        (
            "fk_lead_notes_user",
            "lead_notes",
            "users",
            SetNull("user_id"),
        ),
        (
            "fk_campaigns_organization",
            "campaigns",
            "organizations",
            Cascade,
        ),
        (
            "fk_campaigns_created_by",
            "campaigns",
            "users",
            SetNull("created_by"),
        ),
        (
            "fk_campaign_leads_organization",
            "campaign_leads",
            "organizations",
            Cascade,
        ),
        (
            "fk_campaign_leads_campaign",
            "campaign_leads",
            "campaigns",
            Cascade,
        ),
        ("fk_campaign_leads_lead", "campaign_leads", "leads", Cascade),
        (
            "fk_workflows_organization",
            "workflows",
            "organizations",
            Cascade,
        ),
        (
            "fk_workflows_created_by",
            "workflows",
            "users",
            SetNull("created_by"),
        ),
        (
            "fk_workflow_executions_organization",
            "workflow_executions",
            "organizations",
            Cascade,
        ),
        (
            "fk_workflow_executions_workflow",
            "workflow_executions",
            "workflows",
            Cascade,
        ),
        (
            "fk_workflow_executions_lead",
            "workflow_executions",
            "leads",
            SetNull("lead_id"),
        ),
        (
            "fk_lead_scoring_rules_organization",
            "lead_scoring_rules",
            "organizations",
            Cascade,
        ),
        (
            "fk_lead_score_history_organization",
            "lead_score_history",
            "organizations",
            Cascade,
        ),
        (
            "fk_lead_score_history_lead",
            "lead_score_history",
            "leads",
            Cascade,
        ),
        (
            "fk_activity_logs_organization",
            "activity_logs",
            "organizations",
            Cascade,
        ),
        ("fk_activity_logs_lead", "activity_logs", "leads", Cascade),
        (
            "fk_activity_logs_user",
            "activity_logs",
            "users",
            SetNull("user_id"),
        ),
        (
            "fk_integrations_organization",
            "integrations",
            "organizations",
            Cascade,
        ),
        (
            "fk_custom_field_definitions_organization",
            "custom_field_definitions",
            "organizations",
            Cascade,
        ),
    ]
};

/// A foreign key as the catalog has it; identifiers are quoted (`quote_ident`, regclass).
#[derive(Debug)]
struct CatalogFk {
    name: String,
    table: String,
    parent: String,
    on_delete: String,
    columns: Vec<String>,
    parent_columns: Vec<String>,
    set_null_columns: Vec<String>,
}

const CATALOG_FKS: &str = "
SELECT c.conname::text, c.conrelid::regclass::text, c.confrelid::regclass::text, c.confdeltype::text,
       array(SELECT quote_ident(a.attname) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, i)
             JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.i),
       array(SELECT quote_ident(a.attname) FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, i)
             JOIN pg_attribute AS a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.i),
       array(SELECT quote_ident(a.attname) FROM unnest(c.confdelsetcols) AS k(attnum)
             JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY 1)
FROM pg_constraint AS c
WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
ORDER BY 1";

async fn catalog_fks(client: &Client) -> Vec<CatalogFk> {
    let rows = client.query(CATALOG_FKS, &[]).await.unwrap();
    rows.iter()
        .map(|row| CatalogFk {
            name: row.get(0),
            table: row.get(1),
            parent: row.get(2),
            on_delete: row.get(3),
            columns: row.get(4),
            parent_columns: row.get(5),
            set_null_columns: row.get(6),
        })
        .collect()
}

impl OnDelete {
    /// As it reads in a CREATE TABLE.
    fn sql(self) -> String {
        match self {
            OnDelete::Cascade => "CASCADE".to_owned(),
            OnDelete::SetNull(column) => format!("SET NULL ({column})"),
            OnDelete::NoAction => "NO ACTION".to_owned(),
        }
    }
}

impl CatalogFk {
    /// confdeltype and confdelsetcols as they read in a CREATE TABLE.
    fn on_delete_sql(&self) -> String {
        match (self.on_delete.as_str(), self.set_null_columns.as_slice()) {
            ("a", _) => "NO ACTION".to_owned(),
            ("r", _) => "RESTRICT".to_owned(),
            ("c", _) => "CASCADE".to_owned(),
            ("n", []) => "SET NULL".to_owned(),
            ("n", columns) => format!("SET NULL ({})", columns.join(", ")),
            ("d", _) => "SET DEFAULT".to_owned(),
            (other, _) => format!("confdeltype {other}"),
        }
    }
}

fn expected(name: &str) -> (&'static str, &'static str, OnDelete) {
    let Some((_, table, parent, on_delete)) = FOREIGN_KEYS.iter().find(|(fk, ..)| *fk == name)
    else {
        panic!("{name} is not in FOREIGN_KEYS: write down its ON DELETE");
    };
    (table, parent, *on_delete)
}

#[tokio::test]
async fn every_foreign_key_has_the_written_down_on_delete_behaviour() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let fks = catalog_fks(&client).await;
    let names: Vec<&str> = fks.iter().map(|fk| fk.name.as_str()).collect();
    let written: Vec<&str> = FOREIGN_KEYS.iter().map(|(name, ..)| *name).collect();
    assert_eq!(sorted(&names), sorted(&written));
    for fk in &fks {
        let (table, parent, on_delete) = expected(&fk.name);
        let actual = (fk.table.as_str(), fk.parent.as_str(), fk.on_delete_sql());
        assert_eq!(actual, (table, parent, on_delete.sql()), "{}", fk.name);
    }
}

#[tokio::test]
async fn deleting_the_parent_of_each_foreign_key_cascades_nulls_or_fails_as_written_down() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    tenant(&client, "acme").await;
    let fks = catalog_fks(&client).await;
    assert_eq!(fks.len(), FOREIGN_KEYS.len());
    for fk in &fks {
        let (.., on_delete) = expected(&fk.name);
        execute(&client, "BEGIN", &[]).await;
        // Only this FK may act on the DELETE: drop the others inside the transaction.
        for other in fks.iter().filter(|other| other.name != fk.name) {
            let sql = format!("ALTER TABLE {} DROP CONSTRAINT {}", other.table, other.name);
            execute(&client, &sql, &[]).await;
        }
        exercise(&client, fk, on_delete).await;
        client.batch_execute("ROLLBACK").await.unwrap();
    }
}

/// Deletes the parent of one referencing row of `fk` and checks what became of that row.
async fn exercise(client: &Client, fk: &CatalogFk, on_delete: OnDelete) {
    let columns = fk.columns.join(", ");
    let not_null = fk
        .columns
        .iter()
        .map(|c| format!("{c} IS NOT NULL"))
        .collect::<Vec<_>>();
    let key = format!(
        "CREATE TEMP TABLE fk_key ON COMMIT DROP AS SELECT {columns} FROM {} WHERE {} LIMIT 1",
        fk.table,
        not_null.join(" AND ")
    );
    execute(client, &key, &[]).await;
    let referencing = format!(
        "SELECT count(*) FROM {} WHERE ({columns}) IN (SELECT * FROM fk_key)",
        fk.table
    );
    let total = format!("SELECT count(*) FROM {}", fk.table);
    let (before, total_before) = (
        count(client, &referencing).await,
        count(client, &total).await,
    );
    assert!(
        before > 0,
        "{}: the fixture has no referencing row",
        fk.name
    );
    let delete = format!(
        "DELETE FROM {} WHERE ({}) IN (SELECT * FROM fk_key)",
        fk.parent,
        fk.parent_columns.join(", ")
    );
    if on_delete == OnDelete::NoAction {
        let err = server_error(client, &delete).await;
        assert_eq!(err.code().code(), FK_VIOLATION, "{}: {err}", fk.name);
        assert_eq!(err.constraint(), Some(fk.name.as_str()), "{err}");
        return;
    }
    assert_eq!(
        execute(client, &delete, &[]).await,
        1,
        "{}: one parent deleted",
        fk.name
    );
    assert_eq!(
        count(client, &referencing).await,
        0,
        "{}: still referenced",
        fk.name
    );
    let total_after = count(client, &total).await;
    if let OnDelete::SetNull(nulled) = on_delete {
        assert_eq!(total_after, total_before, "{}: rows kept", fk.name);
        // The kept key columns (organization_id) still hold the deleted parent's values.
        let kept: Vec<String> = fk
            .columns
            .iter()
            .filter(|c| *c != nulled)
            .map(|c| format!("t.{c} = k.{c}"))
            .collect();
        let nulled_rows = format!(
            "SELECT count(*) FROM {} AS t, fk_key AS k WHERE t.{nulled} IS NULL AND {}",
            fk.table,
            kept.join(" AND ")
        );
        assert_eq!(
            count(client, &nulled_rows).await,
            before,
            "{}: nulled, organization_id kept",
            fk.name
        );
    } else {
        assert_eq!(
            total_after,
            total_before - before,
            "{}: rows deleted",
            fk.name
        );
    }
}

#[tokio::test]
async fn deleting_a_lead_removes_its_history_and_keeps_its_workflow_runs() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let acme = tenant(&client, "acme").await;
    let other = tenant(&client, "other").await;
    execute(&client, "DELETE FROM leads WHERE id = $1", &[&acme.lead]).await;
    for table in [
        "communications",
        "lead_notes",
        "activity_logs",
        "campaign_leads",
        "lead_score_history",
    ] {
        let sql = format!("SELECT count(*) FROM {table} WHERE lead_id = {}", acme.lead);
        assert_eq!(count(&client, &sql).await, 0, "{table}");
        let sql = format!(
            "SELECT count(*) FROM {table} WHERE lead_id = {}",
            other.lead
        );
        assert_eq!(count(&client, &sql).await, 1, "{table} of the other tenant");
    }
    let run = client
        .query_one(
            "SELECT lead_id, organization_id FROM workflow_executions WHERE workflow_id = $1",
            &[&acme.workflow],
        )
        .await
        .unwrap();
    assert_eq!(run.get::<_, Option<i32>>(0), None);
    assert_eq!(run.get::<_, i32>(1), acme.org);
}

#[tokio::test]
async fn deleting_a_user_unassigns_their_leads_and_keeps_what_they_wrote() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let acme = tenant(&client, "acme").await;
    execute(&client, "DELETE FROM users WHERE id = $1", &[&acme.user]).await;
    for (table, column) in [
        ("leads", "assigned_to_id"),
        ("communications", "user_id"),
        ("lead_notes", "user_id"),
        ("activity_logs", "user_id"),
        ("campaigns", "created_by"),
        ("workflows", "created_by"),
    ] {
        let sql = format!(
            "SELECT count(*) FROM {table} WHERE {column} IS NULL AND organization_id = {}",
            acme.org
        );
        assert_eq!(count(&client, &sql).await, 1, "{table}.{column}");
    }
}

#[tokio::test]
async fn an_organization_is_deleted_only_without_users_or_leads_and_takes_its_data_with_it() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let acme = tenant(&client, "acme").await;
    tenant(&client, "other").await;
    let delete = format!("DELETE FROM organizations WHERE id = {}", acme.org);
    let err = server_error(&client, &delete).await;
    assert_eq!(err.code().code(), FK_VIOLATION, "{err}");
    let blocking = ["fk_users_organization", "fk_leads_organization"];
    assert!(
        blocking.contains(&err.constraint().unwrap_or_default()),
        "{err}"
    );

    execute(
        &client,
        "DELETE FROM leads WHERE organization_id = $1",
        &[&acme.org],
    )
    .await;
    let err = server_error(&client, &delete).await;
    assert_eq!(err.constraint(), Some("fk_users_organization"), "{err}");
    execute(
        &client,
        "DELETE FROM users WHERE organization_id = $1",
        &[&acme.org],
    )
    .await;
    client.batch_execute(&delete).await.unwrap();

    for table in tables(&client).await {
        let column = if table == "organizations" {
            "id"
        } else {
            "organization_id"
        };
        let sql = format!("SELECT count(*) FROM {table} WHERE {column} = {}", acme.org);
        assert_eq!(
            count(&client, &sql).await,
            0,
            "{table} of the deleted tenant"
        );
        let sql = format!(
            "SELECT count(*) FROM {table} WHERE {column} <> {}",
            acme.org
        );
        assert!(
            count(&client, &sql).await > 0,
            "{table} of the other tenant"
        );
    }
}
