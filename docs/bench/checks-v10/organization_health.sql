-- name: organization_health
-- description: The tenant's KPIs (v_organization_health's V16 body inlined; rolling 30-day windows).
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- expect: no_seq_scan leads, workflow_executions
-- expect: no_seq_scan_above 1000
-- expect: max_buffers 300
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT o.id, o.name, o.subscription_tier, o.is_active, u.total_users, u.active_users,
       u.users_logged_in_last_30_days, l.total_leads, l.leads_last_30_days, l.won_leads, l.lost_leads,
       l.won_leads::numeric / nullif(l.won_leads + l.lost_leads, 0) AS conversion_rate,
       w.total_workflows, w.active_workflows, e.workflow_runs_last_30_days, e.failed_workflow_runs_last_30_days
FROM organizations AS o
CROSS JOIN LATERAL (
    SELECT count(*) AS total_users, count(*) FILTER (WHERE us.is_active) AS active_users,
           count(*) FILTER (WHERE us.last_login >= now() - interval '30 days') AS users_logged_in_last_30_days
    FROM users AS us
    WHERE us.organization_id = o.id
) AS u
CROSS JOIN LATERAL (
    SELECT count(*) AS total_leads,
           count(*) FILTER (WHERE ld.created_at >= now() - interval '30 days') AS leads_last_30_days,
           count(*) FILTER (WHERE ld.status = 'CLOSED_WON') AS won_leads,
           count(*) FILTER (WHERE ld.status = 'CLOSED_LOST') AS lost_leads
    FROM leads AS ld
    WHERE ld.organization_id = o.id
) AS l
CROSS JOIN LATERAL (
    SELECT count(*) AS total_workflows, count(*) FILTER (WHERE wf.is_active) AS active_workflows
    FROM workflows AS wf
    WHERE wf.organization_id = o.id
) AS w
CROSS JOIN LATERAL (
    SELECT count(*) AS workflow_runs_last_30_days,
           count(*) FILTER (WHERE we.status = 'error') AS failed_workflow_runs_last_30_days
    FROM workflow_executions AS we
    WHERE we.organization_id = o.id AND we.started_at >= now() - interval '30 days'
) AS e
WHERE o.id = $1;
