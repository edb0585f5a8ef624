-- name: lead_assignment_queue
-- description: The next unassigned new leads of a tenant, best score first (design doc 000).
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- expect: uses_index idx_leads_assignable on leads
-- expect: no_seq_scan leads
-- expect: max_buffers 100
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, first_name, last_name, company, score, created_at
FROM leads
WHERE organization_id = $1 AND assigned_to_id IS NULL AND status = 'NEW'
ORDER BY score DESC, id
LIMIT 50;
