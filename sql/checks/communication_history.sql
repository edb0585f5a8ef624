-- name: communication_history
-- description: A lead's communications, newest first (design doc 000).
-- params: SELECT c.organization_id, c.lead_id FROM communications AS c JOIN {{largest_tenant}} USING (organization_id) GROUP BY 1, 2 ORDER BY count(*) DESC, 2 LIMIT 3
-- expect: uses_index idx_communications_lead_created on communications
-- expect: no_seq_scan communications
-- expect: max_buffers 120
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, communication_type, direction, subject, status, created_at
FROM communications
WHERE organization_id = $1 AND lead_id = $2
ORDER BY created_at DESC
LIMIT 50;
