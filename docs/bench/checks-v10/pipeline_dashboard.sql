-- name: pipeline_dashboard
-- description: The pipeline dashboard, before V21: the tenant's leads aggregated per status.
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- expect: no_seq_scan leads
-- expect: max_buffers 200
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT status, count(*) AS leads, round(avg(score), 1) AS avg_score, sum(value) AS total_value
FROM leads
WHERE organization_id = $1
GROUP BY status
ORDER BY status;
