-- name: workflow_execution_monitoring
-- description: The tenant's latest workflow runs in a status (failures first to look at).
-- params: SELECT organization_id, status FROM workflow_executions GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 3
-- expect: uses_index idx_workflow_exec_monitoring on workflow_executions
-- expect: no_seq_scan workflow_executions
-- expect: max_buffers 160
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, workflow_id, lead_id, started_at, finished_at, error
FROM workflow_executions
WHERE organization_id = $1 AND status = $2
ORDER BY started_at DESC
LIMIT 50;
