-- name: upcoming_communications
-- description: The tenant's next scheduled communications.
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- expect: uses_index idx_communications_upcoming on communications
-- expect: no_seq_scan communications
-- expect: max_buffers 930
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, lead_id, user_id, communication_type, scheduled_at
FROM communications
WHERE organization_id = $1 AND status = 'scheduled' AND scheduled_at >= now()
ORDER BY scheduled_at
LIMIT 50;
