-- V12: validate the CHECK constraints V11 added NOT VALID.
--
-- Why: NOT VALID constraints are enforced on new and updated rows but not yet
-- proven for the rows that existed before V11. VALIDATE CONSTRAINT scans the
-- table under SHARE UPDATE EXCLUSIVE, which blocks neither reads nor writes,
-- so this is safe on a populated database. After V12 every constraint is
-- marked valid (pg_constraint.convalidated) and the planner may rely on it.

ALTER TABLE organizations VALIDATE CONSTRAINT ck_organizations_name_not_blank;
ALTER TABLE organizations VALIDATE CONSTRAINT ck_organizations_slug_format;
ALTER TABLE organizations VALIDATE CONSTRAINT ck_organizations_size;
ALTER TABLE organizations VALIDATE CONSTRAINT ck_organizations_settings_object;

ALTER TABLE users VALIDATE CONSTRAINT ck_users_email_format;
ALTER TABLE users VALIDATE CONSTRAINT ck_users_username_not_blank;
ALTER TABLE users VALIDATE CONSTRAINT ck_users_preferences_object;

ALTER TABLE leads VALIDATE CONSTRAINT ck_leads_score_range;
ALTER TABLE leads VALIDATE CONSTRAINT ck_leads_value_non_negative;
ALTER TABLE leads VALIDATE CONSTRAINT ck_leads_email_format;
ALTER TABLE leads VALIDATE CONSTRAINT ck_leads_contacted_order;
ALTER TABLE leads VALIDATE CONSTRAINT ck_leads_tags_array;
ALTER TABLE leads VALIDATE CONSTRAINT ck_leads_custom_fields_object;

ALTER TABLE communications VALIDATE CONSTRAINT ck_communications_scheduled_has_time;
ALTER TABLE communications VALIDATE CONSTRAINT ck_communications_metadata_object;

ALTER TABLE lead_notes VALIDATE CONSTRAINT ck_lead_notes_content_not_blank;

ALTER TABLE campaigns VALIDATE CONSTRAINT ck_campaigns_name_not_blank;
ALTER TABLE campaigns VALIDATE CONSTRAINT ck_campaigns_budget_allocated_non_negative;
ALTER TABLE campaigns VALIDATE CONSTRAINT ck_campaigns_budget_spent_non_negative;
ALTER TABLE campaigns VALIDATE CONSTRAINT ck_campaigns_budget_spent_within_allocated;
ALTER TABLE campaigns VALIDATE CONSTRAINT ck_campaigns_dates_order;
ALTER TABLE campaigns VALIDATE CONSTRAINT ck_campaigns_target_criteria_object;

ALTER TABLE campaign_leads VALIDATE CONSTRAINT ck_campaign_leads_status;
ALTER TABLE campaign_leads VALIDATE CONSTRAINT ck_campaign_leads_timestamps_after_added;

ALTER TABLE workflows VALIDATE CONSTRAINT ck_workflows_n8n_workflow_id_not_blank;

ALTER TABLE workflow_executions VALIDATE CONSTRAINT ck_workflow_executions_status;
ALTER TABLE workflow_executions VALIDATE CONSTRAINT ck_workflow_executions_finished_after_started;
ALTER TABLE workflow_executions VALIDATE CONSTRAINT ck_workflow_executions_finished_iff_done;

ALTER TABLE activity_logs VALIDATE CONSTRAINT ck_activity_logs_activity_type_not_blank;
ALTER TABLE activity_logs VALIDATE CONSTRAINT ck_activity_logs_details_object;

ALTER TABLE lead_scoring_rules VALIDATE CONSTRAINT ck_lead_scoring_rules_points_range;
ALTER TABLE lead_scoring_rules VALIDATE CONSTRAINT ck_lead_scoring_rules_name_not_blank;
ALTER TABLE lead_scoring_rules VALIDATE CONSTRAINT ck_lead_scoring_rules_criteria_object;

ALTER TABLE lead_score_history VALIDATE CONSTRAINT ck_lead_score_history_old_score_range;
ALTER TABLE lead_score_history VALIDATE CONSTRAINT ck_lead_score_history_new_score_range;

ALTER TABLE integrations VALIDATE CONSTRAINT ck_integrations_provider_not_blank;
ALTER TABLE integrations VALIDATE CONSTRAINT ck_integrations_config_object;

ALTER TABLE custom_field_definitions VALIDATE CONSTRAINT ck_custom_field_definitions_field_key_format;
ALTER TABLE custom_field_definitions VALIDATE CONSTRAINT ck_custom_field_definitions_label_not_blank;
ALTER TABLE custom_field_definitions VALIDATE CONSTRAINT ck_custom_field_definitions_field_type;
ALTER TABLE custom_field_definitions VALIDATE CONSTRAINT ck_custom_field_definitions_options_array;
ALTER TABLE custom_field_definitions VALIDATE CONSTRAINT ck_custom_field_definitions_choice_options;
