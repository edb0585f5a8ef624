-- name: lead_summary
-- description: The lead list page (v_lead_summary's V16 body inlined).
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- expect: no_seq_scan leads, communications, lead_notes
-- expect: max_buffers 510
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT l.id, l.first_name, l.last_name, l.company, l.score, l.status,
       u.first_name AS assigned_first_name, u.last_name AS assigned_last_name,
       c.communication_count, n.note_count, c.last_communication_date
FROM leads AS l
JOIN organizations AS o ON o.id = l.organization_id
LEFT JOIN users AS u ON u.organization_id = l.organization_id AND u.id = l.assigned_to_id
CROSS JOIN LATERAL (
    SELECT count(*) AS communication_count, max(cm.created_at) AS last_communication_date
    FROM communications AS cm
    WHERE cm.organization_id = l.organization_id AND cm.lead_id = l.id
) AS c
CROSS JOIN LATERAL (
    SELECT count(*) AS note_count
    FROM lead_notes AS ln
    WHERE ln.organization_id = l.organization_id AND ln.lead_id = l.id
) AS n
WHERE l.organization_id = $1
ORDER BY l.score DESC
LIMIT 20;
