-- V16: the six reporting views: v_lead_summary, v_organization_metrics and
-- v_user_productivity (seed 001, its column names kept), and
-- v_lead_performance_summary, v_user_activity_summary and
-- v_organization_health (seed 000's descriptions).
--
-- Why rewritten rather than copied: seed 001's views join several one-to-many
-- children to the same parent and then aggregate. v_lead_summary joins
-- communications AND lead_notes to leads, so a lead with 3 communications and
-- 2 notes yields 3 x 2 = 6 rows and reports communication_count = 6 and
-- note_count = 6; v_organization_metrics' AVG(l.score) is weighted by each
-- lead's number of communications (COUNT(DISTINCT) hides the row explosion for
-- the counts but not for AVG, and makes the explosion expensive). Here every
-- child is aggregated on its own, in a LATERAL subquery correlated on the
-- parent's key, so each number equals a direct count/average over that
-- entity, and the parent is never multiplied.
--
-- All six:
--   * WITH (security_invoker = true) (PG15): the view runs with the privileges
--     and the row-level security of the querying role, so lma_app sees only its
--     tenant through a view too (a default view would run as its owner, who
--     bypasses RLS).
--   * expose organization_id (the organization views: id), and every child
--     subquery is correlated on (organization_id, parent id), so
--     "WHERE organization_id = $1" (or id = $1) is pushed down to the parent
--     and each child is read through a tenant-leading index.
--   * LATERAL rather than GROUP BY subqueries joined afterwards: a paginated
--     read (ORDER BY ... LIMIT 20) computes the children of 20 rows only.

-- One row per lead. Seed 001 columns, plus organization_id and assigned_to_id
-- (filter by tenant / by assignee). Typical use:
--   SELECT * FROM v_lead_summary WHERE organization_id = $1 ORDER BY score DESC LIMIT 20
-- (seed 001 filtered by organization_name; the id is the indexed key).
CREATE VIEW v_lead_summary WITH (security_invoker = true) AS
SELECT
    l.id,
    l.organization_id,
    l.email,
    l.first_name,
    l.last_name,
    l.company,
    l.score,
    l.status,
    l.lead_temperature,
    l.created_at,
    o.name                    AS organization_name,
    o.subscription_tier,
    u.first_name              AS assigned_first_name,
    u.last_name               AS assigned_last_name,
    c.communication_count,
    n.note_count,
    c.last_communication_date,
    l.assigned_to_id
FROM leads AS l
JOIN organizations AS o ON o.id = l.organization_id
LEFT JOIN users AS u ON u.organization_id = l.organization_id AND u.id = l.assigned_to_id
-- Fix: each child aggregated on its own (seed: COUNT over communications x notes).
CROSS JOIN LATERAL (
    SELECT count(*) AS communication_count, max(cm.created_at) AS last_communication_date
    FROM communications AS cm
    WHERE cm.organization_id = l.organization_id AND cm.lead_id = l.id
) AS c
CROSS JOIN LATERAL (
    SELECT count(*) AS note_count
    FROM lead_notes AS ln
    WHERE ln.organization_id = l.organization_id AND ln.lead_id = l.id
) AS n;

-- One row per organization: KPIs. Seed 001 columns. Typical use:
--   SELECT * FROM v_organization_metrics WHERE id = $1
CREATE VIEW v_organization_metrics WITH (security_invoker = true) AS
SELECT
    o.id,
    o.name,
    o.subscription_tier,
    l.total_leads,
    u.total_users,
    l.avg_lead_score,
    l.qualified_leads,
    l.won_leads,
    c.total_communications,
    w.total_workflows
FROM organizations AS o
-- Fix: seed 001 joined leads x users x communications x workflows, so
-- AVG(l.score) was weighted by communications, users and workflows.
CROSS JOIN LATERAL (
    SELECT count(*)                                        AS total_leads,
           avg(ld.score)                                   AS avg_lead_score,
           count(*) FILTER (WHERE ld.status = 'QUALIFIED')  AS qualified_leads,
           count(*) FILTER (WHERE ld.status = 'CLOSED_WON') AS won_leads
    FROM leads AS ld
    WHERE ld.organization_id = o.id
) AS l
CROSS JOIN LATERAL (
    SELECT count(*) AS total_users FROM users AS us WHERE us.organization_id = o.id
) AS u
-- communications carries organization_id (always its lead's, by the composite
-- FK), so the tenant's communications are counted without going through leads.
CROSS JOIN LATERAL (
    SELECT count(*) AS total_communications FROM communications AS cm WHERE cm.organization_id = o.id
) AS c
CROSS JOIN LATERAL (
    SELECT count(*) AS total_workflows FROM workflows AS wf WHERE wf.organization_id = o.id
) AS w;

-- One row per user: productivity. Seed 001 columns, plus organization_id.
-- Typical use: SELECT * FROM v_user_productivity WHERE organization_id = $1 ORDER BY won_leads DESC
CREATE VIEW v_user_productivity WITH (security_invoker = true) AS
SELECT
    u.id,
    u.organization_id,
    u.first_name,
    u.last_name,
    u.email,
    u.role,
    o.name AS organization_name,
    l.assigned_leads,
    c.total_communications,
    n.total_notes,
    l.avg_lead_score,
    l.won_leads
FROM users AS u
JOIN organizations AS o ON o.id = u.organization_id
-- Fix: seed 001 joined leads x communications x notes per user, so
-- AVG(l.score) was weighted by the user's communications and notes.
CROSS JOIN LATERAL (
    SELECT count(*)                                        AS assigned_leads,
           avg(ld.score)                                   AS avg_lead_score,
           count(*) FILTER (WHERE ld.status = 'CLOSED_WON') AS won_leads
    FROM leads AS ld
    WHERE ld.organization_id = u.organization_id AND ld.assigned_to_id = u.id
) AS l
CROSS JOIN LATERAL (
    SELECT count(*) AS total_communications
    FROM communications AS cm
    WHERE cm.organization_id = u.organization_id AND cm.user_id = u.id
) AS c
CROSS JOIN LATERAL (
    SELECT count(*) AS total_notes
    FROM lead_notes AS ln
    WHERE ln.organization_id = u.organization_id AND ln.user_id = u.id
) AS n;

-- Seed 000: lead metrics by organization, status, source and temperature, with
-- communication activity, over a 90-day rolling window: leads created in the
-- last 90 days, with all of their communications. One row per
-- (organization_id, status, source, lead_temperature) that has such leads.
-- Typical use: SELECT * FROM v_lead_performance_summary WHERE organization_id = $1
-- (the filter is on a grouping column, so it is applied before grouping).
CREATE VIEW v_lead_performance_summary WITH (security_invoker = true) AS
SELECT
    l.organization_id,
    l.status,
    l.source,
    l.lead_temperature,
    count(*)                                           AS lead_count,
    avg(l.score)                                       AS avg_score,
    sum(l.value)                                       AS total_value,
    sum(c.communication_count)                         AS communication_count,
    count(*) FILTER (WHERE c.communication_count > 0)  AS leads_with_communications,
    avg(c.communication_count)                         AS avg_communications_per_lead
FROM leads AS l
-- Per-lead communication count first, so a lead is one row in the grouping
-- and avg(score) is not weighted by its communications.
CROSS JOIN LATERAL (
    SELECT count(*) AS communication_count
    FROM communications AS cm
    WHERE cm.organization_id = l.organization_id AND cm.lead_id = l.id
) AS c
WHERE l.created_at >= now() - interval '90 days'
GROUP BY l.organization_id, l.status, l.source, l.lead_temperature;

-- Seed 000: user productivity with activity counts, lead assignments and
-- weekly (last 7 days) activity. One row per user.
-- Typical use: SELECT * FROM v_user_activity_summary WHERE organization_id = $1
CREATE VIEW v_user_activity_summary WITH (security_invoker = true) AS
SELECT
    u.id,
    u.organization_id,
    u.first_name,
    u.last_name,
    u.email,
    u.role,
    u.is_active,
    u.last_login,
    l.assigned_leads,
    l.open_assigned_leads,
    a.total_activities,
    a.activities_last_7_days,
    a.last_activity_at
FROM users AS u
CROSS JOIN LATERAL (
    SELECT count(*) AS assigned_leads,
           count(*) FILTER (WHERE ld.status NOT IN ('CLOSED_WON', 'CLOSED_LOST')) AS open_assigned_leads
    FROM leads AS ld
    WHERE ld.organization_id = u.organization_id AND ld.assigned_to_id = u.id
) AS l
CROSS JOIN LATERAL (
    SELECT count(*)                                                          AS total_activities,
           count(*) FILTER (WHERE al.created_at >= now() - interval '7 days') AS activities_last_7_days,
           max(al.created_at)                                                AS last_activity_at
    FROM activity_logs AS al
    WHERE al.organization_id = u.organization_id AND al.user_id = u.id
) AS a;

-- Seed 000: organization-wide KPIs: user engagement, lead conversion and
-- workflow adoption. One row per organization.
-- conversion_rate = won / (won + lost) over closed leads, NULL when none is closed.
-- Typical use: SELECT * FROM v_organization_health WHERE id = $1
CREATE VIEW v_organization_health WITH (security_invoker = true) AS
SELECT
    o.id,
    o.name,
    o.subscription_tier,
    o.is_active,
    u.total_users,
    u.active_users,
    u.users_logged_in_last_30_days,
    l.total_leads,
    l.leads_last_30_days,
    l.won_leads,
    l.lost_leads,
    l.won_leads::numeric / nullif(l.won_leads + l.lost_leads, 0) AS conversion_rate,
    w.total_workflows,
    w.active_workflows,
    e.workflow_runs_last_30_days,
    e.failed_workflow_runs_last_30_days
FROM organizations AS o
CROSS JOIN LATERAL (
    SELECT count(*)                                                            AS total_users,
           count(*) FILTER (WHERE us.is_active)                                AS active_users,
           count(*) FILTER (WHERE us.last_login >= now() - interval '30 days') AS users_logged_in_last_30_days
    FROM users AS us
    WHERE us.organization_id = o.id
) AS u
CROSS JOIN LATERAL (
    SELECT count(*)                                                            AS total_leads,
           count(*) FILTER (WHERE ld.created_at >= now() - interval '30 days') AS leads_last_30_days,
           count(*) FILTER (WHERE ld.status = 'CLOSED_WON')                    AS won_leads,
           count(*) FILTER (WHERE ld.status = 'CLOSED_LOST')                   AS lost_leads
    FROM leads AS ld
    WHERE ld.organization_id = o.id
) AS l
CROSS JOIN LATERAL (
    SELECT count(*)                             AS total_workflows,
           count(*) FILTER (WHERE wf.is_active) AS active_workflows
    FROM workflows AS wf
    WHERE wf.organization_id = o.id
) AS w
CROSS JOIN LATERAL (
    SELECT count(*)                                  AS workflow_runs_last_30_days,
           count(*) FILTER (WHERE we.status = 'error') AS failed_workflow_runs_last_30_days
    FROM workflow_executions AS we
    WHERE we.organization_id = o.id AND we.started_at >= now() - interval '30 days'
) AS e;
