//! The 14 tables `lma seed` fills: their names, the tables they reference, and the statements on
//! each as a whole (their columns and COPY statements are declared with their row types).

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

/// The statements on one table as a whole, around its COPY (whose statements come with its row
/// type, `copy_row!`).
#[derive(Debug)]
pub struct TableSql {
    pub name: &'static str,
    pub truncate: &'static str,
    pub vacuum: &'static str,
}

/// Builds a table's statements from its name at compile time: no SQL is assembled at run time.
macro_rules! table_sql {
    ($table:literal) => {
        TableSql {
            name: $table,
            truncate: concat!("TRUNCATE ", $table),
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
        self.sql().name
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

    /// The TRUNCATE and VACUUM statements.
    #[must_use]
    pub fn sql(self) -> TableSql {
        match self {
            Self::Organizations => table_sql!("organizations"),
            Self::Users => table_sql!("users"),
            Self::CustomFieldDefinitions => table_sql!("custom_field_definitions"),
            Self::Integrations => table_sql!("integrations"),
            Self::LeadScoringRules => table_sql!("lead_scoring_rules"),
            Self::Leads => table_sql!("leads"),
            Self::Campaigns => table_sql!("campaigns"),
            Self::Workflows => table_sql!("workflows"),
            Self::Communications => table_sql!("communications"),
            Self::LeadNotes => table_sql!("lead_notes"),
            Self::CampaignLeads => table_sql!("campaign_leads"),
            Self::WorkflowExecutions => table_sql!("workflow_executions"),
            Self::LeadScoreHistory => table_sql!("lead_score_history"),
            Self::ActivityLogs => table_sql!("activity_logs"),
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
    fn leaves_are_the_tables_nothing_references() {
        assert!(Table::ActivityLogs.is_leaf());
        assert!(Table::Integrations.is_leaf());
        assert!(!Table::Leads.is_leaf());
        assert!(!Table::Organizations.is_leaf());
        assert!(!Table::Campaigns.is_leaf());
    }
}
