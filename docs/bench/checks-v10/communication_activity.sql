-- name: communication_activity
-- description: The tenant's communications per UTC day over the last 30 days, counted from the rows (before V23).
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- expect: uses_index idx_comms_org_activity on communications
-- expect: no_seq_scan communications
-- expect: max_buffers 10
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS communications
FROM communications
WHERE organization_id = $1 AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '29 days'
GROUP BY 1
ORDER BY 1;
