//! Every CHECK and UNIQUE constraint rejects a bad row, and the error names it; a sample of the
//! NOT NULL columns. Each statement runs against the rows of one fixture tenant, so it touches
//! exactly one row and breaks exactly one rule.

use super::{execute, server_error, sorted, strings, tables, tenant};
use crate::support::TestDb;

/// SQLSTATE of a CHECK violation.
const CHECK_VIOLATION: &str = "23514";
/// SQLSTATE of a UNIQUE / PRIMARY KEY violation.
const UNIQUE_VIOLATION: &str = "23505";
/// SQLSTATE of a NOT NULL violation.
const NOT_NULL_VIOLATION: &str = "23502";

/// Every named CHECK constraint (V11) and statements that violate it and nothing else.
const CHECKS: &[(&str, &[&str])] = &[
    ("ck_organizations_name_not_blank", &["UPDATE organizations SET name = '  '"]),
    ("ck_organizations_slug_format", &["UPDATE organizations SET slug = 'Bad Slug'", "UPDATE organizations SET slug = '-a'"]),
    ("ck_organizations_size", &["UPDATE organizations SET size = 'huge'"]),
    ("ck_organizations_settings_object", &["UPDATE organizations SET settings = '[]'"]),
    ("ck_users_email_format", &["UPDATE users SET email = 'nobody'", "UPDATE users SET email = 'a b@c.example'"]),
    ("ck_users_username_not_blank", &["UPDATE users SET username = ' '"]),
    ("ck_users_preferences_object", &["UPDATE users SET preferences = '\"dark\"'"]),
    ("ck_leads_score_range", &["UPDATE leads SET score = 101", "UPDATE leads SET score = -1"]),
    ("ck_leads_value_non_negative", &["UPDATE leads SET value = -1"]),
    ("ck_leads_email_format", &["UPDATE leads SET email = 'lead.example'"]),
    ("ck_leads_contacted_order", &["UPDATE leads SET first_contacted_at = now(), last_contacted_at = now() - interval '1 day'"]),
    ("ck_leads_tags_array", &["UPDATE leads SET tags = '{\"vip\": true}'"]),
    ("ck_leads_custom_fields_object", &["UPDATE leads SET custom_fields = '[]'"]),
    ("ck_communications_scheduled_has_time", &["UPDATE communications SET status = 'scheduled', scheduled_at = NULL"]),
    ("ck_communications_metadata_object", &["UPDATE communications SET comm_metadata = '[]'"]),
    ("ck_lead_notes_content_not_blank", &["UPDATE lead_notes SET content = ''"]),
    ("ck_campaigns_name_not_blank", &["UPDATE campaigns SET name = ' '"]),
    // A negative allocation also breaks spent <= allocated (spent is NOT NULL and >= 0); CHECKs
    // are evaluated in name order, so the error names this one.
    ("ck_campaigns_budget_allocated_non_negative", &["UPDATE campaigns SET budget_allocated = -1, budget_spent = 0"]),
    ("ck_campaigns_budget_spent_non_negative", &["UPDATE campaigns SET budget_allocated = NULL, budget_spent = -1"]),
    ("ck_campaigns_budget_spent_within_allocated", &["UPDATE campaigns SET budget_allocated = 100, budget_spent = 101"]),
    ("ck_campaigns_dates_order", &["UPDATE campaigns SET start_date = '2025-02-01', end_date = '2025-01-31'"]),
    ("ck_campaigns_target_criteria_object", &["UPDATE campaigns SET target_criteria = 'null'"]),
    ("ck_campaign_leads_status", &["UPDATE campaign_leads SET status = 'lost'", "UPDATE campaign_leads SET status = 'PENDING'"]),
    (
        "ck_campaign_leads_timestamps_after_added",
        &[
            "UPDATE campaign_leads SET contacted_at = added_at - interval '1 second'",
            "UPDATE campaign_leads SET responded_at = added_at - interval '1 second'",
            "UPDATE campaign_leads SET converted_at = added_at - interval '1 second'",
        ],
    ),
    ("ck_workflows_n8n_workflow_id_not_blank", &["UPDATE workflows SET n8n_workflow_id = ''"]),
    // finished_at set so that ck_workflow_executions_finished_iff_done holds.
    ("ck_workflow_executions_status", &["UPDATE workflow_executions SET status = 'done', finished_at = started_at + interval '1 minute'"]),
    ("ck_workflow_executions_finished_after_started", &["UPDATE workflow_executions SET status = 'success', finished_at = started_at - interval '1 minute'"]),
    (
        "ck_workflow_executions_finished_iff_done",
        &[
            "UPDATE workflow_executions SET status = 'success', finished_at = NULL",
            "UPDATE workflow_executions SET status = 'running', finished_at = started_at + interval '1 minute'",
        ],
    ),
    ("ck_activity_logs_activity_type_not_blank", &["UPDATE activity_logs SET activity_type = ' '"]),
    ("ck_activity_logs_details_object", &["UPDATE activity_logs SET details = '[1]'"]),
    ("ck_lead_scoring_rules_points_range", &["UPDATE lead_scoring_rules SET points = 101", "UPDATE lead_scoring_rules SET points = -101"]),
    ("ck_lead_scoring_rules_name_not_blank", &["UPDATE lead_scoring_rules SET name = ''"]),
    ("ck_lead_scoring_rules_criteria_object", &["UPDATE lead_scoring_rules SET criteria = '[]'"]),
    ("ck_lead_score_history_old_score_range", &["UPDATE lead_score_history SET old_score = 101", "UPDATE lead_score_history SET old_score = -1"]),
    ("ck_lead_score_history_new_score_range", &["UPDATE lead_score_history SET new_score = 101", "UPDATE lead_score_history SET new_score = -1"]),
    ("ck_integrations_provider_not_blank", &["UPDATE integrations SET provider = ' '"]),
    ("ck_integrations_config_object", &["UPDATE integrations SET config = '\"x\"'"]),
    ("ck_custom_field_definitions_field_key_format", &["UPDATE custom_field_definitions SET field_key = 'Industry'", "UPDATE custom_field_definitions SET field_key = '1st'"]),
    ("ck_custom_field_definitions_label_not_blank", &["UPDATE custom_field_definitions SET label = ''"]),
    ("ck_custom_field_definitions_field_type", &["UPDATE custom_field_definitions SET field_type = 'colour'"]),
    ("ck_custom_field_definitions_options_array", &["UPDATE custom_field_definitions SET options = '{}'"]),
    ("ck_custom_field_definitions_choice_options", &["UPDATE custom_field_definitions SET field_type = 'dropdown', options = '[]'"]),
];

/// Every UNIQUE constraint that can be broken on its own, with a statement that breaks it.
const UNIQUES: &[(&str, &str)] = &[
    ("uq_organizations_slug", "INSERT INTO organizations (name, slug) SELECT 'Other', slug FROM organizations"),
    ("uq_users_email", "INSERT INTO users (organization_id, email, username, first_name, last_name, hashed_password) SELECT organization_id, email, 'other', 'O', 'Ther', 'x' FROM users"),
    ("uq_users_username", "INSERT INTO users (organization_id, email, username, first_name, last_name, hashed_password) SELECT organization_id, 'other@x.example', username, 'O', 'Ther', 'x' FROM users"),
    ("uq_workflows_n8n_workflow_id", "INSERT INTO workflows (organization_id, n8n_workflow_id, name) SELECT organization_id, n8n_workflow_id, 'Other' FROM workflows"),
    ("uq_lead_scoring_rules_organization_id_name", "INSERT INTO lead_scoring_rules (organization_id, name, points) SELECT organization_id, name, 1 FROM lead_scoring_rules"),
    ("uq_integrations_organization_id_provider", "INSERT INTO integrations (organization_id, provider, name) SELECT organization_id, provider, 'Other' FROM integrations"),
    ("uq_custom_field_definitions_organization_id_field_key", "INSERT INTO custom_field_definitions (organization_id, field_key, label) SELECT organization_id, field_key, 'Other' FROM custom_field_definitions"),
];

/// UNIQUE (organization_id, id): the targets of the tenant-safe composite FKs. `id` is the
/// primary key, so no row can break them without breaking `pk_<table>` first.
const IMPLIED_BY_PRIMARY_KEY: &[&str] = &[
    "uq_users_organization_id_id",
    "uq_leads_organization_id_id",
    "uq_campaigns_organization_id_id",
    "uq_workflows_organization_id_id",
];

/// A sample of NOT NULL columns: (table, column).
const NOT_NULLS: &[(&str, &str)] = &[
    ("organizations", "slug"),
    ("users", "organization_id"),
    ("leads", "email"),
    ("leads", "organization_id"),
    ("communications", "organization_id"),
    ("lead_notes", "content"),
    ("campaign_leads", "status"),
    ("workflows", "n8n_workflow_id"),
    ("workflow_executions", "started_at"),
    ("lead_scoring_rules", "points"),
    ("lead_score_history", "new_score"),
    ("activity_logs", "activity_type"),
    ("integrations", "provider"),
    ("custom_field_definitions", "field_key"),
];

#[tokio::test]
async fn every_check_constraint_rejects_a_bad_row_and_the_error_names_it() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    tenant(&client, "acme").await;
    for (name, statements) in CHECKS {
        for sql in *statements {
            let err = server_error(&client, sql).await;
            assert_eq!(err.code().code(), CHECK_VIOLATION, "{sql}: {err}");
            assert_eq!(err.constraint(), Some(*name), "{sql}: {err}");
        }
    }
}

#[tokio::test]
async fn the_check_table_covers_every_check_constraint_of_the_schema() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let in_schema = strings(
        &client,
        "SELECT conname::text FROM pg_constraint \
         WHERE contype = 'c' AND connamespace = 'public'::regnamespace",
    )
    .await;
    let covered: Vec<&str> = CHECKS.iter().map(|(name, _)| *name).collect();
    assert_eq!(sorted(&in_schema), sorted(&covered));
    assert!(
        CHECKS.iter().all(|(_, statements)| !statements.is_empty()),
        "every constraint has a violating statement"
    );
}

#[tokio::test]
async fn every_check_constraint_is_validated() {
    // V11 adds them NOT VALID; V12 must validate each one, or the planner cannot rely on it
    // and rows from before V11 were never checked.
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let unvalidated = strings(
        &client,
        "SELECT conname::text FROM pg_constraint \
         WHERE connamespace = 'public'::regnamespace AND NOT convalidated ORDER BY 1",
    )
    .await;
    assert_eq!(unvalidated, Vec::<String>::new());
}

#[tokio::test]
async fn the_boundaries_of_the_range_constraints_are_accepted() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    tenant(&client, "acme").await;
    for sql in [
        "UPDATE leads SET score = 0, value = 0",
        "UPDATE leads SET score = 100",
        "UPDATE leads SET first_contacted_at = now(), last_contacted_at = now()",
        "UPDATE lead_scoring_rules SET points = -100",
        "UPDATE lead_scoring_rules SET points = 100",
        "UPDATE lead_score_history SET old_score = 0, new_score = 100",
        "UPDATE lead_score_history SET old_score = NULL",
        "UPDATE campaigns SET budget_allocated = 0, budget_spent = 0",
        "UPDATE campaigns SET budget_allocated = NULL, budget_spent = 5000",
        "UPDATE campaigns SET start_date = '2025-01-31', end_date = '2025-01-31'",
        "UPDATE campaign_leads SET contacted_at = added_at, responded_at = added_at, converted_at = added_at",
        "UPDATE workflow_executions SET status = 'success', finished_at = started_at",
        "UPDATE custom_field_definitions SET field_type = 'dropdown', options = '[\"a\", \"b\"]'",
    ] {
        assert_eq!(execute(&client, sql, &[]).await, 1, "{sql}");
    }
}

#[tokio::test]
async fn every_unique_constraint_rejects_a_duplicate_and_the_error_names_it() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    tenant(&client, "acme").await;
    for (name, sql) in UNIQUES {
        let err = server_error(&client, sql).await;
        assert_eq!(err.code().code(), UNIQUE_VIOLATION, "{sql}: {err}");
        assert_eq!(err.constraint(), Some(*name), "{sql}: {err}");
    }
}

#[tokio::test]
async fn every_primary_key_rejects_a_copy_of_a_row_and_the_error_names_it() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    tenant(&client, "acme").await;
    for table in tables(&client).await {
        // Table names come from the catalog as regclass text, which is already quoted.
        let sql = format!("INSERT INTO {table} SELECT * FROM {table}");
        let err = server_error(&client, &sql).await;
        assert_eq!(err.code().code(), UNIQUE_VIOLATION, "{sql}: {err}");
        assert_eq!(
            err.constraint(),
            Some(&*format!("pk_{table}")),
            "{sql}: {err}"
        );
    }
}

#[tokio::test]
async fn the_unique_tests_cover_every_unique_and_primary_key_constraint() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let in_schema = strings(
        &client,
        "SELECT conname::text FROM pg_constraint \
         WHERE contype IN ('u', 'p') AND connamespace = 'public'::regnamespace \
           AND conrelid <> 'refinery_schema_history'::regclass",
    )
    .await;
    let mut covered: Vec<String> = UNIQUES.iter().map(|(name, _)| (*name).to_owned()).collect();
    covered.extend(IMPLIED_BY_PRIMARY_KEY.iter().map(|name| (*name).to_owned()));
    covered.extend(
        tables(&client)
            .await
            .iter()
            .map(|table| format!("pk_{table}")),
    );
    assert_eq!(sorted(&in_schema), sorted(&covered));
    let implied = strings(
        &client,
        "SELECT u.conname::text FROM pg_constraint AS u JOIN pg_constraint AS p \
           ON p.conrelid = u.conrelid AND p.contype = 'p' \
         WHERE u.contype = 'u' AND u.conkey @> p.conkey \
           AND u.connamespace = 'public'::regnamespace",
    )
    .await;
    assert_eq!(
        sorted(&implied),
        sorted(IMPLIED_BY_PRIMARY_KEY),
        "the constraints listed as implied are exactly those that contain their table's primary key"
    );
}

#[tokio::test]
async fn a_sample_of_not_null_columns_rejects_null_and_the_error_names_the_column() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    tenant(&client, "acme").await;
    for (table, column) in NOT_NULLS {
        let sql = format!("UPDATE {table} SET {column} = NULL");
        let err = server_error(&client, &sql).await;
        assert_eq!(err.code().code(), NOT_NULL_VIOLATION, "{sql}: {err}");
        assert_eq!(err.table(), Some(*table), "{sql}: {err}");
        assert_eq!(err.column(), Some(*column), "{sql}: {err}");
    }
}
