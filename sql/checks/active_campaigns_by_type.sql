-- name: active_campaigns_by_type
-- description: The tenant's active campaigns of one type.
-- params: SELECT organization_id, campaign_type FROM campaigns WHERE status = 'active' GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 3
-- note: the largest tenant's most common type (8 of 80 campaigns) is a Seq Scan of the 9-page table, the right
-- note: plan; rarer types use the index.
-- note: a few pages for the whole table: a Seq Scan is the right plan at seed volume, one on a table
-- note: above 1000 rows is not.
-- expect: no_seq_scan_above 1000
-- expect: max_buffers 30
-- expect: p95_ms 5
-- expect: max_misestimate 1000
-- expect: no_temp_spill
SELECT id, name, start_date, end_date, budget_allocated, budget_spent
FROM campaigns
WHERE organization_id = $1 AND status = 'active' AND campaign_type = $2
ORDER BY name;
