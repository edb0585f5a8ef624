-- name: lead_activity_timeline
-- description: A lead's activity timeline, newest first.
-- params: SELECT a.organization_id, a.lead_id FROM activity_logs AS a JOIN {{largest_tenant}} USING (organization_id) WHERE a.lead_id IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC, 2 LIMIT 3
-- expect: uses_index idx_activity_logs_lead_created on activity_logs
-- expect: no_seq_scan activity_logs
-- expect: max_buffers 120
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, user_id, activity_type, details, created_at
FROM activity_logs
WHERE organization_id = $1 AND lead_id = $2
ORDER BY created_at DESC
LIMIT 50;
