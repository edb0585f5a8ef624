-- name: user_activity_summary
-- description: A user's activity of the last 7 days by type, index-only (design doc 000).
-- params: SELECT a.organization_id, a.user_id FROM activity_logs AS a JOIN {{largest_tenant}} USING (organization_id) WHERE a.user_id IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC, 2 LIMIT 3
-- expect: uses_index idx_activity_logs_user_summary on activity_logs
-- expect: no_seq_scan activity_logs
-- note: the busiest user logs ~3,200 activities a week at 1M leads with the history ending today: index-only,
-- note: 0 heap fetches, but 797 buffers, most of them visibility-map pages re-pinned as consecutive entries
-- note: point into heap pages that different map pages cover. 1 ms p95; the budget allows twice the rows.
-- expect: max_buffers 1600
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
-- expect: max_heap_fetches 0
SELECT activity_type, count(*) AS activities
FROM activity_logs
WHERE organization_id = $1 AND user_id = $2 AND created_at >= now() - interval '7 days'
GROUP BY activity_type;
