-- name: scoring_rules_by_field
-- description: The scoring rules that test a field, before the field is changed or deleted.
-- params: SELECT organization_id, jsonb_build_object('field', criteria ->> 'field') FROM lead_scoring_rules WHERE criteria ? 'field' GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 3
-- note: idx_lead_scoring_criteria_gin serves this query, but with ~50 rules per tenant the planner
-- note: reads the tenant's range of a B-tree instead; the GIN index pays off only at thousands.
-- expect: no_seq_scan lead_scoring_rules
-- expect: max_buffers 150
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, name, criteria, points, is_active
FROM lead_scoring_rules
WHERE organization_id = $1 AND criteria @> $2::jsonb;
