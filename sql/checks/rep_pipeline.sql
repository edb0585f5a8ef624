-- name: rep_pipeline
-- description: A sales rep's leads in one status, best first, one page (keyset: the next page adds AND (score, id) < ($4, $5)).
-- params: SELECT l.organization_id, l.assigned_to_id, l.status FROM leads AS l JOIN {{largest_tenant}} USING (organization_id) WHERE l.assigned_to_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY count(*) DESC, 2, 3 LIMIT 3
-- note: V22 departure: the whole list (no LIMIT) read all ~5,800 leads of the busiest rep in one
-- note: status at 1M leads (5,824 buffers, 13 ms p95); an application shows a page.
-- expect: uses_index idx_leads_rep_pipeline on leads
-- expect: no_seq_scan leads
-- expect: max_buffers 100
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, first_name, last_name, company, score
FROM leads
WHERE organization_id = $1 AND assigned_to_id = $2 AND status = $3
ORDER BY score DESC, id DESC
LIMIT 50;
