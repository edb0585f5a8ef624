-- name: lead_source_conversion
-- description: Leads and won deals per source, before V21: the tenant's leads aggregated.
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- expect: no_seq_scan leads
-- expect: max_buffers 200
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT source, count(*) AS leads, count(*) FILTER (WHERE status = 'CLOSED_WON') AS won
FROM leads
WHERE organization_id = $1
GROUP BY source
ORDER BY source;
