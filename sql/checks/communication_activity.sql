-- name: communication_activity
-- description: The tenant's communications per UTC day over the last 30 days (V23's daily summary).
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- note: counting the rows took 222 ms and 236,539 buffers for the largest tenant at 1M leads
-- note: (311,000 communications in the window); organization_daily_stats keeps the count (V23).
-- expect: uses_index pk_organization_daily_stats on organization_daily_stats
-- expect: no_seq_scan organization_daily_stats
-- expect: max_buffers 10
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT day, communications
FROM organization_daily_stats
WHERE organization_id = $1 AND day > (now() AT TIME ZONE 'UTC')::date - 30 AND communications <> 0
ORDER BY day;
