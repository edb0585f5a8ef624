-- name: active_workflows
-- description: The tenant's active workflows of a category, by name, a page at a time.
-- params: SELECT w.organization_id, w.category FROM workflows AS w JOIN {{largest_tenant}} USING (organization_id) WHERE w.is_active GROUP BY 1, 2 ORDER BY count(*) DESC, 2 LIMIT 3
-- note: at 1M leads the largest tenant has 1,700 active workflows, 360 of a category: idx_workflows_org_active
-- note: and a top-N sort, 65 buffers and 0.9 ms p95; an index with the category and name would save 1 ms.
-- note: On seed small's few pages a Seq Scan is the right plan; one on a table too large for the budget is not.
-- expect: no_seq_scan_above_pages 80
-- expect: max_buffers 100
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, name, trigger_type, created_at
FROM workflows
WHERE organization_id = $1 AND is_active AND category = $2
ORDER BY name
LIMIT 50;
