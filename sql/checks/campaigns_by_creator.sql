-- name: campaigns_by_creator
-- description: The campaigns a user created (their profile, or reassigning before they leave).
-- params: SELECT organization_id, created_by FROM campaigns WHERE created_by IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 3
-- expect: uses_index ix_campaigns_created_by on campaigns
-- expect: no_seq_scan campaigns
-- expect: max_buffers 190
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, name, status, created_at
FROM campaigns
WHERE organization_id = $1 AND created_by = $2;
