-- name: user_productivity
-- description: The team page, one page of the tenant's users by won deals (v_user_productivity's V16 body inlined).
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- expect: no_seq_scan leads, communications, lead_notes
-- expect: no_seq_scan_above 1000
-- expect: max_buffers 250
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT u.id, u.first_name, u.last_name, u.role, l.assigned_leads, c.total_communications, n.total_notes,
       l.avg_lead_score, l.won_leads
FROM users AS u
JOIN organizations AS o ON o.id = u.organization_id
CROSS JOIN LATERAL (
    SELECT count(*) AS assigned_leads, avg(ld.score) AS avg_lead_score,
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
) AS n
WHERE u.organization_id = $1
ORDER BY l.won_leads DESC, u.id
LIMIT 20;
