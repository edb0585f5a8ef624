-- lma:no-transaction
-- squawk-ignore-file ban-concurrent-index-creation-in-transaction
--   (.squawk.toml assumes every file runs in a transaction, as refinery runs
--   them; lma runs this one outside any, because of the marker above.)
-- V14: the optimization-round indexes of seeds 000 and 001: composite,
-- partial, GIN, covering (INCLUDE) and time-ordered (DESC) indexes, each for
-- a query of this application, always scoped to one tenant.
--
-- Why a file of its own, with one CREATE INDEX or DROP INDEX per statement
-- and nothing else: it runs outside a transaction (the marker on line 1), one
-- statement at a time, as CREATE/DROP INDEX CONCURRENTLY requires, so it can
-- be applied to a populated production database without blocking writes.
-- Every statement is idempotent (IF NOT EXISTS / IF EXISTS): a run that fails
-- midway is rerun from the top, and `lma migrate` first drops an INVALID
-- index a failed concurrent build left behind, so the rerun converges. The
-- history row is written only after the last statement succeeded. The index
-- comments (COMMENT ON INDEX) are in V15; the extensions in V13.
--
-- Rules followed here:
--   * Every index leads with organization_id: every query of the app is
--     filtered by tenant (RLS adds organization_id = <session tenant>), and a
--     tenant's rows are then one contiguous range of the index.
--   * No index is made redundant by another (same keys, or its keys a leading
--     prefix of another's with the same opclass/order/predicate/method).
--     Where a new composite leads with the columns of a baseline FK index,
--     the new index is created first (the FK is never without an index) and
--     the baseline index is dropped right after it.
--   * Seed names are kept; where two seed names mean the same query, they are
--     merged into one index and the comment says so.
--   * Seed 000's "time-series" partial indexes (activity logs of the last 90
--     days, score changes of the last 30 days) cannot be built as written: an
--     index predicate must be immutable and now() is not, so
--     "WHERE created_at > now() - interval '90 days'" is rejected (and a
--     fixed date would silently age). Their intent, "the recent rows of one
--     tenant, newest first", is a plain (organization_id, time DESC) B-tree:
--     a LIMIT or a recent-range query reads only the newest entries of the
--     tenant's range, however old the table. BRIN on created_at was
--     considered for activity_logs: it is tiny, but it cannot narrow to one
--     tenant, and its ranges are only tight if rows arrive in time order
--     (bulk loads need not), so it would lose to the B-tree on every query.
--   * Seed indexes NOT built, with the reason (see docs/schema.md):
--     ix_leads_status, ix_leads_source (single-column, never used alone in a
--     tenant-scoped query; superseded by idx_leads_org_status_score and
--     idx_leads_org_source_status), ix_leads_company (served by the trigram
--     index idx_leads_search_trgm), idx_organizations_settings_gin and
--     idx_organizations_active_only (organizations has one row per tenant and
--     the app reads it only by primary key), idx_users_preferences_gin
--     (preferences are read with their user by primary key; no query
--     searches them).

-- ---------------------------------------------------------------- leads

-- Seed 001 idx_leads_assigned_status: "a rep's pipeline"
--   SELECT ... FROM leads WHERE organization_id = $1 AND assigned_to_id = $2 AND status = $3
-- and v_user_productivity / v_user_activity_summary per user (count, avg(score),
-- won), index-only thanks to INCLUDE (score). Departure: the seed's partial
-- "WHERE assigned_to_id IS NOT NULL" is dropped, because this index also
-- backs fk_leads_assigned_to (a partial index cannot serve the FK's SET NULL
-- lookup for every row) and so replaces the baseline ix_leads_assigned_to_id.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_assigned_status ON leads (organization_id, assigned_to_id, status) INCLUDE (score);
DROP INDEX CONCURRENTLY IF EXISTS ix_leads_assigned_to_id;

-- Seed 000 idx_leads_assignable, merged with seed 000 idx_leads_org_status_assigned
-- (same intent: tenant + status + "not yet assigned"): the lead assignment queue
--   SELECT ... FROM leads WHERE organization_id = $1 AND assigned_to_id IS NULL
--     AND status = 'NEW' ORDER BY score DESC, id LIMIT 50
-- Partial: only the unassigned NEW leads are in it, and it is already in
-- queue order, so the queue is a LIMIT read of the index.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_assignable ON leads (organization_id, score DESC, id)
    WHERE assigned_to_id IS NULL AND status = 'NEW';

-- Seed 001 idx_leads_org_status_score, merged with seed 000
-- idx_leads_dashboard_summary (covering): qualified leads by score
--   SELECT ... FROM leads WHERE organization_id = $1 AND status = $2 AND score > $3
--     ORDER BY score DESC LIMIT 10
-- and the pipeline dashboard, index-only thanks to INCLUDE (value):
--   SELECT status, count(*), avg(score), sum(value) FROM leads
--     WHERE organization_id = $1 GROUP BY status
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_org_status_score ON leads (organization_id, status, score DESC) INCLUDE (value);

-- Seed 000 idx_leads_org_score_temp, merged with seed 001 idx_leads_score_temp
-- (same intent, the seed 001 one without the tenant): lead scoring analysis
--   SELECT lead_temperature, count(*), avg(score) FROM leads
--     WHERE organization_id = $1 AND score >= $2 GROUP BY lead_temperature
-- (index-only range scan) and "hottest leads first"
--   SELECT ... FROM leads WHERE organization_id = $1 [AND lead_temperature = $2]
--     ORDER BY score DESC LIMIT 20
-- (also v_lead_summary ... ORDER BY score DESC LIMIT n). score before
-- lead_temperature so that the ORDER BY score is read from the index.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_org_score_temp ON leads (organization_id, score DESC, lead_temperature);

-- Seed 000 idx_leads_org_created_desc, merged with seed 001 idx_leads_created_org
-- (same intent, other column order): recent leads with keyset pagination
--   SELECT ... FROM leads WHERE organization_id = $1 AND (created_at, id) < ($2, $3)
--     ORDER BY created_at DESC, id DESC LIMIT 50
-- and v_lead_performance_summary's 90-day window (created_at >= now() - 90 days).
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_org_created_desc ON leads (organization_id, created_at DESC, id DESC);

-- Seed 000 idx_leads_org_source_status: lead source conversion (index-only)
--   SELECT source, count(*), count(*) FILTER (WHERE status = 'CLOSED_WON')
--     FROM leads WHERE organization_id = $1 GROUP BY source
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_org_source_status ON leads (organization_id, source, status);

-- Seed 001 ix_leads_email, made tenant-scoped and case-insensitive: find a
-- lead by e-mail (import de-duplication, matching an inbound e-mail)
--   SELECT ... FROM leads WHERE organization_id = $1 AND lower(email) = lower($2)
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_leads_email ON leads (organization_id, lower((email)::text));

-- Replaces seed 001 ix_leads_company (pg_trgm, V13): the lead search box,
-- a substring of name, company or e-mail
--   SELECT ... FROM leads WHERE organization_id = $1
--     AND (first_name || ' ' || last_name || ' ' || coalesce(company, '') || ' ' || email)
--         ILIKE '%' || $2 || '%' LIMIT 50
-- A B-tree serves only prefix LIKE; trigrams serve '%term%' in any position.
-- organization_id first (btree_gin) keeps other tenants' matches out.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_search_trgm ON leads USING gin (
    organization_id,
    ((first_name::text || ' ' || last_name::text || ' ' || coalesce(company, '')::text || ' ' || email::text)) gin_trgm_ops
);

-- Seed 000 idx_leads_tags_gin: JSON tag search
--   SELECT ... FROM leads WHERE organization_id = $1 AND tags @> '["vip"]'
-- jsonb_path_ops: smaller and faster than jsonb_ops for @>, the only operator used.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_tags_gin ON leads USING gin (organization_id, tags jsonb_path_ops);

-- Seed 000 idx_leads_custom_fields_gin: custom-field search
--   SELECT ... FROM leads WHERE organization_id = $1 AND custom_fields @> '{"industry": "saas"}'
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_custom_fields_gin ON leads USING gin (organization_id, custom_fields jsonb_path_ops);

-- ---------------------------------------------------------------- communications

-- Seed 001 idx_communications_lead_type_date, merged with seed 000
-- idx_comms_lead_type_completed (same intent): a lead's communication history
--   SELECT ... FROM communications WHERE organization_id = $1 AND lead_id = $2
--     [AND communication_type = $3] ORDER BY created_at DESC LIMIT 50
-- and v_lead_summary's per-lead count and max(created_at) (index-only).
-- Leads with the columns of fk_communications_lead: replaces ix_communications_lead_id.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_communications_lead_type_date ON communications
    (organization_id, lead_id, communication_type, created_at DESC);
DROP INDEX CONCURRENTLY IF EXISTS ix_communications_lead_id;

-- Seed 000 idx_communications_upcoming, merged with seed 001
-- idx_communications_scheduled_status (same intent): upcoming scheduled
-- communications of the tenant
--   SELECT ... FROM communications WHERE organization_id = $1 AND status = 'scheduled'
--     AND scheduled_at >= now() ORDER BY scheduled_at LIMIT 50
-- Partial on status = 'scheduled' (immutable, unlike now()): only pending rows.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_communications_upcoming ON communications (organization_id, scheduled_at)
    WHERE status = 'scheduled';

-- Seed 000 idx_comms_user_scheduled: a user's upcoming communications
--   SELECT ... FROM communications WHERE organization_id = $1 AND user_id = $2
--     AND status = 'scheduled' AND scheduled_at >= now() ORDER BY scheduled_at LIMIT 20
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_comms_user_scheduled ON communications (organization_id, user_id, scheduled_at)
    WHERE status = 'scheduled';

-- Seed 000 idx_comms_org_activity: the tenant's communication activity, newest first
--   SELECT date_trunc('day', created_at), count(*) FROM communications
--     WHERE organization_id = $1 AND created_at >= $2 GROUP BY 1
-- (and the activity feed ... ORDER BY created_at DESC LIMIT 50).
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_comms_org_activity ON communications (organization_id, created_at DESC);

-- Seed 000 idx_communications_metadata_gin: find a communication by provider
-- metadata (an e-mail reply or a webhook carries the provider's message id)
--   SELECT ... FROM communications WHERE organization_id = $1
--     AND comm_metadata @> '{"message_id": "..."}'
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_communications_metadata_gin ON communications USING gin (organization_id, comm_metadata jsonb_path_ops);

-- ---------------------------------------------------------------- campaigns

-- Seed 000 idx_campaigns_org_type_active: active campaigns by type
--   SELECT ... FROM campaigns WHERE organization_id = $1 AND status = 'active'
--     AND campaign_type = $2
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_campaigns_org_type_active ON campaigns (organization_id, campaign_type)
    WHERE status = 'active';

-- Seed 000 idx_campaigns_target_criteria_gin: campaigns targeting a segment
--   SELECT ... FROM campaigns WHERE organization_id = $1
--     AND target_criteria @> '{"industry": "saas"}'
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_campaigns_target_criteria_gin ON campaigns USING gin (organization_id, target_criteria jsonb_path_ops);

-- Seed 001 idx_campaign_leads_campaign_status, merged with seed 000
-- idx_campaign_leads_performance and idx_campaign_leads_summary (all three:
-- campaign performance by enrolment status): campaign performance, index-only
--   SELECT status, count(*) FROM campaign_leads WHERE organization_id = $1
--     AND campaign_id = $2 GROUP BY status
--   SELECT campaign_id, count(*), count(*) FILTER (WHERE status = 'converted')
--     FROM campaign_leads WHERE organization_id = $1 GROUP BY campaign_id
-- Leads with the columns of fk_campaign_leads_campaign: replaces ix_campaign_leads_campaign_id.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_campaign_leads_campaign_status ON campaign_leads (organization_id, campaign_id, status);
DROP INDEX CONCURRENTLY IF EXISTS ix_campaign_leads_campaign_id;

-- ---------------------------------------------------------------- workflows

-- Seed 000 idx_workflows_org_category_active, merged with seed 001
-- idx_workflows_org_active (its key is a prefix of this one with the same
-- predicate, so it would be redundant): active workflows [by category]
--   SELECT ... FROM workflows WHERE organization_id = $1 AND is_active
--     [AND category = $2] ORDER BY category
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_workflows_org_category_active ON workflows (organization_id, category)
    WHERE is_active;

-- Seed 000 idx_workflow_exec_monitoring: execution monitoring
--   SELECT ... FROM workflow_executions WHERE organization_id = $1
--     AND status = 'error' ORDER BY started_at DESC LIMIT 50
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_workflow_exec_monitoring ON workflow_executions (organization_id, status, started_at DESC);

-- A workflow's run history, newest first (not in the seeds; the FK index
-- alone would read and sort every run of a busy workflow)
--   SELECT ... FROM workflow_executions WHERE organization_id = $1
--     AND workflow_id = $2 ORDER BY started_at DESC LIMIT 20
-- Leads with the columns of fk_workflow_executions_workflow: replaces
-- ix_workflow_executions_workflow_id.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_workflow_executions_workflow_started ON workflow_executions
    (organization_id, workflow_id, started_at DESC);
DROP INDEX CONCURRENTLY IF EXISTS ix_workflow_executions_workflow_id;

-- ---------------------------------------------------------------- activity_logs

-- Seed 001 idx_activity_logs_lead_type_date: a lead's activity timeline
--   SELECT ... FROM activity_logs WHERE organization_id = $1 AND lead_id = $2
--     [AND activity_type = $3] ORDER BY created_at DESC LIMIT 50
-- Leads with the columns of fk_activity_logs_lead: replaces ix_activity_logs_lead_id.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_activity_logs_lead_type_date ON activity_logs
    (organization_id, lead_id, activity_type, created_at DESC);
DROP INDEX CONCURRENTLY IF EXISTS ix_activity_logs_lead_id;

-- Seed 000 idx_activity_logs_user_summary (covering): user activity summary,
-- index-only thanks to INCLUDE (activity_type)
--   SELECT activity_type, count(*) FROM activity_logs WHERE organization_id = $1
--     AND user_id = $2 AND created_at >= now() - interval '7 days' GROUP BY activity_type
-- and v_user_activity_summary per user (count, last 7 days, max(created_at)).
-- Leads with the columns of fk_activity_logs_user: replaces ix_activity_logs_user_id.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_activity_logs_user_summary ON activity_logs (organization_id, user_id, created_at DESC)
    INCLUDE (activity_type);
DROP INDEX CONCURRENTLY IF EXISTS ix_activity_logs_user_id;

-- Seed 000 idx_activity_logs_monthly ("recent activity logs, 90 days"),
-- rebuilt without its now() predicate (see the header): the tenant's recent
-- activity, newest first
--   SELECT ... FROM activity_logs WHERE organization_id = $1
--     AND created_at >= now() - interval '90 days' ORDER BY created_at DESC LIMIT 100
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_activity_logs_org_created ON activity_logs (organization_id, created_at DESC);

-- ---------------------------------------------------------------- lead scoring

-- Seed 000 idx_lead_scoring_rules_active_priority: the scoring engine loads
-- the tenant's active rules in evaluation order
--   SELECT ... FROM lead_scoring_rules WHERE organization_id = $1 AND is_active
--     ORDER BY priority DESC
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_lead_scoring_rules_active_priority ON lead_scoring_rules (organization_id, priority DESC)
    WHERE is_active;

-- Seed 000 idx_lead_scoring_criteria_gin: the rules that test a given field
-- (before a custom field is changed or deleted)
--   SELECT ... FROM lead_scoring_rules WHERE organization_id = $1
--     AND criteria @> '{"field": "industry"}'
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_lead_scoring_criteria_gin ON lead_scoring_rules USING gin (organization_id, criteria jsonb_path_ops);

-- Seed 000 idx_lead_score_recent ("recent lead score changes, 30 days"),
-- rebuilt without its now() predicate (see the header): recent score changes
--   SELECT ... FROM lead_score_history WHERE organization_id = $1
--     AND changed_at >= now() - interval '30 days' ORDER BY changed_at DESC LIMIT 50
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_lead_score_recent ON lead_score_history (organization_id, changed_at DESC);

-- ---------------------------------------------------------------- users

-- Seed 000 idx_users_verified_active: the assignee picker / round-robin pool,
-- active and verified users of the tenant by name
--   SELECT id, first_name, last_name FROM users WHERE organization_id = $1
--     AND is_active AND is_verified ORDER BY last_name, first_name
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_verified_active ON users (organization_id, last_name, first_name)
    WHERE is_active AND is_verified;
