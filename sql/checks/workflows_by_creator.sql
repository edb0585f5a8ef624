-- name: workflows_by_creator
-- description: The workflows a user created.
-- params: SELECT organization_id, created_by FROM workflows WHERE created_by IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 3
-- note: ix_workflows_created_by is fk_workflows_created_by's index (a user's deletion sets created_by NULL);
-- note: coverage does not require an FK's own index to be used by a check.
-- note: a few pages for the whole table: a Seq Scan is the right plan at seed volume, one on a table
-- note: too large for the budget is not.
-- expect: no_seq_scan_above_pages 12
-- expect: max_buffers 15
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, name, category, is_active
FROM workflows
WHERE organization_id = $1 AND created_by = $2;
