-- name: active_workflows
-- description: The tenant's active workflows of a category.
-- params: WITH t AS (SELECT organization_id FROM leads GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) SELECT w.organization_id, w.category FROM workflows AS w JOIN t USING (organization_id) WHERE w.is_active GROUP BY 1, 2 ORDER BY count(*) DESC, 2 LIMIT 3
-- note: V19 dropped idx_workflows_org_category_active, which no plan used: a few dozen workflows per tenant.
-- note: a few pages for the whole table: a Seq Scan is the right plan at seed volume, one on a table
-- note: above 1000 rows is not.
-- expect: no_seq_scan_above 1000
-- expect: max_buffers 15
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, name, trigger_type, created_at
FROM workflows
WHERE organization_id = $1 AND is_active AND category = $2
ORDER BY name;
