-- name: user_upcoming_communications
-- description: A user's next scheduled communications.
-- params: SELECT c.organization_id, c.user_id FROM communications AS c JOIN {{largest_tenant}} USING (organization_id) WHERE c.status = 'scheduled' AND c.user_id IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC, 2 LIMIT 3
-- expect: uses_index idx_comms_user_scheduled on communications
-- expect: no_seq_scan communications
-- expect: max_buffers 70
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, lead_id, communication_type, subject, scheduled_at
FROM communications
WHERE organization_id = $1 AND user_id = $2 AND status = 'scheduled' AND scheduled_at >= now()
ORDER BY scheduled_at
LIMIT 20;
