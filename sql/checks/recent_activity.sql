-- name: recent_activity
-- description: The tenant's activity feed: the latest activity of the last 90 days.
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- expect: uses_index idx_activity_logs_org_created on activity_logs
-- expect: no_seq_scan activity_logs
-- expect: max_buffers 310
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, lead_id, user_id, activity_type, created_at
FROM activity_logs
WHERE organization_id = $1 AND created_at >= now() - interval '90 days'
ORDER BY created_at DESC
LIMIT 100;
