-- name: lead_score_history
-- description: A lead's score history, newest first, a page at a time (its detail page).
-- params: SELECT h.organization_id, h.lead_id FROM lead_score_history AS h JOIN {{largest_tenant}} USING (organization_id) GROUP BY 1, 2 ORDER BY count(*) DESC, 2 LIMIT 3
-- expect: uses_index idx_lead_score_history_lead_changed on lead_score_history
-- expect: no_seq_scan lead_score_history
-- note: the busiest lead has ~2,500 score changes at 1M leads (2,243 buffers read whole, V24 made it a page);
-- note: the next pages add "AND changed_at < $3" from the last row.
-- expect: max_buffers 100
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT old_score, new_score, reason, changed_at
FROM lead_score_history
WHERE organization_id = $1 AND lead_id = $2
ORDER BY changed_at DESC
LIMIT 50;
