-- name: communication_by_message_id
-- description: An e-mail reply or webhook finds its communication by the provider's message id.
-- params: SELECT c.organization_id, jsonb_build_object('message_id', c.comm_metadata ->> 'message_id') FROM communications AS c JOIN {{largest_tenant}} USING (organization_id) WHERE c.comm_metadata ? 'message_id' ORDER BY c.id DESC LIMIT 3
-- expect: uses_index idx_communications_metadata_gin on communications
-- expect: no_seq_scan communications
-- expect: max_buffers 50
-- expect: p95_ms 5
-- note: a message id is unique, but the planner has no statistics for a containment on one key of a jsonb
-- note: value and estimates a fraction of the tenant's rows that depends on ANALYZE's random sample: 1 row
-- note: was estimated at 175 in a CI run, under 100 in the ones before. The plan, the GIN index, is right at any.
-- expect: max_misestimate 1000
-- expect: no_temp_spill
SELECT id, lead_id, user_id, communication_type, status
FROM communications
WHERE organization_id = $1 AND comm_metadata @> $2::jsonb;
