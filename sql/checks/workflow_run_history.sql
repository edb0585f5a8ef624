-- name: workflow_run_history
-- description: A workflow's latest runs.
-- params: SELECT w.organization_id, w.workflow_id FROM workflow_executions AS w JOIN {{largest_tenant}} USING (organization_id) GROUP BY 1, 2 ORDER BY count(*) DESC, 2 LIMIT 3
-- expect: uses_index idx_workflow_executions_workflow_started on workflow_executions
-- expect: no_seq_scan workflow_executions
-- expect: max_buffers 70
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, lead_id, status, started_at, finished_at, error
FROM workflow_executions
WHERE organization_id = $1 AND workflow_id = $2
ORDER BY started_at DESC
LIMIT 20;
