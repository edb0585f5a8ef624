-- name: json_tag_search
-- description: Leads of a tenant carrying a tag, JSON containment on tags as design doc 000 wrote it (before V25's lead_tags).
-- params: SELECT organization_id, '["vip"]' FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- expect: uses_index idx_leads_tags_gin on leads
-- expect: no_seq_scan leads
-- expect: max_buffers 320
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, first_name, last_name, company, tags
FROM leads
WHERE organization_id = $1 AND tags @> $2::jsonb
LIMIT 100;
