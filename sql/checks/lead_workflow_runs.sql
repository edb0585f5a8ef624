-- name: lead_workflow_runs
-- description: The workflow runs of one lead, newest first, a page at a time (its detail page).
-- params: SELECT w.organization_id, w.lead_id FROM workflow_executions AS w JOIN {{largest_tenant}} USING (organization_id) WHERE w.lead_id IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC, 2 LIMIT 3
-- expect: uses_index idx_workflow_executions_lead_started on workflow_executions
-- expect: no_seq_scan workflow_executions
-- note: the busiest lead has ~500 runs at 1M leads (459 buffers read whole, V24 made it a page).
-- expect: max_buffers 100
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, workflow_id, status, started_at, finished_at
FROM workflow_executions
WHERE organization_id = $1 AND lead_id = $2
ORDER BY started_at DESC
LIMIT 50;
