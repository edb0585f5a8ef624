-- name: active_campaigns_by_type
-- description: The tenant's active campaigns of one type, by name, a page at a time.
-- params: SELECT organization_id, campaign_type FROM campaigns GROUP BY 1, 2 ORDER BY count(*) FILTER (WHERE status = 'active') DESC, count(*) DESC, 1, 2 LIMIT 3
-- note: the samples are the commonest active types; a tenant with no active campaign (seed tiny) still gives one.
-- note: the largest tenant has ~490 active campaigns of its most common type at 1M leads (167 buffers read
-- note: whole); with the name as a key (V24) a page reads 50 entries. On seed small's 9-page table a Seq Scan
-- note: is the right plan; one on a table too large for the budget is not.
-- expect: no_seq_scan_above_pages 50
-- expect: max_buffers 60
-- expect: p95_ms 5
-- expect: max_misestimate 1000
-- expect: no_temp_spill
SELECT id, name, start_date, end_date, budget_allocated, budget_spent
FROM campaigns
WHERE organization_id = $1 AND status = 'active' AND campaign_type = $2
ORDER BY name
LIMIT 50;
