-- name: workflows_by_creator
-- description: The workflows a user created.
-- params: SELECT organization_id, created_by FROM workflows WHERE created_by IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 3
-- expect: uses_index ix_workflows_created_by on workflows
-- expect: no_seq_scan workflows
-- expect: max_buffers 50
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, name, category, is_active
FROM workflows
WHERE organization_id = $1 AND created_by = $2;
