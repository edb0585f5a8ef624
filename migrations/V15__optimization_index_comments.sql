-- V15: COMMENT ON INDEX for every index V14 created, naming the query it serves.
--
-- Why a separate file: V14 must contain only CREATE/DROP INDEX statements (it
-- becomes a CONCURRENTLY, no-transaction migration later). The comments make
-- the index -> query mapping visible in the catalog (\di+, obj_description)
-- for `lma indexes` and for whoever wonders whether an index is still needed.
-- docs/schema.md carries the same list.

COMMENT ON INDEX idx_leads_assigned_status IS
    'FK fk_leads_assigned_to; a rep''s pipeline: WHERE organization_id = $1 AND assigned_to_id = $2 AND status = $3; per-user lead counts/avg(score) of v_user_productivity and v_user_activity_summary (index-only)';
COMMENT ON INDEX idx_leads_assignable IS
    'lead assignment queue: WHERE organization_id = $1 AND assigned_to_id IS NULL AND status = ''NEW'' ORDER BY score DESC, id LIMIT 50 (seed idx_leads_assignable + idx_leads_org_status_assigned)';
COMMENT ON INDEX idx_leads_org_status_score IS
    'qualified leads by score: WHERE organization_id = $1 AND status = $2 AND score > $3 ORDER BY score DESC; pipeline dashboard: SELECT status, count(*), avg(score), sum(value) WHERE organization_id = $1 GROUP BY status (index-only; seed idx_leads_dashboard_summary merged)';
COMMENT ON INDEX idx_leads_org_score_temp IS
    'lead scoring analysis: SELECT lead_temperature, count(*), avg(score) WHERE organization_id = $1 AND score >= $2 GROUP BY lead_temperature; hottest leads: WHERE organization_id = $1 ORDER BY score DESC LIMIT n (seed idx_leads_score_temp merged)';
COMMENT ON INDEX idx_leads_org_created_desc IS
    'recent leads, keyset pagination: WHERE organization_id = $1 AND (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC LIMIT 50; v_lead_performance_summary 90-day window (seed idx_leads_created_org merged)';
COMMENT ON INDEX idx_leads_org_source_status IS
    'lead source conversion: SELECT source, count(*), count(*) FILTER (WHERE status = ''CLOSED_WON'') WHERE organization_id = $1 GROUP BY source (index-only)';
COMMENT ON INDEX ix_leads_email IS
    'lead by e-mail (import de-duplication, inbound e-mail matching): WHERE organization_id = $1 AND lower(email) = lower($2)';
COMMENT ON INDEX idx_leads_search_trgm IS
    'lead search by name/company/e-mail substring: WHERE organization_id = $1 AND (first_name || '' '' || last_name || '' '' || coalesce(company, '''') || '' '' || email) ILIKE ''%'' || $2 || ''%'' (pg_trgm + btree_gin; replaces seed ix_leads_company)';
COMMENT ON INDEX idx_leads_tags_gin IS
    'JSON tag search: WHERE organization_id = $1 AND tags @> ''["vip"]''';
COMMENT ON INDEX idx_leads_custom_fields_gin IS
    'custom-field search: WHERE organization_id = $1 AND custom_fields @> ''{"industry": "saas"}''';

COMMENT ON INDEX idx_communications_lead_type_date IS
    'FK fk_communications_lead; communication history: WHERE organization_id = $1 AND lead_id = $2 [AND communication_type = $3] ORDER BY created_at DESC; v_lead_summary per-lead count/max(created_at) (seed idx_comms_lead_type_completed merged)';
COMMENT ON INDEX idx_communications_upcoming IS
    'upcoming scheduled communications: WHERE organization_id = $1 AND status = ''scheduled'' AND scheduled_at >= now() ORDER BY scheduled_at LIMIT 50 (seed idx_communications_scheduled_status merged)';
COMMENT ON INDEX idx_comms_user_scheduled IS
    'a user''s upcoming communications: WHERE organization_id = $1 AND user_id = $2 AND status = ''scheduled'' AND scheduled_at >= now() ORDER BY scheduled_at';
COMMENT ON INDEX idx_comms_org_activity IS
    'tenant communication activity: WHERE organization_id = $1 AND created_at >= $2 GROUP BY date_trunc(''day'', created_at) / ORDER BY created_at DESC LIMIT 50';
COMMENT ON INDEX idx_communications_metadata_gin IS
    'communication by provider metadata: WHERE organization_id = $1 AND comm_metadata @> ''{"message_id": "..."}''';

COMMENT ON INDEX idx_campaigns_org_type_active IS
    'active campaigns by type: WHERE organization_id = $1 AND status = ''active'' AND campaign_type = $2';
COMMENT ON INDEX idx_campaigns_target_criteria_gin IS
    'campaigns targeting a segment: WHERE organization_id = $1 AND target_criteria @> ''{"industry": "saas"}''';
COMMENT ON INDEX idx_campaign_leads_campaign_status IS
    'FK fk_campaign_leads_campaign; campaign performance: SELECT status, count(*) WHERE organization_id = $1 AND campaign_id = $2 GROUP BY status (index-only; seed idx_campaign_leads_performance + _summary merged)';

COMMENT ON INDEX idx_workflows_org_category_active IS
    'active workflows [by category]: WHERE organization_id = $1 AND is_active [AND category = $2] (seed idx_workflows_org_active merged)';
COMMENT ON INDEX idx_workflow_exec_monitoring IS
    'workflow execution monitoring: WHERE organization_id = $1 AND status = $2 ORDER BY started_at DESC LIMIT 50';
COMMENT ON INDEX idx_workflow_executions_workflow_started IS
    'FK fk_workflow_executions_workflow; a workflow''s run history: WHERE organization_id = $1 AND workflow_id = $2 ORDER BY started_at DESC LIMIT 20';

COMMENT ON INDEX idx_activity_logs_lead_type_date IS
    'FK fk_activity_logs_lead; a lead''s activity timeline: WHERE organization_id = $1 AND lead_id = $2 [AND activity_type = $3] ORDER BY created_at DESC LIMIT 50';
COMMENT ON INDEX idx_activity_logs_user_summary IS
    'FK fk_activity_logs_user; user activity summary: SELECT activity_type, count(*) WHERE organization_id = $1 AND user_id = $2 AND created_at >= now() - interval ''7 days'' GROUP BY activity_type (index-only); v_user_activity_summary';
COMMENT ON INDEX idx_activity_logs_org_created IS
    'tenant recent activity (seed idx_activity_logs_monthly without its now() predicate): WHERE organization_id = $1 AND created_at >= now() - interval ''90 days'' ORDER BY created_at DESC LIMIT 100';

COMMENT ON INDEX idx_lead_scoring_rules_active_priority IS
    'active scoring rules in evaluation order: WHERE organization_id = $1 AND is_active ORDER BY priority DESC';
COMMENT ON INDEX idx_lead_scoring_criteria_gin IS
    'scoring rules testing a field: WHERE organization_id = $1 AND criteria @> ''{"field": "industry"}''';
COMMENT ON INDEX idx_lead_score_recent IS
    'recent score changes (seed idx_lead_score_recent without its now() predicate): WHERE organization_id = $1 AND changed_at >= now() - interval ''30 days'' ORDER BY changed_at DESC LIMIT 50';

COMMENT ON INDEX idx_users_verified_active IS
    'assignee picker / round-robin pool: WHERE organization_id = $1 AND is_active AND is_verified ORDER BY last_name, first_name';
