-- name: scoring_rules_by_field
-- description: The scoring rules that test a field, by name, a page at a time (before the field is changed or deleted).
-- params: WITH f AS (SELECT organization_id, criteria ->> 'field' AS field, count(*) AS n FROM lead_scoring_rules WHERE criteria ? 'field' AND organization_id = (SELECT organization_id FROM lead_scoring_rules GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) GROUP BY 1, 2) (SELECT organization_id, field FROM f ORDER BY n DESC, 2 LIMIT 2) UNION ALL (SELECT organization_id, field FROM f ORDER BY n, 2 LIMIT 1)
-- note: the samples are the largest tenant's two most common fields and its rarest. At 1M leads it has 10,000
-- note: rules: the whole list was a 12 ms Seq Scan, and a page by name filtering "criteria @> {field}" read
-- note: 5,281 buffers for the rarest field, since names start with the field. Departure from the containment
-- note: form: the field is one scalar path, compared as such, which V24's idx_lead_scoring_rules_field serves.
-- expect: uses_index idx_lead_scoring_rules_field on lead_scoring_rules
-- expect: no_seq_scan_above_pages 80
-- expect: max_buffers 100
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, name, criteria, points, is_active
FROM lead_scoring_rules
WHERE organization_id = $1 AND criteria ->> 'field' = $2
ORDER BY name
LIMIT 50;
