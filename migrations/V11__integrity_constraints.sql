-- V11: integrity CHECK constraints of the optimization round, added NOT VALID.
-- First optimization-round migration (the baseline ends at V10).
--
-- Why: seed 000's data-integrity constraints (lead score 0..100, non-negative
-- lead value and campaign budgets, scoring-rule points -100..100), plus the
-- ones that plainly belong (dates in order, allowed status values of the text
-- status columns, non-blank names and keys, JSON shapes the indexes and the
-- application rely on).
--
-- Why NOT VALID here and VALIDATE in V12: on a populated database, ADD
-- CONSTRAINT ... CHECK scans the whole table under an ACCESS EXCLUSIVE lock.
-- NOT VALID takes that lock only for an instant and enforces the constraint
-- on every new or updated row at once; V12's VALIDATE CONSTRAINT then checks
-- the existing rows under SHARE UPDATE EXCLUSIVE, which does not block reads
-- or writes. Two files, because refinery runs each file in one transaction
-- and validating in the same transaction would hold the strong lock
-- throughout.
--
-- Every constraint is named (ck_<table>_<rule>) so an error names the rule.
-- Departure from seed 000: it says "positive values for lead value and
-- campaign budgets"; a zero deal value or budget is legitimate (a free pilot,
-- an unfunded draft campaign), so the rule is >= 0.

-- organizations
ALTER TABLE organizations
    ADD CONSTRAINT ck_organizations_name_not_blank CHECK (btrim(name) <> '') NOT VALID;
ALTER TABLE organizations
    ADD CONSTRAINT ck_organizations_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9_-]*$') NOT VALID;
-- seed 001 lists the sizes in a comment: startup, small, medium, large, enterprise
ALTER TABLE organizations
    ADD CONSTRAINT ck_organizations_size CHECK (size IN ('startup', 'small', 'medium', 'large', 'enterprise')) NOT VALID;
ALTER TABLE organizations
    ADD CONSTRAINT ck_organizations_settings_object CHECK (jsonb_typeof(settings) = 'object') NOT VALID;

-- users
ALTER TABLE users
    ADD CONSTRAINT ck_users_email_format CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$') NOT VALID;
ALTER TABLE users
    ADD CONSTRAINT ck_users_username_not_blank CHECK (btrim(username) <> '') NOT VALID;
ALTER TABLE users
    ADD CONSTRAINT ck_users_preferences_object CHECK (jsonb_typeof(preferences) = 'object') NOT VALID;

-- leads (seed 000: score 0..100, value non-negative)
ALTER TABLE leads
    ADD CONSTRAINT ck_leads_score_range CHECK (score BETWEEN 0 AND 100) NOT VALID;
ALTER TABLE leads
    ADD CONSTRAINT ck_leads_value_non_negative CHECK (value >= 0) NOT VALID;
ALTER TABLE leads
    ADD CONSTRAINT ck_leads_email_format CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$') NOT VALID;
ALTER TABLE leads
    ADD CONSTRAINT ck_leads_contacted_order CHECK (last_contacted_at >= first_contacted_at) NOT VALID;
-- The tag search (idx_leads_tags_gin) uses tags @> '["vip"]': tags is a JSON array.
ALTER TABLE leads
    ADD CONSTRAINT ck_leads_tags_array CHECK (jsonb_typeof(tags) = 'array') NOT VALID;
-- custom_fields maps the keys of custom_field_definitions to values: an object.
ALTER TABLE leads
    ADD CONSTRAINT ck_leads_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object') NOT VALID;

-- communications: a scheduled communication has a time (idx_communications_upcoming).
ALTER TABLE communications
    ADD CONSTRAINT ck_communications_scheduled_has_time
        CHECK (status <> 'scheduled' OR scheduled_at IS NOT NULL) NOT VALID;
ALTER TABLE communications
    ADD CONSTRAINT ck_communications_metadata_object CHECK (jsonb_typeof(comm_metadata) = 'object') NOT VALID;

-- lead_notes
ALTER TABLE lead_notes
    ADD CONSTRAINT ck_lead_notes_content_not_blank CHECK (btrim(content) <> '') NOT VALID;

-- campaigns (seed 000: budgets non-negative)
ALTER TABLE campaigns
    ADD CONSTRAINT ck_campaigns_name_not_blank CHECK (btrim(name) <> '') NOT VALID;
ALTER TABLE campaigns
    ADD CONSTRAINT ck_campaigns_budget_allocated_non_negative CHECK (budget_allocated >= 0) NOT VALID;
ALTER TABLE campaigns
    ADD CONSTRAINT ck_campaigns_budget_spent_non_negative CHECK (budget_spent >= 0) NOT VALID;
-- Spending more than was allocated is a bookkeeping error; with no allocation
-- (NULL) there is no bound.
ALTER TABLE campaigns
    ADD CONSTRAINT ck_campaigns_budget_spent_within_allocated
        CHECK (budget_spent <= budget_allocated) NOT VALID;
ALTER TABLE campaigns
    ADD CONSTRAINT ck_campaigns_dates_order CHECK (end_date >= start_date) NOT VALID;
ALTER TABLE campaigns
    ADD CONSTRAINT ck_campaigns_target_criteria_object CHECK (jsonb_typeof(target_criteria) = 'object') NOT VALID;

-- campaign_leads: its status values (no enum among seed 001's nine) and
-- timestamps not before enrolment.
ALTER TABLE campaign_leads
    ADD CONSTRAINT ck_campaign_leads_status
        CHECK (status IN ('pending', 'contacted', 'responded', 'converted', 'unsubscribed', 'bounced')) NOT VALID;
ALTER TABLE campaign_leads
    ADD CONSTRAINT ck_campaign_leads_timestamps_after_added
        CHECK (contacted_at >= added_at AND responded_at >= added_at AND converted_at >= added_at) NOT VALID;

-- workflows
ALTER TABLE workflows
    ADD CONSTRAINT ck_workflows_n8n_workflow_id_not_blank CHECK (btrim(n8n_workflow_id) <> '') NOT VALID;

-- workflow_executions: status values (n8n's run states), finished not before
-- started, and a run has finished exactly when it is no longer running/waiting.
ALTER TABLE workflow_executions
    ADD CONSTRAINT ck_workflow_executions_status
        CHECK (status IN ('running', 'waiting', 'success', 'error', 'cancelled')) NOT VALID;
ALTER TABLE workflow_executions
    ADD CONSTRAINT ck_workflow_executions_finished_after_started CHECK (finished_at >= started_at) NOT VALID;
ALTER TABLE workflow_executions
    ADD CONSTRAINT ck_workflow_executions_finished_iff_done
        CHECK ((status IN ('running', 'waiting')) = (finished_at IS NULL)) NOT VALID;

-- activity_logs
ALTER TABLE activity_logs
    ADD CONSTRAINT ck_activity_logs_activity_type_not_blank CHECK (btrim(activity_type) <> '') NOT VALID;
ALTER TABLE activity_logs
    ADD CONSTRAINT ck_activity_logs_details_object CHECK (jsonb_typeof(details) = 'object') NOT VALID;

-- lead_scoring_rules (seed 000: points -100..100)
ALTER TABLE lead_scoring_rules
    ADD CONSTRAINT ck_lead_scoring_rules_points_range CHECK (points BETWEEN -100 AND 100) NOT VALID;
ALTER TABLE lead_scoring_rules
    ADD CONSTRAINT ck_lead_scoring_rules_name_not_blank CHECK (btrim(name) <> '') NOT VALID;
ALTER TABLE lead_scoring_rules
    ADD CONSTRAINT ck_lead_scoring_rules_criteria_object CHECK (jsonb_typeof(criteria) = 'object') NOT VALID;

-- lead_score_history: the scores it records obey leads' range.
ALTER TABLE lead_score_history
    ADD CONSTRAINT ck_lead_score_history_old_score_range CHECK (old_score BETWEEN 0 AND 100) NOT VALID;
ALTER TABLE lead_score_history
    ADD CONSTRAINT ck_lead_score_history_new_score_range CHECK (new_score BETWEEN 0 AND 100) NOT VALID;

-- integrations
ALTER TABLE integrations
    ADD CONSTRAINT ck_integrations_provider_not_blank CHECK (btrim(provider) <> '') NOT VALID;
ALTER TABLE integrations
    ADD CONSTRAINT ck_integrations_config_object CHECK (jsonb_typeof(config) = 'object') NOT VALID;

-- custom_field_definitions (seed 004's field types)
ALTER TABLE custom_field_definitions
    ADD CONSTRAINT ck_custom_field_definitions_field_key_format CHECK (field_key ~ '^[a-z][a-z0-9_]*$') NOT VALID;
ALTER TABLE custom_field_definitions
    ADD CONSTRAINT ck_custom_field_definitions_label_not_blank CHECK (btrim(label) <> '') NOT VALID;
ALTER TABLE custom_field_definitions
    ADD CONSTRAINT ck_custom_field_definitions_field_type
        CHECK (field_type IN ('text', 'textarea', 'number', 'decimal', 'date', 'datetime', 'boolean',
                              'dropdown', 'radio', 'checkbox', 'url', 'email', 'phone', 'currency')) NOT VALID;
ALTER TABLE custom_field_definitions
    ADD CONSTRAINT ck_custom_field_definitions_options_array CHECK (jsonb_typeof(options) = 'array') NOT VALID;
-- A choice field needs something to choose from.
ALTER TABLE custom_field_definitions
    ADD CONSTRAINT ck_custom_field_definitions_choice_options
        CHECK (field_type NOT IN ('dropdown', 'radio', 'checkbox') OR options <> '[]'::jsonb) NOT VALID;
