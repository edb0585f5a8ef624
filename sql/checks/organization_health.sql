-- name: organization_health
-- description: The tenant's KPIs: users, leads, conversion and workflow runs (seed 000, v_organization_health).
-- params: SELECT organization_id FROM leads GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3
-- expect: no_seq_scan_above 1000
-- expect: max_buffers 1750
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT * FROM v_organization_health WHERE id = $1;
