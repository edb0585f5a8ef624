-- name: custom_field_search
-- description: Leads whose custom fields contain a value, JSON containment.
-- params: SELECT organization_id, jsonb_build_object('industry', i) FROM {{largest_tenant}} CROSS JOIN (VALUES ('saas'), ('legal')) AS v (i)
-- note: "any 100 matches", unordered: for a common value a Seq Scan that stops after ~1,500 rows is
-- note: the better plan (73 buffers, 0.8 ms at 150k leads, where the GIN bitmap must collect all 9,977
-- note: matches first: 82 buffers, 8 ms), so the rule is the work per row returned, not the plan's
-- note: shape. A rare value must use idx_leads_custom_fields_gin: without it 0 rows cost the tenant's range.
-- expect: max_buffers_per_row 2 + 20
-- expect: max_buffers 100
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, first_name, last_name, company, custom_fields
FROM leads
WHERE organization_id = $1 AND custom_fields @> $2::jsonb
LIMIT 100;
