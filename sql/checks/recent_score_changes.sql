-- name: recent_score_changes
-- description: The tenant's latest lead score changes of the last 30 days.
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- expect: uses_index idx_lead_score_recent on lead_score_history
-- expect: no_seq_scan lead_score_history
-- expect: max_buffers 160
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT lead_id, old_score, new_score, reason, changed_at
FROM lead_score_history
WHERE organization_id = $1 AND changed_at >= now() - interval '30 days'
ORDER BY changed_at DESC
LIMIT 50;
