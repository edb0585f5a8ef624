-- name: active_campaigns_by_type
-- description: The tenant's active campaigns of one type.
-- params: SELECT organization_id, campaign_type FROM campaigns WHERE status = 'active' GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 3
-- expect: uses_index idx_campaigns_org_type_active on campaigns
-- expect: no_seq_scan campaigns
-- expect: max_buffers 100
-- expect: p95_ms 5
-- expect: max_misestimate 1000
-- expect: no_temp_spill
SELECT id, name, start_date, end_date, budget_allocated, budget_spent
FROM campaigns
WHERE organization_id = $1 AND status = 'active' AND campaign_type = $2
ORDER BY name;
