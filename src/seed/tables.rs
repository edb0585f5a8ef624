//! The 14 tables `lma seed` fills: their names, the tables they reference, and their COPY SQL.

/// One table of the LMA schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    Organizations,
    Users,
    CustomFieldDefinitions,
    Integrations,
    LeadScoringRules,
    Leads,
    Campaigns,
    Workflows,
    Communications,
    LeadNotes,
    CampaignLeads,
    WorkflowExecutions,
    LeadScoreHistory,
    ActivityLogs,
}

/// The statements that load one table: COPY in binary (plain, or FREEZE after a TRUNCATE in
/// the same transaction), a probe whose result columns give the column types (including the
/// enums' OIDs) that binary COPY needs, and the closing VACUUM (ANALYZE).
#[derive(Debug)]
pub struct TableSql {
    pub copy: &'static str,
    pub copy_freeze: &'static str,
    pub truncate: &'static str,
    pub probe: &'static str,
    pub vacuum: &'static str,
}

/// Builds both statements of a table from one column list at compile time, so they cannot
/// disagree and no SQL is assembled at run time.
macro_rules! table_sql {
    ($table:literal, $first:literal $(, $column:literal)* $(,)?) => {
        TableSql {
            copy: concat!("COPY ", $table, " (", $first, $(", ", $column,)* ") FROM STDIN (FORMAT binary)"),
            copy_freeze: concat!(
                "COPY ", $table, " (", $first, $(", ", $column,)* ") FROM STDIN (FORMAT binary, FREEZE)"
            ),
            truncate: concat!("TRUNCATE ", $table),
            probe: concat!("SELECT ", $first, $(", ", $column,)* " FROM ", $table, " LIMIT 0"),
            vacuum: concat!("VACUUM (ANALYZE) ", $table),
        }
    };
}

impl Table {
    /// Every table, parents before children.
    pub const ALL: [Table; 14] = [
        Table::Organizations,
        Table::Users,
        Table::CustomFieldDefinitions,
        Table::Integrations,
        Table::LeadScoringRules,
        Table::Leads,
        Table::Campaigns,
        Table::Workflows,
        Table::Communications,
        Table::LeadNotes,
        Table::CampaignLeads,
        Table::WorkflowExecutions,
        Table::LeadScoreHistory,
        Table::ActivityLogs,
    ];

    /// The table's name in the schema.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Organizations => "organizations",
            Self::Users => "users",
            Self::CustomFieldDefinitions => "custom_field_definitions",
            Self::Integrations => "integrations",
            Self::LeadScoringRules => "lead_scoring_rules",
            Self::Leads => "leads",
            Self::Campaigns => "campaigns",
            Self::Workflows => "workflows",
            Self::Communications => "communications",
            Self::LeadNotes => "lead_notes",
            Self::CampaignLeads => "campaign_leads",
            Self::WorkflowExecutions => "workflow_executions",
            Self::LeadScoreHistory => "lead_score_history",
            Self::ActivityLogs => "activity_logs",
        }
    }

    /// The tables this one references: they must be committed before it loads, so that the
    /// foreign-key checks of its COPY find their rows.
    #[must_use]
    pub fn parents(self) -> &'static [Table] {
        match self {
            Self::Organizations => &[],
            Self::Users
            | Self::CustomFieldDefinitions
            | Self::Integrations
            | Self::LeadScoringRules => &[Self::Organizations],
            Self::Leads | Self::Campaigns | Self::Workflows => &[Self::Organizations, Self::Users],
            Self::Communications | Self::LeadNotes | Self::ActivityLogs => {
                &[Self::Leads, Self::Users]
            }
            Self::CampaignLeads => &[Self::Campaigns, Self::Leads],
            Self::WorkflowExecutions => &[Self::Workflows, Self::Leads],
            Self::LeadScoreHistory => &[Self::Leads],
        }
    }

    /// Whether no foreign key references this table. Such a table can be truncated inside its
    /// load transaction, which lets COPY FREEZE write its rows already frozen and all-visible.
    #[must_use]
    pub fn is_leaf(self) -> bool {
        !Self::ALL.iter().any(|t| t.parents().contains(&self))
    }

    /// Whether the table has an identity column `id` whose sequence must follow the loaded ids.
    #[must_use]
    pub fn has_identity(self) -> bool {
        self != Self::CampaignLeads
    }

    /// The COPY and probe statements.
    #[must_use]
    #[allow(clippy::too_many_lines)] // one column list per table: data, not logic
    pub fn sql(self) -> TableSql {
        match self {
            Self::Organizations => table_sql!(
                "organizations",
                "id",
                "name",
                "slug",
                "description",
                "website",
                "industry",
                "size",
                "settings",
                "subscription_tier",
                "billing_email",
                "is_active",
                "created_at",
                "updated_at"
            ),
            Self::Users => table_sql!(
                "users",
                "id",
                "email",
                "username",
                "first_name",
                "last_name",
                "hashed_password",
                "role",
                "is_active",
                "is_verified",
                "timezone",
                "preferences",
                "avatar_url",
                "created_at",
                "updated_at",
                "last_login",
                "organization_id"
            ),
            Self::CustomFieldDefinitions => table_sql!(
                "custom_field_definitions",
                "id",
                "organization_id",
                "field_key",
                "label",
                "field_type",
                "is_required",
                "options",
                "sort_order",
                "created_at",
                "updated_at"
            ),
            Self::Integrations => table_sql!(
                "integrations",
                "id",
                "organization_id",
                "provider",
                "name",
                "status",
                "config",
                "credentials_encrypted",
                "last_sync_at",
                "expires_at",
                "last_error",
                "created_at",
                "updated_at"
            ),
            Self::LeadScoringRules => table_sql!(
                "lead_scoring_rules",
                "id",
                "organization_id",
                "name",
                "description",
                "criteria",
                "points",
                "priority",
                "is_active",
                "created_at",
                "updated_at"
            ),
            Self::Leads => table_sql!(
                "leads",
                "id",
                "email",
                "first_name",
                "last_name",
                "company",
                "job_title",
                "phone",
                "website",
                "linkedin_url",
                "lead_temperature",
                "expected_close_date",
                "last_engagement_date",
                "status",
                "source",
                "score",
                "value",
                "notes",
                "tags",
                "custom_fields",
                "first_contacted_at",
                "last_contacted_at",
                "created_at",
                "updated_at",
                "organization_id",
                "assigned_to_id"
            ),
            Self::Campaigns => table_sql!(
                "campaigns",
                "id",
                "organization_id",
                "name",
                "description",
                "campaign_type",
                "status",
                "target_criteria",
                "start_date",
                "end_date",
                "budget_allocated",
                "budget_spent",
                "goals",
                "created_by",
                "created_at",
                "updated_at"
            ),
            Self::Workflows => table_sql!(
                "workflows",
                "id",
                "organization_id",
                "n8n_workflow_id",
                "name",
                "description",
                "category",
                "trigger_type",
                "trigger_conditions",
                "configuration",
                "is_active",
                "created_by",
                "created_at",
                "updated_at"
            ),
            Self::Communications => table_sql!(
                "communications",
                "id",
                "organization_id",
                "lead_id",
                "user_id",
                "communication_type",
                "direction",
                "subject",
                "content",
                "status",
                "scheduled_at",
                "completed_at",
                "comm_metadata",
                "created_at",
                "updated_at"
            ),
            Self::LeadNotes => table_sql!(
                "lead_notes",
                "id",
                "organization_id",
                "lead_id",
                "user_id",
                "content",
                "created_at",
                "updated_at"
            ),
            Self::CampaignLeads => table_sql!(
                "campaign_leads",
                "organization_id",
                "campaign_id",
                "lead_id",
                "status",
                "added_at",
                "contacted_at",
                "responded_at",
                "converted_at",
                "updated_at"
            ),
            Self::WorkflowExecutions => table_sql!(
                "workflow_executions",
                "id",
                "organization_id",
                "workflow_id",
                "lead_id",
                "n8n_execution_id",
                "status",
                "started_at",
                "finished_at",
                "error"
            ),
            Self::LeadScoreHistory => table_sql!(
                "lead_score_history",
                "id",
                "organization_id",
                "lead_id",
                "old_score",
                "new_score",
                "reason",
                "changed_at"
            ),
            Self::ActivityLogs => table_sql!(
                "activity_logs",
                "id",
                "organization_id",
                "lead_id",
                "user_id",
                "activity_type",
                "details",
                "created_at"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_come_before_their_children() {
        for (index, table) in Table::ALL.iter().enumerate() {
            for parent in table.parents() {
                let at = Table::ALL.iter().position(|t| t == parent).unwrap();
                assert!(at < index, "{} before {}", parent.name(), table.name());
            }
        }
    }

    #[test]
    fn the_statements_name_the_same_columns() {
        let sql = Table::LeadNotes.sql();
        assert_eq!(
            sql.copy,
            "COPY lead_notes (id, organization_id, lead_id, user_id, content, created_at, updated_at) FROM STDIN (FORMAT binary)"
        );
        assert!(sql
            .probe
            .starts_with("SELECT id, organization_id, lead_id,"));
        assert!(sql.probe.ends_with(" FROM lead_notes LIMIT 0"));
    }

    #[test]
    fn leaves_are_the_tables_nothing_references() {
        assert!(Table::ActivityLogs.is_leaf());
        assert!(Table::Integrations.is_leaf());
        assert!(!Table::Leads.is_leaf());
        assert!(!Table::Organizations.is_leaf());
        assert!(!Table::Campaigns.is_leaf());
    }
}
