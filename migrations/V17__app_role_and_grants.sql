-- V17: the application role lma_app and its privileges.
--
-- Why: seed 001's multi-tenancy relies on RLS (V18), which needs a role that
-- is subject to it. lma_app is NOLOGIN: application login roles are granted
-- it (GRANT lma_app TO <login role>) and inherit its privileges and policies.
-- The owner/migration role keeps full access (it owns the tables; RLS is not
-- FORCEd on it).
--
-- Roles are cluster-global while migrations run per database, and many fresh
-- databases of one cluster are migrated concurrently (tests). CREATE ROLE IF
-- NOT EXISTS does not exist, and a check-then-create races: two sessions both
-- see no role, and the loser fails with unique_violation on pg_authid (or
-- duplicate_object if the other committed first). Both are caught, so exactly
-- one session creates the role and every other one carries on. Nothing else
-- cluster-global (no ALTER ROLE, no COMMENT ON ROLE) is done here.
--
-- Privileges are granted per table, not "ON ALL TABLES IN SCHEMA public": the
-- schema also holds refinery's history table, which the application must not
-- be able to touch. A later migration that adds a table grants on it itself.

DO $$
BEGIN
    CREATE ROLE lma_app NOLOGIN;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
        NULL;  -- created by an earlier run or by a concurrent migration of another database
END
$$;

GRANT USAGE ON SCHEMA public TO lma_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON
    organizations,
    users,
    leads,
    communications,
    lead_notes,
    campaigns,
    campaign_leads,
    workflows,
    workflow_executions,
    lead_scoring_rules,
    lead_score_history,
    activity_logs,
    integrations,
    custom_field_definitions
TO lma_app;

-- The identity sequences (campaign_leads has a natural key and none).
GRANT USAGE ON SEQUENCE
    organizations_id_seq,
    users_id_seq,
    leads_id_seq,
    communications_id_seq,
    lead_notes_id_seq,
    campaigns_id_seq,
    workflows_id_seq,
    workflow_executions_id_seq,
    lead_scoring_rules_id_seq,
    lead_score_history_id_seq,
    activity_logs_id_seq,
    integrations_id_seq,
    custom_field_definitions_id_seq
TO lma_app;

GRANT SELECT ON
    v_lead_summary,
    v_organization_metrics,
    v_user_productivity,
    v_lead_performance_summary,
    v_user_activity_summary,
    v_organization_health
TO lma_app;
