-- name: assignee_picker
-- description: The assignee picker: the first page of the tenant's active, verified users by name.
-- params: SELECT organization_id FROM users GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2
-- note: the two largest tenants (80 and 49 users on seed small); below ~35 verified users a Seq Scan of
-- note: the 8-page table and a sort is cheaper, the right plan, so smaller tenants are not sampled.
-- expect: uses_index idx_users_verified_active on users
-- expect: no_seq_scan users
-- expect: max_buffers 50
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, first_name, last_name, email
FROM users
WHERE organization_id = $1 AND is_active AND is_verified
ORDER BY last_name, first_name
LIMIT 20;
