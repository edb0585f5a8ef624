-- name: communication_activity
-- description: The tenant's communications per day over the last 30 days.
-- params: SELECT organization_id FROM leads GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3
-- expect: uses_index idx_comms_org_activity on communications
-- expect: no_seq_scan communications
-- expect: max_buffers 50
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- note: grouped by the UTC day, the expression of V23's statistics st_communications_utc_day;
-- note: by the session's local day the planner has no statistics and guesses a group per row.
-- expect: no_temp_spill
-- expect: max_heap_fetches 0
SELECT date_trunc('day', created_at AT TIME ZONE 'UTC') AS day, count(*) AS communications
FROM communications
WHERE organization_id = $1 AND created_at >= now() - interval '30 days'
GROUP BY 1
ORDER BY 1;
