-- name: campaigns_by_segment
-- description: The campaigns targeting a segment, JSON containment on target_criteria.
-- params: SELECT organization_id, jsonb_build_object('industry', target_criteria ->> 'industry') FROM campaigns WHERE target_criteria ? 'industry' GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 3
-- note: idx_campaigns_target_criteria_gin serves this query, but with ~100 campaigns per tenant the
-- note: planner reads the tenant's range of a B-tree instead; the GIN index pays off only at thousands.
-- expect: no_seq_scan campaigns
-- expect: max_buffers 310
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, name, status, target_criteria
FROM campaigns
WHERE organization_id = $1 AND target_criteria @> $2::jsonb;
