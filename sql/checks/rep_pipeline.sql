-- name: rep_pipeline
-- description: A sales rep's leads in one status.
-- params: WITH t AS (SELECT organization_id FROM leads GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) SELECT l.organization_id, l.assigned_to_id, l.status FROM leads AS l JOIN t USING (organization_id) WHERE l.assigned_to_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY count(*) DESC, 2, 3 LIMIT 3
-- expect: uses_index idx_leads_assigned_status on leads
-- expect: no_seq_scan leads
-- note: the seed's busiest rep has a few hundred leads in one status, one heap page each (362 buffers on seed small).
-- expect: max_buffers 800
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, first_name, last_name, company, score
FROM leads
WHERE organization_id = $1 AND assigned_to_id = $2 AND status = $3
ORDER BY score DESC;
