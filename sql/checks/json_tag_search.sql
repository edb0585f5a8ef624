-- name: json_tag_search
-- description: The tenant's leads carrying a tag, newest first, a page at a time (design doc 000's JSON tag search, on V25's lead_tags).
-- params: SELECT organization_id, 'vip' FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- note: design doc 000 wrote tags @> '["vip"]' over the GIN index on (organization_id, tags): 9 ms for the largest
-- note: tenant at 1M leads whatever the tag (V25's header). A tag's leads are now an index range of lead_tags.
-- expect: uses_index pk_lead_tags on lead_tags
-- expect: no_seq_scan leads
-- expect: max_buffers 600
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT l.id, l.first_name, l.last_name, l.company, l.tags
FROM lead_tags AS t
JOIN leads AS l ON l.organization_id = t.organization_id AND l.id = t.lead_id
WHERE t.organization_id = $1 AND t.tag = $2
ORDER BY t.lead_id DESC
LIMIT 100;
