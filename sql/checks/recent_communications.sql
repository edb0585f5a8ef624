-- name: recent_communications
-- description: The tenant's communications feed, newest first, a page at a time (keyset on created_at, id).
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- note: the first page; the next ones add "AND created_at < $2" from the last row, and read as little.
-- expect: uses_index idx_comms_org_activity on communications
-- expect: no_seq_scan communications
-- expect: max_buffers 100
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, lead_id, user_id, communication_type, direction, status, subject, created_at
FROM communications
WHERE organization_id = $1
ORDER BY created_at DESC
LIMIT 50;
