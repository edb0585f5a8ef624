-- name: assignee_picker
-- description: The assignee picker and round-robin pool: active, verified users by name.
-- params: SELECT organization_id FROM users GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3
-- expect: uses_index idx_users_verified_active on users
-- expect: no_seq_scan users
-- expect: max_buffers 60
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, first_name, last_name, email
FROM users
WHERE organization_id = $1 AND is_active AND is_verified
ORDER BY last_name, first_name;
